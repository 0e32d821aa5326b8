//! 64-bit memories and tables (memory64, table64) as an embedder sees them:
//! the types and handles, accesses at addresses and offsets near 2^64 that
//! must trap instead of wrapping around, growth limits, and tables indexed
//! by i64.

use skiff::{
    CompilationMode, Config, Engine, Func, Instance, Linker, Memory, MemoryType, Module, RefType, Store, StoreLimits,
    StoreLimitsBuilder, Table, TableType, Trap, V128, Val,
};

fn trap_of(err: &anyhow::Error) -> Trap {
    *err.downcast_ref::<Trap>().unwrap_or_else(|| panic!("expected a trap, got: {err:?}"))
}

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

const PAGE: u64 = 65536;

/// A one-page 64-bit memory with accesses at every kind of offset.
const ACCESSES: &str = r#"
(module
  (memory (export "mem") i64 1 4)
  (data (i64.const 0xfff8) "\01\02\03\04\05\06\07\08")
  (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load_off") (param i64) (result i64) (i64.load offset=0xfff8 (local.get 0)))
  (func (export "load_max_off") (param i64) (result i32) (i32.load8_u offset=0xffffffffffffffff (local.get 0)))
  (func (export "load_high_off") (param i64) (result i32) (i32.load8_u offset=0x100000000 (local.get 0)))
  (func (export "load8_s") (param i64) (result i32) (i32.load8_s (local.get 0)))
  (func (export "load32_s") (param i64) (result i64) (i64.load32_s (local.get 0)))
  (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "store_off") (param i64 i32) (i32.store16 offset=0xfffffffffffffff0 (local.get 0) (local.get 1)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))
"#;

#[test]
fn accesses_near_two_to_the_64_trap_cleanly() -> anyhow::Result<()> {
    for engine in engines() {
        let module = Module::new(&engine, ACCESSES)?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let load = instance.get_typed_func::<i64, i64>(&mut store, "load")?;
        let load_off = instance.get_typed_func::<i64, i64>(&mut store, "load_off")?;
        let load_max_off = instance.get_typed_func::<i64, i32>(&mut store, "load_max_off")?;
        let load_high_off = instance.get_typed_func::<i64, i32>(&mut store, "load_high_off")?;
        let oob = |result: anyhow::Result<i64>| trap_of(&result.unwrap_err());

        assert_eq!(load.call(&mut store, 0xfff8)?, 0x0807_0605_0403_0201);
        assert_eq!(load_off.call(&mut store, 0)?, 0x0807_0605_0403_0201);
        assert_eq!(oob(load.call(&mut store, 0xfff9)), Trap::MemoryOutOfBounds);
        // Addresses whose sum with the offset or width would wrap to a
        // small (in-bounds) address must trap, not wrap.
        for addr in [-1i64, -8, -7, i64::MIN, i64::MAX, 1 << 32, 1 << 48] {
            assert_eq!(oob(load.call(&mut store, addr)), Trap::MemoryOutOfBounds, "address {addr:#x}");
        }
        for addr in [-0xfff8i64, -0xfff7, -8, -1] {
            assert_eq!(oob(load_off.call(&mut store, addr)), Trap::MemoryOutOfBounds, "address {addr:#x}");
        }
        // offset = 2^64 - 1: only address 0 has a representable end, and it is out of bounds.
        for addr in [0i64, 1, 2, -1] {
            let err = load_max_off.call(&mut store, addr).unwrap_err();
            assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds, "address {addr:#x}");
        }
        // offset = 2^32: out of bounds of a one-page memory for any address,
        // and wrapping at 2^64 must not bring it back to the first page.
        for addr in [0i64, -(1i64 << 32), -(1i64 << 32) + 5] {
            let err = load_high_off.call(&mut store, addr).unwrap_err();
            assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds, "address {addr:#x}");
        }

        // Sign-extending loads on a 64-bit memory.
        let store_fn = instance.get_typed_func::<(i64, i64), ()>(&mut store, "store")?;
        store_fn.call(&mut store, (16, -2))?;
        assert_eq!(instance.get_typed_func::<i64, i32>(&mut store, "load8_s")?.call(&mut store, 16)?, -2);
        assert_eq!(instance.get_typed_func::<i64, i64>(&mut store, "load32_s")?.call(&mut store, 16)?, -2);
        for addr in [-1i64, -8, PAGE as i64 - 7] {
            let err = store_fn.call(&mut store, (addr, 0)).unwrap_err();
            assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds, "address {addr:#x}");
        }
        let store_off = instance.get_typed_func::<(i64, i32), ()>(&mut store, "store_off")?;
        for addr in [0x10i64, 0x11, 0x20, 0] {
            let err = store_off.call(&mut store, (addr, 0x7f7f)).unwrap_err();
            assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds, "address {addr:#x}");
        }
        let memory = instance.get_memory(&mut store, "mem").unwrap();
        assert!(memory.data(&store)[..32].iter().zip(0..).all(|(&b, i)| b == 0 || (16..24).contains(&i)));

        // Bulk operations take i64 addresses and lengths: sums past 2^64 trap.
        let fill = instance.get_typed_func::<(i64, i32, i64), ()>(&mut store, "fill")?;
        fill.call(&mut store, (100, 7, 4))?;
        assert_eq!(&memory.data(&store)[100..104], &[7; 4]);
        for (addr, len) in
            [(-1i64, 2i64), (1, -1), (PAGE as i64, 1), (0, PAGE as i64 + 1), (-(PAGE as i64), PAGE as i64)]
        {
            let err = fill.call(&mut store, (addr, 1, len)).unwrap_err();
            assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds, "fill at {addr:#x} of {len:#x}");
        }
        let copy = instance.get_typed_func::<(i64, i64, i64), ()>(&mut store, "copy")?;
        copy.call(&mut store, (200, 100, 4))?;
        assert_eq!(&memory.data(&store)[200..204], &[7; 4]);
        for (dst, src, len) in [(0i64, -1i64, 2i64), (-1, 0, 2), (0, 0, -1), (0, 1, PAGE as i64)] {
            let err = copy.call(&mut store, (dst, src, len)).unwrap_err();
            assert_eq!(trap_of(&err), Trap::MemoryOutOfBounds, "copy {src:#x} to {dst:#x} of {len:#x}");
        }
        assert_eq!(&memory.data(&store)[..2], &[0, 0], "a trapping bulk operation writes nothing");
    }
    Ok(())
}

