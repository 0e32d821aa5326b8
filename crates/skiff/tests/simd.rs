//! `v128` through the embedding API (host functions, `TypedFunc`, `Func::call`,
//! globals, exceptions) and through every way wasm moves values (calls,
//! returns, blocks, branches, `br_table`, `select`, tail calls, locals mixed
//! with scalars), in both compilation modes that translate.

use skiff::{
    CompilationMode, Config, Engine, ExnRef, Func, FuncType, Global, GlobalType, Instance, Linker, Module, Mutability,
    Store, Tag, TagType, V128, Val, ValType,
};

const A: u128 = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100;
const B: u128 = 0x1111_2222_3333_4444_5555_6666_7777_8888;

fn engines() -> Vec<Engine> {
    [CompilationMode::Eager, CompilationMode::LazyTranslation]
        .into_iter()
        .map(|mode| {
            let mut config = Config::new();
            config.compilation_mode(mode).wasm_tail_call(true);
            Engine::new(&config).unwrap()
        })
        .collect()
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, &module).unwrap();
    (store, instance)
}

/// Lane-wise i32 addition, as the reference for the wasm results below.
fn i32x4_add(a: u128, b: u128) -> u128 {
    (0..4).fold(0, |acc, i| {
        let lane = ((a >> (32 * i)) as u32).wrapping_add((b >> (32 * i)) as u32);
        acc | u128::from(lane) << (32 * i)
    })
}

const FLOW: &str = r#"(module
  (type $vv (func (param v128) (result v128)))
  (table 2 funcref)
  (elem (i32.const 0) $id $swap_halves)
  (func $id (param v128) (result v128) (local.get 0))
  (func $swap_halves (param v128) (result v128)
    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get 0) (local.get 0)))
  ;; A scalar between two vectors, and vectors between scalars: every
  ;; argument and result must land in its own cells.
  (func $mixed (export "mixed") (param $a v128) (param $k i32) (param $b v128) (param $z i64)
      (result i64 v128 i32)
    (local $t v128) (local $u i32)
    (local.set $u (i32.add (local.get $k) (i32.const 1)))
    (local.set $t (i32x4.add (local.get $a) (local.get $b)))
    (local.get $z) (local.get $t) (local.get $u))
  ;; Calls to wasm functions, direct and through the table.
  (func (export "call") (param v128) (result v128)
    (call_indirect (type $vv) (call $id (local.get 0)) (i32.const 1)))
  ;; A block with v128 parameters and results, and a branch out of it
  ;; carrying a vector above a scalar.
  (func (export "block") (param $x v128) (param $c i32) (result v128 i32)
    (local.get $x)
    (local.get $c)
    (block (param v128 i32) (result v128 i32)
      (br_if 0 (local.get $c))
      (drop)
      (drop)
      (i32x4.add (local.get $x) (local.get $x))
      (i32.const 99)))
  ;; `br_table` to three labels carrying a vector.
  (func (export "br_table") (param $x v128) (param $i i32) (result v128)
    (block $b2 (result v128)
      (block $b1 (result v128)
        (block $b0 (result v128)
          (br_table $b0 $b1 $b2 (local.get $x) (local.get $i)))
        (return (call $swap_halves)))
      (return (i32x4.add (local.get $x))))
    (drop)
    (v128.const i64x2 -1 -1))
  ;; A loop whose parameter is a vector.
  (func (export "loop") (param $x v128) (param $n i32) (result v128)
    (local.get $x)
    (loop $l (param v128) (result v128)
      (i32x4.add (v128.const i32x4 1 1 1 1))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))))
  ;; `select`, typed and untyped, and `if` with a vector result.
  (func (export "select") (param $a v128) (param $b v128) (param $c i32) (result v128 v128 v128)
    (select (local.get $a) (local.get $b) (local.get $c))
    (select (result v128) (local.get $b) (local.get $a) (local.get $c))
    (if (result v128) (local.get $c) (then (local.get $a)) (else (local.get $b))))
  ;; `local.tee` of a vector keeps both the local and the operand.
  (func (export "tee") (param $a v128) (result v128)
    (local $t v128)
    (i32x4.add (local.tee $t (local.get $a)) (local.get $t)))
  ;; Tail calls pass vectors too.
  (func $countdown (param $v v128) (param $n i32) (result v128)
    (if (result v128) (i32.eqz (local.get $n))
      (then (local.get $v))
      (else (return_call $countdown
        (i32x4.add (local.get $v) (v128.const i32x4 1 0 0 0))
        (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "tail") (param v128 i32) (result v128)
    (return_call $countdown (local.get 0) (local.get 1))))"#;

fn v(bits: u128) -> Val {
    Val::V128(V128::from(bits))
}

fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> Vec<Val> {
    let func = instance.get_func(&mut *store, name).unwrap();
    let mut results: Vec<Val> =
        func.ty(&*store).results().map(|t| Val::default_for_ty(&t).unwrap_or(Val::I32(0))).collect();
    func.call(&mut *store, args, &mut results).unwrap();
    results
}

fn bits(value: &Val) -> u128 {
    value.unwrap_v128().as_u128()
}

#[test]
fn vectors_move_through_calls_blocks_and_branches() {
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, FLOW);
        let r = call(&mut store, &instance, "mixed", &[v(A), Val::I32(41), v(B), Val::I64(-5)]);
        assert_eq!((r[0].unwrap_i64(), bits(&r[1]), r[2].unwrap_i32()), (-5, i32x4_add(A, B), 42));

        let swapped = A.rotate_left(64);
        assert_eq!(bits(&call(&mut store, &instance, "call", &[v(A)])[0]), swapped);

        let r = call(&mut store, &instance, "block", &[v(A), Val::I32(1)]);
        assert_eq!((bits(&r[0]), r[1].unwrap_i32()), (A, 1));
        let r = call(&mut store, &instance, "block", &[v(A), Val::I32(0)]);
        assert_eq!((bits(&r[0]), r[1].unwrap_i32()), (i32x4_add(A, A), 99));

        let expected = [swapped, i32x4_add(A, A), u128::MAX, u128::MAX];
        for (i, want) in expected.into_iter().enumerate() {
            let r = call(&mut store, &instance, "br_table", &[v(A), Val::I32(i as i32)]);
            assert_eq!(bits(&r[0]), want, "br_table index {i}");
        }

        let r = call(&mut store, &instance, "loop", &[v(A), Val::I32(3)]);
        assert_eq!(bits(&r[0]), i32x4_add(A, 0x3_0000_0003_0000_0003_0000_0003));

        for c in [0, 1] {
            let r = call(&mut store, &instance, "select", &[v(A), v(B), Val::I32(c)]);
            let (first, second) = if c != 0 { (A, B) } else { (B, A) };
            assert_eq!((bits(&r[0]), bits(&r[1]), bits(&r[2])), (first, second, first));
        }

        assert_eq!(bits(&call(&mut store, &instance, "tee", &[v(A)])[0]), i32x4_add(A, A));
        assert_eq!(bits(&call(&mut store, &instance, "tail", &[v(A), Val::I32(100_000)])[0]), A + 100_000);
    }
}

