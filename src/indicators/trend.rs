//! Trend indicators as TA-Lib computes them: MACD (with TA-Lib's late-seeded fast
//! EMA) and Wilder's directional movement (+DI, −DI, ADX).

use super::recurrence::{smooth_in_place, smooth_into, smooth_pair_each};
use super::volatility::true_ranges;
use super::zero::is_zero;
use super::Ohlcv;

pub struct Macd {
    pub macd: Vec<f64>,
    pub signal: Vec<f64>,
    pub hist: Vec<f64>,
}

/// MACD line (fast EMA − slow EMA), its signal EMA and the histogram; all start at
/// `slow - 1 + signal - 1`. Both EMAs are seeded at `slow - 1`, as TA-Lib does.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn macd(values: &[f64], fast: usize, slow: usize, signal: usize) -> Macd {
    let len = values.len();
    let (fast, slow) = if slow < fast {
        (slow, fast)
    } else {
        (fast, slow)
    };
    let mut result = Macd {
        macd: vec![f64::NAN; len],
        signal: vec![f64::NAN; len],
        hist: vec![f64::NAN; len],
    };
    if fast == 0 || signal == 0 {
        return result;
    }
    let lookback = (slow - 1) + (signal - 1);
    if len <= lookback {
        return result;
    }
    // Both EMAs start at `slow - 1`, each seeded with the SMA of its own period, and
    // run side by side; the line is their difference.
    let start = slow - 1;
    let seed =
        |period: usize| values[start + 1 - period..=start].iter().sum::<f64>() / period as f64;
    let (fast_seed, slow_seed) = (seed(fast), seed(slow));
    result.macd[start] = fast_seed - slow_seed;
    let (fast_k, slow_k) = (2.0 / (fast as f64 + 1.0), 2.0 / (slow as f64 + 1.0));
    let rest = &values[start + 1..];
    let mut line = result.macd[start + 1..].iter_mut();
    smooth_pair_each(
        [1.0 - fast_k, 1.0 - slow_k],
        [fast_seed, slow_seed],
        rest.len(),
        |i| [fast_k * rest[i], slow_k * rest[i]],
        |[fast, slow]| {
            if let Some(slot) = line.next() {
                *slot = fast - slow;
            }
        },
    );
    // The signal line, an EMA of the MACD line seeded at `lookback` with the SMA of
    // its first `signal` values, and the histogram beside it.
    let seed = result.macd[start..=lookback].iter().sum::<f64>() / signal as f64;
    result.signal[lookback] = seed;
    result.hist[lookback] = result.macd[lookback] - seed;
    let k = 2.0 / (signal as f64 + 1.0);
    let line = &result.macd[lookback + 1..];
    let (signal_line, hist) = (
        &mut result.signal[lookback + 1..],
        &mut result.hist[lookback + 1..],
    );
    smooth_into(1.0 - k, k, seed, line, signal_line);
    // The histogram apart, in a loop of subtractions that vectorises.
    for ((bar, line), signal) in hist.iter_mut().zip(line).zip(signal_line.iter()) {
        *bar = line - signal;
    }
    result.macd[start..lookback].fill(f64::NAN);
    result
}

/// Wilder-smoothed +DM, −DM and true range for every bar from `period - 1` on
/// (NaN before): the plain sums over bars 1..period, TA-Lib's starting point, then
/// `x = x − x/n + today's value`.
struct Directional {
    plus_dm: Vec<f64>,
    minus_dm: Vec<f64>,
    tr: Vec<f64>,
}

impl Directional {
    fn smoothed(bars: &Ohlcv, period: usize) -> Directional {
        let len = bars.close.len();
        let mut state = Directional {
            plus_dm: vec![0.0; len],
            minus_dm: vec![0.0; len],
            tr: vec![0.0; len],
        };
        for (slot, range) in state.tr[1..].iter_mut().zip(true_ranges(bars)) {
            *slot = range;
        }
        for (((plus, minus), high), low) in state.plus_dm[1..]
            .iter_mut()
            .zip(&mut state.minus_dm[1..])
            .zip(bars.high.windows(2))
            .zip(bars.low.windows(2))
        {
            let up = high[1] - high[0];
            let down = low[0] - low[1];
            *plus = if up > 0.0 && up > down { up } else { 0.0 };
            *minus = if down > 0.0 && up < down { down } else { 0.0 };
        }
        let keep = 1.0 - 1.0 / period as f64;
        for series in [&mut state.plus_dm, &mut state.minus_dm, &mut state.tr] {
            let start: f64 = series[1..period].iter().sum();
            series[period - 1] = start;
            smooth_in_place(keep, 1.0, start, &mut series[period..]);
            series[..period - 1].fill(f64::NAN);
        }
        state
    }

    /// (+DI, −DI) at bar `i`, or `None` when the smoothed true range is zero.
    fn indices(&self, i: usize) -> Option<(f64, f64)> {
        let tr = self.tr[i];
        if is_zero(tr) {
            None
        } else {
            Some((
                100.0 * (self.plus_dm[i] / tr),
                100.0 * (self.minus_dm[i] / tr),
            ))
        }
    }
}

/// +DI (`plus = true`) or −DI over `period` bars; first value at `period`.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn directional_index(bars: &Ohlcv, period: usize, plus: bool) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len <= period {
        return out;
    }
    let state = Directional::smoothed(bars, period);
    let movement = if plus {
        &state.plus_dm
    } else {
        &state.minus_dm
    };
    for ((slot, dm), tr) in out[period..]
        .iter_mut()
        .zip(&movement[period..])
        .zip(&state.tr[period..])
    {
        *slot = if is_zero(*tr) { 0.0 } else { 100.0 * (dm / tr) };
    }
    out
}

/// Average Directional Index over `period` bars; first value at `2 * period - 1`.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn adx(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len < 2 * period {
        return out;
    }
    let n = period as f64;
    let state = Directional::smoothed(bars, period);
    let dx = |i: usize| {
        state.indices(i).and_then(|(plus, minus)| {
            let total = minus + plus;
            (!is_zero(total)).then(|| 100.0 * ((minus - plus).abs() / total))
        })
    };
    let mut sum_dx = 0.0;
    for i in period..2 * period {
        sum_dx += dx(i).unwrap_or(0.0);
    }
    let first = 2 * period - 1;
    out[first] = sum_dx / n;
    // average = (average·(n − 1) + dx) / n, in runs of bars that have a direction;
    // a bar without one leaves the average as it was.
    let keep = (n - 1.0) / n;
    let mut i = first + 1;
    while i < len {
        match dx(i) {
            None => {
                out[i] = out[i - 1];
                i += 1;
            }
            Some(_) => {
                let run_start = i;
                while i < len {
                    match dx(i) {
                        Some(value) => out[i] = value,
                        None => break,
                    }
                    i += 1;
                }
                let before = out[run_start - 1];
                smooth_in_place(keep, 1.0 / n, before, &mut out[run_start..i]);
            }
        }
    }
    out
}
