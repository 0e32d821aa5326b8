//! Execution of the SIMD instructions: one arm per operator, generated from
//! `simd::for_each_simd!` over the lane semantics in [`simd`], plus the
//! `v128` loads and stores, lane accesses and `i8x16.shuffle`. Accesses to
//! a memory other than a 32-bit memory 0 (`V128LoadMem` and kin) run out of
//! line in the `Executor` methods at the end, with the same lane semantics.
//!
//! A `v128` lives in two consecutive frame cells, low half first
//! (`Fp::get128`). Every operator reads all its operands before it writes
//! its result, so a result may overlap an operand's cells. A `v128` result
//! also goes to the `v128` accumulator (for the `…Acc` forms of
//! `simd::for_each_simd_acc!` and `V128StoreAcc`); SIMD instructions leave
//! the scalar accumulators as they were, and the translator never emits a
//! scalar `…Acc` instruction after one (`Instr::sets_acc`).

use super::{Acc, Executor, Fp, Mem, from_vreg, simd, vreg};
use crate::interp::ir::{
    AccBinOp, AccTernOp, AddImmLoad, BinOp, Instr, InstrTag, LaneOp, Load, ReplaceLaneOp, Slot, TernOp, UnOp,
    V128LoadKind,
};
use crate::trap::Trap;

/// The `N` bytes at `addr + offset`, zero-extended to a `u64` (N <= 8).
#[inline(always)]
fn read_le<const N: usize>(mem: Mem, addr: u64, offset: u32) -> Result<u64, Trap> {
    let bytes: [u8; N] = mem.read(addr, offset)?;
    let mut cell = [0; 8];
    cell[..N].copy_from_slice(&bytes);
    Ok(u64::from_le_bytes(cell))
}

/// Stores the low `N` bytes of `bits` at `fp[addr] + offset`.
#[inline(always)]
fn write_le<const N: usize>(mem: Mem, fp: Fp, addr: Slot, offset: u32, bits: u64) -> Result<(), Trap> {
    let mut bytes = [0; N];
    bytes.copy_from_slice(&bits.to_le_bytes()[..N]);
    mem.write(fp.get(addr), offset, bytes)
}

// Two ways in, one semantics (the functions of `simd`):
//
// - `eval_tagged::<TAG>` is the threaded dispatcher's handler body for the
//   operator whose tag is `TAG`. Each `if const` arm is compiled only in
//   the handler whose tag it names (rustc does not emit code under a
//   constant-false condition), so every handler holds exactly its own
//   operator with the lane semantics inlined: no call, and so none of the
//   six callee-saved registers that a call makes the handler save and
//   restore around it (that was a third of a SIMD instruction's cost).
// - `eval` serves `Executor::step`, which every non-SIMD handler and the
//   portable loop dispatcher inline. There each operator's work is a
//   function of its own, out of line, so that the lane semantics are not
//   copied into the thousand handlers that start from `step` (that made
//   compiling the executor take tens of GiB).

// The helpers of `eval` that compute a `v128` also return it, for the
// accumulator.

/// Writes a `v128` result to its slot and returns it.
#[inline(always)]
fn put(fp: Fp, dst: Slot, value: simd::V128) -> simd::V128 {
    fp.set128(dst, value);
    value
}

#[inline(never)]
fn unary(f: impl Fn(simd::V128) -> simd::V128, op: UnOp, fp: Fp) -> simd::V128 {
    put(fp, op.dst, f(fp.get128(op.src)))
}

#[inline(never)]
fn binary(f: impl Fn(simd::V128, simd::V128) -> simd::V128, op: BinOp, fp: Fp) -> simd::V128 {
    put(fp, op.dst, f(fp.get128(op.lhs), fp.get128(op.rhs)))
}

#[inline(never)]
fn binary_acc(f: impl Fn(simd::V128, simd::V128) -> simd::V128, op: AccBinOp, fp: Fp, acc: simd::V128) -> simd::V128 {
    put(fp, op.dst, f(acc, fp.get128(op.rhs)))
}

