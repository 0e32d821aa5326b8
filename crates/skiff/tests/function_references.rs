//! Typed function references: `(ref $t)` and `(ref null $t)` values,
//! `call_ref`, `return_call_ref`, `ref.as_non_null`, `br_on_null`,
//! `br_on_non_null`, and the embedding API's checks of such values.

use skiff::{
    Config, Engine, Func, FuncType, Global, GlobalType, HeapType, Instance, Module, Mutability, RefType, Store, Table,
    TableType, Trap, Val, ValType,
};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_function_references(true).wasm_tail_call(true);
    Engine::new(&config).unwrap()
}

fn trap_of(err: &anyhow::Error) -> Trap {
    *err.downcast_ref::<Trap>().unwrap_or_else(|| panic!("expected a trap, got: {err:?}"))
}

const MODULE: &str = r#"(module
  (type $unop (func (param i32) (result i32)))
  (func $inc (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $unop) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $inc $dbl $down)
  (global $null_ref (ref null $unop) (ref.null $unop))

  ;; call_ref through a local of non-nullable type, set before use.
  (func (export "apply") (param $which i32) (param $x i32) (result i32)
    (local $f (ref $unop))
    (local.set $f (select (result (ref $unop)) (ref.func $inc) (ref.func $dbl) (local.get $which)))
    (call_ref $unop (local.get $x) (local.get $f)))
  (func (export "call_null") (result i32)
    (call_ref $unop (i32.const 1) (global.get $null_ref)))

  ;; A million tail calls through a reference.
  (func $down (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 7))
      (else (return_call_ref $unop (i32.sub (local.get $n) (i32.const 1)) (ref.func $down)))))
  (func (export "tail_null") (result i32)
    (return_call_ref $unop (i32.const 1) (global.get $null_ref)))

  ;; br_on_null: -1 for null, else the call's result.
  (func (export "or_minus_one") (param $f (ref null $unop)) (param $x i32) (result i32)
    (block $is_null
      (return (call_ref $unop (local.get $x) (br_on_null $is_null (local.get $f)))))
    (i32.const -1))
  ;; br_on_non_null, carrying a value as well as the reference.
  (func (export "non_null_or") (param $f (ref null $unop)) (param $x i32) (result i32)
    (block $has (result i32 (ref $unop))
      (local.get $x)
      (br_on_non_null $has (local.get $f))
      (drop)
      (return (i32.const 100)))
    (call_ref $unop))
  (func (export "as_non_null") (param $f (ref null $unop)) (result i32)
    (call_ref $unop (i32.const 10) (ref.as_non_null (local.get $f))))
  (func (export "get_inc") (result (ref $unop)) (ref.func $inc)))"#;

fn instance() -> (Store<()>, Instance) {
    let engine = engine();
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

#[test]
fn call_ref_and_return_call_ref() {
    let (mut store, instance) = instance();
    let apply = instance.get_typed_func::<(i32, i32), i32>(&mut store, "apply").unwrap();
    assert_eq!(apply.call(&mut store, (1, 20)).unwrap(), 21);
    assert_eq!(apply.call(&mut store, (0, 20)).unwrap(), 40);
    let down = instance.get_typed_func::<i32, i32>(&mut store, "down").unwrap();
    assert_eq!(down.call(&mut store, 1_000_000).unwrap(), 7);
    for name in ["call_null", "tail_null"] {
        let f = instance.get_typed_func::<(), i32>(&mut store, name).unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        assert_eq!(trap_of(&err), Trap::NullFunctionReference, "{name}");
        assert!(format!("{err:#}").contains("null function reference"), "{err:#}");
    }
}

#[test]
fn branches_on_null_and_ref_as_non_null() {
    let (mut store, instance) = instance();
    let inc = instance.get_func(&mut store, "get_inc").unwrap();
    let mut out = [Val::I32(0)];
    inc.call(&mut store, &[], &mut out).unwrap();
    let inc_ref = out[0].clone();
    assert!(matches!(inc_ref, Val::FuncRef(Some(_))));

    let call = |store: &mut Store<()>, name: &str, args: &[Val]| -> anyhow::Result<i32> {
        let f = instance.get_func(&mut *store, name).unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut *store, args, &mut out)?;
        Ok(out[0].unwrap_i32())
    };
    assert_eq!(call(&mut store, "or_minus_one", &[inc_ref.clone(), Val::I32(4)]).unwrap(), 5);
    assert_eq!(call(&mut store, "or_minus_one", &[Val::FuncRef(None), Val::I32(4)]).unwrap(), -1);
    assert_eq!(call(&mut store, "non_null_or", &[inc_ref.clone(), Val::I32(4)]).unwrap(), 5);
    assert_eq!(call(&mut store, "non_null_or", &[Val::FuncRef(None), Val::I32(4)]).unwrap(), 100);
    assert_eq!(call(&mut store, "as_non_null", &[inc_ref]).unwrap(), 11);
    let err = call(&mut store, "as_non_null", &[Val::FuncRef(None)]).unwrap_err();
    assert_eq!(trap_of(&err), Trap::NullReference);
}

