//! The compiled tier (`Strategy::Cranelift`) against the interpreter: the
//! same programs give the same results, traps (codes and backtraces) and
//! remaining fuel; faults become traps; the stack, epochs, host errors and
//! panics behave; what it cannot compile yet is refused with the reason.
#![cfg(feature = "cranelift")]

use skiff::{Caller, Config, Engine, Func, Instance, Linker, Module, Store, Strategy, Trap, Val, WasmBacktrace};

fn engine(strategy: Strategy, tweak: impl Fn(&mut Config)) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy);
    tweak(&mut config);
    Engine::new(&config).unwrap()
}

/// Both tiers, with the same settings.
fn tiers(tweak: impl Fn(&mut Config)) -> [(Strategy, Engine); 2] {
    [Strategy::Interpreter, Strategy::Cranelift].map(|s| (s, engine(s, &tweak)))
}

/// How a call ended: its results, or its trap and the names of the frames.
#[derive(Debug, PartialEq)]
enum Outcome {
    Returned(Vec<String>),
    Trapped(Trap, Vec<String>),
    Failed(String),
}

fn call(store: &mut Store<u32>, instance: &Instance, name: &str, args: &[Val]) -> Outcome {
    let f = instance.get_func(&mut *store, name).unwrap_or_else(|| panic!("no export {name}"));
    let ty = f.ty(&*store);
    let mut results = vec![Val::I32(0); ty.results().len()];
    match f.call(&mut *store, args, &mut results) {
        Ok(()) => Outcome::Returned(results.iter().map(|v| format!("{v:?}")).collect()),
        Err(e) => {
            let frames = e
                .downcast_ref::<WasmBacktrace>()
                .map(|b| b.frames().iter().map(|f| f.func_name().unwrap_or("?").to_string()).collect())
                .unwrap_or_default();
            match e.downcast_ref::<Trap>() {
                Some(trap) => Outcome::Trapped(*trap, frames),
                None => Outcome::Failed(format!("{e:#}")),
            }
        }
    }
}

