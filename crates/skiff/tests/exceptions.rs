//! Exception handling (the `exnref` form) end to end: WAT programs that throw
//! through many frames, through host frames and across module boundaries,
//! rethrow with `catch_ref`/`throw_ref`, carry payloads of every value type;
//! and the embedding API that creates, throws and inspects exceptions.

use skiff::{
    Caller, CompilationMode, Config, Engine, ExnRef, Extern, ExternRef, Func, FuncType, Instance, Linker, Module,
    Store, Tag, TagType, ThrownException, Trap, V128, Val, ValType,
};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_exceptions(true);
    Engine::new(&config).expect("valid config")
}

fn is_thrown(err: &anyhow::Error) -> bool {
    err.downcast_ref::<ThrownException>().is_some()
}

/// A recursion `depth` frames deep throws at the bottom; handlers on the way
/// down catch only tags that are never thrown, so the exception passes
/// through every frame to the outermost `try_table`. Afterwards the same
/// instance keeps working: the unwound frames are really gone.
#[test]
fn throws_through_many_frames() -> anyhow::Result<()> {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
             (tag $found (param i32 i64))
             (tag $other (param f64))
             (func $dive (param $n i32) (result i32)
               (local $pad i64)
               (local.set $pad (i64.extend_i32_u (local.get $n)))
               (if (i32.eqz (local.get $n))
                 (then (throw $found (i32.const 7) (i64.const 1234567890123))))
               (block $skip (result f64)
                 (try_table (result i32) (catch $other $skip)
                   (call $dive (i32.sub (local.get $n) (i32.const 1))))
                 (return))
               (drop)
               (i32.const -1))
             (func (export "run") (param i32) (result i32 i64)
               (block $h (result i32 i64)
                 (try_table (catch $found $h)
                   (drop (call $dive (local.get 0))))
                 (return (i32.const 0) (i64.const 0)))
               (return))
             (func (export "plain") (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0))
                 (then (i32.const 0))
                 (else (i32.add (i32.const 1) (call 2 (i32.sub (local.get 0) (i32.const 1))))))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let run = instance.get_typed_func::<i32, (i32, i64)>(&mut store, "run")?;
    let plain = instance.get_typed_func::<i32, i32>(&mut store, "plain")?;
    for depth in [0, 1, 10, 5000] {
        assert_eq!(run.call(&mut store, depth)?, (7, 1234567890123), "depth {depth}");
        assert_eq!(plain.call(&mut store, 100)?, 100);
    }
    Ok(())
}

