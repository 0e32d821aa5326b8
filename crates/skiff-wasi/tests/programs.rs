//! Differential check of the benchmark programs (`benches/programs/`, C
//! compiled for WASI): each runs in skiff, in both tiers (interpreted and
//! compiled), with and without fuel metering, and in wasmi 2.0 at a size
//! small enough for a debug-build test, and the runs must agree on stdout
//! (the checksum), the exit status and every byte of linear memory at exit.
//!
//! skiff runs them on skiff-wasi. wasmi gets the seven WASI functions the
//! programs import from a shim below, which answers as skiff-wasi does for
//! a captured stdout (an unknown file type with a byte stream's rights), so
//! that musl's stdio state, kept in linear memory, comes out the same.

mod common;

use common::Captured;
use skiff_wasi::{I32Exit, OutputStream, WasiCtx};
use std::path::PathBuf;

/// Every program with a size that keeps a debug build's run short.
const PROGRAMS: &[(&str, u32)] = &[
    ("hello", 1),
    ("sha256", 2),
    ("crc32", 1),
    ("lz77", 1),
    ("vm", 300),
    ("quicksort", 5000),
    ("hashmap", 3000),
    ("strsearch", 4),
    ("nbody", 300),
    ("matmul", 24),
    ("fft", 1),
    ("mandelbrot", 40),
    ("fib", 16),
    ("richards", 20000),
    ("ackermann", 10),
    ("memops", 1),
    ("bigsort", 20000),
    ("simd_checksum", 2),
    ("simd_matmul", 24),
    ("simd_search", 1),
];

/// What a run leaves behind.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    stdout: String,
    exit: i32,
    memory: Vec<u8>,
}

fn wasm(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../benches/programs").join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_skiff(wasm: &[u8], args: &[String], fuel: bool, strategy: skiff::Strategy) -> Outcome {
    let mut config = skiff::Config::new();
    config.consume_fuel(fuel).strategy(strategy);
    // Tiered, each function switches tier after a random number of
    // operators, compiled before the interpreter goes on: the tiers meet
    // at arbitrary points, in calls and in loops (on-stack replacement).
    config.tier_up_mode(skiff::TierUpMode::Stress(args.len() as u64 * 7919 + wasm.len() as u64));
    let engine = skiff::Engine::new(&config).unwrap();
    let module = skiff::Module::new(&engine, wasm).unwrap();
    let mut linker = skiff::Linker::new(&engine);
    skiff_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).unwrap();
    let out = Captured::default();
    let ctx = WasiCtx::builder().args(args).stdout(OutputStream::Writer(Box::new(out.clone()))).build();
    let mut store = skiff::Store::new(&engine, ctx);
    if fuel {
        store.set_fuel(u64::MAX).unwrap();
    }
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap();
    let exit = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(error) => error.downcast_ref::<I32Exit>().unwrap_or_else(|| panic!("skiff: {error:?}")).0,
    };
    let memory = instance.get_memory(&mut store, "memory").unwrap().data(&store).to_vec();
    let stdout = String::from_utf8(out.bytes()).unwrap();
    Outcome { stdout, exit, memory }
}

/// The guest's view of the shim: its arguments and what it wrote.
struct Shim {
    args: Vec<String>,
    stdout: Vec<u8>,
}

const ESUCCESS: i32 = 0;
const EBADF: i32 = 8;
const ESPIPE: i32 = 70;
/// The rights skiff-wasi grants a byte stream (WASI's `fd_read`,
/// `fd_fdstat_set_flags`, `fd_write`, `fd_filestat_get`, `poll_fd_readwrite`).
const STREAM_RIGHTS: u64 = 1 << 1 | 1 << 3 | 1 << 6 | 1 << 21 | 1 << 27;

fn memory(caller: &mut wasmi::Caller<'_, Shim>) -> wasmi::Memory {
    caller.get_export("memory").and_then(wasmi::Extern::into_memory).expect("the programs export `memory`")
}

fn read_u32(data: &[u8], at: u32) -> u32 {
    u32::from_le_bytes(data[at as usize..at as usize + 4].try_into().unwrap())
}

