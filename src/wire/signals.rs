//! Signals on the wire.

use serde::{Deserialize, Serialize};

use crate::signals::Snapshot;

/// `POST /api/v1/run`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub symbols: Vec<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub lookback_days: Option<u32>,
}

/// The filters of a signal listing (`GET /api/v1/signals`, the signals page).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SignalQuery {
    /// One symbol or several, comma-separated.
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub signal: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// The signals page: one page of the listing, the cursor of the next, and the
/// track record for the same symbols and model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalsPage {
    pub signals: Vec<SignalView>,
    pub next_cursor: Option<String>,
    pub track_record: Vec<crate::signals::track_record::Group>,
}
