//! The compiled tier: Cranelift turns every function of a module into
//! machine code at `Module::new` (`Strategy::Cranelift`), in parallel.
//!
//! - `translate.rs` — one function body to Cranelift IR.
//! - `trampolines.rs` — the entries the host uses (array calls: arguments
//!   and results in cells) and the exits to host functions.
//! - here — the ISA, the calling convention, compiling and linking a
//!   module into one piece of code memory, and what the runtime needs to
//!   know of it (trap sites, functions by address: [`CodeLookup`]).
//!
//! Compiled code runs against the runtime objects the interpreter uses
//! (`runtime::vmcontext`); it enters and leaves through `runtime::traps`.

pub(crate) mod artifact;
pub(crate) mod cache;
mod headroom;
mod perfmap;
mod simd;
mod trampolines;
mod translate;

pub(crate) use trampolines::{TrampolineKind, trampolines};

use crate::module::ModuleInner;
use crate::runtime::code_memory::CodeMemory;
use crate::runtime::traps::{self, CodeLookup, CodeTrap, Handler, Registration};
use crate::runtime::vmcontext::VMOffsets;
use crate::trap::{FrameInfo, Trap};
use crate::types::FuncType;
use anyhow::{Context as _, Result, bail};
use cranelift_codegen::ir::{self, TrapCode};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa, TargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{
    Context, FinalizedMachExceptionHandler, FinalizedRelocTarget, binemit::Reloc, control::ControlPlane,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use std::sync::Arc;
use wasmparser::{FunctionBody, Operator};

pub(crate) use crate::runtime::libcalls as libcall;

/// Whether the compiled tier runs on this host at all.
pub(crate) fn supported() -> bool {
    cfg!(all(target_arch = "x86_64", target_os = "linux"))
}

/// The ISA of this machine, with the settings compiled code relies on:
/// frame pointers kept (backtraces walk them), no probestack (functions
/// check the stack limit instead), and full optimization.
pub(crate) fn host_isa() -> Result<OwnedTargetIsa> {
    if !supported() {
        bail!("the compiled tier runs on x86-64 Linux only for now; use the interpreter");
    }
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, name: &str, value: &str| {
        flags.set(name, value).expect("a valid Cranelift setting");
    };
    set(&mut flags, "opt_level", "speed");
    set(&mut flags, "preserve_frame_pointers", "true");
    set(&mut flags, "enable_probestack", "false");
    set(&mut flags, "unwind_info", "false");
    set(&mut flags, "enable_multi_ret_implicit_sret", "true");
    set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" });
    let builder =
        cranelift_native::builder().map_err(|e| anyhow::anyhow!("unsupported host for the compiled tier: {e}"))?;
    builder.finish(settings::Flags::new(flags)).context("failed to configure Cranelift for this host")
}

/// The trap code of a wasm trap in compiled code.
pub(crate) fn trap_code(trap: Trap) -> TrapCode {
    match trap {
        Trap::StackOverflow => TrapCode::STACK_OVERFLOW,
        Trap::MemoryOutOfBounds => TrapCode::HEAP_OUT_OF_BOUNDS,
        Trap::IntegerOverflow => TrapCode::INTEGER_OVERFLOW,
        Trap::IntegerDivisionByZero => TrapCode::INTEGER_DIVISION_BY_ZERO,
        Trap::BadConversionToInteger => TrapCode::BAD_CONVERSION_TO_INTEGER,
        other => TrapCode::unwrap_user(user_code(other)),
    }
}

/// The user trap codes of the traps Cranelift has no code for.
fn user_code(trap: Trap) -> u8 {
    match trap {
        Trap::UnreachableCodeReached => 1,
        Trap::TableOutOfBounds => 2,
        Trap::IndirectCallToNull => 3,
        Trap::BadSignature => 4,
        Trap::Interrupt => 5,
        Trap::OutOfFuel => 6,
        Trap::NullReference => 7,
        Trap::NullFunctionReference => 8,
        _ => unreachable!("{trap:?} has a code of Cranelift's"),
    }
}

/// The trap code of a stop for the host: a libcall or host function
/// failed and recorded why (`runtime::traps::set_host_failure`).
pub(crate) const HOST_TRAP: TrapCode = TrapCode::unwrap_user(100);

/// What a trap code of compiled code means.
fn code_trap(code: TrapCode) -> Option<CodeTrap> {
    const TRAPS: [Trap; 13] = [
        Trap::StackOverflow,
        Trap::MemoryOutOfBounds,
        Trap::IntegerOverflow,
        Trap::IntegerDivisionByZero,
        Trap::BadConversionToInteger,
        Trap::UnreachableCodeReached,
        Trap::TableOutOfBounds,
        Trap::IndirectCallToNull,
        Trap::BadSignature,
        Trap::Interrupt,
        Trap::OutOfFuel,
        Trap::NullReference,
        Trap::NullFunctionReference,
    ];
    if code == HOST_TRAP {
        return Some(CodeTrap::Host);
    }
    TRAPS.into_iter().find(|&t| trap_code(t) == code).map(CodeTrap::Wasm)
}

/// The Cranelift signature of a wasm function of type `ty`: the callee's
/// context, the caller's, then the parameters; the results. Cranelift's
/// `tail` convention, for tail calls.
pub(crate) fn wasm_signature(ty: &FuncType) -> ir::Signature {
    let mut sig = ir::Signature::new(CallConv::Tail);
    sig.params.push(ir::AbiParam::special(ir::types::I64, ir::ArgumentPurpose::VMContext));
    sig.params.push(ir::AbiParam::new(ir::types::I64));
    sig.params.extend(ty.params().map(|p| ir::AbiParam::new(translate::clif_type(&p))));
    sig.returns.extend(ty.results().map(|r| ir::AbiParam::new(translate::clif_type(&r))));
    sig
}

/// The signature of an on-stack-replacement entry into a function of type
/// `ty`: the callee's context, the caller's, the address of the locals'
/// cells; the function's results.
pub(crate) fn osr_signature(ty: &FuncType) -> ir::Signature {
    let mut sig = ir::Signature::new(CallConv::Tail);
    sig.params.push(ir::AbiParam::special(ir::types::I64, ir::ArgumentPurpose::VMContext));
    sig.params.extend([ir::AbiParam::new(ir::types::I64); 2]);
    sig.returns.extend(ty.results().map(|r| ir::AbiParam::new(translate::clif_type(&r))));
    sig
}

/// The message for an operator the compiled tier refuses.
fn unsupported(op: &Operator<'_>) -> String {
    let name = format!("{op:?}");
    let name = name.split([' ', '{', '(']).next().unwrap_or("").to_string();
    format!("the compiled tier does not support the `{name}` instruction yet; use `Strategy::Interpreter`")
}

/// What the translator needs to know about the module around a function.
pub(super) struct Env<'a> {
    pub module: &'a ModuleInner,
    pub offsets: VMOffsets,
    pub isa: &'a dyn TargetIsa,
    pub fuel: bool,
    pub interruptible: bool,
    /// Whether calls to the module's own functions go through their
    /// `VMFuncRef`s (tier-up, which repoints them) rather than directly.
    pub calls_through_refs: bool,
    /// For on-stack replacement (tier-up): compile the function as an
    /// entry into its loop of this index (in body order), taking the
    /// interpreter's locals in cells (see [`osr_signature`]).
    pub osr_loop: Option<u32>,
}

