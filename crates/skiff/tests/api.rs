//! The embedding API as an embedder uses it: host functions, typed calls,
//! exports, fuel, traps with backtraces, limits, and clean errors for bad input.

use skiff::{
    Caller, Config, Engine, Extern, Func, Global, GlobalType, Instance, Linker, Memory, MemoryType, Module, Mutability,
    Store, StoreLimits, StoreLimitsBuilder, Trap, Val, ValType,
};

fn trap_of(err: &anyhow::Error) -> Trap {
    *err.downcast_ref::<Trap>().unwrap_or_else(|| panic!("expected a trap, got: {err:?}"))
}

#[test]
fn host_functions_see_store_data_and_caller_memory() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "env" "log" (func $log (param i32 i32)))
             (memory (export "memory") 1)
             (data (i32.const 16) "hello")
             (func (export "run") (call $log (i32.const 16) (i32.const 5))))"#,
    )?;
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "env",
        "log",
        |mut caller: Caller<'_, Vec<String>>, ptr: i32, len: i32| -> anyhow::Result<()> {
            let memory = caller.get_export("memory").and_then(Extern::into_memory).expect("memory export");
            let bytes = memory.data(&caller)[ptr as usize..(ptr + len) as usize].to_vec();
            caller.data_mut().push(String::from_utf8(bytes)?);
            Ok(())
        },
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    instance.get_typed_func::<(), ()>(&mut store, "run")?.call(&mut store, ())?;
    assert_eq!(store.data(), &["hello".to_string()]);
    Ok(())
}

#[test]
fn typed_and_dynamic_calls_agree() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "swap") (param i64 f64) (result f64 i64) local.get 1 local.get 0))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let typed = instance.get_typed_func::<(i64, f64), (f64, i64)>(&mut store, "swap")?;
    assert_eq!(typed.call(&mut store, (7, 1.5))?, (1.5, 7));
    let func = instance.get_func(&mut store, "swap").unwrap();
    let mut results = [Val::I32(0), Val::I32(0)];
    func.call(&mut store, &[Val::I64(-1), Val::from(2.5f64)], &mut results)?;
    assert_eq!(results[0].unwrap_f64(), 2.5);
    assert_eq!(results[1].unwrap_i64(), -1);
    // Wrong types are an error, not a panic.
    assert!(instance.get_typed_func::<i32, i32>(&mut store, "swap").is_err());
    assert!(func.call(&mut store, &[Val::I32(1), Val::I32(2)], &mut results).is_err());
    Ok(())
}

