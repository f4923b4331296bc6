//! Tier limits over real HTTP: in memory, in the real Redis (shared by two
//! instances), and with Redis unreachable (memory takes over, never a 500).

use crate::common::{error_of, spawn_app_with, TestApp};
use serde_json::json;

/// A Redis key prefix of this test's own, deleted when dropped.
pub struct RedisPrefix(pub String);

impl RedisPrefix {
    pub fn new() -> RedisPrefix {
        RedisPrefix(format!("its_test_{}", uuid::Uuid::new_v4().simple()))
    }
}

impl Drop for RedisPrefix {
    fn drop(&mut self) {
        if let Ok(mut connection) =
            redis::Client::open("redis://127.0.0.1:6379").and_then(|c| c.get_connection())
        {
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}:*", self.0))
                .query(&mut connection)
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: Result<(), _> = redis::cmd("DEL").arg(keys).query(&mut connection);
            }
        }
    }
}

fn header(response: &reqwest::Response, name: &str) -> i64 {
    response.headers()[name].to_str().unwrap().parse().unwrap()
}

/// Makes `count` calls to `/api/v1/me` as the user, across the given instances in
/// turn; returns the last response. The test servers' clocks stand still, so every
/// call falls in one window.
async fn calls(apps: &[&TestApp], tokens: &[&str], count: usize) -> reqwest::Response {
    for i in 0..count - 1 {
        let response = apps[i % apps.len()]
            .get_with_token("/api/v1/me", tokens[i % tokens.len()])
            .await;
        assert_eq!(response.status(), 200, "call {} of {count}", i + 1);
        assert_eq!(
            header(&response, "x-ratelimit-remaining"),
            10 - (i as i64 + 1)
        );
    }
    let last = count - 1;
    apps[last % apps.len()]
        .get_with_token("/api/v1/me", tokens[last % tokens.len()])
        .await
}

pub async fn assert_eleventh_call_is_refused(apps: &[&TestApp], tokens: &[&str]) {
    let refused = calls(apps, tokens, 11).await;
    assert_eq!(header(&refused, "x-ratelimit-limit"), 10);
    assert_eq!(header(&refused, "x-ratelimit-remaining"), 0);
    let retry_after = header(&refused, "retry-after");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, code, details) = error_of(refused).await;
    assert_eq!((status, code.as_str()), (429, "RATE_LIMIT_EXCEEDED"));
    assert_eq!(details["limit"], 10);
}

#[tokio::test]
async fn free_tier_gets_ten_calls_a_minute_in_memory() {
    let app = spawn_app_with(None, &[]).await;
    let (_, token) = app.signed_in_user("limited@example.com").await;
    assert_eleventh_call_is_refused(&[&app], &[&token]).await;
}

#[tokio::test]
async fn the_minute_window_starts_again_when_the_clock_reaches_the_next_minute() {
    let app = spawn_app_with(None, &[]).await;
    let (_, token) = app.signed_in_user("patient@example.com").await;
    assert_eleventh_call_is_refused(&[&app], &[&token]).await;
    let refused = app.get_with_token("/api/v1/me", &token).await;
    let retry_after = header(&refused, "retry-after");

    // One second before the reset: still refused.
    app.state
        .clock
        .advance(std::time::Duration::from_secs(retry_after as u64 - 1));
    let still = app.get_with_token("/api/v1/me", &token).await;
    assert_eq!(still.status(), 429);
    assert_eq!(header(&still, "retry-after"), 1);

    app.state.clock.advance(std::time::Duration::from_secs(1));
    let fresh = app.get_with_token("/api/v1/me", &token).await;
    assert_eq!(fresh.status(), 200);
    assert_eq!(header(&fresh, "x-ratelimit-remaining"), 9);
}

