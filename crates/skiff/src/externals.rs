//! Handles to memories, tables and globals, and [`Extern`], anything that
//! can be imported or exported.

use crate::Func;
use crate::exception::Tag;
use crate::runtime::memory::LinearMemory;
use crate::store::{AsContext, AsContextMut, GlobalEntity, StoreId, StoreOpaque, TableEntity};
use crate::types::{ExternType, GlobalType, MemoryType, Mutability, RefType, TableType};
use crate::values::Val;
use anyhow::{Result, bail};

/// Anything a module can import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Tag(Tag),
}

impl Extern {
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self { Some(f) } else { None }
    }
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self { Some(g) } else { None }
    }
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self { Some(t) } else { None }
    }
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self { Some(m) } else { None }
    }
    pub fn into_tag(self) -> Option<Tag> {
        if let Extern::Tag(t) = self { Some(t) } else { None }
    }

    pub fn ty(&self, store: impl AsContext) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(&store)),
            Extern::Global(g) => ExternType::Global(g.ty(&store)),
            Extern::Table(t) => ExternType::Table(t.ty(&store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(&store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(&store)),
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Tag> for Extern {
    fn from(t: Tag) -> Extern {
        Extern::Tag(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}

fn check_store(owner: StoreId, store: StoreId, what: &str) {
    assert_eq!(owner, store, "{what} used with the wrong store");
}

/// A linear memory in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    store: StoreId,
    index: u32,
}

impl Memory {
    pub(crate) fn from_index(store: StoreId, index: u32) -> Memory {
        Memory { store, index }
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }

    /// A new memory of type `ty`, owned by the host.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = store.as_context_mut().0;
        let memory = LinearMemory::new(ty)?;
        let id = store.opaque.id();
        store.opaque.memories.push(memory);
        Ok(Memory { store: id, index: store.opaque.memories.len() as u32 - 1 })
    }

    fn get<'a, T: 'a>(&self, store: &'a impl AsContext<Data = T>) -> &'a LinearMemory {
        let store = store.as_context().0;
        check_store(self.store, store.opaque.id(), "memory");
        &store.opaque.memories[self.index as usize]
    }

    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        self.get(&store).ty().clone()
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: &'a impl AsContext<Data = T>) -> &'a [u8] {
        self.get(store).data()
    }

    /// The memory's bytes, writable.
    pub fn data_mut<'a, T: 'a>(&self, store: &'a mut impl AsContextMut<Data = T>) -> &'a mut [u8] {
        let store = store.as_context_mut().0;
        check_store(self.store, store.opaque.id(), "memory");
        store.opaque.memories[self.index as usize].data_mut()
    }

    /// The memory's bytes and the store's data, both writable at once: what a
    /// host function needs to copy between guest memory and its own state.
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: &'a mut impl AsContextMut<Data = T>,
    ) -> (&'a mut [u8], &'a mut T) {
        let store = store.as_context_mut().0;
        check_store(self.store, store.opaque.id(), "memory");
        (store.opaque.memories[self.index as usize].data_mut(), &mut store.data)
    }

    /// The start of the memory; valid for [`Memory::data_size`] bytes until it grows.
    pub fn data_ptr(&self, store: impl AsContext) -> *mut u8 {
        self.get(&store).base()
    }

    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.get(&store).len()
    }

    /// The size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.get(&store).pages()
    }

    /// Grows by `delta` pages; returns the previous size in pages.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64> {
        let store = store.as_context_mut().0;
        check_store(self.store, store.opaque.id(), "memory");
        let memory = &store.opaque.memories[self.index as usize];
        let (old, current) = (memory.pages(), memory.len());
        let page_size = memory.ty().page_size();
        let max = memory.ty().maximum().map(|p| usize::try_from(p.saturating_mul(page_size)).unwrap_or(usize::MAX));
        let Some(new_len) = memory.grow_target(delta) else {
            bail!("failed to grow memory by {delta} pages: past its maximum")
        };
        if !store.memory_may_grow(current, new_len, max)? {
            bail!("failed to grow memory by {delta} pages: refused by the store's limiter");
        }
        if !store.opaque.memories[self.index as usize].grow_to(new_len) {
            bail!("failed to grow memory by {delta} pages: out of host memory");
        }
        Ok(old)
    }

    /// Copies `buffer.len()` bytes at `offset` into `buffer`.
    pub fn read(&self, store: impl AsContext, offset: usize, buffer: &mut [u8]) -> Result<()> {
        let data = self.get(&store).data();
        let src = offset.checked_add(buffer.len()).and_then(|end| data.get(offset..end));
        match src {
            Some(src) => {
                buffer.copy_from_slice(src);
                Ok(())
            }
            None => bail!("out of bounds memory access"),
        }
    }

    /// Copies `buffer` into the memory at `offset`.
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buffer: &[u8]) -> Result<()> {
        let data = self.data_mut(&mut store);
        let dst = offset.checked_add(buffer.len()).and_then(|end| data.get_mut(offset..end));
        match dst {
            Some(dst) => {
                dst.copy_from_slice(buffer);
                Ok(())
            }
            None => bail!("out of bounds memory access"),
        }
    }
}

/// A table of references in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    store: StoreId,
    index: u32,
}

