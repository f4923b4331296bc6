//! Agreement with backtesting.py on committed fixtures (synthetic series; SMA
//! crossover and RSI reversion, long-only and long/short; cash 10 000, commission
//! 0.2 %; backtesting.py 0.6.6): the same trades (count, entry and exit bars, sizes and prices), Return and
//! Max. Drawdown within 0.01 percentage points, and the other statistics close.

use serde_json::Value;

use super::stats::compute;
use super::{run, Settings, Strategy};
use crate::indicators::Ohlcv;

const FIXTURES: [&str; 5] = [
    include_str!("../../tests/fixtures/backtests/walk_sma_long_short.json"),
    include_str!("../../tests/fixtures/backtests/walk_sma_long_only.json"),
    include_str!("../../tests/fixtures/backtests/gaps_sma_long_short.json"),
    include_str!("../../tests/fixtures/backtests/walk_rsi_long_only.json"),
    include_str!("../../tests/fixtures/backtests/gaps_rsi_long_short.json"),
];

fn column(fixture: &Value, name: &str) -> Vec<f64> {
    fixture[name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn strategy(fixture: &Value) -> Strategy {
    let p = &fixture["params"];
    match fixture["strategy"].as_str().unwrap() {
        "SmaCross" => Strategy::SmaCross {
            fast: p["fast"].as_u64().unwrap() as usize,
            slow: p["slow"].as_u64().unwrap() as usize,
        },
        _ => Strategy::RsiReversion {
            period: p["period"].as_u64().unwrap() as usize,
            lower: p["lower"].as_f64().unwrap(),
            upper: p["upper"].as_f64().unwrap(),
        },
    }
}

fn close_to(ours: f64, theirs: f64, tolerance: f64) -> bool {
    (ours - theirs).abs() <= tolerance * theirs.abs().max(1.0)
}

#[test]
fn agrees_with_backtesting_py() {
    for text in FIXTURES {
        let fixture: Value = serde_json::from_str(text).unwrap();
        let case = fixture["case"].as_str().unwrap();
        let columns: Vec<Vec<f64>> = ["open", "high", "low", "close", "volume"]
            .iter()
            .map(|c| column(&fixture, c))
            .collect();
        let bars = Ohlcv {
            open: &columns[0],
            high: &columns[1],
            low: &columns[2],
            close: &columns[3],
            volume: &columns[4],
        };
        let settings = Settings {
            cash: fixture["cash"].as_f64().unwrap(),
            commission: fixture["commission"].as_f64().unwrap(),
            allow_short: fixture["params"]["allow_short"].as_bool().unwrap(),
        };
        let outcome = run(&bars, &strategy(&fixture), settings);

        let expected = fixture["trades"].as_array().unwrap();
        assert_eq!(outcome.trades.len(), expected.len(), "{case}: trade count");
        for (ours, theirs) in outcome.trades.iter().zip(expected) {
            assert_eq!(
                (ours.size, ours.entry_bar, ours.exit_bar),
                (
                    theirs["size"].as_i64().unwrap(),
                    theirs["entry_bar"].as_u64().unwrap() as usize,
                    theirs["exit_bar"].as_u64().unwrap() as usize
                ),
                "{case}: {ours:?} vs {theirs}"
            );
            assert_eq!(
                ours.entry_price,
                theirs["entry_price"].as_f64().unwrap(),
                "{case}"
            );
            assert_eq!(
                ours.exit_price,
                theirs["exit_price"].as_f64().unwrap(),
                "{case}"
            );
            assert!(
                close_to(ours.pnl, theirs["pnl"].as_f64().unwrap(), 1e-9),
                "{case}: pnl {ours:?} vs {theirs}"
            );
            assert!(
                close_to(
                    ours.return_pct,
                    theirs["return_pct"].as_f64().unwrap(),
                    1e-9
                ),
                "{case}"
            );
        }
        let equity = column(&fixture, "equity");
        for (i, (ours, theirs)) in outcome.equity.iter().zip(&equity).enumerate() {
            assert!(
                close_to(*ours, *theirs, 1e-9),
                "{case}: equity at bar {i}: {ours} vs {theirs}"
            );
        }

        let days: Vec<i64> = fixture["dates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                crate::market::csv_import::parse_date(d.as_str().unwrap()).unwrap()
                    / crate::market::DAY_SECS
            })
            .collect();
        let stats = compute(&outcome, &days, &columns[3], |d| d.to_string());
        let json = serde_json::to_value(&stats).unwrap();
        let theirs = &fixture["stats"];
        for key in ["Return [%]", "Max. Drawdown [%]"] {
            let (a, b) = (json[key].as_f64().unwrap(), theirs[key].as_f64().unwrap());
            assert!((a - b).abs() < 0.01, "{case} {key}: {a} vs {b}");
        }
        for (key, value) in theirs.as_object().unwrap() {
            match (json[key].as_f64(), value.as_f64()) {
                (Some(a), Some(b)) => assert!(
                    close_to(a, b, 1e-6),
                    "{case} {key}: ours {a}, backtesting.py {b}"
                ),
                (None, None) => {}
                (a, b) => panic!("{case} {key}: ours {a:?}, backtesting.py {b:?}"),
            }
        }
        for (key, days) in fixture["durations_days"].as_object().unwrap() {
            assert_eq!(&json[key], days, "{case} {key}");
        }
    }
}

#[test]
fn a_cancelled_run_stops_before_the_end() {
    let bars = crate::market::demo::bars("AAPL", 20_000).unwrap();
    let columns = crate::market::Columns::of(&bars);
    let strategy = Strategy::SmaCross { fast: 5, slow: 20 };
    let settings = Settings {
        cash: 10_000.0,
        commission: 0.0,
        allow_short: false,
    };
    let cancel = super::Cancel::default();
    let whole = super::run_until(&columns.ohlcv(), &strategy, settings, &cancel);
    assert_eq!(whole, Some(run(&columns.ohlcv(), &strategy, settings)));
    cancel.cancel();
    assert_eq!(
        super::run_until(&columns.ohlcv(), &strategy, settings, &cancel),
        None
    );
}
