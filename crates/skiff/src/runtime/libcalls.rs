//! The runtime's functions that compiled code calls ("libcalls").
//!
//! Compiled code finds them in a table the store context points at
//! (`VMStoreContext::libcalls`), by
//! the indices below: no address is baked into code. Each takes the
//! calling instance's context first, reaches the store through the store
//! context (the [`EntryStore`] the entry set up), and reports failure by
//! recording it (`traps::set_host_failure`) and returning a status the
//! code traps on, so that no Rust frame is ever unwound by a trap.

use crate::exception::ThrownException;
use crate::runtime::traps::{self, HostFailure};
use crate::runtime::vmcontext::VMContextHeader;
use crate::store::{FuncEntity, StoreDyn};
use crate::trap::Trap;

/// `host_call(vmctx, func, cells, len) -> status`: calls function `func`
/// (store index), a host function or a wasm function without compiled
/// code, with its parameters in `cells`; the results replace them.
pub(crate) const HOST_CALL: usize = 0;
/// `memory_grow(vmctx, memory, delta) -> old pages, -1, or -2 (failed)`.
pub(crate) const MEMORY_GROW: usize = 1;
/// `memory_fill(vmctx, memory, dst, value, len) -> status`.
pub(crate) const MEMORY_FILL: usize = 2;
/// `memory_copy(vmctx, dst_memory, dst, src_memory, src, len) -> status`.
pub(crate) const MEMORY_COPY: usize = 3;
/// `memory_init(vmctx, memory, data, dst, src, len) -> status`.
pub(crate) const MEMORY_INIT: usize = 4;
/// `data_drop(vmctx, data) -> status`.
pub(crate) const DATA_DROP: usize = 5;
/// `table_grow(vmctx, table, init, delta) -> old size, -1, or -2 (failed)`.
pub(crate) const TABLE_GROW: usize = 6;
/// `table_fill(vmctx, table, dst, value, len) -> status`.
pub(crate) const TABLE_FILL: usize = 7;
/// `table_copy(vmctx, dst_table, dst, src_table, src, len) -> status`.
pub(crate) const TABLE_COPY: usize = 8;
/// `table_init(vmctx, table, elem, dst, src, len) -> status`.
pub(crate) const TABLE_INIT: usize = 9;
/// `elem_drop(vmctx, elem) -> status`.
pub(crate) const ELEM_DROP: usize = 10;
/// `ref_func(vmctx, func) -> cell`: the reference to the instance's
/// function `func` (module index).
pub(crate) const REF_FUNC: usize = 11;
/// `throw(vmctx, what, word)`, never returns: throws a new exception of the
/// instance's tag `what` with the payload in the cells at `word`; or, with
/// `what` = [`RETHROW`], the exception whose `exnref` cell is `word`; or,
/// with `what` = [`THROW_PENDING`], the store's pending exception (a host
/// function threw). Continues at the handler that catches it (see
/// `traps::find_handler`), or at the entry's landing.
pub(crate) const THROW: usize = 12;
/// `exn_is(vmctx, exn, tag) -> 0 or 1`: whether the exception of `exnref`
/// cell `exn` has the instance's tag `tag`.
pub(crate) const EXN_IS: usize = 13;
/// `exn_catch(vmctx, exn, cells, keep_ref) -> 0`: a `catch` clause took
/// exception `exn`: copies its payload to `cells` (unless null) and, unless
/// `keep_ref` (the clause hands on the `exnref`), recycles it if nothing
/// else can refer to it.
pub(crate) const EXN_CATCH: usize = 14;

/// `throw`'s `what` for a rethrow of an `exnref`.
pub(crate) const RETHROW: u64 = u64::MAX;
/// `throw`'s `what` for the store's pending exception.
pub(crate) const THROW_PENDING: u64 = u64::MAX - 1;

/// `host_call`'s status when the host function threw a wasm exception (the
/// store's pending exception): the caller rethrows it with `throw`.
pub(crate) const HOST_THREW: u32 = 2;

