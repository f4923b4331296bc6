//! `POST /api/v1/screen` and `/api/v1/screens` over real HTTP on both backends:
//! every row's values equal the last ones `/api/v1/indicators` gives and its verdict
//! the one `/api/v1/run` gives; conditions filter; names are checked; the tier's
//! universe cap holds before any series is read; saved screens are the owner's only;
//! a long CSV brings a universe in, all of it or none.

use serde_json::{json, Value};

use investment_system::market::DAY_SECS;
use investment_system::server::market::dates::format_day;

use crate::common::{error_of, TestApp};

on_both_backends!(
    rows_carry_the_indicator_values_and_the_verdicts_of_the_rest_of_the_api,
    conditions_sorting_and_paging_shape_the_answer,
    bad_screens_are_refused_before_the_work,
    saved_screens_belong_to_their_owner,
    a_long_csv_imports_every_symbol_or_none
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

    // The CSV export is the same screen from the page's URL fields, every row.
    let csv = app
        .get_with_token(
            "/api/v1/screen.csv?symbols=AAPL,MSFT,KO,SPY&indicators=rsi:14&sort=-rsi:14",
            &token,
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "symbol,ts,price,change_pct,signal,confidence,rsi:14"
    );
    assert_eq!(lines.len(), 5);
    let mut previous = f64::INFINITY;
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        let expected = last_indicator(app, &token, cells[0], "rsi:14").await;
        let value: f64 = cells[6].parse().unwrap();
        assert_eq!(value, expected.as_f64().unwrap(), "{line}");
        assert!(value <= previous, "sorted largest first");
        previous = value;
    }
    let (status, code, details) = error_of(
        app.get_with_token("/api/v1/screen.csv?line1=rsi:14&op1=%3C", &token)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert!(details["fields"]["value1"].is_string(), "{details}");
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

async fn import_long(app: &TestApp, token: &str, query: &str, csv: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/prices/import{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap()
}

/// Bars of `symbols`, rows interleaved by day as a market-wide export writes them.
fn long_csv(symbols: &[&str], days: u32) -> String {
    let mut csv = String::from("Symbol,Date,Open,High,Low,Close,Volume\n");
    for day in 0..days {
        for (at, symbol) in symbols.iter().enumerate() {
            let close = 50.0 + at as f64 * 10.0 + (day as f64 * 0.7).sin() * 3.0 + day as f64 * 0.1;
            // Daily from 2024-10-04 (day 20 000 since 1970).
            let date = format_day((20_000 + i64::from(day)) * DAY_SECS);
            csv.push_str(&format!(
                "{symbol},{date},{close},{},{},{close},{}\n",
                close + 1.0,
                close - 1.0,
                1_000 + day
            ));
        }
    }
    csv
}

async fn a_long_csv_imports_every_symbol_or_none(app: &TestApp) {
    let token = app.user_on_tier("bulk-importer@example.com", "pro").await;
    let other = app.user_on_tier("bulk-other@example.com", "pro").await;
    let symbols = ["LONGA", "LONGB", "LONGC"];
    let response = import_long(app, &token, "", &long_csv(&symbols, 60)).await;
    assert_eq!(response.status(), 200);
    let summary: Value = response.json().await.unwrap();
    assert_eq!(summary["symbols"], 3);
    assert_eq!(summary["imported"], 180);
    assert_eq!(summary["updated"], 0);
    assert_eq!(summary["series"][1]["symbol"], "LONGB");
    assert_eq!(summary["series"][1]["imported"], 60);
    assert_eq!(summary["series"][1]["first"], "2024-10-04");

    // The importer screens them with the rest of their universe; nobody else sees them.
    let mine = screened(app, &token, &json!({"universe": "all", "limit": 1000})).await;
    let listed = |answer: &Value| -> Vec<String> {
        answer["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["symbol"].as_str().unwrap().to_string())
            .collect()
    };
    for symbol in symbols {
        assert!(listed(&mine).iter().any(|s| s == symbol), "{symbol}");
    }
    let theirs = screened(app, &other, &json!({"universe": "all", "limit": 1000})).await;
    assert!(!listed(&theirs).iter().any(|s| s.starts_with("LONG")));
    let prices: Value = app
        .get_with_token("/api/v1/prices/LONGC", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(prices["bars"].as_array().unwrap().len(), 60);

    // One bad row in one symbol: refused with its line and symbol, nothing stored.
    let mut bad = long_csv(&["LONGD", "LONGE"], 5);
    bad.push_str("LONGE,2024-10-10,10,9,8,10,100\n");
    let (status, code, details) = error_of(import_long(app, &token, "", &bad).await).await;
    assert_eq!((status, code.as_str()), (422, "INVALID_CSV"));
    assert_eq!(details["errors"][0]["line"], 12);
    assert_eq!(details["errors"][0]["symbol"], "LONGE");
    let (status, _, _) = error_of(app.get_with_token("/api/v1/prices/LONGD", &token).await).await;
    assert_eq!(status, 404, "LONGD was not stored either");

    // A per-symbol file is not a long one; the shared catalog is the administrators'
    // (the importer, the first account, is one; the other user is not).
    let (status, code, _) = error_of(
        import_long(
            app,
            &token,
            "",
            "Date,Open,High,Low,Close\n2024-01-02,1,1,1,1\n",
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "INVALID_CSV"));
    let (status, code, _) =
        error_of(import_long(app, &other, "?scope=global", &long_csv(&["LONGF"], 2)).await).await;
    assert_eq!((status, code.as_str()), (403, "ADMIN_REQUIRED"));
    let wrong_type = app
        .client
        .post(app.url("/api/v1/prices/import"))
        .bearer_auth(&token)
        .json(&json!({"csv": "no"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(wrong_type).await.1, "UNSUPPORTED_MEDIA_TYPE");

    // A free user's private import holds at most the 100 symbols they may screen.
    let free = app.user_on_tier("bulk-free@example.com", "free").await;
    let many: Vec<String> = (0..101).map(|i| format!("ZZ{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (status, code, details) =
        error_of(import_long(app, &free, "", &long_csv(&many, 1)).await).await;
    assert_eq!((status, code.as_str()), (422, "IMPORT_TOO_LARGE"));
    assert_eq!(details["applies_to"], "symbols");
    assert_eq!(details["symbols"], 101);
}
