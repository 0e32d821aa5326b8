//! Translation of one validated wasm function body into Cranelift IR.
//!
//! The translator walks the operators once with a stack of SSA values (the
//! wasm operand stack) and a stack of control frames, as Cranelift's own
//! wasm translators do. Locals are frontend variables; block results are
//! parameters of the blocks where control merges. Everything a function
//! reaches of its instance goes through its `vmctx` parameter, at the
//! offsets of [`VMOffsets`] and the definitions' field offsets: the same
//! runtime objects the interpreter reads.
//!
//! Reachability, and with it fuel, follow the interpreter's translator
//! exactly (`interp::translate::FuncTranslator`): fuel is charged at function
//! entry and at every loop header, the count of reachable operators of the
//! region that starts there, so a call consumes the same fuel in both tiers.

use super::{Env, libcall, trap_code};
use crate::runtime::vmcontext::{
    VMCallTarget, VMFuncRef, VMGlobalDefinition, VMMemoryDefinition, VMStoreContext, VMTableDefinition,
};
use crate::trap::Trap;
use crate::types::{FuncType, ValType};
use anyhow::{Result, bail};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, MemFlagsData, TrapCode, Value, types};
use cranelift_frontend::{FunctionBuilder, Variable};
use wasmparser::{BlockType, FunctionBody, MemArg, Operator};

/// The Cranelift type of a wasm value: references are cells (`i64`).
pub(super) fn clif_type(ty: &ValType) -> ir::Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 | ValType::Ref(_) => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
    }
}

/// What a branch to a control frame reaches.
struct Frame {
    kind: FrameKind,
    /// Where control goes after the frame (its results are the block's
    /// parameters).
    dest: ir::Block,
    /// For a loop, its header (branches go there, with its parameters).
    header: Option<ir::Block>,
    /// For an `if` without a taken `else` yet: the block of the else arm,
    /// and the parameter values it starts with.
    else_block: Option<ir::Block>,
    params: Vec<ir::Type>,
    results: Vec<ir::Type>,
    /// Operand stack height below the frame's parameters.
    height: usize,
    /// Whether some branch targets the frame's end.
    branched_to: bool,
    /// For a loop, the fuel region it opened (restored at its end).
    outer_fuel: Option<FuelRegion>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
    TryTable,
}

impl Frame {
    fn branch_types(&self) -> &[ir::Type] {
        if self.kind == FrameKind::Loop { &self.params } else { &self.results }
    }

    fn branch_target(&self) -> ir::Block {
        self.header.unwrap_or(self.dest)
    }
}

/// A fuel charge being counted: the constant it subtracts, patched when
/// the region ends, and its count so far.
#[derive(Clone, Copy, Debug)]
struct FuelRegion {
    amount: ir::Inst,
    count: u64,
}

pub(super) struct FuncTranslator<'a, 'b> {
    env: &'a Env<'a>,
    pub(super) builder: FunctionBuilder<'b>,
    vmctx: Value,
    /// The store context, loaded once (it never changes for an instance).
    store: Value,
    /// Memory 0's base, loaded once (memories never move), if the module
    /// has a 32-bit memory 0.
    memory0_base: Option<Value>,
    locals: Vec<(Variable, ir::Type)>,
    stack: Vec<Value>,
    control: Vec<Frame>,
    reachable: bool,
    /// How many blocks deep inside dead code.
    dead_depth: u32,
    fuel: Option<FuelRegion>,
    func_index: u32,
    /// The dispatch blocks of the enclosing `try_table`s, innermost last:
    /// a call made inside one is a `try_call` whose exceptions go to the
    /// innermost (it rethrows what its clauses do not catch).
    handlers: Vec<ir::Block>,
    /// The `loop` operators read so far, reachable or not: the index of
    /// the next one.
    loops: u32,
    /// For an on-stack-replacement entry (`Env::osr_loop`): the header of
    /// that loop, which the entry block jumps to.
    osr_header: Option<ir::Block>,
}

/// What a call calls.
enum Callee {
    Direct(ir::FuncRef),
    Indirect(Value),
}

impl<'a, 'b> FuncTranslator<'a, 'b> {
    pub fn new(env: &'a Env<'a>, builder: FunctionBuilder<'b>) -> Self {
        FuncTranslator {
            env,
            builder,
            vmctx: Value::from_u32(0),
            store: Value::from_u32(0),
            memory0_base: None,
            locals: Vec::new(),
            stack: Vec::new(),
            control: Vec::new(),
            reachable: true,
            dead_depth: 0,
            fuel: None,
            func_index: 0,
            handlers: Vec::new(),
            loops: 0,
            osr_header: None,
        }
    }

    /// Translates the body of defined function `func_index` (module index).
    pub fn translate(mut self, func_index: u32, body: &FunctionBody<'_>) -> Result<()> {
        self.func_index = func_index;
        let ty = self.env.func_type(func_index).clone();
        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        self.builder.seal_block(entry);
        let params = self.builder.block_params(entry).to_vec();
        self.vmctx = params[0];
        let flags = readonly();
        self.store = self.builder.ins().load(types::I64, flags, self.vmctx, self.env.offsets.store() as i32);
        if let Some(memory) = self.env.module.memories.first()
            && !memory.is_64()
        {
            let def = self.memory_definition(0);
            self.memory0_base =
                Some(self.builder.ins().load(types::I64, readonly(), def, VMMemoryDefinition::BASE as i32));
        }
        // An on-stack-replacement entry: the interpreter's locals come in
        // cells (`params[2]`), and the entry jumps into the loop; the
        // function's own start is translated as usual, in a block nothing
        // reaches, so that the loop sits in its enclosing blocks.
        // Every local of a type starts as the same zero value, so a merge
        // of locals still at zero needs no block parameter: one constant
        // per local made the SSA builder add parameters for each local at
        // every merge, quadratic in locals times branches.
        let mut zeros: Vec<(ir::Type, Value)> = Vec::new();
        let mut zero_of = |this: &mut Self, clif: ir::Type| match zeros.iter().find(|(ty, _)| *ty == clif) {
            Some(&(_, zero)) => zero,
            None => {
                let zero = this.zero(clif);
                zeros.push((clif, zero));
                zero
            }
        };
        if self.env.osr_loop.is_some() {
            // An on-stack-replacement entry: the interpreter's locals come
            // in cells (`params[2]`), and the entry jumps into the loop.
            // The function's own start is translated as usual, in a block
            // nothing reaches, so that the loop sits in its enclosing blocks.
            let header = self.builder.create_block();
            self.osr_header = Some(header);
            self.osr_locals(&ty, body, params[2], header)?;
            let start = self.builder.create_block();
            self.builder.switch_to_block(start);
            self.builder.seal_block(start);
            for (var, clif) in self.locals.clone() {
                let zero = zero_of(&mut self, clif);
                self.builder.def_var(var, zero);
            }
        } else {
            for (i, p) in ty.params().enumerate() {
                let clif = clif_type(&p);
                let var = self.builder.declare_var(clif);
                self.builder.def_var(var, params[2 + i]);
                self.locals.push((var, clif));
            }
            for local in body.get_locals_reader()? {
                let (count, wasm_ty) = local?;
                let clif = clif_type(&ValType::from_wasmparser(wasm_ty, &self.env.module.types)?);
                let zero = zero_of(&mut self, clif);
                for _ in 0..count {
                    let var = self.builder.declare_var(clif);
                    self.builder.def_var(var, zero);
                    self.locals.push((var, clif));
                }
            }
        }
        if self.env.fuel {
            self.fuel = Some(self.charge_fuel());
        }
        if self.env.interruptible {
            self.check_interrupt();
        }
        let results: Vec<ir::Type> = ty.results().map(|r| clif_type(&r)).collect();
        let dest = self.builder.create_block();
        for &r in &results {
            self.builder.append_block_param(dest, r);
        }
        self.control.push(Frame {
            kind: FrameKind::Function,
            dest,
            header: None,
            else_block: None,
            params: Vec::new(),
            results,
            height: 0,
            branched_to: false,
            outer_fuel: None,
        });

        let mut reader = body.get_operators_reader()?;
        let budget = value_budget(usize::try_from(body.range().end - body.range().start).unwrap_or(usize::MAX));
        while !reader.eof() {
            let offset = reader.original_position();
            let op = reader.read()?;
            let is_loop = matches!(op, Operator::Loop { .. });
            self.operator(op).map_err(|e| anyhow::anyhow!("{e:#} (at offset {offset:#x})"))?;
            self.loops += u32::from(is_loop);
            if self.builder.func.dfg.num_values() > budget {
                bail!(
                    "function {func_index} is too large to compile: its SSA form grew past {budget} values \
                     by offset {offset:#x} (locals live across deeply nested loops or very many branches); \
                     run it with `Strategy::Interpreter`"
                );
            }
        }
        if let Some(region) = self.fuel.take() {
            self.patch_fuel(region);
        }
        if let Some(target) = self.env.osr_loop
            && self.osr_header.is_some()
        {
            bail!("function {func_index} has no loop {target} to enter");
        }
        self.builder.seal_all_blocks();
        self.builder.finalize(self.env.isa.frontend_config());
        Ok(())
    }

