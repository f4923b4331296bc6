//! A backtest measured against another symbol's buy-and-hold (an index, a sector
//! fund): the benchmark's closes on the backtest's days, and Alpha and Beta against
//! it instead of against the traded symbol.

use serde::{Deserialize, Serialize};

use super::stats::{alpha_beta, hold_return, Stats};

/// `"benchmark": {…}` in a backtest's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub symbol: String,
    /// The benchmark held over the same bars (from the first decision), in percent.
    pub return_pct: f64,
    /// `Return [%]` minus the benchmark's return, in percentage points.
    pub excess_return: f64,
    /// Against the benchmark (the statistics' `Alpha [%]` and `Beta` are these too).
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
}

/// The benchmark's close on each of `days`: that day's, or the last one before it
/// when the benchmark did not trade that day. `None` when the benchmark has no bar
/// on or before the first day. `bench_days` must be ascending.
pub fn aligned_closes(days: &[i64], bench_days: &[i64], bench_close: &[f64]) -> Option<Vec<f64>> {
    let mut next = 0;
    let mut last = None;
    days.iter()
        .map(|day| {
            while next < bench_days.len() && bench_days[next] <= *day {
                last = Some(bench_close[next]);
                next += 1;
            }
            last
        })
        .collect()
}

/// Compares the run (its `equity`, first decision at bar `first`) with the benchmark's
/// `closes` on the same bars, and puts Alpha and Beta against it into `stats`.
pub fn compare(
    symbol: &str,
    stats: &mut Stats,
    equity: &[f64],
    first: usize,
    closes: &[f64],
) -> Comparison {
    let return_pct = hold_return(closes, first.min(closes.len() - 1));
    let (alpha, beta) = alpha_beta(equity, closes, stats.return_pct, return_pct);
    stats.alpha = alpha;
    stats.beta = beta;
    Comparison {
        symbol: symbol.to_string(),
        return_pct,
        excess_return: stats.return_pct - return_pct,
        alpha,
        beta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_days_take_the_last_close_before_them() {
        let closes = aligned_closes(&[1, 2, 3, 5, 6], &[0, 2, 4, 6], &[10.0, 11.0, 12.0, 13.0]);
        assert_eq!(closes, Some(vec![10.0, 11.0, 11.0, 12.0, 13.0]));
        assert_eq!(aligned_closes(&[1, 2], &[2, 3], &[1.0, 2.0]), None);
    }

    #[test]
    fn alpha_and_beta_move_to_the_benchmark() {
        let equity = [100.0, 110.0, 99.0, 118.8];
        let traded = [50.0, 51.0, 52.0, 53.0];
        // The account moves exactly twice the benchmark's log returns: beta 2.
        let bench: Vec<f64> = equity
            .iter()
            .map(|e: &f64| 10.0 * (e / 100.0).sqrt())
            .collect();
        let outcome = crate::backtest::Outcome {
            trades: vec![],
            equity: equity.to_vec(),
            warmup: 0,
        };
        let days = [0, 1, 2, 3];
        let mut stats =
            crate::backtest::stats::compute(&outcome, &days, &traded, |d| d.to_string());
        let comparison = compare("SPY", &mut stats, &equity, 0, &bench);
        assert!((comparison.beta.unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(stats.beta, comparison.beta);
        let bench_return = (bench[3] / bench[0] - 1.0) * 100.0;
        assert!((comparison.return_pct - bench_return).abs() < 1e-9);
        assert!((comparison.excess_return - (18.8 - bench_return)).abs() < 1e-9);
        assert!((stats.alpha.unwrap() - (18.8 - 2.0 * bench_return)).abs() < 1e-9);
    }
}
