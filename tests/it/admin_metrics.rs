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
    assert!(metrics["overall"]["requests"].as_u64().unwrap() >= 8);
    assert!(metrics["overall"]["requests_per_second"].as_f64().unwrap() > 0.0);
    let memory = &metrics["caches"][0];
    assert_eq!(memory["tier"], "memory");
    assert!(memory["hits"].as_u64().unwrap() + memory["misses"].as_u64().unwrap() > 0);
    assert_eq!(metrics["users"], 2);
    assert_eq!(metrics["websocket_connections"], 0);
    assert_eq!(metrics["database"], app.db.backend().as_str());
}
