//! `skiff wast`: run WebAssembly spec test scripts.

use crate::options::{self, feature_names};
use anyhow::{Context, Result, bail};
use clap::Args;
use skiff::{Config, WasmVersion};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Runs WebAssembly spec test scripts (`.wast`)
///
/// Prints `FILE: N passed, M failed` for each script, followed by its failed
/// directives, and a final `spec: N passed, M failed` total. Exits with 1 if
/// any directive failed or a script could not be read or parsed.
#[derive(Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Examples:\n  skiff wast tests/*.wast\n  skiff wast --spec 2 -W tail-call tests/*.wast"
)]
pub struct WastCommand {
    /// Enables exactly the features of a WebAssembly specification version
    ///
    /// Without it, the features `skiff run` enables: Wasm 2.0 and the Wasm
    /// 3.0 proposals skiff implements (relaxed-simd, tail-call,
    /// extended-const, function-references, exceptions, multi-memory,
    /// memory64). `-W` switches apply on top of either.
    #[arg(long, value_name = "1|2|3", verbatim_doc_comment,
          value_parser = clap::value_parser!(u8).range(1..=3))]
    spec: Option<u8>,

    /// Switches a proposal on or off (bare `-W FEATURE` means `=y`)
    ///
    /// Features, by Wasmtime's names: bulk-memory, custom-page-sizes,
    /// exceptions, extended-const, function-references, gc, memory64,
    /// multi-memory, multi-value, mutable-global, reference-types,
    /// relaxed-simd, saturating-float-to-int, sign-extension, simd,
    /// tail-call, threads, wide-arithmetic. Values: y/n or true/false.
    /// Several may be given per flag, separated by commas.
    #[arg(short = 'W', value_name = "FEATURE[=y|n]", verbatim_doc_comment)]
    features: Vec<String>,

    #[arg(short = 'C', value_name = "KEY=VALUE[,..]", verbatim_doc_comment, long_help = options::COMPILATION_HELP,
          help = "Compilation options: strategy=auto|interpreter|cranelift, tier-up-threshold=N, cache=y|n, cache-dir=PATH, compilation-mode=eager|lazy-translation|lazy")]
    compilation: Vec<String>,

    /// The scripts to run
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

impl WastCommand {
    pub fn execute(self) -> Result<ExitCode> {
        // The default is `Config::new()`'s feature set, as for `skiff run`.
        let mut config = Config::new();
        if let Some(spec) = self.spec {
            config.wasm_version(match spec {
                1 => WasmVersion::V1,
                2 => WasmVersion::V2,
                3 => WasmVersion::V3,
                other => bail!("unknown spec version {other}"),
            });
        }
        for opt in options::split(&self.features) {
            if !options::apply_feature(&mut config, &opt)? {
                bail!("unknown -W feature `{}` (known: {})", opt.key, feature_names());
            }
        }
        options::apply_compilation(&mut config, &self.compilation)?;

        // Written with `writeln!` rather than `println!` so that a closed pipe
        // (`skiff wast ... | head`) is an error, not a panic.
        let mut out = std::io::stdout().lock();
        let (mut passed, mut failed, mut broken) = (0, 0, 0);
        for file in &self.files {
            let name = file.display().to_string();
            let report = std::fs::read_to_string(file)
                .with_context(|| format!("failed to read `{name}`"))
                .and_then(|text| skiff_wast::run_script(&config, &name, &text));
            match report {
                Ok(report) => {
                    writeln!(out, "{name}: {} passed, {} failed", report.passed, report.failed)?;
                    for failure in &report.failures {
                        writeln!(out, "  {}", failure.replace('\n', "\n  "))?;
                    }
                    passed += report.passed;
                    failed += report.failed;
                }
                Err(err) => {
                    broken += 1;
                    out.flush()?;
                    eprintln!("Error: {}", crate::error::render(&err));
                }
            }
        }
        writeln!(out, "spec: {passed} passed, {failed} failed")?;
        out.flush()?;
        if broken > 0 {
            eprintln!("{broken} script{} could not be run", if broken == 1 { "" } else { "s" });
        }
        Ok(if failed > 0 || broken > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
    }
}
