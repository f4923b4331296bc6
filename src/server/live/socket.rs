//! `GET /ws`: one live-feed connection. The caller is authenticated like any API
//! call (session cookie, bearer token or API key); a cookie-authenticated upgrade
//! from another site is refused (cross-site WebSocket hijacking). The client
//! subscribes to symbols (capped by tier) and receives their quotes and its own
//! new signals. A client that cannot keep up is dropped, never buffered for.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{timeout, Instant};

use super::admission::Refused;
use super::hub::{LastBar, LiveEvent, LiveHub};
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::auth::current_user::{AuthMethod, CurrentUser};
use crate::server::clock::now_rfc3339;
use crate::server::market::parse_symbol;
use crate::server::request_meta::RequestMeta;
use crate::server::security::csrf;
use crate::wire::live::{ClientMessage, ServerMessage};

/// Client messages are a few symbols; anything larger is refused by the protocol layer.
const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// A send that takes longer means the client stopped reading: drop it.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Even an unlimited tier follows at most this many symbols per connection.
const MAX_SYMBOLS: usize = 1_000;

/// Close codes (RFC 6455 §7.4.1).
const GOING_AWAY: u16 = 1001;
const TRY_AGAIN_LATER: u16 = 1013;
const POLICY_VIOLATION: u16 = 1008;
/// Client frames a second when nobody set a limit (tests of the connection alone).
const DEFAULT_FRAMES_PER_SECOND: u32 = 10;

/// Why a connection ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    ClientClosed,
    /// Fell behind the feed or stopped reading.
    TooSlow,
    /// Answered no heartbeat for two intervals.
    Unresponsive,
    /// Sent frames far faster than the limit.
    Flooding,
    ShuttingDown,
    /// The user's sign-ins ended (deactivated, or a new password).
    SignedOut,
}

pub async fn upgrade(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    user: CurrentUser,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let upgrade = upgrade.map_err(|rejection| {
        ApiError::new(ErrorCode::BadRequest)
            .with_details(json!({ "reason": rejection.body_text() }))
    })?;
    if user.method == AuthMethod::Session && csrf::is_cross_site(&headers) {
        tracing::warn!(
            security_event = "websocket_cross_site",
            "cross-site WebSocket refused"
        );
        return Err(ApiError::new(ErrorCode::CsrfRejected));
    }
    let limits = user.tier.limits();
    let address = meta.address_bucket();
    let ticket = state
        .live
        .admission
        .admit(
            &user.id,
            &address,
            limits.live_connections as usize,
            state.config.market.live_connections_per_address,
        )
        .map_err(|refused| {
            let (limit, per) = match refused {
                Refused::User { limit } => (limit, "user"),
                Refused::Address { limit } => (limit, "address"),
            };
            tracing::warn!(
                security_event = "live_connection_refused",
                per,
                limit,
                "live-feed connection over the cap"
            );
            ApiError::new(ErrorCode::LiveConnectionLimit)
                .with_details(json!({ "limit": limit, "per": per, "tier": user.tier.as_str() }))
        })?;
    let frames_per_second = state.config.market.live_frames_per_second;
    Ok(upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            // The place is held for as long as the connection lives.
            let _ticket = ticket;
            let (sink, stream) = socket.split();
            let hub = state.live.clone();
            let ended = Connection::open(&hub, user.id, limits.live_symbols)
                .with_frame_limit(frames_per_second)
                .run(sink, stream, &state)
                .await;
            tracing::debug!(?ended, "live connection closed");
        })
        .into_response())
}

impl LastBar for AppState {
    async fn last_bar(&self, symbol: &str) -> Result<(f64, f64), ApiError> {
        let symbol = parse_symbol(symbol)?;
        let series = self.market.series(&self.db, &symbol, None).await?;
        let last = series
            .bars
            .last()
            .ok_or_else(|| ApiError::new(ErrorCode::SymbolNotFound))?;
        Ok((last.close, last.volume))
    }
}

/// One client's subscriptions; dropping it unfollows them.
pub struct Connection<'a> {
    hub: &'a LiveHub,
    user_id: String,
    limit: Option<u32>,
    symbols: BTreeSet<String>,
    frames: FrameBudget,
}

impl Drop for Connection<'_> {
    fn drop(&mut self) {
        for symbol in &self.symbols {
            self.hub.unfollow(symbol);
            self.hub.admission.release_symbol(&self.user_id, symbol);
        }
        self.hub.connection_closed();
    }
}