impl<'a> Env<'a> {
    /// The environment of `module`'s functions, under its engine's settings.
    fn new(module: &'a ModuleInner, isa: &'a dyn TargetIsa, calls_through_refs: bool, osr_loop: Option<u32>) -> Self {
        let config = module.engine.config();
        Env {
            module,
            offsets: VMOffsets::for_module(module),
            isa,
            fuel: config.consume_fuel,
            interruptible: config.epoch_interruption,
            calls_through_refs,
            osr_loop,
        }
    }

    fn func_type(&self, func_index: u32) -> &FuncType {
        self.module.func_type(func_index)
    }
}

/// One compiled function, before linking.
#[derive(Default)]
struct Compiled {
    code: Vec<u8>,
    /// (offset in `code`, kind, called function's module index, addend).
    calls: Vec<(u32, Reloc, u32, i64)>,
    /// (offset, kind, libcall) for Cranelift's own libcalls (float
    /// rounding without SSE4.1 and the like).
    libcalls: Vec<(u32, Reloc, ir::LibCall, i64)>,
    /// Trap sites, each with a code [`code_trap`] knows.
    traps: Vec<(u32, TrapCode)>,
    /// Calls inside a `try_table`: (return address offset, handler offset,
    /// the frame's distance from stack pointer to frame pointer).
    handlers: Vec<(u32, u32, u32)>,
}

