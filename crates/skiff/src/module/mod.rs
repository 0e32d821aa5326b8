//! [`Module`]: a validated, translated WebAssembly module, ready to be
//! instantiated any number of times in any store of its engine.
//!
//! Loading is three separate steps over `wasmparser`'s payloads:
//! 1. `wasmparser::Validator` checks every payload and function body;
//! 2. the section readers here record the module's static shape
//!    ([`ModuleInner`]): types, imports, declarations, segments, exports, names;
//! 3. each function body goes through [`crate::interp::translate`] into interpreter code,
//!    at once or on its first call, as [`CompilationMode`] says (`lazy.rs`).

mod const_expr;
mod lazy;

pub(crate) use const_expr::ConstExpr;

use crate::engine::SigId;
use crate::interp::translate::{CheckingVisitor, CompiledFunc, FuncTranslator, ModuleEnv, SupportCheck};
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, Mutability, RefType, TableType, TagType, ValType};
use crate::{CompilationMode, Engine};
use anyhow::{Context, Result, bail};
use lazy::LazyBodies;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, FuncToValidate, FuncValidatorAllocations, KnownCustom, Name,
    Parser, Payload, TypeRef, ValidPayload, Validator, ValidatorResources,
};

/// A compiled WebAssembly module. Cheap to clone.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("name", &self.inner.name).finish_non_exhaustive()
    }
}

/// What an import asks for.
#[derive(Clone, Debug)]
pub(crate) enum ImportKind {
    /// A function of this module type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// A tag whose payload is the parameters of this module type index.
    Tag(u32),
}

#[derive(Clone, Debug)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// Which index space an export refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

#[derive(Clone, Debug)]
pub(crate) struct Export {
    pub name: String,
    pub kind: ExportKind,
    pub index: u32,
}

/// Where an element or data segment goes at instantiation, if anywhere.
#[derive(Clone, Debug)]
pub(crate) enum SegmentMode {
    Passive,
    Active { index: u32, offset: ConstExpr },
    Declared,
}

#[derive(Clone, Debug)]
pub(crate) struct ElemSegment {
    pub mode: SegmentMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Clone, Debug)]
pub(crate) struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Arc<[u8]>,
}

/// The static description of a module: everything instantiation needs.
pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub name: Option<String>,
    pub types: Vec<FuncType>,
    pub type_sigs: Vec<SigId>,
    pub imports: Vec<Import>,
    /// The type index of each function, imported ones first.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    /// Every table's type, imported ones first (likewise memories, globals).
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// The type index of every tag, imported ones first.
    pub tags: Vec<u32>,
    pub num_imported_tags: u32,
    /// Initializers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    /// Initializers of defined tables that have one (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub exports: Vec<Export>,
    pub export_index: HashMap<String, usize>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// Interpreter code of the defined functions: filled by `Module::new`
    /// in eager mode, else by each function's first call ([`Self::compiled`]).
    pub code: Vec<OnceLock<CompiledFunc>>,
    /// The bodies not translated yet, in the lazy modes.
    lazy: Option<LazyBodies>,
    /// Function names from the name section.
    pub func_names: HashMap<u32, String>,
    /// Machine code of the defined functions, under `Strategy::Cranelift`
    /// (the interpreter's `code` then stays empty).
    #[cfg(feature = "cranelift")]
    pub native: Option<Arc<crate::compile::CompiledModule>>,
    /// Under `Strategy::Auto`: the defined functions' budgets and the code
    /// of those that ran hot (see `tierup.rs`). The bodies are then kept in
    /// `lazy` whatever the compilation mode, for the compiler.
    #[cfg(feature = "cranelift")]
    pub tier: Option<crate::tierup::TierTable>,
}

