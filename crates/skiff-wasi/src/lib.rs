//! WASI preview1 (`wasi_snapshot_preview1`) for skiff, on a capability sandbox.
//!
//! A guest reaches only what its [`WasiCtx`] grants: the arguments and
//! environment given to the builder, its stdio, and the directories and
//! sockets preopened for it. Every path is resolved by cap-std beneath a
//! granted directory, so `..`, absolute paths and symlinks cannot lead out.
//!
//! ```
//! use skiff::{Engine, Linker, Module, Store};
//! use skiff_wasi::WasiCtx;
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
//!       (memory (export "memory") 1)
//!       (func (export "argc") (result i32)
//!         (drop (call $sizes (i32.const 0) (i32.const 4)))
//!         (i32.load (i32.const 0))))
//! "#)?;
//! let mut linker = Linker::new(&engine);
//! skiff_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
//! let ctx = WasiCtx::builder().args(["app.wasm", "one", "two"]).build();
//! let mut store = Store::new(&engine, ctx);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let argc = instance.get_typed_func::<(), i32>(&mut store, "argc")?;
//! assert_eq!(argc.call(&mut store, ())?, 3);
//! # Ok::<(), anyhow::Error>(())
//! ```

// Everything here goes through cap-std, rustix and skiff's safe API.
#![forbid(unsafe_code)]

mod abi;
mod ctx;
mod error;
mod fd;
mod memory;
mod path;
mod poll;
mod proc;
mod sock;
mod stat;
mod wait;

pub use ctx::{InputStream, OutputStream, WasiCtx, WasiCtxBuilder};
pub use proc::I32Exit;

use error::Error;
use memory::GuestMemory;
use skiff::{Caller, Extern, Linker};

/// The import module name of WASI preview1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// A WASI argument type and the wasm type it travels as.
trait WasiArg {
    type Wasm: skiff::WasmTy;
    fn from_wasm(value: Self::Wasm) -> Self;
}

impl WasiArg for u32 {
    type Wasm = i32;
    fn from_wasm(value: i32) -> u32 {
        value as u32
    }
}

impl WasiArg for u64 {
    type Wasm = i64;
    fn from_wasm(value: i64) -> u64 {
        value as u64
    }
}

/// Runs one WASI call against the calling instance's exported `memory` and
/// the store's [`WasiCtx`]. An errno becomes the call's result; an unwind (a
/// trap, `proc_exit`) ends the guest.
fn dispatch<T>(
    caller: &mut Caller<'_, T>,
    view: impl Fn(&mut T) -> &mut WasiCtx,
    call: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> error::Result<()>,
) -> anyhow::Result<i32> {
    let deadline = caller.epoch_deadline();
    // A module without a memory can still make the calls that need none;
    // any pointer it passes is out of bounds of the empty memory.
    let memory = caller.get_export("memory").and_then(Extern::into_memory);
    let (bytes, data): (&mut [u8], &mut T) = match memory {
        Some(memory) => memory.data_and_store_mut(caller),
        None => (&mut [], caller.data_mut()),
    };
    let ctx = view(data);
    ctx.deadline = deadline;
    match call(ctx, &mut GuestMemory::new(bytes)) {
        Ok(()) => Ok(0),
        Err(Error::Errno(errno)) => Ok(errno as i32),
        Err(Error::Unwind(err)) => Err(err),
    }
}

/// Defines `module::name(args…) -> errno` for each listed function, which
/// takes the context, the guest memory and the arguments as WASI types.
macro_rules! define_wasi_functions {
    ($linker:ident, $view:ident; $($module:ident::$name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $linker.func_wrap(
            MODULE,
            stringify!($name),
            move |mut caller: Caller<'_, T>, $($arg: <$ty as WasiArg>::Wasm),*| -> anyhow::Result<i32> {
                dispatch(&mut caller, $view, |ctx, mem| $module::$name(ctx, mem, $(<$ty as WasiArg>::from_wasm($arg)),*))
            },
        )?;
    )*};
}

/// Defines every function of `wasi_snapshot_preview1` in `linker`. `view`
/// finds the [`WasiCtx`] in the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    view: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> anyhow::Result<()> {
    define_wasi_functions!(linker, view;
        proc::args_get(argv: u32, argv_buf: u32);
        proc::args_sizes_get(argc: u32, argv_buf_size: u32);
        proc::environ_get(environ: u32, environ_buf: u32);
        proc::environ_sizes_get(count: u32, buf_size: u32);
        proc::clock_res_get(id: u32, resolution: u32);
        proc::clock_time_get(id: u32, precision: u64, time: u32);
        proc::proc_raise(signal: u32);
        proc::sched_yield();
        proc::random_get(buf: u32, len: u32);
        fd::fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
        fd::fd_allocate(fd: u32, offset: u64, len: u64);
        fd::fd_close(fd: u32);
        fd::fd_datasync(fd: u32);
        fd::fd_fdstat_get(fd: u32, stat: u32);
        fd::fd_fdstat_set_flags(fd: u32, flags: u32);
        fd::fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
        fd::fd_filestat_get(fd: u32, buf: u32);
        fd::fd_filestat_set_size(fd: u32, size: u64);
        fd::fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u32);
        fd::fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
        fd::fd_prestat_get(fd: u32, prestat: u32);
        fd::fd_prestat_dir_name(fd: u32, path: u32, path_len: u32);
        fd::fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
        fd::fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32);
        fd::fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
        fd::fd_renumber(from: u32, to: u32);
        fd::fd_seek(fd: u32, offset: u64, whence: u32, newoffset: u32);
        fd::fd_sync(fd: u32);
        fd::fd_tell(fd: u32, offset: u32);
        fd::fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
        path::path_create_directory(fd: u32, path: u32, path_len: u32);
        path::path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, buf: u32);
        path::path_filestat_set_times(fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32);
        path::path_link(old_fd: u32, old_flags: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
        path::path_open(fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, rights_base: u64, rights_inheriting: u64, fdflags: u32, opened_fd: u32);
        path::path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
        path::path_remove_directory(fd: u32, path: u32, path_len: u32);
        path::path_rename(old_fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32);
        path::path_symlink(old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32);
        path::path_unlink_file(fd: u32, path: u32, path_len: u32);
        poll::poll_oneoff(input: u32, output: u32, nsubscriptions: u32, nevents: u32);
        sock::sock_accept(fd: u32, flags: u32, result_fd: u32);
        sock::sock_recv(fd: u32, iovs: u32, iovs_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32);
        sock::sock_send(fd: u32, iovs: u32, iovs_len: u32, si_flags: u32, so_datalen: u32);
        sock::sock_shutdown(fd: u32, how: u32);
    );
    // `proc_exit` returns nothing: it never returns at all.
    linker.func_wrap(MODULE, "proc_exit", move |mut caller: Caller<'_, T>, code: i32| -> anyhow::Result<()> {
        dispatch(&mut caller, view, |ctx, mem| proc::proc_exit(ctx, mem, code as u32)).map(drop)
    })?;
    Ok(())
}
