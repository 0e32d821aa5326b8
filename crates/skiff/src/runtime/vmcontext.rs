//! The layouts that executing code reads directly: the definitions of
//! memories, tables and globals, each instance's context, which points at
//! the store's context and at the definitions the instance uses (its own
//! and its imports) by index, and the store's context: fuel, the epoch
//! deadline, and what a call needs of every function ([`VMFuncRef`]).
//!
//! Everything here is `#[repr(C)]` with offsets fixed by this module (and
//! checked by its tests), so that generated code can address them with a
//! base pointer and a constant: `*(vmctx + offsets.global(i))` is global
//! `i`'s definition, `*(def + VMGlobalDefinition::VALUE)` its value. The
//! interpreter reads them the same way, through raw pointers it keeps for
//! the running instance (`interp::Executor`), instead of walking the
//! store's vectors by index.
//!
//! Definitions live in [`VmBox`]es owned by the store's entities: their
//! addresses never change (a memory's `base` and a table's `base` do, when
//! they grow: growth updates the definition in place, so every instance
//! that uses it sees the new value), and entities are only freed with their
//! store, so a context's pointers stay valid as long as anything can run.
//!
//! This is one of the few modules with `unsafe`: allocating and freeing
//! `VmBox`es, and reading a context's pointers.

use crate::engine::SigId;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

/// A heap cell with a fixed address, read and written only through raw
/// pointers (its owner's methods, or a pointer from `as_ptr`).
///
/// Unlike a `Box`, holding one asserts no uniqueness: the interpreter may
/// keep a pointer to its contents while the owner sits in the store, and
/// accesses through either are ordered by the `&`/`&mut` borrows of the
/// store they are made under.
pub(crate) struct VmBox<T: ?Sized>(NonNull<T>);

// SAFETY: a `VmBox` owns its `T` like a `Box` does; access through `&self`
// only reads and through `&mut self` writes, and the raw pointers handed out
// are only used by code holding the store (shared or exclusive) that owns it.
unsafe impl<T: ?Sized + Send> Send for VmBox<T> {}
// SAFETY: see `Send`.
unsafe impl<T: ?Sized + Sync> Sync for VmBox<T> {}

impl<T> VmBox<T> {
    pub fn new(value: T) -> VmBox<T> {
        VmBox::from_box(Box::new(value))
    }
}

impl<T: ?Sized> VmBox<T> {
    pub fn from_box(value: Box<T>) -> VmBox<T> {
        VmBox(NonNull::from(Box::leak(value)))
    }

    /// The contents' address, stable for the box's lifetime.
    pub fn as_ptr(&self) -> *mut T {
        self.0.as_ptr()
    }

    pub fn get(&self) -> &T {
        // SAFETY: the pointer came from a live `Box`; writes only happen
        // under `&mut self` or under an exclusive borrow of the owning store,
        // neither of which can overlap this shared borrow.
        unsafe { self.0.as_ref() }
    }

    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: as for `get`; `&mut self` excludes every other access.
        unsafe { self.0.as_mut() }
    }
}

