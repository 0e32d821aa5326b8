//! `-W` options: `KEY[=VALUE]` pairs, several per flag when separated by commas.

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
    let enable = match opt.value {
        None | Some("y" | "yes" | "true") => true,
        Some("n" | "no" | "false") => false,
        Some(other) => bail!("invalid value `{other}` for -W {}: expected `y` or `n`", opt.key),
    };
    set(config, enable);
    Ok(true)
}

/// The list of proposal names for error messages.
pub fn feature_names() -> String {
    FEATURES.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}
