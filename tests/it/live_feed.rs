//! `/ws`, the live feed, over a real WebSocket: who may connect, quotes that move,
//! signals that reach only their owner, the tier's cap, and errors that keep the
//! connection open.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::header::{AUTHORIZATION, COOKIE, ORIGIN};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use crate::common::{spawn_app_with, TestApp, TEST_JWT_SECRET};
use crate::sessions::session_for;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn live_app() -> TestApp {
    live_app_with(&[]).await
}

/// A live-feed server with extra variables.
pub async fn live_app_with(vars: &[(&str, &str)]) -> TestApp {
    let mut all = vec![("JWT_SECRET_KEY", TEST_JWT_SECRET), ("LIVE_TICK_MS", "100")];
    all.extend_from_slice(vars);
    let app = spawn_app_with(None, &all).await;
    investment_system::server::live::spawn_feed(app.state.live.clone());
    app
}

pub async fn connect(app: &TestApp, headers: &[(&str, &str)]) -> Result<Socket, WsError> {
    let mut request = format!("ws://{}/ws", app.address)
        .into_client_request()
        .unwrap();
    for (name, value) in headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap();
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    connect_async(request).await.map(|(socket, _)| socket)
}

pub async fn connect_as(app: &TestApp, token: &str) -> Socket {
    let bearer = format!("Bearer {token}");
    connect(app, &[(AUTHORIZATION.as_str(), &bearer)])
        .await
        .expect("connects")
}

pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON message within `within`, skipping control frames; `None` on timeout.
pub async fn next_json(socket: &mut Socket, within: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        if let Message::Text(text) = frame.expect("a frame") {
            return Some(serde_json::from_str(text.as_str()).unwrap());
        }
    }
}

/// The first message of `kind` within `within`, skipping others.
pub async fn first_of(socket: &mut Socket, kind: &str, within: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let message = next_json(socket, left).await?;
        if message["type"] == kind {
            return Some(message);
        }
    }
}