/// A program of calls, tables, globals, memory, bulk operations and a host
/// import, in one module.
const PROGRAM: &str = r#"
(module
  (import "host" "twice" (func $twice (param i64) (result i64)))
  (type $bin (func (param i32 i32) (result i32)))
  (memory 1 4)
  (table $t 4 funcref)
  (global $g (mut i64) (i64.const 5))
  (elem (table $t) (i32.const 0) func $add $sub $mul)
  (data (i32.const 100) "\01\02\03\04\05\06\07\08")
  (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $bin) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $bin) (i32.mul (local.get 0) (local.get 1)))
  (func (export "dispatch") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $bin) (local.get $a) (local.get $b) (local.get $op)))
  (func $sum (export "sum") (param $n i32) (result i64) (local $i i32) (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.load8_u offset=100 (i32.and (local.get $i) (i32.const 7)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  (func (export "host") (param i64) (result i64)
    (global.set $g (call $twice (i64.add (local.get 0) (global.get $g))))
    (global.get $g))
  (func (export "bulk") (param $n i32) (result i32)
    (memory.fill (i32.const 1000) (local.get $n) (i32.const 50))
    (memory.copy (i32.const 2000) (i32.const 1000) (i32.const 50))
    (memory.init 0 (i32.const 3000) (i32.const 2) (i32.const 4))
    (i32.add (i32.load8_u (i32.const 2049)) (i32.load (i32.const 3000))))
  (func (export "grow") (param i32) (result i32 i32)
    (memory.grow (local.get 0)) (memory.size))
  (func (export "tables") (result i32)
    (drop (table.grow $t (ref.func $add) (i32.const 2)))
    (table.copy $t $t (i32.const 4) (i32.const 1) (i32.const 2))
    (i32.add (table.size $t) (ref.is_null (table.get $t (i32.const 3)))))
  (func $fact (export "fact") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fact (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "floats") (param f64 f32) (result f64 f32 i32 i64)
    (f64.add (f64.nearest (local.get 0)) (f64.sqrt (f64.abs (local.get 0))))
    (f32.min (local.get 1) (f32.neg (local.get 1)))
    (i32.trunc_sat_f64_s (local.get 0))
    (i64.reinterpret_f64 (f64.copysign (local.get 0) (f64.promote_f32 (local.get 1)))))
  (func (export "bits") (param i64) (result i64 i32 i32)
    (i64.rotl (i64.xor (local.get 0) (i64.const 0x5555)) (i64.const 13))
    (i32.popcnt (i32.wrap_i64 (local.get 0)))
    (i32.extend8_s (i32.wrap_i64 (local.get 0)))))
"#;

fn instantiate(engine: &Engine, wat: &str) -> (Store<u32>, Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine, 0u32);
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "twice", |mut caller: Caller<'_, u32>, x: i64| {
            *caller.data_mut() += 1;
            x * 2
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn programs_agree_across_tiers() {
    let calls: Vec<(&str, Vec<Val>)> = vec![
        ("dispatch", vec![Val::I32(0), Val::I32(7), Val::I32(5)]),
        ("dispatch", vec![Val::I32(1), Val::I32(7), Val::I32(5)]),
        ("dispatch", vec![Val::I32(2), Val::I32(-7), Val::I32(5)]),
        ("sum", vec![Val::I32(1000)]),
        ("host", vec![Val::I64(10)]),
        ("host", vec![Val::I64(-3)]),
        ("bulk", vec![Val::I32(0x7f)]),
        ("grow", vec![Val::I32(1)]),
        ("grow", vec![Val::I32(5)]),
        ("tables", vec![]),
        ("fact", vec![Val::I64(20)]),
        ("floats", vec![Val::F64(2.5f64.to_bits()), Val::F32((-0.5f32).to_bits())]),
        ("floats", vec![Val::F64(1e300f64.to_bits()), Val::F32(f32::NAN.to_bits())]),
        ("bits", vec![Val::I64(0x1234_5678_9abc_def0)]),
    ];
    let [(_, interp), (_, compiled)] = tiers(|_| {});
    let (mut a, ia) = instantiate(&interp, PROGRAM);
    let (mut b, ib) = instantiate(&compiled, PROGRAM);
    for (name, args) in &calls {
        assert_eq!(call(&mut b, &ib, name, args), call(&mut a, &ia, name, args), "{name}({args:?})");
    }
    assert_eq!(a.data(), b.data(), "the host function ran as often");
}

/// Every trap, raised where the interpreter raises it, with the same code
/// and the same frames.
#[test]
fn traps_and_backtraces_agree() {
    let wat = r#"(module
      (type $v (func))
      (memory 1)
      (table 2 funcref)
      (elem (i32.const 0) $ok)
      (func $ok)
      (func $inner (export "unreachable") unreachable)
      (func (export "nested") (call $middle))
      (func $middle (call $inner))
      (func (export "oob") (result i32) (i32.load (i32.const 70000)))
      (func (export "oob_offset") (result i32) (i32.load offset=0xfffffff0 (i32.const 100)))
      (func (export "oob_store") (i64.store (i32.const 65530) (i64.const 1)))
      (func (export "div_zero") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
      (func (export "rem_ok") (result i32) (i32.rem_s (i32.const 0x80000000) (i32.const -1)))
      (func (export "nan") (result i32) (i32.trunc_f32_s (f32.const nan)))
      (func (export "big") (result i64) (i64.trunc_f64_u (f64.const 1e30)))
      (func (export "null") (call_indirect (type $v) (i32.const 1)))
      (func (export "sig") (call_indirect (param i32) (i32.const 0) (i32.const 0)))
      (func (export "table_oob") (call_indirect (type $v) (i32.const 9)))
      (func (export "null_ref") (call_ref $v (ref.null $v)))
      (func (export "as_non_null") (drop (ref.as_non_null (ref.null func))))
      (func (export "table_get") (drop (table.get (i32.const 5))))
      (func (export "fill") (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))))"#;
    let names = [
        "unreachable",
        "nested",
        "oob",
        "oob_offset",
        "oob_store",
        "overflow",
        "rem_ok",
        "nan",
        "big",
        "null",
        "sig",
        "table_oob",
        "null_ref",
        "as_non_null",
        "table_get",
        "fill",
    ];
    let [(_, interp), (_, compiled)] = tiers(|_| {});
    let (mut a, ia) = instantiate(&interp, wat);
    let (mut b, ib) = instantiate(&compiled, wat);
    for name in names {
        let expected = call(&mut a, &ia, name, &[]);
        assert!(matches!(expected, Outcome::Trapped(..) | Outcome::Returned(_)), "{name}: {expected:?}");
        assert_eq!(call(&mut b, &ib, name, &[]), expected, "{name}");
    }
    let expected = call(&mut a, &ia, "div_zero", &[Val::I32(0)]);
    assert_eq!(call(&mut b, &ib, "div_zero", &[Val::I32(0)]), expected);
    assert!(matches!(expected, Outcome::Trapped(Trap::IntegerDivisionByZero, _)));
    // The instance keeps working after every trap.
    assert_eq!(call(&mut b, &ib, "div_zero", &[Val::I32(1)]), Outcome::Returned(vec!["I32(1)".into()]));
}

#[test]
fn stack_exhaustion_is_a_trap_and_the_store_lives_on() {
    let wat = r#"(module
      (import "host" "twice" (func $twice (param i64) (result i64)))
      (func $down (export "down") (param i64) (result i64)
        (i64.add (i64.const 1) (call $down (local.get 0))))
      (func (export "ok") (result i64) (call $twice (i64.const 21))))"#;
    let compiled = engine(Strategy::Cranelift, |c| {
        c.max_wasm_stack(256 << 10);
    });
    let (mut store, instance) = instantiate(&compiled, wat);
    for _ in 0..3 {
        match call(&mut store, &instance, "down", &[Val::I64(0)]) {
            Outcome::Trapped(Trap::StackOverflow, frames) => assert!(frames.len() > 100, "{}", frames.len()),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(call(&mut store, &instance, "ok", &[]), Outcome::Returned(vec!["I64(42)".into()]));
}

/// Wasm calls a host function that calls wasm again, and so on: the
/// nesting is bounded, a trap and not a crash of the host.
#[test]
fn recursion_through_the_host_is_bounded() {
    let wat = r#"(module
      (import "host" "again" (func $again (param i32) (result i32)))
      (func (export "f") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $again (i32.sub (local.get 0) (i32.const 1))))))))"#;
    let compiled = engine(Strategy::Cranelift, |_| {});
    let module = Module::new(&compiled, wat).unwrap();
    let mut store = Store::new(&compiled, ());
    let mut linker = Linker::new(&compiled);
    linker
        .func_wrap("host", "again", |mut caller: Caller<'_, ()>, n: i32| -> anyhow::Result<i32> {
            let f = caller.get_export("f").and_then(|e| e.into_func()).unwrap();
            let f = f.typed::<i32, i32>(&caller)?;
            f.call(&mut caller, n)
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, 50).unwrap(), 50);
    let err = f.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::StackOverflow), "{err:?}");
    assert_eq!(f.call(&mut store, 10).unwrap(), 10);
}

