//! Translation benchmark: how fast skiff and wasmi 2.0 turn wasm into their
//! interpreter code, how fast a module loads when translation waits for
//! first calls, and how large the interpreter code is. Prints Markdown.
//!
//! ```text
//! cargo bench -p skiff --bench translate                  # every module
//! cargo bench -p skiff --bench translate -- generated     # modules whose name contains "generated"
//! SKIFF_BENCH_RUNS=9 cargo bench -p skiff --bench translate
//! cargo bench -p skiff --bench translate -- --emit FILE   # only write the generated module to FILE
//! ```
//!
//! The modules: the committed programs of `benches/programs/` and
//! `crates/skiff-cli/tests/wasi/bin/`, and one generated module of more
//! than 10 MiB of code (`generate`: many varied functions, built with
//! wasm-encoder from a fixed seed, so every run measures the same bytes).
//!
//! For each engine (same measurement for both):
//! - **eager MiB/s**: code-section bytes over the median time of
//!   `Module::new` in eager mode (validation plus translation of every body);
//! - **lazy-translation ms** and **lazy ms**: the median time of
//!   `Module::new` when bodies are validated but not translated, and when
//!   neither (both engines' modes of those names);
//! - **code bytes / wasm byte**: heap bytes still allocated after eager
//!   `Module::new` (measured by this binary's counting global allocator,
//!   engine created beforehand) over code-section bytes. This counts all of
//!   the module's data (types, exports, segments), not only instructions;
//!   for wasmi it also counts any scratch buffers its engine keeps.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use skiff::CompilationMode;
use wasm_encoder::{
    BlockType, CodeSection, ExportKind, ExportSection, Function, FunctionSection, Ieee64, InstructionSink, MemArg,
    MemArgTarget, MemorySection, MemoryType, Module, TypeSection, ValType,
};

/// The global allocator, counting the bytes currently allocated.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counter only
// observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System.alloc`'s.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the bytes it left allocated.
fn retained<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let value = f();
    let after = LIVE_BYTES.load(Ordering::Relaxed);
    (value, after.saturating_sub(before))
}

/// The median wall time of `runs` calls of `f`, after one untimed call.
fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

// ---- The generated module ----

/// How much code the generated module has at least.
const GENERATED_CODE_BYTES: usize = 10 * 1024 * 1024 + 512 * 1024;

/// xorshift64: a fixed seed gives the same module on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }
}

/// Writes random but valid function bodies. Every function has type
/// `(i32, i32) -> i32` and locals: 2 and 3 are i32, 4 and 5 i64, 6 and 7
/// f64; 8, 9 and 10 count loop iterations, one per nesting level. Function
/// `n` calls only functions below `n`, so nothing recurses.
struct BodyGen {
    rng: Rng,
    func: u32,
}

const LOOP_COUNTERS: [u32; 3] = [8, 9, 10];

impl BodyGen {
    fn memarg(&mut self, align: u32) -> MemArg {
        MemArg { offset: u64::from(self.rng.below(64) * 8), align, target: MemArgTarget::Memory(0), ordering: None }
    }

    /// An address inside the first page, leaving room for the offset.
    fn address(&mut self, s: &mut InstructionSink<'_>, depth: u32) {
        self.i32(s, depth);
        s.i32_const(0x7ff8).i32_and();
    }

    fn i32(&mut self, s: &mut InstructionSink<'_>, depth: u32) {
        if depth == 0 {
            match self.rng.below(3) {
                0 => s.i32_const(self.rng.next() as i32 >> self.rng.below(31)),
                _ => s.local_get(self.rng.below(4)),
            };
            return;
        }
        let d = depth - 1;
        match self.rng.below(11) {
            0..=2 => {
                self.i32(s, d);
                self.i32(s, d);
                match self.rng.below(12) {
                    0 => s.i32_add(),
                    1 => s.i32_sub(),
                    2 => s.i32_mul(),
                    3 => s.i32_and(),
                    4 => s.i32_or(),
                    5 => s.i32_xor(),
                    6 => s.i32_shl(),
                    7 => s.i32_shr_u(),
                    8 => s.i32_rotl(),
                    9 => s.i32_eq(),
                    10 => s.i32_lt_s(),
                    _ => s.i32_ge_u(),
                };
            }
            3 => {
                self.i32(s, d);
                match self.rng.below(4) {
                    0 => s.i32_eqz(),
                    1 => s.i32_clz(),
                    2 => s.i32_popcnt(),
                    _ => s.i32_extend8_s(),
                };
            }
            4 => {
                self.i64(s, d);
                self.i64(s, d);
                match self.rng.below(3) {
                    0 => s.i64_lt_s(),
                    1 => s.i64_eq(),
                    _ => s.i64_gt_u(),
                };
            }
            5 => {
                self.address(s, d);
                let m = self.memarg(2);
                s.i32_load(m);
            }
            6 if self.func > 0 => {
                self.i32(s, d);
                self.i32(s, d);
                s.call(self.rng.below(self.func));
            }
            7 => {
                self.i32(s, d);
                self.i32(s, d);
                self.i32(s, d);
                s.select();
            }
            8 => {
                self.f64(s, d);
                self.f64(s, d);
                s.f64_lt();
            }
            9 => {
                self.i32(s, d);
                s.local_tee(2 + self.rng.below(2));
            }
            _ => {
                self.i64(s, d);
                s.i32_wrap_i64();
            }
        }
    }

