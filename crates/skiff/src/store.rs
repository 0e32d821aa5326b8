//! [`Store`]: the owner of all runtime objects (functions, memories, tables,
//! globals, instances) and of the embedder's data `T`.
//!
//! Runtime objects live in per-kind vectors of the store and are named by
//! index; the public handles (`Func`, `Memory`, …) are a store id and an
//! index. Objects are never freed before the store, so an index stays valid
//! and the interpreter can hold raw pointers to code and memory while it runs.

use crate::exception::{ExnHeap, ExnRef, TagEntity, ThrownException};
use crate::module::ModuleInner;
use crate::runtime::memory::LinearMemory;
use crate::runtime::vmcontext::{
    VMCallTarget, VMContext, VMFuncRef, VMGlobalDefinition, VMStoreContext, VMTableDefinition, VmBox,
};
use crate::types::{FuncType, GlobalType, TableType};
use crate::{Engine, Module};
use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Identifies a store, so handles from another store are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StoreId(u64);

impl StoreId {
    fn fresh() -> StoreId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        StoreId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A host function callable from wasm: reads its parameters from the cells
/// and writes its results over them.
pub(crate) type HostFuncFn<T> =
    Arc<dyn Fn(crate::Caller<'_, T>, &mut [u64]) -> anyhow::Result<()> + Send + Sync + 'static>;

/// A function of the store, as the slow paths (types, names, host calls)
/// see it; what calls need is in its [`VMFuncRef`], at the same index.
pub(crate) enum FuncEntity {
    Wasm {
        /// Index in the module's function index space.
        index: u32,
        /// The module, kept alive for the function's code (which its
        /// `VMFuncRef` points into) and names.
        module: Arc<ModuleInner>,
    },
    Host {
        ty: FuncType,
        /// Index into `StoreInner::host_funcs`.
        host: u32,
    },
}

pub(crate) struct TableEntity {
    pub ty: TableType,
    /// The reference cells (0 is null). Only `grow` touches the vector
    /// itself; everything else reads and writes the cells through `def`,
    /// whose `base` is re-derived after each growth, so pointers that
    /// instance contexts hold stay valid.
    storage: Vec<u64>,
    def: VmBox<VMTableDefinition>,
}

impl TableEntity {
    pub fn new(ty: TableType, size: usize, init: u64) -> TableEntity {
        let mut storage = vec![init; size];
        let def = VmBox::new(VMTableDefinition { base: storage.as_mut_ptr(), current_elements: size });
        TableEntity { ty, storage, def }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.def.get().current_elements
    }

    pub fn elems(&self) -> &[u64] {
        let def = self.def.get();
        // SAFETY: `def` describes `storage`'s buffer (kept in sync by `grow`).
        unsafe { std::slice::from_raw_parts(def.base, def.current_elements) }
    }

    pub fn elems_mut(&mut self) -> &mut [u64] {
        let def = self.def.get();
        // SAFETY: as for `elems`; `&mut self` makes this the only access.
        unsafe { std::slice::from_raw_parts_mut(def.base, def.current_elements) }
    }

    /// The definition instance contexts point at; it stays where it is for
    /// the table's lifetime.
    pub fn definition(&self) -> *mut VMTableDefinition {
        self.def.as_ptr()
    }

    /// Grows by `delta` entries set to `init`; returns the old size, or
    /// `None` if the table's maximum (or the engine's limit) forbids it.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.len() as u64;
        let new = old.checked_add(delta)?;
        let index_max = if self.ty.is_64() { u64::MAX } else { u64::from(u32::MAX) };
        let max = self.ty.maximum().unwrap_or(index_max).min(MAX_TABLE_ELEMENTS);
        if new > max {
            return None;
        }
        self.storage.resize(new as usize, init);
        *self.def.get_mut() = VMTableDefinition { base: self.storage.as_mut_ptr(), current_elements: new as usize };
        Some(old)
    }
}

/// No table grows past this many entries (wasm tables of 32-bit index type
/// can name 2^32, but a table that large would be 32 GiB of cells).
pub(crate) const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    /// The value, where instance contexts point (see `runtime::vmcontext`).
    def: VmBox<VMGlobalDefinition>,
}

