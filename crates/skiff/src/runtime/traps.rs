//! How compiled code is entered, and how its faults become traps.
//!
//! Compiled code never returns an error: it traps. Every trap is a fault
//! of one instruction the compiler recorded as a *trap site* (a `ud2` for
//! `unreachable` and every explicit check, a load that touches a guard
//! page for an out-of-bounds access, a division that faults): the signal
//! handler installed here looks the faulting address up in the registry of
//! compiled code ([`register`]), records what trapped and where, and
//! resumes the thread at the entry's landing, which returns to the host as
//! if the call had returned, with a flag. A fault anywhere else is not
//! ours and goes to the handler installed before (the host crashes as it
//! would have).
//!
//! Compiled code runs on a stack of its own ([`WasmStack`], one per store),
//! switched to on entry: its size is known exactly, so the stack-limit
//! check in every function's prologue turns exhaustion into a trap. The
//! frames of a trapped call are walked (frame pointers) for the backtrace
//! before the thread resumes at the landing: an entry nested in a host
//! call runs on the same stack, and the host code after its landing
//! reuses the space of the frames it left.
//!
//! Errors from the host (a host function's error, a failed libcall) reach
//! here the same way: the libcall records the error in the [`Activation`]
//! and returns, and the compiled code traps with [`CodeTrap::Host`].
//!
//! Exceptions thrown in compiled code unwind without a signal: the throw
//! reaches [`throw`] through a small assembly shim that hands over the
//! thrower's frame; the frames are walked outward (frame pointers) until a
//! call site with a handler ([`CodeLookup::handler_at`]), and the thread
//! resumes there with the frame's stack and frame pointers and the
//! exception in the payload register. A frame without handlers costs
//! nothing until something throws. With no handler before the entry, the
//! thread resumes at the entry's landing, as a trap does.
//!
//! This runtime knows no compiler: a compiled tier registers its code
//! with a [`CodeLookup`] and enters it through [`call`].
//!
//! This is one of the few modules with `unsafe`: the signal handler, the
//! entry and landing (assembly), the stacks and the frame walk.

use crate::trap::{FrameInfo, Trap};
use anyhow::{Context, Result};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Once, RwLock};

/// Why a trap site traps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeTrap {
    /// A WebAssembly trap.
    Wasm(Trap),
    /// The host reported an error (kept in the activation) and the code
    /// stopped for it.
    Host,
    /// A wasm exception left the compiled frames of the entry uncaught (it
    /// is the store's pending exception). Never a trap site's code.
    Exception,
}

/// Where an exception thrown through a call site is caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Handler {
    /// The handler's address.
    pub pc: usize,
    /// The distance from the frame pointer down to the stack pointer the
    /// handler expects (the frame's, at the call).
    pub sp_to_fp: usize,
}

/// What the runtime needs to know of a piece of registered code.
pub(crate) trait CodeLookup: Send + Sync {
    /// Why the instruction at `pc` traps, if it is a trap site.
    fn trap_at(&self, pc: usize) -> Option<CodeTrap>;
    /// The wasm function whose code holds `pc`, for backtraces (`None` in
    /// trampolines).
    fn frame_at(&self, pc: usize) -> Option<FrameInfo>;
    /// The handler of the call whose return address is `ret`, if that call
    /// is covered by one.
    fn handler_at(&self, ret: usize) -> Option<Handler>;
}

struct Registered {
    end: usize,
    lookup: Arc<dyn CodeLookup>,
}

/// Every piece of compiled code in the process, by start address.
static CODE: RwLock<BTreeMap<usize, Registered>> = RwLock::new(BTreeMap::new());

/// Keeps a piece of code registered; unregisters it when dropped.
pub(crate) struct Registration(usize);

impl Drop for Registration {
    fn drop(&mut self) {
        CODE.write().unwrap_or_else(|e| e.into_inner()).remove(&self.0);
    }
}

/// Registers the code at `range` so that its faults become traps.
pub(crate) fn register(range: Range<usize>, lookup: Arc<dyn CodeLookup>) -> Registration {
    install_handlers();
    CODE.write().unwrap_or_else(|e| e.into_inner()).insert(range.start, Registered { end: range.end, lookup });
    Registration(range.start)
}

/// Runs `f` on the registered code that holds `pc`, if any.
///
/// Called from the signal handler too: it spins rather than blocks on the
/// lock (writers hold it for an insertion; the faulting thread, running
/// wasm, holds nothing) and allocates nothing.
fn with_code<R>(pc: usize, f: impl FnOnce(&dyn CodeLookup) -> R) -> Option<R> {
    let code = loop {
        match CODE.try_read() {
            Ok(code) => break code,
            Err(std::sync::TryLockError::Poisoned(e)) => break e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => std::hint::spin_loop(),
        }
    };
    let (_, registered) = code.range(..=pc).next_back()?;
    (pc < registered.end).then(|| f(&*registered.lookup))
}