/// A reference to a function of the wrong type never reaches code that
/// calls through it unchecked: the API refuses it at the boundary.
#[test]
fn the_api_checks_concrete_function_types() {
    let (mut store, instance) = instance();
    let engine = store.engine().clone();
    let unop = FuncType::new(&engine, [ValType::I32], [ValType::I32]);
    let binop = FuncType::new(&engine, [ValType::I32, ValType::I32], [ValType::I32]);
    let good = Func::wrap(&mut store, |x: i32| x + 1000);
    let bad = Func::wrap(&mut store, |x: i32, y: i32| x + y);
    assert_eq!(good.ty(&store), unop);
    assert_eq!(bad.ty(&store), binop);

    let as_non_null = instance.get_func(&mut store, "as_non_null").unwrap();
    let ref_unop = RefType::new(true, HeapType::ConcreteFunc(unop.clone()));
    assert_eq!(as_non_null.ty(&store).param(0), Some(ValType::Ref(ref_unop.clone())));
    let mut out = [Val::I32(0)];
    as_non_null.call(&mut store, &[Val::FuncRef(Some(good))], &mut out).unwrap();
    assert_eq!(out[0].unwrap_i32(), 1010);
    let err = as_non_null.call(&mut store, &[Val::FuncRef(Some(bad))], &mut out).unwrap_err();
    assert!(format!("{err:#}").contains("argument 0 has type funcref"), "{err:#}");

    // Globals and tables of concrete reference types.
    let non_null = ValType::Ref(RefType::new(false, HeapType::ConcreteFunc(unop.clone())));
    let ty = GlobalType::new(non_null.clone(), Mutability::Var);
    assert!(Global::new(&mut store, ty.clone(), Val::FuncRef(Some(bad))).is_err());
    assert!(Global::new(&mut store, ty.clone(), Val::FuncRef(None)).is_err());
    let global = Global::new(&mut store, ty, Val::FuncRef(Some(good))).unwrap();
    assert!(global.set(&mut store, Val::FuncRef(Some(bad))).is_err());
    assert!(global.set(&mut store, Val::FuncRef(Some(good))).is_ok());
    let table = Table::new(&mut store, TableType::new(ref_unop, 2, None), Val::FuncRef(None)).unwrap();
    assert!(table.set(&mut store, 0, Val::FuncRef(Some(bad))).is_err());
    table.set(&mut store, 1, Val::FuncRef(Some(good))).unwrap();
    assert!(table.grow(&mut store, 1, Val::FuncRef(Some(bad))).is_err());
    // A host function promising a `(ref $unop)` must return one.
    let returns_ref = FuncType::new(&engine, [], [non_null]);
    let liar = Func::new(&mut store, returns_ref, move |_, _, out| {
        out[0] = Val::FuncRef(Some(bad));
        Ok(())
    });
    let mut out = [Val::FuncRef(None)];
    assert!(liar.call(&mut store, &[], &mut out).is_err());
}

#[test]
fn typed_references_are_refused_unless_enabled() {
    let mut config = Config::new();
    config.wasm_function_references(false);
    let engine = Engine::new(&config).unwrap();
    assert!(Module::new(&engine, MODULE).is_err());
}

/// Without GC, a type may not name itself: a clear error, not a hang.
#[test]
fn recursive_types_are_refused_with_a_clear_error() {
    let mut config = Config::new();
    config.wasm_function_references(true).wasm_gc(true);
    let engine = Engine::new(&config).unwrap();
    let err = Module::new(&engine, "(module (type $t (func (param (ref null $t)))))").unwrap_err();
    assert!(format!("{err:#}").contains("recursive types (GC) are not supported yet"), "{err:#}");
}
