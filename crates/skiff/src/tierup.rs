//! Tier-up (`Strategy::Auto`): every function starts in the interpreter,
//! and the ones that run hot move to code Cranelift compiles meanwhile.
//!
//! - **Counting.** Under `Auto` the interpreter's translator emits
//!   `TierEntry` at each function's entry, weighted by the operators
//!   outside loops and one iteration of each loop, and a `TierLoop` stub
//!   after the code for each loop's back edges, weighted by an iteration.
//!   Each subtracts its weight from the function's budget in the module's
//!   [`TierTable`]; a budget below zero calls [`on_hot`], out of line.
//! - **Compiling.** The first time, `on_hot` queues the function for the
//!   engine's compiler threads ([`TierUp`]: all cores but one, at least
//!   one, started on first use), or in the synchronous modes compiles it
//!   at once. The code is published once per module, in the function's
//!   slot, and never replaced or patched.
//! - **Switching.** A store switches a function by repointing its
//!   `VMFuncRef` (compiled entry, context, array-call trampoline) at that
//!   code. Compiled callers, which under `Auto` call the module's own
//!   functions through their `VMFuncRef`s, and the host then go there
//!   directly; an interpreted caller enters the interpreter's code, whose
//!   `TierEntry` finds the switch and runs the compiled code instead. The
//!   interpreter's code stays, for frames still running in it.
//! - **Loops.** A frame whose back edge finds the budget spent asks
//!   for the function, and once it has stayed in its loops about as long
//!   as compiling an entry into one would take ([`on_hot_loop`]), for the
//!   entry into the loop it is in, which it then continues in (on-stack
//!   replacement).
//! - **Caching.** With an engine cache, the functions compiled here are
//!   written to it (when the compiler threads run out of work, and when a
//!   store or the module drops) and loaded by the next process's module
//!   when its first function runs hot or is first called from the
//!   interpreter (`TierTable::cache_key`); such a call then runs the
//!   cached code, without translating the function ([`switch_if_compiled`]).
//!
//! Functions that make tail calls stay interpreted (see
//! `compile::makes_tail_calls`). The interpreter never waits for a
//! background compile: until the code is published, a hot function keeps
//! running interpreted and polls again every [`POLL`] operators.

use crate::compile::cache::{Key, Kind};
use crate::engine::{Config, TierUpMode, TierUpStats};
use crate::module::ModuleInner;
use crate::store::{FuncEntity, StoreDyn};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI32, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

/// Operators a queued function runs between two looks at whether its
/// compiled code is ready.
const POLL: i32 = 4096;
/// The budget of a function with compiled code: negative, so that every
/// entry into its interpreter code takes the slow path and runs the
/// compiled code instead, while frames still looping in it count on
/// their own (see `Executor::spend_loop_budget`).
const COMPILED: i32 = i32::MIN / 2;

/// Code being made for a function, or an entry into one of its loops.
#[derive(Default)]
struct Slot {
    state: AtomicU8,
    /// The compiled code, once there is some.
    code: OnceLock<crate::compile::TieredFunc>,
}

/// A function's tier state in its module, shared by every store.
#[derive(Default)]
struct FuncTier {
    /// Its compiled code.
    main: Arc<Slot>,
    /// Its on-stack-replacement entries, by loop index: one for each loop
    /// that ran hot while a frame was in it, at most [`MAX_LOOP_ENTRIES`].
    loops: Mutex<Vec<(u32, Arc<Slot>)>>,
}

/// Loop entries compiled per function at most: each is a compile of the
/// whole function.
const MAX_LOOP_ENTRIES: usize = 8;