/// A stack for compiled code: `size` usable bytes above an inaccessible
/// guard page, mapped on demand (`NORESERVE`).
pub(crate) struct WasmStack {
    base: *mut u8,
    mapped: usize,
}

// SAFETY: the mapping is owned by this value; the store that owns it uses
// it from one thread at a time.
unsafe impl Send for WasmStack {}
// SAFETY: see `Send`; shared references read only the addresses.
unsafe impl Sync for WasmStack {}

impl WasmStack {
    pub fn new(size: usize) -> Result<WasmStack> {
        let page = rustix::param::page_size();
        let mapped = size.div_ceil(page) * page + page;
        // SAFETY: a fresh anonymous mapping at an address the kernel picks.
        let base = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                mapped,
                rustix::mm::ProtFlags::READ | rustix::mm::ProtFlags::WRITE,
                rustix::mm::MapFlags::PRIVATE | rustix::mm::MapFlags::NORESERVE,
            )
        }
        .context("failed to map a stack for compiled code")?;
        // SAFETY: the first page of our own mapping becomes the guard.
        unsafe { rustix::mm::mprotect(base, page, rustix::mm::MprotectFlags::empty()) }
            .context("failed to protect a stack guard page")?;
        Ok(WasmStack { base: base.cast(), mapped })
    }

    /// The addresses of the usable part, lowest first.
    pub fn range(&self) -> Range<usize> {
        let page = rustix::param::page_size();
        let base = self.base as usize;
        base + page..base + self.mapped
    }
}

impl Drop for WasmStack {
    fn drop(&mut self) {
        // SAFETY: our mapping, and nothing runs on it (a store is dropped
        // only when no call into it is active).
        let _ = unsafe { rustix::mm::munmap(self.base.cast(), self.mapped) };
    }
}

/// What the entry and the landing share (`repr(C)`: the assembly reads it
/// at fixed offsets).
#[repr(C)]
struct EntryContext {
    /// The function to call, with the System V convention, and its four
    /// arguments.
    code: usize,
    args: [usize; 4],
    /// The stack pointer to switch to, or 0 to stay on the current stack.
    stack_top: usize,
    /// The host stack pointer once the entry saved its registers: where
    /// the landing resumes.
    saved_sp: usize,
}

/// One active entry into compiled code on this thread.
pub(crate) struct Activation {
    entry: EntryContext,
    /// Set before the landing (by the signal handler, or the throw that
    /// found no handler): why the code stopped, and the wasm frames that
    /// were active, innermost first.
    trap: Option<(CodeTrap, Vec<FrameInfo>)>,
    /// An error from the host, for [`CodeTrap::Host`].
    pending: Option<HostFailure>,
    /// The addresses of the stack the code runs on, for the frame walk.
    stack: Range<usize>,
    prev: *mut Activation,
}

/// What a host call left behind when it failed.
pub(crate) enum HostFailure {
    Error(anyhow::Error),
    /// A host function panicked; the panic goes on in the host once the
    /// compiled frames are left.
    Panic(Box<dyn std::any::Any + Send>),
}

thread_local! {
    /// The innermost active entry on this thread (const-initialized and
    /// without a destructor, so the signal handler may read it).
    static ACTIVE: Cell<*mut Activation> = const { Cell::new(std::ptr::null_mut()) };
}

/// Records a failure of the host for the innermost entry on this thread,
/// before the compiled code that called the host traps with
/// [`CodeTrap::Host`].
pub(crate) fn set_host_failure(failure: HostFailure) {
    let active = ACTIVE.get();
    assert!(!active.is_null(), "a host failure outside compiled code");
    // SAFETY: the activation lives in `call`'s frame, below us on the stack.
    unsafe { (*active).pending = Some(failure) };
}

/// How a call into compiled code ended, when it did not return.
pub(crate) struct Unwound {
    pub reason: UnwoundReason,
    /// The wasm frames that were active, innermost first.
    pub frames: Vec<FrameInfo>,
}

pub(crate) enum UnwoundReason {
    Trap(Trap),
    Host(HostFailure),
    /// An uncaught exception, the store's pending exception.
    Exception,
}

/// The stack a call runs on.
pub(crate) enum Stack<'a> {
    /// Switch to this stack (the outermost entry of a store).
    Switch(&'a mut WasmStack),
    /// Stay on the current one, a wasm stack with these addresses (an entry
    /// from a host function that compiled code called).
    Stay(Range<usize>),
}

