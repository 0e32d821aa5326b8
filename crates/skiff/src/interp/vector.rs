//! Execution of the SIMD instructions: one arm per operator, generated from
//! `simd::for_each_simd!` over the lane semantics in [`simd`], plus the
//! `v128` loads and stores, lane accesses and `i8x16.shuffle`.
//!
//! A `v128` lives in two consecutive frame cells, low half first
//! (`Fp::get128`). Every operator reads all its operands before it writes
//! its result, so a result may overlap an operand's cells. SIMD
//! instructions leave the accumulator as it was: the translator never
//! emits an `…Acc` instruction after one.

use super::{Fp, Mem, simd};
use crate::ir::{Instr, Slot, Store};
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
    mem.store(fp, Store { addr, value: addr, offset }, bytes)
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
    ) => {
        /// Executes `instr` if it is a SIMD instruction and says whether it
        /// was one. Memory accesses trap exactly as scalar ones do.
        #[inline(always)]
        pub(super) fn eval(instr: Instr, fp: Fp, mem: Mem) -> Result<bool, Trap> {
            match instr {
                $(Instr::$un(op) => fp.set128(op.dst, simd::$un_f(fp.get128(op.src))),)*
                $(Instr::$bin(op) => fp.set128(op.dst, simd::$bin_f(fp.get128(op.lhs), fp.get128(op.rhs))),)*
                $(Instr::$tern(op) => {
                    fp.set128(op.dst, simd::$tern_f(fp.get128(op.a), fp.get128(op.b), fp.get128(op.c)))
                })*
                $(Instr::$shift(op) => fp.set128(op.dst, simd::$shift_f(fp.get128(op.lhs), fp.u32(op.rhs))),)*
                $(Instr::$test(op) => fp.set(op.dst, u64::from(simd::$test_f(fp.get128(op.src)))),)*
                $(Instr::$splat(op) => fp.set128(op.dst, simd::$splat_f(fp.get(op.src))),)*
                $(Instr::$extract(op) => fp.set(op.dst, simd::$extract_f(fp.get128(op.src), op.lane)),)*
                $(Instr::$replace(op) => {
                    fp.set128(op.dst, simd::$replace_f(fp.get128(op.src), op.lane, fp.get(op.value)))
                })*
                $(Instr::$le(op) => fp.set128(op.dst, simd::$le_f(read_le::<8>(mem, fp.get(op.addr), op.offset)?)),)*
                $(Instr::$ls(op) => {
                    fp.set128(op.dst, simd::$ls_f(read_le::<$ls_n>(mem, fp.get(op.addr), op.offset)?))
                })*
                $(Instr::$lz(op) => {
                    fp.set128(op.dst, simd::$lz_f(read_le::<$lz_n>(mem, fp.get(op.addr), op.offset)?))
                })*
                Instr::V128Load { dst, addr, offset } => {
                    fp.set128(dst, u128::from_le_bytes(mem.read(fp.get(addr), offset)?))
                }
                Instr::V128Store { addr, value, offset } => {
                    mem.store(fp, Store { addr, value, offset }, fp.get128(value).to_le_bytes())?
                }
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
                Instr::I8x16Shuffle { dst, a, b, lanes } => {
                    let lanes = fp.get128(lanes).to_le_bytes();
                    fp.set128(dst, simd::i8x16_shuffle(fp.get128(a), fp.get128(b), lanes))
                }
                _ => return Ok(false),
            }
            Ok(true)
        }
    };
}

simd::for_each_simd!(define_vector_eval);
