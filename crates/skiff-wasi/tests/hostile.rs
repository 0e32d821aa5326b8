//! Guests that pass bad pointers, lengths and strings: each call must fail
//! with the errno WASI gives (or succeed), never crash or panic the host.

mod common;

use common::Captured;
use skiff::{Engine, Linker, Module, Store};
use skiff_wasi::{I32Exit, InputStream, OutputStream, WasiCtx};

const EFAULT: i32 = 21;
const EBADF: i32 = 8;
const EILSEQ: i32 = 25;
const EINVAL: i32 = 28;

/// Instantiates `wat` (which imports what it needs from WASI and exports
/// `memory` of one page) with stdout captured and `stdin` as its input.
fn instance(wat: &str, stdin: &[u8]) -> anyhow::Result<(Store<WasiCtx>, skiff::Instance, Captured)> {
    instance_with_dir(wat, stdin, None)
}

fn instance_with_dir(
    wat: &str,
    stdin: &[u8],
    dir: Option<&std::path::Path>,
) -> anyhow::Result<(Store<WasiCtx>, skiff::Instance, Captured)> {
    let engine = Engine::default();
    let module = Module::new(&engine, wat)?;
    let mut linker = Linker::new(&engine);
    skiff_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
    let out = Captured::default();
    let mut builder = WasiCtx::builder();
    builder
        .args(["prog", "arg"])
        .stdin(InputStream::Reader(Box::new(std::io::Cursor::new(stdin.to_vec()))))
        .stdout(OutputStream::Writer(Box::new(out.clone())));
    if let Some(dir) = dir {
        builder.preopened_dir(dir, "/")?;
    }
    let ctx = builder.build();
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module)?;
    Ok((store, instance, out))
}

const IMPORTS: &str = r#"
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
"#;

fn call(store: &mut Store<WasiCtx>, instance: &skiff::Instance, name: &str, args: (i32, i32, i32, i32)) -> i32 {
    let f = instance.get_typed_func::<(i32, i32, i32, i32), i32>(&mut *store, name).unwrap();
    f.call(&mut *store, args).unwrap()
}