impl FuncTier {
    /// Whether the entry into loop `l` was asked for.
    fn has_loop_entry(&self, l: u32) -> bool {
        self.loops.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|(at, _)| *at == l)
    }

    /// The slot of the function's code, or of its entry into `osr_loop`
    /// (made if there is room for another).
    fn slot(&self, osr_loop: Option<u32>) -> Option<Arc<Slot>> {
        let Some(l) = osr_loop else { return Some(self.main.clone()) };
        let mut loops = self.loops.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, slot)) = loops.iter().find(|(at, _)| *at == l) {
            return Some(slot.clone());
        }
        if loops.len() >= MAX_LOOP_ENTRIES {
            return None;
        }
        let slot = Arc::new(Slot::default());
        loops.push((l, slot.clone()));
        Some(slot)
    }
}

/// What the interpreter does after [`on_hot_loop`].
pub(crate) enum LoopTier {
    /// Goes on interpreting; `asked` if the frame's stay asked for the
    /// entry into the loop (compiling, or declined).
    Stay { asked: bool },
    /// Enters this on-stack-replacement code (the `osr_signature`
    /// convention) through the array-call trampoline `array_call`, with
    /// the frame's locals in cells.
    Enter { entry: *const u8, array_call: *const u8, vmctx: *const u8 },
}

/// `FuncTier::state`: nothing asked yet.
const IDLE: u8 = 0;
/// Queued or being compiled.
const QUEUED: u8 = 1;
/// The compile failed; the function stays in the interpreter.
const FAILED: u8 = 2;

/// A module's tier-up state: a budget and a code slot per defined function.
pub(crate) struct TierTable {
    /// Operators each defined function may still run before it is hot.
    /// The interpreter reads and writes them with relaxed loads and stores,
    /// not read-modify-writes: a count lost to a race only delays tier-up.
    pub counters: Box<[AtomicI32]>,
    funcs: Box<[FuncTier]>,
    /// The SHA-256 of the module's bytes, with an engine cache.
    wasm_digest: Option<[u8; 32]>,
    /// Whether every function of the module was validated when it loaded,
    /// or, its bodies trusted, by the process that wrote its cache entry:
    /// what the entries it writes say (`serialize_tiered`).
    validated: bool,
    /// The cache entry read while the module loaded, kept for the first
    /// look (`cache_key`) so that it is not read twice.
    prefetched: Mutex<Option<Vec<u8>>>,
    /// The module's entry in the engine's on-disk cache, looked up (and
    /// loaded) when the first function runs hot.
    cache: OnceLock<Option<Key>>,
    /// Functions the cache entry holds: those loaded from it, then those
    /// last written to it. Locked while writing.
    cached: Mutex<usize>,
    /// Whether a compiler thread made (or is making) the engine's
    /// trampolines for the module's types (`Shared::prepare_trampolines`).
    trampolines: std::sync::atomic::AtomicBool,
}

impl TierTable {
    pub fn new(defined: usize, config: &Config) -> TierTable {
        let budget = |i: usize| match config.tier_up_mode {
            TierUpMode::Stress(seed) => (mix(seed, i as u64) % 300) as i32,
            _ => i32::try_from(config.tier_up_threshold).unwrap_or(i32::MAX),
        };
        TierTable {
            counters: (0..defined).map(|i| AtomicI32::new(budget(i))).collect(),
            funcs: (0..defined).map(|_| FuncTier::default()).collect(),
            wasm_digest: None,
            validated: false,
            prefetched: Mutex::new(None),
            cache: OnceLock::new(),
            cached: Mutex::new(0),
            trampolines: Default::default(),
        }
    }

    /// Remembers the module's digest, for its cache entry, whether all its
    /// functions were validated (see `validated`), and the entry if it was
    /// read already.
    pub fn set_cache_entry(&mut self, digest: [u8; 32], validated: bool, entry: Option<Vec<u8>>) {
        self.wasm_digest = Some(digest);
        self.validated = validated;
        *self.prefetched.get_mut().unwrap_or_else(|e| e.into_inner()) = entry;
    }

