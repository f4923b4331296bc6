//! Oscillators as TA-Lib defines them: RSI (Wilder), Stochastic (SMA-smoothed),
//! Williams %R, CCI, MFI and ROC. TA-Lib answers 0 where a denominator vanishes
//! (a flat market), and so do these.

use super::moving_average::sma_into;
use super::window::{highest, lowest};
use super::zero::{is_zero, is_zero_scaled};
use super::Ohlcv;

/// Relative Strength Index with Wilder's smoothing; first value at `period`.
pub fn rsi(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    if period < 2 || values.len() <= period {
        return out;
    }
    let n = period as f64;
    let ratio = |gain: f64, loss: f64| {
        let total = gain + loss;
        if is_zero(total) {
            0.0
        } else {
            100.0 * (gain / total)
        }
    };
    let (mut gain, mut loss) = (0.0, 0.0);
    for i in 1..=period {
        let change = values[i] - values[i - 1];
        if change < 0.0 {
            loss -= change;
        } else {
            gain += change;
        }
    }
    gain /= n;
    loss /= n;
    out[period] = ratio(gain, loss);
    for i in period + 1..values.len() {
        let change = values[i] - values[i - 1];
        loss *= n - 1.0;
        gain *= n - 1.0;
        if change < 0.0 {
            loss -= change;
        } else {
            gain += change;
        }
        loss /= n;
        gain /= n;
        out[i] = ratio(gain, loss);
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
    for (today, slot) in fast_k.iter_mut().enumerate().skip(k_period - 1) {
        let from = today + 1 - k_period;
        let high = highest(bars.high, from, today);
        let low = lowest(bars.low, from, today);
        let diff = (high - low) / 100.0;
        *slot = if diff != 0.0 {
            (bars.close[today] - low) / diff
        } else {
            0.0
        };
    }
    let mut slow = vec![f64::NAN; len];
    sma_into(&fast_k[k_period - 1..], slow_k, &mut slow[k_period - 1..]);
    let k_start = k_period - 1 + slow_k - 1;
    let mut d = vec![f64::NAN; len];
    sma_into(&slow[k_start..], slow_d, &mut d[k_start..]);
    k_out[lookback..].copy_from_slice(&slow[lookback..]);
    d_out[lookback..].copy_from_slice(&d[lookback..]);
    (k_out, d_out)
}

/// Williams %R over `period` bars, in [-100, 0]; first value at `period - 1`.
pub fn willr(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period == 0 || len < period {
        return out;
    }
    for (today, slot) in out.iter_mut().enumerate().skip(period - 1) {
        let from = today + 1 - period;
        let high = highest(bars.high, from, today);
        let low = lowest(bars.low, from, today);
        let diff = (high - low) / -100.0;
        *slot = if diff != 0.0 {
            (high - bars.close[today]) / diff
        } else {
            0.0
        };
    }
    out
}

/// Commodity Channel Index over typical prices; first value at `period - 1`.
/// Sums run over TA-Lib's circular buffer in its storage order, for equal rounding;
/// a window flat to within rounding reads 0.
pub fn cci(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len < period {
        return out;
    }
    let typical = |i: usize| (bars.high[i] + bars.low[i] + bars.close[i]) / 3.0;
    let mut ring = vec![0.0; period];
    let mut slot = 0;
    for i in 0..period - 1 {
        ring[slot] = typical(i);
        slot += 1;
    }
    let n = period as f64;
    for (i, value) in out.iter_mut().enumerate().skip(period - 1) {
        let last = typical(i);
        ring[slot] = last;
        let mut average = 0.0;
        for x in &ring {
            average += x;
        }
        average /= n;
        let mut deviation = 0.0;
        for x in &ring {
            deviation += (x - average).abs();
        }
        deviation /= n;
        let distance = last - average;
        let scale = average.abs();
        *value = if !is_zero_scaled(distance, scale) && !is_zero_scaled(deviation, scale) {
            distance / (0.015 * deviation)
        } else {
            0.0
        };
        slot = (slot + 1) % period;
    }
    out
}

/// Money Flow Index over `period` bars; first value at `period`.
pub fn mfi(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len <= period {
        return out;
    }
    let typical = |i: usize| (bars.high[i] + bars.low[i] + bars.close[i]) / 3.0;
    // (positive, negative) flow of each bar in the window.
    let mut ring = vec![(0.0, 0.0); period];
    let mut slot = 0;
    let (mut positive, mut negative) = (0.0, 0.0);
    let mut previous = typical(0);
    let flow_of = |i: usize, previous: &mut f64| {
        let price = typical(i);
        let change = price - *previous;
        let flat = is_zero_scaled(change, price.abs() + previous.abs());
        *previous = price;
        let flow = price * bars.volume[i];
        if flat {
            (0.0, 0.0)
        } else if change < 0.0 {
            (0.0, flow)
        } else {
            (flow, 0.0)
        }
    };
    let index = |positive: f64, negative: f64| {
        let total = positive + negative;
        if total < 1.0 {
            0.0
        } else {
            100.0 * (positive / total)
        }
    };
    for i in 1..=period {
        let (up, down) = flow_of(i, &mut previous);
        positive += up;
        negative += down;
        ring[slot] = (up, down);
        slot = (slot + 1) % period;
    }
    out[period] = index(positive, negative);
    for (i, value) in out.iter_mut().enumerate().skip(period + 1) {
        positive -= ring[slot].0;
        negative -= ring[slot].1;
        let (up, down) = flow_of(i, &mut previous);
        positive += up;
        negative += down;
        *value = index(positive, negative);
        ring[slot] = (up, down);
        slot = (slot + 1) % period;
    }
    out
}

/// Rate of change in percent over `period` bars; first value at `period`.
pub fn roc(values: &[f64], period: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    if period == 0 {
        return out;
    }
    for i in period..values.len() {
        let before = values[i - period];
        out[i] = if before != 0.0 {
            ((values[i] / before) - 1.0) * 100.0
        } else {
            0.0
        };
    }
    out
}
