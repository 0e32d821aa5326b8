//! Multiple memories as an embedder sees them: memories defined, imported
//! and exported side by side, accesses and bulk operations on each, copies
//! between them, and limits applying to each memory on its own.

use skiff::{
    CompilationMode, Config, Engine, Instance, Linker, Memory, MemoryType, Module, Store, StoreLimits,
    StoreLimitsBuilder, Trap, V128,
};

fn trap_of(err: &anyhow::Error) -> Trap {
    *err.downcast_ref::<Trap>().unwrap_or_else(|| panic!("expected a trap, got: {err:?}"))
}

/// An engine in each compilation mode that translates code, so the
/// accesses are checked both eagerly and on first call.
fn engines() -> Vec<Engine> {
    [CompilationMode::Eager, CompilationMode::LazyTranslation]
        .into_iter()
        .map(|mode| {
            let mut config = Config::new();
            config.compilation_mode(mode);
            Engine::new(&config).unwrap()
        })
        .collect()
}

/// Three memories: an imported one (index 0), and two defined (1 and 2) of
/// different sizes, each with a data segment, all exported.
const THREE_MEMORIES: &str = r#"
(module
  (import "host" "mem" (memory $m0 1))
  (memory $m1 (export "m1") 2 3)
  (memory $m2 (export "m2") 1)
  (export "m0" (memory $m0))
  (data (memory $m1) (i32.const 65536) "one")
  (data (memory $m2) (i32.const 8) "two")
  (data $passive "passive")
  (func (export "load0") (param i32) (result i32) (i32.load8_u $m0 (local.get 0)))
  (func (export "load1") (param i32) (result i32) (i32.load8_u $m1 (local.get 0)))
  (func (export "load2") (param i32) (result i32) (i32.load8_u $m2 (local.get 0)))
  (func (export "load2_i64") (param i32) (result i64) (i64.load $m2 offset=8 (local.get 0)))
  (func (export "store1") (param i32 i32) (i32.store $m1 (local.get 0) (local.get 1)))
  (func (export "store2_i16") (param i32 i64) (i64.store16 $m2 offset=2 (local.get 0) (local.get 1)))
  (func (export "copy_2_to_1") (param i32 i32 i32) (memory.copy $m1 $m2 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_1_to_0") (param i32 i32 i32) (memory.copy $m0 $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_within_2") (param i32 i32 i32) (memory.copy $m2 $m2 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill2") (param i32 i32 i32) (memory.fill $m2 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init1") (param i32 i32 i32) (memory.init $m1 $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "sizes") (result i32 i32 i32) (memory.size $m0) (memory.size $m1) (memory.size $m2))
  (func (export "grow1") (param i32) (result i32) (memory.grow $m1 (local.get 0)))
  (func (export "grow2") (param i32) (result i32) (memory.grow $m2 (local.get 0))))
"#;

#[test]
fn each_memory_is_accessed_on_its_own() -> anyhow::Result<()> {
    for engine in engines() {
        let module = Module::new(&engine, THREE_MEMORIES)?;
        let mut store = Store::new(&engine, ());
        let host = Memory::new(&mut store, MemoryType::new(1, None))?;
        host.write(&mut store, 0, b"zero")?;
        let instance = Instance::new(&mut store, &module, &[host.into()])?;

        let load = |store: &mut Store<()>, name: &str, addr: i32| {
            instance.get_typed_func::<i32, i32>(&mut *store, name).unwrap().call(store, addr)
        };
        assert_eq!(load(&mut store, "load0", 0)?, i32::from(b'z'));
        assert_eq!(load(&mut store, "load1", 65536)?, i32::from(b'o'));
        assert_eq!(load(&mut store, "load2", 8)?, i32::from(b't'));
        assert_eq!(load(&mut store, "load1", 0)?, 0, "memory 1's data went to memory 1 only");
        // The memories have different sizes: each access is checked against its own.
        assert_eq!(load(&mut store, "load1", 2 * 65536 - 1)?, 0);
        assert_eq!(trap_of(&load(&mut store, "load2", 65536).unwrap_err()), Trap::MemoryOutOfBounds);
        assert_eq!(trap_of(&load(&mut store, "load1", 2 * 65536).unwrap_err()), Trap::MemoryOutOfBounds);
        let load_i64 = instance.get_typed_func::<i32, i64>(&mut store, "load2_i64")?;
        assert_eq!(load_i64.call(&mut store, 0)?, i64::from_le_bytes(*b"two\0\0\0\0\0"));
        assert_eq!(trap_of(&load_i64.call(&mut store, 65536 - 15).unwrap_err()), Trap::MemoryOutOfBounds);
        assert_eq!(load_i64.call(&mut store, 65536 - 16)?, 0);

        // Stores land in the memory they name, seen through its export.
        instance.get_typed_func::<(i32, i32), ()>(&mut store, "store1")?.call(&mut store, (100, 0x0403_0201))?;
        let m1 = instance.get_memory(&mut store, "m1").unwrap();
        assert_eq!(&m1.data(&store)[100..104], &[1, 2, 3, 4]);
        assert!(host.data(&store)[100..104].iter().all(|&b| b == 0));
        let store2 = instance.get_typed_func::<(i32, i64), ()>(&mut store, "store2_i16")?;
        store2.call(&mut store, (20, 0x7766_5544_3322_1100))?;
        let m2 = instance.get_memory(&mut store, "m2").unwrap();
        assert_eq!(&m2.data(&store)[22..25], &[0x00, 0x11, 0]);
        assert_eq!(trap_of(&store2.call(&mut store, (65533, 0)).unwrap_err()), Trap::MemoryOutOfBounds);

        // The import is the host's memory itself.
        let m0 = instance.get_memory(&mut store, "m0").unwrap();
        assert_eq!(m0, host);
        let sizes = instance.get_typed_func::<(), (i32, i32, i32)>(&mut store, "sizes")?;
        assert_eq!(sizes.call(&mut store, ())?, (1, 2, 1));
        assert_eq!((m0.size(&store), m1.size(&store), m2.size(&store)), (1, 2, 1));
    }
    Ok(())
}

