//! Trend indicators as TA-Lib computes them: MACD (with TA-Lib's late-seeded fast
//! EMA) and Wilder's directional movement (+DI, −DI, ADX).

use super::moving_average::ema_from;
use super::volatility::true_range;
use super::zero::is_zero;
use super::Ohlcv;

pub struct Macd {
    pub macd: Vec<f64>,
    pub signal: Vec<f64>,
    pub hist: Vec<f64>,
}

/// MACD line (fast EMA − slow EMA), its signal EMA and the histogram; all start at
/// `slow - 1 + signal - 1`. Both EMAs are seeded at `slow - 1`, as TA-Lib does.
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
    // Both EMAs start at `slow - 1`, each seeded with the SMA of its own period.
    let start = slow - 1;
    let seed =
        |period: usize| values[start + 1 - period..=start].iter().sum::<f64>() / period as f64;
    let (k_fast, k_slow) = (2.0 / (fast as f64 + 1.0), 2.0 / (slow as f64 + 1.0));
    let (mut fast_ema, mut slow_ema) = (seed(fast), seed(slow));
    result.macd[start] = fast_ema - slow_ema;
    for (value, line) in values.iter().zip(result.macd.iter_mut()).skip(start + 1) {
        fast_ema = ((value - fast_ema) * k_fast) + fast_ema;
        slow_ema = ((value - slow_ema) * k_slow) + slow_ema;
        *line = fast_ema - slow_ema;
    }
    // The signal line: an EMA of the MACD line, seeded at `lookback`.
    ema_from(
        &result.macd[start..],
        signal,
        signal - 1,
        &mut result.signal[start..],
    );
    result.macd[start..lookback].fill(f64::NAN);
    for ((hist, line), signal) in result
        .hist
        .iter_mut()
        .zip(&result.macd)
        .zip(&result.signal)
        .skip(lookback)
    {
        *hist = line - signal;
    }
    result
}

/// Wilder-smoothed directional movement and true range, bar by bar from the
/// second bar: what +DI, −DI and ADX are built from.
struct Directional<'a> {
    bars: &'a Ohlcv<'a>,
    period: f64,
    plus_dm: f64,
    minus_dm: f64,
    tr: f64,
}

impl<'a> Directional<'a> {
    /// The plain sums over bars 1..period (period − 1 bars), TA-Lib's starting point.
    fn start(bars: &'a Ohlcv<'a>, period: usize) -> Directional<'a> {
        let mut state = Directional {
            bars,
            period: period as f64,
            plus_dm: 0.0,
            minus_dm: 0.0,
            tr: 0.0,
        };
        for today in 1..period {
            let (plus, minus, tr) = state.movement(today);
            state.plus_dm += plus;
            state.minus_dm += minus;
            state.tr += tr;
        }
        state
    }

    /// (+DM, −DM, TR) of bar `today` against the bar before.
    fn movement(&self, today: usize) -> (f64, f64, f64) {
        let b = self.bars;
        let up = b.high[today] - b.high[today - 1];
        let down = b.low[today - 1] - b.low[today];
        let plus = if up > 0.0 && up > down { up } else { 0.0 };
        let minus = if down > 0.0 && up < down { down } else { 0.0 };
        let tr = true_range(b.high[today], b.low[today], b.close[today - 1]);
        (plus, minus, tr)
    }

    /// Adds bar `today` with Wilder's smoothing.
    fn advance(&mut self, today: usize) {
        let (plus, minus, tr) = self.movement(today);
        self.minus_dm -= self.minus_dm / self.period;
        self.plus_dm -= self.plus_dm / self.period;
        if minus > 0.0 {
            self.minus_dm += minus;
        } else if plus > 0.0 {
            self.plus_dm += plus;
        }
        self.tr = self.tr - (self.tr / self.period) + tr;
    }

    /// (+DI, −DI), or `None` when the smoothed true range is zero.
    fn indices(&self) -> Option<(f64, f64)> {
        if is_zero(self.tr) {
            None
        } else {
            Some((
                100.0 * (self.plus_dm / self.tr),
                100.0 * (self.minus_dm / self.tr),
            ))
        }
    }
}

/// +DI (`plus = true`) or −DI over `period` bars; first value at `period`.
pub fn directional_index(bars: &Ohlcv, period: usize, plus: bool) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len <= period {
        return out;
    }
    let mut state = Directional::start(bars, period);
    for (today, slot) in out.iter_mut().enumerate().skip(period) {
        state.advance(today);
        *slot = match state.indices() {
            Some((plus_di, minus_di)) => {
                if plus {
                    plus_di
                } else {
                    minus_di
                }
            }
            None => 0.0,
        };
    }
    out
}

/// Average Directional Index over `period` bars; first value at `2 * period - 1`.
pub fn adx(bars: &Ohlcv, period: usize) -> Vec<f64> {
    let len = bars.close.len();
    let mut out = vec![f64::NAN; len];
    if period < 2 || len < 2 * period {
        return out;
    }
    let n = period as f64;
    let dx = |state: &Directional| {
        state.indices().and_then(|(plus, minus)| {
            let total = minus + plus;
            (!is_zero(total)).then(|| 100.0 * ((minus - plus).abs() / total))
        })
    };
    let mut state = Directional::start(bars, period);
    let mut sum_dx = 0.0;
    for today in period..2 * period {
        state.advance(today);
        sum_dx += dx(&state).unwrap_or(0.0);
    }
    let mut average = sum_dx / n;
    out[2 * period - 1] = average;
    for (today, slot) in out.iter_mut().enumerate().skip(2 * period) {
        state.advance(today);
        // A bar without direction leaves the average as it was.
        if let Some(dx) = dx(&state) {
            average = ((average * (n - 1.0)) + dx) / n;
        }
        *slot = average;
    }
    out
}
