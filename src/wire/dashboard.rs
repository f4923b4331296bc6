//! What the dashboard page shows, in one answer.

use serde::{Deserialize, Serialize};

use super::signals::SignalView;
use super::watchlists::Watchlists;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub watchlists: Watchlists,
    /// One card per symbol found in any of the watchlists.
    pub cards: Vec<SymbolCard>,
    /// The latest signal of each card's symbol, counted by type.
    pub summary: SignalSummary,
    /// The user's newest signals, whatever the symbol.
    pub recent: Vec<SignalView>,
    /// Symbols with price data, for suggestions when adding one.
    pub known_symbols: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SymbolCard {
    pub symbol: String,
    /// `YYYY-MM-DD` of the last bar.
    pub last_day: String,
    pub last_price: f64,
    /// Against the close before.
    pub change: f64,
    pub change_pct: f64,
    /// The last closes, oldest first.
    pub sparkline: Vec<f64>,
    pub is_stale: bool,
    pub is_demo: bool,
    pub latest_signal: Option<LatestSignal>,
    /// Why there is no price (the card still shows, with this message).
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatestSignal {
    pub id: String,
    pub signal: String,
    pub confidence: f64,
    pub model: String,
    /// The evaluated bar's day.
    pub ts: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalSummary {
    pub buy: u32,
    pub sell: u32,
    pub hold: u32,
}

impl SignalSummary {
    pub fn count(signals: impl IntoIterator<Item = impl AsRef<str>>) -> SignalSummary {
        let mut summary = SignalSummary::default();
        for signal in signals {
            match signal.as_ref() {
                "BUY" => summary.buy += 1,
                "SELL" => summary.sell += 1,
                _ => summary.hold += 1,
            }
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_count_each_type() {
        let summary = SignalSummary::count(["BUY", "SELL", "BUY", "HOLD"]);
        assert_eq!(
            summary,
            SignalSummary {
                buy: 2,
                sell: 1,
                hold: 1
            }
        );
    }
}
