//! Translation of the SIMD operators: one instruction each, generated from
//! `interp::simd::for_each_simd!` by operand shape, plus `v128.load`/`store`,
//! the lane loads and stores and `i8x16.shuffle`. (`v128.const` is an
//! operand like any constant: see `Operand::V128Const`.) Memory accesses
//! pick their instructions as scalar ones do: the fast-path ones on a
//! 32-bit memory 0, `V128LoadMem` and kin (naming their memory) otherwise.
//!
//! A `v128` operand lives in two consecutive cells; the instructions name
//! the first. Operators read every operand before writing their result, so
//! the result may take the cells of its operands, as scalar results do.

use super::{FuncTranslator, Operand, memarg_memory, memory_operand};
use crate::interp::ir::{
    AccBinOp, AccTernOp, BinOp, Instr, LaneOp, Load, Offset64, ReplaceLaneOp, Slot, TernOp, UnOp, V128LoadKind,
};
use crate::interp::simd::for_each_simd;
use anyhow::{Context, Result};
use wasmparser::{MemArg, Operator};

/// A lane load: `(dst, addr, src, lane, offset)`.
type LaneLoad = fn(Slot, Slot, Slot, u8, u16) -> Instr;
/// A lane load into the vector's slot: `(vec, addr, lane, offset)`.
type LaneLoadInPlace = fn(Slot, Slot, u8, u32) -> Instr;
/// A lane store: `(addr, value, lane, offset)`.
type LaneStore = fn(Slot, Slot, u8, u32) -> Instr;

