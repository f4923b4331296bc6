//! The Alpha Vantage provider against a fake server on loopback that answers in
//! Alpha Vantage's real formats: data, "Note"/"Information" rate limiting, "Error
//! Message", server errors (retried), slowness (timeouts), and a provider that
//! fails after a first success (stale data is served, marked so).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::common::{error_of, spawn_app_with, TestApp};

const KEY: &str = "av-test-key-0123456789";

#[derive(Clone, Default)]
struct Calls(Arc<Mutex<HashMap<String, usize>>>);

impl Calls {
    fn of(&self, symbol: &str) -> usize {
        self.0.lock().unwrap().get(symbol).copied().unwrap_or(0)
    }
}

fn series() -> Value {
    let day = |o: f64, h: f64, l: f64, c: f64, v: u64| json!({ "1. open": o.to_string(), "2. high": h.to_string(), "3. low": l.to_string(), "4. close": c.to_string(), "5. volume": v.to_string() });
    json!({
        "Meta Data": { "1. Information": "Daily Prices (open, high, low, close) and Volumes", "2. Symbol": "X" },
        "Time Series (Daily)": {
            "2024-01-04": day(101.0, 103.0, 100.0, 102.5, 1200),
            "2024-01-03": day(100.5, 101.5, 99.0, 101.0, 1100),
            "2024-01-02": day(100.0, 101.0, 99.5, 100.5, 1000)
        }
    })
}

async fn fake_alpha_vantage(
    State(calls): State<Calls>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    assert_eq!(
        query.get("function").map(String::as_str),
        Some("TIME_SERIES_DAILY")
    );
    assert_eq!(query.get("outputsize").map(String::as_str), Some("full"));
    assert_eq!(query.get("apikey").map(String::as_str), Some(KEY));
    let symbol = query.get("symbol").cloned().unwrap_or_default();
    let call = {
        let mut calls = calls.0.lock().unwrap();
        let count = calls.entry(symbol.clone()).or_default();
        *count += 1;
        *count
    };
    match symbol.as_str() {
        "LIMIT" => Json(json!({ "Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day." })).into_response(),
        "INFO" => Json(json!({ "Information": "We have detected your API key as ... and our standard API rate limit is 25 requests per day." })).into_response(),
        "NOPE" => Json(json!({ "Error Message": "Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY." })).into_response(),
        "FLAKY" if call <= 2 => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "DOWN" => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "BUSY" => StatusCode::TOO_MANY_REQUESTS.into_response(),
        "SLOW" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Json(series()).into_response()
        }
        "FADE" if call > 1 => StatusCode::BAD_GATEWAY.into_response(),
        _ => Json(series()).into_response(),
    }
}

async fn spawn_with_fake() -> (TestApp, Calls) {
    spawn_with_fake_ttl("0").await
}

/// The fake provider behind a server that keeps fetched answers `ttl_secs`.
async fn spawn_with_fake_ttl(ttl_secs: &str) -> (TestApp, Calls) {
    let calls = Calls::default();
    let fake = axum::Router::new()
        .route("/query", axum::routing::get(fake_alpha_vantage))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await.unwrap() });
    let app = spawn_app_with(
        None,
        &[
            ("MARKET_DATA_PROVIDER", "alphavantage"),
            ("ALPHA_VANTAGE_API_KEY", KEY),
            ("ALPHA_VANTAGE_BASE_URL", &base),
            ("ALPHA_VANTAGE_TIMEOUT_SECS", "1"),
            ("MARKET_DATA_TTL_SECS", ttl_secs),
        ],
    )
    .await;
    (app, calls)
}

async fn token(app: &TestApp) -> String {
    let (_, token) = app.signed_in_user("trader@example.com").await;
    // Enterprise, so the many calls below are not rate limited.
    investment_system::server::accounts::users::set_tier(
        app.db.pool(),
        &user_id(app, &token).await,
        investment_system::domain::tier::Tier::Enterprise,
        0,
    )
    .await
    .unwrap();
    token
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let me: Value = app
        .get_with_token("/api/v1/me", token)
        .await
        .json()
        .await
        .unwrap();
    me["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn real_answers_become_stored_bars() {
    let (app, calls) = spawn_with_fake().await;
    let token = token(&app).await;
    let prices: Value = app
        .get_with_token("/api/v1/prices/IBM", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(prices["is_demo"], false);
    assert_eq!(prices["is_stale"], false);
    let days: Vec<&str> = prices["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["ts"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2024-01-02", "2024-01-03", "2024-01-04"]);
    assert_eq!(prices["bars"][2]["close"], 102.5);
    assert_eq!(calls.of("IBM"), 1);
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bars WHERE symbol = 'IBM' AND source = 'alphavantage'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, 3);
}

