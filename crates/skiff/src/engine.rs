//! [`Config`] and [`Engine`]: the settings shared by every module and store.

use crate::types::FuncType;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use wasmparser::WasmFeatures;

/// A version of the WebAssembly specification, naming a feature set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmVersion {
    /// WebAssembly 1.0 (the MVP plus mutable globals).
    V1,
    /// WebAssembly 2.0: 1.0 plus bulk memory, reference types, sign extension,
    /// saturating conversions, multi-value and SIMD.
    V2,
    /// WebAssembly 3.0.
    V3,
}

impl WasmVersion {
    pub(crate) fn features(self) -> WasmFeatures {
        match self {
            WasmVersion::V1 => WasmFeatures::WASM1,
            WasmVersion::V2 => WasmFeatures::WASM2,
            WasmVersion::V3 => WasmFeatures::WASM3,
        }
    }
}

/// When function bodies are validated and translated into interpreter code
/// (the modes of wasmi's `CompilationMode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompilationMode {
    /// `Module::new` validates and translates every function.
    Eager,
    /// `Module::new` validates every function (and refuses features the
    /// engine does not support); each function is translated on its first
    /// call. Spec-conformant: an invalid module is rejected at load.
    #[default]
    LazyTranslation,
    /// Validation and translation both wait for a function's first call.
    /// Loading is fastest, but **not spec-conformant**: a module with an
    /// invalid function body loads, and calling that function fails (with
    /// the validation error) instead. Only for trusted, known-valid modules.
    Lazy,
}

impl std::str::FromStr for CompilationMode {
    type Err = anyhow::Error;

    /// `eager`, `lazy-translation` or `lazy` (the names wasmi's CLI uses).
    fn from_str(s: &str) -> anyhow::Result<CompilationMode> {
        match s {
            "eager" => Ok(CompilationMode::Eager),
            "lazy-translation" => Ok(CompilationMode::LazyTranslation),
            "lazy" => Ok(CompilationMode::Lazy),
            _ => anyhow::bail!("unknown compilation mode `{s}`: expected `eager`, `lazy-translation` or `lazy`"),
        }
    }
}

/// [`Config::tier_up_threshold`]'s default: about a millisecond of
/// interpreting. Chosen by measurement (benches/README.md, "Tier-up"):
/// lower, libc's start-up loops in a hello world compile; higher, the
/// long programs lose little.
pub const DEFAULT_TIER_UP_THRESHOLD: u32 = 300_000;

/// How an engine runs wasm functions (Wasmtime's name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Every function runs in the interpreter: translated on its first call
    /// (see [`CompilationMode`]), so a module starts at once.
    Interpreter,
    /// `Module::new` compiles every function to machine code with
    /// Cranelift, in parallel on all cores (the `cranelift` feature).
    Cranelift,
    /// Tiered: every function starts in the interpreter, and the ones that
    /// run hot are compiled with Cranelift by background threads and run
    /// compiled from their next call (see [`Config::tier_up_threshold`]).
    /// Without the `cranelift` feature, or on a host the compiled tier does
    /// not support, the same as `Interpreter`. The default.
    #[default]
    Auto,
}

/// What tier-up has done in an engine ([`Engine::tier_up_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TierUpStats {
    /// Functions compiled after they ran hot.
    pub compiled: u64,
    /// Compiles that failed (the function stayed in the interpreter).
    pub failed: u64,
    /// Functions whose code came from the on-disk cache
    /// ([`Config::cache_dir`]) instead of a compile.
    pub cached: u64,
    /// Time spent compiling, summed over the compiler threads.
    pub compile_time: std::time::Duration,
}

/// What an engine's cache of compiled code ([`Config::cache_dir`]) did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Entries found and loaded.
    pub hits: u64,
    /// Lookups that found no usable entry (rejected ones included).
    pub misses: u64,
    /// Entries written.
    pub stored: u64,
    /// Entries found damaged or foreign, deleted and compiled again.
    pub rejected: u64,
}

