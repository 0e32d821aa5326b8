//! The translator folds comparisons into branches and passes results through
//! the accumulator; these cases check that no fold loses a value the program
//! can still observe. Each function returns the local a comparison wrote
//! with `local.tee` right before a branch on it (LLVM emits this shape in
//! musl's `strtod` and `printf`).

use skiff::{Engine, Instance, Module, Store};

const WAT: &str = r#"(module
  ;; eq; tee; br_if
  (func (export "tee_br_if") (param i32) (result i32) (local i32)
    (block (br_if 0 (local.tee 1 (i32.eq (local.get 0) (i32.const 46)))))
    (local.get 1))
  ;; eq; tee; if
  (func (export "tee_if") (param i32) (result i32) (local i32)
    (if (local.tee 1 (i32.eq (local.get 0) (i32.const 46))) (then nop))
    (local.get 1))
  ;; lt_s; tee; eqz; br_if: the comparison behind an eqz
  (func (export "tee_eqz_br_if") (param i32) (result i32) (local i32)
    (block (br_if 0 (i32.eqz (local.tee 1 (i32.lt_s (local.get 0) (i32.const 10))))))
    (local.get 1))
  ;; lt_s; eqz; tee; br_if: the eqz's own result kept
  (func (export "eqz_tee_br_if") (param i32) (result i32) (local i32)
    (block (br_if 0 (local.tee 1 (i32.eqz (i32.lt_s (local.get 0) (i32.const 10))))))
    (local.get 1))
  ;; eqz of a parameter; tee; br_if
  (func (export "eqz_param_tee_br_if") (param i32) (result i32) (local i32)
    (block (br_if 0 (local.tee 1 (i32.eqz (local.get 0)))))
    (local.get 1))
  ;; and; br_if, and; eqz; br_if: fused into a test-and-branch
  (func (export "and_br_if") (param i32) (result i32)
    (block (br_if 0 (i32.and (local.get 0) (i32.const 0x10))) (return (i32.const 0)))
    (i32.const 1))
  (func (export "and_eqz_br_if") (param i32) (result i32)
    (block (br_if 0 (i32.eqz (i32.and (local.get 0) (i32.const 0x10)))) (return (i32.const 0)))
    (i32.const 1))
  ;; the and's result kept in a local must survive the fusion
  (func (export "and_tee_br_if") (param i32) (result i32) (local i32)
    (block (br_if 0 (local.tee 1 (i32.and (local.get 0) (i32.const 0x30)))))
    (local.get 1))
  ;; only the low 32 bits count, whatever sits above them in the cell
  (func (export "and_of_wrapped") (param i32) (result i32)
    (block (br_if 0 (i32.and (i32.wrap_i64 (i64.shl (i64.extend_i32_u (local.get 0)) (i64.const 32)))
                             (i32.const -1)))
           (return (i32.const 0)))
    (i32.const 1))
  ;; base + (index << k) feeding a load becomes one scaled load
  (memory 1)
  (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13")
  (func (export "scaled_i32") (param i32) (result i32)
    (i32.load (i32.add (i32.const 4) (i32.shl (local.get 0) (i32.const 2)))))
  (func (export "scaled_offset_u8") (param i32) (result i32)
    (i32.load8_u offset=3 (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.const 1))))
  ;; the 32-bit sum wraps before the offset is added
  (func (export "scaled_wraps") (param i32) (result i32)
    (i32.load8_u offset=2 (i32.add (i32.const -4) (i32.shl (local.get 0) (i32.const 1)))))
  ;; shift counts are taken modulo 32
  (func (export "scaled_shift_mod") (param i32) (result i32)
    (i32.load8_u (i32.add (i32.const 1) (i32.shl (local.get 0) (i32.const 33)))))
  ;; out of bounds still traps
  (func (export "scaled_oob") (param i32) (result i32)
    (i32.load (i32.add (i32.const 65532) (i32.shl (local.get 0) (i32.const 2)))))
  ;; a static array (constant base) indexed by a variable
  (func (export "scaled_const_base") (param i32) (result i32)
    (i32.load16_u (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.const 4))))
  ;; the shifted value kept in a local: no fusion, the local must be written
  (func (export "scaled_tee") (param i32) (result i32) (local i32)
    (drop (i32.load8_u (i32.add (i32.const 1) (local.tee 1 (i32.shl (local.get 0) (i32.const 3))))))
    (local.get 1))
  ;; the shifted value added to itself
  (func (export "scaled_twice") (param i32) (result i32) (local i32)
    (i32.load8_u (i32.add (local.tee 1 (i32.shl (local.get 0) (i32.const 1))) (local.get 1))))
  ;; the index from the instruction before the shift (`hash & mask`)
  (func (export "scaled_masked") (param i32) (result i32)
    (i32.load8_u (i32.add (i32.const 2) (i32.shl (i32.and (local.get 0) (i32.const 3)) (i32.const 2)))))
  ;; base + index: shift 0, the 32-bit sum wraps before the offset is added
  (func (export "byte_index") (param i32) (result i32)
    (i32.load8_u offset=4 (i32.add (i32.const -3) (local.get 0))))
  (func (export "byte_index_same") (param i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (local.get 0))))
  ;; base + a just computed index
  (func (export "byte_index_acc") (param i32) (result i32)
    (i32.load8_u (i32.add (i32.const 1) (i32.xor (local.get 0) (i32.const 2)))))
  ;; the and's result kept in a local that is also the base
  (func (export "scaled_masked_tee") (param i32) (result i32) (local i32)
    (i32.load8_u (i32.add (local.tee 1 (i32.and (local.get 0) (i32.const 3)))
                          (i32.shl (local.get 1) (i32.const 1)))))
  ;; base + constant feeding a load becomes one load; the sum wraps at 32 bits
  (func (export "add_imm_load") (param i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (i32.const 5))))
  (func (export "add_imm_load_wraps") (param i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (i32.const -2))))
  ;; with the sum kept in a local, the local must be written
  (func (export "add_imm_load_tee") (param i32) (result i32) (local i32)
    (drop (i32.load8_u (local.tee 1 (i32.add (local.get 0) (i32.const 5)))))
    (local.get 1))
  ;; a counted loop's step and closing branch fuse; the counter is still
  ;; written on every iteration and seen after the loop
  (func (export "count_down") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 3)))
      (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
    (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 1000))))
  (func (export "count_up_to") (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
    (i32.add (local.get 2) (i32.mul (local.get 1) (i32.const 1000))))
  ;; two in-place steps in a row fuse; both locals are written
  (func (export "two_steps") (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 3)))
      (local.set 2 (i32.add (local.get 2) (i32.const -5)))
      (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
    (i32.add (i32.mul (local.get 1) (i32.const 1000)) (local.get 2)))
  ;; an i32 immediate with bit 31 set must leave the cell zero-extended
  ;; (i64.extend_i32_u is free: it trusts the upper half to be zero)
  (func (export "imm_high_bit") (param i32) (result i64)
    (i64.extend_i32_u (i32.xor (local.get 0) (i32.const 0xedb88320))))
  ;; and the branch must still go the right way
  (func (export "tee_br_if_taken") (param i32) (result i32) (local i32)
    (block (br_if 0 (local.tee 1 (i32.eq (local.get 0) (i32.const 46)))) (return (i32.const 100)))
    (i32.add (local.get 1) (i32.const 200))))
