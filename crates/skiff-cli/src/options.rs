//! `-W` and `-C` options: `KEY[=VALUE]` pairs, several per flag when
//! separated by commas.

use anyhow::{Result, bail};
use skiff::Config;

/// One `KEY[=VALUE]` of a `-W` flag.
pub struct WOption<'a> {
    pub key: &'a str,
    pub value: Option<&'a str>,
}

/// Splits the values of all `-W` flags into options.
pub fn split(flags: &[String]) -> impl Iterator<Item = WOption<'_>> {
    flags.iter().flat_map(|flag| flag.split(',')).filter(|s| !s.is_empty()).map(|s| match s.split_once('=') {
        Some((key, value)) => WOption { key: key.trim(), value: Some(value.trim()) },
        None => WOption { key: s.trim(), value: None },
    })
}

type Setter = fn(&mut Config, bool) -> &mut Config;

/// The WebAssembly proposals `-W` can switch, by Wasmtime's names.
pub const FEATURES: &[(&str, Setter)] = &[
    ("bulk-memory", Config::wasm_bulk_memory),
    ("custom-page-sizes", Config::wasm_custom_page_sizes),
    ("exceptions", Config::wasm_exceptions),
    ("extended-const", Config::wasm_extended_const),
    ("function-references", Config::wasm_function_references),
    ("gc", Config::wasm_gc),
    ("memory64", Config::wasm_memory64),
    ("multi-memory", Config::wasm_multi_memory),
    ("multi-value", Config::wasm_multi_value),
    ("mutable-global", Config::wasm_mutable_global),
    ("reference-types", Config::wasm_reference_types),
    ("relaxed-simd", Config::wasm_relaxed_simd),
    ("saturating-float-to-int", Config::wasm_saturating_float_to_int),
    ("sign-extension", Config::wasm_sign_extension),
    ("simd", Config::wasm_simd),
    ("tail-call", Config::wasm_tail_call),
    ("threads", Config::wasm_threads),
    ("wide-arithmetic", Config::wasm_wide_arithmetic),
];

/// Applies `opt` to `config` if it names a proposal; `Ok(false)` if it does not.
pub fn apply_feature(config: &mut Config, opt: &WOption<'_>) -> Result<bool> {
    let Some((_, set)) = FEATURES.iter().find(|(name, _)| *name == opt.key) else { return Ok(false) };
    set(config, parse_flag(opt, "-W")?);
    Ok(true)
}

/// Applies the `-C` (compilation) options: `strategy` and `cache` as
/// Wasmtime spells them; Wasmtime's `-C` has no `compilation-mode`, whose
/// name and values are wasmi's (`--compilation-mode`). `cache` (a flag)
/// turns the on-disk cache on or off, in `cache-dir` or the default
/// directory; the caller sets the command's default first.
pub fn apply_compilation(config: &mut Config, flags: &[String]) -> Result<()> {
    let mut cache = None;
    let mut cache_dir = None;
    for opt in split(flags) {
        match opt.key {
            "cache" => cache = Some(parse_flag(&opt, "-C")?),
            "cache-dir" => {
                let value = opt.value.ok_or_else(|| anyhow::anyhow!("-C cache-dir needs a directory"))?;
                cache_dir = Some(std::path::PathBuf::from(value));
            }
            "cache-max-size" => {
                let value = opt.value.ok_or_else(|| anyhow::anyhow!("-C cache-max-size needs a size"))?;
                config.cache_max_size(
                    parse_bytes(value)
                        .map_err(|e| anyhow::anyhow!("invalid value `{value}` for -C cache-max-size: {e}"))?,
                );
            }
            "strategy" => {
                let value = opt.value.ok_or_else(|| anyhow::anyhow!("-C strategy needs a value"))?;
                config.strategy(value.parse()?);
            }
            "compilation-mode" => {
                let value = opt.value.ok_or_else(|| anyhow::anyhow!("-C compilation-mode needs a value"))?;
                config.compilation_mode(value.parse()?);
            }
            "tier-up-threshold" => {
                let value = opt.value.ok_or_else(|| anyhow::anyhow!("-C tier-up-threshold needs a value"))?;
                let n = match value {
                    "never" => u32::MAX,
                    _ => value.replace('_', "").parse().map_err(|_| {
                        anyhow::anyhow!("-C tier-up-threshold takes a number of operators or `never`, not `{value}`")
                    })?,
                };
                config.tier_up_threshold(n);
            }
            other => bail!(
                "unknown -C option `{other}` (known: strategy=auto|interpreter|cranelift, \
                 compilation-mode=eager|lazy-translation|lazy, tier-up-threshold=N, cache=y|n, \
                 cache-dir=PATH, cache-max-size=BYTES)"
            ),
        }
    }
    match (cache, cache_dir) {
        (Some(false), _) => {
            config.cache_dir(None::<std::path::PathBuf>);
        }
        (_, Some(dir)) => {
            config.cache_dir(Some(dir));
        }
        (Some(true), None) => {
            config.cache_dir(Config::default_cache_dir());
        }
        (None, None) => {}
    }
    Ok(())
}

