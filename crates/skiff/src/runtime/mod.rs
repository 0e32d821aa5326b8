//! Runtime objects shared by every execution tier. Their layouts are what
//! compiled code addresses directly. Nothing here knows either tier.

#[cfg(feature = "cranelift")]
pub(crate) mod code_memory;
#[cfg(feature = "cranelift")]
pub(crate) mod entry;
#[cfg(feature = "cranelift")]
pub(crate) mod libcalls;
pub(crate) mod memory;
#[cfg(feature = "cranelift")]
pub(crate) mod traps;
pub(crate) mod vmcontext;

/// How many host-to-wasm entries may nest on the host stack.
pub(crate) const MAX_HOST_DEPTH: u32 = 200;
