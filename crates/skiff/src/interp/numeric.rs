//! Execution of the numeric instructions, generated from the instruction
//! table (`ir::for_each_numeric!`) over the cell-level semantics in [`sem`].
//!
//! Every numeric instruction writes its result to its destination slot *and*
//! leaves it in the accumulator register of its type (an integer register,
//! or a float register for an f32 or f64: see [`Value`]), so that an
//! `…Acc` instruction right after it reads the value from a register
//! instead of through memory.

use super::num;
use super::{Acc, Fp, Mem};
use crate::interp::ir::{AddImmLoad, BranchOffset, Instr, Op, OperandWord, ScaledLoad, Slot, for_each_numeric};
use crate::trap::Trap;

/// A value as the semantics functions of [`sem`] take and return it: an
/// integer as its cell (`u64`, i32s zero-extended), a float as itself. Its
/// type decides where it lives between instructions: frame cells hold every
/// value's cell, and the accumulator register of the value's type (`Acc`)
/// holds the result of the instruction just executed, so that the next
/// instruction can take it from there. A float result thus stays in a float
/// register: going through an integer register would cost two moves
/// between register files on the dependency chain.
pub(super) trait Value: Copy {
    fn from_cell(cell: u64) -> Self;
    fn to_cell(self) -> u64;
    fn from_acc(acc: Acc) -> Self;
    fn into_acc(self, acc: Acc) -> Acc;
}

impl Value for u64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> u64 {
        cell
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        self
    }
    #[inline(always)]
    fn from_acc(acc: Acc) -> u64 {
        acc.int
    }
    #[inline(always)]
    fn into_acc(self, acc: Acc) -> Acc {
        Acc { int: self, ..acc }
    }
}

impl Value for f32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> f32 {
        f32::from_bits(cell as u32)
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        u64::from(self.to_bits())
    }
    #[inline(always)]
    fn from_acc(acc: Acc) -> f32 {
        acc.f32
    }
    #[inline(always)]
    fn into_acc(self, acc: Acc) -> Acc {
        Acc { f32: self, ..acc }
    }
}

impl Value for f64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> f64 {
        f64::from_bits(cell)
    }
    #[inline(always)]
    fn to_cell(self) -> u64 {
        self.to_bits()
    }
    #[inline(always)]
    fn from_acc(acc: Acc) -> f64 {
        acc.f64
    }
    #[inline(always)]
    fn into_acc(self, acc: Acc) -> Acc {
        Acc { f64: self, ..acc }
    }
}

/// Writes `result` to `dst` and makes it the accumulator of its type; only
/// the latter in the result-in-accumulator form (`ACC_ONLY`), whose `dst`
/// is `Slot::ACC`.
#[inline(always)]
fn finish<R: Value, const ACC_ONLY: bool>(result: R, fp: Fp, dst: Slot, acc: Acc) -> Acc {
    if !ACC_ONLY {
        fp.set(dst, result.to_cell());
    }
    result.into_acc(acc)
}

/// Stores the low `N` bytes of `result` at the address in slot `addr` plus
/// `offset` (a fused `…Store`, see `ir::Stored`), and empties the integer
/// accumulator as a store does (nothing reads it after a store, and an
/// empty one frees its register).
#[inline(always)]
fn store_result<R: Value, const N: usize>(
    result: R,
    fp: Fp,
    mem: Mem,
    addr: Slot,
    offset: u32,
    acc: Acc,
) -> Result<Acc, Trap> {
    let bytes = result.to_cell().to_le_bytes();
    mem.write::<N>(fp.get(addr), offset, std::array::from_fn(|i| bytes[i]))?;
    Ok(Acc { int: 0, ..acc })
}

/// A binary operator's result from its operands' cells or accumulator.
#[inline(always)]
fn binary<A: Value, B: Value, R: Value>(f: impl Fn(A, B) -> Result<R, Trap>, a: A, b: u64) -> Result<R, Trap> {
    f(a, B::from_cell(b))
}

/// A unary operator's result.
#[inline(always)]
fn unary<A: Value, R: Value>(f: impl Fn(A) -> Result<R, Trap>, a: A) -> Result<R, Trap> {
    f(a)
}

/// The cell of an instruction's `i32` immediate for an operator of the
/// given width: zero-extended for i32 operators (the cell encoding: the
/// bitwise operators work on whole cells and must not see sign bits above
/// bit 31), sign-extended for i64 ones.
macro_rules! imm_cell {
    (i32, $imm:expr) => {
        u64::from($imm as u32)
    };
    (i64, $imm:expr) => {
        $imm as i64 as u64
    };
}