/// The default of [`Config::cache_max_size`].
pub const DEFAULT_CACHE_MAX_SIZE: u64 = 512 << 20;

/// How tier-up decides and compiles, for tests and reproducible runs (see
/// [`Config::tier_up_mode`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TierUpMode {
    /// Hot functions are queued for background compiler threads; the
    /// interpreter never waits for them.
    #[default]
    Background,
    /// A hot function is compiled by the thread that found it hot, before
    /// it goes on: with a threshold of 0, every function runs compiled
    /// from its first call.
    Synchronous,
    /// As `Synchronous`, with each function's threshold drawn at random
    /// (from this seed) between 0 and a few hundred operators, so tiers
    /// switch at arbitrary points of a run (a test of agreement).
    Stress(u64),
}

/// What an engine tells profilers about the code it makes (Wasmtime's name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProfilingStrategy {
    /// Nothing.
    #[default]
    None,
    /// Each compiled function's address, size and wasm name, appended to
    /// `/tmp/perf-PID.map` as Linux `perf` reads it: `perf record` then
    /// `perf report` names compiled frames by function. Only compiled code
    /// (`Strategy::Cranelift`) appears; the interpreter shows as itself.
    PerfMap,
}

impl std::str::FromStr for ProfilingStrategy {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<ProfilingStrategy> {
        match s {
            "none" => Ok(ProfilingStrategy::None),
            "perfmap" => Ok(ProfilingStrategy::PerfMap),
            other => anyhow::bail!("unknown profiler `{other}` (known: perfmap, none)"),
        }
    }
}

impl std::str::FromStr for Strategy {
    type Err = anyhow::Error;

    /// `auto`, `interpreter` or `cranelift`.
    fn from_str(s: &str) -> anyhow::Result<Strategy> {
        match s {
            "interpreter" => Ok(Strategy::Interpreter),
            "cranelift" => Ok(Strategy::Cranelift),
            "auto" => Ok(Strategy::Auto),
            _ => anyhow::bail!("unknown strategy `{s}`: expected `auto`, `interpreter` or `cranelift`"),
        }
    }
}

/// Global settings for an [`Engine`], with Wasmtime's method names.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) features: WasmFeatures,
    pub(crate) compilation_mode: CompilationMode,
    pub(crate) strategy: Strategy,
    pub(crate) profiler: ProfilingStrategy,
    pub(crate) consume_fuel: bool,
    pub(crate) epoch_interruption: bool,
    /// See [`Config::frame_window_cells`].
    pub(crate) frame_window_cells: Option<u32>,
    pub(crate) max_wasm_stack: usize,
    pub(crate) max_call_depth: usize,
    pub(crate) tier_up_threshold: u32,
    pub(crate) tier_up_mode: TierUpMode,
    pub(crate) tier_log: bool,
    pub(crate) cache_dir: Option<std::path::PathBuf>,
    pub(crate) cache_max_size: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

macro_rules! feature_setters {
    ($($(#[$doc:meta])* $method:ident => $flag:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $method(&mut self, enable: bool) -> &mut Config {
                self.features.set(WasmFeatures::$flag, enable);
                self
            }
        )*
    };
}

impl Config {
    /// The default configuration: every WebAssembly 2.0 feature on (SIMD
    /// among them), and the Wasm 3.0 features skiff implements and passes
    /// the spec scripts of (relaxed SIMD, tail calls, extended constant
    /// expressions, typed function references, exception handling,
    /// multiple memories, 64-bit memories and tables), as in Wasmtime; no
    /// fuel.
    pub fn new() -> Config {
        Config {
            features: WasmVersion::V2
                .features()
                .union(WasmFeatures::RELAXED_SIMD)
                .union(WasmFeatures::TAIL_CALL)
                .union(WasmFeatures::EXTENDED_CONST)
                .union(WasmFeatures::FUNCTION_REFERENCES)
                .union(WasmFeatures::EXCEPTIONS)
                .union(WasmFeatures::MULTI_MEMORY)
                .union(WasmFeatures::MEMORY64),
            compilation_mode: CompilationMode::default(),
            strategy: Strategy::default(),
            profiler: ProfilingStrategy::default(),
            consume_fuel: false,
            epoch_interruption: false,
            frame_window_cells: None,
            max_wasm_stack: 16 << 20,
            max_call_depth: 100_000,
            tier_up_threshold: DEFAULT_TIER_UP_THRESHOLD,
            tier_up_mode: TierUpMode::Background,
            tier_log: false,
            cache_dir: None,
            cache_max_size: DEFAULT_CACHE_MAX_SIZE,
        }
    }