#[inline(never)]
fn ternary(f: impl Fn(simd::V128, simd::V128, simd::V128) -> simd::V128, op: TernOp, fp: Fp) -> simd::V128 {
    put(fp, op.dst, f(fp.get128(op.a), fp.get128(op.b), fp.get128(op.c)))
}

#[inline(never)]
fn ternary_acc(
    f: impl Fn(simd::V128, simd::V128, simd::V128) -> simd::V128,
    op: AccTernOp,
    fp: Fp,
    acc: simd::V128,
) -> simd::V128 {
    put(fp, op.dst, f(acc, fp.get128(op.b), fp.get128(op.c)))
}

#[inline(never)]
fn shift(f: impl Fn(simd::V128, u32) -> simd::V128, op: BinOp, fp: Fp) -> simd::V128 {
    put(fp, op.dst, f(fp.get128(op.lhs), fp.u32(op.rhs)))
}

#[inline(never)]
fn test(f: impl Fn(simd::V128) -> u32, op: UnOp, fp: Fp) {
    fp.set(op.dst, u64::from(f(fp.get128(op.src))))
}

#[inline(never)]
fn splat(f: impl Fn(u64) -> simd::V128, op: UnOp, fp: Fp) -> simd::V128 {
    put(fp, op.dst, f(fp.get(op.src)))
}

#[inline(never)]
fn extract_lane(f: impl Fn(simd::V128, u8) -> u64, op: LaneOp, fp: Fp) {
    fp.set(op.dst, f(fp.get128(op.src), op.lane))
}

#[inline(never)]
fn replace_lane(f: impl Fn(simd::V128, u8, u64) -> simd::V128, op: ReplaceLaneOp, fp: Fp) -> simd::V128 {
    put(fp, op.dst, f(fp.get128(op.src), op.lane, fp.get(op.value)))
}

/// A load of `N` bytes reshaped into a `v128` (extending, splatting or
/// zero-filling).
#[inline(never)]
fn load<const N: usize>(f: impl Fn(u64) -> simd::V128, op: Load, fp: Fp, mem: Mem) -> Result<simd::V128, Trap> {
    Ok(put(fp, op.dst, f(read_le::<N>(mem, fp.get(op.addr), op.offset)?)))
}

#[inline(never)]
fn shuffle(fp: Fp, dst: Slot, a: Slot, b: Slot, lanes: Slot) {
    let lanes = fp.get128(lanes).to_le_bytes();
    fp.set128(dst, simd::i8x16_shuffle(fp.get128(a), fp.get128(b), lanes))
}