impl Module {
    /// Compiles a module from the binary format or the text format.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = wat::parse_bytes(bytes.as_ref())?;
        Module::from_binary(engine, &bytes)
    }

    /// Compiles a module from the binary format only.
    pub fn from_binary(engine: &Engine, binary: &[u8]) -> Result<Module> {
        #[cfg(feature = "cranelift")]
        if engine.cache().is_some() {
            return Ok(Module { inner: Arc::new(build_cached(engine, binary)?) });
        }
        let inner = ModuleBuilder::new(engine).build(binary, None)?;
        Ok(Module { inner: Arc::new(inner) })
    }

    /// [`Module::from_binary`] for the tier `strategy` rather than the
    /// engine's: modules of both tiers in one store, calling each other.
    /// Not a stable API: it exists to test calls between the tiers until
    /// tier-up chooses the tier per function.
    #[doc(hidden)]
    pub fn from_binary_with_strategy(engine: &Engine, binary: &[u8], strategy: crate::Strategy) -> Result<Module> {
        let mut builder = ModuleBuilder::new(engine);
        builder.strategy = strategy;
        let inner = builder.build(binary, None)?;
        Ok(Module { inner: Arc::new(inner) })
    }

    /// The module's compiled code as bytes that [`Module::deserialize`] loads
    /// again (a *precompiled module*, `.cwasm`), for an engine with the same
    /// strategy and settings on a machine with the same CPU features, under
    /// the same skiff version. Only modules compiled with
    /// `Strategy::Cranelift` serialize.
    #[cfg(feature = "cranelift")]
    pub fn serialize(&self) -> Result<Vec<u8>> {
        match &self.inner.native {
            Some(native) => native.serialize(&self.inner.engine),
            None => bail!("only modules compiled with `Strategy::Cranelift` can be serialized"),
        }
    }

    /// Loads a module from [`Module::serialize`]'s (or
    /// [`Engine::precompile_module`]'s) bytes without compiling it. An
    /// artifact from another skiff version, for other CPU features or with
    /// other engine settings is refused, with what differs.
    ///
    /// # Safety
    /// The bytes must come from `serialize` or `precompile_module`: they hold
    /// machine code that runs as it is, and a forged or altered artifact can
    /// do anything the process can. Never load artifacts from untrusted
    /// sources.
    #[cfg(feature = "cranelift")]
    pub unsafe fn deserialize(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        if engine.config().strategy != crate::Strategy::Cranelift {
            bail!("precompiled modules run only on an engine with `Strategy::Cranelift`");
        }
        let (wasm, artifact) = crate::compile::artifact::deserialize(engine, bytes.as_ref())?;
        let inner = ModuleBuilder::new(engine).build(wasm, Some(artifact))?;
        Ok(Module { inner: Arc::new(inner) })
    }

    /// [`Module::deserialize`] of a file's bytes.
    ///
    /// # Safety
    /// As for [`Module::deserialize`].
    #[cfg(feature = "cranelift")]
    pub unsafe fn deserialize_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        // SAFETY: the caller vouches for the file.
        unsafe { Module::deserialize(engine, bytes) }.with_context(|| format!("failed to load `{}`", path.display()))
    }

    /// Whether `bytes` start like a precompiled module.
    pub fn is_precompiled(bytes: &[u8]) -> bool {
        #[cfg(feature = "cranelift")]
        return bytes.starts_with(crate::compile::artifact::MAGIC);
        #[cfg(not(feature = "cranelift"))]
        return bytes.starts_with(b"\0skiff-cwasm");
    }

    /// Reads and compiles a `.wasm` or `.wat` file.
    pub fn from_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        Module::new(engine, bytes).with_context(|| format!("failed to compile `{}`", path.display()))
    }

    /// Checks that `bytes` is a valid module for `engine` without keeping it.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        Module::from_binary(engine, bytes).map(drop)
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// The module's imports: `(module, name, type)`.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> + '_ {
        self.inner.imports.iter().map(|i| ImportType {
            module: &i.module,
            name: &i.name,
            ty: self.inner.import_extern_type(&i.kind),
        })
    }

    /// The module's exports in declaration order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> + '_ {
        self.inner.exports.iter().map(|e| ExportType { name: &e.name, ty: self.inner.extern_type(e.kind, e.index) })
    }

    pub fn get_export(&self, name: &str) -> Option<ExternType> {
        let e = &self.inner.exports[*self.inner.export_index.get(name)?];
        Some(self.inner.extern_type(e.kind, e.index))
    }

    pub(crate) fn inner(&self) -> &Arc<ModuleInner> {
        &self.inner
    }

    /// A human-readable listing of the interpreter code of defined function
    /// `index` (in the function index space), for tests and debugging.
    /// Translates the function first if it was not yet; `None` if there is
    /// no such function or its translation fails (fully lazy mode only).
    pub fn disassemble(&self, index: u32) -> Option<String> {
        let defined = index.checked_sub(self.inner.num_imported_funcs)?;
        if defined as usize >= self.inner.code.len() {
            return None;
        }
        Some(crate::interp::ir::disassemble(self.inner.compiled(defined).ok()?))
    }
}

