//! Epoch interruption of a guest blocked in a WASI call, through the API:
//! the wait in the host watches the store's deadline, so the call ends
//! with `Trap::Interrupt` soon after the epoch reaches it, as a wasm loop
//! would at its next check.

use skiff::{Config, Engine, Linker, Module, Store, Trap};
use skiff_wasi::WasiCtx;
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A guest that calls `poll_oneoff` with one relative clock subscription of
/// 10^18 ns, and one that accepts on fd 3 with nobody connecting.
const GUEST: &str = r#"
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\01\00\00\00")
  (data (i32.const 24) "\00\00\64\a7\b3\b6\e0\0d")
  (func (export "sleep") (result i32)
    (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
  (func (export "accept") (result i32)
    (call $accept (i32.const 3) (i32.const 0) (i32.const 0))))
"#;

/// Calls `export` with the epoch advanced past the deadline by another
/// thread after `after`; returns the call's result and how long it took.
fn call_interrupted(export: &str, ctx: WasiCtx, after: Duration) -> (anyhow::Result<i32>, Duration) {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, GUEST).unwrap();
    let mut linker = Linker::new(&engine);
    skiff_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).unwrap();
    let mut store = Store::new(&engine, ctx);
    store.set_epoch_deadline(1);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<(), i32>(&mut store, export).unwrap();
    let ticker = engine.clone();
    let timer = std::thread::spawn(move || {
        std::thread::sleep(after);
        ticker.increment_epoch();
    });
    let start = Instant::now();
    let result = f.call(&mut store, ());
    let took = start.elapsed();
    timer.join().unwrap();
    (result, took)
}

#[track_caller]
fn assert_interrupted(result: anyhow::Result<i32>, took: Duration, after: Duration) {
    let err = result.expect_err("the call returned although the deadline passed");
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt), "{err:?}");
    assert!(took >= after, "returned after {took:?}, before the deadline");
}

#[test]
fn a_long_sleep_in_poll_oneoff_ends_at_the_deadline() {
    let after = Duration::from_millis(200);
    let (result, took) = call_interrupted("sleep", WasiCtx::builder().build(), after);
    assert_interrupted(result, took, after);
}

#[test]
fn an_accept_with_nobody_connecting_ends_at_the_deadline() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let ctx = WasiCtx::builder().preopened_listener(listener).build();
    let after = Duration::from_millis(200);
    let (result, took) = call_interrupted("accept", ctx, after);
    assert_interrupted(result, took, after);
}

#[test]
fn a_deadline_reached_as_the_wait_begins_ends_it() {
    // The epoch reaches the deadline just before or just after the wait
    // begins: either way it must not last 31 years.
    let (result, _) = call_interrupted("sleep", WasiCtx::builder().build(), Duration::ZERO);
    let err = result.expect_err("the call returned although the deadline passed");
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt), "{err:?}");
}
