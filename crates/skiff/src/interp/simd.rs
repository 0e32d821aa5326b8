//! Lane semantics of the SIMD-128 and relaxed-SIMD operators, as pure
//! functions on [`V128`] values, and [`for_each_simd!`], the one list of
//! every operator the interpreter runs through them.
//!
//! A v128 is a `u128` whose lanes are little-endian: lane 0 of `i8x16` is
//! bits 0..8, lane 0 of `i32x4` is bits 0..32, and a v128 in memory is the
//! 16 bytes of `V128::to_le_bytes`. Scalars cross as cells (see
//! `crate::values`): an i32 zero-extended, an i64 as is, an f32 as its bits
//! zero-extended, an f64 as its bits.
//!
//! Float lanes follow the scalar operators of the interpreter: IEEE
//! arithmetic from the host (its NaN results are quiet, so arithmetic NaNs),
//! `min`/`max` from [`super::num`] (canonical NaN, -0 below +0), rounding
//! with the quiet bit forced on NaNs, `pmin`/`pmax` exactly `b < a ? b : a`
//! and `a < b ? b : a` (NaNs pass through untouched), `abs`/`neg` on the
//! sign bit only.
//!
//! # Relaxed SIMD: the deterministic profile
//!
//! Every relaxed operator behaves as the Wasm 3.0 deterministic profile
//! prescribes (every relaxed parameter is 0), always, on every host:
//! - `i8x16.relaxed_swizzle` is `i8x16.swizzle` (an index >= 16 gives 0).
//! - `i32x4.relaxed_trunc_f32x4_{s,u}` and `i32x4.relaxed_trunc_f64x2_{s,u}_zero`
//!   are the `trunc_sat` operators (NaN gives 0, out of range saturates).
//! - `f32x4/f64x2.relaxed_madd(a, b, c)` is unfused `a * b + c` with two
//!   roundings; `relaxed_nmadd(a, b, c)` is unfused `-a * b + c`.
//! - `iNxM.relaxed_laneselect` is `v128.bitselect`.
//! - `f32x4/f64x2.relaxed_{min,max}` are `min`/`max`.
//! - `i16x8.relaxed_q15mulr_s` is `i16x8.q15mulr_sat_s`.
//! - `i16x8.relaxed_dot_i8x16_i7x16_s` treats both operands as signed, and
//!   adds each pair of products with signed saturation to 16 bits;
//!   `i32x4.relaxed_dot_i8x16_i7x16_add_s` is that 16-bit dot product,
//!   pairwise sign-extended and added to 32 bits, plus the third operand
//!   (wrapping). The saturation only shows when both operands hold -128 in
//!   both lanes of a pair, outside the i7 range the operator is meant for.
//!
//! Only little-endian hosts are supported: lane views reinterpret the
//! `u128` in place.

#[cfg(target_endian = "big")]
compile_error!("skiff's SIMD lanes assume a little-endian host");

use super::num;

/// A v128 value; lane 0 is the least significant bits.
pub(crate) type V128 = u128;

/// Calls `$m! { ... }` with every SIMD operator the interpreter evaluates
/// through this module, grouped by the shape of its function:
///
/// ```text
/// unary:        [ (Variant, fn_name), ... ]           fn(V128) -> V128
/// binary:       [ ... ]                               fn(V128, V128) -> V128
/// ternary:      [ ... ]                               fn(V128, V128, V128) -> V128 (wasm operand order)
/// shift:        [ ... ]                               fn(V128, u32) -> V128 (the i32 count)
/// test:         [ ... ]                               fn(V128) -> u32 (an i32 result)
/// splat:        [ ... ]                               fn(u64 cell) -> V128
/// extract_lane: [ ... ]                               fn(V128, u8 lane) -> u64 cell
/// replace_lane: [ ... ]                               fn(V128, u8 lane, u64 cell) -> V128
/// load_extend:  [ ... ]                               fn(u64 the 8 bytes read, LE) -> V128
/// load_splat:   [ (Variant, bytes, fn_name), ... ]    fn(u64 the `bytes` bytes read, LE, zero-extended) -> V128
/// load_zero:    [ (Variant, bytes, fn_name), ... ]    fn(u64 likewise) -> V128
/// ```
///
/// `Variant` is the `wasmparser::Operator` variant; `fn_name` names a
/// function of this module (call it as `simd::fn_name` after
/// `use crate::interp::simd;`) and is the variant's wasmparser visitor name
/// without `visit_`. Groups come in this order, without commas between
/// them; entries are separated by commas, with a trailing comma. A matcher:
///
/// ```text
/// ( unary: [$(($u:ident, $uf:ident)),* $(,)?]
///   binary: [$(($b:ident, $bf:ident)),* $(,)?]
///   ternary: [$(($t:ident, $tf:ident)),* $(,)?]
///   shift: [$(($s:ident, $sf:ident)),* $(,)?]
///   test: [$(($q:ident, $qf:ident)),* $(,)?]
///   splat: [$(($sp:ident, $spf:ident)),* $(,)?]
///   extract_lane: [$(($el:ident, $elf:ident)),* $(,)?]
///   replace_lane: [$(($rl:ident, $rlf:ident)),* $(,)?]
///   load_extend: [$(($le:ident, $lef:ident)),* $(,)?]
///   load_splat: [$(($ls:ident, $lsn:literal, $lsf:ident)),* $(,)?]
///   load_zero: [$(($lz:ident, $lzn:literal, $lzf:ident)),* $(,)?] )
/// ```
///
/// Not listed (the translator and interpreter handle them directly):
/// `V128Const`, `V128Load`, `V128Store`, `I8x16Shuffle` (see
/// [`i8x16_shuffle`]) and the lane loads and stores `V128LoadNLane` /
/// `V128StoreNLane` (see [`replace_bytes`] and [`extract_bytes`]).
macro_rules! for_each_simd {
    ($m:ident $(, $($rest:tt)*)?) => {
        $m! {
            unary: [
                (V128Not, v128_not),
                (I8x16Abs, i8x16_abs),
                (I8x16Neg, i8x16_neg),
                (I8x16Popcnt, i8x16_popcnt),
                (I16x8ExtAddPairwiseI8x16S, i16x8_extadd_pairwise_i8x16_s),
                (I16x8ExtAddPairwiseI8x16U, i16x8_extadd_pairwise_i8x16_u),
                (I16x8Abs, i16x8_abs),
                (I16x8Neg, i16x8_neg),
                (I16x8ExtendLowI8x16S, i16x8_extend_low_i8x16_s),
                (I16x8ExtendHighI8x16S, i16x8_extend_high_i8x16_s),
                (I16x8ExtendLowI8x16U, i16x8_extend_low_i8x16_u),
                (I16x8ExtendHighI8x16U, i16x8_extend_high_i8x16_u),
                (I32x4ExtAddPairwiseI16x8S, i32x4_extadd_pairwise_i16x8_s),
                (I32x4ExtAddPairwiseI16x8U, i32x4_extadd_pairwise_i16x8_u),
                (I32x4Abs, i32x4_abs),
                (I32x4Neg, i32x4_neg),
                (I32x4ExtendLowI16x8S, i32x4_extend_low_i16x8_s),
                (I32x4ExtendHighI16x8S, i32x4_extend_high_i16x8_s),
                (I32x4ExtendLowI16x8U, i32x4_extend_low_i16x8_u),
                (I32x4ExtendHighI16x8U, i32x4_extend_high_i16x8_u),
                (I64x2Abs, i64x2_abs),
                (I64x2Neg, i64x2_neg),
                (I64x2ExtendLowI32x4S, i64x2_extend_low_i32x4_s),
                (I64x2ExtendHighI32x4S, i64x2_extend_high_i32x4_s),
                (I64x2ExtendLowI32x4U, i64x2_extend_low_i32x4_u),
                (I64x2ExtendHighI32x4U, i64x2_extend_high_i32x4_u),
                (F32x4Ceil, f32x4_ceil),
                (F32x4Floor, f32x4_floor),
                (F32x4Trunc, f32x4_trunc),
                (F32x4Nearest, f32x4_nearest),
                (F32x4Abs, f32x4_abs),
                (F32x4Neg, f32x4_neg),
                (F32x4Sqrt, f32x4_sqrt),
                (F64x2Ceil, f64x2_ceil),
                (F64x2Floor, f64x2_floor),
                (F64x2Trunc, f64x2_trunc),
                (F64x2Nearest, f64x2_nearest),
                (F64x2Abs, f64x2_abs),
                (F64x2Neg, f64x2_neg),
                (F64x2Sqrt, f64x2_sqrt),
                (I32x4TruncSatF32x4S, i32x4_trunc_sat_f32x4_s),
                (I32x4TruncSatF32x4U, i32x4_trunc_sat_f32x4_u),
                (F32x4ConvertI32x4S, f32x4_convert_i32x4_s),
                (F32x4ConvertI32x4U, f32x4_convert_i32x4_u),
                (I32x4TruncSatF64x2SZero, i32x4_trunc_sat_f64x2_s_zero),
                (I32x4TruncSatF64x2UZero, i32x4_trunc_sat_f64x2_u_zero),
                (F64x2ConvertLowI32x4S, f64x2_convert_low_i32x4_s),
                (F64x2ConvertLowI32x4U, f64x2_convert_low_i32x4_u),
                (F32x4DemoteF64x2Zero, f32x4_demote_f64x2_zero),
                (F64x2PromoteLowF32x4, f64x2_promote_low_f32x4),
                (I32x4RelaxedTruncF32x4S, i32x4_relaxed_trunc_f32x4_s),
                (I32x4RelaxedTruncF32x4U, i32x4_relaxed_trunc_f32x4_u),
                (I32x4RelaxedTruncF64x2SZero, i32x4_relaxed_trunc_f64x2_s_zero),
                (I32x4RelaxedTruncF64x2UZero, i32x4_relaxed_trunc_f64x2_u_zero),
            ]
            binary: [
                (V128And, v128_and),
                (V128AndNot, v128_andnot),
                (V128Or, v128_or),
                (V128Xor, v128_xor),
                (I8x16Swizzle, i8x16_swizzle),
                (I8x16Eq, i8x16_eq),
                (I8x16Ne, i8x16_ne),
                (I8x16LtS, i8x16_lt_s),
                (I8x16LtU, i8x16_lt_u),
                (I8x16GtS, i8x16_gt_s),
                (I8x16GtU, i8x16_gt_u),
                (I8x16LeS, i8x16_le_s),
                (I8x16LeU, i8x16_le_u),
                (I8x16GeS, i8x16_ge_s),
                (I8x16GeU, i8x16_ge_u),
                (I16x8Eq, i16x8_eq),
                (I16x8Ne, i16x8_ne),
                (I16x8LtS, i16x8_lt_s),
                (I16x8LtU, i16x8_lt_u),
                (I16x8GtS, i16x8_gt_s),
                (I16x8GtU, i16x8_gt_u),
                (I16x8LeS, i16x8_le_s),
                (I16x8LeU, i16x8_le_u),
                (I16x8GeS, i16x8_ge_s),
                (I16x8GeU, i16x8_ge_u),
                (I32x4Eq, i32x4_eq),
                (I32x4Ne, i32x4_ne),
                (I32x4LtS, i32x4_lt_s),
                (I32x4LtU, i32x4_lt_u),
                (I32x4GtS, i32x4_gt_s),
                (I32x4GtU, i32x4_gt_u),
                (I32x4LeS, i32x4_le_s),
                (I32x4LeU, i32x4_le_u),
                (I32x4GeS, i32x4_ge_s),
                (I32x4GeU, i32x4_ge_u),
                (I64x2Eq, i64x2_eq),
                (I64x2Ne, i64x2_ne),
                (I64x2LtS, i64x2_lt_s),
                (I64x2GtS, i64x2_gt_s),
                (I64x2LeS, i64x2_le_s),
                (I64x2GeS, i64x2_ge_s),
                (F32x4Eq, f32x4_eq),
                (F32x4Ne, f32x4_ne),
                (F32x4Lt, f32x4_lt),
                (F32x4Gt, f32x4_gt),
                (F32x4Le, f32x4_le),
                (F32x4Ge, f32x4_ge),
                (F64x2Eq, f64x2_eq),
                (F64x2Ne, f64x2_ne),
                (F64x2Lt, f64x2_lt),
                (F64x2Gt, f64x2_gt),
                (F64x2Le, f64x2_le),
                (F64x2Ge, f64x2_ge),
                (I8x16NarrowI16x8S, i8x16_narrow_i16x8_s),
                (I8x16NarrowI16x8U, i8x16_narrow_i16x8_u),
                (I8x16Add, i8x16_add),
                (I8x16AddSatS, i8x16_add_sat_s),
                (I8x16AddSatU, i8x16_add_sat_u),
                (I8x16Sub, i8x16_sub),
                (I8x16SubSatS, i8x16_sub_sat_s),
                (I8x16SubSatU, i8x16_sub_sat_u),
                (I8x16MinS, i8x16_min_s),
                (I8x16MinU, i8x16_min_u),
                (I8x16MaxS, i8x16_max_s),
                (I8x16MaxU, i8x16_max_u),
                (I8x16AvgrU, i8x16_avgr_u),
                (I16x8Q15MulrSatS, i16x8_q15mulr_sat_s),
                (I16x8NarrowI32x4S, i16x8_narrow_i32x4_s),
                (I16x8NarrowI32x4U, i16x8_narrow_i32x4_u),
                (I16x8Add, i16x8_add),
                (I16x8AddSatS, i16x8_add_sat_s),
                (I16x8AddSatU, i16x8_add_sat_u),
                (I16x8Sub, i16x8_sub),
                (I16x8SubSatS, i16x8_sub_sat_s),
                (I16x8SubSatU, i16x8_sub_sat_u),
                (I16x8Mul, i16x8_mul),
                (I16x8MinS, i16x8_min_s),
                (I16x8MinU, i16x8_min_u),
                (I16x8MaxS, i16x8_max_s),
                (I16x8MaxU, i16x8_max_u),
                (I16x8AvgrU, i16x8_avgr_u),
                (I16x8ExtMulLowI8x16S, i16x8_extmul_low_i8x16_s),
                (I16x8ExtMulHighI8x16S, i16x8_extmul_high_i8x16_s),
                (I16x8ExtMulLowI8x16U, i16x8_extmul_low_i8x16_u),
                (I16x8ExtMulHighI8x16U, i16x8_extmul_high_i8x16_u),
                (I32x4Add, i32x4_add),
                (I32x4Sub, i32x4_sub),
                (I32x4Mul, i32x4_mul),
                (I32x4MinS, i32x4_min_s),
                (I32x4MinU, i32x4_min_u),
                (I32x4MaxS, i32x4_max_s),
                (I32x4MaxU, i32x4_max_u),
                (I32x4DotI16x8S, i32x4_dot_i16x8_s),
                (I32x4ExtMulLowI16x8S, i32x4_extmul_low_i16x8_s),
                (I32x4ExtMulHighI16x8S, i32x4_extmul_high_i16x8_s),
                (I32x4ExtMulLowI16x8U, i32x4_extmul_low_i16x8_u),
                (I32x4ExtMulHighI16x8U, i32x4_extmul_high_i16x8_u),
                (I64x2Add, i64x2_add),
                (I64x2Sub, i64x2_sub),
                (I64x2Mul, i64x2_mul),
                (I64x2ExtMulLowI32x4S, i64x2_extmul_low_i32x4_s),
                (I64x2ExtMulHighI32x4S, i64x2_extmul_high_i32x4_s),
                (I64x2ExtMulLowI32x4U, i64x2_extmul_low_i32x4_u),
                (I64x2ExtMulHighI32x4U, i64x2_extmul_high_i32x4_u),
                (F32x4Add, f32x4_add),
                (F32x4Sub, f32x4_sub),
                (F32x4Mul, f32x4_mul),
                (F32x4Div, f32x4_div),
                (F32x4Min, f32x4_min),
                (F32x4Max, f32x4_max),
                (F32x4PMin, f32x4_pmin),
                (F32x4PMax, f32x4_pmax),
                (F64x2Add, f64x2_add),
                (F64x2Sub, f64x2_sub),
                (F64x2Mul, f64x2_mul),
                (F64x2Div, f64x2_div),
                (F64x2Min, f64x2_min),
                (F64x2Max, f64x2_max),
                (F64x2PMin, f64x2_pmin),
                (F64x2PMax, f64x2_pmax),
                (I8x16RelaxedSwizzle, i8x16_relaxed_swizzle),
                (F32x4RelaxedMin, f32x4_relaxed_min),
                (F32x4RelaxedMax, f32x4_relaxed_max),
                (F64x2RelaxedMin, f64x2_relaxed_min),
                (F64x2RelaxedMax, f64x2_relaxed_max),
                (I16x8RelaxedQ15mulrS, i16x8_relaxed_q15mulr_s),
                (I16x8RelaxedDotI8x16I7x16S, i16x8_relaxed_dot_i8x16_i7x16_s),
            ]
            ternary: [
                (V128Bitselect, v128_bitselect),
                (F32x4RelaxedMadd, f32x4_relaxed_madd),
                (F32x4RelaxedNmadd, f32x4_relaxed_nmadd),
                (F64x2RelaxedMadd, f64x2_relaxed_madd),
                (F64x2RelaxedNmadd, f64x2_relaxed_nmadd),
                (I8x16RelaxedLaneselect, i8x16_relaxed_laneselect),
                (I16x8RelaxedLaneselect, i16x8_relaxed_laneselect),
                (I32x4RelaxedLaneselect, i32x4_relaxed_laneselect),
                (I64x2RelaxedLaneselect, i64x2_relaxed_laneselect),
                (I32x4RelaxedDotI8x16I7x16AddS, i32x4_relaxed_dot_i8x16_i7x16_add_s),
            ]
            shift: [
                (I8x16Shl, i8x16_shl),
                (I8x16ShrS, i8x16_shr_s),
                (I8x16ShrU, i8x16_shr_u),
                (I16x8Shl, i16x8_shl),
                (I16x8ShrS, i16x8_shr_s),
                (I16x8ShrU, i16x8_shr_u),
                (I32x4Shl, i32x4_shl),
                (I32x4ShrS, i32x4_shr_s),
                (I32x4ShrU, i32x4_shr_u),
                (I64x2Shl, i64x2_shl),
                (I64x2ShrS, i64x2_shr_s),
                (I64x2ShrU, i64x2_shr_u),
            ]
            test: [
                (V128AnyTrue, v128_any_true),
                (I8x16AllTrue, i8x16_all_true),
                (I8x16Bitmask, i8x16_bitmask),
                (I16x8AllTrue, i16x8_all_true),
                (I16x8Bitmask, i16x8_bitmask),
                (I32x4AllTrue, i32x4_all_true),
                (I32x4Bitmask, i32x4_bitmask),
                (I64x2AllTrue, i64x2_all_true),
                (I64x2Bitmask, i64x2_bitmask),
            ]
            splat: [
                (I8x16Splat, i8x16_splat),
                (I16x8Splat, i16x8_splat),
                (I32x4Splat, i32x4_splat),
                (I64x2Splat, i64x2_splat),
                (F32x4Splat, f32x4_splat),
                (F64x2Splat, f64x2_splat),
            ]
            extract_lane: [
                (I8x16ExtractLaneS, i8x16_extract_lane_s),
                (I8x16ExtractLaneU, i8x16_extract_lane_u),
                (I16x8ExtractLaneS, i16x8_extract_lane_s),
                (I16x8ExtractLaneU, i16x8_extract_lane_u),
                (I32x4ExtractLane, i32x4_extract_lane),
                (I64x2ExtractLane, i64x2_extract_lane),
                (F32x4ExtractLane, f32x4_extract_lane),
                (F64x2ExtractLane, f64x2_extract_lane),
            ]
            replace_lane: [
                (I8x16ReplaceLane, i8x16_replace_lane),
                (I16x8ReplaceLane, i16x8_replace_lane),
                (I32x4ReplaceLane, i32x4_replace_lane),
                (I64x2ReplaceLane, i64x2_replace_lane),
                (F32x4ReplaceLane, f32x4_replace_lane),
                (F64x2ReplaceLane, f64x2_replace_lane),
            ]
            load_extend: [
                (V128Load8x8S, v128_load8x8_s),
                (V128Load8x8U, v128_load8x8_u),
                (V128Load16x4S, v128_load16x4_s),
                (V128Load16x4U, v128_load16x4_u),
                (V128Load32x2S, v128_load32x2_s),
                (V128Load32x2U, v128_load32x2_u),
            ]
            load_splat: [
                (V128Load8Splat, 1, v128_load8_splat),
                (V128Load16Splat, 2, v128_load16_splat),
                (V128Load32Splat, 4, v128_load32_splat),
                (V128Load64Splat, 8, v128_load64_splat),
            ]
            load_zero: [
                (V128Load32Zero, 4, v128_load32_zero),
                (V128Load64Zero, 8, v128_load64_zero),
            ]
            $($($rest)*)?
        }
    };
}
// Until the translator and interpreter invoke the list from other modules.
#[allow(unused_imports)]
pub(crate) use for_each_simd;