#[test]
fn typed_funcs_take_and_return_vectors() {
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, FLOW);
        let mixed = instance.get_typed_func::<(V128, i32, V128, i64), (i64, V128, i32)>(&mut store, "mixed").unwrap();
        let (z, t, u) = mixed.call(&mut store, (A.into(), 1, B.into(), 7)).unwrap();
        assert_eq!((z, t.as_u128(), u), (7, i32x4_add(A, B), 2));
        let tail = instance.get_typed_func::<(V128, i32), V128>(&mut store, "tail").unwrap();
        assert_eq!(tail.call(&mut store, (V128::from(5u128), 10)).unwrap().as_u128(), 15);
        assert!(instance.get_typed_func::<(i64, i64), V128>(&mut store, "call").is_err());
    }
}

#[test]
fn host_functions_take_and_return_vectors() {
    let wat = r#"(module
      (import "host" "wrap" (func $wrap (param i32 v128 f64) (result v128 i32)))
      (import "host" "dyn" (func $dyn (param v128) (result v128)))
      (func (export "run") (param v128) (result v128 i32)
        (call $wrap (i32.const 3) (call $dyn (local.get 0)) (f64.const 0.5)))
      ;; A host function as a tail callee.
      (func (export "tail") (param v128) (result v128)
        (return_call $dyn (local.get 0))))"#;
    for engine in engines() {
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "wrap", |k: i32, x: V128, f: f64| -> (V128, i32) {
                (V128::from(x.as_u128() ^ u128::from(k as u32)), (f * 10.0) as i32)
            })
            .unwrap();
        let ty = FuncType::new(&engine, [ValType::V128], [ValType::V128]);
        linker
            .func_new("host", "dyn", ty, |_, args, results| {
                results[0] = Val::V128(V128::from(args[0].unwrap_v128().as_u128().rotate_left(8)));
                Ok(())
            })
            .unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance.get_typed_func::<V128, (V128, i32)>(&mut store, "run").unwrap();
        let (x, n) = run.call(&mut store, A.into()).unwrap();
        assert_eq!((x.as_u128(), n), (A.rotate_left(8) ^ 3, 5));
        let tail = instance.get_typed_func::<V128, V128>(&mut store, "tail").unwrap();
        assert_eq!(tail.call(&mut store, B.into()).unwrap().as_u128(), B.rotate_left(8));
    }
}