"#;

fn call(name: &str, arg: i32) -> i32 {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    instance.get_typed_func::<i32, i32>(&mut store, name).unwrap().call(&mut store, arg).unwrap()
}

#[test]
fn scaled_loads_bounds_check_the_final_address() {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let oob = instance.get_typed_func::<i32, i32>(&mut store, "scaled_oob").unwrap();
    assert_eq!(oob.call(&mut store, 0).unwrap(), 0);
    let err = oob.call(&mut store, 1).unwrap_err();
    assert_eq!(err.downcast_ref::<skiff::Trap>(), Some(&skiff::Trap::MemoryOutOfBounds));
    // -3 + 2 wraps to 0xffff_ffff; the offset 4 then goes past 4 GiB.
    let byte_index = instance.get_typed_func::<i32, i32>(&mut store, "byte_index").unwrap();
    let err = byte_index.call(&mut store, 2).unwrap_err();
    assert_eq!(err.downcast_ref::<skiff::Trap>(), Some(&skiff::Trap::MemoryOutOfBounds));
    let add_imm = instance.get_typed_func::<i32, i32>(&mut store, "add_imm_load").unwrap();
    let err = add_imm.call(&mut store, 65531).unwrap_err();
    assert_eq!(err.downcast_ref::<skiff::Trap>(), Some(&skiff::Trap::MemoryOutOfBounds));
}

#[test]
fn i32_immediates_keep_cells_zero_extended() {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_typed_func::<i32, i64>(&mut store, "imm_high_bit").unwrap();
    assert_eq!(f.call(&mut store, 1).unwrap(), 0xedb8_8321);
    assert_eq!(f.call(&mut store, -1).unwrap(), 0x1247_7cdf);
}

#[test]
fn locals_written_by_tee_survive_branch_fusion() {
    assert_eq!(call("tee_br_if", 46), 1);
    assert_eq!(call("tee_br_if", 7), 0);
    assert_eq!(call("tee_if", 46), 1);
    assert_eq!(call("tee_if", 7), 0);
    assert_eq!(call("tee_eqz_br_if", 3), 1);
    assert_eq!(call("tee_eqz_br_if", 30), 0);
    assert_eq!(call("eqz_tee_br_if", 3), 0);
    assert_eq!(call("eqz_tee_br_if", 30), 1);
    assert_eq!(call("eqz_param_tee_br_if", 0), 1);
    assert_eq!(call("eqz_param_tee_br_if", 5), 0);
    assert_eq!(call("and_br_if", 0x13), 1);
    assert_eq!(call("and_br_if", 0x0f), 0);
    assert_eq!(call("and_eqz_br_if", 0x13), 0);
    assert_eq!(call("and_eqz_br_if", 0x0f), 1);
    assert_eq!(call("and_tee_br_if", 0x17), 0x10);
    assert_eq!(call("and_tee_br_if", 0x0f), 0);
    assert_eq!(call("and_of_wrapped", -1), 0);
    assert_eq!(call("scaled_i32", 1), 0x0b0a0908);
    assert_eq!(call("scaled_offset_u8", 3), 10);
    assert_eq!(call("scaled_wraps", 3), 4);
    assert_eq!(call("scaled_const_base", 2), 0x0908);
    assert_eq!(call("scaled_shift_mod", 5), 11);
    assert_eq!(call("scaled_tee", 2), 16);
    assert_eq!(call("scaled_twice", 3), 12);
    assert_eq!(call("scaled_masked", 7), 14);
    assert_eq!(call("scaled_masked", 5), 6);
    assert_eq!(call("byte_index", 5), 6);
    assert_eq!(call("byte_index_same", 3), 6);
    assert_eq!(call("byte_index_acc", 5), 8);
    assert_eq!(call("scaled_masked_tee", 6), 6);
    assert_eq!(call("scaled_masked_tee", 7), 9);
    assert_eq!(call("add_imm_load", 2), 7);
    assert_eq!(call("add_imm_load_wraps", 5), 3);
    assert_eq!(call("add_imm_load_tee", 1), 6);
    assert_eq!(call("count_down", 4), 12);
    assert_eq!(call("count_down", 1), 3);
    assert_eq!(call("count_up_to", 4), 6 + 4000);
    assert_eq!(call("two_steps", 4), 12_000 - 20);
    assert_eq!(call("tee_br_if_taken", 46), 201);
    assert_eq!(call("tee_br_if_taken", 45), 100);
}

#[test]
fn float_compare_branches_treat_nan_as_unordered() {
    // `br_if (f64.lt a b)` fuses into `BrIfF64Lt`; `br_if (i32.eqz (f64.lt
    // a b))` must not become `f64.ge` (both are false with a NaN), so it
    // stays a comparison and a branch on its negation.
    let wat = r#"(module
      (func (export "lt") (param f64 f64) (result i32)
        (block (br_if 0 (f64.lt (local.get 0) (local.get 1))) (return (i32.const 0)))
        (i32.const 1))
      (func (export "not_lt") (param f64 f64) (result i32)
        (block (br_if 0 (i32.eqz (f64.lt (local.get 0) (local.get 1)))) (return (i32.const 0)))
        (i32.const 1))
      (func (export "le_acc") (param f32 f32) (result i32)
        (block (br_if 0 (f32.le (f32.add (local.get 0) (local.get 0)) (local.get 1))) (return (i32.const 0)))
        (i32.const 1)))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let lt = instance.get_typed_func::<(f64, f64), i32>(&mut store, "lt").unwrap();
    let not_lt = instance.get_typed_func::<(f64, f64), i32>(&mut store, "not_lt").unwrap();
    let le = instance.get_typed_func::<(f32, f32), i32>(&mut store, "le_acc").unwrap();
    for (a, b) in [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0), (f64::NAN, 1.0), (1.0, f64::NAN), (-0.0, 0.0)] {
        assert_eq!(lt.call(&mut store, (a, b)).unwrap(), (a < b) as i32, "{a} < {b}");
        assert_eq!(
            not_lt.call(&mut store, (a, b)).unwrap(),
            i32::from(a.partial_cmp(&b) != Some(std::cmp::Ordering::Less)),
            "!({a} < {b})"
        );
        let (a, b) = (a as f32, b as f32);
        assert_eq!(le.call(&mut store, (a, b)).unwrap(), (a + a <= b) as i32, "{a} + {a} <= {b}");
    }
}

