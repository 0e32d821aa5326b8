//! `skiff compile`: a module compiled ahead of time into a precompiled
//! module (`.cwasm`) that `skiff run --allow-precompiled` loads without
//! compiling.

use crate::options;
use crate::run::engine_config;
use anyhow::{Context, Result, bail};
use clap::Args;
use skiff::{Engine, Module, Strategy};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compiles a module ahead of time
///
/// Compiles FILE (a `.wasm` binary or `.wat` text) with Cranelift into a
/// precompiled module, by default FILE with the extension `.cwasm`, which
/// `skiff run --allow-precompiled` runs without compiling. It runs only
/// under this skiff version, on a CPU with the same features, and with the
/// same settings: give `skiff compile` the `-W` options you will run with
/// (proposals, and whether `fuel` or `timeout` is set at all).
#[derive(Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Examples:\n  \
    skiff compile app.wasm\n  \
    skiff run --allow-precompiled app.cwasm\n  \
    skiff compile -W fuel=1 app.wasm -o metered.cwasm\n  \
    skiff run --allow-precompiled -W fuel=100000000 metered.cwasm"
)]
pub struct CompileCommand {
    /// Runtime options as for `skiff run` (proposals, fuel=N, timeout=DURATION)
    #[arg(short = 'W', value_name = "KEY=VALUE[,..]")]
    wasm: Vec<String>,

    #[arg(short = 'C', value_name = "KEY=VALUE[,..]", long_help = options::COMPILATION_HELP,
          help = "Compilation options; strategy=cranelift (the default here) is the only strategy that precompiles")]
    compilation: Vec<String>,

    /// Where to write the precompiled module (default: FILE with `.cwasm`)
    #[arg(short = 'o', long = "output", value_name = "OUTPUT")]
    output: Option<PathBuf>,

    /// The module to compile: WebAssembly binary or text
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

impl CompileCommand {
    pub fn execute(self) -> Result<ExitCode> {
        let (config, _) = engine_config(&self.wasm, &self.compilation, Strategy::Cranelift, false)?;
        let engine = Engine::new(&config)?;
        let path = &self.file;
        let bytes = std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        if Module::is_precompiled(&bytes) {
            bail!("`{}` is already a precompiled module", path.display());
        }
        let artifact =
            precompile(&engine, &bytes).with_context(|| format!("failed to compile `{}`", path.display()))?;
        let output = self.output.unwrap_or_else(|| path.with_extension("cwasm"));
        std::fs::write(&output, artifact).with_context(|| format!("failed to write `{}`", output.display()))?;
        Ok(ExitCode::SUCCESS)
    }
}

#[cfg(feature = "cranelift")]
fn precompile(engine: &Engine, bytes: &[u8]) -> Result<Vec<u8>> {
    engine.precompile_module(bytes)
}

#[cfg(not(feature = "cranelift"))]
fn precompile(_: &Engine, _: &[u8]) -> Result<Vec<u8>> {
    bail!("this skiff was built without the compiled tier (the `cranelift` feature) and cannot precompile")
}
