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
    /// Jensen's alpha against buy-and-hold: Return − Beta × Buy & Hold Return.
    #[serde(rename = "Alpha [%]")]
    pub alpha: Option<f64>,
    /// Covariance of the equity's and the market's daily log returns over the
    /// market's variance.
    #[serde(rename = "Beta")]
    pub beta: Option<f64>,
    #[serde(rename = "Max. Drawdown [%]")]
    pub max_drawdown: f64,
    #[serde(rename = "Avg. Drawdown [%]")]
    pub avg_drawdown: Option<f64>,
    #[serde(rename = "Max. Drawdown Duration")]
    pub max_drawdown_duration_days: Option<i64>,
    #[serde(rename = "Avg. Drawdown Duration")]
    pub avg_drawdown_duration_days: Option<i64>,
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
    #[serde(rename = "Max. Trade Duration")]
    pub max_trade_duration_days: Option<i64>,
    #[serde(rename = "Avg. Trade Duration")]
    pub avg_trade_duration_days: Option<i64>,
    #[serde(rename = "Profit Factor")]
    pub profit_factor: Option<f64>,
    #[serde(rename = "Expectancy [%]")]
    pub expectancy: Option<f64>,
    #[serde(rename = "SQN")]
    pub sqn: Option<f64>,
    /// The fraction of equity to risk per trade: win rate − loss rate / payoff ratio.
    #[serde(rename = "Kelly Criterion")]
    pub kelly: Option<f64>,
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

/// backtesting.py rounds mean durations up to the bars' resolution: whole days.
fn mean_days_rounded_up(days: &[i64]) -> Option<i64> {
    (!days.is_empty()).then(|| (days.iter().sum::<i64>() as f64 / days.len() as f64).ceil() as i64)
}

/// The return of holding `close` from bar `first` to the end, in percent.
pub fn hold_return(close: &[f64], first: usize) -> f64 {
    let n = close.len();
    (close[n - 1] - close[first]) / close[first] * 100.0
}

/// Jensen's alpha (Return − Beta × the market's return, both in percent) and beta of
/// `equity` against the `market` closes on the same bars, as backtesting.py has them.
pub fn alpha_beta(
    equity: &[f64],
    market: &[f64],
    return_pct: f64,
    market_return: f64,
) -> (Option<f64>, Option<f64>) {
    let beta = beta(equity, market);
    (beta.map(|b| return_pct - b * market_return), beta)
}

/// Beta of `equity` against `close`: the covariance of their daily log returns over
/// the variance of the market's (`np.cov`, whose n − 1 cancels in the ratio).
fn beta(equity: &[f64], close: &[f64]) -> Option<f64> {
    if equity.len() < 3 || close.len() < 3 {
        return None;
    }
    let log_returns =
        |values: &[f64]| -> Vec<f64> { values.windows(2).map(|w| (w[1] / w[0]).ln()).collect() };
    let (ours, market) = (log_returns(equity), log_returns(close));
    let (mean_ours, mean_market) = (mean(&ours), mean(&market));
    let covariance: f64 = ours
        .iter()
        .zip(&market)
        .map(|(a, b)| (a - mean_ours) * (b - mean_market))
        .sum();
    let market_variance: f64 = market.iter().map(|b| (b - mean_market).powi(2)).sum();
    finite(covariance / market_variance)
}

/// Kelly criterion as backtesting.py computes it: win rate − (1 − win rate) over the
/// ratio of the mean winning to the mean losing PnL (none without a win and a loss).
fn kelly(pnls: &[f64]) -> Option<f64> {
    let wins: Vec<f64> = pnls.iter().copied().filter(|p| *p > 0.0).collect();
    let losses: Vec<f64> = pnls.iter().copied().filter(|p| *p < 0.0).collect();
    if wins.is_empty() || losses.is_empty() {
        return None;
    }
    let win_rate = wins.len() as f64 / pnls.len() as f64;
    finite(win_rate - (1.0 - win_rate) / (mean(&wins) / -mean(&losses)))
}

/// What the equity curve alone says, trades aside: the statistics a single backtest
/// and a portfolio share, computed backtesting.py's way.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub duration_days: i64,
    pub equity_final: f64,
    pub equity_peak: f64,
    pub return_pct: f64,
    pub return_annual: f64,
    pub volatility_annual: f64,
    pub cagr: Option<f64>,
    pub sharpe: Option<f64>,
    pub sortino: Option<f64>,
    pub calmar: Option<f64>,
    pub max_drawdown: f64,
    pub avg_drawdown: Option<f64>,
    pub max_drawdown_duration_days: Option<i64>,
    pub avg_drawdown_duration_days: Option<i64>,
}

