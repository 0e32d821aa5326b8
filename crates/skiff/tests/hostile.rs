//! Hostile input: corrupted modules must be rejected with an error (or, if
//! still valid, run to a result or a trap), never panic or crash the host.

use skiff::{Engine, Instance, Module, Store, Val};

const SEED_MODULE: &str = r#"(module
  (memory (export "mem") 1 2)
  (table 2 funcref)
  (global $g (mut i32) (i32.const 7))
  (elem (i32.const 0) $f $g)
  (data (i32.const 8) "skiff")
  (func $f (export "f") (param i32 i32) (result i32)
    (local i64)
    (block (result i32)
      (loop
        (br_if 1 (i32.ge_u (local.get 0) (local.get 1)) (local.get 0))
        (i32.store (i32.and (local.get 0) (i32.const 0xfff)) (local.get 0))
        (global.set $g (i32.add (global.get $g) (i32.load8_u (i32.const 9))))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br 0)))
    (call_indirect (param i32 i32) (result i32) (i32.const 1) (i32.const 2) (i32.const 1))
    (i32.add))
  (func $g (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1))))"#;

/// A deterministic pseudo-random sequence (no dependency needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn corrupted_modules_never_panic() {
    let engine = Engine::default();
    let original = wat::parse_str(SEED_MODULE).unwrap();
    let mut rng = Lcg(0x5eed);
    let mut compiled = 0;
    for _ in 0..3000 {
        let mut bytes = original.clone();
        match rng.next() % 4 {
            // Flip bytes.
            0 | 1 => {
                for _ in 0..1 + rng.next() % 4 {
                    let i = (rng.next() as usize) % bytes.len();
                    bytes[i] ^= 1 << (rng.next() % 8);
                }
            }
            // Overwrite a byte with an interesting value.
            2 => {
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = [0x00, 0x7f, 0x80, 0xff, 0x41, 0x0b, 0x20][(rng.next() % 7) as usize];
            }
            // Truncate.
            _ => {
                let len = (rng.next() as usize) % bytes.len();
                bytes.truncate(len);
            }
        }
        let Ok(module) = Module::from_binary(&engine, &bytes) else { continue };
        compiled += 1;
        let mut store = Store::new(&engine, ());
        let Ok(instance) = Instance::new(&mut store, &module, &[]) else { continue };
        if let Some(func) = instance.get_func(&mut store, "f") {
            let ty = func.ty(&store);
            if ty.params().len() == 2 && ty.params().all(|t| t == skiff::ValType::I32) {
                let mut results = vec![Val::I32(0); ty.results().len()];
                let _ = func.call(&mut store, &[Val::I32(0), Val::I32(100)], &mut results);
            }
        }
    }
    assert!(compiled > 0, "some mutations should still be valid modules");
}