/// A call consumes the same fuel in both tiers, to the unit, and runs out
/// of it at the same point.
#[test]
fn fuel_is_consumed_the_same() {
    let wat = r#"(module
      (memory 1)
      (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
      (func (export "work") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (block $out
          (loop $l
            (br_if $out (i32.eq (local.get $i) (local.get $n)))
            (if (i32.and (local.get $i) (i32.const 1))
              (then (local.set $acc (i32.add (local.get $acc) (call $leaf (local.get $i)))))
              (else (local.set $acc (i32.sub (local.get $acc) (local.get $i)))))
            (block $b (br_table $b $b (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l))
          unreachable)
        (local.get $acc)))"#;
    let [(_, interp), (_, compiled)] = tiers(|c| {
        c.consume_fuel(true);
    });
    for fuel in [0, 1, 5, 17, 100, 333, 1000, 5000, 100_000] {
        let mut outcomes = Vec::new();
        for engine in [&interp, &compiled] {
            let module = Module::new(engine, wat).unwrap();
            let mut store = Store::new(engine, 0u32);
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            store.set_fuel(fuel).unwrap();
            let outcome = call(&mut store, &instance, "work", &[Val::I32(200)]);
            outcomes.push((outcome, store.get_fuel().unwrap()));
        }
        assert_eq!(outcomes[1], outcomes[0], "with {fuel} fuel");
    }
}

#[test]
fn epoch_interruption_stops_a_compiled_loop() {
    let compiled = engine(Strategy::Cranelift, |c| {
        c.epoch_interruption(true);
    });
    let module = Module::new(&compiled, r#"(module (func (export "spin") (loop $l (br $l))))"#).unwrap();
    let mut store = Store::new(&compiled, ());
    store.set_epoch_deadline(1);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let spin = instance.get_typed_func::<(), ()>(&mut store, "spin").unwrap();
    let ticker = compiled.clone();
    let timer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        ticker.increment_epoch();
    });
    let err = spin.call(&mut store, ()).unwrap_err();
    timer.join().unwrap();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt));
}

#[derive(Debug)]
struct MyError(u32);
impl std::fmt::Display for MyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "my error {}", self.0)
    }
}
impl std::error::Error for MyError {}

