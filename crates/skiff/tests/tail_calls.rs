//! Tail calls (`return_call`, `return_call_indirect`): the callee takes over
//! the caller's frame, so a chain of tail calls of any length runs in
//! constant space, on the value stack and on the host stack alike.

use skiff::{Config, Engine, Instance, Linker, Module, Store, Trap};

/// Even/odd by mutual recursion, once with tail calls and once with plain
/// calls, directly and through a table.
const EVEN_ODD: &str = r#"(module
  (type $pred (func (param i32) (result i32)))
  (table $t 2 funcref)
  (elem (i32.const 0) $even_indirect $odd_indirect)
  (func $even (export "even") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd (export "odd") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get $n) (i32.const 1))))))
  (func $even_indirect (export "even_indirect") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call_indirect $t (type $pred)
        (i32.sub (local.get $n) (i32.const 1)) (i32.const 1)))))
  (func $odd_indirect (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call_indirect $t (type $pred)
        (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))))
  (func $even_plain (export "even_plain") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (call $odd_plain (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd_plain (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $even_plain (i32.sub (local.get $n) (i32.const 1)))))))"#;

fn tail_call_engine() -> Engine {
    let mut config = Config::new();
    config.wasm_tail_call(true);
    Engine::new(&config).unwrap()
}

fn trap_of(err: &anyhow::Error) -> Trap {
    *err.downcast_ref::<Trap>().unwrap_or_else(|| panic!("expected a trap, got: {err:?}"))
}

/// Runs `f` on a thread with a small host stack: a tail call that grew the
/// host stack (a handler ending in a call instead of a jump, or a nested
/// executor) would overflow it long before a million calls. Unoptimized
/// builds get more: their executor loop alone has a frame of a few hundred
/// KiB (every instruction's arm inlined, none sharing stack slots).
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let stack = if cfg!(debug_assertions) { 2 << 20 } else { 256 << 10 };
    std::thread::Builder::new().stack_size(stack).spawn(f).unwrap().join().unwrap()
}

#[test]
fn million_deep_mutual_tail_recursion_runs() {
    on_small_stack(|| {
        let engine = tail_call_engine();
        let module = Module::new(&engine, EVEN_ODD).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let even = instance.get_typed_func::<i32, i32>(&mut store, "even").unwrap();
        assert_eq!(even.call(&mut store, 1_000_000).unwrap(), 1);
        assert_eq!(even.call(&mut store, 1_000_001).unwrap(), 0);
        let odd = instance.get_typed_func::<i32, i32>(&mut store, "odd").unwrap();
        assert_eq!(odd.call(&mut store, 1_000_001).unwrap(), 1);
        let even_indirect = instance.get_typed_func::<i32, i32>(&mut store, "even_indirect").unwrap();
        assert_eq!(even_indirect.call(&mut store, 1_000_000).unwrap(), 1);
        assert_eq!(even_indirect.call(&mut store, 999_999).unwrap(), 0);
    });
}

#[test]
fn the_same_recursion_without_tail_calls_exhausts_the_call_stack() {
    // The interpreter's depth limit: compiled frames are limited by bytes
    // of stack (`Config::max_wasm_stack`), which a million of these fit.
    let mut config = Config::new();
    config.wasm_tail_call(true).strategy(skiff::Strategy::Interpreter);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, EVEN_ODD).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let even_plain = instance.get_typed_func::<i32, i32>(&mut store, "even_plain").unwrap();
    let err = even_plain.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(trap_of(&err), Trap::StackOverflow);
    assert!(format!("{err:#}").contains("call stack exhausted"), "{err:#}");
    // Within the depth limit the plain version agrees.
    assert_eq!(even_plain.call(&mut store, 1_000).unwrap(), 1);
}

#[test]
fn tail_calls_are_refused_unless_enabled() {
    let mut config = Config::new();
    config.wasm_tail_call(false);
    let engine = Engine::new(&config).unwrap();
    let err = Module::new(&engine, EVEN_ODD).unwrap_err();
    assert!(format!("{err:#}").contains("tail call"), "{err:#}");
}