#[test]
fn v128_globals_from_wasm_and_the_host() {
    let wat = r#"(module
      (import "env" "g" (global $imported v128))
      (global $copy v128 (global.get $imported))
      (global $var (export "var") (mut v128) (v128.const i32x4 1 2 3 4))
      (func (export "bump") (result v128)
        (global.set $var (i32x4.add (global.get $var) (global.get $copy)))
        (global.get $var)))"#;
    for engine in engines() {
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let imported = Global::new(&mut store, GlobalType::new(ValType::V128, Mutability::Const), v(B)).unwrap();
        assert_eq!(bits(&imported.get(&store)), B);
        let mut linker = Linker::new(&engine);
        linker.define(&store, "env", "g", imported).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let var = instance.get_global(&mut store, "var").unwrap();
        let start = 0x4_0000_0003_0000_0002_0000_0001;
        assert_eq!(bits(&var.get(&store)), start);
        let bump = instance.get_typed_func::<(), V128>(&mut store, "bump").unwrap();
        assert_eq!(bump.call(&mut store, ()).unwrap().as_u128(), i32x4_add(start, B));
        var.set(&mut store, v(A)).unwrap();
        assert_eq!(bump.call(&mut store, ()).unwrap().as_u128(), i32x4_add(A, B));
        assert!(var.set(&mut store, Val::I64(1)).is_err());
    }
}

#[test]
fn exceptions_carry_vectors() {
    let wat = r#"(module
      (import "env" "tag" (tag $t (param i32 v128 i64)))
      (func (export "throw") (param v128)
        (throw $t (i32.const 1) (local.get 0) (i64.const 2)))
      (func (export "catch") (param v128) (result i32 v128 i64)
        (block $h (result i32 v128 i64)
          (try_table (catch $t $h)
            (throw $t (i32.const 3) (local.get 0) (i64.const 4)))
          (unreachable))))"#;
    for engine in engines() {
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let tag_ty = TagType::new(FuncType::new(&engine, [ValType::I32, ValType::V128, ValType::I64], []));
        let tag = Tag::new(&mut store, &tag_ty).unwrap();
        let mut linker = Linker::new(&engine);
        linker.define(&store, "env", "tag", tag).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let r = call(&mut store, &instance, "catch", &[v(A)]);
        assert_eq!((r[0].unwrap_i32(), bits(&r[1]), r[2].unwrap_i64()), (3, A, 4));

        let throw = instance.get_func(&mut store, "throw").unwrap();
        assert!(throw.call(&mut store, &[v(B)], &mut []).is_err());
        let exn: ExnRef = store.take_pending_exception().unwrap();
        let fields: Vec<Val> = exn.fields(&store).unwrap().collect();
        assert_eq!((fields[0].unwrap_i32(), bits(&fields[1]), fields[2].unwrap_i64()), (1, B, 2));

        let made = ExnRef::new(&mut store, &tag, &[Val::I32(5), v(A), Val::I64(6)]).unwrap();
        assert_eq!(bits(&made.field(&store, 1).unwrap()), A);
        assert_eq!(made.field(&store, 2).unwrap().unwrap_i64(), 6);
    }
}

#[test]
fn memory_accesses_trap_at_the_bounds() {
    let wat = r#"(module
      (memory 1)
      (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))
      (func (export "store") (param i32 v128) (v128.store (local.get 0) (local.get 1)))
      (func (export "lane") (param i32 v128) (result v128)
        (v128.load64_lane offset=0x10000 1 (local.get 0) (local.get 1))))"#;
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, wat);
        let store_fn = instance.get_typed_func::<(i32, V128), ()>(&mut store, "store").unwrap();
        let load = instance.get_typed_func::<i32, V128>(&mut store, "load").unwrap();
        store_fn.call(&mut store, (65536 - 16, A.into())).unwrap();
        assert_eq!(load.call(&mut store, 65536 - 16).unwrap().as_u128(), A);
        for addr in [65536 - 15, 65536, -1] {
            let error = load.call(&mut store, addr).unwrap_err();
            assert!(format!("{error:#}").contains("out of bounds memory access"), "{error:#}");
            assert!(store_fn.call(&mut store, (addr, B.into())).is_err());
        }
        // A lane load whose offset does not fit 16 bits.
        let lane = instance.get_typed_func::<(i32, V128), V128>(&mut store, "lane").unwrap();
        assert!(lane.call(&mut store, (0, B.into())).is_err());
    }
}