/// Calls `$m! { ... }` with the SIMD operators that also have an `…Acc`
/// form, which takes its first operand from the `v128` accumulator (the
/// result of the instruction just executed, in a vector register: see
/// `interp::Acc`) instead of from the frame:
///
/// ```text
/// binary:  [ (Variant, AccVariant, fn_name, commutative), ... ]   AccVariant(AccBinOp): dst = f(acc, rhs)
/// ternary: [ (Variant, AccVariant, fn_name), ... ]                AccVariant(AccTernOp): dst = f(acc, b, c)
/// ```
///
/// `fn_name` is the operator's function in this module, as in
/// [`for_each_simd!`]; `commutative` says whether the translator may swap
/// the operands to put the fresh one first (float additions and products
/// count: the spec leaves a NaN result's payload open). The operators are
/// the ones dependency chains of SIMD kernels are made of; the others read
/// every operand from the frame.
macro_rules! for_each_simd_acc {
    ($m:ident $(, $($rest:tt)*)?) => {
        $m! {
            binary: [
                (I8x16Add, I8x16AddAcc, i8x16_add, true),
                (I8x16Sub, I8x16SubAcc, i8x16_sub, false),
                (I8x16Eq, I8x16EqAcc, i8x16_eq, true),
                (I16x8Add, I16x8AddAcc, i16x8_add, true),
                (I16x8Sub, I16x8SubAcc, i16x8_sub, false),
                (I32x4Add, I32x4AddAcc, i32x4_add, true),
                (I32x4Sub, I32x4SubAcc, i32x4_sub, false),
                (I32x4Mul, I32x4MulAcc, i32x4_mul, true),
                (F32x4Add, F32x4AddAcc, f32x4_add, true),
                (F32x4Sub, F32x4SubAcc, f32x4_sub, false),
                (F32x4Mul, F32x4MulAcc, f32x4_mul, true),
                (F64x2Add, F64x2AddAcc, f64x2_add, true),
                (F64x2Sub, F64x2SubAcc, f64x2_sub, false),
                (F64x2Mul, F64x2MulAcc, f64x2_mul, true),
                (V128And, V128AndAcc, v128_and, true),
                (V128Or, V128OrAcc, v128_or, true),
                (V128Xor, V128XorAcc, v128_xor, true),
            ]
            ternary: [
                (F32x4RelaxedMadd, F32x4RelaxedMaddAcc, f32x4_relaxed_madd),
                (F64x2RelaxedMadd, F64x2RelaxedMaddAcc, f64x2_relaxed_madd),
            ]
            $($($rest)*)?
        }
    };
}
pub(crate) use for_each_simd_acc;

/// Checks at compile time that every listed function has the signature its
/// group promises.
macro_rules! check_signatures {
    (
        unary: [$(($u:ident, $uf:ident)),* $(,)?]
        binary: [$(($b:ident, $bf:ident)),* $(,)?]
        ternary: [$(($t:ident, $tf:ident)),* $(,)?]
        shift: [$(($s:ident, $sf:ident)),* $(,)?]
        test: [$(($q:ident, $qf:ident)),* $(,)?]
        splat: [$(($sp:ident, $spf:ident)),* $(,)?]
        extract_lane: [$(($el:ident, $elf:ident)),* $(,)?]
        replace_lane: [$(($rl:ident, $rlf:ident)),* $(,)?]
        load_extend: [$(($le:ident, $lef:ident)),* $(,)?]
        load_splat: [$(($ls:ident, $lsn:literal, $lsf:ident)),* $(,)?]
        load_zero: [$(($lz:ident, $lzn:literal, $lzf:ident)),* $(,)?]
    ) => {
        const _: () = {
            $(let _: fn(V128) -> V128 = $uf;)*
            $(let _: fn(V128, V128) -> V128 = $bf;)*
            $(let _: fn(V128, V128, V128) -> V128 = $tf;)*
            $(let _: fn(V128, u32) -> V128 = $sf;)*
            $(let _: fn(V128) -> u32 = $qf;)*
            $(let _: fn(u64) -> V128 = $spf;)*
            $(let _: fn(V128, u8) -> u64 = $elf;)*
            $(let _: fn(V128, u8, u64) -> V128 = $rlf;)*
            $(let _: fn(u64) -> V128 = $lef;)*
            $(let _: (fn(u64) -> V128, u8) = ($lsf, $lsn);)*
            $(let _: (fn(u64) -> V128, u8) = ($lzf, $lzn);)*
            // And the plain functions outside the list.
            let _: fn(V128, V128, [u8; 16]) -> V128 = i8x16_shuffle;
            let _: fn(V128, u8, u8, u64) -> V128 = replace_bytes;
            let _: fn(V128, u8, u8) -> u64 = extract_bytes;
        };
    };
}
for_each_simd!(check_signatures);

// ---------------------------------------------------------------------------
// Lane views. A `u128` and an array of 16 bytes' worth of lanes have the same
// size, every bit pattern is valid for both, and on a little-endian host
// element `i` of the array is exactly lane `i`. Whole-array reinterpretation
// lets rustc keep the value in a vector register.

macro_rules! lane_view {
    ($($get:ident, $put:ident: [$t:ty; $n:literal];)*) => {$(
        #[inline(always)]
        fn $get(v: V128) -> [$t; $n] {
            // SAFETY: same size (16 bytes), no invalid bit patterns on
            // either side, and the value is moved, so alignment is moot.
            unsafe { std::mem::transmute::<V128, [$t; $n]>(v) }
        }
        #[inline(always)]
        fn $put(lanes: [$t; $n]) -> V128 {
            // SAFETY: as above, in the other direction.
            unsafe { std::mem::transmute::<[$t; $n], V128>(lanes) }
        }
    )*};
}

lane_view! {
    as_i8, from_i8: [i8; 16];
    as_u16, from_u16: [u16; 8];
    as_i16, from_i16: [i16; 8];
    as_u32, from_u32: [u32; 4];
    as_i32, from_i32: [i32; 4];
    as_u64, from_u64: [u64; 2];
    as_i64, from_i64: [i64; 2];
    as_f32, from_f32: [f32; 4];
    as_f64, from_f64: [f64; 2];
}

#[inline(always)]
fn as_u8(v: V128) -> [u8; 16] {
    v.to_le_bytes()
}
#[inline(always)]
fn from_u8(lanes: [u8; 16]) -> V128 {
    V128::from_le_bytes(lanes)
}

/// Defines `fn(V128) -> V128` operators that map each lane on its own.
macro_rules! unary_lanewise {
    ($($name:ident: $get:ident => $put:ident, |$x:ident| $body:expr;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128) -> V128 {
            $put($get(a).map(|$x| $body))
        }
    )*};
}

/// Defines `fn(V128, V128) -> V128` operators that combine lane `i` of both
/// operands into lane `i` of the result.
macro_rules! binary_lanewise {
    ($($name:ident: $get:ident => $put:ident, |$x:ident, $y:ident| $body:expr;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($get(a), $get(b));
            $put(std::array::from_fn(|i| {
                let ($x, $y) = (a[i], b[i]);
                $body
            }))
        }
    )*};
}

/// Defines comparisons: a lane of all ones where the predicate holds, all
/// zeros elsewhere. `$put` takes unsigned lanes of the operands' width.
macro_rules! compare_lanewise {
    ($($name:ident: $get:ident => $put:ident, |$x:ident, $y:ident| $pred:expr;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($get(a), $get(b));
            $put(std::array::from_fn(|i| {
                let ($x, $y) = (a[i], b[i]);
                if $pred { !0 } else { 0 }
            }))
        }
    )*};
}

/// Defines shifts: the count is taken modulo the lane width, which is what
/// `wrapping_shl`/`wrapping_shr` do.
macro_rules! shifts {
    ($($name:ident: $get:ident => $put:ident, $op:ident;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128, count: u32) -> V128 {
            $put($get(a).map(|x| x.$op(count)))
        }
    )*};
}

/// Defines `all_true` (every lane non-zero) and `bitmask` (the top bit of
/// lane `i` as bit `i`) for one lane shape.
macro_rules! lane_tests {
    ($($all_true:ident, $bitmask:ident: $get:ident, $bits:literal;)*) => {$(
        #[inline]
        pub(crate) fn $all_true(a: V128) -> u32 {
            $get(a).iter().all(|&x| x != 0) as u32
        }
        #[inline]
        pub(crate) fn $bitmask(a: V128) -> u32 {
            let mut mask = 0;
            for (i, x) in $get(a).into_iter().enumerate() {
                mask |= ((x >> ($bits - 1)) as u32) << i;
            }
            mask
        }
    )*};
}

/// Defines a narrowing: the lanes of `a` then those of `b`, each clamped to
/// the narrower (signed or unsigned) range.
macro_rules! narrows {
    ($($name:ident: $get:ident => $put:ident, $wide:ty => $narrow:ty;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($get(a), $get(b));
            let half = a.len();
            $put(std::array::from_fn(|i| {
                let x = if i < half { a[i] } else { b[i - half] };
                x.clamp(<$narrow>::MIN as $wide, <$narrow>::MAX as $wide) as $narrow
            }))
        }
    )*};
}

/// Defines the widenings of the low or high half of the lanes.
macro_rules! extends {
    ($($name:ident: $get:ident => $put:ident, $wide:ty, $first:literal;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128) -> V128 {
            let a = $get(a);
            $put(std::array::from_fn(|i| a[$first + i] as $wide))
        }
    )*};
}

/// Defines the widening multiplications of the low or high half of the
/// lanes; the products always fit the wide lane.
macro_rules! extmuls {
    ($($name:ident: $get:ident => $put:ident, $wide:ty, $first:literal;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($get(a), $get(b));
            $put(std::array::from_fn(|i| (a[$first + i] as $wide).wrapping_mul(b[$first + i] as $wide)))
        }
    )*};
}

/// Defines the pairwise widening additions; the sums always fit.
macro_rules! extadds {
    ($($name:ident: $get:ident => $put:ident, $wide:ty;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128) -> V128 {
            let a = $get(a);
            $put(std::array::from_fn(|i| a[2 * i] as $wide + a[2 * i + 1] as $wide))
        }
    )*};
}

/// Brings the named operators in from [`sse2`] on x86-64 (SSE2 is part of
/// its baseline) and from [`portable`] elsewhere.
macro_rules! accelerated {
    ($($name:ident),* $(,)?) => {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        pub(crate) use sse2::{$($name),*};
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        pub(crate) use portable::{$($name),*};
    };
}

// ---------------------------------------------------------------------------
// Bitwise.

#[inline]
pub(crate) fn v128_not(a: V128) -> V128 {
    !a
}
#[inline]
pub(crate) fn v128_and(a: V128, b: V128) -> V128 {
    a & b
}
#[inline]
pub(crate) fn v128_andnot(a: V128, b: V128) -> V128 {
    a & !b
}
#[inline]
pub(crate) fn v128_or(a: V128, b: V128) -> V128 {
    a | b
}
#[inline]
pub(crate) fn v128_xor(a: V128, b: V128) -> V128 {
    a ^ b
}
/// Bits of `a` where `mask` is set, bits of `b` elsewhere.
#[inline]
pub(crate) fn v128_bitselect(a: V128, b: V128, mask: V128) -> V128 {
    (a & mask) | (b & !mask)
}
#[inline]
pub(crate) fn v128_any_true(a: V128) -> u32 {
    (a != 0) as u32
}

// ---------------------------------------------------------------------------
// Integer lanes (the more common ones are in `portable` and `sse2` below).

unary_lanewise! {
    i64x2_abs: as_i64 => from_i64, |x| x.wrapping_abs();
}

binary_lanewise! {
    i64x2_mul: as_u64 => from_u64, |x, y| x.wrapping_mul(y);
}

compare_lanewise! {
    i64x2_eq: as_u64 => from_u64, |x, y| x == y;
    i64x2_ne: as_u64 => from_u64, |x, y| x != y;
    i64x2_lt_s: as_i64 => from_u64, |x, y| x < y;
    i64x2_gt_s: as_i64 => from_u64, |x, y| x > y;
    i64x2_le_s: as_i64 => from_u64, |x, y| x <= y;
    i64x2_ge_s: as_i64 => from_u64, |x, y| x >= y;
}

shifts! {
    i64x2_shr_s: as_i64 => from_i64, wrapping_shr;
}

narrows! {
    i16x8_narrow_i32x4_u: as_i32 => from_u16, i32 => u16;
}

extmuls! {
    i64x2_extmul_low_i32x4_s: as_i32 => from_i64, i64, 0;
    i64x2_extmul_high_i32x4_s: as_i32 => from_i64, i64, 2;
}

// ---------------------------------------------------------------------------
// Float lanes (likewise).

unary_lanewise! {
    // Rust's float-to-int `as` saturates and maps NaN to 0: exactly `trunc_sat`.
    i32x4_trunc_sat_f32x4_u: as_f32 => from_u32, |x| x as u32;
}

// Sign-bit operations leave NaN payloads alone, as the spec asks; on the
// whole u128 they are two 64-bit operations.
const F32X4_SIGNS: V128 = 0x8000_0000_8000_0000_8000_0000_8000_0000;
const F64X2_SIGNS: V128 = 0x8000_0000_0000_0000_8000_0000_0000_0000;

#[inline]
pub(crate) fn f32x4_abs(a: V128) -> V128 {
    a & !F32X4_SIGNS
}
#[inline]
pub(crate) fn f32x4_neg(a: V128) -> V128 {
    a ^ F32X4_SIGNS
}
#[inline]
pub(crate) fn f64x2_abs(a: V128) -> V128 {
    a & !F64X2_SIGNS
}
#[inline]
pub(crate) fn f64x2_neg(a: V128) -> V128 {
    a ^ F64X2_SIGNS
}

/// The two f64 lanes truncated (saturating, NaN to 0) into lanes 0 and 1;
/// lanes 2 and 3 are 0.
#[inline]
pub(crate) fn i32x4_trunc_sat_f64x2_s_zero(a: V128) -> V128 {
    let [x, y] = as_f64(a);
    from_i32([x as i32, y as i32, 0, 0])
}
#[inline]
pub(crate) fn i32x4_trunc_sat_f64x2_u_zero(a: V128) -> V128 {
    let [x, y] = as_f64(a);
    from_u32([x as u32, y as u32, 0, 0])
}
/// Lanes 0 and 1, converted exactly.
#[inline]
pub(crate) fn f64x2_convert_low_i32x4_s(a: V128) -> V128 {
    let [x, y, ..] = as_i32(a);
    from_f64([x as f64, y as f64])
}
#[inline]
pub(crate) fn f64x2_convert_low_i32x4_u(a: V128) -> V128 {
    let [x, y, ..] = as_u32(a);
    from_f64([x as f64, y as f64])
}
/// The two f64 lanes rounded to f32 (as `f32.demote_f64`) into lanes 0 and
/// 1; lanes 2 and 3 are +0.
#[inline]
pub(crate) fn f32x4_demote_f64x2_zero(a: V128) -> V128 {
    let [x, y] = as_f64(a);
    from_f32([x as f32, y as f32, 0.0, 0.0])
}
/// Lanes 0 and 1 widened exactly (as `f64.promote_f32`).
#[inline]
pub(crate) fn f64x2_promote_low_f32x4(a: V128) -> V128 {
    let [x, y, ..] = as_f32(a);
    from_f64([x as f64, y as f64])
}

