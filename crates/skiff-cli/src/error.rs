//! Printing errors and choosing exit codes.

use skiff::{ThrownException, Trap};
use std::fmt::Write;

/// The exit code for a WebAssembly trap or uncaught exception: what a Unix
/// shell reports for SIGABRT (128 + 6), as Wasmtime does for traps.
pub const TRAP_EXIT_CODE: u8 = 134;

/// The exit code for every other error.
pub const ERROR_EXIT_CODE: u8 = 1;

pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<Trap>().is_some() || err.downcast_ref::<ThrownException>().is_some() {
        TRAP_EXIT_CODE
    } else {
        ERROR_EXIT_CODE
    }
}

/// The error and its causes, laid out as anyhow's `{:?}` ("Caused by:" and
/// numbered causes) but without a Rust backtrace, which says nothing to a
/// user. The engine's backtrace display already elides the middle of very
/// long wasm backtraces.
pub fn render(err: &anyhow::Error) -> String {
    let mut out = err.to_string();
    let causes: Vec<String> = err.chain().skip(1).map(|cause| cause.to_string()).collect();
    if !causes.is_empty() {
        out.push_str("\n\nCaused by:");
        for (i, cause) in causes.iter().enumerate() {
            let (prefix, indent) = if causes.len() == 1 { (String::new(), 4) } else { (format!("{i}: "), 7) };
            let mut lines = cause.lines();
            let _ = write!(out, "\n    {prefix}{}", lines.next().unwrap_or(""));
            for line in lines {
                let _ = write!(out, "\n{:indent$}{line}", "");
            }
        }
    }
    out
}