fn module() -> String {
    format!(
        r#"(module {IMPORTS}
          (func (export "write") (param i32 i32 i32 i32) (result i32)
            (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
          (func (export "read") (param i32 i32 i32 i32) (result i32)
            (call $fd_read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
          (func (export "args") (param i32 i32 i32 i32) (result i32)
            (call $args_get (local.get 0) (local.get 1)))
          (func (export "random") (param i32 i32 i32 i32) (result i32)
            (call $random_get (local.get 0) (local.get 1)))
          (func (export "poll") (param i32 i32 i32 i32) (result i32)
            (call $poll_oneoff (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
          (func (export "open") (param i32 i32 i32 i32) (result i32)
            (call $path_open (i32.const 3) (i32.const 0) (local.get 0) (local.get 1)
              (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (local.get 2)))
          (func (export "exit") (param i32 i32 i32 i32) (result i32)
            (call $proc_exit (local.get 0)) (i32.const -1))
          (data (i32.const 100) "hello\ff\fe"))"#
    )
}

/// Writes the iovec `(buf, len)` at `at` in guest memory.
fn iovec(store: &mut Store<WasiCtx>, instance: &skiff::Instance, at: usize, buf: u32, len: u32) {
    let memory = instance.get_memory(&mut *store, "memory").unwrap();
    memory.data_mut(&mut *store)[at..at + 4].copy_from_slice(&buf.to_le_bytes());
    memory.data_mut(&mut *store)[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
}

#[test]
fn bad_pointers_are_efault() -> anyhow::Result<()> {
    let (mut store, instance, out) = instance(&module(), b"")?;
    let end = 65536;
    // The iovec array itself outside memory, or straddling its end.
    assert_eq!(call(&mut store, &instance, "write", (1, end, 1, 0)), EFAULT);
    assert_eq!(call(&mut store, &instance, "write", (1, end - 4, 1, 0)), EFAULT);
    // A count whose byte size overflows 32 bits.
    assert_eq!(call(&mut store, &instance, "write", (1, 0, 0x2000_0000, 0)), EFAULT);
    // A buffer that runs past the end, or whose end wraps around.
    iovec(&mut store, &instance, 0, end as u32 - 2, 3);
    assert_eq!(call(&mut store, &instance, "write", (1, 0, 1, 16)), EFAULT);
    iovec(&mut store, &instance, 0, u32::MAX, 2);
    assert_eq!(call(&mut store, &instance, "write", (1, 0, 1, 16)), EFAULT);
    // The count's pointer out of bounds: the write happens, only storing
    // the count fails.
    iovec(&mut store, &instance, 0, 100, 5);
    assert_eq!(call(&mut store, &instance, "write", (1, 0, 1, -1)), EFAULT);
    assert_eq!(call(&mut store, &instance, "write", (1, 0, 1, 16)), 0);
    assert_eq!(out.bytes().as_slice(), b"hellohello");

    assert_eq!(call(&mut store, &instance, "args", (end - 4, 0, 0, 0)), EFAULT);
    assert_eq!(call(&mut store, &instance, "args", (0, end - 3, 0, 0)), EFAULT);
    assert_eq!(call(&mut store, &instance, "random", (end - 10, 11, 0, 0)), EFAULT);
    assert_eq!(call(&mut store, &instance, "random", (end - 10, 10, 0, 0)), 0);
    // Huge subscription counts must not allocate or wrap.
    assert_eq!(call(&mut store, &instance, "poll", (0, 4096, i32::MAX, 0)), EFAULT);
    assert_eq!(call(&mut store, &instance, "poll", (0, 4096, 0, 8)), EINVAL);
    // Unknown descriptors.
    assert_eq!(call(&mut store, &instance, "write", (77, 0, 1, 16)), EBADF);
    Ok(())
}

#[test]
fn paths_must_be_utf8_and_in_bounds() -> anyhow::Result<()> {
    let (mut store, instance, _) = instance(&module(), b"")?;
    // No preopen at fd 3 here: a valid path still fails cleanly.
    assert_eq!(call(&mut store, &instance, "open", (100, 5, 0, 0)), EBADF);
    let (mut store, instance, _) = instance_with_dir(&module(), b"", Some(&std::env::temp_dir()))?;
    assert_eq!(call(&mut store, &instance, "open", (100, 7, 0, 0)), EILSEQ);
    assert_eq!(call(&mut store, &instance, "open", (65530, 10, 0, 0)), EFAULT);
    Ok(())
}

#[test]
fn overlapping_read_buffers_get_a_short_read() -> anyhow::Result<()> {
    let (mut store, instance, _) = instance(&module(), b"abcdefgh")?;
    // Two iovecs over the same bytes: only the first is filled.
    iovec(&mut store, &instance, 0, 200, 4);
    iovec(&mut store, &instance, 8, 202, 4);
    assert_eq!(call(&mut store, &instance, "read", (0, 0, 2, 16)), 0);
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert_eq!(u32::from_le_bytes(memory.data(&store)[16..20].try_into()?), 4);
    assert_eq!(&memory.data(&store)[200..206], b"abcd\0\0");
    // Disjoint iovecs, the later one at a lower address: filled in the guest's order.
    iovec(&mut store, &instance, 0, 300, 2);
    iovec(&mut store, &instance, 8, 250, 2);
    assert_eq!(call(&mut store, &instance, "read", (0, 0, 2, 16)), 0);
    assert_eq!(&memory.data(&store)[300..302], b"ef");
    assert_eq!(&memory.data(&store)[250..252], b"gh");
    Ok(())
}

#[test]
fn proc_exit_unwinds_with_the_code() -> anyhow::Result<()> {
    let (mut store, instance, _) = instance(&module(), b"")?;
    let f = instance.get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, "exit")?;
    let err = f.call(&mut store, (7, 0, 0, 0)).unwrap_err();
    assert_eq!(err.downcast_ref::<I32Exit>(), Some(&I32Exit(7)));
    Ok(())
}

#[test]
fn a_module_without_memory_gets_efault_not_a_crash() -> anyhow::Result<()> {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
      (func (export "go") (result i32)
        (i32.add (call $yield) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0)))))"#;
    let (mut store, instance, _) = instance(wat, b"")?;
    let go = instance.get_typed_func::<(), i32>(&mut store, "go")?;
    assert_eq!(go.call(&mut store, ())?, EFAULT);
    Ok(())
}

/// A file opened to append: `fd_pwrite` writes (at the end, as Linux does
/// with `O_APPEND`; POSIX would write at the offset) and leaves the
/// position where it was. Once `APPEND` is cleared it writes at the offset.
#[test]
fn pwrite_on_an_appending_file_keeps_the_position() -> anyhow::Result<()> {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_pwrite" (func $pwrite (param i32 i32 i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_tell" (func $tell (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $set_flags (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "f.txt")
      (data (i32.const 16) "\20\00\00\00\02\00\00\00")  ;; iovec: 2 bytes at 32
      (data (i32.const 32) "hi")
      ;; Opens f.txt (created, APPEND) into the fd at 100; returns the errno.
      (func (export "open") (result i32)
        (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 5)
          (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 1) (i32.const 100)))
      (func (export "write") (result i32)
        (call $write (i32.load (i32.const 100)) (i32.const 16) (i32.const 1) (i32.const 104)))
      (func (export "pwrite") (result i32)
        (call $pwrite (i32.load (i32.const 100)) (i32.const 16) (i32.const 1) (i64.const 4) (i32.const 104)))
      (func (export "tell") (result i32)
        (drop (call $tell (i32.load (i32.const 100)) (i32.const 112)))
        (i32.load (i32.const 112)))
      (func (export "clear_append") (result i32)
        (call $set_flags (i32.load (i32.const 100)) (i32.const 0))))"#;
    let dir = std::env::temp_dir().join(format!("skiff-wasi-pwrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (mut store, instance, _) = instance_with_dir(wat, b"", Some(&dir))?;
    let call = |store: &mut Store<WasiCtx>, name: &str| {
        instance.get_typed_func::<(), i32>(&mut *store, name).unwrap().call(&mut *store, ()).unwrap()
    };
    assert_eq!(call(&mut store, "open"), 0);
    assert_eq!(call(&mut store, "write"), 0);
    assert_eq!(call(&mut store, "tell"), 2);
    assert_eq!(call(&mut store, "pwrite"), 0);
    assert_eq!(call(&mut store, "tell"), 2, "pwrite moved the position");
    assert_eq!(std::fs::read(dir.join("f.txt"))?, b"hihi");
    assert_eq!(call(&mut store, "clear_append"), 0);
    assert_eq!(call(&mut store, "pwrite"), 0);
    assert_eq!(std::fs::read(dir.join("f.txt"))?, b"hihihi");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
