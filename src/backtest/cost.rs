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
}
