//! `skiff run`: compile and instantiate a module with WASI, then run it.

use crate::options::{self, WOption, feature_names};
use anyhow::{Context, Result, bail};
use clap::Args;
use skiff::{
    Config, Engine, Extern, Func, HeapType, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Strategy, Trap,
    Val, ValType,
};
use skiff_wasi::{I32Exit, WasiCtx, WasiCtxBuilder};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Runs a WebAssembly module
///
/// Compiles FILE (a `.wasm` binary or `.wat` text) and instantiates it with
/// WASI preview1 (`wasi_snapshot_preview1`). A command module's `_start` runs
/// with ARGS as its arguments (argv[0] is FILE as given); with `--invoke`,
/// a reactor's `_initialize` runs first, then the named function is called
/// with ARGS parsed by its parameter types, and its results are printed, one
/// per line.
///
/// The guest sees only what is granted: stdio, the `--dir` directories, the
/// `--env` variables and `-S tcplisten` sockets. `proc_exit(n)` exits with
/// n; a trap prints its message and wasm backtrace and exits with 134.
#[derive(Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Examples:\n  \
    skiff run app.wasm arg1 arg2\n  \
    skiff run --dir ./data --dir /tmp/out::/out --env LANG=C app.wasm\n  \
    skiff run -W fuel=100000000 -W timeout=5s -W max-memory-size=64MiB untrusted.wasm\n  \
    skiff run -S tcplisten=127.0.0.1:8080 server.wasm\n  \
    skiff run examples/fib.wat --invoke fib 30"
)]
pub struct RunCommand {
    /// Grants the guest the host directory HOST, seen as GUEST (default: HOST)
    ///
    /// The guest can reach everything beneath it and nothing above: `..`,
    /// absolute paths and symlinks that lead out are refused.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", verbatim_doc_comment)]
    dirs: Vec<String>,

    /// Sets an environment variable for the guest; a bare NAME passes the host's value
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    envs: Vec<String>,

    /// The exported function to call instead of `_start`
    ///
    /// ARGS are parsed by its parameter types: i32/i64 as decimal or
    /// 0x-prefixed hexadecimal (negative allowed), f32/f64 as decimal
    /// floats (also `nan`, `inf`, `-inf`), funcref/externref only as `null`.
    #[arg(long, value_name = "FUNCTION", verbatim_doc_comment)]
    invoke: Option<String>,

    /// Runtime options, `KEY=VALUE` (several per flag with commas)
    ///
    /// fuel=N                 run with N units of fuel; running out of it traps
    /// timeout=DURATION       interrupt the guest after e.g. `5s` or `250ms`
    /// max-memory-size=BYTES  cap each linear memory, e.g. `64MiB`
    /// FEATURE=y|n            switch a proposal, as in `skiff wast`
    #[arg(short = 'W', value_name = "KEY=VALUE[,..]", verbatim_doc_comment)]
    wasm: Vec<String>,

    #[arg(short = 'C', value_name = "KEY=VALUE[,..]", verbatim_doc_comment, long_help = options::COMPILATION_HELP,
          help = "Compilation options: strategy=auto|interpreter|cranelift, tier-up-threshold=N, cache=y|n, cache-dir=PATH, compilation-mode=eager|lazy-translation|lazy")]
    compilation: Vec<String>,

    /// WASI options, `KEY[=VALUE]` (several per flag with commas)
    ///
    /// inherit-env[=y|n]  pass the host's whole environment to the guest
    /// tcplisten=ADDR     listen on a TCP address (e.g. 127.0.0.1:8080) and
    ///                    give the guest the listening socket as its next fd
    #[arg(short = 'S', value_name = "KEY[=VALUE][,..]", verbatim_doc_comment)]
    wasi: Vec<String>,

    /// Debugging options (several per flag with commas)
    ///
    /// tier-log  print each function tier-up compiles, with the time it took
    #[arg(short = 'D', value_name = "KEY[,..]", verbatim_doc_comment)]
    debug: Vec<String>,

    /// Tells a profiler about compiled code: `perfmap` writes /tmp/perf-PID.map
    ///
    /// With `perf record skiff run --profile=perfmap -C strategy=cranelift …`,
    /// `perf report` names compiled functions by their wasm names.
    #[arg(long, value_name = "STRATEGY", verbatim_doc_comment)]
    profile: Option<String>,

    /// Runs a precompiled module (`skiff compile`'s output) if FILE is one
    ///
    /// A precompiled module is machine code that runs as it is: skiff checks
    /// that it was built by this version for this CPU and these settings,
    /// but cannot check what it does. Pass only files you made.
    #[arg(long, verbatim_doc_comment)]
    allow_precompiled: bool,

    /// The module to run: WebAssembly binary or text, or a precompiled module
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Arguments: the program's, or the invoked function's; everything after FILE is one
    #[arg(value_name = "ARGS", allow_hyphen_values = true, trailing_var_arg = true)]
    args: Vec<String>,
}

