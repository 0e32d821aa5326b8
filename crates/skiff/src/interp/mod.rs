//! The interpreter: runs [`crate::interp::ir`] code on a value stack of 64-bit cells.
//!
//! Wasm-to-wasm calls never recurse on the host stack: a call pushes a
//! [`Frame`] record and moves the instruction pointer, a return pops it.
//! Only host functions that call back into wasm nest a new executor on the
//! host stack, and that nesting is bounded (`runtime::MAX_HOST_DEPTH`).
//!
//! The hot loop keeps the instruction pointer, the frame pointer and the
//! default memory's base and length in locals; they are reloaded only when a
//! call, return, host call or `memory.grow` may have changed them.
//!
//! `unsafe` here is limited to reading and writing frame cells through the
//! frame pointer, following the instruction pointer, and accessing linear
//! memory after an explicit bounds check.

mod dispatch;
pub(crate) mod ir;
mod num;
mod numeric;
pub(crate) mod simd;
pub(crate) mod translate;
mod vector;

pub(crate) use dispatch::link;

use crate::anyhow;
use crate::engine::SigId;
use crate::exception::{ThrownException, describe_uncaught_exception};
use crate::interp::ir::{AddImmLoad, BranchOffset, Instr, LoadKind, Op, Slot, Store, StoreKind};
use crate::interp::translate::CompiledFunc;
use crate::runtime::vmcontext::{VMFuncRef, VMGlobalDefinition, VMMemoryDefinition, VMTableDefinition};
use crate::store::{FuncEntity, StoreDyn};
use crate::trap::{FrameInfo, Trap};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

/// A suspended caller, restored on return.
struct Frame {
    /// Where the caller continues.
    ret_ip: *const Op,
    /// The caller's frame base, as an index into the value stack.
    fp: usize,
    /// The caller's instance and function (store indices).
    instance: u32,
    func: u32,
}

/// Why execution stopped early.
enum Stop {
    Trap(Trap),
    Host(anyhow::Error),
}

impl From<Trap> for Stop {
    fn from(trap: Trap) -> Stop {
        Stop::Trap(trap)
    }
}

/// Calls store function `func` with its parameters in `cells[..params]`;
/// on success the results are in `cells[..results]`. `cells` must hold
/// `max(params, results)` cells.
pub(crate) fn call_func(store: &mut dyn StoreDyn, func: u32, cells: &mut [u64]) -> anyhow::Result<()> {
    if let FuncEntity::Host { host, .. } = store.opaque().funcs[func as usize] {
        return store.call_host(host, None, cells);
    }
    if store.opaque().host_depth >= crate::runtime::MAX_HOST_DEPTH {
        return Err(Trap::StackOverflow.into());
    }
    let config = store.opaque().engine().config();
    let max_cells = config.max_wasm_stack / std::mem::size_of::<u64>();
    let max_depth = config.max_call_depth;
    let stack = store.opaque_mut().spare_stacks.pop().unwrap_or_default();
    store.opaque_mut().host_depth += 1;
    let mut executor = Executor {
        store,
        stack,
        frames: Vec::new(),
        frame_limit: 0,
        max_cells,
        max_depth,
        func,
        instance: 0,
        vm_memory0: std::ptr::null(),
        vm_globals: std::ptr::null(),
        vm_tables: std::ptr::null(),
        code_base: std::ptr::null(),
        first_defined_func: 0,
        tier_counters: std::ptr::null(),
        hot_frame: None,
        hot_polls: 0,
        hot_asked_at: 0,
        compiled_loop_budget: COMPILED_LOOP_POLL,
        fp_index: 0,
        ip: std::ptr::null(),
        stop: None,
    };
    let result = executor.run(cells);
    let Executor { store, stack, frames, .. } = executor;
    store.opaque_mut().host_depth -= 1;
    #[cfg(skiff_profile)]
    if store.opaque().host_depth == 0 {
        dispatch::profile::report();
    }
    let result = result.map_err(|stop| {
        let backtrace = backtrace(store, active_funcs(&frames, stop.1));
        let error = match stop.0 {
            Stop::Trap(trap) => anyhow::Error::new(trap),
            Stop::Host(error) => error,
        };
        let error = crate::trap::with_backtrace(error, backtrace);
        describe_uncaught_exception(store.opaque(), error)
    });
    // Stale cells are harmless: frames zero their locals and every temporary
    // is written before it is read.
    store.opaque_mut().spare_stacks.push(stack);
    result
}

/// Calls compiled wasm function `callee` with its parameters in `cells`.
fn call_compiled(store: &mut dyn StoreDyn, callee: u32, cells: &mut [u64]) -> anyhow::Result<()> {
    #[cfg(feature = "cranelift")]
    return crate::runtime::entry::call_compiled(store, callee, cells);
    #[cfg(not(feature = "cranelift"))]
    {
        let _ = (store, callee, cells);
        unreachable!("without the compiled tier every wasm function has interpreter code")
    }
}

/// Operators between two looks of a frame still looping interpreted in a
/// function that has compiled code (as `tierup::POLL` for the others).
const COMPILED_LOOP_POLL: i64 = 4096;

/// `Executor::func` when no frame runs: the entry function ran compiled
/// code in its place, which failed.
const NO_FUNC: u32 = u32::MAX;

/// The store function indices of the active frames, innermost first.
fn active_funcs(frames: &[Frame], current: u32) -> Vec<u32> {
    std::iter::once(current).filter(|&f| f != NO_FUNC).chain(frames.iter().rev().map(|f| f.func)).collect()
}

fn backtrace(store: &dyn StoreDyn, funcs: Vec<u32>) -> Vec<FrameInfo> {
    // Frames of one function share its names (deep recursion repeats them).
    let mut names: std::collections::HashMap<u32, FrameInfo> = std::collections::HashMap::new();
    funcs
        .into_iter()
        .filter_map(|f| match &store.opaque().funcs[f as usize] {
            FuncEntity::Wasm { index, module, .. } => Some(
                names
                    .entry(f)
                    .or_insert_with(|| {
                        let func_name = module.func_names.get(index).map(|n| std::sync::Arc::from(n.as_str()));
                        FrameInfo::new(module.name.as_deref().map(std::sync::Arc::from), *index, func_name)
                    })
                    .clone(),
            ),
            FuncEntity::Host { .. } => None,
        })
        .collect()
}

/// A pointer to the current frame's first cell.
///
/// Invariant: the value stack has at least `frame_size` cells from here
/// (ensured by `Executor::enter`), and the translator only emits slots below
/// the frame size of the function, so every `Slot` access stays in bounds.
#[derive(Clone, Copy)]
struct Fp(*mut u64);

impl Fp {
    #[inline(always)]
    fn get(self, slot: Slot) -> u64 {
        // SAFETY: see the type's invariant.
        unsafe { *self.0.add(slot.index()) }
    }
    #[inline(always)]
    fn set(self, slot: Slot, value: u64) {
        // SAFETY: see the type's invariant.
        unsafe { *self.0.add(slot.index()) = value }
    }
    /// The `v128` in the two cells from `slot` (low half first).
    ///
    /// One 16-byte access, never two 8-byte ones: a `v128` written as two
    /// halves and read back whole (or the reverse) cannot be forwarded from
    /// the store buffer and stalls the read for a dozen cycles, on every
    /// SIMD instruction of a dependency chain. On x86-64 the value goes
    /// through an SSE register, so a result computed there is stored in one
    /// `movups`.
    #[inline(always)]
    fn get128(self, slot: Slot) -> u128 {
        // SAFETY: see the type's invariant; the translator gives a `v128`
        // two cells, both below the frame size. The read is unaligned-safe.
        unsafe { read_v128(self.0.add(slot.index()).cast()) }
    }
    #[inline(always)]
    fn set128(self, slot: Slot, value: u128) {
        // SAFETY: as for `get128`.
        unsafe { write_v128(self.0.add(slot.index()).cast(), value) }
    }
    #[inline(always)]
    fn u32(self, slot: Slot) -> u32 {
        self.get(slot) as u32
    }
    #[inline(always)]
    fn set_i32(self, slot: Slot, v: i32) {
        self.set(slot, v as u32 as u64)
    }
    #[inline(always)]
    fn set_bool(self, slot: Slot, v: bool) {
        self.set(slot, v as u64)
    }
}

/// Reads the 16 bytes at `p` as one `v128` access (see `Fp::get128`).
///
/// # Safety
/// `p` must be valid for a 16-byte read; it need not be aligned.
#[inline(always)]
unsafe fn read_v128(p: *const u8) -> u128 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128};
        // SAFETY: the caller guarantees 16 readable bytes; SSE2 is enabled
        // at compile time; `__m128i` and `u128` are both 16 plain bytes.
        unsafe { std::mem::transmute::<__m128i, u128>(_mm_loadu_si128(p.cast())) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    // SAFETY: the caller guarantees 16 readable bytes.
    unsafe {
        p.cast::<u128>().read_unaligned()
    }
}

/// Writes `value` to the 16 bytes at `p` in one access (see `Fp::get128`).
///
/// # Safety
/// `p` must be valid for a 16-byte write; it need not be aligned.
#[inline(always)]
unsafe fn write_v128(p: *mut u8, value: u128) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use std::arch::x86_64::{__m128i, _mm_storeu_si128};
        // SAFETY: the caller guarantees 16 writable bytes; SSE2 is enabled
        // at compile time; `__m128i` and `u128` are both 16 plain bytes.
        unsafe { _mm_storeu_si128(p.cast(), std::mem::transmute::<u128, __m128i>(value)) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    // SAFETY: the caller guarantees 16 writable bytes.
    unsafe {
        p.cast::<u128>().write_unaligned(value)
    }
}

/// The default memory of the running instance, as the hot loop sees it.
#[derive(Clone, Copy)]
struct Mem {
    base: *mut u8,
    len: u64,
}

impl Mem {
    const NONE: Mem = Mem { base: std::ptr::null_mut(), len: 0 };

    /// The address of `N` bytes at `addr + offset`, or a trap if any of
    /// them is out of bounds.
    #[inline(always)]
    fn addr<const N: usize>(self, addr: u64, offset: u32) -> Result<*mut u8, Trap> {
        // The address is a zero-extended i32 (the cell encoding) and the
        // offset a u32, so this sum cannot overflow. memory64 accesses will
        // need instructions of their own with an overflow check.
        // Only the end is kept in a register: the access goes to `end - N`,
        // which the compiler folds into the address displacement (one
        // register fewer keeps store handlers free of spills).
        let end = addr + u64::from(offset) + N as u64;
        if end > self.len {
            return Err(Trap::MemoryOutOfBounds);
        }
        // SAFETY: `N <= end <= len` and `len` bytes from `base` are mapped.
        Ok(unsafe { self.base.add(end as usize).sub(N) })
    }