#[test]
fn host_errors_and_panics_cross_compiled_frames() {
    let compiled = engine(Strategy::Cranelift, |_| {});
    let wat = r#"(module
      (import "host" "fail" (func $fail (param i32)))
      (func $inner (export "call") (param i32) (call $fail (local.get 0)))
      (func (export "outer") (param i32) (call $inner (local.get 0))))"#;
    let module = Module::new(&compiled, wat).unwrap();
    let mut store = Store::new(&compiled, ());
    let fail = Func::wrap(&mut store, |x: i32| -> anyhow::Result<()> {
        match x {
            0 => Ok(()),
            1 => Err(MyError(7).into()),
            _ => panic!("host panic {x}"),
        }
    });
    let instance = Instance::new(&mut store, &module, &[fail.into()]).unwrap();
    let outer = instance.get_typed_func::<i32, ()>(&mut store, "outer").unwrap();
    outer.call(&mut store, 0).unwrap();
    let err = outer.call(&mut store, 1).unwrap_err();
    assert_eq!(err.downcast_ref::<MyError>().map(|e| e.0), Some(7), "{err:?}");
    let frames: Vec<_> = err.downcast_ref::<WasmBacktrace>().unwrap().frames().iter().map(|f| f.func_index()).collect();
    assert_eq!(frames, [1, 2]);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| outer.call(&mut store, 2)));
    let payload = panic.expect_err("the host's panic goes on");
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("host panic 2"));
    outer.call(&mut store, 0).unwrap();
}

#[test]
fn tail_calls_run_in_constant_stack() {
    let compiled = engine(Strategy::Cranelift, |c| {
        c.max_wasm_stack(64 << 10);
    });
    let wat = r#"(module
      (type $t (func (param i64 i64) (result i64)))
      (table 1 funcref) (elem (i32.const 0) $count)
      (func $count (export "count") (param $n i64) (param $acc i64) (result i64)
        (if (result i64) (i64.eqz (local.get $n)) (then (local.get $acc))
          (else
            (if (result i64) (i64.eqz (i64.and (local.get $n) (i64.const 1)))
              (then (return_call $count (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 2))))
              (else (return_call_indirect (type $t) (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 1)) (i32.const 0))))))))"#;
    let module = Module::new(&compiled, wat).unwrap();
    let mut store = Store::new(&compiled, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let count = instance.get_typed_func::<(i64, i64), i64>(&mut store, "count").unwrap();
    assert_eq!(count.call(&mut store, (1_000_000, 0)).unwrap(), 1_500_000);
}

/// Exceptions thrown and caught in compiled code: in one function, across
/// frames, through host functions both ways (a host function whose wasm
/// callee throws, a host function that throws), with payloads, `catch_ref`
/// and `throw_ref`, to the function's own label, past a `try_call` with
/// several results, and out of the outermost call; the outcomes are the
/// interpreter's.
const EXCEPTIONS: &str = r#"
(module
  (import "host" "call_back" (func $call_back (param i32)))
  (import "host" "throw" (func $host_throw (param i32)))
  (tag $e (export "e") (param i32))
  (tag $f (param i64 f64))
  (func $thrower (export "thrower") (param i32) (throw $e (local.get 0)))
  (func $deep (param i32)
    (if (local.get 0)
      (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
      (else (throw $f (i64.const 7) (f64.const 1.5)))))
  (func (export "local") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw $e (local.get 0)))
      (i32.const -1)))
  (func (export "deep") (param i32) (result i64 f64)
    (block $h (result i64 f64)
      (try_table (catch $f $h) (call $deep (local.get 0)))
      (return (i64.const -1) (f64.const 0))))
  (func (export "via_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $call_back (local.get 0)))
      (i32.const -1)))
  (func (export "host_throws") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $host_throw (local.get 0)))
      (i32.const -1)))
  (func (export "nested") (param i32) (result i32)
    (block $outer (result exnref)
      (block $inner (result i64 f64)
        (try_table (catch_all_ref $outer)
          (try_table (catch $f $inner)
            (throw $e (local.get 0))))
        (unreachable))
      (drop) (drop) (return (i32.const -2)))
    (throw_ref))
  (func (export "many") (param i32) (result i32) (local $s i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (call $thrower (local.get 0)))
        (i32.const 0))
      (local.set $s (i32.add (local.get $s)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get $s))
  (func (export "to_return") (param i32) (result i32)
    (try_table (catch $e 0) (throw $e (local.get 0)))
    (i32.const -1))
  (func (export "uncaught") (param i32) (call $deep (local.get 0)))
  (func $pair (param i32) (result i32 i64)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 0))))
    (local.get 0) (i64.extend_i32_u (local.get 0)))
  (func (export "pair") (param i32) (result i64) (local $b i64)
    (block $h
      (try_table (result i32 i64) (catch_all $h) (call $pair (local.get 0)))
      (local.set $b)
      (i64.extend_i32_u)
      (local.get $b)
      (i64.add)
      (return))
    (i64.const -1))
  (func (export "null") (throw_ref (ref.null exn))))
