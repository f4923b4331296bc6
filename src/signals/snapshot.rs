//! The indicator readings on the last bar that every model reports.

use serde::{Deserialize, Serialize};

use crate::indicators::{moving_average, oscillators, trend, volatility, Ohlcv};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub rsi14: f64,
    pub sma20: f64,
    pub sma50: f64,
    pub macd: f64,
    pub macd_signal: f64,
    pub macd_hist: f64,
    pub bb_upper: f64,
    pub bb_lower: f64,
    pub atr14: f64,
    pub adx14: f64,
}

impl Snapshot {
    /// `None` when the series is too short for one of them.
    pub fn of(bars: &Ohlcv) -> Option<Snapshot> {
        let close = bars.close;
        let last = |values: Vec<f64>| values.last().copied().filter(|v| v.is_finite());
        let macd = trend::macd(close, 12, 26, 9);
        let bands = volatility::bbands(close, 20, 2.0, 2.0);
        Some(Snapshot {
            rsi14: last(oscillators::rsi(close, 14))?,
            sma20: last(moving_average::sma(close, 20))?,
            sma50: last(moving_average::sma(close, 50))?,
            macd: last(macd.macd)?,
            macd_signal: last(macd.signal)?,
            macd_hist: last(macd.hist)?,
            bb_upper: last(bands.upper)?,
            bb_lower: last(bands.lower)?,
            atr14: last(volatility::atr(bars, 14))?,
            adx14: last(trend::adx(bars, 14))?,
        })
    }
}