    /// Declares the locals of an on-stack-replacement entry, each read
    /// from its cells at `cells` (laid out as the interpreter's frame:
    /// parameters then declared locals, a cell each, two for a `v128`),
    /// and jumps to `header`.
    fn osr_locals(&mut self, ty: &FuncType, body: &FunctionBody<'_>, cells: Value, header: ir::Block) -> Result<()> {
        let mut local_types: Vec<ir::Type> = ty.params().map(|p| clif_type(&p)).collect();
        for local in body.get_locals_reader()? {
            let (count, wasm_ty) = local?;
            let clif = clif_type(&ValType::from_wasmparser(wasm_ty, &self.env.module.types)?);
            local_types.extend(std::iter::repeat_n(clif, count as usize));
        }
        let mut offset = 0i32;
        for clif in local_types {
            let var = self.builder.declare_var(clif);
            let value = self.builder.ins().load(clif, MemFlagsData::trusted(), cells, offset);
            offset += if clif == types::I8X16 { 16 } else { 8 };
            self.builder.def_var(var, value);
            self.locals.push((var, clif));
        }
        self.builder.ins().jump(header, &[]);
        Ok(())
    }

    // ---- Helpers ----

    fn zero(&mut self, ty: ir::Type) -> Value {
        match ty {
            types::F32 => self.builder.ins().f32const(0.0),
            types::F64 => self.builder.ins().f64const(0.0),
            types::I8X16 => {
                let c = self.builder.func.dfg.constants.insert(vec![0u8; 16].into());
                self.builder.ins().vconst(types::I8X16, c)
            }
            _ => self.builder.ins().iconst(ty, 0),
        }
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated code never underflows the stack")
    }

    pub(super) fn pop_value(&mut self) -> Value {
        self.pop()
    }

    pub(super) fn push_value(&mut self, v: Value) {
        self.push(v);
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn peek_n(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    fn trap(&mut self, trap: Trap) {
        self.builder.ins().trap(trap_code(trap));
    }

    fn trapz(&mut self, cond: Value, trap: Trap) {
        self.builder.ins().trapz(cond, trap_code(trap));
    }

    fn trapnz(&mut self, cond: Value, trap: Trap) {
        self.builder.ins().trapnz(cond, trap_code(trap));
    }

    /// The definition pointer at `offset` in the instance context.
    fn context_entry(&mut self, offset: usize) -> Value {
        self.builder.ins().load(types::I64, readonly(), self.vmctx, offset as i32)
    }

    fn memory_definition(&mut self, index: u32) -> Value {
        self.context_entry(self.env.offsets.memory(index))
    }

    fn table_definition(&mut self, index: u32) -> Value {
        self.context_entry(self.env.offsets.table(index))
    }

    fn global_definition(&mut self, index: u32) -> Value {
        self.context_entry(self.env.offsets.global(index))
    }

    /// Calls libcall `index` (`libcall::*`) with the System V convention;
    /// its address comes from the store context's table.
    fn call_libcall(&mut self, index: usize, args: &[Value], returns: &[ir::Type]) -> Vec<Value> {
        let table = self.builder.ins().load(types::I64, readonly(), self.store, VMStoreContext::LIBCALLS as i32);
        let f = self.builder.ins().load(types::I64, readonly(), table, (index * 8) as i32);
        // The throw is a `try_call` inside a `try_table`, and its unwinding
        // restores no register: under the `tail` convention (the same
        // argument registers as System V here) Cranelift treats every
        // register as clobbered on the exceptional edge.
        let conv = if index == libcall::THROW { super::CallConv::Tail } else { self.env.isa.default_call_conv() };
        let mut sig = ir::Signature::new(conv);
        for &a in args {
            sig.params.push(ir::AbiParam::new(self.builder.func.dfg.value_type(a)));
        }
        for &r in returns {
            sig.returns.push(ir::AbiParam::new(r));
        }
        let sig = self.builder.import_signature(sig);
        if index == libcall::THROW {
            return self.emit_call(Callee::Indirect(f), sig, args);
        }
        let call = self.builder.ins().call_indirect(sig, f, args);
        self.builder.inst_results(call).to_vec()
    }

    /// A call; inside a `try_table`, a `try_call` whose exceptions go to
    /// the innermost handler. Returns the results.
    fn emit_call(&mut self, callee: Callee, sig: ir::SigRef, args: &[Value]) -> Vec<Value> {
        let Some(&dispatch) = self.handlers.last() else {
            let call = match callee {
                Callee::Direct(f) => self.builder.ins().call(f, args),
                Callee::Indirect(code) => self.builder.ins().call_indirect(sig, code, args),
            };
            return self.builder.inst_results(call).to_vec();
        };
        let returns: Vec<ir::Type> =
            self.builder.func.dfg.signatures[sig].returns.iter().map(|r| r.value_type).collect();
        let next = self.new_block_with(&returns);
        let pool = &mut self.builder.func.dfg.value_lists;
        let normal = ir::BlockCall::new(next, (0..returns.len() as u32).map(BlockArg::TryCallRet), pool);
        let caught = ir::BlockCall::new(dispatch, [BlockArg::TryCallExn(0)], pool);
        let table = self.builder.func.dfg.exception_tables.push(ir::ExceptionTableData::new(
            sig,
            normal,
            [ir::ExceptionTableItem::Default(caught)],
        ));
        match callee {
            Callee::Direct(f) => self.builder.ins().try_call(f, args, table),
            Callee::Indirect(code) => self.builder.ins().try_call_indirect(code, args, table),
        };
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        self.builder.block_params(next).to_vec()
    }

    /// Calls a libcall that returns a status (non-zero: the host recorded a
    /// failure) and traps if it failed.
    fn call_libcall_checked(&mut self, index: usize, args: &[Value]) {
        let status = self.call_libcall(index, args, &[types::I32])[0];
        self.builder.ins().trapnz(status, super::HOST_TRAP);
    }

    /// Pushes the result of a grow libcall, `old` (the old size, -1, or -2
    /// when the limiter failed and its error is recorded: a trap), as an
    /// index of the memory's or table's width.
    fn push_grown(&mut self, old: Value, is_64: bool) {
        let failed = self.builder.ins().icmp_imm_s(IntCC::Equal, old, -2);
        self.builder.ins().trapnz(failed, super::HOST_TRAP);
        let v = if is_64 { old } else { self.builder.ins().ireduce(types::I32, old) };
        self.push(v);
    }

    // ---- Fuel and interruption ----

    /// Emits a fuel charge whose amount is patched when its region ends:
    /// `fuel < amount` traps (leaving 0), else `fuel -= amount`.
    fn charge_fuel(&mut self) -> FuelRegion {
        let amount = self.builder.ins().iconst(types::I64, 1);
        let amount_inst = self.builder.func.dfg.value_def(amount).unwrap_inst();
        let fuel = self.builder.ins().load(types::I64, notrap(), self.store, VMStoreContext::FUEL as i32);
        let short = self.builder.ins().icmp(IntCC::UnsignedLessThan, fuel, amount);
        let out = self.builder.create_block();
        let ok = self.builder.create_block();
        self.builder.ins().brif(short, out, &[], ok, &[]);
        self.builder.set_cold_block(out);
        self.builder.switch_to_block(out);
        self.builder.seal_block(out);
        let zero = self.builder.ins().iconst(types::I64, 0);
        self.builder.ins().store(notrap(), zero, self.store, VMStoreContext::FUEL as i32);
        self.trap(Trap::OutOfFuel);
        self.builder.switch_to_block(ok);
        self.builder.seal_block(ok);
        let left = self.builder.ins().isub(fuel, amount);
        self.builder.ins().store(notrap(), left, self.store, VMStoreContext::FUEL as i32);
        FuelRegion { amount: amount_inst, count: 1 }
    }

    fn patch_fuel(&mut self, region: FuelRegion) {
        let count = region.count.min(i64::MAX as u64) as i64;
        self.builder.func.dfg.insts[region.amount] =
            ir::InstructionData::UnaryImm { opcode: ir::Opcode::Iconst, imm: ir::immediates::Imm64::new(count) };
    }

    /// Traps with `Interrupt` once the engine's epoch reaches the store's deadline.
    fn check_interrupt(&mut self) {
        let counter = self.builder.ins().load(types::I64, readonly(), self.store, VMStoreContext::EPOCH as i32);
        // Another thread advances the counter: an atomic load, which no
        // optimization folds with the one of the last iteration.
        let epoch = self.builder.ins().atomic_load(types::I64, notrap(), counter);
        let deadline = self.builder.ins().load(types::I64, notrap(), self.store, VMStoreContext::EPOCH_DEADLINE as i32);
        let reached = self.builder.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        self.trapnz(reached, Trap::Interrupt);
    }

    // ---- Control ----

    fn block_types(&self, ty: BlockType) -> Result<(Vec<ir::Type>, Vec<ir::Type>)> {
        Ok(match ty {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), vec![clif_type(&ValType::from_wasmparser(t, &self.env.module.types)?)]),
            BlockType::FuncType(index) => {
                let f: &FuncType = &self.env.module.types[index as usize];
                (f.params().map(|p| clif_type(&p)).collect(), f.results().map(|r| clif_type(&r)).collect())
            }
        })
    }