    /// The module's cache entry, if the engine caches. The first time,
    /// loads the functions that ran hot in earlier processes: each then
    /// runs compiled from its next entry on.
    fn cache_key(&self, module: &ModuleInner) -> Option<Key> {
        *self.cache.get_or_init(|| {
            let engine = &module.engine;
            let (Some(cache), Some(digest)) = (engine.cache(), &self.wasm_digest) else { return None };
            let key = match Key::of_digest(engine, Kind::Tiered, digest) {
                Ok(key) => key,
                Err(error) => {
                    eprintln!("warning: compiled code will not be cached: {error:#}");
                    return None;
                }
            };
            let prefetched = self.prefetched.lock().unwrap_or_else(|e| e.into_inner()).take();
            let Some(body) = prefetched.or_else(|| cache.get(&key)) else { return Some(key) };
            let placed = crate::compile::artifact::deserialize_tiered(engine, &body, self.funcs.len() as u32).and_then(
                |(defined, code)| {
                    let indices: Vec<u32> = defined.iter().map(|&d| module.num_imported_funcs + d).collect();
                    let funcs = crate::compile::place_tiered(module, &code, &indices)?;
                    Ok(defined.into_iter().zip(funcs).zip(code.split()))
                },
            );
            match placed {
                Ok(funcs) => {
                    // Its functions switch from their next calls on.
                    Shared::prepare_trampolines(module, self);
                    let mut loaded = 0;
                    for ((defined, mut func), piece) in funcs {
                        func.keep_unplaced(piece);
                        if self.funcs[defined as usize].main.code.set(func).is_ok() {
                            // Spent: the next entry switches to the code.
                            let counter = &self.counters[defined as usize];
                            counter.store(counter.load(Ordering::Relaxed).min(0), Ordering::Relaxed);
                            loaded += 1;
                        }
                    }
                    *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = loaded;
                    engine.tier_up().shared.cached.fetch_add(loaded as u64, Ordering::Relaxed);
                }
                Err(error) => cache.reject(&key, &format!("{error:#}")),
            }
            Some(key)
        })
    }

    /// Writes the functions compiled so far to the engine's cache if there
    /// are more than it holds: at least a quarter more, unless `all`.
    /// Called with `all` when the module is dropped, and without when the
    /// compiler threads run out of work, so that a process that never
    /// drops its module (a server, or one that exits first) still leaves
    /// its hot functions, without rewriting the entry for each one.
    pub fn save_cached(&self, engine: &crate::Engine, all: bool) {
        let (Some(Some(key)), Some(cache)) = (self.cache.get(), engine.cache()) else { return };
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        let (defined, pieces): (Vec<u32>, Vec<_>) = self
            .funcs
            .iter()
            .enumerate()
            .filter_map(|(d, tier)| Some((d as u32, tier.main.code.get()?.unplaced()?)))
            .unzip();
        let enough = if all { *cached + 1 } else { *cached + (*cached / 4).max(1) };
        if defined.len() < enough {
            return;
        }
        let code = crate::compile::artifact::Artifact::concat(pieces);
        match crate::compile::artifact::serialize_tiered(engine, self.validated, &defined, &code) {
            Ok(body) => cache.put(key, &body),
            Err(error) => eprintln!("warning: compiled code will not be cached: {error:#}"),
        }
        *cached = defined.len();
    }
}

/// A 64-bit mix of `seed` and `i` (SplitMix64's finalizer).
fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Called by the interpreter when store function `func`'s budget ran out.
/// Queues (or, in the synchronous modes, makes) its compiled code; if the
/// code is there, switches this store's `VMFuncRef` to it and returns true:
/// the caller may then run the compiled code.
pub(crate) fn on_hot(store: &mut dyn StoreDyn, func: u32) -> bool {
    let Some((index, module)) = tiered(store, func) else { return false };
    let table = module.tier.as_ref().expect("a module that tiers up");
    let defined = index - module.num_imported_funcs;
    let counter = &table.counters[defined as usize];
    match request(&module, defined, None) {
        Requested::Failed => {
            counter.store(i32::MAX, Ordering::Relaxed);
            false
        }
        Requested::Waiting => {
            counter.store(POLL, Ordering::Relaxed);
            false
        }
        Requested::Ready(_) => match switch(store, func, &module, index) {
            true => {
                counter.store(COMPILED, Ordering::Relaxed);
                true
            }
            false => {
                counter.store(i32::MAX, Ordering::Relaxed);
                false
            }
        },
    }
}

