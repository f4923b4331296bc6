//! Volatility: true range, ATR (Wilder) and Bollinger Bands, as TA-Lib computes them.

use super::moving_average::{sma, sma_into};
use super::zero::is_zero_or_negative_scaled;
use super::Ohlcv;

/// The largest of high − low, |high − previous close| and |low − previous close|.
pub(crate) fn true_range(high: f64, low: f64, previous_close: f64) -> f64 {
    let mut range = high - low;
    let up = (high - previous_close).abs();
    if up > range {
        range = up;
    }
    let down = (low - previous_close).abs();
    if down > range {
        range = down;
    }
    range
}

/// Average True Range: the mean of the first `period` true ranges at `period`, then
/// Wilder's smoothing. A period of 1 is the true range itself (from the second bar).
pub fn atr(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period == 0 || len <= period {
        return out;
    }
    let mut ranges = vec![f64::NAN; len];
    for (i, slot) in ranges.iter_mut().enumerate().skip(1) {
        *slot = true_range(bars.high[i], bars.low[i], bars.close[i - 1]);
    }
    if period == 1 {
        return ranges;
    }
    let mut first = vec![f64::NAN; period];
    sma_into(&ranges[1..=period], period, &mut first);
    let n = period as f64;
    let mut previous = first[period - 1];
    out[period] = previous;
    for i in period + 1..len {
        previous *= n - 1.0;
        previous += ranges[i];
        previous /= n;
        out[i] = previous;
    }
    out
}

pub struct Bands {
    pub upper: Vec<f64>,
    pub middle: Vec<f64>,
    pub lower: Vec<f64>,
}

/// Bollinger Bands: SMA(period) ± deviations × the population standard deviation,
/// which TA-Lib derives from a running sum of squares (0 when the variance is not
/// positive beyond rounding).
pub fn bbands(values: &[f64], period: usize, up: f64, down: f64) -> Bands {
    let len = values.len();
    let middle = sma(values, period);
    let mut bands = Bands {
        upper: vec![f64::NAN; len],
        middle: middle.clone(),
        lower: vec![f64::NAN; len],
    };
    if period == 0 || len < period {
        return bands;
    }
    let n = period as f64;
    let mut squares = 0.0;
    for value in &values[..period - 1] {
        squares += value * value;
    }
    for end in period - 1..len {
        let start = end + 1 - period;
        squares += values[end] * values[end];
        let mean_of_squares = squares / n;
        squares -= values[start] * values[start];
        let square_of_mean = middle[end] * middle[end];
        let variance = mean_of_squares - square_of_mean;
        let deviation = if is_zero_or_negative_scaled(variance, mean_of_squares + square_of_mean) {
            0.0
        } else {
            variance.sqrt()
        };
        if up == down {
            let width = deviation * up;
            bands.upper[end] = middle[end] + width;
            bands.lower[end] = middle[end] - width;
        } else {
            bands.upper[end] = middle[end] + deviation * up;
            bands.lower[end] = middle[end] - deviation * down;
        }
    }
    bands
}