/// What the store holds for the guest.
struct Host {
    wasi: WasiCtx,
    limits: StoreLimits,
}

/// The `-W` settings that are not proposal switches.
#[derive(Default)]
pub(crate) struct Limits {
    fuel: Option<u64>,
    timeout: Option<Duration>,
    max_memory_size: Option<usize>,
}

/// The engine's configuration from `-W` and `-C` flags (`strategy` first,
/// which `-C` may change), and the limits to apply to the store. With
/// `cache`, compiled code is cached in the default directory unless `-C`
/// says otherwise.
pub(crate) fn engine_config(
    wasm: &[String],
    compilation: &[String],
    strategy: Strategy,
    cache: bool,
) -> Result<(Config, Limits)> {
    let mut config = Config::new();
    config.strategy(strategy);
    if cache {
        config.cache_dir(Config::default_cache_dir());
    }
    let mut limits = Limits::default();
    for opt in options::split(wasm) {
        limits.apply(&mut config, &opt)?;
    }
    options::apply_compilation(&mut config, compilation)?;
    // Both change the code the compiled tier makes, so a precompiled module
    // must have been built with the same.
    config.consume_fuel(limits.fuel.is_some());
    config.epoch_interruption(limits.timeout.is_some());
    Ok((config, limits))
}

impl Limits {
    fn apply(&mut self, config: &mut Config, opt: &WOption<'_>) -> Result<()> {
        let value = || opt.value.with_context(|| format!("-W {} needs a value", opt.key));
        let invalid = |value: &str| format!("invalid value `{value}` for -W {}", opt.key);
        match opt.key {
            "fuel" => {
                let v = value()?;
                self.fuel = Some(parse_u64(v).with_context(|| invalid(v))?);
            }
            "timeout" => {
                let v = value()?;
                self.timeout = Some(options::parse_duration(v).with_context(|| invalid(v))?);
            }
            "max-memory-size" => {
                let v = value()?;
                let bytes = options::parse_bytes(v).with_context(|| invalid(v))?;
                self.max_memory_size = Some(usize::try_from(bytes).unwrap_or(usize::MAX));
            }
            _ => {
                if !options::apply_feature(config, opt)? {
                    bail!(
                        "unknown -W option `{}` (known: fuel=N, timeout=DURATION, max-memory-size=BYTES, \
                         or a proposal name: {})",
                        opt.key,
                        feature_names()
                    );
                }
            }
        }
        Ok(())
    }
}

impl RunCommand {
    pub fn execute(self) -> Result<ExitCode> {
        let path = &self.file;
        let bytes = std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        let precompiled = Module::is_precompiled(&bytes);
        if precompiled && !self.allow_precompiled {
            bail!(
                "`{}` is a precompiled module: machine code that skiff cannot check; \
                 pass --allow-precompiled to run it",
                path.display()
            );
        }
        let strategy = if precompiled { Strategy::Cranelift } else { Strategy::Auto };
        let (mut config, limits) = engine_config(&self.wasm, &self.compilation, strategy, !precompiled)?;
        if let Some(profile) = &self.profile {
            config.profiler(profile.parse()?);
        }
        for opt in options::split(&self.debug) {
            match opt.key {
                "tier-log" => {
                    config.tier_log(options::parse_flag(&opt, "-D")?);
                }
                other => bail!("unknown -D option `{other}` (known: tier-log)"),
            }
        }
        let engine = Engine::new(&config)?;
        let wasi = self.wasi_ctx()?;
        let module = load_module(&engine, path, &bytes)?;

        let mut linker = Linker::new(&engine);
        skiff_wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)?;
        let mut store_limits = StoreLimitsBuilder::new();
        if let Some(bytes) = limits.max_memory_size {
            store_limits = store_limits.memory_size(bytes);
        }
        let mut store = Store::new(&engine, Host { wasi, limits: store_limits.build() });
        store.limiter(|host| &mut host.limits);
        if let Some(fuel) = limits.fuel {
            store.set_fuel(fuel)?;
        }
        if let Some(timeout) = limits.timeout {
            store.set_epoch_deadline(1);
            let engine = engine.clone();
            // The timer thread ends with the process; it needs no joining.
            std::thread::spawn(move || {
                std::thread::sleep(timeout);
                engine.increment_epoch();
            });
        }

