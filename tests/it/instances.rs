//! Several instances behind a load balancer: two servers (each its own state, pool,
//! caches and in-memory counters) on one PostgreSQL database and one Redis share
//! sessions, refresh tokens, rate-limit counts and the signal cache.

use reqwest::header::COOKIE;
use serde_json::{json, Value};

use crate::common::postgres::TestPostgres;
use crate::common::{error_of, spawn_app_with, TestApp, TEST_JWT_SECRET};
use crate::rate_limits::{assert_eleventh_call_is_refused, RedisPrefix};
use crate::sessions::session_for;

async fn run_signal(app: &TestApp, token: &str) -> Value {
    let response = app
        .client
        .post(app.url("/api/v1/run"))
        .bearer_auth(token)
        .json(&json!({ "symbols": ["MSFT"], "model": "classic" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn redis_tier(app: &TestApp) -> (u64, u64) {
    let tiers = app.state.signal_cache.stats();
    let redis = tiers
        .iter()
        .find(|t| t.tier == "redis")
        .expect("a redis tier");
    (redis.hits, redis.misses)
}

#[tokio::test]
async fn two_instances_share_sessions_tokens_limits_and_the_signal_cache() {
    let prefix = RedisPrefix::new();
    let vars = [
        ("REDIS_URL", "redis://127.0.0.1:6379"),
        ("REDIS_KEY_PREFIX", prefix.0.as_str()),
        ("JWT_SECRET_KEY", TEST_JWT_SECRET),
    ];
    let pg = TestPostgres::create().await;
    let first = spawn_app_with(Some(&pg.url), &vars).await;
    let second =
        crate::common::spawn_app_with_clock(Some(&pg.url), &vars, first.state.clock.clone()).await;

    // A dashboard session made on the first instance works on the second.
    let cookie = session_for(&first, "roaming@example.com").await;
    let me: Value = second
        .client
        .get(second.url("/api/v1/me"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "roaming@example.com");

    // A refresh token issued by one rotates on the other; the old one is then spent everywhere.
    first
        .register("rotating@example.com", crate::common::STRONG_PASSWORD)
        .await;
    let tokens = first
        .login("rotating@example.com", crate::common::STRONG_PASSWORD)
        .await;
    let old = tokens["refresh_token"].as_str().unwrap();
    let rotated = second
        .post_json("/api/v1/auth/refresh", json!({ "refresh_token": old }))
        .await;
    assert_eq!(rotated.status(), 200);
    let (status, code, _) = error_of(
        first
            .post_json("/api/v1/auth/refresh", json!({ "refresh_token": old }))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (401, "REFRESH_TOKEN_REUSED"));

    // The free tier's 10 requests a minute are counted across both.
    let (_, limited) = first.signed_in_user("counted@example.com").await;
    assert_eleventh_call_is_refused(&[&first, &second], &[&limited]).await;

    // A verdict computed by the first is a Redis hit on the second.
    let (_, token) = first.signed_in_user("cached@example.com").await;
    let computed = run_signal(&first, &token).await;
    assert_eq!(redis_tier(&first), (0, 1), "computed on the first instance");
    let reused = run_signal(&second, &token).await;
    assert_eq!(redis_tier(&second), (1, 0), "found in redis by the second");
    for field in ["signal", "confidence", "score", "reasons", "indicators"] {
        assert_eq!(
            computed["signals"][0][field], reused["signals"][0][field],
            "{field} differs"
        );
    }
    first.db.close().await;
    second.db.close().await;
}
