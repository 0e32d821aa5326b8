//! Differential check against wasmi: every benchmark kernel, at sizes small
//! enough for a test, must return the same checksum in both runtimes, under
//! both of skiff's configurations (with and without fuel metering).

use std::path::Path;

const KERNELS: &[(&str, i32)] = &[
    ("fib.wat", 20),
    ("loops.wat", 50),
    ("sort.wasm", 2000),
    ("hash.wasm", 3),
    ("matmul.wasm", 24),
    ("interp.wasm", 2000),
];

fn read_kernel(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/kernels").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    wat::parse_bytes(&bytes).unwrap().into_owned()
}

fn run_wasmi(wasm: &[u8], n: i32) -> i64 {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).unwrap();
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Instance::new(&mut store, &module, &[]).unwrap();
    instance.get_typed_func::<i32, i64>(&store, "run").unwrap().call(&mut store, n).unwrap()
}

fn run_skiff(wasm: &[u8], n: i32, fuel: bool) -> i64 {
    let mut config = skiff::Config::new();
    config.consume_fuel(fuel);
    let engine = skiff::Engine::new(&config).unwrap();
    let module = skiff::Module::new(&engine, wasm).unwrap();
    let mut store = skiff::Store::new(&engine, ());
    if fuel {
        store.set_fuel(u64::MAX).unwrap();
    }
    let instance = skiff::Instance::new(&mut store, &module, &[]).unwrap();
    instance.get_typed_func::<i32, i64>(&mut store, "run").unwrap().call(&mut store, n).unwrap()
}

#[test]
fn kernels_agree_with_wasmi() {
    // wasmi is built with optimizations even in test builds (see the root
    // Cargo.toml), where its handlers do not all end in tail jumps and a
    // long loop can outgrow the default 2 MiB test thread: give it room.
    let run = std::thread::Builder::new().stack_size(256 << 20).spawn(|| {
        for &(name, n) in KERNELS {
            let wasm = read_kernel(name);
            let expected = run_wasmi(&wasm, n);
            assert_eq!(run_skiff(&wasm, n, false), expected, "{name}({n})");
            assert_eq!(run_skiff(&wasm, n, true), expected, "{name}({n}) with fuel metering");
        }
    });
    if let Err(panic) = run.unwrap().join() {
        std::panic::resume_unwind(panic);
    }
}
