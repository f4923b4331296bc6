//! Market data as the domain sees it: daily bars per symbol, oldest first. Pure.

pub mod csv_import;
pub mod demo;
pub mod live_walk;
pub mod packed;

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

/// Bars as the indicator functions take them: one column per field.
pub struct Columns {
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
}

impl Columns {
    pub fn of(bars: &[Bar]) -> Columns {
        let column = |field: fn(&Bar) -> f64| bars.iter().map(field).collect();
        Columns {
            open: column(|b| b.open),
            high: column(|b| b.high),
            low: column(|b| b.low),
            close: column(|b| b.close),
            volume: column(|b| b.volume),
        }
    }

    pub fn ohlcv(&self) -> crate::indicators::Ohlcv<'_> {
        crate::indicators::Ohlcv {
            open: &self.open,
            high: &self.high,
            low: &self.low,
            close: &self.close,
            volume: &self.volume,
        }
    }
}

/// Monday = 0 … Sunday = 6 for a day number counted from 1970-01-01 (a Thursday).
pub fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

pub fn is_weekday(day: i64) -> bool {
    weekday(day) < 5
}

/// Merges series that may cover the same days, oldest first: for a day present in
/// several, the one listed first wins (e.g. the user's import over the provider).
pub fn layer(by_priority: &[&[Bar]]) -> Vec<Bar> {
    // Usually only one layer holds anything (the provider's series): copy it as is.
    let mut filled = by_priority.iter().filter(|series| !series.is_empty());
    if let (Some(only), None) = (filled.next(), filled.next()) {
        return only.to_vec();
    }
    let mut merged: std::collections::BTreeMap<i64, Bar> = std::collections::BTreeMap::new();
    for series in by_priority.iter().rev() {
        for bar in *series {
            merged.insert(bar.ts, *bar);
        }
    }
    merged.into_values().collect()
}

/// The bars with `from <= ts <= to` (either bound optional), from a series sorted by time.
pub fn between(bars: &[Bar], from: Option<i64>, to: Option<i64>) -> &[Bar] {
    &bars[span(bars, from, to)]
}

/// The index range of [`between`], to cut columns computed on the whole series.
pub fn span(bars: &[Bar], from: Option<i64>, to: Option<i64>) -> std::ops::Range<usize> {
    let start = from.map_or(0, |from| bars.partition_point(|b| b.ts < from));
    let end = to.map_or(bars.len(), |to| bars.partition_point(|b| b.ts <= to));
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(day: i64, close: f64) -> Bar {
        Bar {
            ts: day * DAY_SECS,
            open: close,
            high: close,
            low: close,
            close,
            volume: 1.0,
        }
    }

    #[test]
    fn earlier_layers_win_on_shared_days() {
        let import = [bar(2, 20.0), bar(3, 30.0)];
        let provider = [bar(1, 1.0), bar(2, 2.0), bar(4, 4.0)];
        let merged = layer(&[&import, &provider]);
        let closes: Vec<f64> = merged.iter().map(|b| b.close).collect();
        assert_eq!(closes, vec![1.0, 20.0, 30.0, 4.0]);
    }

    #[test]
    fn between_cuts_inclusively() {
        let bars: Vec<Bar> = (1..=5).map(|d| bar(d, d as f64)).collect();
        let cut = between(&bars, Some(2 * DAY_SECS), Some(4 * DAY_SECS));
        assert_eq!(
            cut.iter().map(|b| b.close).collect::<Vec<_>>(),
            vec![2.0, 3.0, 4.0]
        );
        assert_eq!(between(&bars, None, None).len(), 5);
        assert!(between(&bars, Some(9 * DAY_SECS), None).is_empty());
        assert!(between(&bars, Some(4 * DAY_SECS), Some(2 * DAY_SECS)).is_empty());
    }

    #[test]
    fn weekdays_are_counted_from_a_thursday() {
        assert_eq!(weekday(0), 3);
        assert!(is_weekday(0) && !is_weekday(2) && !is_weekday(3) && is_weekday(4));
    }
}
