//! Functions: [`Func`] handles, statically typed [`TypedFunc`]s, host
//! functions made from Rust closures ([`Func::wrap`], [`Func::new`]) and the
//! [`Caller`] a host function receives.

use crate::exception::{ExnRef, ThrownException};
use crate::externals::Extern;
use crate::runtime::vmcontext::VMFuncRef;
use crate::store::{AsContext, AsContextMut, FuncEntity, StoreContext, StoreContextMut, StoreDyn, StoreId, StoreInner};
use crate::types::{FuncType, ValType};
use crate::values::{ExternRef, V128, Val};
use crate::{Engine, interp};
use anyhow::{Result, bail};
use std::marker::PhantomData;
use std::sync::Arc;

/// A WebAssembly function (defined by a module or by the host) in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    store: StoreId,
    index: u32,
}

impl Func {
    pub(crate) fn from_index(store: StoreId, index: u32) -> Func {
        Func { store, index }
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn store_id(&self) -> StoreId {
        self.store
    }

    pub(crate) fn check_store(&self, store: StoreId) -> Result<()> {
        if self.store != store {
            bail!("function used with the wrong store");
        }
        Ok(())
    }

    /// A host function with a dynamic signature: parameters and results as [`Val`]s.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func {
        let host = dynamic_host(&ty, func);
        Func::from_host(store.as_context_mut().0, ty, host)
    }

    /// A host function from a Rust closure whose parameter and result types
    /// give the wasm signature. It may take a [`Caller`] first.
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, host) = func.into_host();
        Func::from_host(store.as_context_mut().0, ty, host)
    }

    pub(crate) fn from_host<T>(store: &mut StoreInner<T>, ty: FuncType, host: crate::store::HostFuncFn<T>) -> Func {
        let sig = store.opaque.engine().intern_sig(&ty);
        let host_index = store.host_funcs.len() as u32;
        store.host_funcs.push(host);
        // Its entry from compiled code; if that cannot be made now, an
        // instance of compiled code that imports it makes it (and fails
        // with the reason).
        let host_call = store.opaque.engine().host_call_entry(sig).unwrap_or(std::ptr::null());
        #[cfg(feature = "cranelift")]
        if host_call.is_null() {
            store.opaque.compiled_entries = false;
        }
        let index = store.opaque.funcs.len() as u32;
        let func_ref = VMFuncRef::host(index, sig, host_call);
        let index = store.opaque.push_func(FuncEntity::Host { ty, host: host_index }, func_ref);
        Func { store: store.opaque.id(), index }
    }

    /// The function's type.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let store = store.as_context().0;
        assert_eq!(store.opaque.id(), self.store, "function used with the wrong store");
        match &store.opaque.funcs[self.index as usize] {
            FuncEntity::Wasm { index, module, .. } => module.func_type(*index).clone(),
            FuncEntity::Host { ty, .. } => ty.clone(),
        }
    }

    /// Calls the function with dynamically typed arguments; `results` must
    /// have one entry per result.
    pub fn call(&self, mut store: impl AsContextMut, params: &[Val], results: &mut [Val]) -> Result<()> {
        let store = store.as_context_mut().0;
        self.check_store(store.opaque.id())?;
        let ty = self.ty(StoreContext(store));
        if params.len() != ty.param_slice().len() {
            bail!("expected {} arguments, got {}", ty.param_slice().len(), params.len());
        }
        if results.len() != ty.result_slice().len() {
            bail!("expected {} results, got {}", ty.result_slice().len(), results.len());
        }
        let id = store.opaque.id();
        let mut cells = vec![0u64; ty.param_cells().max(ty.result_cells())];
        let mut at = 0;
        for (i, (param, expected)) in params.iter().zip(ty.param_slice()).enumerate() {
            if !param.matches_ty_in(&store.opaque, expected) {
                bail!("argument {i} has type {}, but the function expects {expected}", param.ty());
            }
            param.write_cells(id, &mut cells[at..])?;
            at += expected.cells();
        }
        call_raw(store, self.index, &mut cells)?;
        let mut at = 0;
        for (result, ty) in results.iter_mut().zip(ty.result_slice()) {
            *result = Val::read_cells(id, &cells[at..], ty);
            at += ty.cells();
        }
        Ok(())
    }

    /// A statically typed view of this function; fails if the types differ.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>> {
        let ty = self.ty(&store);
        let want_params = Params::valtypes();
        let want_results = Results::valtypes();
        if ty.param_slice() != want_params.as_slice() || ty.result_slice() != want_results.as_slice() {
            let want = FuncType::from_parts(want_params, want_results);
            bail!("type mismatch: the function has type {ty}, but {want} was asked for");
        }
        Ok(TypedFunc { func: *self, _marker: PhantomData })
    }
}