/// The help text of `-C`, shared by the commands.
pub const COMPILATION_HELP: &str = "\
Compilation options, `KEY=VALUE` (several per flag with commas)

strategy=STRATEGY      how functions run:
                       auto         tiered (the default): starts in the
                                    interpreter, and functions that run
                                    hot are compiled in the background
                                    and switched to
                       interpreter  translated for skiff's interpreter:
                                    starts at once, compiles nothing
                       cranelift    compiled to machine code by Cranelift
                                    when the module loads, on all cores
tier-up-threshold=N    under `auto`, the wasm operators a function runs
                       interpreted before it is compiled (default 300000;
                       0 compiles each function at its first call;
                       `never` counts but never compiles)
cache=y|n              keep compiled code on disk for later runs: the
                       whole module under `cranelift`, the functions
                       that ran hot under `auto` (default y for `run`,
                       n for the other commands)
cache-dir=PATH         the cache's directory (default
                       $XDG_CACHE_HOME/skiff, else ~/.cache/skiff)
cache-max-size=BYTES   trim the cache to this size after each write,
                       least recently used first (default 512MiB)
compilation-mode=MODE  when function bodies are validated and translated
                       for the interpreter:
                       eager             all at load
                       lazy-translation  validated at load, translated at
                                         first call (the default)
                       lazy              both at first call: fastest start,
                                         but an invalid body is reported only
                                         when called (not spec-conformant)";

/// The list of proposal names for error messages.
pub fn feature_names() -> String {
    FEATURES.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

/// A size in bytes: a number with an optional binary (`KiB`, `MiB`, `GiB`,
/// or `K`, `M`, `G`) or `B` suffix.
pub fn parse_bytes(value: &str) -> Result<u64> {
    let value = value.trim();
    let split = value.find(|c: char| !c.is_ascii_digit() && c != '_').unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => bail!("unknown size unit `{other}` (expected KiB, MiB, GiB or none)"),
    };
    let n: u64 =
        digits.replace('_', "").parse().map_err(|_| anyhow::anyhow!("expected a number of bytes, e.g. `64MiB`"))?;
    n.checked_mul(1 << shift).ok_or_else(|| anyhow::anyhow!("size too large"))
}

/// A duration: a number with a unit (`ns`, `us`, `ms`, `s`, `m`, `h`), as
/// Wasmtime's `-W timeout` takes it; a bare number is seconds.
pub fn parse_duration(value: &str) -> Result<std::time::Duration> {
    let value = value.trim();
    let split = value.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().map_err(|_| anyhow::anyhow!("expected a duration such as `5s` or `250ms`"))?;
    let seconds = match unit.trim() {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => bail!("unknown duration unit `{other}` (expected ns, us, ms, s, m or h)"),
    };
    std::time::Duration::try_from_secs_f64(number * seconds).map_err(|_| anyhow::anyhow!("duration out of range"))
}

/// A yes/no option value; a bare key means yes.
pub fn parse_flag(opt: &WOption<'_>, flag: &str) -> Result<bool> {
    match opt.value {
        None | Some("y" | "yes" | "true") => Ok(true),
        Some("n" | "no" | "false") => Ok(false),
        Some(other) => bail!("invalid value `{other}` for {flag} {}: expected `y` or `n`", opt.key),
    }
}