#[test]
fn lane_loads_with_large_offsets_keep_the_other_lanes() {
    let wat = r#"(module
      (memory 2)
      (data (i32.const 0x10008) "\01\02\03\04\05\06\07\08")
      (func (export "lane") (param i32 v128) (result v128)
        (v128.load64_lane offset=0x10000 1 (local.get 0) (local.get 1))))"#;
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, wat);
        let lane = instance.get_typed_func::<(i32, V128), V128>(&mut store, "lane").unwrap();
        let r = lane.call(&mut store, (8, B.into())).unwrap().as_u128();
        assert_eq!(r, (B & u128::from(u64::MAX)) | u128::from(0x0807_0605_0403_0201u64) << 64);
    }
}

#[test]
fn host_function_types_with_vectors_check_their_values() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new(&engine, [ValType::V128], [ValType::V128]);
    let bad = Func::new(&mut store, ty, |_, _, results| {
        results[0] = Val::I32(1);
        Ok(())
    });
    let mut results = [Val::I32(0)];
    let error = bad.call(&mut store, &[v(A)], &mut results).unwrap_err();
    assert!(format!("{error:#}").contains("v128"), "{error:#}");
    assert!(bad.call(&mut store, &[Val::I32(0)], &mut results).is_err());
}

/// The bits of four f32 lanes.
fn f32x4(lanes: [f32; 4]) -> u128 {
    lanes.iter().enumerate().fold(0, |acc, (i, x)| acc | u128::from(x.to_bits()) << (32 * i))
}

fn f32_lanes(v: u128) -> [f32; 4] {
    std::array::from_fn(|i| f32::from_bits((v >> (32 * i)) as u32))
}