/// Compiles a Cranelift function already built in `ctx`.
fn finish(ctx: &mut Context, isa: &dyn TargetIsa) -> Result<Compiled> {
    let names = ctx.func.params.user_named_funcs().clone();
    let code = ctx
        .compile(isa, &mut ControlPlane::default())
        .map_err(|e| anyhow::anyhow!("Cranelift failed to compile: {:?}", e.inner))?;
    let mut calls = Vec::new();
    let mut libcalls = Vec::new();
    for reloc in code.buffer.relocs() {
        match &reloc.target {
            FinalizedRelocTarget::ExternalName(ir::ExternalName::User(name)) => {
                calls.push((reloc.offset, reloc.kind, names[*name].index, reloc.addend));
            }
            FinalizedRelocTarget::ExternalName(ir::ExternalName::LibCall(call)) => {
                libcalls.push((reloc.offset, reloc.kind, *call, reloc.addend));
            }
            other => bail!("unexpected relocation in compiled code: {other:?}"),
        }
    }
    let traps = code
        .buffer
        .traps()
        .iter()
        .map(|t| {
            code_trap(t.code).with_context(|| format!("unknown trap code {:?}", t.code))?;
            Ok((t.offset, t.code))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut handlers = Vec::new();
    for site in code.buffer.call_sites() {
        for handler in site.exception_handlers {
            match *handler {
                FinalizedMachExceptionHandler::Default(at) => {
                    let sp_to_fp = site.frame_offset.context("a call site with a handler but no frame offset")?;
                    handlers.push((site.ret_addr, at, sp_to_fp));
                }
                other => bail!("unexpected exception handler in compiled code: {other:?}"),
            }
        }
    }
    Ok(Compiled { code: code.code_buffer().to_vec(), calls, libcalls, traps, handlers })
}

/// Readies a reused context for the next function. `Context::clear`
/// leaves the exception tables of the functions compiled before (Cranelift
/// 0.135's `DataFlowGraph::clear` misses them), and every later function
/// then walks them all: quadratic in a module of many `try_call`s.
pub(super) fn clear(ctx: &mut Context) {
    ctx.clear();
    ctx.func.dfg.exception_tables.clear();
}

/// Translates and compiles defined function `func_index`.
fn compile_function(env: &Env<'_>, func_index: u32, body: &FunctionBody<'_>, ctx: &mut Context) -> Result<Compiled> {
    let ty = env.func_type(func_index);
    clear(ctx);
    ctx.func.signature = if env.osr_loop.is_some() { osr_signature(ty) } else { wasm_signature(ty) };
    ctx.func.name = ir::UserFuncName::user(0, func_index);
    // The stack limit: `vmctx → store context → stack_limit`.
    let readonly = ctx.func.dfg.mem_flags.insert_unchecked(ir::MemFlagsData::trusted().with_readonly().with_can_move());
    let trusted = ctx.func.dfg.mem_flags.insert_unchecked(ir::MemFlagsData::trusted());
    let vmctx = ctx.func.create_global_value(ir::GlobalValueData::VMContext);
    let store = ctx.func.create_global_value(ir::GlobalValueData::Load {
        base: vmctx,
        offset: (env.offsets.store() as i32).into(),
        global_type: ir::types::I64,
        flags: readonly,
    });
    let limit = ctx.func.create_global_value(ir::GlobalValueData::Load {
        base: store,
        offset: (crate::runtime::vmcontext::VMStoreContext::STACK_LIMIT as i32).into(),
        global_type: ir::types::I64,
        flags: trusted,
    });
    ctx.func.stack_limit = Some(limit);
    let size = body.range().end - body.range().start;
    headroom::ensure(func_index, headroom::estimate(size, 0))?;
    let mut fctx = FunctionBuilderContext::new();
    let builder = FunctionBuilder::new(&mut ctx.func, &mut fctx);
    translate::FuncTranslator::new(env, builder).translate(func_index, body)?;
    headroom::ensure(func_index, headroom::estimate(size, ctx.func.dfg.num_values() as u64))?;
    finish(ctx, env.isa)
}

/// A module's compiled code: every defined function and the array-call
/// trampolines of its types, in one executable mapping.
pub(crate) struct CompiledModule {
    /// What the code was loaded from: the offsets of functions and
    /// trampolines in `code`, and what [`Self::serialize`] writes.
    artifact: artifact::Artifact,
    /// The module's wasm binary, part of a serialized module.
    wasm: Vec<u8>,
    code: CodeMemory,
    _registration: Registration,
}

impl CompiledModule {
    /// The entry of defined function `index` (the `tail` convention, see
    /// [`wasm_signature`]).
    pub fn func(&self, defined: u32) -> *const u8 {
        // SAFETY: the offset is inside the code mapping.
        unsafe { self.code.as_ptr().add(self.artifact.funcs[defined as usize].start as usize) }
    }

    /// The array-call trampoline of type `ty` (see `trampolines.rs`).
    pub fn array_call(&self, ty: u32) -> *const u8 {
        // SAFETY: as for `func`.
        unsafe { self.code.as_ptr().add(self.artifact.array_calls[ty as usize] as usize) }
    }

    /// Bytes of machine code.
    #[allow(dead_code)] // For reports of code size (benches).
    pub fn code_size(&self) -> usize {
        self.code.range().len()
    }

    /// The module as a precompiled artifact (see `artifact.rs`).
    pub fn serialize(&self, engine: &crate::Engine) -> Result<Vec<u8>> {
        artifact::serialize(engine, &self.wasm, &self.artifact)
    }

    /// The module's code as a cache entry stores it: an artifact without
    /// the wasm binary, which the entry's key stands for.
    pub fn cache_body(&self, engine: &crate::Engine) -> Result<Vec<u8>> {
        artifact::serialize(engine, &[], &self.artifact)
    }
}

/// What the runtime asks of a module's code (see `runtime::traps`).
struct ModuleCode {
    start: usize,
    /// Trap sites by address offset, sorted.
    traps: Vec<(u32, CodeTrap)>,
    /// Each defined function's range, sorted, and its frame description.
    funcs: Vec<(std::ops::Range<u32>, FrameInfo)>,
    /// Handlers by return address offset, sorted (see [`Compiled`]).
    handlers: Vec<(u32, u32, u32)>,
}

impl CodeLookup for ModuleCode {
    fn trap_at(&self, pc: usize) -> Option<CodeTrap> {
        let offset = u32::try_from(pc.checked_sub(self.start)?).ok()?;
        let i = self.traps.binary_search_by_key(&offset, |&(o, _)| o).ok()?;
        Some(self.traps[i].1)
    }

    fn frame_at(&self, pc: usize) -> Option<FrameInfo> {
        let offset = u32::try_from(pc.checked_sub(self.start)?).ok()?;
        let i = self.funcs.partition_point(|(range, _)| range.end <= offset);
        let (range, frame) = self.funcs.get(i)?;
        range.contains(&offset).then(|| frame.clone())
    }

    fn handler_at(&self, ret: usize) -> Option<Handler> {
        let offset = u32::try_from(ret.checked_sub(self.start)?).ok()?;
        let i = self.handlers.binary_search_by_key(&offset, |&(o, _, _)| o).ok()?;
        let (_, at, sp_to_fp) = self.handlers[i];
        Some(Handler { pc: self.start + at as usize, sp_to_fp: sp_to_fp as usize })
    }
}

/// Compiles every defined function of `module` (whose validated bodies
/// are `bodies`, in order) on all cores, and links them with the
/// trampolines into executable code.
pub(crate) fn compile_module(module: &ModuleInner, bodies: &[FunctionBody<'_>], wasm: &[u8]) -> Result<CompiledModule> {
    let isa = module.engine.isa()?;
    let env = Env::new(module, isa, false, None);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(bodies.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<Compiled>>> = (0..bodies.len()).map(|_| None).collect();
    let slots: Vec<std::sync::Mutex<&mut Option<Result<Compiled>>>> =
        results.iter_mut().map(std::sync::Mutex::new).collect();
    let work = || {
        let mut ctx = Context::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(body) = bodies.get(i) else { break };
            let func_index = module.num_imported_funcs + i as u32;
            // A panic in Cranelift is an error for this module, not the end
            // of the host.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                compile_function(&env, func_index, body, &mut ctx)
            }))
            .unwrap_or_else(|_| {
                ctx = Context::new();
                Err(anyhow::anyhow!("the compiler panicked"))
            })
            .with_context(|| format!("failed to compile function {func_index}"));
            **slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        }
    };
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
    drop(slots);
    let funcs: Vec<Compiled> =
        results.into_iter().map(|r| r.expect("every function was compiled")).collect::<Result<_>>()?;
    let mut ctx = Context::new();
    let trampolines = module
        .types
        .iter()
        .map(|ty| trampolines::build_array_call(ty, isa, &mut ctx).and_then(|()| finish(&mut ctx, isa)))
        .collect::<Result<Vec<_>>>()?;
    load(module, link(module, funcs, trampolines)?, artifact::without_custom_sections(wasm))
}