/// Called by the interpreter when store function `func`'s budget ran out
/// at a back edge of its loop `loop_index` (in body order), the same frame
/// having found it so in its loops `polls` times in a row before (one
/// poll, [`POLL`] operators, apart; since its last ask, for a frame that
/// asked for an entry before: `Executor::hot_asked_at`). Asks for the
/// function's compiled code, as [`on_hot`] does, and once the frame has
/// stayed for a time in proportion to what compiling an entry would take
/// ([`osr_polls`]), for the entry into this loop; once that, or an entry
/// into this loop asked for before, is there, says to enter it (on-stack
/// replacement).
///
/// Each entry is a compile of the whole function, for one frame's sake
/// (later calls run the function's own compiled code). Asked for at the
/// first look, a function hot across many frames (a recursive walk, one
/// loop hot in one call and another in the next) got one per loop, never
/// entered: Yosys's 160 KB `AstNode::simplify` got five of about 300 ms
/// each, and entries took 70% of the compiler's time (see
/// benches/README.md). A frame that has already stayed long in a loop
/// is likely to stay about as long again (the rent-or-buy rule). The
/// synchronous modes ask at once, so that the spec tests enter every
/// loop they can.
pub(crate) fn on_hot_loop(store: &mut dyn StoreDyn, func: u32, loop_index: u32, polls: u32) -> LoopTier {
    let Some((index, module)) = tiered(store, func) else { return LoopTier::Stay { asked: false } };
    let table = module.tier.as_ref().expect("a module that tiers up");
    let defined = index - module.num_imported_funcs;
    let counter = &table.counters[defined as usize];
    let asked = match module.engine.config().tier_up_mode {
        TierUpMode::Background => {
            polls >= osr_polls(module.body(defined).map_or(0, |b| b.range().end - b.range().start))
        }
        TierUpMode::Synchronous | TierUpMode::Stress(_) => true,
    };
    // An entry asked for before (by this frame, for a loop it left and
    // came back to, or by another) is entered once ready, however long
    // this frame has stayed.
    let wanted = asked || table.funcs[defined as usize].has_loop_entry(loop_index);
    // The loop's entry first: the running frame profits at once.
    let osr = if wanted { request(&module, defined, Some(loop_index)) } else { Requested::Waiting };
    let switched =
        matches!(request(&module, defined, None), Requested::Ready(_)) && switch(store, func, &module, index);
    // Switched, the function's entries run compiled code (a negative
    // budget), and a frame still looping here looks again on its own
    // count (`Executor::spend_loop_budget`); before, the shared budget
    // polls.
    let after = if switched { COMPILED } else { POLL };
    let Requested::Ready(slot) = osr else {
        // Not yet, or not this loop (operands under it, or too many
        // entries): look again later, maybe in another loop.
        counter.store(after, Ordering::Relaxed);
        return LoopTier::Stay { asked };
    };
    let code = slot.code.get().expect("a ready slot has code");
    // The entry calls through `VMFuncRef::wasm_call`, which every function
    // of the store must then have.
    let array_call = store
        .opaque_mut()
        .fill_compiled_entries()
        .and_then(|()| store.opaque().engine().osr_array_call_entry(module.func_type(index)));
    let array_call = match array_call {
        Ok(array_call) => array_call,
        Err(error) => {
            eprintln!("warning: tier-up of function {index} failed, it stays in the interpreter: {error:#}");
            counter.store(i32::MAX, Ordering::Relaxed);
            return LoopTier::Stay { asked };
        }
    };
    let opaque = store.opaque();
    let instance = opaque.func_ref(func).instance;
    let vmctx = opaque.instances[instance as usize].vmctx.as_ptr();
    counter.store(after, Ordering::Relaxed);
    if module.engine.config().tier_log {
        module.engine.tier_up().shared.log(format_args!("function {index} continues compiled in loop {loop_index}"));
    }
    LoopTier::Enter { entry: code.entry(), array_call, vmctx }
}

