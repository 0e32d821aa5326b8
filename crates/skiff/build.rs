//! Chooses the interpreter's dispatch strategy.
//!
//! Threaded dispatch (`cfg(skiff_tail_calls)`) makes every instruction
//! handler end in a jump to the next handler. It relies on LLVM turning those
//! tail calls into jumps (sibling-call optimization), which it does when
//! optimizing on the listed architectures, and not at `opt-level` 0 or 1 or
//! with debug assertions (whose checks keep some handlers from ending in a
//! jump), where every instruction would otherwise grow the host stack. The
//! test `long_loops_run_in_constant_host_stack` guards this in optimized
//! builds. Elsewhere, and
//! when `SKIFF_LOOP_DISPATCH` is set (to compare the two), a loop calls the
//! same handler code.
//!
//! Also sets `SKIFF_BUILD_ID`, a hash of the crate's sources: compiled code
//! that this build saved (precompiled modules, the on-disk cache) relies on
//! the runtime's layouts (`VMContext`, trap codes), which may change without
//! a version bump, so such code names the exact sources it was made by.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rustc-env=SKIFF_BUILD_ID={:016x}", source_hash(Path::new("src")));
    println!("cargo::rerun-if-env-changed=SKIFF_LOOP_DISPATCH");
    println!("cargo::rerun-if-env-changed=SKIFF_PROFILE");
    println!("cargo::rustc-check-cfg=cfg(skiff_tail_calls)");
    println!("cargo::rustc-check-cfg=cfg(skiff_profile)");
    // `SKIFF_PROFILE=1` counts executed instruction pairs (see
    // `interp::dispatch::profile`); it needs the loop dispatcher.
    let profile = env::var_os("SKIFF_PROFILE").is_some();
    if profile {
        println!("cargo::rustc-cfg=skiff_profile");
    }
    let opt_level = env::var("OPT_LEVEL").unwrap_or_default();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let optimizing = matches!(opt_level.as_str(), "2" | "3" | "s" | "z");
    let debug_assertions = env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let sibling_calls = matches!(arch.as_str(), "x86_64" | "aarch64" | "riscv64" | "loongarch64");
    if optimizing && !debug_assertions && sibling_calls && !profile && env::var_os("SKIFF_LOOP_DISPATCH").is_none() {
        println!("cargo::rustc-cfg=skiff_tail_calls");
    }
}

/// FNV-1a over the relative path and the contents of every file under
/// `dir`, in sorted order.
fn source_hash(dir: &Path) -> u64 {
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let contents = std::fs::read(&file).unwrap_or_default();
        for byte in file.to_string_lossy().bytes().chain(contents) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
    }
    hash
}