#[tokio::test]
async fn api_keys_and_tokens_share_the_users_count() {
    let app = spawn_app_with(None, &[]).await;
    let (_, token) = app.signed_in_user("mixed@example.com").await;
    let created = app.create_api_key(&token, "bot").await;
    let key = created["key"].as_str().unwrap();
    // One call already used by the key creation: nine more are fine, the tenth fails.
    for _ in 0..9 {
        let response = app
            .client
            .get(app.url("/api/v1/me"))
            .header("x-api-key", key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("x-api-key", key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
}

#[tokio::test]
async fn two_instances_share_counts_through_redis() {
    let prefix = RedisPrefix::new();
    // Instances behind one load balancer share the database, Redis and the JWT key.
    let vars = [
        ("REDIS_URL", "redis://127.0.0.1:6379"),
        ("REDIS_KEY_PREFIX", prefix.0.as_str()),
        ("JWT_SECRET_KEY", crate::common::TEST_JWT_SECRET),
    ];
    let pg = crate::common::postgres::TestPostgres::create().await;
    let first = spawn_app_with(Some(&pg.url), &vars).await;
    let second =
        crate::common::spawn_app_with_clock(Some(&pg.url), &vars, first.state.clock.clone()).await;
    let (_, token) = first.signed_in_user("shared@example.com").await;
    assert_eleventh_call_is_refused(&[&first, &second], &[&token]).await;

    let mut connection = redis::Client::open("redis://127.0.0.1:6379")
        .unwrap()
        .get_connection()
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}:ratelimit:user:*", prefix.0))
        .query(&mut connection)
        .unwrap();
    assert_eq!(keys.len(), 2, "a minute and a day counter: {keys:?}");
    // The minute counter expires exactly when its window ends (EXPIREAT, Redis 7's
    // EXPIRETIME reads it back). A relative TTL would read 0 in a window's last second.
    let minute_key = keys.iter().find(|k| k.contains(":m:")).unwrap();
    let window_start: i64 = minute_key.rsplit(':').next().unwrap().parse().unwrap();
    let expires_at: i64 = redis::cmd("EXPIRETIME")
        .arg(minute_key)
        .query(&mut connection)
        .unwrap();
    if expires_at == -2 {
        // Gone already: only possible once its window is over.
        assert!(investment_system::server::clock::now_unix() >= window_start + 60);
    } else {
        assert_eq!(
            expires_at,
            window_start + 60,
            "minute counter expires with its window"
        );
    }
    first.db.close().await;
    second.db.close().await;
}

#[tokio::test]
async fn unreachable_redis_falls_back_to_memory_without_errors() {
    let app = spawn_app_with(None, &[("REDIS_URL", "redis://127.0.0.1:1")]).await;
    let (_, token) = app.signed_in_user("fallback@example.com").await;
    assert_eleventh_call_is_refused(&[&app], &[&token]).await;
}

#[tokio::test]
async fn unauthenticated_routes_are_limited_per_client_ip() {
    let app = spawn_app_with(None, &[("AUTH_RATE_LIMIT_PER_MINUTE", "3")]).await;
    let attempt = || {
        app.post_json(
            "/api/v1/auth/login",
            json!({ "email": "x@example.com", "password": "Wrong-Pass-1!" }),
        )
    };
    for _ in 0..3 {
        let response = attempt().await;
        assert_eq!(header(&response, "x-ratelimit-limit"), 3);
        assert_eq!(response.status(), 401);
    }
    let (status, code, _) = error_of(attempt().await).await;
    assert_eq!((status, code.as_str()), (429, "RATE_LIMIT_EXCEEDED"));

    // Wrong credentials count against the IP too: guessing keys is throttled.
    let guess = app
        .client
        .get(app.url("/api/v1/me"))
        .header("x-api-key", "ik_00:sk_00")
        .send()
        .await
        .unwrap();
    assert_eq!(guess.status(), 429);
}

/// Behind our own proxy each client gets its own per-IP bucket; without trust,
/// `X-Forwarded-For` is ignored (a client cannot pick a fresh bucket per request).
#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let attempt = |app: &TestApp, client: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", client)
            .json(&json!({ "email": "x@example.com", "password": "Wrong-Pass-1!" }))
            .send()
    };
    let behind_proxy = spawn_app_with(
        None,
        &[
            ("AUTH_RATE_LIMIT_PER_MINUTE", "2"),
            ("TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    for _ in 0..2 {
        assert_eq!(
            attempt(&behind_proxy, "203.0.113.1")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    assert_eq!(
        attempt(&behind_proxy, "203.0.113.1")
            .await
            .unwrap()
            .status(),
        429
    );
    assert_eq!(
        attempt(&behind_proxy, "203.0.113.2")
            .await
            .unwrap()
            .status(),
        401
    );

    let direct = spawn_app_with(None, &[("AUTH_RATE_LIMIT_PER_MINUTE", "2")]).await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        assert_eq!(attempt(&direct, client).await.unwrap().status(), 401);
    }
    assert_eq!(attempt(&direct, "203.0.113.3").await.unwrap().status(), 429);
}