/// Wraps a closure over [`Val`]s as a cell-level host function of type `ty`.
pub(crate) fn dynamic_host<T: 'static>(
    ty: &FuncType,
    func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
) -> crate::store::HostFuncFn<T> {
    let params: Vec<ValType> = ty.params().collect();
    let results: Vec<ValType> = ty.results().collect();
    Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
        let id = caller.store.opaque.id();
        let mut at = 0;
        let args: Vec<Val> = params
            .iter()
            .map(|t| {
                let value = Val::read_cells(id, &cells[at..], t);
                at += t.cells();
                value
            })
            .collect();
        let mut outs: Vec<Val> = results.iter().map(|t| Val::default_for_ty(t).unwrap_or(Val::I32(0))).collect();
        let Caller { store, instance } = caller;
        func(Caller::new(&mut *store, instance), &args, &mut outs)?;
        let mut at = 0;
        for (out, ty) in outs.iter().zip(&results) {
            if !out.matches_ty_in(&store.opaque, ty) {
                bail!("host function returned a {} where a {ty} was expected", out.ty());
            }
            out.write_cells(id, &mut cells[at..])?;
            at += ty.cells();
        }
        Ok(())
    })
}

/// A function with a signature known to Rust, for calls without boxing values.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<Params, Results> Copy for TypedFunc<Params, Results> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    pub fn func(&self) -> &Func {
        &self.func
    }

    pub fn call(&self, mut store: impl AsContextMut, params: Params) -> Result<Results> {
        let store = store.as_context_mut().0;
        self.func.check_store(store.opaque.id())?;
        let id = store.opaque.id();
        let n = Params::COUNT.max(Results::COUNT);
        let mut small = [0u64; 16];
        let mut large = Vec::new();
        let cells: &mut [u64] = if n <= small.len() {
            &mut small[..n]
        } else {
            large.resize(n, 0);
            &mut large
        };
        params.store_cells(cells, id)?;
        call_raw(store, self.func.index, cells)?;
        Ok(Results::load_cells(cells, id))
    }
}

/// A Rust type that stands for one wasm value type.
pub trait WasmTy: Sized + Send + 'static {
    /// The engine cells a value takes (two for `v128`).
    #[doc(hidden)]
    const CELLS: usize = 1;
    #[doc(hidden)]
    fn valtype() -> ValType;
    #[doc(hidden)]
    fn into_cell(self, store: StoreId) -> Result<u64>;
    #[doc(hidden)]
    fn from_cell(cell: u64, store: StoreId) -> Self;
    /// Writes the value's `CELLS` cells.
    #[doc(hidden)]
    fn into_cells(self, cells: &mut [u64], store: StoreId) -> Result<()> {
        cells[0] = self.into_cell(store)?;
        Ok(())
    }
    /// Reads the value from its `CELLS` cells.
    #[doc(hidden)]
    fn from_cells(cells: &[u64], store: StoreId) -> Self {
        Self::from_cell(cells[0], store)
    }
}

/// A `v128` takes two cells, low half first.
impl WasmTy for V128 {
    const CELLS: usize = 2;
    fn valtype() -> ValType {
        ValType::V128
    }
    fn into_cell(self, _: StoreId) -> Result<u64> {
        bail!("a v128 takes two cells")
    }
    fn from_cell(cell: u64, _: StoreId) -> Self {
        V128::from(u128::from(cell))
    }
    fn into_cells(self, cells: &mut [u64], _: StoreId) -> Result<()> {
        let bits = self.as_u128();
        cells[0] = bits as u64;
        cells[1] = (bits >> 64) as u64;
        Ok(())
    }
    fn from_cells(cells: &[u64], _: StoreId) -> Self {
        V128::from(u128::from(cells[0]) | u128::from(cells[1]) << 64)
    }
}

macro_rules! wasm_ty_num {
    ($($ty:ty => $vt:ident, |$x:ident| $to:expr, |$c:ident| $from:expr;)*) => {$(
        impl WasmTy for $ty {
            fn valtype() -> ValType { ValType::$vt }
            fn into_cell(self, _: StoreId) -> Result<u64> { let $x = self; Ok($to) }
            fn from_cell($c: u64, _: StoreId) -> Self { $from }
        }
    )*};
}

