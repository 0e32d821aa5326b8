//! Values as the embedder sees them ([`Val`]) and as the engine stores them
//! (untyped 64-bit cells).
//!
//! Every value lives in the engine as a `u64` cell whose meaning comes from the
//! static type. The encoding is an invariant both tiers rely on:
//!
//! * `i32` and `f32` are stored zero-extended (the upper 32 bits are 0), so a
//!   32-bit memory address can be read as a `u64` without masking;
//! * `i64` and `f64` are stored as their bits;
//! * references are `0` for null and `index + 1` otherwise, where the index
//!   is the store's function, externref or exception table;
//! * a `v128` takes two consecutive cells, its low 64 bits first (lane 0 of
//!   any shape is in the first cell).

use crate::exception::ExnRef;
use crate::store::{AsContext, AsContextMut, FuncEntity, StoreId, StoreOpaque};
use crate::types::{HeapType, RefType, ValType};
use crate::{Func, anyhow};
use std::any::Any;

/// A WebAssembly value.
#[derive(Clone, Debug)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// The bits of an `f32`.
    F32(u32),
    /// The bits of an `f64`.
    F64(u64),
    V128(V128),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
    /// An exception reference (`exnref`).
    ExnRef(Option<ExnRef>),
}

impl Val {
    pub fn null_func_ref() -> Val {
        Val::FuncRef(None)
    }

    pub fn null_extern_ref() -> Val {
        Val::ExternRef(None)
    }

