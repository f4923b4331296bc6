//! Signals on the wire.

use serde::{Deserialize, Serialize};

use crate::signals::Snapshot;

/// `POST /api/v1/run`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub symbols: Vec<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub lookback_days: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalView {
    pub id: String,
    pub symbol: String,
    /// The evaluated bar's day, `YYYY-MM-DD`.
    pub ts: String,
    /// `BUY`, `SELL` or `HOLD`.
    pub signal: String,
    pub confidence: f64,
    pub score: f64,
    pub price: f64,
    pub model: String,
    pub indicators: Snapshot,
    pub reasons: Vec<String>,
    pub is_stale: bool,
    pub created_at: String,
}