    /// Resets the enabled proposals to exactly those of a specification version.
    pub fn wasm_version(&mut self, version: WasmVersion) -> &mut Config {
        self.features = version.features();
        self
    }

    feature_setters! {
        wasm_mutable_global => MUTABLE_GLOBAL,
        wasm_sign_extension => SIGN_EXTENSION,
        wasm_saturating_float_to_int => SATURATING_FLOAT_TO_INT,
        wasm_multi_value => MULTI_VALUE,
        wasm_bulk_memory => BULK_MEMORY,
        wasm_reference_types => REFERENCE_TYPES,
        /// SIMD-128 (`v128` and its operators), part of Wasm 2.0.
        wasm_simd => SIMD,
        /// Relaxed SIMD (Wasm 3.0), with the deterministic behaviour
        /// documented in `interp/simd.rs`.
        wasm_relaxed_simd => RELAXED_SIMD,
        wasm_multi_memory => MULTI_MEMORY,
        wasm_memory64 => MEMORY64,
        wasm_tail_call => TAIL_CALL,
        wasm_extended_const => EXTENDED_CONST,
        wasm_function_references => FUNCTION_REFERENCES,
        wasm_exceptions => EXCEPTIONS,
        wasm_gc => GC,
        wasm_threads => THREADS,
        wasm_custom_page_sizes => CUSTOM_PAGE_SIZES,
        wasm_wide_arithmetic => WIDE_ARITHMETIC,
    }

    /// How functions run: tiered (the default), in the interpreter, or
    /// compiled by Cranelift (see [`Strategy`]). `Strategy::Cranelift`
    /// needs the `cranelift` feature (`Engine::new` refuses it otherwise)
    /// and, for now, an x86-64 Linux host.
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Config {
        self.strategy = strategy;
        self
    }

    /// Under [`Strategy::Auto`], how much a function runs in the
    /// interpreter before it is compiled: the wasm operators it executes,
    /// counted at its entry and at each loop iteration by the size of the
    /// code that starts there. 0 compiles a function at its first call;
    /// `u32::MAX` counts but never compiles (what counting costs).
    pub fn tier_up_threshold(&mut self, operators: u32) -> &mut Config {
        self.tier_up_threshold = operators;
        self
    }

    /// Under [`Strategy::Auto`], whether hot functions compile in the
    /// background (the default) or before the interpreter goes on (see
    /// [`TierUpMode`]).
    pub fn tier_up_mode(&mut self, mode: TierUpMode) -> &mut Config {
        self.tier_up_mode = mode;
        self
    }

    /// Under [`Strategy::Auto`], prints a line to standard error when a
    /// function runs hot and when its compile ends, with the time it took
    /// (`skiff run -D tier-log`).
    pub fn tier_log(&mut self, enable: bool) -> &mut Config {
        self.tier_log = enable;
        self
    }

    /// Keeps compiled code in directory `dir` across processes (off with
    /// `None`, the default; `skiff run` caches in `~/.cache/skiff`): under
    /// `Strategy::Cranelift` a module's code, under `Strategy::Auto` the
    /// functions that ran hot, so that the next process starts with them
    /// compiled. Entries are keyed by the module's hash, skiff's build, the
    /// CPU features and every setting that changes the code; a damaged
    /// entry is detected, ignored with a warning and replaced. Several
    /// processes may share one directory.
    pub fn cache_dir(&mut self, dir: Option<impl Into<std::path::PathBuf>>) -> &mut Config {
        self.cache_dir = dir.map(Into::into);
        self
    }