    /// The default (zero) value of a type, or `None` for non-nullable references.
    pub fn default_for_ty(ty: &ValType) -> Option<Val> {
        Some(match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(V128::from(0u128)),
            ValType::Ref(r) if !r.is_nullable() => return None,
            ValType::Ref(r) => match r.heap_type() {
                HeapType::Func | HeapType::ConcreteFunc(_) => Val::FuncRef(None),
                HeapType::Extern => Val::ExternRef(None),
                HeapType::Exn | HeapType::NoExn => Val::ExnRef(None),
            },
        })
    }

    /// The value's type. Non-null references report their nullable type, as a
    /// value of `(ref func)` is also a `funcref`.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::ExnRef(_) => ValType::EXNREF,
        }
    }

    /// Whether this value may be stored where `ty` is expected in `store`:
    /// as [`Val::matches_ty`], and a non-null function reference meant for a
    /// concrete function type must name a function of `store` of exactly
    /// that type (compiled code calls through it without a check).
    pub(crate) fn matches_ty_in(&self, store: &StoreOpaque, ty: &ValType) -> bool {
        if let (Val::FuncRef(Some(f)), ValType::Ref(r)) = (self, ty)
            && let HeapType::ConcreteFunc(expected) = r.heap_type()
        {
            return f.store_id() == store.id()
                && match store.funcs.get(f.index() as usize) {
                    Some(FuncEntity::Wasm { index, module, .. }) => module.func_type(*index) == expected,
                    Some(FuncEntity::Host { ty, .. }) => ty == expected,
                    None => false,
                };
        }
        self.matches_ty(ty)
    }

    /// Whether this value may be stored where `ty` is expected. A non-null
    /// function reference's type is in its store, so where `ty` names a
    /// concrete function type this answers `false`; the embedding API checks
    /// such values against the store instead.
    pub fn matches_ty(&self, ty: &ValType) -> bool {
        match (self, ty) {
            (Val::I32(_), ValType::I32)
            | (Val::I64(_), ValType::I64)
            | (Val::F32(_), ValType::F32)
            | (Val::F64(_), ValType::F64)
            | (Val::V128(_), ValType::V128) => true,
            (Val::FuncRef(None), ValType::Ref(r)) => r.heap_type().is_func() && r.is_nullable(),
            (Val::FuncRef(Some(_)), ValType::Ref(r)) => *r.heap_type() == HeapType::Func,
            (Val::ExternRef(e), ValType::Ref(r)) => {
                *r.heap_type() == HeapType::Extern && (e.is_some() || r.is_nullable())
            }
            (Val::ExnRef(e), ValType::Ref(r)) => match r.heap_type() {
                HeapType::Exn => e.is_some() || r.is_nullable(),
                HeapType::NoExn => e.is_none() && r.is_nullable(),
                _ => false,
            },
            _ => false,
        }
    }

    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self { Some(*v) } else { None }
    }
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self { Some(*v) } else { None }
    }
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self { Some(f32::from_bits(*v)) } else { None }
    }
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self { Some(f64::from_bits(*v)) } else { None }
    }
    pub fn v128(&self) -> Option<V128> {
        if let Val::V128(v) = self { Some(*v) } else { None }
    }
    pub fn unwrap_v128(&self) -> V128 {
        self.v128().expect("expected a v128")
    }
    pub fn unwrap_i32(&self) -> i32 {
        self.i32().expect("expected an i32")
    }
    pub fn unwrap_i64(&self) -> i64 {
        self.i64().expect("expected an i64")
    }
    pub fn unwrap_f32(&self) -> f32 {
        self.f32().expect("expected an f32")
    }
    pub fn unwrap_f64(&self) -> f64 {
        self.f64().expect("expected an f64")
    }
    pub fn funcref(&self) -> Option<Option<&Func>> {
        if let Val::FuncRef(f) = self { Some(f.as_ref()) } else { None }
    }
    pub fn externref(&self) -> Option<Option<&ExternRef>> {
        if let Val::ExternRef(e) = self { Some(e.as_ref()) } else { None }
    }
    pub fn exnref(&self) -> Option<Option<&ExnRef>> {
        if let Val::ExnRef(e) = self { Some(e.as_ref()) } else { None }
    }

    /// Encodes the value into `cells` (one cell, or two for a `v128`; see
    /// [`ValType::cells`]), checking that references belong to `store`.
    pub(crate) fn write_cells(&self, store: StoreId, cells: &mut [u64]) -> anyhow::Result<()> {
        match self {
            Val::V128(v) => {
                let bits = v.as_u128();
                cells[0] = bits as u64;
                cells[1] = (bits >> 64) as u64;
            }
            other => cells[0] = other.to_raw(store)?,
        }
        Ok(())
    }

    /// Decodes the value of static type `ty` from `cells` (as many as
    /// [`ValType::cells`] says).
    pub(crate) fn read_cells(store: StoreId, cells: &[u64], ty: &ValType) -> Val {
        match ty {
            ValType::V128 => Val::V128(V128::from(u128::from(cells[0]) | u128::from(cells[1]) << 64)),
            ty => Val::from_raw(store, cells[0], ty),
        }
    }

    /// Encodes a value of a one-cell type into its engine cell, checking
    /// that references belong to `store`. A `v128` needs two cells: see
    /// [`Val::write_cells`].
    pub(crate) fn to_raw(&self, store: StoreId) -> anyhow::Result<u64> {
        Ok(match self {
            Val::I32(v) => *v as u32 as u64,
            Val::I64(v) => *v as u64,
            Val::F32(v) => *v as u64,
            Val::F64(v) => *v,
            Val::V128(_) => anyhow::bail!("a v128 takes two cells"),
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) => 0,
            Val::ExnRef(Some(e)) => e.to_cell(store)?,
            Val::FuncRef(Some(f)) => {
                f.check_store(store)?;
                f.index() as u64 + 1
            }
            Val::ExternRef(Some(e)) => {
                if e.store != store {
                    anyhow::bail!("externref used with the wrong store");
                }
                e.index as u64 + 1
            }
        })
    }

    /// Decodes an engine cell of static type `ty`; for a `v128`, only its
    /// low half (use [`Val::read_cells`]).
    pub(crate) fn from_raw(store: StoreId, raw: u64, ty: &ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw),
            ValType::V128 => Val::V128(V128::from(u128::from(raw))),
            ValType::Ref(r) => Val::from_raw_ref(store, raw, r),
        }
    }

    pub(crate) fn from_raw_ref(store: StoreId, raw: u64, ty: &RefType) -> Val {
        let index = if raw == 0 { None } else { Some((raw - 1) as u32) };
        match ty.heap_type() {
            HeapType::Func | HeapType::ConcreteFunc(_) => Val::FuncRef(index.map(|i| Func::from_index(store, i))),
            HeapType::Extern => Val::ExternRef(index.map(|index| ExternRef { store, index })),
            HeapType::Exn | HeapType::NoExn => Val::ExnRef(index.map(|index| ExnRef::from_index(store, index))),
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
impl From<V128> for Val {
    fn from(v: V128) -> Val {
        Val::V128(v)
    }
}
impl From<Func> for Val {
    fn from(v: Func) -> Val {
        Val::FuncRef(Some(v))
    }
}
impl From<Option<Func>> for Val {
    fn from(v: Option<Func>) -> Val {
        Val::FuncRef(v)
    }
}
impl From<ExnRef> for Val {
    fn from(v: ExnRef) -> Val {
        Val::ExnRef(Some(v))
    }
}
impl From<ExternRef> for Val {
    fn from(v: ExternRef) -> Val {
        Val::ExternRef(Some(v))
    }
}
impl From<Option<ExternRef>> for Val {
    fn from(v: Option<ExternRef>) -> Val {
        Val::ExternRef(v)
    }
}

/// A reference to an opaque host value, owned by a store.
///
/// The value lives as long as the store; `externref` cells in wasm hold the
/// index of this handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    store: StoreId,
    index: u32,
}

impl ExternRef {
    /// Wraps `value` as an externref owned by `store`.
    pub fn new<T>(mut store: impl AsContextMut, value: T) -> anyhow::Result<ExternRef>
    where
        T: Any + Send + Sync + 'static,
    {
        let store = store.as_context_mut().0.opaque_mut();
        let index = u32::try_from(store.externrefs.len()).map_err(|_| anyhow::anyhow!("too many externrefs"))?;
        store.externrefs.push(Box::new(value));
        Ok(ExternRef { store: store.id(), index })
    }

    /// The host value behind this reference.
    pub fn data<'a, T: 'a>(&self, store: &'a impl AsContext<Data = T>) -> anyhow::Result<&'a (dyn Any + Send + Sync)> {
        let store = store.as_context().0.opaque();
        if store.id() != self.store {
            anyhow::bail!("externref used with the wrong store");
        }
        Ok(&*store.externrefs[self.index as usize])
    }
}

/// A 128-bit SIMD vector (`v128`), as Wasmtime's `V128`: its bits as a
/// `u128` whose low byte is the vector's first byte in memory (lanes are
/// little-endian: lane 0 of `i32x4` is bits 0..32).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct V128(u128);

impl V128 {
    /// The vector's bits.
    pub fn as_u128(&self) -> u128 {
        self.0
    }
}

impl From<u128> for V128 {
    fn from(bits: u128) -> V128 {
        V128(bits)
    }
}

impl From<V128> for u128 {
    fn from(v: V128) -> u128 {
        v.0
    }
}

impl std::fmt::Debug for V128 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "V128({:#034x})", self.0)
    }
}
