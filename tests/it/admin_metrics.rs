//! `GET /api/v1/admin/metrics`: what the admin page shows, for administrators only,
//! counted per route template.

use serde_json::Value;

use crate::common::{error_of, TestApp};

on_both_backends!(admins_see_traffic_by_route_template);

async fn admins_see_traffic_by_route_template(app: &TestApp) {
    let (_, admin) = app.signed_in_user("metrics-root@example.com").await;
    let (_, member) = app.signed_in_user("metrics-member@example.com").await;
    for symbol in ["AAPL", "MSFT", "AAPL"] {
        let response = app
            .get_with_token(&format!("/api/v1/prices/{symbol}"), &member)
            .await;
        assert_eq!(response.status(), 200);
    }
    let missing = app.get_with_token("/api/v1/signals/nope", &member).await;
    assert_eq!(missing.status(), 404);
    // Two runs of the same question: the second verdict comes from the signal cache.
    for _ in 0..2 {
        let run = app
            .client
            .post(app.url("/api/v1/run"))
            .bearer_auth(&member)
            .json(&serde_json::json!({ "symbols": ["AAPL"], "model": "classic" }))
            .send()
            .await
            .unwrap();
        assert_eq!(run.status(), 200);
    }
    let refused = app
        .client
        .post(app.url("/api/v1/run"))
        .bearer_auth(&member)
        .json(&serde_json::json!({ "symbols": ["AAPL"], "model": "astrology" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);

    let (status, code, _) =
        error_of(app.get_with_token("/api/v1/admin/metrics", &member).await).await;
    assert_eq!((status, code.as_str()), (403, "ADMIN_REQUIRED"));

    let metrics: Value = app
        .get_with_token("/api/v1/admin/metrics", &admin)
        .await
        .json()
        .await
        .unwrap();
    let routes = metrics["routes"].as_array().unwrap();
    let route = |template: &str| {
        routes
            .iter()
            .find(|r| r["route"] == template)
            .unwrap_or_else(|| panic!("{template} missing from {routes:?}"))
    };
    let prices = route("/api/v1/prices/{symbol}");
    assert_eq!(prices["requests"], 3);
    assert!(prices["p95_ms"].as_f64().unwrap() > 0.0);
    assert!(prices["p99_ms"].as_f64().unwrap() >= prices["p50_ms"].as_f64().unwrap());
    assert_eq!(prices["error_rate"], 0.0);
    let signal = route("/api/v1/signals/{id}");
    assert_eq!(signal["client_error_rate"], 1.0);
    assert!(
        routes
            .iter()
            .all(|r| !r["route"].as_str().unwrap().contains("AAPL")),
        "raw paths never become labels"
    );
    assert!(metrics["overall"]["requests"].as_u64().unwrap() >= 11);
    assert!(metrics["overall"]["requests_per_second"].as_f64().unwrap() > 0.0);
    let cache = |name: &str| {
        metrics["caches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cache"] == name && c["tier"] == "memory")
            .unwrap_or_else(|| panic!("{name} cache missing: {}", metrics["caches"]))
            .clone()
    };
    let series = cache("market_data");
    assert!(series["hits"].as_u64().unwrap() + series["misses"].as_u64().unwrap() > 0);
    let verdicts = cache("signals");
    assert_eq!(
        (verdicts["hits"].as_u64(), verdicts["misses"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(verdicts["hit_rate"], 0.5);

    let errors = metrics["errors"].as_array().unwrap();
    let not_found = errors
        .iter()
        .find(|e| e["code"] == "SIGNAL_NOT_FOUND")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(not_found["route"], "/api/v1/signals/{id}");
    assert_eq!(
        (not_found["count"].as_u64(), not_found["rate"].as_f64()),
        (Some(1), Some(1.0))
    );
    let unknown_model = errors
        .iter()
        .find(|e| e["code"] == "UNKNOWN_MODEL")
        .unwrap();
    assert_eq!(unknown_model["route"], "/api/v1/run");
    assert!((unknown_model["rate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);

    let signals = &metrics["signals"];
    assert_eq!(
        (signals["runs"].as_u64(), signals["failed_runs"].as_u64()),
        (Some(3), Some(1))
    );
    assert!((signals["success_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(signals["failures"][0]["name"], "UNKNOWN_MODEL");
    let generated: u64 = signals["generated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(generated, 2);

    let pool = &metrics["pool"];
    assert_eq!(pool["status"], "ok");
    assert_eq!(pool["backend"], app.db.backend().as_str());
    assert!(pool["max"].as_u64().unwrap() >= 1);
    assert!(pool["open"].as_u64().unwrap() >= pool["idle"].as_u64().unwrap());
    assert_eq!(metrics["users"], 2);
    assert_eq!(metrics["websocket_connections"], 0);
    assert_eq!(metrics["database"], app.db.backend().as_str());
}