/// Calls `code(args…)` (System V convention; compiled code and the
/// trampolines that enter it) on `stack`. Returns how it ended if it
/// trapped.
///
/// # Safety
/// `code` must be registered compiled code taking the four arguments, and
/// the stack limit the code checks must lie within the stack it runs on.
pub(crate) unsafe fn call(code: *const u8, args: [usize; 4], stack: Stack<'_>) -> Result<(), Unwound> {
    let (range, stack_top) = match stack {
        Stack::Switch(stack) => (stack.range(), stack.range().end),
        Stack::Stay(range) => (range, 0),
    };
    let mut activation = Activation {
        entry: EntryContext { code: code as usize, args, stack_top, saved_sp: 0 },
        trap: None,
        pending: None,
        stack: range,
        prev: ACTIVE.get(),
    };
    ACTIVE.set(&raw mut activation);
    // SAFETY: the caller vouches for `code`; `skiff_enter` saves and
    // restores the host's callee-saved registers and stack pointer around
    // it, and the signal handler only ever resumes at the landing with the
    // stack pointer this entry saved.
    let trapped = unsafe { skiff_enter(&raw mut activation.entry) };
    ACTIVE.set(activation.prev);
    if trapped == 0 {
        return Ok(());
    }
    let (why, frames) = activation.trap.take().expect("the landing is reached only after a trap was recorded");
    let reason = match why {
        CodeTrap::Wasm(trap) => UnwoundReason::Trap(trap),
        CodeTrap::Host => UnwoundReason::Host(
            activation.pending.take().unwrap_or_else(|| HostFailure::Error(anyhow::anyhow!("host call failed"))),
        ),
        CodeTrap::Exception => UnwoundReason::Exception,
    };
    Err(Unwound { reason, frames })
}

/// The wasm frames from the trapping instruction `pc` outward, following
/// the frame pointers (compiled code keeps them) while they stay on
/// `stack` and their return addresses in registered code.
fn walk_frames(pc: usize, mut fp: usize, stack: &Range<usize>) -> Vec<FrameInfo> {
    let mut frames = Vec::new();
    frames.extend(with_code(pc, |code| code.frame_at(pc)).flatten());
    while let Some((next, ret)) = frame_record(fp, stack) {
        let Some(frame) = with_code(ret, |code| code.frame_at(ret.wrapping_sub(1))) else { break };
        frames.extend(frame);
        if next <= fp {
            break;
        }
        fp = next;
    }
    frames
}

/// The frame record at `fp`: the caller's frame pointer and the return
/// address into the caller, if `fp` is a frame pointer on `stack`.
fn frame_record(fp: usize, stack: &Range<usize>) -> Option<(usize, usize)> {
    if !(stack.contains(&fp) && stack.contains(&(fp + 8)) && fp.is_multiple_of(8)) {
        return None;
    }
    // SAFETY: `fp` and `fp + 8` are inside the wasm stack, which is mapped
    // and readable.
    Some(unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) })
}

// ------------------------------------------------------------- exceptions

/// Where a throw goes: a handler's frame, or the entry's landing.
pub(crate) enum Catch {
    Handler { pc: usize, sp: usize, fp: usize },
    Landing,
}

/// Finds where an exception thrown from the frame above `shim_fp` goes:
/// `shim_fp` is the frame pointer of the throw shim, whose frame record
/// holds the thrower's frame pointer and the return address into it. With
/// no handler, records the uncaught exception for the landing.
///
/// # Safety
/// Must be called by the throw shim's callee, from compiled code entered
/// through [`call`] on this thread, with the shim's frame pointer.
pub(crate) unsafe fn find_handler(shim_fp: usize) -> Catch {
    // SAFETY: per the contract.
    let (active, mut fp, mut ret) = unsafe { throw_site(shim_fp) };
    // SAFETY: the activation lives in `call`'s frame, below us.
    let stack = unsafe { (*active).stack.clone() };
    let (throw_pc, throw_fp) = (ret.wrapping_sub(1), fp);
    loop {
        match with_code(ret, |code| code.handler_at(ret)) {
            Some(Some(handler)) => return Catch::Handler { pc: handler.pc, sp: fp - handler.sp_to_fp, fp },
            Some(None) => {}
            // Out of compiled code: back at the entry.
            None => break,
        }
        let Some((next, next_ret)) = frame_record(fp, &stack) else { break };
        if next <= fp {
            break;
        }
        (fp, ret) = (next, next_ret);
    }
    let frames = walk_frames(throw_pc, throw_fp, &stack);
    // SAFETY: as above.
    unsafe { (*active).trap = Some((CodeTrap::Exception, frames)) };
    Catch::Landing
}