#[test]
fn fused_multiply_add_rounds_as_the_two_instructions_do() {
    // `fused` becomes one `F32x4RelaxedMadd`, `fused_left` too (product on
    // the left); `kept` stays a multiply and an add (the product is also
    // stored), so they must agree lane by lane, NaN payloads aside.
    let wat = r#"(module
      (func (export "fused") (param v128 v128 v128) (result v128)
        (f32x4.add (local.get 2) (f32x4.mul (local.get 0) (local.get 1))))
      (func (export "fused_left") (param v128 v128 v128) (result v128)
        (f32x4.add (f32x4.mul (local.get 0) (local.get 1)) (local.get 2)))
      (func (export "kept") (param v128 v128 v128) (result v128) (local v128)
        (f32x4.add (local.get 2) (local.tee 3 (f32x4.mul (local.get 0) (local.get 1))))))"#;
    let values = [
        0.0,
        -0.0,
        1.0,
        -1.5,
        1.0 + f32::EPSILON,
        1.0 - f32::EPSILON / 2.0,
        3.0e38,
        -3.0e38,
        1.0e-38,
        f32::MIN_POSITIVE / 3.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ];
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, wat);
        let funcs = ["fused", "fused_left", "kept"]
            .map(|name| instance.get_typed_func::<(V128, V128, V128), V128>(&mut store, name).unwrap());
        for (i, &x) in values.iter().enumerate() {
            let a = f32x4([x, values[(i + 1) % values.len()], -x, 2.0]);
            for &y in &values {
                let b = f32x4([y, y, values[(i + 3) % values.len()], 0.5]);
                let c = f32x4([1.0, -y, x, y]);
                let results = funcs
                    .each_ref()
                    .map(|f| f32_lanes(f.call(&mut store, (a.into(), b.into(), c.into())).unwrap().as_u128()));
                let (la, lb, lc) = (f32_lanes(a), f32_lanes(b), f32_lanes(c));
                for lane in 0..4 {
                    let expected = la[lane] * lb[lane] + lc[lane];
                    for (name, result) in ["fused", "fused_left", "kept"].iter().zip(&results) {
                        let got = result[lane];
                        assert!(
                            got.to_bits() == expected.to_bits() || (got.is_nan() && expected.is_nan()),
                            "{name}: lane {lane} of {a:#x} * {b:#x} + {c:#x}: {got} (expected {expected})"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn fused_load_address_wraps_at_32_bits() {
    // `V128LoadAddImm`: base + 32 computed in 32 bits, as `i32.add` does,
    // so 0xffff_fff0 + 32 is address 16, not a trap.
    let wat = r#"(module
      (memory 1)
      (data (i32.const 16) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
      (func (export "load") (param i32) (result v128)
        (v128.load (i32.add (local.get 0) (i32.const 32)))))"#;
    for engine in engines() {
        let (mut store, instance) = instantiate(&engine, wat);
        let load = instance.get_typed_func::<i32, V128>(&mut store, "load").unwrap();
        let expected = u128::from_le_bytes(std::array::from_fn(|i| i as u8 + 1));
        assert_eq!(load.call(&mut store, -16).unwrap().as_u128(), expected);
        assert_eq!(load.call(&mut store, -32).unwrap().as_u128() & 0xffff_ffff, 0);
        let trap = load.call(&mut store, 65536 - 40).unwrap_err();
        assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    }
}

#[test]
fn v128_accumulator_forms_agree_with_frame_forms() {
    // The same chain twice: `fused` feeds every result straight to the next
    // operator (the `…Acc` forms and `V128StoreAcc`), `split` has an
    // unrelated instruction after every step, which makes each operator
    // read its operands from the frame. Integer chains must agree bit for
    // bit; the float inputs below are never NaN.
    let steps = [
        "(local.set $t (i32x4.add (local.get $x) (local.get $y)))",
        "(local.set $t (i32x4.sub (local.get $t) (local.get $y)))",
        "(local.set $t (i32x4.sub (local.get $y) (local.get $t)))",
        "(local.set $t (i32x4.mul (local.get $x) (local.get $t)))",
        "(local.set $t (i16x8.sub (local.get $t) (local.get $x)))",
        "(local.set $t (i8x16.eq (local.get $y) (local.get $t)))",
        "(local.set $t (v128.xor (local.get $t) (local.get $x)))",
        "(local.set $t (f32x4.sub (local.get $y) (f32x4.mul (local.get $x) (local.get $x))))",
        "(local.set $t (f32x4.relaxed_madd (local.get $t) (local.get $x) (local.get $y)))",
        "(local.set $t (f64x2.add (f64x2.mul (local.get $y) (local.get $t)) (local.get $x)))",
        "(v128.store (i32.const 64) (f64x2.sub (local.get $t) (local.get $y)))",
    ];
    let body = |separator: &str| steps.iter().map(|step| format!("{step} {separator}")).collect::<String>();
    let wat = format!(
        r#"(module
          (memory 1)
          (global $g (mut i32) (i32.const 0))
          (func (export "fused") (param $x v128) (param $y v128) (result v128) (local $t v128)
            {} (v128.load (i32.const 64)))
          (func (export "split") (param $x v128) (param $y v128) (result v128) (local $t v128)
            {} (v128.load (i32.const 64))))"#,
        body(""),
        body("(global.set $g (i32.const 1))"),
    );
    let floats =
        |lanes: [f32; 4]| lanes.iter().enumerate().fold(0u128, |v, (i, x)| v | u128::from(x.to_bits()) << (32 * i));
    let inputs = [
        (A, B),
        (B, A),
        (floats([1.5, -2.25, 1e10, 3.0]), floats([0.5, 4.0, -1e-3, 7.0])),
        (floats([-0.0, 0.0, 2.0, -8.0]), floats([1.0, 1.0, 1.0, 1.0])),
    ];
    for engine in engines() {
        let module = Module::new(&engine, &wat).unwrap();
        let fused_code = module.disassemble(0).unwrap();
        assert!(fused_code.contains("SubAcc") && fused_code.contains("V128StoreAcc"), "{fused_code}");
        assert!(!module.disassemble(1).unwrap().contains("Acc("), "{}", module.disassemble(1).unwrap());
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let fused = instance.get_typed_func::<(V128, V128), V128>(&mut store, "fused").unwrap();
        let split = instance.get_typed_func::<(V128, V128), V128>(&mut store, "split").unwrap();
        for (x, y) in inputs {
            let a = fused.call(&mut store, (x.into(), y.into())).unwrap().as_u128();
            let b = split.call(&mut store, (x.into(), y.into())).unwrap().as_u128();
            assert_eq!(a, b, "{x:#x}, {y:#x}");
        }
    }
}
