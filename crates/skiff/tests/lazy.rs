//! Compilation modes: a function translated on its first call behaves as if
//! it had been translated by `Module::new`; lazy translation still refuses
//! at load what eager translation refuses; fully lazy mode turns a bad body
//! into a clean error at the call; a fresh function of a shared module can be
//! called from several threads at once.

use skiff::{CompilationMode, Config, Engine, Instance, Module, Store, Trap, Val};

const MODES: [CompilationMode; 3] = [CompilationMode::Eager, CompilationMode::LazyTranslation, CompilationMode::Lazy];

fn engine(mode: CompilationMode) -> Engine {
    let mut config = Config::new();
    config.compilation_mode(mode);
    Engine::new(&config).unwrap()
}

/// A module whose functions call each other (directly, indirectly, through
/// a host-free export) and trap in several ways.
const PROGRAM: &str = r#"(module
  (type $binop (func (param i32 i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $add $div)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "apply") (param i32 i32 i32) (result i32)
    (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "store_sum") (param i32 i64 i64) (result i64)
    (i64.store (local.get 0) (i64.add (local.get 1) (local.get 2)))
    (i64.load (local.get 0)))
  (func (export "deep") (param i32) (result i32) (call $deep_inner (local.get 0)))
  (func $deep_inner (param i32) (result i32) (call $deep_inner (local.get 0)))
  (func (export "boom") unreachable)
)"#;

/// Every export's result (or trap) on a few arguments.
fn observe(mode: CompilationMode) -> Vec<String> {
    let engine = engine(mode);
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let calls: &[(&str, &[Val])] = &[
        ("fib", &[Val::I32(20)]),
        ("apply", &[Val::I32(0), Val::I32(40), Val::I32(2)]),
        ("apply", &[Val::I32(1), Val::I32(40), Val::I32(2)]),
        ("apply", &[Val::I32(1), Val::I32(40), Val::I32(0)]),
        ("apply", &[Val::I32(1), Val::I32(i32::MIN), Val::I32(-1)]),
        ("apply", &[Val::I32(5), Val::I32(1), Val::I32(1)]),
        ("store_sum", &[Val::I32(8), Val::I64(40), Val::I64(2)]),
        ("load", &[Val::I32(8)]),
        ("load", &[Val::I32(65535)]),
        ("deep", &[Val::I32(1)]),
        ("boom", &[]),
    ];
    calls
        .iter()
        .map(|(name, args)| {
            let func = instance.get_func(&mut store, name).unwrap();
            let mut results = vec![Val::I32(0); func.ty(&store).results().len()];
            match func.call(&mut store, args, &mut results) {
                Ok(()) => format!("{name}: {results:?}"),
                Err(e) => format!("{name}: {:?}", e.downcast_ref::<Trap>()),
            }
        })
        .collect()
}

#[test]
fn lazily_translated_functions_give_eager_results_and_traps() {
    let eager = observe(CompilationMode::Eager);
    assert!(eager.iter().any(|r| r.contains("IntegerDivisionByZero")), "{eager:?}");
    assert!(eager.iter().any(|r| r.contains("StackOverflow")), "{eager:?}");
    for mode in [CompilationMode::LazyTranslation, CompilationMode::Lazy] {
        assert_eq!(observe(mode), eager, "{mode:?}");
    }
}

#[test]
fn lazy_code_is_the_eager_code() {
    let listings = MODES.map(|mode| {
        let module = Module::new(&engine(mode), PROGRAM).unwrap();
        (0..9).map(|f| module.disassemble(f).unwrap()).collect::<Vec<_>>()
    });
    assert_eq!(listings[0], listings[1]);
    assert_eq!(listings[0], listings[2]);
}

/// Bodies that validate (with the features switched on here) but use what
/// the translator does not implement.
fn unsupported_bodies() -> Vec<(&'static str, Config)> {
    let mut threads = Config::new();
    threads.wasm_threads(true);
    let mut wide_arithmetic = Config::new();
    wide_arithmetic.wasm_wide_arithmetic(true);
    vec![
        ("(module (memory 1 1) (func (drop (i32.atomic.load (i32.const 0)))))", threads),
        (
            "(module (func (result i64 i64) (i64.add128 (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4))))",
            wide_arithmetic,
        ),
    ]
}

