//! The types of WebAssembly values and entities, as the embedding API shows them.
//!
//! These mirror Wasmtime's names so embedders can switch by changing imports.
//! Reference types carry a nullability bit and a heap type so that typed
//! function references (Wasm 3.0) slot in without changing this shape.

use std::fmt;
use std::sync::Arc;

/// The type of a WebAssembly value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    /// A 128-bit vector (SIMD).
    V128,
    Ref(RefType),
}

impl ValType {
    /// `funcref`, i.e. `(ref null func)`.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`, i.e. `(ref null extern)`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);
    /// `exnref`, i.e. `(ref null exn)`.
    pub const EXNREF: ValType = ValType::Ref(RefType::EXNREF);

    pub fn is_num(&self) -> bool {
        matches!(self, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64)
    }

    pub fn is_ref(&self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// How many 64-bit engine cells a value of this type takes: two for a
    /// `v128`, one for everything else (see `values.rs`).
    pub(crate) fn cells(&self) -> usize {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }

    pub fn as_ref(&self) -> Option<&RefType> {
        match self {
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Whether a value of type `self` may be used where `other` is expected.
    pub fn matches(&self, other: &ValType) -> bool {
        match (self, other) {
            (ValType::Ref(a), ValType::Ref(b)) => a.matches(b),
            (a, b) => a == b,
        }
    }

    /// Converts a type of a module whose function types, as far as they are
    /// known, are `types` (a concrete heap type names one of them).
    pub(crate) fn from_wasmparser(ty: wasmparser::ValType, types: &[FuncType]) -> anyhow::Result<ValType> {
        Ok(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::Ref(RefType::from_wasmparser(r, types)?),
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => write!(f, "{r}"),
        }
    }
}

/// The heap type a reference points to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    Extern,
    /// Exception references (`exnref` is `(ref null exn)`).
    Exn,
    /// The bottom of the exception hierarchy: only `null` has this type.
    NoExn,
    /// A function of exactly this type (typed function references). Types
    /// are compared structurally: without GC's recursive type groups and
    /// declared subtypes, that is the spec's type equivalence.
    ConcreteFunc(FuncType),
}

impl HeapType {
    /// Whether a reference to `self` may be used where `other` is expected.
    pub fn matches(&self, other: &HeapType) -> bool {
        self == other
            || matches!((self, other), (HeapType::ConcreteFunc(_), HeapType::Func) | (HeapType::NoExn, HeapType::Exn))
    }

    /// Whether references to this heap type are function references.
    pub fn is_func(&self) -> bool {
        matches!(self, HeapType::Func | HeapType::ConcreteFunc(_))
    }
}

/// A reference type: a heap type and whether `null` is allowed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    nullable: bool,
    heap_type: HeapType,
}

impl RefType {
    pub const FUNCREF: RefType = RefType { nullable: true, heap_type: HeapType::Func };
    pub const EXTERNREF: RefType = RefType { nullable: true, heap_type: HeapType::Extern };
    pub const EXNREF: RefType = RefType { nullable: true, heap_type: HeapType::Exn };

    pub fn new(nullable: bool, heap_type: HeapType) -> RefType {
        RefType { nullable, heap_type }
    }

    pub fn is_nullable(&self) -> bool {
        self.nullable
    }

    pub fn heap_type(&self) -> &HeapType {
        &self.heap_type
    }

    /// Whether a value of type `self` may be used where `other` is expected.
    pub fn matches(&self, other: &RefType) -> bool {
        self.heap_type.matches(&other.heap_type) && (!self.nullable || other.nullable)
    }