/// Client frames counted in one-second windows.
struct FrameBudget {
    per_second: u32,
    window_start: Instant,
    in_window: u32,
}

/// What to do with one more client frame.
#[derive(Debug, PartialEq, Eq)]
enum FrameVerdict {
    Handle,
    /// Over the limit: answered with an error, not handled.
    Refuse,
    /// Three times over: the client is flooding.
    Close,
}

impl FrameBudget {
    fn new(per_second: u32) -> FrameBudget {
        FrameBudget {
            per_second,
            window_start: Instant::now(),
            in_window: 0,
        }
    }

    fn count(&mut self, now: Instant) -> FrameVerdict {
        if now.duration_since(self.window_start) >= Duration::from_secs(1) {
            self.window_start = now;
            self.in_window = 0;
        }
        self.in_window += 1;
        if self.in_window > self.per_second.saturating_mul(3) {
            FrameVerdict::Close
        } else if self.in_window > self.per_second {
            FrameVerdict::Refuse
        } else {
            FrameVerdict::Handle
        }
    }
}

impl<'a> Connection<'a> {
    pub fn open(hub: &'a LiveHub, user_id: String, limit: Option<u32>) -> Connection<'a> {
        hub.connection_opened();
        Connection {
            hub,
            user_id,
            limit,
            symbols: BTreeSet::new(),
            frames: FrameBudget::new(DEFAULT_FRAMES_PER_SECOND),
        }
    }

    /// Client frames this connection may send a second.
    pub fn with_frame_limit(mut self, per_second: u32) -> Connection<'a> {
        self.frames = FrameBudget::new(per_second.max(1));
        self
    }

    /// Serves the client until it leaves, falls behind, stops answering or the
    /// server shuts down.
    pub async fn run<S, R>(mut self, mut sink: S, mut stream: R, source: &impl LastBar) -> Ended
    where
        S: Sink<Message> + Unpin,
        R: Stream<Item = Result<Message, axum::Error>> + Unpin,
    {
        let mut events = self.hub.events();
        let mut shutdown = self.hub.shutting_down();
        let every = self.hub.heartbeat;
        let mut heartbeat = tokio::time::interval_at(Instant::now() + every, every);
        let mut last_heard = Instant::now();
        loop {
            let outgoing: Vec<Message> = tokio::select! {
                incoming = stream.next() => match incoming {
                    Some(Ok(frame @ (Message::Text(_) | Message::Binary(_)))) => {
                        last_heard = Instant::now();
                        match self.frames.count(last_heard) {
                            FrameVerdict::Handle => match frame {
                                Message::Text(raw) => self.handle(raw.as_str(), source).await,
                                _ => vec![text(&error(ApiError::new(ErrorCode::BadRequest)
                                    .with_message("Send JSON text frames.")))],
                            },
                            FrameVerdict::Refuse => vec![text(&error(
                                ApiError::new(ErrorCode::RateLimitExceeded).with_details(
                                    json!({ "limit": self.frames.per_second, "per": "second" }),
                                ),
                            ))],
                            FrameVerdict::Close => {
                                tracing::warn!(security_event = "live_flooding", "live-feed client closed for flooding");
                                close(&mut sink, POLICY_VIOLATION, "too many messages").await;
                                return Ended::Flooding;
                            }
                        }
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {
                        last_heard = Instant::now();
                        continue;
                    }
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return Ended::ClientClosed,
                },
                event = events.recv() => match event {
                    Ok(event) if self.signed_out(&event) => {
                        close(&mut sink, POLICY_VIOLATION, "signed out").await;
                        return Ended::SignedOut;
                    }
                    Ok(event) => match self.relevant(&event) {
                        Some(message) => vec![text(&message)],
                        None => continue,
                    },
                    Err(RecvError::Lagged(_)) => {
                        close(&mut sink, TRY_AGAIN_LATER, "too slow").await;
                        return Ended::TooSlow;
                    }
                    Err(RecvError::Closed) => return Ended::ShuttingDown,
                },
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > every * 2 {
                        close(&mut sink, GOING_AWAY, "no answer to heartbeats").await;
                        return Ended::Unresponsive;
                    }
                    vec![
                        Message::Ping(Default::default()),
                        text(&ServerMessage::Heartbeat { ts: now_rfc3339() }),
                    ]
                }
                _ = until_shut_down(&mut shutdown) => {
                    close(&mut sink, GOING_AWAY, "server shutting down").await;
                    return Ended::ShuttingDown;
                }
            };
            for message in outgoing {
                match timeout(SEND_TIMEOUT, sink.send(message)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => return Ended::ClientClosed,
                    Err(_) => return Ended::TooSlow,
                }
            }
        }
    }