    /// The `N` bytes at `addr + offset`, or a trap if out of bounds.
    #[inline(always)]
    fn read<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], Trap> {
        let p = self.addr::<N>(addr, offset)?;
        // SAFETY: `addr` checked that the N bytes are inside the memory.
        Ok(unsafe { p.cast::<[u8; N]>().read_unaligned() })
    }

    /// The float at `addr + offset` (little-endian), or a trap if out of
    /// bounds. Read as a float, not as bytes, so that it lands in a float
    /// register (the float accumulator) without a move from an integer one.
    #[inline(always)]
    fn read_float<F: Copy, const N: usize>(self, addr: u64, offset: u32) -> Result<F, Trap> {
        const { assert!(std::mem::size_of::<F>() == N) };
        let p = self.addr::<N>(addr, offset)?;
        // SAFETY: `addr` checked that the N bytes are inside the memory, and
        // `F` (f32 or f64) is N bytes with every bit pattern valid; the host
        // is little-endian (see `interp::simd`).
        Ok(unsafe { p.cast::<F>().read_unaligned() })
    }

    /// Writes `bytes` at `addr + offset`, or traps if out of bounds.
    #[inline(always)]
    fn write<const N: usize>(self, addr: u64, offset: u32, bytes: [u8; N]) -> Result<(), Trap> {
        let p = self.addr::<N>(addr, offset)?;
        // SAFETY: `addr` checked that the N bytes are inside the memory.
        unsafe { p.cast::<[u8; N]>().write_unaligned(bytes) };
        Ok(())
    }

    /// The `v128` at `addr + offset`, read in one 16-byte access (see
    /// `Fp::get128`), or a trap if out of bounds.
    #[inline(always)]
    fn read_v128(self, addr: u64, offset: u32) -> Result<u128, Trap> {
        let p = self.addr::<16>(addr, offset)?;
        // SAFETY: `addr` checked that the 16 bytes are inside the memory.
        Ok(unsafe { read_v128(p) })
    }

    /// Writes a `v128` at `addr + offset` in one 16-byte access, or traps
    /// if out of bounds.
    #[inline(always)]
    fn write_v128(self, addr: u64, offset: u32, value: u128) -> Result<(), Trap> {
        let p = self.addr::<16>(addr, offset)?;
        // SAFETY: `addr` checked that the 16 bytes are inside the memory.
        unsafe { write_v128(p, value) };
        Ok(())
    }

    /// Stores `bytes(value)` at the instruction's address. The value is
    /// read from its slot after the bounds check, so that it does not hold
    /// a register across it.
    #[inline(always)]
    fn store<const N: usize>(self, fp: Fp, op: Store, bytes: impl FnOnce(u64) -> [u8; N]) -> Result<(), Trap> {
        let p = self.addr::<N>(fp.get(op.addr), op.offset)?;
        // SAFETY: `addr` checked that the N bytes are inside the memory.
        unsafe { p.cast::<[u8; N]>().write_unaligned(bytes(fp.get(op.value))) };
        Ok(())
    }

    /// Checks that `len` bytes at `start` are in bounds; returns `start` as usize.
    #[inline]
    fn range(self, start: u64, len: u64) -> Result<usize, Trap> {
        match start.checked_add(len) {
            Some(end) if end <= self.len => Ok(start as usize),
            _ => Err(Trap::MemoryOutOfBounds),
        }
    }

    /// The address of `width` bytes at `addr + offset` for an address of
    /// either index type: every sum is checked, so an access whose end lies
    /// past 2^64 traps instead of wrapping around.
    #[inline]
    fn checked_addr(self, addr: u64, offset: u64, width: u64) -> Result<*mut u8, Trap> {
        let start = addr.checked_add(offset).ok_or(Trap::MemoryOutOfBounds)?;
        let start = self.range(start, width)?;
        // SAFETY: `range` checked that `width` bytes from `start` are inside the memory.
        Ok(unsafe { self.base.add(start) })
    }

    /// The `width <= 16` bytes at `addr + offset` as a little-endian number,
    /// bounds-checked as by [`Mem::checked_addr`] (for an address of either
    /// index type): the `v128` accesses to a memory other than a 32-bit
    /// memory 0.
    #[inline]
    fn read_checked(self, addr: u64, offset: u64, width: u64) -> Result<u128, Trap> {
        let mut bytes = [0u8; 16];
        let dst = &mut bytes[..width as usize];
        let p = self.checked_addr(addr, offset, dst.len() as u64)?;
        // SAFETY: `checked_addr` checked that the `dst.len()` bytes at `p`
        // are inside the memory; `dst` is a separate local of that length.
        unsafe { std::ptr::copy_nonoverlapping(p, dst.as_mut_ptr(), dst.len()) };
        Ok(u128::from_le_bytes(bytes))
    }

    /// Writes the low `width <= 16` bytes of `bits` (little-endian) at
    /// `addr + offset`, bounds-checked as by [`Mem::checked_addr`]: nothing
    /// is written if any byte is out of bounds.
    #[inline]
    fn write_checked(self, addr: u64, offset: u64, width: u64, bits: u128) -> Result<(), Trap> {
        let bytes = bits.to_le_bytes();
        let src = &bytes[..width as usize];
        let p = self.checked_addr(addr, offset, src.len() as u64)?;
        // SAFETY: `checked_addr` checked that the `src.len()` bytes at `p`
        // are inside the memory; `src` is a separate local.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), p, src.len()) };
        Ok(())
    }
}

/// A table index or length cell as a `usize` (saturating: a value past the
/// host's address space is out of bounds anyway).
#[inline(always)]
fn cell_index(cell: u64) -> usize {
    usize::try_from(cell).unwrap_or(usize::MAX)
}

struct Executor<'s> {
    store: &'s mut dyn StoreDyn,
    stack: Vec<u64>,
    /// Records of the suspended callers. Pushed without a capacity check
    /// while shorter than `frame_limit`.
    frames: Vec<Frame>,
    /// `min(frames.capacity(), max_depth - 1)`: a push at this length first
    /// goes through `make_room`.
    frame_limit: usize,
    max_cells: usize,
    max_depth: usize,
    /// The store index of the running function, for backtraces.
    func: u32,
    /// The running function's instance (store index).
    instance: u32,
    /// The running instance's context entries (`runtime::vmcontext`):
    /// its memory 0's definition (null without memories), and the arrays of
    /// its globals' and tables' definitions, which the translator indexes
    /// only with the module's valid indices. Definitions stay where they are
    /// while the store lives, and the executor holds the store exclusively.
    vm_memory0: *const VMMemoryDefinition,
    vm_globals: *const *mut VMGlobalDefinition,
    vm_tables: *const *mut VMTableDefinition,
    /// The code of the running instance's module's defined functions, which
    /// `CallInternal` indexes: one load from the instruction to the callee.
    /// A slot is empty until its function is translated (lazy compilation).
    code_base: *const OnceLock<CompiledFunc>,
    /// The store index of the running instance's first defined function;
    /// the others follow it in order (instantiation allocates them so).
    first_defined_func: u32,
    /// The running instance's module's tier-up budgets, one per defined
    /// function, which `TierEntry` and `TierLoop` count down (null for a
    /// module that does not tier up, whose code has neither).
    tier_counters: *const AtomicI32,
    /// The frame (its base and function) whose back edge last found its
    /// function's budget spent, and how many times in a row it did
    /// (`hot_polls`, 0 the first), in any of its loops: how long a frame
    /// has been stuck in its loops, which decides when it asks for an
    /// entry into one (`tierup::on_hot_loop`). Counted per frame, not per
    /// loop: nested loops take turns at polling, and counted per loop, a
    /// frame of zstd stayed interpreted for 0.37 s.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    hot_frame: Option<(usize, u32)>,
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    hot_polls: u32,
    /// The poll at which `hot_frame` last asked for a loop entry (0 if it
    /// has not): it asks for another only once it has stayed as long
    /// again, so that loops taking turns do not each get a compile.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    hot_asked_at: u32,
    /// Operators left before a loop of a function that already has
    /// compiled code looks again (see `spend_loop_budget`).
    compiled_loop_budget: i64,
    /// The running frame's base, as an index into `stack`.
    fp_index: usize,
    /// Where to continue after a `Step::Reload`.
    ip: *const Op,
    /// Why the threaded dispatcher stopped, if it did not finish.
    #[cfg_attr(not(skiff_tail_calls), allow(dead_code))]
    stop: Option<Stop>,
}

/// The accumulators: the result of the instruction just executed, in the
/// register of its type, so that the next instruction can take its operand
/// from there instead of through the frame (see `numeric::Value`). Only the
/// register of the last result's type is meaningful; the translator only
/// emits an `…Acc` instruction right after the one producing its operand.
#[derive(Clone, Copy)]
struct Acc {
    /// An integer (or reference) result's cell.
    int: u64,
    f32: f32,
    f64: f64,
    /// A `v128` result, in a vector register.
    v128: VReg,
}

impl Acc {
    const ZERO: Acc = Acc { int: 0, f32: 0.0, f64: 0.0, v128: vreg(0) };
}

/// A `v128` in a vector register where the host has them: the handlers
/// pass it on in one (their `extern "C-unwind"` ABI does; Rust's would pass
/// it through memory).
#[cfg(target_arch = "x86_64")]
type VReg = std::arch::x86_64::__m128i;
#[cfg(not(target_arch = "x86_64"))]
type VReg = u128;

/// The register form of a `v128`.
#[inline(always)]
const fn vreg(value: u128) -> VReg {
    // SAFETY: both types are 16 bytes of plain data, every bit pattern valid.
    unsafe { std::mem::transmute::<u128, VReg>(value) }
}

/// The `v128` in a register.
#[inline(always)]
fn from_vreg(value: VReg) -> u128 {
    // SAFETY: as for `vreg`.
    unsafe { std::mem::transmute::<VReg, u128>(value) }
}

/// Where execution goes after one instruction.
enum Step {
    /// To this instruction of the same frame (with the accumulators `step`
    /// left).
    Next(*const Op),
    /// Into a new frame (a call) or back to a caller's (a return) of the
    /// same instance, whose default memory is the one in use.
    Enter(*const Op, Fp),
    /// To `Executor::ip`, after a call, return or memory growth changed the
    /// frame, the instance or the memory's length.
    Reload,
    /// The entry function returned.
    Done,
}

