//! Tier-up (`Strategy::Auto`) against the interpreter: functions compiled
//! at their first call, at random points (stress mode) or in the
//! background give the same results, traps, backtraces, exceptions and
//! fuel; a frame whose loop runs hot continues compiled (on-stack
//! replacement); the engine counts what it compiled.
#![cfg(feature = "cranelift")]

use skiff::{Config, Engine, Instance, Module, Store, Strategy, TierUpMode, Trap, Val, WasmBacktrace};

/// A loop-heavy function with locals of every type (OSR carries them), a
/// recursive one, a trap under a loop, an exception thrown from a callee
/// and caught around a hot loop, and a call chain.
const PROGRAM: &str = r#"
(module
  (tag $e (param i32))
  (memory 1)
  (func $sum (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64) (local $f f64) (local $v v128)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (local.set $f (f64.add (local.get $f) (f64.const 0.5)))
      (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add
      (i64.add (local.get $acc) (i64.trunc_f64_s (local.get $f)))
      (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $v)))))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $store_until (export "store_until") (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func $thrower (param i32)
    (if (i32.eq (local.get 0) (i32.const 777)) (then (throw $e (local.get 0)))))
  (func (export "catch_in_loop") (param $n i32) (result i32)
    (local $i i32)
    (block $caught (result i32)
      (try_table (catch $e $caught)
        (loop $l
          (call $thrower (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
      (i32.const -1)))
  (func (export "throw_in_loop") (param $n i32)
    (local $i i32)
    (loop $l
      ;; Weight, so that the loop runs hot well before the thrower.
      (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop)
      (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop)
      (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop) (nop)
      (call $thrower (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func $leaf (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $middle (param i32) (result i32) (call $leaf (local.get 0)))
  (func (export "chain") (param i32) (result i32) (call $middle (local.get 0)))
)
"#;

fn engine(strategy: Strategy, tweak: impl Fn(&mut Config)) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).consume_fuel(true);
    tweak(&mut config);
    Engine::new(&config).unwrap()
}

/// How a call ended: results, or trap and frame names, or another error.
#[derive(Debug, PartialEq)]
enum Outcome {
    Returned(Vec<String>),
    Trapped(Trap, Vec<String>),
    Failed(String, Vec<String>),
}

/// `PROGRAM` instantiated in a fresh store of `engine`, with all the fuel.
fn instantiate(engine: &Engine) -> (Store<()>, Instance) {
    let module = Module::new(engine, PROGRAM).unwrap();
    let mut store = Store::new(engine, ());
    store.set_fuel(u64::MAX).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> Outcome {
    let f = instance.get_func(&mut *store, name).unwrap();
    let mut results = vec![Val::I32(0); f.ty(&*store).results().len()];
    match f.call(&mut *store, args, &mut results) {
        Ok(()) => Outcome::Returned(results.iter().map(|v| format!("{v:?}")).collect()),
        Err(e) => {
            let frames = e
                .downcast_ref::<WasmBacktrace>()
                .map(|b| b.frames().iter().map(|f| format!("{}", f.func_index())).collect())
                .unwrap_or_default();
            match e.downcast_ref::<Trap>() {
                Some(trap) => Outcome::Trapped(*trap, frames),
                None => Outcome::Failed(format!("{e:#}"), frames),
            }
        }
    }
}

/// Every export's outcome and the fuel it took, then the memory, for
/// `engine`; each call made `repeat` times, so that later calls run
/// compiled.
fn run_all(engine: &Engine, repeat: usize) -> Vec<String> {
    let module = Module::new(engine, PROGRAM).unwrap();
    let mut store = Store::new(engine, ());
    store.set_fuel(u64::MAX).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let calls: &[(&str, Vec<Val>)] = &[
        ("sum", vec![Val::I32(5000)]),
        ("fib", vec![Val::I32(18)]),
        ("store_until", vec![Val::I32(20000)]),
        ("catch_in_loop", vec![Val::I32(5000)]),
        ("catch_in_loop", vec![Val::I32(500)]),
        ("throw_in_loop", vec![Val::I32(5000)]),
        ("chain", vec![Val::I32(7)]),
        ("chain", vec![Val::I32(0)]),
    ];
    let mut log = Vec::new();
    for _ in 0..repeat {
        for (name, args) in calls {
            let before = store.get_fuel().unwrap();
            let outcome = call(&mut store, &instance, name, args);
            let used = before - store.get_fuel().unwrap();
            log.push(format!("{name}{args:?}: {outcome:?}, fuel {used}"));
        }
    }
    let memory = instance.get_memory(&mut store, "memory");
    if let Some(memory) = memory {
        let data = memory.data(&store);
        log.push(format!("memory sum {}", data.iter().map(|&b| u64::from(b)).sum::<u64>()));
    }
    log
}

#[test]
fn compiled_at_first_call_agrees_with_the_interpreter() {
    let expected = run_all(&engine(Strategy::Interpreter, |_| {}), 3);
    let tiered = engine(Strategy::Auto, |c| {
        c.tier_up_threshold(0).tier_up_mode(TierUpMode::Synchronous);
    });
    assert_eq!(run_all(&tiered, 3), expected);
    let stats = tiered.tier_up_stats();
    assert!(stats.compiled >= 7, "{stats:?}");
    assert_eq!(stats.failed, 0);
}

#[test]
fn stress_mode_agrees_with_the_interpreter() {
    let expected = run_all(&engine(Strategy::Interpreter, |_| {}), 3);
    for seed in 0..20 {
        let tiered = engine(Strategy::Auto, |c| {
            c.tier_up_mode(TierUpMode::Stress(seed));
        });
        assert_eq!(run_all(&tiered, 3), expected, "seed {seed}");
        assert!(tiered.tier_up_stats().compiled > 0, "seed {seed}");
    }
}

/// A function whose loop runs hot on its first and only call continues
/// compiled in that loop: the engine compiles an entry into the loop, and
/// the result is the interpreter's.
#[test]
fn a_hot_loop_continues_compiled() {
    let tiered = engine(Strategy::Auto, |c| {
        c.tier_up_threshold(1000).tier_up_mode(TierUpMode::Synchronous);
    });
    let (mut store, instance) = instantiate(&tiered);
    let outcome = call(&mut store, &instance, "sum", &[Val::I32(100_000)]);
    // Two compiles: the function, and its entry into the loop.
    assert_eq!(tiered.tier_up_stats().compiled, 2);
    let interp = engine(Strategy::Interpreter, |_| {});
    let (mut store, instance) = instantiate(&interp);
    assert_eq!(call(&mut store, &instance, "sum", &[Val::I32(100_000)]), outcome);
}

/// An exception thrown in a function called from a loop that continued
/// compiled (on-stack replacement), and caught nowhere, has the backtrace
/// it has in the interpreter: thrower, then the looping function. With the
/// lower threshold the thrower is compiled when it throws; with the higher
/// one it is still interpreted, in an activation nested in the loop's
/// compiled code.
#[test]
fn an_uncaught_exception_keeps_its_frames_through_a_hot_loop() {
    for (threshold, compiles) in [(1000, 3), (15000, 2)] {
        let outcome = |strategy| {
            let engine = engine(strategy, |c| {
                c.tier_up_threshold(threshold).tier_up_mode(TierUpMode::Synchronous);
            });
            let module = Module::new(&engine, PROGRAM).unwrap();
            let mut store = Store::new(&engine, ());
            store.set_fuel(u64::MAX).unwrap();
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            (call(&mut store, &instance, "throw_in_loop", &[Val::I32(5000)]), engine.tier_up_stats().compiled)
        };
        let (interpreted, _) = outcome(Strategy::Interpreter);
        let (tiered, compiled) = outcome(Strategy::Auto);
        assert!(matches!(&interpreted, Outcome::Failed(_, frames) if frames == &["3", "5"]), "{interpreted:?}");
        assert_eq!(tiered, interpreted, "threshold {threshold}");
        // The function and its loop's entry, and the thrower if it ran
        // hot.
        assert_eq!(compiled, compiles, "threshold {threshold}");
    }
}

/// In the background the interpreter never waits: a function called over
/// and over gets compiled by a compiler thread meanwhile.
#[test]
fn background_compiles_hot_functions() {
    let tiered = engine(Strategy::Auto, |c| {
        c.tier_up_threshold(100);
    });
    let (mut store, instance) = instantiate(&tiered);
    let fib = instance.get_typed_func::<i32, i32>(&mut store, "fib").unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while tiered.tier_up_stats().compiled == 0 {
        assert!(std::time::Instant::now() < deadline, "nothing compiled in 60 s");
        assert_eq!(fib.call(&mut store, 15).unwrap(), 610);
    }
    for _ in 0..10 {
        assert_eq!(fib.call(&mut store, 15).unwrap(), 610);
    }
}

/// In the background, a frame that stays in its hot loop continues
/// compiled there: the first look at the spent budget asks for the
/// function, the next one (a poll later, the same frame in the same loop)
/// for the entry into the loop, which arrives long before the interpreter
/// would have finished.
#[test]
fn a_loop_that_stays_hot_continues_compiled_in_the_background() {
    let tiered = engine(Strategy::Auto, |c| {
        c.tier_up_threshold(1000);
    });
    let (mut store, instance) = instantiate(&tiered);
    let sum = instance.get_typed_func::<i32, i64>(&mut store, "sum").unwrap();
    let n = 30_000_000;
    let result = sum.call(&mut store, n).unwrap();
    // Both compiled: the function, and its entry into the loop.
    assert_eq!(tiered.tier_up_stats().compiled, 2);
    let compiled = engine(Strategy::Cranelift, |_| {});
    let (mut store, instance) = instantiate(&compiled);
    assert_eq!(instance.get_typed_func::<i32, i64>(&mut store, "sum").unwrap().call(&mut store, n).unwrap(), result);
}

/// A trap in a compiled callee of interpreted callers has one backtrace,
/// all the frames, as in either tier alone: on the first call, where each
/// function is compiled on entry and runs in an interpreter activation
/// nested in its compiled caller's call, and on later calls, where the
/// compiled functions call each other.
///
/// On the first call the activations nest three deep on one stack; the
/// frames of each are walked before the host code after its landing
/// reuses their space (debug builds' larger host frames overwrote them).
#[test]
fn backtraces_span_both_tiers() {
    let tiered = engine(Strategy::Auto, |c| {
        c.tier_up_threshold(0).tier_up_mode(TierUpMode::Synchronous);
    });
    let (mut store, instance) = instantiate(&tiered);
    let expected = Outcome::Trapped(Trap::IntegerDivisionByZero, vec!["6".into(), "7".into(), "8".into()]);
    assert_eq!(call(&mut store, &instance, "chain", &[Val::I32(0)]), expected);
    assert_eq!(call(&mut store, &instance, "chain", &[Val::I32(4)]), Outcome::Returned(vec!["I32(25)".into()]));
    assert_eq!(call(&mut store, &instance, "chain", &[Val::I32(0)]), expected);
}

/// A fresh directory for one test's cache.
fn cache_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("skiff-test-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `sum` and `fib` in a new engine over cache `dir`, returning their
/// results and the engine's tier-up counts.
fn run_cached(dir: &std::path::Path, strategy: Strategy) -> (Vec<Outcome>, skiff::TierUpStats, skiff::CacheStats) {
    let engine = engine(strategy, |c| {
        c.tier_up_mode(TierUpMode::Synchronous).tier_up_threshold(0).cache_dir(Some(dir));
    });
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(u64::MAX / 2).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let outcomes = vec![
        call(&mut store, &instance, "sum", &[Val::I32(10_000)]),
        call(&mut store, &instance, "fib", &[Val::I32(15)]),
    ];
    drop((instance, store, module));
    (outcomes, engine.tier_up_stats(), engine.cache_stats())
}

#[test]
fn the_cache_keeps_the_functions_that_ran_hot() {
    let dir = cache_dir("auto");
    let (cold, cold_stats, cold_cache) = run_cached(&dir, Strategy::Auto);
    assert_eq!(cold_stats.cached, 0);
    assert!(cold_stats.compiled >= 2, "{cold_stats:?}");
    assert_eq!((cold_cache.misses, cold_cache.stored), (1, 1), "{cold_cache:?}");
    // The next engine starts with `sum` and `fib` compiled.
    let (warm, warm_stats, warm_cache) = run_cached(&dir, Strategy::Auto);
    assert_eq!(warm, cold);
    assert_eq!(warm_stats.cached, 2, "{warm_stats:?}");
    assert_eq!(warm_cache.hits, 1, "{warm_cache:?}");
    // Nothing new ran hot: nothing to write.
    assert_eq!(warm_cache.stored, 0, "{warm_cache:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn damaged_cache_entries_are_compiled_again() {
    for strategy in [Strategy::Auto, Strategy::Cranelift] {
        let dir = cache_dir(&format!("damaged-{strategy:?}"));
        let (cold, _, _) = run_cached(&dir, strategy);
        let entry = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
        let good = std::fs::read(&entry).unwrap();
        // A bit flipped in the middle of the code, then a cut-off entry.
        let mut flipped = good.clone();
        flipped[good.len() / 2] ^= 0x10;
        for bad in [flipped, good[..good.len() / 2].to_vec()] {
            std::fs::write(&entry, bad).unwrap();
            let (outcomes, stats, cache) = run_cached(&dir, strategy);
            assert_eq!(outcomes, cold, "{strategy:?}");
            assert_eq!(stats.cached, 0, "{strategy:?}");
            assert_eq!((cache.rejected, cache.stored), (1, 1), "{strategy:?}: {cache:?}");
        }
        // What replaced it is whole again.
        let (_, _, cache) = run_cached(&dir, strategy);
        assert_eq!((cache.hits, cache.rejected), (1, 0), "{strategy:?}: {cache:?}");
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Loops of every shape the interpreter's back edges take: a `while` loop,
/// whose back edge jump threading aims past the header's exit test (a
/// frame entering compiled code goes back to the header, and the test
/// runs again), one repeated through a `br_table`, and one whose header
/// test also writes a local (not inverted: running it again would not be
/// the same). No fuel, whose charge at the header would keep the test
/// from being first.
const LOOP_SHAPES: &str = r#"
(module
  (func (export "while_loop") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $acc) (local.get $i)))
  (func (export "table_loop") (param $n i32) (result i32) (local $acc i32)
    (block $out
      (loop $l
        (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 5)) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_table $l $out (i32.eqz (local.get $n)))))
    (local.get $acc))
  (func (export "tee_loop") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 3)) (local.get $n)))
        (br $l)))
    (i32.add (local.get $acc) (local.get $n)))
)
"#;

#[test]
fn every_loop_shape_continues_compiled_with_the_interpreters_result() {
    for name in ["while_loop", "table_loop", "tee_loop"] {
        let run = |strategy| {
            let mut config = Config::new();
            config.strategy(strategy).tier_up_threshold(1000).tier_up_mode(TierUpMode::Synchronous);
            let engine = Engine::new(&config).unwrap();
            let module = Module::new(&engine, LOOP_SHAPES).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let outcome = call(&mut store, &instance, name, &[Val::I32(100_000)]);
            (outcome, engine.tier_up_stats().compiled)
        };
        let (interpreted, _) = run(Strategy::Interpreter);
        let (tiered, compiled) = run(Strategy::Auto);
        assert_eq!(tiered, interpreted, "{name}");
        // The function, and its entry into the loop, entered at once.
        assert_eq!(compiled, 2, "{name}");
    }
}
