//! Everything the market page draws for one symbol, in one answer.

use serde::{Deserialize, Serialize};

use super::signals::SignalView;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketView {
    pub symbol: String,
    pub is_demo: bool,
    pub is_stale: bool,
    /// `YYYY-MM-DD` of each bar, oldest first; every column below is aligned with it.
    pub days: Vec<String>,
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
    /// Indicators on the whole history; `None` during each one's warm-up.
    pub sma20: Vec<Option<f64>>,
    pub sma50: Vec<Option<f64>>,
    pub sma200: Vec<Option<f64>>,
    pub bb_upper: Vec<Option<f64>>,
    pub bb_middle: Vec<Option<f64>>,
    pub bb_lower: Vec<Option<f64>>,
    pub rsi14: Vec<Option<f64>>,
    pub macd: Vec<Option<f64>>,
    pub macd_signal: Vec<Option<f64>>,
    pub macd_hist: Vec<Option<f64>>,
    /// The user's BUY and SELL signals on this symbol.
    pub markers: Vec<SignalMarker>,
    /// The user's newest signal on this symbol, with its reasons.
    pub latest: Option<SignalView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalMarker {
    pub day: String,
    /// `BUY` or `SELL`.
    pub signal: String,
    pub price: f64,
}