#[tokio::test]
async fn failures_without_cached_data_are_provider_errors() {
    let (app, calls) = spawn_with_fake().await;
    let token = token(&app).await;
    for (symbol, reason) in [
        ("LIMIT", "rate limiting"),
        ("INFO", "rate limiting"),
        ("DOWN", "HTTP 500"),
        ("BUSY", "HTTP 429"),
    ] {
        let (status, code, details) = error_of(
            app.get_with_token(&format!("/api/v1/prices/{symbol}"), &token)
                .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (502, "DATA_PROVIDER_ERROR"),
            "{symbol}"
        );
        assert!(
            details["reason"].as_str().unwrap().contains(reason),
            "{symbol}: {details}"
        );
        assert!(
            !details.to_string().contains(KEY),
            "the API key never reaches the client"
        );
    }
    assert_eq!(
        calls.of("LIMIT"),
        1,
        "an in-band rate-limit answer is not hammered"
    );
    assert_eq!(
        calls.of("DOWN"),
        3,
        "server errors are retried, three attempts in all"
    );
    assert_eq!(calls.of("BUSY"), 3, "429 is retried");

    let (status, code, _) = error_of(app.get_with_token("/api/v1/prices/NOPE", &token).await).await;
    assert_eq!((status, code.as_str()), (404, "SYMBOL_NOT_FOUND"));
}

#[tokio::test]
async fn unknown_symbols_are_asked_once_per_refresh_period() {
    let (app, calls) = spawn_with_fake_ttl("600").await;
    let token = token(&app).await;
    let asks = (0..10).map(|_| app.get_with_token("/api/v1/prices/NOPE", &token));
    for response in futures_util::future::join_all(asks).await {
        assert_eq!(response.status(), 404);
    }
    let later = app.get_with_token("/api/v1/prices/NOPE", &token).await;
    assert_eq!(later.status(), 404);
    assert_eq!(calls.of("NOPE"), 1, "the negative answer is remembered");
}

#[tokio::test]
async fn transient_errors_and_timeouts_are_retried() {
    let (app, calls) = spawn_with_fake().await;
    let token = token(&app).await;
    let flaky = app.get_with_token("/api/v1/prices/FLAKY", &token).await;
    assert_eq!(flaky.status(), 200);
    assert_eq!(calls.of("FLAKY"), 3, "two 503s, then the data");

    let started = Instant::now();
    let (status, code, details) =
        error_of(app.get_with_token("/api/v1/prices/SLOW", &token).await).await;
    assert_eq!((status, code.as_str()), (502, "DATA_PROVIDER_ERROR"));
    assert!(
        details["reason"].as_str().unwrap().contains("in time"),
        "{details}"
    );
    assert_eq!(calls.of("SLOW"), 3);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn cached_bars_are_served_stale_when_the_provider_fails() {
    let (app, calls) = spawn_with_fake().await;
    let token = token(&app).await;
    let fresh: Value = app
        .get_with_token("/api/v1/prices/FADE", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fresh["is_stale"], false);
    let stale: Value = app
        .get_with_token("/api/v1/prices/FADE", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stale["is_stale"], true);
    assert_eq!(stale["bars"], fresh["bars"]);
    assert_eq!(
        calls.of("FADE"),
        4,
        "one success, then three failed attempts"
    );
}

#[tokio::test]
async fn health_reports_the_providers_last_success_and_error() {
    let (app, _) = spawn_with_fake().await;
    let token = token(&app).await;
    let fresh = app.get_json("/health").await;
    let market = &fresh["checks"]["market_data"];
    assert_eq!(market["provider"], "alphavantage", "{fresh}");
    assert_eq!(
        (market["configured"].as_bool(), market["demo"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(market["status"], "ok");
    assert!(market["last_success"].is_null() && market["last_error"].is_null());

    let prices = app.get_with_token("/api/v1/prices/AAPL", &token).await;
    assert_eq!(prices.status(), 200);
    let after_success = app.get_json("/health").await;
    let market = &after_success["checks"]["market_data"];
    chrono::DateTime::parse_from_rfc3339(market["last_success"].as_str().unwrap()).unwrap();
    assert_eq!(after_success["status"], "ok");

    let failed = app.get_with_token("/api/v1/prices/DOWN", &token).await;
    assert_eq!(failed.status(), 502);
    let after_failure = app.get_json("/health").await;
    let market = &after_failure["checks"]["market_data"];
    assert_eq!(market["status"], "down", "{after_failure}");
    assert!(market["last_error"]["message"]
        .as_str()
        .unwrap()
        .contains("HTTP 500"));
    assert!(
        !after_failure.to_string().contains(KEY),
        "no key in /health"
    );
    assert_eq!(
        after_failure["status"], "degraded",
        "stored bars are still served"
    );

    // Real prices: no demo banner on the pages.
    assert!(!app.get_text("/").await.contains("demo-banner"));
}