/// Every value type as payload, caught with `catch` (values) and
/// `catch_ref` (values and the exception), then rethrown with `throw_ref`
/// and caught again further out.
#[test]
fn payloads_of_every_type_and_rethrow() -> anyhow::Result<()> {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
             (tag $t (param i32 i64 f32 f64 funcref externref))
             (func $f)
             (elem declare func $f)
             (func $throw (param externref)
               (throw $t (i32.const -5) (i64.const -6) (f32.const 1.5) (f64.const -2.25) (ref.func $f) (local.get 0)))
             (func (export "catch") (param externref) (result i32 i64 f32 f64 funcref externref)
               (block $h (result i32 i64 f32 f64 funcref externref)
                 (try_table (catch $t $h) (call $throw (local.get 0)))
                 (unreachable)))
             (func (export "rethrow") (param externref) (result i32 i64 f32 f64 funcref externref)
               (block $outer (result i32 i64 f32 f64 funcref externref)
                 (try_table (catch $t $outer)
                   (block $inner (result i32 i64 f32 f64 funcref externref exnref)
                     (try_table (catch_ref $t $inner) (call $throw (local.get 0)))
                     (unreachable))
                   ;; Drop the payload, keep the exception, throw it again.
                   (local.set 0 (ref.null extern))
                   (throw_ref (call $keep_exn)))
                 (unreachable)))
             (global $saved (mut exnref) (ref.null exn))
             (func $keep_exn (param i32 i64 f32 f64 funcref externref exnref) (result exnref)
               (local.get 6))
             (func (export "rethrow_all") (param externref) (result i32)
               (block $outer (result i32 i64 f32 f64 funcref externref)
                 (try_table (catch $t $outer)
                   (block $inner (result exnref)
                     (try_table (catch_all_ref $inner) (call $throw (local.get 0)))
                     (unreachable))
                   (global.set $saved)
                   (throw_ref (global.get $saved)))
                 (unreachable))
               (drop) (drop) (drop) (drop) (drop)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let host_value = ExternRef::new(&mut store, "payload")?;
    for name in ["catch", "rethrow"] {
        let func = instance.get_func(&mut store, name).expect("export");
        let mut results = vec![Val::I32(0); 6];
        func.call(&mut store, &[Val::ExternRef(Some(host_value))], &mut results)?;
        assert_eq!(results[0].unwrap_i32(), -5, "{name}");
        assert_eq!(results[1].unwrap_i64(), -6, "{name}");
        assert_eq!(results[2].unwrap_f32(), 1.5, "{name}");
        assert_eq!(results[3].unwrap_f64(), -2.25, "{name}");
        assert!(matches!(results[4], Val::FuncRef(Some(_))), "{name}");
        let Val::ExternRef(Some(e)) = &results[5] else { panic!("{name}: externref payload lost") };
        assert_eq!(e.data(&store)?.downcast_ref::<&str>(), Some(&"payload"));
    }
    let rethrow_all = instance.get_typed_func::<Option<ExternRef>, i32>(&mut store, "rethrow_all")?;
    assert_eq!(rethrow_all.call(&mut store, None)?, -5);
    Ok(())
}

/// wasm → host → wasm: an exception thrown by the inner wasm passes through
/// the host function (which sees `ThrownException` and returns it) into the
/// outer wasm, which catches it. A host function that swallows it instead
/// lets the outer wasm go on normally.
#[test]
fn exceptions_cross_host_frames() -> anyhow::Result<()> {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "call_back" (func $call_back (param i32) (result i32)))
             (tag $e (export "e") (param i32))
             (memory (export "memory") 1)
             (func (export "inner") (param i32) (result i32)
               (if (local.get 0) (then (throw $e (i32.mul (local.get 0) (i32.const 10)))))
               (i32.const 1))
             (func (export "outer") (param i32) (result i32)
               (i32.store (i32.const 8) (i32.const 99))
               (block $h (result i32)
                 (try_table (result i32) (catch $e $h)
                   (call $call_back (local.get 0)))
                 (return))
               ;; Memory still works after unwinding through the host.
               (i32.add (i32.load (i32.const 8)))))"#,
    )?;
    #[derive(Default)]
    struct Seen {
        exceptions: usize,
        swallow: bool,
    }
    let mut store = Store::new(&engine, Seen::default());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "call_back", |mut caller: Caller<'_, Seen>, x: i32| -> anyhow::Result<i32> {
        let inner = caller.get_export("inner").and_then(Extern::into_func).expect("inner export");
        let mut result = [Val::I32(0)];
        match inner.call(&mut caller, &[Val::I32(x)], &mut result) {
            Ok(()) => Ok(result[0].unwrap_i32()),
            Err(err) if err.downcast_ref::<ThrownException>().is_some() => {
                caller.data_mut().exceptions += 1;
                assert!(caller.has_pending_exception());
                if caller.data().swallow {
                    let exn = caller.take_pending_exception().expect("pending exception");
                    return Ok(exn.field(&caller, 0)?.unwrap_i32() + 1);
                }
                Err(err)
            }
            Err(err) => Err(err),
        }
    })?;
    let instance = linker.instantiate(&mut store, &module)?;
    let outer = instance.get_typed_func::<i32, i32>(&mut store, "outer")?;
    assert_eq!(outer.call(&mut store, 0)?, 1);
    assert_eq!(outer.call(&mut store, 4)?, 40 + 99);
    assert_eq!(store.data().exceptions, 1);
    store.data_mut().swallow = true;
    assert_eq!(outer.call(&mut store, 4)?, 41);
    assert_eq!(store.data().exceptions, 2);
    assert!(!store.has_pending_exception());
    Ok(())
}

/// A host function raises an exception of a wasm-defined tag (found among
/// the caller's exports) with `Caller::throw`; the wasm caller catches it.
#[test]
fn host_functions_throw() -> anyhow::Result<()> {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "fail" (func $fail (param i32)))
             (tag $e (export "e") (param i32 f64))
             (func (export "run") (param i32) (result f64)
               (local $fraction f64)
               (block $h (result i32 f64)
                 (try_table (catch $e $h) (call $fail (local.get 0)))
                 (return (f64.const 0)))
               (local.set $fraction)
               (f64.add (f64.convert_i32_s) (local.get $fraction))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "fail", |mut caller: Caller<'_, ()>, code: i32| -> anyhow::Result<()> {
        if code == 0 {
            return Ok(());
        }
        let tag = caller.get_export("e").and_then(Extern::into_tag).expect("tag export");
        let exn = ExnRef::new(&mut caller, &tag, &[Val::I32(code), Val::from(0.5f64)])?;
        caller.throw(exn)?
    })?;
    let instance = linker.instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<i32, f64>(&mut store, "run")?;
    assert_eq!(run.call(&mut store, 0)?, 0.0);
    assert_eq!(run.call(&mut store, 3)?, 3.5);
    Ok(())
}