macro_rules! define_vector_eval {
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
        acc_binary: [$(($bin_of:ident, $bin_acc:ident, $bin_acc_f:ident, $bin_comm:literal)),* $(,)?]
        acc_ternary: [$(($tern_of:ident, $tern_acc:ident, $tern_acc_f:ident)),* $(,)?]
    ) => {
        /// The tags of the instructions `eval_tagged` executes.
        #[cfg_attr(not(skiff_tail_calls), allow(dead_code))]
        const TAGGED: &[InstrTag] = &[
            $(InstrTag::$un,)* $(InstrTag::$bin,)* $(InstrTag::$tern,)* $(InstrTag::$shift,)*
            $(InstrTag::$test,)* $(InstrTag::$splat,)* $(InstrTag::$extract,)* $(InstrTag::$replace,)*
            $(InstrTag::$le,)* $(InstrTag::$ls,)* $(InstrTag::$lz,)*
            $(InstrTag::$bin_acc,)* $(InstrTag::$tern_acc,)*
        ];

        /// Whether `eval_tagged::<tag>` executes the instructions of this tag.
        #[cfg_attr(not(skiff_tail_calls), allow(dead_code))]
        pub(super) const fn is_tagged(tag: u16) -> bool {
            let mut i = 0;
            while i < TAGGED.len() {
                if TAGGED[i] as u16 == tag {
                    return true;
                }
                i += 1;
            }
            false
        }

        /// Executes the instruction at `ip`, whose tag is `TAG`, one of the
        /// operators of `simd` (`is_tagged(TAG)`). Memory accesses trap
        /// exactly as scalar ones do.
        #[inline(always)]
        #[cfg_attr(not(skiff_tail_calls), allow(dead_code))]
        pub(super) fn eval_tagged<const TAG: u16>(instr: Instr, fp: Fp, mem: Mem, acc: &mut Acc) -> Result<(), Trap> {
            // Only the arm whose `if const` holds is compiled. In it, the
            // `else` of the `let` cannot happen: the dispatcher chose this
            // handler by the instruction's tag (see `dispatch`).
            macro_rules! arm {
                ($variant:ident, |$op:ident| $body:expr) => {
                    if const { TAG == InstrTag::$variant as u16 } {
                        let Instr::$variant($op) = instr else { unreachable!() };
                        $body;
                        return Ok(());
                    }
                };
            }
            let fresh = from_vreg(acc.v128);
            // A `v128` result goes to its slot and to the accumulator.
            let mut put = |dst: Slot, value: simd::V128| {
                fp.set128(dst, value);
                acc.v128 = vreg(value);
            };
            $(arm!($un, |op| put(op.dst, simd::$un_f(fp.get128(op.src))));)*
            $(arm!($bin, |op| put(op.dst, simd::$bin_f(fp.get128(op.lhs), fp.get128(op.rhs))));)*
            $(arm!($tern, |op| put(op.dst, simd::$tern_f(fp.get128(op.a), fp.get128(op.b), fp.get128(op.c))));)*
            $(arm!($shift, |op| put(op.dst, simd::$shift_f(fp.get128(op.lhs), fp.u32(op.rhs))));)*
            $(arm!($test, |op| fp.set(op.dst, u64::from(simd::$test_f(fp.get128(op.src)))));)*
            $(arm!($splat, |op| put(op.dst, simd::$splat_f(fp.get(op.src))));)*
            $(arm!($extract, |op| fp.set(op.dst, simd::$extract_f(fp.get128(op.src), op.lane)));)*
            $(arm!($replace, |op| put(op.dst, simd::$replace_f(fp.get128(op.src), op.lane, fp.get(op.value))));)*
            $(arm!($le, |op| put(op.dst, simd::$le_f(read_le::<8>(mem, fp.get(op.addr), op.offset)?)));)*
            $(arm!($ls, |op| put(op.dst, simd::$ls_f(read_le::<$ls_n>(mem, fp.get(op.addr), op.offset)?)));)*
            $(arm!($lz, |op| put(op.dst, simd::$lz_f(read_le::<$lz_n>(mem, fp.get(op.addr), op.offset)?)));)*
            $(arm!($bin_acc, |op| put(op.dst, simd::$bin_acc_f(fresh, fp.get128(op.rhs))));)*
            $(arm!($tern_acc, |op| put(op.dst, simd::$tern_acc_f(fresh, fp.get128(op.b), fp.get128(op.c))));)*
            unreachable!("eval_tagged::<{TAG}> is only used when `is_tagged({TAG})`")
        }

        /// Executes `instr` if it is a SIMD instruction and says whether it
        /// was one. Memory accesses trap exactly as scalar ones do.
        #[inline(always)]
        pub(super) fn eval(instr: Instr, fp: Fp, mem: Mem, acc: &mut Acc) -> Result<bool, Trap> {
            // The result of an instruction that sets the `v128` accumulator
            // (`Instr::sets_v128_acc`): the same instructions as in
            // `eval_tagged`, so that both dispatchers agree.
            let fresh = from_vreg(acc.v128);
            let result = match instr {
                $(Instr::$un(op) => unary(simd::$un_f, op, fp),)*
                $(Instr::$bin(op) => binary(simd::$bin_f, op, fp),)*
                $(Instr::$tern(op) => ternary(simd::$tern_f, op, fp),)*
                $(Instr::$shift(op) => shift(simd::$shift_f, op, fp),)*
                $(Instr::$splat(op) => splat(simd::$splat_f, op, fp),)*
                $(Instr::$replace(op) => replace_lane(simd::$replace_f, op, fp),)*
                $(Instr::$le(op) => load::<8>(simd::$le_f, op, fp, mem)?,)*
                $(Instr::$ls(op) => load::<$ls_n>(simd::$ls_f, op, fp, mem)?,)*
                $(Instr::$lz(op) => load::<$lz_n>(simd::$lz_f, op, fp, mem)?,)*
                $(Instr::$bin_acc(op) => binary_acc(simd::$bin_acc_f, op, fp, fresh),)*
                $(Instr::$tern_acc(op) => ternary_acc(simd::$tern_acc_f, op, fp, fresh),)*
                Instr::V128Load { dst, addr, offset } => put(fp, dst, mem.read_v128(fp.get(addr), offset)?),
                Instr::V128LoadAddImm { dst, base, imm } => {
                    put(fp, dst, mem.read_v128(AddImmLoad::address(fp.get(base), imm), 0)?)
                }
                _ => return eval_other(instr, fp, mem, fresh),
            };
            acc.v128 = vreg(result);
            Ok(true)
        }

        /// The SIMD instructions of `eval` that leave the `v128`
        /// accumulator as it was.
        #[inline(always)]
        fn eval_other(instr: Instr, fp: Fp, mem: Mem, fresh: simd::V128) -> Result<bool, Trap> {
            match instr {
                $(Instr::$test(op) => test(simd::$test_f, op, fp),)*
                $(Instr::$extract(op) => extract_lane(simd::$extract_f, op, fp),)*
                Instr::V128Store { addr, value, offset } => mem.write_v128(fp.get(addr), offset, fp.get128(value))?,
                Instr::V128StoreAcc { addr, offset } => mem.write_v128(fp.get(addr), offset, fresh)?,
                Instr::V128Load8Lane { dst, addr, src, lane, offset } => {
                    let bytes = read_le::<1>(mem, fp.get(addr), u32::from(offset))?;
                    fp.set128(dst, simd::replace_bytes(fp.get128(src), lane, 1, bytes))
                }
                Instr::V128Load8LaneInPlace { vec, addr, lane, offset } => {
                    let bytes = read_le::<1>(mem, fp.get(addr), offset)?;
                    fp.set128(vec, simd::replace_bytes(fp.get128(vec), lane, 1, bytes))
                }
                Instr::V128Load16Lane { dst, addr, src, lane, offset } => {
                    let bytes = read_le::<2>(mem, fp.get(addr), u32::from(offset))?;
                    fp.set128(dst, simd::replace_bytes(fp.get128(src), lane, 2, bytes))
                }
                Instr::V128Load16LaneInPlace { vec, addr, lane, offset } => {
                    let bytes = read_le::<2>(mem, fp.get(addr), offset)?;
                    fp.set128(vec, simd::replace_bytes(fp.get128(vec), lane, 2, bytes))
                }
                Instr::V128Load32Lane { dst, addr, src, lane, offset } => {
                    let bytes = read_le::<4>(mem, fp.get(addr), u32::from(offset))?;
                    fp.set128(dst, simd::replace_bytes(fp.get128(src), lane, 4, bytes))
                }
                Instr::V128Load32LaneInPlace { vec, addr, lane, offset } => {
                    let bytes = read_le::<4>(mem, fp.get(addr), offset)?;
                    fp.set128(vec, simd::replace_bytes(fp.get128(vec), lane, 4, bytes))
                }
                Instr::V128Load64Lane { dst, addr, src, lane, offset } => {
                    let bytes = read_le::<8>(mem, fp.get(addr), u32::from(offset))?;
                    fp.set128(dst, simd::replace_bytes(fp.get128(src), lane, 8, bytes))
                }
                Instr::V128Load64LaneInPlace { vec, addr, lane, offset } => {
                    let bytes = read_le::<8>(mem, fp.get(addr), offset)?;
                    fp.set128(vec, simd::replace_bytes(fp.get128(vec), lane, 8, bytes))
                }
                Instr::V128Store8Lane { addr, value, lane, offset } => {
                    write_le::<1>(mem, fp, addr, offset, simd::extract_bytes(fp.get128(value), lane, 1))?
                }
                Instr::V128Store16Lane { addr, value, lane, offset } => {
                    write_le::<2>(mem, fp, addr, offset, simd::extract_bytes(fp.get128(value), lane, 2))?
                }
                Instr::V128Store32Lane { addr, value, lane, offset } => {
                    write_le::<4>(mem, fp, addr, offset, simd::extract_bytes(fp.get128(value), lane, 4))?
                }
                Instr::V128Store64Lane { addr, value, lane, offset } => {
                    write_le::<8>(mem, fp, addr, offset, simd::extract_bytes(fp.get128(value), lane, 8))?
                }
                Instr::I8x16Shuffle { dst, a, b, lanes } => shuffle(fp, dst, a, b, lanes),
                _ => return Ok(false),
            }
            Ok(true)
        }

        /// The `v128` a load of kind `kind` makes of the `kind.width()`
        /// bytes it read (`bytes`, little-endian, zero-extended): the lane
        /// semantics of the memory-0 instruction of the same name.
        fn reshape(kind: V128LoadKind, bytes: u128) -> simd::V128 {
            match kind {
                V128LoadKind::V128Load => bytes,
                $(V128LoadKind::$le => simd::$le_f(bytes as u64),)*
                $(V128LoadKind::$ls => simd::$ls_f(bytes as u64),)*
                $(V128LoadKind::$lz => simd::$lz_f(bytes as u64),)*
            }
        }
    };
}

