//! Calls from the host into compiled code: the store made reachable to
//! libcalls, the stack and its limit, the trap turned into an error.

use crate::exception::{ThrownException, describe_uncaught_exception};
use crate::runtime::libcalls::EntryStore;
use crate::runtime::traps::{self, HostFailure, UnwoundReason, WasmStack};
use crate::store::StoreDyn;
use crate::trap::{Trap, WasmBacktrace};

/// The stack compiled code gets beyond its own frames' budget
/// (`max_wasm_stack`): host functions called from compiled code run on the
/// same stack.
const HOST_STACK: usize = 2 << 20;

/// Calls store function `func`, a compiled wasm function, with its
/// parameters in `cells`; the results replace them.
pub(crate) fn call_compiled(store: &mut dyn StoreDyn, func: u32, cells: &mut [u64]) -> anyhow::Result<()> {
    let func_ref = *store.opaque().func_ref(func);
    debug_assert!(!func_ref.array_call.is_null());
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
    let args =
        [func_ref.vmctx as usize, func_ref.vmctx as usize, func_ref.wasm_call as usize, cells.as_mut_ptr() as usize];
    let result = {
        let in_use = entry.store.opaque().wasm_stack_in_use.clone().expect("set above or by the outer entry");
        let stack = match &mut stack {
            Some(stack) => traps::Stack::Switch(stack),
            None => traps::Stack::Stay(in_use),
        };
        // SAFETY: `array_call` is the array-call trampoline of the
        // function's type, registered with its module's code, and the
        // stack limit lies within the stack it runs on.
        unsafe { traps::call(func_ref.array_call, args, stack) }
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
        UnwoundReason::Exception => anyhow::Error::new(ThrownException),
    };
    let backtrace = WasmBacktrace::new(unwound.frames);
    let error = if backtrace.frames().is_empty() { error } else { error.context(backtrace) };
    Err(describe_uncaught_exception(store.opaque(), error))
}