/// The polls a frame stays in a loop before it asks for an entry into
/// it, for a function of `body_bytes` bytes of wasm: a poll per 16 bytes,
/// at least one. Cranelift takes about 2 µs per byte of a large body
/// here, and a poll of interpretation (`POLL` operators) 10–20 µs
/// (Yosys's `AstNode::simplify`: 300 ms for 160 KB), so a frame asks once
/// it has spent about half the compile's time in the loop; the compile
/// runs on another core. A 1 KB function's long loop enters within a
/// millisecond or two.
fn osr_polls(body_bytes: u64) -> u32 {
    u32::try_from(body_bytes / 16).unwrap_or(u32::MAX).max(1)
}

/// Store function `func`'s index in its module and the module, if that
/// tiers up.
/// A threshold of `u32::MAX` counts but never compiles (to measure what
/// counting costs): the function's budget is refilled instead.
fn tiered(store: &dyn StoreDyn, func: u32) -> Option<(u32, Arc<ModuleInner>)> {
    match &store.opaque().funcs[func as usize] {
        FuncEntity::Wasm { index, module } if module.tier.is_some() => {
            let table = module.tier.as_ref().expect("a module that tiers up");
            if module.engine.config().tier_up_threshold == u32::MAX {
                table.counters[(*index - module.num_imported_funcs) as usize].store(i32::MAX, Ordering::Relaxed);
                return None;
            }
            // The cached functions come in with the first that runs hot.
            table.cache_key(module);
            Some((*index, module.clone()))
        }
        _ => None,
    }
}

/// Where a function's compiled code (or loop entry) stands.
enum Requested {
    Ready(Arc<Slot>),
    Waiting,
    Failed,
}

/// Asks for defined function `defined`'s compiled code, or with `osr_loop`
/// its entry into that loop: queued for the compiler threads the first
/// time, or compiled now in the synchronous modes.
fn request(module: &Arc<ModuleInner>, defined: u32, osr_loop: Option<u32>) -> Requested {
    let table = module.tier.as_ref().expect("a module that tiers up");
    let Some(slot) = table.funcs[defined as usize].slot(osr_loop) else { return Requested::Failed };
    if slot.code.get().is_none()
        && slot.state.compare_exchange(IDLE, QUEUED, Ordering::AcqRel, Ordering::Acquire).is_ok()
    {
        let engine = module.engine.clone();
        if engine.config().tier_log {
            let what = match osr_loop {
                Some(l) => format!("an entry into loop {l} of function {}", module.num_imported_funcs + defined),
                None => format!("function {}", module.num_imported_funcs + defined),
            };
            engine.tier_up().shared.log(format_args!("{what} ran hot: compiling"));
        }
        match engine.config().tier_up_mode {
            TierUpMode::Background => engine.tier_up().submit(Arc::downgrade(module), defined, osr_loop),
            TierUpMode::Synchronous | TierUpMode::Stress(_) => {
                engine.tier_up().shared.compile(module, defined, osr_loop)
            }
        }
    }
    match (slot.code.get().is_some(), slot.state.load(Ordering::Acquire)) {
        (true, _) => Requested::Ready(slot),
        (false, FAILED) => Requested::Failed,
        (false, _) => Requested::Waiting,
    }
}

/// Switches store function `func` to its module's compiled code if that is
/// there already (compiled in this process, or loaded from the cache),
/// without asking for it: whether the function now runs compiled in this
/// store. For a first call from interpreted code, which then need not
/// translate the function (`Executor::runs_compiled`).
pub(crate) fn switch_if_compiled(store: &mut dyn StoreDyn, func: u32) -> bool {
    let Some((index, module)) = tiered(store, func) else { return false };
    let table = module.tier.as_ref().expect("a module that tiers up");
    let defined = index - module.num_imported_funcs;
    if table.funcs[defined as usize].main.code.get().is_none() || !switch(store, func, &module, index) {
        return false;
    }
    table.counters[defined as usize].store(COMPILED, Ordering::Relaxed);
    true
}