macro_rules! define_numeric_eval {
    (
        binary: [$(($bin:ident, $bin_acc:ident, $bin_f:ident)),* $(,)?],
        unary: [$(($un:ident, $un_acc:ident, $un_f:ident)),* $(,)?],
        compare_branch: [$(($cmp:ident, $cmp_acc:ident, $br:ident, $br_acc:ident, $cmp_f:ident,
            $neg:ident, $neg_acc:ident)),* $(,)?],
        float_compare_branch: [$(($fcmp:ident, $fcmp_acc:ident, $fbr:ident, $fbr_acc:ident, $fcmp_f:ident)),* $(,)?],
        binary_imm: [$(($bi_of:ident, $bi_of_acc:ident, $bi:ident, $bi_acc:ident, $bi_f:ident, $bi_w:ident)),* $(,)?],
        compare_imm: [$(($ci_of:ident, $ci_of_acc:ident, $ci:ident, $ci_acc:ident, $ci_br:ident, $ci_br_acc:ident,
            $ci_neg:ident, $ci_neg_acc:ident, $ci_f:ident, $ci_w:ident)),* $(,)?],
        test_branch: [$(($tst:ident, $tst_acc:ident, $tb_nez:ident, $tb_nez_acc:ident,
            $tb_eqz:ident, $tb_eqz_acc:ident)),* $(,)?],
        step_branch: [$(($sb_br:ident, $sb_br_acc:ident, $sb:ident, $sb_bri:ident, $sb_bri_acc:ident,
            $sbi:ident, $sb_f:ident)),* $(,)?],
        store_result: [$(($sr_of:ident, $sr_of_acc:ident, $sr:ident, $sr_acc:ident, $sr_f:ident, $sr_n:literal)),* $(,)?],
        load_operand: [$(($lo_of:ident, $lo_ld:ident, $lo:ident, $lo_st:ident, $lo_f:ident, $lo_ld_f:ident,
            $lo_n:literal)),* $(,)?],
        store_result_imm: [$(($sri_of:ident, $sri_of_acc:ident, $sri:ident, $sri_acc:ident, $sri_f:ident,
            $sri_w:ident, $sri_n:literal)),* $(,)?],
        load: [$(($ld:ident, $ld_acc:ident, $ld_sc:ident, $ld_ai:ident, $ld_f:ident)),* $(,)?],
    ) => {
        /// Executes `instr` if it is numeric, leaving its result in the
        /// accumulator of its type (see [`Value`]), and says whether it was.
        /// With `ACC_ONLY`, for an instruction whose result goes to the
        /// accumulator only ([`Instr::result_in_acc_only`]), it writes no slot.
        ///
        /// Operator slots are decoded from one [`OperandWord`] read.
        #[inline(always)]
        pub(super) fn eval<const ACC_ONLY: bool>(
            ip: *const Op,
            instr: Instr,
            fp: Fp,
            mem: Mem,
            acc: &mut Acc,
        ) -> Result<bool, Trap> {
            // SAFETY: `ip` points at `instr`, a valid instruction.
            let w = unsafe { OperandWord::read(&raw const (*ip).instr) };
            // The left operand (or address) from a slot or the accumulator.
            macro_rules! slot {
                ($slot:expr) => {
                    Value::from_cell(fp.get($slot))
                };
            }
            macro_rules! from_acc {
                () => {
                    Value::from_acc(*acc)
                };
            }
            let acc_in = *acc;
            *acc = match instr {
                $(Instr::$bin(_) => finish::<_, ACC_ONLY>(binary(sem::$bin_f, slot!(w.slot(1)), fp.get(w.slot(2)))?, fp, w.slot(0), acc_in),)*
                $(Instr::$bin_acc(_) => finish::<_, ACC_ONLY>(binary(sem::$bin_f, from_acc!(), fp.get(w.slot(1)))?, fp, w.slot(0), acc_in),)*
                $(Instr::$un(_) => finish::<_, ACC_ONLY>(unary(sem::$un_f, slot!(w.slot(1)))?, fp, w.slot(0), acc_in),)*
                $(Instr::$un_acc(_) => finish::<_, ACC_ONLY>(unary(sem::$un_f, from_acc!())?, fp, w.slot(0), acc_in),)*
                $(Instr::$bi(op) => finish::<_, ACC_ONLY>(sem::$bi_f(fp.get(op.lhs), imm_cell!($bi_w, op.imm))?, fp, op.dst, acc_in),)*
                $(Instr::$bi_acc(op) => finish::<_, ACC_ONLY>(sem::$bi_f(acc_in.int, imm_cell!($bi_w, op.imm))?, fp, op.dst, acc_in),)*
                $(Instr::$ci(op) => finish::<_, ACC_ONLY>(sem::$ci_f(fp.get(op.lhs), imm_cell!($ci_w, op.imm))?, fp, op.dst, acc_in),)*
                $(Instr::$ci_acc(op) => finish::<_, ACC_ONLY>(sem::$ci_f(acc_in.int, imm_cell!($ci_w, op.imm))?, fp, op.dst, acc_in),)*
                $(Instr::$ld(op) => finish::<_, ACC_ONLY>(sem::$ld_f(mem, fp.get(op.addr), op.offset)?, fp, op.dst, acc_in),)*
                $(Instr::$ld_acc(op) => finish::<_, ACC_ONLY>(sem::$ld_f(mem, acc_in.int, op.offset)?, fp, op.dst, acc_in),)*
                $(Instr::$ld_ai(op) => {
                    finish::<_, ACC_ONLY>(sem::$ld_f(mem, AddImmLoad::address(fp.get(op.base), op.imm), 0)?, fp, op.dst, acc_in)
                })*
                $(Instr::$ld_sc(op) => {
                    let addr = ScaledLoad::address(fp.get(op.base), fp.get(op.index), op.shift);
                    finish::<_, ACC_ONLY>(sem::$ld_f(mem, addr, u32::from(op.offset))?, fp, op.dst, acc_in)
                })*
                $(Instr::$sr(s) => {
                    let result = binary(sem::$sr_f, slot!(s.op.lhs), fp.get(s.op.rhs))?;
                    store_result::<_, $sr_n>(result, fp, mem, s.op.dst, s.offset, acc_in)?
                })*
                $(Instr::$sr_acc(s) => {
                    let result = binary(sem::$sr_f, from_acc!(), fp.get(s.op.rhs))?;
                    store_result::<_, $sr_n>(result, fp, mem, s.op.dst, s.offset, acc_in)?
                })*
                $(Instr::$lo(op) => {
                    let lhs = sem::$lo_ld_f(mem, fp.get(op.addr), op.offset)?;
                    finish::<_, ACC_ONLY>(binary(sem::$lo_f, lhs, fp.get(op.rhs))?, fp, op.dst, acc_in)
                })*
                $(Instr::$lo_st(op) => {
                    let lhs = sem::$lo_ld_f(mem, fp.get(op.addr), op.offset)?;
                    let result = binary(sem::$lo_f, lhs, fp.get(op.rhs))?;
                    store_result::<_, $lo_n>(result, fp, mem, op.addr, op.offset, acc_in)?
                })*
                Instr::I32Load8U2 { a, addr_a, b, addr_b, offset_a, offset_b } => {
                    fp.set(a, sem::i32_load8_u(mem, fp.get(addr_a), u32::from(offset_a))?);
                    finish::<_, ACC_ONLY>(sem::i32_load8_u(mem, fp.get(addr_b), u32::from(offset_b))?, fp, b, acc_in)
                }
                Instr::I32XorShrUImm { dst, src, rhs, imm } => {
                    let shifted = fp.get(src) as u32 >> (imm as u32 & 31);
                    finish::<_, ACC_ONLY>(u64::from(shifted ^ fp.get(rhs) as u32), fp, dst, acc_in)
                }
                Instr::I32XorShrUAccImm { dst, rhs, imm } => {
                    let shifted = acc_in.int as u32 >> (imm as u32 & 31);
                    finish::<_, ACC_ONLY>(u64::from(shifted ^ fp.get(rhs) as u32), fp, dst, acc_in)
                }
                Instr::I32MulXorShrUAccImm { dst, rhs, mul, shift } => {
                    let product = (acc_in.int as u32).wrapping_mul(mul as u32);
                    fp.set(rhs, u64::from(product));
                    finish::<_, ACC_ONLY>(u64::from((product >> (shift & 31)) ^ product), fp, dst, acc_in)
                }
                Instr::I32XorRotlImm { dst, src, rhs, imm } => {
                    let rotated = (fp.get(src) as u32).rotate_left(imm as u32 & 31);
                    finish::<_, ACC_ONLY>(u64::from(rotated ^ fp.get(rhs) as u32), fp, dst, acc_in)
                }
                Instr::I32LoadShlAcc { dst, shift, offset } => {
                    let addr = u64::from((acc_in.int as u32) << (shift & 31));
                    finish::<_, ACC_ONLY>(sem::i32_load(mem, addr, offset)?, fp, dst, acc_in)
                }
                Instr::I32MulAddImm { dst, lhs, mul, add } => {
                    let result = (fp.get(lhs) as u32).wrapping_mul(mul as u32).wrapping_add(add as u32);
                    finish::<_, ACC_ONLY>(u64::from(result), fp, dst, acc_in)
                }
                $(Instr::$sri(s) => {
                    let result = sem::$sri_f(fp.get(s.op.lhs), imm_cell!($sri_w, s.op.imm))?;
                    store_result::<_, $sri_n>(result, fp, mem, s.op.dst, s.offset, acc_in)?
                })*
                $(Instr::$sri_acc(s) => {
                    let result = sem::$sri_f(acc_in.int, imm_cell!($sri_w, s.op.imm))?;
                    store_result::<_, $sri_n>(result, fp, mem, s.op.dst, s.offset, acc_in)?
                })*
                _ => return Ok(false),
            };
            Ok(true)
        }

        /// For a compare-and-branch instruction, whether its branch is taken
        /// and its offset; `None` for any other instruction.
        #[inline(always)]
        pub(super) fn eval_branch(instr: Instr, fp: Fp, acc: Acc) -> Option<(bool, BranchOffset)> {
            match instr {
                $(Instr::$br(b) => Some((sem::$cmp_f(fp.get(b.lhs), fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$br_acc(b) => Some((sem::$cmp_f(acc.int, fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$fbr(b) => Some((binary(sem::$fcmp_f, Value::from_cell(fp.get(b.lhs)), fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$fbr_acc(b) => Some((binary(sem::$fcmp_f, Value::from_acc(acc), fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$ci_br(b) => Some((sem::$ci_f(fp.get(b.lhs), imm_cell!($ci_w, i32::from(b.imm))) == Ok(1), b.offset)),)*
                $(Instr::$ci_br_acc(b) => Some((sem::$ci_f(acc.int, imm_cell!($ci_w, i32::from(b.imm))) == Ok(1), b.offset)),)*
                $(Instr::$tb_nez(b) => Some(((fp.get(b.lhs) & fp.get(b.rhs)) as u32 != 0, b.offset)),)*
                $(Instr::$tb_nez_acc(b) => Some(((acc.int & fp.get(b.rhs)) as u32 != 0, b.offset)),)*
                $(Instr::$tb_eqz(b) => Some(((fp.get(b.lhs) & fp.get(b.rhs)) as u32 == 0, b.offset)),)*
                $(Instr::$tb_eqz_acc(b) => Some(((acc.int & fp.get(b.rhs)) as u32 == 0, b.offset)),)*
                _ => None,
            }
        }

        /// For a counter step fused with a compare-and-branch: takes the
        /// step (the sum goes to the slot and the accumulator), then says
        /// whether the branch is taken and its offset; `None` for any other
        /// instruction. The right operand is read after the step, as the
        /// unfused pair would.
        #[inline(always)]
        pub(super) fn eval_step_branch(instr: Instr, fp: Fp, acc: &mut Acc) -> Option<(bool, BranchOffset)> {
            let mut step = |slot: Slot, step: i16| {
                let sum = u64::from((fp.get(slot) as u32).wrapping_add(i32::from(step) as u32));
                fp.set(slot, sum);
                acc.int = sum;
                sum
            };
            match instr {
                $(Instr::$sb(b) => {
                    let sum = step(b.slot, b.step);
                    Some((sem::$sb_f(sum, fp.get(b.rhs)) == Ok(1), b.offset))
                })*
                $(Instr::$sbi(b) => {
                    let sum = step(b.slot, b.step);
                    Some((sem::$sb_f(sum, imm_cell!(i32, i32::from(b.imm))) == Ok(1), b.offset))
                })*
                _ => None,
            }
        }
    };
}

for_each_numeric!(define_numeric_eval {});

/// The semantics of each numeric instruction on cells (see `values.rs` for
/// the encoding: i32 and f32 zero-extended).
#[allow(clippy::unnecessary_wraps)]
#[rustfmt::skip]
pub(super) mod sem {
    use super::{Mem, Trap, num};

    type R = Result<u64, Trap>;

    #[inline(always)]
    fn i32(c: u64) -> i32 {
        c as u32 as i32
    }
    #[inline(always)]
    fn c32(v: i32) -> u64 {
        v as u32 as u64
    }
    #[inline(always)]
    fn b(v: bool) -> R {
        Ok(v as u64)
    }

    // Comparisons.
    #[inline(always)] pub fn i32_eq(a: u64, b_: u64) -> R { b(a as u32 == b_ as u32) }
    #[inline(always)] pub fn i32_ne(a: u64, b_: u64) -> R { b(a as u32 != b_ as u32) }
    #[inline(always)] pub fn i32_lt_s(a: u64, b_: u64) -> R { b(i32(a) < i32(b_)) }
    #[inline(always)] pub fn i32_lt_u(a: u64, b_: u64) -> R { b((a as u32) < b_ as u32) }
    #[inline(always)] pub fn i32_gt_s(a: u64, b_: u64) -> R { b(i32(a) > i32(b_)) }
    #[inline(always)] pub fn i32_gt_u(a: u64, b_: u64) -> R { b(a as u32 > b_ as u32) }
    #[inline(always)] pub fn i32_le_s(a: u64, b_: u64) -> R { b(i32(a) <= i32(b_)) }
    #[inline(always)] pub fn i32_le_u(a: u64, b_: u64) -> R { b(a as u32 <= b_ as u32) }
    #[inline(always)] pub fn i32_ge_s(a: u64, b_: u64) -> R { b(i32(a) >= i32(b_)) }
    #[inline(always)] pub fn i32_ge_u(a: u64, b_: u64) -> R { b(a as u32 >= b_ as u32) }
    #[inline(always)] pub fn i64_eq(a: u64, b_: u64) -> R { b(a == b_) }
    #[inline(always)] pub fn i64_ne(a: u64, b_: u64) -> R { b(a != b_) }
    #[inline(always)] pub fn i64_lt_s(a: u64, b_: u64) -> R { b((a as i64) < b_ as i64) }
    #[inline(always)] pub fn i64_lt_u(a: u64, b_: u64) -> R { b(a < b_) }
    #[inline(always)] pub fn i64_gt_s(a: u64, b_: u64) -> R { b(a as i64 > b_ as i64) }
    #[inline(always)] pub fn i64_gt_u(a: u64, b_: u64) -> R { b(a > b_) }
    #[inline(always)] pub fn i64_le_s(a: u64, b_: u64) -> R { b(a as i64 <= b_ as i64) }
    #[inline(always)] pub fn i64_le_u(a: u64, b_: u64) -> R { b(a <= b_) }
    #[inline(always)] pub fn i64_ge_s(a: u64, b_: u64) -> R { b(a as i64 >= b_ as i64) }
    #[inline(always)] pub fn i64_ge_u(a: u64, b_: u64) -> R { b(a >= b_) }
    #[inline(always)] pub fn f32_eq(a: f32, b_: f32) -> R { b(a == b_) }
    #[inline(always)] pub fn f32_ne(a: f32, b_: f32) -> R { b(a != b_) }
    #[inline(always)] pub fn f32_lt(a: f32, b_: f32) -> R { b(a < b_) }
    #[inline(always)] pub fn f32_gt(a: f32, b_: f32) -> R { b(a > b_) }
    #[inline(always)] pub fn f32_le(a: f32, b_: f32) -> R { b(a <= b_) }
    #[inline(always)] pub fn f32_ge(a: f32, b_: f32) -> R { b(a >= b_) }
    #[inline(always)] pub fn f64_eq(a: f64, b_: f64) -> R { b(a == b_) }
    #[inline(always)] pub fn f64_ne(a: f64, b_: f64) -> R { b(a != b_) }
    #[inline(always)] pub fn f64_lt(a: f64, b_: f64) -> R { b(a < b_) }
    #[inline(always)] pub fn f64_gt(a: f64, b_: f64) -> R { b(a > b_) }
    #[inline(always)] pub fn f64_le(a: f64, b_: f64) -> R { b(a <= b_) }
    #[inline(always)] pub fn f64_ge(a: f64, b_: f64) -> R { b(a >= b_) }

    // Integer arithmetic.
    #[inline(always)] pub fn i32_add(a: u64, b: u64) -> R { Ok(c32(i32(a).wrapping_add(i32(b)))) }
    #[inline(always)] pub fn i32_sub(a: u64, b: u64) -> R { Ok(c32(i32(a).wrapping_sub(i32(b)))) }
    #[inline(always)] pub fn i32_mul(a: u64, b: u64) -> R { Ok(c32(i32(a).wrapping_mul(i32(b)))) }
    #[inline(always)] pub fn i32_div_s(a: u64, b: u64) -> R { Ok(c32(num::i32_div_s(i32(a), i32(b))?)) }
    #[inline(always)] pub fn i32_div_u(a: u64, b: u64) -> R { Ok(num::i32_div_u(a as u32, b as u32)? as u64) }
    #[inline(always)] pub fn i32_rem_s(a: u64, b: u64) -> R { Ok(c32(num::i32_rem_s(i32(a), i32(b))?)) }
    #[inline(always)] pub fn i32_rem_u(a: u64, b: u64) -> R { Ok(num::i32_rem_u(a as u32, b as u32)? as u64) }
    #[inline(always)] pub fn i32_and(a: u64, b: u64) -> R { Ok(a & b) }
    #[inline(always)] pub fn i32_or(a: u64, b: u64) -> R { Ok(a | b) }
    #[inline(always)] pub fn i32_xor(a: u64, b: u64) -> R { Ok(a ^ b) }
    #[inline(always)] pub fn i32_shl(a: u64, b: u64) -> R { Ok(c32(i32(a).wrapping_shl(b as u32))) }
    #[inline(always)] pub fn i32_shr_s(a: u64, b: u64) -> R { Ok(c32(i32(a).wrapping_shr(b as u32))) }
    #[inline(always)] pub fn i32_shr_u(a: u64, b: u64) -> R { Ok((a as u32).wrapping_shr(b as u32) as u64) }
    #[inline(always)] pub fn i32_rotl(a: u64, b: u64) -> R { Ok((a as u32).rotate_left(b as u32 & 31) as u64) }
    #[inline(always)] pub fn i32_rotr(a: u64, b: u64) -> R { Ok((a as u32).rotate_right(b as u32 & 31) as u64) }
    #[inline(always)] pub fn i64_add(a: u64, b: u64) -> R { Ok(a.wrapping_add(b)) }
    #[inline(always)] pub fn i64_sub(a: u64, b: u64) -> R { Ok(a.wrapping_sub(b)) }
    #[inline(always)] pub fn i64_mul(a: u64, b: u64) -> R { Ok(a.wrapping_mul(b)) }
    #[inline(always)] pub fn i64_div_s(a: u64, b: u64) -> R { Ok(num::i64_div_s(a as i64, b as i64)? as u64) }
    #[inline(always)] pub fn i64_div_u(a: u64, b: u64) -> R { num::i64_div_u(a, b) }
    #[inline(always)] pub fn i64_rem_s(a: u64, b: u64) -> R { Ok(num::i64_rem_s(a as i64, b as i64)? as u64) }
    #[inline(always)] pub fn i64_rem_u(a: u64, b: u64) -> R { num::i64_rem_u(a, b) }
    #[inline(always)] pub fn i64_and(a: u64, b: u64) -> R { Ok(a & b) }
    #[inline(always)] pub fn i64_or(a: u64, b: u64) -> R { Ok(a | b) }
    #[inline(always)] pub fn i64_xor(a: u64, b: u64) -> R { Ok(a ^ b) }
    #[inline(always)] pub fn i64_shl(a: u64, b: u64) -> R { Ok(a.wrapping_shl(b as u32)) }
    #[inline(always)] pub fn i64_shr_s(a: u64, b: u64) -> R { Ok((a as i64).wrapping_shr(b as u32) as u64) }
    #[inline(always)] pub fn i64_shr_u(a: u64, b: u64) -> R { Ok(a.wrapping_shr(b as u32)) }
    #[inline(always)] pub fn i64_rotl(a: u64, b: u64) -> R { Ok(a.rotate_left((b & 63) as u32)) }
    #[inline(always)] pub fn i64_rotr(a: u64, b: u64) -> R { Ok(a.rotate_right((b & 63) as u32)) }

    // Float arithmetic.
    #[inline(always)] pub fn f32_add(a: f32, b: f32) -> Result<f32, Trap> { Ok(a + b) }
    #[inline(always)] pub fn f32_sub(a: f32, b: f32) -> Result<f32, Trap> { Ok(a - b) }
    #[inline(always)] pub fn f32_mul(a: f32, b: f32) -> Result<f32, Trap> { Ok(a * b) }
    #[inline(always)] pub fn f32_div(a: f32, b: f32) -> Result<f32, Trap> { Ok(a / b) }
    #[inline(always)] pub fn f32_min(a: f32, b: f32) -> Result<f32, Trap> { Ok(num::f32_min(a, b)) }
    #[inline(always)] pub fn f32_max(a: f32, b: f32) -> Result<f32, Trap> { Ok(num::f32_max(a, b)) }
    #[inline(always)] pub fn f32_copysign(a: f32, b: f32) -> Result<f32, Trap> { Ok(f32::from_bits(num::f32_copysign(a.to_bits(), b.to_bits()))) }
    #[inline(always)] pub fn f64_add(a: f64, b: f64) -> Result<f64, Trap> { Ok(a + b) }
    #[inline(always)] pub fn f64_sub(a: f64, b: f64) -> Result<f64, Trap> { Ok(a - b) }
    #[inline(always)] pub fn f64_mul(a: f64, b: f64) -> Result<f64, Trap> { Ok(a * b) }
    #[inline(always)] pub fn f64_div(a: f64, b: f64) -> Result<f64, Trap> { Ok(a / b) }
    #[inline(always)] pub fn f64_min(a: f64, b: f64) -> Result<f64, Trap> { Ok(num::f64_min(a, b)) }
    #[inline(always)] pub fn f64_max(a: f64, b: f64) -> Result<f64, Trap> { Ok(num::f64_max(a, b)) }
    #[inline(always)] pub fn f64_copysign(a: f64, b: f64) -> Result<f64, Trap> { Ok(f64::from_bits(num::f64_copysign(a.to_bits(), b.to_bits()))) }

    // Unary operators.
    #[inline(always)] pub fn i32_eqz(a: u64) -> R { b(a as u32 == 0) }
    #[inline(always)] pub fn i64_eqz(a: u64) -> R { b(a == 0) }
    #[inline(always)] pub fn i32_clz(a: u64) -> R { Ok((a as u32).leading_zeros() as u64) }
    #[inline(always)] pub fn i32_ctz(a: u64) -> R { Ok((a as u32).trailing_zeros() as u64) }
    #[inline(always)] pub fn i32_popcnt(a: u64) -> R { Ok((a as u32).count_ones() as u64) }
    #[inline(always)] pub fn i64_clz(a: u64) -> R { Ok(a.leading_zeros() as u64) }
    #[inline(always)] pub fn i64_ctz(a: u64) -> R { Ok(a.trailing_zeros() as u64) }
    #[inline(always)] pub fn i64_popcnt(a: u64) -> R { Ok(a.count_ones() as u64) }
    #[inline(always)] pub fn f32_abs(a: f32) -> Result<f32, Trap> { Ok(f32::from_bits(a.to_bits() & 0x7fff_ffff)) }
    #[inline(always)] pub fn f32_neg(a: f32) -> Result<f32, Trap> { Ok(f32::from_bits(a.to_bits() ^ 0x8000_0000)) }
    #[inline(always)] pub fn f32_ceil(a: f32) -> Result<f32, Trap> { Ok(num::quiet_f32(a.ceil())) }
    #[inline(always)] pub fn f32_floor(a: f32) -> Result<f32, Trap> { Ok(num::quiet_f32(a.floor())) }
    #[inline(always)] pub fn f32_trunc(a: f32) -> Result<f32, Trap> { Ok(num::quiet_f32(a.trunc())) }
    #[inline(always)] pub fn f32_nearest(a: f32) -> Result<f32, Trap> { Ok(num::quiet_f32(a.round_ties_even())) }
    #[inline(always)] pub fn f32_sqrt(a: f32) -> Result<f32, Trap> { Ok(a.sqrt()) }
    #[inline(always)] pub fn f64_abs(a: f64) -> Result<f64, Trap> { Ok(f64::from_bits(a.to_bits() & 0x7fff_ffff_ffff_ffff)) }
    #[inline(always)] pub fn f64_neg(a: f64) -> Result<f64, Trap> { Ok(f64::from_bits(a.to_bits() ^ 0x8000_0000_0000_0000)) }
    #[inline(always)] pub fn f64_ceil(a: f64) -> Result<f64, Trap> { Ok(num::quiet_f64(a.ceil())) }
    #[inline(always)] pub fn f64_floor(a: f64) -> Result<f64, Trap> { Ok(num::quiet_f64(a.floor())) }
    #[inline(always)] pub fn f64_trunc(a: f64) -> Result<f64, Trap> { Ok(num::quiet_f64(a.trunc())) }
    #[inline(always)] pub fn f64_nearest(a: f64) -> Result<f64, Trap> { Ok(num::quiet_f64(a.round_ties_even())) }
    #[inline(always)] pub fn f64_sqrt(a: f64) -> Result<f64, Trap> { Ok(a.sqrt()) }

    // Conversions.
    #[inline(always)] pub fn i32_wrap_i64(a: u64) -> R { Ok(a as u32 as u64) }
    #[inline(always)] pub fn i32_trunc_f32_s(a: f32) -> R { Ok(c32(num::i32_trunc_f32_s(a)?)) }
    #[inline(always)] pub fn i32_trunc_f32_u(a: f32) -> R { Ok(num::i32_trunc_f32_u(a)? as u64) }
    #[inline(always)] pub fn i32_trunc_f64_s(a: f64) -> R { Ok(c32(num::i32_trunc_f64_s(a)?)) }
    #[inline(always)] pub fn i32_trunc_f64_u(a: f64) -> R { Ok(num::i32_trunc_f64_u(a)? as u64) }
    #[inline(always)] pub fn i64_extend_i32_s(a: u64) -> R { Ok(i32(a) as i64 as u64) }
    #[inline(always)] pub fn i64_trunc_f32_s(a: f32) -> R { Ok(num::i64_trunc_f32_s(a)? as u64) }
    #[inline(always)] pub fn i64_trunc_f32_u(a: f32) -> R { num::i64_trunc_f32_u(a) }
    #[inline(always)] pub fn i64_trunc_f64_s(a: f64) -> R { Ok(num::i64_trunc_f64_s(a)? as u64) }
    #[inline(always)] pub fn i64_trunc_f64_u(a: f64) -> R { num::i64_trunc_f64_u(a) }
    #[inline(always)] pub fn f32_convert_i32_s(a: u64) -> Result<f32, Trap> { Ok(i32(a) as f32) }
    #[inline(always)] pub fn f32_convert_i32_u(a: u64) -> Result<f32, Trap> { Ok(a as u32 as f32) }
    #[inline(always)] pub fn f32_convert_i64_s(a: u64) -> Result<f32, Trap> { Ok(a as i64 as f32) }
    #[inline(always)] pub fn f32_convert_i64_u(a: u64) -> Result<f32, Trap> { Ok(a as f32) }
    #[inline(always)] pub fn f32_demote_f64(a: f64) -> Result<f32, Trap> { Ok(a as f32) }
    #[inline(always)] pub fn f64_convert_i32_s(a: u64) -> Result<f64, Trap> { Ok(i32(a) as f64) }
    #[inline(always)] pub fn f64_convert_i32_u(a: u64) -> Result<f64, Trap> { Ok(a as u32 as f64) }
    #[inline(always)] pub fn f64_convert_i64_s(a: u64) -> Result<f64, Trap> { Ok(a as i64 as f64) }
    #[inline(always)] pub fn f64_convert_i64_u(a: u64) -> Result<f64, Trap> { Ok(a as f64) }
    #[inline(always)] pub fn f64_promote_f32(a: f32) -> Result<f64, Trap> { Ok(a as f64) }
    #[inline(always)] pub fn i32_extend8_s(a: u64) -> R { Ok(c32(a as i8 as i32)) }
    #[inline(always)] pub fn i32_extend16_s(a: u64) -> R { Ok(c32(a as i16 as i32)) }
    #[inline(always)] pub fn i64_extend8_s(a: u64) -> R { Ok(a as i8 as i64 as u64) }
    #[inline(always)] pub fn i64_extend16_s(a: u64) -> R { Ok(a as i16 as i64 as u64) }
    #[inline(always)] pub fn i64_extend32_s(a: u64) -> R { Ok(a as i32 as i64 as u64) }
    // Rust's float-to-int `as` saturates and maps NaN to 0: exactly `trunc_sat`.
    #[inline(always)] pub fn i32_trunc_sat_f32_s(a: f32) -> R { Ok(c32(a as i32)) }
    #[inline(always)] pub fn i32_trunc_sat_f32_u(a: f32) -> R { Ok(a as u32 as u64) }
    #[inline(always)] pub fn i32_trunc_sat_f64_s(a: f64) -> R { Ok(c32(a as i32)) }
    #[inline(always)] pub fn i32_trunc_sat_f64_u(a: f64) -> R { Ok(a as u32 as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f32_s(a: f32) -> R { Ok(a as i64 as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f32_u(a: f32) -> R { Ok(a as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f64_s(a: f64) -> R { Ok(a as i64 as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f64_u(a: f64) -> R { Ok(a as u64) }

    // Loads from the default memory.
    #[inline(always)] pub fn i32_load(m: Mem, a: u64, o: u32) -> R { Ok(u32::from_le_bytes(m.read(a, o)?) as u64) }
    #[inline(always)] pub fn i64_load(m: Mem, a: u64, o: u32) -> R { Ok(u64::from_le_bytes(m.read(a, o)?)) }
    #[inline(always)] pub fn f32_load(m: Mem, a: u64, o: u32) -> Result<f32, Trap> { m.read_float::<f32, 4>(a, o) }
    #[inline(always)] pub fn f64_load(m: Mem, a: u64, o: u32) -> Result<f64, Trap> { m.read_float::<f64, 8>(a, o) }
    #[inline(always)] pub fn i32_load8_s(m: Mem, a: u64, o: u32) -> R { Ok(c32(i8::from_le_bytes(m.read(a, o)?) as i32)) }
    #[inline(always)] pub fn i32_load8_u(m: Mem, a: u64, o: u32) -> R { Ok(u8::from_le_bytes(m.read(a, o)?) as u64) }
    #[inline(always)] pub fn i32_load16_s(m: Mem, a: u64, o: u32) -> R { Ok(c32(i16::from_le_bytes(m.read(a, o)?) as i32)) }
    #[inline(always)] pub fn i32_load16_u(m: Mem, a: u64, o: u32) -> R { Ok(u16::from_le_bytes(m.read(a, o)?) as u64) }
    #[inline(always)] pub fn i64_load8_s(m: Mem, a: u64, o: u32) -> R { Ok(i8::from_le_bytes(m.read(a, o)?) as i64 as u64) }
    #[inline(always)] pub fn i64_load8_u(m: Mem, a: u64, o: u32) -> R { Ok(u8::from_le_bytes(m.read(a, o)?) as u64) }
    #[inline(always)] pub fn i64_load16_s(m: Mem, a: u64, o: u32) -> R { Ok(i16::from_le_bytes(m.read(a, o)?) as i64 as u64) }
    #[inline(always)] pub fn i64_load16_u(m: Mem, a: u64, o: u32) -> R { Ok(u16::from_le_bytes(m.read(a, o)?) as u64) }
    #[inline(always)] pub fn i64_load32_s(m: Mem, a: u64, o: u32) -> R { Ok(i32::from_le_bytes(m.read(a, o)?) as i64 as u64) }
    #[inline(always)] pub fn i64_load32_u(m: Mem, a: u64, o: u32) -> R { Ok(u32::from_le_bytes(m.read(a, o)?) as u64) }
}