// ---------------------------------------------------------------------------
// Relaxed SIMD, in the deterministic profile (see the module comment).

#[inline]
pub(crate) fn i8x16_relaxed_swizzle(a: V128, s: V128) -> V128 {
    i8x16_swizzle(a, s)
}
#[inline]
pub(crate) fn i32x4_relaxed_trunc_f32x4_s(a: V128) -> V128 {
    i32x4_trunc_sat_f32x4_s(a)
}
#[inline]
pub(crate) fn i32x4_relaxed_trunc_f32x4_u(a: V128) -> V128 {
    i32x4_trunc_sat_f32x4_u(a)
}
#[inline]
pub(crate) fn i32x4_relaxed_trunc_f64x2_s_zero(a: V128) -> V128 {
    i32x4_trunc_sat_f64x2_s_zero(a)
}
#[inline]
pub(crate) fn i32x4_relaxed_trunc_f64x2_u_zero(a: V128) -> V128 {
    i32x4_trunc_sat_f64x2_u_zero(a)
}

/// Defines the relaxed multiply-adds: unfused, so the product is rounded
/// before the addition (rustc never contracts `x * y + z` into an FMA).
macro_rules! madds {
    ($($name:ident: $get:ident => $put:ident, |$x:ident, $y:ident, $z:ident| $body:expr;)*) => {$(
        #[inline]
        pub(crate) fn $name(a: V128, b: V128, c: V128) -> V128 {
            let (a, b, c) = ($get(a), $get(b), $get(c));
            $put(std::array::from_fn(|i| {
                let ($x, $y, $z) = (a[i], b[i], c[i]);
                $body
            }))
        }
    )*};
}

#[inline]
pub(crate) fn i8x16_relaxed_laneselect(a: V128, b: V128, mask: V128) -> V128 {
    v128_bitselect(a, b, mask)
}
#[inline]
pub(crate) fn i16x8_relaxed_laneselect(a: V128, b: V128, mask: V128) -> V128 {
    v128_bitselect(a, b, mask)
}
#[inline]
pub(crate) fn i32x4_relaxed_laneselect(a: V128, b: V128, mask: V128) -> V128 {
    v128_bitselect(a, b, mask)
}
#[inline]
pub(crate) fn i64x2_relaxed_laneselect(a: V128, b: V128, mask: V128) -> V128 {
    v128_bitselect(a, b, mask)
}
#[inline]
pub(crate) fn f32x4_relaxed_min(a: V128, b: V128) -> V128 {
    f32x4_min(a, b)
}
#[inline]
pub(crate) fn f32x4_relaxed_max(a: V128, b: V128) -> V128 {
    f32x4_max(a, b)
}
#[inline]
pub(crate) fn f64x2_relaxed_min(a: V128, b: V128) -> V128 {
    f64x2_min(a, b)
}
#[inline]
pub(crate) fn f64x2_relaxed_max(a: V128, b: V128) -> V128 {
    f64x2_max(a, b)
}
#[inline]
pub(crate) fn i16x8_relaxed_q15mulr_s(a: V128, b: V128) -> V128 {
    i16x8_q15mulr_sat_s(a, b)
}
/// Signed 8-bit products of adjacent pairs, added with 16-bit signed
/// saturation.
#[inline]
pub(crate) fn i16x8_relaxed_dot_i8x16_i7x16_s(a: V128, b: V128) -> V128 {
    let (a, b) = (as_i8(a), as_i8(b));
    from_i16(std::array::from_fn(|i| {
        let low = a[2 * i] as i16 * b[2 * i] as i16;
        let high = a[2 * i + 1] as i16 * b[2 * i + 1] as i16;
        low.saturating_add(high)
    }))
}
/// The 16-bit relaxed dot product, its adjacent pairs added in 32 bits,
/// plus `c`.
#[inline]
pub(crate) fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: V128, b: V128, c: V128) -> V128 {
    i32x4_add(i32x4_extadd_pairwise_i16x8_s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b)), c)
}

/// Portable versions of the operators that have a faster x86-64 version
/// in [`sse2`]; they are the definition the fast versions are tested against.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2", not(test)), allow(dead_code))]
mod portable {
    use super::*;

    madds! {
        f32x4_relaxed_madd: as_f32 => from_f32, |x, y, z| x * y + z;
        f32x4_relaxed_nmadd: as_f32 => from_f32, |x, y, z| -x * y + z;
        f64x2_relaxed_madd: as_f64 => from_f64, |x, y, z| x * y + z;
        f64x2_relaxed_nmadd: as_f64 => from_f64, |x, y, z| -x * y + z;
    }

    /// Lane `i` of the result is lane `s[i]` of `a`, or 0 if `s[i] >= 16`.
    #[inline]
    pub(crate) fn i8x16_swizzle(a: V128, s: V128) -> V128 {
        let (a, s) = (as_u8(a), as_u8(s));
        from_u8(std::array::from_fn(|i| {
            let j = s[i] as usize;
            if j < 16 { a[j] } else { 0 }
        }))
    }

    /// Lane `i` of the result is byte `lanes[i]` of the 32 bytes `a ++ b`.
    /// Validation keeps the indices below 32; a larger one would give 0.
    #[inline]
    pub(crate) fn i8x16_shuffle(a: V128, b: V128, lanes: [u8; 16]) -> V128 {
        let (a, b) = (as_u8(a), as_u8(b));
        from_u8(std::array::from_fn(|i| match lanes[i] as usize {
            j @ 0..16 => a[j],
            j @ 16..32 => b[j - 16],
            _ => 0,
        }))
    }

    unary_lanewise! {
        f32x4_ceil: as_f32 => from_f32, |x| num::quiet_f32(x.ceil());
        f32x4_floor: as_f32 => from_f32, |x| num::quiet_f32(x.floor());
        f32x4_trunc: as_f32 => from_f32, |x| num::quiet_f32(x.trunc());
        f32x4_nearest: as_f32 => from_f32, |x| num::quiet_f32(x.round_ties_even());
        f64x2_ceil: as_f64 => from_f64, |x| num::quiet_f64(x.ceil());
        f64x2_floor: as_f64 => from_f64, |x| num::quiet_f64(x.floor());
        f64x2_trunc: as_f64 => from_f64, |x| num::quiet_f64(x.trunc());
        f64x2_nearest: as_f64 => from_f64, |x| num::quiet_f64(x.round_ties_even());
        f32x4_sqrt: as_f32 => from_f32, |x| x.sqrt();
        f64x2_sqrt: as_f64 => from_f64, |x| x.sqrt();
        // Int-to-float `as` rounds to nearest, ties to even.
        f32x4_convert_i32x4_s: as_i32 => from_f32, |x| x as f32;
        i8x16_abs: as_i8 => from_i8, |x| x.wrapping_abs();
        i8x16_neg: as_i8 => from_i8, |x| x.wrapping_neg();
        i8x16_popcnt: as_u8 => from_u8, |x| x.count_ones() as u8;
        i16x8_abs: as_i16 => from_i16, |x| x.wrapping_abs();
        i16x8_neg: as_i16 => from_i16, |x| x.wrapping_neg();
        i32x4_abs: as_i32 => from_i32, |x| x.wrapping_abs();
        i32x4_neg: as_i32 => from_i32, |x| x.wrapping_neg();
        i64x2_neg: as_i64 => from_i64, |x| x.wrapping_neg();
        // Rust's float-to-int `as` saturates and maps NaN to 0: exactly `trunc_sat`.
        i32x4_trunc_sat_f32x4_s: as_f32 => from_i32, |x| x as i32;
        f32x4_convert_i32x4_u: as_u32 => from_f32, |x| x as f32;
    }

    binary_lanewise! {
        i8x16_add: as_u8 => from_u8, |x, y| x.wrapping_add(y);
        i8x16_add_sat_s: as_i8 => from_i8, |x, y| x.saturating_add(y);
        i8x16_add_sat_u: as_u8 => from_u8, |x, y| x.saturating_add(y);
        i8x16_sub: as_u8 => from_u8, |x, y| x.wrapping_sub(y);
        i8x16_sub_sat_s: as_i8 => from_i8, |x, y| x.saturating_sub(y);
        i8x16_sub_sat_u: as_u8 => from_u8, |x, y| x.saturating_sub(y);
        i8x16_min_u: as_u8 => from_u8, |x, y| x.min(y);
        i8x16_max_u: as_u8 => from_u8, |x, y| x.max(y);
        i8x16_avgr_u: as_u8 => from_u8, |x, y| ((x as u16 + y as u16 + 1) >> 1) as u8;
        i16x8_add: as_u16 => from_u16, |x, y| x.wrapping_add(y);
        i16x8_add_sat_s: as_i16 => from_i16, |x, y| x.saturating_add(y);
        i16x8_add_sat_u: as_u16 => from_u16, |x, y| x.saturating_add(y);
        i16x8_sub: as_u16 => from_u16, |x, y| x.wrapping_sub(y);
        i16x8_sub_sat_s: as_i16 => from_i16, |x, y| x.saturating_sub(y);
        i16x8_sub_sat_u: as_u16 => from_u16, |x, y| x.saturating_sub(y);
        i16x8_mul: as_u16 => from_u16, |x, y| x.wrapping_mul(y);
        i16x8_min_s: as_i16 => from_i16, |x, y| x.min(y);
        i16x8_max_s: as_i16 => from_i16, |x, y| x.max(y);
        i16x8_avgr_u: as_u16 => from_u16, |x, y| ((x as u32 + y as u32 + 1) >> 1) as u16;
        i32x4_add: as_u32 => from_u32, |x, y| x.wrapping_add(y);
        i32x4_sub: as_u32 => from_u32, |x, y| x.wrapping_sub(y);
        i64x2_add: as_u64 => from_u64, |x, y| x.wrapping_add(y);
        i64x2_sub: as_u64 => from_u64, |x, y| x.wrapping_sub(y);
        f32x4_add: as_f32 => from_f32, |x, y| x + y;
        f32x4_sub: as_f32 => from_f32, |x, y| x - y;
        f32x4_mul: as_f32 => from_f32, |x, y| x * y;
        f32x4_div: as_f32 => from_f32, |x, y| x / y;
        f32x4_pmin: as_f32 => from_f32, |x, y| if y < x { y } else { x };
        f32x4_pmax: as_f32 => from_f32, |x, y| if x < y { y } else { x };
        f64x2_add: as_f64 => from_f64, |x, y| x + y;
        f64x2_sub: as_f64 => from_f64, |x, y| x - y;
        f64x2_mul: as_f64 => from_f64, |x, y| x * y;
        f64x2_div: as_f64 => from_f64, |x, y| x / y;
        f64x2_pmin: as_f64 => from_f64, |x, y| if y < x { y } else { x };
        f64x2_pmax: as_f64 => from_f64, |x, y| if x < y { y } else { x };
        i8x16_min_s: as_i8 => from_i8, |x, y| x.min(y);
        i8x16_max_s: as_i8 => from_i8, |x, y| x.max(y);
        i16x8_min_u: as_u16 => from_u16, |x, y| x.min(y);
        i16x8_max_u: as_u16 => from_u16, |x, y| x.max(y);
        // Rounding Q15 multiply; only MIN * MIN leaves the i16 range.
        i16x8_q15mulr_sat_s: as_i16 => from_i16,
            |x, y| ((x as i32 * y as i32 + 0x4000) >> 15).clamp(i16::MIN as i32, i16::MAX as i32) as i16;
        i32x4_mul: as_u32 => from_u32, |x, y| x.wrapping_mul(y);
        i32x4_min_s: as_i32 => from_i32, |x, y| x.min(y);
        i32x4_min_u: as_u32 => from_u32, |x, y| x.min(y);
        i32x4_max_s: as_i32 => from_i32, |x, y| x.max(y);
        i32x4_max_u: as_u32 => from_u32, |x, y| x.max(y);
        f32x4_min: as_f32 => from_f32, |x, y| num::f32_min(x, y);
        f32x4_max: as_f32 => from_f32, |x, y| num::f32_max(x, y);
        f64x2_min: as_f64 => from_f64, |x, y| num::f64_min(x, y);
        f64x2_max: as_f64 => from_f64, |x, y| num::f64_max(x, y);
    }

    compare_lanewise! {
        i8x16_eq: as_u8 => from_u8, |x, y| x == y;
        i8x16_lt_s: as_i8 => from_u8, |x, y| x < y;
        i8x16_gt_s: as_i8 => from_u8, |x, y| x > y;
        i16x8_eq: as_u16 => from_u16, |x, y| x == y;
        i16x8_lt_s: as_i16 => from_u16, |x, y| x < y;
        i16x8_gt_s: as_i16 => from_u16, |x, y| x > y;
        i32x4_eq: as_u32 => from_u32, |x, y| x == y;
        i32x4_lt_s: as_i32 => from_u32, |x, y| x < y;
        i32x4_gt_s: as_i32 => from_u32, |x, y| x > y;
        // IEEE comparisons: false with a NaN operand, except `ne`.
        f32x4_eq: as_f32 => from_u32, |x, y| x == y;
        f32x4_ne: as_f32 => from_u32, |x, y| x != y;
        f32x4_lt: as_f32 => from_u32, |x, y| x < y;
        f32x4_gt: as_f32 => from_u32, |x, y| x > y;
        f32x4_le: as_f32 => from_u32, |x, y| x <= y;
        f32x4_ge: as_f32 => from_u32, |x, y| x >= y;
        f64x2_eq: as_f64 => from_u64, |x, y| x == y;
        f64x2_ne: as_f64 => from_u64, |x, y| x != y;
        f64x2_lt: as_f64 => from_u64, |x, y| x < y;
        f64x2_gt: as_f64 => from_u64, |x, y| x > y;
        f64x2_le: as_f64 => from_u64, |x, y| x <= y;
        f64x2_ge: as_f64 => from_u64, |x, y| x >= y;
        i8x16_ne: as_u8 => from_u8, |x, y| x != y;
        i8x16_lt_u: as_u8 => from_u8, |x, y| x < y;
        i8x16_gt_u: as_u8 => from_u8, |x, y| x > y;
        i8x16_le_s: as_i8 => from_u8, |x, y| x <= y;
        i8x16_le_u: as_u8 => from_u8, |x, y| x <= y;
        i8x16_ge_s: as_i8 => from_u8, |x, y| x >= y;
        i8x16_ge_u: as_u8 => from_u8, |x, y| x >= y;
        i16x8_ne: as_u16 => from_u16, |x, y| x != y;
        i16x8_lt_u: as_u16 => from_u16, |x, y| x < y;
        i16x8_gt_u: as_u16 => from_u16, |x, y| x > y;
        i16x8_le_s: as_i16 => from_u16, |x, y| x <= y;
        i16x8_le_u: as_u16 => from_u16, |x, y| x <= y;
        i16x8_ge_s: as_i16 => from_u16, |x, y| x >= y;
        i16x8_ge_u: as_u16 => from_u16, |x, y| x >= y;
        i32x4_ne: as_u32 => from_u32, |x, y| x != y;
        i32x4_lt_u: as_u32 => from_u32, |x, y| x < y;
        i32x4_gt_u: as_u32 => from_u32, |x, y| x > y;
        i32x4_le_s: as_i32 => from_u32, |x, y| x <= y;
        i32x4_le_u: as_u32 => from_u32, |x, y| x <= y;
        i32x4_ge_s: as_i32 => from_u32, |x, y| x >= y;
        i32x4_ge_u: as_u32 => from_u32, |x, y| x >= y;
    }

    shifts! {
        i16x8_shl: as_u16 => from_u16, wrapping_shl;
        i16x8_shr_s: as_i16 => from_i16, wrapping_shr;
        i16x8_shr_u: as_u16 => from_u16, wrapping_shr;
        i32x4_shl: as_u32 => from_u32, wrapping_shl;
        i32x4_shr_s: as_i32 => from_i32, wrapping_shr;
        i32x4_shr_u: as_u32 => from_u32, wrapping_shr;
        i64x2_shl: as_u64 => from_u64, wrapping_shl;
        i64x2_shr_u: as_u64 => from_u64, wrapping_shr;
        i8x16_shl: as_u8 => from_u8, wrapping_shl;
        i8x16_shr_s: as_i8 => from_i8, wrapping_shr;
        i8x16_shr_u: as_u8 => from_u8, wrapping_shr;
    }

    lane_tests! {
        i8x16_all_true, i8x16_bitmask: as_u8, 8;
        i16x8_all_true, i16x8_bitmask: as_u16, 16;
        i32x4_all_true, i32x4_bitmask: as_u32, 32;
        i64x2_all_true, i64x2_bitmask: as_u64, 64;
    }

    narrows! {
        i8x16_narrow_i16x8_s: as_i16 => from_i8, i16 => i8;
        i8x16_narrow_i16x8_u: as_i16 => from_u8, i16 => u8;
        i16x8_narrow_i32x4_s: as_i32 => from_i16, i32 => i16;
    }

    extends! {
        i16x8_extend_low_i8x16_s: as_i8 => from_i16, i16, 0;
        i16x8_extend_high_i8x16_s: as_i8 => from_i16, i16, 8;
        i16x8_extend_low_i8x16_u: as_u8 => from_u16, u16, 0;
        i16x8_extend_high_i8x16_u: as_u8 => from_u16, u16, 8;
        i32x4_extend_low_i16x8_s: as_i16 => from_i32, i32, 0;
        i32x4_extend_high_i16x8_s: as_i16 => from_i32, i32, 4;
        i32x4_extend_low_i16x8_u: as_u16 => from_u32, u32, 0;
        i32x4_extend_high_i16x8_u: as_u16 => from_u32, u32, 4;
        i64x2_extend_low_i32x4_s: as_i32 => from_i64, i64, 0;
        i64x2_extend_high_i32x4_s: as_i32 => from_i64, i64, 2;
        i64x2_extend_low_i32x4_u: as_u32 => from_u64, u64, 0;
        i64x2_extend_high_i32x4_u: as_u32 => from_u64, u64, 2;
    }

