//! The layouts that executing code reads directly: the definitions of
//! memories, tables and globals, and each instance's context, which points
//! at the ones the instance uses (its own and its imports) by index.
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

use std::ptr::NonNull;

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

/// Where things are in an instance's context, from the counts of the
/// module's memories, tables and globals (imported ones first, as in the
/// module's index spaces):
///
/// ```text
/// offset 0                      memories: [*mut VMMemoryDefinition; memories]
/// memories_start + 8 * memories tables:   [*mut VMTableDefinition; tables]
/// ...                           globals:  [*mut VMGlobalDefinition; globals]
/// ```
///
/// Every entry is a pointer, for imported and defined entities alike: one
/// load more than placing defined ones inline, for uniform indexing and a
/// context that never needs to know which ones are imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct VMOffsets {
    memories: u32,
    tables: u32,
    globals: u32,
}

const PTR: usize = std::mem::size_of::<usize>();

impl VMOffsets {
    pub fn new(memories: u32, tables: u32, globals: u32) -> VMOffsets {
        VMOffsets { memories, tables, globals }
    }

    /// Byte offset of memory `index`'s definition pointer.
    pub fn memory(&self, index: u32) -> usize {
        debug_assert!(index < self.memories);
        index as usize * PTR
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
        self.memories as usize * PTR
    }

    /// Byte offset of the array of global definition pointers.
    pub fn global_array(&self) -> usize {
        (self.memories + self.tables) as usize * PTR
    }

    /// Bytes in the context.
    pub fn size(&self) -> usize {
        (self.memories + self.tables + self.globals) as usize * PTR
    }
}

/// An instance's context: the definitions of the memories, tables and
/// globals it uses, at the offsets [`VMOffsets`] gives.
pub(crate) struct VMContext {
    offsets: VMOffsets,
    /// The context's words; each a pointer to a definition. (A `VmBox`, so
    /// that the executor may keep pointers into it.)
    words: VmBox<[*mut u8]>,
}

// SAFETY: the context only holds addresses; the definitions they point at
// are reached through the owning store, whose borrows order every access.
unsafe impl Send for VMContext {}
// SAFETY: see `Send`.
unsafe impl Sync for VMContext {}

impl Default for VMContext {
    /// The context of an instance with no memories, tables or globals.
    fn default() -> VMContext {
        VMContext::new(std::iter::empty(), std::iter::empty(), std::iter::empty())
    }
}

impl VMContext {
    /// A context for `memories`, `tables` and `globals`, in the module's
    /// index order.
    pub fn new(
        memories: impl ExactSizeIterator<Item = *mut VMMemoryDefinition>,
        tables: impl ExactSizeIterator<Item = *mut VMTableDefinition>,
        globals: impl ExactSizeIterator<Item = *mut VMGlobalDefinition>,
    ) -> VMContext {
        let offsets = VMOffsets::new(memories.len() as u32, tables.len() as u32, globals.len() as u32);
        let words: Box<[*mut u8]> =
            memories.map(|p| p.cast()).chain(tables.map(|p| p.cast())).chain(globals.map(|p| p.cast())).collect();
        debug_assert_eq!(words.len() * PTR, offsets.size());
        VMContext { offsets, words: VmBox::from_box(words) }
    }

    #[cfg_attr(not(test), allow(dead_code))] // For generated code.
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
    }

    #[test]
    fn context_entries_sit_at_their_offsets() {
        let mut memory = VMMemoryDefinition { base: std::ptr::null_mut(), current_length: 7 };
        let mut tables =
            [1u64, 2].map(|n| VMTableDefinition { base: std::ptr::null_mut(), current_elements: n as usize });
        let mut globals = [VMGlobalDefinition::new(1), VMGlobalDefinition::new(2), VMGlobalDefinition::new(3)];
        let ctx = VMContext::new(
            std::iter::once(&raw mut memory),
            tables.iter_mut().map(|t| t as *mut _),
            globals.iter_mut().map(|g| g as *mut _),
        );
        let offsets = *ctx.offsets();
        assert_eq!(offsets.size(), 6 * PTR);
        // SAFETY: every offset read is inside the context, and each entry
        // points at one of the live locals above.
        unsafe {
            let at = |offset: usize| ctx.as_ptr().add(offset).cast::<*mut u8>().read();
            assert_eq!((*at(offsets.memory(0)).cast::<VMMemoryDefinition>()).current_length, 7);
            assert_eq!((*at(offsets.table(1)).cast::<VMTableDefinition>()).current_elements, 2);
            for i in 0..3 {
                assert_eq!((*at(offsets.global(i)).cast::<VMGlobalDefinition>()).bits(), u128::from(i) + 1);
                assert_eq!(*ctx.globals().add(i as usize), at(offsets.global(i)).cast());
            }
            assert_eq!(*ctx.tables().add(1), at(offsets.table(1)).cast());
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
}