/// Switches store function `func` (function `index` of `module`) to its
/// compiled code in this store; false, with a warning, if that failed.
fn switch(store: &mut dyn StoreDyn, func: u32, module: &ModuleInner, index: u32) -> bool {
    let table = module.tier.as_ref().expect("a module that tiers up");
    let defined = index - module.num_imported_funcs;
    let Some(code) = table.funcs[defined as usize].main.code.get() else { return false };
    match store.opaque_mut().switch_to_compiled(func, module.func_sig(index), code.entry()) {
        Ok(()) => true,
        Err(error) => {
            // Only the trampolines can fail here (the engine compiles them
            // on first use): the function stays interpreted.
            eprintln!("warning: tier-up of function {index} failed, it stays in the interpreter: {error:#}");
            false
        }
    }
}

/// An engine's tier-up: its compiler threads and what they did.
#[derive(Default)]
pub(crate) struct TierUp {
    shared: Arc<Shared>,
}

struct Shared {
    /// When the engine was made: the time `-D tier-log` lines give.
    started: Instant,
    queue: Mutex<Queue>,
    work: Condvar,
    compiled: AtomicU64,
    failed: AtomicU64,
    /// Functions whose code came from the on-disk cache.
    cached: AtomicU64,
    nanos: AtomicU64,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<(Weak<ModuleInner>, u32, Option<u32>)>,
    threads: usize,
    /// Threads waiting for a job.
    idle: usize,
    shutdown: bool,
}

impl TierUp {
    pub fn stats(&self) -> TierUpStats {
        TierUpStats {
            compiled: self.shared.compiled.load(Ordering::Relaxed),
            failed: self.shared.failed.load(Ordering::Relaxed),
            cached: self.shared.cached.load(Ordering::Relaxed),
            compile_time: Duration::from_nanos(self.shared.nanos.load(Ordering::Relaxed)),
        }
    }

    /// Queues defined function `defined` of `module` (or its entry into
    /// loop `osr_loop`) for a compiler thread, starting one if all are busy
    /// and there may be more.
    fn submit(&self, module: Weak<ModuleInner>, defined: u32, osr_loop: Option<u32>) {
        let mut queue = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.jobs.push_back((module, defined, osr_loop));
        let max = std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_sub(1).max(1);
        if queue.idle == 0 && queue.threads < max {
            let shared = self.shared.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("skiff-tier-up-{}", queue.threads))
                .spawn(move || shared.work());
            if spawned.is_ok() {
                queue.threads += 1;
            } else if queue.threads == 0 {
                // No thread at all: compile here rather than never.
                let (module, defined, osr_loop) = queue.jobs.pop_back().expect("just pushed");
                drop(queue);
                if let Some(module) = module.upgrade() {
                    self.shared.compile(&module, defined, osr_loop);
                }
                return;
            }
        }
        self.shared.work.notify_one();
    }
}

impl Drop for TierUp {
    fn drop(&mut self) {
        let mut queue = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.shutdown = true;
        queue.jobs.clear();
        drop(queue);
        self.shared.work.notify_all();
    }
}

impl Default for Shared {
    fn default() -> Shared {
        Shared {
            started: Instant::now(),
            queue: Mutex::default(),
            work: Condvar::new(),
            compiled: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            cached: AtomicU64::new(0),
            nanos: AtomicU64::new(0),
        }
    }
}

impl Shared {
    /// A `-D tier-log` line, with the seconds since the engine was made.
    fn log(&self, what: std::fmt::Arguments<'_>) {
        eprintln!("tier-up [{:8.3} s]: {what}", self.started.elapsed().as_secs_f64());
    }