impl<T: ?Sized> Drop for VmBox<T> {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::leak` in `from_box` and is
        // freed once, here; nothing reads it after the owning store is dropped.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

/// A linear memory: where its bytes start and how many are accessible.
/// `base` never changes (memories reserve their range up front); the
/// length grows.
#[repr(C)]
pub(crate) struct VMMemoryDefinition {
    pub base: *mut u8,
    pub current_length: usize,
}

/// Field offsets, for generated code (the interpreter reads the fields by
/// name); the tests check them against the layout.
#[cfg_attr(not(test), allow(dead_code))]
impl VMMemoryDefinition {
    pub const BASE: usize = 0;
    pub const CURRENT_LENGTH: usize = std::mem::size_of::<usize>();
}

/// A table: its reference cells (0 is null, else a store index plus one,
/// as everywhere; see `values.rs`) and how many there are. Growth may
/// move `base`.
#[repr(C)]
pub(crate) struct VMTableDefinition {
    pub base: *mut u64,
    pub current_elements: usize,
}

/// Field offsets, as for [`VMMemoryDefinition`].
#[cfg_attr(not(test), allow(dead_code))]
impl VMTableDefinition {
    pub const BASE: usize = 0;
    pub const CURRENT_ELEMENTS: usize = std::mem::size_of::<usize>();
}

/// A global's value: one cell, or for a `v128` both halves (low first).
/// 16-byte aligned so that a `v128` is one aligned access.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct VMGlobalDefinition {
    pub cells: [u64; 2],
}

impl VMGlobalDefinition {
    /// Field offsets, as for [`VMMemoryDefinition`]: the value's cell (a
    /// `v128`'s low half) and a `v128`'s high half.
    #[cfg_attr(not(test), allow(dead_code))]
    pub const VALUE: usize = 0;
    #[cfg_attr(not(test), allow(dead_code))]
    pub const HIGH: usize = 8;

    pub fn new(bits: u128) -> VMGlobalDefinition {
        VMGlobalDefinition { cells: [bits as u64, (bits >> 64) as u64] }
    }

    pub fn bits(&self) -> u128 {
        u128::from(self.cells[0]) | u128::from(self.cells[1]) << 64
    }
}

/// What a call needs of a function: its code in each tier, the context it
/// runs with and its signature. The store keeps one per function, by store
/// index, in the array its [`VMStoreContext`] points at; a table cell names
/// a function by that index (plus one), so `call_indirect` goes from the
/// cell to `funcs[cell - 1]`, compares `sig` and enters the code with
/// `vmctx`, all at constant offsets. Both tiers read it on every call that
/// is not direct.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct VMFuncRef {
    /// A wasm function's interpreter code: its slot in the module, filled
    /// on the first call (lazy translation), opaque here (the interpreter
    /// knows its type). Null for a host function and for compiled code.
    pub code: *const (),
    /// For a compiled function, the context of the instance it belongs to.
    /// For a function without compiled code (a host function, a wasm
    /// function the interpreter runs), its own store index: what its
    /// host-call trampoline (`wasm_call`) needs.
    pub vmctx: *const u8,
    /// The function's signature, engine-wide.
    pub sig: SigId,
    /// The store index of the function's instance; [`Self::HOST`] for a
    /// host function.
    pub instance: u32,
    /// The compiled entry, in the compiled tier's convention (the callee's
    /// and the caller's contexts, then the arguments): a compiled
    /// function, or for any other function the host-call trampoline of its
    /// signature, which calls it through the runtime. Null where the
    /// engine compiles nothing.
    pub wasm_call: *const u8,
    /// For a compiled wasm function, the trampoline the host enters it by
    /// (arguments and results in cells); null otherwise.
    pub array_call: *const u8,
}

// SAFETY: the pointers are addresses of a module's code slots (`OnceLock`s,
// written once, safe to share), of immutable compiled code and of an
// instance context; all are only followed by code holding the store that
// owns the function.
unsafe impl Send for VMFuncRef {}
// SAFETY: see `Send`.
unsafe impl Sync for VMFuncRef {}

#[cfg_attr(not(test), allow(dead_code))]
impl VMFuncRef {
    /// Field offsets, as for [`VMMemoryDefinition`].
    pub const CODE: usize = 0;
    pub const VMCTX: usize = PTR;
    pub const SIG: usize = 2 * PTR;
    pub const INSTANCE: usize = 2 * PTR + 4;
    pub const WASM_CALL: usize = 2 * PTR + 8;
    pub const ARRAY_CALL: usize = 3 * PTR + 8;
    /// `instance` of a host function.
    pub const HOST: u32 = u32::MAX;

    /// The reference of host function `index` (store index), entered from
    /// compiled code through `host_call` (null without the compiled tier).
    pub fn host(index: u32, sig: SigId, host_call: *const u8) -> VMFuncRef {
        VMFuncRef {
            code: std::ptr::null(),
            vmctx: std::ptr::without_provenance(index as usize),
            sig,
            instance: VMFuncRef::HOST,
            wasm_call: host_call,
            array_call: std::ptr::null(),
        }
    }
}

/// The part of a store that running code reads and writes, one per store
/// in a [`VmBox`], reached from every instance's context (its first entry).
#[repr(C)]
pub(crate) struct VMStoreContext {
    /// Fuel left, when the engine meters it.
    pub fuel: u64,
    /// The engine epoch at which interruptible code traps (`u64::MAX`: never).
    pub epoch_deadline: u64,
    /// The engine's epoch counter, which `Engine::increment_epoch` advances.
    pub epoch: *const AtomicU64,
    /// The store's functions by store index. The array moves when functions
    /// are added (instantiation, host functions), never while wasm runs
    /// without a host call in between, and the store updates this field
    /// each time.
    pub funcs: *const VMFuncRef,
    /// How many entries `funcs` has.
    pub funcs_len: usize,
    /// The lowest stack address compiled code may use: every function's
    /// prologue checks it (set when compiled code is entered).
    pub stack_limit: usize,
    /// The table of runtime functions compiled code calls
    /// (`runtime::libcalls`); null without the compiled tier.
    pub libcalls: *const usize,
    /// The store as those functions reach it while compiled code runs (an
    /// `EntryStore` on the entry's frame); null otherwise.
    pub store: *mut u8,
}

// SAFETY: `epoch` points at an atomic in the engine; `funcs` at the owning
// store's array, only read by code holding that store.
unsafe impl Send for VMStoreContext {}
// SAFETY: see `Send`.
unsafe impl Sync for VMStoreContext {}

#[cfg_attr(not(test), allow(dead_code))]
impl VMStoreContext {
    /// Field offsets, as for [`VMMemoryDefinition`].
    pub const FUEL: usize = 0;
    pub const EPOCH_DEADLINE: usize = 8;
    pub const EPOCH: usize = 16;
    pub const FUNCS: usize = 16 + PTR;
    pub const FUNCS_LEN: usize = 16 + 2 * PTR;
    pub const STACK_LIMIT: usize = 16 + 3 * PTR;
    pub const LIBCALLS: usize = 16 + 4 * PTR;
    pub const STORE: usize = 16 + 5 * PTR;

    /// The context of a store with no functions, whose code reads the
    /// epoch at `epoch` and calls the runtime through `libcalls`.
    pub fn new(epoch: *const AtomicU64, libcalls: *const usize) -> VMStoreContext {
        VMStoreContext {
            fuel: 0,
            epoch_deadline: u64::MAX,
            epoch,
            funcs: std::ptr::null(),
            funcs_len: 0,
            stack_limit: 0,
            libcalls,
            store: std::ptr::null_mut(),
        }
    }

    /// Whether the epoch has reached the deadline.
    #[inline]
    pub fn epoch_deadline_reached(&self) -> bool {
        // SAFETY: `epoch` points into the engine, which the store that owns
        // this context keeps alive.
        unsafe { (*self.epoch).load(std::sync::atomic::Ordering::Relaxed) >= self.epoch_deadline }
    }
}

/// The first words of every instance's context.
#[repr(C)]
#[cfg_attr(not(any(test, feature = "cranelift")), allow(dead_code))] // Read by libcalls.
pub(crate) struct VMContextHeader {
    pub store: *mut VMStoreContext,
    /// The instance's store index (in a word).
    pub instance: u64,
}

/// Where things are in an instance's context, from the counts of the
/// module's memories, tables, globals and imported functions (imported
/// entities first, as in the module's index spaces):
///
/// ```text
/// offset 0                      store:    *mut VMStoreContext
/// 8                             instance: u64, the instance's store index
/// 16                            defined functions: u64, the store index
///                               of the first (the others follow it)
/// 24                            memories: [*mut VMMemoryDefinition; memories]
/// 24 + 8 * memories             tables:   [*mut VMTableDefinition; tables]
/// ...                           globals:  [*mut VMGlobalDefinition; globals]
/// ...                           imported functions: [u64; imports], store indices
/// ...                           call targets: [VMCallTarget; calls], one per
///                               defined function under tier-up, else none
/// ```
///
/// Every definition entry is a pointer, for imported and defined entities
/// alike: one load more than placing defined ones inline, for uniform
/// indexing and a context that never needs to know which ones are
/// imported. An imported function is its store index, where its
/// `VMFuncRef` is (the array of those moves; the index does not).
///
/// The call targets are tier-up's per-function code-pointer table: tiered
/// code calls the module's own function `d` through entry `d`, two loads at
/// a constant offset from its context, where going through the store's
/// `VMFuncRef` array would chain three loads and a multiply before the
/// callee has its context. Each entry copies its function's
/// `VMFuncRef::wasm_call` and `vmctx`; the store writes both together
/// (`StoreOpaque::sync_call_target`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct VMOffsets {
    memories: u32,
    tables: u32,
    globals: u32,
    func_imports: u32,
    calls: u32,
}

