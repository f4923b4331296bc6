//! Market data as the domain sees it: daily bars per symbol, oldest first. Pure.

pub mod demo;

use serde::{Deserialize, Serialize};

pub const DAY_SECS: i64 = 86_400;

/// One trading day. `ts` is the day's 00:00 UTC in Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub ts: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

impl Bar {
    /// Whether the prices are finite, positive and consistent:
    /// high ≥ max(open, close) ≥ min(open, close) ≥ low > 0, volume ≥ 0.
    pub fn is_consistent(&self) -> bool {
        let prices = [self.open, self.high, self.low, self.close];
        prices.iter().all(|p| p.is_finite() && *p > 0.0)
            && self.volume.is_finite()
            && self.volume >= 0.0
            && self.high >= self.open.max(self.close)
            && self.low <= self.open.min(self.close)
    }
}

/// Monday = 0 … Sunday = 6 for a day number counted from 1970-01-01 (a Thursday).
pub fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

pub fn is_weekday(day: i64) -> bool {
    weekday(day) < 5
}