/// The table compiled code reads libcalls from, by the indices above.
#[repr(C)]
pub(crate) struct Libcalls(pub [*const (); 15]);

// SAFETY: the table holds addresses of functions, never written.
unsafe impl Sync for Libcalls {}

pub(crate) static LIBCALLS: Libcalls = Libcalls([
    host_call as *const (),
    memory_grow as *const (),
    memory_fill as *const (),
    memory_copy as *const (),
    memory_init as *const (),
    data_drop as *const (),
    table_grow as *const (),
    table_fill as *const (),
    table_copy as *const (),
    table_init as *const (),
    elem_drop as *const (),
    ref_func as *const (),
    traps::skiff_throw as *const (),
    exn_is as *const (),
    exn_catch as *const (),
]);

/// The store as libcalls reach it while compiled code runs: set by the
/// entry into compiled code, pointed at by the store context.
pub(crate) struct EntryStore<'a> {
    pub store: &'a mut dyn StoreDyn,
}

/// The store and the calling instance of a libcall.
///
/// # Safety
/// `vmctx` must be the context of an instance whose store is running
/// compiled code (an entry set the store context's `store`).
unsafe fn caller<'a>(vmctx: *const u8) -> (&'a mut dyn StoreDyn, u32) {
    // SAFETY: per the contract, `vmctx` is a live instance context, whose
    // header holds its store context and instance index; the store context
    // points at the `EntryStore` on the entry's frame, below us.
    unsafe {
        let header = &*vmctx.cast::<VMContextHeader>();
        let store = &*header.store;
        let entry = &mut *store.store.cast::<EntryStore<'static>>();
        (&mut *(entry.store as *mut dyn StoreDyn), header.instance as u32)
    }
}

/// Runs a libcall's body, turning an error or a panic into a recorded host
/// failure and a non-zero status.
fn status(f: impl FnOnce() -> anyhow::Result<()>) -> u32 {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            traps::set_host_failure(HostFailure::Error(e));
            1
        }
        Err(panic) => {
            traps::set_host_failure(HostFailure::Panic(panic));
            1
        }
    }
}

extern "sysv64" fn host_call(vmctx: *const u8, func: u64, cells: *mut u64, len: u64) -> u32 {
    // SAFETY: compiled code passes its own context, and a host-call
    // trampoline's own frame slot of `len` cells.
    let ((store, instance), cells) = unsafe { (caller(vmctx), std::slice::from_raw_parts_mut(cells, len as usize)) };
    let mut threw = false;
    let status = status(|| {
        let result = match store.opaque().funcs[func as usize] {
            FuncEntity::Host { host, .. } => store.call_host(host, Some(instance), cells),
            // A wasm function without compiled code: the interpreter runs it.
            FuncEntity::Wasm { .. } => store.call_func(func as u32, cells),
        };
        match result {
            Err(e) if e.downcast_ref::<ThrownException>().is_some() && store.opaque().pending_exception.is_some() => {
                let store = store.opaque_mut();
                if let Some(exn) = store.pending_exception {
                    crate::exception::absorb(store, exn, &e);
                }
                threw = true;
                Ok(())
            }
            result => result,
        }
    });
    if threw { HOST_THREW } else { status }
}

