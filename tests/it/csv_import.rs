//! CSV imports over real HTTP on both backends: all or nothing, private to the
//! importer unless an administrator imports into the shared catalog, and layered
//! over the provider's bars (an import wins on the days both cover).

use serde_json::Value;

use crate::common::{error_of, TestApp};

on_both_backends!(
    a_users_import_is_theirs_alone_and_wins_over_the_provider,
    bad_files_import_nothing_and_say_why,
    admins_import_into_the_shared_catalog,
    concurrent_imports_all_land,
);

const YAHOO: &str = "Date,Open,High,Low,Close,Adj Close,Volume\n\
2024-01-02,500.00,510.00,490.00,505.00,505.00,1000\n\
2024-01-03,505.00,515.00,500.00,512.50,512.50,1200\n";

async fn post_csv(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &str,
    content_type: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn closes(app: &TestApp, token: &str, path: &str) -> Vec<(String, f64)> {
    let body: Value = app.get_with_token(path, token).await.json().await.unwrap();
    body["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["ts"].as_str().unwrap().to_string(),
                b["close"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn a_users_import_is_theirs_alone_and_wins_over_the_provider(app: &TestApp) {
    let (_, admin) = app.signed_in_user("first-admin@example.com").await;
    let (_, alice) = app.signed_in_user("alice@example.com").await;
    let (_, bob) = app.signed_in_user("bob@example.com").await;
    let range = "/api/v1/prices/AAPL?from=2024-01-02&to=2024-01-04";
    let before = closes(app, &bob, range).await;

    let response = post_csv(app, &alice, "/api/v1/prices/aapl/import", YAHOO, "text/csv").await;
    assert_eq!(response.status(), 200);
    let summary: Value = response.json().await.unwrap();
    assert_eq!(
        summary,
        serde_json::json!({ "imported": 2, "updated": 0, "first": "2024-01-02", "last": "2024-01-03" })
    );

    let alices = closes(app, &alice, range).await;
    assert_eq!(alices[0], ("2024-01-02".to_string(), 505.0));
    assert_eq!(alices[1], ("2024-01-03".to_string(), 512.5));
    assert_eq!(
        alices[2], before[2],
        "the provider still fills the days the file lacks"
    );
    assert_eq!(
        closes(app, &bob, range).await,
        before,
        "bob never sees alice's import"
    );
    assert_eq!(closes(app, &admin, range).await, before);

    // Importing again updates in place.
    let again: Value = post_csv(
        app,
        &alice,
        "/api/v1/prices/AAPL/import",
        YAHOO,
        "text/csv; charset=utf-8",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (again["imported"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(2))
    );

    // A symbol only imported is served from the import alone.
    let own = post_csv(
        app,
        &alice,
        "/api/v1/prices/MYFUND/import",
        YAHOO,
        "text/csv",
    )
    .await;
    assert_eq!(own.status(), 200);
    let fund: Value = app
        .get_with_token("/api/v1/prices/MYFUND", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fund["bars"].as_array().unwrap().len(), 2);
    assert_eq!(fund["is_demo"], false);
    let (status, code, _) = error_of(app.get_with_token("/api/v1/prices/MYFUND", &bob).await).await;
    assert_eq!((status, code.as_str()), (404, "SYMBOL_NOT_FOUND"));
}

async fn bad_files_import_nothing_and_say_why(app: &TestApp) {
    let (_, token) = app.signed_in_user("careful@example.com").await;
    let bad = "Date,Open,High,Low,Close,Volume\n\
               2024-01-02,10,11,9,10.5,100\n\
               2024-01-03,10,9,8,10.5,100\n\
               2024-01-03,10,11,9,x,100\n";
    let response = post_csv(app, &token, "/api/v1/prices/ACME/import", bad, "text/csv").await;
    let (status, code, details) = error_of(response).await;
    assert_eq!((status, code.as_str()), (422, "INVALID_CSV"));
    let errors = details["errors"].as_array().unwrap();
    assert_eq!(errors[0]["line"], 3);
    assert!(errors[0]["reason"].as_str().unwrap().contains("high"));
    assert!(errors
        .iter()
        .any(|e| e["line"] == 4 && e["reason"].as_str().unwrap().contains("duplicate")));
    assert!(errors.iter().any(|e| e["line"] == 4
        && e["reason"]
            .as_str()
            .unwrap()
            .contains("close is not a number")));
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bars WHERE symbol = 'ACME'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "the valid first row was not stored either");

    let (status, code, _) = error_of(
        post_csv(
            app,
            &token,
            "/api/v1/prices/ACME/import",
            YAHOO,
            "application/json",
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (415, "UNSUPPORTED_MEDIA_TYPE"));
    let (status, code, _) = error_of(
        post_csv(
            app,
            &token,
            "/api/v1/prices/NOT%20OK/import",
            YAHOO,
            "text/csv",
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "INVALID_SYMBOL"));
    let big = format!("Date,Open,High,Low,Close\n{}", "x".repeat(21 * 1024 * 1024));
    let (status, code, _) =
        error_of(post_csv(app, &token, "/api/v1/prices/ACME/import", &big, "text/csv").await).await;
    assert_eq!((status, code.as_str()), (413, "PAYLOAD_TOO_LARGE"));
}

async fn admins_import_into_the_shared_catalog(app: &TestApp) {
    let (_, admin) = app.signed_in_user("catalog-admin@example.com").await;
    let (_, member) = app.signed_in_user("member@example.com").await;
    let (status, code, _) = error_of(
        post_csv(
            app,
            &member,
            "/api/v1/prices/SHARED/import?scope=global",
            YAHOO,
            "text/csv",
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (403, "ADMIN_REQUIRED"));
    let response = post_csv(
        app,
        &admin,
        "/api/v1/prices/SHARED/import?scope=global",
        YAHOO,
        "text/csv",
    )
    .await;
    assert_eq!(response.status(), 200);
    let seen = closes(app, &member, "/api/v1/prices/SHARED").await;
    assert_eq!(
        seen,
        vec![
            ("2024-01-02".to_string(), 505.0),
            ("2024-01-03".to_string(), 512.5)
        ]
    );
}

/// Imports at the same moment each get the write lock in turn (on SQLite a deferred
/// transaction that read first used to fail with "database is locked" instead).
async fn concurrent_imports_all_land(app: &TestApp) {
    let token = app
        .user_on_tier("concurrent@example.com", "enterprise")
        .await;
    let imports = (0..12).map(|i| {
        let token = token.clone();
        async move {
            let path = format!("/api/v1/prices/CON{i}/import");
            post_csv(app, &token, &path, YAHOO, "text/csv")
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(imports).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    for i in 0..12 {
        let stored = closes(app, &token, &format!("/api/v1/prices/CON{i}")).await;
        assert_eq!(stored.len(), 2, "CON{i}");
    }
}
