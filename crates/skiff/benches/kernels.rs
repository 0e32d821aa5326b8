//! Interpreter benchmark: runs each kernel in `benches/kernels/` under skiff
//! and under wasmi, alternating, and prints a Markdown comparison table.
//!
//! ```text
//! cargo bench -p skiff --bench kernels             # all kernels
//! cargo bench -p skiff --bench kernels -- fib sort # kernels whose name contains "fib" or "sort"
//! SKIFF_BENCH_RUNS=9 cargo bench -p skiff --bench kernels
//! SKIFF_BENCH_FUEL=1 cargo bench -p skiff --bench kernels  # skiff with fuel metering
//! SKIFF_BENCH_EPOCH=1 cargo bench -p skiff --bench kernels # skiff with epoch interruption checks
//! ```
//!
//! Every kernel exports `run(n: i32) -> i64` returning a deterministic
//! checksum. Each runtime compiles and instantiates the module once (timed
//! separately, reported in a second table); the main table reports the median
//! wall time of `run(n)` over `SKIFF_BENCH_RUNS` (default 5) calls, after one
//! untimed warm-up call. A ratio above 1 means skiff is faster than wasmi.
//! The kernel directory can be overridden with `SKIFF_KERNELS_DIR`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A benchmark kernel: a file in the kernels directory and the argument
/// passed to its exported `run` function.
struct Kernel {
    name: &'static str,
    file: &'static str,
    n: i32,
}

/// `n` is chosen so that each call takes roughly 0.2–1 s under wasmi.
const KERNELS: &[Kernel] = &[
    Kernel { name: "fib", file: "fib.wat", n: 35 },
    Kernel { name: "loops", file: "loops.wat", n: 60_000 },
    Kernel { name: "sort", file: "sort.wasm", n: 1_000_000 },
    Kernel { name: "hash", file: "hash.wasm", n: 1_500 },
    Kernel { name: "matmul", file: "matmul.wasm", n: 400 },
    Kernel { name: "interp", file: "interp.wasm", n: 500_000 },
];

fn kernels_dir() -> PathBuf {
    match std::env::var_os("SKIFF_KERNELS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/kernels"),
    }
}

/// Reads a kernel as a binary module (`.wat` files are assembled first), so
/// both runtimes are handed exactly the same bytes.
fn load_kernel(path: &Path) -> Result<Vec<u8>> {
    if path.extension().is_some_and(|ext| ext == "wat") {
        wat::parse_file(path).with_context(|| format!("failed to assemble {}", path.display()))
    } else {
        std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))
    }
}

/// One runtime's instantiated kernel: calls `run(n)`.
type Runner = Box<dyn FnMut(i32) -> Result<i64>>;

fn skiff_runner(wasm: &[u8]) -> Result<Runner> {
    // `SKIFF_BENCH_FUEL=1` measures skiff with fuel metering on,
    // `SKIFF_BENCH_EPOCH=1` with interruption checks (a deadline never reached).
    let fuel = std::env::var_os("SKIFF_BENCH_FUEL").is_some();
    let epoch = std::env::var_os("SKIFF_BENCH_EPOCH").is_some();
    let mut config = skiff::Config::new();
    config.consume_fuel(fuel).epoch_interruption(epoch);
    let engine = skiff::Engine::new(&config)?;
    let module = skiff::Module::new(&engine, wasm)?;
    let mut store = skiff::Store::new(&engine, ());
    if fuel {
        store.set_fuel(u64::MAX)?;
    }
    if epoch {
        store.set_epoch_deadline(u64::MAX);
    }
    let instance = skiff::Instance::new(&mut store, &module, &[])?;
    let run = instance.get_typed_func::<i32, i64>(&mut store, "run")?;
    Ok(Box::new(move |n| run.call(&mut store, n)))
}

fn wasmi_runner(wasm: &[u8]) -> Result<Runner> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm)?;
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Instance::new(&mut store, &module, &[])?;
    let run = instance.get_typed_func::<i32, i64>(&store, "run")?;
    Ok(Box::new(move |n| Ok(run.call(&mut store, n)?)))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    let mid = times.len() / 2;
    if times.len() % 2 == 1 { times[mid] } else { (times[mid - 1] + times[mid]) / 2 }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Calls `run(n)` once and checks the result against the expected checksum.
