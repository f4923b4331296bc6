//! Walk-forward evaluation: the series is cut into consecutive (train, test) pairs
//! that step forward by the test length, and the strategy runs on each window as a
//! fresh account (its indicators still see the bars before the window). The
//! strategies have fixed rules, so nothing is fitted on the train windows: comparing
//! the two sides shows whether what worked on a stretch of history kept working on
//! the bars that came after it.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::cancel::Cancel;
use super::engine::{run_window_until, Outcome};
use super::{Settings, Strategy};
use crate::indicators::Ohlcv;

pub const MIN_TRAIN: usize = 20;
pub const MIN_TEST: usize = 5;
pub const MAX_FOLDS: usize = 200;

/// `"walk_forward": {"train": N, "test": M}` in bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WalkForward {
    pub train: usize,
    pub test: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    pub train: Range<usize>,
    pub test: Range<usize>,
}

impl WalkForward {
    pub fn validate(&self) -> Result<(), String> {
        if self.train < MIN_TRAIN || self.test < MIN_TEST {
            return Err(format!(
                "walk_forward needs train >= {MIN_TRAIN} and test >= {MIN_TEST} bars"
            ));
        }
        Ok(())
    }

    /// The whole folds inside `range`: train `[s, s + train)`, test right after it,
    /// then `s` moves on by `test`. Bars too few for a last whole fold are left out.
    pub fn folds(&self, range: Range<usize>) -> Vec<Fold> {
        let mut folds = Vec::new();
        let mut start = range.start;
        while start + self.train + self.test <= range.end {
            let split = start + self.train;
            folds.push(Fold {
                train: start..split,
                test: split..split + self.test,
            });
            start += self.test;
        }
        folds
    }
}

/// Each fold's train and test outcomes, bars counted from each window's start.
pub fn run(
    bars: &Ohlcv,
    strategy: &Strategy,
    settings: Settings,
    folds: &[Fold],
) -> Vec<(Outcome, Outcome)> {
    run_until(bars, strategy, settings, folds, &Cancel::default())
        .expect("a run nobody can cancel runs to the end")
}

/// [`run`], stopping early (`None`) once `cancel` is set.
pub fn run_until(
    bars: &Ohlcv,
    strategy: &Strategy,
    settings: Settings,
    folds: &[Fold],
    cancel: &Cancel,
) -> Option<Vec<(Outcome, Outcome)>> {
    folds
        .iter()
        .map(|fold| {
            Some((
                run_window_until(bars, strategy, settings, fold.train.clone(), cancel)?,
                run_window_until(bars, strategy, settings, fold.test.clone(), cancel)?,
            ))
        })
        .collect()
}

/// One side (all train windows, or all test windows) taken together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub folds: usize,
    pub bars: usize,
    /// The windows' returns compounded, as if each started with the last one's equity.
    #[serde(rename = "Return [%]")]
    pub return_pct: f64,
    #[serde(rename = "Avg. Fold Return [%]")]
    pub avg_fold_return: f64,
    #[serde(rename = "Worst Fold Return [%]")]
    pub worst_fold_return: f64,
    #[serde(rename = "Profitable Folds [%]")]
    pub profitable_folds: f64,
    /// The deepest drawdown of any window.
    #[serde(rename = "Max. Drawdown [%]")]
    pub max_drawdown: f64,
    #[serde(rename = "# Trades")]
    pub trades: usize,
    #[serde(rename = "Win Rate [%]")]
    pub win_rate: Option<f64>,
}