impl GlobalEntity {
    pub fn new(ty: GlobalType, bits: u128) -> GlobalEntity {
        GlobalEntity { ty, def: VmBox::new(VMGlobalDefinition::new(bits)) }
    }

    /// The value's bits: a cell, or a whole `v128`.
    pub fn bits(&self) -> u128 {
        self.def.get().bits()
    }

    /// The value's cells: the cell, and a `v128`'s high half (else 0).
    pub fn cells(&self) -> [u64; 2] {
        self.def.get().cells
    }

    pub fn set_bits(&mut self, bits: u128) {
        *self.def.get_mut() = VMGlobalDefinition::new(bits);
    }

    /// The definition instance contexts point at; it stays where it is for
    /// the global's lifetime.
    pub fn definition(&self) -> *mut VMGlobalDefinition {
        self.def.as_ptr()
    }
}

pub(crate) struct InstanceEntity {
    pub module: Module,
    /// Store indices of the instance's functions, tables, memories and
    /// globals, in the module's index spaces.
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    pub tags: Vec<u32>,
    /// Element segments as reference cells; a dropped segment is empty.
    pub elems: Vec<Arc<[u64]>>,
    /// Data segments; a dropped segment is empty.
    pub datas: Vec<Arc<[u8]>>,
    /// The definitions of the instance's memories, tables and globals, as
    /// executing code reads them.
    pub vmctx: VMContext,
}

/// The part of a store that does not depend on `T`.
pub(crate) struct StoreOpaque {
    id: StoreId,
    engine: Engine,
    /// The functions; push them with `push_func`, which keeps `func_refs`
    /// and the context in step.
    pub funcs: Vec<FuncEntity>,
    /// What a call needs of each function, by the same index; the context
    /// points at it.
    func_refs: Vec<VMFuncRef>,
    pub memories: Vec<LinearMemory>,
    pub tables: Vec<TableEntity>,
    pub globals: Vec<GlobalEntity>,
    pub instances: Vec<InstanceEntity>,
    pub externrefs: Vec<Box<dyn Any + Send + Sync>>,
    pub tags: Vec<TagEntity>,
    /// Exception objects; `exnref` cells name them.
    pub exns: ExnHeap,
    /// The exception propagating outside wasm, if any (see `exception.rs`).
    pub pending_exception: Option<u32>,
    /// The wasm frames an uncaught exception came through in activations
    /// it has left, innermost first, while another activation (of either
    /// tier) searches for its handler: see `exception::absorb`.
    pub exception_frames: Option<(u32, Vec<crate::trap::FrameInfo>)>,
    /// Fuel, the epoch deadline and the functions, as running code reads
    /// them; every instance's context points at it.
    vm: VmBox<VMStoreContext>,
    /// How many host-to-wasm entries are active on the host stack.
    pub host_depth: u32,
    /// Whether every function of the store has a compiled entry
    /// (`VMFuncRef::wasm_call`). Set when the first compiled instance fills
    /// in the missing ones; functions made after that get theirs when made,
    /// since the engine compiles from then on.
    #[cfg(feature = "cranelift")]
    pub compiled_entries: bool,
    /// The stack compiled code runs on, made on its first entry (see
    /// `runtime::traps`); taken out while the outermost entry runs.
    #[cfg(feature = "cranelift")]
    pub wasm_stack: Option<crate::runtime::traps::WasmStack>,
    /// The addresses of that stack while compiled code runs on it (nested
    /// entries stay on it).
    #[cfg(feature = "cranelift")]
    pub wasm_stack_in_use: Option<std::ops::Range<usize>>,
    /// Value stacks kept for reuse by later calls.
    pub spare_stacks: Vec<Vec<u64>>,
}