    extmuls! {
        i16x8_extmul_low_i8x16_s: as_i8 => from_i16, i16, 0;
        i16x8_extmul_high_i8x16_s: as_i8 => from_i16, i16, 8;
        i16x8_extmul_low_i8x16_u: as_u8 => from_u16, u16, 0;
        i16x8_extmul_high_i8x16_u: as_u8 => from_u16, u16, 8;
        i32x4_extmul_low_i16x8_s: as_i16 => from_i32, i32, 0;
        i32x4_extmul_high_i16x8_s: as_i16 => from_i32, i32, 4;
        i32x4_extmul_low_i16x8_u: as_u16 => from_u32, u32, 0;
        i32x4_extmul_high_i16x8_u: as_u16 => from_u32, u32, 4;
        i64x2_extmul_low_i32x4_u: as_u32 => from_u64, u64, 0;
        i64x2_extmul_high_i32x4_u: as_u32 => from_u64, u64, 2;
    }

    extadds! {
        i16x8_extadd_pairwise_i8x16_s: as_i8 => from_i16, i16;
        i16x8_extadd_pairwise_i8x16_u: as_u8 => from_u16, u16;
        i32x4_extadd_pairwise_i16x8_s: as_i16 => from_i32, i32;
        i32x4_extadd_pairwise_i16x8_u: as_u16 => from_u32, u32;
    }

    /// Signed 16-bit products of adjacent pairs, added in 32 bits. Only
    /// `MIN * MIN + MIN * MIN` overflows, and wraps.
    #[inline]
    pub(crate) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
        let (a, b) = (as_i16(a), as_i16(b));
        from_i32(std::array::from_fn(|i| {
            let low = a[2 * i] as i32 * b[2 * i] as i32;
            let high = a[2 * i + 1] as i32 * b[2 * i + 1] as i32;
            low.wrapping_add(high)
        }))
    }
}

accelerated! {
    f32x4_relaxed_madd,
    f32x4_relaxed_nmadd,
    f64x2_relaxed_madd,
    f64x2_relaxed_nmadd,
    f32x4_ceil,
    f32x4_floor,
    f32x4_trunc,
    f32x4_nearest,
    f64x2_ceil,
    f64x2_floor,
    f64x2_trunc,
    f64x2_nearest,
    i8x16_swizzle,
    i8x16_shuffle,
    i8x16_add,
    i8x16_sub,
    i8x16_add_sat_s,
    i8x16_add_sat_u,
    i8x16_sub_sat_s,
    i8x16_sub_sat_u,
    i8x16_min_u,
    i8x16_max_u,
    i8x16_avgr_u,
    i16x8_add,
    i16x8_sub,
    i16x8_add_sat_s,
    i16x8_add_sat_u,
    i16x8_sub_sat_s,
    i16x8_sub_sat_u,
    i16x8_mul,
    i16x8_min_s,
    i16x8_max_s,
    i16x8_avgr_u,
    i32x4_add,
    i32x4_sub,
    i64x2_add,
    i64x2_sub,
    f32x4_add,
    f32x4_sub,
    f32x4_mul,
    f32x4_div,
    f32x4_pmin,
    f32x4_pmax,
    f64x2_add,
    f64x2_sub,
    f64x2_mul,
    f64x2_div,
    f64x2_pmin,
    f64x2_pmax,
    i8x16_eq,
    i8x16_gt_s,
    i8x16_lt_s,
    i16x8_eq,
    i16x8_gt_s,
    i16x8_lt_s,
    i32x4_eq,
    i32x4_gt_s,
    i32x4_lt_s,
    f32x4_eq,
    f32x4_ne,
    f32x4_lt,
    f32x4_le,
    f32x4_gt,
    f32x4_ge,
    f64x2_eq,
    f64x2_ne,
    f64x2_lt,
    f64x2_le,
    f64x2_gt,
    f64x2_ge,
    i8x16_narrow_i16x8_s,
    i8x16_narrow_i16x8_u,
    i16x8_narrow_i32x4_s,
    f32x4_sqrt,
    f64x2_sqrt,
    f32x4_convert_i32x4_s,
    i16x8_shl,
    i16x8_shr_s,
    i16x8_shr_u,
    i32x4_shl,
    i32x4_shr_s,
    i32x4_shr_u,
    i64x2_shl,
    i64x2_shr_u,
    i8x16_all_true,
    i8x16_bitmask,
    i16x8_all_true,
    i16x8_bitmask,
    i32x4_all_true,
    i32x4_bitmask,
    i64x2_all_true,
    i64x2_bitmask,
    i8x16_ne,
    i8x16_lt_u,
    i8x16_gt_u,
    i8x16_le_s,
    i8x16_le_u,
    i8x16_ge_s,
    i8x16_ge_u,
    i16x8_ne,
    i16x8_lt_u,
    i16x8_gt_u,
    i16x8_le_s,
    i16x8_le_u,
    i16x8_ge_s,
    i16x8_ge_u,
    i32x4_ne,
    i32x4_lt_u,
    i32x4_gt_u,
    i32x4_le_s,
    i32x4_le_u,
    i32x4_ge_s,
    i32x4_ge_u,
    i8x16_min_s,
    i8x16_max_s,
    i16x8_min_u,
    i16x8_max_u,
    i32x4_min_s,
    i32x4_min_u,
    i32x4_max_s,
    i32x4_max_u,
    i8x16_abs,
    i16x8_abs,
    i32x4_abs,
    i8x16_neg,
    i16x8_neg,
    i32x4_neg,
    i64x2_neg,
    i8x16_shl,
    i8x16_shr_s,
    i8x16_shr_u,
    i8x16_popcnt,
    i16x8_extadd_pairwise_i8x16_s,
    i16x8_extadd_pairwise_i8x16_u,
    i32x4_extadd_pairwise_i16x8_s,
    i32x4_extadd_pairwise_i16x8_u,
    i16x8_q15mulr_sat_s,
    f32x4_min,
    f32x4_max,
    f64x2_min,
    f64x2_max,
    i16x8_extend_low_i8x16_s,
    i16x8_extend_high_i8x16_s,
    i16x8_extend_low_i8x16_u,
    i16x8_extend_high_i8x16_u,
    i32x4_extend_low_i16x8_s,
    i32x4_extend_high_i16x8_s,
    i32x4_extend_low_i16x8_u,
    i32x4_extend_high_i16x8_u,
    i64x2_extend_low_i32x4_s,
    i64x2_extend_high_i32x4_s,
    i64x2_extend_low_i32x4_u,
    i64x2_extend_high_i32x4_u,
    i16x8_extmul_low_i8x16_s,
    i16x8_extmul_high_i8x16_s,
    i16x8_extmul_low_i8x16_u,
    i16x8_extmul_high_i8x16_u,
    i32x4_extmul_low_i16x8_s,
    i32x4_extmul_high_i16x8_s,
    i32x4_extmul_low_i16x8_u,
    i32x4_extmul_high_i16x8_u,
    i64x2_extmul_low_i32x4_u,
    i64x2_extmul_high_i32x4_u,
    i32x4_mul,
    i32x4_trunc_sat_f32x4_s,
    f32x4_convert_i32x4_u,
    i32x4_dot_i16x8_s,
}