#[test]
fn unsupported_features_are_refused_at_load_unless_fully_lazy() {
    for (text, mut config) in unsupported_bodies() {
        let eager = Module::new(&Engine::new(config.compilation_mode(CompilationMode::Eager)).unwrap(), text)
            .map(drop)
            .expect_err(text);
        let lazy = Module::new(&Engine::new(config.compilation_mode(CompilationMode::LazyTranslation)).unwrap(), text)
            .map(drop)
            .expect_err(text);
        let eager = format!("{eager:#}");
        assert!(eager.contains("not supported yet"), "{text}: {eager}");
        assert_eq!(format!("{lazy:#}"), eager, "{text}");

        // Fully lazy: the module loads; the function fails when called.
        let err = format!("{:#}", module_call_error(text, &mut config));
        assert!(err.contains(eager.split(" (at offset").next().unwrap()), "{text}: {err}");
    }
}

/// Calls function 0 of `text` (exported as "f" by rewriting the module) in
/// fully lazy mode and returns the error.
fn module_call_error(text: &str, config: &mut Config) -> anyhow::Error {
    let text = text.replacen("(func", "(func (export \"f\")", 1);
    let engine = Engine::new(config.compilation_mode(CompilationMode::Lazy)).unwrap();
    let module = Module::new(&engine, &text).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_func(&mut store, "f").unwrap();
    let mut results = vec![Val::I32(0); f.ty(&store).results().len()];
    f.call(&mut store, &[], &mut results).unwrap_err()
}

#[test]
fn invalid_bodies_fail_at_load_or_at_first_call_when_fully_lazy() {
    let text = r#"(module
      (func (export "good") (result i32) (i32.const 7))
      (func (export "bad") (result i32) (i64.const 1))
      (func (export "calls_bad") (result i32) (call 1)))"#;
    for mode in [CompilationMode::Eager, CompilationMode::LazyTranslation] {
        let err = Module::new(&engine(mode), text).map(drop).unwrap_err();
        assert!(format!("{err:#}").contains("type mismatch"), "{mode:?}: {err:#}");
    }
    // An unsupported operator before the type error: the body is invalid,
    // and both modes say so (eager validates a whole body first).
    let unsupported_then_invalid =
        "(module (memory 1) (memory 1) (func (drop (i32.load 1 (i32.const 0))) (i64.const 1)))";
    for mode in [CompilationMode::Eager, CompilationMode::LazyTranslation] {
        let mut config = Config::new();
        config.compilation_mode(mode).wasm_multi_memory(true);
        let engine = Engine::new(&config).unwrap();
        let err = Module::new(&engine, unsupported_then_invalid).map(drop).unwrap_err();
        assert!(format!("{err:#}").contains("type mismatch"), "{mode:?}: {err:#}");
    }

    let engine = engine(CompilationMode::Lazy);
    let module = Module::new(&engine, text).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let good = instance.get_typed_func::<(), i32>(&mut store, "good").unwrap();
    assert_eq!(good.call(&mut store, ()).unwrap(), 7);
    for name in ["bad", "calls_bad", "bad"] {
        let f = instance.get_typed_func::<(), i32>(&mut store, name).unwrap();
        let err = format!("{:#}", f.call(&mut store, ()).unwrap_err());
        assert!(err.contains("function 1 is invalid") && err.contains("type mismatch"), "{name}: {err}");
    }
    // The store is still usable after the failed calls.
    assert_eq!(good.call(&mut store, ()).unwrap(), 7);
    assert!(module.disassemble(1).is_none());
}

