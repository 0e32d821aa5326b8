//! Runtime objects shared by every execution tier. Their layouts are what
//! compiled code will address directly.

pub(crate) mod memory;
pub(crate) mod vmcontext;