/// Drawdown on each bar: 1 − equity / its running peak.
pub fn drawdowns(equity: &[f64]) -> Vec<f64> {
    let mut peak = f64::MIN;
    equity
        .iter()
        .map(|e| {
            peak = peak.max(*e);
            1.0 - e / peak
        })
        .collect()
}

/// `equity` on the days `days` (day numbers, one per bar, at least one bar); return
/// and CAGR are measured from `start` (a single backtest's first equity; a portfolio's
/// cash before its first orders' commission).
pub fn curve(equity: &[f64], days: &[i64], start: f64) -> Curve {
    let n = equity.len();
    // Drawdown periods run between bars at a peak.
    let drawdown = drawdowns(equity);
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
    Curve {
        duration_days,
        equity_final: equity[n - 1],
        equity_peak: equity.iter().copied().fold(f64::MIN, f64::max),
        return_pct: (equity[n - 1] - start) / start * 100.0,
        return_annual: annual * 100.0,
        volatility_annual: volatility * 100.0,
        cagr: (years > 0.0).then(|| ((equity[n - 1] / start).powf(1.0 / years) - 1.0) * 100.0),
        sharpe: finite(annual / volatility),
        sortino: finite(annual / (downside * TRADING_DAYS.sqrt())),
        calmar: finite(annual / max_dd),
        max_drawdown: -max_dd * 100.0,
        avg_drawdown: (!peaks.is_empty()).then(|| -mean(&peaks) * 100.0),
        max_drawdown_duration_days: durations.iter().copied().max(),
        avg_drawdown_duration_days: mean_days_rounded_up(&durations),
    }
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
    let curve = curve(equity, days, equity[0]);

    let returns: Vec<f64> = trades.iter().map(|t| t.return_pct).collect();
    let pnls: Vec<f64> = trades.iter().map(|t| t.pnl).collect();
    let has_trades = !trades.is_empty();
    let wins: f64 = returns.iter().filter(|r| **r > 0.0).sum();
    let losses: f64 = returns.iter().filter(|r| **r < 0.0).sum::<f64>().abs();
    let first = outcome.warmup.min(n - 1);
    let buy_and_hold = hold_return(close, first);
    let (alpha, beta) = alpha_beta(equity, close, curve.return_pct, buy_and_hold);
    let trade_days: Vec<i64> = trades
        .iter()
        .map(|t| days[t.exit_bar.min(n - 1)] - days[t.entry_bar.min(n - 1)])
        .collect();

    Stats {
        start: format_day(days[0]),
        end: format_day(days[n - 1]),
        duration_days: curve.duration_days,
        exposure_time,
        equity_final: curve.equity_final,
        equity_peak: curve.equity_peak,
        commissions: trades.iter().map(|t| t.commissions).sum(),
        return_pct: curve.return_pct,
        buy_and_hold,
        return_annual: curve.return_annual,
        volatility_annual: curve.volatility_annual,
        cagr: curve.cagr,
        sharpe: curve.sharpe,
        sortino: curve.sortino,
        calmar: curve.calmar,
        alpha,
        beta,
        max_drawdown: curve.max_drawdown,
        avg_drawdown: curve.avg_drawdown,
        max_drawdown_duration_days: curve.max_drawdown_duration_days,
        avg_drawdown_duration_days: curve.avg_drawdown_duration_days,
        trades: trades.len(),
        win_rate: has_trades
            .then(|| pnls.iter().filter(|p| **p > 0.0).count() as f64 / pnls.len() as f64 * 100.0),
        best_trade: has_trades.then(|| returns.iter().copied().fold(f64::MIN, f64::max) * 100.0),
        worst_trade: has_trades.then(|| returns.iter().copied().fold(f64::MAX, f64::min) * 100.0),
        avg_trade: has_trades.then(|| geometric_mean(&returns) * 100.0),
        max_trade_duration_days: trade_days.iter().copied().max(),
        avg_trade_duration_days: mean_days_rounded_up(&trade_days),
        profit_factor: finite(wins / losses),
        expectancy: has_trades.then(|| mean(&returns) * 100.0),
        sqn: (trades.len() > 1)
            .then(|| (trades.len() as f64).sqrt() * mean(&pnls) / variance(&pnls).sqrt())
            .and_then(finite),
        kelly: kelly(&pnls),
    }
}

