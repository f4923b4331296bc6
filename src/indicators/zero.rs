//! TA-Lib's tests for "zero" (its `ta_utility.h`, as bundled with TA-Lib 0.8): a
//! fixed band of 1e-14, and a band scaled by the operands' size for differences of
//! comparable numbers (so rounding residue of a flat window reads as flat).

const EPSILON: f64 = 0.000_000_000_000_01;

pub(crate) fn is_zero(value: f64) -> bool {
    -EPSILON < value && value < EPSILON
}

/// `value` is a difference of numbers whose magnitudes add up to `scale`.
pub(crate) fn is_zero_scaled(value: f64, scale: f64) -> bool {
    value.abs() <= EPSILON * scale
}

/// As [`is_zero_scaled`], and every negative value too (a variance).
pub(crate) fn is_zero_or_negative_scaled(value: f64, scale: f64) -> bool {
    value <= EPSILON * scale
}