        let result = self.run(&mut store, &linker, &module);
        match result {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(err) => {
                if let Some(&I32Exit(code)) = err.downcast_ref::<I32Exit>() {
                    // 126 and up mean "not executable", "not found" and
                    // "killed by a signal" to a shell: like Wasmtime, refuse
                    // to pass them on rather than let a guest fake them.
                    if !(0..126).contains(&code) {
                        bail!("the guest exited with status {code}, which is outside the portable range 0..=125");
                    }
                    return Ok(ExitCode::from(code as u8));
                }
                if err.downcast_ref::<Trap>() == Some(&Trap::Interrupt)
                    && let Some(timeout) = limits.timeout
                {
                    return Err(err.context(format!("the guest ran longer than the -W timeout of {timeout:?}")));
                }
                Err(err)
            }
        }
    }

    /// The guest's WASI context, from `--dir`, `--env` and `-S`.
    fn wasi_ctx(&self) -> Result<WasiCtx> {
        let mut builder = WasiCtxBuilder::new();
        builder.inherit_stdio();
        // argv[0] is the module's file name without its directories, as
        // Wasmtime passes it: the guest learns nothing of the host's layout.
        let argv0 = self.file.file_name().unwrap_or(self.file.as_os_str());
        builder.arg(argv0.as_encoded_bytes());
        builder.args(&self.args);
        let mut listeners = Vec::new();
        for opt in options::split(&self.wasi) {
            match opt.key {
                "inherit-env" => {
                    if options::parse_flag(&opt, "-S")? {
                        builder.inherit_env();
                    }
                }
                "tcplisten" => {
                    let addr =
                        opt.value.context("-S tcplisten needs an address, e.g. `-S tcplisten=127.0.0.1:8080`")?;
                    let listener = TcpListener::bind(addr)
                        .with_context(|| format!("failed to listen on `{addr}` for -S tcplisten"))?;
                    listeners.push(listener);
                }
                other => bail!("unknown -S option `{other}` (known: inherit-env, tcplisten=ADDR)"),
            }
        }
        for env in &self.envs {
            match env.split_once('=') {
                Some((name, value)) => builder.env(name, value),
                // A bare name passes the host's value; unset on the host, it stays unset.
                None => match std::env::var_os(env) {
                    Some(value) => builder.env(env, value.as_encoded_bytes()),
                    None => &mut builder,
                },
            };
        }
        for dir in &self.dirs {
            let (host, guest) = dir.split_once("::").unwrap_or((dir, dir));
            builder
                .preopened_dir(host, guest)
                .with_context(|| format!("failed to open directory `{host}` for --dir"))?;
        }
        for listener in listeners {
            builder.preopened_listener(listener);
        }
        Ok(builder.build())
    }

    /// Instantiates the module and runs `_start`, or `_initialize` and the `--invoke`d function.
    fn run(&self, store: &mut Store<Host>, linker: &Linker<Host>, module: &Module) -> Result<()> {
        let instance = linker
            .instantiate(&mut *store, module)
            .with_context(|| format!("failed to instantiate `{}`", self.file.display()))?;
        let initialize = instance.get_func(&mut *store, "_initialize");
        let Some(name) = &self.invoke else {
            return match (instance.get_func(&mut *store, "_start"), initialize) {
                (Some(start), _) => start
                    .call(&mut *store, &[], &mut [])
                    .with_context(|| format!("failed to run `{}`", self.file.display())),
                // A reactor without `--invoke` is initialized, and that is all.
                (None, Some(init)) => init.call(&mut *store, &[], &mut []).context("failed to run `_initialize`"),
                (None, None) => match self.args.iter().find(|a| a.starts_with("--") && a.len() > 2) {
                    Some(option) => bail!(
                        "no `--invoke` given and the module has no `_start` export \
                         (`{option}` was taken as an argument: options must come before the module)"
                    ),
                    None => bail!("no `--invoke` given and the module has no `_start` export"),
                },
            };
        };
        if let Some(init) = initialize {
            init.call(&mut *store, &[], &mut []).context("failed to run `_initialize`")?;
        }
        let func = match instance.get_export(&mut *store, name) {
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
        let results = invoke(store, func, name, &self.args)?;
        let mut stdout = std::io::stdout().lock();
        for val in &results {
            writeln!(stdout, "{}", format_val(val))?;
        }
        stdout.flush()?;
        Ok(())
    }
}

