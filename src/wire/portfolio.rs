//! Portfolio backtests on the wire.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::backtest::portfolio::{PortfolioStats, Rebalancing};

/// `POST /api/v1/backtest/portfolio`: `symbols` or `watchlist_id`, not both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortfolioRequest {
    #[serde(default)]
    pub symbols: Option<Vec<String>>,
    /// One of the caller's watchlists: its symbols, in their order.
    #[serde(default)]
    pub watchlist_id: Option<String>,
    #[serde(default)]
    pub weights: WeightsSpec,
    #[serde(default)]
    pub rebalance: Rebalancing,
    #[serde(default = "default_cash")]
    pub cash: f64,
    #[serde(default = "default_commission")]
    pub commission: f64,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Alpha and Beta against this symbol, and its equity alongside.
    #[serde(default)]
    pub benchmark: Option<String>,
}

fn default_cash() -> f64 {
    100_000.0
}

fn default_commission() -> f64 {
    0.001
}

/// `"equal"`, `"inverse_volatility"`, `{"model": "ensemble"}` or `{"AAPL": 0.4, …}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum WeightsSpec {
    Named(String),
    Model(ModelWeights),
    Explicit(BTreeMap<String, f64>),
}

impl Default for WeightsSpec {
    fn default() -> WeightsSpec {
        WeightsSpec::Named("equal".into())
    }
}

/// Equal weights across the symbols this model says BUY to at each rebalance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModelWeights {
    pub model: String,
}

/// `POST /api/v1/backtest/portfolio`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortfolioReport {
    /// In the order the request (or the watchlist) gave them; every per-symbol list
    /// below follows it.
    pub symbols: Vec<String>,
    pub weights: WeightsSpec,
    pub rebalance: Rebalancing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<String>,
    pub is_demo: bool,
    pub stats: PortfolioStats,
    pub equity: Vec<PortfolioPoint>,
    pub rebalances: Vec<RebalanceView>,
    pub contributions: Vec<Contribution>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortfolioPoint {
    pub ts: String,
    pub equity: f64,
    /// Below the running peak, in percent (0 at a peak).
    pub drawdown_pct: f64,
    /// The cash held as the benchmark from the first close, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<f64>,
}

/// One rebalance: every symbol's share of the equity at that close, before the
/// orders and after them (`before[i]`, `after[i]` belong to `symbols[i]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RebalanceView {
    pub ts: String,
    pub before: Vec<f64>,
    pub after: Vec<f64>,
    /// Value bought and sold, commission excluded.
    pub traded: f64,
}

/// What one symbol added to the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contribution {
    pub symbol: String,
    /// Gain in money: its value at the last close plus its sales minus its purchases,
    /// commission included. The symbols' gains add up to the portfolio's.
    pub pnl: f64,
    /// `pnl` over the starting cash, in percent: the symbols' shares add up to `Return [%]`.
    pub contribution_pct: f64,
    pub commissions: f64,
    pub final_weight: f64,
}
