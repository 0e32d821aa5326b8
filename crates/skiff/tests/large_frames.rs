//! Functions whose frames need more cells than a 16-bit slot reaches: an
//! operand stack tens of thousands of values deep, tens of thousands of
//! `v128` locals, more distinct constants than a frame holds. The
//! validator accepts them, so they must run (see `ir`, "Large frames").
//!
//! The main test runs one program twice: as written, and with every `{P}`
//! replaced by *padding*, tens of thousands of values pushed and then
//! discarded by a branch, so that the same operations (locals, constants,
//! branches to labels far below, `br_table`, loops, `if`, calls of every
//! kind, tail calls, exceptions, returns, memory, globals, SIMD) run with
//! the frame's window far from its base. Both must give the same results.

use skiff::{Config, Engine, Instance, Module, Store, Val};

/// `count` values of mixed widths (i32, i64, f64, v128), about 1.25 cells each.
fn padding(count: usize) -> String {
    let mut out = String::with_capacity(count * 20);
    for i in 0..count {
        out.push_str(match i % 4 {
            0 => "(i32.const 1)",
            1 => "(i64.const 2)",
            2 => "(f64.const 3)",
            _ => "(v128.const i32x4 4 5 6 7)",
        });
    }
    out
}

const PROGRAM: &str = r#"
(module
  (type $bin (func (param i64 i64) (result i64)))
  (tag $t (param i64 i32))
  (memory 1)
  (global $g (mut i64) (i64.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $add $mul3)
  (func $add (type $bin) (i64.add (local.get 0) (local.get 1)))
  (func $mul3 (type $bin) (i64.mul (i64.add (local.get 0) (local.get 1)) (i64.const 3)))
  (func $thrower (param i64) (throw $t (local.get 0) (i32.const 9)))
  (func $pair (param i32) (result i64 i32) (i64.extend_i32_u (local.get 0)) (i32.const 2))
  ;; n + (n - 1) + ... + 1 + acc, by tail calls made from deep in a block.
  (func $tail (param $n i64) (param $acc i64) (result i64)
    (block $b (result i64)
      {P}
      (if (i64.eqz (local.get $n)) (then (br $b (local.get $acc))))
      (return_call $tail (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n)))))
  (func (export "run") (param $x i64) (param $y i32) (result i64 i32)
    (local $a i64) (local $b i32) (local $f f64) (local $v v128) (local $i i32) (local $s i64)
    (local.set $a (local.get $x))
    (block $top (result i64 i32)
      {P}
      ;; Locals and constants, the window far from them.
      (local.set $a (i64.add (local.get $a) (i64.const 0x123456789abcdef)))
      (local.set $f (f64.add (f64.convert_i64_s (local.get $a)) (f64.const 0.5)))
      (local.set $v (i32x4.add (i32x4.splat (local.get $y)) (v128.const i32x4 1 2 3 4)))
      (local.set $b (i32.add (local.get $y) (i32x4.extract_lane 3 (local.get $v))))
      (local.set $v (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (local.get $v) (local.get $v)))
      (local.set $b (i32.add (local.get $b) (i32x4.extract_lane 1 (local.get $v))))
      (local.set $b (i32.add (local.get $b) (local.tee $i (i32.const 40))))
      ;; A result that comes back by a branch from deeper still.
      (local.set $a (i64.add (local.get $a)
        (block $inner (result i64)
          {P}
          (br_if $inner (i64.const 1000) (i32.eqz (local.get $y)))
          (br $inner (i64.const 2000)))))
      ;; br_table from deep to labels of three depths.
      (local.set $a (i64.add (local.get $a)
        (block $c (result i64)
          (i64.add (i64.const 1000)
            (block $d (result i64)
              (i64.add (i64.const 100)
                (block $e (result i64)
                  {P}
                  (br_table $c $d $e (i64.const 7) (i32.and (local.get $y) (i32.const 3))))))))))
      ;; A loop whose back edge is taken from deep inside it.
      (local.set $i (i32.const 0))
      (local.set $s (i64.const 0))
      (loop $l
        (block $body
          {P}
          (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 10)))
          (br $body)))
      (local.set $a (i64.add (local.get $a) (local.get $s)))
      ;; A loop with a parameter, carried by its back edge.
      (local.set $a (i64.add (local.get $a) (i64.const 0)
        (loop $count (param i64) (result i64)
          (i64.add (i64.const 3))
          (local.set $s)
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (block $again (result i64)
            {P}
            (br_if $count (local.get $s) (local.get $i))
            (br $again (local.get $s))))))
      ;; if/else with results, one arm branching from deep.
      (local.set $a (i64.add (local.get $a)
        (if (result i64) (i32.gt_u (local.get $y) (i32.const 5))
          (then {P} (br 0 (i64.const 11)))
          (else (i64.const 22)))))
      ;; Calls of every kind, and several results.
      (local.set $a (i64.add (local.get $a) (call $add (local.get $a) (i64.const 5))))
      (local.set $a (i64.add (local.get $a)
        (call_indirect (type $bin) (local.get $a) (i64.const 1) (i32.and (local.get $y) (i32.const 1)))))
      (local.set $a (i64.add (local.get $a) (call_ref $bin (local.get $a) (i64.const 2) (ref.func $mul3))))
      (call $pair (local.get $y))
      (local.set $b (i32.add (local.get $b)))
      (local.set $a (i64.add (local.get $a)))
      (local.set $a (i64.add (local.get $a) (call $tail (i64.const 100) (i64.const 0))))
      ;; An exception from a callee, caught by a handler far below.
      (local.get $a)
      (block $caught (result i64 i32)
        (try_table (catch $t $caught)
          {P}
          (call $thrower (local.get $a))
          (unreachable))
        (unreachable))
      (local.set $b (i32.add (local.get $b)))
      (local.set $a (i64.add))
      ;; One thrown right here.
      (local.get $a)
      (block $caught2 (result i64 i32)
        (try_table (catch $t $caught2)
          {P}
          (throw $t (i64.const 5) (i32.const 6)))
        (unreachable))
      (local.set $b (i32.add (local.get $b)))
      (local.set $a (i64.add))
      ;; Memory, a global, select.
      (i64.store (i32.const 64) (local.get $a))
      (global.set $g (i64.load (i32.const 64)))
      (local.set $a (i64.add (global.get $g) (i64.const 1)))
      (local.set $b (select (local.get $b) (i32.const 77) (local.get $y)))
      (local.set $a (i64.add (local.get $a) (i64.trunc_f64_s (local.get $f))))
      (local.set $b (i32.add (local.get $b) (i32x4.extract_lane 2 (local.get $v))))
      ;; A return from deep inside, of two values.
      (if (i32.eq (local.get $y) (i32.const 3))
        (then {P} (return (local.get $a) (local.get $b))))
      (br $top (local.get $a) (local.get $b))))
)
"#;