    fn new_block_with(&mut self, types: &[ir::Type]) -> ir::Block {
        let block = self.builder.create_block();
        for &t in types {
            self.builder.append_block_param(block, t);
        }
        block
    }

    /// The frame `depth` levels out.
    fn frame(&mut self, depth: u32) -> &mut Frame {
        let i = self.control.len() - 1 - depth as usize;
        &mut self.control[i]
    }

    /// The target and the values a branch to the frame `depth` levels out
    /// carries (the top of the stack), marking the frame as branched to.
    fn branch_args(&mut self, depth: u32) -> (ir::Block, Vec<BlockArg>) {
        let frame = self.frame(depth);
        frame.branched_to = true;
        let n = frame.branch_types().len();
        let target = frame.branch_target();
        let args = self.peek_n(n).iter().map(|&v| BlockArg::Value(v)).collect();
        (target, args)
    }

    fn enter_dead_code(&mut self) {
        self.reachable = false;
    }

    fn operator(&mut self, op: Operator<'_>) -> Result<()> {
        if !self.reachable {
            return self.dead_operator(op);
        }
        if let Some(region) = &mut self.fuel {
            region.count = region.count.saturating_add(1);
        }
        use Operator as O;
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.trap(Trap::UnreachableCodeReached);
                self.enter_dead_code();
            }
            O::Block { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let dest = self.new_block_with(&results);
                let height = self.stack.len() - params.len();
                self.control.push(Frame {
                    kind: FrameKind::Block,
                    dest,
                    header: None,
                    else_block: None,
                    params,
                    results,
                    height,
                    branched_to: false,
                    outer_fuel: None,
                });
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let header = match self.osr_header {
                    Some(header) if self.env.osr_loop == Some(self.loops) => {
                        // The interpreter enters here with its locals
                        // only: no operand may be under the loop.
                        if !params.is_empty() || !self.stack.is_empty() {
                            bail!("loop {} has operands on the stack: no on-stack replacement", self.loops);
                        }
                        self.osr_header = None;
                        header
                    }
                    _ => self.new_block_with(&params),
                };
                let dest = self.new_block_with(&results);
                let args: Vec<BlockArg> = self.peek_n(params.len()).iter().map(|&v| BlockArg::Value(v)).collect();
                self.builder.ins().jump(header, &args);
                let height = self.stack.len() - params.len();
                self.stack.truncate(height);
                self.builder.switch_to_block(header);
                self.stack.extend_from_slice(self.builder.block_params(header));
                let outer_fuel = self.fuel.take();
                if self.env.fuel {
                    self.fuel = Some(self.charge_fuel());
                }
                if self.env.interruptible {
                    self.check_interrupt();
                }
                self.control.push(Frame {
                    kind: FrameKind::Loop,
                    dest,
                    header: Some(header),
                    else_block: None,
                    params,
                    results,
                    height,
                    branched_to: false,
                    outer_fuel,
                });
            }
            O::If { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let cond = self.pop();
                let then_block = self.builder.create_block();
                let else_block = self.new_block_with(&params);
                let dest = self.new_block_with(&results);
                let args: Vec<BlockArg> = self.peek_n(params.len()).iter().map(|&v| BlockArg::Value(v)).collect();
                self.builder.ins().brif(cond, then_block, &[], else_block, &args);
                self.builder.switch_to_block(then_block);
                self.builder.seal_block(then_block);
                let height = self.stack.len() - params.len();
                self.control.push(Frame {
                    kind: FrameKind::If,
                    dest,
                    header: None,
                    else_block: Some(else_block),
                    params,
                    results,
                    height,
                    branched_to: false,
                    outer_fuel: None,
                });
            }
            O::TryTable { try_table } => self.try_table(&try_table)?,
            O::Throw { tag_index } => {
                let ty = self.env.module.types[self.env.module.tags[tag_index as usize] as usize].clone();
                let n = ty.param_slice().len();
                let values = self.peek_n(n).to_vec();
                self.stack.truncate(self.stack.len() - n);
                let cells = self.cell_slot(ty.param_cells());
                let mut offset = 0;
                for (param, value) in ty.params().zip(values) {
                    super::trampolines::store_cell(&mut self.builder, &param, value, cells, offset);
                    offset += 8 * param.cells() as i32;
                }
                let tag = self.builder.ins().iconst(types::I64, i64::from(tag_index));
                self.call_libcall(libcall::THROW, &[self.vmctx, tag, cells], &[]);
                self.builder.ins().trap(trap_code(Trap::UnreachableCodeReached));
                self.enter_dead_code();
            }
            O::ThrowRef => {
                let exn = self.pop();
                self.trapz(exn, Trap::NullReference);
                let rethrow = self.builder.ins().iconst(types::I64, libcall::RETHROW as i64);
                self.call_libcall(libcall::THROW, &[self.vmctx, rethrow, exn], &[]);
                self.builder.ins().trap(trap_code(Trap::UnreachableCodeReached));
                self.enter_dead_code();
            }
            O::Else => self.translate_else(),
            O::End => self.translate_end(),
            O::Br { relative_depth } => {
                self.branch(relative_depth);
                self.enter_dead_code();
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                self.branch_if(cond, relative_depth);
            }
            O::BrTable { targets } => {
                let index = self.pop();
                let depths: Vec<u32> = targets.targets().collect::<Result<_, _>>()?;
                let default = targets.default();
                // Every target through a block of its own that jumps with
                // the values (targets of different arities, returns).
                let mut blocks = Vec::with_capacity(depths.len());
                let mut made: std::collections::HashMap<u32, ir::Block> = std::collections::HashMap::new();
                for &d in depths.iter().chain(std::iter::once(&default)) {
                    let b = *made.entry(d).or_insert_with(|| self.builder.create_block());
                    blocks.push(b);
                }
                let default_block = blocks.pop().expect("the default target");
                let table_data = ir::JumpTableData::new(
                    self.builder.func.dfg.block_call(default_block, &[]),
                    &blocks.iter().map(|&b| self.builder.func.dfg.block_call(b, &[])).collect::<Vec<_>>(),
                );
                let table = self.builder.create_jump_table(table_data);
                self.builder.ins().br_table(index, table);
                let mut made: Vec<(u32, ir::Block)> = made.into_iter().collect();
                made.sort_by_key(|&(_, b)| b.as_u32());
                for (depth, block) in made {
                    self.builder.switch_to_block(block);
                    self.builder.seal_block(block);
                    self.branch(depth);
                }
                self.enter_dead_code();
            }
            O::Return => {
                self.emit_return();
                self.enter_dead_code();
            }
            O::Call { function_index } => self.call(function_index, false)?,
            O::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index, false)?,
            O::ReturnCall { function_index } => {
                self.call(function_index, true)?;
                self.enter_dead_code();
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                self.call_indirect(type_index, table_index, true)?;
                self.enter_dead_code();
            }
            O::CallRef { type_index } => self.call_ref(type_index, false),
            O::ReturnCallRef { type_index } => {
                self.call_ref(type_index, true);
                self.enter_dead_code();
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("validated");
                self.trapz(r, Trap::NullReference);
            }
            O::BrOnNull { relative_depth } => {
                // The reference stays on the path that does not branch.
                let r = self.pop();
                let is_null = self.builder.ins().icmp_imm_s(IntCC::Equal, r, 0);
                self.branch_if(is_null, relative_depth);
                self.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                // The branch carries the reference as its last value.
                let r = *self.stack.last().expect("validated");
                let not_null = self.builder.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.branch_if(not_null, relative_depth);
                self.pop();
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop();
                let (a, b) = self.pop2();
                let v = self.builder.ins().select(cond, a, b);
                self.push(v);
            }
            O::LocalGet { local_index } => {
                let v = self.builder.use_var(self.locals[local_index as usize].0);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.builder.def_var(self.locals[local_index as usize].0, v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.builder.def_var(self.locals[local_index as usize].0, v);
            }
            O::GlobalGet { global_index } => {
                let ty = clif_type(self.env.module.globals[global_index as usize].content());
                let def = self.global_definition(global_index);
                let v = self.builder.ins().load(ty, notrap(), def, VMGlobalDefinition::VALUE as i32);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let def = self.global_definition(global_index);
                self.builder.ins().store(notrap(), v, def, VMGlobalDefinition::VALUE as i32);
            }
            O::I32Load { memarg } => self.load(&memarg, types::I32, Ext::None)?,
            O::I64Load { memarg } => self.load(&memarg, types::I64, Ext::None)?,
            O::F32Load { memarg } => self.load(&memarg, types::F32, Ext::None)?,
            O::F64Load { memarg } => self.load(&memarg, types::F64, Ext::None)?,
            O::I32Load8S { memarg } => self.load(&memarg, types::I32, Ext::S8)?,
            O::I32Load8U { memarg } => self.load(&memarg, types::I32, Ext::U8)?,
            O::I32Load16S { memarg } => self.load(&memarg, types::I32, Ext::S16)?,
            O::I32Load16U { memarg } => self.load(&memarg, types::I32, Ext::U16)?,
            O::I64Load8S { memarg } => self.load(&memarg, types::I64, Ext::S8)?,
            O::I64Load8U { memarg } => self.load(&memarg, types::I64, Ext::U8)?,
            O::I64Load16S { memarg } => self.load(&memarg, types::I64, Ext::S16)?,
            O::I64Load16U { memarg } => self.load(&memarg, types::I64, Ext::U16)?,
            O::I64Load32S { memarg } => self.load(&memarg, types::I64, Ext::S32)?,
            O::I64Load32U { memarg } => self.load(&memarg, types::I64, Ext::U32)?,
            O::I32Store { memarg } | O::I64Store { memarg } | O::F32Store { memarg } | O::F64Store { memarg } => {
                self.store(&memarg, 0)?
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(&memarg, 1)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(&memarg, 2)?,
            O::I64Store32 { memarg } => self.store(&memarg, 4)?,
            O::MemorySize { mem } => {
                let def = self.memory_definition(mem);
                let len = self.builder.ins().load(types::I64, notrap(), def, VMMemoryDefinition::CURRENT_LENGTH as i32);
                let shift = self.env.module.memories[mem as usize].page_size_log2();
                let pages = self.builder.ins().ushr_imm_s(len, i64::from(shift));
                let v = if self.env.module.memories[mem as usize].is_64() {
                    pages
                } else {
                    self.builder.ins().ireduce(types::I32, pages)
                };
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let delta = self.index_i64(delta, self.env.module.memories[mem as usize].is_64());
                let index = self.builder.ins().iconst(types::I32, i64::from(mem));
                let old = self.call_libcall(libcall::MEMORY_GROW, &[self.vmctx, index, delta], &[types::I64])[0];
                self.push_grown(old, self.env.module.memories[mem as usize].is_64());
            }
            O::MemoryFill { mem } => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                let is_64 = self.env.module.memories[mem as usize].is_64();
                let (dst, len) = (self.index_i64(dst, is_64), self.index_i64(len, is_64));
                let index = self.builder.ins().iconst(types::I32, i64::from(mem));
                self.call_libcall_checked(libcall::MEMORY_FILL, &[self.vmctx, index, dst, value, len]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let dst_64 = self.env.module.memories[dst_mem as usize].is_64();
                let src_64 = self.env.module.memories[src_mem as usize].is_64();
                let dst = self.index_i64(dst, dst_64);
                let src = self.index_i64(src, src_64);
                let len = self.index_i64(len, dst_64 && src_64);
                let d = self.builder.ins().iconst(types::I32, i64::from(dst_mem));
                let s = self.builder.ins().iconst(types::I32, i64::from(src_mem));
                self.call_libcall_checked(libcall::MEMORY_COPY, &[self.vmctx, d, dst, s, src, len]);
            }
            O::MemoryInit { data_index, mem } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let dst = self.index_i64(dst, self.env.module.memories[mem as usize].is_64());
                let m = self.builder.ins().iconst(types::I32, i64::from(mem));
                let d = self.builder.ins().iconst(types::I32, i64::from(data_index));
                self.call_libcall_checked(libcall::MEMORY_INIT, &[self.vmctx, m, d, dst, src, len]);
            }
            O::DataDrop { data_index } => {
                let d = self.builder.ins().iconst(types::I32, i64::from(data_index));
                self.call_libcall_checked(libcall::DATA_DROP, &[self.vmctx, d]);
            }
            O::I32Const { value } => {
                let v = self.builder.ins().iconst(types::I32, i64::from(value));
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.builder.ins().iconst(types::I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.builder.ins().f32const(ir::immediates::Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.builder.ins().f64const(ir::immediates::Ieee64::with_bits(value.bits()));
                self.push(v);
            }
            O::RefNull { .. } => {
                let v = self.builder.ins().iconst(types::I64, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let r = self.pop();
                let v = self.builder.ins().icmp_imm_s(IntCC::Equal, r, 0);
                let v = self.builder.ins().uextend(types::I32, v);
                self.push(v);
            }
            O::RefFunc { function_index } => {
                let f = self.builder.ins().iconst(types::I32, i64::from(function_index));
                let v = self.call_libcall(libcall::REF_FUNC, &[self.vmctx, f], &[types::I64])[0];
                self.push(v);
            }
            O::TableGet { table } => {
                let index = self.pop();
                let cell = self.table_cell(table, index);
                let v = self.builder.ins().load(types::I64, notrap(), cell, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                let cell = self.table_cell(table, index);
                self.builder.ins().store(notrap(), value, cell, 0);
            }
            O::TableSize { table } => {
                let def = self.table_definition(table);
                let len =
                    self.builder.ins().load(types::I64, notrap(), def, VMTableDefinition::CURRENT_ELEMENTS as i32);
                let v = if self.env.module.tables[table as usize].is_64() {
                    len
                } else {
                    self.builder.ins().ireduce(types::I32, len)
                };
                self.push(v);
            }
            O::TableGrow { table } => {
                let delta = self.pop();
                let init = self.pop();
                let is_64 = self.env.module.tables[table as usize].is_64();
                let delta = self.index_i64(delta, is_64);
                let t = self.builder.ins().iconst(types::I32, i64::from(table));
                let old = self.call_libcall(libcall::TABLE_GROW, &[self.vmctx, t, init, delta], &[types::I64])[0];
                self.push_grown(old, is_64);
            }
            O::TableFill { table } => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                let is_64 = self.env.module.tables[table as usize].is_64();
                let (dst, len) = (self.index_i64(dst, is_64), self.index_i64(len, is_64));
                let t = self.builder.ins().iconst(types::I32, i64::from(table));
                self.call_libcall_checked(libcall::TABLE_FILL, &[self.vmctx, t, dst, value, len]);
            }
            O::TableCopy { dst_table, src_table } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let dst_64 = self.env.module.tables[dst_table as usize].is_64();
                let src_64 = self.env.module.tables[src_table as usize].is_64();
                let dst = self.index_i64(dst, dst_64);
                let src = self.index_i64(src, src_64);
                let len = self.index_i64(len, dst_64 && src_64);
                let d = self.builder.ins().iconst(types::I32, i64::from(dst_table));
                let s = self.builder.ins().iconst(types::I32, i64::from(src_table));
                self.call_libcall_checked(libcall::TABLE_COPY, &[self.vmctx, d, dst, s, src, len]);
            }
            O::TableInit { elem_index, table } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                let dst = self.index_i64(dst, self.env.module.tables[table as usize].is_64());
                let t = self.builder.ins().iconst(types::I32, i64::from(table));
                let e = self.builder.ins().iconst(types::I32, i64::from(elem_index));
                self.call_libcall_checked(libcall::TABLE_INIT, &[self.vmctx, t, e, dst, src, len]);
            }
            O::ElemDrop { elem_index } => {
                let e = self.builder.ins().iconst(types::I32, i64::from(elem_index));
                self.call_libcall_checked(libcall::ELEM_DROP, &[self.vmctx, e]);
            }
            other => {
                if !self.numeric(&other) && !self.simd(&other)? {
                    bail!("{}", super::unsupported(&other));
                }
            }
        }
        Ok(())
    }

    /// Dead code: only the block structure matters.
    fn dead_operator(&mut self, op: Operator<'_>) -> Result<()> {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } | Operator::TryTable { .. } => {
                self.dead_depth += 1
            }
            Operator::Else if self.dead_depth == 0 => self.translate_else(),
            Operator::End if self.dead_depth == 0 => self.translate_end(),
            Operator::End => self.dead_depth -= 1,
            _ => {}
        }
        Ok(())
    }

    /// A branch to the frame `depth` levels out, with the values on top of
    /// the stack, taken if `cond` is non-zero.
    fn branch_if(&mut self, cond: Value, depth: u32) {
        let next = self.builder.create_block();
        if depth as usize == self.control.len() - 1 {
            let ret = self.builder.create_block();
            self.builder.ins().brif(cond, ret, &[], next, &[]);
            self.builder.switch_to_block(ret);
            self.builder.seal_block(ret);
            self.emit_return();
        } else {
            let (target, args) = self.branch_args(depth);
            self.builder.ins().brif(cond, target, &args, next, &[]);
        }
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
    }

    fn branch(&mut self, depth: u32) {
        if depth as usize == self.control.len() - 1 {
            self.emit_return();
            return;
        }
        let (target, args) = self.branch_args(depth);
        self.builder.ins().jump(target, &args);
    }

    fn emit_return(&mut self) {
        let n = self.env.func_type(self.func_index).result_slice().len();
        let values = self.peek_n(n).to_vec();
        self.builder.ins().return_(&values);
    }

    fn translate_else(&mut self) {
        let reachable = self.reachable;
        let frame = self.control.last_mut().expect("an if");
        let else_block = frame.else_block.take().expect("validated `else` follows `if`");
        frame.kind = FrameKind::Else;
        // The then arm's end reaches the `if`'s end.
        frame.branched_to |= reachable;
        let (dest, n, height) = (frame.dest, frame.results.len(), frame.height);
        if reachable {
            let args: Vec<BlockArg> = self.peek_n(n).iter().map(|&v| BlockArg::Value(v)).collect();
            self.builder.ins().jump(dest, &args);
        }
        self.stack.truncate(height);
        self.builder.switch_to_block(else_block);
        self.builder.seal_block(else_block);
        self.stack.extend_from_slice(self.builder.block_params(else_block));
        self.reachable = true;
        self.dead_depth = 0;
    }

    fn translate_end(&mut self) {
        let frame = self.control.pop().expect("a frame");
        if frame.kind == FrameKind::TryTable {
            let dispatch = self.handlers.pop().expect("a try_table's handler");
            self.builder.seal_block(dispatch);
        }
        let fell_through = self.reachable;
        if fell_through {
            if frame.kind == FrameKind::Function {
                self.emit_return();
            } else {
                let args: Vec<BlockArg> =
                    self.peek_n(frame.results.len()).iter().map(|&v| BlockArg::Value(v)).collect();
                self.builder.ins().jump(frame.dest, &args);
            }
        }
        if let Some(else_block) = frame.else_block {
            // An `if` without `else`: the empty else arm passes the
            // parameters on as results.
            self.builder.switch_to_block(else_block);
            self.builder.seal_block(else_block);
            let params = self.builder.block_params(else_block).to_vec();
            let args: Vec<BlockArg> = params.into_iter().map(BlockArg::Value).collect();
            self.builder.ins().jump(frame.dest, &args);
        }
        if frame.kind == FrameKind::Loop {
            if let Some(header) = frame.header {
                self.builder.seal_block(header);
            }
            if self.env.fuel {
                if let Some(region) = self.fuel.take() {
                    self.patch_fuel(region);
                }
                self.fuel = frame.outer_fuel;
            }
        }
        let reachable_after = match frame.kind {
            FrameKind::Function => false,
            FrameKind::Loop => fell_through,
            FrameKind::If => true,
            FrameKind::Block | FrameKind::Else | FrameKind::TryTable => fell_through || frame.branched_to,
        };
        self.stack.truncate(frame.height);
        if frame.kind == FrameKind::Function {
            // The function's merge block is never reached: returns return.
            self.builder.switch_to_block(frame.dest);
            self.builder.seal_block(frame.dest);
            self.builder.ins().trap(trap_code(Trap::UnreachableCodeReached));
            self.reachable = false;
            return;
        }
        self.builder.switch_to_block(frame.dest);
        self.builder.seal_block(frame.dest);
        self.stack.extend_from_slice(self.builder.block_params(frame.dest));
        if !reachable_after {
            // Nothing reaches the code after the block; it stays valid IR.
            self.builder.ins().trap(trap_code(Trap::UnreachableCodeReached));
        }
        self.reachable = reachable_after;
        self.dead_depth = 0;
    }

    // ---- Exceptions ----

    /// A stack slot of `cells` cells (at least one), by its address.
    fn cell_slot(&mut self, cells: usize) -> Value {
        let size = (cells.max(1) * 8) as u32;
        let slot =
            self.builder.create_sized_stack_slot(ir::StackSlotData::new(ir::StackSlotKind::ExplicitSlot, size, 4));
        self.builder.ins().stack_addr(types::I64, slot, 0)
    }

    /// `try_table`: a block whose calls and throws go to a dispatch block
    /// built here, before the block's scope opens (so that what it
    /// rethrows goes to the enclosing handler): it tries the clauses in
    /// order, each a libcall comparing tags, and branches to the first
    /// that matches with the payload (and the `exnref`); with no match it
    /// rethrows. Nothing of this runs unless something throws.
    fn try_table(&mut self, try_table: &wasmparser::TryTable) -> Result<()> {
        use wasmparser::Catch;
        let (params, results) = self.block_types(try_table.ty)?;
        let height = self.stack.len() - params.len();
        let body = self.new_block_with(&params);
        let args: Vec<BlockArg> = self.peek_n(params.len()).iter().map(|&v| BlockArg::Value(v)).collect();
        self.builder.ins().jump(body, &args);
        let dispatch = self.builder.create_block();
        let exn = self.builder.append_block_param(dispatch, types::I64);
        self.builder.set_cold_block(dispatch);
        self.builder.switch_to_block(dispatch);
        let mut caught_all = false;
        for catch in &try_table.catches {
            let (tag, with_ref, label) = match *catch {
                Catch::One { tag, label } => (Some(tag), false, label),
                Catch::OneRef { tag, label } => (Some(tag), true, label),
                Catch::All { label } => (None, false, label),
                Catch::AllRef { label } => (None, true, label),
            };
            // Like the interpreter: every clause's label is a branch target.
            if label as usize != self.control.len() - 1 {
                self.frame(label).branched_to = true;
            }
            if caught_all {
                continue;
            }
            let next = self.builder.create_block();
            if let Some(tag) = tag {
                let tag_value = self.builder.ins().iconst(types::I32, i64::from(tag));
                let is = self.call_libcall(libcall::EXN_IS, &[self.vmctx, exn, tag_value], &[types::I32])[0];
                let hit = self.builder.create_block();
                self.builder.ins().brif(is, hit, &[], next, &[]);
                self.builder.switch_to_block(hit);
                self.builder.seal_block(hit);
            } else {
                caught_all = true;
            }
            let keep = self.builder.ins().iconst(types::I32, i64::from(with_ref));
            let mut values = Vec::new();
            if let Some(tag) = tag {
                let ty = self.env.module.types[self.env.module.tags[tag as usize] as usize].clone();
                let cells = self.cell_slot(ty.param_cells());
                self.call_libcall(libcall::EXN_CATCH, &[self.vmctx, exn, cells, keep], &[types::I32]);
                let mut offset = 0;
                for param in ty.params() {
                    values.push(super::trampolines::load_cell(&mut self.builder, &param, cells, offset));
                    offset += 8 * param.cells() as i32;
                }
            } else {
                let null = self.builder.ins().iconst(types::I64, 0);
                self.call_libcall(libcall::EXN_CATCH, &[self.vmctx, exn, null, keep], &[types::I32]);
            }
            if with_ref {
                values.push(exn);
            }
            if label as usize == self.control.len() - 1 {
                self.builder.ins().return_(&values);
            } else {
                let target = self.frame(label).branch_target();
                let args: Vec<BlockArg> = values.into_iter().map(BlockArg::Value).collect();
                self.builder.ins().jump(target, &args);
            }
            self.builder.switch_to_block(next);
            self.builder.seal_block(next);
            if caught_all {
                self.builder.ins().trap(trap_code(Trap::UnreachableCodeReached));
            }
        }
        if !caught_all {
            let rethrow = self.builder.ins().iconst(types::I64, libcall::RETHROW as i64);
            self.call_libcall(libcall::THROW, &[self.vmctx, rethrow, exn], &[]);
            self.builder.ins().trap(trap_code(Trap::UnreachableCodeReached));
        }
        self.builder.switch_to_block(body);
        self.builder.seal_block(body);
        self.stack.truncate(height);
        self.stack.extend_from_slice(self.builder.block_params(body));
        let dest = self.new_block_with(&results);
        self.control.push(Frame {
            kind: FrameKind::TryTable,
            dest,
            header: None,
            else_block: None,
            params,
            results,
            height,
            branched_to: false,
            outer_fuel: None,
        });
        self.handlers.push(dispatch);
        Ok(())
    }

    // ---- Calls ----

    /// The signature of wasm functions of type `ty`: callee and caller
    /// contexts, then the parameters (the `tail` convention).
    fn wasm_signature(&self, ty: &FuncType) -> ir::Signature {
        super::wasm_signature(ty)
    }

    /// A call of function `function_index`, or a tail call (`tail`).
    fn call(&mut self, function_index: u32, tail: bool) -> Result<()> {
        let ty = self.env.func_type(function_index).clone();
        let n = ty.param_slice().len();
        let args = self.peek_n(n).to_vec();
        self.stack.truncate(self.stack.len() - n);
        let sig = self.wasm_signature(&ty);
        let imported = self.env.module.num_imported_funcs;
        // Tier-up's code calls itself directly too: recursion, however its
        // store switched, stays in this code (an entry into a loop is not
        // the function's own entry, and calls through the reference).
        let direct = !self.env.calls_through_refs || (function_index == self.func_index && self.env.osr_loop.is_none());
        if function_index >= imported && direct {
            let name = self.builder.func.declare_imported_user_function(ir::UserExternalName::new(0, function_index));
            let sig = self.builder.import_signature(sig);
            let f = self.builder.import_function(ir::ExtFuncData {
                name: ir::ExternalName::user(name),
                signature: sig,
                colocated: true,
                patchable: false,
            });
            let mut call_args = vec![self.vmctx, self.vmctx];
            call_args.extend(args);
            if tail {
                self.builder.ins().return_call(f, &call_args);
            } else {
                let results = self.emit_call(Callee::Direct(f), sig, &call_args);
                self.stack.extend(results);
            }
        } else if function_index >= imported {
            // Tier-up's: through the function's call target in the context,
            // which the store repoints when the function switches tier.
            let at = self.env.offsets.call_target(function_index - imported) as i32;
            let code = self.builder.ins().load(types::I64, notrap(), self.vmctx, at + VMCallTarget::WASM_CALL as i32);
            let callee_vmctx =
                self.builder.ins().load(types::I64, notrap(), self.vmctx, at + VMCallTarget::VMCTX as i32);
            self.call_code(code, callee_vmctx, sig, &args, tail);
        } else {
            // Through its function reference in the store, whose index is
            // in the context.
            let offset = self.env.offsets.func_import(function_index) as i32;
            let index = self.builder.ins().load(types::I64, readonly(), self.vmctx, offset);
            let func_ref = self.func_ref_address(index);
            self.call_func_ref(func_ref, sig, &args, tail);
        }
        Ok(())
    }

    /// `call_ref`/`return_call_ref` of a function of type `type_index`.
    fn call_ref(&mut self, type_index: u32, tail: bool) {
        let ty = self.env.module.types[type_index as usize].clone();
        let cell = self.pop();
        let n = ty.param_slice().len();
        let args = self.peek_n(n).to_vec();
        self.stack.truncate(self.stack.len() - n);
        self.trapz(cell, Trap::NullFunctionReference);
        let store_index = self.builder.ins().iadd_imm_s(cell, -1);
        let func_ref = self.func_ref_address(store_index);
        self.call_func_ref(func_ref, self.wasm_signature(&ty), &args, tail);
    }

    /// The address of the `VMFuncRef` of store function `index` (an `i64`).
    fn func_ref_address(&mut self, index: Value) -> Value {
        let funcs = self.builder.ins().load(types::I64, notrap(), self.store, VMStoreContext::FUNCS as i32);
        let offset = self.builder.ins().imul_imm_s(index, std::mem::size_of::<VMFuncRef>() as i64);
        self.builder.ins().iadd(funcs, offset)
    }

    /// Calls (or tail-calls) the function whose `VMFuncRef` is at
    /// `func_ref`; a call's results go on the stack.
    fn call_func_ref(&mut self, func_ref: Value, sig: ir::Signature, args: &[Value], tail: bool) {
        let code = self.builder.ins().load(types::I64, notrap(), func_ref, VMFuncRef::WASM_CALL as i32);
        let callee_vmctx = self.builder.ins().load(types::I64, notrap(), func_ref, VMFuncRef::VMCTX as i32);
        self.call_code(code, callee_vmctx, sig, args, tail);
    }

    /// Calls (or tail-calls) the compiled entry `code` with context
    /// `callee_vmctx`; a call's results go on the stack.
    fn call_code(&mut self, code: Value, callee_vmctx: Value, sig: ir::Signature, args: &[Value], tail: bool) {
        let sig = self.builder.import_signature(sig);
        let mut call_args = vec![callee_vmctx, self.vmctx];
        call_args.extend_from_slice(args);
        if tail {
            self.builder.ins().return_call_indirect(sig, code, &call_args);
        } else {
            let results = self.emit_call(Callee::Indirect(code), sig, &call_args);
            self.stack.extend(results);
        }
    }

    fn call_indirect(&mut self, type_index: u32, table_index: u32, tail: bool) -> Result<()> {
        let ty = self.env.module.types[type_index as usize].clone();
        let index = self.pop();
        let n = ty.param_slice().len();
        let args = self.peek_n(n).to_vec();
        self.stack.truncate(self.stack.len() - n);
        let cell_address = self.table_cell(table_index, index);
        let cell = self.builder.ins().load(types::I64, notrap(), cell_address, 0);
        self.trapz(cell, Trap::IndirectCallToNull);
        let store_index = self.builder.ins().iadd_imm_s(cell, -1);
        let func_ref = self.func_ref_address(store_index);
        let sig = self.builder.ins().load(types::I32, notrap(), func_ref, VMFuncRef::SIG as i32);
        let expected = self.env.module.type_sigs[type_index as usize].0;
        let mismatch = self.builder.ins().icmp_imm_s(IntCC::NotEqual, sig, i64::from(expected));
        self.trapnz(mismatch, Trap::BadSignature);
        self.call_func_ref(func_ref, self.wasm_signature(&ty), &args, tail);
        Ok(())
    }

    // ---- Memory and tables ----

    /// An index operand as an `i64`: zero-extended from an `i32` unless the
    /// memory or table has 64-bit indices.
    fn index_i64(&mut self, v: Value, is_64: bool) -> Value {
        if is_64 { v } else { self.builder.ins().uextend(types::I64, v) }
    }

    /// The address of `width` bytes at `addr + offset` of memory `memarg`
    /// names. A 32-bit memory reserves 4 GiB plus a 2 GiB guard region,
    /// so an access with a smaller offset needs no check: beyond the
    /// accessible size it faults, and the fault is the trap. Other accesses
    /// are checked against the current size.
    pub(super) fn address(&mut self, memarg: &MemArg, addr: Value, width: u64) -> Result<(Value, i32)> {
        let memory = match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => m,
            wasmparser::MemArgTarget::Array(_) => bail!("GC arrays are not supported yet"),
        };
        let ty = &self.env.module.memories[memory as usize];
        let is_64 = ty.is_64();
        let index = self.index_i64(addr, is_64);
        let base = match (memory, self.memory0_base) {
            (0, Some(base)) => base,
            _ => {
                let def = self.memory_definition(memory);
                self.builder.ins().load(types::I64, readonly(), def, VMMemoryDefinition::BASE as i32)
            }
        };
        if !is_64 && memarg.offset + width <= crate::runtime::memory::GUARD_SIZE_32 as u64 {
            let address = self.builder.ins().iadd(base, index);
            return Ok((address, memarg.offset as i32));
        }
        // Explicit check: index + offset + width <= length, without wrapping.
        let def = self.memory_definition(memory);
        let length = self.builder.ins().load(types::I64, notrap(), def, VMMemoryDefinition::CURRENT_LENGTH as i32);
        let end_offset = memarg.offset.checked_add(width);
        let end = match end_offset {
            Some(end) if end <= i64::MAX as u64 => {
                let end = self.builder.ins().iconst(types::I64, end as i64);
                let (sum, overflow) = self.builder.ins().uadd_overflow(index, end);
                self.trapnz(overflow, Trap::MemoryOutOfBounds);
                sum
            }
            _ => {
                self.trap(Trap::MemoryOutOfBounds);
                let after = self.builder.create_block();
                self.builder.switch_to_block(after);
                self.builder.seal_block(after);
                self.builder.ins().iconst(types::I64, 0)
            }
        };
        let outside = self.builder.ins().icmp(IntCC::UnsignedGreaterThan, end, length);
        self.trapnz(outside, Trap::MemoryOutOfBounds);
        let address = self.builder.ins().iadd(base, index);
        let address = self.builder.ins().iadd_imm_s(address, memarg.offset as i64);
        Ok((address, 0))
    }

    fn load(&mut self, memarg: &MemArg, ty: ir::Type, ext: Ext) -> Result<()> {
        let width = match ext {
            Ext::None => u64::from(ty.bytes()),
            Ext::S8 | Ext::U8 => 1,
            Ext::S16 | Ext::U16 => 2,
            Ext::S32 | Ext::U32 => 4,
        };
        let addr = self.pop();
        let (address, offset) = self.address(memarg, addr, width)?;
        let flags = heap();
        let ins = self.builder.ins();
        let v = match ext {
            Ext::None => ins.load(ty, flags, address, offset),
            Ext::S8 => ins.sload8(ty, flags, address, offset),
            Ext::U8 => ins.uload8(ty, flags, address, offset),
            Ext::S16 => ins.sload16(ty, flags, address, offset),
            Ext::U16 => ins.uload16(ty, flags, address, offset),
            Ext::S32 => ins.sload32(flags, address, offset),
            Ext::U32 => ins.uload32(flags, address, offset),
        };
        self.push(v);
        Ok(())
    }

    /// A store of the value's full width, or of its low `narrow` bytes.
    fn store(&mut self, memarg: &MemArg, narrow: u64) -> Result<()> {
        let value = self.pop();
        let addr = self.pop();
        let width = if narrow == 0 { u64::from(self.builder.func.dfg.value_type(value).bytes()) } else { narrow };
        let (address, offset) = self.address(memarg, addr, width)?;
        let flags = heap();
        let ins = self.builder.ins();
        match narrow {
            0 => ins.store(flags, value, address, offset),
            1 => ins.istore8(flags, value, address, offset),
            2 => ins.istore16(flags, value, address, offset),
            _ => ins.istore32(flags, value, address, offset),
        };
        Ok(())
    }

    /// The address of cell `index` of a table, after the bounds check.
    fn table_cell(&mut self, table: u32, index: Value) -> Value {
        let is_64 = self.env.module.tables[table as usize].is_64();
        let index = self.index_i64(index, is_64);
        let def = self.table_definition(table);
        let len = self.builder.ins().load(types::I64, notrap(), def, VMTableDefinition::CURRENT_ELEMENTS as i32);
        let outside = self.builder.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.trapnz(outside, Trap::TableOutOfBounds);
        let base = self.builder.ins().load(types::I64, notrap(), def, VMTableDefinition::BASE as i32);
        let offset = self.builder.ins().ishl_imm_s(index, 3);
        self.builder.ins().iadd(base, offset)
    }

    // ---- Numeric operators ----

    /// Translates a numeric operator; false if `op` is not one.
    fn numeric(&mut self, op: &Operator<'_>) -> bool {
        use Operator as O;
        use ir::types::{F32, F64, I32, I64};
        macro_rules! bin {
            ($method:ident) => {{
                let (a, b) = self.pop2();
                let v = self.builder.ins().$method(a, b);
                self.push(v);
            }};
        }
        macro_rules! un {
            ($method:ident) => {{
                let a = self.pop();
                let v = self.builder.ins().$method(a);
                self.push(v);
            }};
        }
        macro_rules! icmp {
            ($cc:expr) => {{
                let (a, b) = self.pop2();
                let c = self.builder.ins().icmp($cc, a, b);
                let v = self.builder.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! fcmp {
            ($cc:expr) => {{
                let (a, b) = self.pop2();
                let c = self.builder.ins().fcmp($cc, a, b);
                let v = self.builder.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! eqz {
            () => {{
                let a = self.pop();
                let c = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let v = self.builder.ins().uextend(I32, c);
                self.push(v);
            }};
        }
        macro_rules! conv {
            ($method:ident, $ty:expr) => {{
                let a = self.pop();
                let v = self.builder.ins().$method($ty, a);
                self.push(v);
            }};
        }
        match op {
            O::I32Eqz | O::I64Eqz => eqz!(),
            O::I32Eq | O::I64Eq => icmp!(IntCC::Equal),
            O::I32Ne | O::I64Ne => icmp!(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => icmp!(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => icmp!(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => icmp!(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => icmp!(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => icmp!(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => icmp!(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => icmp!(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => icmp!(IntCC::UnsignedGreaterThanOrEqual),
            O::F32Eq | O::F64Eq => fcmp!(FloatCC::Equal),
            O::F32Ne | O::F64Ne => fcmp!(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => fcmp!(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => fcmp!(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => fcmp!(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => fcmp!(FloatCC::GreaterThanOrEqual),
            O::I32Clz | O::I64Clz => un!(clz),
            O::I32Ctz | O::I64Ctz => un!(ctz),
            O::I32Popcnt | O::I64Popcnt => un!(popcnt),
            O::I32Add | O::I64Add => bin!(iadd),
            O::I32Sub | O::I64Sub => bin!(isub),
            O::I32Mul | O::I64Mul => bin!(imul),
            O::I32DivS | O::I64DivS => bin!(sdiv),
            O::I32DivU | O::I64DivU => bin!(udiv),
            O::I32RemS | O::I64RemS => bin!(srem),
            O::I32RemU | O::I64RemU => bin!(urem),
            O::I32And | O::I64And => bin!(band),
            O::I32Or | O::I64Or => bin!(bor),
            O::I32Xor | O::I64Xor => bin!(bxor),
            O::I32Shl | O::I64Shl => bin!(ishl),
            O::I32ShrS | O::I64ShrS => bin!(sshr),
            O::I32ShrU | O::I64ShrU => bin!(ushr),
            O::I32Rotl | O::I64Rotl => bin!(rotl),
            O::I32Rotr | O::I64Rotr => bin!(rotr),
            O::F32Abs | O::F64Abs => un!(fabs),
            O::F32Neg | O::F64Neg => un!(fneg),
            O::F32Ceil | O::F64Ceil => un!(ceil),
            O::F32Floor | O::F64Floor => un!(floor),
            O::F32Trunc | O::F64Trunc => un!(trunc),
            O::F32Nearest | O::F64Nearest => un!(nearest),
            O::F32Sqrt | O::F64Sqrt => un!(sqrt),
            O::F32Add | O::F64Add => bin!(fadd),
            O::F32Sub | O::F64Sub => bin!(fsub),
            O::F32Mul | O::F64Mul => bin!(fmul),
            O::F32Div | O::F64Div => bin!(fdiv),
            // The interpreter's NaN (`interp::num`), so both tiers agree.
            O::F32Min | O::F64Min => {
                bin!(fmin);
                self.canonical_nan()
            }
            O::F32Max | O::F64Max => {
                bin!(fmax);
                self.canonical_nan()
            }
            O::F32Copysign | O::F64Copysign => bin!(fcopysign),
            O::I32WrapI64 => conv!(ireduce, I32),
            O::I64ExtendI32S => conv!(sextend, I64),
            O::I64ExtendI32U => conv!(uextend, I64),
            O::I32TruncF32S | O::I32TruncF64S => conv!(fcvt_to_sint, I32),
            O::I32TruncF32U | O::I32TruncF64U => conv!(fcvt_to_uint, I32),
            O::I64TruncF32S | O::I64TruncF64S => conv!(fcvt_to_sint, I64),
            O::I64TruncF32U | O::I64TruncF64U => conv!(fcvt_to_uint, I64),
            O::I32TruncSatF32S | O::I32TruncSatF64S => conv!(fcvt_to_sint_sat, I32),
            O::I32TruncSatF32U | O::I32TruncSatF64U => conv!(fcvt_to_uint_sat, I32),
            O::I64TruncSatF32S | O::I64TruncSatF64S => conv!(fcvt_to_sint_sat, I64),
            O::I64TruncSatF32U | O::I64TruncSatF64U => conv!(fcvt_to_uint_sat, I64),
            O::F32ConvertI32S | O::F32ConvertI64S => conv!(fcvt_from_sint, F32),
            O::F32ConvertI32U | O::F32ConvertI64U => conv!(fcvt_from_uint, F32),
            O::F64ConvertI32S | O::F64ConvertI64S => conv!(fcvt_from_sint, F64),
            O::F64ConvertI32U | O::F64ConvertI64U => conv!(fcvt_from_uint, F64),
            O::F32DemoteF64 => conv!(fdemote, F32),
            O::F64PromoteF32 => conv!(fpromote, F64),
            O::I32ReinterpretF32 => self.reinterpret(I32),
            O::I64ReinterpretF64 => self.reinterpret(I64),
            O::F32ReinterpretI32 => self.reinterpret(F32),
            O::F64ReinterpretI64 => self.reinterpret(F64),
            O::I32Extend8S => self.extend_low(I32, types::I8),
            O::I32Extend16S => self.extend_low(I32, types::I16),
            O::I64Extend8S => self.extend_low(I64, types::I8),
            O::I64Extend16S => self.extend_low(I64, types::I16),
            O::I64Extend32S => self.extend_low(I64, I32),
            _ => return false,
        }
        true
    }

    /// Replaces a NaN on top of the stack by the positive canonical NaN.
    fn canonical_nan(&mut self) {
        let v = self.pop();
        let ty = self.builder.func.dfg.value_type(v);
        let canonical = if ty == types::F32 {
            self.builder.ins().f32const(ir::immediates::Ieee32::with_bits(0x7fc0_0000))
        } else {
            self.builder.ins().f64const(ir::immediates::Ieee64::with_bits(0x7ff8_0000_0000_0000))
        };
        let is_nan = self.builder.ins().fcmp(FloatCC::Unordered, v, v);
        let r = self.builder.ins().select(is_nan, canonical, v);
        self.push(r);
    }

    fn reinterpret(&mut self, ty: ir::Type) {
        let a = self.pop();
        let v = self.builder.ins().bitcast(ty, MemFlagsData::new(), a);
        self.push(v);
    }

    /// Sign-extends the low `narrow` bits of the top operand (of type `ty`).
    fn extend_low(&mut self, ty: ir::Type, narrow: ir::Type) {
        let a = self.pop();
        let low = self.builder.ins().ireduce(narrow, a);
        let v = self.builder.ins().sextend(ty, low);
        self.push(v);
    }
}

/// How a load widens what it reads.
#[derive(Clone, Copy)]
enum Ext {
    None,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
}

/// How many SSA values the translation of a body of `size` bytes may
/// make. Compiled C and Rust make 4 to 8 per byte of code (Yosys for WASI
/// at most 7.5). The SSA builder can make far more: a local read inside
/// `n` nested loops gets a parameter in every loop header, so a small
/// hostile body asks for billions and hours of register allocation (a
/// 42 KB function at 30 million values took 104 s and 840 MB). Past the
/// budget the function is refused as too large, with room to spare for
/// real code.
fn value_budget(size: usize) -> usize {
    const PER_BYTE: usize = 128;
    const FLOOR: usize = 1 << 16;
    const CAP: usize = 32 << 20;
    size.saturating_mul(PER_BYTE).saturating_add(FLOOR).min(CAP)
}

/// Flags of a load from the context or a definition that never changes
/// while the code runs, at an address valid for the whole call: the
/// optimizer may drop it when dead, merge it with its twins and hoist it
/// out of loops and branches (`can_move`).
fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// Flags of an access to runtime memory that cannot trap.
fn notrap() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Flags of an access to linear memory: it may fault, and a fault is the
/// out-of-bounds trap.
pub(super) fn heap() -> MemFlagsData {
    MemFlagsData::new().with_endianness(ir::Endianness::Little).with_trap_code(Some(TrapCode::HEAP_OUT_OF_BOUNDS))
}