/// Module A defines a tag and a thrower; module B imports both and catches
/// by A's tag, across the instance boundary both ways (B's callback, called
/// by A, throws A's tag back through A). Module C's tag has the same type but
/// is another tag: B's `catch` does not take it, its `catch_all` does.
#[test]
fn exceptions_cross_module_boundaries() -> anyhow::Result<()> {
    let engine = engine();
    let a = Module::new(
        &engine,
        r#"(module $a
             (tag $e (export "e") (param i32))
             (memory 1)
             (func (export "throw") (param i32) (throw $e (local.get 0)))
             (func (export "call") (param funcref i32)
               (i32.store (i32.const 0) (i32.const 1000))
               (call_indirect (param i32) (local.get 1) (i32.const 0) (table.set (i32.const 0) (local.get 0))))
             (table 1 funcref))"#,
    )?;
    let c = Module::new(
        &engine,
        r#"(module $c
             (tag $e (export "e") (param i32))
             (func (export "throw") (param i32) (throw $e (local.get 0))))"#,
    )?;
    let b = Module::new(
        &engine,
        r#"(module $b
             (import "a" "e" (tag $e (param i32)))
             (import "a" "throw" (func $a_throw (param i32)))
             (import "a" "call" (func $a_call (param funcref i32)))
             (import "c" "throw" (func $c_throw (param i32)))
             (memory 1)
             (data (i32.const 0) "\2a\00\00\00")
             (func $callback (param i32) (throw $e (i32.add (local.get 0) (i32.const 1))))
             (elem declare func $callback)
             (func (export "catch_a") (param i32) (result i32)
               (block $h (result i32)
                 (try_table (catch $e $h) (call $a_throw (local.get 0)))
                 (return (i32.const -1)))
               ;; B's own memory: the unwinder switched back to B's instance.
               (i32.add (i32.load (i32.const 0))))
             (func (export "catch_callback") (param i32) (result i32)
               (block $h (result i32)
                 (try_table (catch $e $h) (call $a_call (ref.func $callback) (local.get 0)))
                 (return (i32.const -1)))
               (i32.add (i32.load (i32.const 0))))
             (func (export "catch_c") (param i32) (result i32)
               (block $all
                 (block $h (result i32)
                   (try_table (catch $e $h) (catch_all $all) (call $c_throw (local.get 0)))
                   (return (i32.const -1)))
                 (return))
               (i32.const -2)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.module(&mut store, "a", &a)?;
    linker.module(&mut store, "c", &c)?;
    let b = linker.instantiate(&mut store, &b)?;
    let catch_a = b.get_typed_func::<i32, i32>(&mut store, "catch_a")?;
    let catch_callback = b.get_typed_func::<i32, i32>(&mut store, "catch_callback")?;
    let catch_c = b.get_typed_func::<i32, i32>(&mut store, "catch_c")?;
    assert_eq!(catch_a.call(&mut store, 5)?, 5 + 42);
    assert_eq!(catch_callback.call(&mut store, 5)?, 6 + 42);
    assert_eq!(catch_c.call(&mut store, 5)?, -2);
    // Tags are the same only if they are the same entity.
    let a_tag = linker.get(&mut store, "a", "e").and_then(Extern::into_tag).expect("a's tag");
    let c_tag = linker.get(&mut store, "c", "e").and_then(Extern::into_tag).expect("c's tag");
    assert!(!Tag::eq(&a_tag, &c_tag, &store));
    assert_eq!(a_tag.ty(&store), c_tag.ty(&store));
    Ok(())
}

/// An exception nothing catches reaches the embedder as `ThrownException`
/// with a message naming the tag and payload and a backtrace; the exception
/// itself is the store's pending exception.
#[test]
fn uncaught_exceptions_are_clear_errors() -> anyhow::Result<()> {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module $m
             (tag $first)
             (tag $oops (export "oops") (param i32 f32))
             (func $deep (throw $oops (i32.const 42) (f32.const 2.5)))
             (func $run (export "run") (call $deep)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let err = instance.get_typed_func::<(), ()>(&mut store, "run")?.call(&mut store, ()).unwrap_err();
    assert!(is_thrown(&err), "{err:?}");
    assert!(err.downcast_ref::<Trap>().is_none());
    let message = format!("{err:#}");
    assert!(message.contains("uncaught exception of tag 1 of module `m`, payload (i32 42, f32 2.5)"), "{message}");
    let backtrace = err.downcast_ref::<skiff::WasmBacktrace>().expect("a backtrace");
    let names: Vec<_> = backtrace.frames().iter().map(|f| f.func_name().unwrap_or("?")).collect();
    assert_eq!(names, ["deep", "run"]);
    let exn = store.take_pending_exception().expect("the exception is pending");
    assert!(!store.has_pending_exception());
    let oops = instance.get_tag(&mut store, "oops").expect("tag export");
    assert_eq!(exn.tag(&store)?, oops);
    let fields: Vec<Val> = exn.fields(&store)?.collect();
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0].unwrap_i32(), 42);
    assert_eq!(fields[1].unwrap_f32(), 2.5);
    assert!(exn.field(&store, 2).is_err());
    Ok(())
}

