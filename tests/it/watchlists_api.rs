//! `/api/v1/watchlists` over real HTTP on both backends: create, rename, delete, add
//! and remove symbols; validation; the tier's limits; and isolation between users.

use serde_json::{json, Value};

use crate::common::{error_of, TestApp};

on_both_backends!(
    watchlists_are_created_renamed_filled_and_deleted,
    bad_watchlist_requests_change_nothing,
    tier_limits_cap_watchlists_and_their_symbols,
    users_never_see_or_touch_each_others_watchlists,
);

async fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn create(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    send(
        app,
        token,
        reqwest::Method::POST,
        "/api/v1/watchlists",
        Some(body),
    )
    .await
}

async fn listing(app: &TestApp, token: &str) -> Value {
    app.get_with_token("/api/v1/watchlists", token)
        .await
        .json()
        .await
        .unwrap()
}

async fn watchlists_are_created_renamed_filled_and_deleted(app: &TestApp) {
    let token = app.user_on_tier("lists@example.com", "pro").await;
    let empty = listing(app, &token).await;
    assert_eq!(empty["watchlists"], json!([]));
    assert_eq!(empty["usage"]["watchlists_limit"], 50);
    assert_eq!(empty["usage"]["symbols_limit"], 200);

    let response = create(
        app,
        &token,
        json!({ "name": "  Tech  ", "symbols": ["aapl", "MSFT"] }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let tech: Value = response.json().await.unwrap();
    assert_eq!(tech["name"], "Tech");
    assert_eq!(tech["symbols"], json!(["AAPL", "MSFT"]));
    let id = tech["id"].as_str().unwrap().to_string();
    chrono::DateTime::parse_from_rfc3339(tech["created_at"].as_str().unwrap()).unwrap();

    let path = format!("/api/v1/watchlists/{id}");
    let symbols = format!("{path}/symbols");
    let response = send(
        app,
        &token,
        reqwest::Method::POST,
        &symbols,
        Some(json!({ "symbol": "nvda" })),
    )
    .await;
    assert_eq!(response.status(), 201);
    let added: Value = response.json().await.unwrap();
    assert_eq!(added["symbols"], json!(["AAPL", "MSFT", "NVDA"]));

    let response = send(
        app,
        &token,
        reqwest::Method::DELETE,
        &format!("{symbols}/msft"),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    let removed: Value = response.json().await.unwrap();
    assert_eq!(removed["symbols"], json!(["AAPL", "NVDA"]));

    let response = send(
        app,
        &token,
        reqwest::Method::PATCH,
        &path,
        Some(json!({ "name": "Chips" })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let renamed: Value = response.json().await.unwrap();
    assert_eq!(renamed["name"], "Chips");
    assert_eq!(renamed["symbols"], json!(["AAPL", "NVDA"]));

    create(app, &token, json!({ "name": "Funds" })).await;
    let both = listing(app, &token).await;
    let names: Vec<&str> = both["watchlists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Chips", "Funds"]);
    assert_eq!(both["usage"]["watchlists"], 2);
    assert_eq!(both["usage"]["symbols"], 2);

    let response = send(app, &token, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(response.status(), 204);
    let (status, code, _) = error_of(app.get_with_token(&path, &token).await).await;
    assert_eq!((status, code.as_str()), (404, "WATCHLIST_NOT_FOUND"));
    let left = listing(app, &token).await;
    assert_eq!(left["usage"]["watchlists"], 1);
    assert_eq!(left["usage"]["symbols"], 0);
}

async fn bad_watchlist_requests_change_nothing(app: &TestApp) {
    let token = app.user_on_tier("careless@example.com", "pro").await;
    let tech: Value = create(app, &token, json!({ "name": "Tech", "symbols": ["AAPL"] }))
        .await
        .json()
        .await
        .unwrap();
    let symbols = format!(
        "/api/v1/watchlists/{}/symbols",
        tech["id"].as_str().unwrap()
    );
    let post = reqwest::Method::POST;
    for (method, path, body, status, code) in [
        (
            post.clone(),
            "/api/v1/watchlists".to_string(),
            json!({ "name": "  " }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            post.clone(),
            "/api/v1/watchlists".to_string(),
            json!({ "name": "x".repeat(61) }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            post.clone(),
            "/api/v1/watchlists".to_string(),
            json!({ "name": "TECH" }),
            409,
            "WATCHLIST_NAME_TAKEN",
        ),
        (
            post.clone(),
            "/api/v1/watchlists".to_string(),
            json!({ "name": "New", "symbols": ["MSFT", "bad symbol!"] }),
            400,
            "INVALID_SYMBOL",
        ),
        (
            post.clone(),
            "/api/v1/watchlists".to_string(),
            json!({ "name": "New", "symbols": ["MSFT", "msft"] }),
            400,
            "DUPLICATE_SYMBOLS",
        ),
        (
            post.clone(),
            "/api/v1/watchlists".to_string(),
            json!({ "name": "New", "symbols": ["MSFT", "ZZZZ"] }),
            404,
            "SYMBOL_NOT_FOUND",
        ),
        (
            post.clone(),
            "/api/v1/watchlists".to_string(),
            json!({ "name": "New", "color": "red" }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            post.clone(),
            symbols.clone(),
            json!({ "symbol": "aapl" }),
            409,
            "SYMBOL_ALREADY_IN_WATCHLIST",
        ),
        (
            post.clone(),
            symbols.clone(),
            json!({ "symbol": "$$$" }),
            400,
            "INVALID_SYMBOL",
        ),
        (
            reqwest::Method::DELETE,
            format!("{symbols}/TSLA"),
            Value::Null,
            404,
            "SYMBOL_NOT_IN_WATCHLIST",
        ),
    ] {
        let body = (!body.is_null()).then(|| body.clone());
        let (got, got_code, _) =
            error_of(send(app, &token, method.clone(), &path, body).await).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{method} {path}");
    }
    // Nothing above was written.
    let after = listing(app, &token).await;
    assert_eq!(after["watchlists"].as_array().unwrap().len(), 1);
    assert_eq!(after["watchlists"][0]["symbols"], json!(["AAPL"]));
}

async fn tier_limits_cap_watchlists_and_their_symbols(app: &TestApp) {
    // Free: 3 watchlists, 10 symbols over all of them.
    let token = app.user_on_tier("frugal@example.com", "free").await;
    let first: Value = create(
        app,
        &token,
        json!({ "name": "One", "symbols": ["AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let (status, code, details) = error_of(
        create(
            app,
            &token,
            json!({ "name": "Two", "symbols": ["TSLA", "JPM", "V", "SPY", "QQQ"] }),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (402, "WATCHLIST_SYMBOL_LIMIT"));
    assert_eq!(details["limit"], 10);
    assert_eq!(details["used"], 6);
    let symbols = format!(
        "/api/v1/watchlists/{}/symbols",
        first["id"].as_str().unwrap()
    );
    for symbol in ["TSLA", "JPM", "V", "SPY"] {
        let response = send(
            app,
            &token,
            reqwest::Method::POST,
            &symbols,
            Some(json!({ "symbol": symbol })),
        )
        .await;
        assert_eq!(response.status(), 201, "{symbol}");
    }
    let (status, code, _) = error_of(
        send(
            app,
            &token,
            reqwest::Method::POST,
            &symbols,
            Some(json!({ "symbol": "QQQ" })),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (402, "WATCHLIST_SYMBOL_LIMIT"));

    let token = app.user_on_tier("hoarder@example.com", "free").await;
    for name in ["A", "B", "C"] {
        assert_eq!(
            create(app, &token, json!({ "name": name })).await.status(),
            201
        );
    }
    let (status, code, details) = error_of(create(app, &token, json!({ "name": "D" })).await).await;
    assert_eq!((status, code.as_str()), (402, "WATCHLIST_LIMIT"));
    assert_eq!(details["limit"], 3);
}

async fn users_never_see_or_touch_each_others_watchlists(app: &TestApp) {
    let alice = app.user_on_tier("alice-lists@example.com", "pro").await;
    let mallory = app.user_on_tier("mallory-lists@example.com", "pro").await;
    let private: Value = create(
        app,
        &alice,
        json!({ "name": "Private", "symbols": ["AAPL"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!("/api/v1/watchlists/{}", private["id"].as_str().unwrap());
    let symbols = format!("{path}/symbols");
    for (method, target, body) in [
        (reqwest::Method::GET, path.clone(), None),
        (
            reqwest::Method::PATCH,
            path.clone(),
            Some(json!({ "name": "Mine now" })),
        ),
        (reqwest::Method::DELETE, path.clone(), None),
        (
            reqwest::Method::POST,
            symbols.clone(),
            Some(json!({ "symbol": "MSFT" })),
        ),
        (reqwest::Method::DELETE, format!("{symbols}/AAPL"), None),
    ] {
        let (status, code, _) =
            error_of(send(app, &mallory, method.clone(), &target, body).await).await;
        assert_eq!(
            (status, code.as_str()),
            (404, "WATCHLIST_NOT_FOUND"),
            "{method} {target}"
        );
    }
    assert_eq!(listing(app, &mallory).await["watchlists"], json!([]));
    // The same name is free for another user.
    assert_eq!(
        create(app, &mallory, json!({ "name": "Private" }))
            .await
            .status(),
        201
    );
    // Alice's list is untouched.
    let seen: Value = app
        .get_with_token(&path, &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["name"], "Private");
    assert_eq!(seen["symbols"], json!(["AAPL"]));
}