/// A store done with its instances leaves the functions tier-up compiled
/// for their modules so far in the engine's cache. The module's own drop
/// does too, but that may come too late: a compiler thread in the middle
/// of a compile holds the module, and the process may exit first (Yosys,
/// whose compiler thread is never idle, cached nothing).
#[cfg(feature = "cranelift")]
impl Drop for StoreOpaque {
    fn drop(&mut self) {
        let mut saved: Vec<*const crate::module::ModuleInner> = Vec::new();
        for instance in &self.instances {
            let module = instance.module.inner();
            if let Some(table) = &module.tier
                && !saved.contains(&Arc::as_ptr(module))
            {
                saved.push(Arc::as_ptr(module));
                table.save_cached(&module.engine, true);
            }
        }
    }
}

impl StoreOpaque {
    pub fn id(&self) -> StoreId {
        self.id
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn set_epoch_deadline(&mut self, ticks_beyond_current: u64) {
        self.vm.get_mut().epoch_deadline = self.engine.current_epoch().saturating_add(ticks_beyond_current);
    }

    /// The store's context, for instance contexts to point at.
    pub fn vm_context(&self) -> *mut VMStoreContext {
        self.vm.as_ptr()
    }

    pub fn fuel(&self) -> u64 {
        self.vm.get().fuel
    }

    pub fn fuel_mut(&mut self) -> &mut u64 {
        &mut self.vm.get_mut().fuel
    }

    /// Adds a function; returns its store index.
    pub fn push_func(&mut self, entity: FuncEntity, func_ref: VMFuncRef) -> u32 {
        let index = self.funcs.len() as u32;
        self.funcs.push(entity);
        self.func_refs.push(func_ref);
        let vm = self.vm.get_mut();
        vm.funcs = self.func_refs.as_ptr();
        vm.funcs_len = self.func_refs.len();
        index
    }

    /// The store's context, for an entry into compiled code to point at
    /// its store and set the stack limit.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    pub fn vm_mut(&mut self) -> &mut VMStoreContext {
        self.vm.get_mut()
    }

    /// What a call needs of function `index`.
    #[inline(always)]
    pub fn func_ref(&self, index: u32) -> &VMFuncRef {
        &self.func_refs[index as usize]
    }

    /// Gives every function of the store without a compiled entry its
    /// host-call trampoline, once: compiled code calls every function
    /// through `VMFuncRef::wasm_call`. Functions made later get theirs when
    /// made, since the engine compiles from then on.
    #[cfg(feature = "cranelift")]
    pub fn fill_compiled_entries(&mut self) -> anyhow::Result<()> {
        if self.compiled_entries {
            return Ok(());
        }
        self.engine.isa()?;
        // One batch for every type still without an entry (the compiler
        // threads usually made them already: see `tierup`).
        self.engine.prepare_trampolines(
            crate::compile::TrampolineKind::HostCall,
            self.func_refs.iter().filter(|f| f.wasm_call.is_null()).map(|f| f.sig),
        )?;
        for index in 0..self.func_refs.len() {
            let func_ref = &mut self.func_refs[index];
            if func_ref.wasm_call.is_null() {
                func_ref.wasm_call = self.engine.host_call_entry(func_ref.sig)?;
                self.sync_call_target(index as u32);
            }
        }
        self.compiled_entries = true;
        Ok(())
    }

    /// Copies wasm function `index`'s compiled entry and context into its
    /// instance's call targets, if that has them (tier-up's code-pointer
    /// table, see `VMOffsets`): every write of either field is followed by
    /// this. An instance not yet made copies them all once it is
    /// ([`Self::set_func_context`]).
    fn sync_call_target(&mut self, index: u32) {
        let VMFuncRef { wasm_call, vmctx, instance, .. } = self.func_refs[index as usize];
        if let Some(entity) = self.instances.get_mut(instance as usize) {
            entity.vmctx.set_call_target(index, VMCallTarget { wasm_call, vmctx });
        }
    }