"#;

#[test]
fn exceptions_agree_across_tiers() {
    let calls: Vec<(&str, Vec<Val>)> = vec![
        ("local", vec![Val::I32(5)]),
        ("deep", vec![Val::I32(0)]),
        ("deep", vec![Val::I32(50)]),
        ("via_host", vec![Val::I32(9)]),
        ("host_throws", vec![Val::I32(11)]),
        ("nested", vec![Val::I32(3)]),
        ("many", vec![Val::I32(1000)]),
        ("to_return", vec![Val::I32(42)]),
        ("uncaught", vec![Val::I32(4)]),
        ("pair", vec![Val::I32(6)]),
        ("pair", vec![Val::I32(0)]),
        ("null", vec![]),
        ("local", vec![Val::I32(-5)]),
    ];
    let mut outcomes = Vec::new();
    for (_, engine) in tiers(|c| {
        c.consume_fuel(true);
    }) {
        let module = Module::new(&engine, EXCEPTIONS).unwrap();
        let mut store = Store::new(&engine, 0u32);
        store.set_fuel(1 << 30).unwrap();
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "call_back", |mut caller: Caller<'_, u32>, x: i32| -> anyhow::Result<()> {
                *caller.data_mut() += 1;
                let thrower = caller.get_export("thrower").and_then(|e| e.into_func()).unwrap();
                thrower.call(&mut caller, &[Val::I32(x * 2)], &mut [])
            })
            .unwrap();
        linker
            .func_wrap("host", "throw", |mut caller: Caller<'_, u32>, x: i32| -> anyhow::Result<()> {
                let tag = caller.get_export("e").and_then(|e| e.into_tag()).unwrap();
                let exn = skiff::ExnRef::new(&mut caller, &tag, &[Val::I32(x + 100)])?;
                Ok(caller.throw(exn)?)
            })
            .unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let mut these = Vec::new();
        for (name, args) in &calls {
            let outcome = match call(&mut store, &instance, name, args) {
                // The message names the tag and payload; backtraces are
                // compared by their frames elsewhere.
                Outcome::Failed(message) => Outcome::Failed(message.split(": ").next().unwrap_or_default().to_string()),
                other => other,
            };
            these.push((*name, outcome, store.get_fuel().unwrap()));
        }
        assert_eq!(*store.data(), 1, "the host function ran once");
        outcomes.push(these);
    }
    assert_eq!(outcomes[1], outcomes[0]);
    let uncaught = &outcomes[1][8].1;
    assert!(matches!(uncaught, Outcome::Failed(m) if m.starts_with("uncaught exception of tag 1")), "{uncaught:?}");
    assert!(matches!(outcomes[1][11].1, Outcome::Trapped(Trap::NullReference, _)), "{:?}", outcomes[1][11]);
}

/// A host function between compiled frames can catch an exception thrown
/// below it and keep it from its caller.
#[test]
fn a_host_function_takes_an_exception() {
    let compiled = engine(Strategy::Cranelift, |_| {});
    let wat = r#"(module
      (import "host" "guard" (func $guard (param i32) (result i32)))
      (tag $e (param i32))
      (func (export "thrower") (param i32) (result i32) (throw $e (local.get 0)))
      (func (export "run") (param i32) (result i32)
        (block $h
          (try_table (catch_all $h) (return (call $guard (local.get 0)))))
        (i32.const -1)))"#;
    let module = Module::new(&compiled, wat).unwrap();
    let mut store = Store::new(&compiled, ());
    let mut linker = Linker::new(&compiled);
    linker
        .func_wrap("host", "guard", |mut caller: Caller<'_, ()>, x: i32| -> i32 {
            let thrower = caller.get_export("thrower").and_then(|e| e.into_func()).unwrap();
            let mut out = [Val::I32(0)];
            let err = thrower.call(&mut caller, &[Val::I32(x)], &mut out).unwrap_err();
            assert!(err.downcast_ref::<skiff::ThrownException>().is_some(), "{err:?}");
            let exn = caller.take_pending_exception().expect("the exception is pending");
            exn.field(&caller, 0).unwrap().unwrap_i32() + 1
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, 41).unwrap(), 42);
    assert!(!store.has_pending_exception());
}

