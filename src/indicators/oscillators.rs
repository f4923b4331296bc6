//! Oscillators as TA-Lib defines them: RSI (Wilder), Stochastic (SMA-smoothed),
//! Williams %R, CCI, MFI and ROC. TA-Lib answers 0 where a denominator vanishes
//! (a flat market), and so do these.

use super::moving_average::{sma_into, window_totals_into};
use super::recurrence::smooth_in_place;
use super::window::for_each_window;
use super::zero::{is_zero, is_zero_scaled};
use super::Ohlcv;

/// Relative Strength Index with Wilder's smoothing; first value at `period`.
pub fn rsi(values: &[f64], period: usize) -> Vec<f64> {
    let len = values.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len <= period {
        return out;
    }
    // Each bar's gain (kept in `out` until the index replaces it) and loss.
    let mut losses = vec![0.0; len];
    for ((gain, loss), pair) in out[1..]
        .iter_mut()
        .zip(&mut losses[1..])
        .zip(values.windows(2))
    {
        let change = pair[1] - pair[0];
        (*gain, *loss) = if change < 0.0 {
            (0.0, -change)
        } else {
            (change, 0.0)
        };
    }
    let n = period as f64;
    let (mut gain, mut loss) = (0.0, 0.0);
    for i in 1..=period {
        gain += out[i];
        loss += losses[i];
    }
    let (gain, loss) = (gain / n, loss / n);
    // Wilder: average = (average·(n − 1) + x) / n = average·(n − 1)/n + x/n.
    let keep = (n - 1.0) / n;
    smooth_in_place(keep, 1.0 / n, gain, &mut out[period + 1..]);
    smooth_in_place(keep, 1.0 / n, loss, &mut losses[period + 1..]);
    out[period] = gain;
    losses[period] = loss;
    for (value, loss) in out[period..].iter_mut().zip(&losses[period..]) {
        let total = *value + loss;
        *value = if is_zero(total) {
            0.0
        } else {
            100.0 * (*value / total)
        };
    }
    out[..period].fill(f64::NAN);
    out
}

/// Slow stochastic: %K over `k_period` bars smoothed by an SMA of `slow_k`, and %D
/// an SMA of `slow_d` of that. Both start at `k_period - 1 + slow_k - 1 + slow_d - 1`.
pub fn stoch(bars: &Ohlcv, k_period: usize, slow_k: usize, slow_d: usize) -> (Vec<f64>, Vec<f64>) {
    let len = bars.close.len();
    let mut k_out = vec![f64::NAN; len];
    let mut d_out = vec![f64::NAN; len];
    if k_period == 0 || slow_k == 0 || slow_d == 0 {
        return (k_out, d_out);
    }
    let lookback = (k_period - 1) + (slow_k - 1) + (slow_d - 1);
    if len <= lookback {
        return (k_out, d_out);
    }
    let mut fast_k = vec![f64::NAN; len];
    for_each_window(bars.high, bars.low, k_period, |today, high, low| {
        // TA-Lib's (close − low) / ((high − low) / 100), with one division.
        let range = high - low;
        fast_k[today] = if range != 0.0 {
            100.0 * (bars.close[today] - low) / range
        } else {
            0.0
        };
    });
    sma_into(&fast_k[k_period - 1..], slow_k, &mut k_out[k_period - 1..]);
    let k_start = k_period - 1 + slow_k - 1;
    sma_into(&k_out[k_start..], slow_d, &mut d_out[k_start..]);
    k_out[..lookback].fill(f64::NAN);
    (k_out, d_out)
}

/// Williams %R over `period` bars, in [-100, 0]; first value at `period - 1`.
pub fn willr(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period == 0 || len < period {
        return out;
    }
    for_each_window(bars.high, bars.low, period, |today, high, low| {
        // TA-Lib's (high − close) / ((high − low) / −100), with one division.
        let range = high - low;
        out[today] = if range != 0.0 {
            -100.0 * (high - bars.close[today]) / range
        } else {
            0.0
        };
    });
    out
}

/// Commodity Channel Index over typical prices; first value at `period - 1`.
/// A window flat to within rounding reads 0.
pub fn cci(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len < period {
        return out;
    }
    let typical = typical_prices(bars);
    let n = period as f64;
    for (window, value) in typical.windows(period).zip(&mut out[period - 1..]) {
        let average = sum_by(window, |x| x) / n;
        let deviation = sum_by(window, |x| (x - average).abs()) / n;
        let distance = window[period - 1] - average;
        let scale = average.abs();
        *value = if !is_zero_scaled(distance, scale) && !is_zero_scaled(deviation, scale) {
            distance / (0.015 * deviation)
        } else {
            0.0
        };
    }
    out
}

/// (high + low + close) / 3 of every bar.
fn typical_prices(bars: &Ohlcv) -> Vec<f64> {
    bars.high
        .iter()
        .zip(bars.low)
        .zip(bars.close)
        .map(|((h, l), c)| (h + l + c) / 3.0)
        .collect()
}

/// The sum of `f` over the values in four running totals, so the adds do not wait
/// on each other (and the compiler can use vector instructions).
fn sum_by(values: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut lanes = [0.0; 4];
    let mut chunks = values.chunks_exact(4);
    for chunk in &mut chunks {
        for (lane, value) in lanes.iter_mut().zip(chunk) {
            *lane += f(*value);
        }
    }
    let mut total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for value in chunks.remainder() {
        total += f(*value);
    }
    total
}

/// Money Flow Index over `period` bars; first value at `period`.
pub fn mfi(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len <= period {
        return out;
    }
    let typical = typical_prices(bars);
    // Each bar's money flow, positive when the typical price rose and negative when
    // it fell (neither when it stayed flat to within rounding), from the second bar.
    let mut positive = vec![0.0; len - 1];
    let mut negative = vec![0.0; len - 1];
    for (((up, down), pair), volume) in positive
        .iter_mut()
        .zip(&mut negative)
        .zip(typical.windows(2))
        .zip(&bars.volume[1..])
    {
        let (before, price) = (pair[0], pair[1]);
        let change = price - before;
        let moved = !is_zero_scaled(change, price.abs() + before.abs());
        let flow = price * volume;
        *up = if moved && change >= 0.0 { flow } else { 0.0 };
        *down = if moved && change < 0.0 { flow } else { 0.0 };
    }
    // Window totals, bar `i` of the flows being bar `i + 1` of the series.
    let mut positive_total = vec![0.0; len - 1];
    let mut negative_total = vec![0.0; len - 1];
    window_totals_into(&positive, period, &mut positive_total);
    window_totals_into(&negative, period, &mut negative_total);
    for ((value, up), down) in out[period..]
        .iter_mut()
        .zip(&positive_total[period - 1..])
        .zip(&negative_total[period - 1..])
    {
        let total = up + down;
        *value = if total < 1.0 {
            0.0
        } else {
            100.0 * (up / total)
        };
    }
    out
}

/// Rate of change in percent over `period` bars; first value at `period`.
pub fn roc(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    if period == 0 {
        return out;
    }
    if values.len() <= period {
        return out;
    }
    let earlier = &values[..values.len() - period];
    for ((slot, now), before) in out[period..].iter_mut().zip(&values[period..]).zip(earlier) {
        // Computed first and then chosen, so the loop has no branch and vectorises.
        let change = ((now / before) - 1.0) * 100.0;
        *slot = if *before != 0.0 { change } else { 0.0 };
    }
    out
}