    fn i64(&mut self, s: &mut InstructionSink<'_>, depth: u32) {
        if depth == 0 {
            match self.rng.below(3) {
                0 => s.i64_const(self.rng.next() as i64 >> self.rng.below(63)),
                _ => s.local_get(4 + self.rng.below(2)),
            };
            return;
        }
        let d = depth - 1;
        match self.rng.below(5) {
            0 | 1 => {
                self.i64(s, d);
                self.i64(s, d);
                match self.rng.below(6) {
                    0 => s.i64_add(),
                    1 => s.i64_sub(),
                    2 => s.i64_mul(),
                    3 => s.i64_xor(),
                    4 => s.i64_shl(),
                    _ => s.i64_rotl(),
                };
            }
            2 => {
                self.i32(s, d);
                if self.rng.below(2) == 0 {
                    s.i64_extend_i32_s()
                } else {
                    s.i64_extend_i32_u()
                };
            }
            3 => {
                self.address(s, d);
                let m = self.memarg(3);
                s.i64_load(m);
            }
            _ => {
                self.f64(s, d);
                s.i64_trunc_sat_f64_s();
            }
        }
    }

    fn f64(&mut self, s: &mut InstructionSink<'_>, depth: u32) {
        if depth == 0 {
            match self.rng.below(3) {
                0 => s.f64_const(Ieee64::from(self.rng.below(10_000) as f64 / 7.0)),
                _ => s.local_get(6 + self.rng.below(2)),
            };
            return;
        }
        let d = depth - 1;
        match self.rng.below(5) {
            0 | 1 => {
                self.f64(s, d);
                self.f64(s, d);
                match self.rng.below(6) {
                    0 => s.f64_add(),
                    1 => s.f64_sub(),
                    2 => s.f64_mul(),
                    3 => s.f64_div(),
                    4 => s.f64_min(),
                    _ => s.f64_max(),
                };
            }
            2 => {
                self.i32(s, d);
                s.f64_convert_i32_s();
            }
            3 => {
                self.f64(s, d);
                match self.rng.below(3) {
                    0 => s.f64_sqrt(),
                    1 => s.f64_abs(),
                    _ => s.f64_neg(),
                };
            }
            _ => {
                self.address(s, d);
                let m = self.memarg(3);
                s.f64_load(m);
            }
        }
    }

    /// One statement; `nesting` is how many loops and ifs enclose it.
    fn statement(&mut self, s: &mut InstructionSink<'_>, nesting: usize) {
        let depth = 1 + self.rng.below(3);
        let choice = if nesting >= LOOP_COUNTERS.len() { self.rng.below(5) } else { self.rng.below(8) };
        match choice {
            0 => {
                self.i32(s, depth);
                s.local_set(2 + self.rng.below(2));
            }
            1 => {
                self.i64(s, depth);
                s.local_set(4 + self.rng.below(2));
            }
            2 => {
                self.f64(s, depth);
                s.local_set(6 + self.rng.below(2));
            }
            3 => {
                self.address(s, 1);
                self.i32(s, depth);
                let m = self.memarg(2);
                s.i32_store(m);
            }
            4 => {
                self.address(s, 1);
                self.i64(s, depth);
                let m = self.memarg(3);
                s.i64_store(m);
            }
            5 => {
                self.i32(s, depth);
                s.if_(BlockType::Empty);
                let (then_count, else_count) = (1 + self.rng.below(3), 1 + self.rng.below(3));
                self.statements(s, nesting + 1, then_count);
                s.else_();
                self.statements(s, nesting + 1, else_count);
                s.end();
            }
            6 => {
                // A loop of at most 15 iterations, counted in its own local.
                let counter = LOOP_COUNTERS[nesting];
                self.i32(s, depth);
                s.i32_const(15).i32_and().local_set(counter);
                s.block(BlockType::Empty).loop_(BlockType::Empty);
                s.local_get(counter).i32_eqz().br_if(1);
                let count = 1 + self.rng.below(4);
                self.statements(s, nesting + 1, count);
                s.local_get(counter).i32_const(1).i32_sub().local_set(counter).br(0);
                s.end().end();
            }
            _ => {
                // A `switch` of three cases.
                s.block(BlockType::Empty).block(BlockType::Empty).block(BlockType::Empty);
                self.i32(s, depth);
                s.i32_const(3).i32_and().br_table([0, 1, 2], 2);
                s.end();
                self.statements(s, nesting + 1, 1);
                s.end();
                self.statements(s, nesting + 1, 1);
                s.end();
            }
        }
    }

