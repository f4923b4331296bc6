//! `/healthz` and `/health` through real HTTP, with Redis absent, up and unreachable,
//! and with the database gone.

use std::time::{Duration, Instant};

use crate::common::postgres::TestPostgres;
use crate::common::{spawn_app, spawn_app_with};
use serde_json::Value;

async fn get_json(app: &crate::common::TestApp, path: &str) -> (u16, Value) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn healthz_answers_ok_with_a_timestamp() {
    let app = spawn_app().await;
    let (status, body) = get_json(&app, "/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    let timestamp = body["timestamp"].as_str().expect("timestamp string");
    chrono::DateTime::parse_from_rfc3339(timestamp).expect("RFC 3339 timestamp");
}

#[tokio::test]
async fn health_reports_each_check_with_redis_not_configured() {
    let app = spawn_app().await;
    let (status, body) = get_json(&app, "/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["environment"], "development");
    assert!(body["uptime_s"].is_u64());
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert!(body["checks"]["database"]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(body["checks"]["redis"]["status"], "not_configured");
    let market = &body["checks"]["market_data"];
    assert_eq!(market["provider"], "demo", "{body}");
    assert_eq!(market["demo"], true);
    assert_eq!(market["configured"], true);
    assert_eq!(market["status"], "ok");
}

#[tokio::test]
async fn every_page_says_when_prices_are_demo_data() {
    let app = spawn_app().await;
    for path in ["/", "/login", "/register", "/no-such-page"] {
        let page = app.get_text(path).await;
        assert!(page.contains(r#"data-testid="demo-banner""#), "{path}");
        assert!(page.contains("Demo data"), "{path}");
    }
}

#[tokio::test]
async fn health_checks_the_real_redis_when_configured() {
    let app = spawn_app_with(None, &[("REDIS_URL", "redis://127.0.0.1:6379")]).await;
    let (status, body) = get_json(&app, "/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["redis"]["status"], "ok");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn unreachable_redis_degrades_but_still_serves() {
    // Port 1 on loopback is closed: connections are refused at once.
    let app = spawn_app_with(None, &[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    let (status, body) = get_json(&app, "/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["redis"]["status"], "down");
    assert_eq!(body["checks"]["database"]["status"], "ok");
}

#[tokio::test]
async fn health_on_postgres_is_ok() {
    let pg = TestPostgres::create().await;
    let app = spawn_app_with(Some(&pg.url), &[]).await;
    let (status, body) = get_json(&app, "/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["database"]["status"], "ok");
    app.db.close().await;
}

#[tokio::test]
async fn unreachable_database_gives_503_down_quickly() {
    let pg = TestPostgres::create().await;
    let app = spawn_app_with(Some(&pg.url), &[]).await;
    pg.drop_database().await;

    let started = Instant::now();
    let (status, body) = get_json(&app, "/health").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "down");
    assert_eq!(body["checks"]["database"]["status"], "down");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "health check hung for {:?}",
        started.elapsed()
    );
}