    /// Converts a reference type of a module whose function types, as far
    /// as they are known, are `types`.
    pub(crate) fn from_wasmparser(r: wasmparser::RefType, types: &[FuncType]) -> anyhow::Result<RefType> {
        use wasmparser::{AbstractHeapType, HeapType as H, UnpackedIndex};
        let heap_type = match r.heap_type() {
            H::Abstract { shared: false, ty: AbstractHeapType::Func } => HeapType::Func,
            H::Abstract { shared: false, ty: AbstractHeapType::Extern } => HeapType::Extern,
            H::Abstract { shared: false, ty: AbstractHeapType::Exn } => HeapType::Exn,
            H::Abstract { shared: false, ty: AbstractHeapType::NoExn } => HeapType::NoExn,
            H::Concrete(UnpackedIndex::Module(index)) | H::Exact(UnpackedIndex::Module(index)) => {
                match types.get(index as usize) {
                    Some(ty) => HeapType::ConcreteFunc(ty.clone()),
                    // Validation allows a type to name itself or a later
                    // type only with GC's recursive types.
                    None => anyhow::bail!("recursive types (GC) are not supported yet"),
                }
            }
            other => anyhow::bail!("reference type `{other:?}` (GC) is not supported yet"),
        };
        Ok(RefType { nullable: r.is_nullable(), heap_type })
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, &self.heap_type) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (false, HeapType::Func) => f.write_str("(ref func)"),
            (false, HeapType::Extern) => f.write_str("(ref extern)"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (false, HeapType::Exn) => f.write_str("(ref exn)"),
            (true, HeapType::NoExn) => f.write_str("nullexnref"),
            (false, HeapType::NoExn) => f.write_str("(ref noexn)"),
            (true, HeapType::ConcreteFunc(ty)) => write!(f, "(ref null {ty})"),
            (false, HeapType::ConcreteFunc(ty)) => write!(f, "(ref {ty})"),
        }
    }
}

/// The type of a function: its parameters and results.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    inner: Arc<FuncTypeInner>,
}

#[derive(PartialEq, Eq, Hash)]
struct FuncTypeInner {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
    /// The cells the parameters and the results take (`ValType::cells`).
    param_cells: u32,
    result_cells: u32,
}

impl FuncType {
    /// Wasmtime takes the engine first; skiff's types are engine-independent,
    /// but the argument is kept so embedder code ports unchanged.
    pub fn new(
        _engine: &crate::Engine,
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType::from_parts(params, results)
    }

    pub(crate) fn from_parts(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        let params: Box<[ValType]> = params.into_iter().collect();
        let results: Box<[ValType]> = results.into_iter().collect();
        let cells = |types: &[ValType]| types.iter().map(ValType::cells).sum::<usize>() as u32;
        let (param_cells, result_cells) = (cells(&params), cells(&results));
        FuncType { inner: Arc::new(FuncTypeInner { params, results, param_cells, result_cells }) }
    }

    pub fn params(&self) -> impl ExactSizeIterator<Item = ValType> + '_ {
        self.inner.params.iter().cloned()
    }

    pub fn results(&self) -> impl ExactSizeIterator<Item = ValType> + '_ {
        self.inner.results.iter().cloned()
    }

    pub fn param(&self, i: usize) -> Option<ValType> {
        self.inner.params.get(i).cloned()
    }

    pub fn result(&self, i: usize) -> Option<ValType> {
        self.inner.results.get(i).cloned()
    }

    pub(crate) fn param_slice(&self) -> &[ValType] {
        &self.inner.params
    }

    pub(crate) fn result_slice(&self) -> &[ValType] {
        &self.inner.results
    }

    /// The cells the parameters take (a `v128` takes two).
    pub(crate) fn param_cells(&self) -> usize {
        self.inner.param_cells as usize
    }

    /// The cells the results take.
    pub(crate) fn result_cells(&self) -> usize {
        self.inner.result_cells as usize
    }

    pub(crate) fn from_wasmparser(ty: &wasmparser::FuncType, types: &[FuncType]) -> anyhow::Result<FuncType> {
        let convert = |t: &wasmparser::ValType| ValType::from_wasmparser(*t, types);
        let params = ty.params().iter().map(convert).collect::<anyhow::Result<Vec<_>>>()?;
        let results = ty.results().iter().map(convert).collect::<anyhow::Result<Vec<_>>>()?;
        Ok(FuncType::from_parts(params, results))
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        if !self.inner.params.is_empty() {
            f.write_str(" (param")?;
            for p in self.inner.params.iter() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.inner.results.is_empty() {
            f.write_str(" (result")?;
            for r in self.inner.results.iter() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// Whether a global can be written after initialization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutability {
    Const,
    Var,
}

/// The type of a global: its content type and mutability.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType { content, mutability }
    }

    pub fn content(&self) -> &ValType {
        &self.content
    }

    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

/// The type of a table: element type and limits (in elements).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    element: RefType,
    min: u64,
    max: Option<u64>,
    table64: bool,
}

