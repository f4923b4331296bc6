//! `POST /api/v1/screen` and `/api/v1/screens` over real HTTP on both backends:
//! every row's values equal the last ones `/api/v1/indicators` gives and its verdict
//! the one `/api/v1/run` gives; conditions filter; names are checked; the tier's
//! universe cap holds before any series is read; saved screens are the owner's only.

use serde_json::{json, Value};

use crate::common::{error_of, TestApp};

on_both_backends!(
    rows_carry_the_indicator_values_and_the_verdicts_of_the_rest_of_the_api,
    conditions_sorting_and_paging_shape_the_answer,
    bad_screens_are_refused_before_the_work,
    saved_screens_belong_to_their_owner
);

const SYMBOLS: [&str; 4] = ["AAPL", "MSFT", "KO", "SPY"];

async fn screen(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/screen"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn screened(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = screen(app, token, body).await;
    assert_eq!(response.status(), 200, "{body}");
    response.json().await.unwrap()
}

/// The last value of each named series `/api/v1/indicators` gives.
async fn last_indicator(app: &TestApp, token: &str, symbol: &str, name: &str) -> Value {
    let (base, part) = match name.rsplit_once('.') {
        Some((base, part)) => (base, Some(part)),
        None => (name, None),
    };
    let answer: Value = app
        .get_with_token(&format!("/api/v1/indicators/{symbol}?names={base}"), token)
        .await
        .json()
        .await
        .unwrap();
    let series = &answer["series"][base];
    let line = match part {
        Some(part) => &series[part],
        None => series,
    };
    line.as_array().unwrap().last().unwrap().clone()
}

async fn rows_carry_the_indicator_values_and_the_verdicts_of_the_rest_of_the_api(app: &TestApp) {
    let token = app.user_on_tier("screener@example.com", "pro").await;
    let answer = screened(
        app,
        &token,
        &json!({
            "universe": SYMBOLS,
            "indicators": ["rsi:14", "sma:50", "macd:12:26:9"],
            "where": [{"indicator": "macd:12:26:9.hist", "op": ">", "value": -1e9}],
            "limit": 10,
        }),
    )
    .await;
    assert_eq!(answer["scanned"], 4);
    assert_eq!(answer["matched"], 4);
    assert_eq!(answer["next_cursor"], Value::Null);
    assert!(answer["as_of"].as_str().is_some());
    let rows = answer["rows"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["symbol"].as_str().unwrap()).collect();
    assert_eq!(names, ["AAPL", "KO", "MSFT", "SPY"], "sorted by symbol");
    let run: Value = app
        .run_signals(&token, &SYMBOLS)
        .await
        .json()
        .await
        .unwrap();
    let signals = run["signals"].as_array().unwrap();
    for row in rows {
        let symbol = row["symbol"].as_str().unwrap();
        for name in ["rsi:14", "sma:50", "macd:12:26:9.hist"] {
            let expected = last_indicator(app, &token, symbol, name).await;
            let got = match name.split_once('.') {
                Some((base, part)) => &row["indicators"][base][part],
                None => &row["indicators"][name],
            };
            assert_eq!(*got, expected, "{symbol} {name}");
        }
        let signal = signals.iter().find(|s| s["symbol"] == symbol).unwrap();
        assert_eq!(row["signal"], signal["signal"], "{symbol}");
        assert_eq!(row["confidence"], signal["confidence"], "{symbol}");
        assert_eq!(row["price"], signal["price"], "{symbol}");
        assert_eq!(row["ts"], signal["ts"], "{symbol}");
    }
}