#[test]
fn traps_carry_code_message_and_named_backtrace() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module $m
             (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
             (func $outer (export "div") (param i32) (result i32) (call $inner (local.get 0))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let div = instance.get_typed_func::<i32, i32>(&mut store, "div")?;
    assert_eq!(div.call(&mut store, 1)?, 1);
    let err = div.call(&mut store, 0).unwrap_err();
    assert_eq!(trap_of(&err), Trap::IntegerDivisionByZero);
    let text = format!("{err:?}");
    assert!(text.contains("integer divide by zero"), "{text}");
    let backtrace = err.downcast_ref::<skiff::WasmBacktrace>().expect("backtrace");
    let names: Vec<_> = backtrace.frames().iter().map(|f| f.func_name().unwrap_or("?")).collect();
    assert_eq!(names, ["inner", "outer"]);
    // The store stays usable after a trap.
    assert_eq!(div.call(&mut store, -1)?, -1);
    Ok(())
}

#[test]
fn unbounded_recursion_is_a_trap_not_a_host_stack_overflow() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (func $f (export "f") (param i64) (result i64)
               (i64.add (i64.const 1) (call $f (local.get 0))))
             (func $count (export "count") (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                 (else (i32.add (i32.const 1) (call $count (i32.sub (local.get 0) (i32.const 1))))))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let f = instance.get_typed_func::<i64, i64>(&mut store, "f")?;
    let err = f.call(&mut store, 0).unwrap_err();
    assert_eq!(trap_of(&err), Trap::StackOverflow);
    // Deep but bounded recursion works: the host stack is not used per wasm call.
    let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
    assert_eq!(count.call(&mut store, 50_000)?, 50_000);
    Ok(())
}

#[test]
fn fuel_stops_an_infinite_loop_and_is_accounted() -> anyhow::Result<()> {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config)?;
    let module = Module::new(
        &engine,
        r#"(module
             (func (export "spin") (loop (br 0)))
             (func (export "sum") (param i32) (result i32) (local i32)
               (block (loop
                 (br_if 1 (i32.eqz (local.get 0)))
                 (local.set 1 (i32.add (local.get 1) (local.get 0)))
                 (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                 (br 0)))
               (local.get 1)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let spin = instance.get_typed_func::<(), ()>(&mut store, "spin")?;
    store.set_fuel(10_000)?;
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(trap_of(&err), Trap::OutOfFuel);
    assert_eq!(store.get_fuel()?, 0);

    let sum = instance.get_typed_func::<i32, i32>(&mut store, "sum")?;
    store.set_fuel(1_000_000)?;
    assert_eq!(sum.call(&mut store, 100)?, 5050);
    let used = 1_000_000 - store.get_fuel()?;
    assert!(used > 100 && used < 10_000, "fuel used: {used}");

    // Without metering, fuel calls are errors.
    let mut plain = Store::new(&Engine::default(), ());
    assert!(plain.set_fuel(1).is_err());
    Ok(())
}

#[test]
fn epoch_interruption_stops_a_loop_without_calls_from_another_thread() -> anyhow::Result<()> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config)?;
    let module = Module::new(
        &engine,
        r#"(module
             (func (export "spin") (loop (br 0)))
             (func (export "count") (param i32) (result i32)
               (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
               (i32.const 7)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;

    // No deadline set: never interrupted, however the epoch moves.
    engine.increment_epoch();
    let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
    assert_eq!(count.call(&mut store, 100_000)?, 7);

    store.set_epoch_deadline(1);
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let spin = instance.get_typed_func::<(), ()>(&mut store, "spin")?;
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(trap_of(&err), Trap::Interrupt);
    ticker.join().unwrap();

    // The deadline stays reached until it is moved again.
    assert_eq!(trap_of(&count.call(&mut store, 5).unwrap_err()), Trap::Interrupt);
    store.set_epoch_deadline(1);
    assert_eq!(count.call(&mut store, 5)?, 7);
    Ok(())
}

#[test]
fn memory_grows_in_place_up_to_its_maximum_and_the_store_limit() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "mem") 1 4)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
             (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#,
    )?;
    struct State {
        limits: StoreLimits,
    }
    let mut store = Store::new(&engine, State { limits: StoreLimitsBuilder::new().memory_size(3 << 16).build() });
    store.limiter(|s| &mut s.limits);
    let instance = Instance::new(&mut store, &module, &[])?;
    let memory = instance.get_memory(&mut store, "mem").unwrap();
    let base = memory.data_ptr(&store);
    let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow")?;
    assert_eq!(grow.call(&mut store, 1)?, 1);
    assert_eq!(memory.data_ptr(&store), base, "growth must not move the memory");
    assert_eq!(grow.call(&mut store, 1)?, 2);
    assert_eq!(grow.call(&mut store, 1)?, -1, "the store limit is 3 pages");
    assert_eq!(memory.size(&store), 3);
    memory.write(&mut store, 3 * 65536 - 4, &[1, 0, 0, 0])?;
    let load = instance.get_typed_func::<i32, i32>(&mut store, "load")?;
    assert_eq!(load.call(&mut store, 3 * 65536 - 4)?, 1);
    assert_eq!(trap_of(&load.call(&mut store, 3 * 65536 - 3).unwrap_err()), Trap::MemoryOutOfBounds);

    // The limit holds from the first byte: initial sizes above it fail instantiation.
    let mut small = Store::new(&engine, State { limits: StoreLimitsBuilder::new().memory_size(1 << 15).build() });
    small.limiter(|s| &mut s.limits);
    let err = Instance::new(&mut small, &module, &[]).unwrap_err();
    assert!(err.to_string().contains("exceeds the store's memory limit"), "{err:#}");
    let table = Module::new(&engine, "(module (table 10 funcref))")?;
    let mut small = Store::new(&engine, State { limits: StoreLimitsBuilder::new().table_elements(9).build() });
    small.limiter(|s| &mut s.limits);
    let err = Instance::new(&mut small, &table, &[]).unwrap_err();
    assert!(err.to_string().contains("exceeds the store's table limit"), "{err:#}");
    Ok(())
}

#[test]
fn host_memory_and_global_imports_are_shared() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new(1, None))?;
    let global = Global::new(&mut store, GlobalType::new(ValType::I32, Mutability::Var), Val::I32(5))?;
    let module = Module::new(
        &engine,
        r#"(module (import "h" "m" (memory 1)) (import "h" "g" (global (mut i32)))
             (func (export "bump") (global.set 0 (i32.add (global.get 0) (i32.const 1)))
               (i32.store8 (i32.const 0) (global.get 0))))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[memory.into(), global.into()])?;
    instance.get_typed_func::<(), ()>(&mut store, "bump")?.call(&mut store, ())?;
    assert_eq!(global.get(&store).unwrap_i32(), 6);
    assert_eq!(memory.data(&store)[0], 6);
    Ok(())
}

#[test]
fn host_function_errors_propagate_through_wasm() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let fail = Func::wrap(&mut store, || -> anyhow::Result<()> { anyhow::bail!("host says no") });
    let module = Module::new(&engine, r#"(module (import "" "f" (func)) (func (export "run") (call 0)))"#)?;
    let instance = Instance::new(&mut store, &module, &[fail.into()])?;
    let err = instance.get_typed_func::<(), ()>(&mut store, "run")?.call(&mut store, ()).unwrap_err();
    assert!(format!("{err:?}").contains("host says no"));
    assert!(err.downcast_ref::<Trap>().is_none());
    Ok(())
}

