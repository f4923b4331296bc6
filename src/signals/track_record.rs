//! How good past signals were: each one is scored against what the symbol did next.
//! For every (model, signal type) and horizon of 1, 5 and 20 bars: how many could be
//! scored (enough bars had passed), the hit rate, and the mean forward return.
//! A BUY is a hit when the price rose, a SELL when it fell, a HOLD when it moved
//! less than [`HOLD_BAND`] either way. Returns are plain price changes (not signed
//! by the call), so a good BUY group shows a positive mean and a good SELL group a
//! negative one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Action;
use crate::market::Bar;

pub const HORIZONS: [usize; 3] = [1, 5, 20];
/// A HOLD is right when the price stayed within ±2 %.
pub const HOLD_BAND: f64 = 0.02;

/// A stored signal, as far as scoring needs it.
pub struct PastSignal<'a> {
    pub model: &'a str,
    pub action: Action,
    /// The evaluated bar's day.
    pub ts: i64,
    pub price: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HorizonStats {
    /// Signals old enough to score at this horizon.
    pub evaluated: usize,
    pub hits: usize,
    /// `null` until something is evaluated.
    pub hit_rate: Option<f64>,
    pub mean_return: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Group {
    pub model: String,
    pub signal: Action,
    pub count: usize,
    /// Keyed by the horizon in bars: "1", "5", "20".
    pub horizons: BTreeMap<String, HorizonStats>,
}

/// The forward return `horizon` bars after the bar of day `ts`, if it has happened.
fn forward_return(bars: &[Bar], ts: i64, price: f64, horizon: usize) -> Option<f64> {
    let index = bars.binary_search_by_key(&ts, |b| b.ts).ok()?;
    let later = bars.get(index + horizon)?;
    (price > 0.0).then(|| later.close / price - 1.0)
}

fn is_hit(action: Action, change: f64) -> bool {
    match action {
        Action::Buy => change > 0.0,
        Action::Sell => change < 0.0,
        Action::Hold => change.abs() < HOLD_BAND,
    }
}

/// Scores signals of one symbol against its bars, adding to `groups`.
pub fn score(
    signals: &[PastSignal],
    bars: &[Bar],
    groups: &mut BTreeMap<(String, Action), Vec<[Option<f64>; 3]>>,
) {
    for signal in signals {
        let returns = HORIZONS.map(|h| forward_return(bars, signal.ts, signal.price, h));
        groups
            .entry((signal.model.to_string(), signal.action))
            .or_default()
            .push(returns);
    }
}

/// Turns scored returns into the reported groups (ordered by model, then BUY, SELL, HOLD).
pub fn summarise(groups: BTreeMap<(String, Action), Vec<[Option<f64>; 3]>>) -> Vec<Group> {
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|((model, action), returns)| {
            let horizons = HORIZONS
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let changes: Vec<f64> = returns.iter().filter_map(|r| r[i]).collect();
                    let hits = changes.iter().filter(|c| is_hit(action, **c)).count();
                    let evaluated = changes.len();
                    let stats = HorizonStats {
                        evaluated,
                        hits,
                        hit_rate: (evaluated > 0).then(|| hits as f64 / evaluated as f64),
                        mean_return: (evaluated > 0)
                            .then(|| changes.iter().sum::<f64>() / evaluated as f64),
                    };
                    (h.to_string(), stats)
                })
                .collect();
            Group {
                model,
                signal: action,
                count: returns.len(),
                horizons,
            }
        })
        .collect();
    let rank = |a: Action| match a {
        Action::Buy => 0,
        Action::Sell => 1,
        Action::Hold => 2,
    };
    out.sort_by(|a, b| {
        a.model
            .cmp(&b.model)
            .then(rank(a.signal).cmp(&rank(b.signal)))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::DAY_SECS;

    fn bars(closes: &[f64]) -> Vec<Bar> {
        closes
            .iter()
            .enumerate()
            .map(|(i, c)| Bar {
                ts: i as i64 * DAY_SECS,
                open: *c,
                high: *c,
                low: *c,
                close: *c,
                volume: 1.0,
            })
            .collect()
    }

    #[test]
    fn scores_each_call_against_what_followed() {
        let series = bars(&[100.0, 101.0, 99.0, 102.0, 103.0, 104.0, 110.0]);
        let signals = [
            PastSignal {
                model: "classic",
                action: Action::Buy,
                ts: 0,
                price: 100.0,
            },
            PastSignal {
                model: "classic",
                action: Action::Buy,
                ts: DAY_SECS,
                price: 101.0,
            },
            PastSignal {
                model: "classic",
                action: Action::Sell,
                ts: DAY_SECS,
                price: 101.0,
            },
            PastSignal {
                model: "ensemble",
                action: Action::Hold,
                ts: 3 * DAY_SECS,
                price: 102.0,
            },
            PastSignal {
                model: "ensemble",
                action: Action::Buy,
                ts: 6 * DAY_SECS,
                price: 110.0,
            },
        ];
        let mut groups = BTreeMap::new();
        score(&signals, &series, &mut groups);
        let report = summarise(groups);
        let labels: Vec<(&str, Action)> = report
            .iter()
            .map(|g| (g.model.as_str(), g.signal))
            .collect();
        assert_eq!(
            labels,
            [
                ("classic", Action::Buy),
                ("classic", Action::Sell),
                ("ensemble", Action::Buy),
                ("ensemble", Action::Hold)
            ]
        );

        let buys = &report[0].horizons;
        // Day 0 → day 1: +1 % (hit); day 1 → day 2: −1.98 % (miss).
        assert_eq!((buys["1"].evaluated, buys["1"].hits), (2, 1));
        assert_eq!(buys["1"].hit_rate, Some(0.5));
        let mean = (0.01 + (99.0 / 101.0 - 1.0)) / 2.0;
        assert!((buys["1"].mean_return.unwrap() - mean).abs() < 1e-12);
        // Day 0 + 5 = day 5 (104: hit); day 1 + 5 = day 6 (110: hit).
        assert_eq!((buys["5"].evaluated, buys["5"].hits), (2, 2));
        assert_eq!(
            buys["20"],
            HorizonStats::default(),
            "nothing is 20 bars old yet"
        );

        let sells = &report[1].horizons;
        assert_eq!((sells["1"].evaluated, sells["1"].hits), (1, 1));
        let hold = &report[3].horizons;
        // 102 → 103: +0.98 %, inside the ±2 % band.
        assert_eq!((hold["1"].evaluated, hold["1"].hits), (1, 1));
        // 102 → 110 three bars on would be a miss, but 5 bars have not passed.
        assert_eq!(hold["5"].evaluated, 0);
        assert_eq!(
            report[2].horizons["1"].evaluated, 0,
            "the last bar's signal waits"
        );
    }
}
