//! Exception handling as the embedder sees it: [`Tag`]s, exception objects
//! ([`ExnRef`]) and the [`ThrownException`] error, with Wasmtime's names.
//!
//! An exception is a store object: a tag and its payload cells. `exnref`
//! values are cells naming it (index + 1, see `values.rs`). While an
//! exception propagates outside wasm — out of a call into wasm, or out of a
//! host function back into wasm — it sits in the store's *pending exception*
//! slot and the error is a payload-free [`ThrownException`], as in Wasmtime:
//! the host takes it with [`Store::take_pending_exception`] or returns the
//! error to let it propagate, and a host function throws with
//! [`Caller::throw`] (or [`Store::throw`]).
//!
//! There is no garbage collector yet: an exception the program could still
//! name (caught with `catch_ref`/`catch_all_ref`, or handed to the host)
//! lives as long as its store, like an `externref`. One caught by `catch` or
//! `catch_all` that nothing else ever referred to is recycled at once, so a
//! loop that throws and catches does not grow the store.
//!
//! [`Store::take_pending_exception`]: crate::Store::take_pending_exception
//! [`Store::throw`]: crate::Store::throw
//! [`Caller::throw`]: crate::Caller::throw

use crate::store::{AsContext, AsContextMut, StoreId, StoreOpaque};
use crate::types::{TagType, ValType};
use crate::values::Val;
use anyhow::{Result, bail};
use std::fmt;

/// An exception tag in a store: the identity `catch` clauses compare and the
/// type of the payload its exceptions carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    store: StoreId,
    index: u32,
}

impl Tag {
    pub(crate) fn from_index(store: StoreId, index: u32) -> Tag {
        Tag { store, index }
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }

    /// A new tag of type `ty`, distinct from every other tag.
    pub fn new(mut store: impl AsContextMut, ty: &TagType) -> Result<Tag> {
        if !ty.ty().result_slice().is_empty() {
            bail!("a tag's function type must have no results, found {}", ty.ty());
        }
        let store = store.as_context_mut().0;
        let id = store.opaque.id();
        let index = store.opaque.tags.len() as u32;
        store.opaque.tags.push(TagEntity { ty: ty.clone(), origin: None });
        Ok(Tag { store: id, index })
    }

    /// The tag's type.
    pub fn ty(&self, store: impl AsContext) -> TagType {
        let store = store.as_context().0;
        assert_eq!(store.opaque.id(), self.store, "tag used with the wrong store");
        store.opaque.tags[self.index as usize].ty.clone()
    }

    /// Whether `a` and `b` are the same tag (Wasmtime's spelling of `==`).
    pub fn eq(a: &Tag, b: &Tag, _store: impl AsContext) -> bool {
        a == b
    }
}

/// A tag as the store keeps it.
pub(crate) struct TagEntity {
    pub ty: TagType,
    /// The module name and tag index that defined it, for messages; `None`
    /// for tags the host made.
    pub origin: Option<(Option<String>, u32)>,
}

/// An exception object as the store keeps it.
pub(crate) struct ExnEntity {
    /// The tag (store index).
    pub tag: u32,
    /// The payload, one cell per parameter of the tag's type.
    pub fields: Box<[u64]>,
    /// Whether an `exnref` to this exception may exist anywhere (a wasm
    /// value, a host handle). An exception that never escaped can be
    /// recycled once a `catch` without `_ref` consumed it.
    pub escaped: bool,
}

/// The store's exception objects, with recycling of the ones that never
/// escaped (see the module docs).
#[derive(Default)]
pub(crate) struct ExnHeap {
    entities: Vec<ExnEntity>,
    free: Vec<u32>,
}

impl ExnHeap {
    /// A new exception of store tag `tag` with payload `fields`.
    pub fn alloc(&mut self, tag: u32, fields: &[u64]) -> u32 {
        if let Some(index) = self.free.pop() {
            let exn = &mut self.entities[index as usize];
            exn.tag = tag;
            exn.escaped = false;
            if exn.fields.len() == fields.len() {
                exn.fields.copy_from_slice(fields);
            } else {
                exn.fields = fields.into();
            }
            return index;
        }
        let index = u32::try_from(self.entities.len()).expect("fewer than 2^32 live exceptions");
        self.entities.push(ExnEntity { tag, fields: fields.into(), escaped: false });
        index
    }

