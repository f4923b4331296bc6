//! Indicator speed: nanoseconds per bar for each indicator on the same ~11 000 bars
//! TA-Lib is timed on (`make bench` runs `benches/talib_reference.py` on the file this
//! writes, then `benches/compare.py` prints the ratios). Best of many runs, so the
//! number is the code's speed rather than the machine's noise.

use std::hint::black_box;
use std::time::Instant;

use investment_system::indicators::Indicator;
use investment_system::market::{demo, Columns};

const NAMES: [&str; 16] = [
    "sma:20",
    "ema:20",
    "wma:20",
    "rsi:14",
    "macd:12:26:9",
    "bbands:20:2:2",
    "atr:14",
    "stoch:14:3:3",
    "adx:14",
    "plus_di:14",
    "minus_di:14",
    "obv",
    "roc:10",
    "cci:20",
    "mfi:14",
    "willr:14",
];
const RUNS: usize = 200;

fn main() {
    // Four demo symbols back to back: realistic prices, about 11 000 bars.
    let bars: Vec<_> = ["SPY", "AAPL", "TSLA", "KO"]
        .iter()
        .flat_map(|s| demo::bars(s, 20_416).unwrap())
        .collect();
    let columns = Columns::of(&bars);
    let (open, high, low, close, volume) = (
        &columns.open,
        &columns.high,
        &columns.low,
        &columns.close,
        &columns.volume,
    );
    let out = std::env::var("BENCH_DATA").unwrap_or_else(|_| "target/bench-bars.json".into());
    let data = serde_json::json!({ "open": open, "high": high, "low": low, "close": close, "volume": volume });
    std::fs::write(&out, data.to_string()).expect("write the bench data");

    let ohlcv = columns.ohlcv();
    let mut results = serde_json::Map::new();
    for name in NAMES {
        let indicator = Indicator::parse(name).unwrap();
        let mut best = u128::MAX;
        for _ in 0..RUNS {
            let started = Instant::now();
            let output = black_box(indicator.compute(black_box(&ohlcv)));
            best = best.min(started.elapsed().as_nanos());
            // Freed after the clock stops, as `talib_reference.py` frees TA-Lib's
            // arrays: both sides time allocating and computing, neither freeing.
            drop(output);
        }
        let per_bar = best as f64 / close.len() as f64;
        results.insert(name.to_string(), per_bar.into());
    }
    println!("{}", serde_json::Value::Object(results));
}