/// A defined function's entry in its instance's call targets (see
/// [`VMOffsets`]): a copy of its `VMFuncRef`'s compiled entry and context.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct VMCallTarget {
    pub wasm_call: *const u8,
    pub vmctx: *const u8,
}

#[cfg_attr(not(any(test, feature = "cranelift")), allow(dead_code))]
impl VMCallTarget {
    pub const WASM_CALL: usize = 0;
    pub const VMCTX: usize = PTR;
}

const PTR: usize = std::mem::size_of::<usize>();

/// Words before the memories: the store context, the instance index and
/// the first defined function's store index.
const HEADER_WORDS: usize = 3;

impl VMOffsets {
    pub fn new(memories: u32, tables: u32, globals: u32, func_imports: u32, calls: u32) -> VMOffsets {
        VMOffsets { memories, tables, globals, func_imports, calls }
    }

    /// The layout of the contexts of `module`'s instances.
    pub fn for_module(module: &crate::module::ModuleInner) -> VMOffsets {
        VMOffsets::new(
            module.memories.len() as u32,
            module.tables.len() as u32,
            module.globals.len() as u32,
            module.num_imported_funcs,
            if module.tiers_up() { (module.func_types.len() - module.num_imported_funcs as usize) as u32 } else { 0 },
        )
    }