/// Tiered code mapped together: one function tier-up compiled, or the
/// functions one cache entry held.
struct TieredCode {
    code: CodeMemory,
    _registration: Registration,
}

/// One function compiled on its own by tier-up (`tierup.rs`): it calls
/// other functions through their `VMFuncRef`s, so it needs no linking but
/// Cranelift's helpers.
pub(crate) struct TieredFunc {
    code: Arc<TieredCode>,
    /// Where in `code` it is.
    range: std::ops::Range<usize>,
    /// Its code before it was placed (helper calls not patched), for the
    /// on-disk cache: kept only when the engine has one.
    unplaced: Option<artifact::Artifact>,
}

impl TieredFunc {
    /// The function's entry (the `tail` convention, see [`wasm_signature`]).
    pub fn entry(&self) -> *const u8 {
        self.code.code.as_ptr().wrapping_add(self.range.start)
    }

    /// Bytes of machine code.
    pub fn size(&self) -> usize {
        self.range.len()
    }

    /// Its code as the cache stores it, if kept.
    pub fn unplaced(&self) -> Option<&artifact::Artifact> {
        self.unplaced.as_ref()
    }

    /// Keeps `piece`, this function's code before placing, for the cache.
    pub fn keep_unplaced(&mut self, piece: artifact::Artifact) {
        self.unplaced = Some(piece);
    }
}