async fn conditions_sorting_and_paging_shape_the_answer(app: &TestApp) {
    let token = app.user_on_tier("screener-pages@example.com", "pro").await;
    let mut rsi = Vec::new();
    for symbol in SYMBOLS {
        let value = last_indicator(app, &token, symbol, "rsi:14").await;
        rsi.push((symbol, value.as_f64().unwrap()));
    }
    rsi.sort_by(|a, b| b.1.total_cmp(&a.1));
    // Above the median: exactly the two highest.
    let threshold = (rsi[1].1 + rsi[2].1) / 2.0;
    let body = json!({
        "universe": SYMBOLS,
        "where": [{"indicator": "rsi:14", "op": ">", "value": threshold}],
        "sort": "-rsi:14",
        "limit": 1,
    });
    let first = screened(app, &token, &body).await;
    assert_eq!(first["matched"], 2);
    assert_eq!(first["rows"][0]["symbol"], rsi[0].0);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let mut next = body.clone();
    next["cursor"] = json!(cursor);
    let second = screened(app, &token, &next).await;
    assert_eq!(second["rows"][0]["symbol"], rsi[1].0);
    assert_eq!(second["next_cursor"], Value::Null);

    // A line against a line, and the verdict filter.
    let all = screened(app, &token, &json!({"universe": SYMBOLS, "limit": 10})).await;
    let buys = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["signal"] == "BUY")
        .count();
    let filtered = screened(
        app,
        &token,
        &json!({"universe": SYMBOLS, "signal": "BUY", "sparkline": true}),
    )
    .await;
    assert_eq!(filtered["matched"], buys);
    for row in filtered["rows"].as_array().unwrap() {
        assert_eq!(row["sparkline"].as_array().unwrap().len(), 30);
    }
    let above = screened(
        app,
        &token,
        &json!({"universe": SYMBOLS, "where": [{"indicator": "high", "op": ">=", "value": "low"}]}),
    )
    .await;
    assert_eq!(above["matched"], 4, "a bar's high is never under its low");
    let below = screened(
        app,
        &token,
        &json!({"universe": SYMBOLS, "where": [{"indicator": "high", "op": "<", "value": "low"}]}),
    )
    .await;
    assert_eq!(below["matched"], 0);
}

async fn bad_screens_are_refused_before_the_work(app: &TestApp) {
    let token = app.user_on_tier("screener-bad@example.com", "pro").await;
    for (body, culprit) in [
        (json!({"indicators": ["vwap:20"]}), "vwap:20"),
        (
            json!({"where": [{"indicator": "macd:12:26:9.histo", "op": ">", "value": 0}]}),
            "macd:12:26:9.histo",
        ),
    ] {
        let (status, code, details) = error_of(screen(app, &token, &body).await).await;
        assert_eq!(
            (status, code.as_str()),
            (400, "INVALID_INDICATOR"),
            "{body}"
        );
        assert_eq!(details["indicator"], culprit);
    }
    let (status, code, _) = error_of(
        screen(
            app,
            &token,
            &json!({"where": [{"indicator": "rsi:14", "op": "==", "value": 1}]}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));

    // The free tier's cap of 100 symbols, before any of them is read.
    let free = app.user_on_tier("screener-free@example.com", "free").await;
    let many: Vec<String> = (0..101).map(|i| format!("ZZ{i}")).collect();
    let (status, code, details) =
        error_of(screen(app, &free, &json!({"universe": many})).await).await;
    assert_eq!((status, code.as_str()), (422, "UNIVERSE_TOO_LARGE"));
    assert_eq!(details["limit"], 100);
    assert_eq!(details["requested"], 101);
}

async fn saved_screens_belong_to_their_owner(app: &TestApp) {
    let owner = app.user_on_tier("screens-owner@example.com", "pro").await;
    let other = app.user_on_tier("screens-other@example.com", "pro").await;
    let request =
        json!({"universe": "all", "where": [{"indicator": "rsi:14", "op": "<", "value": 30}]});
    let created = app
        .client
        .post(app.url("/api/v1/screens"))
        .bearer_auth(&owner)
        .json(&json!({"name": "Oversold", "request": request}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["request"]["where"][0]["value"], 30.0);
    let again = app
        .client
        .post(app.url("/api/v1/screens"))
        .bearer_auth(&owner)
        .json(&json!({"name": "oversold", "request": request}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(again).await.1, "SCREEN_NAME_TAKEN");
    let bad = app
        .client
        .post(app.url("/api/v1/screens"))
        .bearer_auth(&owner)
        .json(&json!({"name": "Broken", "request": {"indicators": ["nope:1"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(bad).await.1, "INVALID_INDICATOR");

    let list = |token: String| async move {
        let listed: Value = app
            .get_with_token("/api/v1/screens", &token)
            .await
            .json()
            .await
            .unwrap();
        listed["screens"].as_array().unwrap().len()
    };
    assert_eq!(list(owner.clone()).await, 1);
    assert_eq!(list(other.clone()).await, 0);
    let id = created["id"].as_str().unwrap();
    let delete = |token: String| {
        app.client
            .delete(app.url(&format!("/api/v1/screens/{id}")))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        error_of(delete(other).await.unwrap()).await.1,
        "SCREEN_NOT_FOUND"
    );
    assert_eq!(delete(owner.clone()).await.unwrap().status(), 204);
    assert_eq!(list(owner).await, 0);
}