    /// How many call targets the context has.
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// Byte offset of the store context pointer.
    #[cfg_attr(not(any(test, feature = "cranelift")), allow(dead_code))] // The interpreter reaches the store through `StoreDyn`.
    pub fn store(&self) -> usize {
        0
    }

    /// Byte offset of the store index of the instance's first defined
    /// function (the others follow it).
    pub fn defined_funcs(&self) -> usize {
        2 * PTR
    }

    /// Byte offset of memory `index`'s definition pointer.
    pub fn memory(&self, index: u32) -> usize {
        debug_assert!(index < self.memories);
        HEADER_WORDS * PTR + index as usize * PTR
    }

    /// Byte offset of the store index of imported function `index`.
    #[cfg_attr(not(any(test, feature = "cranelift")), allow(dead_code))]
    pub fn func_import(&self, index: u32) -> usize {
        debug_assert!(index < self.func_imports);
        self.func_import_array() + index as usize * PTR
    }

    /// Byte offset of table `index`'s definition pointer.
    #[cfg_attr(not(test), allow(dead_code))] // The interpreter indexes `table_array`.
    pub fn table(&self, index: u32) -> usize {
        debug_assert!(index < self.tables);
        self.table_array() + index as usize * PTR
    }

    /// Byte offset of global `index`'s definition pointer.
    #[cfg_attr(not(test), allow(dead_code))] // The interpreter indexes `global_array`.
    pub fn global(&self, index: u32) -> usize {
        debug_assert!(index < self.globals);
        self.global_array() + index as usize * PTR
    }

    /// Byte offset of the array of table definition pointers.
    pub fn table_array(&self) -> usize {
        (HEADER_WORDS + self.memories as usize) * PTR
    }

