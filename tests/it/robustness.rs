//! Failure paths: a handler that panics, a request that takes too long, and a
//! database that disappears and comes back.

use std::time::{Duration, Instant};

use axum::routing::get;
use serde_json::Value;

use crate::common::postgres::TestPostgres;
use crate::common::tcp_proxy::TcpProxy;
use crate::common::{error_of, spawn_app_with, spawn_app_with_routes, TEST_JWT_SECRET};

async fn panics() -> &'static str {
    panic!("handler bug for the test")
}

async fn sleeps() -> &'static str {
    tokio::time::sleep(Duration::from_millis(400)).await;
    "late"
}

#[tokio::test]
async fn a_panic_answers_500_in_the_envelope_and_the_server_keeps_serving() {
    let extra = axum::Router::new().route("/test/panic", get(panics));
    let app = spawn_app_with_routes(None, &[], extra).await;
    let response = app
        .client
        .get(app.url("/test/panic"))
        .header("x-correlation-id", "panic-1")
        .send()
        .await
        .unwrap();
    // error_of checks the envelope carries the same correlation id as the header.
    assert_eq!(response.headers()["x-correlation-id"], "panic-1");
    let (status, code, details) = error_of(response).await;
    assert_eq!((status, code.as_str()), (500, "INTERNAL_ERROR"));
    assert!(
        !details.to_string().contains("handler bug"),
        "the panic message is logged, never sent: {details}"
    );
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_request_over_the_timeout_answers_504_request_timeout() {
    let extra = axum::Router::new().route("/test/slow", get(sleeps));
    let app = spawn_app_with_routes(None, &[("REQUEST_TIMEOUT_MS", "100")], extra).await;
    let started = Instant::now();
    let response = app.client.get(app.url("/test/slow")).send().await.unwrap();
    let (status, code, details) = error_of(response).await;
    assert_eq!((status, code.as_str()), (504, "REQUEST_TIMEOUT"));
    assert_eq!(details["timeout_ms"], 100);
    assert!(
        started.elapsed() < Duration::from_millis(380),
        "answered at the timeout"
    );
    // Requests within the limit are untouched.
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

/// Polls `probe` until it returns true or `within` passes.
async fn eventually(within: Duration, mut probe: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if probe().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    false
}

#[tokio::test]
async fn without_its_database_the_api_answers_503_fast_and_recovers_by_itself() {
    let pg = TestPostgres::create().await;
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let through_proxy = pg.url.replace("127.0.0.1:5432", &proxy.address.to_string());
    let app = spawn_app_with(Some(&through_proxy), &[("JWT_SECRET_KEY", TEST_JWT_SECRET)]).await;
    let (_, token) = app.signed_in_user("outage@example.com").await;
    let run = app.run_signals(&token, &["AAPL"]).await;
    assert_eq!(run.status(), 200);
    let stored: Value = run.json().await.unwrap();
    let signal_id = stored["signals"][0]["id"].as_str().unwrap().to_string();

    proxy.cut();
    let started = Instant::now();
    let (status, code, _) = error_of(app.get_with_token("/api/v1/signals", &token).await).await;
    assert_eq!((status, code.as_str()), (503, "DATABASE_ERROR"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered in {:?}",
        started.elapsed()
    );
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    let report: Value = health.json().await.unwrap();
    assert_eq!(report["status"], "down");
    assert_eq!(report["checks"]["database"]["status"], "down");

    proxy.restore();
    let recovered = eventually(Duration::from_secs(15), async || {
        app.get_with_token(&format!("/api/v1/signals/{signal_id}"), &token)
            .await
            .status()
            == 200
    })
    .await;
    assert!(
        recovered,
        "service did not resume after the database returned"
    );
    let health: Value = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    app.db.close().await;
}