/// The throw libcall, called by the throw shim (`traps::skiff_throw`) with
/// its frame pointer `shim_fp`; see [`THROW`].
pub(crate) extern "sysv64" fn throw(vmctx: *const u8, what: u64, word: u64, shim_fp: usize) -> ! {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    let exn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let store = store.opaque_mut();
        if what != THROW_PENDING {
            // A new throw: its backtrace starts here.
            store.exception_frames = None;
        }
        match what {
            RETHROW => (word - 1) as u32,
            THROW_PENDING => store.pending_exception.take().expect("the host left a pending exception"),
            tag => {
                let tag = store.instances[instance as usize].tags[tag as usize];
                let len = store.tags[tag as usize].ty.payload_cells();
                // SAFETY: compiled code passes a slot of the payload's cells.
                let fields = unsafe { std::slice::from_raw_parts(word as *const u64, len) };
                store.exns.alloc(tag, fields)
            }
        }
    }));
    let exn = match exn {
        Ok(exn) => exn,
        Err(panic) => {
            // Nothing to throw: stop the entry as a failed host call does.
            traps::set_host_failure(HostFailure::Panic(panic));
            // SAFETY: called by the shim with its frame pointer; the
            // landing reports the recorded failure.
            unsafe { traps::resume(traps::fail_at_throw(shim_fp), 0) }
        }
    };
    // SAFETY: the shim calls us with its frame pointer, from compiled code.
    let catch = unsafe { traps::find_handler(shim_fp) };
    match catch {
        traps::Catch::Landing => store.opaque_mut().pending_exception = Some(exn),
        // Caught: no backtrace to keep.
        traps::Catch::Handler { .. } => store.opaque_mut().exception_frames = None,
    }
    // SAFETY: nothing ran on the wasm stack since the walk, and no frame
    // from here to the handler owns anything to drop (the store reference
    // is a borrow).
    unsafe { traps::resume(catch, u64::from(exn) + 1) }
}

extern "sysv64" fn exn_is(vmctx: *const u8, exn: u64, tag: u32) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    let store = store.opaque();
    let thrown = store.exns.get((exn - 1) as u32).tag;
    u32::from(store.instances[instance as usize].tags[tag as usize] == thrown)
}

extern "sysv64" fn exn_catch(vmctx: *const u8, exn: u64, cells: *mut u64, keep_ref: u32) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, _) = unsafe { caller(vmctx) };
    let exns = &mut store.opaque_mut().exns;
    let index = (exn - 1) as u32;
    if !cells.is_null() {
        let fields = &exns.get(index).fields;
        // SAFETY: compiled code passes a slot of the tag's payload cells.
        unsafe { std::ptr::copy_nonoverlapping(fields.as_ptr(), cells, fields.len()) };
    }
    if keep_ref != 0 {
        exns.mark_escaped(index);
    } else {
        exns.release_if_unreferenced(index);
    }
    0
}

/// A grow libcall's result: the old size, -1 if it did not grow, -2 if the
/// host failed (recorded).
fn grown(result: anyhow::Result<Option<u64>>) -> i64 {
    match result {
        Ok(Some(old)) => old as i64,
        Ok(None) => -1,
        Err(e) => {
            traps::set_host_failure(HostFailure::Error(e));
            -2
        }
    }
}

extern "sysv64" fn memory_grow(vmctx: *const u8, memory: u32, delta: u64) -> i64 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    let m = store.opaque().instances[instance as usize].memories[memory as usize];
    grown(store.grow_memory(m, delta))
}

extern "sysv64" fn table_grow(vmctx: *const u8, table: u32, init: u64, delta: u64) -> i64 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    let t = store.opaque().instances[instance as usize].tables[table as usize];
    grown(store.grow_table(t, delta, init))
}

/// The byte range `start..start + len` of something `size` bytes long, or
/// `trap`.
fn range(size: usize, start: u64, len: u64, trap: Trap) -> Result<std::ops::Range<usize>, Trap> {
    match start.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(trap),
    }
}

/// The bytes of the calling instance's memory `memory`.
fn memory_bytes(store: &mut dyn StoreDyn, instance: u32, memory: u32) -> &mut [u8] {
    let m = store.opaque().instances[instance as usize].memories[memory as usize];
    let memory = &mut store.opaque_mut().memories[m as usize];
    // SAFETY: `len` bytes from `base` are the memory's accessible bytes,
    // borrowed through the store like the memory itself.
    unsafe { std::slice::from_raw_parts_mut(memory.base(), memory.len()) }
}

extern "sysv64" fn memory_fill(vmctx: *const u8, memory: u32, dst: u64, value: u32, len: u64) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    status(|| {
        let bytes = memory_bytes(store, instance, memory);
        let r = range(bytes.len(), dst, len, Trap::MemoryOutOfBounds)?;
        bytes[r].fill(value as u8);
        Ok(())
    })
}