    /// Where `skiff run` caches by default: `$XDG_CACHE_HOME/skiff`, else
    /// `$HOME/.cache/skiff`.
    pub fn default_cache_dir() -> Option<std::path::PathBuf> {
        let nonempty = |name| std::env::var_os(name).filter(|v: &std::ffi::OsString| !v.is_empty());
        let base = nonempty("XDG_CACHE_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| nonempty("HOME").map(|home| std::path::PathBuf::from(home).join(".cache")))?;
        Some(base.join("skiff"))
    }

    /// The most bytes the cache directory may hold: after each write, the
    /// least recently used entries are deleted down to it (default 512 MiB).
    pub fn cache_max_size(&mut self, bytes: u64) -> &mut Config {
        self.cache_max_size = bytes;
        self
    }

    /// What to tell profilers about compiled code (see [`ProfilingStrategy`]).
    pub fn profiler(&mut self, profiler: ProfilingStrategy) -> &mut Config {
        self.profiler = profiler;
        self
    }

    /// When function bodies are validated and translated; the default is
    /// [`CompilationMode::LazyTranslation`].
    pub fn compilation_mode(&mut self, mode: CompilationMode) -> &mut Config {
        self.compilation_mode = mode;
        self
    }

    /// For testing the interpreter: frames whose operand stack reaches past
    /// `cells` cells run with a shifted window, as frames too large for a
    /// 16-bit slot do (`ir`, "Large frames"), instead of only those. With a
    /// small number nearly every function takes that path: the spec suite
    /// then checks it. `None`, the default, shifts only where needed.
    #[doc(hidden)]
    pub fn frame_window_cells(&mut self, cells: Option<u32>) -> &mut Config {
        self.frame_window_cells = cells;
        self
    }

    /// Turns fuel metering on: every store starts with 0 fuel, set with
    /// [`Store::set_fuel`](crate::Store::set_fuel); running out traps.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Config {
        self.consume_fuel = enable;
        self
    }

    /// Lets another thread interrupt running wasm: code checks the engine's
    /// epoch against the store's deadline at function entry and loop headers,
    /// and traps with [`Trap::Interrupt`](crate::Trap::Interrupt) once
    /// [`Engine::increment_epoch`] has moved the epoch up to the deadline set
    /// by [`Store::set_epoch_deadline`](crate::Store::set_epoch_deadline).
    ///
    /// Unlike Wasmtime, a store whose deadline was never set is never
    /// interrupted.
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Config {
        self.epoch_interruption = enable;
        self
    }

    /// The most bytes of value stack (locals and operands of all active wasm
    /// frames) a call may use before it traps with "call stack exhausted".
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Config {
        self.max_wasm_stack = bytes;
        self
    }

    /// The most nested wasm frames before a call traps with "call stack exhausted".
    pub fn max_call_depth(&mut self, depth: usize) -> &mut Config {
        self.max_call_depth = depth;
        self
    }
}

/// A signature's engine-wide identity: equal function types have equal ids,
/// so `call_indirect` compares two integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub(crate) struct SigId(pub(crate) u32);

#[derive(Default)]
struct SigRegistry {
    ids: HashMap<FuncType, SigId>,
    types: Vec<FuncType>,
}