    pub fn get(&self, index: u32) -> &ExnEntity {
        &self.entities[index as usize]
    }

    /// Records that an `exnref` to exception `index` now exists.
    pub fn mark_escaped(&mut self, index: u32) {
        self.entities[index as usize].escaped = true;
    }

    /// Exception `index` was consumed by a `catch` that keeps no reference:
    /// recycle it if no reference to it can exist.
    pub fn release_if_unreferenced(&mut self, index: u32) {
        if !self.entities[index as usize].escaped {
            self.free.push(index);
        }
    }
}

/// A reference to an exception object in a store (an `exnref` value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExnRef {
    store: StoreId,
    index: u32,
}

impl ExnRef {
    pub(crate) fn from_index(store: StoreId, index: u32) -> ExnRef {
        ExnRef { store, index }
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    /// The cell of this reference, checking that it belongs to `store`.
    pub(crate) fn to_cell(self, store: StoreId) -> Result<u64> {
        if self.store != store {
            bail!("exnref used with the wrong store");
        }
        Ok(u64::from(self.index) + 1)
    }

    /// A new exception of `tag` carrying `fields`, which must match the
    /// tag's parameter types. (Wasmtime also takes an `ExnRefPre` allocator;
    /// skiff needs none.)
    pub fn new(mut store: impl AsContextMut, tag: &Tag, fields: &[Val]) -> Result<ExnRef> {
        let store = &mut store.as_context_mut().0.opaque;
        let id = store.id();
        if tag.store != id {
            bail!("tag used with the wrong store");
        }
        let ty = store.tags[tag.index as usize].ty.clone();
        let payload = ty.payload();
        if fields.len() != payload.len() {
            bail!("the tag's payload has {} values, {} were given", payload.len(), fields.len());
        }
        let mut cells = vec![0; ty.payload_cells()];
        let mut at = 0;
        for (i, (field, expected)) in fields.iter().zip(payload).enumerate() {
            if !field.matches_ty(expected) {
                bail!("payload value {i} has type {}, but the tag expects {expected}", field.ty());
            }
            field.write_cells(id, &mut cells[at..])?;
            at += expected.cells();
        }
        let index = store.exns.alloc(tag.index, &cells);
        store.exns.mark_escaped(index);
        Ok(ExnRef { store: id, index })
    }

    fn entity<'a>(&self, store: &'a StoreOpaque) -> Result<&'a ExnEntity> {
        if store.id() != self.store {
            bail!("exnref used with the wrong store");
        }
        Ok(store.exns.get(self.index))
    }

    /// The exception's tag.
    pub fn tag(&self, store: impl AsContext) -> Result<Tag> {
        let store = &store.as_context().0.opaque;
        Ok(Tag { store: self.store, index: self.entity(store)?.tag })
    }

    /// The payload values, in the order of the tag's parameters.
    pub fn fields(&self, store: impl AsContext) -> Result<impl ExactSizeIterator<Item = Val> + 'static> {
        let store = &store.as_context().0.opaque;
        let exn = self.entity(store)?;
        let ty = store.tags[exn.tag as usize].ty.clone();
        let id = self.store;
        let values = payload_values(id, &exn.fields, ty.payload());
        Ok(values.into_iter())
    }

    /// Payload value `index`.
    pub fn field(&self, store: impl AsContext, index: usize) -> Result<Val> {
        match self.fields(store)?.nth(index) {
            Some(value) => Ok(value),
            None => bail!("exception field index {index} out of bounds"),
        }
    }
}

/// The error that says a wasm exception is propagating: the exception
/// itself is the store's pending exception (see the module docs).
///
/// Returned by calls into wasm when an exception was not caught, and by host
/// functions that throw (see [`Caller::throw`](crate::Caller::throw)); a host
/// function that gets it from a call into wasm can return it to let the
/// exception continue into its wasm caller, which may catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrownException;