/// Hands the lists of `simd::for_each_simd_acc!` to `define_vector_eval`.
macro_rules! define_vector_eval_acc {
    (binary: [$($binary:tt)*] ternary: [$($ternary:tt)*]) => {
        simd::for_each_simd!(define_vector_eval, acc_binary: [$($binary)*] acc_ternary: [$($ternary)*]);
    };
}

simd::for_each_simd_acc!(define_vector_eval_acc);

/// The `v128` accesses to any memory but a 32-bit memory 0: the memory is
/// found through the instance, the address of the access's full width is
/// checked once without wrapping (`Mem::read_checked`/`write_checked`), and
/// the lane semantics are those of the memory-0 instructions. Out of line,
/// one call per handler, like `Executor::load_mem`.
impl Executor<'_> {
    /// `V128LoadMem`.
    #[inline(never)]
    pub(super) fn v128_load_mem(
        &self,
        fp: Fp,
        dst: Slot,
        addr: Slot,
        memory: u8,
        kind: V128LoadKind,
        offset: u32,
    ) -> Result<(), Trap> {
        let bytes = self.memory_at(u32::from(memory)).read_checked(fp.get(addr), u64::from(offset), kind.width())?;
        fp.set128(dst, reshape(kind, bytes));
        Ok(())
    }

    /// `V128StoreMem`.
    #[inline(never)]
    pub(super) fn v128_store_mem(&self, fp: Fp, addr: Slot, value: Slot, memory: u8, offset: u32) -> Result<(), Trap> {
        self.memory_at(u32::from(memory)).write_checked(fp.get(addr), u64::from(offset), 16, fp.get128(value))
    }

    /// `V128LoadLaneMem` with its parameter word's `offset`. Both operands
    /// are read before the result is written (it may overlap them).
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    pub(super) fn v128_load_lane_mem(
        &self,
        fp: Fp,
        dst: Slot,
        addr: Slot,
        src: Slot,
        memory: u8,
        width: u8,
        lane: u8,
        offset: u64,
    ) -> Result<(), Trap> {
        let bytes = self.memory_at(u32::from(memory)).read_checked(fp.get(addr), offset, u64::from(width))?;
        fp.set128(dst, simd::replace_bytes(fp.get128(src), lane, width, bytes as u64));
        Ok(())
    }

    /// `V128StoreLaneMem` with its parameter word's `offset`.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    pub(super) fn v128_store_lane_mem(
        &self,
        fp: Fp,
        addr: Slot,
        value: Slot,
        memory: u8,
        width: u8,
        lane: u8,
        offset: u64,
    ) -> Result<(), Trap> {
        let bits = simd::extract_bytes(fp.get128(value), lane, width);
        self.memory_at(u32::from(memory)).write_checked(fp.get(addr), offset, u64::from(width), u128::from(bits))
    }
}