impl Table {
    pub(crate) fn from_index(store: StoreId, index: u32) -> Table {
        Table { store, index }
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }

    /// A new table of type `ty` with every entry set to `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = store.as_context_mut().0;
        let id = store.opaque.id();
        let cell = ref_cell(&init, ty.element(), &store.opaque)?;
        if ty.minimum() > crate::store::MAX_TABLE_ELEMENTS {
            bail!("table minimum size of {} entries is too large", ty.minimum());
        }
        let size = ty.minimum() as usize;
        store.opaque.tables.push(TableEntity::new(ty, size, cell));
        Ok(Table { store: id, index: store.opaque.tables.len() as u32 - 1 })
    }

    fn entity<'a, T: 'a>(&self, store: &'a impl AsContext<Data = T>) -> &'a TableEntity {
        let store = store.as_context().0;
        check_store(self.store, store.opaque.id(), "table");
        &store.opaque.tables[self.index as usize]
    }

    pub fn ty(&self, store: impl AsContext) -> TableType {
        self.entity(&store).ty.clone()
    }

    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store).len() as u64
    }

    /// The entry at `index`, or `None` if out of bounds.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let table = self.entity(&store);
        let cell = *table.elems().get(usize::try_from(index).ok()?)?;
        Some(Val::from_raw_ref(self.store, cell, table.ty.element()))
    }

    pub fn set(&self, mut store: impl AsContextMut, index: u64, value: Val) -> Result<()> {
        let store = store.as_context_mut().0;
        check_store(self.store, store.opaque.id(), "table");
        let element = store.opaque.tables[self.index as usize].ty.element().clone();
        let cell = ref_cell(&value, &element, &store.opaque)?;
        let table = &mut store.opaque.tables[self.index as usize];
        match table.elems_mut().get_mut(usize::try_from(index).unwrap_or(usize::MAX)) {
            Some(slot) => {
                *slot = cell;
                Ok(())
            }
            None => bail!("table index {index} out of bounds"),
        }
    }

    /// Grows by `delta` entries set to `init`; returns the previous size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64> {
        let store = store.as_context_mut().0;
        check_store(self.store, store.opaque.id(), "table");
        let table = &store.opaque.tables[self.index as usize];
        let cell = ref_cell(&init, table.ty.element(), &store.opaque)?;
        let current = table.len();
        let max = table.ty.maximum().map(|m| m as usize);
        if !store.table_may_grow(current, current.saturating_add(delta as usize), max)? {
            bail!("failed to grow table by {delta}: refused by the store's limiter");
        }
        match store.opaque.tables[self.index as usize].grow(delta, cell) {
            Some(old) => Ok(old),
            None => bail!("failed to grow table by {delta}: past its maximum"),
        }
    }
}

/// The cell of reference `value`, checked against a table's element type.
fn ref_cell(value: &Val, element: &RefType, store: &StoreOpaque) -> Result<u64> {
    if !value.matches_ty_in(store, &crate::types::ValType::Ref(element.clone())) {
        bail!("value of type {} does not fit a table of {element}", value.ty());
    }
    value.to_raw(store.id())
}

/// A global variable in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    store: StoreId,
    index: u32,
}

impl Global {
    pub(crate) fn from_index(store: StoreId, index: u32) -> Global {
        Global { store, index }
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }

    pub fn new(mut store: impl AsContextMut, ty: GlobalType, value: Val) -> Result<Global> {
        let store = store.as_context_mut().0;
        let id = store.opaque.id();
        if !value.matches_ty_in(&store.opaque, ty.content()) {
            bail!("value of type {} does not fit a global of type {}", value.ty(), ty.content());
        }
        let bits = val_bits(&value, id)?;
        store.opaque.globals.push(GlobalEntity::new(ty, bits));
        Ok(Global { store: id, index: store.opaque.globals.len() as u32 - 1 })
    }

    fn entity<'a, T: 'a>(&self, store: &'a impl AsContext<Data = T>) -> &'a GlobalEntity {
        let store = store.as_context().0;
        check_store(self.store, store.opaque.id(), "global");
        &store.opaque.globals[self.index as usize]
    }

    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        self.entity(&store).ty.clone()
    }

    pub fn get(&self, store: impl AsContext) -> Val {
        let global = self.entity(&store);
        Val::read_cells(self.store, &global.cells(), global.ty.content())
    }

    pub fn set(&self, mut store: impl AsContextMut, value: Val) -> Result<()> {
        let store = store.as_context_mut().0;
        check_store(self.store, store.opaque.id(), "global");
        let ty = store.opaque.globals[self.index as usize].ty.clone();
        if ty.mutability() != Mutability::Var {
            bail!("immutable global cannot be set");
        }
        if !value.matches_ty_in(&store.opaque, ty.content()) {
            bail!("value of type {} does not fit a global of type {}", value.ty(), ty.content());
        }
        let bits = val_bits(&value, self.store)?;
        store.opaque.globals[self.index as usize].set_bits(bits);
        Ok(())
    }
}

/// A global's bits for `value`: its cell, or both halves of a `v128`.
fn val_bits(value: &Val, store: StoreId) -> Result<u128> {
    let mut cells = [0; 2];
    value.write_cells(store, &mut cells)?;
    Ok(u128::from(cells[0]) | u128::from(cells[1]) << 64)
}