#[test]
fn reinterpretations_hand_values_between_accumulators_through_their_slot() {
    // A reinterpretation emits nothing, but its result is of the other kind,
    // read from the other accumulator register than its producer wrote: the
    // consumer must take it from the slot.
    let wat = r#"(module
      (func (export "i64_to_f64") (param i64 f64) (result f64)
        (f64.add (f64.reinterpret_i64 (i64.add (local.get 0) (i64.const 1))) (local.get 1)))
      (func (export "f64_to_i64") (param f64 i64) (result i64)
        (i64.add (i64.reinterpret_f64 (f64.mul (local.get 0) (f64.const 2))) (local.get 1)))
      (func (export "i32_to_f32") (param i32 f32) (result f32)
        (f32.mul (f32.reinterpret_i32 (i32.or (local.get 0) (i32.const 1))) (local.get 1)))
      (func (export "f32_to_i32") (param f32 i32) (result i32)
        (i32.xor (i32.reinterpret_f32 (f32.add (local.get 0) (local.get 0))) (local.get 1))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let i64_to_f64 = instance.get_typed_func::<(i64, f64), f64>(&mut store, "i64_to_f64").unwrap();
    let bits = 1.5f64.to_bits() as i64 - 1;
    assert_eq!(i64_to_f64.call(&mut store, (bits, 0.25)).unwrap(), 1.75);
    let f64_to_i64 = instance.get_typed_func::<(f64, i64), i64>(&mut store, "f64_to_i64").unwrap();
    assert_eq!(f64_to_i64.call(&mut store, (1.5, 1)).unwrap(), 3.0f64.to_bits() as i64 + 1);
    let i32_to_f32 = instance.get_typed_func::<(i32, f32), f32>(&mut store, "i32_to_f32").unwrap();
    assert_eq!(
        i32_to_f32.call(&mut store, (2.0f32.to_bits() as i32, 3.0)).unwrap(),
        f32::from_bits(2.0f32.to_bits() | 1) * 3.0
    );
    let f32_to_i32 = instance.get_typed_func::<(f32, i32), i32>(&mut store, "f32_to_i32").unwrap();
    assert_eq!(f32_to_i32.call(&mut store, (1.0, 7)).unwrap(), 2.0f32.to_bits() as i32 ^ 7);
}

#[test]
fn stored_results_write_their_width_and_trap_before_writing() {
    // Fused operator-and-store instructions (`ir::Stored`): each writes
    // exactly its result's bytes at `addr + offset`, leaves the neighbours
    // alone, and an out-of-bounds address traps with memory unchanged.
    let wat = r#"(module
      (memory (export "mem") 1)
      (func (export "i32_add") (param i32 i32 i32)
        (i32.store offset=4 (local.get 0) (i32.add (local.get 1) (local.get 2))))
      (func (export "i32_xor_and") (param i32 i32 i32)
        (i32.store (local.get 0) (i32.and (i32.xor (local.get 1) (local.get 2)) (i32.const 0xff00ff))))
      (func (export "i64_add_imm") (param i32 i64)
        (i64.store (local.get 0) (i64.add (local.get 1) (i64.const -2))))
      (func (export "f32_mul") (param i32 f32 f32)
        (f32.store (local.get 0) (f32.mul (local.get 1) (local.get 2))))
      (func (export "f64_sub_acc") (param i32 f64 f64)
        (f64.store (local.get 0) (f64.sub (f64.add (local.get 1) (local.get 2)) (local.get 2)))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "mem").unwrap();
    memory.data_mut(&mut store)[..64].fill(0xaa);
    let bytes = |store: &Store<()>, at: usize, n: usize| memory.data(store)[at..at + n].to_vec();

    let i32_add = instance.get_typed_func::<(i32, i32, i32), ()>(&mut store, "i32_add").unwrap();
    i32_add.call(&mut store, (0, -1, 2)).unwrap();
    assert_eq!(bytes(&store, 0, 12), [0xaa, 0xaa, 0xaa, 0xaa, 1, 0, 0, 0, 0xaa, 0xaa, 0xaa, 0xaa]);
    let i32_xor_and = instance.get_typed_func::<(i32, i32, i32), ()>(&mut store, "i32_xor_and").unwrap();
    i32_xor_and.call(&mut store, (16, 0x1234_5678, -1)).unwrap();
    assert_eq!(bytes(&store, 16, 8), [0x87, 0, 0xcb, 0, 0xaa, 0xaa, 0xaa, 0xaa]);
    let i64_add_imm = instance.get_typed_func::<(i32, i64), ()>(&mut store, "i64_add_imm").unwrap();
    i64_add_imm.call(&mut store, (24, 1)).unwrap();
    assert_eq!(bytes(&store, 24, 9), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xaa]);
    let f32_mul = instance.get_typed_func::<(i32, f32, f32), ()>(&mut store, "f32_mul").unwrap();
    f32_mul.call(&mut store, (40, 1.5, -2.0)).unwrap();
    assert_eq!(bytes(&store, 40, 5), [0, 0, 0x40, 0xc0, 0xaa]);
    let f64_sub_acc = instance.get_typed_func::<(i32, f64, f64), ()>(&mut store, "f64_sub_acc").unwrap();
    f64_sub_acc.call(&mut store, (48, 0.5, 0.25)).unwrap();
    assert_eq!(bytes(&store, 48, 8), 0.5f64.to_le_bytes());

    // The last bytes of the memory: in bounds at 65532, out of bounds one
    // byte further, and then nothing is written.
    i32_add.call(&mut store, (65528, 3, 4)).unwrap();
    assert_eq!(bytes(&store, 65532, 4), [7, 0, 0, 0]);
    let trap = i32_add.call(&mut store, (65529, 5, 5)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    assert_eq!(bytes(&store, 65532, 4), [7, 0, 0, 0]);
    let trap = i64_add_imm.call(&mut store, (65529, 5)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    assert_eq!(bytes(&store, 65528, 8), [0, 0, 0, 0, 7, 0, 0, 0]);
}

#[test]
fn loaded_operands_read_memory_and_trap_out_of_bounds() {
    // Operators fused with the load of their left operand (`ir::Loaded`).
    let wat = r#"(module
      (memory 1)
      (data (i32.const 8) "\00\00\00\00\00\00\f8\3f")  ;; 1.5
      (data (i32.const 16) "\05\00\00\00")
      (func (export "f64_mul") (param i32 f64) (result f64)
        (f64.mul (f64.load (local.get 0)) (local.get 1)))
      (func (export "i32_sub") (param i32 i32) (result i32)
        (i32.sub (i32.load offset=4 (local.get 0)) (local.get 1))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f64_mul = instance.get_typed_func::<(i32, f64), f64>(&mut store, "f64_mul").unwrap();
    assert_eq!(f64_mul.call(&mut store, (8, -3.0)).unwrap(), -4.5);
    let i32_sub = instance.get_typed_func::<(i32, i32), i32>(&mut store, "i32_sub").unwrap();
    assert_eq!(i32_sub.call(&mut store, (12, 7)).unwrap(), -2);
    assert_eq!(i32_sub.call(&mut store, (65528, 1)).unwrap(), -1);
    let trap = i32_sub.call(&mut store, (65529, 1)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    let trap = f64_mul.call(&mut store, (-1, 1.0)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
}

#[test]
fn fused_counter_steps_branch_on_the_new_value() {
    // A counter's `i32.add` of a constant fused with the compare-and-branch
    // on the sum (`ir::StepBranch`, `StepBranchImm`), in bottom-tested loops
    // and in `while` loops whose exit test jump threading copies to the
    // bottom, where a path that skips the step still jumps to the copy.
    let wat = r#"(module
      ;; do { s += i; i += 2 } while (i < n), signed
      (func (export "up_lt_s") (param $n i32) (param $i i32) (result i32) (local $s i32)
        (loop $l
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 2))) (local.get $n))))
        (local.get $s))
      ;; do { s += i } while (--i > 1), unsigned against a constant
      (func (export "down_gt_u") (param $i i32) (result i32) (local $s i32)
        (loop $l
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (br_if $l (i32.gt_u (local.tee $i (i32.add (local.get $i) (i32.const -1))) (i32.const 1))))
        (local.get $s))
      ;; while (i < n) { s += i; if (i & 1) { i += 3; continue } i += 1 }
      (func (export "while_continue") (param $n i32) (result i32) (local $i i32) (local $s i32)
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $s (i32.add (local.get $s) (local.get $i)))
            (if (i32.and (local.get $i) (i32.const 1))
              (then (local.set $i (i32.add (local.get $i) (i32.const 3))) (br $l)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l)))
        (i32.add (i32.mul (local.get $s) (i32.const 1000)) (local.get $i))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let up = instance.get_typed_func::<(i32, i32), i32>(&mut store, "up_lt_s").unwrap();
    let up_model = |n: i32, mut i: i32| {
        let mut s = 0i32;
        loop {
            s = s.wrapping_add(i);
            i = i.wrapping_add(2);
            if i >= n {
                return s;
            }
        }
    };
    // The signed compare sees the wrap past i32::MAX as negative.
    for (n, i) in [(10, 0), (10, 9), (0, 5), (-3, -10), (i32::MIN + 4, i32::MAX - 3)] {
        assert_eq!(up.call(&mut store, (n, i)).unwrap(), up_model(n, i), "up_lt_s({n}, {i})");
    }
    let down = instance.get_typed_func::<i32, i32>(&mut store, "down_gt_u").unwrap();
    let down_model = |mut i: i32| {
        let mut s = 0i32;
        loop {
            s = s.wrapping_add(i);
            i = i.wrapping_sub(1);
            if i as u32 <= 1 {
                return s;
            }
        }
    };
    for i in [5, 2, 1, 3, 1000] {
        assert_eq!(down.call(&mut store, i).unwrap(), down_model(i), "down_gt_u({i})");
    }
    let cont = instance.get_typed_func::<i32, i32>(&mut store, "while_continue").unwrap();
    let cont_model = |n: i32| {
        let (mut i, mut s) = (0u32, 0i32);
        while i < n as u32 {
            s = s.wrapping_add(i as i32);
            i += if i & 1 == 1 { 3 } else { 1 };
        }
        s.wrapping_mul(1000).wrapping_add(i as i32)
    };
    for n in [0, 1, 2, 7, 100] {
        assert_eq!(cont.call(&mut store, n).unwrap(), cont_model(n), "while_continue({n})");
    }
}