    /// A compiler thread: takes jobs until the engine is dropped. A job
    /// holds its module weakly, so a module dropped meanwhile is skipped.
    fn work(&self) {
        loop {
            let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            let job = loop {
                if queue.shutdown {
                    return;
                }
                if let Some(job) = queue.jobs.pop_front() {
                    break job;
                }
                queue.idle += 1;
                queue = self.work.wait(queue).unwrap_or_else(|e| e.into_inner());
                queue.idle -= 1;
            };
            drop(queue);
            if let Some(module) = job.0.upgrade() {
                self.compile(&module, job.1, job.2);
                if self.queue.lock().unwrap_or_else(|e| e.into_inner()).jobs.is_empty()
                    && let Some(table) = &module.tier
                {
                    table.save_cached(&module.engine, false);
                }
            }
        }
    }

    /// Makes the engine's trampolines for every function type of `module`,
    /// once: the host-call entries a store's first switch to compiled code
    /// gives every function still without one (`fill_compiled_entries`),
    /// and the array-call entries of the functions it switches. Made on
    /// the running thread instead, they took Yosys's a quarter of a second
    /// (289 types). A failure here is left for the running thread to
    /// meet and report.
    fn prepare_trampolines(module: &ModuleInner, table: &TierTable) {
        if table.trampolines.swap(true, Ordering::AcqRel) {
            return;
        }
        let mut used = vec![false; module.types.len()];
        for &ty in module.func_types.iter() {
            used[ty as usize] = true;
        }
        let sigs: Vec<_> = (0..used.len()).filter(|&ty| used[ty]).map(|ty| module.type_sigs[ty]).collect();
        let engine = &module.engine;
        let _ = engine.prepare_trampolines(crate::compile::TrampolineKind::HostCall, sigs.iter().copied());
        let _ = engine.prepare_trampolines(crate::compile::TrampolineKind::ArrayCall, sigs);
    }

