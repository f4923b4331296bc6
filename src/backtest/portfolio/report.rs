//! A portfolio's statistics, under backtesting.py's names where one applies.

use serde::{Deserialize, Serialize};

use super::simulate::Path;
use crate::backtest::stats::{self, hold_return};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortfolioStats {
    #[serde(rename = "Start")]
    pub start: String,
    #[serde(rename = "End")]
    pub end: String,
    #[serde(rename = "Duration")]
    pub duration_days: i64,
    #[serde(rename = "Equity Final [$]")]
    pub equity_final: f64,
    #[serde(rename = "Equity Peak [$]")]
    pub equity_peak: f64,
    #[serde(rename = "Commissions [$]")]
    pub commissions: f64,
    #[serde(rename = "Return [%]")]
    pub return_pct: f64,
    #[serde(rename = "Return (Ann.) [%]")]
    pub return_annual: f64,
    #[serde(rename = "CAGR [%]")]
    pub cagr: Option<f64>,
    #[serde(rename = "Volatility (Ann.) [%]")]
    pub volatility_annual: f64,
    #[serde(rename = "Sharpe Ratio")]
    pub sharpe: Option<f64>,
    #[serde(rename = "Sortino Ratio")]
    pub sortino: Option<f64>,
    #[serde(rename = "Calmar Ratio")]
    pub calmar: Option<f64>,
    /// Against the benchmark (none without one): Return − Beta × the benchmark's return.
    #[serde(rename = "Alpha [%]")]
    pub alpha: Option<f64>,
    #[serde(rename = "Beta")]
    pub beta: Option<f64>,
    #[serde(rename = "Benchmark Return [%]")]
    pub benchmark_return: Option<f64>,
    #[serde(rename = "Max. Drawdown [%]")]
    pub max_drawdown: f64,
    #[serde(rename = "Avg. Drawdown [%]")]
    pub avg_drawdown: Option<f64>,
    #[serde(rename = "Max. Drawdown Duration")]
    pub max_drawdown_duration_days: Option<i64>,
    #[serde(rename = "Avg. Drawdown Duration")]
    pub avg_drawdown_duration_days: Option<i64>,
    /// Value bought plus value sold, halved, over the mean equity (the first purchase
    /// included), in percent.
    #[serde(rename = "Turnover [%]")]
    pub turnover: f64,
    #[serde(rename = "# Rebalances")]
    pub rebalances: usize,
    #[serde(rename = "# Orders")]
    pub orders: usize,
}

/// `days` are the calendar's day numbers; `benchmark` its closes on those days.
/// Return and CAGR are measured from the starting `cash`, so the first bar's
/// commission counts (the equity curve starts after those first orders).
pub fn summarise(
    path: &Path,
    cash: f64,
    days: &[i64],
    benchmark: Option<&[f64]>,
    format_day: impl Fn(i64) -> String,
) -> PortfolioStats {
    let equity = &path.equity;
    let n = equity.len();
    let curve = stats::curve(equity, days, cash);
    let benchmark_return = benchmark.map(|closes| hold_return(closes, 0));
    let (alpha, beta) = match (benchmark, benchmark_return) {
        (Some(closes), Some(market)) => stats::alpha_beta(equity, closes, curve.return_pct, market),
        _ => (None, None),
    };
    let traded: f64 = path.rebalances.iter().map(|r| r.traded).sum();
    let mean_equity = equity.iter().sum::<f64>() / n as f64;
    PortfolioStats {
        start: format_day(days[0]),
        end: format_day(days[n - 1]),
        duration_days: curve.duration_days,
        equity_final: curve.equity_final,
        equity_peak: curve.equity_peak,
        commissions: path.fees.iter().sum(),
        return_pct: curve.return_pct,
        return_annual: curve.return_annual,
        cagr: curve.cagr,
        volatility_annual: curve.volatility_annual,
        sharpe: curve.sharpe,
        sortino: curve.sortino,
        calmar: curve.calmar,
        alpha,
        beta,
        benchmark_return,
        max_drawdown: curve.max_drawdown,
        avg_drawdown: curve.avg_drawdown,
        max_drawdown_duration_days: curve.max_drawdown_duration_days,
        avg_drawdown_duration_days: curve.avg_drawdown_duration_days,
        turnover: traded / 2.0 / mean_equity * 100.0,
        rebalances: path.rebalances.len(),
        orders: path.orders,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::portfolio::{simulate, Rebalance};

    #[test]
    fn holding_the_benchmark_itself_has_beta_one_and_no_alpha() {
        let closes = [100.0, 110.0, 99.0, 120.0, 130.0];
        let path = simulate(
            &[&closes],
            &[Rebalance {
                row: 0,
                targets: vec![1.0],
            }],
            1_000.0,
            0.0,
        );
        let days = [0, 1, 2, 3, 4];
        let stats = summarise(&path, 1_000.0, &days, Some(&closes), |d| d.to_string());
        assert!((stats.beta.unwrap() - 1.0).abs() < 1e-12);
        assert!(stats.alpha.unwrap().abs() < 1e-9);
        assert!((stats.return_pct - 30.0).abs() < 1e-9);
        assert_eq!((stats.rebalances, stats.orders), (1, 1));
        // One purchase of 1 000 over a mean equity of 1 118: 44.7 %.
        assert!((stats.turnover - 1_000.0 / 2.0 / 1_118.0 * 100.0).abs() < 1e-9);
        let alone = summarise(&path, 1_000.0, &days, None, |d| d.to_string());
        assert_eq!(
            (alone.alpha, alone.beta, alone.benchmark_return),
            (None, None, None)
        );
    }
}