    /// Byte offset of the array of global definition pointers.
    pub fn global_array(&self) -> usize {
        (HEADER_WORDS + self.memories as usize + self.tables as usize) * PTR
    }

    /// Byte offset of the array of imported functions' store indices.
    pub fn func_import_array(&self) -> usize {
        (HEADER_WORDS + self.memories as usize + self.tables as usize + self.globals as usize) * PTR
    }

    /// Byte offset of defined function `defined`'s call target (tier-up).
    #[cfg_attr(not(any(test, feature = "cranelift")), allow(dead_code))]
    pub fn call_target(&self, defined: u32) -> usize {
        debug_assert!(defined < self.calls);
        self.call_target_array() + defined as usize * std::mem::size_of::<VMCallTarget>()
    }

    fn call_target_array(&self) -> usize {
        self.func_import_array() + self.func_imports as usize * PTR
    }

    /// Bytes in the context.
    pub fn size(&self) -> usize {
        self.call_target_array() + self.calls as usize * std::mem::size_of::<VMCallTarget>()
    }
}

/// An instance's context: its store's context and the definitions of the
/// memories, tables and globals it uses, at the offsets [`VMOffsets`] gives.
pub(crate) struct VMContext {
    offsets: VMOffsets,
    /// The context's words; each a pointer to the store context or to a
    /// definition. (A `VmBox`, so that the executor, and the functions'
    /// `VMFuncRef`s, may keep pointers into it.)
    words: VmBox<[*mut u8]>,
}

// SAFETY: the context only holds addresses; the definitions they point at
// are reached through the owning store, whose borrows order every access.
unsafe impl Send for VMContext {}
// SAFETY: see `Send`.
unsafe impl Sync for VMContext {}

impl Default for VMContext {
    /// A placeholder, for an instance being built: no store, memories,
    /// tables, globals or imports.
    fn default() -> VMContext {
        VMContext::new(
            std::ptr::null_mut(),
            0,
            0,
            std::iter::empty(),
            std::iter::empty(),
            std::iter::empty(),
            std::iter::empty(),
            0,
        )
    }
}

