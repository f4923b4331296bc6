//! Monte Carlo's speed (issue 19: 1 000 runs in under 100 ms for a typical backtest):
//! an SMA-crossover backtest on ~2 100 demo bars of AAPL, then 1 000 runs of each
//! method, best of 20. Prints milliseconds and the ratio to the 100 ms target.

use std::hint::black_box;
use std::time::Instant;

use investment_system::backtest::monte_carlo::{simulate, Method, MonteCarlo};
use investment_system::backtest::{run, Cancel, Settings, Strategy};
use investment_system::market::{demo, Columns};

/// 2023-01-19: 420 weeks of weekdays after the demo market's first day, 2 100 bars.
const LAST_DAY: i64 = 19_376;
const RUNS: usize = 1_000;
const REPEATS: usize = 20;
const TARGET_MS: f64 = 100.0;

fn main() {
    let bars = demo::bars("AAPL", LAST_DAY).expect("demo bars");
    let columns = Columns::of(&bars);
    let settings = Settings {
        cash: 10_000.0,
        commission: 0.002,
        allow_short: false,
    };
    let outcome = run(
        &columns.ohlcv(),
        &Strategy::SmaCross { fast: 10, slow: 30 },
        settings,
    );
    println!(
        "{} bars, {} trades; {RUNS} runs, best of {REPEATS}",
        outcome.equity.len(),
        outcome.trades.len()
    );
    println!("{:<20}{:>10}{:>14}", "method", "ms", "ms / 100 ms");
    for (name, method) in [
        ("shuffle_trades", Method::ShuffleTrades),
        ("bootstrap_returns", Method::BootstrapReturns),
    ] {
        let plan = MonteCarlo {
            runs: RUNS,
            method,
            seed: Some(42),
        };
        let cancel = Cancel::default();
        let mut best = f64::MAX;
        for _ in 0..REPEATS {
            let started = Instant::now();
            black_box(simulate(&outcome, settings.cash, &plan, 42, &cancel));
            best = best.min(started.elapsed().as_secs_f64() * 1e3);
        }
        println!("{name:<20}{best:>10.2}{:>14.3}", best / TARGET_MS);
    }
}