#[test]
fn results_left_in_the_accumulator_alone_reach_their_readers() {
    // A result that the next instruction takes from the accumulator is not
    // stored (`dst: acc`). Each function mixes such results with ones that
    // must still be stored: read from a slot later, kept in a local, or
    // read by a fused scaled load as its index.
    let wat = r#"(module
      (memory 1)
      ;; the xor goes through the accumulator only, the mul through its slot
      (func (export "mixed") (param i32) (result i32)
        (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.xor (local.get 0) (i32.const 5))))
      ;; a chain of integer and float results, one of them teed to a local
      (func (export "chain") (param i32) (result i32) (local i32)
        (i32.add
          (i32.trunc_f64_s (f64.mul (f64.convert_i32_s (local.tee 1 (i32.shl (local.get 0) (i32.const 1))))
                                    (f64.const 1.5)))
          (local.get 1)))
      ;; the and's result is the scaled load's index: it must be stored
      (func (export "masked_index") (param i32) (result i32)
        (i32.load (i32.add (i32.const 16) (i32.shl (i32.and (local.get 0) (i32.const 3)) (i32.const 2)))))
      ;; the sum only in the accumulator, then the division traps on it
      (func (export "div_by") (param i32) (result i32)
        (i32.div_u (i32.add (local.get 0) (i32.const 100)) (i32.sub (local.get 0) (i32.const 7))))
      ;; the same temporary, reused every iteration
      (func (export "sum_of_squares") (param $n i32) (result i32) (local $s i32)
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $s (i32.add (local.get $s)
              (i32.mul (i32.add (local.get $n) (i32.const 1)) (i32.add (local.get $n) (i32.const 1)))))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l)))
        (local.get $s))
      (data (i32.const 16) "\0a\00\00\00\14\00\00\00\1e\00\00\00\28\00\00\00"))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let mut call = |name: &str, arg: i32| {
        let func = instance.get_typed_func::<i32, i32>(&mut store, name).unwrap();
        func.call(&mut store, arg)
    };
    for x in [0, 1, 7, -9, i32::MAX] {
        assert_eq!(call("mixed", x).unwrap(), x.wrapping_mul(3).wrapping_add(x ^ 5), "mixed({x})");
    }
    for x in [0, 3, -4, 1000] {
        let teed = x << 1;
        assert_eq!(call("chain", x).unwrap(), ((f64::from(teed) * 1.5) as i32).wrapping_add(teed), "chain({x})");
    }
    for (x, expected) in [(0, 10), (1, 20), (6, 30), (7, 40)] {
        assert_eq!(call("masked_index", x).unwrap(), expected, "masked_index({x})");
    }
    assert_eq!(call("div_by", 9).unwrap(), 109 / 2);
    let trap = call("div_by", 7).unwrap_err();
    assert!(format!("{trap:#}").contains("divide by zero"), "{trap:#}");
    let squares = |n: i32| (1..=n).map(|k| (k + 1) * (k + 1)).sum::<i32>();
    for n in [0, 1, 2, 10] {
        assert_eq!(call("sum_of_squares", n).unwrap(), squares(n), "sum_of_squares({n})");
    }
}

