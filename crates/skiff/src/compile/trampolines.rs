//! The code between the host's calling convention and compiled wasm's.
//!
//! - An *array call* enters a wasm function from the host: `fn(callee
//!   vmctx, caller vmctx, callee entry, cells)` with the System V
//!   convention, the arguments in `cells` laid out as everywhere (one cell
//!   a value, two for a `v128`; see `values.rs`), the results written back
//!   over them. One per function type of a module, in its code.
//! - A *host call* is the wasm entry (the `tail` convention, see
//!   [`super::wasm_signature`]) of a host function: it spills the
//!   arguments to cells on its stack and calls the runtime's `host_call`
//!   libcall with the caller's context and the function's store index
//!   (which a host function's `VMFuncRef` carries where a wasm function
//!   has its context). One per signature, shared by the engine.
//!
//! No allocation happens per call: the cells are the caller's (array
//! calls) or a stack slot (host calls).

use super::{Compiled, HOST_TRAP, StandaloneCode, finish, libcall, translate::clif_type, wasm_signature};
use crate::runtime::vmcontext::VMStoreContext;
use crate::types::{FuncType, ValType};
use anyhow::{Context as _, Result};
use cranelift_codegen::Context;
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, types};
use cranelift_codegen::isa::TargetIsa;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

/// Reads a value of type `ty` from the cell at `offset` bytes of `cells`.
pub(super) fn load_cell(builder: &mut FunctionBuilder<'_>, ty: &ValType, cells: ir::Value, offset: i32) -> ir::Value {
    builder.ins().load(clif_type(ty), MemFlagsData::trusted(), cells, offset)
}

/// Writes `value` of type `ty` to the cell at `offset` bytes of `cells`,
/// zero-extended to the whole cell as the cell encoding says.
pub(super) fn store_cell(
    builder: &mut FunctionBuilder<'_>,
    ty: &ValType,
    value: ir::Value,
    cells: ir::Value,
    offset: i32,
) {
    let value = match ty {
        ValType::I32 => builder.ins().uextend(types::I64, value),
        ValType::F32 => {
            let bits = builder.ins().bitcast(types::I32, MemFlagsData::new(), value);
            builder.ins().uextend(types::I64, bits)
        }
        _ => value,
    };
    builder.ins().store(MemFlagsData::trusted(), value, cells, offset);
}

/// Builds the array-call trampoline of functions of type `ty` in `ctx`.
pub(super) fn build_array_call(ty: &FuncType, isa: &dyn TargetIsa, ctx: &mut Context) -> Result<()> {
    super::clear(ctx);
    let mut sig = ir::Signature::new(isa.default_call_conv());
    sig.params.extend([ir::AbiParam::new(types::I64); 4]);
    ctx.func.signature = sig;
    let mut fctx = FunctionBuilderContext::new();
    let mut builder = FunctionBuilder::new(&mut ctx.func, &mut fctx);
    let entry = builder.create_block();
    builder.append_block_params_for_function_params(entry);
    builder.switch_to_block(entry);
    builder.seal_block(entry);
    let [callee_vmctx, caller_vmctx, code, cells] = builder.block_params(entry).try_into().expect("four parameters");
    let mut args = vec![callee_vmctx, caller_vmctx];
    let mut offset = 0;
    for param in ty.params() {
        args.push(load_cell(&mut builder, &param, cells, offset));
        offset += 8 * param.cells() as i32;
    }
    let sig = builder.import_signature(wasm_signature(ty));
    let call = builder.ins().call_indirect(sig, code, &args);
    let results = builder.inst_results(call).to_vec();
    let mut offset = 0;
    for (result, value) in ty.results().zip(results) {
        store_cell(&mut builder, &result, value, cells, offset);
        offset += 8 * result.cells() as i32;
    }
    builder.ins().return_(&[]);
    builder.finalize(isa.frontend_config());
    Ok(())
}

/// The engine's trampolines, made on their own rather than with a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrampolineKind {
    /// The compiled entry of a function without compiled code of its own
    /// (a host function, or a wasm function the interpreter runs).
    HostCall,
    /// The host's entry into a tiered-up function (a compiled module
    /// carries its own).
    ArrayCall,
}

