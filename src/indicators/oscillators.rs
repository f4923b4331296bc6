//! Oscillators as TA-Lib defines them: RSI (Wilder), Stochastic (SMA-smoothed),
//! Williams %R, CCI, MFI and ROC. TA-Lib answers 0 where a denominator vanishes
//! (a flat market), and so do these.

use super::moving_average::sma_into;
use super::recurrence::smooth_pair_each;
use super::window::for_each_window;
use super::zero::is_zero_scaled;
use super::Ohlcv;

/// Relative Strength Index with Wilder's smoothing; first value at `period`.
// Compiled for AVX2 and FMA too: the index then takes one vector division per four bars.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn rsi(values: &[f64], period: usize) -> Vec<f64> {
    let len = values.len();
    if period < 2 || len <= period {
        return vec![f64::NAN; len];
    }
    let gain_and_loss = |before: f64, now: f64| {
        let change = now - before;
        [change.max(0.0), (-change).max(0.0)]
    };
    let (mut gain, mut loss) = (0.0, 0.0);
    for pair in values[..=period].windows(2) {
        let [up, down] = gain_and_loss(pair[0], pair[1]);
        gain += up;
        loss += down;
    }
    // Wilder: average = (average·(n − 1) + x) / n. Kept as s = n·average, so
    // s = s·(n − 1)/n + x: one multiply-add a bar, and the n cancels in the ratio.
    // The gains' sums go in `out` and the losses' beside them; the index follows in
    // its own loop, where the divisions no longer wait on the recurrence.
    let n = period as f64;
    let mut out = vec![f64::NAN; len];
    let mut losses = vec![0.0; len];
    out[period] = gain;
    losses[period] = loss;
    let rest = &values[period..];
    let keep = (n - 1.0) / n;
    let (gains, later_losses) = (&mut out[period + 1..], &mut losses[period + 1..]);
    let mut next = 0;
    smooth_pair_each(
        [keep, keep],
        [gain, loss],
        rest.len() - 1,
        |i| gain_and_loss(rest[i], rest[i + 1]),
        |[gain, loss]| {
            gains[next] = gain;
            later_losses[next] = loss;
            next += 1;
        },
    );
    for (value, loss) in out[period..].iter_mut().zip(&losses[period..]) {
        let total = *value + loss;
        // Computed first and then chosen, so the division is off the branch.
        let index = 100.0 * (*value / total);
        // TA-Lib's zero test on the averages' total, which is `total / n`.
        *value = if is_zero_scaled(total, n) { 0.0 } else { index };
    }
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
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn willr(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period == 0 || len < period {
        return out;
    }
    for_each_window(bars.high, bars.low, period, |today, high, low| {
        // TA-Lib's (high − close) / ((high − low) / −100), with one division,
        // computed first and then chosen so the division is off the branch.
        let range = high - low;
        let value = -100.0 * (high - bars.close[today]) / range;
        out[today] = if range != 0.0 { value } else { 0.0 };
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
// Compiled for AVX2 too: the typical prices, the flows and the index each take a
// quarter of the divisions and compares as vectors four bars wide.
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub fn mfi(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    if period < 2 || len <= period {
        return vec![f64::NAN; len];
    }
    // Each bar's typical price, kept in `out` until the index replaces it; then each
    // bar's money flow, positive when the typical price rose and negative when it
    // fell (neither when it stayed flat to within rounding), in loops without branches.
    let mut out: Vec<f64> = bars
        .high
        .iter()
        .zip(bars.low)
        .zip(bars.close)
        .map(|((h, l), c)| (h + l + c) / 3.0)
        .collect();
    let mut positive = vec![0.0; len];
    let mut negative = vec![0.0; len];
    {
        // Equal-length slices indexed together, so the loop vectorises.
        let (before, price, volume) = (&out[..len - 1], &out[1..], &bars.volume[1..len]);
        let (up, down) = (&mut positive[1..], &mut negative[1..]);
        for i in 0..len - 1 {
            let change = price[i] - before[i];
            let moved = !is_zero_scaled(change, price[i].abs() + before[i].abs());
            let flow = if moved { price[i] * volume[i] } else { 0.0 };
            let rising = if change >= 0.0 { flow } else { 0.0 };
            up[i] = rising;
            // Exact: `flow − flow` or `flow − 0`.
            down[i] = flow - rising;
        }
    }
    // The window's totals, which each bar changes by what enters minus what leaves
    // (TA-Lib's running sums).
    let mut up: f64 = positive[1..=period].iter().sum();
    let mut down: f64 = negative[1..=period].iter().sum();
    let index = |up: f64, down: f64| {
        let total = up + down;
        // Computed first and then chosen, so the division is off the branch.
        let value = 100.0 * (up / total);
        if total < 1.0 {
            0.0
        } else {
            value
        }
    };
    out[period] = index(up, down);
    for i in period + 1..len {
        up += positive[i] - positive[i - period];
        down += negative[i] - negative[i - period];
        out[i] = index(up, down);
    }
    out[..period].fill(f64::NAN);
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