/// Whether defined function `defined` of `module` makes tail calls. Tier-up
/// leaves those in the interpreter: a tail call between the tiers is a
/// call (the other tier runs in a new activation), so a chain of them
/// switching tiers would grow the host stack without bound, where the
/// specification promises it constant space. Within one tier it stays a
/// real tail call.
pub(crate) fn makes_tail_calls(module: &ModuleInner, defined: u32) -> Result<bool> {
    let body = module.body(defined).context("the module keeps no function bodies")?;
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        if let Operator::ReturnCall { .. } | Operator::ReturnCallIndirect { .. } | Operator::ReturnCallRef { .. } =
            reader.read()?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Compiles function `func_index` of `module` for tier-up: callable as
/// usual, or with `osr_loop` an entry into that loop from the interpreter.
pub(crate) fn compile_tiered(module: &ModuleInner, func_index: u32, osr_loop: Option<u32>) -> Result<TieredFunc> {
    let defined = func_index - module.num_imported_funcs;
    let body = module.body(defined).context("the module keeps no function bodies")?;
    let isa = module.engine.isa()?;
    let env = Env::new(module, isa, true, osr_loop);
    let mut compiled = compile_function(&env, func_index, &body, &mut Context::new())?;
    // Its only direct calls are to itself, at offset 0 of its code.
    for &(offset, kind, callee, addend) in &compiled.calls {
        if callee != func_index {
            bail!("a direct call to another function in tiered code");
        }
        patch(&mut compiled.code, offset as usize, kind, addend - i64::from(offset), None)?;
    }
    let helpers = compiled
        .libcalls
        .iter()
        .map(|&(offset, kind, call, addend)| match (kind, helper_id(call)) {
            (Reloc::Abs8, Some(helper)) => Ok((offset, helper, addend)),
            _ => bail!("unsupported relocation {kind:?} for libcall {call:?}"),
        })
        .collect::<Result<_>>()?;
    let mut handlers = compiled.handlers;
    handlers.sort_by_key(|&(o, _, _)| o);
    let len = compiled.code.len() as u32;
    let piece = artifact::Artifact {
        code: compiled.code,
        funcs: std::iter::once(0..len).collect(),
        array_calls: Vec::new(),
        traps: compiled.traps,
        handlers,
        helpers,
    };
    let mut func = place_tiered(module, &piece, &[func_index])?.pop().expect("one function");
    // Loop entries are made again when needed; the function itself is what
    // the next process should start with.
    if osr_loop.is_none() && module.engine.cache().is_some() {
        func.unplaced = Some(piece);
    }
    Ok(func)
}

/// Maps the functions of `artifact` (no trampolines), functions `indices`
/// of `module`, as tiered code.
pub(crate) fn place_tiered(
    module: &ModuleInner,
    artifact: &artifact::Artifact,
    indices: &[u32],
) -> Result<Vec<TieredFunc>> {
    if artifact.funcs.len() != indices.len() || !artifact.array_calls.is_empty() {
        bail!("the tiered code does not match its functions");
    }
    let (code, registration) = map(module, artifact, |i| indices[i])?;
    let shared = Arc::new(TieredCode { code, _registration: registration });
    Ok(artifact
        .funcs
        .iter()
        .map(|range| TieredFunc {
            code: shared.clone(),
            range: range.start as usize..range.end as usize,
            unplaced: None,
        })
        .collect())
}

/// Lays out the functions then the trampolines and resolves the calls
/// between functions: everything that does not depend on where the code
/// will be mapped.
fn link(module: &ModuleInner, funcs: Vec<Compiled>, trampolines: Vec<Compiled>) -> Result<artifact::Artifact> {
    let mut bytes = Vec::new();
    let mut place = |c: &Compiled| -> u32 {
        while !bytes.len().is_multiple_of(16) {
            bytes.push(0xcc);
        }
        let at = bytes.len() as u32;
        bytes.extend_from_slice(&c.code);
        at
    };
    let func_starts: Vec<u32> = funcs.iter().map(&mut place).collect();
    let tramp_starts: Vec<u32> = trampolines.iter().map(&mut place).collect();
    let defined_start = |index: u32| -> Result<u32> {
        let defined = index.checked_sub(module.num_imported_funcs).context("a direct call to an import")?;
        Ok(func_starts[defined as usize])
    };
    let (mut traps, mut handlers, mut helpers) = (Vec::new(), Vec::new(), Vec::new());
    for (compiled, &start) in funcs.iter().chain(&trampolines).zip(func_starts.iter().chain(&tramp_starts)) {
        for &(offset, kind, callee, addend) in &compiled.calls {
            let at = (start + offset) as usize;
            let target = defined_start(callee)? as i64;
            patch(&mut bytes, at, kind, target - at as i64 + addend, None)?;
        }
        for &(offset, kind, call, addend) in &compiled.libcalls {
            let helper = helper_id(call).with_context(|| format!("unsupported libcall {call:?}"))?;
            if kind != Reloc::Abs8 {
                bail!("unsupported relocation {kind:?} for libcall {call:?}");
            }
            helpers.push((start + offset, helper, addend));
        }
        traps.extend(compiled.traps.iter().map(|&(offset, trap)| (start + offset, trap)));
        handlers.extend(compiled.handlers.iter().map(|&(ret, at, sp_to_fp)| (start + ret, start + at, sp_to_fp)));
    }
    traps.sort_by_key(|&(o, _)| o);
    handlers.sort_by_key(|&(o, _, _)| o);
    Ok(artifact::Artifact {
        code: bytes,
        funcs: funcs.iter().zip(&func_starts).map(|(f, &s)| s..s + f.code.len() as u32).collect(),
        array_calls: tramp_starts,
        traps,
        handlers,
        helpers,
    })
}

/// Patches `artifact`'s helper calls for this process, maps the code
/// executable and registers it.
pub(crate) fn load(module: &ModuleInner, artifact: artifact::Artifact, wasm: Vec<u8>) -> Result<CompiledModule> {
    let defined = module.func_types.len() - module.num_imported_funcs as usize;
    if artifact.funcs.len() != defined || artifact.array_calls.len() != module.types.len() {
        bail!("the compiled code does not match the module (function or type counts differ)");
    }
    let (code, registration) = map(module, &artifact, |i| module.num_imported_funcs + i as u32)?;
    Ok(CompiledModule { artifact, wasm, code, _registration: registration })
}

/// Maps `artifact`'s code executable with its helper calls patched for
/// this process, tells the profiler, and registers it with the trap
/// handler; its `i`th function is function `index(i)` of `module`.
fn map(
    module: &ModuleInner,
    artifact: &artifact::Artifact,
    index: impl Fn(usize) -> u32,
) -> Result<(CodeMemory, Registration)> {
    let mut bytes = artifact.code.clone();
    for &(offset, helper, addend) in &artifact.helpers {
        let address = helper_address(helper).context("unknown helper function")?;
        patch(&mut bytes, offset as usize, Reloc::Abs8, 0, Some(address as i64 + addend))?;
    }
    let code = CodeMemory::new(&bytes)?;
    let start = code.range().start;
    let module_name: Option<Arc<str>> = module.name.as_deref().map(Arc::from);
    let frames = artifact
        .funcs
        .iter()
        .enumerate()
        .map(|(i, range)| {
            let func_name = module.func_names.get(&index(i)).map(|n| Arc::from(n.as_str()));
            (range.clone(), FrameInfo::new(module_name.clone(), index(i), func_name))
        })
        .collect();
    let traps = artifact
        .traps
        .iter()
        .map(|&(o, code)| Ok((o, code_trap(code).context("unknown trap code")?)))
        .collect::<Result<_>>()?;
    if module.engine.config().profiler == crate::ProfilingStrategy::PerfMap {
        let module_name = module.name.as_deref().unwrap_or("<module>");
        let funcs = artifact
            .funcs
            .iter()
            .enumerate()
            .map(|(i, range)| (start + range.start as usize, range.len(), perf_name(module, index(i))));
        let end = artifact.code.len() as u32;
        let trampolines = artifact.array_calls.iter().enumerate().map(|(ty, &at)| {
            let next = artifact.array_calls.get(ty + 1).copied().unwrap_or(end);
            (start + at as usize, (next - at) as usize, format!("wasm[{module_name}]::array-call trampoline[{ty}]"))
        });
        perfmap::record(funcs.chain(trampolines));
    }
    let lookup = Arc::new(ModuleCode { start, traps, funcs: frames, handlers: artifact.handlers.clone() });
    let registration = traps::register(code.range(), lookup);
    Ok((code, registration))
}

/// Function `index` of `module` as the perf map names it.
fn perf_name(module: &ModuleInner, index: u32) -> String {
    let module_name = module.name.as_deref().unwrap_or("<module>");
    match module.func_names.get(&index) {
        Some(name) => format!("wasm[{module_name}]::{name}"),
        None => format!("wasm[{module_name}]::function[{index}]"),
    }
}

/// Applies one relocation at `at`: a PC-relative `delta` or an `absolute`
/// address.
fn patch(bytes: &mut [u8], at: usize, kind: Reloc, delta: i64, absolute: Option<i64>) -> Result<()> {
    match (kind, absolute) {
        (Reloc::X86CallPCRel4 | Reloc::X86PCRel4 | Reloc::X86CallPLTRel4, None) => {
            let value = i32::try_from(delta).context("a call farther than 2 GiB")?;
            bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
        }
        (Reloc::Abs8, Some(address)) => bytes[at..at + 8].copy_from_slice(&address.to_le_bytes()),
        (kind, _) => bail!("unsupported relocation {kind:?}"),
    }
    Ok(())
}

/// Code compiled on its own (a trampoline for host calls), executable
/// and registered.
pub(crate) struct StandaloneCode {
    code: CodeMemory,
    _registration: Registration,
}

impl StandaloneCode {
    fn new(compiled: Compiled) -> Result<StandaloneCode> {
        if !compiled.calls.is_empty() || !compiled.libcalls.is_empty() {
            bail!("standalone code with relocations");
        }
        let code = CodeMemory::new(&compiled.code)?;
        let traps = compiled
            .traps
            .iter()
            .map(|&(o, c)| Ok((o, code_trap(c).context("unknown trap code")?)))
            .collect::<Result<_>>()?;
        let lookup =
            Arc::new(ModuleCode { start: code.range().start, traps, funcs: Vec::new(), handlers: compiled.handlers });
        let registration = traps::register(code.range(), lookup);
        Ok(StandaloneCode { code, _registration: registration })
    }

    /// The entry `offset` bytes in (see [`trampolines`]).
    pub fn entry_at(&self, offset: u32) -> *const u8 {
        debug_assert!((offset as usize) < self.code.range().len());
        self.code.as_ptr().wrapping_add(offset as usize)
    }

    /// Records the code in the perf map: the pieces starting at `starts`
    /// (offsets, sorted), each under its name.
    pub fn record_for_profiler(&self, starts: &[u32], names: impl IntoIterator<Item = String>) {
        let range = self.code.range();
        let ends = starts.iter().skip(1).map(|&e| e as usize).chain([range.len()]);
        let pieces = starts.iter().zip(ends).zip(names);
        perfmap::record(pieces.map(|((&start, end), name)| (range.start + start as usize, end - start as usize, name)));
    }
}

/// The functions Cranelift itself may call (rounding without SSE4.1 and
/// the like), by the number artifacts name them with.
const HELPERS: [ir::LibCall; 10] = [
    ir::LibCall::CeilF32,
    ir::LibCall::CeilF64,
    ir::LibCall::FloorF32,
    ir::LibCall::FloorF64,
    ir::LibCall::TruncF32,
    ir::LibCall::TruncF64,
    ir::LibCall::NearestF32,
    ir::LibCall::NearestF64,
    ir::LibCall::FmaF32,
    ir::LibCall::FmaF64,
];

fn helper_id(call: ir::LibCall) -> Option<u8> {
    HELPERS.iter().position(|&c| c == call).map(|i| i as u8)
}

/// The address of helper `id` (see [`HELPERS`]).
pub(crate) fn helper_address(id: u8) -> Option<usize> {
    extern "sysv64" fn ceil_f32(x: f32) -> f32 {
        x.ceil()
    }
    extern "sysv64" fn ceil_f64(x: f64) -> f64 {
        x.ceil()
    }
    extern "sysv64" fn floor_f32(x: f32) -> f32 {
        x.floor()
    }
    extern "sysv64" fn floor_f64(x: f64) -> f64 {
        x.floor()
    }
    extern "sysv64" fn trunc_f32(x: f32) -> f32 {
        x.trunc()
    }
    extern "sysv64" fn trunc_f64(x: f64) -> f64 {
        x.trunc()
    }
    extern "sysv64" fn nearest_f32(x: f32) -> f32 {
        x.round_ties_even()
    }
    extern "sysv64" fn nearest_f64(x: f64) -> f64 {
        x.round_ties_even()
    }
    extern "sysv64" fn fma_f32(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    extern "sysv64" fn fma_f64(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    let f: *const () = match id {
        0 => ceil_f32 as *const (),
        1 => ceil_f64 as *const (),
        2 => floor_f32 as *const (),
        3 => floor_f64 as *const (),
        4 => trunc_f32 as *const (),
        5 => trunc_f64 as *const (),
        6 => nearest_f32 as *const (),
        7 => nearest_f64 as *const (),
        8 => fma_f32 as *const (),
        9 => fma_f64 as *const (),
        _ => return None,
    };
    Some(f as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reused context starts the next function with no exception tables
    /// (see [`clear`]).
    #[test]
    fn a_cleared_context_keeps_no_exception_tables() {
        let mut ctx = Context::new();
        let sig = ctx.func.import_signature(ir::Signature::new(CallConv::Tail));
        let block = ctx.func.dfg.make_block();
        let normal = ir::BlockCall::new(block, [], &mut ctx.func.dfg.value_lists);
        ctx.func.dfg.exception_tables.push(ir::ExceptionTableData::new(sig, normal, []));
        clear(&mut ctx);
        assert!(ctx.func.dfg.exception_tables.is_empty());
    }

    /// A batch of trampolines is one piece of code with an entry per type,
    /// in order, each at a 16-byte boundary and with the code of its own
    /// compile there.
    #[test]
    fn a_batch_of_trampolines_has_an_entry_per_type() {
        use crate::ValType::*;
        let isa = host_isa().unwrap();
        let tys = [
            FuncType::from_parts([], []),
            FuncType::from_parts([I32, I64], [F64]),
            FuncType::from_parts([V128, F32, I32], [I32, I64]),
        ];
        for kind in [TrampolineKind::HostCall, TrampolineKind::ArrayCall] {
            let (code, offsets) = trampolines(kind, &tys, &*isa).unwrap();
            assert_eq!(offsets.len(), tys.len());
            assert!(offsets.windows(2).all(|w| w[0] < w[1]) && offsets.iter().all(|o| o % 16 == 0));
            for (ty, &at) in tys.iter().zip(&offsets) {
                let (alone, _) = trampolines(kind, std::slice::from_ref(ty), &*isa).unwrap();
                let alone = alone.code.bytes();
                assert_eq!(&code.code.bytes()[at as usize..][..alone.len()], alone, "{kind:?} {ty}");
            }
        }
    }
}
