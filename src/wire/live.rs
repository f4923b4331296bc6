//! The live feed's messages on `/ws`, as JSON text frames tagged by `type`.

use serde::{Deserialize, Serialize};

/// What a client sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    Subscribe { symbols: Vec<String> },
    Unsubscribe { symbols: Vec<String> },
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    MarketUpdate(MarketUpdate),
    SignalUpdate(SignalUpdate),
    /// The connection's subscriptions after a (un)subscribe, and its tier's cap.
    Subscribed {
        symbols: Vec<String>,
        limit: Option<u32>,
    },
    /// A message that could not be honoured; the connection stays open.
    Error {
        code: String,
        message: String,
        #[serde(default)]
        details: serde_json::Value,
    },
    Heartbeat {
        ts: String,
    },
}

/// The latest intraday price of a subscribed symbol.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketUpdate {
    pub symbol: String,
    pub price: f64,
    /// Against the last daily close.
    pub change: f64,
    pub change_pct: f64,
    /// Shares traded this session so far.
    pub volume: f64,
    /// RFC 3339, UTC.
    pub ts: String,
    /// Synthetic prices from the demo market.
    pub is_demo: bool,
}

/// A new signal for a subscribed symbol (only ever the connection's own user's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalUpdate {
    pub id: String,
    pub symbol: String,
    pub signal: String,
    pub confidence: f64,
    pub price: f64,
    pub model: String,
    /// The evaluated bar's day, `YYYY-MM-DD`.
    pub ts: String,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn client_messages_use_the_documented_shape() {
        let parsed: ClientMessage =
            serde_json::from_value(json!({"type": "subscribe", "symbols": ["AAPL"]})).unwrap();
        assert_eq!(
            parsed,
            ClientMessage::Subscribe {
                symbols: vec!["AAPL".into()]
            }
        );
        assert!(serde_json::from_value::<ClientMessage>(json!({"type": "shout"})).is_err());
    }

    #[test]
    fn market_updates_are_flat_objects_tagged_by_type() {
        let message = ServerMessage::MarketUpdate(MarketUpdate {
            symbol: "AAPL".into(),
            price: 190.5,
            change: 1.25,
            change_pct: 0.66,
            volume: 1200.0,
            ts: "2026-11-26T10:00:00Z".into(),
            is_demo: true,
        });
        let value = serde_json::to_value(&message).unwrap();
        assert_eq!(value["type"], "market_update");
        assert_eq!(value["symbol"], "AAPL");
        assert_eq!(value["change_pct"], 0.66);
        assert_eq!(
            serde_json::from_value::<ServerMessage>(value).unwrap(),
            message
        );
    }
}