wasm_ty_num! {
    i32 => I32, |x| x as u32 as u64, |c| c as u32 as i32;
    u32 => I32, |x| x as u64, |c| c as u32;
    i64 => I64, |x| x as u64, |c| c as i64;
    u64 => I64, |x| x, |c| c;
    f32 => F32, |x| x.to_bits() as u64, |c| f32::from_bits(c as u32);
    f64 => F64, |x| x.to_bits(), |c| f64::from_bits(c);
}

impl WasmTy for Option<Func> {
    fn valtype() -> ValType {
        ValType::FUNCREF
    }
    fn into_cell(self, store: StoreId) -> Result<u64> {
        Val::FuncRef(self).to_raw(store)
    }
    fn from_cell(cell: u64, store: StoreId) -> Self {
        (cell != 0).then(|| Func::from_index(store, (cell - 1) as u32))
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::EXTERNREF
    }
    fn into_cell(self, store: StoreId) -> Result<u64> {
        Val::ExternRef(self).to_raw(store)
    }
    fn from_cell(cell: u64, store: StoreId) -> Self {
        match Val::from_raw(store, cell, &ValType::EXTERNREF) {
            Val::ExternRef(e) => e,
            _ => unreachable!(),
        }
    }
}

impl WasmTy for Option<ExnRef> {
    fn valtype() -> ValType {
        ValType::EXNREF
    }
    fn into_cell(self, store: StoreId) -> Result<u64> {
        Val::ExnRef(self).to_raw(store)
    }
    fn from_cell(cell: u64, store: StoreId) -> Self {
        (cell != 0).then(|| ExnRef::from_index(store, (cell - 1) as u32))
    }
}

/// A list of wasm values as Rust types: `()`, one [`WasmTy`], or a tuple.
pub trait WasmTyList: Sized + Send + 'static {
    /// The engine cells the values take.
    #[doc(hidden)]
    const COUNT: usize;
    #[doc(hidden)]
    fn valtypes() -> Vec<ValType>;
    #[doc(hidden)]
    fn store_cells(self, cells: &mut [u64], store: StoreId) -> Result<()>;
    #[doc(hidden)]
    fn load_cells(cells: &[u64], store: StoreId) -> Self;
}

/// The parameters of a [`TypedFunc`].
pub trait WasmParams: WasmTyList {}
impl<L: WasmTyList> WasmParams for L {}
/// The results of a [`TypedFunc`].
pub trait WasmResults: WasmTyList {}
impl<L: WasmTyList> WasmResults for L {}

impl<A: WasmTy> WasmTyList for A {
    const COUNT: usize = A::CELLS;
    fn valtypes() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn store_cells(self, cells: &mut [u64], store: StoreId) -> Result<()> {
        self.into_cells(cells, store)
    }
    fn load_cells(cells: &[u64], store: StoreId) -> Self {
        A::from_cells(cells, store)
    }
}

macro_rules! wasm_ty_list_tuple {
    ($($name:ident)*) => {
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
        impl<$($name: WasmTy),*> WasmTyList for ($($name,)*) {
            const COUNT: usize = 0 $(+ $name::CELLS)*;
            fn valtypes() -> Vec<ValType> {
                vec![$($name::valtype()),*]
            }
            fn store_cells(self, cells: &mut [u64], store: StoreId) -> Result<()> {
                let ($($name,)*) = self;
                let mut i = 0;
                $($name.into_cells(&mut cells[i..], store)?; i += $name::CELLS;)*
                Ok(())
            }
            #[allow(clippy::unused_unit)]
            fn load_cells(cells: &[u64], store: StoreId) -> Self {
                let mut i = 0;
                ($({ let v = $name::from_cells(&cells[i..], store); i += $name::CELLS; v },)*)
            }
        }
    };
}

/// What a host closure may return: a value list, or a `Result` of one.
pub trait WasmRet: Send + 'static {
    #[doc(hidden)]
    type List: WasmTyList;
    #[doc(hidden)]
    fn into_list(self) -> Result<Self::List>;
}

impl<L: WasmTyList> WasmRet for L {
    type List = L;
    fn into_list(self) -> Result<L> {
        Ok(self)
    }
}

impl<L: WasmTyList> WasmRet for Result<L> {
    type List = L;
    fn into_list(self) -> Result<L> {
        self
    }
}

/// A Rust closure usable as a host function (see [`Func::wrap`]).
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host(self) -> (FuncType, crate::store::HostFuncFn<T>);
}