fn call_checked(runner: &mut Runner, runtime: &str, kernel: &Kernel, expected: i64) -> Result<Duration> {
    let (result, elapsed) = timed(|| runner(black_box(kernel.n)));
    let result = result.with_context(|| format!("{runtime}: kernel `{}` run({}) failed", kernel.name, kernel.n))?;
    if result != expected {
        panic!(
            "result mismatch in kernel `{}` run({}): {runtime} returned {result} ({result:#018x}), \
             expected {expected} ({expected:#018x}) as returned by wasmi's first call",
            kernel.name,
            kernel.n,
            result = result as u64,
            expected = expected as u64,
        );
    }
    Ok(elapsed)
}

struct Row {
    name: &'static str,
    n: i32,
    skiff_setup: Duration,
    wasmi_setup: Duration,
    skiff: Duration,
    wasmi: Duration,
}

fn bench_kernel(kernel: &Kernel, runs: usize) -> Result<Row> {
    let path = kernels_dir().join(kernel.file);
    let wasm = load_kernel(&path)?;

    let (wasmi, wasmi_setup) = timed(|| wasmi_runner(&wasm));
    let mut wasmi = wasmi.with_context(|| format!("wasmi: failed to instantiate {}", path.display()))?;
    let (skiff, skiff_setup) = timed(|| skiff_runner(&wasm));
    let mut skiff = skiff.with_context(|| format!("skiff: failed to instantiate {}", path.display()))?;

    // Untimed warm-up; wasmi's first result is the reference checksum.
    let expected = wasmi(black_box(kernel.n))
        .with_context(|| format!("wasmi: kernel `{}` run({}) failed", kernel.name, kernel.n))?;
    eprintln!("  checksum {:#018x}", expected as u64);
    call_checked(&mut skiff, "skiff", kernel, expected)?;

    let mut skiff_times = Vec::with_capacity(runs);
    let mut wasmi_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        skiff_times.push(call_checked(&mut skiff, "skiff", kernel, expected)?);
        wasmi_times.push(call_checked(&mut wasmi, "wasmi", kernel, expected)?);
    }
    Ok(Row {
        name: kernel.name,
        n: kernel.n,
        skiff_setup,
        wasmi_setup,
        skiff: median(&mut skiff_times),
        wasmi: median(&mut wasmi_times),
    })
}

fn main() -> Result<()> {
    let filters: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    let runs = match std::env::var("SKIFF_BENCH_RUNS") {
        Ok(value) => match value.trim().parse::<usize>() {
            Ok(runs) if runs > 0 => runs,
            _ => bail!("SKIFF_BENCH_RUNS must be a positive integer, got {value:?}"),
        },
        Err(_) => 5,
    };
    let selected: Vec<&Kernel> =
        KERNELS.iter().filter(|k| filters.is_empty() || filters.iter().any(|f| k.name.contains(f.as_str()))).collect();
    if selected.is_empty() {
        bail!("no kernel matches {filters:?}; kernels: {:?}", KERNELS.iter().map(|k| k.name).collect::<Vec<_>>());
    }

    let mut rows = Vec::new();
    for kernel in selected {
        eprintln!("running {} (n = {}, {runs} runs each)...", kernel.name, kernel.n);
        rows.push(bench_kernel(kernel, runs)?);
    }

    println!();
    println!("Median of {runs} calls of `run(n)`; ratio > 1 means skiff is faster.");
    println!();
    println!("| kernel | skiff (ms) | wasmi (ms) | wasmi/skiff ratio |");
    println!("|---|---:|---:|---:|");
    let mut log_sum = 0.0;
    for row in &rows {
        let ratio = row.wasmi.as_secs_f64() / row.skiff.as_secs_f64();
        log_sum += ratio.ln();
        println!("| {} (n={}) | {:.1} | {:.1} | {:.2} |", row.name, row.n, ms(row.skiff), ms(row.wasmi), ratio);
    }
    let geomean = (log_sum / rows.len() as f64).exp();
    println!("| **geometric mean** | | | **{geomean:.2}** |");

    println!();
    println!("Compile + instantiate (once per kernel):");
    println!();
    println!("| kernel | skiff (ms) | wasmi (ms) |");
    println!("|---|---:|---:|");
    for row in &rows {
        println!("| {} | {:.2} | {:.2} |", row.name, ms(row.skiff_setup), ms(row.wasmi_setup));
    }
    Ok(())
}
