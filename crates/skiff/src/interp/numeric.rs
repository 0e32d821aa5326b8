//! Execution of the numeric instructions, generated from the instruction
//! table (`ir::for_each_numeric!`) over the cell-level semantics in [`sem`].
//!
//! Every numeric instruction writes its result to its destination slot *and*
//! returns it as the new accumulator, so that an `…Acc` instruction right
//! after it reads the value from a register instead of through memory.

use super::num;
use super::{Fp, Mem};
use crate::ir::{AddImmLoad, BranchOffset, Instr, OperandWord, ScaledLoad, for_each_numeric};
use crate::trap::Trap;

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
        load: [$(($ld:ident, $ld_acc:ident, $ld_sc:ident, $ld_ai:ident, $ld_f:ident)),* $(,)?],
    ) => {
        /// Executes `instr` if it is numeric: `Ok(Some(result))`, which is
        /// also the new accumulator. `Ok(None)` for any other instruction.
        #[inline(always)]
        ///
        /// Operator slots are decoded from one [`OperandWord`] read.
        pub(super) fn eval(ip: *const Instr, instr: Instr, fp: Fp, mem: Mem, acc: u64) -> Result<Option<u64>, Trap> {
            // SAFETY: `ip` points at `instr`, a valid instruction.
            let w = unsafe { OperandWord::read(ip) };
            let value = match instr {
                $(Instr::$bin(_) => {
                    let v = sem::$bin_f(fp.get(w.slot(1)), fp.get(w.slot(2)))?;
                    fp.set(w.slot(0), v);
                    v
                })*
                $(Instr::$bin_acc(_) => {
                    let v = sem::$bin_f(acc, fp.get(w.slot(1)))?;
                    fp.set(w.slot(0), v);
                    v
                })*
                $(Instr::$un(_) => {
                    let v = sem::$un_f(fp.get(w.slot(1)))?;
                    fp.set(w.slot(0), v);
                    v
                })*
                $(Instr::$un_acc(_) => {
                    let v = sem::$un_f(acc)?;
                    fp.set(w.slot(0), v);
                    v
                })*
                $(Instr::$bi(op) => {
                    let v = sem::$bi_f(fp.get(op.lhs), imm_cell!($bi_w, op.imm))?;
                    fp.set(op.dst, v);
                    v
                })*
                $(Instr::$bi_acc(op) => {
                    let v = sem::$bi_f(acc, imm_cell!($bi_w, op.imm))?;
                    fp.set(op.dst, v);
                    v
                })*
                $(Instr::$ci(op) => {
                    let v = sem::$ci_f(fp.get(op.lhs), imm_cell!($ci_w, op.imm))?;
                    fp.set(op.dst, v);
                    v
                })*
                $(Instr::$ci_acc(op) => {
                    let v = sem::$ci_f(acc, imm_cell!($ci_w, op.imm))?;
                    fp.set(op.dst, v);
                    v
                })*
                $(Instr::$ld(op) => {
                    let v = sem::$ld_f(mem, fp.get(op.addr), op.offset)?;
                    fp.set(op.dst, v);
                    v
                })*
                $(Instr::$ld_acc(op) => {
                    let v = sem::$ld_f(mem, acc, op.offset)?;
                    fp.set(op.dst, v);
                    v
                })*
                $(Instr::$ld_ai(op) => {
                    let v = sem::$ld_f(mem, AddImmLoad::address(fp.get(op.base), op.imm), 0)?;
                    fp.set(op.dst, v);
                    v
                })*
                $(Instr::$ld_sc(op) => {
                    let addr = ScaledLoad::address(fp.get(op.base), fp.get(op.index), op.shift);
                    let v = sem::$ld_f(mem, addr, u32::from(op.offset))?;
                    fp.set(op.dst, v);
                    v
                })*
                _ => return Ok(None),
            };
            Ok(Some(value))
        }

        /// For a compare-and-branch instruction, whether its branch is taken
        /// and its offset; `None` for any other instruction.
        #[inline(always)]
        pub(super) fn eval_branch(instr: Instr, fp: Fp, acc: u64) -> Option<(bool, BranchOffset)> {
            match instr {
                $(Instr::$br(b) => Some((sem::$cmp_f(fp.get(b.lhs), fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$br_acc(b) => Some((sem::$cmp_f(acc, fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$fbr(b) => Some((sem::$fcmp_f(fp.get(b.lhs), fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$fbr_acc(b) => Some((sem::$fcmp_f(acc, fp.get(b.rhs)) == Ok(1), b.offset)),)*
                $(Instr::$ci_br(b) => Some((sem::$ci_f(fp.get(b.lhs), imm_cell!($ci_w, i32::from(b.imm))) == Ok(1), b.offset)),)*
                $(Instr::$ci_br_acc(b) => Some((sem::$ci_f(acc, imm_cell!($ci_w, i32::from(b.imm))) == Ok(1), b.offset)),)*
                $(Instr::$tb_nez(b) => Some(((fp.get(b.lhs) & fp.get(b.rhs)) as u32 != 0, b.offset)),)*
                $(Instr::$tb_nez_acc(b) => Some(((acc & fp.get(b.rhs)) as u32 != 0, b.offset)),)*
                $(Instr::$tb_eqz(b) => Some(((fp.get(b.lhs) & fp.get(b.rhs)) as u32 == 0, b.offset)),)*
                $(Instr::$tb_eqz_acc(b) => Some(((acc & fp.get(b.rhs)) as u32 == 0, b.offset)),)*
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
    fn f32(c: u64) -> f32 {
        f32::from_bits(c as u32)
    }
    #[inline(always)]
    fn f64(c: u64) -> f64 {
        f64::from_bits(c)
    }
    #[inline(always)]
    fn c32(v: i32) -> u64 {
        v as u32 as u64
    }
    #[inline(always)]
    fn cf32(v: f32) -> u64 {
        v.to_bits() as u64
    }
    #[inline(always)]
    fn cf64(v: f64) -> u64 {
        v.to_bits()
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
    #[inline(always)] pub fn f32_eq(a: u64, b_: u64) -> R { b(f32(a) == f32(b_)) }
    #[inline(always)] pub fn f32_ne(a: u64, b_: u64) -> R { b(f32(a) != f32(b_)) }
    #[inline(always)] pub fn f32_lt(a: u64, b_: u64) -> R { b(f32(a) < f32(b_)) }
    #[inline(always)] pub fn f32_gt(a: u64, b_: u64) -> R { b(f32(a) > f32(b_)) }
    #[inline(always)] pub fn f32_le(a: u64, b_: u64) -> R { b(f32(a) <= f32(b_)) }
    #[inline(always)] pub fn f32_ge(a: u64, b_: u64) -> R { b(f32(a) >= f32(b_)) }
    #[inline(always)] pub fn f64_eq(a: u64, b_: u64) -> R { b(f64(a) == f64(b_)) }
    #[inline(always)] pub fn f64_ne(a: u64, b_: u64) -> R { b(f64(a) != f64(b_)) }
    #[inline(always)] pub fn f64_lt(a: u64, b_: u64) -> R { b(f64(a) < f64(b_)) }
    #[inline(always)] pub fn f64_gt(a: u64, b_: u64) -> R { b(f64(a) > f64(b_)) }
    #[inline(always)] pub fn f64_le(a: u64, b_: u64) -> R { b(f64(a) <= f64(b_)) }
    #[inline(always)] pub fn f64_ge(a: u64, b_: u64) -> R { b(f64(a) >= f64(b_)) }

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
    #[inline(always)] pub fn f32_add(a: u64, b: u64) -> R { Ok(cf32(f32(a) + f32(b))) }
    #[inline(always)] pub fn f32_sub(a: u64, b: u64) -> R { Ok(cf32(f32(a) - f32(b))) }
    #[inline(always)] pub fn f32_mul(a: u64, b: u64) -> R { Ok(cf32(f32(a) * f32(b))) }
    #[inline(always)] pub fn f32_div(a: u64, b: u64) -> R { Ok(cf32(f32(a) / f32(b))) }
    #[inline(always)] pub fn f32_min(a: u64, b: u64) -> R { Ok(cf32(num::f32_min(f32(a), f32(b)))) }
    #[inline(always)] pub fn f32_max(a: u64, b: u64) -> R { Ok(cf32(num::f32_max(f32(a), f32(b)))) }
    #[inline(always)] pub fn f32_copysign(a: u64, b: u64) -> R { Ok(num::f32_copysign(a as u32, b as u32) as u64) }
    #[inline(always)] pub fn f64_add(a: u64, b: u64) -> R { Ok(cf64(f64(a) + f64(b))) }
    #[inline(always)] pub fn f64_sub(a: u64, b: u64) -> R { Ok(cf64(f64(a) - f64(b))) }
    #[inline(always)] pub fn f64_mul(a: u64, b: u64) -> R { Ok(cf64(f64(a) * f64(b))) }
    #[inline(always)] pub fn f64_div(a: u64, b: u64) -> R { Ok(cf64(f64(a) / f64(b))) }
    #[inline(always)] pub fn f64_min(a: u64, b: u64) -> R { Ok(cf64(num::f64_min(f64(a), f64(b)))) }
    #[inline(always)] pub fn f64_max(a: u64, b: u64) -> R { Ok(cf64(num::f64_max(f64(a), f64(b)))) }
    #[inline(always)] pub fn f64_copysign(a: u64, b: u64) -> R { Ok(num::f64_copysign(a, b)) }

    // Unary operators.
    #[inline(always)] pub fn i32_eqz(a: u64) -> R { b(a as u32 == 0) }
    #[inline(always)] pub fn i64_eqz(a: u64) -> R { b(a == 0) }
    #[inline(always)] pub fn i32_clz(a: u64) -> R { Ok((a as u32).leading_zeros() as u64) }
    #[inline(always)] pub fn i32_ctz(a: u64) -> R { Ok((a as u32).trailing_zeros() as u64) }
    #[inline(always)] pub fn i32_popcnt(a: u64) -> R { Ok((a as u32).count_ones() as u64) }
    #[inline(always)] pub fn i64_clz(a: u64) -> R { Ok(a.leading_zeros() as u64) }
    #[inline(always)] pub fn i64_ctz(a: u64) -> R { Ok(a.trailing_zeros() as u64) }
    #[inline(always)] pub fn i64_popcnt(a: u64) -> R { Ok(a.count_ones() as u64) }
    #[inline(always)] pub fn f32_abs(a: u64) -> R { Ok(a & 0x7fff_ffff) }
    #[inline(always)] pub fn f32_neg(a: u64) -> R { Ok(a ^ 0x8000_0000) }
    #[inline(always)] pub fn f32_ceil(a: u64) -> R { Ok(cf32(num::quiet_f32(f32(a).ceil()))) }
    #[inline(always)] pub fn f32_floor(a: u64) -> R { Ok(cf32(num::quiet_f32(f32(a).floor()))) }
    #[inline(always)] pub fn f32_trunc(a: u64) -> R { Ok(cf32(num::quiet_f32(f32(a).trunc()))) }
    #[inline(always)] pub fn f32_nearest(a: u64) -> R { Ok(cf32(num::quiet_f32(f32(a).round_ties_even()))) }
    #[inline(always)] pub fn f32_sqrt(a: u64) -> R { Ok(cf32(f32(a).sqrt())) }
    #[inline(always)] pub fn f64_abs(a: u64) -> R { Ok(a & 0x7fff_ffff_ffff_ffff) }
    #[inline(always)] pub fn f64_neg(a: u64) -> R { Ok(a ^ 0x8000_0000_0000_0000) }
    #[inline(always)] pub fn f64_ceil(a: u64) -> R { Ok(cf64(num::quiet_f64(f64(a).ceil()))) }
    #[inline(always)] pub fn f64_floor(a: u64) -> R { Ok(cf64(num::quiet_f64(f64(a).floor()))) }
    #[inline(always)] pub fn f64_trunc(a: u64) -> R { Ok(cf64(num::quiet_f64(f64(a).trunc()))) }
    #[inline(always)] pub fn f64_nearest(a: u64) -> R { Ok(cf64(num::quiet_f64(f64(a).round_ties_even()))) }
    #[inline(always)] pub fn f64_sqrt(a: u64) -> R { Ok(cf64(f64(a).sqrt())) }

    // Conversions.
    #[inline(always)] pub fn i32_wrap_i64(a: u64) -> R { Ok(a as u32 as u64) }
    #[inline(always)] pub fn i32_trunc_f32_s(a: u64) -> R { Ok(c32(num::i32_trunc_f32_s(f32(a))?)) }
    #[inline(always)] pub fn i32_trunc_f32_u(a: u64) -> R { Ok(num::i32_trunc_f32_u(f32(a))? as u64) }
    #[inline(always)] pub fn i32_trunc_f64_s(a: u64) -> R { Ok(c32(num::i32_trunc_f64_s(f64(a))?)) }
    #[inline(always)] pub fn i32_trunc_f64_u(a: u64) -> R { Ok(num::i32_trunc_f64_u(f64(a))? as u64) }
    #[inline(always)] pub fn i64_extend_i32_s(a: u64) -> R { Ok(i32(a) as i64 as u64) }
    #[inline(always)] pub fn i64_trunc_f32_s(a: u64) -> R { Ok(num::i64_trunc_f32_s(f32(a))? as u64) }
    #[inline(always)] pub fn i64_trunc_f32_u(a: u64) -> R { num::i64_trunc_f32_u(f32(a)) }
    #[inline(always)] pub fn i64_trunc_f64_s(a: u64) -> R { Ok(num::i64_trunc_f64_s(f64(a))? as u64) }
    #[inline(always)] pub fn i64_trunc_f64_u(a: u64) -> R { num::i64_trunc_f64_u(f64(a)) }
    #[inline(always)] pub fn f32_convert_i32_s(a: u64) -> R { Ok(cf32(i32(a) as f32)) }
    #[inline(always)] pub fn f32_convert_i32_u(a: u64) -> R { Ok(cf32(a as u32 as f32)) }
    #[inline(always)] pub fn f32_convert_i64_s(a: u64) -> R { Ok(cf32(a as i64 as f32)) }
    #[inline(always)] pub fn f32_convert_i64_u(a: u64) -> R { Ok(cf32(a as f32)) }
    #[inline(always)] pub fn f32_demote_f64(a: u64) -> R { Ok(cf32(f64(a) as f32)) }
    #[inline(always)] pub fn f64_convert_i32_s(a: u64) -> R { Ok(cf64(i32(a) as f64)) }
    #[inline(always)] pub fn f64_convert_i32_u(a: u64) -> R { Ok(cf64(a as u32 as f64)) }
    #[inline(always)] pub fn f64_convert_i64_s(a: u64) -> R { Ok(cf64(a as i64 as f64)) }
    #[inline(always)] pub fn f64_convert_i64_u(a: u64) -> R { Ok(cf64(a as f64)) }
    #[inline(always)] pub fn f64_promote_f32(a: u64) -> R { Ok(cf64(f32(a) as f64)) }
    #[inline(always)] pub fn i32_extend8_s(a: u64) -> R { Ok(c32(a as i8 as i32)) }
    #[inline(always)] pub fn i32_extend16_s(a: u64) -> R { Ok(c32(a as i16 as i32)) }
    #[inline(always)] pub fn i64_extend8_s(a: u64) -> R { Ok(a as i8 as i64 as u64) }
    #[inline(always)] pub fn i64_extend16_s(a: u64) -> R { Ok(a as i16 as i64 as u64) }
    #[inline(always)] pub fn i64_extend32_s(a: u64) -> R { Ok(a as i32 as i64 as u64) }
    // Rust's float-to-int `as` saturates and maps NaN to 0: exactly `trunc_sat`.
    #[inline(always)] pub fn i32_trunc_sat_f32_s(a: u64) -> R { Ok(c32(f32(a) as i32)) }
    #[inline(always)] pub fn i32_trunc_sat_f32_u(a: u64) -> R { Ok(f32(a) as u32 as u64) }
    #[inline(always)] pub fn i32_trunc_sat_f64_s(a: u64) -> R { Ok(c32(f64(a) as i32)) }
    #[inline(always)] pub fn i32_trunc_sat_f64_u(a: u64) -> R { Ok(f64(a) as u32 as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f32_s(a: u64) -> R { Ok(f32(a) as i64 as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f32_u(a: u64) -> R { Ok(f32(a) as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f64_s(a: u64) -> R { Ok(f64(a) as i64 as u64) }
    #[inline(always)] pub fn i64_trunc_sat_f64_u(a: u64) -> R { Ok(f64(a) as u64) }

    // Loads from the default memory.
    #[inline(always)] pub fn i32_load(m: Mem, a: u64, o: u32) -> R { Ok(u32::from_le_bytes(m.read(a, o)?) as u64) }
    #[inline(always)] pub fn i64_load(m: Mem, a: u64, o: u32) -> R { Ok(u64::from_le_bytes(m.read(a, o)?)) }
    #[inline(always)] pub fn f32_load(m: Mem, a: u64, o: u32) -> R { Ok(u32::from_le_bytes(m.read(a, o)?) as u64) }
    #[inline(always)] pub fn f64_load(m: Mem, a: u64, o: u32) -> R { Ok(u64::from_le_bytes(m.read(a, o)?)) }
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