impl Executor<'_> {
    /// Zeroes the declared locals of a new frame of `code` at `fp` and loads
    /// its constants. The caller made sure the frame fits the stack.
    #[inline(always)]
    fn init_frame(fp: Fp, code: &CompiledFunc) {
        let init = &code.frame_init;
        // SAFETY: the frame's `frame_size` cells from `fp` are inside the
        // stack (checked by the caller), and `num_params + init.len()` is at
        // most `frame_size` (the translator lays frames out so).
        let cells = unsafe { fp.0.add(code.num_params as usize) };
        copy_cells(init.as_ptr(), cells, init.len());
    }

    /// Makes room for one more frame record and for a frame reaching stack
    /// index `needed`. Out of line and cold: it runs a few times per
    /// executor, and keeping its code out of the call handlers keeps their
    /// hot path short.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self, needed: usize) -> Result<(), Trap> {
        if self.frames.len() >= self.frame_limit {
            if self.frames.len() + 1 >= self.max_depth {
                return Err(Trap::StackOverflow);
            }
            self.frames.reserve(self.frames.len().clamp(16, 4096));
            self.frame_limit = self.frames.capacity().min(self.max_depth - 1);
        }
        self.grow_stack(needed)
    }

    /// Makes the value stack at least `needed` cells long.
    fn grow_stack(&mut self, needed: usize) -> Result<(), Trap> {
        if needed > self.stack.len() {
            if needed > self.max_cells {
                return Err(Trap::StackOverflow);
            }
            // `needed <= max_cells`, so the new length covers it.
            let new_len = needed.max(self.stack.len() * 2).max(1024).min(self.max_cells);
            self.stack.resize(new_len, 0);
        }
        Ok(())
    }

    /// Makes `instance` the running one: its default memory and its code.
    fn switch_instance(&mut self, instance: u32) {
        let entity = &self.store.opaque().instances[instance as usize];
        let module = entity.module.inner();
        self.instance = instance;
        self.vm_memory0 = entity.vmctx.memory(0).unwrap_or(std::ptr::null_mut());
        self.vm_globals = entity.vmctx.globals();
        self.vm_tables = entity.vmctx.tables();
        self.code_base = module.code.as_ptr();
        self.first_defined_func = entity.funcs.get(module.num_imported_funcs as usize).copied().unwrap_or(0);
        #[cfg(feature = "cranelift")]
        {
            self.tier_counters = module.tier.as_ref().map_or(std::ptr::null(), |t| t.counters.as_ptr());
        }
    }

    /// The tier-up budget of the running instance's defined function `def`.
    #[inline(always)]
    fn tier_budget(&self, def: u32) -> &AtomicI32 {
        // SAFETY: `TierEntry`, `TierLoop` and back-edge handlers (`link`)
        // are only in the code of modules that tier up, whose counters
        // array has an entry per defined function, and their `def` (and a
        // call's callee) is one of the running module's defined functions.
        unsafe { &*self.tier_counters.add(def as usize) }
    }

    /// Counts `weight` operators against the tier-up budget of defined
    /// function `def`, the running one: a non-negative count (or, once the
    /// function has compiled code, negative for good: see `tierup.rs`).
    /// Whether it is spent. A plain load and store: a count lost to
    /// another thread only delays tier-up; weights are at most 2^24, so
    /// the count never wraps.
    #[inline(always)]
    fn spend_tier_budget(&self, def: u32, weight: u32) -> bool {
        let budget = self.tier_budget(def);
        let old = budget.load(Ordering::Relaxed);
        if old < 0 {
            return true;
        }
        let left = old - weight as i32;
        budget.store(left, Ordering::Relaxed);
        left < 0
    }

    /// As [`Self::spend_tier_budget`], at a loop header: whether this spent
    /// the budget. Once the function has compiled code its budget stays
    /// negative (its entries run that code), but a frame still looping
    /// here in the interpreter must go on asking for an entry into the
    /// loop: it counts on the executor's own [`Self::compiled_loop_budget`],
    /// a look every [`COMPILED_LOOP_POLL`] operators.
    #[inline(always)]
    fn spend_loop_budget(&mut self, def: u32, weight: u32) -> bool {
        let budget = self.tier_budget(def);
        let old = budget.load(Ordering::Relaxed);
        if old >= 0 {
            let left = old - weight as i32;
            budget.store(left, Ordering::Relaxed);
            return left < 0;
        }
        self.compiled_loop_budget -= i64::from(weight);
        if self.compiled_loop_budget >= 0 {
            return false;
        }
        self.compiled_loop_budget = COMPILED_LOOP_POLL;
        true
    }

    /// The branch from `ip` to `ip + offset`: where it goes. A back edge
    /// (`BACK_EDGE`: a backward branch in code that tiers up, followed by
    /// its loop's `TierLoop` stub, which `link` gives handlers of their own,
    /// so that other code pays nothing) counts first (`count_back_edge`);
    /// every other branch goes straight to its target.
    #[inline(always)]
    fn branch<const BACK_EDGE: bool>(&self, ip: *const Op, offset: BranchOffset) -> *const Op {
        // SAFETY: branch targets are inside the function (see `step`).
        let target = unsafe { ip.offset(offset as isize) };
        if BACK_EDGE {
            return self.count_back_edge(ip, target);
        }
        target
    }

    /// Where a branch at `ip` goes when not taken: the next instruction, or
    /// for a back edge (`BACK_EDGE`), the one after its stub.
    #[inline(always)]
    fn fall_through<const BACK_EDGE: bool>(ip: *const Op) -> *const Op {
        // SAFETY: a conditional branch has a successor, and a back edge's
        // stub (two slots) is followed by the code after the branch.
        unsafe { ip.add(if BACK_EDGE { 3 } else { 1 }) }
    }

    /// The back edge at `ip` jumping to `target`: counts the weight of its
    /// `TierLoop` stub, at `ip + 1`, against the running function's budget
    /// and goes on to `target`, saving a dispatch per loop iteration. The
    /// next instruction waits for no load of the stub's: the weight only
    /// decides a well-predicted branch. When the budget would not cover the
    /// weight, goes to the stub itself, which counts again and asks for
    /// compiled code.
    #[inline(always)]
    fn count_back_edge(&self, ip: *const Op, target: *const Op) -> *const Op {
        // SAFETY: a back edge's stub follows it (see `link`).
        let stub = unsafe { ip.add(1) };
        // SAFETY: as above.
        if let Instr::TierLoop { weight, def, .. } = unsafe { &(*stub).instr } {
            let budget = self.tier_budget(*def);
            let old = budget.load(Ordering::Relaxed);
            // Weights are at most 2^24 (see `spend_tier_budget`).
            if old >= *weight as i32 {
                budget.store(old - *weight as i32, Ordering::Relaxed);
                return target;
            }
        }
        std::hint::cold_path();
        stub
    }

    /// Where a `CallInternal` enters its callee `code`, the running
    /// instance's defined function `def`, whose frame it just made: at its
    /// first instruction, or, in code that tiers up and while the callee's
    /// budget covers its `TierEntry`'s weight, after that instruction, the
    /// counting done here (a dispatch saved per call).
    #[inline(always)]
    fn count_entry(&self, code: &CompiledFunc, def: u32) -> *const Op {
        let weight = code.entry_weight;
        if weight != 0 {
            // A function with an entry weight has a `TierEntry` first, so
            // its module tiers up.
            let budget = self.tier_budget(def);
            let old = budget.load(Ordering::Relaxed);
            if old >= weight as i32 {
                budget.store(old - weight as i32, Ordering::Relaxed);
                // SAFETY: `TierEntry` is never a function's last instruction.
                return unsafe { self.ip.add(1) };
            }
        }
        self.ip
    }

    /// `TierEntry` at `ip` found the running function's budget spent: asks
    /// for its compiled code, and if that is ready runs it in place of the
    /// interpreter's, then returns to the caller with its results.
    #[cold]
    #[inline(never)]
    fn tier_up_at_entry(&mut self, ip: *const Op) -> Result<Step, Stop> {
        // Already switched in this store (an interpreted caller's call of
        // a compiled function, the common case): straight there.
        #[cfg(feature = "cranelift")]
        if !self.store.opaque().func_ref(self.func).array_call.is_null() || crate::tierup::on_hot(self.store, self.func)
        {
            return self.run_compiled_instead();
        }
        // SAFETY: `TierEntry` is never a function's last instruction.
        Ok(Step::Next(unsafe { ip.add(1) }))
    }

    /// Returns to the caller after compiled code ran the running frame's
    /// function, its results at the frame's base; reloaded, since that code
    /// may have grown the memory.
    #[cfg(feature = "cranelift")]
    fn return_after_compiled(&mut self) -> Step {
        match self.return_to_caller() {
            Step::Enter(ret_ip, _) => {
                self.ip = ret_ip;
                Step::Reload
            }
            step => step,
        }
    }

    /// The `TierLoop` stub at `ip`, reached by a back edge, found the
    /// function's budget spent: goes to the loop's header, and if the stub
    /// names the loop, asks for the function's compiled code and its entry
    /// into this loop, and once that is ready continues the frame there
    /// (on-stack replacement), then returns to the caller with the
    /// function's results.
    #[cold]
    #[inline(never)]
    fn tier_up_in_loop(&mut self, ip: *const Op) -> Result<Step, Stop> {
        // SAFETY: a `TierLoopHeader` follows every `TierLoop`.
        let header = unsafe { ip.add(1) };
        // SAFETY: as above.
        let Instr::TierLoopHeader { index, offset } = (unsafe { (*header).instr }) else {
            unreachable!("a `TierLoopHeader` follows every `TierLoop`")
        };
        // SAFETY: the header is inside the function.
        let header = unsafe { header.offset(offset as isize) };
        #[cfg(feature = "cranelift")]
        if index != ir::NO_LOOP {
            let here = (self.fp_index, self.func);
            if self.hot_frame == Some(here) {
                self.hot_polls = self.hot_polls.saturating_add(1);
            } else {
                (self.hot_frame, self.hot_polls, self.hot_asked_at) = (Some(here), 0, 0);
            }
            let polls = self.hot_polls - self.hot_asked_at;
            match crate::tierup::on_hot_loop(self.store, self.func, index, polls) {
                crate::tierup::LoopTier::Enter { entry, array_call, vmctx } => {
                    return self.enter_loop_compiled(entry, array_call, vmctx);
                }
                crate::tierup::LoopTier::Stay { asked: true } => self.hot_asked_at = self.hot_polls,
                crate::tierup::LoopTier::Stay { asked: false } => {}
            }
        }
        let _ = index;
        Ok(Step::Next(header))
    }

    /// Continues the running frame, at a loop header, in compiled code:
    /// its entry into that loop `entry`, called through `array_call` with
    /// the frame's locals; the results return to the caller.
    #[cfg(feature = "cranelift")]
    fn enter_loop_compiled(&mut self, entry: *const u8, array_call: *const u8, vmctx: *const u8) -> Result<Step, Stop> {
        let func = self.func;
        let FuncEntity::Wasm { index, module } = &self.store.opaque().funcs[func as usize] else {
            unreachable!("the running function is a wasm function")
        };
        let results = module.func_type(*index).result_cells();
        let code = self.store.opaque().func_ref(func).code;
        // SAFETY: the running function's code slot is filled (see `run`).
        let locals = unsafe { &*code.cast::<OnceLock<CompiledFunc>>() }.get().map_or(0, |c| c.num_locals) as usize;
        // The locals, in the frame's first cells, as the entry reads them.
        let mut cells: Vec<u64> = self.stack[self.fp_index..self.fp_index + locals].to_vec();
        let mut args = vec![0u64; results.max(1)];
        args[0] = cells.as_mut_ptr() as u64;
        // SAFETY: `array_call` is the trampoline of the entry's signature
        // (one `i64`, the function's results), `entry` the function's
        // entry into this loop, which reads `locals` cells, and `vmctx`
        // the running instance's context.
        let result = unsafe { crate::runtime::entry::call_code(self.store, vmctx, entry, array_call, &mut args) };
        drop(cells);
        let start = self.fp_index;
        match result {
            Ok(()) => {
                if start + results > self.stack.len() {
                    self.make_room(start + results)?;
                }
                self.stack[start..start + results].copy_from_slice(&args[..results]);
                Ok(self.return_after_compiled())
            }
            Err(error) => self.compiled_frame_failed(error),
        }
    }

    /// Compiled code running the running frame's function in its place
    /// (from its entry, or from a loop) failed with `error`. It ran the
    /// frame's `try_table`s: an exception it let through goes on from the
    /// caller, and a backtrace gets the frame from the error's, not again
    /// from this executor.
    #[cfg(feature = "cranelift")]
    fn compiled_frame_failed(&mut self, error: anyhow::Error) -> Result<Step, Stop> {
        let exn = match error.downcast_ref::<ThrownException>() {
            Some(_) => self.store.opaque_mut().pending_exception.take(),
            None => None,
        };
        if self.frames.is_empty() {
            self.func = NO_FUNC;
            if let Some(exn) = exn {
                self.store.opaque_mut().pending_exception = Some(exn);
            }
            return Err(Stop::Host(error));
        }
        // With a caller, `ip` is then where it continues.
        self.return_after_compiled();
        match exn {
            Some(exn) => {
                crate::exception::absorb(self.store.opaque_mut(), exn, &error);
                self.unwind(exn, self.ip.wrapping_sub(1))
            }
            None => Err(Stop::Host(error)),
        }
    }

    /// Runs the compiled code of the running function, just entered (its
    /// parameters at the frame's base, nothing run yet), in place of its
    /// interpreter code; its results then return to the caller.
    #[cfg(feature = "cranelift")]
    fn run_compiled_instead(&mut self) -> Result<Step, Stop> {
        let func = self.func;
        let FuncEntity::Wasm { index, module } = &self.store.opaque().funcs[func as usize] else {
            unreachable!("the running function is a wasm function")
        };
        let ty = module.func_type(*index);
        let n = ty.param_cells().max(ty.result_cells());
        let start = self.fp_index;
        if start + n > self.stack.len() {
            self.make_room(start + n)?;
        }
        match call_compiled(self.store, func, &mut self.stack[start..start + n]) {
            Ok(()) => Ok(self.return_after_compiled()),
            Err(error) => self.compiled_frame_failed(error),
        }
    }

    /// The running instance's default memory as the handlers see it.
    #[inline(always)]
    fn mem0(&self) -> Mem {
        if self.vm_memory0.is_null() {
            return Mem::NONE;
        }
        // SAFETY: a non-null `vm_memory0` is the running instance's memory
        // 0's definition (see the field).
        let def = unsafe { &*self.vm_memory0 };
        Mem { base: def.base, len: def.current_length as u64 }
    }

    /// Global `index` of the running instance.
    #[inline(always)]
    fn global(&self, index: u32) -> *mut VMGlobalDefinition {
        // SAFETY: the translator only emits the module's global indices,
        // and `vm_globals` has one entry per global (see the field).
        unsafe { *self.vm_globals.add(index as usize) }
    }

    /// The reference cells of table `index` of the running instance.
    #[inline(always)]
    fn table(&mut self, index: u32) -> &mut [u64] {
        // SAFETY: the translator only emits the module's table indices, and
        // `vm_tables` has one entry per table; the definition describes the
        // table's cells (kept so by `TableEntity`), which nothing else
        // touches while the executor holds the store (`&mut self`).
        unsafe {
            let def = &**self.vm_tables.add(index as usize);
            std::slice::from_raw_parts_mut(def.base, def.current_elements)
        }
    }

    /// Memory `memory` of the running instance, looked up through the
    /// store (the handlers of memory 0's own instructions use the cached one).
    #[inline]
    fn memory_at(&self, memory: u32) -> Mem {
        let store = self.store.opaque();
        let m = store.instances[self.instance as usize].memories[memory as usize];
        let memory = &store.memories[m as usize];
        Mem { base: memory.base(), len: memory.len() as u64 }
    }

    /// `FpShift`: moves the window of a large frame. Out of line, as the
    /// other large-frame instruction: ordinary code never runs them.
    #[cold]
    #[inline(never)]
    fn fp_shift(&mut self, ip: *const Op, delta: i32) -> Step {
        // The translator keeps every slot of the code after the shift
        // inside the frame.
        self.fp_index = self.fp_index.wrapping_add_signed(delta as isize);
        let fp = self.fp_at(self.fp_index);
        // SAFETY: as at the end of `step`: a shift has a successor.
        Step::Enter(unsafe { ip.add(1) }, fp)
    }

    /// `CopyFar`: a copy within a large frame, to or from outside its window.
    #[cold]
    #[inline(never)]
    fn copy_far(&mut self, dst: i32, src: i32, len: u32) {
        let src = self.fp_index.wrapping_add_signed(src as isize);
        let dst = self.fp_index.wrapping_add_signed(dst as isize);
        self.stack.copy_within(src..src + len as usize, dst);
    }

    fn fp_at(&mut self, index: usize) -> Fp {
        // SAFETY: `index` is the base of a live frame, inside the stack.
        Fp(unsafe { self.stack.as_mut_ptr().add(index) })
    }

    fn run(&mut self, cells: &mut [u64]) -> Result<(), (Stop, u32)> {
        let entry = self.func;
        let VMFuncRef { code, instance, .. } = *self.store.opaque().func_ref(entry);
        assert!(!code.is_null(), "host functions are called directly");
        // SAFETY: `code` points into a module kept alive by the store's
        // entity: a wasm function's interpreter code slot (see `VMFuncRef`).
        let code = match unsafe { &*code.cast::<OnceLock<CompiledFunc>>() }.get() {
            Some(code) => code as *const CompiledFunc,
            None => self.translate_func(entry).map_err(|stop| (stop, entry))?,
        };
        // SAFETY: as above; a published translation is never replaced.
        let code = unsafe { &*code };
        let needed = cells.len().max(code.frame_size as usize);
        self.grow_stack(needed).map_err(|t| (Stop::Trap(t), entry))?;
        let params = code.num_params as usize;
        self.stack[..params].copy_from_slice(&cells[..params]);
        Self::init_frame(self.fp_at(0), code);
        self.ip = code.code.as_ptr();
        self.fp_index = 0;
        self.switch_instance(instance);
        match self.execute() {
            Ok(()) => {
                let n = cells.len();
                cells.copy_from_slice(&self.stack[..n]);
                Ok(())
            }
            Err(stop) => Err((stop, self.func)),
        }
    }

    /// Executes the instruction at `ip` of the running function, whose frame
    /// is at `fp` and whose default memory is `mem`, and says where to go on.
    ///
    /// This is the one definition of every instruction's behaviour. The
    /// dispatchers (`dispatch.rs`) call it with `ip`'s instruction kind known,
    /// so each instantiation folds to a single arm.
    #[inline(always)]
    ///
    /// With `BACK_EDGE`, the instruction is a backward branch in code that
    /// tiers up, and counts for tier-up when it jumps (see `branch`).
    fn step<const BACK_EDGE: bool>(&mut self, ip: *const Op, fp: Fp, mem: Mem, acc: &mut Acc) -> Result<Step, Stop> {
        // Takes the branch at `ip + offset` when the condition holds. The
        // hint keeps this a real branch: computing the next instruction with
        // a conditional move would make every later instruction wait for the
        // comparison instead of running ahead on the predicted path.
        macro_rules! branch_if {
            ($cond:expr, $offset:expr) => {
                if $cond {
                    std::hint::cold_path();
                    return Ok(Step::Next(self.branch::<BACK_EDGE>(ip, $offset)));
                }
            };
        }
        // Goes on to the next instruction with an empty accumulator.
        macro_rules! next_clearing_acc {
            () => {
                // SAFETY: as at the end of `step`: an instruction that falls
                // through has a successor.
                acc.int = 0;
                return Ok(Step::Next(unsafe { ip.add(1) }))
            };
        }
        // SAFETY: the translator ends every code path with a return, branch
        // or trap, and branch offsets stay inside the function, so `ip`
        // always points at an instruction of the running function.
        let instr = unsafe { (*ip).instr };
        if numeric::eval::<false>(ip, instr, fp, mem, acc)? {
            // SAFETY: a numeric instruction always has a successor.
            return Ok(Step::Next(unsafe { ip.add(1) }));
        }
        if let Some((taken, offset)) = numeric::eval_branch(instr, fp, *acc) {
            branch_if!(taken, offset);
            return Ok(Step::Next(Self::fall_through::<BACK_EDGE>(ip)));
        }
        if let Some((taken, offset)) = numeric::eval_step_branch(instr, fp, acc) {
            branch_if!(taken, offset);
            return Ok(Step::Next(Self::fall_through::<BACK_EDGE>(ip)));
        }
        let instance = self.instance;
        match instr {
            Instr::Trap { code } => return Err(code.into()),
            Instr::Br { offset } => return Ok(Step::Next(self.branch::<BACK_EDGE>(ip, offset))),
            Instr::I32AddImmBrIfNez { slot, imm, offset } => {
                let value = fp.u32(slot).wrapping_add(i32::from(imm) as u32);
                fp.set(slot, u64::from(value));
                branch_if!(value != 0, offset);
            }
            Instr::BrIfNez { cond, offset } => branch_if!(fp.u32(cond) != 0, offset),
            Instr::BrIfEqz { cond, offset } => branch_if!(fp.u32(cond) == 0, offset),
            Instr::BrIfNezAcc { offset } => branch_if!(acc.int as u32 != 0, offset),
            Instr::BrIfEqzAcc { offset } => branch_if!(acc.int as u32 == 0, offset),
            Instr::I32LoadBrIfNez { load, offset } => {
                let value = numeric::sem::i32_load(mem, fp.get(load.addr), load.offset)?;
                fp.set(load.dst, value);
                branch_if!(value as u32 != 0, offset);
            }
            Instr::I32LoadBrIfEqz { load, offset } => {
                let value = numeric::sem::i32_load(mem, fp.get(load.addr), load.offset)?;
                fp.set(load.dst, value);
                branch_if!(value as u32 == 0, offset);
            }
            Instr::I32SubBrIfNez { op, offset } => {
                let difference = fp.u32(op.lhs).wrapping_sub(fp.u32(op.rhs));
                fp.set(op.dst, u64::from(difference));
                branch_if!(difference != 0, offset);
            }
            Instr::I32SubBrIfEqz { op, offset } => {
                let difference = fp.u32(op.lhs).wrapping_sub(fp.u32(op.rhs));
                fp.set(op.dst, u64::from(difference));
                branch_if!(difference == 0, offset);
            }
            Instr::BrTable { index, len } => {
                let target = fp.u32(index).min(len) as usize;
                // SAFETY: `len + 1` `Br` entries follow the `BrTable`.
                let entry = unsafe { ip.add(1 + target) };
                // Follow the entry's jump here rather than dispatching to it.
                // SAFETY: as above; its target is inside the function.
                let Instr::Br { offset } = (unsafe { (*entry).instr }) else {
                    unreachable!("br_table entries are `Br`")
                };
                // A backward entry goes to its loop's `TierLoop`, which counts.
                return Ok(Step::Next(self.branch::<false>(entry, offset)));
            }
            Instr::ConsumeFuel { amount } => {
                let fuel = self.store.opaque_mut().fuel_mut();
                match fuel.checked_sub(u64::from(amount)) {
                    Some(left) => *fuel = left,
                    None => {
                        *fuel = 0;
                        return Err(Trap::OutOfFuel.into());
                    }
                }
            }
            Instr::CheckInterrupt => {
                if self.store.opaque().epoch_deadline_reached() {
                    return Err(Trap::Interrupt.into());
                }
            }
            Instr::TierEntry { weight, def } => {
                if self.spend_tier_budget(def, weight) {
                    return self.tier_up_at_entry(ip);
                }
            }
            Instr::TierLoop { weight, def, offset } => {
                if self.spend_loop_budget(def, weight) {
                    return self.tier_up_in_loop(ip);
                }
                // SAFETY: a stub continues inside its function.
                return Ok(Step::Next(unsafe { ip.offset(offset as isize) }));
            }
            Instr::TierLoopHeader { .. } => unreachable!("a `TierLoopHeader` is data, after its `TierLoop`"),
            Instr::Return0 => return Ok(self.return_to_caller()),
            Instr::Return1 { src } => {
                fp.set(Slot(0), fp.get(src));
                return Ok(self.return_to_caller());
            }
            Instr::ReturnSpan { src, len } => {
                let start = self.fp_index + src.index();
                self.stack.copy_within(start..start + len as usize, self.fp_index);
                return Ok(self.return_to_caller());
            }
            Instr::CallInternal { func, base } => {
                // SAFETY: the translator emits `CallInternal` only with the
                // index of one of the module's defined functions, and
                // `code_base` is the running instance's module's code.
                let slot = unsafe { &*self.code_base.add(func as usize) };
                let callee = self.first_defined_func + func;
                // SAFETY: `ip + 1` is the instruction after the call.
                let ret_ip = unsafe { ip.add(1) };
                let new_fp = self.fp_index + base.index();
                let Some(code) = slot.get() else {
                    if self.runs_compiled(callee) {
                        return self.call_host(callee, ret_ip, new_fp);
                    }
                    self.translate_and_retry(ip, callee)?;
                    return Ok(Step::Reload);
                };
                return match self.enter_frame(code, callee, ret_ip, new_fp) {
                    Some(fp) => Ok(Step::Enter(self.count_entry(code, func), fp)),
                    None => {
                        self.make_room_and_retry(ip, new_fp, code.frame_size)?;
                        Ok(Step::Reload)
                    }
                };
            }
            Instr::Call { func, base } => {
                let callee = self.store.opaque().instances[instance as usize].funcs[func as usize];
                // SAFETY: `ip + 1` is the instruction after the call.
                let ret_ip = unsafe { ip.add(1) };
                return self.call(callee, ip, ret_ip, base);
            }
            Instr::CallIndirect { table, index, base } => {
                // SAFETY: `CallIndirectSig` always follows `CallIndirect`.
                let Instr::CallIndirectSig { sig } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("CallIndirect without its signature word")
                };
                let callee = self.indirect_callee(table, fp.get(index), sig)?;
                // SAFETY: the call and its parameter word are two instructions.
                let ret_ip = unsafe { ip.add(2) };
                return self.call(callee, ip, ret_ip, base);
            }
            Instr::ReturnCallInternal { func, base } => {
                // SAFETY: as for `CallInternal`.
                let slot = unsafe { &*self.code_base.add(func as usize) };
                let callee = self.first_defined_func + func;
                let Some(code) = slot.get() else {
                    if self.runs_compiled(callee) {
                        return self.tail_call_host(callee, base);
                    }
                    self.translate_and_retry(ip, callee)?;
                    return Ok(Step::Reload);
                };
                return Ok(match self.replace_frame(code, callee, ip, base)? {
                    Some(fp) => Step::Enter(self.ip, fp),
                    None => Step::Reload,
                });
            }
            Instr::ReturnCall { func, base } => {
                let callee = self.store.opaque().instances[instance as usize].funcs[func as usize];
                return self.tail_call(callee, ip, base);
            }
            Instr::ReturnCallIndirect { table, index, base } => {
                // SAFETY: `CallIndirectSig` always follows `ReturnCallIndirect`.
                let Instr::CallIndirectSig { sig } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("ReturnCallIndirect without its signature word")
                };
                let callee = self.indirect_callee(table, fp.get(index), sig)?;
                return self.tail_call(callee, ip, base);
            }
            Instr::CallRef { func, base } => {
                let callee = func_ref_callee(fp.get(func))?;
                // SAFETY: `ip + 1` is the instruction after the call.
                let ret_ip = unsafe { ip.add(1) };
                return self.call(callee, ip, ret_ip, base);
            }
            Instr::ReturnCallRef { func, base } => {
                let callee = func_ref_callee(fp.get(func))?;
                return self.tail_call(callee, ip, base);
            }
            Instr::RefAsNonNull { src } => {
                if fp.get(src) == 0 {
                    return Err(Trap::NullReference.into());
                }
            }
            Instr::BrIfNull { cond, offset } => branch_if!(fp.get(cond) == 0, offset),
            Instr::BrIfNonNull { cond, offset } => branch_if!(fp.get(cond) != 0, offset),
            Instr::CallIndirectSig { .. }
            | Instr::TableCopyParams { .. }
            | Instr::TableInitParams { .. }
            | Instr::MemoryCopyParams { .. }
            | Instr::MemoryInitParams { .. }
            | Instr::V128LaneMemParams { .. } => {
                unreachable!("parameter words are consumed by their instruction")
            }
            Instr::Copy { dst, src } => fp.set(dst, fp.get(src)),
            Instr::CopyAcc { dst } => fp.set(dst, acc.int),
            Instr::CopyAccF32 { dst } => fp.set(dst, u64::from(acc.f32.to_bits())),
            Instr::CopyAccF64 { dst } => fp.set(dst, acc.f64.to_bits()),
            Instr::CopyImm32 { dst, bits } => fp.set(dst, u64::from(bits)),
            Instr::CopyImm64 { dst, bits } => fp.set(dst, bits),
            Instr::FpShift { delta } => return Ok(self.fp_shift(ip, delta)),
            Instr::CopyFar { dst, src, len } => self.copy_far(dst, src, len),
            Instr::Copy2 { a, src_a, b, src_b } => {
                fp.set(a, fp.get(src_a));
                fp.set(b, fp.get(src_b));
            }
            Instr::I32AddImm2 { a, imm_a, b, imm_b } => {
                fp.set(a, u64::from(fp.u32(a).wrapping_add(i32::from(imm_a) as u32)));
                let sum = u64::from(fp.u32(b).wrapping_add(i32::from(imm_b) as u32));
                fp.set(b, sum);
                acc.int = sum;
            }
            Instr::I32AddImmCopy { dst, lhs, copy, imm } => {
                let sum = u64::from(fp.u32(lhs).wrapping_add(imm as u32));
                fp.set(dst, sum);
                fp.set(copy, sum);
            }
            Instr::CopySpan { dst, src, len } => {
                let src = self.fp_index + src.index();
                self.stack.copy_within(src..src + len as usize, self.fp_index + dst.index());
            }
            Instr::Select { dst, cond, if_true, if_false } => {
                // Both operands are read and the choice is a conditional move:
                // a branch here mispredicts on data-dependent selects (a
                // branchless merge's `a < b ? a : b` is 50/50 on random data).
                let (t, f) = (fp.get(if_true), fp.get(if_false));
                fp.set(dst, std::hint::select_unpredictable(fp.u32(cond) != 0, t, f))
            }
            Instr::RefIsNull { dst, src } => fp.set_bool(dst, fp.get(src) == 0),
            Instr::RefFunc { dst, func } => {
                let f = self.store.opaque().instances[instance as usize].funcs[func as usize];
                fp.set(dst, u64::from(f) + 1);
            }
            Instr::GlobalGet { dst, global } => {
                // SAFETY: `global` is a live definition (see `Executor::global`).
                fp.set(dst, unsafe { (*self.global(global)).cells[0] });
            }
            Instr::GlobalSet { src, global } => {
                // SAFETY: as for `GlobalGet`; validation made it mutable.
                unsafe { (*self.global(global)).cells[0] = fp.get(src) };
            }
            Instr::TableGet { dst, index, table } => {
                let cell = self.table(table).get(cell_index(fp.get(index)));
                fp.set(dst, *cell.ok_or(Trap::TableOutOfBounds)?);
            }
            Instr::TableSet { index, value, table } => {
                let cell = self.table(table).get_mut(cell_index(fp.get(index)));
                *cell.ok_or(Trap::TableOutOfBounds)? = fp.get(value);
            }
            Instr::TableSize { dst, table } => fp.set(dst, self.table(table).len() as u64),
            Instr::TableGrow { dst, delta, init, table } => {
                let t = self.store.opaque().instances[instance as usize].tables[table as usize];
                let result = self.store.grow_table(t, u64::from(fp.u32(delta)), fp.get(init)).map_err(Stop::Host)?;
                fp.set_i32(dst, result.map_or(-1, |old| old as i32));
            }
            Instr::TableFill { dst, value, len, table } => {
                let elems = self.table(table);
                let range = table_range(elems.len(), fp.get(dst), fp.get(len))?;
                elems[range].fill(fp.get(value));
            }
            Instr::TableCopy { dst, src, len } => {
                // SAFETY: `TableCopyParams` always follows `TableCopy`.
                let Instr::TableCopyParams { dst_table, src_table } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("TableCopy without its parameter word")
                };
                let store = &mut self.store.opaque_mut();
                let tables = &store.instances[instance as usize].tables;
                let (dt, st) = (tables[dst_table as usize] as usize, tables[src_table as usize] as usize);
                let (d, s, n) = (fp.get(dst), fp.get(src), fp.get(len));
                let src_range = table_range(store.tables[st].len(), s, n)?;
                let dst_range = table_range(store.tables[dt].len(), d, n)?;
                if dt == st {
                    store.tables[dt].elems_mut().copy_within(src_range, dst_range.start);
                } else {
                    let (a, b) = pair_mut(&mut store.tables, dt, st);
                    a.elems_mut()[dst_range].copy_from_slice(&b.elems()[src_range]);
                }
                // SAFETY: skip the parameter word.
                return Ok(Step::Next(unsafe { ip.add(2) }));
            }
            Instr::TableInit { dst, src, len } => {
                // SAFETY: `TableInitParams` always follows `TableInit`.
                let Instr::TableInitParams { table, elem } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("TableInit without its parameter word")
                };
                self.table_init(table, elem, fp.get(dst), fp.get(src), fp.get(len))?;
                // SAFETY: skip the parameter word.
                return Ok(Step::Next(unsafe { ip.add(2) }));
            }
            Instr::ElemDrop { elem } => {
                self.store.opaque_mut().instances[instance as usize].elems[elem as usize] = Default::default();
            }
            Instr::MemorySize { dst, memory } => {
                let store = self.store.opaque();
                let m = store.instances[instance as usize].memories[memory as usize];
                fp.set(dst, store.memories[m as usize].pages());
            }
            Instr::MemoryGrow { dst, delta, memory } => {
                let m = self.store.opaque().instances[instance as usize].memories[memory as usize];
                let result = self.store.grow_memory(m, u64::from(fp.u32(delta))).map_err(Stop::Host)?;
                fp.set_i32(dst, result.map_or(-1, |old| old as i32));
                // The memory's length changed: reload it.
                // SAFETY: `MemoryGrow` is never the last instruction.
                self.ip = unsafe { ip.add(1) };
                return Ok(Step::Reload);
            }
            Instr::MemoryFill { dst, value, len } => {
                let n = u64::from(fp.u32(len));
                let start = mem.range(fp.get(dst), n)?;
                // SAFETY: `range` checked the bytes are inside the memory.
                unsafe { std::ptr::write_bytes(mem.base.add(start), fp.u32(value) as u8, n as usize) };
            }
            Instr::MemoryCopy { dst, src, len } => {
                let n = u64::from(fp.u32(len));
                let s = mem.range(fp.get(src), n)?;
                let d = mem.range(fp.get(dst), n)?;
                // SAFETY: both ranges are inside the memory; `copy` allows overlap.
                unsafe { std::ptr::copy(mem.base.add(s), mem.base.add(d), n as usize) };
            }
            Instr::MemoryInit { dst, src, len, data } => {
                let segment = &self.store.opaque().instances[instance as usize].datas[data as usize];
                let n = u64::from(fp.u32(len));
                let s = u64::from(fp.u32(src));
                if s + n > segment.len() as u64 {
                    return Err(Trap::MemoryOutOfBounds.into());
                }
                let d = mem.range(fp.get(dst), n)?;
                // SAFETY: the source range is inside the segment and the
                // destination inside the memory; they cannot overlap.
                unsafe { std::ptr::copy_nonoverlapping(segment.as_ptr().add(s as usize), mem.base.add(d), n as usize) };
            }
            Instr::DataDrop { data } => {
                self.store.opaque_mut().instances[instance as usize].datas[data as usize] = Default::default();
            }
            Instr::LoadMem { dst, addr, memory, kind, offset } => {
                let value = self.load_mem(u32::from(memory), kind, fp.get(addr), offset)?;
                fp.set(dst, value);
            }
            Instr::StoreMem { addr, value, memory, kind, offset } => {
                self.store_mem(u32::from(memory), kind, fp.get(addr), offset, fp.get(value))?;
            }
            Instr::AddrAddOffset { dst, addr, high } => {
                let sum = fp.get(addr).checked_add(u64::from(high) << 32).ok_or(Trap::MemoryOutOfBounds)?;
                fp.set(dst, sum);
            }
            Instr::MemoryGrow64 { dst, delta, memory } => {
                let m = self.store.opaque().instances[instance as usize].memories[memory as usize];
                let result = self.store.grow_memory(m, fp.get(delta)).map_err(Stop::Host)?;
                fp.set(dst, result.unwrap_or(u64::MAX));
                // Memory 0's length may have changed: reload it.
                // SAFETY: `MemoryGrow64` is never the last instruction.
                self.ip = unsafe { ip.add(1) };
                return Ok(Step::Reload);
            }
            Instr::MemoryFillMem { dst, value, len, memory } => {
                let target = self.memory_at(u32::from(memory));
                let n = fp.get(len);
                let start = target.range(fp.get(dst), n)?;
                // SAFETY: `range` checked the bytes are inside the memory.
                unsafe { std::ptr::write_bytes(target.base.add(start), fp.u32(value) as u8, n as usize) };
            }
            Instr::MemoryCopyMem { dst, src, len } => {
                // SAFETY: `MemoryCopyParams` always follows `MemoryCopyMem`.
                let Instr::MemoryCopyParams { dst_memory, src_memory } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("MemoryCopyMem without its parameter word")
                };
                let (to, from) = (self.memory_at(dst_memory), self.memory_at(src_memory));
                // Both addresses and the length are cells of their index
                // types (the length's is the smaller one): all read as u64.
                let n = fp.get(len);
                let s = from.range(fp.get(src), n)?;
                let d = to.range(fp.get(dst), n)?;
                // SAFETY: both ranges are inside their memories; `copy`
                // allows overlap (the two may be one memory).
                unsafe { std::ptr::copy(from.base.add(s), to.base.add(d), n as usize) };
                // SAFETY: skip the parameter word.
                return Ok(Step::Next(unsafe { ip.add(2) }));
            }
            Instr::MemoryInitMem { dst, src, len } => {
                // SAFETY: `MemoryInitParams` always follows `MemoryInitMem`.
                let Instr::MemoryInitParams { memory, data } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("MemoryInitMem without its parameter word")
                };
                let target = self.memory_at(memory);
                let segment = &self.store.opaque().instances[instance as usize].datas[data as usize];
                let (n, s) = (fp.get(len), fp.get(src));
                if s + n > segment.len() as u64 {
                    return Err(Trap::MemoryOutOfBounds.into());
                }
                let d = target.range(fp.get(dst), n)?;
                // SAFETY: the source range is inside the segment and the
                // destination inside the memory; they cannot overlap.
                unsafe {
                    std::ptr::copy_nonoverlapping(segment.as_ptr().add(s as usize), target.base.add(d), n as usize)
                };
                // SAFETY: skip the parameter word.
                return Ok(Step::Next(unsafe { ip.add(2) }));
            }
            Instr::TableGrow64 { dst, delta, init, table } => {
                let t = self.store.opaque().instances[instance as usize].tables[table as usize];
                let result = self.store.grow_table(t, fp.get(delta), fp.get(init)).map_err(Stop::Host)?;
                fp.set(dst, result.unwrap_or(u64::MAX));
            }
            Instr::Throw { tag, base } => return self.throw_new(tag, base, ip),
            Instr::ThrowRef { exn } => {
                let cell = fp.get(exn);
                if cell == 0 {
                    return Err(Trap::NullReference.into());
                }
                // A new throw: its backtrace starts here.
                self.store.opaque_mut().exception_frames = None;
                return self.unwind((cell - 1) as u32, ip);
            }

            // A store leaves nothing in the accumulator (`Instr::sets_acc`),
            // so it clears it instead of passing it on: that frees the
            // accumulator's register for the address arithmetic, which
            // would otherwise spill in the store handlers.
            Instr::I32Store(op) | Instr::F32Store(op) => {
                mem.store(fp, op, |v| (v as u32).to_le_bytes())?;
                next_clearing_acc!();
            }
            Instr::I64Store(op) | Instr::F64Store(op) => {
                mem.store(fp, op, u64::to_le_bytes)?;
                next_clearing_acc!();
            }
            Instr::I32Store8(op) | Instr::I64Store8(op) => {
                mem.store(fp, op, |v| [v as u8])?;
                next_clearing_acc!();
            }
            Instr::I32Store16(op) | Instr::I64Store16(op) => {
                mem.store(fp, op, |v| (v as u16).to_le_bytes())?;
                next_clearing_acc!();
            }
            Instr::I64Store32(op) => {
                mem.store(fp, op, |v| (v as u32).to_le_bytes())?;
                next_clearing_acc!();
            }
            Instr::Store8AddImm { base, value, imm } => {
                mem.write(AddImmLoad::address(fp.get(base), imm), 0, [fp.get(value) as u8])?;
                next_clearing_acc!();
            }
            Instr::Store16AddImm { base, value, imm } => {
                mem.write(AddImmLoad::address(fp.get(base), imm), 0, (fp.get(value) as u16).to_le_bytes())?;
                next_clearing_acc!();
            }
            Instr::Store32AddImm { base, value, imm } => {
                mem.write(AddImmLoad::address(fp.get(base), imm), 0, (fp.get(value) as u32).to_le_bytes())?;
                next_clearing_acc!();
            }
            Instr::Store64AddImm { base, value, imm } => {
                mem.write(AddImmLoad::address(fp.get(base), imm), 0, fp.get(value).to_le_bytes())?;
                next_clearing_acc!();
            }
            Instr::Copy128 { dst, src } => fp.set128(dst, fp.get128(src)),
            Instr::Select128 { dst, cond, if_true, if_false } => {
                let (t, f) = (fp.get128(if_true), fp.get128(if_false));
                fp.set128(dst, std::hint::select_unpredictable(fp.u32(cond) != 0, t, f))
            }
            Instr::GlobalGet128 { dst, global } => {
                // SAFETY: as for `GlobalGet`.
                fp.set128(dst, unsafe { (*self.global(global)).bits() });
            }
            Instr::GlobalSet128 { src, global } => {
                // SAFETY: as for `GlobalSet`.
                unsafe { *self.global(global) = VMGlobalDefinition::new(fp.get128(src)) };
            }
            // `v128` accesses to any memory but a 32-bit memory 0, out of
            // line in `vector.rs`.
            Instr::V128LoadMem { dst, addr, memory, kind, offset } => {
                self.v128_load_mem(fp, dst, addr, memory, kind, offset)?
            }
            Instr::V128StoreMem { addr, value, memory, offset } => {
                self.v128_store_mem(fp, addr, value, memory, offset)?
            }
            Instr::V128LoadLaneMem { dst, addr, src, memory, width, lane } => {
                // SAFETY: `V128LaneMemParams` always follows `V128LoadLaneMem`.
                let Instr::V128LaneMemParams { offset } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("V128LoadLaneMem without its parameter word")
                };
                self.v128_load_lane_mem(fp, dst, addr, src, memory, width, lane, offset.get())?;
                // SAFETY: skip the parameter word.
                return Ok(Step::Next(unsafe { ip.add(2) }));
            }
            Instr::V128StoreLaneMem { addr, value, memory, width, lane } => {
                // SAFETY: `V128LaneMemParams` always follows `V128StoreLaneMem`.
                let Instr::V128LaneMemParams { offset } = (unsafe { (*ip.add(1)).instr }) else {
                    unreachable!("V128StoreLaneMem without its parameter word")
                };
                self.v128_store_lane_mem(fp, addr, value, memory, width, lane, offset.get())?;
                // SAFETY: skip the parameter word.
                return Ok(Step::Next(unsafe { ip.add(2) }));
            }
            // SIMD instructions: one arm each in `vector::eval`. Last, so
            // that no other instruction's handler looks at them.
            _ => {
                if !vector::eval(instr, fp, mem, acc)? {
                    unreachable!("numeric instructions are executed by `numeric::eval`")
                }
            }
        }
        // Every instruction that falls through has a successor: the
        // translator never ends a function with one. (Here with
        // `BACK_EDGE`, a conditional back edge not taken.)
        Ok(Step::Next(Self::fall_through::<BACK_EDGE>(ip)))
    }

    /// Performs the call at `ip` to store function `callee` whose arguments start at
    /// slot `base` of the running frame. A wasm callee gets a new frame and
    /// becomes the running function; a host callee runs to completion and
    /// the caller continues at `ret_ip`. Either way the executor's state
    /// (`ip`, `fp_index`, `instance`) says where to go on.
    ///
    /// The host path is kept out of line: the function handle it holds
    /// would stop the threaded handlers from ending in a jump (see
    /// `dispatch.rs`).
    #[inline(always)]
    fn call(&mut self, callee: u32, ip: *const Op, ret_ip: *const Op, base: Slot) -> Result<Step, Stop> {
        let new_fp = self.fp_index + base.index();
        let VMFuncRef { code, instance: callee_instance, .. } = *self.store.opaque().func_ref(callee);
        if code.is_null() {
            return self.call_host(callee, ret_ip, new_fp);
        }
        // SAFETY: `code` points into a module kept alive by the entity: a
        // wasm function's interpreter code slot (see `VMFuncRef`).
        let Some(code) = (unsafe { &*code.cast::<OnceLock<CompiledFunc>>() }).get() else {
            if self.runs_compiled(callee) {
                return self.call_host(callee, ret_ip, new_fp);
            }
            self.translate_and_retry(ip, callee)?;
            return Ok(Step::Reload);
        };
        let Some(fp) = self.enter_frame(code, callee, ret_ip, new_fp) else {
            self.make_room_and_retry(ip, new_fp, code.frame_size)?;
            return Ok(Step::Reload);
        };
        if callee_instance != self.instance {
            self.switch_instance(callee_instance);
            return Ok(Step::Reload);
        }
        Ok(Step::Enter(self.ip, fp))
    }

    /// Pushes the running function's frame (to continue at `ret_ip`) and
    /// makes wasm function `func` (store index), whose code is `code`, the
    /// running one with its frame at stack index `new_fp`. Returns the new
    /// frame's pointer; `self.ip` is the callee's first instruction.
    ///
    /// Returns `None`, changing nothing, when a frame record or the value
    /// stack must grow first: the caller then goes through
    /// [`Self::make_room_and_retry`]. The hot path makes no calls, so the
    /// call handlers need not save any registers.
    #[inline(always)]
    fn enter_frame(&mut self, code: &CompiledFunc, func: u32, ret_ip: *const Op, new_fp: usize) -> Option<Fp> {
        if self.frames.len() >= self.frame_limit || new_fp + code.frame_size as usize > self.stack.len() {
            return None;
        }
        let len = self.frames.len();
        // SAFETY: `frame_limit` never exceeds the capacity of `frames`, so
        // there is room for one more record; it is written before the length
        // covers it.
        unsafe {
            self.frames.as_mut_ptr().add(len).write(Frame {
                ret_ip,
                fp: self.fp_index,
                instance: self.instance,
                func: self.func,
            });
            self.frames.set_len(len + 1);
        }
        self.func = func;
        self.ip = code.code.as_ptr();
        self.fp_index = new_fp;
        // Last, when little else is live: the copy needs three registers.
        let fp = self.fp_at(new_fp);
        Self::init_frame(fp, code);
        Some(fp)
    }

    /// The slow path of a call at `ip` that `enter_frame` refused: grows
    /// the frame records and the value stack for a frame of `frame_size`
    /// cells at stack index `new_fp` (or traps at the limits), then runs the
    /// call instruction again: the caller continues with `Step::Reload`.
    /// Only the executor itself is live across this out-of-line call, which
    /// keeps the handlers' hot paths free of register saves.
    #[cold]
    #[inline(never)]
    fn make_room_and_retry(&mut self, ip: *const Op, new_fp: usize, frame_size: u32) -> Result<(), Trap> {
        self.make_room(new_fp + frame_size as usize)?;
        self.ip = ip;
        Ok(())
    }

    /// The slow path of a call at `ip` to wasm function `func` (store
    /// index) that is not translated yet: translates it, then runs the call
    /// instruction again (the caller continues with `Step::Reload`), which
    /// keeps the handlers' hot path free of register saves, as
    /// `make_room_and_retry` does.
    #[cold]
    #[inline(never)]
    fn translate_and_retry(&mut self, ip: *const Op, func: u32) -> Result<(), Stop> {
        self.translate_func(func)?;
        self.ip = ip;
        Ok(())
    }

    /// Whether wasm function `func` (store index), called for the first
    /// time by interpreted code (it has no interpreter code yet), runs
    /// compiled code instead: its own in this store, or its module's,
    /// compiled in this process or loaded from the cache, to which this
    /// store then switches. Such a function is never validated and
    /// translated for the interpreter, which in a warm run of Yosys took a
    /// quarter of the time.
    #[cold]
    #[inline(never)]
    fn runs_compiled(&mut self, func: u32) -> bool {
        #[cfg(feature = "cranelift")]
        {
            !self.store.opaque().func_ref(func).array_call.is_null()
                || crate::tierup::switch_if_compiled(self.store, func)
        }
        #[cfg(not(feature = "cranelift"))]
        {
            let _ = func;
            false
        }
    }

    /// Pops the caller's frame after the results were placed at the running
    /// frame's base, or says that the entry function returned.
    #[inline(always)]
    fn return_to_caller(&mut self) -> Step {
        let Some(frame) = self.frames.pop() else { return Step::Done };
        self.fp_index = frame.fp;
        self.func = frame.func;
        if frame.instance != self.instance {
            self.switch_instance(frame.instance);
            self.ip = frame.ret_ip;
            return Step::Reload;
        }
        Step::Enter(frame.ret_ip, self.fp_at(frame.fp))
    }

    /// The store function at `index` of the running instance's `table`,
    /// checked to be a function of signature `sig`.
    #[inline(always)]
    fn indirect_callee(&mut self, table: u32, index: u64, sig: SigId) -> Result<u32, Trap> {
        // The index is an i32 (zero-extended) or an i64 cell: one read serves both.
        let cell = *self.table(table).get(cell_index(index)).ok_or(Trap::TableOutOfBounds)?;
        if cell == 0 {
            return Err(Trap::IndirectCallToNull);
        }
        let callee = (cell - 1) as u32;
        if self.store.opaque().func_ref(callee).sig != sig {
            return Err(Trap::BadSignature);
        }
        Ok(callee)
    }

    /// The tail call at `ip` to store function `callee` whose arguments start
    /// at slot `base` of the running frame: the callee takes over the running
    /// frame (no `Frame` is pushed), so its results go straight to our caller.
    #[inline(always)]
    fn tail_call(&mut self, callee: u32, ip: *const Op, base: Slot) -> Result<Step, Stop> {
        let VMFuncRef { code, instance: callee_instance, .. } = *self.store.opaque().func_ref(callee);
        if code.is_null() {
            return self.tail_call_host(callee, base);
        }
        // SAFETY: `code` points into a module kept alive by the entity: a
        // wasm function's interpreter code slot (see `VMFuncRef`).
        let Some(code) = (unsafe { &*code.cast::<OnceLock<CompiledFunc>>() }).get() else {
            if self.runs_compiled(callee) {
                return self.tail_call_host(callee, base);
            }
            self.translate_and_retry(ip, callee)?;
            return Ok(Step::Reload);
        };
        let Some(fp) = self.replace_frame(code, callee, ip, base)? else {
            return Ok(Step::Reload);
        };
        if callee_instance != self.instance {
            self.switch_instance(callee_instance);
            return Ok(Step::Reload);
        }
        Ok(Step::Enter(self.ip, fp))
    }

    /// Replaces the running function by wasm function `func` (store index),
    /// whose code is `code`: its arguments move from slot `base` down to the
    /// frame base, and its frame is set up there. Returns the frame's
    /// pointer; `self.ip` is the callee's first instruction.
    ///
    /// Returns `None`, changing nothing but the stack's length, when the
    /// value stack had to grow first: `self.ip` is then the tail call at
    /// `ip`, to run again (`Step::Reload`), as calls do.
    #[inline(always)]
    fn replace_frame(&mut self, code: &CompiledFunc, func: u32, ip: *const Op, base: Slot) -> Result<Option<Fp>, Trap> {
        if self.fp_index + code.frame_size as usize > self.stack.len() {
            self.grow_stack_and_retry(ip, self.fp_index + code.frame_size as usize)?;
            return Ok(None);
        }
        let args = self.fp_index + base.index();
        // The arguments are moved before the callee's locals and constants
        // are written, which may overlap where they were.
        self.stack.copy_within(args..args + code.num_params as usize, self.fp_index);
        self.func = func;
        self.ip = code.code.as_ptr();
        let fp = self.fp_at(self.fp_index);
        Self::init_frame(fp, code);
        Ok(Some(fp))
    }

    /// The slow path of a tail call at `ip` whose frame does not fit the
    /// value stack: grows it to `needed` cells (or traps at the limit) and
    /// sets the call up to run again.
    #[cold]
    #[inline(never)]
    fn grow_stack_and_retry(&mut self, ip: *const Op, needed: usize) -> Result<(), Trap> {
        self.grow_stack(needed)?;
        self.ip = ip;
        Ok(())
    }

    /// The code of wasm function `func` (store index) on its first call,
    /// after translating it (lazy compilation). Out of line and cold: once
    /// a function is translated, callers find its code in its slot.
    #[cold]
    #[inline(never)]
    fn translate_func(&self, func: u32) -> Result<*const CompiledFunc, Stop> {
        let FuncEntity::Wasm { index, module, .. } = &self.store.opaque().funcs[func as usize] else {
            unreachable!("only wasm functions are translated")
        };
        match module.compiled(index - module.num_imported_funcs) {
            Ok(code) => Ok(code),
            Err(error) => Err(Stop::Host(error)),
        }
    }

    /// A tail call to host function `callee`: it runs to completion with its
    /// arguments where they are, its results move to the running frame's
    /// base, and the running function returns them.
    #[inline(never)]
    fn tail_call_host(&mut self, callee: u32, base: Slot) -> Result<Step, Stop> {
        let args = self.fp_index + base.index();
        self.call_host(callee, std::ptr::null(), args)?;
        let results = match &self.store.opaque().funcs[callee as usize] {
            FuncEntity::Host { ty, .. } => ty.result_cells(),
            FuncEntity::Wasm { index, module } => module.func_type(*index).result_cells(),
        };
        self.stack.copy_within(args..args + results, self.fp_index);
        Ok(self.return_to_caller())
    }

    /// Calls `callee`, a function the interpreter does not run (a host
    /// function, or a compiled wasm function), with its parameters at stack
    /// index `new_fp`; the caller then continues at `ret_ip`.
    #[inline(never)]
    fn call_host(&mut self, callee: u32, ret_ip: *const Op, new_fp: usize) -> Result<Step, Stop> {
        let result = match &self.store.opaque().funcs[callee as usize] {
            FuncEntity::Host { host, ty, .. } => {
                let host = *host;
                let n = ty.param_cells().max(ty.result_cells());
                let cells = &mut self.stack[new_fp..new_fp + n];
                self.store.call_host(host, Some(self.instance), cells)
            }
            FuncEntity::Wasm { index, module } => {
                let ty = module.func_type(*index);
                let n = ty.param_cells().max(ty.result_cells());
                let cells = &mut self.stack[new_fp..new_fp + n];
                call_compiled(self.store, callee, cells)
            }
        };
        if let Err(error) = result {
            // An exception thrown by the host function, or passing through
            // it from wasm it called, continues into its caller here.
            if error.downcast_ref::<ThrownException>().is_some()
                && let Some(exn) = self.store.opaque_mut().pending_exception.take()
            {
                crate::exception::absorb(self.store.opaque_mut(), exn, &error);
                return self.unwind(exn, ret_ip.wrapping_sub(1));
            }
            return Err(Stop::Host(error));
        }
        self.ip = ret_ip;
        Ok(Step::Reload)
    }

    /// `throw`: a new exception of the instance's tag `tag` with the payload
    /// in the slots from `base`, thrown at `ip`.
    #[cold]
    #[inline(never)]
    fn throw_new(&mut self, tag: u32, base: Slot, ip: *const Op) -> Result<Step, Stop> {
        let store = &mut self.store.opaque_mut();
        let tag = store.instances[self.instance as usize].tags[tag as usize];
        let len = store.tags[tag as usize].ty.payload_cells();
        let start = self.fp_index + base.index();
        let exn = store.exns.alloc(tag, &self.stack[start..start + len]);
        store.exception_frames = None;
        self.unwind(exn, ip)
    }

    /// Delivers exception `exn`, thrown at instruction `at` of the running
    /// function, to the innermost matching catch clause of this executor's
    /// frames: the frames above it are dropped and execution continues at
    /// the clause's label with the payload in place. Without one, the
    /// exception becomes the store's pending exception and leaves this
    /// executor as a [`ThrownException`], frames intact for the backtrace.
    ///
    /// This walk is the whole cost of exception handling: nothing runs for
    /// a `try_table` until something throws.
    #[cold]
    #[inline(never)]
    fn unwind(&mut self, exn: u32, at: *const Op) -> Result<Step, Stop> {
        let store = self.store.opaque();
        let tag = store.exns.get(exn).tag;
        // The frame being searched: the running one, then its callers.
        let (mut at, mut func, mut fp_index, mut instance) = (at, self.func, self.fp_index, self.instance);
        let mut depth = self.frames.len();
        let landing = 'search: loop {
            // An active frame's function has run, so it is translated.
            let code = store.func_ref(func).code;
            // SAFETY: a non-null `code` points into a module kept alive by
            // the entity.
            if !code.is_null()
                && let Some(code) = unsafe { &*code.cast::<OnceLock<CompiledFunc>>() }.get()
            {
                let pc = ((at.addr() - code.code.as_ptr().addr()) / std::mem::size_of::<Op>()) as u32;
                let tags = &store.instances[instance as usize].tags;
                for handler in code.handlers.iter().filter(|h| h.start <= pc && pc < h.end) {
                    if let Some(clause) = handler.catches.iter().find(|c| c.tag.is_none_or(|t| tags[t as usize] == tag))
                    {
                        break 'search Some((*clause, code.code.as_ptr(), code.window_at(pc)));
                    }
                }
            }
            let Some(caller) = depth.checked_sub(1) else { break None };
            depth = caller;
            let frame = &self.frames[depth];
            // The caller is inside its call instruction (or its parameter word).
            (at, func, fp_index, instance) = (frame.ret_ip.wrapping_sub(1), frame.func, frame.fp, frame.instance);
        };
        let Some((clause, code, window)) = landing else {
            let store = self.store.opaque_mut();
            store.pending_exception = Some(exn);
            return Err(Stop::Host(crate::exception::uncaught(store, exn)));
        };
        self.store.opaque_mut().exception_frames = None;
        self.frames.truncate(depth);
        self.func = func;
        // In a large frame, the frame pointer moves from the window at the
        // throw (or call) to the label's.
        self.fp_index = fp_index - window as usize + clause.window as usize;
        let fp_index = self.fp_index;
        let exns = &mut self.store.opaque_mut().exns;
        // `catch_all` and `catch_all_ref` deliver no payload.
        let fields: &[u64] = if clause.tag.is_some() { &exns.get(exn).fields } else { &[] };
        let dst = fp_index + clause.dst.index();
        // The translator sized the frame to hold the label's values.
        self.stack[dst..dst + fields.len()].copy_from_slice(fields);
        if clause.with_ref {
            self.stack[dst + fields.len()] = u64::from(exn) + 1;
            exns.mark_escaped(exn);
        } else {
            exns.release_if_unreferenced(exn);
        }
        if instance != self.instance {
            self.switch_instance(instance);
        }
        // SAFETY: catch targets are instruction indices of the function.
        self.ip = unsafe { code.add(clause.target as usize) };
        Ok(Step::Reload)
    }

    /// `table.init`. Out of line: the segment handle it holds would stop the
    /// threaded handler from ending in a jump.
    #[inline(never)]
    fn table_init(&mut self, table: u32, elem: u32, dst: u64, src: u64, len: u64) -> Result<(), Trap> {
        let segment = self.store.opaque().instances[self.instance as usize].elems[elem as usize].clone();
        let src_range = table_range(segment.len(), src, len)?;
        let elems = self.table(table);
        let dst_range = table_range(elems.len(), dst, len)?;
        elems[dst_range].copy_from_slice(&segment[src_range]);
        Ok(())
    }

    /// `LoadMem`: the cell that `kind` makes of the bytes at `addr + offset`
    /// of the instance's memory `memory`. Out of line: it serves every
    /// memory but a 32-bit memory 0, which has handlers of its own.
    #[inline(never)]
    fn load_mem(&self, memory: u32, kind: LoadKind, addr: u64, offset: u32) -> Result<u64, Trap> {
        let p = self.memory_at(memory).checked_addr(addr, u64::from(offset), kind.width())?.cast_const();
        // SAFETY: `checked_addr` checked that `kind.width()` bytes at `p`
        // are inside the memory; reads are unaligned.
        let value = unsafe {
            match kind {
                LoadKind::U8 => u64::from(p.read()),
                LoadKind::I32S8 => u64::from(p.read() as i8 as i32 as u32),
                LoadKind::I64S8 => p.read() as i8 as i64 as u64,
                LoadKind::U16 => u64::from(u16::from_le(p.cast::<u16>().read_unaligned())),
                LoadKind::I32S16 => u64::from(u16::from_le(p.cast::<u16>().read_unaligned()) as i16 as i32 as u32),
                LoadKind::I64S16 => u16::from_le(p.cast::<u16>().read_unaligned()) as i16 as i64 as u64,
                LoadKind::U32 => u64::from(u32::from_le(p.cast::<u32>().read_unaligned())),
                LoadKind::I64S32 => u32::from_le(p.cast::<u32>().read_unaligned()) as i32 as i64 as u64,
                LoadKind::U64 => u64::from_le(p.cast::<u64>().read_unaligned()),
            }
        };
        Ok(value)
    }

    /// `StoreMem`: writes the low `kind.width()` bytes of `value` at
    /// `addr + offset` of the instance's memory `memory`.
    #[inline(never)]
    fn store_mem(&self, memory: u32, kind: StoreKind, addr: u64, offset: u32, value: u64) -> Result<(), Trap> {
        let p = self.memory_at(memory).checked_addr(addr, u64::from(offset), kind.width())?;
        let bytes = value.to_le_bytes();
        // SAFETY: `checked_addr` checked that `kind.width()` bytes at `p`
        // are inside the memory; `bytes` is a separate local.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, kind.width() as usize) };
        Ok(())
    }
}