#[test]
fn tee_then_set_copies_each_kind_of_value_from_its_accumulator() {
    // `local.tee a; local.set b` copies into `b` from the accumulator of the
    // value's type (`CopyAcc`, `CopyAccF32`, `CopyAccF64`): every kind must
    // arrive bit for bit, including an i32 whose high cell bits must stay
    // zero and float NaN payloads, and a pointer stepped this way in a loop.
    let wat = r#"(module
      (memory 1)
      (func (export "int") (param i32) (result i64) (local i32 i32)
        (local.set 2 (local.tee 1 (i32.add (local.get 0) (i32.const -4))))
        (i64.add (i64.extend_i32_u (local.get 2)) (i64.extend_i32_u (local.get 1))))
      (func (export "wide") (param i64) (result i64) (local i64 i64)
        (local.set 2 (local.tee 1 (i64.mul (local.get 0) (i64.const 0x100000001))))
        (i64.xor (local.get 2) (i64.rotl (local.get 1) (i64.const 7))))
      (func (export "single") (param i32) (result i32) (local f32 f32)
        (local.set 2 (local.tee 1 (f32.neg (f32.reinterpret_i32 (local.get 0)))))
        (i32.xor (i32.reinterpret_f32 (local.get 2)) (i32.rotl (i32.reinterpret_f32 (local.get 1)) (i32.const 3))))
      (func (export "double") (param i64) (result i64) (local f64 f64)
        (local.set 2 (local.tee 1 (f64.abs (f64.reinterpret_i64 (local.get 0)))))
        (i64.xor (i64.reinterpret_f64 (local.get 2)) (i64.rotl (i64.reinterpret_f64 (local.get 1)) (i64.const 3))))
      ;; sums the words below `end` down to address 0, stepping the pointer
      ;; through two locals as compiled C does
      (func (export "walk") (param $end i32) (result i32) (local $p i32) (local $q i32) (local $s i32)
        (local.set $p (local.get $end))
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $p)))
            (local.set $p (local.tee $q (i32.add (local.get $p) (i32.const -4))))
            (local.set $s (i32.add (local.get $s) (i32.load (local.get $q))))
            (br $l)))
        (local.get $s))
      ;; a load through a pointer just stepped into a local: the sum wraps in
      ;; 32 bits, and the local holds it afterwards
      (func (export "step_load") (param i32) (result i32) (local i32)
        (i32.add (i32.load (local.tee 1 (i32.add (local.get 0) (i32.const 4)))) (local.get 1)))
      (func (export "step_load8") (param i32) (result i32) (local i32)
        (i32.add (i32.load8_s (local.tee 1 (i32.add (local.get 0) (i32.const -1)))) (local.get 1)))
      (data (i32.const 0) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00")
      (data (i32.const 100) "\80"))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let int = instance.get_typed_func::<i32, i64>(&mut store, "int").unwrap();
    for x in [0, 3, 4, i32::MIN, -1] {
        let v = i64::from(x.wrapping_sub(4) as u32);
        assert_eq!(int.call(&mut store, x).unwrap(), 2 * v, "int({x})");
    }
    let wide = instance.get_typed_func::<i64, i64>(&mut store, "wide").unwrap();
    for x in [0, 1, -3, i64::MAX] {
        let v = x.wrapping_mul(0x1_0000_0001);
        assert_eq!(wide.call(&mut store, x).unwrap(), v ^ v.rotate_left(7), "wide({x})");
    }
    let single = instance.get_typed_func::<i32, i32>(&mut store, "single").unwrap();
    for bits in [0x3f80_0000u32, 0x7fc0_1234, 0xff80_0001, 0] {
        let v = (bits ^ 0x8000_0000) as i32;
        assert_eq!(single.call(&mut store, bits as i32).unwrap(), v ^ v.rotate_left(3), "single({bits:#x})");
    }
    let double = instance.get_typed_func::<i64, i64>(&mut store, "double").unwrap();
    for bits in [0xbff0_0000_0000_0000u64, 0xfff8_0000_dead_beef, 1] {
        let v = (bits & !(1 << 63)) as i64;
        assert_eq!(double.call(&mut store, bits as i64).unwrap(), v ^ v.rotate_left(3), "double({bits:#x})");
    }
    let walk = instance.get_typed_func::<i32, i32>(&mut store, "walk").unwrap();
    for (end, sum) in [(0, 0), (4, 1), (8, 3), (16, 10)] {
        assert_eq!(walk.call(&mut store, end).unwrap(), sum, "walk({end})");
    }
    let step_load = instance.get_typed_func::<i32, i32>(&mut store, "step_load").unwrap();
    assert_eq!(step_load.call(&mut store, 0).unwrap(), 2 + 4);
    assert_eq!(step_load.call(&mut store, -4).unwrap(), 1, "the address wraps to 0");
    let trap = step_load.call(&mut store, 65536 - 4).unwrap_err();
    assert!(format!("{trap:#}").contains("out of bounds"), "{trap:#}");
    let step_load8 = instance.get_typed_func::<i32, i32>(&mut store, "step_load8").unwrap();
    assert_eq!(step_load8.call(&mut store, 101).unwrap(), -128 + 100, "sign-extended byte at 100");
    assert_eq!(step_load8.call(&mut store, 1).unwrap(), 1, "the byte at 0");
}

