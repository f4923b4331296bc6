//! Backtests on the wire.

use serde::{Deserialize, Serialize};

use crate::backtest::benchmark::Comparison;
use crate::backtest::monte_carlo::{MonteCarlo, Simulation};
use crate::backtest::walk_forward::WalkForward;
use crate::backtest::Strategy;

/// `POST /api/v1/backtest`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BacktestRequest {
    pub symbol: String,
    pub strategy: Strategy,
    #[serde(default = "default_cash")]
    pub cash: f64,
    #[serde(default = "default_commission")]
    pub commission: f64,
    #[serde(default)]
    pub allow_short: bool,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Also run consecutive (train, test) windows and report both sides apart.
    #[serde(default)]
    pub walk_forward: Option<WalkForward>,
    /// Alpha and Beta against this symbol's buy-and-hold, and its equity alongside.
    #[serde(default)]
    pub benchmark: Option<String>,
    /// Percentiles of the result over reshuffled or resampled runs.
    #[serde(default)]
    pub monte_carlo: Option<MonteCarlo>,
}

fn default_cash() -> f64 {
    10_000.0
}

fn default_commission() -> f64 {
    0.002
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EquityPoint {
    pub ts: String,
    pub equity: f64,
    /// Below the running peak, in percent (0 at a peak).
    pub drawdown_pct: f64,
    /// The cash held as the symbol from the first bar's close instead.
    pub buy_and_hold: f64,
    /// The cash held as the benchmark from the first bar's close, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<f64>,
}

/// `POST /api/v1/backtest`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BacktestReport {
    pub symbol: String,
    pub is_demo: bool,
    pub is_stale: bool,
    pub strategy: Strategy,
    pub stats: crate::backtest::stats::Stats,
    pub equity: Vec<EquityPoint>,
    pub trades: Vec<TradeView>,
    /// Present when the request asked for a walk-forward split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub walk_forward: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<Comparison>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<Simulation>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TradeView {
    pub entry_ts: String,
    pub exit_ts: String,
    /// `long` or `short`.
    pub side: String,
    pub size: i64,
    pub entry_price: f64,
    pub exit_price: f64,
    pub pnl: f64,
    /// In percent, after commissions.
    pub return_pct: f64,
}