impl VMContext {
    /// The context of instance `instance` (store index) in the store whose
    /// context is `store`, whose defined functions start at store index
    /// `defined_funcs`, for `memories`, `tables` and `globals` in the
    /// module's index order and the imported functions `func_imports`
    /// (store indices), with room for `calls` call targets (null until the
    /// store writes them).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: *mut VMStoreContext,
        instance: u32,
        defined_funcs: u32,
        memories: impl ExactSizeIterator<Item = *mut VMMemoryDefinition>,
        tables: impl ExactSizeIterator<Item = *mut VMTableDefinition>,
        globals: impl ExactSizeIterator<Item = *mut VMGlobalDefinition>,
        func_imports: impl ExactSizeIterator<Item = u32>,
        calls: u32,
    ) -> VMContext {
        let offsets = VMOffsets::new(
            memories.len() as u32,
            tables.len() as u32,
            globals.len() as u32,
            func_imports.len() as u32,
            calls,
        );
        let words: Box<[*mut u8]> = [
            store.cast(),
            std::ptr::without_provenance_mut(instance as usize),
            std::ptr::without_provenance_mut(defined_funcs as usize),
        ]
        .into_iter()
        .chain(memories.map(|p| p.cast()))
        .chain(tables.map(|p| p.cast()))
        .chain(globals.map(|p| p.cast()))
        .chain(func_imports.map(|f| std::ptr::without_provenance_mut(f as usize)))
        .chain(std::iter::repeat_n(std::ptr::null_mut(), calls as usize * 2))
        .collect();
        debug_assert_eq!(words.len() * PTR, offsets.size());
        VMContext { offsets, words: VmBox::from_box(words) }
    }

    pub fn offsets(&self) -> &VMOffsets {
        &self.offsets
    }

    /// The context's address, to which code adds offsets.
    pub fn as_ptr(&self) -> *const u8 {
        self.words.as_ptr().cast::<u8>()
    }

    /// The entry at byte `offset`, a pointer to a definition.
    fn entry_at<D>(&self, offset: usize) -> *const *mut D {
        debug_assert!(offset <= self.offsets.size() && offset.is_multiple_of(PTR));
        // SAFETY: `offset` comes from `self.offsets` for an index below the
        // count it was made with (or is the end of an empty array), so it
        // stays inside the context or one past its end.
        unsafe { self.as_ptr().add(offset).cast() }
    }

    /// The address of the first global's definition pointer: global `i`'s
    /// is `i` pointers on.
    pub fn globals(&self) -> *const *mut VMGlobalDefinition {
        self.entry_at(self.offsets.global_array())
    }

    /// The address of the first table's definition pointer.
    pub fn tables(&self) -> *const *mut VMTableDefinition {
        self.entry_at(self.offsets.table_array())
    }

    /// Writes the call target of the function of store index `func`, if it
    /// is one of this instance's defined functions and the context has call
    /// targets (see [`VMOffsets`]).
    pub fn set_call_target(&mut self, func: u32, target: VMCallTarget) {
        let first = self.words.get()[self.offsets.defined_funcs() / PTR] as usize;
        let Some(defined) = (func as usize).checked_sub(first).filter(|&d| d < self.offsets.calls as usize) else {
            return;
        };
        let at = self.offsets.call_target(defined as u32) / PTR;
        let words = self.words.get_mut();
        words[at + VMCallTarget::WASM_CALL / PTR] = target.wasm_call.cast_mut();
        words[at + VMCallTarget::VMCTX / PTR] = target.vmctx.cast_mut();
    }

    /// Memory `index`'s definition, if the instance has that memory.
    pub fn memory(&self, index: u32) -> Option<*mut VMMemoryDefinition> {
        (index < self.offsets.memories).then(|| self.words.get()[self.offsets.memory(index) / PTR].cast())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    #[test]
    fn definitions_have_the_documented_layout() {
        assert_eq!(offset_of!(VMMemoryDefinition, base), VMMemoryDefinition::BASE);
        assert_eq!(offset_of!(VMMemoryDefinition, current_length), VMMemoryDefinition::CURRENT_LENGTH);
        assert_eq!(size_of::<VMMemoryDefinition>(), 2 * PTR);
        assert_eq!(offset_of!(VMTableDefinition, base), VMTableDefinition::BASE);
        assert_eq!(offset_of!(VMTableDefinition, current_elements), VMTableDefinition::CURRENT_ELEMENTS);
        assert_eq!(size_of::<VMTableDefinition>(), 2 * PTR);
        assert_eq!(offset_of!(VMGlobalDefinition, cells), VMGlobalDefinition::VALUE);
        assert_eq!(VMGlobalDefinition::HIGH, VMGlobalDefinition::VALUE + 8);
        assert_eq!((size_of::<VMGlobalDefinition>(), align_of::<VMGlobalDefinition>()), (16, 16));
        assert_eq!(offset_of!(VMFuncRef, code), VMFuncRef::CODE);
        assert_eq!(offset_of!(VMFuncRef, vmctx), VMFuncRef::VMCTX);
        assert_eq!(offset_of!(VMFuncRef, sig), VMFuncRef::SIG);
        assert_eq!(offset_of!(VMFuncRef, instance), VMFuncRef::INSTANCE);
        assert_eq!(offset_of!(VMFuncRef, wasm_call), VMFuncRef::WASM_CALL);
        assert_eq!(offset_of!(VMFuncRef, array_call), VMFuncRef::ARRAY_CALL);
        assert_eq!(size_of::<VMFuncRef>(), 4 * PTR + 8);
        assert_eq!(offset_of!(VMCallTarget, wasm_call), VMCallTarget::WASM_CALL);
        assert_eq!(offset_of!(VMCallTarget, vmctx), VMCallTarget::VMCTX);
        assert_eq!(size_of::<VMCallTarget>(), 2 * PTR);
        assert_eq!(offset_of!(VMStoreContext, fuel), VMStoreContext::FUEL);
        assert_eq!(offset_of!(VMStoreContext, epoch_deadline), VMStoreContext::EPOCH_DEADLINE);
        assert_eq!(offset_of!(VMStoreContext, epoch), VMStoreContext::EPOCH);
        assert_eq!(offset_of!(VMStoreContext, funcs), VMStoreContext::FUNCS);
        assert_eq!(offset_of!(VMStoreContext, funcs_len), VMStoreContext::FUNCS_LEN);
        assert_eq!(offset_of!(VMStoreContext, stack_limit), VMStoreContext::STACK_LIMIT);
        assert_eq!(offset_of!(VMStoreContext, libcalls), VMStoreContext::LIBCALLS);
        assert_eq!(offset_of!(VMStoreContext, store), VMStoreContext::STORE);
        assert_eq!(offset_of!(VMContextHeader, store), VMOffsets::new(0, 0, 0, 0, 0).store());
        assert_eq!(offset_of!(VMContextHeader, instance), PTR);
    }

    #[test]
    fn store_context_reads_the_engine_epoch() {
        let epoch = AtomicU64::new(3);
        let mut store = VMStoreContext::new(&raw const epoch, std::ptr::null());
        assert!(!store.epoch_deadline_reached());
        store.epoch_deadline = 5;
        assert!(!store.epoch_deadline_reached());
        epoch.store(5, std::sync::atomic::Ordering::Relaxed);
        assert!(store.epoch_deadline_reached());
    }

    #[test]
    fn context_entries_sit_at_their_offsets() {
        let mut memory = VMMemoryDefinition { base: std::ptr::null_mut(), current_length: 7 };
        let mut tables =
            [1u64, 2].map(|n| VMTableDefinition { base: std::ptr::null_mut(), current_elements: n as usize });
        let mut globals = [VMGlobalDefinition::new(1), VMGlobalDefinition::new(2), VMGlobalDefinition::new(3)];
        let epoch = AtomicU64::new(0);
        let mut store = VMStoreContext::new(&raw const epoch, std::ptr::null());
        store.fuel = 11;
        let ctx = VMContext::new(
            &raw mut store,
            5,
            40,
            std::iter::once(&raw mut memory),
            tables.iter_mut().map(|t| t as *mut _),
            globals.iter_mut().map(|g| g as *mut _),
            [12, 13].into_iter(),
            2,
        );
        let mut ctx = ctx;
        // Functions 40 and 41 are the instance's; 39 and 42 are not.
        for func in 39..43 {
            let word = |n: usize| std::ptr::without_provenance(n);
            ctx.set_call_target(
                func,
                VMCallTarget { wasm_call: word(func as usize * 2), vmctx: word(func as usize * 3) },
            );
        }
        let offsets = *ctx.offsets();
        assert_eq!(offsets.size(), 15 * PTR);
        // SAFETY: every offset read is inside the context, and each entry
        // points at one of the live locals above.
        unsafe {
            let at = |offset: usize| ctx.as_ptr().add(offset).cast::<*mut u8>().read();
            assert_eq!(at(offsets.store()).add(VMStoreContext::FUEL).cast::<u64>().read(), 11);
            assert_eq!((*at(offsets.memory(0)).cast::<VMMemoryDefinition>()).current_length, 7);
            assert_eq!((*at(offsets.table(1)).cast::<VMTableDefinition>()).current_elements, 2);
            for i in 0..3 {
                assert_eq!((*at(offsets.global(i)).cast::<VMGlobalDefinition>()).bits(), u128::from(i) + 1);
                assert_eq!(*ctx.globals().add(i as usize), at(offsets.global(i)).cast());
            }
            assert_eq!(*ctx.tables().add(1), at(offsets.table(1)).cast());
            assert_eq!(at(PTR) as usize, 5);
            assert_eq!(at(offsets.defined_funcs()) as usize, 40);
            assert_eq!(at(offsets.func_import(1)) as usize, 13);
            for (defined, func) in [(0, 40), (1, 41)] {
                let target = offsets.call_target(defined);
                assert_eq!(at(target + VMCallTarget::WASM_CALL) as usize, func * 2);
                assert_eq!(at(target + VMCallTarget::VMCTX) as usize, func * 3);
            }
            assert_eq!(offsets.call_target(1) + 2 * PTR, offsets.size());
        }
        assert_eq!(ctx.memory(0), Some(&raw mut memory));
        assert_eq!(ctx.memory(1), None);
    }

    #[test]
    fn vm_boxes_keep_their_address() {
        let mut boxes: Vec<VmBox<VMGlobalDefinition>> = Vec::new();
        let first = VmBox::new(VMGlobalDefinition::new(5));
        let address = first.as_ptr();
        boxes.push(first);
        for i in 0..100 {
            boxes.push(VmBox::new(VMGlobalDefinition::new(i)));
        }
        assert_eq!(boxes[0].as_ptr(), address);
        boxes[0].get_mut().cells[1] = 9;
        assert_eq!(boxes[0].get().bits(), 5 | 9 << 64);
    }

    /// The path a compiled `call_indirect` takes, from an instance's context
    /// to a function's reference, followed through a real store: the store
    /// context's function array tracks the functions added after the
    /// instance, and fuel set through the API shows in the context.
    #[test]
    fn instance_context_reaches_the_store_functions() {
        use crate::store::AsContext;
        use crate::{Config, Engine, Func, Instance, Module, Store};
        let mut config = Config::new();
        config.consume_fuel(true);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(
            &engine,
            r#"(module (import "h" "f" (func $h (param i32)))
                 (func $g (export "g") (param i32)) (func (export "k") (result i64) i64.const 0))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let host = Func::wrap(&mut store, |_: i32| {});
        let instance = Instance::new(&mut store, &module, &[host.into()]).unwrap();
        let g = instance.get_func(&mut store, "g").unwrap();
        let k = instance.get_func(&mut store, "k").unwrap();
        // Enough functions for the array to move.
        for _ in 0..100 {
            Func::wrap(&mut store, || {});
        }
        store.set_fuel(77).unwrap();
        let opaque = &store.as_context().0.opaque;
        // The store's only instance.
        assert_eq!(opaque.instances.len(), 1);
        let entity = &opaque.instances[0];
        let vmctx = entity.vmctx.as_ptr();
        // SAFETY: every offset read is inside the context or the store
        // context, and the function indices are below `funcs_len`.
        unsafe {
            let store_ctx = vmctx.add(entity.vmctx.offsets().store()).cast::<*const u8>().read();
            assert_eq!(store_ctx.add(VMStoreContext::FUEL).cast::<u64>().read(), 77);
            let funcs = store_ctx.add(VMStoreContext::FUNCS).cast::<*const u8>().read();
            let len = store_ctx.add(VMStoreContext::FUNCS_LEN).cast::<usize>().read();
            assert_eq!(len, 103);
            let func_ref = |index: u32| funcs.add(index as usize * size_of::<VMFuncRef>());
            let g_index = g.index();
            let (g, k, h) = (func_ref(g.index()), func_ref(k.index()), func_ref(host.index()));
            // An interpreted function keeps its store index where compiled
            // code has its instance's context.
            assert_eq!(g.add(VMFuncRef::VMCTX).cast::<usize>().read(), g_index as usize);
            assert_eq!(g.add(VMFuncRef::INSTANCE).cast::<u32>().read(), 0);
            assert!(!g.add(VMFuncRef::CODE).cast::<*const u8>().read().is_null());
            // The host function and `g` share a signature; `k` does not.
            assert_eq!(g.add(VMFuncRef::SIG).cast::<u32>().read(), h.add(VMFuncRef::SIG).cast::<u32>().read());
            assert_ne!(g.add(VMFuncRef::SIG).cast::<u32>().read(), k.add(VMFuncRef::SIG).cast::<u32>().read());
            assert_eq!(h.add(VMFuncRef::INSTANCE).cast::<u32>().read(), VMFuncRef::HOST);
            assert!(h.add(VMFuncRef::CODE).cast::<*const u8>().read().is_null());
        }
    }
}