/// The statistics a sweep can maximise, by their reported names.
pub const NUMERIC: [&str; 30] = [
    "Duration",
    "Exposure Time [%]",
    "Equity Final [$]",
    "Equity Peak [$]",
    "Commissions [$]",
    "Return [%]",
    "Buy & Hold Return [%]",
    "Return (Ann.) [%]",
    "Volatility (Ann.) [%]",
    "CAGR [%]",
    "Sharpe Ratio",
    "Sortino Ratio",
    "Calmar Ratio",
    "Alpha [%]",
    "Beta",
    "Max. Drawdown [%]",
    "Avg. Drawdown [%]",
    "Max. Drawdown Duration",
    "Avg. Drawdown Duration",
    "# Trades",
    "Win Rate [%]",
    "Best Trade [%]",
    "Worst Trade [%]",
    "Avg. Trade [%]",
    "Max. Trade Duration",
    "Avg. Trade Duration",
    "Profit Factor",
    "Expectancy [%]",
    "SQN",
    "Kelly Criterion",
];

impl Stats {
    /// The statistic called `name` (`None` inside: not defined for this run, such as
    /// SQN with one trade); `None` outside: no numeric statistic has that name.
    pub fn value(&self, name: &str) -> Option<Option<f64>> {
        let days = |d: Option<i64>| d.map(|d| d as f64);
        Some(
            match name {
                "Duration" => Some(self.duration_days as f64),
                "Exposure Time [%]" => Some(self.exposure_time),
                "Equity Final [$]" => Some(self.equity_final),
                "Equity Peak [$]" => Some(self.equity_peak),
                "Commissions [$]" => Some(self.commissions),
                "Return [%]" => Some(self.return_pct),
                "Buy & Hold Return [%]" => Some(self.buy_and_hold),
                "Return (Ann.) [%]" => Some(self.return_annual),
                "Volatility (Ann.) [%]" => Some(self.volatility_annual),
                "CAGR [%]" => self.cagr,
                "Sharpe Ratio" => self.sharpe,
                "Sortino Ratio" => self.sortino,
                "Calmar Ratio" => self.calmar,
                "Alpha [%]" => self.alpha,
                "Beta" => self.beta,
                "Max. Drawdown [%]" => Some(self.max_drawdown),
                "Avg. Drawdown [%]" => self.avg_drawdown,
                "Max. Drawdown Duration" => days(self.max_drawdown_duration_days),
                "Avg. Drawdown Duration" => days(self.avg_drawdown_duration_days),
                "# Trades" => Some(self.trades as f64),
                "Win Rate [%]" => self.win_rate,
                "Best Trade [%]" => self.best_trade,
                "Worst Trade [%]" => self.worst_trade,
                "Avg. Trade [%]" => self.avg_trade,
                "Max. Trade Duration" => days(self.max_trade_duration_days),
                "Avg. Trade Duration" => days(self.avg_trade_duration_days),
                "Profit Factor" => self.profit_factor,
                "Expectancy [%]" => self.expectancy,
                "SQN" => self.sqn,
                "Kelly Criterion" => self.kelly,
                _ => return None,
            }
            .filter(|v| v.is_finite()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::{run, Settings, Strategy};
    use crate::market::{demo, Columns, DAY_SECS};

    #[test]
    fn every_numeric_statistic_is_reported_under_its_name_with_its_value() {
        let bars = demo::bars("AAPL", 20_000).unwrap();
        let columns = Columns::of(&bars);
        let settings = Settings {
            cash: 10_000.0,
            commission: 0.002,
            allow_short: true,
        };
        let outcome = run(
            &columns.ohlcv(),
            &Strategy::SmaCross { fast: 10, slow: 30 },
            settings,
        );
        let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
        let stats = compute(&outcome, &days, &columns.close, |d| d.to_string());
        let json = serde_json::to_value(&stats).unwrap();
        let reported: Vec<&String> = json
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| v.is_number())
            .map(|(k, _)| k)
            .collect();
        assert_eq!(reported.len(), NUMERIC.len());
        for name in NUMERIC {
            assert_eq!(stats.value(name).unwrap(), json[name].as_f64(), "{name}");
        }
        assert_eq!(stats.value("Start"), None);
        assert_eq!(stats.value("Luck"), None);
    }

    #[test]
    fn kelly_needs_a_win_and_a_loss_and_beta_compares_log_returns() {
        assert_eq!(kelly(&[1.0, 2.0]), None);
        assert_eq!(kelly(&[-1.0]), None);
        // Win rate 2/3, mean win 2, mean loss 1: 2/3 − (1/3) / 2.
        assert!((kelly(&[1.0, 3.0, -1.0]).unwrap() - 0.5).abs() < 1e-12);
        // Equity that doubles the market's log moves has beta 2.
        let market = [100.0, 110.0, 99.0, 105.0];
        let equity: Vec<f64> = market.iter().map(|c: &f64| c * c / 100.0).collect();
        assert!((beta(&equity, &market).unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(mean_days_rounded_up(&[3, 4]), Some(4));
        assert_eq!(mean_days_rounded_up(&[]), None);
    }
}
