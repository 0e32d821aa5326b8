//! [`Linker`]: resolves a module's imports by name and instantiates it.

use crate::externals::Extern;
use crate::func::{Caller, Func, IntoFunc};
use crate::instance::Instance;
use crate::store::{AsContext, AsContextMut, HostFuncFn};
use crate::types::FuncType;
use crate::values::Val;
use crate::{Engine, Module};
use anyhow::{Result, bail};
use std::collections::HashMap;

enum Definition<T> {
    Extern(Extern),
    /// A host function not yet placed in any store; each store that
    /// instantiates with it gets its own `Func`.
    HostFunc(FuncType, HostFuncFn<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc(ty, f) => Definition::HostFunc(ty.clone(), f.clone()),
        }
    }
}

/// Named definitions (`module`, `name`) used to satisfy imports.
pub struct Linker<T> {
    engine: Engine,
    definitions: HashMap<(String, String), Definition<T>>,
    allow_shadowing: bool,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            definitions: self.definitions.clone(),
            allow_shadowing: self.allow_shadowing,
        }
    }
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker { engine: engine.clone(), definitions: HashMap::new(), allow_shadowing: false }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same name.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Linker<T> {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Linker<T>> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.definitions.contains_key(&key) {
            bail!("import of `{module}::{name}` defined twice");
        }
        self.definitions.insert(key, def);
        Ok(self)
    }

    /// Defines `module::name` as an existing item of `store`.
    pub fn define(
        &mut self,
        _store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Linker<T>> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines `module::name` as a host function from a Rust closure.
    pub fn func_wrap<Params, Args>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Args>,
    ) -> Result<&mut Linker<T>> {
        let (ty, host) = func.into_host();
        self.insert(module, name, Definition::HostFunc(ty, host))
    }

    /// Defines `module::name` as a host function with a dynamic signature.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Linker<T>> {
        let host = crate::func::dynamic_host(&ty, func);
        self.insert(module, name, Definition::HostFunc(ty, host))
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Linker<T>> {
        for (name, ext) in instance.exports(&mut store) {
            self.insert(module, &name, Definition::Extern(ext))?;
        }
        Ok(self)
    }

    /// Instantiates `module` and defines its exports under the name `name`.
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
        module: &Module,
    ) -> Result<&mut Linker<T>> {
        let instance = self.instantiate(&mut store, module)?;
        self.instance(store, name, instance)
    }

    /// The definition of `module::name` as an item of `store`.
    pub fn get(&self, mut store: impl AsContextMut<Data = T>, module: &str, name: &str) -> Option<Extern> {
        let def = self.definitions.get(&(module.to_string(), name.to_string()))?;
        Some(self.materialize(&mut store, def))
    }

    fn materialize(&self, store: &mut impl AsContextMut<Data = T>, def: &Definition<T>) -> Extern {
        match def {
            Definition::Extern(e) => *e,
            Definition::HostFunc(ty, host) => {
                Extern::Func(Func::from_host(store.as_context_mut().0, ty.clone(), host.clone()))
            }
        }
    }

    /// Resolves `module`'s imports from this linker and instantiates it.
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>, module: &Module) -> Result<Instance> {
        let mut imports = Vec::with_capacity(module.imports().len());
        for import in module.imports() {
            let key = (import.module().to_string(), import.name().to_string());
            let Some(def) = self.definitions.get(&key) else {
                bail!(
                    "unknown import: `{}::{}` has not been defined (a {} is expected)",
                    import.module(),
                    import.name(),
                    import.ty().kind_name()
                );
            };
            imports.push(self.materialize(&mut store, def));
        }
        Instance::new(store, module, &imports)
    }
}