/// Two instances that tail-call each other a million times: the callee's
/// instance (memory, globals, code) takes over with the frame.
#[test]
fn mutual_tail_recursion_across_instances() {
    on_small_stack(|| {
        let engine = tail_call_engine();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        // `a.even` calls `b.odd` and back; each instance counts its own
        // calls in its own global, to show which instance ran.
        let a = Module::new(
            &engine,
            r#"(module
              (import "b" "odd" (func $odd (param i32) (result i32)))
              (global $calls (export "calls") (mut i32) (i32.const 0))
              (func (export "even") (param $n i32) (result i32)
                (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
                (if (result i32) (i32.eqz (local.get $n))
                  (then (i32.const 1))
                  (else (return_call $odd (i32.sub (local.get $n) (i32.const 1)))))))"#,
        )
        .unwrap();
        let b = Module::new(
            &engine,
            r#"(module
              (type $pred (func (param i32) (result i32)))
              (table $t 1 funcref)
              (global $calls (export "calls") (mut i32) (i32.const 0))
              (func (export "set_even") (param funcref) (table.set $t (i32.const 0) (local.get 0)))
              (func (export "odd") (param $n i32) (result i32)
                (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
                (if (result i32) (i32.eqz (local.get $n))
                  (then (i32.const 0))
                  (else (return_call_indirect $t (type $pred)
                    (i32.sub (local.get $n) (i32.const 1)) (i32.const 0))))))"#,
        )
        .unwrap();
        // `b` reaches `a.even` through its table (filled after `a` exists).
        let b_instance = linker.instantiate(&mut store, &b).unwrap();
        linker.instance(&mut store, "b", b_instance).unwrap();
        let a_instance = linker.instantiate(&mut store, &a).unwrap();
        let even = a_instance.get_func(&mut store, "even").unwrap();
        let set_even = b_instance.get_typed_func::<Option<skiff::Func>, ()>(&mut store, "set_even").unwrap();
        set_even.call(&mut store, Some(even)).unwrap();

        let even = a_instance.get_typed_func::<i32, i32>(&mut store, "even").unwrap();
        assert_eq!(even.call(&mut store, 1_000_000).unwrap(), 1);
        let calls_a = a_instance.get_global(&mut store, "calls").unwrap().get(&mut store).i32().unwrap();
        let calls_b = b_instance.get_global(&mut store, "calls").unwrap().get(&mut store).i32().unwrap();
        assert_eq!((calls_a, calls_b), (500_001, 500_000));
    });
}

/// A tail call to a host function: the host runs, and its results are the
/// calling function's results, also when it returns more values than it takes.
#[test]
fn tail_call_to_a_host_function() {
    let engine = tail_call_engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "triple", |x: i32| (x, x + 1, x + 2)).unwrap();
    linker.func_wrap("host", "seven", || 7i64).unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "triple" (func $triple (param i32) (result i32 i32 i32)))
          (import "host" "seven" (func $seven (result i64)))
          (type $seven_t (func (result i64)))
          (table 1 funcref)
          (elem (i32.const 0) $seven)
          (func $spread (export "spread") (param i32) (result i32 i32 i32)
            (return_call $triple (local.get 0)))
          (func (export "sum") (param i32) (result i32)
            (local i32 i32)
            (call $spread (local.get 0))
            (local.set 1) (local.set 2)
            (i32.add (local.get 1) (local.get 2))
            (i32.add))
          (func (export "seven") (result i64)
            (return_call_indirect (type $seven_t) (i32.const 0))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let spread = instance.get_typed_func::<i32, (i32, i32, i32)>(&mut store, "spread").unwrap();
    assert_eq!(spread.call(&mut store, 10).unwrap(), (10, 11, 12));
    let sum = instance.get_typed_func::<i32, i32>(&mut store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, 10).unwrap(), 33);
    let seven = instance.get_typed_func::<(), i64>(&mut store, "seven").unwrap();
    assert_eq!(seven.call(&mut store, ()).unwrap(), 7);
}

/// A tail call whose callee needs a bigger frame than the caller, with
/// locals that must start at zero even where the caller's values were.
#[test]
fn tail_callee_gets_a_fresh_frame() {
    let engine = tail_call_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (func $big (param i32 i32) (result i32)
            (local i64 i64 i64 i32)
            (i32.add (i32.add (local.get 0) (local.get 1))
              (i32.add (i32.wrap_i64 (i64.add (local.get 2) (i64.add (local.get 3) (local.get 4))))
                (local.get 5))))
          (func (export "run") (param i32) (result i32)
            (local i32 i32 i32 i32)
            (local.set 1 (i32.const 100))
            (local.set 2 (i32.const 200))
            (local.set 3 (i32.const 300))
            (local.set 4 (i32.const 400))
            (return_call $big (local.get 4) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, 5).unwrap(), 405);
}

/// Traps in a tail-called function unwind to the embedder as usual.
#[test]
fn traps_after_tail_calls() {
    let engine = tail_call_engine();
    let module = Module::new(
        &engine,
        r#"(module
          (type $v (func))
          (table 2 funcref)
          (elem (i32.const 0) $boom)
          (func $boom unreachable)
          (func (export "direct") (return_call $boom))
          (func (export "null") (return_call_indirect (type $v) (i32.const 1)))
          (func (export "oob") (return_call_indirect (type $v) (i32.const 5))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    for (name, trap) in
        [("direct", Trap::UnreachableCodeReached), ("null", Trap::IndirectCallToNull), ("oob", Trap::TableOutOfBounds)]
    {
        let f = instance.get_typed_func::<(), ()>(&mut store, name).unwrap();
        assert_eq!(trap_of(&f.call(&mut store, ()).unwrap_err()), trap, "{name}");
    }
}