#[test]
fn bulk_operations_copy_between_memories() -> anyhow::Result<()> {
    for engine in engines() {
        let module = Module::new(&engine, THREE_MEMORIES)?;
        let mut store = Store::new(&engine, ());
        let host = Memory::new(&mut store, MemoryType::new(1, None))?;
        let instance = Instance::new(&mut store, &module, &[host.into()])?;
        let call3 = |store: &mut Store<()>, name: &str, args: (i32, i32, i32)| {
            instance.get_typed_func::<(i32, i32, i32), ()>(&mut *store, name).unwrap().call(store, args)
        };
        let m1 = instance.get_memory(&mut store, "m1").unwrap();
        let m2 = instance.get_memory(&mut store, "m2").unwrap();

        // memory 2 -> memory 1, then memory 1 -> memory 0 (the host's).
        call3(&mut store, "copy_2_to_1", (1000, 8, 3))?;
        assert_eq!(&m1.data(&store)[1000..1003], b"two");
        call3(&mut store, "copy_1_to_0", (5, 1000, 3))?;
        assert_eq!(&host.data(&store)[5..8], b"two");
        // Overlapping copies within one memory behave as `memmove`.
        call3(&mut store, "copy_within_2", (9, 8, 3))?;
        assert_eq!(&m2.data(&store)[8..12], b"ttwo");

        // Bounds are checked against each side's own memory: memory 1 has
        // two pages, memory 2 one.
        call3(&mut store, "copy_2_to_1", (2 * 65536 - 4, 65536 - 4, 4))?;
        let err = call3(&mut store, "copy_2_to_1", (0, 65536 - 3, 4)).unwrap_err();
        assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds);
        let err = call3(&mut store, "copy_2_to_1", (2 * 65536 - 3, 0, 4)).unwrap_err();
        assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds);
        // A zero-length copy at the very end is in bounds.
        call3(&mut store, "copy_2_to_1", (2 * 65536, 65536, 0))?;

        call3(&mut store, "fill2", (100, 0xab, 4))?;
        assert_eq!(&m2.data(&store)[99..105], &[0, 0xab, 0xab, 0xab, 0xab, 0]);
        assert_eq!(trap_of(&call3(&mut store, "fill2", (65535, 0, 2)).unwrap_err()), Trap::MemoryOutOfBounds);

        call3(&mut store, "init1", (70000, 1, 6))?;
        assert_eq!(&m1.data(&store)[70000..70006], b"assive");
        assert_eq!(trap_of(&call3(&mut store, "init1", (0, 2, 6)).unwrap_err()), Trap::MemoryOutOfBounds);
    }
    Ok(())
}

