//! SIMD and relaxed SIMD in compiled code, with the interpreter's
//! semantics bit for bit (`interp::simd`): canonical NaNs from `min`/`max`,
//! `pmin`/`pmax` as compares and selects, and every relaxed operator as
//! the deterministic profile prescribes (the module comment of
//! `interp::simd` lists the choices).
//!
//! A `v128` travels on the operand stack, in locals and in block
//! parameters as `i8x16`; an operator reinterprets it as the lanes it
//! works on (a bitcast, free in machine code) and its result goes back to
//! `i8x16`.

use super::translate::{FuncTranslator, heap};
use anyhow::Result;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{Endianness, InstBuilder, MemFlagsData, Type, Value, types};
use wasmparser::{MemArg, Operator};

const I8X16: Type = types::I8X16;
const I16X8: Type = types::I16X8;
const I32X4: Type = types::I32X4;
const I64X2: Type = types::I64X2;
const F32X4: Type = types::F32X4;
const F64X2: Type = types::F64X2;

fn lanes() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl FuncTranslator<'_, '_> {
    /// Reinterprets `v` as `ty` (a vector type).
    fn as_lanes(&mut self, ty: Type, v: Value) -> Value {
        if self.builder.func.dfg.value_type(v) == ty { v } else { self.builder.ins().bitcast(ty, lanes(), v) }
    }

    /// Pops a `v128` as lanes of `ty`.
    fn pop_lanes(&mut self, ty: Type) -> Value {
        let v = self.pop_value();
        self.as_lanes(ty, v)
    }

    /// Pushes a vector as a `v128` (`i8x16`).
    fn push_v128(&mut self, v: Value) {
        let v = self.as_lanes(I8X16, v);
        self.push_value(v);
    }

    fn vconst(&mut self, bytes: [u8; 16]) -> Value {
        let c = self.builder.func.dfg.constants.insert(bytes.to_vec().into());
        self.builder.ins().vconst(I8X16, c)
    }

    fn zero_i64x2(&mut self) -> Value {
        let c = self.builder.func.dfg.constants.insert(vec![0u8; 16].into());
        self.builder.ins().vconst(I64X2, c)
    }

    /// Replaces NaN lanes of the float vector `v` by the canonical NaN.
    fn canonical_nan_lanes(&mut self, ty: Type, v: Value) -> Value {
        let nan: [u8; 16] = if ty == F32X4 {
            let b = 0x7fc0_0000u32.to_le_bytes();
            std::array::from_fn(|i| b[i % 4])
        } else {
            let b = 0x7ff8_0000_0000_0000u64.to_le_bytes();
            std::array::from_fn(|i| b[i % 8])
        };
        let nan = self.vconst(nan);
        let nan = self.as_lanes(ty, nan);
        let is_nan = self.builder.ins().fcmp(FloatCC::Unordered, v, v);
        let mask = self.as_lanes(ty, is_nan);
        self.builder.ins().bitselect(mask, nan, v)
    }

    /// Translates a SIMD operator; false if `op` is not one.
    pub(super) fn simd(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        macro_rules! bin {
            ($ty:expr, $method:ident) => {{
                let b = self.pop_lanes($ty);
                let a = self.pop_lanes($ty);
                let v = self.builder.ins().$method(a, b);
                self.push_v128(v);
            }};
        }
        macro_rules! un {
            ($ty:expr, $method:ident) => {{
                let a = self.pop_lanes($ty);
                let v = self.builder.ins().$method(a);
                self.push_v128(v);
            }};
        }
        macro_rules! icmp {
            ($ty:expr, $cc:expr) => {{
                let b = self.pop_lanes($ty);
                let a = self.pop_lanes($ty);
                let v = self.builder.ins().icmp($cc, a, b);
                self.push_v128(v);
            }};
        }
        macro_rules! fcmp {
            ($ty:expr, $cc:expr) => {{
                let b = self.pop_lanes($ty);
                let a = self.pop_lanes($ty);
                let v = self.builder.ins().fcmp($cc, a, b);
                self.push_v128(v);
            }};
        }
        macro_rules! shift {
            ($ty:expr, $method:ident) => {{
                let amount = self.pop_value();
                let a = self.pop_lanes($ty);
                let v = self.builder.ins().$method(a, amount);
                self.push_v128(v);
            }};
        }
        macro_rules! minmax {
            ($ty:expr, $method:ident) => {{
                let b = self.pop_lanes($ty);
                let a = self.pop_lanes($ty);
                let v = self.builder.ins().$method(a, b);
                let v = self.canonical_nan_lanes($ty, v);
                self.push_v128(v);
            }};
        }
        match *op {
            O::V128Const { value } => {
                let v = self.vconst(*value.bytes());
                self.push_value(v);
            }
            O::V128Load { memarg } => {
                let (address, offset) = self.simd_address(&memarg, 16)?;
                let v = self.builder.ins().load(I8X16, heap(), address, offset);
                self.push_value(v);
            }
            O::V128Store { memarg } => {
                let value = self.pop_value();
                let (address, offset) = self.simd_address(&memarg, 16)?;
                self.builder.ins().store(heap(), value, address, offset);
            }
            O::V128Load8x8S { memarg } => self.load_extend(&memarg, |b, a, o| b.ins().sload8x8(heap(), a, o))?,
            O::V128Load8x8U { memarg } => self.load_extend(&memarg, |b, a, o| b.ins().uload8x8(heap(), a, o))?,
            O::V128Load16x4S { memarg } => self.load_extend(&memarg, |b, a, o| b.ins().sload16x4(heap(), a, o))?,
            O::V128Load16x4U { memarg } => self.load_extend(&memarg, |b, a, o| b.ins().uload16x4(heap(), a, o))?,
            O::V128Load32x2S { memarg } => self.load_extend(&memarg, |b, a, o| b.ins().sload32x2(heap(), a, o))?,
            O::V128Load32x2U { memarg } => self.load_extend(&memarg, |b, a, o| b.ins().uload32x2(heap(), a, o))?,
            O::V128Load8Splat { memarg } => self.load_splat(&memarg, types::I8, I8X16)?,
            O::V128Load16Splat { memarg } => self.load_splat(&memarg, types::I16, I16X8)?,
            O::V128Load32Splat { memarg } => self.load_splat(&memarg, types::I32, I32X4)?,
            O::V128Load64Splat { memarg } => self.load_splat(&memarg, types::I64, I64X2)?,
            O::V128Load32Zero { memarg } => self.load_zero(&memarg, types::I32, I32X4)?,
            O::V128Load64Zero { memarg } => self.load_zero(&memarg, types::I64, I64X2)?,
            O::V128Load8Lane { memarg, lane } => self.load_lane(&memarg, lane, types::I8, I8X16)?,
            O::V128Load16Lane { memarg, lane } => self.load_lane(&memarg, lane, types::I16, I16X8)?,
            O::V128Load32Lane { memarg, lane } => self.load_lane(&memarg, lane, types::I32, I32X4)?,
            O::V128Load64Lane { memarg, lane } => self.load_lane(&memarg, lane, types::I64, I64X2)?,
            O::V128Store8Lane { memarg, lane } => self.store_lane(&memarg, lane, I8X16)?,
            O::V128Store16Lane { memarg, lane } => self.store_lane(&memarg, lane, I16X8)?,
            O::V128Store32Lane { memarg, lane } => self.store_lane(&memarg, lane, I32X4)?,
            O::V128Store64Lane { memarg, lane } => self.store_lane(&memarg, lane, I64X2)?,
            O::I8x16Shuffle { lanes } => {
                let b = self.pop_value();
                let a = self.pop_value();
                let mask = self.builder.func.dfg.immediates.push(lanes.to_vec().into());
                let v = self.builder.ins().shuffle(a, b, mask);
                self.push_value(v);
            }
            O::I8x16Swizzle | O::I8x16RelaxedSwizzle => bin!(I8X16, swizzle),
            O::I8x16Splat => self.splat(I8X16, Some(types::I8)),
            O::I16x8Splat => self.splat(I16X8, Some(types::I16)),
            O::I32x4Splat => self.splat(I32X4, None),
            O::I64x2Splat => self.splat(I64X2, None),
            O::F32x4Splat => self.splat(F32X4, None),
            O::F64x2Splat => self.splat(F64X2, None),
            O::I8x16ExtractLaneS { lane } => self.extract(I8X16, lane, Some(true)),
            O::I8x16ExtractLaneU { lane } => self.extract(I8X16, lane, Some(false)),
            O::I16x8ExtractLaneS { lane } => self.extract(I16X8, lane, Some(true)),
            O::I16x8ExtractLaneU { lane } => self.extract(I16X8, lane, Some(false)),
            O::I32x4ExtractLane { lane } => self.extract(I32X4, lane, None),
            O::I64x2ExtractLane { lane } => self.extract(I64X2, lane, None),
            O::F32x4ExtractLane { lane } => self.extract(F32X4, lane, None),
            O::F64x2ExtractLane { lane } => self.extract(F64X2, lane, None),
            O::I8x16ReplaceLane { lane } => self.replace(I8X16, lane, Some(types::I8)),
            O::I16x8ReplaceLane { lane } => self.replace(I16X8, lane, Some(types::I16)),
            O::I32x4ReplaceLane { lane } => self.replace(I32X4, lane, None),
            O::I64x2ReplaceLane { lane } => self.replace(I64X2, lane, None),
            O::F32x4ReplaceLane { lane } => self.replace(F32X4, lane, None),
            O::F64x2ReplaceLane { lane } => self.replace(F64X2, lane, None),

            O::V128Not => un!(I8X16, bnot),
            O::V128And => bin!(I8X16, band),
            O::V128AndNot => bin!(I8X16, band_not),
            O::V128Or => bin!(I8X16, bor),
            O::V128Xor => bin!(I8X16, bxor),
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                let c = self.pop_lanes(I8X16);
                let b = self.pop_lanes(I8X16);
                let a = self.pop_lanes(I8X16);
                let v = self.builder.ins().bitselect(c, a, b);
                self.push_v128(v);
            }
            O::V128AnyTrue => {
                let a = self.pop_lanes(I8X16);
                let t = self.builder.ins().vany_true(a);
                let v = self.builder.ins().uextend(types::I32, t);
                self.push_value(v);
            }
            O::I8x16AllTrue => self.all_true(I8X16),
            O::I16x8AllTrue => self.all_true(I16X8),
            O::I32x4AllTrue => self.all_true(I32X4),
            O::I64x2AllTrue => self.all_true(I64X2),
            O::I8x16Bitmask => self.bitmask(I8X16),
            O::I16x8Bitmask => self.bitmask(I16X8),
            O::I32x4Bitmask => self.bitmask(I32X4),
            O::I64x2Bitmask => self.bitmask(I64X2),

            O::I8x16Eq => icmp!(I8X16, IntCC::Equal),
            O::I8x16Ne => icmp!(I8X16, IntCC::NotEqual),
            O::I8x16LtS => icmp!(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => icmp!(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => icmp!(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => icmp!(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => icmp!(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => icmp!(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => icmp!(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => icmp!(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => icmp!(I16X8, IntCC::Equal),
            O::I16x8Ne => icmp!(I16X8, IntCC::NotEqual),
            O::I16x8LtS => icmp!(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => icmp!(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => icmp!(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => icmp!(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => icmp!(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => icmp!(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => icmp!(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => icmp!(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => icmp!(I32X4, IntCC::Equal),
            O::I32x4Ne => icmp!(I32X4, IntCC::NotEqual),
            O::I32x4LtS => icmp!(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => icmp!(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => icmp!(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => icmp!(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => icmp!(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => icmp!(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => icmp!(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => icmp!(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => icmp!(I64X2, IntCC::Equal),
            O::I64x2Ne => icmp!(I64X2, IntCC::NotEqual),
            O::I64x2LtS => icmp!(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => icmp!(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => icmp!(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => icmp!(I64X2, IntCC::SignedGreaterThanOrEqual),
            O::F32x4Eq => fcmp!(F32X4, FloatCC::Equal),
            O::F32x4Ne => fcmp!(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => fcmp!(F32X4, FloatCC::LessThan),
            O::F32x4Gt => fcmp!(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => fcmp!(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => fcmp!(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => fcmp!(F64X2, FloatCC::Equal),
            O::F64x2Ne => fcmp!(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => fcmp!(F64X2, FloatCC::LessThan),
            O::F64x2Gt => fcmp!(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => fcmp!(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => fcmp!(F64X2, FloatCC::GreaterThanOrEqual),

            O::I8x16Abs => un!(I8X16, iabs),
            O::I8x16Neg => un!(I8X16, ineg),
            O::I8x16Popcnt => un!(I8X16, popcnt),
            O::I16x8Abs => un!(I16X8, iabs),
            O::I16x8Neg => un!(I16X8, ineg),
            O::I32x4Abs => un!(I32X4, iabs),
            O::I32x4Neg => un!(I32X4, ineg),
            O::I64x2Abs => un!(I64X2, iabs),
            O::I64x2Neg => un!(I64X2, ineg),
            O::I8x16Add => bin!(I8X16, iadd),
            O::I8x16AddSatS => bin!(I8X16, sadd_sat),
            O::I8x16AddSatU => bin!(I8X16, uadd_sat),
            O::I8x16Sub => bin!(I8X16, isub),
            O::I8x16SubSatS => bin!(I8X16, ssub_sat),
            O::I8x16SubSatU => bin!(I8X16, usub_sat),
            O::I8x16MinS => bin!(I8X16, smin),
            O::I8x16MinU => bin!(I8X16, umin),
            O::I8x16MaxS => bin!(I8X16, smax),
            O::I8x16MaxU => bin!(I8X16, umax),
            O::I8x16AvgrU => bin!(I8X16, avg_round),
            O::I16x8Add => bin!(I16X8, iadd),
            O::I16x8AddSatS => bin!(I16X8, sadd_sat),
            O::I16x8AddSatU => bin!(I16X8, uadd_sat),
            O::I16x8Sub => bin!(I16X8, isub),
            O::I16x8SubSatS => bin!(I16X8, ssub_sat),
            O::I16x8SubSatU => bin!(I16X8, usub_sat),
            O::I16x8Mul => bin!(I16X8, imul),
            O::I16x8MinS => bin!(I16X8, smin),
            O::I16x8MinU => bin!(I16X8, umin),
            O::I16x8MaxS => bin!(I16X8, smax),
            O::I16x8MaxU => bin!(I16X8, umax),
            O::I16x8AvgrU => bin!(I16X8, avg_round),
            O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => bin!(I16X8, sqmul_round_sat),
            O::I32x4Add => bin!(I32X4, iadd),
            O::I32x4Sub => bin!(I32X4, isub),
            O::I32x4Mul => bin!(I32X4, imul),
            O::I32x4MinS => bin!(I32X4, smin),
            O::I32x4MinU => bin!(I32X4, umin),
            O::I32x4MaxS => bin!(I32X4, smax),
            O::I32x4MaxU => bin!(I32X4, umax),
            O::I64x2Add => bin!(I64X2, iadd),
            O::I64x2Sub => bin!(I64X2, isub),
            O::I64x2Mul => bin!(I64X2, imul),
            O::I8x16Shl => shift!(I8X16, ishl),
            O::I8x16ShrS => shift!(I8X16, sshr),
            O::I8x16ShrU => shift!(I8X16, ushr),
            O::I16x8Shl => shift!(I16X8, ishl),
            O::I16x8ShrS => shift!(I16X8, sshr),
            O::I16x8ShrU => shift!(I16X8, ushr),
            O::I32x4Shl => shift!(I32X4, ishl),
            O::I32x4ShrS => shift!(I32X4, sshr),
            O::I32x4ShrU => shift!(I32X4, ushr),
            O::I64x2Shl => shift!(I64X2, ishl),
            O::I64x2ShrS => shift!(I64X2, sshr),
            O::I64x2ShrU => shift!(I64X2, ushr),

            O::I8x16NarrowI16x8S => bin!(I16X8, snarrow),
            O::I8x16NarrowI16x8U => bin!(I16X8, unarrow),
            O::I16x8NarrowI32x4S => bin!(I32X4, snarrow),
            O::I16x8NarrowI32x4U => bin!(I32X4, unarrow),
            O::I16x8ExtendLowI8x16S => un!(I8X16, swiden_low),
            O::I16x8ExtendHighI8x16S => un!(I8X16, swiden_high),
            O::I16x8ExtendLowI8x16U => un!(I8X16, uwiden_low),
            O::I16x8ExtendHighI8x16U => un!(I8X16, uwiden_high),
            O::I32x4ExtendLowI16x8S => un!(I16X8, swiden_low),
            O::I32x4ExtendHighI16x8S => un!(I16X8, swiden_high),
            O::I32x4ExtendLowI16x8U => un!(I16X8, uwiden_low),
            O::I32x4ExtendHighI16x8U => un!(I16X8, uwiden_high),
            O::I64x2ExtendLowI32x4S => un!(I32X4, swiden_low),
            O::I64x2ExtendHighI32x4S => un!(I32X4, swiden_high),
            O::I64x2ExtendLowI32x4U => un!(I32X4, uwiden_low),
            O::I64x2ExtendHighI32x4U => un!(I32X4, uwiden_high),
            O::I16x8ExtAddPairwiseI8x16S => self.extadd_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.extadd_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.extadd_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(I16X8, false),
            O::I16x8ExtMulLowI8x16S => self.extmul(I8X16, true, false),
            O::I16x8ExtMulHighI8x16S => self.extmul(I8X16, true, true),
            O::I16x8ExtMulLowI8x16U => self.extmul(I8X16, false, false),
            O::I16x8ExtMulHighI8x16U => self.extmul(I8X16, false, true),
            O::I32x4ExtMulLowI16x8S => self.extmul(I16X8, true, false),
            O::I32x4ExtMulHighI16x8S => self.extmul(I16X8, true, true),
            O::I32x4ExtMulLowI16x8U => self.extmul(I16X8, false, false),
            O::I32x4ExtMulHighI16x8U => self.extmul(I16X8, false, true),
            O::I64x2ExtMulLowI32x4S => self.extmul(I32X4, true, false),
            O::I64x2ExtMulHighI32x4S => self.extmul(I32X4, true, true),
            O::I64x2ExtMulLowI32x4U => self.extmul(I32X4, false, false),
            O::I64x2ExtMulHighI32x4U => self.extmul(I32X4, false, true),
            O::I32x4DotI16x8S => {
                // Wrapping: only (-32768)² twice overflows, as in wasm.
                let b = self.pop_lanes(I16X8);
                let a = self.pop_lanes(I16X8);
                let v = self.dot_i16x8(a, b);
                self.push_v128(v);
            }
            O::I16x8RelaxedDotI8x16I7x16S => {
                let b = self.pop_lanes(I8X16);
                let a = self.pop_lanes(I8X16);
                let v = self.relaxed_dot_i8x16(a, b);
                self.push_v128(v);
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.pop_lanes(I32X4);
                let b = self.pop_lanes(I8X16);
                let a = self.pop_lanes(I8X16);
                let dot = self.relaxed_dot_i8x16(a, b);
                let low = self.builder.ins().swiden_low(dot);
                let high = self.builder.ins().swiden_high(dot);
                let pairs = self.builder.ins().iadd_pairwise(low, high);
                let v = self.builder.ins().iadd(pairs, c);
                self.push_v128(v);
            }

            O::F32x4Abs => un!(F32X4, fabs),
            O::F32x4Neg => un!(F32X4, fneg),
            O::F32x4Sqrt => un!(F32X4, sqrt),
            O::F32x4Ceil => un!(F32X4, ceil),
            O::F32x4Floor => un!(F32X4, floor),
            O::F32x4Trunc => un!(F32X4, trunc),
            O::F32x4Nearest => un!(F32X4, nearest),
            O::F64x2Abs => un!(F64X2, fabs),
            O::F64x2Neg => un!(F64X2, fneg),
            O::F64x2Sqrt => un!(F64X2, sqrt),
            O::F64x2Ceil => un!(F64X2, ceil),
            O::F64x2Floor => un!(F64X2, floor),
            O::F64x2Trunc => un!(F64X2, trunc),
            O::F64x2Nearest => un!(F64X2, nearest),
            O::F32x4Add => bin!(F32X4, fadd),
            O::F32x4Sub => bin!(F32X4, fsub),
            O::F32x4Mul => bin!(F32X4, fmul),
            O::F32x4Div => bin!(F32X4, fdiv),
            O::F64x2Add => bin!(F64X2, fadd),
            O::F64x2Sub => bin!(F64X2, fsub),
            O::F64x2Mul => bin!(F64X2, fmul),
            O::F64x2Div => bin!(F64X2, fdiv),
            O::F32x4Min | O::F32x4RelaxedMin => minmax!(F32X4, fmin),
            O::F32x4Max | O::F32x4RelaxedMax => minmax!(F32X4, fmax),
            O::F64x2Min | O::F64x2RelaxedMin => minmax!(F64X2, fmin),
            O::F64x2Max | O::F64x2RelaxedMax => minmax!(F64X2, fmax),
            O::F32x4PMin => self.pseudo_minmax(F32X4, true),
            O::F32x4PMax => self.pseudo_minmax(F32X4, false),
            O::F64x2PMin => self.pseudo_minmax(F64X2, true),
            O::F64x2PMax => self.pseudo_minmax(F64X2, false),
            O::F32x4RelaxedMadd => self.madd(F32X4, false),
            O::F32x4RelaxedNmadd => self.madd(F32X4, true),
            O::F64x2RelaxedMadd => self.madd(F64X2, false),
            O::F64x2RelaxedNmadd => self.madd(F64X2, true),

            O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => {
                let a = self.pop_lanes(F32X4);
                let v = self.builder.ins().fcvt_to_sint_sat(I32X4, a);
                self.push_v128(v);
            }
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => {
                let a = self.pop_lanes(F32X4);
                let v = self.builder.ins().fcvt_to_uint_sat(I32X4, a);
                self.push_v128(v);
            }
            O::I32x4TruncSatF64x2SZero | O::I32x4RelaxedTruncF64x2SZero => {
                let a = self.pop_lanes(F64X2);
                // This exact shape (a zero `i64x2` constant) is what
                // Cranelift lowers to one conversion instruction.
                let wide = self.builder.ins().fcvt_to_sint_sat(I64X2, a);
                let zero = self.zero_i64x2();
                let v = self.builder.ins().snarrow(wide, zero);
                self.push_v128(v);
            }
            O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => {
                let a = self.pop_lanes(F64X2);
                let wide = self.builder.ins().fcvt_to_uint_sat(I64X2, a);
                let zero = self.zero_i64x2();
                let v = self.builder.ins().uunarrow(wide, zero);
                self.push_v128(v);
            }
            O::F32x4ConvertI32x4S => {
                let a = self.pop_lanes(I32X4);
                let v = self.builder.ins().fcvt_from_sint(F32X4, a);
                self.push_v128(v);
            }
            O::F32x4ConvertI32x4U => {
                let a = self.pop_lanes(I32X4);
                let v = self.builder.ins().fcvt_from_uint(F32X4, a);
                self.push_v128(v);
            }
            O::F64x2ConvertLowI32x4S => {
                let a = self.pop_lanes(I32X4);
                let wide = self.builder.ins().swiden_low(a);
                let v = self.builder.ins().fcvt_from_sint(F64X2, wide);
                self.push_v128(v);
            }
            O::F64x2ConvertLowI32x4U => {
                let a = self.pop_lanes(I32X4);
                let wide = self.builder.ins().uwiden_low(a);
                let v = self.builder.ins().fcvt_from_uint(F64X2, wide);
                self.push_v128(v);
            }
            O::F32x4DemoteF64x2Zero => {
                let a = self.pop_lanes(F64X2);
                let v = self.builder.ins().fvdemote(a);
                self.push_v128(v);
            }
            O::F64x2PromoteLowF32x4 => {
                let a = self.pop_lanes(F32X4);
                let v = self.builder.ins().fvpromote_low(a);
                self.push_v128(v);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn simd_address(&mut self, memarg: &MemArg, width: u64) -> Result<(Value, i32)> {
        let addr = self.pop_value();
        self.address(memarg, addr, width)
    }

    fn load_extend(
        &mut self,
        memarg: &MemArg,
        load: impl FnOnce(&mut cranelift_frontend::FunctionBuilder<'_>, Value, i32) -> Value,
    ) -> Result<()> {
        let (address, offset) = self.simd_address(memarg, 8)?;
        let v = load(&mut self.builder, address, offset);
        self.push_v128(v);
        Ok(())
    }

    fn load_splat(&mut self, memarg: &MemArg, scalar: Type, vector: Type) -> Result<()> {
        let (address, offset) = self.simd_address(memarg, u64::from(scalar.bytes()))?;
        let x = self.builder.ins().load(scalar, heap(), address, offset);
        let v = self.builder.ins().splat(vector, x);
        self.push_v128(v);
        Ok(())
    }

    fn load_zero(&mut self, memarg: &MemArg, scalar: Type, vector: Type) -> Result<()> {
        let (address, offset) = self.simd_address(memarg, u64::from(scalar.bytes()))?;
        let x = self.builder.ins().load(scalar, heap(), address, offset);
        let v = self.builder.ins().scalar_to_vector(vector, x);
        self.push_v128(v);
        Ok(())
    }

    fn load_lane(&mut self, memarg: &MemArg, lane: u8, scalar: Type, vector: Type) -> Result<()> {
        let v = self.pop_lanes(vector);
        let (address, offset) = self.simd_address(memarg, u64::from(scalar.bytes()))?;
        let x = self.builder.ins().load(scalar, heap(), address, offset);
        let v = self.builder.ins().insertlane(v, x, lane);
        self.push_v128(v);
        Ok(())
    }

    fn store_lane(&mut self, memarg: &MemArg, lane: u8, vector: Type) -> Result<()> {
        let v = self.pop_lanes(vector);
        let (address, offset) = self.simd_address(memarg, u64::from(vector.lane_type().bytes()))?;
        let x = self.builder.ins().extractlane(v, lane);
        self.builder.ins().store(heap(), x, address, offset);
        Ok(())
    }

    /// `splat` of the scalar on top (an `i32` narrowed to `narrow` first).
    fn splat(&mut self, vector: Type, narrow: Option<Type>) {
        let mut x = self.pop_value();
        if let Some(narrow) = narrow {
            x = self.builder.ins().ireduce(narrow, x);
        }
        let v = self.builder.ins().splat(vector, x);
        self.push_v128(v);
    }

    /// `extract_lane`, sign- or zero-extended to an `i32` for narrow lanes.
    fn extract(&mut self, vector: Type, lane: u8, signed: Option<bool>) {
        let v = self.pop_lanes(vector);
        let x = self.builder.ins().extractlane(v, lane);
        let x = match signed {
            Some(true) => self.builder.ins().sextend(types::I32, x),
            Some(false) => self.builder.ins().uextend(types::I32, x),
            None => x,
        };
        self.push_value(x);
    }

    fn replace(&mut self, vector: Type, lane: u8, narrow: Option<Type>) {
        let mut x = self.pop_value();
        if let Some(narrow) = narrow {
            x = self.builder.ins().ireduce(narrow, x);
        }
        let v = self.pop_lanes(vector);
        let v = self.builder.ins().insertlane(v, x, lane);
        self.push_v128(v);
    }

    fn all_true(&mut self, vector: Type) {
        let a = self.pop_lanes(vector);
        let t = self.builder.ins().vall_true(a);
        let v = self.builder.ins().uextend(types::I32, t);
        self.push_value(v);
    }

    fn bitmask(&mut self, vector: Type) {
        let a = self.pop_lanes(vector);
        let v = self.builder.ins().vhigh_bits(types::I32, a);
        self.push_value(v);
    }

    /// Sums of adjacent lanes of `vector`, widened.
    fn extadd_pairwise(&mut self, vector: Type, signed: bool) {
        let a = self.pop_lanes(vector);
        let (low, high) = if signed {
            (self.builder.ins().swiden_low(a), self.builder.ins().swiden_high(a))
        } else {
            (self.builder.ins().uwiden_low(a), self.builder.ins().uwiden_high(a))
        };
        let v = self.builder.ins().iadd_pairwise(low, high);
        self.push_v128(v);
    }

    /// Products of the low or high lanes of `vector`, widened.
    fn extmul(&mut self, vector: Type, signed: bool, high: bool) {
        let b = self.pop_lanes(vector);
        let a = self.pop_lanes(vector);
        let ins = |t: &mut Self, x: Value| match (signed, high) {
            (true, false) => t.builder.ins().swiden_low(x),
            (true, true) => t.builder.ins().swiden_high(x),
            (false, false) => t.builder.ins().uwiden_low(x),
            (false, true) => t.builder.ins().uwiden_high(x),
        };
        let (a, b) = (ins(self, a), ins(self, b));
        let v = self.builder.ins().imul(a, b);
        self.push_v128(v);
    }

    /// `i32x4.dot_i16x8_s`: pairwise sums of the 32-bit products (wrapping).
    fn dot_i16x8(&mut self, a: Value, b: Value) -> Value {
        let (al, ah) = (self.builder.ins().swiden_low(a), self.builder.ins().swiden_high(a));
        let (bl, bh) = (self.builder.ins().swiden_low(b), self.builder.ins().swiden_high(b));
        let low = self.builder.ins().imul(al, bl);
        let high = self.builder.ins().imul(ah, bh);
        self.builder.ins().iadd_pairwise(low, high)
    }

    /// The deterministic `i16x8.relaxed_dot_i8x16_i7x16_s`: products of
    /// signed bytes, adjacent pairs added with signed saturation.
    fn relaxed_dot_i8x16(&mut self, a: Value, b: Value) -> Value {
        let (al, ah) = (self.builder.ins().swiden_low(a), self.builder.ins().swiden_high(a));
        let (bl, bh) = (self.builder.ins().swiden_low(b), self.builder.ins().swiden_high(b));
        let low = self.builder.ins().imul(al, bl);
        let high = self.builder.ins().imul(ah, bh);
        // Even and odd products of the 16 in `low ++ high`, as i16x8.
        let (low8, high8) = (self.as_lanes(I8X16, low), self.as_lanes(I8X16, high));
        let even: [u8; 16] = std::array::from_fn(|i| (4 * (i / 2) + i % 2) as u8);
        let odd: [u8; 16] = std::array::from_fn(|i| (4 * (i / 2) + 2 + i % 2) as u8);
        let even = self.builder.func.dfg.immediates.push(even.to_vec().into());
        let odd = self.builder.func.dfg.immediates.push(odd.to_vec().into());
        let e = self.builder.ins().shuffle(low8, high8, even);
        let o = self.builder.ins().shuffle(low8, high8, odd);
        let (e, o) = (self.as_lanes(I16X8, e), self.as_lanes(I16X8, o));
        self.builder.ins().sadd_sat(e, o)
    }

    /// `pmin` (`b < a ? b : a`) or `pmax` (`a < b ? b : a`), NaNs as they come.
    fn pseudo_minmax(&mut self, vector: Type, min: bool) {
        let b = self.pop_lanes(vector);
        let a = self.pop_lanes(vector);
        let take_b = if min {
            self.builder.ins().fcmp(FloatCC::LessThan, b, a)
        } else {
            self.builder.ins().fcmp(FloatCC::LessThan, a, b)
        };
        let mask = self.as_lanes(vector, take_b);
        let v = self.builder.ins().bitselect(mask, b, a);
        self.push_v128(v);
    }

    /// The deterministic `relaxed_madd` (`a * b + c`, unfused) and
    /// `relaxed_nmadd` (`-a * b + c`).
    fn madd(&mut self, vector: Type, negate: bool) {
        let c = self.pop_lanes(vector);
        let b = self.pop_lanes(vector);
        let mut a = self.pop_lanes(vector);
        if negate {
            a = self.builder.ins().fneg(a);
        }
        let product = self.builder.ins().fmul(a, b);
        let v = self.builder.ins().fadd(product, c);
        self.push_v128(v);
    }
}