extern "sysv64" fn memory_copy(
    vmctx: *const u8,
    dst_memory: u32,
    dst: u64,
    src_memory: u32,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    status(|| {
        let (d, s) = {
            let dst_bytes = memory_bytes(store, instance, dst_memory);
            (dst_bytes.as_mut_ptr(), range(dst_bytes.len(), dst, len, Trap::MemoryOutOfBounds)?)
        };
        let src_bytes = memory_bytes(store, instance, src_memory);
        let r = range(src_bytes.len(), src, len, Trap::MemoryOutOfBounds)?;
        // SAFETY: both ranges are inside their memories (which may be the
        // same one: `copy` allows overlap).
        unsafe { std::ptr::copy(src_bytes.as_ptr().add(r.start), d.add(s.start), r.len()) };
        Ok(())
    })
}

extern "sysv64" fn memory_init(vmctx: *const u8, memory: u32, data: u32, dst: u64, src: u32, len: u32) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    status(|| {
        let segment = store.opaque().instances[instance as usize].datas[data as usize].clone();
        let s = range(segment.len(), u64::from(src), u64::from(len), Trap::MemoryOutOfBounds)?;
        let bytes = memory_bytes(store, instance, memory);
        let d = range(bytes.len(), dst, u64::from(len), Trap::MemoryOutOfBounds)?;
        bytes[d].copy_from_slice(&segment[s]);
        Ok(())
    })
}

extern "sysv64" fn data_drop(vmctx: *const u8, data: u32) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    store.opaque_mut().instances[instance as usize].datas[data as usize] = Default::default();
    0
}

extern "sysv64" fn table_fill(vmctx: *const u8, table: u32, dst: u64, value: u64, len: u64) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    status(|| {
        let t = store.opaque().instances[instance as usize].tables[table as usize];
        let elems = store.opaque_mut().tables[t as usize].elems_mut();
        let r = range(elems.len(), dst, len, Trap::TableOutOfBounds)?;
        elems[r].fill(value);
        Ok(())
    })
}

extern "sysv64" fn table_copy(vmctx: *const u8, dst_table: u32, dst: u64, src_table: u32, src: u64, len: u64) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    status(|| {
        let tables = &store.opaque().instances[instance as usize].tables;
        let (dt, st) = (tables[dst_table as usize] as usize, tables[src_table as usize] as usize);
        let source: Vec<u64> = {
            let elems = store.opaque().tables[st].elems();
            elems[range(elems.len(), src, len, Trap::TableOutOfBounds)?].to_vec()
        };
        let elems = store.opaque_mut().tables[dt].elems_mut();
        let r = range(elems.len(), dst, len, Trap::TableOutOfBounds)?;
        elems[r].copy_from_slice(&source);
        Ok(())
    })
}

extern "sysv64" fn table_init(vmctx: *const u8, table: u32, elem: u32, dst: u64, src: u32, len: u32) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    status(|| {
        let segment = store.opaque().instances[instance as usize].elems[elem as usize].clone();
        let s = range(segment.len(), u64::from(src), u64::from(len), Trap::TableOutOfBounds)?;
        let t = store.opaque().instances[instance as usize].tables[table as usize];
        let elems = store.opaque_mut().tables[t as usize].elems_mut();
        let d = range(elems.len(), dst, u64::from(len), Trap::TableOutOfBounds)?;
        elems[d].copy_from_slice(&segment[s]);
        Ok(())
    })
}

extern "sysv64" fn elem_drop(vmctx: *const u8, elem: u32) -> u32 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    store.opaque_mut().instances[instance as usize].elems[elem as usize] = Default::default();
    0
}

extern "sysv64" fn ref_func(vmctx: *const u8, func: u32) -> u64 {
    // SAFETY: compiled code passes its own context.
    let (store, instance) = unsafe { caller(vmctx) };
    u64::from(store.opaque().instances[instance as usize].funcs[func as usize]) + 1
}