/// The innermost activation, and the thrower's frame pointer and return
/// address from the throw shim's frame record at `shim_fp`.
///
/// # Safety
/// As for [`find_handler`].
unsafe fn throw_site(shim_fp: usize) -> (*mut Activation, usize, usize) {
    let active = ACTIVE.get();
    assert!(!active.is_null(), "a throw outside compiled code");
    // SAFETY: the activation lives in `call`'s frame, below us; the shim's
    // frame record is on the wasm stack, above us.
    let record = frame_record(shim_fp, unsafe { &(*active).stack });
    let (fp, ret) = record.expect("the throw shim's frame is on the wasm stack");
    (active, fp, ret)
}

/// Where a throw goes that failed in the host (recorded with
/// [`set_host_failure`]): the entry's landing, as for a failed host call.
///
/// # Safety
/// As for [`find_handler`].
pub(crate) unsafe fn fail_at_throw(shim_fp: usize) -> Catch {
    // SAFETY: per the contract.
    let (active, fp, ret) = unsafe { throw_site(shim_fp) };
    // SAFETY: the activation lives in `call`'s frame, below us.
    unsafe {
        let frames = walk_frames(ret.wrapping_sub(1), fp, &(*active).stack);
        (*active).trap = Some((CodeTrap::Host, frames));
    }
    Catch::Landing
}

/// Continues at `catch` with `payload` in the exception payload register.
///
/// # Safety
/// `catch` must come from [`find_handler`] on this thread, with nothing
/// run on the wasm stack since; every frame between here and there is
/// abandoned (none may own anything that needs dropping).
pub(crate) unsafe fn resume(catch: Catch, payload: u64) -> ! {
    let (pc, sp, fp) = match catch {
        Catch::Handler { pc, sp, fp } => (pc, sp, fp),
        Catch::Landing => {
            // SAFETY: the innermost activation is alive (`find_handler`).
            let sp = unsafe { (*ACTIVE.get()).entry.saved_sp };
            (skiff_landing as *const () as usize, sp, 0)
        }
    };
    // SAFETY: per the contract, the target frame is live and expects this
    // stack and frame pointer (a Cranelift handler clobbers every other
    // register; the landing restores the host's).
    unsafe { skiff_resume(pc, sp, fp, payload) }
}

// ---------------------------------------------------------------- signals

static INSTALL: Once = Once::new();
/// The handlers installed before ours, by signal number (up to 32).
static mut PREVIOUS: [std::mem::MaybeUninit<libc::sigaction>; 32] = [std::mem::MaybeUninit::zeroed(); 32];

const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

fn install_handlers() {
    INSTALL.call_once(|| {
        for signal in SIGNALS {
            // SAFETY: a plain `sigaction` call; `PREVIOUS` is written only
            // here, once, before any handler of ours can run.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let previous = (&raw mut PREVIOUS).cast::<libc::sigaction>().add(signal as usize);
                if libc::sigaction(signal, &action, previous) != 0 {
                    panic!("failed to install a handler for signal {signal}");
                }
            }
        }
    });
}

/// The signal handler: a fault at a trap site of registered code, while an
/// entry is active on this thread, resumes at the entry's landing; any
/// other goes to the previous handler.
extern "C" fn handler(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let active = ACTIVE.get();
    if !active.is_null() {
        // SAFETY: the kernel passes a valid `ucontext_t` to an SA_SIGINFO handler.
        let regs = unsafe { &mut (*context.cast::<libc::ucontext_t>()).uc_mcontext.gregs };
        let pc = regs[libc::REG_RIP as usize] as usize;
        if let Some(Some(trap)) = with_code(pc, |code| code.trap_at(pc)) {
            let fp = regs[libc::REG_RBP as usize] as usize;
            // SAFETY: `active` is this thread's innermost activation, alive
            // in `call`'s frame while the code it entered runs. The walk
            // allocates: the fault is a trap site of compiled code, which
            // holds no lock (the allocator's included) when it traps, and
            // it runs below the trapping frame, within the headroom the
            // stack limit leaves for the host.
            unsafe {
                let frames = walk_frames(pc, fp, &(*active).stack);
                (*active).trap = Some((trap, frames));
                regs[libc::REG_RSP as usize] = (*active).entry.saved_sp as i64;
            }
            regs[libc::REG_RIP as usize] = skiff_landing as *const () as usize as i64;
            return;
        }
    }
    // SAFETY: forwarding to the handler that was installed before ours,
    // with the same arguments.
    unsafe { forward(signal, info, context) }
}

