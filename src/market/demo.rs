//! The `demo` market: deterministic, realistic daily bars for familiar tickers from
//! 2015 up to a given day, so the product works offline. Each symbol has its own
//! seed and character (price level, drift, volatility); the path has trending and
//! volatile regimes, occasional overnight gaps, and volume that rises with the
//! size of the move. The same symbol and day always give the same bar, however
//! far the series is extended. Labelled as demo data wherever it is shown.

use super::{is_weekday, Bar, DAY_SECS};

/// 2015-01-02, the first demo trading day, as a day number since 1970-01-01.
pub const FIRST_DAY: i64 = 16_437;

/// (symbol, starting price, yearly drift, yearly volatility, typical daily volume)
pub const SYMBOLS: [(&str, f64, f64, f64, f64); 20] = [
    ("AAPL", 27.0, 0.22, 0.28, 9.0e7),
    ("MSFT", 46.0, 0.22, 0.26, 3.0e7),
    ("GOOG", 26.0, 0.18, 0.28, 3.0e7),
    ("AMZN", 15.0, 0.24, 0.33, 7.0e7),
    ("NVDA", 5.0, 0.45, 0.50, 4.0e8),
    ("META", 78.0, 0.17, 0.38, 2.0e7),
    ("TSLA", 14.0, 0.30, 0.60, 1.0e8),
    ("JPM", 62.0, 0.12, 0.25, 1.2e7),
    ("V", 66.0, 0.15, 0.22, 8.0e6),
    ("JNJ", 104.0, 0.05, 0.17, 7.0e6),
    ("WMT", 28.0, 0.12, 0.20, 2.0e7),
    ("XOM", 92.0, 0.02, 0.30, 1.8e7),
    ("KO", 42.0, 0.06, 0.16, 1.3e7),
    ("DIS", 94.0, 0.02, 0.30, 1.0e7),
    ("NFLX", 49.0, 0.25, 0.45, 8.0e6),
    ("AMD", 2.7, 0.40, 0.55, 6.0e7),
    ("INTC", 36.0, 0.00, 0.35, 3.0e7),
    ("BA", 130.0, 0.03, 0.40, 6.0e6),
    ("SPY", 205.0, 0.11, 0.17, 8.0e7),
    ("QQQ", 102.0, 0.16, 0.22, 4.0e7),
];

/// Whether `symbol` (upper-case) is one the demo market knows.
pub fn knows(symbol: &str) -> bool {
    SYMBOLS.iter().any(|(s, ..)| *s == symbol)
}

/// Daily pull of the log price towards its long-run path (a half-life of about a year).
const MEAN_REVERSION: f64 = 0.002;

/// SplitMix64: tiny, fast and fully specified, so the demo data never changes
/// with a dependency's version.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn seed_of(symbol: &str) -> u64 {
    // FNV-1a: a stable hash of the ticker.
    symbol.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn round_cents(price: f64) -> f64 {
    (price * 100.0).round() / 100.0
}