#[test]
fn bad_modules_and_links_are_clear_errors() {
    let engine = Engine::default();
    let err = Module::new(&engine, b"\0asm\x02\0\0\0").unwrap_err();
    assert!(format!("{err:#}").contains("offset"), "{err:#}");
    let err = Module::new(&engine, b"not wasm at all").unwrap_err();
    assert!(!format!("{err:#}").is_empty());
    let err = Module::new(&engine, "(module (func (result i32)))").unwrap_err();
    assert!(format!("{err:#}").contains("type mismatch"), "{err:#}");
    // SIMD is on by default; switched off, `v128` is invalid.
    let mut no_simd = skiff::Config::new();
    no_simd.wasm_simd(false).wasm_relaxed_simd(false);
    let no_simd = Engine::new(&no_simd).unwrap();
    for simd in [
        "(module (func (drop (v128.const i64x2 0 0))))",
        "(module (func (param v128)))",
        "(module (global v128 (v128.const i64x2 0 0)))",
        "(module (func (local v128)))",
    ] {
        Module::new(&engine, simd).unwrap();
        let err = Module::new(&no_simd, simd).unwrap_err();
        assert!(format!("{err:#}").contains("SIMD support is not enabled"), "{simd}: {err:#}");
    }

    let module = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(format!("{err:#}").contains("`env::f`"), "{err:#}");
    let wrong = Func::wrap(&mut store, |_: i64| {});
    let err = Instance::new(&mut store, &module, &[wrong.into()]).unwrap_err();
    assert!(format!("{err:#}").contains("incompatible import type"), "{err:#}");
}

#[test]
fn version_feature_sets_are_enforced() {
    let mut config = Config::new();
    config.wasm_version(skiff::WasmVersion::V1);
    let v1 = Engine::new(&config).unwrap();
    let multi_value = "(module (func (result i32 i32) i32.const 1 i32.const 2))";
    assert!(Module::new(&v1, multi_value).is_err());
    assert!(Module::new(&Engine::default(), multi_value).is_ok());
}

/// With threaded dispatch (optimized builds), every instruction handler must
/// end in a jump, not a call, or a long loop would grow the host stack
/// without bound. Run a loop over many kinds of instructions two million
/// times on a small thread stack: a handler that grows the stack by even a
/// few bytes per run overflows it. (Unoptimized builds use the loop
/// dispatcher, for which this is a plain functional test.)
#[test]
fn long_loops_run_in_constant_host_stack() {
    let wat = r#"(module
      (type $t (func (param i32) (result i32)))
      (memory 1)
      (table $tab 2 funcref)
      (global $g (mut i32) (i32.const 0))
      (elem (i32.const 0) $id $id)
      (elem $passive func $id)
      (data $d "abcd")
      (func $id (param i32) (result i32) (local.get 0))
      (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (loop $top
          (local.set $acc (i32.add (local.get $acc) (call $id (local.get $i))))
          (local.set $acc (i32.xor (local.get $acc)
            (call_indirect (type $t) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
          (i32.store (i32.const 8) (local.get $acc))
          (local.set $acc (i32.add (local.get $acc) (i32.load8_u (i32.const 9))))
          (global.set $g (i32.add (global.get $g) (i32.const 1)))
          (memory.fill (i32.const 16) (local.get $i) (i32.const 4))
          (memory.copy (i32.const 32) (i32.const 16) (i32.const 4))
          (memory.init $d (i32.const 40) (i32.const 0) (i32.const 4))
          (table.init $tab $passive (i32.const 1) (i32.const 0) (i32.const 1))
          (table.copy (i32.const 0) (i32.const 1) (i32.const 1))
          (drop (table.get $tab (i32.const 0)))
          (table.set $tab (i32.const 1) (ref.func $id))
          (drop (memory.grow (i32.const 0)))
          (drop (table.grow $tab (ref.null func) (i32.const 0)))
          (local.set $acc (select (local.get $acc) (memory.size) (local.get $i)))
          (block $b (block $a
            (br_table $a $b (i32.and (local.get $i) (i32.const 1))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 3))))
          (local.set $acc (i32.rotl (local.get $acc)
            (i32.wrap_i64 (i64.extend_i32_s (i32.trunc_f64_s (f64.convert_i32_s (local.get $i)))))))
          (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (i32.add (local.get $acc) (global.get $g))))"#;
    // Unoptimized builds (the loop dispatcher, see `build.rs`) give the
    // executor's loop, with every instruction's arm inlined, a frame of a
    // few hundred KiB; what is checked there is only that a long loop does
    // not grow the stack beyond it.
    let stack = if cfg!(debug_assertions) { 2 << 20 } else { 256 << 10 };
    let result = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let engine = Engine::default();
            let module = Module::new(&engine, wat).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let run = instance.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
            run.call(&mut store, 2_000_000).unwrap()
        })
        .unwrap()
        .join()
        .unwrap();
    let _ = result;
}
