//! Golden tests of the translator's output: each `tests/disas/*.wat` file
//! ends with the expected listing of its functions, in comments (of the
//! code that counts for tier-up, for `tier_up*.wat`). Run with
//! `SKIFF_BLESS=1` to rewrite the expectations after a deliberate change.

use std::path::Path;

const MARKER: &str = ";; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----";

#[test]
fn translator_output_matches_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/disas");
    let bless = std::env::var_os("SKIFF_BLESS").is_some();
    let mut mismatches = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "wat")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let source = text.split(MARKER).next().unwrap().trim_end();
        // The default features plus the implemented proposals that are not
        // on by default yet, so their code has golden listings too; the
        // interpreter alone, but for files about tier-up's counters, whose
        // names start with `tier_up`.
        let tier_up = path.file_name().unwrap().to_str().unwrap().starts_with("tier_up");
        let strategy = if tier_up { skiff::Strategy::Auto } else { skiff::Strategy::Interpreter };
        let mut config = skiff::Config::new();
        config.strategy(strategy).wasm_tail_call(true).wasm_function_references(true);
        let engine = skiff::Engine::new(&config).unwrap();
        let module = skiff::Module::new(&engine, source).unwrap();
        let num_imports = module.imports().filter(|i| matches!(i.ty(), skiff::ExternType::Func(_))).count() as u32;
        let mut listing = String::new();
        let mut index = num_imports;
        while let Some(code) = module.disassemble(index) {
            listing.push_str(&format!("\nfunction {index}:\n{code}"));
            index += 1;
        }
        let expected: String = listing.lines().map(|l| format!(";; {l}").trim_end().to_string() + "\n").collect();
        let full = format!("{source}\n\n{MARKER}\n{expected}");
        if full != text {
            if bless {
                std::fs::write(&path, full).unwrap();
            } else {
                mismatches.push(format!("{}:\n{listing}", path.display()));
            }
        }
    }
    assert!(mismatches.is_empty(), "translator output changed (SKIFF_BLESS=1 to accept):\n{}", mismatches.join("\n"));
}
