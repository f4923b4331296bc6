//! Market data on the wire.

use serde::{Deserialize, Serialize};

/// A daily bar; `ts` is its day, `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PriceBar {
    pub ts: String,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

/// `GET /api/v1/prices/{symbol}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Prices {
    pub symbol: String,
    /// Synthetic bars from the demo market, not real prices.
    pub is_demo: bool,
    /// The provider failed; these are the bars stored before.
    pub is_stale: bool,
    pub bars: Vec<PriceBar>,
}

/// What a CSV import stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// Days that were not stored before.
    pub imported: usize,
    /// Days that replaced earlier imported ones.
    pub updated: usize,
    pub first: String,
    pub last: String,
}

/// `GET /api/v1/indicators/{symbol}`: one array per indicator (or an object of arrays
/// for multi-part ones such as `macd`), aligned with `ts`; `null` during warm-up.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndicatorSeries {
    pub symbol: String,
    pub is_demo: bool,
    pub is_stale: bool,
    pub ts: Vec<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub series: serde_json::Map<String, serde_json::Value>,
}
