//! `skiff run`: compile, instantiate and call a module.

use crate::options::{self, feature_names};
use anyhow::{Context, Result, bail};
use clap::Args;
use skiff::{Config, Engine, Extern, Func, HeapType, Linker, Module, Store, Val, ValType};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs a WebAssembly module
///
/// Compiles FILE (a `.wasm` binary or `.wat` text), instantiates it and calls
/// the function named by `--invoke` with ARGS, printing each result on its
/// own line. Without `--invoke`, calls the module's `_start` export.
///
/// Imports cannot be provided yet (WASI is still to come), so modules with
/// imports are refused. A trap exits with status 134, other errors with 1.
#[derive(Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Examples:\n  \
    skiff run examples/fib.wat --invoke fib 30\n  \
    skiff run -W fuel=1000000 module.wasm --invoke compute -- -5 0x10 2.5"
)]
pub struct RunCommand {
    /// The exported function to call
    ///
    /// ARGS are parsed by its parameter types: i32/i64 as decimal or
    /// 0x-prefixed hexadecimal (negative allowed), f32/f64 as decimal
    /// floats (also `nan`, `inf`, `-inf`), funcref/externref only as `null`.
    /// Without this option the module's `_start` export is called.
    #[arg(long, value_name = "FUNCTION", verbatim_doc_comment)]
    invoke: Option<String>,

    /// Runtime options, `KEY=VALUE` (several per flag with commas)
    ///
    /// fuel=N       run with N units of fuel; running out of it traps
    /// FEATURE=y|n  switch a proposal, as in `skiff wast`
    #[arg(short = 'W', value_name = "KEY=VALUE[,..]", verbatim_doc_comment)]
    wasm: Vec<String>,

    /// The module to run: WebAssembly binary or text
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Arguments for the invoked function; everything from the first one on is an argument
    #[arg(value_name = "ARGS", allow_hyphen_values = true)]
    args: Vec<String>,
}

impl RunCommand {
    pub fn execute(self) -> Result<ExitCode> {
        let mut config = Config::new();
        let mut fuel = None;
        for opt in options::split(&self.wasm) {
            if opt.key == "fuel" {
                let value = opt.value.context("-W fuel needs a value, e.g. `-W fuel=10000`")?;
                let n = parse_u64(value).with_context(|| format!("invalid value `{value}` for -W fuel"))?;
                fuel = Some(n);
            } else if !options::apply_feature(&mut config, &opt)? {
                bail!("unknown -W option `{}` (known: fuel=N, or a proposal name: {})", opt.key, feature_names());
            }
        }
        config.consume_fuel(fuel.is_some());
        let engine = Engine::new(&config)?;
        let module = load_module(&engine, &self.file)?;

        if let Some(import) = module.imports().find(|i| i.module().starts_with("wasi")) {
            bail!(
                "unknown import: `{}::{}` has not been defined (WASI is not supported yet)",
                import.module(),
                import.name()
            );
        }

        let mut store = Store::new(&engine, ());
        if let Some(fuel) = fuel {
            store.set_fuel(fuel)?;
        }
        let linker = Linker::new(&engine);
        let instance = linker
            .instantiate(&mut store, &module)
            .with_context(|| format!("failed to instantiate `{}`", self.file.display()))?;

        let name = match &self.invoke {
            Some(name) => name.as_str(),
            None if module.get_export("_start").is_some() => {
                if !self.args.is_empty() {
                    bail!(
                        "arguments for `_start` are passed through WASI, which is not supported yet; \
                         use `--invoke FUNCTION` to call a function with arguments"
                    );
                }
                "_start"
            }
            None => match self.args.iter().find(|a| a.starts_with("--") && a.len() > 2) {
                Some(option) => bail!(
                    "no `--invoke` given and the module has no `_start` export \
                     (`{option}` was taken as an argument: options must come before the arguments)"
                ),
                None => bail!("no `--invoke` given and the module has no `_start` export"),
            },
        };
        let func = match instance.get_export(&mut store, name) {
            Some(Extern::Func(func)) => func,
            Some(other) => bail!("export `{name}` is not a function (it is a {})", extern_kind(&other)),
            None => {
                let funcs: Vec<String> = module
                    .exports()
                    .filter(|e| matches!(e.ty(), skiff::ExternType::Func(_)))
                    .map(|e| format!("`{}`", e.name()))
                    .collect();
                if funcs.is_empty() {
                    bail!("the module has no export named `{name}` (it exports no functions)");
                }
                bail!("the module has no export named `{name}` (exported functions: {})", funcs.join(", "));
            }
        };

        let results = invoke(&mut store, func, name, &self.args)?;
        let mut stdout = std::io::stdout().lock();
        for val in &results {
            writeln!(stdout, "{}", format_val(val))?;
        }
        stdout.flush()?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Reads and compiles a binary or text module, with the file named in errors.
fn load_module(engine: &Engine, path: &Path) -> Result<Module> {
    let bytes = std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    let compiled = if bytes.starts_with(b"\0asm") {
        Module::from_binary(engine, &bytes)
    } else if std::str::from_utf8(&bytes).is_err() {
        Err(anyhow::anyhow!(
            "not a WebAssembly module: no `\\0asm` header for the binary format, and not UTF-8 for the text format"
        ))
    } else {
        wat::Parser::new()
            .parse_bytes(Some(path), &bytes)
            .map_err(anyhow::Error::from)
            .and_then(|wasm| Module::from_binary(engine, &wasm))
    };
    compiled.with_context(|| format!("failed to compile `{}`", path.display()))
}

/// Parses `args` by `func`'s parameter types and calls it.
fn invoke(store: &mut Store<()>, func: Func, name: &str, args: &[String]) -> Result<Vec<Val>> {
    let ty = func.ty(&*store);
    let params: Vec<ValType> = ty.params().collect();
    if args.len() != params.len() {
        let types = params.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
        let plural = if params.len() == 1 { "" } else { "s" };
        bail!(
            "function `{name}` takes {} argument{plural} ({types}), but {} {} given",
            params.len(),
            args.len(),
            if args.len() == 1 { "was" } else { "were" }
        );
    }
    let vals = args
        .iter()
        .zip(&params)
        .enumerate()
        .map(|(i, (arg, ty))| {
            parse_val(arg, ty)
                .with_context(|| format!("invalid argument {} of `{name}`: `{arg}` is not a valid {ty}", i + 1))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut results: Vec<Val> = ty.results().map(|t| Val::default_for_ty(&t).unwrap_or(Val::I32(0))).collect();
    func.call(&mut *store, &vals, &mut results).with_context(|| format!("failed to invoke `{name}`"))?;
    Ok(results)
}

fn parse_val(arg: &str, ty: &ValType) -> Result<Val> {
    Ok(match ty {
        ValType::I32 => Val::I32(parse_int(arg, i32::MIN.into(), u32::MAX.into())? as i32),
        ValType::I64 => Val::I64(parse_int(arg, i64::MIN.into(), u64::MAX.into())? as i64),
        ValType::F32 => Val::F32(parse_float::<f32>(arg)?.to_bits()),
        ValType::F64 => Val::F64(parse_float::<f64>(arg)?.to_bits()),
        ValType::V128 => bail!("v128 arguments are not supported"),
        ValType::Ref(r) => {
            if arg != "null" {
                bail!("only `null` can be passed for a reference");
            }
            if !r.is_nullable() {
                bail!("the parameter is a non-nullable reference, which cannot be passed from the command line");
            }
            match r.heap_type() {
                HeapType::Func => Val::FuncRef(None),
                HeapType::Extern => Val::ExternRef(None),
            }
        }
    })
}

/// An integer in decimal or `0x` hexadecimal, optionally negative, within `min..=max`.
/// Values above the signed range are the two's complement bits (e.g. `0xffffffff` is `-1i32`).
fn parse_int(arg: &str, min: i128, max: i128) -> Result<i128> {
    let (negative, rest) = match arg.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, arg.strip_prefix('+').unwrap_or(arg)),
    };
    let (radix, digits) = match rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        Some(hex) => (16, hex),
        None => (10, rest),
    };
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        bail!("expected a decimal or 0x-prefixed hexadecimal integer");
    }
    let magnitude = i128::from_str_radix(&digits, radix).map_err(|_| anyhow::anyhow!("out of range"))?;
    let value = if negative { -magnitude } else { magnitude };
    if value < min || value > max {
        bail!("out of range (expected {min} to {max})");
    }
    Ok(value)
}