impl Summary {
    /// `None` without windows.
    pub fn of(outcomes: &[&Outcome]) -> Option<Summary> {
        if outcomes.is_empty() {
            return None;
        }
        let returns: Vec<f64> = outcomes.iter().map(|o| window_return(o)).collect();
        let trades: Vec<_> = outcomes.iter().flat_map(|o| &o.trades).collect();
        let wins = trades.iter().filter(|t| t.pnl > 0.0).count();
        Some(Summary {
            folds: outcomes.len(),
            bars: outcomes.iter().map(|o| o.equity.len()).sum(),
            return_pct: (returns.iter().map(|r| 1.0 + r).product::<f64>() - 1.0) * 100.0,
            avg_fold_return: returns.iter().sum::<f64>() / returns.len() as f64 * 100.0,
            worst_fold_return: returns.iter().copied().fold(f64::INFINITY, f64::min) * 100.0,
            profitable_folds: returns.iter().filter(|r| **r > 0.0).count() as f64
                / returns.len() as f64
                * 100.0,
            max_drawdown: -outcomes
                .iter()
                .map(|o| max_drawdown(&o.equity))
                .fold(0.0, f64::max)
                * 100.0,
            trades: trades.len(),
            win_rate: (!trades.is_empty()).then(|| wins as f64 / trades.len() as f64 * 100.0),
        })
    }

    /// Growth per bar (logarithmic), to compare windows of different lengths.
    fn growth_per_bar(&self) -> f64 {
        (1.0 + self.return_pct / 100.0).ln() / self.bars as f64
    }
}

/// Out-of-sample growth per bar over in-sample growth per bar: 1 means the test
/// windows did as well as the train windows, 0 or below that the edge vanished.
/// `None` when the train windows did not grow (nothing to hold up).
pub fn efficiency(in_sample: &Summary, out_of_sample: &Summary) -> Option<f64> {
    let reference = in_sample.growth_per_bar();
    (reference > 0.0 && reference.is_finite())
        .then(|| out_of_sample.growth_per_bar() / reference)
        .filter(|e| e.is_finite())
}

fn window_return(outcome: &Outcome) -> f64 {
    match (outcome.equity.first(), outcome.equity.last()) {
        (Some(first), Some(last)) if *first > 0.0 => last / first - 1.0,
        _ => 0.0,
    }
}

