use super::*;
use std::pin::Pin;
use std::task::{Context, Poll};

struct Bars;

impl LastBar for Bars {
    async fn last_bar(&self, symbol: &str) -> Result<(f64, f64), ApiError> {
        match symbol {
            "AAPL" | "MSFT" | "NVDA" => Ok((100.0, 1e6)),
            _ => Err(ApiError::new(ErrorCode::SymbolNotFound)),
        }
    }
}

/// A client that never reads: every send waits forever.
struct StuckSink;

impl Sink<Message> for StuckSink {
    type Error = axum::Error;
    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Pending
    }
    fn start_send(self: Pin<&mut Self>, _: Message) -> Result<(), Self::Error> {
        Ok(())
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Pending
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Pending
    }
}

fn hub() -> LiveHub {
    LiveHub::new(true, Duration::from_secs(1), Duration::from_secs(2))
}

fn kinds(messages: &[ServerMessage]) -> Vec<String> {
    messages
        .iter()
        .map(|m| match m {
            ServerMessage::Error { code, .. } => code.clone(),
            other => serde_json::to_value(other).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string(),
        })
        .collect()
}

#[test]
fn frames_over_the_limit_are_refused_then_the_client_is_closed() {
    let mut budget = FrameBudget::new(2);
    let start = Instant::now();
    let verdicts: Vec<FrameVerdict> = (0..7).map(|_| budget.count(start)).collect();
    use FrameVerdict::*;
    assert_eq!(
        verdicts,
        [Handle, Handle, Refuse, Refuse, Refuse, Refuse, Close]
    );
    // A new second starts a new window.
    assert_eq!(budget.count(start + Duration::from_secs(1)), Handle);
}

#[tokio::test]
async fn the_symbol_cap_counts_every_connection_of_the_user() {
    let hub = hub();
    let mut first = Connection::open(&hub, "u1".into(), Some(2));
    let mut second = Connection::open(&hub, "u1".into(), Some(2));
    let mut stranger = Connection::open(&hub, "u2".into(), Some(2));
    first.subscribe(&["AAPL".into()], &Bars).await;
    // The same symbol in another tab takes no more room; a new one does.
    let replies = second
        .subscribe(&["AAPL".into(), "MSFT".into()], &Bars)
        .await;
    assert_eq!(
        kinds(&replies),
        ["market_update", "market_update", "subscribed"]
    );
    let replies = first.subscribe(&["NVDA".into()], &Bars).await;
    assert_eq!(kinds(&replies), ["LIVE_SYMBOL_LIMIT"]);
    // Others are not affected; closing a connection gives its symbols back.
    let replies = stranger.subscribe(&["NVDA".into()], &Bars).await;
    assert_eq!(kinds(&replies), ["market_update", "subscribed"]);
    drop(second);
    let replies = first.subscribe(&["NVDA".into()], &Bars).await;
    assert_eq!(kinds(&replies), ["market_update", "subscribed"]);
}

#[tokio::test]
async fn subscribing_answers_quotes_then_the_subscription() {
    let hub = hub();
    let mut connection = Connection::open(&hub, "u1".into(), Some(2));
    let replies = connection
        .subscribe(&["aapl".into(), "AAPL".into()], &Bars)
        .await;
    assert_eq!(kinds(&replies), ["market_update", "subscribed"]);
    // Already followed symbols are not counted twice against the cap.
    let replies = connection
        .subscribe(&["AAPL".into(), "MSFT".into()], &Bars)
        .await;
    assert_eq!(kinds(&replies), ["market_update", "subscribed"]);
    let replies = connection.subscribe(&["NVDA".into()], &Bars).await;
    assert_eq!(kinds(&replies), ["LIVE_SYMBOL_LIMIT"]);
    assert_eq!(connection.symbols.len(), 2);
    let replies = connection.unsubscribe(&["msft".into()]);
    assert_eq!(
        replies,
        [ServerMessage::Subscribed {
            symbols: vec!["AAPL".into()],
            limit: Some(2)
        }]
    );
}

#[tokio::test]
async fn bad_symbols_and_bad_json_are_errors_not_disconnects() {
    let hub = hub();
    let mut connection = Connection::open(&hub, "u1".into(), None);
    let replies = connection.subscribe(&["NOPE".into()], &Bars).await;
    assert_eq!(kinds(&replies), ["SYMBOL_NOT_FOUND", "subscribed"]);
    let replies = connection.subscribe(&["../x".into()], &Bars).await;
    assert_eq!(kinds(&replies), ["INVALID_SYMBOL"]);
    let replies = connection.handle("{\"type\":\"dance\"}", &Bars).await;
    assert!(matches!(&replies[0], Message::Text(t) if t.as_str().contains("INVALID_JSON")));
    assert!(connection.symbols.is_empty());
}

#[tokio::test]
async fn only_the_users_own_signals_for_followed_symbols_pass() {
    let hub = hub();
    let mut connection = Connection::open(&hub, "u1".into(), None);
    connection.subscribe(&["AAPL".into()], &Bars).await;
    let signal = |user: &str, symbol: &str| LiveEvent::Signal {
        user_id: user.into(),
        update: crate::wire::live::SignalUpdate {
            id: "s".into(),
            symbol: symbol.into(),
            signal: "BUY".into(),
            confidence: 0.7,
            price: 100.0,
            model: "ensemble".into(),
            ts: "2026-11-25".into(),
            created_at: "2026-11-26T00:00:00Z".into(),
        },
    };
    assert!(connection.relevant(&signal("u1", "AAPL")).is_some());
    assert!(connection.relevant(&signal("u2", "AAPL")).is_none());
    assert!(connection.relevant(&signal("u1", "MSFT")).is_none());
}

#[tokio::test]
async fn closing_unfollows_and_counts_connections() {
    let hub = hub();
    {
        let mut connection = Connection::open(&hub, "u1".into(), None);
        connection.subscribe(&["AAPL".into()], &Bars).await;
        assert_eq!(hub.connections(), 1);
    }
    assert_eq!(hub.connections(), 0);
    let mut events = hub.events();
    hub.tick_once(|| 0.4);
    assert!(events.try_recv().is_err(), "AAPL is followed by nobody");
}

#[tokio::test(start_paused = true)]
async fn a_client_that_stops_reading_is_dropped() {
    let hub = hub();
    let connection = Connection::open(&hub, "u1".into(), None);
    let silent = futures_util::stream::pending();
    // The first heartbeat's send never completes.
    let ended = connection.run(StuckSink, silent, &Bars).await;
    assert_eq!(ended, Ended::TooSlow);
    assert_eq!(hub.connections(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_client_that_answers_nothing_is_closed_after_two_heartbeats() {
    let hub = hub();
    let connection = Connection::open(&hub, "u1".into(), None);
    let sink = futures_util::sink::drain().sink_map_err(|_| axum::Error::new("never"));
    let ended = connection
        .run(sink, futures_util::stream::pending(), &Bars)
        .await;
    assert_eq!(ended, Ended::Unresponsive);
}

#[tokio::test]
async fn shutting_down_closes_open_connections() {
    let hub = hub();
    let connection = Connection::open(&hub, "u1".into(), None);
    let sink = futures_util::sink::drain().sink_map_err(|_| axum::Error::new("never"));
    let run = connection.run(sink, futures_util::stream::pending(), &Bars);
    hub.shut_down();
    assert_eq!(run.await, Ended::ShuttingDown);
}