#[test]
fn stepped_pointers_and_stores_to_base_plus_constant_address_the_wrapped_sum() {
    // Two in-place steps in a row (`I32AddImm2`) leave the second sum in
    // the accumulator for a load through the pointer just stepped; a store
    // to `base + constant` (`Store8AddImm` and kin) adds the constant in 32
    // bits, as the `i32.add` it replaces did, so a sum that wraps is a valid
    // low address and one past the end traps with memory unchanged.
    let wat = r#"(module
      (memory (export "mem") 1)
      (data (i32.const 0) "\01\00\00\00\02\00\00\00\03\00\00\00\09\00\00\00\05\00\00\00")
      ;; i = 0; do { i++; p += 4 } while (*p < pivot); returns i * 1000 + p
      (func (export "scan") (param $p i32) (param $pivot i32) (result i32) (local $i i32)
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_s (i32.load (local.tee $p (i32.add (local.get $p) (i32.const 4))))
                              (local.get $pivot))))
        (i32.add (i32.mul (local.get $i) (i32.const 1000)) (local.get $p)))
      ;; the same local stepped twice: the load reads p + 8
      (func (export "twice") (param $p i32) (result i32)
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (i32.add (i32.load (local.tee $p (i32.add (local.get $p) (i32.const 4)))) (i32.shl (local.get $p) (i32.const 8))))
      (func (export "store8") (param $p i32) (param $v i64)
        (i64.store8 (i32.add (local.get $p) (i32.const 1)) (local.get $v)))
      (func (export "store16") (param $p i32) (param $v i32)
        (i32.store16 (i32.add (local.get $p) (i32.const 2)) (local.get $v)))
      (func (export "store32") (param $p i32) (param $v i64)
        (i64.store32 (i32.add (local.get $p) (i32.const 4)) (local.get $v)))
      (func (export "store64") (param $p i32) (param $v f64)
        (f64.store (i32.add (local.get $p) (i32.const -8)) (local.get $v)))
      (func (export "store_f32") (param $p i32) (param $v f32)
        (f32.store (i32.add (local.get $p) (i32.const 4)) (local.get $v))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let scan = instance.get_typed_func::<(i32, i32), i32>(&mut store, "scan").unwrap();
    assert_eq!(scan.call(&mut store, (-4, 3)).unwrap(), 3 * 1000 + 8, "stops at the 3");
    assert_eq!(scan.call(&mut store, (-4, 6)).unwrap(), 4 * 1000 + 12, "stops at the 9");
    let trap = scan.call(&mut store, (65528, 100)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    let twice = instance.get_typed_func::<i32, i32>(&mut store, "twice").unwrap();
    assert_eq!(twice.call(&mut store, 0).unwrap(), 3 + (8 << 8));
    assert_eq!(twice.call(&mut store, -8).unwrap(), 1, "p + 8 wraps to 0");

    let memory = instance.get_memory(&mut store, "mem").unwrap();
    let bytes = |store: &Store<()>, at: usize, n: usize| memory.data(store)[at..at + n].to_vec();
    memory.data_mut(&mut store)[..32].fill(0xaa);
    let store8 = instance.get_typed_func::<(i32, i64), ()>(&mut store, "store8").unwrap();
    store8.call(&mut store, (-1, 0x1234)).unwrap();
    assert_eq!(bytes(&store, 0, 3), [0x34, 0xaa, 0xaa], "p + 1 wraps to 0");
    let store16 = instance.get_typed_func::<(i32, i32), ()>(&mut store, "store16").unwrap();
    store16.call(&mut store, (2, 0x5678_9abc)).unwrap();
    assert_eq!(bytes(&store, 3, 4), [0xaa, 0xbc, 0x9a, 0xaa]);
    let store32 = instance.get_typed_func::<(i32, i64), ()>(&mut store, "store32").unwrap();
    store32.call(&mut store, (4, 0x1122_3344_5566_7788)).unwrap();
    assert_eq!(bytes(&store, 7, 6), [0xaa, 0x88, 0x77, 0x66, 0x55, 0xaa]);
    let store64 = instance.get_typed_func::<(i32, f64), ()>(&mut store, "store64").unwrap();
    store64.call(&mut store, (24, -2.5)).unwrap();
    assert_eq!(bytes(&store, 16, 8), (-2.5f64).to_le_bytes());
    let store_f32 = instance.get_typed_func::<(i32, f32), ()>(&mut store, "store_f32").unwrap();
    store_f32.call(&mut store, (-4, 1.5)).unwrap();
    assert_eq!(bytes(&store, 0, 4), 1.5f32.to_le_bytes(), "p + 4 wraps to 0");

    // In bounds up to the last byte; one further traps and writes nothing.
    store32.call(&mut store, (65528, 7)).unwrap();
    assert_eq!(bytes(&store, 65532, 4), [7, 0, 0, 0]);
    let trap = store32.call(&mut store, (65529, 9)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    assert_eq!(bytes(&store, 65532, 4), [7, 0, 0, 0]);
    let trap = store64.call(&mut store, (65537, 1.0)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    assert_eq!(bytes(&store, 65528, 4), [0, 0, 0, 0]);
}

#[test]
fn operators_updating_memory_in_place_store_the_result_and_trap_before_writing() {
    // `a[i] op= x` as one instruction (`ir::LoadStored`): the load and the
    // store go to the same address, the result has the operator's width,
    // and an access out of bounds traps without writing anything.
    let wat = r#"(module
      (memory (export "memory") 1)
      (func (export "f64_add") (param i32 f64)
        (f64.store offset=8 (local.get 0) (f64.add (f64.load offset=8 (local.get 0)) (local.get 1))))
      (func (export "i32_sub") (param i32 i32)
        (i32.store (local.get 0) (i32.sub (i32.load (local.get 0)) (local.get 1))))
      (func (export "i64_xor") (param i32 i64)
        (i64.store (local.get 0) (i64.xor (local.get 1) (i64.load (local.get 0)))))
      (func (export "f32_mul") (param i32 f32)
        (f32.store (local.get 0) (f32.mul (f32.load (local.get 0)) (local.get 1)))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    let bytes = |store: &Store<()>, at: usize, n: usize| memory.data(store)[at..at + n].to_vec();
    memory.data_mut(&mut store).fill(0xaa);
    memory.data_mut(&mut store)[..24].fill(0);
    memory.data_mut(&mut store)[300..304].copy_from_slice(&1.25f32.to_le_bytes());

    let f64_add = instance.get_typed_func::<(i32, f64), ()>(&mut store, "f64_add").unwrap();
    f64_add.call(&mut store, (0, 1.5)).unwrap();
    f64_add.call(&mut store, (0, 2.25)).unwrap();
    assert_eq!(bytes(&store, 0, 24), [[0; 8], 3.75f64.to_le_bytes(), [0; 8]].concat());
    let i32_sub = instance.get_typed_func::<(i32, i32), ()>(&mut store, "i32_sub").unwrap();
    i32_sub.call(&mut store, (100, 0x2a2a_2a2a)).unwrap();
    assert_eq!(bytes(&store, 99, 6), [0xaa, 0x80, 0x80, 0x80, 0x80, 0xaa], "4 bytes, wrapping");
    let i64_xor = instance.get_typed_func::<(i32, i64), ()>(&mut store, "i64_xor").unwrap();
    i64_xor.call(&mut store, (200, 0x0f0f)).unwrap();
    assert_eq!(bytes(&store, 200, 9), [0xa5, 0xa5, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
    let f32_mul = instance.get_typed_func::<(i32, f32), ()>(&mut store, "f32_mul").unwrap();
    f32_mul.call(&mut store, (300, -2.0)).unwrap();
    assert_eq!(bytes(&store, 300, 5), [(-2.5f32).to_le_bytes().as_slice(), &[0xaa]].concat());

    // The last in-bounds place, then one byte past it: nothing written.
    i32_sub.call(&mut store, (65532, 0x2a)).unwrap();
    assert_eq!(bytes(&store, 65532, 4), [0x80, 0xaa, 0xaa, 0xaa]);
    for (f, at) in [(&f64_add, 65528), (&f64_add, -8)] {
        let trap = f.call(&mut store, (at, 1.0)).unwrap_err();
        assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    }
    let trap = i32_sub.call(&mut store, (65533, 1)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    assert_eq!(
        bytes(&store, 65520, 16),
        [0xaa; 12].iter().chain(&[0x80, 0xaa, 0xaa, 0xaa]).copied().collect::<Vec<_>>()
    );
}

#[test]
fn loads_tested_by_a_branch_keep_their_value_and_trap_before_branching() {
    // `I32LoadBrIfNez`/`I32LoadBrIfEqz`: a linked list walked through a
    // kept pointer, and a flag tested through `eqz`; the loaded value must
    // reach its local whichever way the branch goes.
    let wat = r#"(module
      (memory (export "memory") 1)
      ;; n = 0; do { n++ } while ((p = *(p + 4))); return n * 1000 + p
      (func (export "walk") (param $p i32) (result i32) (local $n i32)
        (loop $l
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br_if $l (local.tee $p (i32.load offset=4 (local.get $p)))))
        (i32.add (i32.mul (local.get $n) (i32.const 1000)) (local.get $p)))
      ;; if (!(v = *p)) return -1; return v
      (func (export "flag") (param $p i32) (result i32) (local $v i32)
        (block (br_if 0 (i32.eqz (local.tee $v (i32.load (local.get $p))))) (return (local.get $v)))
        (i32.const -1)))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    // A list 16 -> 40 -> 64 -> end; its last link points at 0 (the end).
    for (node, next) in [(16u32, 40u32), (40, 64), (64, 0)] {
        memory.data_mut(&mut store)[node as usize + 4..][..4].copy_from_slice(&next.to_le_bytes());
    }
    // Only the low 32 bits of the loaded word decide: a high bit set.
    memory.data_mut(&mut store)[100..104].copy_from_slice(&0x8000_0000u32.to_le_bytes());
    let walk = instance.get_typed_func::<i32, i32>(&mut store, "walk").unwrap();
    assert_eq!(walk.call(&mut store, 16).unwrap(), 3000);
    assert_eq!(walk.call(&mut store, 64).unwrap(), 1000);
    let trap = walk.call(&mut store, 65532).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    let flag = instance.get_typed_func::<i32, i32>(&mut store, "flag").unwrap();
    assert_eq!(flag.call(&mut store, 100).unwrap(), i32::MIN);
    assert_eq!(flag.call(&mut store, 200).unwrap(), -1);
    assert_eq!(flag.call(&mut store, 44).unwrap(), 64);
    let trap = flag.call(&mut store, 65533).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
}

#[test]
fn multiply_adds_wrap_like_the_pair_they_replace() {
    // `I32MulAddImm`: `x * a + b` in 32 bits, wrapping, with the result in
    // a local, in the accumulator for the next operator, or returned.
    let wat = r#"(module
      (func (export "lcg") (param $x i32) (param $n i32) (result i32)
        (loop $l
          (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
          (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
        (local.get $x))
      (func (export "hash") (param $x i32) (result i32)
        (i32.xor (i32.add (i32.mul (local.get $x) (i32.const -1640531535)) (i32.const -7)) (local.get $x)))
      (func (export "plain") (param $x i32) (result i32)
        (i32.add (i32.mul (local.get $x) (i32.const 2147483647)) (i32.const 2147483647))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let lcg = instance.get_typed_func::<(i32, i32), i32>(&mut store, "lcg").unwrap();
    let hash = instance.get_typed_func::<i32, i32>(&mut store, "hash").unwrap();
    let plain = instance.get_typed_func::<i32, i32>(&mut store, "plain").unwrap();
    for x in [0, 1, -1, 7, i32::MAX, i32::MIN, 0x1234_5678] {
        let model = (0..5).fold(x, |x, _| x.wrapping_mul(1664525).wrapping_add(1013904223));
        assert_eq!(lcg.call(&mut store, (x, 5)).unwrap(), model, "lcg({x})");
        let model = x.wrapping_mul(-1640531535).wrapping_add(-7) ^ x;
        assert_eq!(hash.call(&mut store, x).unwrap(), model, "hash({x})");
        let model = x.wrapping_mul(i32::MAX).wrapping_add(i32::MAX);
        assert_eq!(plain.call(&mut store, x).unwrap(), model, "plain({x})");
    }
}

#[test]
fn byte_compares_load_both_bytes_and_keep_the_difference() {
    // `I32Load8U2` and `I32SubBrIfNez` in musl's `memcmp` loop: the sign of
    // the first differing byte pair, 0 for equal ranges, and a trap when
    // the second range runs past the end of memory after the first byte
    // was already read.
    let wat = r#"(module
      (memory (export "memory") 1)
      (func (export "memcmp") (param $l i32) (param $r i32) (param $n i32) (result i32) (local $d i32)
        (block $done
          (br_if $done (i32.eqz (local.get $n)))
          (loop $next
            (br_if $done (local.tee $d (i32.sub (i32.load8_u (local.get $l)) (i32.load8_u (local.get $r)))))
            (local.set $l (i32.add (local.get $l) (i32.const 1)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br_if $next (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
          (local.set $d (i32.const 0)))
        (local.get $d))
      (func (export "same") (param $a i32) (param $b i32) (result i32)
        (block (br_if 0 (i32.eqz (i32.sub (local.get $a) (local.get $b)))) (return (i32.const 1)))
        (i32.const 2)))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    memory.data_mut(&mut store)[100..108].copy_from_slice(b"abcdefgh");
    memory.data_mut(&mut store)[200..208].copy_from_slice(b"abcdXfgh");
    memory.data_mut(&mut store)[65530..65536].copy_from_slice(b"abcdef");
    let memcmp = instance.get_typed_func::<(i32, i32, i32), i32>(&mut store, "memcmp").unwrap();
    assert_eq!(memcmp.call(&mut store, (100, 200, 4)).unwrap(), 0);
    assert_eq!(memcmp.call(&mut store, (100, 200, 8)).unwrap(), i32::from(b'e') - i32::from(b'X'));
    assert_eq!(memcmp.call(&mut store, (200, 100, 8)).unwrap(), i32::from(b'X') - i32::from(b'e'));
    assert_eq!(memcmp.call(&mut store, (100, 65530, 6)).unwrap(), 0);
    assert_eq!(memcmp.call(&mut store, (100, 200, 0)).unwrap(), 0);
    let trap = memcmp.call(&mut store, (100, 65530, 7)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    let trap = memcmp.call(&mut store, (65536, 100, 1)).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
    let same = instance.get_typed_func::<(i32, i32), i32>(&mut store, "same").unwrap();
    assert_eq!(same.call(&mut store, (5, 5)).unwrap(), 2);
    assert_eq!(same.call(&mut store, (5, 6)).unwrap(), 1);
    assert_eq!(same.call(&mut store, (i32::MIN, i32::MIN)).unwrap(), 2);
}

#[test]
fn xorshifts_match_the_shift_and_xor_they_replace() {
    // `I32XorShrUImm` and `I32XorShrUAccImm` in a hash finalizer, with the
    // shift count taken modulo 32 and the high bit shifted in as zero.
    let wat = r#"(module
      (func (export "finalize") (param $h i32) (result i32)
        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
        (local.set $h (i32.mul (local.get $h) (i32.const 0x7feb352d)))
        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
        (local.set $h (i32.mul (local.get $h) (i32.const 0x846ca68b)))
        (local.set $h (i32.xor (i32.shr_u (local.get $h) (i32.const 16)) (local.get $h)))
        (local.get $h))
      (func (export "mod32") (param $h i32) (result i32)
        (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 33))))
      (func (export "kept_product") (param $h i32) (result i32) (local $p i32) (local $q i32)
        (local.set $p (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
        (local.set $q (i32.xor (local.get $p) (i32.shr_u (local.get $p) (i32.const 45))))
        (i32.sub (local.get $q) (local.get $p))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let finalize = instance.get_typed_func::<i32, i32>(&mut store, "finalize").unwrap();
    let mod32 = instance.get_typed_func::<i32, i32>(&mut store, "mod32").unwrap();
    let kept_product = instance.get_typed_func::<i32, i32>(&mut store, "kept_product").unwrap();
    let model = |h: u32| {
        let h = h ^ (h >> 16);
        let h = h.wrapping_mul(0x7feb352d);
        let h = h ^ (h >> 15);
        let h = h.wrapping_mul(0x846ca68b);
        h ^ (h >> 16)
    };
    for h in [0u32, 1, 0x8000_0000, 0xffff_ffff, 0x1234_5678, 0xdead_beef] {
        assert_eq!(finalize.call(&mut store, h as i32).unwrap() as u32, model(h), "finalize({h:#x})");
        assert_eq!(mod32.call(&mut store, h as i32).unwrap() as u32, h ^ (h >> 1), "mod32({h:#x})");
        // `I32MulXorShrUAccImm` with the product kept in a local of its own
        // and a shift count of 45 (13 modulo 32).
        let p = (h ^ (h >> 16)).wrapping_mul(0x85eb_ca6b);
        assert_eq!(
            kept_product.call(&mut store, h as i32).unwrap() as u32,
            (p ^ (p >> 13)).wrapping_sub(p),
            "kept({h:#x})"
        );
    }
}

#[test]
fn zero_stores_are_dropped_only_where_the_local_is_surely_zero() {
    // Each function sets `$x` to zero where a wrong elision would leave an
    // earlier value: written in a block a branch may skip, or by the
    // previous iteration of a loop. Also a local reused after a call that
    // recursed (every frame starts at zero, not the caller's values).
    let wat = r#"(module
      (func (export "after_block") (param $c i32) (result i32) (local $x i32)
        (block (br_if 0 (local.get $c)) (local.set $x (i32.const 7)))
        (local.set $x (i32.const 0))
        (local.get $x))
      (func (export "in_loop") (param $n i32) (result i32) (local $x i32) (local $sum i32)
        (loop $l
          (local.set $x (i32.const 0))
          (local.set $sum (i32.add (local.get $sum) (local.get $x)))
          (local.set $x (i32.const 5))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $sum))
      (func $count (export "count") (param $n i32) (result i32) (local $acc i32)
        (local.set $acc (i32.const 0))
        (if (local.get $n)
          (then (local.set $acc (i32.add (i32.const 100) (call $count (i32.sub (local.get $n) (i32.const 1)))))))
        (i32.add (local.get $acc) (i32.const 1))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let after_block = instance.get_typed_func::<i32, i32>(&mut store, "after_block").unwrap();
    assert_eq!(after_block.call(&mut store, 0).unwrap(), 0);
    assert_eq!(after_block.call(&mut store, 1).unwrap(), 0);
    let in_loop = instance.get_typed_func::<i32, i32>(&mut store, "in_loop").unwrap();
    assert_eq!(in_loop.call(&mut store, 3).unwrap(), 0);
    let count = instance.get_typed_func::<i32, i32>(&mut store, "count").unwrap();
    assert_eq!(count.call(&mut store, 3).unwrap(), 304);
}

#[test]
fn table_driven_crc_steps_match_the_unfused_operators() {
    // `I32LoadShlAcc` and `I32XorShrUImm` in a CRC-32 step over a byte
    // buffer, against a model; then the load's index shifted past 32 bits
    // (it wraps, as `i32.shl` does) and past the memory's end (a trap).
    let wat = r#"(module
      (memory (export "memory") 1)
      (func (export "crc") (param $p i32) (param $n i32) (result i32) (local $crc i32)
        (local.set $crc (i32.const -1))
        (block $done (loop $bytes
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $crc
            (i32.xor
              (i32.load offset=1024
                (i32.shl (i32.and (i32.xor (local.get $crc) (i32.load8_u (local.get $p))) (i32.const 255))
                  (i32.const 2)))
              (i32.shr_u (local.get $crc) (i32.const 8))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $bytes)))
        (i32.xor (local.get $crc) (i32.const -1)))
      (func (export "entry") (param $i i32) (result i32)
        (i32.load offset=8 (i32.shl (i32.xor (local.get $i) (i32.const 0)) (i32.const 34)))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    let table: Vec<u32> =
        (0..256u32).map(|n| (0..8).fold(n, |c, _| if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 })).collect();
    let bytes: Vec<u8> = table.iter().flat_map(|entry| entry.to_le_bytes()).collect();
    memory.write(&mut store, 1024, &bytes).unwrap();
    let text = b"The quick brown fox jumps over the lazy dog";
    memory.write(&mut store, 0, text).unwrap();
    let crc = instance.get_typed_func::<(i32, i32), i32>(&mut store, "crc").unwrap();
    assert_eq!(crc.call(&mut store, (0, text.len() as i32)).unwrap() as u32, 0x414f_a339);
    // The shift count is 34 mod 32 = 2, and bits shifted past 32 are lost:
    // 0x4000_0003 << 2 is 12, so the load reads bytes 20..24.
    let entry = instance.get_typed_func::<i32, i32>(&mut store, "entry").unwrap();
    memory.write(&mut store, 20, &0xfeed_f00du32.to_le_bytes()).unwrap();
    assert_eq!(entry.call(&mut store, 0x4000_0003).unwrap() as u32, 0xfeed_f00d);
    let trap = entry.call(&mut store, 0x3fff).unwrap_err();
    assert!(format!("{trap:?}").contains("out of bounds"), "{trap:?}");
}

#[test]
fn rotations_feeding_a_xor_match_the_unfused_operators() {
    // `I32XorRotlImm` from left and right rotations, with counts taken
    // modulo 32 (0, 32 and 45 included), against Rust's rotations.
    let wat = r#"(module
      (func (export "sigma") (param $a i32) (result i32)
        (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
          (i32.rotl (local.get $a) (i32.const 10))))
      (func (export "odd_counts") (param $a i32) (param $b i32) (result i32)
        (i32.xor (i32.xor (i32.xor (local.get $b) (i32.rotr (local.get $a) (i32.const 0)))
            (i32.rotl (local.get $b) (i32.const 32)))
          (i32.rotr (local.get $a) (i32.const 45)))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let sigma = instance.get_typed_func::<i32, i32>(&mut store, "sigma").unwrap();
    let odd_counts = instance.get_typed_func::<(i32, i32), i32>(&mut store, "odd_counts").unwrap();
    for a in [0u32, 1, 0x8000_0000, 0xffff_ffff, 0x6a09_e667, 0xdead_beef] {
        let expected = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_left(10);
        assert_eq!(sigma.call(&mut store, a as i32).unwrap() as u32, expected, "sigma({a:#x})");
        let b = a.wrapping_mul(0x9e37_79b9) ^ 0x5555;
        let expected = b ^ a ^ b ^ a.rotate_right(13);
        assert_eq!(odd_counts.call(&mut store, (a as i32, b as i32)).unwrap() as u32, expected, "odd_counts({a:#x})");
    }
}
