//! Linear memory on a virtual-memory reservation.
//!
//! A 32-bit memory reserves its whole range up front (4 GiB, whatever its
//! type's maximum) plus a 2 GiB guard region, inaccessible, and
//! makes pages accessible as it grows. Its base address therefore never
//! moves: growth copies nothing, and a compiled tier can rely on the guard
//! pages instead of explicit bounds checks for 32-bit addresses with small
//! offsets.
//!
//! A 64-bit memory cannot reserve its address space, so it reserves up to
//! its type's maximum but at most [`MAX_64BIT_RESERVATION`], and grows in
//! place inside that reservation like a 32-bit one; growing past it fails
//! (`memory.grow` returns -1, which the spec allows). It has no guard
//! region worth the name: every access to it is bounds-checked explicitly
//! with overflow-checked arithmetic (`interp::Mem::checked_addr`), as the
//! interpreter checks every access anyway.
//!
//! This is one of the few modules with `unsafe`: all of it is here.

use crate::runtime::vmcontext::{VMMemoryDefinition, VmBox};
use crate::types::MemoryType;
use anyhow::{Context, Result, bail};
use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};
use std::ptr::NonNull;

/// Inaccessible bytes after the range of a 32-bit memory.
pub(crate) const GUARD_SIZE_32: usize = 2 << 30;
/// Inaccessible bytes after the reservation of a 64-bit memory: one wasm
/// page, so that even a memory of maximum 0 reserves something.
const GUARD_SIZE_64: usize = 64 << 10;
/// The most a 32-bit memory can address.
const MAX_32BIT_BYTES: u64 = 1 << 32;
/// The most address space a 64-bit memory reserves, and so the most it can
/// grow to: 16 GiB, four times what a 32-bit memory can address.
/// Reservations are `NORESERVE` and inaccessible until used, so they cost
/// address space (128 TiB on x86-64 Linux), not memory.
pub(crate) const MAX_64BIT_RESERVATION: u64 = 16 << 30;

pub(crate) struct LinearMemory {
    /// Start of the reservation; stays fixed for the memory's lifetime.
    base: NonNull<u8>,
    /// Bytes reserved at `base` (accessible plus inaccessible).
    reserved: usize,
    /// `base` and the bytes accessible from it on (the memory's current
    /// size), where instance contexts point (see `runtime::vmcontext`).
    def: VmBox<VMMemoryDefinition>,
    /// The most bytes this memory may grow to: its type's maximum, capped
    /// by its index type and its reservation.
    max_bytes: u64,
    ty: MemoryType,
}

// SAFETY: the reservation is owned exclusively by this value (like a
// `Vec<u8>`); access goes through `&self`/`&mut self`, so the usual borrow
// rules keep it free of data races.
unsafe impl Send for LinearMemory {}
// SAFETY: see `Send`; shared references only read.
unsafe impl Sync for LinearMemory {}

impl LinearMemory {
    pub fn new(ty: MemoryType) -> Result<LinearMemory> {
        let page = ty.page_size();
        let index_max_bytes = if ty.is_64() { u64::MAX } else { MAX_32BIT_BYTES };
        let type_max_bytes =
            ty.maximum().map_or(index_max_bytes, |pages| pages.saturating_mul(page)).min(index_max_bytes);
        // A 32-bit memory reserves all 4 GiB whatever its maximum: compiled
        // code relies on every 32-bit address plus a small offset landing in
        // this reservation (a fault, not another mapping, past the end).
        let (reserve_bytes, guard) = if ty.is_64() {
            (type_max_bytes.min(MAX_64BIT_RESERVATION), GUARD_SIZE_64)
        } else {
            (MAX_32BIT_BYTES, GUARD_SIZE_32)
        };
        let initial = match ty.minimum().checked_mul(page) {
            Some(bytes) if bytes <= reserve_bytes.min(type_max_bytes) => bytes,
            _ => bail!("memory minimum size of {} pages is too large", ty.minimum()),
        };
        let reserved = reserve_bytes as usize + guard;
        // SAFETY: a fresh anonymous mapping at an address the kernel picks;
        // it overlaps nothing we own. NORESERVE: untouched pages cost nothing.
        let ptr = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                reserved,
                ProtFlags::empty(),
                MapFlags::PRIVATE | MapFlags::NORESERVE,
            )
        }
        .context("failed to reserve address space for a linear memory")?;
        let base = NonNull::new(ptr.cast::<u8>()).context("mmap returned null")?;
        let def = VmBox::new(VMMemoryDefinition { base: base.as_ptr(), current_length: 0 });
        let mut memory = LinearMemory { base, reserved, def, max_bytes: reserve_bytes.min(type_max_bytes), ty };
        memory.make_accessible(initial as usize)?;
        Ok(memory)
    }

    pub fn ty(&self) -> &MemoryType {
        &self.ty
    }

    /// The current size in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.def.get().current_length
    }

    /// The definition instance contexts point at; it stays where it is for
    /// the memory's lifetime.
    pub fn definition(&self) -> *mut VMMemoryDefinition {
        self.def.as_ptr()
    }

    /// The current size in pages.
    pub fn pages(&self) -> u64 {
        self.len() as u64 >> self.ty.page_size_log2()
    }

    /// The start of the memory's bytes; valid for `len()` bytes.
    #[inline]
    pub fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    pub fn data(&self) -> &[u8] {
        // SAFETY: `len` bytes from `base` are mapped readable and writable,
        // and they stay mapped while `self` is borrowed.
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.len()) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `data`; `&mut self` makes this the only access.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr(), self.len()) }
    }

    /// The size in bytes growing by `delta_pages` would give, if the memory's
    /// type and reservation allow it.
    pub fn grow_target(&self, delta_pages: u64) -> Option<usize> {
        let bytes = delta_pages.checked_mul(self.ty.page_size())?.checked_add(self.len() as u64)?;
        (bytes <= self.max_bytes).then_some(bytes as usize)
    }

    /// Grows to `new_len` bytes (from `grow_target`). Returns false if the
    /// host refused to commit the pages.
    pub fn grow_to(&mut self, new_len: usize) -> bool {
        self.make_accessible(new_len).is_ok()
    }

    fn make_accessible(&mut self, new_len: usize) -> Result<()> {
        let len = self.len();
        if new_len <= len {
            return Ok(());
        }
        assert!(new_len as u64 <= self.max_bytes);
        // SAFETY: the range lies inside our reservation (checked above), and
        // making reserved pages read-write does not affect any Rust object.
        unsafe {
            rustix::mm::mprotect(
                self.base.as_ptr().add(len).cast(),
                new_len - len,
                MprotectFlags::READ | MprotectFlags::WRITE,
            )
        }
        .context("failed to commit linear memory pages")?;
        self.def.get_mut().current_length = new_len;
        Ok(())
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the reservation made in `new`; no references
        // into it outlive `self`.
        unsafe {
            let _ = rustix::mm::munmap(self.base.as_ptr().cast(), self.reserved);
        }
    }
}
