//! Linear memory on a virtual-memory reservation.
//!
//! A 32-bit memory reserves its whole 4 GiB address range plus a guard
//! region up front, inaccessible, and makes pages accessible as it grows. Its
//! base address therefore never moves: growth copies nothing, and a compiled
//! tier can rely on the guard pages instead of explicit bounds checks for
//! 32-bit addresses with small offsets. The interpreter checks bounds
//! explicitly against `len`.
//!
//! This is one of the few modules with `unsafe`: all of it is here.

use crate::types::MemoryType;
use anyhow::{Context, Result, bail};
use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};
use std::ptr::NonNull;

/// Inaccessible bytes after the 4 GiB range of a 32-bit memory.
const GUARD_SIZE: usize = 2 << 30;
/// The most a 32-bit memory can address.
const MAX_32BIT_BYTES: u64 = 1 << 32;

pub(crate) struct LinearMemory {
    /// Start of the reservation; stays fixed for the memory's lifetime.
    base: NonNull<u8>,
    /// Bytes reserved at `base` (accessible plus inaccessible).
    reserved: usize,
    /// Bytes accessible from `base` on: the memory's current size.
    len: usize,
    /// The most bytes this memory may grow to (type maximum and engine limits).
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
        let type_max = ty.maximum().unwrap_or(if ty.is_64() { u64::MAX / page } else { MAX_32BIT_BYTES / page });
        let max_bytes = type_max.saturating_mul(page).min(if ty.is_64() { u64::MAX } else { MAX_32BIT_BYTES });
        let initial = match ty.minimum().checked_mul(page) {
            Some(bytes) => bytes,
            None => bail!("memory minimum size of {} pages is too large", ty.minimum()),
        };
        // memory64 reservations are capped at what this host can map; 4 GiB
        // covers the common case and growth beyond it is refused for now.
        let reserve_bytes = max_bytes.min(MAX_32BIT_BYTES);
        if initial > reserve_bytes {
            bail!("memory minimum size of {} pages is too large", ty.minimum());
        }
        let reserved = reserve_bytes as usize + GUARD_SIZE;
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
        let mut memory = LinearMemory { base, reserved, len: 0, max_bytes: reserve_bytes, ty };
        memory.make_accessible(initial as usize)?;
        Ok(memory)
    }

    pub fn ty(&self) -> &MemoryType {
        &self.ty
    }

    /// The current size in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The current size in pages.
    pub fn pages(&self) -> u64 {
        self.len as u64 >> self.ty.page_size_log2()
    }

    /// The start of the memory's bytes; valid for `len()` bytes.
    #[inline]
    pub fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    pub fn data(&self) -> &[u8] {
        // SAFETY: `len` bytes from `base` are mapped readable and writable,
        // and they stay mapped while `self` is borrowed.
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `data`; `&mut self` makes this the only access.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }

    /// The size in bytes growing by `delta_pages` would give, if the memory's
    /// type and reservation allow it.
    pub fn grow_target(&self, delta_pages: u64) -> Option<usize> {
        let bytes = delta_pages.checked_mul(self.ty.page_size())?.checked_add(self.len as u64)?;
        (bytes <= self.max_bytes).then_some(bytes as usize)
    }

    /// Grows to `new_len` bytes (from `grow_target`). Returns false if the
    /// host refused to commit the pages.
    pub fn grow_to(&mut self, new_len: usize) -> bool {
        self.make_accessible(new_len).is_ok()
    }

    fn make_accessible(&mut self, new_len: usize) -> Result<()> {
        if new_len <= self.len {
            return Ok(());
        }
        assert!(new_len <= self.reserved - GUARD_SIZE);
        // SAFETY: the range lies inside our reservation (checked above), and
        // making reserved pages read-write does not affect any Rust object.
        unsafe {
            rustix::mm::mprotect(
                self.base.as_ptr().add(self.len).cast(),
                new_len - self.len,
                MprotectFlags::READ | MprotectFlags::WRITE,
            )
        }
        .context("failed to commit linear memory pages")?;
        self.len = new_len;
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
