//! Moving averages, computed as TA-Lib computes them (same operation order, so the
//! same rounding): SMA with a running sum, EMA seeded with the SMA of its first
//! window, WMA with TA-Lib's running weighted sum. Warm-up values are NaN.

/// Simple moving average; the first value at `period - 1`.
pub fn sma(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    sma_into(values, period, &mut out);
    out
}

/// SMA written into `out` (same length as `values`), leaving the warm-up untouched.
pub(crate) fn sma_into(values: &[f64], period: usize, out: &mut [f64]) {
    let lookback = period - 1;
    if period == 0 || values.len() <= lookback {
        return;
    }
    let mut total = 0.0;
    for value in &values[..lookback] {
        total += value;
    }
    let divisor = period as f64;
    for (i, slot) in out.iter_mut().enumerate().skip(lookback) {
        total += values[i];
        let window_total = total;
        total -= values[i - lookback];
        *slot = window_total / divisor;
    }
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
    let mut previous = total / period as f64;
    out[start] = previous;
    for i in start + 1..values.len() {
        previous = ((values[i] - previous) * k) + previous;
        out[i] = previous;
    }
}

/// Weighted moving average (weights 1..=period, newest heaviest).
pub fn wma(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    let lookback = period.saturating_sub(1);
    if period == 0 || values.len() <= lookback {
        return out;
    }
    let divider = (period * (period + 1) / 2) as f64;
    let (mut sum, mut sub) = (0.0, 0.0);
    for (i, value) in values[..lookback].iter().enumerate() {
        sub += value;
        sum += value * (i + 1) as f64;
    }
    let mut trailing_value = 0.0;
    let weight = period as f64;
    for i in lookback..values.len() {
        let value = values[i];
        sub += value;
        sub -= trailing_value;
        sum += value * weight;
        trailing_value = values[i - lookback];
        out[i] = sum / divider;
        sum -= sub;
    }
    out
}