fn max_drawdown(equity: &[f64]) -> f64 {
    let mut peak = f64::MIN;
    equity
        .iter()
        .map(|e| {
            peak = peak.max(*e);
            if peak > 0.0 {
                1.0 - e / peak
            } else {
                0.0
            }
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::engine::{run as run_all, run_window, Trade};
    use crate::market::{demo, Columns};

    fn outcome(equity: &[f64], pnls: &[f64]) -> Outcome {
        Outcome {
            trades: pnls
                .iter()
                .map(|pnl| Trade {
                    size: 1,
                    entry_bar: 0,
                    exit_bar: 1,
                    entry_price: 1.0,
                    exit_price: 1.0,
                    pnl: *pnl,
                    return_pct: 0.0,
                    commissions: 0.0,
                })
                .collect(),
            equity: equity.to_vec(),
            warmup: 0,
        }
    }

    #[test]
    fn folds_step_by_the_test_length_and_stay_inside_the_range() {
        let plan = WalkForward {
            train: 30,
            test: 10,
        };
        let folds = plan.folds(5..70);
        assert_eq!(
            folds,
            vec![
                Fold {
                    train: 5..35,
                    test: 35..45
                },
                Fold {
                    train: 15..45,
                    test: 45..55
                },
                Fold {
                    train: 25..55,
                    test: 55..65
                },
            ]
        );
        assert!(plan.folds(0..39).is_empty());
        assert!(WalkForward { train: 19, test: 5 }.validate().is_err());
        assert!(WalkForward { train: 20, test: 4 }.validate().is_err());
        assert!(WalkForward { train: 20, test: 5 }.validate().is_ok());
    }

    #[test]
    fn summaries_compound_returns_and_count_every_trade() {
        let a = outcome(&[100.0, 120.0, 110.0], &[10.0, -5.0]);
        let b = outcome(&[100.0, 90.0, 95.0], &[-5.0]);
        let summary = Summary::of(&[&a, &b]).unwrap();
        assert_eq!(summary.folds, 2);
        assert_eq!(summary.bars, 6);
        // 1.10 × 0.95 − 1
        assert!((summary.return_pct - 4.5).abs() < 1e-9);
        assert!((summary.avg_fold_return - 2.5).abs() < 1e-9);
        assert!((summary.worst_fold_return + 5.0).abs() < 1e-9);
        assert_eq!(summary.profitable_folds, 50.0);
        // The deeper of 110/120 and 90/100.
        assert!((summary.max_drawdown + 10.0).abs() < 1e-9);
        assert_eq!(summary.trades, 3);
        assert!((summary.win_rate.unwrap() - 100.0 / 3.0).abs() < 1e-9);
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn efficiency_compares_growth_per_bar() {
        let grew = Summary::of(&[&outcome(&[100.0, 110.0], &[])]).unwrap();
        let same = Summary::of(&[&outcome(&[100.0, 105.0, 110.25], &[])]).unwrap();
        // ln(1.1025) over 3 bars against ln(1.1) over 2.
        let expected = (1.1025f64.ln() / 3.0) / (1.1f64.ln() / 2.0);
        assert!((efficiency(&grew, &same).unwrap() - expected).abs() < 1e-12);
        let lost = Summary::of(&[&outcome(&[100.0, 90.0], &[])]).unwrap();
        assert!(efficiency(&grew, &lost).unwrap() < 0.0);
        assert_eq!(efficiency(&lost, &grew), None);
    }

    #[test]
    fn a_window_trades_only_inside_itself_from_a_fresh_account() {
        let bars = demo::bars("AAPL", 20_000).unwrap();
        let columns = Columns::of(&bars);
        let ohlcv = columns.ohlcv();
        let strategy = Strategy::SmaCross { fast: 5, slow: 20 };
        let settings = Settings {
            cash: 10_000.0,
            commission: 0.002,
            allow_short: true,
        };
        let window = 300..500;
        let outcome = run_window(&ohlcv, &strategy, settings, window.clone());
        assert_eq!(outcome.equity.len(), window.len());
        assert_eq!(outcome.equity[0], 10_000.0);
        assert!(!outcome.trades.is_empty());
        for trade in &outcome.trades {
            // Decided on a close inside the window, filled at a later open.
            assert!(trade.entry_bar >= 1 && trade.exit_bar < window.len());
            let entry = window.start + trade.entry_bar;
            assert_eq!(trade.entry_price, ohlcv.open[entry]);
        }
        // The whole range as a window is the plain run.
        let full = 0..ohlcv.close.len();
        assert_eq!(
            run_window(&ohlcv, &strategy, settings, full),
            run_all(&ohlcv, &strategy, settings)
        );
    }

    #[test]
    fn a_window_sees_the_same_crossovers_as_the_whole_run() {
        // Without shorting, the full run's first trade entered inside the window is
        // also the window's first trade (same decision bar, same fill), as long as
        // the full run was flat when the window began.
        let bars = demo::bars("MSFT", 20_000).unwrap();
        let columns = Columns::of(&bars);
        let ohlcv = columns.ohlcv();
        let strategy = Strategy::SmaCross { fast: 10, slow: 30 };
        let settings = Settings {
            cash: 10_000.0,
            commission: 0.0,
            allow_short: false,
        };
        let whole = run_all(&ohlcv, &strategy, settings);
        let flat_gap = whole
            .trades
            .windows(2)
            .find(|pair| pair[1].entry_bar > pair[0].exit_bar + 2)
            .expect("a stretch without a position");
        let start = flat_gap[0].exit_bar + 1;
        let window = start..ohlcv.close.len();
        let part = run_window(&ohlcv, &strategy, settings, window);
        let first = &part.trades[0];
        assert_eq!(first.entry_bar + start, flat_gap[1].entry_bar);
        assert_eq!(first.entry_price, flat_gap[1].entry_price);
    }
}
