//! What a backtest will cost, estimated before it runs: the number a tier's
//! `backtest_budget` is compared with.

use super::walk_forward::Fold;
use super::Strategy;

/// What one decision of `strategy` costs, in bars looked at: a model re-evaluates
/// its whole window, the indicator strategies read precomputed lines.
fn cost_per_bar(strategy: &Strategy) -> u64 {
    match strategy {
        Strategy::Model { .. } => super::strategy::MODEL_WINDOW as u64,
        Strategy::SmaCross { .. } | Strategy::RsiReversion { .. } => 1,
    }
}

/// The estimated cost of a backtest over `bars` bars plus its walk-forward folds,
/// in bar evaluations: the number a tier's `backtest_budget` is compared with.
pub fn estimated_cost(strategy: &Strategy, bars: usize, folds: &[Fold]) -> u64 {
    let fold_bars: usize = folds.iter().map(|f| f.train.len() + f.test.len()).sum();
    (bars as u64 + fold_bars as u64).saturating_mul(cost_per_bar(strategy))
}

/// The estimated cost of a sweep: every runnable combination over `bars` bars, and
/// with walk-forward folds, every combination on each train window plus the chosen
/// one on each test window.
pub fn sweep_cost(strategies: &[Strategy], bars: usize, folds: &[Fold]) -> u64 {
    let train: usize = folds.iter().map(|f| f.train.len()).sum();
    let test: usize = folds.iter().map(|f| f.test.len()).sum();
    let per_bar: u64 = strategies.iter().map(cost_per_bar).max().unwrap_or(1);
    let runs = strategies.len() as u64;
    runs.saturating_mul(bars as u64 + train as u64)
        .saturating_add(test as u64)
        .saturating_mul(per_bar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::Model;

    #[test]
    fn cost_counts_every_window_and_the_model_window() {
        let sma = Strategy::SmaCross { fast: 5, slow: 20 };
        assert_eq!(estimated_cost(&sma, 1_000, &[]), 1_000);
        let folds = [
            Fold {
                train: 0..100,
                test: 100..120,
            },
            Fold {
                train: 20..120,
                test: 120..140,
            },
        ];
        assert_eq!(estimated_cost(&sma, 1_000, &folds), 1_240);
        let model = Strategy::Model {
            model: Model::Ensemble,
        };
        assert_eq!(
            estimated_cost(&model, 1_000, &[]),
            1_000 * super::super::strategy::MODEL_WINDOW as u64
        );
    }

    #[test]
    fn a_sweep_costs_every_combination_on_every_train_window() {
        let pairs = [
            Strategy::SmaCross { fast: 5, slow: 20 },
            Strategy::SmaCross { fast: 10, slow: 20 },
        ];
        assert_eq!(sweep_cost(&pairs, 1_000, &[]), 2_000);
        let folds = [Fold {
            train: 0..100,
            test: 100..120,
        }];
        assert_eq!(sweep_cost(&pairs, 1_000, &folds), 2 * 1_100 + 20);
    }
}