fn shim_linker(engine: &wasmi::Engine) -> wasmi::Linker<Shim> {
    type Caller<'a> = wasmi::Caller<'a, Shim>;
    let mut linker = wasmi::Linker::new(engine);
    let wasi = "wasi_snapshot_preview1";
    linker
        .func_wrap(wasi, "args_sizes_get", |mut caller: Caller<'_>, argc: u32, size: u32| {
            let (count, bytes) =
                (caller.data().args.len(), caller.data().args.iter().map(|a| a.len() + 1).sum::<usize>());
            let memory = memory(&mut caller);
            let data = memory.data_mut(&mut caller);
            data[argc as usize..argc as usize + 4].copy_from_slice(&(count as u32).to_le_bytes());
            data[size as usize..size as usize + 4].copy_from_slice(&(bytes as u32).to_le_bytes());
            ESUCCESS
        })
        .unwrap();
    linker
        .func_wrap(wasi, "args_get", |mut caller: Caller<'_>, argv: u32, buf: u32| {
            let args = caller.data().args.clone();
            let memory = memory(&mut caller);
            let data = memory.data_mut(&mut caller);
            let mut at = buf;
            for (i, arg) in args.iter().enumerate() {
                let slot = argv as usize + 4 * i;
                data[slot..slot + 4].copy_from_slice(&at.to_le_bytes());
                data[at as usize..at as usize + arg.len()].copy_from_slice(arg.as_bytes());
                data[at as usize + arg.len()] = 0;
                at += arg.len() as u32 + 1;
            }
            ESUCCESS
        })
        .unwrap();
    linker
        .func_wrap(wasi, "fd_write", |mut caller: Caller<'_>, fd: u32, iovs: u32, len: u32, written: u32| {
            if fd != 1 {
                return EBADF;
            }
            let memory = memory(&mut caller);
            let mut bytes = Vec::new();
            let data = memory.data(&caller);
            for i in 0..len {
                let (base, n) = (read_u32(data, iovs + 8 * i), read_u32(data, iovs + 8 * i + 4));
                bytes.extend_from_slice(&data[base as usize..(base + n) as usize]);
            }
            let data = memory.data_mut(&mut caller);
            data[written as usize..written as usize + 4].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
            caller.data_mut().stdout.extend_from_slice(&bytes);
            ESUCCESS
        })
        .unwrap();
    linker
        .func_wrap(wasi, "fd_fdstat_get", |mut caller: Caller<'_>, fd: u32, stat: u32| {
            if fd > 2 {
                return EBADF;
            }
            let mut bytes = [0u8; 24];
            bytes[8..16].copy_from_slice(&STREAM_RIGHTS.to_le_bytes());
            let memory = memory(&mut caller);
            memory.data_mut(&mut caller)[stat as usize..stat as usize + 24].copy_from_slice(&bytes);
            ESUCCESS
        })
        .unwrap();
    linker
        .func_wrap(wasi, "fd_seek", |fd: u32, _offset: i64, _whence: u32, _to: u32| if fd > 2 { EBADF } else { ESPIPE })
        .unwrap();
    linker.func_wrap(wasi, "fd_close", |_fd: u32| EBADF).unwrap();
    linker
        .func_wrap(wasi, "proc_exit", |code: i32| -> Result<(), wasmi::Error> { Err(wasmi::Error::i32_exit(code)) })
        .unwrap();
    linker
}

fn run_wasmi(wasm: &[u8], args: &[String]) -> Outcome {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).unwrap();
    let mut store = wasmi::Store::new(&engine, Shim { args: args.to_vec(), stdout: Vec::new() });
    let instance = shim_linker(&engine).instantiate_and_start(&mut store, &module).unwrap();
    let start = instance.get_typed_func::<(), ()>(&store, "_start").unwrap();
    let exit = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(error) => error.i32_exit_status().unwrap_or_else(|| panic!("wasmi: {error}")),
    };
    let memory = instance.get_memory(&store, "memory").unwrap().data(&store).to_vec();
    let stdout = String::from_utf8(std::mem::take(&mut store.data_mut().stdout)).unwrap();
    Outcome { stdout, exit, memory }
}

/// The tiers this build has.
fn strategies() -> impl Iterator<Item = skiff::Strategy> {
    let compiled = cfg!(feature = "cranelift").then_some([skiff::Strategy::Cranelift, skiff::Strategy::Auto]);
    std::iter::once(skiff::Strategy::Interpreter).chain(compiled.into_iter().flatten())
}

#[test]
fn benchmark_programs_agree_with_wasmi() {
    // As in skiff's `differential.rs`: wasmi's optimized handlers may need
    // more than a test thread's default stack on deep recursion.
    let run = std::thread::Builder::new().stack_size(256 << 20).spawn(|| {
        for &(name, size) in PROGRAMS {
            let wasm = wasm(name);
            let args = vec![format!("{name}.wasm"), size.to_string()];
            let expected = run_wasmi(&wasm, &args);
            assert!(expected.stdout.contains("checksum"), "{name}: wasmi printed {:?}", expected.stdout);
            for (fuel, strategy) in [false, true].into_iter().flat_map(|f| strategies().map(move |s| (f, s))) {
                let outcome = run_skiff(&wasm, &args, fuel, strategy);
                assert_eq!(
                    (&outcome.stdout, outcome.exit),
                    (&expected.stdout, expected.exit),
                    "{name} {size} (fuel {fuel}, {strategy:?})"
                );
                let first_difference = outcome.memory.iter().zip(&expected.memory).position(|(a, b)| a != b);
                assert!(
                    outcome.memory.len() == expected.memory.len() && first_difference.is_none(),
                    "{name} {size} (fuel {fuel}, {strategy:?}): memory differs: {} bytes against {}, first at \
                     {first_difference:?}",
                    outcome.memory.len(),
                    expected.memory.len()
                );
            }
        }
    });
    if let Err(panic) = run.unwrap().join() {
        std::panic::resume_unwind(panic);
    }
}