pub fn refused_status(result: Result<Socket, WsError>) -> (u16, String) {
    match result {
        Err(WsError::Http(response)) => (
            response.status().as_u16(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into(),
        ),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("the upgrade was accepted"),
    }
}

#[tokio::test]
async fn connecting_needs_credentials() {
    let app = live_app().await;
    let (status, body) = refused_status(connect(&app, &[]).await);
    assert_eq!(status, 401);
    assert!(body.contains("AUTHENTICATION_REQUIRED"), "{body}");
    let (status, _) = refused_status(connect(&app, &[("authorization", "Bearer nope")]).await);
    assert_eq!(status, 401);
}

#[tokio::test]
async fn quotes_start_at_the_last_close_and_then_move() {
    let app = live_app().await;
    let (_, token) = app.signed_in_user("live-quotes@example.com").await;
    let prices: Value = app
        .get_with_token("/api/v1/prices/AAPL", &token)
        .await
        .json()
        .await
        .unwrap();
    let last_close = prices["bars"].as_array().unwrap().last().unwrap()["close"].clone();

    let mut socket = connect_as(&app, &token).await;
    send(
        &mut socket,
        json!({"type": "subscribe", "symbols": ["aapl"]}),
    )
    .await;
    let first = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(first["type"], "market_update");
    assert_eq!(first["symbol"], "AAPL");
    assert_eq!(first["price"], last_close);
    assert_eq!(first["change"], 0.0);
    assert_eq!(first["is_demo"], true);
    let subscribed = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        subscribed,
        json!({"type": "subscribed", "symbols": ["AAPL"], "limit": 10})
    );

    let tick = first_of(&mut socket, "market_update", Duration::from_secs(5))
        .await
        .expect("a tick within seconds");
    assert_ne!(tick["ts"], first["ts"]);
    assert!(tick["volume"].as_f64().unwrap() > 0.0);
    let price = tick["price"].as_f64().unwrap();
    let close = last_close.as_f64().unwrap();
    assert!(
        (price - close).abs() <= close * 0.05 + 0.01,
        "{price} vs {close}"
    );

    send(
        &mut socket,
        json!({"type": "unsubscribe", "symbols": ["AAPL"]}),
    )
    .await;
    let now = first_of(&mut socket, "subscribed", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(now["symbols"], json!([]));
    // Updates already queued may still arrive; after them, silence.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while next_json(&mut socket, Duration::from_millis(50))
        .await
        .is_some()
    {}
    assert_eq!(
        first_of(&mut socket, "market_update", Duration::from_millis(600)).await,
        None
    );
}

#[tokio::test]
async fn new_signals_reach_only_their_owner() {
    let app = live_app().await;
    let (_, owner) = app.signed_in_user("live-owner@example.com").await;
    let (_, other) = app.signed_in_user("live-other@example.com").await;
    let mut owner_socket = connect_as(&app, &owner).await;
    let mut other_socket = connect_as(&app, &other).await;
    for socket in [&mut owner_socket, &mut other_socket] {
        send(socket, json!({"type": "subscribe", "symbols": ["AAPL"]})).await;
        first_of(socket, "subscribed", Duration::from_secs(5))
            .await
            .unwrap();
    }
    let run: Value = app
        .client
        .post(app.url("/api/v1/run"))
        .bearer_auth(&owner)
        .json(&json!({"symbols": ["AAPL"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signal = &run["signals"][0];
    let update = first_of(&mut owner_socket, "signal_update", Duration::from_secs(5))
        .await
        .expect("the owner hears of the signal");
    assert_eq!(update["id"], signal["id"]);
    assert_eq!(update["symbol"], "AAPL");
    assert_eq!(update["signal"], signal["signal"]);
    assert_eq!(update["confidence"], signal["confidence"]);
    assert_eq!(
        first_of(&mut other_socket, "signal_update", Duration::from_secs(1)).await,
        None
    );
}

#[tokio::test]
async fn the_tier_caps_symbols_per_connection() {
    let app = live_app().await;
    let (_, token) = app.signed_in_user("live-cap@example.com").await;
    let mut socket = connect_as(&app, &token).await;
    let eleven: Vec<String> = (0..11).map(|i| format!("SYM{i}")).collect();
    send(&mut socket, json!({"type": "subscribe", "symbols": eleven})).await;
    let refused = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["code"], "LIVE_SYMBOL_LIMIT");
    assert_eq!(refused["details"]["limit"], 10);

    // Errors leave the connection open.
    send(&mut socket, json!({"type": "dance"})).await;
    let invalid = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(invalid["code"], "INVALID_JSON");
    send(
        &mut socket,
        json!({"type": "subscribe", "symbols": ["MSFT"]}),
    )
    .await;
    let quote = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(quote["symbol"], "MSFT");

    let pro = app.user_on_tier("live-pro@example.com", "pro").await;
    let mut socket = connect_as(&app, &pro).await;
    send(
        &mut socket,
        json!({"type": "subscribe", "symbols": ["MSFT"]}),
    )
    .await;
    let subscribed = first_of(&mut socket, "subscribed", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(subscribed["limit"], 200);
}

#[tokio::test]
async fn a_session_cookie_connects_only_from_our_own_pages() {
    let app = live_app().await;
    let cookie = session_for(&app, "live-cookie@example.com").await;
    let evil = connect(
        &app,
        &[
            (COOKIE.as_str(), &cookie),
            (ORIGIN.as_str(), "https://evil.example"),
        ],
    )
    .await;
    let (status, body) = refused_status(evil);
    assert_eq!(status, 403);
    assert!(body.contains("CSRF_REJECTED"), "{body}");

    let own_origin = format!("http://{}", app.address);
    let mut socket = connect(
        &app,
        &[(COOKIE.as_str(), &cookie), (ORIGIN.as_str(), &own_origin)],
    )
    .await
    .expect("same-origin upgrade");
    send(
        &mut socket,
        json!({"type": "subscribe", "symbols": ["MSFT"]}),
    )
    .await;
    let quote = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(quote["type"], "market_update");
}

/// The close frame a socket receives within `within`, skipping other messages.
async fn close_frame(socket: &mut Socket, within: Duration) -> Option<(u16, String)> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        if let Ok(Message::Close(Some(frame))) = frame {
            return Some((u16::from(frame.code), frame.reason.to_string()));
        }
    }
}

#[tokio::test]
async fn a_new_password_or_a_deactivation_ends_only_that_users_live_connections() {
    let app = live_app().await;
    // The first account is the administrator (development), who deactivates below.
    let (_, admin) = app.signed_in_user("live-admin@example.com").await;
    let (_, changer) = app.signed_in_user("live-changer@example.com").await;
    let (_, bystander) = app.signed_in_user("live-bystander@example.com").await;
    let mut changer_socket = connect_as(&app, &changer).await;
    let mut bystander_socket = connect_as(&app, &bystander).await;
    for socket in [&mut changer_socket, &mut bystander_socket] {
        send(socket, json!({"type": "subscribe", "symbols": ["AAPL"]})).await;
        first_of(socket, "subscribed", Duration::from_secs(5))
            .await
            .unwrap();
    }

    let changed = app
        .client
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(&changer)
        .json(&json!({
            "current_password": crate::common::STRONG_PASSWORD,
            "new_password": "Brand-New-Pass-2?"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    assert_eq!(
        close_frame(&mut changer_socket, Duration::from_secs(5)).await,
        Some((1008, "signed out".to_string()))
    );
    // Everyone else's feed goes on.
    assert!(first_of(
        &mut bystander_socket,
        "market_update",
        Duration::from_secs(5)
    )
    .await
    .is_some());

    let me: Value = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&bystander)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let deactivated = app
        .client
        .patch(app.url(&format!(
            "/api/v1/admin/users/{}",
            me["id"].as_str().unwrap()
        )))
        .bearer_auth(&admin)
        .json(&json!({ "is_active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(deactivated.status(), 200);
    assert_eq!(
        close_frame(&mut bystander_socket, Duration::from_secs(5)).await,
        Some((1008, "signed out".to_string()))
    );
}