    /// Switches wasm function `index`, of signature `sig`, to tiered-up
    /// code at `entry`: compiled callers and the host enter it there from
    /// now on, with its instance's context (see `tierup.rs`). Its
    /// interpreter code stays, for frames still running in it.
    #[cfg(feature = "cranelift")]
    pub fn switch_to_compiled(
        &mut self,
        index: u32,
        sig: crate::engine::SigId,
        entry: *const u8,
    ) -> anyhow::Result<()> {
        if !self.func_refs[index as usize].array_call.is_null() {
            return Ok(());
        }
        self.fill_compiled_entries()?;
        let array_call = self.engine.array_call_entry(sig)?;
        let instance = self.func_refs[index as usize].instance;
        let vmctx = self.instances[instance as usize].vmctx.as_ptr();
        let func_ref = &mut self.func_refs[index as usize];
        func_ref.vmctx = vmctx;
        func_ref.wasm_call = entry;
        func_ref.array_call = array_call;
        self.sync_call_target(index);
        Ok(())
    }

    /// Gives the defined functions `funcs` (store indices) of instance
    /// `instance`, just made, its context: compiled ones run with it,
    /// interpreted ones keep their store index there (see
    /// `VMFuncRef::vmctx`); and fills the instance's call targets, if it
    /// has them.
    pub fn set_func_context(&mut self, instance: u32, funcs: std::ops::Range<u32>) {
        let vmctx = &self.instances[instance as usize].vmctx;
        let (context, targets) = (vmctx.as_ptr(), vmctx.offsets().calls() > 0);
        for f in funcs {
            let func_ref = &mut self.func_refs[f as usize];
            if !func_ref.array_call.is_null() {
                func_ref.vmctx = context;
            }
            if targets {
                self.sync_call_target(f);
            }
        }
    }

    /// Makes `exn` the pending exception and returns the error that says so.
    pub fn throw(&mut self, exn: ExnRef) -> ThrownException {
        // Like every handle, an exnref of another store is a programming
        // error (`throw` can only return `ThrownException`).
        assert!(exn.to_cell(self.id).is_ok(), "exnref used with the wrong store");
        self.pending_exception = Some(exn.index());
        ThrownException
    }

    /// Takes the pending exception; the host now holds a reference to it.
    pub fn take_pending_exception(&mut self) -> Option<ExnRef> {
        let index = self.pending_exception.take()?;
        self.exns.mark_escaped(index);
        Some(ExnRef::from_index(self.id, index))
    }

    /// The epoch at which this store's code is interrupted.
    pub fn epoch_deadline(&self) -> u64 {
        self.vm.get().epoch_deadline
    }

    /// Whether the engine's epoch has reached this store's deadline.
    #[inline]
    pub fn epoch_deadline_reached(&self) -> bool {
        self.vm.get().epoch_deadline_reached()
    }
}

/// Decides whether memories and tables may grow (Wasmtime's `ResourceLimiter`).
pub trait ResourceLimiter {
    /// A memory wants to grow from `current` to `desired` bytes.
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> anyhow::Result<bool>;
    /// A table wants to grow from `current` to `desired` entries.
    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> anyhow::Result<bool>;
}

/// A simple [`ResourceLimiter`]: caps on memory bytes and table entries.
#[derive(Clone, Debug, Default)]
pub struct StoreLimits {
    memory_size: Option<usize>,
    table_elements: Option<usize>,
}

/// Builds [`StoreLimits`].
#[derive(Clone, Debug, Default)]
pub struct StoreLimitsBuilder(StoreLimits);

impl StoreLimitsBuilder {
    pub fn new() -> StoreLimitsBuilder {
        StoreLimitsBuilder::default()
    }
    /// The most bytes any one linear memory may have.
    pub fn memory_size(mut self, bytes: usize) -> StoreLimitsBuilder {
        self.0.memory_size = Some(bytes);
        self
    }
    /// The most entries any one table may have.
    pub fn table_elements(mut self, elements: usize) -> StoreLimitsBuilder {
        self.0.table_elements = Some(elements);
        self
    }
    pub fn build(self) -> StoreLimits {
        self.0
    }
}

