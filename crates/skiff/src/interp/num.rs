//! Numeric semantics that differ from Rust's operators: float min/max and
//! rounding, trapping and saturating conversions, integer division traps.

use crate::trap::Trap;

pub fn i32_div_s(a: i32, b: i32) -> Result<i32, Trap> {
    match b {
        0 => Err(Trap::IntegerDivisionByZero),
        -1 if a == i32::MIN => Err(Trap::IntegerOverflow),
        _ => Ok(a.wrapping_div(b)),
    }
}
pub fn i32_div_u(a: u32, b: u32) -> Result<u32, Trap> {
    a.checked_div(b).ok_or(Trap::IntegerDivisionByZero)
}
pub fn i32_rem_s(a: i32, b: i32) -> Result<i32, Trap> {
    if b == 0 { Err(Trap::IntegerDivisionByZero) } else { Ok(a.wrapping_rem(b)) }
}
pub fn i32_rem_u(a: u32, b: u32) -> Result<u32, Trap> {
    a.checked_rem(b).ok_or(Trap::IntegerDivisionByZero)
}
pub fn i64_div_s(a: i64, b: i64) -> Result<i64, Trap> {
    match b {
        0 => Err(Trap::IntegerDivisionByZero),
        -1 if a == i64::MIN => Err(Trap::IntegerOverflow),
        _ => Ok(a.wrapping_div(b)),
    }
}
pub fn i64_div_u(a: u64, b: u64) -> Result<u64, Trap> {
    a.checked_div(b).ok_or(Trap::IntegerDivisionByZero)
}
pub fn i64_rem_s(a: i64, b: i64) -> Result<i64, Trap> {
    if b == 0 { Err(Trap::IntegerDivisionByZero) } else { Ok(a.wrapping_rem(b)) }
}
pub fn i64_rem_u(a: u64, b: u64) -> Result<u64, Trap> {
    a.checked_rem(b).ok_or(Trap::IntegerDivisionByZero)
}

const CANONICAL_NAN_32: u32 = 0x7fc0_0000;
const CANONICAL_NAN_64: u64 = 0x7ff8_0000_0000_0000;

/// wasm `min`: the canonical NaN if either operand is NaN, and -0 below +0.
pub fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return f32::from_bits(CANONICAL_NAN_32);
    }
    if a == b {
        // Equal values differ at most in the sign of zero; OR keeps a minus.
        return f32::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b { a } else { b }
}
pub fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return f32::from_bits(CANONICAL_NAN_32);
    }
    if a == b {
        return f32::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b { a } else { b }
}
pub fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::from_bits(CANONICAL_NAN_64);
    }
    if a == b {
        return f64::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b { a } else { b }
}
pub fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::from_bits(CANONICAL_NAN_64);
    }
    if a == b {
        return f64::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b { a } else { b }
}

pub fn f32_copysign(a: u32, b: u32) -> u32 {
    (a & 0x7fff_ffff) | (b & 0x8000_0000)
}
pub fn f64_copysign(a: u64, b: u64) -> u64 {
    (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000)
}

/// Float-to-int truncation that traps: NaN is an invalid conversion and an
/// out-of-range value an overflow. `lo` and `hi` are the exclusive bounds
/// of the truncated value.
macro_rules! trapping_trunc {
    ($name:ident, $float:ty, $int:ty, $lo:expr, $hi:expr) => {
        pub fn $name(x: $float) -> Result<$int, Trap> {
            if x.is_nan() {
                return Err(Trap::BadConversionToInteger);
            }
            if !(x > $lo && x < $hi) {
                return Err(Trap::IntegerOverflow);
            }
            Ok(x as $int)
        }
    };
}

trapping_trunc!(i32_trunc_f32_s, f32, i32, -2147483904.0_f32, 2147483648.0_f32);
trapping_trunc!(i32_trunc_f32_u, f32, u32, -1.0_f32, 4294967296.0_f32);
trapping_trunc!(i32_trunc_f64_s, f64, i32, -2147483649.0_f64, 2147483648.0_f64);
trapping_trunc!(i32_trunc_f64_u, f64, u32, -1.0_f64, 4294967296.0_f64);
trapping_trunc!(i64_trunc_f32_s, f32, i64, -9223373136366403584.0_f32, 9223372036854775808.0_f32);
trapping_trunc!(i64_trunc_f32_u, f32, u64, -1.0_f32, 18446744073709551616.0_f32);
trapping_trunc!(i64_trunc_f64_s, f64, i64, -9223372036854777856.0_f64, 9223372036854775808.0_f64);
trapping_trunc!(i64_trunc_f64_u, f64, u64, -1.0_f64, 18446744073709551616.0_f64);

/// Sets the quiet bit of a NaN result. The rounding instructions (SSE4.1
/// `round*` or their libm fallback) pass a signalling NaN through, but wasm
/// requires an arithmetic (quiet) NaN.
#[inline(always)]
pub fn quiet_f32(x: f32) -> f32 {
    if x.is_nan() { f32::from_bits(x.to_bits() | 0x0040_0000) } else { x }
}

#[inline(always)]
pub fn quiet_f64(x: f64) -> f64 {
    if x.is_nan() { f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000) } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_order_signed_zeros() {
        assert_eq!(f32_min(0.0, -0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(f64_min(-0.0, 0.0).to_bits(), (-0.0f64).to_bits());
        assert!(f64_max(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn truncation_bounds_are_exact() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(Trap::IntegerOverflow));
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2147483649.0), Err(Trap::IntegerOverflow));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i64_trunc_f64_u(f64::NAN), Err(Trap::BadConversionToInteger));
        assert_eq!(i64_trunc_f32_s(-9223372036854775808.0), Ok(i64::MIN));
    }
}