/// The store function a function reference cell names, or the trap for null.
#[inline(always)]
fn func_ref_callee(cell: u64) -> Result<u32, Trap> {
    match cell {
        0 => Err(Trap::NullFunctionReference),
        cell => Ok((cell - 1) as u32),
    }
}

/// The index range `start..start + len` of a table or segment of `size`
/// entries, or a table bounds trap.
fn table_range(size: usize, start: u64, len: u64) -> Result<std::ops::Range<usize>, Trap> {
    match start.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(Trap::TableOutOfBounds),
    }
}

/// Copies `n` cells from `src` to `dst` (non-overlapping) for a new frame.
///
/// A plain loop: frames are small, and both a call to `memcpy` and
/// `rep movsq` (slow to start on some x86 cores) cost more than the copy.
#[inline(always)]
fn copy_cells(src: *const u64, dst: *mut u64, n: usize) {
    for i in 0..n {
        // Volatile reads keep the compiler from turning this loop into a
        // call to `memcpy`.
        // SAFETY: the caller guarantees `n` readable cells at `src` and `n`
        // writable ones at `dst`, not overlapping; `i < n`.
        unsafe { *dst.add(i) = std::ptr::read_volatile(src.add(i)) };
    }
}

/// Two distinct elements of a slice, mutably and immutably.
fn pair_mut<E>(items: &mut [E], a: usize, b: usize) -> (&mut E, &E) {
    assert_ne!(a, b);
    if a < b {
        let (lo, hi) = items.split_at_mut(b);
        (&mut lo[a], &hi[0])
    } else {
        let (lo, hi) = items.split_at_mut(a);
        (&mut hi[0], &lo[b])
    }
}
