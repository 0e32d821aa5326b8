//! Runtime objects shared by every execution tier. Their layouts are what
//! compiled code will address directly.

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