/// SSE2 versions of the most common operators. SSE2 is part of the x86-64
/// baseline, so these need no run-time detection. rustc does not vectorise
/// the portable lane loops over a `u128` well for narrow lanes (it splits
/// them into general-purpose registers), hence these. Each equals its
/// [`portable`] twin bit for bit (a test compares them), except which NaN
/// payload an arithmetic operation returns when both operands are NaNs,
/// where both are arithmetic NaNs as the spec allows.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use super::V128;
    use std::arch::x86_64::*;

    #[inline(always)]
    fn int(v: V128) -> __m128i {
        // SAFETY: both types are 16 bytes with no invalid bit patterns;
        // the value is moved, so alignment is moot.
        unsafe { std::mem::transmute::<V128, __m128i>(v) }
    }
    #[inline(always)]
    fn from_int(m: __m128i) -> V128 {
        // SAFETY: as in `int`.
        unsafe { std::mem::transmute::<__m128i, V128>(m) }
    }
    #[inline(always)]
    fn ps(v: V128) -> __m128 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { _mm_castsi128_ps(int(v)) }
    }
    #[inline(always)]
    fn from_ps(m: __m128) -> V128 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { from_int(_mm_castps_si128(m)) }
    }
    #[inline(always)]
    fn pd(v: V128) -> __m128d {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { _mm_castsi128_pd(int(v)) }
    }
    #[inline(always)]
    fn from_pd(m: __m128d) -> V128 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { from_int(_mm_castpd_si128(m)) }
    }

    macro_rules! sse_binary {
        ($($name:ident: $view:ident => $back:ident, |$a:ident, $b:ident| $body:expr;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                let ($a, $b) = ($view(a), $view(b));
                // SAFETY: SSE2 is enabled at compile time (the module's
                // `cfg`), so the instructions exist.
                $back(unsafe { $body })
            }
        )*};
    }

    sse_binary! {
        i8x16_add: int => from_int, |a, b| _mm_add_epi8(a, b);
        i8x16_sub: int => from_int, |a, b| _mm_sub_epi8(a, b);
        i8x16_add_sat_s: int => from_int, |a, b| _mm_adds_epi8(a, b);
        i8x16_add_sat_u: int => from_int, |a, b| _mm_adds_epu8(a, b);
        i8x16_sub_sat_s: int => from_int, |a, b| _mm_subs_epi8(a, b);
        i8x16_sub_sat_u: int => from_int, |a, b| _mm_subs_epu8(a, b);
        i8x16_min_u: int => from_int, |a, b| _mm_min_epu8(a, b);
        i8x16_max_u: int => from_int, |a, b| _mm_max_epu8(a, b);
        // pavgb/pavgw compute (a + b + 1) >> 1 without overflow: avgr_u.
        i8x16_avgr_u: int => from_int, |a, b| _mm_avg_epu8(a, b);
        i16x8_add: int => from_int, |a, b| _mm_add_epi16(a, b);
        i16x8_sub: int => from_int, |a, b| _mm_sub_epi16(a, b);
        i16x8_add_sat_s: int => from_int, |a, b| _mm_adds_epi16(a, b);
        i16x8_add_sat_u: int => from_int, |a, b| _mm_adds_epu16(a, b);
        i16x8_sub_sat_s: int => from_int, |a, b| _mm_subs_epi16(a, b);
        i16x8_sub_sat_u: int => from_int, |a, b| _mm_subs_epu16(a, b);
        i16x8_mul: int => from_int, |a, b| _mm_mullo_epi16(a, b);
        i16x8_min_s: int => from_int, |a, b| _mm_min_epi16(a, b);
        i16x8_max_s: int => from_int, |a, b| _mm_max_epi16(a, b);
        i16x8_avgr_u: int => from_int, |a, b| _mm_avg_epu16(a, b);
        i32x4_add: int => from_int, |a, b| _mm_add_epi32(a, b);
        i32x4_sub: int => from_int, |a, b| _mm_sub_epi32(a, b);
        i64x2_add: int => from_int, |a, b| _mm_add_epi64(a, b);
        i64x2_sub: int => from_int, |a, b| _mm_sub_epi64(a, b);

        i8x16_eq: int => from_int, |a, b| _mm_cmpeq_epi8(a, b);
        i8x16_gt_s: int => from_int, |a, b| _mm_cmpgt_epi8(a, b);
        i8x16_lt_s: int => from_int, |a, b| _mm_cmplt_epi8(a, b);
        i16x8_eq: int => from_int, |a, b| _mm_cmpeq_epi16(a, b);
        i16x8_gt_s: int => from_int, |a, b| _mm_cmpgt_epi16(a, b);
        i16x8_lt_s: int => from_int, |a, b| _mm_cmplt_epi16(a, b);
        i32x4_eq: int => from_int, |a, b| _mm_cmpeq_epi32(a, b);
        i32x4_gt_s: int => from_int, |a, b| _mm_cmpgt_epi32(a, b);
        i32x4_lt_s: int => from_int, |a, b| _mm_cmplt_epi32(a, b);

        // The packs saturate exactly as the narrowings do (packuswb reads
        // its input as signed).
        i8x16_narrow_i16x8_s: int => from_int, |a, b| _mm_packs_epi16(a, b);
        i8x16_narrow_i16x8_u: int => from_int, |a, b| _mm_packus_epi16(a, b);
        i16x8_narrow_i32x4_s: int => from_int, |a, b| _mm_packs_epi32(a, b);

        f32x4_add: ps => from_ps, |a, b| _mm_add_ps(a, b);
        f32x4_sub: ps => from_ps, |a, b| _mm_sub_ps(a, b);
        f32x4_mul: ps => from_ps, |a, b| _mm_mul_ps(a, b);
        f32x4_div: ps => from_ps, |a, b| _mm_div_ps(a, b);
        // minps(x, y) is `x < y ? x : y` and maxps(x, y) is `x > y ? x : y`,
        // so with the operands swapped they are pmin and pmax exactly.
        f32x4_pmin: ps => from_ps, |a, b| _mm_min_ps(b, a);
        f32x4_pmax: ps => from_ps, |a, b| _mm_max_ps(b, a);
        f64x2_add: pd => from_pd, |a, b| _mm_add_pd(a, b);
        f64x2_sub: pd => from_pd, |a, b| _mm_sub_pd(a, b);
        f64x2_mul: pd => from_pd, |a, b| _mm_mul_pd(a, b);
        f64x2_div: pd => from_pd, |a, b| _mm_div_pd(a, b);
        f64x2_pmin: pd => from_pd, |a, b| _mm_min_pd(b, a);
        f64x2_pmax: pd => from_pd, |a, b| _mm_max_pd(b, a);

        // Ordered comparisons (false with a NaN), except the unordered `ne`.
        f32x4_eq: ps => from_ps, |a, b| _mm_cmpeq_ps(a, b);
        f32x4_ne: ps => from_ps, |a, b| _mm_cmpneq_ps(a, b);
        f32x4_lt: ps => from_ps, |a, b| _mm_cmplt_ps(a, b);
        f32x4_le: ps => from_ps, |a, b| _mm_cmple_ps(a, b);
        f32x4_gt: ps => from_ps, |a, b| _mm_cmpgt_ps(a, b);
        f32x4_ge: ps => from_ps, |a, b| _mm_cmpge_ps(a, b);
        f64x2_eq: pd => from_pd, |a, b| _mm_cmpeq_pd(a, b);
        f64x2_ne: pd => from_pd, |a, b| _mm_cmpneq_pd(a, b);
        f64x2_lt: pd => from_pd, |a, b| _mm_cmplt_pd(a, b);
        f64x2_le: pd => from_pd, |a, b| _mm_cmple_pd(a, b);
        f64x2_gt: pd => from_pd, |a, b| _mm_cmpgt_pd(a, b);
        f64x2_ge: pd => from_pd, |a, b| _mm_cmpge_pd(a, b);
    }

    /// `a * b + c` and `-a * b + c`, rounded after the product and after
    /// the sum (the deterministic profile's unfused madd; negating the
    /// product only flips its sign bit, so `-a * b` is `-(a * b)`).
    macro_rules! sse_madds {
        ($($name:ident: $view:ident => $back:ident, |$a:ident, $b:ident, $c:ident| $body:expr;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, b: V128, c: V128) -> V128 {
                let ($a, $b, $c) = ($view(a), $view(b), $view(c));
                // SAFETY: SSE2 is enabled at compile time (the module's
                // `cfg`), so the instructions exist.
                $back(unsafe { $body })
            }
        )*};
    }

    sse_madds! {
        f32x4_relaxed_madd: ps => from_ps, |a, b, c| _mm_add_ps(_mm_mul_ps(a, b), c);
        f32x4_relaxed_nmadd: ps => from_ps, |a, b, c| _mm_sub_ps(c, _mm_mul_ps(a, b));
        f64x2_relaxed_madd: pd => from_pd, |a, b, c| _mm_add_pd(_mm_mul_pd(a, b), c);
        f64x2_relaxed_nmadd: pd => from_pd, |a, b, c| _mm_sub_pd(c, _mm_mul_pd(a, b));
    }

    #[inline]
    pub(crate) fn f32x4_sqrt(a: V128) -> V128 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { from_ps(_mm_sqrt_ps(ps(a))) }
    }
    #[inline]
    pub(crate) fn f64x2_sqrt(a: V128) -> V128 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { from_pd(_mm_sqrt_pd(pd(a))) }
    }
    #[inline]
    pub(crate) fn f32x4_convert_i32x4_s(a: V128) -> V128 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { from_ps(_mm_cvtepi32_ps(int(a))) }
    }

    /// Defines functions whose whole body uses SSE2 instructions.
    macro_rules! sse_fns {
        ($($(#[$attr:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty { $($body:tt)* })*) => {$(
            $(#[$attr])*
            #[inline]
            $vis fn $name($($arg: $ty),*) -> $ret {
                // SAFETY: SSE2 is enabled at compile time (the module's
                // `cfg`), so the instructions exist.
                unsafe { $($body)* }
            }
        )*};
    }

    sse_fns! {
        fn not(x: __m128i) -> __m128i { _mm_xor_si128(x, _mm_set1_epi32(-1)) }
        /// Flips the sign bits so that signed comparisons order unsigned lanes.
        fn flip8(x: __m128i) -> __m128i { _mm_xor_si128(x, _mm_set1_epi8(i8::MIN)) }
        fn flip16(x: __m128i) -> __m128i { _mm_xor_si128(x, _mm_set1_epi16(i16::MIN)) }
        fn flip32(x: __m128i) -> __m128i { _mm_xor_si128(x, _mm_set1_epi32(i32::MIN)) }
        /// Bits of `yes` where `mask` is set, bits of `no` elsewhere.
        fn select(mask: __m128i, yes: __m128i, no: __m128i) -> __m128i {
            _mm_or_si128(_mm_and_si128(mask, yes), _mm_andnot_si128(mask, no))
        }

        pub(crate) fn i8x16_ne(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpeq_epi8(int(a), int(b)))) }
        pub(crate) fn i8x16_gt_u(a: V128, b: V128) -> V128 { from_int(_mm_cmpgt_epi8(flip8(int(a)), flip8(int(b)))) }
        pub(crate) fn i8x16_lt_u(a: V128, b: V128) -> V128 { from_int(_mm_cmplt_epi8(flip8(int(a)), flip8(int(b)))) }
        pub(crate) fn i8x16_le_s(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpgt_epi8(int(a), int(b)))) }
        pub(crate) fn i8x16_ge_s(a: V128, b: V128) -> V128 { from_int(not(_mm_cmplt_epi8(int(a), int(b)))) }
        pub(crate) fn i8x16_le_u(a: V128, b: V128) -> V128 { from_int(_mm_cmpeq_epi8(_mm_min_epu8(int(a), int(b)), int(a))) }
        pub(crate) fn i8x16_ge_u(a: V128, b: V128) -> V128 { from_int(_mm_cmpeq_epi8(_mm_max_epu8(int(a), int(b)), int(a))) }
        pub(crate) fn i16x8_ne(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpeq_epi16(int(a), int(b)))) }
        pub(crate) fn i16x8_gt_u(a: V128, b: V128) -> V128 { from_int(_mm_cmpgt_epi16(flip16(int(a)), flip16(int(b)))) }
        pub(crate) fn i16x8_lt_u(a: V128, b: V128) -> V128 { from_int(_mm_cmplt_epi16(flip16(int(a)), flip16(int(b)))) }
        pub(crate) fn i16x8_le_s(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpgt_epi16(int(a), int(b)))) }
        pub(crate) fn i16x8_ge_s(a: V128, b: V128) -> V128 { from_int(not(_mm_cmplt_epi16(int(a), int(b)))) }
        pub(crate) fn i16x8_le_u(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpgt_epi16(flip16(int(a)), flip16(int(b))))) }
        pub(crate) fn i16x8_ge_u(a: V128, b: V128) -> V128 { from_int(not(_mm_cmplt_epi16(flip16(int(a)), flip16(int(b))))) }
        pub(crate) fn i32x4_ne(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpeq_epi32(int(a), int(b)))) }
        pub(crate) fn i32x4_gt_u(a: V128, b: V128) -> V128 { from_int(_mm_cmpgt_epi32(flip32(int(a)), flip32(int(b)))) }
        pub(crate) fn i32x4_lt_u(a: V128, b: V128) -> V128 { from_int(_mm_cmplt_epi32(flip32(int(a)), flip32(int(b)))) }
        pub(crate) fn i32x4_le_s(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpgt_epi32(int(a), int(b)))) }
        pub(crate) fn i32x4_ge_s(a: V128, b: V128) -> V128 { from_int(not(_mm_cmplt_epi32(int(a), int(b)))) }
        pub(crate) fn i32x4_le_u(a: V128, b: V128) -> V128 { from_int(not(_mm_cmpgt_epi32(flip32(int(a)), flip32(int(b))))) }
        pub(crate) fn i32x4_ge_u(a: V128, b: V128) -> V128 { from_int(not(_mm_cmplt_epi32(flip32(int(a)), flip32(int(b))))) }

        pub(crate) fn i8x16_min_s(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(select(_mm_cmpgt_epi8(a, b), b, a))
        }
        pub(crate) fn i8x16_max_s(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(select(_mm_cmpgt_epi8(a, b), a, b))
        }
        pub(crate) fn i16x8_min_u(a: V128, b: V128) -> V128 {
            from_int(flip16(_mm_min_epi16(flip16(int(a)), flip16(int(b)))))
        }
        pub(crate) fn i16x8_max_u(a: V128, b: V128) -> V128 {
            from_int(flip16(_mm_max_epi16(flip16(int(a)), flip16(int(b)))))
        }
        pub(crate) fn i32x4_min_s(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(select(_mm_cmpgt_epi32(a, b), b, a))
        }
        pub(crate) fn i32x4_max_s(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(select(_mm_cmpgt_epi32(a, b), a, b))
        }
        pub(crate) fn i32x4_min_u(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(select(_mm_cmpgt_epi32(flip32(a), flip32(b)), b, a))
        }
        pub(crate) fn i32x4_max_u(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(select(_mm_cmpgt_epi32(flip32(a), flip32(b)), a, b))
        }

        // abs(x) = (x ^ s) - s with s the lane's sign mask; MIN stays MIN.
        pub(crate) fn i8x16_abs(a: V128) -> V128 {
            let a = int(a);
            let sign = _mm_cmplt_epi8(a, _mm_setzero_si128());
            from_int(_mm_sub_epi8(_mm_xor_si128(a, sign), sign))
        }
        pub(crate) fn i16x8_abs(a: V128) -> V128 {
            let a = int(a);
            let sign = _mm_srai_epi16(a, 15);
            from_int(_mm_sub_epi16(_mm_xor_si128(a, sign), sign))
        }
        pub(crate) fn i32x4_abs(a: V128) -> V128 {
            let a = int(a);
            let sign = _mm_srai_epi32(a, 31);
            from_int(_mm_sub_epi32(_mm_xor_si128(a, sign), sign))
        }
        pub(crate) fn i8x16_neg(a: V128) -> V128 { from_int(_mm_sub_epi8(_mm_setzero_si128(), int(a))) }
        pub(crate) fn i16x8_neg(a: V128) -> V128 { from_int(_mm_sub_epi16(_mm_setzero_si128(), int(a))) }
        pub(crate) fn i32x4_neg(a: V128) -> V128 { from_int(_mm_sub_epi32(_mm_setzero_si128(), int(a))) }
        pub(crate) fn i64x2_neg(a: V128) -> V128 { from_int(_mm_sub_epi64(_mm_setzero_si128(), int(a))) }

        // There are no byte shifts: shift 16-bit lanes and clear the bits
        // that crossed from the neighbouring byte.
        pub(crate) fn i8x16_shl(a: V128, count: u32) -> V128 {
            let count = count & 7;
            let shifted = _mm_sll_epi16(int(a), _mm_cvtsi32_si128(count as i32));
            from_int(_mm_and_si128(shifted, _mm_set1_epi8((0xffu8 << count) as i8)))
        }
        pub(crate) fn i8x16_shr_u(a: V128, count: u32) -> V128 {
            let count = count & 7;
            let shifted = _mm_srl_epi16(int(a), _mm_cvtsi32_si128(count as i32));
            from_int(_mm_and_si128(shifted, _mm_set1_epi8((0xffu8 >> count) as i8)))
        }
        // Each byte doubled into a 16-bit lane has the byte as its high
        // half; shifting that right by 8 more sign-extends it.
        pub(crate) fn i8x16_shr_s(a: V128, count: u32) -> V128 {
            let a = int(a);
            let count = _mm_cvtsi32_si128(((count & 7) + 8) as i32);
            let low = _mm_sra_epi16(_mm_unpacklo_epi8(a, a), count);
            let high = _mm_sra_epi16(_mm_unpackhi_epi8(a, a), count);
            from_int(_mm_packs_epi16(low, high))
        }
        // Bit counting within each byte; the masks drop the bits that the
        // 16-bit shifts carry over from the neighbouring byte.
        pub(crate) fn i8x16_popcnt(a: V128) -> V128 {
            let x = int(a);
            let x = _mm_sub_epi8(x, _mm_and_si128(_mm_srli_epi16(x, 1), _mm_set1_epi8(0x55)));
            let pairs = _mm_set1_epi8(0x33);
            let x = _mm_add_epi8(_mm_and_si128(x, pairs), _mm_and_si128(_mm_srli_epi16(x, 2), pairs));
            from_int(_mm_and_si128(_mm_add_epi8(x, _mm_srli_epi16(x, 4)), _mm_set1_epi8(0x0f)))
        }

        pub(crate) fn i16x8_extadd_pairwise_i8x16_s(a: V128) -> V128 {
            let x = int(a);
            from_int(_mm_add_epi16(_mm_srai_epi16(_mm_slli_epi16(x, 8), 8), _mm_srai_epi16(x, 8)))
        }
        pub(crate) fn i16x8_extadd_pairwise_i8x16_u(a: V128) -> V128 {
            let x = int(a);
            from_int(_mm_add_epi16(_mm_and_si128(x, _mm_set1_epi16(0xff)), _mm_srli_epi16(x, 8)))
        }
        pub(crate) fn i32x4_extadd_pairwise_i16x8_s(a: V128) -> V128 {
            from_int(_mm_madd_epi16(int(a), _mm_set1_epi16(1)))
        }
        pub(crate) fn i32x4_extadd_pairwise_i16x8_u(a: V128) -> V128 {
            let x = int(a);
            from_int(_mm_add_epi32(_mm_and_si128(x, _mm_set1_epi32(0xffff)), _mm_srli_epi32(x, 16)))
        }
        // pmaddwd is the dot product, wrapping included.
        pub(crate) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
            from_int(_mm_madd_epi16(int(a), int(b)))
        }
        // The 32-bit products, rounded and shifted, saturated back by packssdw.
        pub(crate) fn i16x8_q15mulr_sat_s(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            let (low, high) = (_mm_mullo_epi16(a, b), _mm_mulhi_epi16(a, b));
            let round = _mm_set1_epi32(0x4000);
            let first = _mm_srai_epi32(_mm_add_epi32(_mm_unpacklo_epi16(low, high), round), 15);
            let second = _mm_srai_epi32(_mm_add_epi32(_mm_unpackhi_epi16(low, high), round), 15);
            from_int(_mm_packs_epi32(first, second))
        }

        // minps/maxps return their second operand on NaNs and equal values:
        // combining both orders orders the zeros (OR keeps a minus, AND
        // drops it), and NaN lanes get the canonical NaN.
        pub(crate) fn f32x4_min(a: V128, b: V128) -> V128 {
            let (a, b) = (ps(a), ps(b));
            let min = _mm_or_ps(_mm_min_ps(a, b), _mm_min_ps(b, a));
            from_ps(nan_lanes_ps(_mm_cmpunord_ps(a, b), min))
        }
        pub(crate) fn f32x4_max(a: V128, b: V128) -> V128 {
            let (a, b) = (ps(a), ps(b));
            let max = _mm_and_ps(_mm_max_ps(a, b), _mm_max_ps(b, a));
            from_ps(nan_lanes_ps(_mm_cmpunord_ps(a, b), max))
        }
        fn nan_lanes_ps(nan: __m128, x: __m128) -> __m128 {
            let canonical = _mm_castsi128_ps(_mm_set1_epi32(0x7fc0_0000));
            _mm_or_ps(_mm_andnot_ps(nan, x), _mm_and_ps(nan, canonical))
        }
        pub(crate) fn f64x2_min(a: V128, b: V128) -> V128 {
            let (a, b) = (pd(a), pd(b));
            let min = _mm_or_pd(_mm_min_pd(a, b), _mm_min_pd(b, a));
            from_pd(nan_lanes_pd(_mm_cmpunord_pd(a, b), min))
        }
        pub(crate) fn f64x2_max(a: V128, b: V128) -> V128 {
            let (a, b) = (pd(a), pd(b));
            let max = _mm_and_pd(_mm_max_pd(a, b), _mm_max_pd(b, a));
            from_pd(nan_lanes_pd(_mm_cmpunord_pd(a, b), max))
        }
        fn nan_lanes_pd(nan: __m128d, x: __m128d) -> __m128d {
            let canonical = _mm_castsi128_pd(_mm_set1_epi64x(0x7ff8_0000_0000_0000));
            _mm_or_pd(_mm_andnot_pd(nan, x), _mm_and_pd(nan, canonical))
        }

        // Widening: interleave with zeros (unsigned) or with the lanes
        // themselves and shift arithmetically (signed).
        pub(crate) fn i16x8_extend_low_i8x16_s(a: V128) -> V128 { let x = int(a); from_int(_mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8)) }
        pub(crate) fn i16x8_extend_high_i8x16_s(a: V128) -> V128 { let x = int(a); from_int(_mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8)) }
        pub(crate) fn i16x8_extend_low_i8x16_u(a: V128) -> V128 { from_int(_mm_unpacklo_epi8(int(a), _mm_setzero_si128())) }
        pub(crate) fn i16x8_extend_high_i8x16_u(a: V128) -> V128 { from_int(_mm_unpackhi_epi8(int(a), _mm_setzero_si128())) }
        pub(crate) fn i32x4_extend_low_i16x8_s(a: V128) -> V128 { let x = int(a); from_int(_mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16)) }
        pub(crate) fn i32x4_extend_high_i16x8_s(a: V128) -> V128 { let x = int(a); from_int(_mm_srai_epi32(_mm_unpackhi_epi16(x, x), 16)) }
        pub(crate) fn i32x4_extend_low_i16x8_u(a: V128) -> V128 { from_int(_mm_unpacklo_epi16(int(a), _mm_setzero_si128())) }
        pub(crate) fn i32x4_extend_high_i16x8_u(a: V128) -> V128 { from_int(_mm_unpackhi_epi16(int(a), _mm_setzero_si128())) }
        pub(crate) fn i64x2_extend_low_i32x4_s(a: V128) -> V128 { let x = int(a); from_int(_mm_unpacklo_epi32(x, _mm_srai_epi32(x, 31))) }
        pub(crate) fn i64x2_extend_high_i32x4_s(a: V128) -> V128 { let x = int(a); from_int(_mm_unpackhi_epi32(x, _mm_srai_epi32(x, 31))) }
        pub(crate) fn i64x2_extend_low_i32x4_u(a: V128) -> V128 { from_int(_mm_unpacklo_epi32(int(a), _mm_setzero_si128())) }
        pub(crate) fn i64x2_extend_high_i32x4_u(a: V128) -> V128 { from_int(_mm_unpackhi_epi32(int(a), _mm_setzero_si128())) }

        // 16x16-bit products: pmullw gives the low halves, pmulhw/pmulhuw
        // the high halves; interleaving them gives the 32-bit products.
        pub(crate) fn i32x4_extmul_low_i16x8_s(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(_mm_unpacklo_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epi16(a, b)))
        }
        pub(crate) fn i32x4_extmul_high_i16x8_s(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(_mm_unpackhi_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epi16(a, b)))
        }
        pub(crate) fn i32x4_extmul_low_i16x8_u(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(_mm_unpacklo_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epu16(a, b)))
        }
        pub(crate) fn i32x4_extmul_high_i16x8_u(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            from_int(_mm_unpackhi_epi16(_mm_mullo_epi16(a, b), _mm_mulhi_epu16(a, b)))
        }
        // pmuludq multiplies lanes 0 and 2: spread the wanted lanes there.
        pub(crate) fn i64x2_extmul_low_i32x4_u(a: V128, b: V128) -> V128 {
            from_int(_mm_mul_epu32(_mm_shuffle_epi32(int(a), 0b01_01_00_00), _mm_shuffle_epi32(int(b), 0b01_01_00_00)))
        }
        pub(crate) fn i64x2_extmul_high_i32x4_u(a: V128, b: V128) -> V128 {
            from_int(_mm_mul_epu32(_mm_shuffle_epi32(int(a), 0b11_11_10_10), _mm_shuffle_epi32(int(b), 0b11_11_10_10)))
        }
        // No pmulld in SSE2: the 64-bit products of the even and the odd
        // lanes, their low halves interleaved back.
        pub(crate) fn i32x4_mul(a: V128, b: V128) -> V128 {
            let (a, b) = (int(a), int(b));
            let even = _mm_mul_epu32(a, b);
            let odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
            from_int(_mm_unpacklo_epi32(_mm_shuffle_epi32(even, 0b00_00_10_00), _mm_shuffle_epi32(odd, 0b00_00_10_00)))
        }
        // cvttps2dq gives 0x8000_0000 for NaN and out-of-range lanes: that is
        // right for large negatives, flipped to MAX for large positives, and
        // cleared for NaNs.
        pub(crate) fn i32x4_trunc_sat_f32x4_s(a: V128) -> V128 {
            let x = ps(a);
            let truncated = _mm_cvttps_epi32(x);
            let too_big = _mm_castps_si128(_mm_cmpge_ps(x, _mm_set1_ps(2147483648.0)));
            let not_nan = _mm_castps_si128(_mm_cmpord_ps(x, x));
            from_int(_mm_and_si128(_mm_xor_si128(truncated, too_big), not_nan))
        }
        // Both 16-bit halves convert exactly; the one addition rounds once.
        pub(crate) fn f32x4_convert_i32x4_u(a: V128) -> V128 {
            let x = int(a);
            let low = _mm_cvtepi32_ps(_mm_and_si128(x, _mm_set1_epi32(0xffff)));
            let high = _mm_cvtepi32_ps(_mm_srli_epi32(x, 16));
            from_ps(_mm_add_ps(_mm_mul_ps(high, _mm_set1_ps(65536.0)), low))
        }
    }

    /// Widening products of bytes: both operands widened, then pmullw.
    macro_rules! byte_extmuls {
        ($($name:ident: $extend:ident;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, b: V128) -> V128 {
                i16x8_mul($extend(a), $extend(b))
            }
        )*};
    }

    byte_extmuls! {
        i16x8_extmul_low_i8x16_s: i16x8_extend_low_i8x16_s;
        i16x8_extmul_high_i8x16_s: i16x8_extend_high_i8x16_s;
        i16x8_extmul_low_i8x16_u: i16x8_extend_low_i8x16_u;
        i16x8_extmul_high_i8x16_u: i16x8_extend_high_i8x16_u;
    }

    // pshufb is SSSE3, which x86-64 does not guarantee: detect it (a
    // cached flag) and fall back to the portable loop without it.

    /// Lane `i` of the result is lane `s[i]` of `a`, or 0 if `s[i] >= 16`.
    #[inline]
    pub(crate) fn i8x16_swizzle(a: V128, s: V128) -> V128 {
        if std::is_x86_feature_detected!("ssse3") {
            // SAFETY: SSSE3 was just detected.
            unsafe { swizzle_ssse3(a, s) }
        } else {
            super::portable::i8x16_swizzle(a, s)
        }
    }

    /// Lane `i` of the result is byte `lanes[i]` of the 32 bytes `a ++ b`.
    #[inline]
    pub(crate) fn i8x16_shuffle(a: V128, b: V128, lanes: [u8; 16]) -> V128 {
        if std::is_x86_feature_detected!("ssse3") {
            let lanes = V128::from_le_bytes(lanes);
            // SAFETY: SSSE3 was just detected. Indices 16..32 select from `b`
            // once 16 is subtracted; the rest then wrap to 240 and up, out of
            // range like the indices 32 and up that validation rules out.
            unsafe { swizzle_ssse3(a, lanes) | swizzle_ssse3(b, super::i8x16_sub(lanes, super::i8x16_splat(16))) }
        } else {
            super::portable::i8x16_shuffle(a, b, lanes)
        }
    }

    /// pshufb takes the low 4 bits of an index and gives 0 for an index with
    /// its top bit set; a saturating add of 0x70 sets the top bit of every
    /// index from 16 up and keeps the low bits of the others.
    #[target_feature(enable = "ssse3")]
    fn swizzle_ssse3(a: V128, s: V128) -> V128 {
        let indices = _mm_adds_epu8(int(s), _mm_set1_epi8(0x70));
        from_int(_mm_shuffle_epi8(int(a), indices))
    }

    // roundps/roundpd are SSE4.1, detected like pshufb. They quiet a
    // signalling NaN, as wasm asks.
    macro_rules! roundings {
        ($($name:ident: $round:ident, $mode:expr;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128) -> V128 {
                if std::is_x86_feature_detected!("sse4.1") {
                    // SAFETY: SSE4.1 was just detected.
                    unsafe { $round::<{ $mode | _MM_FROUND_NO_EXC }>(a) }
                } else {
                    super::portable::$name(a)
                }
            }
        )*};
    }

    roundings! {
        f32x4_ceil: round_ps, _MM_FROUND_TO_POS_INF;
        f32x4_floor: round_ps, _MM_FROUND_TO_NEG_INF;
        f32x4_trunc: round_ps, _MM_FROUND_TO_ZERO;
        f32x4_nearest: round_ps, _MM_FROUND_TO_NEAREST_INT;
        f64x2_ceil: round_pd, _MM_FROUND_TO_POS_INF;
        f64x2_floor: round_pd, _MM_FROUND_TO_NEG_INF;
        f64x2_trunc: round_pd, _MM_FROUND_TO_ZERO;
        f64x2_nearest: round_pd, _MM_FROUND_TO_NEAREST_INT;
    }

    #[target_feature(enable = "sse4.1")]
    fn round_ps<const MODE: i32>(a: V128) -> V128 {
        from_ps(_mm_round_ps::<MODE>(ps(a)))
    }
    #[target_feature(enable = "sse4.1")]
    fn round_pd<const MODE: i32>(a: V128) -> V128 {
        from_pd(_mm_round_pd::<MODE>(pd(a)))
    }

    /// Defines shifts by a register count, masked to the lane width first
    /// (the SSE2 shifts saturate the count instead of wrapping it).
    macro_rules! sse_shifts {
        ($($name:ident: $intr:ident, $bits:literal;)*) => {$(
            #[inline]
            pub(crate) fn $name(a: V128, count: u32) -> V128 {
                // SAFETY: SSE2 is enabled at compile time (the module's
                // `cfg`), so the instructions exist.
                from_int(unsafe { $intr(int(a), _mm_cvtsi32_si128((count & ($bits - 1)) as i32)) })
            }
        )*};
    }

    sse_shifts! {
        i16x8_shl: _mm_sll_epi16, 16;
        i16x8_shr_s: _mm_sra_epi16, 16;
        i16x8_shr_u: _mm_srl_epi16, 16;
        i32x4_shl: _mm_sll_epi32, 32;
        i32x4_shr_s: _mm_sra_epi32, 32;
        i32x4_shr_u: _mm_srl_epi32, 32;
        i64x2_shl: _mm_sll_epi64, 64;
        i64x2_shr_u: _mm_srl_epi64, 64;
    }

    #[inline]
    pub(crate) fn i8x16_bitmask(a: V128) -> u32 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { _mm_movemask_epi8(int(a)) as u32 }
    }
    #[inline]
    pub(crate) fn i16x8_bitmask(a: V128) -> u32 {
        // Signed saturation to bytes keeps each lane's sign bit.
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { _mm_movemask_epi8(_mm_packs_epi16(int(a), _mm_setzero_si128())) as u32 }
    }
    #[inline]
    pub(crate) fn i32x4_bitmask(a: V128) -> u32 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { _mm_movemask_ps(ps(a)) as u32 }
    }
    #[inline]
    pub(crate) fn i64x2_bitmask(a: V128) -> u32 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { _mm_movemask_pd(pd(a)) as u32 }
    }
    #[inline]
    pub(crate) fn i8x16_all_true(a: V128) -> u32 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { (_mm_movemask_epi8(_mm_cmpeq_epi8(int(a), _mm_setzero_si128())) == 0) as u32 }
    }
    #[inline]
    pub(crate) fn i16x8_all_true(a: V128) -> u32 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { (_mm_movemask_epi8(_mm_cmpeq_epi16(int(a), _mm_setzero_si128())) == 0) as u32 }
    }
    #[inline]
    pub(crate) fn i32x4_all_true(a: V128) -> u32 {
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`), so
        // the instructions exist.
        unsafe { (_mm_movemask_epi8(_mm_cmpeq_epi32(int(a), _mm_setzero_si128())) == 0) as u32 }
    }
    #[inline]
    pub(crate) fn i64x2_all_true(a: V128) -> u32 {
        // A 64-bit lane is zero when both of its 32-bit halves are.
        // SAFETY: SSE2 is enabled at compile time (the module's `cfg`).
        let zero_halves = unsafe { _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(int(a), _mm_setzero_si128()))) };
        (zero_halves & 0b0011 != 0b0011 && zero_halves & 0b1100 != 0b1100) as u32
    }
}

// ---------------------------------------------------------------------------
// Scalars in and out: splats and lanes.

#[inline]
pub(crate) fn i8x16_splat(cell: u64) -> V128 {
    from_u8([cell as u8; 16])
}
#[inline]
pub(crate) fn i16x8_splat(cell: u64) -> V128 {
    from_u16([cell as u16; 8])
}
#[inline]
pub(crate) fn i32x4_splat(cell: u64) -> V128 {
    from_u32([cell as u32; 4])
}
#[inline]
pub(crate) fn i64x2_splat(cell: u64) -> V128 {
    from_u64([cell; 2])
}
#[inline]
pub(crate) fn f32x4_splat(cell: u64) -> V128 {
    i32x4_splat(cell)
}
#[inline]
pub(crate) fn f64x2_splat(cell: u64) -> V128 {
    i64x2_splat(cell)
}

// Lane indices are validated against the lane count; masking them keeps an
// out-of-range index from panicking without a branch.

#[inline]
pub(crate) fn i8x16_extract_lane_s(v: V128, lane: u8) -> u64 {
    as_i8(v)[lane as usize & 15] as i32 as u32 as u64
}
#[inline]
pub(crate) fn i8x16_extract_lane_u(v: V128, lane: u8) -> u64 {
    as_u8(v)[lane as usize & 15] as u64
}
#[inline]
pub(crate) fn i16x8_extract_lane_s(v: V128, lane: u8) -> u64 {
    as_i16(v)[lane as usize & 7] as i32 as u32 as u64
}
#[inline]
pub(crate) fn i16x8_extract_lane_u(v: V128, lane: u8) -> u64 {
    as_u16(v)[lane as usize & 7] as u64
}
#[inline]
pub(crate) fn i32x4_extract_lane(v: V128, lane: u8) -> u64 {
    as_u32(v)[lane as usize & 3] as u64
}
#[inline]
pub(crate) fn i64x2_extract_lane(v: V128, lane: u8) -> u64 {
    as_u64(v)[lane as usize & 1]
}
#[inline]
pub(crate) fn f32x4_extract_lane(v: V128, lane: u8) -> u64 {
    i32x4_extract_lane(v, lane)
}
#[inline]
pub(crate) fn f64x2_extract_lane(v: V128, lane: u8) -> u64 {
    i64x2_extract_lane(v, lane)
}

#[inline]
pub(crate) fn i8x16_replace_lane(v: V128, lane: u8, cell: u64) -> V128 {
    replace_bytes(v, lane & 15, 1, cell)
}
#[inline]
pub(crate) fn i16x8_replace_lane(v: V128, lane: u8, cell: u64) -> V128 {
    replace_bytes(v, lane & 7, 2, cell)
}
#[inline]
pub(crate) fn i32x4_replace_lane(v: V128, lane: u8, cell: u64) -> V128 {
    replace_bytes(v, lane & 3, 4, cell)
}
#[inline]
pub(crate) fn i64x2_replace_lane(v: V128, lane: u8, cell: u64) -> V128 {
    replace_bytes(v, lane & 1, 8, cell)
}
#[inline]
pub(crate) fn f32x4_replace_lane(v: V128, lane: u8, cell: u64) -> V128 {
    i32x4_replace_lane(v, lane, cell)
}
#[inline]
pub(crate) fn f64x2_replace_lane(v: V128, lane: u8, cell: u64) -> V128 {
    i64x2_replace_lane(v, lane, cell)
}

/// The bit mask of a lane `width_bytes` (1, 2, 4 or 8) wide, and the shift
/// to lane `lane` (taken modulo the lane count).
#[inline(always)]
fn lane_position(lane: u8, width_bytes: u8) -> (u64, u32) {
    let bits = (width_bytes as u32 * 8).clamp(8, 64);
    let mask = u64::MAX >> (64 - bits);
    let shift = (lane as u32 * bits) % 128;
    (mask, shift)
}

/// `v` with lane `lane` of width `width_bytes` (1, 2, 4 or 8) replaced by
/// the low bytes of `bytes`: `v128.loadN_lane` and the `replace_lane`s.
#[inline]
pub(crate) fn replace_bytes(v: V128, lane: u8, width_bytes: u8, bytes: u64) -> V128 {
    let (mask, shift) = lane_position(lane, width_bytes);
    (v & !((mask as V128) << shift)) | (((bytes & mask) as V128) << shift)
}

/// Lane `lane` of width `width_bytes` (1, 2, 4 or 8) of `v`, zero-extended:
/// `v128.storeN_lane` stores its low `width_bytes` bytes.
#[inline]
pub(crate) fn extract_bytes(v: V128, lane: u8, width_bytes: u8) -> u64 {
    let (mask, shift) = lane_position(lane, width_bytes);
    (v >> shift) as u64 & mask
}

// ---------------------------------------------------------------------------
// Loads that reshape what they read (the translator reads the bytes).

/// Defines the extending loads: the 8 bytes read are the low half of a
/// vector whose low lanes are widened.
macro_rules! load_extends {
    ($($name:ident: $extend:ident;)*) => {$(
        #[inline]
        pub(crate) fn $name(bytes: u64) -> V128 {
            $extend(bytes as V128)
        }
    )*};
}

load_extends! {
    v128_load8x8_s: i16x8_extend_low_i8x16_s;
    v128_load8x8_u: i16x8_extend_low_i8x16_u;
    v128_load16x4_s: i32x4_extend_low_i16x8_s;
    v128_load16x4_u: i32x4_extend_low_i16x8_u;
    v128_load32x2_s: i64x2_extend_low_i32x4_s;
    v128_load32x2_u: i64x2_extend_low_i32x4_u;
}

#[inline]
pub(crate) fn v128_load8_splat(bytes: u64) -> V128 {
    i8x16_splat(bytes)
}
#[inline]
pub(crate) fn v128_load16_splat(bytes: u64) -> V128 {
    i16x8_splat(bytes)
}
#[inline]
pub(crate) fn v128_load32_splat(bytes: u64) -> V128 {
    i32x4_splat(bytes)
}
#[inline]
pub(crate) fn v128_load64_splat(bytes: u64) -> V128 {
    i64x2_splat(bytes)
}
#[inline]
pub(crate) fn v128_load32_zero(bytes: u64) -> V128 {
    bytes as u32 as V128
}
#[inline]
pub(crate) fn v128_load64_zero(bytes: u64) -> V128 {
    bytes as V128
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operators wasmparser excludes from the list because the
    /// translator and interpreter handle them with memory or immediates.
    const NOT_LISTED: &[&str] = &[
        "V128Const",
        "V128Load",
        "V128Store",
        "I8x16Shuffle",
        "V128Load8Lane",
        "V128Load16Lane",
        "V128Load32Lane",
        "V128Load64Lane",
        "V128Store8Lane",
        "V128Store16Lane",
        "V128Store32Lane",
        "V128Store64Lane",
    ];

    macro_rules! wasmparser_simd_operators {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
            vec![$((stringify!($op), stringify!($visit))),*]
        };
    }

    macro_rules! listed_operators {
        (
            unary: [$(($u:ident, $uf:ident)),* $(,)?]
            binary: [$(($b:ident, $bf:ident)),* $(,)?]
            ternary: [$(($t:ident, $tf:ident)),* $(,)?]
            shift: [$(($s:ident, $sf:ident)),* $(,)?]
            test: [$(($q:ident, $qf:ident)),* $(,)?]
            splat: [$(($sp:ident, $spf:ident)),* $(,)?]
            extract_lane: [$(($el:ident, $elf:ident)),* $(,)?]
            replace_lane: [$(($rl:ident, $rlf:ident)),* $(,)?]
            load_extend: [$(($le:ident, $lef:ident)),* $(,)?]
            load_splat: [$(($ls:ident, $lsn:literal, $lsf:ident)),* $(,)?]
            load_zero: [$(($lz:ident, $lzn:literal, $lzf:ident)),* $(,)?]
        ) => {
            vec![
                $((stringify!($u), stringify!($uf)),)*
                $((stringify!($b), stringify!($bf)),)*
                $((stringify!($t), stringify!($tf)),)*
                $((stringify!($s), stringify!($sf)),)*
                $((stringify!($q), stringify!($qf)),)*
                $((stringify!($sp), stringify!($spf)),)*
                $((stringify!($el), stringify!($elf)),)*
                $((stringify!($rl), stringify!($rlf)),)*
                $((stringify!($le), stringify!($lef)),)*
                $((stringify!($ls), stringify!($lsf)),)*
                $((stringify!($lz), stringify!($lzf)),)*
            ]
        };
    }

    #[test]
    fn the_list_holds_every_simd_operator_once_under_its_visitor_name() {
        let wasmparser: Vec<(&str, &str)> = wasmparser::for_each_visit_simd_operator!(wasmparser_simd_operators);
        let listed: Vec<(&str, &str)> = for_each_simd!(listed_operators);
        let mut seen = std::collections::HashSet::new();
        for (op, func) in &listed {
            assert!(seen.insert(*op), "{op} is listed twice");
            let Some((_, visit)) = wasmparser.iter().find(|(name, _)| name == op) else {
                panic!("{op} is not a wasmparser SIMD operator");
            };
            assert_eq!(visit.strip_prefix("visit_"), Some(*func), "{op} should be named after {visit}");
        }
        for (op, _) in &wasmparser {
            assert!(seen.contains(op) || NOT_LISTED.contains(op), "wasmparser's {op} is neither listed nor excluded");
            assert!(!(seen.contains(op) && NOT_LISTED.contains(op)), "{op} is both listed and excluded");
        }
        assert_eq!(listed.len() + NOT_LISTED.len(), wasmparser.len());
    }

    fn f32_lanes(v: V128) -> [u32; 4] {
        as_u32(v)
    }
    fn f32s(lanes: [f32; 4]) -> V128 {
        from_f32(lanes)
    }
    fn f64s(lanes: [f64; 2]) -> V128 {
        from_f64(lanes)
    }
    const NAN32: u32 = 0x7fc0_0000;
    const NAN64: u64 = 0x7ff8_0000_0000_0000;

    #[test]
    fn lanes_are_little_endian() {
        let v = V128::from_le_bytes(std::array::from_fn(|i| i as u8));
        assert_eq!(i8x16_extract_lane_u(v, 0), 0);
        assert_eq!(i8x16_extract_lane_u(v, 15), 15);
        assert_eq!(i16x8_extract_lane_u(v, 1), 0x0302);
        assert_eq!(i32x4_extract_lane(v, 3), 0x0f0e_0d0c);
        assert_eq!(i64x2_extract_lane(v, 0), 0x0706_0504_0302_0100);
        assert_eq!(as_i8(v)[5], 5);
        assert_eq!(from_u16(as_u16(v)), v);
    }

    #[test]
    fn saturating_arithmetic_clamps() {
        let a = from_i8([127, -128, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        let b = from_i8([1, -1, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(as_i8(i8x16_add_sat_s(a, b))[..4], [127, -128, 127, -128]);
        assert_eq!(as_i8(i8x16_sub_sat_s(a, b))[..4], [126, -127, 0, 0]);
        assert_eq!(as_i8(i8x16_add(a, b))[..4], [-128, 127, -56, 56]);
        let a = from_u8([255, 0, 200, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_u8([1, 1, 100, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(as_u8(i8x16_add_sat_u(a, b))[..4], [255, 1, 255, 3]);
        assert_eq!(as_u8(i8x16_sub_sat_u(a, b))[..4], [254, 0, 100, 0]);
        let a = from_i16([i16::MAX, i16::MIN, 0, 0, 0, 0, 0, 0]);
        let b = from_i16([1, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(as_i16(i16x8_add_sat_s(a, b))[..2], [i16::MAX, i16::MIN + 1]);
        assert_eq!(as_i16(i16x8_sub_sat_s(a, b))[..2], [i16::MAX - 1, i16::MIN]);
        assert_eq!(as_u16(i16x8_sub_sat_u(b, a))[..2], [0, 0]);
    }

    #[test]
    fn abs_of_min_stays_min_and_neg_wraps() {
        assert_eq!(as_i8(i8x16_abs(i8x16_splat(0x80)))[0], i8::MIN);
        assert_eq!(as_i16(i16x8_abs(i16x8_splat(0x8000)))[7], i16::MIN);
        assert_eq!(as_i32(i32x4_abs(from_i32([i32::MIN, -5, 5, 0]))), [i32::MIN, 5, 5, 0]);
        assert_eq!(as_i64(i64x2_abs(from_i64([i64::MIN, -1]))), [i64::MIN, 1]);
        assert_eq!(as_i64(i64x2_neg(from_i64([i64::MIN, 1]))), [i64::MIN, -1]);
    }

    #[test]
    fn narrowing_saturates() {
        let a = from_i16([300, -300, 127, -128, 128, -129, 0, 255]);
        let b = from_i16([-1, 1, i16::MAX, i16::MIN, 42, -42, 7, -7]);
        assert_eq!(
            as_i8(i8x16_narrow_i16x8_s(a, b)),
            [127, -128, 127, -128, 127, -128, 0, 127, -1, 1, 127, -128, 42, -42, 7, -7]
        );
        assert_eq!(as_u8(i8x16_narrow_i16x8_u(a, b)), [255, 0, 127, 0, 128, 0, 0, 255, 0, 1, 255, 0, 42, 0, 7, 0]);
        let a = from_i32([70000, -70000, 65535, -1]);
        let b = from_i32([i32::MIN, i32::MAX, 32767, -32768]);
        assert_eq!(as_i16(i16x8_narrow_i32x4_s(a, b)), [32767, -32768, 32767, -1, -32768, 32767, 32767, -32768]);
        assert_eq!(as_u16(i16x8_narrow_i32x4_u(a, b)), [65535, 0, 65535, 0, 0, 65535, 32767, 0]);
    }

    #[test]
    fn shift_counts_wrap_at_the_lane_width() {
        assert_eq!(as_u8(i8x16_shl(i8x16_splat(1), 9))[0], 2);
        assert_eq!(as_i8(i8x16_shr_s(i8x16_splat(0x80), 7))[3], -1);
        assert_eq!(as_u8(i8x16_shr_u(i8x16_splat(0x80), 15))[3], 1);
        assert_eq!(as_i16(i16x8_shr_s(i16x8_splat(0x8000), 17))[0], -16384);
        assert_eq!(as_i32(i32x4_shr_s(i32x4_splat(-8i32 as u32 as u64), 33)), [-4; 4]);
        assert_eq!(as_u32(i32x4_shl(i32x4_splat(3), 32)), [3; 4]);
        assert_eq!(as_u64(i64x2_shr_u(i64x2_splat(u64::MAX), 64)), [u64::MAX; 2]);
        assert_eq!(as_u64(i64x2_shr_u(i64x2_splat(u64::MAX), 127)), [1; 2]);
        assert_eq!(as_i64(i64x2_shr_s(i64x2_splat(i64::MIN as u64), u32::MAX)), [-1; 2]);
    }

    #[test]
    fn averages_round_up_and_q15_multiplication_saturates() {
        let a = from_u8([255, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_u8([255, 1, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(as_u8(i8x16_avgr_u(a, b))[..4], [255, 1, 1, 4]);
        assert_eq!(as_u16(i16x8_avgr_u(i16x8_splat(65535), i16x8_splat(65534)))[0], 65535);
        let a = from_i16([i16::MIN, 16384, 1, -1, 16384, i16::MAX, i16::MIN, -16384]);
        let b = from_i16([i16::MIN, 16384, 16384, 16384, -16384, i16::MAX, i16::MAX, -16384]);
        let expected = [i16::MAX, 8192, 1, 0, -8192, 32766, -32767, 8192];
        assert_eq!(as_i16(i16x8_q15mulr_sat_s(a, b)), expected);
        assert_eq!(as_i16(i16x8_relaxed_q15mulr_s(a, b)), expected);
    }

    #[test]
    fn widening_operations() {
        let bytes = from_i8([-128, -128, 127, 127, -1, 1, 0, 5, 0, 0, 0, 0, 0, 0, 3, -4]);
        assert_eq!(as_i16(i16x8_extadd_pairwise_i8x16_s(bytes)), [-256, 254, 0, 5, 0, 0, 0, -1]);
        assert_eq!(as_u16(i16x8_extadd_pairwise_i8x16_u(bytes)), [256, 254, 256, 5, 0, 0, 0, 255]);
        assert_eq!(as_i16(i16x8_extend_high_i8x16_s(bytes)), [0, 0, 0, 0, 0, 0, 3, -4]);
        assert_eq!(as_u16(i16x8_extend_low_i8x16_u(bytes))[..4], [128, 128, 127, 127]);
        assert_eq!(as_i16(i16x8_extmul_low_i8x16_s(bytes, bytes))[..4], [16384, 16384, 16129, 16129]);
        assert_eq!(as_u16(i16x8_extmul_high_i8x16_u(bytes, bytes))[7], 252 * 252);
        let words = from_i16([i16::MIN, i16::MIN, -1, -1, 1, 2, 3, 4]);
        assert_eq!(as_i32(i32x4_extadd_pairwise_i16x8_s(words)), [-65536, -2, 3, 7]);
        assert_eq!(as_u32(i32x4_extadd_pairwise_i16x8_u(words)), [65536, 131070, 3, 7]);
        assert_eq!(as_u32(i32x4_extmul_low_i16x8_u(words, words))[2], 65535 * 65535);
        // Only MIN * MIN + MIN * MIN leaves the i32 range, and wraps.
        assert_eq!(as_i32(i32x4_dot_i16x8_s(words, words)), [i32::MIN, 2, 5, 25]);
        let dwords = from_i32([i32::MIN, -1, 7, 8]);
        assert_eq!(as_i64(i64x2_extmul_low_i32x4_s(dwords, dwords)), [1 << 62, 1]);
        assert_eq!(as_u64(i64x2_extmul_low_i32x4_u(dwords, dwords))[1], u32::MAX as u64 * u32::MAX as u64);
        assert_eq!(as_i64(i64x2_extend_low_i32x4_s(dwords)), [i32::MIN as i64, -1]);
        assert_eq!(as_u64(i64x2_extend_low_i32x4_u(dwords)), [1 << 31, u32::MAX as u64]);
        assert_eq!(as_u64(i64x2_extend_high_i32x4_u(dwords)), [7, 8]);
    }

    #[test]
    fn all_true_and_bitmask() {
        let v = from_i8([-1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -128]);
        assert_eq!(i8x16_bitmask(v), 0x8001);
        assert_eq!(i8x16_all_true(v), 1);
        assert_eq!(i8x16_all_true(replace_bytes(v, 9, 1, 0)), 0);
        assert_eq!(i16x8_bitmask(from_i16([0, -1, 0, 0, 0, 0, 0, i16::MIN])), 0x82);
        assert_eq!(i16x8_all_true(from_i16([0x100; 8])), 1);
        assert_eq!(i32x4_bitmask(from_i32([1, -1, 1, -1])), 0b1010);
        assert_eq!(i32x4_all_true(from_i32([1, -1, 1, 0])), 0);
        assert_eq!(i64x2_bitmask(from_i64([1, -1])), 2);
        assert_eq!(i64x2_all_true(from_i64([1 << 40, -1])), 1);
        assert_eq!(v128_any_true(1 << 127), 1);
        assert_eq!(v128_any_true(0), 0);
    }

    #[test]
    fn swizzle_and_shuffle_give_zero_out_of_range() {
        let a = from_u8(std::array::from_fn(|i| 0xa0 + i as u8));
        let s = from_u8([15, 0, 16, 255, 0x80, 1, 17, 14, 0, 0, 0, 0, 0, 0, 0, 0]);
        let expected = [0xaf, 0xa0, 0, 0, 0, 0xa1, 0, 0xae, 0xa0, 0xa0, 0xa0, 0xa0, 0xa0, 0xa0, 0xa0, 0xa0];
        assert_eq!(as_u8(i8x16_swizzle(a, s)), expected);
        assert_eq!(as_u8(i8x16_relaxed_swizzle(a, s)), expected);
        let b = from_u8(std::array::from_fn(|i| 0xb0 + i as u8));
        let lanes = [0, 16, 31, 15, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 32];
        let expected = [0xa0, 0xb0, 0xbf, 0xaf, 0xa1, 0xb1, 0xa2, 0xb2, 0xa3, 0xb3, 0xa4, 0xb4, 0xa5, 0xb5, 0xa6, 0];
        assert_eq!(as_u8(i8x16_shuffle(a, b, lanes)), expected);
    }

    #[test]
    fn comparisons_fill_lanes() {
        let a = from_i8([-1, 0, 1, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8([1, 0, -1, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(as_u8(i8x16_lt_s(a, b))[..4], [0xff, 0, 0, 0xff]);
        assert_eq!(as_u8(i8x16_lt_u(a, b))[..4], [0, 0, 0xff, 0]);
        assert_eq!(as_u8(i8x16_ge_u(a, b))[..4], [0xff, 0xff, 0, 0xff]);
        assert_eq!(as_u64(i64x2_gt_s(from_i64([-1, 5]), from_i64([0, 4]))), [0, u64::MAX]);
        let nan = f32::from_bits(NAN32);
        let x = f32s([nan, 1.0, -0.0, 2.0]);
        let y = f32s([nan, nan, 0.0, 1.0]);
        assert_eq!(f32_lanes(f32x4_eq(x, y)), [0, 0, !0, 0]);
        assert_eq!(f32_lanes(f32x4_ne(x, y)), [!0, !0, 0, !0]);
        assert_eq!(f32_lanes(f32x4_ge(x, y)), [0, 0, !0, !0]);
        assert_eq!(as_u64(f64x2_lt(f64s([f64::NAN, -1.0]), f64s([0.0, 0.0]))), [0, u64::MAX]);
    }

    #[test]
    fn float_min_max_order_zeros_and_canonicalise_nans() {
        let payload = f32::from_bits(0x7f80_0001); // a signalling NaN
        let x = f32s([payload, 1.0, 0.0, -0.0]);
        let y = f32s([1.0, f32::NAN, -0.0, 0.0]);
        assert_eq!(f32_lanes(f32x4_min(x, y)), [NAN32, NAN32, 0x8000_0000, 0x8000_0000]);
        assert_eq!(f32_lanes(f32x4_max(x, y)), [NAN32, NAN32, 0, 0]);
        assert_eq!(f32_lanes(f32x4_relaxed_min(x, y)), f32_lanes(f32x4_min(x, y)));
        assert_eq!(f32_lanes(f32x4_relaxed_max(x, y)), f32_lanes(f32x4_max(x, y)));
        let x = f64s([f64::from_bits(0xfff0_0000_0000_0001), -0.0]);
        let y = f64s([2.0, 0.0]);
        assert_eq!(as_u64(f64x2_min(x, y)), [NAN64, 0x8000_0000_0000_0000]);
        assert_eq!(as_u64(f64x2_max(y, x)), [NAN64, 0]);
    }

    #[test]
    fn pseudo_min_max_are_plain_comparisons() {
        let payload = 0x7f80_0001;
        let x = f32s([f32::from_bits(payload), 1.0, 0.0, -0.0]);
        let y = f32s([1.0, f32::from_bits(payload), -0.0, 0.0]);
        // pmin = b < a ? b : a and pmax = a < b ? b : a: NaNs and zeros of
        // either sign come back untouched from the first operand.
        assert_eq!(f32_lanes(f32x4_pmin(x, y)), [payload, 0x3f80_0000, 0, 0x8000_0000]);
        assert_eq!(f32_lanes(f32x4_pmax(x, y)), [payload, 0x3f80_0000, 0, 0x8000_0000]);
        assert_eq!(
            f32_lanes(f32x4_pmin(f32s([2.0, -3.0, 0.0, 0.0]), f32s([1.0, 4.0, 0.0, 0.0])))[..2],
            [1.0f32.to_bits(), (-3.0f32).to_bits()]
        );
        assert_eq!(as_f64(f64x2_pmax(f64s([2.0, -3.0]), f64s([1.0, 4.0]))), [2.0, 4.0]);
        assert!(as_f64(f64x2_pmin(f64s([f64::NAN, 1.0]), f64s([0.0, f64::NAN])))[0].is_nan());
        assert_eq!(as_f64(f64x2_pmin(f64s([f64::NAN, 1.0]), f64s([0.0, f64::NAN])))[1], 1.0);
    }

    #[test]
    fn rounding_ties_to_even_and_quiets_nans() {
        let x = f32s([2.5, 3.5, -0.5, f32::from_bits(0x7f80_0001)]);
        let nearest = f32_lanes(f32x4_nearest(x));
        assert_eq!(nearest[..3], [2.0f32.to_bits(), 4.0f32.to_bits(), (-0.0f32).to_bits()]);
        assert_eq!(nearest[3], 0x7fc0_0001);
        assert_eq!(as_f32(f32x4_ceil(x))[..3], [3.0, 4.0, -0.0]);
        assert!(as_f32(f32x4_ceil(x))[2].is_sign_negative());
        assert_eq!(as_f32(f32x4_floor(x))[..3], [2.0, 3.0, -1.0]);
        assert_eq!(as_f32(f32x4_trunc(x))[..3], [2.0, 3.0, -0.0]);
        assert_eq!(as_f64(f64x2_nearest(f64s([-1.5, 0.49999999999999994]))), [-2.0, 0.0]);
        assert_eq!(as_f64(f64x2_sqrt(f64s([4.0, 2.0]))), [2.0, std::f64::consts::SQRT_2]);
    }

    #[test]
    fn sign_operations_keep_nan_payloads() {
        let x = f32s([f32::from_bits(0xffc0_1234), -1.0, 0.0, -0.0]);
        assert_eq!(f32_lanes(f32x4_abs(x)), [0x7fc0_1234, 0x3f80_0000, 0, 0]);
        assert_eq!(f32_lanes(f32x4_neg(x)), [0x7fc0_1234, 0x3f80_0000, 0x8000_0000, 0]);
        let x = f64s([f64::from_bits(0x7ff0_0000_0000_0005), 0.0]);
        assert_eq!(as_u64(f64x2_neg(x)), [0xfff0_0000_0000_0005, 0x8000_0000_0000_0000]);
        assert_eq!(as_u64(f64x2_abs(f64x2_neg(x))), as_u64(x));
    }

    #[test]
    fn truncation_saturates_and_maps_nan_to_zero() {
        let x = f32s([f32::NAN, 3e9, -3e9, -1.9]);
        assert_eq!(as_i32(i32x4_trunc_sat_f32x4_s(x)), [0, i32::MAX, i32::MIN, -1]);
        assert_eq!(as_u32(i32x4_trunc_sat_f32x4_u(x)), [0, 3_000_000_000, 0, 0]);
        assert_eq!(
            as_u32(i32x4_trunc_sat_f32x4_u(f32s([4.3e9, 4294967040.0, 0.9, -0.0]))),
            [u32::MAX, 4294967040, 0, 0]
        );
        assert_eq!(as_i32(i32x4_relaxed_trunc_f32x4_s(x)), as_i32(i32x4_trunc_sat_f32x4_s(x)));
        assert_eq!(as_u32(i32x4_relaxed_trunc_f32x4_u(x)), as_u32(i32x4_trunc_sat_f32x4_u(x)));
        let x = f64s([2147483647.9, -2147483648.9]);
        assert_eq!(as_i32(i32x4_trunc_sat_f64x2_s_zero(x)), [i32::MAX, i32::MIN, 0, 0]);
        assert_eq!(as_u32(i32x4_trunc_sat_f64x2_u_zero(f64s([f64::NAN, 4294967295.5]))), [0, u32::MAX, 0, 0]);
        assert_eq!(as_u32(i32x4_relaxed_trunc_f64x2_u_zero(f64s([-1.0, 1e300]))), [0, u32::MAX, 0, 0]);
        assert_eq!(as_i32(i32x4_relaxed_trunc_f64x2_s_zero(f64s([f64::NAN, -1e300]))), [0, i32::MIN, 0, 0]);
    }

    #[test]
    fn conversions_between_widths() {
        let ints = from_i32([-1, 16777217, i32::MIN, 3]);
        assert_eq!(as_f32(f32x4_convert_i32x4_s(ints)), [-1.0, 16777216.0, -2147483648.0, 3.0]);
        assert_eq!(as_f32(f32x4_convert_i32x4_u(ints)), [4294967296.0, 16777216.0, 2147483648.0, 3.0]);
        assert_eq!(as_f64(f64x2_convert_low_i32x4_s(ints)), [-1.0, 16777217.0]);
        assert_eq!(as_f64(f64x2_convert_low_i32x4_u(ints)), [4294967295.0, 16777217.0]);
        let wide = f64s([1e300, 0.1]);
        assert_eq!(as_f32(f32x4_demote_f64x2_zero(wide)), [f32::INFINITY, 0.1, 0.0, 0.0]);
        assert!(as_f32(f32x4_demote_f64x2_zero(f64s([f64::NAN, 1.0])))[0].is_nan());
        let narrow = f32s([0.1, -0.0, 5.0, 6.0]);
        assert_eq!(as_f64(f64x2_promote_low_f32x4(narrow)), [0.1f32 as f64, -0.0]);
        assert!(as_f64(f64x2_promote_low_f32x4(narrow))[1].is_sign_negative());
    }

    #[test]
    fn relaxed_madd_rounds_twice() {
        // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46: the product rounds to 1 + 2^-22,
        // so the sum is 0 unfused, 2^-46 fused.
        let x = 1.0 + f32::EPSILON;
        let a = f32s([x, 2.0, 1.0, -1.0]);
        let c = f32s([-(1.0 + 2.0 * f32::EPSILON), 1.0, 0.5, 0.0]);
        assert_eq!(as_f32(f32x4_relaxed_madd(a, a, c)), [0.0, 5.0, 1.5, 1.0]);
        assert_eq!(as_f32(f32x4_relaxed_nmadd(a, a, c))[1..], [-3.0, -0.5, -1.0]);
        let x = 1.0 + f64::EPSILON;
        let a = f64s([x, 3.0]);
        let c = f64s([-(1.0 + 2.0 * f64::EPSILON), 1.0]);
        assert_eq!(as_f64(f64x2_relaxed_madd(a, a, c)), [0.0, 10.0]);
        let c = f64s([1.0 + 2.0 * f64::EPSILON, 1.0]);
        assert_eq!(as_f64(f64x2_relaxed_nmadd(a, a, c)), [0.0, -8.0]);
    }

    #[test]
    fn relaxed_dot_products_are_signed() {
        let a = from_i8(std::array::from_fn(|i| i as i8));
        assert_eq!(as_i16(i16x8_relaxed_dot_i8x16_i7x16_s(a, a)), [1, 13, 41, 85, 145, 221, 313, 421]);
        assert_eq!(as_i32(i32x4_relaxed_dot_i8x16_i7x16_add_s(a, a, from_i32([0, 1, 2, 3]))), [14, 127, 368, 737]);
        let a = from_i8([-128, -128, 127, 127, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8([-127, -127, 127, 127, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(as_i16(i16x8_relaxed_dot_i8x16_i7x16_s(a, b))[..3], [32512, 32258, i16::MAX]);
        let a = from_i8([-128, -128, -128, -128, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8([127, 127, 127, 127, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(as_i32(i32x4_relaxed_dot_i8x16_i7x16_add_s(a, b, from_i32([1, 2, 3, 4]))), [-65023, 64518, 3, 4]);
    }

    #[test]
    fn bitselect_and_laneselect() {
        let a = from_u64([u64::MAX, 0x1234]);
        let b = from_u64([0, 0xffff]);
        let mask = from_u64([0xf0f0, 0xff00]);
        assert_eq!(as_u64(v128_bitselect(a, b, mask)), [0xf0f0, 0x12ff]);
        assert_eq!(i8x16_relaxed_laneselect(a, b, mask), v128_bitselect(a, b, mask));
        assert_eq!(i64x2_relaxed_laneselect(a, b, mask), v128_bitselect(a, b, mask));
        assert_eq!(v128_andnot(0b1100, 0b1010), 0b0100);
    }

    #[test]
    fn scalars_cross_as_cells() {
        let v = from_i8([-1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, -2]);
        assert_eq!(i8x16_extract_lane_s(v, 0), 0xffff_ffff);
        assert_eq!(i8x16_extract_lane_u(v, 0), 0xff);
        assert_eq!(i8x16_extract_lane_s(v, 15), 0xffff_fffe);
        assert_eq!(i16x8_extract_lane_s(from_i16([0, -2, 0, 0, 0, 0, 0, 0]), 1), 0xffff_fffe);
        assert_eq!(f32x4_extract_lane(f32s([0.0, 0.0, -1.5, 0.0]), 2), (-1.5f32).to_bits() as u64);
        assert_eq!(f64x2_extract_lane(f64s([0.0, -1.5]), 1), (-1.5f64).to_bits());
        assert_eq!(i8x16_splat(0x1_0000_0102), V128::from_le_bytes([2; 16]));
        assert_eq!(as_u16(i16x8_splat(0xffff_8001)), [0x8001; 8]);
        assert_eq!(as_f32(f32x4_splat((-2.0f32).to_bits() as u64)), [-2.0; 4]);
        assert_eq!(as_f64(f64x2_splat(0.5f64.to_bits())), [0.5; 2]);
        let v = i16x8_replace_lane(0, 7, 0xdead_beef);
        assert_eq!(as_u16(v), [0, 0, 0, 0, 0, 0, 0, 0xbeef]);
        let v = i8x16_replace_lane(v, 0, 0x1ff);
        assert_eq!(as_u8(v)[0], 0xff);
        assert_eq!(as_u64(i64x2_replace_lane(v, 1, 7)), [0xff, 7]);
        assert_eq!(as_f64(f64x2_replace_lane(0, 0, 2.0f64.to_bits())), [2.0, 0.0]);
        assert_eq!(as_f32(f32x4_replace_lane(0, 3, 2.0f32.to_bits() as u64)), [0.0, 0.0, 0.0, 2.0]);
        for (width, lanes) in [(1u8, 16u8), (2, 8), (4, 4), (8, 2)] {
            let v = V128::from_le_bytes(std::array::from_fn(|i| 0x11 * i as u8));
            for lane in 0..lanes {
                let replaced = replace_bytes(v, lane, width, u64::MAX);
                assert_eq!(extract_bytes(replaced, lane, width), u64::MAX >> (64 - 8 * width as u32));
                assert_eq!(replace_bytes(replaced, lane, width, extract_bytes(v, lane, width)), v);
                let untouched = !(((u64::MAX >> (64 - 8 * width as u32)) as V128) << (lane as u32 * 8 * width as u32));
                assert_eq!(replaced & untouched, v & untouched);
            }
        }
    }

    #[test]
    fn loads_reshape_their_bytes() {
        let bytes = u64::from_le_bytes([0x7f, 0x80, 0xff, 0x01, 0x00, 0x80, 0xff, 0x7f]);
        assert_eq!(as_i16(v128_load8x8_s(bytes)), [127, -128, -1, 1, 0, -128, -1, 127]);
        assert_eq!(as_u16(v128_load8x8_u(bytes)), [127, 128, 255, 1, 0, 128, 255, 127]);
        assert_eq!(as_i32(v128_load16x4_s(bytes)), [-32641, 0x01ff, -32768, 0x7fff]);
        assert_eq!(as_u32(v128_load16x4_u(bytes)), [0x807f, 0x01ff, 0x8000, 0x7fff]);
        assert_eq!(as_i64(v128_load32x2_s(bytes)), [0x01ff_807f, 0x7fff_8000]);
        assert_eq!(as_i64(v128_load32x2_s(0x8000_0000)), [i32::MIN as i64, 0]);
        assert_eq!(as_u64(v128_load32x2_u(u64::MAX)), [u32::MAX as u64; 2]);
        assert_eq!(as_u8(v128_load8_splat(0xab)), [0xab; 16]);
        assert_eq!(as_u16(v128_load16_splat(0xabcd)), [0xabcd; 8]);
        assert_eq!(as_u32(v128_load32_splat(0x8000_0001)), [0x8000_0001; 4]);
        assert_eq!(as_u64(v128_load64_splat(bytes)), [bytes; 2]);
        assert_eq!(as_u32(v128_load32_zero(0x8000_0001)), [0x8000_0001, 0, 0, 0]);
        assert_eq!(as_u64(v128_load64_zero(bytes)), [bytes, 0]);
    }

    /// Edge patterns for every lane shape, and pseudo-random vectors.
    fn sample_vectors() -> Vec<V128> {
        let mut samples = vec![0, V128::MAX];
        for byte in [0x01, 0x7f, 0x80, 0xfe, 0xff] {
            samples.push(i8x16_splat(byte));
        }
        for half in [0x8000, 0x7fff, 0x0080, 0xff7f] {
            samples.push(i16x8_splat(half));
        }
        for word in [0x8000_0000, 0x7fff_ffff] {
            samples.push(i32x4_splat(word));
        }
        samples.push(from_u32([NAN32, 0xffc0_1234, 0x7f80_0001, f32::INFINITY.to_bits()]));
        samples.push(f32s([f32::NEG_INFINITY, 0.0, -0.0, 1.0]));
        samples.push(f32s([-1.5, 3e9, f32::MIN_POSITIVE / 2.0, f32::MAX]));
        samples.push(f32s([2147483648.0, 2147483520.0, -2147483648.0, -2147483904.0]));
        samples.push(f32s([2.5, -0.5, 3.5, 0.49999997]));
        samples.push(f32s([-2.5, 8388609.0, -1.0e-40, 0.5]));
        samples.push(f64s([2.5, -0.5]));
        samples.push(f64s([2.7, -3.5]));
        samples.push(f64s([0.49999999999999994, -4503599627370497.0]));
        samples.push(from_u32([0xffff_ffff, 0x8000_0001, 0x0100_0001, 0xffff_ff7f]));
        samples.push(from_u64([NAN64, (-0.0f64).to_bits()]));
        samples.push(f64s([f64::INFINITY, 1e300]));
        samples.push(f64s([0.0, -1.0]));
        samples.push(from_u64([0x7ff0_0000_0000_0001, 1]));
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..24 {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            samples.push(from_u64([next(), next()]));
        }
        samples
    }

    /// Whether `x` and `y` agree lane by lane, where two NaN lanes agree
    /// whatever their payloads.
    fn same_up_to_nan_payloads(x: V128, y: V128, lane_bits: u32) -> bool {
        if lane_bits == 32 {
            as_f32(x).iter().zip(as_f32(y)).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()))
        } else {
            as_f64(x).iter().zip(as_f64(y)).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()))
        }
    }

    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn sse2_versions_match_the_portable_ones() {
        let samples = sample_vectors();
        macro_rules! binary {
            ($($name:ident),* $(,)?) => {$(
                for &a in &samples {
                    for &b in &samples {
                        assert_eq!(sse2::$name(a, b), portable::$name(a, b), "{}({a:#x}, {b:#x})", stringify!($name));
                    }
                }
            )*};
        }
        binary!(
            i8x16_add,
            i8x16_sub,
            i8x16_add_sat_s,
            i8x16_add_sat_u,
            i8x16_sub_sat_s,
            i8x16_sub_sat_u,
            i8x16_min_u,
            i8x16_max_u,
            i8x16_avgr_u,
            i16x8_add,
            i16x8_sub,
            i16x8_add_sat_s,
            i16x8_add_sat_u,
            i16x8_sub_sat_s,
            i16x8_sub_sat_u,
            i16x8_mul,
            i16x8_min_s,
            i16x8_max_s,
            i16x8_avgr_u,
            i32x4_add,
            i32x4_sub,
            i64x2_add,
            i64x2_sub,
            i8x16_eq,
            i8x16_gt_s,
            i8x16_lt_s,
            i16x8_eq,
            i16x8_gt_s,
            i16x8_lt_s,
            i32x4_eq,
            i32x4_gt_s,
            i32x4_lt_s,
            i8x16_narrow_i16x8_s,
            i8x16_narrow_i16x8_u,
            i16x8_narrow_i32x4_s,
            f32x4_pmin,
            f32x4_pmax,
            f64x2_pmin,
            f64x2_pmax,
            f32x4_eq,
            f32x4_ne,
            f32x4_lt,
            f32x4_le,
            f32x4_gt,
            f32x4_ge,
            f64x2_eq,
            f64x2_ne,
            f64x2_lt,
            f64x2_le,
            f64x2_gt,
            f64x2_ge,
            i8x16_ne,
            i8x16_lt_u,
            i8x16_gt_u,
            i8x16_le_s,
            i8x16_le_u,
            i8x16_ge_s,
            i8x16_ge_u,
            i16x8_ne,
            i16x8_lt_u,
            i16x8_gt_u,
            i16x8_le_s,
            i16x8_le_u,
            i16x8_ge_s,
            i16x8_ge_u,
            i32x4_ne,
            i32x4_lt_u,
            i32x4_gt_u,
            i32x4_le_s,
            i32x4_le_u,
            i32x4_ge_s,
            i32x4_ge_u,
            i8x16_min_s,
            i8x16_max_s,
            i16x8_min_u,
            i16x8_max_u,
            i32x4_min_s,
            i32x4_min_u,
            i32x4_max_s,
            i32x4_max_u,
            i16x8_q15mulr_sat_s,
            i32x4_dot_i16x8_s,
            f32x4_min,
            f32x4_max,
            f64x2_min,
            f64x2_max,
            i16x8_extmul_low_i8x16_s,
            i16x8_extmul_high_i8x16_s,
            i16x8_extmul_low_i8x16_u,
            i16x8_extmul_high_i8x16_u,
            i32x4_extmul_low_i16x8_s,
            i32x4_extmul_high_i16x8_s,
            i32x4_extmul_low_i16x8_u,
            i32x4_extmul_high_i16x8_u,
            i64x2_extmul_low_i32x4_u,
            i64x2_extmul_high_i32x4_u,
            i32x4_mul,
        );
        for &a in &samples {
            for &b in &samples {
                assert_eq!(sse2::i8x16_swizzle(a, b), portable::i8x16_swizzle(a, b), "i8x16_swizzle({a:#x}, {b:#x})");
                let lanes = as_u8(b).map(|lane| lane % 40);
                assert_eq!(
                    sse2::i8x16_shuffle(a, !a, lanes),
                    portable::i8x16_shuffle(a, !a, lanes),
                    "i8x16_shuffle({a:#x}, {lanes:?})"
                );
            }
        }
        macro_rules! float_binary {
            ($($name:ident: $bits:literal),* $(,)?) => {$(
                for &a in &samples {
                    for &b in &samples {
                        let (fast, portable) = (sse2::$name(a, b), portable::$name(a, b));
                        assert!(same_up_to_nan_payloads(fast, portable, $bits), "{}({a:#x}, {b:#x}): {fast:#x} vs {portable:#x}", stringify!($name));
                    }
                }
            )*};
        }
        float_binary!(
            f32x4_add: 32, f32x4_sub: 32, f32x4_mul: 32, f32x4_div: 32,
            f64x2_add: 64, f64x2_sub: 64, f64x2_mul: 64, f64x2_div: 64,
        );
        macro_rules! float_ternary {
            ($($name:ident: $bits:literal),* $(,)?) => {$(
                for &a in &samples {
                    for &b in &samples {
                        for c in [a, b, !a, 0, 0x3f80_0000_3f80_0000_3f80_0000_3f80_0000] {
                            let (fast, portable) = (sse2::$name(a, b, c), portable::$name(a, b, c));
                            assert!(same_up_to_nan_payloads(fast, portable, $bits), "{}({a:#x}, {b:#x}, {c:#x}): {fast:#x} vs {portable:#x}", stringify!($name));
                        }
                    }
                }
            )*};
        }
        float_ternary!(
            f32x4_relaxed_madd: 32, f32x4_relaxed_nmadd: 32, f64x2_relaxed_madd: 64, f64x2_relaxed_nmadd: 64,
        );
        for &a in &samples {
            assert!(same_up_to_nan_payloads(sse2::f32x4_sqrt(a), portable::f32x4_sqrt(a), 32), "f32x4_sqrt({a:#x})");
            assert!(same_up_to_nan_payloads(sse2::f64x2_sqrt(a), portable::f64x2_sqrt(a), 64), "f64x2_sqrt({a:#x})");
        }
        macro_rules! unary {
            ($($name:ident),* $(,)?) => {$(
                for &a in &samples {
                    assert_eq!(sse2::$name(a), portable::$name(a), "{}({a:#x})", stringify!($name));
                }
            )*};
        }
        unary!(
            i8x16_abs,
            i16x8_abs,
            i32x4_abs,
            i8x16_neg,
            i16x8_neg,
            i32x4_neg,
            i64x2_neg,
            i8x16_popcnt,
            i16x8_extadd_pairwise_i8x16_s,
            i16x8_extadd_pairwise_i8x16_u,
            i32x4_extadd_pairwise_i16x8_s,
            i32x4_extadd_pairwise_i16x8_u,
            i16x8_extend_low_i8x16_s,
            i16x8_extend_high_i8x16_s,
            i16x8_extend_low_i8x16_u,
            i16x8_extend_high_i8x16_u,
            i32x4_extend_low_i16x8_s,
            i32x4_extend_high_i16x8_s,
            i32x4_extend_low_i16x8_u,
            i32x4_extend_high_i16x8_u,
            i64x2_extend_low_i32x4_s,
            i64x2_extend_high_i32x4_s,
            i64x2_extend_low_i32x4_u,
            i64x2_extend_high_i32x4_u,
            i32x4_trunc_sat_f32x4_s,
            f32x4_convert_i32x4_u,
            f32x4_convert_i32x4_s,
            f32x4_ceil,
            f32x4_floor,
            f32x4_trunc,
            f32x4_nearest,
            f64x2_ceil,
            f64x2_floor,
            f64x2_trunc,
            f64x2_nearest,
        );
        macro_rules! shift {
            ($($name:ident),* $(,)?) => {$(
                for &a in &samples {
                    for count in [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, u32::MAX] {
                        assert_eq!(sse2::$name(a, count), portable::$name(a, count), "{}({a:#x}, {count})", stringify!($name));
                    }
                }
            )*};
        }
        shift!(
            i8x16_shl,
            i8x16_shr_s,
            i8x16_shr_u,
            i16x8_shl,
            i16x8_shr_s,
            i16x8_shr_u,
            i32x4_shl,
            i32x4_shr_s,
            i32x4_shr_u,
            i64x2_shl,
            i64x2_shr_u
        );
        macro_rules! lane_test {
            ($($name:ident),* $(,)?) => {$(
                for &a in &samples {
                    assert_eq!(sse2::$name(a), portable::$name(a), "{}({a:#x})", stringify!($name));
                    // Single zero lanes exercise all_true.
                    for lane in 0..16 {
                        let b = replace_bytes(a, lane, 1, 0);
                        assert_eq!(sse2::$name(b), portable::$name(b), "{}({b:#x})", stringify!($name));
                    }
                }
            )*};
        }
        lane_test!(
            i8x16_bitmask,
            i16x8_bitmask,
            i32x4_bitmask,
            i64x2_bitmask,
            i8x16_all_true,
            i16x8_all_true,
            i32x4_all_true,
            i64x2_all_true,
        );
    }
}
