//! The statistics backtesting.py reports, computed its way, under its names.

use serde::{Deserialize, Serialize};

use super::engine::Outcome;

/// Days per year of bars (daily bars without weekends), as backtesting.py assumes.
const TRADING_DAYS: f64 = 252.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Stats {
    #[serde(rename = "Start")]
    pub start: String,
    #[serde(rename = "End")]
    pub end: String,
    #[serde(rename = "Duration")]
    pub duration_days: i64,
    #[serde(rename = "Exposure Time [%]")]
    pub exposure_time: f64,
    #[serde(rename = "Equity Final [$]")]
    pub equity_final: f64,
    #[serde(rename = "Equity Peak [$]")]
    pub equity_peak: f64,
    #[serde(rename = "Commissions [$]")]
    pub commissions: f64,
    #[serde(rename = "Return [%]")]
    pub return_pct: f64,
    #[serde(rename = "Buy & Hold Return [%]")]
    pub buy_and_hold: f64,
    #[serde(rename = "Return (Ann.) [%]")]
    pub return_annual: f64,
    #[serde(rename = "Volatility (Ann.) [%]")]
    pub volatility_annual: f64,
    #[serde(rename = "CAGR [%]")]
    pub cagr: Option<f64>,
    #[serde(rename = "Sharpe Ratio")]
    pub sharpe: Option<f64>,
    #[serde(rename = "Sortino Ratio")]
    pub sortino: Option<f64>,
    #[serde(rename = "Calmar Ratio")]
    pub calmar: Option<f64>,
    #[serde(rename = "Max. Drawdown [%]")]
    pub max_drawdown: f64,
    #[serde(rename = "Avg. Drawdown [%]")]
    pub avg_drawdown: Option<f64>,
    #[serde(rename = "Max. Drawdown Duration")]
    pub max_drawdown_duration_days: Option<i64>,
    #[serde(rename = "# Trades")]
    pub trades: usize,
    #[serde(rename = "Win Rate [%]")]
    pub win_rate: Option<f64>,
    #[serde(rename = "Best Trade [%]")]
    pub best_trade: Option<f64>,
    #[serde(rename = "Worst Trade [%]")]
    pub worst_trade: Option<f64>,
    #[serde(rename = "Avg. Trade [%]")]
    pub avg_trade: Option<f64>,
    #[serde(rename = "Profit Factor")]
    pub profit_factor: Option<f64>,
    #[serde(rename = "Expectancy [%]")]
    pub expectancy: Option<f64>,
    #[serde(rename = "SQN")]
    pub sqn: Option<f64>,
}

/// backtesting.py's geometric mean: 0 when any return is −100 % or worse.
fn geometric_mean(returns: &[f64]) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    if returns.iter().any(|r| 1.0 + r <= 0.0) {
        return 0.0;
    }
    (returns.iter().map(|r| (1.0 + r).ln()).sum::<f64>() / returns.len() as f64).exp() - 1.0
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Sample variance (n − 1).
fn variance(values: &[f64]) -> f64 {
    let m = mean(values);
    values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() as f64 - 1.0)
}

/// `days` are the bars' day numbers; `close` the closing prices.
pub fn compute(
    outcome: &Outcome,
    days: &[i64],
    close: &[f64],
    format_day: impl Fn(i64) -> String,
) -> Stats {
    let equity = &outcome.equity;
    let n = equity.len();
    let trades = &outcome.trades;

    let mut exposed = vec![false; n];
    for t in trades {
        for flag in &mut exposed[t.entry_bar..=t.exit_bar.min(n - 1)] {
            *flag = true;
        }
    }
    let exposure_time = exposed.iter().filter(|e| **e).count() as f64 / n as f64 * 100.0;

    // Drawdown: 1 − equity / running peak; periods run between bars at a peak.
    let mut peak = f64::MIN;
    let drawdown: Vec<f64> = equity
        .iter()
        .map(|e| {
            peak = peak.max(*e);
            1.0 - e / peak
        })
        .collect();
    let max_dd = drawdown.iter().copied().fold(0.0, f64::max);
    let mut marks: Vec<usize> = (0..n).filter(|&i| drawdown[i] == 0.0).collect();
    if marks.last() != Some(&(n - 1)) {
        marks.push(n - 1);
    }
    let mut peaks = Vec::new();
    let mut durations = Vec::new();
    for pair in marks.windows(2) {
        let (prev, at) = (pair[0], pair[1]);
        if at > prev + 1 {
            peaks.push(drawdown[prev..=at].iter().copied().fold(f64::MIN, f64::max));
            durations.push(days[at] - days[prev]);
        }
    }

    let day_returns: Vec<f64> = equity.windows(2).map(|w| w[1] / w[0] - 1.0).collect();
    let g = geometric_mean(&day_returns);
    let annual = (1.0 + g).powf(TRADING_DAYS) - 1.0;
    let volatility = ((variance(&day_returns) + (1.0 + g).powi(2)).powf(TRADING_DAYS)
        - (1.0 + g).powf(2.0 * TRADING_DAYS))
    .sqrt();
    let downside = (day_returns.iter().map(|r| r.min(0.0).powi(2)).sum::<f64>()
        / day_returns.len() as f64)
        .sqrt();
    let duration_days = days[n - 1] - days[0];
    let years = duration_days as f64 / 365.25;

    let returns: Vec<f64> = trades.iter().map(|t| t.return_pct).collect();
    let pnls: Vec<f64> = trades.iter().map(|t| t.pnl).collect();
    let has_trades = !trades.is_empty();
    let wins: f64 = returns.iter().filter(|r| **r > 0.0).sum();
    let losses: f64 = returns.iter().filter(|r| **r < 0.0).sum::<f64>().abs();
    let first = outcome.warmup.min(n - 1);

    Stats {
        start: format_day(days[0]),
        end: format_day(days[n - 1]),
        duration_days,
        exposure_time,
        equity_final: equity[n - 1],
        equity_peak: equity.iter().copied().fold(f64::MIN, f64::max),
        commissions: trades.iter().map(|t| t.commissions).sum(),
        return_pct: (equity[n - 1] - equity[0]) / equity[0] * 100.0,
        buy_and_hold: (close[n - 1] - close[first]) / close[first] * 100.0,
        return_annual: annual * 100.0,
        volatility_annual: volatility * 100.0,
        cagr: (years > 0.0).then(|| ((equity[n - 1] / equity[0]).powf(1.0 / years) - 1.0) * 100.0),
        sharpe: finite(annual / volatility),
        sortino: finite(annual / (downside * TRADING_DAYS.sqrt())),
        calmar: finite(annual / max_dd),
        max_drawdown: -max_dd * 100.0,
        avg_drawdown: (!peaks.is_empty()).then(|| -mean(&peaks) * 100.0),
        max_drawdown_duration_days: durations.iter().copied().max(),
        trades: trades.len(),
        win_rate: has_trades
            .then(|| pnls.iter().filter(|p| **p > 0.0).count() as f64 / pnls.len() as f64 * 100.0),
        best_trade: has_trades.then(|| returns.iter().copied().fold(f64::MIN, f64::max) * 100.0),
        worst_trade: has_trades.then(|| returns.iter().copied().fold(f64::MAX, f64::min) * 100.0),
        avg_trade: has_trades.then(|| geometric_mean(&returns) * 100.0),
        profit_factor: finite(wins / losses),
        expectancy: has_trades.then(|| mean(&returns) * 100.0),
        sqn: (trades.len() > 1)
            .then(|| (trades.len() as f64).sqrt() * mean(&pnls) / variance(&pnls).sqrt())
            .and_then(finite),
    }
}