struct EngineInner {
    config: Config,
    sigs: RwLock<SigRegistry>,
    /// The epoch that interruptible code compares with its store's deadline.
    epoch: AtomicU64,
    /// The compiled tier's target, made when the engine first compiles
    /// (at once under `Strategy::Cranelift`).
    #[cfg(feature = "cranelift")]
    isa: std::sync::OnceLock<Result<cranelift_codegen::isa::OwnedTargetIsa, String>>,
    /// The host-call trampoline of each signature host functions have:
    /// its code (shared by a batch) and its offset there.
    #[cfg(feature = "cranelift")]
    host_calls: std::sync::Mutex<HashMap<SigId, (Arc<crate::compile::StandaloneCode>, u32)>>,
    /// The array-call trampoline of each signature of a tiered-up function.
    #[cfg(feature = "cranelift")]
    array_calls: std::sync::Mutex<HashMap<SigId, (Arc<crate::compile::StandaloneCode>, u32)>>,
    /// Tier-up's compiler threads and counts (`Strategy::Auto`).
    #[cfg(feature = "cranelift")]
    tier_up: crate::tierup::TierUp,
    /// The on-disk cache, if configured and usable.
    #[cfg(feature = "cranelift")]
    cache: Option<crate::compile::cache::Cache>,
}