#[test]
fn growth_beyond_the_limit_fails_in_compiled_code() {
    struct Limit;
    impl skiff::ResourceLimiter for Limit {
        fn memory_growing(&mut self, _: usize, desired: usize, _: Option<usize>) -> anyhow::Result<bool> {
            if desired > 10 << 16 {
                anyhow::bail!("too much memory asked for");
            }
            Ok(desired <= 3 << 16)
        }
        fn table_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> anyhow::Result<bool> {
            Ok(true)
        }
    }
    let compiled = engine(Strategy::Cranelift, |_| {});
    let module = Module::new(
        &compiled,
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&compiled, Limit);
    store.limiter(|l| l);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 5).unwrap(), -1);
    let err = grow.call(&mut store, 20).unwrap_err();
    assert!(format!("{err:#}").contains("too much memory"), "{err:#}");
    assert_eq!(grow.call(&mut store, 1).unwrap(), 2);
}

/// A module serialized and loaded again runs as the module it came from;
/// an artifact for other settings, another strategy, or damaged in its
/// header or structure is refused with an error, never loaded.
#[test]
fn precompiled_modules_round_trip_and_refuse_what_does_not_fit() {
    let compiled = engine(Strategy::Cranelift, |_| {});
    let bytes = compiled.precompile_module(PROGRAM.as_bytes()).unwrap();
    assert!(Module::is_precompiled(&bytes));
    // SAFETY: the bytes come from `precompile_module` just above.
    let loaded = unsafe { Module::deserialize(&compiled, &bytes) }.unwrap();
    let again = loaded.serialize().unwrap();
    assert_eq!(again, bytes, "a loaded module serializes to the same bytes");
    let fresh = Module::new(&compiled, PROGRAM).unwrap();
    let run = |module: &Module| {
        let mut store = Store::new(&compiled, 0u32);
        let mut linker = Linker::new(&compiled);
        linker.func_wrap("host", "twice", |x: i64| x * 2).unwrap();
        let instance = linker.instantiate(&mut store, module).unwrap();
        ["sum", "fact", "host", "tables"]
            .iter()
            .map(|name| {
                let args: Vec<Val> = match *name {
                    "sum" => vec![Val::I32(100)],
                    "fact" => vec![Val::I64(10)],
                    "host" => vec![Val::I64(21)],
                    _ => vec![],
                };
                call(&mut store, &instance, name, &args)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(&loaded), run(&fresh));

    let refuse = |engine: &Engine, bytes: &[u8], why: &str| {
        // SAFETY: loading must fail before any code is mapped.
        let err = unsafe { Module::deserialize(engine, bytes) }.map(|_| ()).unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains(why), "expected {why:?} in {message:?}");
    };
    refuse(
        &engine(Strategy::Cranelift, |c| {
            c.consume_fuel(true);
        }),
        &bytes,
        "fuel metering",
    );
    refuse(
        &engine(Strategy::Cranelift, |c| {
            c.wasm_simd(false).wasm_relaxed_simd(false);
        }),
        &bytes,
        "wasm features",
    );
    refuse(&engine(Strategy::Interpreter, |_| {}), &bytes, "Strategy::Cranelift");
    let wasm = wat::parse_str(PROGRAM).unwrap();
    refuse(&compiled, &wasm, "not a precompiled skiff module");
    // The format version, the first header field (a length, then its
    // digits) after the 12-byte magic.
    let mut version = bytes.clone();
    let at = 12 + 8;
    assert!(version[at].is_ascii_digit(), "{:?}", &version[..at + 4]);
    version[at] = if version[at] == b'9' { b'8' } else { b'9' };
    refuse(&compiled, &version, "format");
    // Cut anywhere, the artifact is refused.
    for len in (0..bytes.len()).step_by(7) {
        // SAFETY: as above.
        assert!(unsafe { Module::deserialize(&compiled, &bytes[..len]) }.is_err(), "cut at {len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    refuse(&compiled, &longer, "corrupt");
}

/// Functions at the validator's scale compile: a deep operand stack, tens of
/// thousands of `v128` locals, thousands of nested blocks.
#[test]
fn large_functions_compile() {
    let compiled = engine(Strategy::Cranelift, |_| {});
    let run = |wat: &str, name: &str, arg: i32| -> i32 {
        let module = Module::new(&compiled, wat).unwrap();
        let mut store = Store::new(&compiled, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        instance.get_typed_func::<i32, i32>(&mut store, name).unwrap().call(&mut store, arg).unwrap()
    };
    let n = 20_000u32;
    let mut wat = String::from("(module (func (export \"sum\") (param $x i32) (result i32)");
    for k in 1..=n {
        wat.push_str(&format!("(i32.add (local.get $x) (i32.const {k}))"));
    }
    wat.push_str(&"i32.add ".repeat(n as usize - 1));
    wat.push_str("))");
    let expected = (1..=n).fold(0u32, |acc, k| acc.wrapping_add(k).wrapping_add(5)) as i32;
    assert_eq!(run(&wat, "sum", 5), expected);

    let mut wat = String::from("(module (func (export \"lanes\") (param $k i32) (result i32) (local");
    wat.push_str(&" v128".repeat(40_000));
    wat.push_str(
        ") (local.set 40000 (i32x4.splat (local.get $k)))
           (i32.add (i32x4.extract_lane 1 (local.get 40000)) (i32x4.extract_lane 2 (local.get 39999)))))",
    );
    assert_eq!(run(&wat, "lanes", 10), 10);

    let depth = 5_000;
    let wat = format!(
        "(module (func (export \"f\") (param i32) (result i32) (local i32) {} (local.set 1 (i32.const 9)) {} (local.get 1)))",
        "(if (local.get 0) (then ".repeat(depth),
        "))".repeat(depth)
    );
    assert_eq!(run(&wat, "f", 1), 9);
    assert_eq!(run(&wat, "f", 0), 0);
}

/// A small body whose SSA form explodes (a thousand locals read inside two
/// thousand nested loops: a parameter for each local in each loop header)
/// is refused as too large to compile, in seconds rather than the hours
/// and gigabytes register allocation would take; the interpreter runs it.
#[test]
fn functions_too_large_to_compile_are_refused() {
    let (locals, depth) = (1_000, 2_000);
    let mut wat = format!("(module (func (export \"f\") (param i32) (result i32) (local {})", " i32".repeat(locals));
    wat.push_str(&"(loop ".repeat(depth));
    wat.push_str(" i32.const 0");
    for i in 1..=locals {
        wat.push_str(&format!(" local.get {i} i32.add"));
    }
    wat.push_str(" local.set 0");
    wat.push_str(&")".repeat(depth));
    wat.push_str(" (local.get 0)))");
    let compiled = engine(Strategy::Cranelift, |_| {});
    let err = format!("{:#}", Module::new(&compiled, &wat).expect_err("refused"));
    assert!(err.contains("function 0 is too large to compile"), "{err}");
    let interpreted = engine(Strategy::Interpreter, |_| {});
    let module = Module::new(&interpreted, &wat).unwrap();
    let mut store = Store::new(&interpreted, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    assert_eq!(instance.get_typed_func::<i32, i32>(&mut store, "f").unwrap().call(&mut store, 7).unwrap(), 0);
}

/// An artifact keeps the `name` section (backtraces name functions) and
/// leaves out other custom sections, such as debug information.
#[test]
fn precompiled_modules_keep_names_and_drop_other_custom_sections() {
    let compiled = engine(Strategy::Cranelift, |_| {});
    let wat = r#"(module $named (func $boom (export "boom") unreachable))"#;
    let mut wasm = wat::parse_str(wat).unwrap();
    let plain = compiled.precompile_module(&wasm).unwrap();
    // A custom section of 100 kB, as debug information would be.
    wasm.push(0);
    let payload = [&[5u8][..], b"debug", &vec![7u8; 100_000]].concat();
    let mut size = payload.len();
    while size >= 0x80 {
        wasm.push((size as u8 & 0x7f) | 0x80);
        size >>= 7;
    }
    wasm.push(size as u8);
    wasm.extend_from_slice(&payload);
    let bytes = compiled.precompile_module(&wasm).unwrap();
    assert_eq!(bytes.len(), plain.len(), "the custom section is not kept");
    // SAFETY: the bytes come from `precompile_module` just above.
    let module = unsafe { Module::deserialize(&compiled, &bytes) }.unwrap();
    let mut store = Store::new(&compiled, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let err = instance.get_typed_func::<(), ()>(&mut store, "boom").unwrap().call(&mut store, ()).unwrap_err();
    let frames = err.downcast_ref::<WasmBacktrace>().unwrap().frames();
    assert_eq!(frames[0].func_name(), Some("boom"));
}

/// Modules of both tiers in one store call each other both ways, through
/// imports and tables: results, traps, exceptions and fuel are those of an
/// all-interpreted run (`Module::from_binary_with_strategy` stands in for
/// tier-up's per-function choice).
#[test]
fn calls_cross_tiers_both_ways() {
    let t = wat::parse_str(
        r#"(module
          (type $f (func (param i32) (result i32)))
          (table (export "t") 2 funcref)
          (tag $e (export "e") (param i32))
          (func $even (export "even") (type $f)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 1))
              (else (call_indirect (type $f) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))))
          (func (export "guarded") (param i32) (result i32)
            (block $h (result i32)
              (try_table (result i32) (catch $e $h) (call $even (local.get 0)))
              (return))
            (i32.add (i32.const 1000))))"#,
    )
    .unwrap();
    let u = wat::parse_str(
        r#"(module
          (type $f (func (param i32) (result i32)))
          (import "t" "t" (table 2 funcref))
          (import "t" "e" (tag $e (param i32)))
          (import "t" "even" (func $even (type $f)))
          (elem (i32.const 1) $odd)
          (func $odd (export "odd") (type $f)
            (if (i32.eq (local.get 0) (i32.const 5)) (then (throw $e (i32.const 55))))
            (if (i32.eq (local.get 0) (i32.const 1000)) (then unreachable))
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 0))
              (else (call $even (i32.sub (local.get 0) (i32.const 1)))))))"#,
    )
    .unwrap();
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config).unwrap();
    let run = |u_strategy: Strategy| {
        let mut store = Store::new(&engine, 0u32);
        store.set_fuel(1 << 40).unwrap();
        let tm = Module::from_binary_with_strategy(&engine, &t, Strategy::Interpreter).unwrap();
        let um = Module::from_binary_with_strategy(&engine, &u, u_strategy).unwrap();
        let ti = Instance::new(&mut store, &tm, &[]).unwrap();
        let imports: Vec<skiff::Extern> =
            ["t", "e", "even"].iter().map(|n| ti.get_export(&mut store, n).unwrap()).collect();
        Instance::new(&mut store, &um, &imports).unwrap();
        let mut outcomes = Vec::new();
        let calls =
            [("even", 4), ("even", 3), ("guarded", 4), ("guarded", 10), ("guarded", 1003), ("even", -1), ("even", 10)];
        for (name, arg) in calls {
            let fuel = store.get_fuel().unwrap();
            let outcome = match call(&mut store, &ti, name, &[Val::I32(arg)]) {
                // What was not caught, without the backtrace (which lists
                // only the frames of the outermost tier's own run so far).
                Outcome::Failed(message) => {
                    Outcome::Failed(message.split(": error while executing").next().unwrap_or_default().to_string())
                }
                other => other,
            };
            outcomes.push((name, arg, outcome, fuel - store.get_fuel().unwrap()));
        }
        outcomes
    };
    let interpreted = run(Strategy::Interpreter);
    let mixed = run(Strategy::Cranelift);
    // Results, traps and fuel agree; backtraces list the frames of each
    // tier's own call (compared by the trap code only).
    for (a, b) in interpreted.iter().zip(&mixed) {
        match (&a.2, &b.2) {
            (Outcome::Trapped(x, _), Outcome::Trapped(y, _)) => assert_eq!((a.0, a.1, x), (b.0, b.1, y)),
            _ => assert_eq!(a, b),
        }
    }
    assert_eq!(mixed[0].2, Outcome::Returned(vec!["I32(1)".into()]));
    assert_eq!(mixed[1].2, Outcome::Returned(vec!["I32(0)".into()]));
    assert_eq!(mixed[3].2, Outcome::Returned(vec!["I32(1055)".into()]), "the exception crossed back");
    assert!(matches!(mixed[4].2, Outcome::Trapped(Trap::UnreachableCodeReached, _)), "{:?}", mixed[4]);
    assert!(matches!(mixed[5].2, Outcome::Trapped(Trap::StackOverflow, _)), "{:?}", mixed[5]);
    assert_eq!(
        mixed[6].2,
        Outcome::Failed("uncaught exception of tag 0 of an unnamed module, payload (i32 55)".into())
    );
}