    fn signed_out(&self, event: &LiveEvent) -> bool {
        matches!(event, LiveEvent::SignedOut { user_id } if *user_id == self.user_id)
    }

    fn relevant(&self, event: &LiveEvent) -> Option<ServerMessage> {
        match event {
            LiveEvent::Market(update) if self.symbols.contains(&update.symbol) => {
                Some(ServerMessage::MarketUpdate(update.clone()))
            }
            LiveEvent::Signal { user_id, update }
                if *user_id == self.user_id && self.symbols.contains(&update.symbol) =>
            {
                Some(ServerMessage::SignalUpdate(update.clone()))
            }
            _ => None,
        }
    }

    async fn handle(&mut self, raw: &str, source: &impl LastBar) -> Vec<Message> {
        let replies = match serde_json::from_str::<ClientMessage>(raw) {
            Err(e) => vec![error(
                ApiError::new(ErrorCode::InvalidJson)
                    .with_details(json!({ "reason": e.to_string() })),
            )],
            Ok(ClientMessage::Subscribe { symbols }) => self.subscribe(&symbols, source).await,
            Ok(ClientMessage::Unsubscribe { symbols }) => self.unsubscribe(&symbols),
        };
        replies.iter().map(text).collect()
    }

    async fn subscribe(&mut self, raw: &[String], source: &impl LastBar) -> Vec<ServerMessage> {
        let mut wanted = BTreeSet::new();
        for symbol in raw {
            match parse_symbol(symbol) {
                Ok(symbol) => {
                    wanted.insert(symbol.as_str().to_string());
                }
                Err(e) => return vec![error(e)],
            }
        }
        let new: Vec<String> = wanted.difference(&self.symbols).cloned().collect();
        let cap = self.limit.map_or(MAX_SYMBOLS, |l| l as usize);
        // The cap counts the user's symbols over all their connections.
        let admission = &self.hub.admission;
        if let Err(following) = admission.reserve_symbols(&self.user_id, &new, cap) {
            return vec![error(
                ApiError::new(ErrorCode::LiveSymbolLimit).with_details(
                    json!({ "limit": cap, "following": following, "requested": new.len() }),
                ),
            )];
        }
        let mut replies = Vec::with_capacity(new.len() + 1);
        for symbol in new {
            match self.hub.follow(&symbol, source).await {
                Ok(update) => {
                    self.symbols.insert(symbol);
                    replies.push(ServerMessage::MarketUpdate(update));
                }
                Err(e) => {
                    admission.release_symbol(&self.user_id, &symbol);
                    replies.push(error(e.with_details(json!({ "symbol": symbol }))));
                }
            }
        }
        replies.push(self.subscribed());
        replies
    }

    fn unsubscribe(&mut self, raw: &[String]) -> Vec<ServerMessage> {
        for symbol in raw {
            let symbol = symbol.trim().to_ascii_uppercase();
            if self.symbols.remove(&symbol) {
                self.hub.unfollow(&symbol);
                self.hub.admission.release_symbol(&self.user_id, &symbol);
            }
        }
        vec![self.subscribed()]
    }

    fn subscribed(&self) -> ServerMessage {
        ServerMessage::Subscribed {
            symbols: self.symbols.iter().cloned().collect(),
            limit: self.limit,
        }
    }
}

/// Resolves once the server shuts down (at once if it already is). The guard the
/// watch hands out is dropped inside, so the connection's future stays `Send`.
async fn until_shut_down(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|down| *down).await.map(|_| ());
}

fn error(error: ApiError) -> ServerMessage {
    ServerMessage::Error {
        code: error.code.as_str().to_string(),
        message: error
            .message
            .unwrap_or_else(|| error.code.message().to_string()),
        details: error.details,
    }
}

fn text(message: &ServerMessage) -> Message {
    // Serialising these plain structs cannot fail.
    Message::Text(serde_json::to_string(message).unwrap_or_default().into())
}

/// Best effort: a client that stopped reading may never take the close frame.
async fn close<S: Sink<Message> + Unpin>(sink: &mut S, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = timeout(
        Duration::from_secs(1),
        sink.send(Message::Close(Some(frame))),
    )
    .await;
}

#[cfg(test)]
mod tests;