    fn statements(&mut self, s: &mut InstructionSink<'_>, nesting: usize, count: u32) {
        for _ in 0..count {
            self.statement(s, nesting);
        }
    }

    fn function(&mut self) -> Function {
        let mut f = Function::new([(2, ValType::I32), (2, ValType::I64), (2, ValType::F64), (3, ValType::I32)]);
        let mut s = f.instructions();
        let count = 2 + self.rng.below(10);
        self.statements(&mut s, 0, count);
        self.i32(&mut s, 3);
        s.end();
        f
    }
}

/// A module with at least `GENERATED_CODE_BYTES` of code: thousands of
/// functions of varied sizes and shapes, and a `_start` that calls the first.
fn generate() -> Vec<u8> {
    let mut bodies = BodyGen { rng: Rng(0x005E_ED0F_5C1F), func: 0 };
    let mut code = CodeSection::new();
    let mut size = 0;
    while size < GENERATED_CODE_BYTES {
        let f = bodies.function();
        size += f.byte_len();
        code.function(&f);
        bodies.func += 1;
    }
    let mut start = Function::new([]);
    start.instructions().i32_const(1).i32_const(2).call(0).drop().end();
    code.function(&start);

    let mut types = TypeSection::new();
    types.ty().function([ValType::I32, ValType::I32], [ValType::I32]);
    types.ty().function([], []);
    let mut funcs = FunctionSection::new();
    for _ in 0..bodies.func {
        funcs.function(0);
    }
    funcs.function(1);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType { minimum: 1, maximum: None, memory64: false, shared: false, page_size_log2: None });
    let mut exports = ExportSection::new();
    exports.export("_start", ExportKind::Func, bodies.func);
    exports.export("memory", ExportKind::Memory, 0);

    let mut module = Module::new();
    module.section(&types).section(&funcs).section(&memories).section(&exports).section(&code);
    module.finish()
}

// ---- Measurement ----

struct Subject {
    name: String,
    wasm: Vec<u8>,
}

impl Subject {
    /// (code-section bytes, defined functions).
    fn code_size(&self) -> Result<(usize, u32)> {
        for payload in wasmparser::Parser::new(0).parse_all(&self.wasm) {
            if let wasmparser::Payload::CodeSectionStart { count, size, .. } = payload? {
                return Ok((size as usize, count));
            }
        }
        Ok((0, 0))
    }
}

fn skiff_engine(mode: CompilationMode) -> skiff::Engine {
    let mut config = skiff::Config::new();
    config.compilation_mode(mode);
    skiff::Engine::new(&config).expect("valid config")
}

fn wasmi_engine(mode: wasmi::CompilationMode) -> wasmi::Engine {
    let mut config = wasmi::Config::default();
    config.compilation_mode(mode);
    wasmi::Engine::new(&config)
}

/// One engine's figures for one module.
struct Figures {
    eager: Duration,
    lazy_translation: Duration,
    lazy: Duration,
    retained: usize,
}

fn measure_skiff(wasm: &[u8], runs: usize) -> Result<Figures> {
    let time = |mode| -> Result<Duration> {
        let engine = skiff_engine(mode);
        skiff::Module::new(&engine, wasm)?;
        Ok(median_time(runs, || drop(black_box(skiff::Module::new(&engine, wasm).unwrap()))))
    };
    let engine = skiff_engine(CompilationMode::Eager);
    let (module, retained) = retained(|| skiff::Module::new(&engine, wasm));
    drop(module?);
    Ok(Figures {
        eager: time(CompilationMode::Eager)?,
        lazy_translation: time(CompilationMode::LazyTranslation)?,
        lazy: time(CompilationMode::Lazy)?,
        retained,
    })
}