/// SIMD accesses on a one-page 64-bit memory 0 (which takes the path of
/// every memory but a 32-bit memory 0), with offsets up to 2^64 - 1.
const SIMD_ACCESSES: &str = r#"
(module
  (memory (export "mem") i64 1)
  (data (i64.const 0xfff0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (func (export "load") (param i64) (result v128) (v128.load (local.get 0)))
  (func (export "load_off") (param i64) (result v128) (v128.load offset=0xfff0 (local.get 0)))
  (func (export "load_high_off") (param i64) (result v128) (v128.load offset=0x100000000 (local.get 0)))
  (func (export "load_max_off") (param i64) (result v128) (v128.load8_splat offset=0xffffffffffffffff (local.get 0)))
  (func (export "load64_zero_near_top") (param i64) (result v128)
    (v128.load64_zero offset=0xfffffffffffffff8 (local.get 0)))
  (func (export "load32x2_s") (param i64) (result v128) (v128.load32x2_s offset=8 (local.get 0)))
  (func (export "load16_lane_high_off") (param i64 v128) (result v128)
    (v128.load16_lane offset=0x1000000000000 7 (local.get 0) (local.get 1)))
  (func (export "load64_lane_near_top") (param i64 v128) (result v128)
    (v128.load64_lane offset=0xfffffffffffffff0 1 (local.get 0) (local.get 1)))
  (func (export "store") (param i64 v128) (v128.store (local.get 0) (local.get 1)))
  (func (export "store_near_top") (param i64 v128) (v128.store offset=0xfffffffffffffff8 (local.get 0) (local.get 1)))
  (func (export "store_high_off") (param i64 v128) (v128.store offset=0x100000001 (local.get 0) (local.get 1)))
  (func (export "store32_lane_near_top") (param i64 v128)
    (v128.store32_lane offset=0xfffffffffffffffc 3 (local.get 0) (local.get 1))))
"#;

#[test]
fn simd_accesses_near_two_to_the_64_trap_cleanly() -> anyhow::Result<()> {
    let data = 0x100f_0e0d_0c0b_0a09_0807_0605_0403_0201_u128;
    let vector = V128::from(0xaaaa_bbbb_cccc_dddd_eeee_ffff_1111_2222_u128);
    for engine in engines() {
        let module = Module::new(&engine, SIMD_ACCESSES)?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let memory = instance.get_memory(&mut store, "mem").unwrap();
        let load = |store: &mut Store<()>, name: &str, addr: i64| {
            let f = instance.get_typed_func::<i64, V128>(&mut *store, name).unwrap();
            f.call(store, addr).map(|v| v.as_u128()).map_err(|e| trap_of(&e))
        };
        let lane = |store: &mut Store<()>, name: &str, addr: i64| {
            let f = instance.get_typed_func::<(i64, V128), V128>(&mut *store, name).unwrap();
            f.call(store, (addr, vector)).map(|v| v.as_u128()).map_err(|e| trap_of(&e))
        };
        let oob = Err(Trap::MemoryOutOfBounds);

        // In bounds up to the last byte, and not one byte further.
        assert_eq!(load(&mut store, "load", 0xfff0), Ok(data));
        assert_eq!(load(&mut store, "load_off", 0), Ok(data));
        assert_eq!(load(&mut store, "load", 0xfff1), oob);
        assert_eq!(load(&mut store, "load_off", 1), oob);
        // Bytes 7..=14 of the data as two sign-extended (positive) i32 lanes.
        let expected = 0x0a09_0807 | 0x0e0d_0c0b << 64;
        assert_eq!(load(&mut store, "load32x2_s", 0xfff0 - 2), Ok(expected));
        // Addresses whose sum with the offset and width would wrap around
        // 2^64 to an in-bounds address trap.
        for addr in [-1i64, -16, -15, i64::MIN, i64::MAX, 1 << 32, -0xfff0, -0xffff] {
            assert_eq!(load(&mut store, "load", addr), oob, "load at {addr:#x}");
            assert_eq!(load(&mut store, "load_off", addr), oob, "load offset=0xfff0 at {addr:#x}");
        }
        for addr in [0i64, 1, -(1 << 32), -(1 << 32) + 0xfff0] {
            assert_eq!(load(&mut store, "load_high_off", addr), oob, "load offset=2^32 at {addr:#x}");
        }
        for addr in [0i64, 1, -1] {
            assert_eq!(load(&mut store, "load_max_off", addr), oob, "load8_splat offset=2^64-1 at {addr:#x}");
        }
        for addr in [0i64, 8, 9, 0x10008, -8] {
            assert_eq!(load(&mut store, "load64_zero_near_top", addr), oob, "load64_zero at {addr:#x}");
        }
        for addr in [0i64, -(1 << 48), -(1 << 48) + 0xfff0] {
            assert_eq!(lane(&mut store, "load16_lane_high_off", addr), oob, "load16_lane at {addr:#x}");
        }
        for addr in [0i64, 0x10, 0x11, 0x10000, -0x10] {
            assert_eq!(lane(&mut store, "load64_lane_near_top", addr), oob, "load64_lane at {addr:#x}");
        }

        // Stores: in bounds at the edge; a trapping store writes nothing,
        // whether it is partly in bounds or its sum wraps around 2^64.
        let store_fn = |store: &mut Store<()>, name: &str, addr: i64| {
            let f = instance.get_typed_func::<(i64, V128), ()>(&mut *store, name).unwrap();
            f.call(store, (addr, vector)).map_err(|e| trap_of(&e))
        };
        assert_eq!(store_fn(&mut store, "store", 0xffe0), Ok(()));
        assert_eq!(&memory.data(&store)[0xffe0..0xfff0], &vector.as_u128().to_le_bytes());
        let before = memory.data(&store).to_vec();
        for addr in [0xfff1i64, 0xffff, -1, -8, -16, i64::MIN] {
            assert_eq!(store_fn(&mut store, "store", addr), Err(Trap::MemoryOutOfBounds), "store at {addr:#x}");
        }
        for addr in [0i64, 8, 9, 0x10008, -8] {
            assert_eq!(
                store_fn(&mut store, "store_near_top", addr),
                Err(Trap::MemoryOutOfBounds),
                "store offset=2^64-8 at {addr:#x}"
            );
        }
        for addr in [0i64, -(1 << 32), -(1 << 32) - 1, -(1 << 32) + 0x100] {
            assert_eq!(
                store_fn(&mut store, "store_high_off", addr),
                Err(Trap::MemoryOutOfBounds),
                "store offset=2^32+1 at {addr:#x}"
            );
        }
        for addr in [0i64, 4, 5, -4] {
            assert_eq!(
                store_fn(&mut store, "store32_lane_near_top", addr),
                Err(Trap::MemoryOutOfBounds),
                "store32_lane at {addr:#x}"
            );
        }
        assert!(memory.data(&store) == &before[..], "a trapping SIMD store wrote to memory");
    }
    Ok(())
}

#[test]
fn memory_type_new64_and_64_bit_handles() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = MemoryType::new64(2, Some(1 << 40));
    assert!(ty.is_64());
    assert!(!MemoryType::new(1, None).is_64());
    let memory = Memory::new(&mut store, ty.clone())?;
    assert_eq!(memory.ty(&store), ty);
    assert_eq!(memory.size(&store), 2);
    assert_eq!(memory.grow(&mut store, 1)?, 2);
    assert_eq!(memory.size(&store), 3);
    memory.write(&mut store, (3 * PAGE - 2) as usize, &[9, 8])?;

    // A 64-bit memory imports only into a 64-bit import, and the other way round.
    let module = Module::new(
        &engine,
        r#"(module (import "h" "m" (memory i64 1))
             (func (export "load") (param i64) (result i32) (i32.load16_u (local.get 0)))
             (func (export "size") (result i64) (memory.size)))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[memory.into()])?;
    let load = instance.get_typed_func::<i64, i32>(&mut store, "load")?;
    assert_eq!(load.call(&mut store, 3 * PAGE as i64 - 2)?, 0x0809);
    assert_eq!(instance.get_typed_func::<(), i64>(&mut store, "size")?.call(&mut store, ())?, 3);
    let memory32 = Memory::new(&mut store, MemoryType::new(1, None))?;
    let err = Instance::new(&mut store, &module, &[memory32.into()]).unwrap_err();
    assert!(err.to_string().contains("incompatible import type"), "{err:#}");
    let module32 = Module::new(&engine, r#"(module (import "h" "m" (memory 1)))"#)?;
    let err = Instance::new(&mut store, &module32, &[memory.into()]).unwrap_err();
    assert!(err.to_string().contains("incompatible import type"), "{err:#}");
    Ok(())
}

#[test]
fn growth_is_limited_by_type_store_and_reservation() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(&engine, ACCESSES)?;
    struct State {
        limits: StoreLimits,
    }
    let mut store = Store::new(&engine, State { limits: StoreLimitsBuilder::new().memory_size(3 << 16).build() });
    store.limiter(|s| &mut s.limits);
    let instance = Instance::new(&mut store, &module, &[])?;
    let grow = instance.get_typed_func::<i64, i64>(&mut store, "grow")?;
    let size = instance.get_typed_func::<(), i64>(&mut store, "size")?;
    let memory = instance.get_memory(&mut store, "mem").unwrap();
    let base = memory.data_ptr(&store);
    // Failure is -1 as an i64, not a zero-extended i32 -1.
    for delta in [-1i64, i64::MIN, 1 << 48, 4] {
        assert_eq!(grow.call(&mut store, delta)?, -1, "delta {delta:#x}");
    }
    assert_eq!(grow.call(&mut store, 2)?, 1);
    assert_eq!(memory.data_ptr(&store), base, "growth must not move the memory");
    assert_eq!(grow.call(&mut store, 1)?, -1, "the store's limit is 3 pages");
    assert_eq!(size.call(&mut store, ())?, 3);
    let load = instance.get_typed_func::<i64, i64>(&mut store, "load")?;
    assert_eq!(load.call(&mut store, 3 * PAGE as i64 - 8)?, 0);
    assert_eq!(trap_of(&load.call(&mut store, 3 * PAGE as i64 - 7).unwrap_err()), Trap::MemoryOutOfBounds);

    // Without a maximum a 64-bit memory grows inside its reservation (16
    // GiB); growing past it fails cleanly instead of moving the memory.
    let unbounded = Module::new(
        &engine,
        r#"(module (memory i64 0)
             (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#,
    )?;
    let mut store = Store::new(&engine, State { limits: StoreLimits::default() });
    let instance = Instance::new(&mut store, &unbounded, &[])?;
    let grow = instance.get_typed_func::<i64, i64>(&mut store, "grow")?;
    assert_eq!(grow.call(&mut store, (16 << 30) / PAGE as i64 + 1)?, -1);
    assert_eq!(grow.call(&mut store, 1)?, 0);

    // The minimum must fit the reservation: a clear error, not a crash.
    let huge = Module::new(&engine, "(module (memory i64 0x1000000))")?;
    let err = Instance::new(&mut store, &huge, &[]).unwrap_err();
    assert!(format!("{err:#}").contains("too large"), "{err:#}");
    Ok(())
}

#[test]
fn memory_copy_between_32_and_64_bit_memories() -> anyhow::Result<()> {
    for engine in engines() {
        let module = Module::new(
            &engine,
            r#"(module
                 (memory $small 1)
                 (memory $big (export "big") i64 1)
                 (data (memory $small) (i32.const 4) "abcd")
                 ;; The length has the smaller index type: i32.
                 (func (export "up") (param i64 i32 i32) (memory.copy $big $small (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "down") (param i32 i64 i32) (memory.copy $small $big (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "load_small") (param i32) (result i32) (i32.load $small (local.get 0))))"#,
        )?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let up = instance.get_typed_func::<(i64, i32, i32), ()>(&mut store, "up")?;
        let down = instance.get_typed_func::<(i32, i64, i32), ()>(&mut store, "down")?;
        up.call(&mut store, (PAGE as i64 - 4, 4, 4))?;
        let big = instance.get_memory(&mut store, "big").unwrap();
        assert_eq!(&big.data(&store)[(PAGE - 4) as usize..], b"abcd");
        down.call(&mut store, (100, PAGE as i64 - 3, 3))?;
        let load_small = instance.get_typed_func::<i32, i32>(&mut store, "load_small")?;
        assert_eq!(load_small.call(&mut store, 100)?, i32::from_le_bytes(*b"bcd\0"));
        assert_eq!(trap_of(&up.call(&mut store, (-1, 0, 1)).unwrap_err()), Trap::MemoryOutOfBounds);
        assert_eq!(trap_of(&up.call(&mut store, (0, -1, 1)).unwrap_err()), Trap::MemoryOutOfBounds);
        assert_eq!(trap_of(&down.call(&mut store, (0, -1, 2)).unwrap_err()), Trap::MemoryOutOfBounds);
        // An i32 length of 2^32 - 1 is a large length, not -1.
        assert_eq!(trap_of(&down.call(&mut store, (0, 0, -1)).unwrap_err()), Trap::MemoryOutOfBounds);
    }
    Ok(())
}

#[test]
fn tables_with_64_bit_indices() -> anyhow::Result<()> {
    for engine in engines() {
        let module = Module::new(
            &engine,
            r#"(module
                 (type $t (func (result i32)))
                 (table $t64 (export "t64") i64 4 10 funcref)
                 (table $t32 4 funcref)
                 (func $one (result i32) (i32.const 1))
                 (func $two (result i32) (i32.const 2))
                 (elem (table $t64) (i64.const 1) func $one $two)
                 (elem $passive func $two $one)
                 (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $t) (local.get 0)))
                 (func (export "tail") (param i64) (result i32) (return_call_indirect $t64 (type $t) (local.get 0)))
                 (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
                 (func (export "set") (param i64) (table.set $t64 (local.get 0) (ref.func $two)))
                 (func (export "size") (result i64) (table.size $t64))
                 (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
                 (func (export "fill") (param i64 i64) (table.fill $t64 (local.get 0) (ref.func $one) (local.get 1)))
                 (func (export "copy_to_32") (param i32 i64 i32) (table.copy $t32 $t64 (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "copy_to_64") (param i64 i32 i32) (table.copy $t64 $t32 (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "init") (param i64 i32 i32) (table.init $t64 $passive (local.get 0) (local.get 1) (local.get 2)))
                 (func (export "call32") (param i32) (result i32) (call_indirect $t32 (type $t) (local.get 0))))"#,
        )?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let call = instance.get_typed_func::<i64, i32>(&mut store, "call")?;
        let tail = instance.get_typed_func::<i64, i32>(&mut store, "tail")?;
        let is_null = instance.get_typed_func::<i64, i32>(&mut store, "is_null")?;
        assert_eq!(call.call(&mut store, 1)?, 1);
        assert_eq!(tail.call(&mut store, 2)?, 2);
        assert_eq!(trap_of(&call.call(&mut store, 0).unwrap_err()), Trap::IndirectCallToNull);
        // Indices past 2^32 are out of bounds, never truncated to a small one.
        for index in [4i64, 1 << 32, (1 << 32) + 1, -1, i64::MIN] {
            assert_eq!(trap_of(&call.call(&mut store, index).unwrap_err()), Trap::TableOutOfBounds, "{index:#x}");
            assert_eq!(trap_of(&tail.call(&mut store, index).unwrap_err()), Trap::TableOutOfBounds, "{index:#x}");
            assert_eq!(trap_of(&is_null.call(&mut store, index).unwrap_err()), Trap::TableOutOfBounds, "{index:#x}");
        }
        let set = instance.get_typed_func::<i64, ()>(&mut store, "set")?;
        set.call(&mut store, 3)?;
        assert_eq!(call.call(&mut store, 3)?, 2);
        assert_eq!(trap_of(&set.call(&mut store, (1 << 32) + 3).unwrap_err()), Trap::TableOutOfBounds);

        let size = instance.get_typed_func::<(), i64>(&mut store, "size")?;
        let grow = instance.get_typed_func::<i64, i64>(&mut store, "grow")?;
        assert_eq!(grow.call(&mut store, 2)?, 4);
        assert_eq!(size.call(&mut store, ())?, 6);
        for delta in [5i64, 1 << 32, -1] {
            assert_eq!(grow.call(&mut store, delta)?, -1, "growth failure is an i64 -1 (delta {delta:#x})");
        }
        assert_eq!(is_null.call(&mut store, 5)?, 1);

        let fill = instance.get_typed_func::<(i64, i64), ()>(&mut store, "fill")?;
        fill.call(&mut store, (4, 2))?;
        assert_eq!(call.call(&mut store, 5)?, 1);
        for (at, len) in [(5i64, 2i64), (-1, 1), (1, -1), (1 << 32, 0)] {
            assert_eq!(trap_of(&fill.call(&mut store, (at, len)).unwrap_err()), Trap::TableOutOfBounds);
        }

        // table.copy between an i64 and an i32 table: the length is an i32.
        let copy_to_32 = instance.get_typed_func::<(i32, i64, i32), ()>(&mut store, "copy_to_32")?;
        copy_to_32.call(&mut store, (0, 1, 3))?;
        let call32 = instance.get_typed_func::<i32, i32>(&mut store, "call32")?;
        assert_eq!((call32.call(&mut store, 0)?, call32.call(&mut store, 1)?, call32.call(&mut store, 2)?), (1, 2, 2));
        assert_eq!(trap_of(&copy_to_32.call(&mut store, (0, -1, 1)).unwrap_err()), Trap::TableOutOfBounds);
        let copy_to_64 = instance.get_typed_func::<(i64, i32, i32), ()>(&mut store, "copy_to_64")?;
        copy_to_64.call(&mut store, (0, 1, 1))?;
        assert_eq!(call.call(&mut store, 0)?, 2);
        assert_eq!(trap_of(&copy_to_64.call(&mut store, (1 << 32, 0, 1)).unwrap_err()), Trap::TableOutOfBounds);

        let init = instance.get_typed_func::<(i64, i32, i32), ()>(&mut store, "init")?;
        init.call(&mut store, (4, 0, 2))?;
        assert_eq!((call.call(&mut store, 4)?, call.call(&mut store, 5)?), (2, 1));
        assert_eq!(trap_of(&init.call(&mut store, ((1 << 32) + 4, 0, 2)).unwrap_err()), Trap::TableOutOfBounds);
    }
    Ok(())
}

#[test]
fn table_type_new64_and_host_tables() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = TableType::new64(RefType::FUNCREF, 2, Some(1 << 40));
    assert!(ty.is_64());
    assert!(!TableType::new(RefType::FUNCREF, 2, None).is_64());
    let table = Table::new(&mut store, ty.clone(), Val::null_func_ref())?;
    assert_eq!(table.ty(&store), ty);
    assert_eq!(table.grow(&mut store, 1, Val::null_func_ref())?, 2);
    let seven = Func::wrap(&mut store, || 7i32);
    table.set(&mut store, 2, Val::FuncRef(Some(seven)))?;

    let module = Module::new(
        &engine,
        r#"(module (import "h" "t" (table i64 1 funcref))
             (func (export "call") (param i64) (result i32) (call_indirect (result i32) (local.get 0)))
             (func (export "size") (result i64) (table.size)))"#,
    )?;
    let mut linker = Linker::new(&engine);
    linker.define(&store, "h", "t", table)?;
    let instance = linker.instantiate(&mut store, &module)?;
    assert_eq!(instance.get_typed_func::<i64, i32>(&mut store, "call")?.call(&mut store, 2)?, 7);
    assert_eq!(instance.get_typed_func::<(), i64>(&mut store, "size")?.call(&mut store, ())?, 3);
    // Index types must agree for a table import to match.
    let table32 = Table::new(&mut store, TableType::new(RefType::FUNCREF, 2, None), Val::null_func_ref())?;
    let err = Instance::new(&mut store, &module, &[table32.into()]).unwrap_err();
    assert!(err.to_string().contains("incompatible import type"), "{err:#}");
    Ok(())
}
