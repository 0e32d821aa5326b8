//! `skiff`: the command-line front end of the skiff WebAssembly runtime.
//!
//! The flags follow `wasmtime` where the two overlap (`run --invoke`, `-W`),
//! so scripts written for one mostly work with the other.

mod compile;
mod error;
mod options;
mod run;
mod wast;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// A fast WebAssembly runtime
///
/// Runs WebAssembly modules (`.wasm` binaries or `.wat` text) and
/// WebAssembly spec test scripts (`.wast`), and compiles modules ahead of
/// time.
#[derive(Parser)]
#[command(name = "skiff", version, verbatim_doc_comment)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Run(run::RunCommand),
    Compile(compile::CompileCommand),
    Wast(wast::WastCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(cmd) => cmd.execute(),
        Command::Compile(cmd) => cmd.execute(),
        Command::Wast(cmd) => cmd.execute(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("Error: {}", error::render(&err));
            ExitCode::from(error::exit_code(&err))
        }
    }
}