/// The host creates tags and exceptions, passes an exception into wasm as an
/// `exnref` to be thrown there, gets one back as a result, and checks types.
#[test]
fn api_creates_and_inspects_exceptions() -> anyhow::Result<()> {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let ty = TagType::new(FuncType::new(&engine, [ValType::I64, ValType::EXNREF], []));
    let tag = Tag::new(&mut store, &ty)?;
    assert_eq!(tag.ty(&store), ty);
    assert!(Tag::new(&mut store, &TagType::new(FuncType::new(&engine, [], [ValType::I32]))).is_err());

    let inner = ExnRef::new(&mut store, &tag, &[Val::I64(1), Val::ExnRef(None)])?;
    let outer = ExnRef::new(&mut store, &tag, &[Val::I64(2), Val::ExnRef(Some(inner))])?;
    assert_eq!(outer.field(&store, 1)?.exnref(), Some(Some(&inner)));
    assert!(ExnRef::new(&mut store, &tag, &[Val::I64(1)]).is_err(), "too few fields");
    assert!(ExnRef::new(&mut store, &tag, &[Val::I32(1), Val::ExnRef(None)]).is_err(), "wrong field type");
    let other_store_tag = Tag::new(Store::new(&engine, ()), &ty)?;
    assert!(ExnRef::new(&mut store, &other_store_tag, &[Val::I64(1), Val::ExnRef(None)]).is_err());

    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "tag" (tag $t (param i64 exnref)))
             ;; Throws the given exception and catches it: its payload.
             (func (export "unpack") (param exnref) (result i64)
               (block $h (result i64 exnref)
                 (try_table (catch $t $h) (throw_ref (local.get 0)))
                 (unreachable))
               (drop))
             ;; Makes a new exception carrying another, and returns it.
             (func (export "wrap") (param i64 exnref) (result exnref)
               (block $h (result i64 exnref exnref)
                 (try_table (catch_ref $t $h) (throw $t (local.get 0) (local.get 1)))
                 (unreachable))
               (return))
             (func (export "throw_null") (throw_ref (ref.null exn))))"#,
    )?;
    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "tag", tag)?;
    let instance = linker.instantiate(&mut store, &module)?;
    let unpack = instance.get_typed_func::<Option<ExnRef>, i64>(&mut store, "unpack")?;
    assert_eq!(unpack.call(&mut store, Some(outer))?, 2);
    assert_eq!(unpack.call(&mut store, Some(inner))?, 1);

    let wrap = instance.get_func(&mut store, "wrap").expect("export");
    let mut result = [Val::ExnRef(None)];
    wrap.call(&mut store, &[Val::I64(9), Val::ExnRef(Some(outer))], &mut result)?;
    let Val::ExnRef(Some(wrapped)) = result[0] else { panic!("expected an exnref, got {:?}", result[0]) };
    assert_eq!(wrapped.tag(&store)?, tag);
    assert_eq!(wrapped.field(&store, 0)?.unwrap_i64(), 9);
    assert_eq!(wrapped.field(&store, 1)?.exnref(), Some(Some(&outer)));

    let err = instance.get_typed_func::<(), ()>(&mut store, "throw_null")?.call(&mut store, ()).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::NullReference));

    // A tag import must have the same type.
    let other = Tag::new(&mut store, &TagType::new(FuncType::new(&engine, [ValType::I64], [])))?;
    let err = Instance::new(&mut store, &module, &[other.into()]).unwrap_err();
    assert!(format!("{err:#}").contains("incompatible import type"), "{err:#}");
    Ok(())
}