fn measure_wasmi(wasm: &[u8], runs: usize) -> Result<Figures> {
    use wasmi::CompilationMode as M;
    let time = |mode| -> Result<Duration> {
        let engine = wasmi_engine(mode);
        wasmi::Module::new(&engine, wasm)?;
        Ok(median_time(runs, || drop(black_box(wasmi::Module::new(&engine, wasm).unwrap()))))
    };
    let engine = wasmi_engine(M::Eager);
    let (module, retained) = retained(|| wasmi::Module::new(&engine, wasm));
    drop(module?);
    Ok(Figures { eager: time(M::Eager)?, lazy_translation: time(M::LazyTranslation)?, lazy: time(M::Lazy)?, retained })
}

fn committed_modules() -> Result<Vec<Subject>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut subjects = Vec::new();
    for dir in ["benches/programs", "crates/skiff-cli/tests/wasi/bin"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .with_context(|| format!("failed to list {dir}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        files.sort();
        for path in files {
            let name = format!("{}", path.file_name().unwrap().to_string_lossy());
            subjects.push(Subject { name, wasm: std::fs::read(&path)? });
        }
    }
    Ok(subjects)
}

fn mib_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / time.as_secs_f64()
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if let Some(at) = args.iter().position(|a| a == "--emit") {
        let path = args.get(at + 1).context("--emit needs a file name")?;
        std::fs::write(path, generate()).with_context(|| format!("failed to write {path}"))?;
        return Ok(());
    }
    let runs: usize = std::env::var("SKIFF_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);

    let mut subjects = committed_modules()?;
    subjects.push(Subject { name: "generated (10+ MiB)".into(), wasm: generate() });
    subjects.retain(|s| args.is_empty() || args.iter().any(|a| s.name.contains(a.as_str())));

    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut totals = (0usize, Duration::ZERO, Duration::ZERO, 0usize, 0usize);
    for subject in &subjects {
        let (code, funcs) = subject.code_size()?;
        eprintln!("measuring {} ({} KiB of code, {funcs} functions)...", subject.name, code / 1024);
        // A module one engine refuses (the SIMD programs, while skiff has no
        // SIMD) is left out of the table and listed under it with the reason.
        let (s, w) = match (measure_skiff(&subject.wasm, runs), measure_wasmi(&subject.wasm, runs)) {
            (Ok(s), Ok(w)) => (s, w),
            (s, w) => {
                let why = [("skiff", s.err()), ("wasmi", w.err())]
                    .into_iter()
                    .filter_map(|(engine, e)| e.map(|e| format!("{engine}: {}", format!("{e:#}").replace('\n', " "))))
                    .collect::<Vec<_>>()
                    .join("; ");
                eprintln!("  skipped: {why}");
                skipped.push(format!("{} ({why})", subject.name));
                continue;
            }
        };
        totals.0 += code;
        totals.1 += s.eager;
        totals.2 += w.eager;
        totals.3 += s.retained;
        totals.4 += w.retained;
        rows.push(format!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {:.1} |",
            subject.name,
            code / 1024,
            funcs,
            mib_per_s(code, s.eager),
            mib_per_s(code, w.eager),
            ms(s.lazy_translation),
            ms(w.lazy_translation),
            ms(s.lazy),
            ms(w.lazy),
            s.retained as f64 / code as f64,
            w.retained as f64 / code as f64,
        ));
    }

    println!("Median of {runs} `Module::new` calls per module and mode (after one untimed call).");
    println!("MiB/s: code-section bytes per second, eager (validate + translate every body).");
    println!("lazy-translation / lazy: `Module::new` time when bodies are only validated / not even validated.");
    println!("bytes/B: heap bytes the module keeps after eager `Module::new`, per byte of code section.");
    println!();
    println!(
        "| module | code KiB | funcs | skiff MiB/s | wasmi MiB/s | skiff lazy-translation ms | wasmi lazy-translation ms \
         | skiff lazy ms | wasmi lazy ms | skiff bytes/B | wasmi bytes/B |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        println!("{row}");
    }
    if rows.len() > 1 {
        println!(
            "| **all** | {} | | **{:.0}** | **{:.0}** | | | | | **{:.1}** | **{:.1}** |",
            totals.0 / 1024,
            mib_per_s(totals.0, totals.1),
            mib_per_s(totals.0, totals.2),
            totals.3 as f64 / totals.0 as f64,
            totals.4 as f64 / totals.0 as f64,
        );
    }
    if !skipped.is_empty() {
        println!();
        for module in &skipped {
            println!("Not measured: {module}.");
        }
    }
    Ok(())
}