/// One import of a module.
#[derive(Clone, Debug)]
pub struct ImportType<'a> {
    module: &'a str,
    name: &'a str,
    ty: ExternType,
}

impl<'a> ImportType<'a> {
    pub fn module(&self) -> &'a str {
        self.module
    }
    pub fn name(&self) -> &'a str {
        self.name
    }
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// One export of a module.
#[derive(Clone, Debug)]
pub struct ExportType<'a> {
    name: &'a str,
    ty: ExternType,
}

impl<'a> ExportType<'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

impl ModuleInner {
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.func_types[func_index as usize] as usize]
    }

    pub fn func_sig(&self, func_index: u32) -> SigId {
        self.type_sigs[self.func_types[func_index as usize] as usize]
    }

    /// The code of defined function `defined` (0 is the first non-imported
    /// one), translated now if this is its first use. Two threads may
    /// translate the same function at once; the first result published wins
    /// and the other is dropped. A failure is not cached: it can only happen
    /// in fully lazy mode, and every call reports it again.
    #[cold]
    pub fn compiled(&self, defined: u32) -> Result<&CompiledFunc> {
        let slot = &self.code[defined as usize];
        if let Some(code) = slot.get() {
            return Ok(code);
        }
        let Some(lazy) = &self.lazy else {
            bail!("function {} was never translated", self.num_imported_funcs + defined);
        };
        let compiled = lazy.translate(self, defined)?;
        Ok(slot.get_or_init(|| compiled))
    }

    /// What the translator needs to know about this module.
    pub(crate) fn translation_env(&self) -> ModuleEnv<'_> {
        ModuleEnv {
            types: &self.types,
            globals: &self.globals,
            type_sigs: &self.type_sigs,
            func_types: &self.func_types,
            tag_types: &self.tags,
            num_imported_funcs: self.num_imported_funcs,
            memories: &self.memories,
            tables: &self.tables,
            fuel: self.engine.config().consume_fuel,
            interruptible: self.engine.config().epoch_interruption,
            window_cells: self.engine.config().frame_window_cells.map(|cells| cells as usize),
            tier_up: self.tiers_up(),
        }
    }

    /// Whether the interpreter counts this module's functions for tier-up.
    pub fn tiers_up(&self) -> bool {
        #[cfg(feature = "cranelift")]
        return self.tier.is_some();
        #[cfg(not(feature = "cranelift"))]
        false
    }

    /// The body of defined function `defined`, if the module keeps bodies
    /// (the lazy modes, and tier-up).
    #[cfg(feature = "cranelift")]
    pub fn body(&self, defined: u32) -> Option<wasmparser::FunctionBody<'_>> {
        self.lazy.as_ref().map(|lazy| lazy.body(defined))
    }

    fn import_extern_type(&self, kind: &ImportKind) -> ExternType {
        match kind {
            ImportKind::Func(ty) => ExternType::Func(self.types[*ty as usize].clone()),
            ImportKind::Table(t) => ExternType::Table(t.clone()),
            ImportKind::Memory(m) => ExternType::Memory(m.clone()),
            ImportKind::Global(g) => ExternType::Global(g.clone()),
            ImportKind::Tag(ty) => ExternType::Tag(self.tag_type_of(*ty)),
        }
    }

    /// The tag type of module type index `ty`.
    pub fn tag_type_of(&self, ty: u32) -> TagType {
        TagType::new(self.types[ty as usize].clone())
    }

    fn extern_type(&self, kind: ExportKind, index: u32) -> ExternType {
        let i = index as usize;
        match kind {
            ExportKind::Func => ExternType::Func(self.func_type(index).clone()),
            ExportKind::Table => ExternType::Table(self.tables[i].clone()),
            ExportKind::Memory => ExternType::Memory(self.memories[i].clone()),
            ExportKind::Global => ExternType::Global(self.globals[i].clone()),
            ExportKind::Tag => ExternType::Tag(self.tag_type_of(self.tags[i])),
        }
    }
}