/// A host function made with `Func::new` throws; an exception in a start
/// function fails instantiation with `ThrownException`.
#[test]
fn dynamic_host_functions_and_start_functions_throw() -> anyhow::Result<()> {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let tag = Tag::new(&mut store, &TagType::new(FuncType::new(&engine, [ValType::I32], [])))?;
    let thrower = Func::new(&mut store, FuncType::new(&engine, [ValType::I32], []), move |mut caller, args, _| {
        let exn = ExnRef::new(&mut caller, &tag, args)?;
        Err(caller.throw::<()>(exn).unwrap_err().into())
    });
    let module = Module::new(
        &engine,
        r#"(module
             (import "" "tag" (tag $t (param i32)))
             (import "" "throw" (func $throw (param i32)))
             (global $caught (export "caught") (mut i32) (i32.const 0))
             (func $start
               (block $h (result i32)
                 (try_table (catch $t $h) (call $throw (i32.const 17)))
                 (unreachable))
               (global.set $caught)
               (call $throw (i32.const 18)))
             (start $start))"#,
    )?;
    let err = Instance::new(&mut store, &module, &[tag.into(), thrower.into()]).unwrap_err();
    assert!(is_thrown(&err), "{err:?}");
    let exn = store.take_pending_exception().expect("pending");
    assert_eq!(exn.field(&store, 0)?.unwrap_i32(), 18);
    Ok(())
}

/// Traps are not exceptions: `catch_all` does not stop them.
#[test]
fn traps_pass_catch_all() -> anyhow::Result<()> {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
             (func $div (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
             (func (export "run") (param i32) (result i32)
               (block $h
                 (try_table (result i32) (catch_all $h) (call $div (local.get 0)))
                 (return))
               (i32.const -1)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let run = instance.get_typed_func::<i32, i32>(&mut store, "run")?;
    assert_eq!(run.call(&mut store, 1)?, 1);
    let err = run.call(&mut store, 0).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::IntegerDivisionByZero));
    Ok(())
}

/// A catch clause whose label is the function body returns the payload
/// (and the `exnref`, for `catch_ref`) as the function's results. Such a
/// function with results used to panic in translation (on its first call,
/// or at load in eager mode), found by running the exceptions spec scripts
/// eagerly.
#[test]
fn catch_clauses_return_from_the_function() -> anyhow::Result<()> {
    for mode in [CompilationMode::Eager, CompilationMode::LazyTranslation] {
        let mut config = Config::new();
        config.compilation_mode(mode);
        let engine = Engine::new(&config)?;
        let module = Module::new(
            &engine,
            r#"(module
                 (tag $i (param i32))
                 (tag $wide (param i64 v128 i32))
                 (func (export "one") (param i32) (result i32)
                   (try_table (catch $i 0) (throw $i (local.get 0)))
                   (i32.const -1))
                 (func (export "wide") (param i32) (result i64 v128 i32)
                   (try_table (catch $wide 0)
                     (if (local.get 0)
                       (then (throw $wide (i64.const 7) (v128.const i32x4 1 2 3 4) (local.get 0)))))
                   (i64.const -1) (v128.const i64x2 0 0) (i32.const -1))
                 (func (export "with_ref") (result i32 exnref)
                   (try_table (catch_ref $i 0) (throw $i (i32.const 5)))
                   (unreachable)))"#,
        )?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let one = instance.get_typed_func::<i32, i32>(&mut store, "one")?;
        assert_eq!(one.call(&mut store, 42)?, 42, "{mode:?}");
        let wide = instance.get_typed_func::<i32, (i64, V128, i32)>(&mut store, "wide")?;
        let v = V128::from(0x0000_0004_0000_0003_0000_0002_0000_0001_u128);
        assert_eq!(wide.call(&mut store, 9)?, (7, v, 9), "{mode:?}");
        assert_eq!(wide.call(&mut store, 0)?, (-1, V128::from(0), -1), "{mode:?}");
        let with_ref = instance.get_func(&mut store, "with_ref").unwrap();
        let mut results = [Val::I32(0), Val::I32(0)];
        with_ref.call(&mut store, &[], &mut results)?;
        assert_eq!(results[0].unwrap_i32(), 5, "{mode:?}");
        assert!(matches!(results[1].exnref(), Some(Some(_))), "{mode:?}: {:?}", results[1]);
    }
    Ok(())
}

/// Exception handling is refused unless the feature is on.
#[test]
fn exceptions_need_the_feature() {
    let mut config = Config::new();
    config.wasm_exceptions(false);
    let engine = Engine::new(&config).expect("valid config");
    assert!(Module::new(&engine, "(module (tag))").is_err());
}