fn instantiate(wat: &str) -> (Store<()>, Instance) {
    instantiate_with(wat, None)
}

/// With `window_cells`, every frame whose stack passes that many cells
/// shifts its window (`Config::frame_window_cells`): the large-frame path
/// on small programs.
fn instantiate_with(wat: &str, window_cells: Option<u32>) -> (Store<()>, Instance) {
    let mut config = Config::new();
    config.frame_window_cells(window_cells);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

fn run(store: &mut Store<()>, instance: &Instance, x: i64, y: i32) -> (i64, i32) {
    let f = instance.get_typed_func::<(i64, i32), (i64, i32)>(&mut *store, "run").unwrap();
    f.call(&mut *store, (x, y)).unwrap()
}

#[test]
fn deep_operand_stacks_run_as_shallow_ones() {
    let (mut store, shallow) = instantiate(&PROGRAM.replace("{P}", ""));
    let expected: Vec<_> = (0..8).map(|y| run(&mut store, &shallow, 1 << 33, y)).collect();
    // Padding of 1, and of enough values that the stack crosses several
    // windows (the largest `{P}` about 75000 cells, beyond one window by itself; nested ones add up).
    for count in [1, 20_000, 60_000] {
        let (mut store, deep) = instantiate(&PROGRAM.replace("{P}", &padding(count)));
        for y in 0..8 {
            assert_eq!(run(&mut store, &deep, 1 << 33, y), expected[y as usize], "padding {count}, y = {y}");
        }
    }
}

#[test]
fn windows_shifted_at_every_depth_change_the_same_program() {
    let program = PROGRAM.replace("{P}", "");
    let (mut store, base) = instantiate(&program);
    for cells in [0, 1, 2, 3, 5, 8] {
        let (mut shifted_store, shifted) = instantiate_with(&program, Some(cells));
        for y in 0..8 {
            let expected = run(&mut store, &base, -77, y);
            assert_eq!(run(&mut shifted_store, &shifted, -77, y), expected, "windows past {cells} cells, y = {y}");
        }
    }
}

/// A constant pushed before a block outlives the block's end, which one
/// path reaches after the window moved (deep code) and another without
/// (the branch): it must be read right on both. (A first version copied
/// such constants into their temporaries when the window moved, which the
/// branch skipped; found by the wasm-smith differential.)
#[test]
fn a_constant_outlives_a_label_reached_in_two_windows() {
    let wat = r#"(module (func (export "f") (param i32) (result i64)
        (i64.const 0x123456789)
        (block
          (br_if 0 (local.get 0))
          (drop (i64.add (i64.add (i64.const 1) (i64.const 2)) (i64.const 3))))))"#;
    for cells in [None, Some(1), Some(2)] {
        let (mut store, instance) = instantiate_with(wat, cells);
        let f = instance.get_typed_func::<i32, i64>(&mut store, "f").unwrap();
        assert_eq!(f.call(&mut store, 1).unwrap(), 0x123456789, "windows past {cells:?} cells, branch taken");
        assert_eq!(f.call(&mut store, 0).unwrap(), 0x123456789, "windows past {cells:?} cells, no branch");
    }
}

