//! skiff: a fast WebAssembly runtime.
//!
//! The embedding API follows Wasmtime's names and signatures, so code written
//! for Wasmtime ports by changing imports:
//!
//! ```
//! use skiff::{Caller, Engine, Linker, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "env" "log" (func $log (param i32)))
//!       (func (export "add") (param i32 i32) (result i32)
//!         (call $log (local.get 0))
//!         (i32.add (local.get 0) (local.get 1))))
//! "#)?;
//! let mut store = Store::new(&engine, Vec::new());
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("env", "log", |mut caller: Caller<'_, Vec<i32>>, x: i32| {
//!     caller.data_mut().push(x);
//! })?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
//! assert_eq!(add.call(&mut store, (1, 2))?, 3);
//! assert_eq!(store.data(), &[1]);
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! See `ARCHITECTURE.md` at the repository root for how the pieces fit.

#[cfg(feature = "cranelift")]
mod compile;
mod engine;
mod exception;
mod externals;
mod func;
mod instance;
mod interp;
mod linker;
mod module;
mod runtime;
mod store;
#[cfg(feature = "cranelift")]
mod tierup;
mod trap;
mod types;
mod values;

pub use anyhow::{self, Error, Result};
pub use engine::{
    CacheStats, CompilationMode, Config, DEFAULT_CACHE_MAX_SIZE, DEFAULT_TIER_UP_THRESHOLD, Engine, EpochDeadline,
    ProfilingStrategy, Strategy, TierUpMode, TierUpStats, WasmVersion,
};
pub use exception::{ExnRef, Tag, ThrownException};
pub use externals::{Extern, Global, Memory, Table};
pub use func::{Caller, Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy, WasmTyList};
pub use instance::Instance;
pub use linker::Linker;
pub use module::{ExportType, ImportType, Module};
pub use store::{
    AsContext, AsContextMut, ResourceLimiter, Store, StoreContext, StoreContextMut, StoreLimits, StoreLimitsBuilder,
};
pub use trap::{FrameInfo, Trap, WasmBacktrace};
pub use types::{
    ExternType, FuncType, GlobalType, HeapType, MemoryType, Mutability, RefType, TableType, TagType, ValType,
};
pub use values::{ExternRef, V128, Val};
