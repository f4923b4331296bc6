//! Moving averages as TA-Lib defines them: SMA with a running sum, EMA seeded with
//! the SMA of its first window, WMA with TA-Lib's running weighted sum. Warm-up
//! values are NaN. Running sums take each bar's change in one add (the window's
//! new value minus the one leaving it), which keeps the loops short.

use super::recurrence::{running_total_in_place, smooth_into};

/// Simple moving average; the first value at `period - 1`.
pub fn sma(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    sma_into(values, period, &mut out);
    out
}

/// SMA written into `out` (same length as `values`), leaving the warm-up untouched.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub(crate) fn sma_into(values: &[f64], period: usize, out: &mut [f64]) {
    if window_totals_into(values, period, out) {
        // Times 1/n rather than divided by n: within a unit in the last place, and
        // a multiply costs a fraction of a divide.
        let reciprocal = 1.0 / period as f64;
        for slot in &mut out[period - 1..values.len()] {
            *slot *= reciprocal;
        }
    }
}

/// The total of each `period` values ending at `i`, into `out[i]` from `period - 1`
/// on (the warm-up is left untouched); false when there is no whole window. The
/// first is summed in order, as TA-Lib does; then each bar adds what entered minus
/// what left, as a blocked running total.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub(crate) fn window_totals_into(values: &[f64], period: usize, out: &mut [f64]) -> bool {
    if period == 0 || values.len() < period {
        return false;
    }
    let mut first = 0.0;
    for value in &values[..period] {
        first += value;
    }
    out[period - 1] = first;
    let entering = &values[period..];
    let leaving = &values[..values.len() - period];
    for ((slot, new), old) in out[period..].iter_mut().zip(entering).zip(leaving) {
        *slot = new - old;
    }
    running_total_in_place(first, &mut out[period..values.len()]);
    true
}

/// Exponential moving average with k = 2 / (period + 1), seeded at `period - 1`
/// with the SMA of the first `period` values.
pub fn ema(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    ema_from(values, period, period - 1, &mut out);
    out
}

/// EMA whose first value sits at `start` (≥ period - 1), seeded with the SMA of the
/// `period` values ending there: TA-Lib's internal EMA, which MACD starts late.
pub(crate) fn ema_from(values: &[f64], period: usize, start: usize, out: &mut [f64]) {
    if period == 0 || start + 1 < period || start >= values.len() {
        return;
    }
    let k = 2.0 / (period as f64 + 1.0);
    let mut total = 0.0;
    for value in &values[start + 1 - period..=start] {
        total += value;
    }
    let seed = total / period as f64;
    out[start] = seed;
    // ema = ema + k·(value − ema) = (1 − k)·ema + k·value
    smooth_into(
        1.0 - k,
        k,
        seed,
        &values[start + 1..],
        &mut out[start + 1..],
    );
}

/// Weighted moving average (weights 1..=period, newest heaviest), with TA-Lib's
/// running sums: `sum` of the weighted window without its newest bar, `sub` of the
/// plain window.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn wma(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    let lookback = period.saturating_sub(1);
    if period == 0 || values.len() <= lookback {
        return out;
    }
    let reciprocal = 1.0 / (period * (period + 1) / 2) as f64;
    let (mut sum, mut sub) = (0.0, 0.0);
    for (i, value) in values[..lookback].iter().enumerate() {
        sub += value;
        sum += value * (i + 1) as f64;
    }
    let mut trailing_value = 0.0;
    let weight = period as f64;
    for i in lookback..values.len() {
        let value = values[i];
        // Each running sum changes by one add per bar; the rest is off that path.
        sub += value - trailing_value;
        trailing_value = values[i - lookback];
        let weighted = value * weight;
        out[i] = (sum + weighted) * reciprocal;
        sum += weighted - sub;
    }
    out
}
