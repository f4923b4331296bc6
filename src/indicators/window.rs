//! Highest and lowest values over a trailing window.

/// The largest value in `values[from..=to]`.
pub(crate) fn highest(values: &[f64], from: usize, to: usize) -> f64 {
    values[from..=to]
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The smallest value in `values[from..=to]`.
pub(crate) fn lowest(values: &[f64], from: usize, to: usize) -> f64 {
    values[from..=to]
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
}