/// The trampolines of `kind` for the types `tys`, compiled into one piece
/// of code: one mapping and one registration for them all, where a store's
/// first switch to compiled code needs one per type its functions have
/// (Yosys: 289). Returns the code and each entry's offset in it, in the
/// order of `tys`.
pub(crate) fn trampolines(
    kind: TrampolineKind,
    tys: &[FuncType],
    isa: &dyn TargetIsa,
) -> Result<(StandaloneCode, Vec<u32>)> {
    let mut ctx = Context::new();
    let mut all = Compiled::default();
    let mut offsets = Vec::with_capacity(tys.len());
    for ty in tys {
        match kind {
            TrampolineKind::HostCall => build_host_call(ty, isa, &mut ctx),
            TrampolineKind::ArrayCall => build_array_call(ty, isa, &mut ctx)?,
        }
        let one = finish(&mut ctx, isa)?;
        // Each entry at a 16-byte boundary; the padding never runs.
        all.code.resize(all.code.len().next_multiple_of(16), 0);
        let at = u32::try_from(all.code.len()).context("trampolines over 4 GiB")?;
        offsets.push(at);
        all.code.extend_from_slice(&one.code);
        all.calls.extend(one.calls.iter().map(|&(o, kind, f, addend)| (o + at, kind, f, addend)));
        all.libcalls.extend(one.libcalls.iter().map(|&(o, kind, call, addend)| (o + at, kind, call, addend)));
        all.traps.extend(one.traps.iter().map(|&(o, code)| (o + at, code)));
        all.handlers.extend(one.handlers.iter().map(|&(ret, handler, sp_to_fp)| (ret + at, handler + at, sp_to_fp)));
    }
    Ok((StandaloneCode::new(all)?, offsets))
}

fn build_host_call(ty: &FuncType, isa: &dyn TargetIsa, ctx: &mut Context) {
    super::clear(ctx);
    ctx.func.signature = wasm_signature(ty);
    let mut fctx = FunctionBuilderContext::new();
    let mut builder = FunctionBuilder::new(&mut ctx.func, &mut fctx);
    let entry = builder.create_block();
    builder.append_block_params_for_function_params(entry);
    builder.switch_to_block(entry);
    builder.seal_block(entry);
    let params = builder.block_params(entry).to_vec();
    let (index, caller_vmctx) = (params[0], params[1]);
    let cells = ty.param_cells().max(ty.result_cells()).max(1);
    let slot =
        builder.create_sized_stack_slot(ir::StackSlotData::new(ir::StackSlotKind::ExplicitSlot, (cells * 8) as u32, 3));
    let base = builder.ins().stack_addr(types::I64, slot, 0);
    let mut offset = 0;
    for (param, &value) in ty.params().zip(&params[2..]) {
        store_cell(&mut builder, &param, value, base, offset);
        offset += 8 * param.cells() as i32;
    }
    // `caller vmctx → store context → libcall table → host_call`.
    let store = builder.ins().load(types::I64, MemFlagsData::trusted().with_readonly(), caller_vmctx, 0);
    let table =
        builder.ins().load(types::I64, MemFlagsData::trusted().with_readonly(), store, VMStoreContext::LIBCALLS as i32);
    let f =
        builder.ins().load(types::I64, MemFlagsData::trusted().with_readonly(), table, (libcall::HOST_CALL * 8) as i32);
    let mut sig = ir::Signature::new(cranelift_codegen::isa::CallConv::SystemV);
    sig.params.extend([ir::AbiParam::new(types::I64); 3]);
    sig.params.push(ir::AbiParam::new(types::I64));
    sig.returns.push(ir::AbiParam::new(types::I32));
    let sig = builder.import_signature(sig);
    let len = builder.ins().iconst(types::I64, cells as i64);
    let call = builder.ins().call_indirect(sig, f, &[caller_vmctx, index, base, len]);
    let status = builder.inst_results(call)[0];
    // The host function threw: rethrow its exception from here, so that
    // the unwinding starts at this trampoline's caller.
    let threw = builder.ins().icmp_imm_s(ir::condcodes::IntCC::Equal, status, i64::from(libcall::HOST_THREW));
    let (rethrow, done) = (builder.create_block(), builder.create_block());
    builder.ins().brif(threw, rethrow, &[], done, &[]);
    builder.set_cold_block(rethrow);
    builder.switch_to_block(rethrow);
    builder.seal_block(rethrow);
    let throw =
        builder.ins().load(types::I64, MemFlagsData::trusted().with_readonly(), table, (libcall::THROW * 8) as i32);
    let mut throw_sig = ir::Signature::new(cranelift_codegen::isa::CallConv::SystemV);
    throw_sig.params.extend([ir::AbiParam::new(types::I64); 3]);
    let throw_sig = builder.import_signature(throw_sig);
    let what = builder.ins().iconst(types::I64, libcall::THROW_PENDING as i64);
    let zero = builder.ins().iconst(types::I64, 0);
    builder.ins().call_indirect(throw_sig, throw, &[caller_vmctx, what, zero]);
    builder.ins().trap(HOST_TRAP);
    builder.switch_to_block(done);
    builder.seal_block(done);
    builder.ins().trapnz(status, HOST_TRAP);
    let mut results = Vec::new();
    let mut offset = 0;
    for result in ty.results() {
        results.push(load_cell(&mut builder, &result, base, offset));
        offset += 8 * result.cells() as i32;
    }
    builder.ins().return_(&results);
    builder.finalize(isa.frontend_config());
}