#[test]
fn threads_calling_fresh_functions_of_one_module_all_get_translated_code() {
    // Many small functions, each computing a different value, so that both
    // threads race on many first calls.
    let count = 64;
    let mut text = String::from("(module\n");
    for i in 0..count {
        text += &format!(
            "(func (export \"f{i}\") (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const {i})) (call $g{i} (local.get 0))))\n\
             (func $g{i} (param i32) (result i32) (i32.xor (local.get 0) (i32.const {})))\n",
            i * 7919
        );
    }
    text += ")";
    let engine = Engine::default();
    let module = Module::new(&engine, &text).unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let (engine, module, barrier) = (engine.clone(), module.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = Instance::new(&mut store, &module, &[]).unwrap();
                barrier.wait();
                let order: Vec<i32> = if t == 0 { (0..count).collect() } else { (0..count).rev().collect() };
                for i in order {
                    let f = instance.get_typed_func::<i32, i32>(&mut store, &format!("f{i}")).unwrap();
                    let x = 1000 + i;
                    assert_eq!(f.call(&mut store, x).unwrap(), x.wrapping_mul(i).wrapping_add(x ^ (i * 7919)));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn fuel_is_charged_the_same_when_translation_is_lazy() {
    let text = r#"(module
      (func $step (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
      (func (export "sum") (param i32) (result i32) (local i32)
        (block (loop
          (br_if 1 (i32.eqz (local.get 0)))
          (local.set 1 (call $step (local.get 1)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br 0)))
        (local.get 1))
      (func (export "spin") (loop (br 0))))"#;
    let used = MODES.map(|mode| {
        let mut config = Config::new();
        config.consume_fuel(true).compilation_mode(mode);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, text).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        store.set_fuel(1_000_000).unwrap();
        let sum = instance.get_typed_func::<i32, i32>(&mut store, "sum").unwrap();
        assert_eq!(sum.call(&mut store, 100).unwrap(), 300);
        let used = 1_000_000 - store.get_fuel().unwrap();
        store.set_fuel(10_000).unwrap();
        let spin = instance.get_typed_func::<(), ()>(&mut store, "spin").unwrap();
        let err = spin.call(&mut store, ()).unwrap_err();
        assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::OutOfFuel), "{mode:?}");
        used
    });
    assert!(used[0] > 100, "{used:?}");
    assert_eq!(used[1], used[0]);
    assert_eq!(used[2], used[0]);
}

#[test]
fn epoch_interruption_stops_a_lazily_translated_loop() {
    let mut config = Config::new();
    config.epoch_interruption(true).compilation_mode(CompilationMode::LazyTranslation);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, r#"(module (func (export "spin") (loop (br 0))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    store.set_epoch_deadline(1);
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let spin = instance.get_typed_func::<(), ()>(&mut store, "spin").unwrap();
    let err = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(err.downcast_ref::<Trap>(), Some(&Trap::Interrupt));
    ticker.join().unwrap();
}

#[test]
fn compilation_modes_parse_by_name() {
    assert_eq!("eager".parse::<CompilationMode>().unwrap(), CompilationMode::Eager);
    assert_eq!("lazy-translation".parse::<CompilationMode>().unwrap(), CompilationMode::LazyTranslation);
    assert_eq!("lazy".parse::<CompilationMode>().unwrap(), CompilationMode::Lazy);
    assert!("sloppy".parse::<CompilationMode>().is_err());
    assert_eq!(CompilationMode::default(), CompilationMode::LazyTranslation);
}

/// wasm-smith modules with proposals skiff does not implement switched on:
/// lazy translation must accept exactly the modules eager translation
/// accepts, with the same error otherwise, and every function of an
/// accepted module must then translate. `SKIFF_LAZY_SEEDS=N` tries N seeds.
#[test]
fn lazy_translation_refuses_what_eager_translation_refuses() {
    let count = std::env::var("SKIFF_LAZY_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(300u64);
    let seeds = 0..count;
    let (mut accepted, mut refused) = (0, 0);
    for seed in seeds {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let bytes: Vec<u8> = (0..4096).map(|_| next() as u8).collect();
        let mut smith = wasm_smith::Config::default();
        let flags = next();
        smith.simd_enabled = flags & 1 != 0;
        smith.relaxed_simd_enabled = smith.simd_enabled && flags & 2 != 0;
        smith.tail_call_enabled = flags & 4 != 0;
        smith.max_memories = if flags & 8 != 0 { 2 } else { 1 };
        smith.multi_value_enabled = true;
        smith.threads_enabled = flags & 16 != 0;
        smith.wide_arithmetic_enabled = flags & 32 != 0;
        smith.gc_enabled = false;
        smith.exceptions_enabled = false;
        smith.memory64_enabled = flags & 64 != 0;
        smith.custom_descriptors_enabled = false;
        smith.shared_everything_threads_enabled = false;
        let Ok(module) = wasm_smith::Module::new(smith, &mut arbitrary::Unstructured::new(&bytes)) else { continue };
        let wasm = module.to_bytes();
        let load = |mode| {
            let mut config = Config::new();
            config
                .wasm_version(skiff::WasmVersion::V3)
                .wasm_threads(true)
                .wasm_wide_arithmetic(true)
                .wasm_multi_memory(true)
                .compilation_mode(mode);
            Module::new(&Engine::new(&config).unwrap(), &wasm)
        };
        match (load(CompilationMode::Eager), load(CompilationMode::LazyTranslation)) {
            (Ok(_), Ok(lazy)) => {
                accepted += 1;
                let funcs = lazy.imports().filter(|i| matches!(i.ty(), skiff::ExternType::Func(_))).count() as u32;
                let mut index = funcs;
                while let Some(listing) = lazy.disassemble(index) {
                    assert!(!listing.is_empty());
                    index += 1;
                }
            }
            (Err(eager), Err(lazy)) => {
                refused += 1;
                assert_eq!(format!("{lazy:#}"), format!("{eager:#}"), "seed {seed}");
            }
            (eager, lazy) => panic!("seed {seed}: eager {:?}, lazy {:?}", eager.err(), lazy.err()),
        }
    }
    println!("accepted {accepted}, refused {refused}");
    assert!(accepted > 20 && refused > 20, "accepted {accepted}, refused {refused}");
}