macro_rules! into_func {
    ($($name:ident)*) => {
        wasm_ty_list_tuple!($($name)*);

        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
        impl<T, F, R, $($name: WasmTy),*> IntoFunc<T, ($($name,)*), R> for F
        where
            F: Fn($($name),*) -> R + Send + Sync + 'static,
            R: WasmRet,
        {
            fn into_host(self) -> (FuncType, crate::store::HostFuncFn<T>) {
                let ty = FuncType::from_parts(vec![$($name::valtype()),*], R::List::valtypes());
                let host = Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
                    let store = caller.store.opaque.id();
                    let mut i = 0;
                    $(let $name = $name::from_cells(&cells[i..], store); i += $name::CELLS;)*
                    let results = self($($name),*).into_list()?;
                    results.store_cells(cells, store)
                });
                (ty, host)
            }
        }

        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
        impl<T, F, R, $($name: WasmTy),*> IntoFunc<T, (Caller<'_, T>, $($name,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($name),*) -> R + Send + Sync + 'static,
            R: WasmRet,
        {
            fn into_host(self) -> (FuncType, crate::store::HostFuncFn<T>) {
                let ty = FuncType::from_parts(vec![$($name::valtype()),*], R::List::valtypes());
                let host = Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
                    let store = caller.store.opaque.id();
                    let mut i = 0;
                    $(let $name = $name::from_cells(&cells[i..], store); i += $name::CELLS;)*
                    let results = self(caller, $($name),*).into_list()?;
                    results.store_cells(cells, store)
                });
                (ty, host)
            }
        }
    };
}

into_func!();
into_func!(A1);
into_func!(A1 A2);
into_func!(A1 A2 A3);
into_func!(A1 A2 A3 A4);
into_func!(A1 A2 A3 A4 A5);
into_func!(A1 A2 A3 A4 A5 A6);
into_func!(A1 A2 A3 A4 A5 A6 A7);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);

/// What a host function sees of its caller: the store (and its data) and
/// the calling instance's exports.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut StoreInner<T>,
    instance: Option<u32>,
}

impl<'a, T> Caller<'a, T> {
    pub(crate) fn new(store: &'a mut StoreInner<T>, instance: Option<u32>) -> Caller<'a, T> {
        Caller { store, instance }
    }

    pub fn data(&self) -> &T {
        &self.store.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data
    }

    pub fn engine(&self) -> &Engine {
        self.store.opaque.engine()
    }

    /// An export of the calling instance, e.g. its `memory`.
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        let instance = self.instance?;
        crate::instance::instance_export(&self.store.opaque, instance, name)
    }

    /// The store's epoch deadline, for a host function that may block:
    /// `None` unless the engine has
    /// [`epoch_interruption`](crate::Config::epoch_interruption) on.
    pub fn epoch_deadline(&self) -> Option<crate::EpochDeadline> {
        let engine = self.engine();
        engine.config().epoch_interruption.then(|| engine.deadline(self.store.opaque.epoch_deadline()))
    }

    /// The fuel left, as [`Store::get_fuel`](crate::Store::get_fuel).
    pub fn get_fuel(&self) -> Result<u64> {
        if !self.engine().config().consume_fuel {
            bail!("fuel is not configured in this store");
        }
        Ok(self.store.opaque.fuel())
    }
}

impl<T> Caller<'_, T> {
    /// Throws `exception` into the calling wasm code: returning the error
    /// from the host function raises it there, where a `try_table` may
    /// catch it (Wasmtime's `Caller::throw`).
    pub fn throw<R>(&mut self, exception: ExnRef) -> Result<R, ThrownException> {
        Err(self.store.opaque.throw(exception))
    }

    /// Takes the pending exception, as [`Store::take_pending_exception`](crate::Store::take_pending_exception).
    pub fn take_pending_exception(&mut self) -> Option<ExnRef> {
        self.store.opaque.take_pending_exception()
    }

    /// Whether an exception is pending.
    pub fn has_pending_exception(&self) -> bool {
        self.store.opaque.pending_exception.is_some()
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.store)
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.store)
    }
}

/// Calls store function `func` with its parameters in `cells`; the results
/// replace them. The one way the host calls a function, in whatever tier
/// it runs: compiled code through its array-call entry, else the
/// interpreter (which calls host functions directly).
pub(crate) fn call_raw(store: &mut dyn StoreDyn, func: u32, cells: &mut [u64]) -> Result<()> {
    #[cfg(feature = "cranelift")]
    if !store.opaque().func_ref(func).array_call.is_null() {
        return crate::runtime::entry::call_compiled(store, func, cells);
    }
    interp::call_func(store, func, cells)
}