/// The demo bars of `symbol` for every weekday from 2015-01-02 through `last_day`
/// (a day number); `None` for a symbol the demo market does not know.
pub fn bars(symbol: &str, last_day: i64) -> Option<Vec<Bar>> {
    let &(_, start_price, drift, volatility, base_volume) =
        SYMBOLS.iter().find(|(s, ..)| *s == symbol)?;
    let mut rng = Rng(seed_of(symbol));
    let daily_drift = drift / 252.0;
    let daily_vol = volatility / 252f64.sqrt();
    let mut bars = Vec::with_capacity(((last_day - FIRST_DAY).max(0) as usize) * 5 / 7 + 1);
    let mut close = start_price;
    // Regimes: calm or turbulent volatility, and a trend tilt that drifts slowly.
    let mut turbulent = false;
    let mut tilt = 0.0;
    let mut trading_day = 0_i64;
    for day in FIRST_DAY..=last_day {
        if !is_weekday(day) {
            continue;
        }
        if rng.uniform() < if turbulent { 0.03 } else { 0.01 } {
            turbulent = !turbulent;
        }
        tilt = 0.98 * tilt + 0.01 * rng.normal() * daily_vol;
        let vol = daily_vol * if turbulent { 1.6 } else { 0.85 };
        // A weak pull towards the symbol's long-run path keeps a decade plausible
        // (a pure random walk at these volatilities wanders 30-fold either way).
        trading_day += 1;
        let fair = start_price.ln() + daily_drift * trading_day as f64;
        let pull = -MEAN_REVERSION * (close.ln() - fair);
        let gap = if rng.uniform() < 0.02 {
            rng.normal() * 3.0 * vol
        } else {
            rng.normal() * 0.15 * vol
        };
        let open = round_cents((close * (1.0 + gap)).max(0.01));
        let change = daily_drift + tilt + pull + rng.normal() * vol;
        let next_close = round_cents((open * (1.0 + change)).max(0.01));
        let wick_up = rng.normal().abs() * 0.5 * vol;
        let wick_down = rng.normal().abs() * 0.5 * vol;
        let high = round_cents(open.max(next_close) * (1.0 + wick_up));
        let low = round_cents((open.min(next_close) * (1.0 - wick_down)).max(0.01));
        let move_size = ((next_close - close) / close).abs() / daily_vol;
        let volume = (base_volume * (0.6 + 0.5 * move_size) * (0.25 * rng.normal()).exp()).round();
        bars.push(Bar {
            ts: day * DAY_SECS,
            open,
            high,
            low,
            close: next_close,
            volume,
        });
        close = next_close;
    }
    Some(bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAST: i64 = 20_416; // 2025-11-24, a Monday

    #[test]
    fn every_symbol_has_consistent_weekday_bars_from_2015() {
        for (symbol, ..) in SYMBOLS {
            let bars = bars(symbol, LAST).unwrap();
            assert_eq!(
                bars[0].ts,
                FIRST_DAY * DAY_SECS,
                "{symbol} starts 2015-01-02"
            );
            assert_eq!(bars.last().unwrap().ts, LAST * DAY_SECS);
            assert!(bars.len() > 2_700, "{symbol}: {} bars", bars.len());
            for pair in bars.windows(2) {
                assert!(pair[0].ts < pair[1].ts);
            }
            for bar in &bars {
                assert!(bar.is_consistent(), "{symbol} {bar:?}");
                assert!(is_weekday(bar.ts / DAY_SECS));
            }
        }
    }

    #[test]
    fn prices_stay_near_each_symbols_long_run_path() {
        for (symbol, start, drift, ..) in SYMBOLS {
            let bars = bars(symbol, LAST).unwrap();
            let fair = start * (drift * bars.len() as f64 / 252.0).exp();
            let ratio = bars.last().unwrap().close / fair;
            assert!(
                (0.2..5.0).contains(&ratio),
                "{symbol}: {} vs long-run {fair:.2}",
                bars.last().unwrap().close
            );
        }
    }

    #[test]
    fn the_same_day_always_gives_the_same_bar() {
        let short = bars("AAPL", LAST - 30).unwrap();
        let long = bars("AAPL", LAST).unwrap();
        assert_eq!(short[..], long[..short.len()]);
        assert_eq!(bars("AAPL", LAST).unwrap(), long);
        assert_ne!(bars("MSFT", LAST).unwrap()[100], long[100]);
        assert!(bars("ZZZZ", LAST).is_none());
    }

    #[test]
    fn the_paths_look_like_markets() {
        let bars = bars("SPY", LAST).unwrap();
        let returns: Vec<f64> = bars
            .windows(2)
            .map(|w| (w[1].close / w[0].close).ln())
            .collect();
        let mean = returns.iter().sum::<f64>() / returns.len() as f64;
        let sd =
            (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / returns.len() as f64).sqrt();
        let annual_vol = sd * 252f64.sqrt();
        assert!(
            (0.08..0.45).contains(&annual_vol),
            "annualised volatility {annual_vol}"
        );
        let gaps = bars
            .windows(2)
            .filter(|w| (w[1].open / w[0].close - 1.0).abs() > 0.015)
            .count();
        assert!(gaps > 5, "some overnight gaps: {gaps}");
        // Volume follows volatility: big-move days trade more than quiet ones.
        let mut by_move: Vec<(f64, f64)> = bars
            .windows(2)
            .map(|w| ((w[1].close / w[0].close - 1.0).abs(), w[1].volume))
            .collect();
        by_move.sort_by(|a, b| a.0.total_cmp(&b.0));
        let tenth = by_move.len() / 10;
        let quiet: f64 = by_move[..tenth].iter().map(|x| x.1).sum::<f64>() / tenth as f64;
        let busy: f64 = by_move[by_move.len() - tenth..]
            .iter()
            .map(|x| x.1)
            .sum::<f64>()
            / tenth as f64;
        assert!(busy > 1.5 * quiet, "busy {busy} vs quiet {quiet}");
    }
}
