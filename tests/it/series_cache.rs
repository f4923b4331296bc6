//! Stored series are kept in memory by revision: repeated reads are served from
//! memory, and every write is seen by the next read, also on another instance
//! sharing the database.

use serde_json::Value;

use crate::common::{spawn_app_with, TestApp, TEST_JWT_SECRET};

on_both_backends!(repeated_reads_hit_memory_and_writes_are_seen_everywhere);

fn csv(close: f64) -> String {
    format!("Date,Open,High,Low,Close,Volume\n2024-01-02,100,200,5,{close},1000\n")
}

async fn import(app: &TestApp, token: &str, path: &str, body: String) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

async fn close_on(app: &TestApp, token: &str, symbol: &str) -> f64 {
    let path = format!("/api/v1/prices/{symbol}?from=2024-01-02&to=2024-01-02");
    let body: Value = app.get_with_token(&path, token).await.json().await.unwrap();
    body["bars"][0]["close"].as_f64().unwrap()
}

async fn repeated_reads_hit_memory_and_writes_are_seen_everywhere(app: &TestApp) {
    let (_, admin) = app.signed_in_user("cache-admin@example.com").await;
    let (_, user) = app.signed_in_user("cache-user@example.com").await;

    // The demo series is read once from the database, then from memory.
    let demo_close = close_on(app, &user, "AAPL").await;
    let before = app.state.market.cache_stats();
    assert_eq!(close_on(app, &user, "AAPL").await, demo_close);
    let after = app.state.market.cache_stats();
    assert_eq!(after.misses, before.misses);
    assert!(after.hits > before.hits);

    // The user's own import, then a corrected one of the same day: each is seen.
    import(app, &user, "/api/v1/prices/AAPL/import", csv(111.0)).await;
    assert_eq!(close_on(app, &user, "AAPL").await, 111.0);
    import(app, &user, "/api/v1/prices/AAPL/import", csv(112.0)).await;
    assert_eq!(close_on(app, &user, "AAPL").await, 112.0);

    // A second instance on the same database changes the shared catalog; this
    // instance, holding the old copy in memory, serves the new bars.
    let vars = [("JWT_SECRET_KEY", TEST_JWT_SECRET)];
    let other = spawn_app_with(Some(&app.state.config.database_url), &vars).await;
    import(
        &other,
        &admin,
        "/api/v1/prices/SHARED/import?scope=global",
        csv(10.0),
    )
    .await;
    assert_eq!(close_on(app, &user, "SHARED").await, 10.0);
    import(
        &other,
        &admin,
        "/api/v1/prices/SHARED/import?scope=global",
        csv(20.0),
    )
    .await;
    assert_eq!(close_on(app, &user, "SHARED").await, 20.0);
}
