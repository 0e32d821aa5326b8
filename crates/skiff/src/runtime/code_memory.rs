//! Memory for machine code: mapped writable, filled, then made executable
//! and never writable again (W^X), and unmapped when the last user drops it.
//!
//! A compiled tier hands over the finished bytes of a module (its functions
//! and trampolines, relocations already applied); nothing is patched once
//! the pages are executable, so code can be shared between threads freely.
//!
//! This is one of the few modules with `unsafe`: mapping, copying into the
//! mapping, and changing its protection.

use anyhow::{Context, Result};
use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};
use std::ptr::NonNull;

/// An executable copy of some machine code.
pub(crate) struct CodeMemory {
    base: NonNull<u8>,
    /// Bytes mapped (the code's length rounded up to pages).
    mapped: usize,
    /// Bytes of code.
    len: usize,
}

// SAFETY: the mapping is owned by this value and immutable once built
// (read and executed, never written), so sharing it is sharing read-only
// memory.
unsafe impl Send for CodeMemory {}
// SAFETY: see `Send`.
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Copies `code` into a fresh mapping and makes it executable.
    pub fn new(code: &[u8]) -> Result<CodeMemory> {
        let page = rustix::param::page_size();
        let mapped = code.len().max(1).div_ceil(page) * page;
        // SAFETY: a fresh anonymous mapping at an address the kernel picks;
        // it overlaps nothing we own.
        let ptr = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                mapped,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE,
            )
        }
        .context("failed to map memory for compiled code")?;
        let base = NonNull::new(ptr.cast::<u8>()).context("mmap returned null")?;
        // SAFETY: the mapping is `mapped >= code.len()` bytes, writable, and
        // cannot overlap `code`, which lives in memory we mapped before.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), base.as_ptr(), code.len()) };
        let memory = CodeMemory { base, mapped, len: code.len() };
        // SAFETY: the range is exactly our mapping; from here on nothing
        // writes it (W^X).
        unsafe { rustix::mm::mprotect(base.as_ptr().cast(), mapped, MprotectFlags::READ | MprotectFlags::EXEC) }
            .context("failed to make compiled code executable")?;
        Ok(memory)
    }

    /// The address of the first byte of code.
    pub fn as_ptr(&self) -> *const u8 {
        self.base.as_ptr()
    }

    /// The range of addresses the code takes.
    pub fn range(&self) -> std::ops::Range<usize> {
        let start = self.base.as_ptr() as usize;
        start..start + self.len
    }

    /// The code's bytes (readable, as executable pages are).
    #[cfg(test)]
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes from `base` are mapped readable for `self`'s lifetime.
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: the mapping is ours and nothing runs its code any more:
        // every instance and function using it keeps the module, and so
        // this value, alive.
        let _ = unsafe { rustix::mm::munmap(self.base.as_ptr().cast(), self.mapped) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_copied_and_readable() {
        let code = CodeMemory::new(&[0xc3, 0x90, 0x90]).unwrap();
        assert_eq!(code.bytes(), &[0xc3, 0x90, 0x90]);
        assert_eq!(code.range().len(), 3);
        assert_eq!(code.as_ptr() as usize % rustix::param::page_size(), 0);
    }
}