/// Hands a fault that is not ours to the previous handler: its function
/// if it had one, else the default action (restored, so that returning
/// re-raises the fault and the process ends as it would have).
unsafe fn forward(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: `PREVIOUS[signal]` was filled by `install_handlers` before
    // this handler was installed.
    let previous = unsafe { &*(&raw const PREVIOUS).cast::<libc::sigaction>().add(signal as usize) };
    if previous.sa_flags & libc::SA_SIGINFO != 0 {
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            // SAFETY: with SA_SIGINFO, `sa_sigaction` is such a function.
            unsafe { std::mem::transmute(previous.sa_sigaction) };
        f(signal, info, context);
    } else if previous.sa_sigaction == libc::SIG_IGN {
    } else if previous.sa_sigaction == libc::SIG_DFL {
        // SAFETY: restoring the default action for this signal.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    } else {
        let f: extern "C" fn(libc::c_int) =
            // SAFETY: without SA_SIGINFO, `sa_handler` is such a function.
            unsafe { std::mem::transmute(previous.sa_sigaction) };
        f(signal);
    }
}

// ---------------------------------------------------------- entry, landing

// The entry: saves the host's callee-saved registers and stack pointer,
// switches to the wasm stack (if asked), calls `code(args…)`, switches
// back and returns 0. The landing, where the signal handler resumes a
// trapped thread with the stack pointer the entry saved, restores those
// registers and returns 1 from the entry.
#[cfg(target_arch = "x86_64")]
std::arch::global_asm!(
    ".pushsection .text.skiff_enter,\"ax\",@progbits",
    ".globl skiff_enter",
    ".type skiff_enter,@function",
    ".p2align 4",
    "skiff_enter:",
    "push rbp",
    "mov rbp, rsp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "mov [rdi + 48], rsp",
    "mov rbx, rdi",
    "mov rax, [rdi + 40]",
    "test rax, rax",
    "jz 2f",
    "mov rsp, rax",
    "2:",
    "and rsp, -16",
    "mov rdi, [rbx + 8]",
    "mov rsi, [rbx + 16]",
    "mov rdx, [rbx + 24]",
    "mov rcx, [rbx + 32]",
    "call qword ptr [rbx]",
    "mov rsp, [rbx + 48]",
    "xor eax, eax",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    ".size skiff_enter, . - skiff_enter",
    ".globl skiff_landing",
    ".type skiff_landing,@function",
    ".p2align 4",
    "skiff_landing:",
    "mov eax, 1",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    ".size skiff_landing, . - skiff_landing",
    ".popsection",
);

// The throw shim: compiled code calls it with the throwing instance's
// context and two words in the first three argument registers (System V's,
// which Cranelift's `tail` convention shares; compiled code uses the
// latter, under which nothing survives in registers when a call throws);
// it makes a frame record, so
// that the frame walk starts at the thrower, and calls the runtime's
// `throw` with its frame pointer as the fourth argument. That never
// returns. The resume: switches to a handler's stack and frame pointers
// with the payload in `rax` (Cranelift's exception payload register) and
// jumps to it.
#[cfg(target_arch = "x86_64")]
std::arch::global_asm!(
    ".pushsection .text.skiff_throw,\"ax\",@progbits",
    ".globl skiff_throw",
    ".type skiff_throw,@function",
    ".p2align 4",
    "skiff_throw:",
    "push rbp",
    "mov rbp, rsp",
    "mov rcx, rbp",
    "call {throw}",
    "ud2",
    ".size skiff_throw, . - skiff_throw",
    ".globl skiff_resume",
    ".type skiff_resume,@function",
    ".p2align 4",
    "skiff_resume:",
    "mov rsp, rsi",
    "mov rbp, rdx",
    "mov rax, rcx",
    "jmp rdi",
    ".size skiff_resume, . - skiff_resume",
    ".popsection",
    throw = sym crate::runtime::libcalls::throw,
);

unsafe extern "sysv64" {
    fn skiff_enter(entry: *mut EntryContext) -> u32;
    fn skiff_landing();
    fn skiff_resume(pc: usize, sp: usize, fp: usize, payload: u64) -> !;
    /// `skiff_throw(vmctx, a, b)`: see `libcalls::throw`.
    pub(crate) fn skiff_throw();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_context_layout_matches_the_assembly() {
        use std::mem::offset_of;
        assert_eq!(offset_of!(EntryContext, code), 0);
        assert_eq!(offset_of!(EntryContext, args), 8);
        assert_eq!(offset_of!(EntryContext, stack_top), 40);
        assert_eq!(offset_of!(EntryContext, saved_sp), 48);
    }
}