impl TableType {
    pub fn new(element: RefType, min: u32, max: Option<u32>) -> TableType {
        TableType { element, min: min.into(), max: max.map(Into::into), table64: false }
    }

    /// A table with 64-bit indices (memory64's table64).
    pub fn new64(element: RefType, min: u64, max: Option<u64>) -> TableType {
        TableType { element, min, max, table64: true }
    }

    pub fn element(&self) -> &RefType {
        &self.element
    }

    pub fn minimum(&self) -> u64 {
        self.min
    }

    pub fn maximum(&self) -> Option<u64> {
        self.max
    }

    pub fn is_64(&self) -> bool {
        self.table64
    }

    pub(crate) fn from_wasmparser(ty: &wasmparser::TableType, types: &[FuncType]) -> anyhow::Result<TableType> {
        Ok(TableType {
            element: RefType::from_wasmparser(ty.element_type, types)?,
            min: ty.initial,
            max: ty.maximum,
            table64: ty.table64,
        })
    }
}

/// The type of a linear memory: limits in pages of 64 KiB.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    min: u64,
    max: Option<u64>,
    memory64: bool,
    shared: bool,
    page_size_log2: u8,
}

impl MemoryType {
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType { min: min.into(), max: max.map(Into::into), memory64: false, shared: false, page_size_log2: 16 }
    }

    pub fn new64(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType { min, max, memory64: true, shared: false, page_size_log2: 16 }
    }

    pub fn minimum(&self) -> u64 {
        self.min
    }

    pub fn maximum(&self) -> Option<u64> {
        self.max
    }

    pub fn is_64(&self) -> bool {
        self.memory64
    }

    pub fn is_shared(&self) -> bool {
        self.shared
    }

    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }

    pub fn page_size_log2(&self) -> u8 {
        self.page_size_log2
    }

    pub(crate) fn from_wasmparser(ty: &wasmparser::MemoryType) -> anyhow::Result<MemoryType> {
        if ty.shared {
            anyhow::bail!("shared memories (threads) are not supported yet");
        }
        let page_size_log2 = match ty.page_size_log2 {
            None | Some(16) => 16,
            Some(_) => anyhow::bail!("custom page sizes are not supported yet"),
        };
        Ok(MemoryType { min: ty.initial, max: ty.maximum, memory64: ty.memory64, shared: ty.shared, page_size_log2 })
    }
}

/// The type of an exception tag: the function type whose parameters are
/// the payload an exception of the tag carries (its results are empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// A tag type from its function type; the payload is the parameters.
    pub fn new(ty: FuncType) -> TagType {
        TagType { ty }
    }

    /// The function type of the tag.
    pub fn ty(&self) -> &FuncType {
        &self.ty
    }

    /// The payload's value types.
    pub(crate) fn payload(&self) -> &[ValType] {
        self.ty.param_slice()
    }

    /// The cells the payload takes.
    pub(crate) fn payload_cells(&self) -> usize {
        self.ty.param_cells()
    }
}

/// The type of anything a module imports or exports.
#[derive(Clone, Debug)]
pub enum ExternType {
    Func(FuncType),
    Global(GlobalType),
    Table(TableType),
    Memory(MemoryType),
    Tag(TagType),
}

impl ExternType {
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Global(_) => "global",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Tag(_) => "tag",
        }
    }
}

/// Whether limits `(min, max)` of an import satisfy the limits `(want_min, want_max)`
/// the importing module declared (the spec's limit subtyping).
pub(crate) fn limits_match(min: u64, max: Option<u64>, want_min: u64, want_max: Option<u64>) -> bool {
    if min < want_min {
        return false;
    }
    match (max, want_max) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(m), Some(w)) => m <= w,
    }
}
