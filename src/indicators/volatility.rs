//! Volatility: true range, ATR (Wilder) and Bollinger Bands, as TA-Lib computes them.

use super::moving_average::sma;
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
    let range = |i: usize| true_range(bars.high[i], bars.low[i], bars.close[i - 1]);
    if period == 1 {
        for (i, slot) in out.iter_mut().enumerate().skip(1) {
            *slot = range(i);
        }
        return out;
    }
    // The first value is the mean of the first `period` true ranges, summed as
    // TA-Lib's SMA sums them; then Wilder's smoothing.
    let mut total = 0.0;
    for i in 1..period {
        total += range(i);
    }
    total += range(period);
    let n = period as f64;
    let mut previous = total / n;
    out[period] = previous;
    for (i, slot) in out.iter_mut().enumerate().skip(period + 1) {
        previous *= n - 1.0;
        previous += range(i);
        previous /= n;
        *slot = previous;
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