/// The size from which a module's load looks for a cache entry that spares
/// validating it (see `build_cached`).
#[cfg(feature = "cranelift")]
const TRUST_PROBE_MIN_BYTES: usize = 1 << 20;

/// [`ModuleBuilder::build`] with the engine's on-disk cache: under
/// `Strategy::Cranelift` the module's code comes from it, or goes to it
/// once compiled; under `Strategy::Auto` the module's digest is kept, and
/// tier-up loads the functions that ran hot in earlier processes when the
/// first one runs hot or is first called from the interpreter here (and
/// writes them back, see `tierup.rs`).
#[cfg(feature = "cranelift")]
fn build_cached(engine: &Engine, binary: &[u8]) -> Result<ModuleInner> {
    use crate::compile::{artifact, cache};
    let cache = engine.cache().expect("an engine with a cache");
    if engine.config().strategy != crate::Strategy::Cranelift {
        // A tier-up entry for this binary whose writer validated every
        // function: this load need not validate them again (as the module
        // kind below, and as Wasmtime trusts its cache). They are then
        // validated when first translated, as in `CompilationMode::Lazy`.
        // Yosys's 46,473 functions took a third of a warm run. Only for
        // modules of a megabyte or more: the entry's key needs the
        // compiler's description of the host, and building that at load
        // (and with it the engine's trampolines for the imports, at
        // instantiation) took 2.3 ms of a 3 ms hello world, while
        // validating takes about 5 ms per megabyte.
        let digest = cache::digest(binary);
        let mode = engine.config().compilation_mode;
        let probe = mode == CompilationMode::LazyTranslation && binary.len() >= TRUST_PROBE_MIN_BYTES;
        let entry = match probe.then(|| cache::Key::of_digest(engine, cache::Kind::Tiered, &digest)) {
            Some(Ok(key)) => cache.get(&key),
            _ => None,
        };
        let mut builder = ModuleBuilder::new(engine);
        builder.trust_bodies = entry.as_deref().is_some_and(artifact::tiered_validated);
        let mut inner = builder.build(binary, None)?;
        if let Some(table) = &mut inner.tier {
            table.set_cache_entry(digest, mode != CompilationMode::Lazy, entry);
        }
        return Ok(inner);
    }
    let key = cache::Key::new(engine, cache::Kind::Module, binary)?;
    if let Some(body) = cache.get(&key) {
        // The entry's key is this binary's hash: it was validated when the
        // code was compiled, and its bodies need not be again.
        match artifact::deserialize(engine, &body)
            .and_then(|(_, code)| ModuleBuilder::new(engine).build(binary, Some(code)))
        {
            Ok(inner) => return Ok(inner),
            Err(error) => cache.reject(&key, &format!("{error:#}")),
        }
    }
    let inner = ModuleBuilder::new(engine).build(binary, None)?;
    if let Some(native) = &inner.native {
        match native.cache_body(engine) {
            Ok(body) => cache.put(&key, &body),
            Err(error) => eprintln!("warning: compiled code will not be cached: {error:#}"),
        }
    }
    Ok(inner)
}

impl Drop for ModuleInner {
    fn drop(&mut self) {
        // Tier-up's compiled functions go to the cache when the module is
        // done with: by then, the ones that ran hot are known.
        #[cfg(feature = "cranelift")]
        if let Some(table) = &self.tier {
            table.save_cached(&self.engine, true);
        }
    }
}