impl ResourceLimiter for StoreLimits {
    fn memory_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> anyhow::Result<bool> {
        Ok(self.memory_size.is_none_or(|limit| desired <= limit))
    }
    fn table_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> anyhow::Result<bool> {
        Ok(self.table_elements.is_none_or(|limit| desired <= limit))
    }
}

type LimiterFn<T> = Box<dyn (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync>;

/// `repr(C)` with `opaque` first: [`StoreDyn::opaque_mut`] relies on a
/// store's address being its `StoreOpaque`'s.
#[repr(C)]
pub(crate) struct StoreInner<T> {
    pub opaque: StoreOpaque,
    pub data: T,
    pub host_funcs: Vec<HostFuncFn<T>>,
    pub limiter: Option<LimiterFn<T>>,
}

impl<T> StoreInner<T> {
    pub fn opaque(&self) -> &StoreOpaque {
        &self.opaque
    }

    pub fn opaque_mut(&mut self) -> &mut StoreOpaque {
        &mut self.opaque
    }

    /// Asks the limiter whether a memory may grow to `desired` bytes.
    pub fn memory_may_grow(&mut self, current: usize, desired: usize, max: Option<usize>) -> anyhow::Result<bool> {
        match &mut self.limiter {
            Some(get) => get(&mut self.data).memory_growing(current, desired, max),
            None => Ok(true),
        }
    }

    pub fn table_may_grow(&mut self, current: usize, desired: usize, max: Option<usize>) -> anyhow::Result<bool> {
        match &mut self.limiter {
            Some(get) => get(&mut self.data).table_growing(current, desired, max),
            None => Ok(true),
        }
    }
}

/// A store as the interpreter sees it: the parts that depend on the
/// embedder's `T` (host functions, the limiter) behind a vtable.
///
/// The executor holds a `&mut dyn StoreDyn` rather than a
/// `&mut StoreInner<T>`, so it is not generic: the interpreter (a thousand
/// handlers) is compiled once, in this crate, instead of once per `T` in
/// every crate that runs wasm. Only calls out to the host go through the
/// vtable; `opaque`/`opaque_mut` are plain pointer casts, so the handlers
/// that read globals, tables or fuel pay nothing for it.
///
/// # Safety
///
/// Implemented only by `StoreInner<T>`, which is `repr(C)` with its
/// `StoreOpaque` as first field: the object's address is the
/// `StoreOpaque`'s.
pub(crate) unsafe trait StoreDyn {
    /// Calls host function `host` (an index into `host_funcs`) for the
    /// instance `instance`, with its parameters in `cells`; its results
    /// replace them.
    fn call_host(&mut self, host: u32, instance: Option<u32>, cells: &mut [u64]) -> anyhow::Result<()>;
    /// Calls store function `func` in whatever tier runs it (`func::call_raw`).
    #[cfg(feature = "cranelift")]
    fn call_func(&mut self, func: u32, cells: &mut [u64]) -> anyhow::Result<()>;
    /// [`StoreInner::memory_may_grow`].
    fn memory_may_grow(&mut self, current: usize, desired: usize, max: Option<usize>) -> anyhow::Result<bool>;
    /// [`StoreInner::table_may_grow`].
    fn table_may_grow(&mut self, current: usize, desired: usize, max: Option<usize>) -> anyhow::Result<bool>;
}

impl dyn StoreDyn + '_ {
    #[inline(always)]
    pub fn opaque(&self) -> &StoreOpaque {
        // SAFETY: the object is a `StoreInner<T>` (the trait's contract),
        // whose `StoreOpaque` is at offset 0; the borrow of the object
        // covers the field.
        unsafe { &*(self as *const Self).cast::<StoreOpaque>() }
    }

    #[inline(always)]
    pub fn opaque_mut(&mut self) -> &mut StoreOpaque {
        // SAFETY: as in `opaque`; the exclusive borrow of the object is
        // handed on to its first field.
        unsafe { &mut *(self as *mut Self).cast::<StoreOpaque>() }
    }

    /// `memory.grow` of store memory `memory`: the old size in pages, or
    /// `None` if it cannot grow (or the limiter says no). Both tiers grow
    /// memories with this.
    pub fn grow_memory(&mut self, memory: u32, delta: u64) -> anyhow::Result<Option<u64>> {
        let m = &self.opaque().memories[memory as usize];
        let old_pages = m.pages();
        let current = m.len();
        let max = m.ty().maximum().map(|p| usize::try_from(p.saturating_mul(m.ty().page_size())).unwrap_or(usize::MAX));
        let Some(new_len) = m.grow_target(delta) else { return Ok(None) };
        if !self.memory_may_grow(current, new_len, max)? {
            return Ok(None);
        }
        let grown = self.opaque_mut().memories[memory as usize].grow_to(new_len);
        Ok(grown.then_some(old_pages))
    }

    /// `table.grow` of store table `table`, as [`Self::grow_memory`].
    pub fn grow_table(&mut self, table: u32, delta: u64, init: u64) -> anyhow::Result<Option<u64>> {
        let t = &self.opaque().tables[table as usize];
        let current = t.len();
        let max = t.ty.maximum().map(|m| m as usize);
        if !self.table_may_grow(current, current.saturating_add(delta as usize), max)? {
            return Ok(None);
        }
        Ok(self.opaque_mut().tables[table as usize].grow(delta, init))
    }
}