/// Compiles a binary or text module, or loads a precompiled one (which the
/// caller allowed), with the file named in errors.
pub(crate) fn load_module(engine: &Engine, path: &Path, bytes: &[u8]) -> Result<Module> {
    let compiled = if Module::is_precompiled(bytes) {
        load_precompiled(engine, bytes)
    } else if bytes.starts_with(b"\0asm") {
        Module::from_binary(engine, bytes)
    } else if std::str::from_utf8(bytes).is_err() {
        Err(anyhow::anyhow!(
            "not a WebAssembly module: no `\\0asm` header for the binary format, and not UTF-8 for the text format"
        ))
    } else {
        wat::Parser::new()
            .parse_bytes(Some(path), bytes)
            .map_err(anyhow::Error::from)
            .and_then(|wasm| Module::from_binary(engine, &wasm))
    };
    let what = if Module::is_precompiled(bytes) { "load" } else { "compile" };
    compiled.with_context(|| format!("failed to {what} `{}`", path.display()))
}

#[cfg(feature = "cranelift")]
fn load_precompiled(engine: &Engine, bytes: &[u8]) -> Result<Module> {
    // SAFETY: the user passed --allow-precompiled for this file.
    unsafe { Module::deserialize(engine, bytes) }
}

#[cfg(not(feature = "cranelift"))]
fn load_precompiled(_: &Engine, _: &[u8]) -> Result<Module> {
    bail!("this skiff was built without the compiled tier (the `cranelift` feature) and cannot run precompiled modules")
}

/// Parses `args` by `func`'s parameter types and calls it.
fn invoke<T>(store: &mut Store<T>, func: Func, name: &str, args: &[String]) -> Result<Vec<Val>> {
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
        // The vector's 128 bits as one integer (lane 0 in the low bits).
        ValType::V128 => Val::V128(parse_u128(arg)?.into()),
        ValType::Ref(r) => {
            if arg != "null" {
                bail!("only `null` can be passed for a reference");
            }
            if !r.is_nullable() {
                bail!("the parameter is a non-nullable reference, which cannot be passed from the command line");
            }
            match r.heap_type() {
                HeapType::Func | HeapType::ConcreteFunc(_) => Val::FuncRef(None),
                HeapType::Extern => Val::ExternRef(None),
                HeapType::Exn | HeapType::NoExn => Val::ExnRef(None),
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

/// A `v128` argument: its bits as an unsigned decimal or `0x` hexadecimal integer.
fn parse_u128(arg: &str) -> Result<u128> {
    let (radix, digits) = match arg.strip_prefix("0x").or_else(|| arg.strip_prefix("0X")) {
        Some(hex) => (16, hex),
        None => (10, arg),
    };
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        bail!("expected the vector's bits as a decimal or 0x-prefixed hexadecimal integer");
    }
    u128::from_str_radix(&digits, radix).map_err(|_| anyhow::anyhow!("out of range (more than 128 bits)"))
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
        Val::V128(v) => format!("0x{:032x}", v.as_u128()),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) => "null".to_string(),
        Val::ExnRef(Some(_)) => "ref.exn".to_string(),
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
        Extern::Tag(_) => "tag",
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