fn parse_u64(arg: &str) -> Result<u64> {
    Ok(parse_int(arg, 0, u64::MAX.into())? as u64)
}

fn parse_float<F: std::str::FromStr>(arg: &str) -> Result<F> {
    arg.parse::<F>().map_err(|_| anyhow::anyhow!("expected a decimal number, `nan`, `inf` or `-inf`"))
}

fn format_val(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(bits) => format!("0x{bits:032x}"),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".to_string(),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(Some(_)) => "ref.extern".to_string(),
    }
}

fn extern_kind(ext: &Extern) -> &'static str {
    match ext {
        Extern::Func(_) => "function",
        Extern::Global(_) => "global",
        Extern::Table(_) => "table",
        Extern::Memory(_) => "memory",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        let i32_range = (i32::MIN.into(), u32::MAX.into());
        let p = |s| parse_int(s, i32_range.0, i32_range.1).ok();
        assert_eq!(p("42"), Some(42));
        assert_eq!(p("-42"), Some(-42));
        assert_eq!(p("+7"), Some(7));
        assert_eq!(p("0x10"), Some(16));
        assert_eq!(p("-0X10"), Some(-16));
        assert_eq!(p("0xffffffff"), Some(0xffff_ffff));
        assert_eq!(p("0x100000000"), None);
        assert_eq!(p("-2147483649"), None);
        assert_eq!(p("1_000"), Some(1000));
        for bad in ["", "-", "0x", "--5", "-+5", "0x-5", "1.5", "abc", "1e3", " 1"] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
        assert_eq!(parse_val("0xffffffff", &ValType::I32).unwrap().unwrap_i32(), -1);
        assert_eq!(parse_val("18446744073709551615", &ValType::I64).unwrap().unwrap_i64(), -1);
    }

    #[test]
    fn floats() {
        assert!(parse_val("nan", &ValType::F32).unwrap().unwrap_f32().is_nan());
        assert_eq!(parse_val("-inf", &ValType::F64).unwrap().unwrap_f64(), f64::NEG_INFINITY);
        assert_eq!(parse_val("2.5", &ValType::F64).unwrap().unwrap_f64(), 2.5);
        assert!(parse_val("x", &ValType::F64).is_err());
        assert_eq!(format_val(&Val::F64(1.0f64.to_bits())), "1");
    }
}