// SAFETY: `StoreInner` is `repr(C)` with `opaque: StoreOpaque` first.
unsafe impl<T> StoreDyn for StoreInner<T> {
    fn call_host(&mut self, host: u32, instance: Option<u32>, cells: &mut [u64]) -> anyhow::Result<()> {
        let host = self.host_funcs[host as usize].clone();
        host(crate::Caller::new(self, instance), cells)
    }

    #[cfg(feature = "cranelift")]
    fn call_func(&mut self, func: u32, cells: &mut [u64]) -> anyhow::Result<()> {
        crate::func::call_raw(self, func, cells)
    }

    fn memory_may_grow(&mut self, current: usize, desired: usize, max: Option<usize>) -> anyhow::Result<bool> {
        StoreInner::memory_may_grow(self, current, desired, max)
    }

    fn table_may_grow(&mut self, current: usize, desired: usize, max: Option<usize>) -> anyhow::Result<bool> {
        StoreInner::table_may_grow(self, current, desired, max)
    }
}

/// A collection of WebAssembly instances and host state `T`.
pub struct Store<T> {
    inner: Box<StoreInner<T>>,
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: Box::new(StoreInner {
                opaque: StoreOpaque {
                    id: StoreId::fresh(),
                    engine: engine.clone(),
                    funcs: Vec::new(),
                    func_refs: Vec::new(),
                    memories: Vec::new(),
                    tables: Vec::new(),
                    globals: Vec::new(),
                    instances: Vec::new(),
                    externrefs: Vec::new(),
                    tags: Vec::new(),
                    exns: ExnHeap::default(),
                    pending_exception: None,
                    exception_frames: None,
                    vm: VmBox::new(VMStoreContext::new(engine.epoch_counter(), libcall_table())),
                    host_depth: 0,
                    #[cfg(feature = "cranelift")]
                    compiled_entries: false,
                    #[cfg(feature = "cranelift")]
                    wasm_stack: None,
                    #[cfg(feature = "cranelift")]
                    wasm_stack_in_use: None,
                    spare_stacks: Vec::new(),
                },
                data,
                host_funcs: Vec::new(),
                limiter: None,
            }),
        }
    }

    pub fn engine(&self) -> &Engine {
        self.inner.opaque.engine()
    }

    pub fn data(&self) -> &T {
        &self.inner.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data
    }

    pub fn into_data(self) -> T {
        self.inner.data
    }

    /// Installs a limiter that decides whether memories and tables may grow.
    pub fn limiter(&mut self, limiter: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static) {
        self.inner.limiter = Some(Box::new(limiter));
    }

    /// Sets the fuel left for wasm to consume. Fails unless the engine was
    /// configured with `consume_fuel(true)`.
    pub fn set_fuel(&mut self, fuel: u64) -> anyhow::Result<()> {
        self.check_fuel_enabled()?;
        *self.inner.opaque.fuel_mut() = fuel;
        Ok(())
    }

    /// The fuel left. Fails unless fuel metering is on.
    pub fn get_fuel(&self) -> anyhow::Result<u64> {
        self.check_fuel_enabled()?;
        Ok(self.inner.opaque.fuel())
    }

    /// Makes wasm in this store trap with [`Trap::Interrupt`](crate::Trap::Interrupt)
    /// once the engine's epoch has advanced `ticks_beyond_current` times from
    /// now. Takes effect only with [`Config::epoch_interruption`](crate::Config::epoch_interruption).
    pub fn set_epoch_deadline(&mut self, ticks_beyond_current: u64) {
        self.inner.opaque.set_epoch_deadline(ticks_beyond_current);
    }

    /// Throws `exception`: makes it the store's pending exception and
    /// returns the [`ThrownException`] error, which a host function returns
    /// to raise it in its wasm caller (Wasmtime's `Store::throw`).
    pub fn throw<R>(&mut self, exception: ExnRef) -> Result<R, ThrownException> {
        Err(self.inner.opaque.throw(exception))
    }

    /// Takes the exception that a call into wasm left uncaught (its error
    /// was [`ThrownException`]), so the host can inspect it or throw it again.
    pub fn take_pending_exception(&mut self) -> Option<ExnRef> {
        self.inner.opaque.take_pending_exception()
    }

    /// Whether an exception is pending (see [`Store::take_pending_exception`]).
    pub fn has_pending_exception(&self) -> bool {
        self.inner.opaque.pending_exception.is_some()
    }

    fn check_fuel_enabled(&self) -> anyhow::Result<()> {
        if !self.engine().config().consume_fuel {
            anyhow::bail!("fuel is not configured in this store: enable it with `Config::consume_fuel(true)`");
        }
        Ok(())
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.opaque.id).finish_non_exhaustive()
    }
}

