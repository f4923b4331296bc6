//! Volatility: true range, ATR (Wilder) and Bollinger Bands, as TA-Lib computes them.

use super::moving_average::{sma, window_totals_into};
use super::recurrence::smooth_in_place;
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
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn atr(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    if period == 0 || len <= period {
        return vec![f64::NAN; len];
    }
    // The true ranges, written once (no filled buffer first), smoothed in place.
    let mut out = Vec::with_capacity(len);
    out.push(f64::NAN);
    out.extend(true_ranges(bars));
    if period == 1 {
        return out;
    }
    // The first value is the mean of the first `period` true ranges, summed in order
    // as TA-Lib's SMA sums them; then Wilder's smoothing,
    // atr = (atr·(n − 1) + tr) / n = atr·(n − 1)/n + tr/n.
    let n = period as f64;
    let mut total = 0.0;
    for range in &out[1..=period] {
        total += range;
    }
    let first = total / n;
    out[1..period].fill(f64::NAN);
    out[period] = first;
    smooth_in_place((n - 1.0) / n, 1.0 / n, first, &mut out[period + 1..]);
    out
}

/// The true range of every bar from the second (one fewer than the bars).
pub(crate) fn true_ranges<'a>(bars: &'a Ohlcv) -> impl Iterator<Item = f64> + 'a {
    let len = bars.close.len();
    bars.high[1..len]
        .iter()
        .zip(&bars.low[1..len])
        .zip(&bars.close[..len - 1])
        .map(|((high, low), previous_close)| true_range(*high, *low, *previous_close))
}

pub struct Bands {
    pub upper: Vec<f64>,
    pub middle: Vec<f64>,
    pub lower: Vec<f64>,
}

/// Bollinger Bands: SMA(period) ± deviations × the population standard deviation,
/// which TA-Lib derives from a running sum of squares (0 when the variance is not
/// positive beyond rounding).
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn bbands(values: &[f64], period: usize, up: f64, down: f64) -> Bands {
    let len = values.len();
    let mut bands = Bands {
        upper: vec![f64::NAN; len],
        middle: sma(values, period),
        lower: vec![f64::NAN; len],
    };
    if period == 0 || len < period {
        return bands;
    }
    // Each window's sum of squares, kept in `upper` until the bands replace it.
    let squares: Vec<f64> = values.iter().map(|v| v * v).collect();
    window_totals_into(&squares, period, &mut bands.upper);
    let reciprocal = 1.0 / period as f64;
    for ((upper, lower), middle) in bands.upper[period - 1..]
        .iter_mut()
        .zip(&mut bands.lower[period - 1..])
        .zip(&bands.middle[period - 1..])
    {
        let mean_of_squares = *upper * reciprocal;
        let square_of_mean = middle * middle;
        let variance = mean_of_squares - square_of_mean;
        let deviation = if is_zero_or_negative_scaled(variance, mean_of_squares + square_of_mean) {
            0.0
        } else {
            variance.sqrt()
        };
        *upper = middle + deviation * up;
        *lower = middle - deviation * down;
    }
    bands
}
