//! [`Instance`]: a module instantiated in a store, and instantiation itself
//! (import checks, allocation, segment initialization, the start function).

use crate::exception::{Tag, TagEntity};
use crate::externals::{Extern, Global, Memory, Table};
use crate::func::{Func, TypedFunc, WasmParams, WasmResults};
use crate::module::{ExportKind, ImportKind, SegmentMode};
use crate::runtime::memory::LinearMemory;
use crate::runtime::vmcontext::{VMContext, VMFuncRef};
use crate::store::{
    AsContext, AsContextMut, FuncEntity, GlobalEntity, InstanceEntity, StoreId, StoreInner, StoreOpaque, TableEntity,
};
use crate::trap::Trap;
use crate::types::{ExternType, Mutability, limits_match};
use crate::{Engine, Module};
use anyhow::{Context, Result, bail};
use std::sync::Arc;

/// An instantiated module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    store: StoreId,
    index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import order.
    pub fn new(mut store: impl AsContextMut, module: &Module, imports: &[Extern]) -> Result<Instance> {
        instantiate(store.as_context_mut().0, module, imports)
    }

    fn check<T>(&self, store: &StoreInner<T>) {
        assert_eq!(store.opaque.id(), self.store, "instance used with the wrong store");
    }

    /// The export called `name`.
    pub fn get_export(&self, mut store: impl AsContextMut, name: &str) -> Option<Extern> {
        let store = store.as_context_mut().0;
        self.check(store);
        instance_export(&store.opaque, self.index, name)
    }

    /// All exports, in the module's order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        let store = store.as_context().0;
        self.check(store);
        let instance = &store.opaque.instances[self.index as usize];
        let module = instance.module.inner().clone();
        module
            .exports
            .iter()
            .filter_map(|e| Some((e.name.clone(), instance_export(&store.opaque, self.index, &e.name)?)))
            .collect()
    }

    pub fn get_func(&self, store: impl AsContextMut, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    pub fn get_memory(&self, store: impl AsContextMut, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    pub fn get_table(&self, store: impl AsContextMut, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    pub fn get_global(&self, store: impl AsContextMut, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    pub fn get_tag(&self, store: impl AsContextMut, name: &str) -> Option<Tag> {
        self.get_export(store, name)?.into_tag()
    }

    /// The exported function `name` with a static signature.
    pub fn get_typed_func<Params: WasmParams, Results: WasmResults>(
        &self,
        mut store: impl AsContextMut,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>> {
        let func =
            self.get_func(&mut store, name).with_context(|| format!("failed to find function export `{name}`"))?;
        func.typed(&store).with_context(|| format!("failed to convert function `{name}` to the given type"))
    }
}

/// The export `name` of store instance `instance`.
pub(crate) fn instance_export(store: &StoreOpaque, instance: u32, name: &str) -> Option<Extern> {
    let entity = &store.instances[instance as usize];
    let module = entity.module.inner();
    let export = &module.exports[*module.export_index.get(name)?];
    let i = export.index as usize;
    let id = store.id();
    Some(match export.kind {
        ExportKind::Func => Extern::Func(Func::from_index(id, entity.funcs[i])),
        ExportKind::Table => Extern::Table(Table::from_index(id, entity.tables[i])),
        ExportKind::Memory => Extern::Memory(Memory::from_index(id, entity.memories[i])),
        ExportKind::Global => Extern::Global(Global::from_index(id, entity.globals[i])),
        ExportKind::Tag => Extern::Tag(Tag::from_index(id, entity.tags[i])),
    })
}

fn check_engine(a: &Engine, b: &Engine) -> Result<()> {
    if !Engine::same(a, b) {
        bail!("cross-engine instantiation is not supported: the module and the store use different engines");
    }
    Ok(())
}

fn instantiate<T>(store: &mut StoreInner<T>, module: &Module, imports: &[Extern]) -> Result<Instance> {
    let m = module.inner().clone();
    check_engine(&m.engine, store.opaque.engine())?;
    if imports.len() != m.imports.len() {
        bail!("expected {} imports, found {}", m.imports.len(), imports.len());
    }
    let id = store.opaque.id();
    let index = store.opaque.instances.len() as u32;
    let mut entity = InstanceEntity {
        module: module.clone(),
        funcs: Vec::with_capacity(m.func_types.len()),
        tables: Vec::with_capacity(m.tables.len()),
        memories: Vec::with_capacity(m.memories.len()),
        globals: Vec::with_capacity(m.globals.len()),
        tags: Vec::with_capacity(m.tags.len()),
        elems: Vec::new(),
        datas: Vec::new(),
        vmctx: VMContext::default(),
    };

    for (import, ext) in m.imports.iter().zip(imports) {
        let desc = || format!("`{}::{}`", import.module, import.name);
        let actual = extern_store(ext);
        if actual != id {
            bail!("import {} comes from a different store", desc());
        }
        let actual_ty = ext.ty(crate::store::StoreContext(store));
        let expected = match &import.kind {
            ImportKind::Func(ty) => ExternType::Func(m.types[*ty as usize].clone()),
            ImportKind::Table(t) => ExternType::Table(t.clone()),
            ImportKind::Memory(mem) => ExternType::Memory(mem.clone()),
            ImportKind::Global(g) => ExternType::Global(g.clone()),
            ImportKind::Tag(ty) => ExternType::Tag(m.tag_type_of(*ty)),
        };
        if !import_matches(&actual_ty, &expected, ext, &store.opaque) {
            bail!(
                "incompatible import type for {}: expected {} {}, found {} {}",
                desc(),
                expected.kind_name(),
                describe(&expected),
                actual_ty.kind_name(),
                describe(&actual_ty)
            );
        }
        match ext {
            Extern::Func(f) => entity.funcs.push(f.index()),
            Extern::Table(t) => entity.tables.push(t.index()),
            Extern::Memory(mem) => entity.memories.push(mem.index()),
            Extern::Global(g) => entity.globals.push(g.index()),
            Extern::Tag(t) => entity.tags.push(t.index()),
        }
    }

    // The store's limiter sees the initial sizes too, as growth from zero:
    // an embedder's cap holds from the first byte, as in Wasmtime.
    for (i, ty) in m.memories.iter().enumerate().skip(m.num_imported_memories as usize) {
        let bytes = |pages: u64| usize::try_from(pages.saturating_mul(ty.page_size())).unwrap_or(usize::MAX);
        let initial = bytes(ty.minimum());
        if !store.memory_may_grow(0, initial, ty.maximum().map(bytes))? {
            bail!("memory {i} of {initial} bytes exceeds the store's memory limit");
        }
    }
    for (i, ty) in m.tables.iter().enumerate().skip(m.num_imported_tables as usize) {
        let initial = usize::try_from(ty.minimum()).unwrap_or(usize::MAX);
        let max = ty.maximum().map(|max| usize::try_from(max).unwrap_or(usize::MAX));
        if !store.table_may_grow(0, initial, max)? {
            bail!("table {i} of {initial} elements exceeds the store's table limit");
        }
    }

    let opaque = &mut store.opaque;
    // Compiled code calls every function through its compiled entry: the
    // store's functions made before this engine compiled anything (host
    // functions, interpreted wasm functions, which compiled code may reach
    // through imports and tables) get theirs now.
    #[cfg(feature = "cranelift")]
    if m.native.is_some() {
        opaque.fill_compiled_entries()?;
    }
    for (i, code) in m.code.iter().enumerate() {
        let func_index = m.num_imported_funcs + i as u32;
        let sig = m.func_sig(func_index);
        // An interpreted function's compiled entry is the host-call
        // trampoline of its signature, which finds it by its store index
        // where a compiled function has its instance's context.
        let store_index = opaque.funcs.len() as u32;
        let func_ref = VMFuncRef {
            code: (code as *const std::sync::OnceLock<crate::interp::translate::CompiledFunc>).cast(),
            vmctx: std::ptr::without_provenance(store_index as usize),
            sig,
            instance: index,
            wasm_call: opaque.engine().host_call_entry(sig)?,
            array_call: std::ptr::null(),
        };
        #[cfg(feature = "cranelift")]
        let func_ref = match &m.native {
            Some(native) => VMFuncRef {
                code: std::ptr::null(),
                // The context comes later, once the instance's definitions exist.
                vmctx: std::ptr::null(),
                wasm_call: native.func(i as u32),
                array_call: native.array_call(m.func_types[func_index as usize]),
                ..func_ref
            },
            None => func_ref,
        };
        entity.funcs.push(opaque.push_func(FuncEntity::Wasm { index: func_index, module: m.clone() }, func_ref));
    }
    for (i, ty) in m.tags.iter().enumerate().skip(m.num_imported_tags as usize) {
        entity.tags.push(opaque.tags.len() as u32);
        opaque.tags.push(TagEntity { ty: m.tag_type_of(*ty), origin: Some((m.name.clone(), i as u32)) });
    }
    let func_ref = |f: u32| u64::from(entity.funcs[f as usize]) + 1;

    for (i, ty) in m.memories.iter().enumerate().skip(m.num_imported_memories as usize) {
        let memory = LinearMemory::new(ty.clone()).with_context(|| format!("failed to allocate memory {i}"))?;
        entity.memories.push(opaque.memories.len() as u32);
        opaque.memories.push(memory);
    }

    // Globals before tables: table initializers may read globals.
    for (i, init) in m.global_inits.iter().enumerate() {
        let ty = m.globals[m.num_imported_globals as usize + i].clone();
        let value = init.eval(|g| opaque.globals[entity.globals[g as usize] as usize].bits(), func_ref);
        entity.globals.push(opaque.globals.len() as u32);
        opaque.globals.push(GlobalEntity::new(ty, value));
    }
    let global_value = |g: u32| opaque.globals[entity.globals[g as usize] as usize].bits();

    let mut new_tables = Vec::new();
    for (i, ty) in m.tables.iter().enumerate().skip(m.num_imported_tables as usize) {
        let init = m.table_inits[i - m.num_imported_tables as usize]
            .as_ref()
            .map_or(0, |e| e.eval_cell(global_value, func_ref));
        if ty.minimum() > crate::store::MAX_TABLE_ELEMENTS {
            bail!("table {i} minimum size of {} entries is too large", ty.minimum());
        }
        new_tables.push(TableEntity::new(ty.clone(), ty.minimum() as usize, init));
    }

    let elems: Vec<Arc<[u64]>> = m
        .elems
        .iter()
        .map(|seg| seg.items.iter().map(|item| item.eval_cell(global_value, func_ref)).collect())
        .collect();
    // Where each active segment goes: (table or memory index, offset).
    let active = |mode: &SegmentMode| match mode {
        SegmentMode::Active { index, offset } => Some((*index, offset.eval_cell(global_value, func_ref))),
        _ => None,
    };
    let elem_offsets: Vec<Option<(u32, u64)>> = m.elems.iter().map(|seg| active(&seg.mode)).collect();
    let data_offsets: Vec<Option<(u32, u64)>> = m.datas.iter().map(|seg| active(&seg.mode)).collect();

    for table in new_tables {
        entity.tables.push(opaque.tables.len() as u32);
        opaque.tables.push(table);
    }
    entity.elems = elems;
    entity.datas = m.datas.iter().map(|d| d.bytes.clone()).collect();
    entity.vmctx = VMContext::new(
        opaque.vm_context(),
        index,
        entity.funcs.get(m.num_imported_funcs as usize).copied().unwrap_or(0),
        entity.memories.iter().map(|&i| opaque.memories[i as usize].definition()),
        entity.tables.iter().map(|&i| opaque.tables[i as usize].definition()),
        entity.globals.iter().map(|&i| opaque.globals[i as usize].definition()),
        entity.funcs[..m.num_imported_funcs as usize].iter().copied(),
        crate::runtime::vmcontext::VMOffsets::for_module(&m).calls(),
    );
    let defined = entity
        .funcs
        .get(m.num_imported_funcs as usize)
        .map_or(0..0, |&first| first..first + (entity.funcs.len() - m.num_imported_funcs as usize) as u32);
    opaque.instances.push(entity);
    opaque.set_func_context(index, defined);
    let instance = Instance { store: id, index };

    // Active and declared segments are dropped once applied; failures trap
    // after the segments before them took effect, as the spec says.
    for (i, seg) in m.elems.iter().enumerate() {
        let entity = &opaque.instances[index as usize];
        if let Some((table, offset)) = elem_offsets[i] {
            let t = entity.tables[table as usize] as usize;
            let items = entity.elems[i].clone();
            let elems = opaque.tables[t].elems_mut();
            let end = offset.checked_add(items.len() as u64).filter(|end| *end <= elems.len() as u64);
            let Some(end) = end else { return Err(Trap::TableOutOfBounds.into()) };
            elems[offset as usize..end as usize].copy_from_slice(&items);
        }
        if !matches!(seg.mode, SegmentMode::Passive) {
            opaque.instances[index as usize].elems[i] = Default::default();
        }
    }
    for (i, target) in data_offsets.iter().enumerate() {
        if let Some((memory, offset)) = *target {
            let entity = &opaque.instances[index as usize];
            let mem = entity.memories[memory as usize] as usize;
            let bytes = entity.datas[i].clone();
            let data = opaque.memories[mem].data_mut();
            let end = offset.checked_add(bytes.len() as u64).filter(|end| *end <= data.len() as u64);
            let Some(end) = end else { return Err(Trap::MemoryOutOfBounds.into()) };
            data[offset as usize..end as usize].copy_from_slice(&bytes);
            opaque.instances[index as usize].datas[i] = Default::default();
        }
    }

    if let Some(start) = m.start {
        let func = opaque.instances[index as usize].funcs[start as usize];
        crate::func::call_raw(store, func, &mut [])?;
    }
    Ok(instance)
}

fn extern_store(ext: &Extern) -> StoreId {
    match ext {
        Extern::Func(f) => f.store_id(),
        Extern::Table(t) => t.store_id(),
        Extern::Memory(m) => m.store_id(),
        Extern::Global(g) => g.store_id(),
        Extern::Tag(t) => t.store_id(),
    }
}

/// Whether an extern of type `actual` satisfies an import of type `expected`.
/// Tables and memories are matched with their current sizes, as the spec's
/// external typing does.
fn import_matches(actual: &ExternType, expected: &ExternType, ext: &Extern, store: &StoreOpaque) -> bool {
    match (actual, expected) {
        (ExternType::Func(a), ExternType::Func(e)) => a == e,
        // An immutable global may be more specific than the import asks
        // (a `(ref $t)` for a `funcref`); a mutable one is read and written
        // through the import, so its type must be exactly the same.
        (ExternType::Global(a), ExternType::Global(e)) => {
            a.mutability() == e.mutability()
                && match a.mutability() {
                    Mutability::Const => a.content().matches(e.content()),
                    Mutability::Var => a.content() == e.content(),
                }
        }
        // Tags match when their types are equal (tag types are invariant).
        (ExternType::Tag(a), ExternType::Tag(e)) => a == e,
        (ExternType::Table(a), ExternType::Table(e)) => {
            let size = match ext {
                Extern::Table(t) => store.tables[t.index() as usize].len() as u64,
                _ => a.minimum(),
            };
            a.element() == e.element()
                && a.is_64() == e.is_64()
                && limits_match(size, a.maximum(), e.minimum(), e.maximum())
        }
        (ExternType::Memory(a), ExternType::Memory(e)) => {
            let pages = match ext {
                Extern::Memory(m) => store.memories[m.index() as usize].pages(),
                _ => a.minimum(),
            };
            a.is_64() == e.is_64()
                && a.is_shared() == e.is_shared()
                && a.page_size() == e.page_size()
                && limits_match(pages, a.maximum(), e.minimum(), e.maximum())
        }
        _ => false,
    }
}

fn describe(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(f) => f.to_string(),
        ExternType::Global(g) => format!("{:?} {}", g.mutability(), g.content()),
        ExternType::Table(t) => format!("{} {}..{:?}", t.element(), t.minimum(), t.maximum()),
        ExternType::Memory(m) => format!("{}..{:?} pages", m.minimum(), m.maximum()),
        ExternType::Tag(t) => t.ty().to_string(),
    }
}