/// A shared borrow of a store.
pub struct StoreContext<'a, T>(pub(crate) &'a StoreInner<T>);

/// An exclusive borrow of a store.
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut StoreInner<T>);

impl<T> StoreContext<'_, T> {
    pub fn data(&self) -> &T {
        &self.0.data
    }
    pub fn engine(&self) -> &Engine {
        self.0.opaque.engine()
    }
}

impl<T> StoreContextMut<'_, T> {
    pub fn data(&self) -> &T {
        &self.0.data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.0.data
    }
    pub fn engine(&self) -> &Engine {
        self.0.opaque.engine()
    }
}

/// Anything that can lend a shared borrow of a store.
pub trait AsContext {
    type Data;
    fn as_context(&self) -> StoreContext<'_, Self::Data>;
}

/// Anything that can lend an exclusive borrow of a store.
pub trait AsContextMut: AsContext {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(&self.inner)
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(&mut self.inner)
    }
}
impl<T> AsContext for StoreContext<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}
impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}
impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.0)
    }
}
impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        (**self).as_context_mut()
    }
}

/// The libcall table store contexts point at (null without the compiled tier).
fn libcall_table() -> *const usize {
    #[cfg(feature = "cranelift")]
    return crate::runtime::libcalls::LIBCALLS.0.as_ptr().cast();
    #[cfg(not(feature = "cranelift"))]
    std::ptr::null()
}