#[test]
fn one_memory_imported_twice_copies_within_itself() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "a" (memory $a 1))
             (import "host" "b" (memory $b 1))
             (func (export "copy") (param i32 i32 i32)
               (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
             (func (export "store_b") (param i32 i32) (i32.store8 $b (local.get 0) (local.get 1))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let shared = Memory::new(&mut store, MemoryType::new(1, None))?;
    shared.write(&mut store, 0, b"abcdef")?;
    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "a", shared)?;
    linker.define(&store, "host", "b", shared)?;
    let instance = linker.instantiate(&mut store, &module)?;
    // Both indices name one memory: the ranges overlap, as `memmove`'s may.
    instance.get_typed_func::<(i32, i32, i32), ()>(&mut store, "copy")?.call(&mut store, (2, 0, 4))?;
    assert_eq!(&shared.data(&store)[..6], b"ababcd");
    instance.get_typed_func::<(i32, i32), ()>(&mut store, "store_b")?.call(&mut store, (0, i32::from(b'z')))?;
    assert_eq!(shared.data(&store)[0], b'z');
    Ok(())
}

#[test]
fn growth_of_each_memory_is_limited_on_its_own() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(&engine, THREE_MEMORIES)?;
    struct State {
        limits: StoreLimits,
    }
    // Memories of up to 3 pages each.
    let mut store = Store::new(&engine, State { limits: StoreLimitsBuilder::new().memory_size(3 << 16).build() });
    store.limiter(|s| &mut s.limits);
    let host = Memory::new(&mut store, MemoryType::new(1, None))?;
    let instance = Instance::new(&mut store, &module, &[host.into()])?;
    let grow1 = instance.get_typed_func::<i32, i32>(&mut store, "grow1")?;
    let grow2 = instance.get_typed_func::<i32, i32>(&mut store, "grow2")?;
    let m2 = instance.get_memory(&mut store, "m2").unwrap();
    let base = m2.data_ptr(&store);
    assert_eq!(grow1.call(&mut store, 1)?, 2);
    assert_eq!(grow1.call(&mut store, 1)?, -1, "memory 1's type maximum is 3 pages");
    assert_eq!(grow2.call(&mut store, 2)?, 1, "memory 2 grows independently of memory 1");
    assert_eq!(m2.data_ptr(&store), base, "growth must not move the memory");
    assert_eq!(grow2.call(&mut store, 1)?, -1, "the store's limit is 3 pages per memory");
    let sizes = instance.get_typed_func::<(), (i32, i32, i32)>(&mut store, "sizes")?;
    assert_eq!(sizes.call(&mut store, ())?, (1, 3, 3));
    // Accesses see each memory's new size.
    let load2 = instance.get_typed_func::<i32, i32>(&mut store, "load2")?;
    assert_eq!(load2.call(&mut store, 3 * 65536 - 1)?, 0);
    assert_eq!(trap_of(&load2.call(&mut store, 3 * 65536).unwrap_err()), Trap::MemoryOutOfBounds);
    Ok(())
}

#[test]
fn multi_memory_follows_the_feature_switch() -> anyhow::Result<()> {
    let two = "(module (memory 1) (memory 1))";
    assert!(Module::new(&Engine::default(), two).is_ok(), "multi-memory is on by default");
    let mut config = Config::new();
    config.wasm_multi_memory(false);
    let err = Module::new(&Engine::new(&config)?, two).unwrap_err();
    assert!(format!("{err:#}").contains("multiple memories"), "{err:#}");
    Ok(())
}

/// The `v128` loads (by name, with the bytes each reads), for SIMD tests.
const V128_LOADS: &[(&str, u64)] = &[
    ("v128.load", 16),
    ("v128.load8x8_s", 8),
    ("v128.load8x8_u", 8),
    ("v128.load16x4_s", 8),
    ("v128.load16x4_u", 8),
    ("v128.load32x2_s", 8),
    ("v128.load32x2_u", 8),
    ("v128.load8_splat", 1),
    ("v128.load16_splat", 2),
    ("v128.load32_splat", 4),
    ("v128.load64_splat", 8),
    ("v128.load32_zero", 4),
    ("v128.load64_zero", 8),
];

/// The lane accesses, as `(lane bits, lane index used)`.
const V128_LANES: &[(u32, u32)] = &[(8, 13), (16, 5), (32, 2), (64, 1)];

