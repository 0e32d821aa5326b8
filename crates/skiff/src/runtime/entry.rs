//! Calls from the host into compiled code: the store made reachable to
//! libcalls, the stack and its limit, the trap turned into an error.

use crate::exception::{ThrownException, describe_uncaught_exception};
use crate::runtime::libcalls::EntryStore;
use crate::runtime::traps::{self, HostFailure, UnwoundReason, WasmStack};
use crate::store::StoreDyn;
use crate::trap::Trap;

/// The stack compiled code gets beyond its own frames' budget
/// (`max_wasm_stack`): host functions called from compiled code run on the
/// same stack.
const HOST_STACK: usize = 2 << 20;

/// Calls store function `func`, a compiled wasm function, with its
/// parameters in `cells`; the results replace them.
pub(crate) fn call_compiled(store: &mut dyn StoreDyn, func: u32, cells: &mut [u64]) -> anyhow::Result<()> {
    let func_ref = *store.opaque().func_ref(func);
    debug_assert!(!func_ref.array_call.is_null());
    // SAFETY: a function's `array_call` is the array-call trampoline of
    // its type, `wasm_call` its code and `vmctx` its instance's context.
    unsafe { call_code(store, func_ref.vmctx, func_ref.wasm_call, func_ref.array_call, cells) }
}

/// Calls compiled code at `wasm_call` with context `vmctx` through the
/// array-call trampoline `array_call`, with its parameters in `cells`; the
/// results replace them.
///
/// # Safety
///
/// `array_call` must be an array-call trampoline (registered code) of the
/// code's signature, `wasm_call` registered code of that signature whose
/// context `vmctx` belongs to this store, and `cells` as large as the
/// trampoline reads and writes.
pub(crate) unsafe fn call_code(
    store: &mut dyn StoreDyn,
    vmctx: *const u8,
    wasm_call: *const u8,
    array_call: *const u8,
    cells: &mut [u64],
) -> anyhow::Result<()> {
    if store.opaque().host_depth >= super::MAX_HOST_DEPTH {
        return Err(Trap::StackOverflow.into());
    }
    let max_wasm_stack = store.opaque().engine().config().max_wasm_stack;
    // The outermost entry switches to the store's stack and sets the limit;
    // nested ones (from a host function) stay on it, under the same limit.
    let outer = store.opaque().wasm_stack_in_use.is_none();
    let mut stack = if outer {
        match store.opaque_mut().wasm_stack.take() {
            Some(stack) => Some(stack),
            None => Some(WasmStack::new(max_wasm_stack + HOST_STACK)?),
        }
    } else {
        None
    };
    if let Some(stack) = &stack {
        let range = stack.range();
        store.opaque_mut().vm_mut().stack_limit = range.start + HOST_STACK;
        store.opaque_mut().wasm_stack_in_use = Some(range);
    }
    store.opaque_mut().host_depth += 1;
    let vm: *mut _ = store.opaque_mut().vm_mut();
    // SAFETY: the store context lives as long as the store.
    let previous_store = unsafe { (*vm).store };
    let mut entry = EntryStore { store };
    // SAFETY: as above; from here until the call returns, the store is
    // reached only through this pointer (by libcalls).
    unsafe { (*vm).store = (&raw mut entry).cast() };
    let args = [vmctx as usize, vmctx as usize, wasm_call as usize, cells.as_mut_ptr() as usize];
    let result = {
        let in_use = entry.store.opaque().wasm_stack_in_use.clone().expect("set above or by the outer entry");
        let stack = match &mut stack {
            Some(stack) => traps::Stack::Switch(stack),
            None => traps::Stack::Stay(in_use),
        };
        // SAFETY: `array_call` is a registered array-call trampoline of the
        // code's type (the caller's contract), and the stack limit lies
        // within the stack it runs on.
        unsafe { traps::call(array_call, args, stack) }
    };
    let store = entry.store;
    // SAFETY: as above.
    unsafe { (*vm).store = previous_store };
    store.opaque_mut().host_depth -= 1;
    if let Some(stack) = stack {
        store.opaque_mut().wasm_stack = Some(stack);
        store.opaque_mut().wasm_stack_in_use = None;
    }
    let unwound = match result {
        Ok(()) => return Ok(()),
        Err(unwound) => unwound,
    };
    let error = match unwound.reason {
        UnwoundReason::Trap(trap) => anyhow::Error::new(trap),
        UnwoundReason::Host(HostFailure::Error(error)) => error,
        UnwoundReason::Host(HostFailure::Panic(panic)) => std::panic::resume_unwind(panic),
        UnwoundReason::Exception => match store.opaque().pending_exception {
            Some(exn) => crate::exception::uncaught(store.opaque_mut(), exn),
            None => anyhow::Error::new(ThrownException),
        },
    };
    let error = crate::trap::with_backtrace(error, unwound.frames);
    Err(describe_uncaught_exception(store.opaque(), error))
}