    /// Compiles and publishes defined function `defined` of `module`, or
    /// its entry into loop `osr_loop`. A failure (or a panic in Cranelift)
    /// leaves the function in the interpreter, with a warning; a loop
    /// without an entry (operands on the stack under it) just has none.
    fn compile(&self, module: &ModuleInner, defined: u32, osr_loop: Option<u32>) {
        let Some(table) = &module.tier else { return };
        let Some(slot) = table.funcs[defined as usize].slot(osr_loop) else { return };
        let func_index = module.num_imported_funcs + defined;
        if crate::compile::makes_tail_calls(module, defined).unwrap_or(false) {
            if module.engine.config().tier_log {
                self.log(format_args!("function {func_index} stays interpreted: it makes tail calls"));
            }
            slot.state.store(FAILED, Ordering::Release);
            return;
        }
        let start = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::compile::compile_tiered(module, func_index, osr_loop)
        }))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the compiler panicked")));
        let elapsed = start.elapsed();
        self.nanos.fetch_add(elapsed.as_nanos() as u64, Ordering::Relaxed);
        let mut name = match module.func_names.get(&func_index) {
            Some(name) => format!("function {func_index} ({name})"),
            None => format!("function {func_index}"),
        };
        if let Some(l) = osr_loop {
            name += &format!(", entry into loop {l}");
        }
        let log = module.engine.config().tier_log;
        let (state, code) = (&slot.state, &slot.code);
        match result {
            Ok(compiled) => {
                // Before the first code is published, so that the running
                // thread's switch to it finds what it needs.
                Self::prepare_trampolines(module, table);
                if log {
                    self.log(format_args!(
                        "{name} compiled in {:.2} ms ({} bytes of code)",
                        elapsed.as_secs_f64() * 1e3,
                        compiled.size()
                    ));
                }
                let _ = code.set(compiled);
                self.compiled.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                if osr_loop.is_none() {
                    eprintln!("warning: tier-up of {name} failed, it stays in the interpreter: {error:#}");
                    self.failed.fetch_add(1, Ordering::Relaxed);
                } else if log {
                    self.log(format_args!("{name}: none ({error:#})"));
                }
                state.store(FAILED, Ordering::Release);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stress_budgets_are_small_and_vary() {
        let mut config = Config::new();
        config.tier_up_mode(TierUpMode::Stress(7));
        let table = TierTable::new(64, &config);
        let budgets: Vec<i32> = table.counters.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        assert!(budgets.iter().all(|&b| (0..300).contains(&b)));
        assert!(budgets.iter().any(|&b| b != budgets[0]));
    }

    /// In a process whose cache holds a function's code, an interpreted
    /// caller's first call of it runs that code: the function is never
    /// translated for the interpreter. (The caller stays interpreted: it
    /// makes a tail call.)
    #[test]
    fn a_cached_function_is_never_translated() {
        let wat = r#"(module
          (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func $id (param i32) (result i32) (local.get 0))
          (func (export "caller") (param i32) (result i32)
            (return_call $id (call $square (local.get 0)))))"#;
        let dir = std::env::temp_dir().join(format!("skiff-unit-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let run = || {
            let mut config = Config::new();
            config.wasm_tail_call(true).tier_up_threshold(0).tier_up_mode(TierUpMode::Synchronous);
            config.cache_dir(Some(&dir));
            let engine = crate::Engine::new(&config).unwrap();
            let module = crate::Module::new(&engine, wat).unwrap();
            let mut store = crate::Store::new(&engine, ());
            let instance = crate::Instance::new(&mut store, &module, &[]).unwrap();
            let caller = instance.get_typed_func::<i32, i32>(&mut store, "caller").unwrap();
            let result = caller.call(&mut store, 7).unwrap();
            let translated = module.inner().code[0].get().is_some();
            (result, translated, engine.tier_up_stats().cached)
        };
        // The first process interprets and compiles `square`, and stores it.
        assert_eq!(run(), (49, true, 0));
        // The next loads it, and never translates it.
        assert_eq!(run(), (49, false, 2));
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A module whose cache entry says its writer validated every function
    /// loads without validating them (as a warm Wasmtime does); a function
    /// is then validated on its first call. Shown with a forged entry for a
    /// module that does not validate: it loads, and the call fails with
    /// the validation error. An entry without that word vouches for
    /// nothing.
    #[test]
    fn a_cache_entry_spares_validating_the_module_it_vouches_for() {
        use crate::compile::artifact::{Artifact, serialize_tiered};
        let dir = std::env::temp_dir().join(format!("skiff-unit-trust-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut config = Config::new();
        config.cache_dir(Some(&dir));
        let engine = crate::Engine::new(&config).unwrap();
        // It returns an i64 as an i32; a megabyte of data makes it big
        // enough for the load to look for an entry.
        let data = "x".repeat(1 << 20);
        let wat = format!(
            r#"(module (memory 17) (data (i32.const 0) "{data}") (func (export "f") (result i32) (i64.const 0)))"#
        );
        let binary = wat::parse_str(wat).unwrap();
        assert!(crate::Module::from_binary(&engine, &binary).is_err());
        let key = Key::of_digest(&engine, Kind::Tiered, &crate::compile::cache::digest(&binary)).unwrap();
        let vouch = |validated| {
            let body = serialize_tiered(&engine, validated, &[], &Artifact::concat([])).unwrap();
            engine.cache().unwrap().put(&key, &body);
        };
        vouch(false);
        assert!(crate::Module::from_binary(&engine, &binary).is_err());
        vouch(true);
        let module = crate::Module::from_binary(&engine, &binary).unwrap();
        let mut store = crate::Store::new(&engine, ());
        let instance = crate::Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_func(&mut store, "f").unwrap();
        let error = f.call(&mut store, &[], &mut [crate::Val::I32(0)]).unwrap_err();
        assert!(format!("{error:#}").contains("type mismatch"), "{error:#}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