/// Every SIMD memory access, once on each of three one-page memories: a
/// 32-bit memory 0 (the fast path), a 32-bit memory 1 and a 64-bit memory
/// 2, with the same static offset. Exports are named `OP/MEMORY`.
fn simd_on_three_memories() -> String {
    let mut funcs = String::new();
    for (m, addr) in [(0, "i32"), (1, "i32"), (2, "i64")] {
        for (op, _) in V128_LOADS {
            funcs += &format!(
                "(func (export \"{op}/{m}\") (param {addr}) (result v128) ({op} {m} offset=3 (local.get 0)))\n"
            );
        }
        funcs += &format!(
            "(func (export \"v128.store/{m}\") (param {addr} v128) (v128.store {m} offset=3 (local.get 0) (local.get 1)))\n"
        );
        for (bits, lane) in V128_LANES {
            funcs += &format!(
                // The vector is computed into a temporary, which the
                // result overlaps: it must be read before it is written.
                "(func (export \"v128.load{bits}_lane/{m}\") (param {addr} v128) (result v128)
                   (v128.load{bits}_lane {m} offset=3 {lane} (local.get 0) (v128.or (local.get 1) (local.get 1))))
                 (func (export \"v128.store{bits}_lane/{m}\") (param {addr} v128)
                   (v128.store{bits}_lane {m} offset=3 {lane} (local.get 0) (local.get 1)))\n"
            );
        }
    }
    format!(
        "(module (memory (export \"m0\") 1) (memory (export \"m1\") 1) (memory (export \"m2\") i64 1)
           (func (export \"grow1\") (param i32) (result i32) (memory.grow 1 (local.get 0)))
           {funcs})"
    )
}

/// A result or the trap it ended with.
fn outcome<T>(result: anyhow::Result<T>) -> Result<T, Trap> {
    result.map_err(|e| trap_of(&e))
}

#[test]
fn simd_accesses_to_other_memories_match_memory_0() -> anyhow::Result<()> {
    const PAGE: u64 = 65536;
    let vector = V128::from(0xf0e0_d0c0_b0a0_9080_7060_5040_3020_1000_u128);
    for engine in engines() {
        let module = Module::new(&engine, simd_on_three_memories())?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let memories: Vec<Memory> =
            (0..3).map(|m| instance.get_memory(&mut store, &format!("m{m}")).unwrap()).collect();
        // The same bytes in each memory, none of them zero.
        let bytes: Vec<u8> = (0..PAGE).map(|i| (i * 7 % 251 + 1) as u8).collect();
        for memory in &memories {
            memory.write(&mut store, 0, &bytes)?;
        }

        // Every load gives memory 0's result (value or trap) at addresses
        // around both ends, and the last in-bounds one is in bounds.
        for &(op, width) in V128_LOADS {
            let last = PAGE - 3 - width;
            let addrs = [0, 1, 100, last - 1, last, last + 1, PAGE - 3, PAGE, u64::from(u32::MAX)];
            for addr in addrs {
                let mut at = |m: usize| -> Result<u128, Trap> {
                    let name = format!("{op}/{m}");
                    let v = if m == 2 {
                        let f = instance.get_typed_func::<i64, V128>(&mut store, &name).unwrap();
                        outcome(f.call(&mut store, addr as i64))
                    } else {
                        let f = instance.get_typed_func::<i32, V128>(&mut store, &name).unwrap();
                        outcome(f.call(&mut store, addr as i32))
                    };
                    v.map(|v| v.as_u128())
                };
                let expected = at(0);
                assert_eq!(expected.is_ok(), addr <= last, "{op} at {addr}");
                assert_eq!(at(1), expected, "{op} on memory 1 at {addr}");
                assert_eq!(at(2), expected, "{op} on the 64-bit memory 2 at {addr}");
            }
        }
        // Lane loads likewise, keeping the other lanes of their operand.
        for &(bits, _) in V128_LANES {
            let last = PAGE - 3 - u64::from(bits / 8);
            for addr in [0, 5, last, last + 1, PAGE, u64::from(u32::MAX)] {
                let name = |m: usize| format!("v128.load{bits}_lane/{m}");
                let f = instance.get_typed_func::<(i32, V128), V128>(&mut store, &name(0))?;
                let expected = outcome(f.call(&mut store, (addr as i32, vector))).map(|v| v.as_u128());
                assert_eq!(expected.is_ok(), addr <= last, "load{bits}_lane at {addr}");
                let f = instance.get_typed_func::<(i32, V128), V128>(&mut store, &name(1))?;
                let got = outcome(f.call(&mut store, (addr as i32, vector))).map(|v| v.as_u128());
                assert_eq!(got, expected, "load{bits}_lane on memory 1 at {addr}");
                let f = instance.get_typed_func::<(i64, V128), V128>(&mut store, &name(2))?;
                let got = outcome(f.call(&mut store, (addr as i64, vector))).map(|v| v.as_u128());
                assert_eq!(got, expected, "load{bits}_lane on memory 2 at {addr}");
            }
        }
        // Two results worked out by hand: memory 1's bytes at 3 + 10 are
        // 71, 78, 85, 92, ... (i * 7 % 251 + 1).
        let f = instance.get_typed_func::<i32, V128>(&mut store, "v128.load16x4_s/1")?;
        let lanes = [13 * 7 + 1, 14 * 7 + 1, 15 * 7 + 1, 16 * 7 + 1, 17 * 7 + 1, 18 * 7 + 1, 19 * 7 + 1, 20 * 7 + 1];
        let expected = (0..4).fold(0u128, |v, i| {
            let lane = i16::from_le_bytes([lanes[2 * i], lanes[2 * i + 1]]) as i32 as u32;
            v | u128::from(lane) << (32 * i)
        });
        assert_eq!(f.call(&mut store, 10)?.as_u128(), expected);
        let f = instance.get_typed_func::<(i32, V128), V128>(&mut store, "v128.load8_lane/1")?;
        let got = f.call(&mut store, (10, vector))?.as_u128();
        assert_eq!(got, vector.as_u128() & !(0xff << 104) | u128::from(lanes[0]) << 104);

        // Stores: each memory ends up as memory 0 does, and a trapping
        // store (partly out of bounds) writes nothing.
        let stores: Vec<(String, u64)> = std::iter::once(("v128.store".to_string(), 16))
            .chain(V128_LANES.iter().map(|&(bits, _)| (format!("v128.store{bits}_lane"), u64::from(bits / 8))))
            .collect();
        for (op, width) in &stores {
            let last = PAGE - 3 - width;
            for addr in [0, 17, last, last + 1, PAGE - 4, u64::from(u32::MAX)] {
                let before: Vec<u8> = memories[0].data(&store).to_vec();
                let f = instance.get_typed_func::<(i32, V128), ()>(&mut store, &format!("{op}/0"))?;
                let expected = outcome(f.call(&mut store, (addr as i32, vector)));
                assert_eq!(expected.is_ok(), addr <= last, "{op} at {addr}");
                if expected.is_err() {
                    assert!(memories[0].data(&store) == &before[..], "a trapping {op} wrote to memory 0");
                }
                let f = instance.get_typed_func::<(i32, V128), ()>(&mut store, &format!("{op}/1"))?;
                assert_eq!(outcome(f.call(&mut store, (addr as i32, vector))), expected, "{op} on memory 1");
                let f = instance.get_typed_func::<(i64, V128), ()>(&mut store, &format!("{op}/2"))?;
                assert_eq!(outcome(f.call(&mut store, (addr as i64, vector))), expected, "{op} on memory 2");
                for m in 1..3 {
                    assert!(memories[m].data(&store) == memories[0].data(&store), "{op} at {addr} on memory {m}");
                }
                if addr == 17 {
                    // The lane stored, at 17 + offset 3.
                    let at = &memories[1].data(&store)[20..20 + *width as usize];
                    let lane = V128_LANES.iter().find(|&&(bits, _)| u64::from(bits / 8) == *width).map_or(0, |l| l.1);
                    let start = (lane as usize * *width as usize) % 16;
                    assert_eq!(at, &vector.as_u128().to_le_bytes()[start..start + at.len()], "{op} at 17");
                }
            }
        }

        // Memory 1 is checked against its own, current size.
        let grow1 = instance.get_typed_func::<i32, i32>(&mut store, "grow1")?;
        let load1 = instance.get_typed_func::<i32, V128>(&mut store, "v128.load/1")?;
        assert_eq!(trap_of(&load1.call(&mut store, PAGE as i32).unwrap_err()), Trap::MemoryOutOfBounds);
        assert_eq!(grow1.call(&mut store, 1)?, 1);
        assert_eq!(load1.call(&mut store, PAGE as i32)?.as_u128(), 0);
        assert_eq!(load1.call(&mut store, 2 * PAGE as i32 - 19)?.as_u128(), 0);
        assert_eq!(trap_of(&load1.call(&mut store, 2 * PAGE as i32 - 18).unwrap_err()), Trap::MemoryOutOfBounds);
        let load0 = instance.get_typed_func::<i32, V128>(&mut store, "v128.load/0")?;
        assert_eq!(trap_of(&load0.call(&mut store, PAGE as i32).unwrap_err()), Trap::MemoryOutOfBounds);
    }
    Ok(())
}