/// Builds a [`ModuleInner`] from the payloads of one binary.
struct ModuleBuilder {
    module: ModuleInner,
    /// The tier the module's code is prepared for.
    strategy: crate::Strategy,
    allocs: FuncValidatorAllocations,
    next_defined_func: u32,
    /// The code section's range in the binary.
    code_section: std::ops::Range<usize>,
    binary_len: usize,
    /// Whether the bodies were validated by an earlier process (see
    /// `build_cached`): then each waits for its first call, as in
    /// `CompilationMode::Lazy`.
    trust_bodies: bool,
}

impl ModuleBuilder {
    fn new(engine: &Engine) -> ModuleBuilder {
        ModuleBuilder {
            strategy: engine.config().strategy,
            module: ModuleInner {
                engine: engine.clone(),
                name: None,
                types: Vec::new(),
                type_sigs: Vec::new(),
                imports: Vec::new(),
                func_types: Vec::new(),
                num_imported_funcs: 0,
                tables: Vec::new(),
                num_imported_tables: 0,
                memories: Vec::new(),
                num_imported_memories: 0,
                globals: Vec::new(),
                num_imported_globals: 0,
                tags: Vec::new(),
                num_imported_tags: 0,
                global_inits: Vec::new(),
                table_inits: Vec::new(),
                exports: Vec::new(),
                export_index: HashMap::new(),
                start: None,
                elems: Vec::new(),
                datas: Vec::new(),
                code: Vec::new(),
                lazy: None,
                func_names: HashMap::new(),
                #[cfg(feature = "cranelift")]
                native: None,
                #[cfg(feature = "cranelift")]
                tier: None,
            },
            allocs: FuncValidatorAllocations::default(),
            next_defined_func: 0,
            code_section: 0..0,
            binary_len: 0,
            trust_bodies: false,
        }
    }

    /// Decodes and validates `binary` and prepares its code: compiled now
    /// under `Strategy::Cranelift` (or loaded from `precompiled`, whose
    /// bodies are then not validated again), else for the interpreter.
    fn build(
        mut self,
        binary: &[u8],
        #[cfg(feature = "cranelift")] precompiled: Option<crate::compile::artifact::Artifact>,
        #[cfg(not(feature = "cranelift"))] precompiled: Option<std::convert::Infallible>,
    ) -> Result<ModuleInner> {
        let features = self.module.engine.features();
        let mode = self.module.engine.config().compilation_mode;
        let compiled = self.strategy == crate::Strategy::Cranelift;
        // The bodies to compile, validated, under `Strategy::Cranelift`.
        let mut bodies = Vec::new();
        self.binary_len = binary.len();
        let mut validator = Validator::new_with_features(features);
        let mut parser = Parser::new(0);
        // The parser decodes some encodings (e.g. memory limits) by feature.
        parser.set_features(features);
        for payload in parser.parse_all(binary) {
            let payload = payload?;
            match validator.payload(&payload)? {
                ValidPayload::Func(_, _) if precompiled.is_some() => {
                    self.module.code.push(OnceLock::new());
                    continue;
                }
                ValidPayload::Func(to_validate, body) if compiled => {
                    let mut func_validator = to_validate.into_validator(std::mem::take(&mut self.allocs));
                    func_validator.validate(&body)?;
                    self.allocs = func_validator.into_allocations();
                    self.module.code.push(OnceLock::new());
                    bodies.push(body);
                    continue;
                }
                ValidPayload::Func(to_validate, body) => {
                    match mode {
                        CompilationMode::Eager => {
                            let mut func_validator = to_validate.into_validator(std::mem::take(&mut self.allocs));
                            func_validator.validate(&body)?;
                            self.allocs = func_validator.into_allocations();
                            if self.module.tiers_up() {
                                self.keep_body(binary, &body, None)?;
                            }
                            self.translate_body(&body)?;
                        }
                        CompilationMode::LazyTranslation if !self.trust_bodies => {
                            self.validate_supported(to_validate, &body)?;
                            self.defer_body(binary, &body, None)?;
                        }
                        CompilationMode::LazyTranslation | CompilationMode::Lazy => {
                            self.defer_body(binary, &body, Some(to_validate))?
                        }
                    }
                    continue;
                }
                ValidPayload::Parser(_) => bail!("nested modules and components are not supported"),
                ValidPayload::Ok | ValidPayload::End(_) => {}
            }
            self.read_payload(payload)?;
        }
        if compiled {
            #[cfg(feature = "cranelift")]
            {
                let native = match precompiled {
                    Some(artifact) => crate::compile::load(&self.module, artifact, binary.to_vec())?,
                    None => crate::compile::compile_module(&self.module, &bodies, binary)?,
                };
                self.module.native = Some(Arc::new(native));
            }
        }
        drop(bodies);
        Ok(self.module)
    }

