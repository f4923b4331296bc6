//! `/metrics`: Prometheus text when `ENABLE_METRICS=true`, labelled by route template,
//! behind `METRICS_TOKEN` when one is set; absent otherwise.

use crate::common::{error_of, spawn_app, spawn_app_with, TEST_JWT_SECRET};

const TOKEN: &str = "scrape-token-for-tests-0123456789abcdef";

#[tokio::test]
async fn metrics_are_off_unless_enabled() {
    let app = spawn_app().await;
    let (status, code, _) =
        error_of(app.client.get(app.url("/metrics")).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
}

#[tokio::test]
async fn requests_and_errors_are_counted_by_route_template() {
    let app = spawn_app_with(
        None,
        &[
            ("ENABLE_METRICS", "true"),
            ("JWT_SECRET_KEY", TEST_JWT_SECRET),
        ],
    )
    .await;
    let (_, token) = app.signed_in_user("metrics-scrape@example.com").await;
    for symbol in ["AAPL", "MSFT"] {
        let response = app
            .get_with_token(&format!("/api/v1/prices/{symbol}"), &token)
            .await;
        assert_eq!(response.status(), 200);
    }
    let missing = app.get_with_token("/api/v1/signals/nope", &token).await;
    assert_eq!(missing.status(), 404);
    // A stored signal, a refused run, a failed login and a rejected token.
    let run = |model: &'static str| {
        app.client
            .post(app.url("/api/v1/run"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "symbols": ["MSFT"], "model": model }))
            .send()
    };
    assert_eq!(run("momentum").await.unwrap().status(), 200);
    assert_eq!(run("tea-leaves").await.unwrap().status(), 400);
    let failed_login = app
        .post_json(
            "/api/v1/auth/login",
            serde_json::json!({ "email": "metrics-scrape@example.com", "password": "wrong-Password-1" }),
        )
        .await;
    assert_eq!(failed_login.status(), 401);
    let forged = app.get_with_token("/api/v1/me", "not.a.jwt").await;
    assert_eq!(forged.status(), 401);

    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    let has_line = |parts: &[&str]| {
        text.lines()
            .any(|line| parts.iter().all(|part| line.contains(part)))
    };
    assert!(
        has_line(&[
            "http_requests_total{",
            "method=\"GET\"",
            "route=\"/api/v1/prices/{symbol}\"",
            "status=\"200\"",
        ]),
        "{text}"
    );
    assert!(has_line(&[
        "http_request_duration_seconds_bucket{",
        "route=\"/api/v1/prices/{symbol}\"",
        "le=\"0.001\"",
    ]));
    assert!(has_line(&[
        "api_errors_total{",
        "code=\"SIGNAL_NOT_FOUND\""
    ]));
    assert!(
        !text.contains("/api/v1/prices/AAPL"),
        "raw paths are never labels"
    );
    for parts in [
        &[
            "signals_generated_total{",
            "model=\"momentum\"",
            "signal=\"",
        ][..],
        &[
            "signal_generation_failures_total{",
            "reason=\"unknown_model\"",
        ],
        &[
            "market_data_requests_total{",
            "provider=\"demo\"",
            "outcome=\"ok\"",
        ],
        &[
            "cache_requests_total{",
            "cache=\"market_data\"",
            "tier=\"memory\"",
            "result=\"",
        ],
        &[
            "cache_requests_total{",
            "cache=\"signals\"",
            "result=\"miss\"",
        ],
        &["rate_limiter_backend{", "backend=\"memory\""],
        &["db_pool_connections{", "state=\"idle\""],
        &["db_pool_connections{", "state=\"max\""],
        &["auth_events_total{", "event=\"login_failure\""],
        &["auth_events_total{", "event=\"token_rejected\""],
        &["auth_events_total{", "event=\"registered\""],
    ] {
        assert!(has_line(parts), "no line with {parts:?} in\n{text}");
    }
}

#[tokio::test]
async fn refused_requests_are_counted_by_tier() {
    let app = spawn_app_with(
        None,
        &[
            ("ENABLE_METRICS", "true"),
            ("JWT_SECRET_KEY", TEST_JWT_SECRET),
            ("AUTH_RATE_LIMIT_PER_MINUTE", "1"),
        ],
    )
    .await;
    for _ in 0..2 {
        app.post_json(
            "/api/v1/auth/refresh",
            serde_json::json!({ "refresh_token": "x" }),
        )
        .await;
    }
    let text = app.get_text("/metrics").await;
    assert!(
        text.lines()
            .any(|l| l.starts_with("rate_limited_total{") && l.contains("tier=\"anonymous\"")),
        "{text}"
    );
}

#[tokio::test]
async fn a_metrics_token_is_required_when_set() {
    let app = spawn_app_with(
        None,
        &[("ENABLE_METRICS", "true"), ("METRICS_TOKEN", TOKEN)],
    )
    .await;
    let get = |auth: Option<&str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    let (status, code, _) = error_of(get(None).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (401, "AUTHENTICATION_REQUIRED"));
    let wrong = get(Some("Bearer not-the-token")).await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = get(Some(&format!("Bearer {TOKEN}"))).await.unwrap();
    assert_eq!(right.status(), 200);
}