macro_rules! define_translate_simd {
    (
        unary: [$(($un:ident, $un_f:ident)),* $(,)?]
        binary: [$(($bin:ident, $bin_f:ident)),* $(,)?]
        ternary: [$(($tern:ident, $tern_f:ident)),* $(,)?]
        shift: [$(($shift:ident, $shift_f:ident)),* $(,)?]
        test: [$(($test:ident, $test_f:ident)),* $(,)?]
        splat: [$(($splat:ident, $splat_f:ident)),* $(,)?]
        extract_lane: [$(($extract:ident, $extract_f:ident)),* $(,)?]
        replace_lane: [$(($replace:ident, $replace_f:ident)),* $(,)?]
        load_extend: [$(($le:ident, $le_f:ident)),* $(,)?]
        load_splat: [$(($ls:ident, $ls_n:literal, $ls_f:ident)),* $(,)?]
        load_zero: [$(($lz:ident, $lz_n:literal, $lz_f:ident)),* $(,)?]
    ) => {
        impl FuncTranslator<'_> {
            /// Translates `op` if it is a SIMD operator; says whether it was.
            pub(super) fn translate_simd(&mut self, op: &Operator<'_>) -> Result<bool> {
                match *op {
                    $(Operator::$un => self.simd_unary(Instr::$un)?,)*
                    $(Operator::$bin => self.simd_binary(Instr::$bin)?,)*
                    $(Operator::$shift => self.simd_binary(Instr::$shift)?,)*
                    $(Operator::$tern => self.simd_ternary(Instr::$tern)?,)*
                    $(Operator::$test => self.simd_test(Instr::$test)?,)*
                    $(Operator::$splat => self.simd_unary(Instr::$splat)?,)*
                    $(Operator::$extract { lane } => self.simd_extract_lane(lane, Instr::$extract)?,)*
                    $(Operator::$replace { lane } => self.simd_replace_lane(lane, Instr::$replace)?,)*
                    $(Operator::$le { memarg } => self.simd_load(&memarg, Instr::$le, V128LoadKind::$le)?,)*
                    $(Operator::$ls { memarg } => self.simd_load(&memarg, Instr::$ls, V128LoadKind::$ls)?,)*
                    $(Operator::$lz { memarg } => self.simd_load(&memarg, Instr::$lz, V128LoadKind::$lz)?,)*
                    Operator::V128Load { memarg } => self.simd_load(
                        &memarg,
                        |Load { dst, addr, offset }| Instr::V128Load { dst, addr, offset },
                        V128LoadKind::V128Load,
                    )?,
                    Operator::V128Store { memarg } => self.simd_store(&memarg)?,
                    Operator::V128Load8Lane { memarg, lane } => self.simd_load_lane(
                        &memarg,
                        lane,
                        1,
                        |dst, addr, src, lane, offset| Instr::V128Load8Lane { dst, addr, src, lane, offset },
                        |vec, addr, lane, offset| Instr::V128Load8LaneInPlace { vec, addr, lane, offset },
                    )?,
                    Operator::V128Load16Lane { memarg, lane } => self.simd_load_lane(
                        &memarg,
                        lane,
                        2,
                        |dst, addr, src, lane, offset| Instr::V128Load16Lane { dst, addr, src, lane, offset },
                        |vec, addr, lane, offset| Instr::V128Load16LaneInPlace { vec, addr, lane, offset },
                    )?,
                    Operator::V128Load32Lane { memarg, lane } => self.simd_load_lane(
                        &memarg,
                        lane,
                        4,
                        |dst, addr, src, lane, offset| Instr::V128Load32Lane { dst, addr, src, lane, offset },
                        |vec, addr, lane, offset| Instr::V128Load32LaneInPlace { vec, addr, lane, offset },
                    )?,
                    Operator::V128Load64Lane { memarg, lane } => self.simd_load_lane(
                        &memarg,
                        lane,
                        8,
                        |dst, addr, src, lane, offset| Instr::V128Load64Lane { dst, addr, src, lane, offset },
                        |vec, addr, lane, offset| Instr::V128Load64LaneInPlace { vec, addr, lane, offset },
                    )?,
                    Operator::V128Store8Lane { memarg, lane } => self.simd_store_lane(&memarg, lane, 1, |addr, value, lane, offset| {
                        Instr::V128Store8Lane { addr, value, lane, offset }
                    })?,
                    Operator::V128Store16Lane { memarg, lane } => self.simd_store_lane(&memarg, lane, 2, |addr, value, lane, offset| {
                        Instr::V128Store16Lane { addr, value, lane, offset }
                    })?,
                    Operator::V128Store32Lane { memarg, lane } => self.simd_store_lane(&memarg, lane, 4, |addr, value, lane, offset| {
                        Instr::V128Store32Lane { addr, value, lane, offset }
                    })?,
                    Operator::V128Store64Lane { memarg, lane } => self.simd_store_lane(&memarg, lane, 8, |addr, value, lane, offset| {
                        Instr::V128Store64Lane { addr, value, lane, offset }
                    })?,
                    Operator::I8x16Shuffle { lanes } => {
                        let pattern = u128::from_le_bytes(lanes);
                        let lanes = if self.consts_usable() {
                            self.const128_slot(pattern)
                        } else {
                            // No constant slot: the pattern goes just above
                            // the operands, which the result does not reach.
                            let cell = self.temps_base + self.top_cells;
                            self.max_cells = self.max_cells.max(self.top_cells + 2);
                            self.emit_const(cell, pattern, true);
                            self.slot_of(cell)
                        };
                        let b = self.pop();
                        let a = self.pop();
                        let dst = self.next_temp();
                        self.emit_result_wide(Instr::I8x16Shuffle { dst, a, b, lanes })?;
                    }
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
    };
}

for_each_simd!(define_translate_simd);

impl FuncTranslator<'_> {
    /// `v128 -> v128`, or a splat (`scalar -> v128`).
    fn simd_unary(&mut self, make: fn(UnOp) -> Instr) -> Result<()> {
        let src = self.pop();
        let dst = self.next_temp();
        self.emit_result_wide(make(UnOp { dst, src }))
    }

    /// The slot of the `v128` the last instruction just computed and left
    /// in the `v128` accumulator, if nothing can run between it and the
    /// next instruction (as `fresh_result` for the scalar accumulators).
    fn fresh_v128(&self) -> Option<Slot> {
        self.fresh_in(Instr::sets_v128_acc)
    }

    /// `instr`, a SIMD operator, taking its first operand from the `v128`
    /// accumulator when that operand (or, if the operator commutes, its
    /// second) is the value just computed.
    fn with_v128_acc(&self, instr: Instr, first: Slot, second: Option<Slot>) -> Instr {
        let Some(fresh) = self.fresh_v128() else { return instr };
        if fresh == first {
            return instr.with_v128_acc().unwrap_or(instr);
        }
        let mut swapped = instr;
        if let Some(op) = swapped.ternary_operands_mut() {
            // A multiply-add: a * b + c = b * a + c.
            if fresh != op.b || op.a == op.b {
                return instr;
            }
            (op.a, op.b) = (op.b, op.a);
        } else if let Some(op) = swapped.binary_operands_mut() {
            if second != Some(fresh) || first == fresh || !instr.simd_commutes() {
                return instr;
            }
            (op.lhs, op.rhs) = (op.rhs, op.lhs);
        } else {
            return instr;
        }
        swapped.with_v128_acc().unwrap_or(instr)
    }

    /// `v128 v128 -> v128`, or a shift (`v128 i32 -> v128`).
    fn simd_binary(&mut self, make: fn(BinOp) -> Instr) -> Result<()> {
        let rhs = self.pop();
        let lhs = self.pop();
        let dst = self.next_temp();
        let instr = make(BinOp { dst, lhs, rhs });
        if let Some(fused) = self.fuse_multiply_add(instr) {
            let at = self.code.len() - 1;
            self.code.truncate(at);
            // The product's own operands, now the fused instruction's, may
            // still have their accumulator form (the product's was one).
            return self.emit_result_wide(fused);
        }
        let instr = self.with_v128_acc(instr, lhs, Some(rhs));
        self.emit_result_wide(instr)
    }

    /// `a * b + c` as one instruction, when `add` adds the product that the
    /// last instruction (an `f32x4.mul` or `f64x2.mul`, writing a temporary
    /// nothing else reads) just computed: the inner step of dot products,
    /// matrix multiplies and `axpy` loops, two dispatches made one. The
    /// fused instruction is `relaxed_madd`, which skiff rounds twice
    /// exactly as the pair does (see `interp::simd`). The product may be
    /// either operand: the spec lets a float addition's NaN result come
    /// from either side.
    fn fuse_multiply_add(&self, add: Instr) -> Option<Instr> {
        let at = self.last_result.filter(|&at| at + 1 == self.code.len())?;
        let fuse = |mul: BinOp, sum: BinOp| -> Option<TernOp> {
            let c = if sum.rhs == mul.dst {
                sum.lhs
            } else if sum.lhs == mul.dst {
                sum.rhs
            } else {
                return None;
            };
            // The product must be a temporary (a `local.tee` would have
            // redirected it into a local that later code reads) and the
            // other addend another slot.
            (self.is_temp(mul.dst) && c != mul.dst).then_some(TernOp { dst: sum.dst, a: mul.lhs, b: mul.rhs, c })
        };
        // A product that took its first operand from the `v128` accumulator
        // makes a `relaxed_madd` that does too: it runs where the product
        // ran, right after the instruction that left that operand there.
        let fuse_acc = |mul: AccBinOp, sum: BinOp| -> Option<AccTernOp> {
            let placeholder = BinOp { dst: mul.dst, lhs: mul.dst, rhs: mul.rhs };
            let op = fuse(placeholder, sum)?;
            Some(AccTernOp { dst: op.dst, b: mul.rhs, c: op.c })
        };
        match (self.code[at], add) {
            (Instr::F32x4Mul(mul), Instr::F32x4Add(sum)) => fuse(mul, sum).map(Instr::F32x4RelaxedMadd),
            (Instr::F64x2Mul(mul), Instr::F64x2Add(sum)) => fuse(mul, sum).map(Instr::F64x2RelaxedMadd),
            (Instr::F32x4MulAcc(mul), Instr::F32x4Add(sum)) => fuse_acc(mul, sum).map(Instr::F32x4RelaxedMaddAcc),
            (Instr::F64x2MulAcc(mul), Instr::F64x2Add(sum)) => fuse_acc(mul, sum).map(Instr::F64x2RelaxedMaddAcc),
            _ => None,
        }
    }

    fn simd_ternary(&mut self, make: fn(TernOp) -> Instr) -> Result<()> {
        let c = self.pop();
        let b = self.pop();
        let a = self.pop();
        let dst = self.next_temp();
        let instr = self.with_v128_acc(make(TernOp { dst, a, b, c }), a, None);
        self.emit_result_wide(instr)
    }

    /// `v128 -> i32`: `any_true`, `all_true`, `bitmask`.
    fn simd_test(&mut self, make: fn(UnOp) -> Instr) -> Result<()> {
        let src = self.pop();
        let dst = self.next_temp();
        self.emit_result(make(UnOp { dst, src }))
    }

    fn simd_extract_lane(&mut self, lane: u8, make: fn(LaneOp) -> Instr) -> Result<()> {
        let src = self.pop();
        let dst = self.next_temp();
        self.emit_result(make(LaneOp { dst, src, lane }))
    }

    fn simd_replace_lane(&mut self, lane: u8, make: fn(ReplaceLaneOp) -> Instr) -> Result<()> {
        let value = self.pop();
        let src = self.pop();
        let dst = self.next_temp();
        self.emit_result_wide(make(ReplaceLaneOp { dst, src, value, lane }))
    }

    /// A load producing a `v128` (`make` on a 32-bit memory 0, else a
    /// `V128LoadMem` of kind `kind`). Out of bounds accesses trap as scalar
    /// loads do.
    fn simd_load(&mut self, memarg: &MemArg, make: fn(Load) -> Instr, kind: V128LoadKind) -> Result<()> {
        let Some(offset) = self.default_memory_offset(memarg)? else {
            let memory = memory_operand(memarg_memory(memarg)?)?;
            let addr = self.pop();
            let (addr, offset) = self.split_offset(addr, memarg.offset);
            let dst = self.next_temp();
            return self.emit_result_wide(Instr::V128LoadMem { dst, addr, memory, kind, offset });
        };
        let addr = self.pop();
        let dst = self.next_temp();
        // A `v128.load` from an address just computed as `base + constant`
        // into a temporary computes it itself, as scalar loads do.
        if kind == V128LoadKind::V128Load
            && offset == 0
            && self.fresh_result() == Some(addr)
            && self.is_temp(addr)
            && let Some(&Instr::I32AddImm(add)) = self.code.last()
        {
            // The `i32.add` that computed the address goes.
            self.code.pop();
            return self.emit_result_wide(Instr::V128LoadAddImm { dst, base: add.lhs, imm: add.imm });
        }
        self.emit_result_wide(make(Load { dst, addr, offset }))
    }

    /// `v128.store`.
    fn simd_store(&mut self, memarg: &MemArg) -> Result<()> {
        let Some(offset) = self.default_memory_offset(memarg)? else {
            let memory = memory_operand(memarg_memory(memarg)?)?;
            let value = self.pop();
            let addr = self.pop();
            let (addr, offset) = self.split_offset(addr, memarg.offset);
            self.emit(Instr::V128StoreMem { addr, value, memory, offset });
            return Ok(());
        };
        let value = self.pop();
        let addr = self.pop();
        if self.fresh_v128() == Some(value) {
            self.emit(Instr::V128StoreAcc { addr, offset });
        } else {
            self.emit(Instr::V128Store { addr, value, offset });
        }
        Ok(())
    }

    /// `v128.loadN_lane` (operands: the address, then the vector), of a
    /// lane of `width` bytes. On a 32-bit memory 0 with a static offset that
    /// fits 16 bits, one instruction; with a larger one, the lane is loaded
    /// into the vector's temporary in place, then copied to the result's
    /// slot (where the address was). On another memory, a
    /// `V128LoadLaneMem` and its parameter word.
    fn simd_load_lane(
        &mut self,
        memarg: &MemArg,
        lane: u8,
        width: u8,
        make: LaneLoad,
        in_place: LaneLoadInPlace,
    ) -> Result<()> {
        let Some(offset) = self.default_memory_offset(memarg)? else {
            let memory = memory_operand(memarg_memory(memarg)?)?;
            let src = self.pop();
            let addr = self.pop();
            let dst = self.next_temp();
            self.push_value(Operand::Temp, true)?;
            self.emit(Instr::V128LoadLaneMem { dst, addr, src, memory, width, lane });
            self.emit(Instr::V128LaneMemParams { offset: Offset64::new(memarg.offset) });
            return Ok(());
        };
        if let Ok(offset) = u16::try_from(offset) {
            let src = self.pop();
            let addr = self.pop();
            let dst = self.next_temp();
            return self.emit_result_wide(make(dst, addr, src, lane, offset));
        }
        let vector = self.stack.len() - 1;
        self.materialize(vector);
        let vec = self.temp_slot(vector);
        self.pop_operand();
        let addr = self.pop();
        self.emit(in_place(vec, addr, lane, offset));
        let dst = self.next_temp();
        self.emit_result_wide(Instr::Copy128 { dst, src: vec })
    }

    /// `v128.storeN_lane` of a lane of `width` bytes.
    fn simd_store_lane(&mut self, memarg: &MemArg, lane: u8, width: u8, make: LaneStore) -> Result<()> {
        let Some(offset) = self.default_memory_offset(memarg)? else {
            let memory = memory_operand(memarg_memory(memarg)?)?;
            let value = self.pop();
            let addr = self.pop();
            self.emit(Instr::V128StoreLaneMem { addr, value, memory, width, lane });
            self.emit(Instr::V128LaneMemParams { offset: Offset64::new(memarg.offset) });
            return Ok(());
        };
        let value = self.pop();
        let addr = self.pop();
        self.emit(make(addr, value, lane, offset));
        Ok(())
    }

    /// The static offset of an access to a 32-bit memory 0 (which the
    /// `V128Load` family serves), or `None` for another memory.
    fn default_memory_offset(&self, memarg: &MemArg) -> Result<Option<u32>> {
        if !self.is_default_memory(memarg_memory(memarg)?) {
            return Ok(None);
        }
        // A 32-bit memory's offsets are below 2^32 (validation checks).
        u32::try_from(memarg.offset).context("memory offset too large for a 32-bit memory").map(Some)
    }
}
