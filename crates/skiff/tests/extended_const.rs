//! Extended constant expressions: `i32`/`i64` `add`, `sub` and `mul` in
//! global initializers and in the offsets of data and element segments,
//! evaluated at instantiation with wrapping arithmetic.

use skiff::{Config, Engine, Global, GlobalType, Instance, Module, Mutability, Store, Val, ValType};

const MODULE: &str = r#"(module
  (import "env" "base" (global $base i32))
  (import "env" "big" (global $big i64))
  (global $sum (export "sum") i32 (i32.add (global.get $base) (i32.const 10)))
  (global $prod (export "prod") i32 (i32.mul (i32.add (global.get $base) (i32.const 10)) (i32.sub (i32.const 5) (i32.const 2))))
  (global $wrap (export "wrap") i32 (i32.add (i32.const 0x7fffffff) (i32.const 1)))
  (global $wide (export "wide") i64 (i64.sub (i64.mul (global.get $big) (i64.const 3)) (i64.const 1)))
  (memory (export "memory") 1)
  (data (i32.add (global.get $base) (i32.const 2)) "hi")
  (table (export "table") 8 funcref)
  (elem (i32.sub (i32.mul (global.get $base) (i32.const 2)) (i32.const 1)) $f)
  (func $f (result i32) (i32.const 42)))"#;

fn instantiate(engine: &Engine, base: i32) -> anyhow::Result<(Store<()>, Instance)> {
    let module = Module::new(engine, MODULE)?;
    let mut store = Store::new(engine, ());
    let base = Global::new(&mut store, GlobalType::new(ValType::I32, Mutability::Const), Val::I32(base))?;
    let big = Global::new(&mut store, GlobalType::new(ValType::I64, Mutability::Const), Val::I64(i64::MAX / 2))?;
    let instance = Instance::new(&mut store, &module, &[base.into(), big.into()])?;
    Ok((store, instance))
}

fn extended_const_engine() -> Engine {
    let mut config = Config::new();
    config.wasm_extended_const(true);
    Engine::new(&config).unwrap()
}

#[test]
fn initializers_and_offsets_compute() -> anyhow::Result<()> {
    let engine = extended_const_engine();
    let (mut store, instance) = instantiate(&engine, 3)?;
    let global = |store: &mut Store<()>, name: &str| instance.get_global(&mut *store, name).unwrap().get(&mut *store);
    assert_eq!(global(&mut store, "sum").i32(), Some(13));
    assert_eq!(global(&mut store, "prod").i32(), Some(39));
    assert_eq!(global(&mut store, "wrap").i32(), Some(i32::MIN));
    assert_eq!(global(&mut store, "wide").i64(), Some((i64::MAX / 2).wrapping_mul(3).wrapping_sub(1)));
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert_eq!(&memory.data(&store)[5..7], b"hi");
    let table = instance.get_table(&mut store, "table").unwrap();
    assert!(table.get(&mut store, 5).and_then(|v| v.funcref().flatten().cloned()).is_some());
    assert!(table.get(&mut store, 4).and_then(|v| v.funcref().flatten().cloned()).is_none());
    Ok(())
}

#[test]
fn a_computed_offset_out_of_bounds_fails_instantiation() {
    let engine = extended_const_engine();
    // base = 5: the element offset 9 is past the 8-entry table.
    let err = instantiate(&engine, 5).unwrap_err();
    assert!(format!("{err:#}").contains("out of bounds table access"), "{err:#}");
}

#[test]
fn extended_constants_are_refused_unless_enabled() {
    let mut config = Config::new();
    config.wasm_extended_const(false);
    let engine = Engine::new(&config).unwrap();
    let err = Module::new(&engine, MODULE).unwrap_err();
    assert!(format!("{err:#}").contains("constant expression"), "{err:#}");
}