    fn read_payload(&mut self, payload: Payload<'_>) -> Result<()> {
        let m = &mut self.module;
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = FuncType::from_wasmparser(&ty?, &m.types)?;
                    m.type_sigs.push(m.engine.intern_sig(&ty));
                    m.types.push(ty);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let kind = match import.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                            m.func_types.push(ty);
                            m.num_imported_funcs += 1;
                            ImportKind::Func(ty)
                        }
                        TypeRef::Table(ty) => {
                            let ty = TableType::from_wasmparser(&ty, &m.types)?;
                            m.tables.push(ty.clone());
                            m.num_imported_tables += 1;
                            ImportKind::Table(ty)
                        }
                        TypeRef::Memory(ty) => {
                            let ty = MemoryType::from_wasmparser(&ty)?;
                            m.memories.push(ty.clone());
                            m.num_imported_memories += 1;
                            ImportKind::Memory(ty)
                        }
                        TypeRef::Global(ty) => {
                            let ty = global_type(&ty, &m.types)?;
                            m.globals.push(ty.clone());
                            m.num_imported_globals += 1;
                            ImportKind::Global(ty)
                        }
                        TypeRef::Tag(ty) => {
                            m.tags.push(ty.func_type_idx);
                            m.num_imported_tags += 1;
                            ImportKind::Tag(ty.func_type_idx)
                        }
                    };
                    m.imports.push(Import { module: import.module.into(), name: import.name.into(), kind });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    m.func_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    m.tables.push(TableType::from_wasmparser(&table.ty, &m.types)?);
                    m.table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(expr) => Some(ConstExpr::parse(&expr)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    m.memories.push(MemoryType::from_wasmparser(&memory?)?);
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader {
                    m.tags.push(tag?.func_type_idx);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    m.globals.push(global_type(&global.ty, &m.types)?);
                    m.global_inits.push(ConstExpr::parse(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let kind = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
                        ExternalKind::Table => ExportKind::Table,
                        ExternalKind::Memory => ExportKind::Memory,
                        ExternalKind::Global => ExportKind::Global,
                        ExternalKind::Tag => ExportKind::Tag,
                    };
                    m.export_index.insert(export.name.to_string(), m.exports.len());
                    m.exports.push(Export { name: export.name.into(), kind, index: export.index });
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::CodeSectionStart { unchecked_range, .. } => {
                // The parser does not check the range against the input.
                let len = self.binary_len as u64;
                self.code_section = unchecked_range.start.min(len) as usize..unchecked_range.end.min(len) as usize;
                // Tier-up counts from the first translation on.
                #[cfg(feature = "cranelift")]
                if self.strategy == crate::Strategy::Auto && crate::compile::supported() {
                    let defined = m.func_types.len() - m.num_imported_funcs as usize;
                    m.tier = Some(crate::tierup::TierTable::new(defined, m.engine.config()));
                }
            }
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem?;
                    let mode = match elem.kind {
                        ElementKind::Passive => SegmentMode::Passive,
                        ElementKind::Declared => SegmentMode::Declared,
                        ElementKind::Active { table_index, offset_expr } => SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: ConstExpr::parse(&offset_expr)?,
                        },
                    };
                    let items = match elem.items {
                        ElementItems::Functions(funcs) => {
                            funcs.into_iter().map(|f| Ok(ConstExpr::ref_func(f?))).collect::<Result<Vec<_>>>()?
                        }
                        ElementItems::Expressions(ty, exprs) => {
                            RefType::from_wasmparser(ty, &m.types)?;
                            exprs.into_iter().map(|e| ConstExpr::parse(&e?)).collect::<Result<Vec<_>>>()?
                        }
                    };
                    m.elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let mode = match data.kind {
                        DataKind::Passive => SegmentMode::Passive,
                        DataKind::Active { memory_index, offset_expr } => {
                            SegmentMode::Active { index: memory_index, offset: ConstExpr::parse(&offset_expr)? }
                        }
                    };
                    m.datas.push(DataSegment { mode, bytes: data.data.into() });
                }
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(names) = reader.as_known() {
                    // A malformed name section is ignored, as the spec asks of
                    // custom sections.
                    let _ = read_names(m, names);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn translate_body(&mut self, body: &wasmparser::FunctionBody<'_>) -> Result<()> {
        let func_index = self.module.num_imported_funcs + self.next_defined_func;
        self.next_defined_func += 1;
        let env = self.module.translation_env();
        let compiled = FuncTranslator::new(&env).translate(func_index, body)?;
        self.module.code.push(OnceLock::from(compiled));
        Ok(())
    }

    /// Validates a body and checks, as translating it would, that it uses
    /// only what the translator implements (`translate::SupportCheck`).
    /// Validation errors come first, as in eager mode, which validates a
    /// whole body before translating it.
    fn validate_supported(
        &mut self,
        to_validate: FuncToValidate<ValidatorResources>,
        body: &wasmparser::FunctionBody<'_>,
    ) -> Result<()> {
        let mut check = SupportCheck::new();
        let mut validator = to_validate.into_validator(std::mem::take(&mut self.allocs));
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, ty) = locals.read()?;
            validator.define_locals(offset, count, ty)?;
        }
        let mut reader = locals.get_binary_reader();
        reader.set_features(self.module.engine.features());
        while !reader.eof() {
            let offset = reader.original_position();
            let inner = validator.visitor(offset);
            reader.visit_operator(&mut CheckingVisitor { inner, check: &mut check, offset: offset as usize })??;
        }
        reader.finish_expression(&validator.visitor(reader.original_position()))?;
        self.allocs = validator.into_allocations();
        check.finish()
    }

    /// Keeps a body in `lazy`: for translation on first call, or (translated
    /// already) for tier-up's compiler.
    fn keep_body(
        &mut self,
        binary: &[u8],
        body: &wasmparser::FunctionBody<'_>,
        to_validate: Option<FuncToValidate<ValidatorResources>>,
    ) -> Result<()> {
        let features = self.module.engine.features();
        let lazy = self.module.lazy.get_or_insert_with(|| LazyBodies::new(binary, self.code_section.clone(), features));
        lazy.push(body, to_validate)
    }

    /// Keeps a body for translation on first call.
    fn defer_body(
        &mut self,
        binary: &[u8],
        body: &wasmparser::FunctionBody<'_>,
        to_validate: Option<FuncToValidate<ValidatorResources>>,
    ) -> Result<()> {
        self.next_defined_func += 1;
        self.keep_body(binary, body, to_validate)?;
        self.module.code.push(OnceLock::new());
        Ok(())
    }
}

fn global_type(ty: &wasmparser::GlobalType, types: &[FuncType]) -> Result<GlobalType> {
    if ty.shared {
        bail!("shared globals (threads) are not supported yet");
    }
    let content = ValType::from_wasmparser(ty.content_type, types)?;
    Ok(GlobalType::new(content, if ty.mutable { Mutability::Var } else { Mutability::Const }))
}

fn read_names(m: &mut ModuleInner, names: wasmparser::NameSectionReader<'_>) -> Result<()> {
    for name in names {
        match name? {
            Name::Module { name, .. } => m.name = Some(name.to_string()),
            Name::Function(map) => {
                for naming in map {
                    let naming = naming?;
                    m.func_names.insert(naming.index, naming.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(())
}