/// The compilation and runtime environment shared by modules and stores.
/// Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default()).expect("the default config is valid")
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    pub fn new(config: &Config) -> anyhow::Result<Engine> {
        if config.max_call_depth == 0 || config.max_wasm_stack < 1024 {
            anyhow::bail!("max_wasm_stack must be at least 1 KiB and max_call_depth at least 1");
        }
        #[cfg(feature = "cranelift")]
        let isa = std::sync::OnceLock::new();
        #[cfg(feature = "cranelift")]
        if config.strategy == Strategy::Cranelift {
            let _ = isa.set(Ok(crate::compile::host_isa()?));
        }
        #[cfg(not(feature = "cranelift"))]
        if config.strategy == Strategy::Cranelift {
            anyhow::bail!("`Strategy::Cranelift` needs skiff's `cranelift` feature, which this build leaves out");
        }
        // Only the compiled tier's code is cached; a directory that cannot
        // be made costs the cache, not the engine.
        #[cfg(feature = "cranelift")]
        let cache = match &config.cache_dir {
            Some(dir) if config.strategy != Strategy::Interpreter && crate::compile::supported() => {
                match crate::compile::cache::Cache::open(dir, config.cache_max_size) {
                    Ok(cache) => Some(cache),
                    Err(error) => {
                        eprintln!("warning: compiled code will not be cached: {error:#}");
                        None
                    }
                }
            }
            _ => None,
        };
        Ok(Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                sigs: RwLock::default(),
                epoch: AtomicU64::new(0),
                #[cfg(feature = "cranelift")]
                isa,
                #[cfg(feature = "cranelift")]
                host_calls: Default::default(),
                #[cfg(feature = "cranelift")]
                array_calls: Default::default(),
                #[cfg(feature = "cranelift")]
                tier_up: Default::default(),
                #[cfg(feature = "cranelift")]
                cache,
            }),
        })
    }

    /// The compiled tier's target, made on first use.
    #[cfg(feature = "cranelift")]
    pub(crate) fn isa(&self) -> anyhow::Result<&dyn cranelift_codegen::isa::TargetIsa> {
        match self.inner.isa.get_or_init(|| crate::compile::host_isa().map_err(|e| format!("{e:#}"))) {
            Ok(isa) => Ok(&**isa),
            Err(e) => anyhow::bail!("{e}"),
        }
    }

    /// Whether this engine has compiled code (or may: its strategy compiles).
    #[cfg(feature = "cranelift")]
    fn compiles(&self) -> bool {
        self.inner.isa.get().is_some_and(|isa| isa.is_ok())
    }

    /// The compiled entry of functions of signature `sig` that have no
    /// compiled code of their own (host functions, and wasm functions the
    /// interpreter runs): their host-call trampoline. Null if this engine
    /// compiles nothing.
    pub(crate) fn host_call_entry(&self, sig: SigId) -> anyhow::Result<*const u8> {
        #[cfg(feature = "cranelift")]
        if self.compiles() {
            return self.trampoline(crate::compile::TrampolineKind::HostCall, sig);
        }
        let _ = sig;
        Ok(std::ptr::null())
    }

    /// The array-call trampoline of signature `sig`, the host's entry into
    /// a tiered-up function of that signature.
    #[cfg(feature = "cranelift")]
    pub(crate) fn array_call_entry(&self, sig: SigId) -> anyhow::Result<*const u8> {
        self.trampoline(crate::compile::TrampolineKind::ArrayCall, sig)
    }

    #[cfg(feature = "cranelift")]
    fn trampolines_of(
        &self,
        kind: crate::compile::TrampolineKind,
    ) -> std::sync::MutexGuard<'_, HashMap<SigId, (Arc<crate::compile::StandaloneCode>, u32)>> {
        let cache = match kind {
            crate::compile::TrampolineKind::HostCall => &self.inner.host_calls,
            crate::compile::TrampolineKind::ArrayCall => &self.inner.array_calls,
        };
        cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The entry of the `kind` trampoline of signature `sig`, made the
    /// first time.
    #[cfg(feature = "cranelift")]
    fn trampoline(&self, kind: crate::compile::TrampolineKind, sig: SigId) -> anyhow::Result<*const u8> {
        if let Some((code, at)) = self.trampolines_of(kind).get(&sig) {
            return Ok(code.entry_at(*at));
        }
        self.prepare_trampolines(kind, [sig])?;
        let codes = self.trampolines_of(kind);
        let (code, at) = codes.get(&sig).expect("just made");
        Ok(code.entry_at(*at))
    }

    /// Makes the `kind` trampolines of the signatures `sigs` that are not
    /// there yet, together (see [`crate::compile::trampolines`]). Compiled
    /// without the lock, so that a thread wanting one that is there never
    /// waits for a batch: two threads may then both make one, and the
    /// first kept wins.
    #[cfg(feature = "cranelift")]
    pub(crate) fn prepare_trampolines(
        &self,
        kind: crate::compile::TrampolineKind,
        sigs: impl IntoIterator<Item = SigId>,
    ) -> anyhow::Result<()> {
        let isa = self.isa()?;
        let mut missing: Vec<SigId> = {
            let codes = self.trampolines_of(kind);
            sigs.into_iter().filter(|sig| !codes.contains_key(sig)).collect()
        };
        missing.sort_unstable_by_key(|sig| sig.0);
        missing.dedup();
        if missing.is_empty() {
            return Ok(());
        }
        let tys: Vec<FuncType> = missing.iter().map(|&sig| self.sig_type(sig)).collect();
        let (code, offsets) = crate::compile::trampolines(kind, &tys, isa)?;
        if self.config().profiler == ProfilingStrategy::PerfMap {
            let what = match kind {
                crate::compile::TrampolineKind::HostCall => "host-call",
                crate::compile::TrampolineKind::ArrayCall => "array-call",
            };
            code.record_for_profiler(&offsets, tys.iter().map(|ty| format!("{what} trampoline {ty}")));
        }
        let code = Arc::new(code);
        let mut codes = self.trampolines_of(kind);
        for (sig, at) in missing.into_iter().zip(offsets) {
            codes.entry(sig).or_insert_with(|| (code.clone(), at));
        }
        Ok(())
    }

    /// The array-call trampoline of on-stack-replacement entries into
    /// functions of type `ty`: one `i64` parameter (the cells of the
    /// locals), the function's results.
    #[cfg(feature = "cranelift")]
    pub(crate) fn osr_array_call_entry(&self, ty: &FuncType) -> anyhow::Result<*const u8> {
        let osr_ty = FuncType::from_parts([crate::ValType::I64], ty.results());
        self.array_call_entry(self.intern_sig(&osr_ty))
    }

    /// Tier-up's state (`Strategy::Auto`).
    #[cfg(feature = "cranelift")]
    pub(crate) fn tier_up(&self) -> &crate::tierup::TierUp {
        &self.inner.tier_up
    }

    /// What tier-up has done so far in this engine: functions compiled,
    /// compiles that failed, and the time spent compiling.
    pub fn tier_up_stats(&self) -> TierUpStats {
        #[cfg(feature = "cranelift")]
        return self.inner.tier_up.stats();
        #[cfg(not(feature = "cranelift"))]
        TierUpStats::default()
    }

    /// What the on-disk cache ([`Config::cache_dir`]) did so far.
    pub fn cache_stats(&self) -> CacheStats {
        #[cfg(feature = "cranelift")]
        if let Some(cache) = &self.inner.cache {
            return cache.stats();
        }
        CacheStats::default()
    }

    /// The on-disk cache, if this engine has one.
    #[cfg(feature = "cranelift")]
    pub(crate) fn cache(&self) -> Option<&crate::compile::cache::Cache> {
        self.inner.cache.as_ref()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Compiles `bytes` (binary or text) into a precompiled module that
    /// [`Module::deserialize`](crate::Module::deserialize) loads without
    /// compiling: [`Module::serialize`](crate::Module::serialize) of a new
    /// module. Needs `Strategy::Cranelift`.
    #[cfg(feature = "cranelift")]
    pub fn precompile_module(&self, bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
        if self.config().strategy != Strategy::Cranelift {
            anyhow::bail!("precompiling needs an engine with `Strategy::Cranelift`");
        }
        crate::Module::new(self, bytes)?.serialize()
    }

    /// Whether two handles refer to the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// Advances the epoch by one; code in every store of this engine whose
    /// deadline is now reached traps at its next check. Callable from any
    /// thread (a timer, a signal handler's helper thread, …).
    pub fn increment_epoch(&self) {
        self.inner.epoch.fetch_add(1, Ordering::Release);
    }

    /// The current epoch.
    pub fn current_epoch(&self) -> u64 {
        self.inner.epoch.load(Ordering::Relaxed)
    }

    /// An epoch deadline of this engine: reached once the epoch is `deadline`.
    pub(crate) fn deadline(&self, deadline: u64) -> EpochDeadline {
        EpochDeadline { engine: self.clone(), deadline }
    }

    /// The epoch counter's address, for store contexts (stable: the engine
    /// is shared, never moved out of its `Arc`).
    pub(crate) fn epoch_counter(&self) -> *const AtomicU64 {
        &raw const self.inner.epoch
    }

    pub(crate) fn features(&self) -> WasmFeatures {
        self.inner.config.features
    }

    /// The engine-wide id of a function type, registering it on first sight.
    pub(crate) fn intern_sig(&self, ty: &FuncType) -> SigId {
        if let Some(id) = self.inner.sigs.read().unwrap_or_else(|e| e.into_inner()).ids.get(ty) {
            return *id;
        }
        let mut sigs = self.inner.sigs.write().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = sigs.ids.get(ty) {
            return *id;
        }
        let id = SigId(sigs.types.len() as u32);
        sigs.types.push(ty.clone());
        sigs.ids.insert(ty.clone(), id);
        id
    }

    /// The function type of an interned signature.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    pub(crate) fn sig_type(&self, sig: SigId) -> FuncType {
        self.inner.sigs.read().unwrap_or_else(|e| e.into_inner()).types[sig.0 as usize].clone()
    }
}

/// A store's epoch deadline, held apart from the store so that a host
/// function can watch it while it waits: [`Caller::epoch_deadline`]
/// gives one, and a host call that blocks (a sleep, a read from a pipe)
/// polls [`reached`](EpochDeadline::reached) as it waits and fails with
/// [`Trap::Interrupt`](crate::Trap::Interrupt) once it is, as wasm code
/// does at its next check. Without this a guest blocked in the host would
/// outlive its deadline.
///
/// [`Caller::epoch_deadline`]: crate::Caller::epoch_deadline
#[derive(Clone, Debug)]
pub struct EpochDeadline {
    engine: Engine,
    deadline: u64,
}

impl EpochDeadline {
    /// Whether the engine's epoch has reached the deadline.
    pub fn reached(&self) -> bool {
        self.engine.current_epoch() >= self.deadline
    }
}