impl fmt::Display for ThrownException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("thrown wasm exception (the store holds it as its pending exception)")
    }
}

impl std::error::Error for ThrownException {}

/// The payload values of an exception from its cells (a `v128` takes two).
fn payload_values(store: StoreId, cells: &[u64], types: &[ValType]) -> Vec<Val> {
    let mut at = 0;
    types
        .iter()
        .map(|ty| {
            let value = Val::read_cells(store, &cells[at..], ty);
            at += ty.cells();
            value
        })
        .collect()
}

/// An activation takes over exception `exn`, which `error` (a
/// [`ThrownException`]) brought out of an inner one, and goes on searching
/// for its handler: keeps the frames the error's backtrace holds, for the
/// error [`uncaught`] makes if that search fails too. One backtrace, from
/// the throw outward, whatever tiers and activations it crossed.
pub(crate) fn absorb(store: &mut StoreOpaque, exn: u32, error: &anyhow::Error) {
    let frames = error.downcast_ref::<crate::trap::WasmBacktrace>().map(|b| b.frames().to_vec()).unwrap_or_default();
    store.exception_frames = Some((exn, frames));
}

/// Exception `exn` leaves an activation uncaught: the error, with the
/// frames of the inner activations it came through (see [`absorb`]).
pub(crate) fn uncaught(store: &mut StoreOpaque, exn: u32) -> anyhow::Error {
    let frames = match store.exception_frames.take() {
        Some((of, frames)) if of == exn => frames,
        _ => Vec::new(),
    };
    crate::trap::with_backtrace(anyhow::Error::new(ThrownException), frames)
}

/// `error` from a call into wasm, with "uncaught exception of …" added when
/// it is a [`ThrownException`] leaving the outermost wasm call (either
/// tier's).
pub(crate) fn describe_uncaught_exception(store: &StoreOpaque, error: anyhow::Error) -> anyhow::Error {
    match store.pending_exception {
        Some(exn) if store.host_depth == 0 && error.downcast_ref::<ThrownException>().is_some() => {
            let description = describe_uncaught(store, exn);
            error.context(description)
        }
        _ => error,
    }
}

/// "uncaught exception of tag …, payload (…)": what the embedder reads when
/// exception `exn` leaves the outermost wasm call.
fn describe_uncaught(store: &StoreOpaque, exn: u32) -> String {
    let entity = store.exns.get(exn);
    let tag = &store.tags[entity.tag as usize];
    let name = match &tag.origin {
        Some((Some(module), index)) => format!("tag {index} of module `{module}`"),
        Some((None, index)) => format!("tag {index} of an unnamed module"),
        None => format!("host tag #{}", entity.tag),
    };
    let payload: Vec<String> = payload_values(store.id(), &entity.fields, tag.ty.payload())
        .into_iter()
        .zip(tag.ty.payload())
        .map(|(value, ty)| match value {
            Val::I32(v) => format!("i32 {v}"),
            Val::I64(v) => format!("i64 {v}"),
            Val::F32(bits) => format!("f32 {}", f32::from_bits(bits)),
            Val::F64(bits) => format!("f64 {}", f64::from_bits(bits)),
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) => format!("{ty} null"),
            Val::V128(v) => format!("v128 {:#034x}", v.as_u128()),
            _ => format!("{ty} non-null"),
        })
        .collect();
    format!("uncaught exception of {name}, payload ({})", payload.join(", "))
}

#[cfg(test)]
mod tests {
    use super::ExnHeap;

    #[test]
    fn caught_exceptions_that_never_escaped_are_recycled() {
        let mut heap = ExnHeap::default();
        let first = heap.alloc(0, &[1, 2]);
        heap.release_if_unreferenced(first);
        let second = heap.alloc(1, &[3]);
        assert_eq!(second, first, "the slot is reused");
        assert_eq!((heap.get(second).tag, &*heap.get(second).fields), (1, &[3][..]));
        heap.mark_escaped(second);
        heap.release_if_unreferenced(second);
        let third = heap.alloc(0, &[]);
        assert_ne!(third, second, "an escaped exception is kept");
        assert_eq!(heap.entities.len(), 2);
    }
}