/// The operand stack of `(i32.const 1) … (i32.const 70000)` then 69999
/// `i32.add`s: 70000 values live at once.
#[test]
fn a_seventy_thousand_value_stack() {
    let n = 70_000u32;
    let mut wat = String::from("(module (func (export \"sum\") (param $x i32) (result i32)");
    for k in 1..=n {
        wat.push_str(&format!("(i32.add (local.get $x) (i32.const {k}))"));
    }
    for _ in 1..n {
        wat.push_str("i32.add ");
    }
    wat.push_str("))");
    let (mut store, instance) = instantiate(&wat);
    let sum = instance.get_typed_func::<i32, i32>(&mut store, "sum").unwrap();
    let expected = (1..=n).fold(0u32, |acc, k| acc.wrapping_add(k).wrapping_add(5)) as i32;
    assert_eq!(sum.call(&mut store, 5).unwrap(), expected);
}

/// 40000 `v128` locals take 80000 cells: even the first local is out of
/// the window of the operand stack, from the function's first instruction.
#[test]
fn forty_thousand_v128_locals() {
    let mut wat = String::from("(module (func (export \"lanes\") (param $k i32) (result i32) (local");
    wat.push_str(&" v128".repeat(40_000));
    wat.push(')');
    // Locals 1, 20001 and 40000 (0 is the parameter).
    for (local, add) in [(1, 1), (20_001, 2), (40_000, 3)] {
        wat.push_str(&format!(
            "(local.set {local} (i32x4.add (i32x4.splat (local.get $k)) (v128.const i32x4 {add} 0 0 {add})))"
        ));
    }
    wat.push_str(
        "(i32.add (i32.add (i32x4.extract_lane 0 (local.get 1)) (i32x4.extract_lane 3 (local.get 20001)))
                  (i32.add (i32x4.extract_lane 1 (local.get 40000)) (i32x4.extract_lane 2 (local.get 39999))))))",
    );
    let (mut store, instance) = instantiate(&wat);
    let lanes = instance.get_typed_func::<i32, i32>(&mut store, "lanes").unwrap();
    // (k + 1) + (k + 2) + k + 0 (local 39999 was never set).
    assert_eq!(lanes.call(&mut store, 10).unwrap(), 33);
}

/// 20000 distinct 64-bit constants: more than a frame reserves slots for,
/// so they are copied into temporaries. The same count of one repeated
/// value gets slots, counted by value.
#[test]
fn more_distinct_constants_than_slots() {
    let values: Vec<u64> = (0..20_000u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (i << 40)).collect();
    for distinct in [true, false] {
        let mut wat = String::from("(module (func (export \"sum\") (result i64) (i64.const 0)");
        for v in &values {
            let v = if distinct { *v } else { values[7] };
            wat.push_str(&format!("(i64.add (i64.const {}))", v as i64));
        }
        wat.push_str(") )");
        let (mut store, instance) = instantiate(&wat);
        let sum = instance.get_typed_func::<(), i64>(&mut store, "sum").unwrap();
        let expected = values.iter().fold(0u64, |acc, v| acc.wrapping_add(if distinct { *v } else { values[7] }));
        assert_eq!(sum.call(&mut store, ()).unwrap() as u64, expected, "distinct: {distinct}");
    }
}

/// 70000 `(drop (i32.const 1))` and a million nested `if`s, as the
/// validator accepts them.
#[test]
fn many_constants_and_deep_nesting() {
    let wat =
        format!("(module (func (export \"f\") (result i32) {} (i32.const 3)))", "(drop (i32.const 1))".repeat(70_000));
    let (mut store, instance) = instantiate(&wat);
    let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 3);

    let depth = 100_000;
    let wat = format!(
        "(module (func (export \"f\") (param i32) (result i32) (local i32) {} (local.set 1 (i32.const 9)) {} (local.get 1)))",
        "(if (local.get 0) (then ".repeat(depth),
        "))".repeat(depth)
    );
    let (mut store, instance) = instantiate(&wat);
    let f = instance.get_typed_func::<i32, i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, 1).unwrap(), 9);
    assert_eq!(f.call(&mut store, 0).unwrap(), 0);
}

/// Values carried through the host API as well: `Func::call` into a large
/// frame and back.
#[test]
fn dynamic_calls_into_a_large_frame() {
    let (mut store, instance) = instantiate(&PROGRAM.replace("{P}", &padding(30_000)));
    let (mut store0, instance0) = instantiate(&PROGRAM.replace("{P}", ""));
    let f = instance.get_func(&mut store, "run").unwrap();
    let f0 = instance0.get_func(&mut store0, "run").unwrap();
    let mut out = [Val::I64(0), Val::I32(0)];
    let mut out0 = [Val::I64(0), Val::I32(0)];
    f.call(&mut store, &[Val::I64(-5), Val::I32(3)], &mut out).unwrap();
    f0.call(&mut store0, &[Val::I64(-5), Val::I32(3)], &mut out0).unwrap();
    assert_eq!(format!("{out:?}"), format!("{out0:?}"));
}
