//! Signals over real HTTP on both backends: generation with reasons, validation
//! that writes nothing, tier limits, listing with filters and cursors, the CSV
//! export, and that nobody sees another user's signals.

use serde_json::{json, Value};

use crate::common::{error_of, TestApp};

on_both_backends!(
    runs_store_explained_signals,
    bad_runs_are_refused_and_write_nothing,
    tiers_limit_symbols_per_request_and_signals_per_day,
    listing_filters_and_pages,
    export_csv_matches_the_listing,
    users_never_see_each_others_signals,
    track_record_scores_past_signals,
);

async fn track_record_scores_past_signals(app: &TestApp) {
    let token = user_on(app, "historian@example.com", "starter").await;
    // 60 days of a choppy climb (+1.5 %, −1 %): classic says BUY; then 20 rising days.
    let mut csv = String::from("Date,Open,High,Low,Close,Volume\n");
    let mut close = 100.0_f64;
    let mut day = 0;
    let mut rows = Vec::new();
    while rows.len() < 80 {
        let date = chrono_like_date(day);
        day += 1;
        if let Some(date) = date {
            close *= match rows.len() {
                n if n >= 60 => 1.01,
                n if n % 2 == 0 => 1.015,
                _ => 0.99,
            };
            rows.push(format!(
                "{date},{close:.4},{:.4},{:.4},{close:.4},1000",
                close * 1.01,
                close * 0.99
            ));
        }
    }
    csv.push_str(&rows[..60].join("\n"));
    let import = |body: String| {
        app.client
            .post(app.url("/api/v1/prices/RISER/import"))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    assert_eq!(import(csv).await.unwrap().status(), 200);
    let first = run(
        app,
        &token,
        json!({ "symbols": ["RISER"], "model": "classic", "lookback_days": 60 }),
    )
    .await;
    assert_eq!(first.status(), 200);
    // Twenty more rising days arrive.
    let more = format!("Date,Open,High,Low,Close,Volume\n{}", rows[60..].join("\n"));
    assert_eq!(import(more).await.unwrap().status(), 200);

    let report: Value = app
        .get_with_token("/api/v1/signals/track-record?symbol=RISER", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["horizons"], json!([1, 5, 20]));
    let group = &report["groups"][0];
    assert_eq!(
        (
            group["model"].as_str(),
            group["signal"].as_str(),
            group["count"].as_u64()
        ),
        (Some("classic"), Some("BUY"), Some(1))
    );
    for h in ["1", "5", "20"] {
        assert_eq!(group["horizons"][h]["evaluated"], 1, "{h}");
        assert_eq!(
            group["horizons"][h]["hit_rate"], 1.0,
            "a rising market proves the BUY right at {h}"
        );
    }
    let five_day = group["horizons"]["5"]["mean_return"].as_f64().unwrap();
    assert!(
        (five_day - (1.01f64.powi(5) - 1.0)).abs() < 1e-3,
        "{five_day}"
    );
    let none: Value = app
        .get_with_token("/api/v1/signals/track-record?model=momentum", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["groups"], json!([]));
}

/// `YYYY-MM-DD` of weekday number `n` counted from Monday 2024-01-01 (weekends skipped).
fn chrono_like_date(n: i64) -> Option<String> {
    let weekday = n % 7;
    if weekday >= 5 {
        return None;
    }
    let days = 19_723 + n; // 2024-01-01
    let date = investment_system::server::market::dates::format_day(days * 86_400);
    Some(date)
}

async fn user_on(app: &TestApp, email: &str, tier: &str) -> String {
    app.user_on_tier(email, tier).await
}

async fn run(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/run"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn listed(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_with_token(&format!("/api/v1/signals{query}"), token)
        .await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

async fn runs_store_explained_signals(app: &TestApp) {
    let token = user_on(app, "runner@example.com", "free").await;
    let response = run(
        app,
        &token,
        json!({ "symbols": ["AAPL", "msft"], "model": "ensemble", "lookback_days": 120 }),
    )
    .await;
    assert_eq!(response.status(), 200);
    let header = response.headers()["x-correlation-id"]
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "success");
    assert_eq!(body["correlation_id"], header.as_str());
    assert_eq!(
        (
            body["symbols_processed"].as_u64(),
            body["signals_generated"].as_u64()
        ),
        (Some(2), Some(2))
    );
    let signals = body["signals"].as_array().unwrap();
    assert_eq!(signals[1]["symbol"], "MSFT");
    for s in signals {
        assert!(
            ["BUY", "SELL", "HOLD"].contains(&s["signal"].as_str().unwrap()),
            "{s}"
        );
        let confidence = s["confidence"].as_f64().unwrap();
        let score = s["score"].as_f64().unwrap();
        assert!((0.0..=0.95).contains(&confidence) && (-1.0..=1.0).contains(&score));
        assert_eq!(s["model"], "ensemble");
        assert_eq!(s["is_stale"], false);
        assert_eq!(s["reasons"].as_array().unwrap().len(), 6);
        for key in [
            "rsi14",
            "sma20",
            "sma50",
            "macd",
            "macd_signal",
            "macd_hist",
            "bb_upper",
            "bb_lower",
            "atr14",
            "adx14",
        ] {
            assert!(s["indicators"][key].is_number(), "{key} in {s}");
        }
        assert!(s["price"].as_f64().unwrap() > 0.0);
        let one: Value = app
            .get_with_token(
                &format!("/api/v1/signals/{}", s["id"].as_str().unwrap()),
                &token,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(&one, s);
    }
    // The price is the last stored close of the series the model saw.
    let prices: Value = app
        .get_with_token("/api/v1/prices/AAPL", &token)
        .await
        .json()
        .await
        .unwrap();
    let last = prices["bars"].as_array().unwrap().last().unwrap();
    assert_eq!(signals[0]["price"], last["close"]);
    assert_eq!(signals[0]["ts"], last["ts"]);
}

async fn bad_runs_are_refused_and_write_nothing(app: &TestApp) {
    let token = user_on(app, "careless@example.com", "starter").await;
    for (body, status, code) in [
        (json!({ "symbols": [] }), 400, "EMPTY_SYMBOL_LIST"),
        (
            json!({ "symbols": ["AAPL", "aapl"] }),
            400,
            "DUPLICATE_SYMBOLS",
        ),
        (json!({ "symbols": ["AA PL"] }), 400, "INVALID_SYMBOL"),
        (
            json!({ "symbols": ["AAPL"], "model": "magic" }),
            400,
            "UNKNOWN_MODEL",
        ),
        (
            json!({ "symbols": ["AAPL"], "lookback_days": 10 }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "symbols": ["AAPL"], "extra": 1 }),
            422,
            "VALIDATION_ERROR",
        ),
        (json!({ "symbols": "AAPL" }), 422, "VALIDATION_ERROR"),
        (
            json!({ "symbols": ["AAPL", "ZZZZ"] }),
            404,
            "SYMBOL_NOT_FOUND",
        ),
    ] {
        let (got, got_code, _) = error_of(run(app, &token, body.clone()).await).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{body}");
    }
    // A short series: the model cannot speak, and says so.
    let csv: String = std::iter::once("Date,Open,High,Low,Close,Volume".to_string())
        .chain((1..=30).map(|d| format!("2024-01-{d:02},10,11,9,10.5,100")))
        .collect::<Vec<_>>()
        .join("\n");
    let imported = app
        .client
        .post(app.url("/api/v1/prices/TINY/import"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 200);
    let (status, code, details) =
        error_of(run(app, &token, json!({ "symbols": ["AAPL", "TINY"] })).await).await;
    assert_eq!((status, code.as_str()), (422, "INSUFFICIENT_DATA"));
    assert_eq!(
        (
            details["symbol"].as_str(),
            details["bars"].as_u64(),
            details["needed"].as_u64()
        ),
        (Some("TINY"), Some(30), Some(50))
    );
    assert_eq!(
        listed(app, &token, "").await["count"],
        0,
        "AAPL's signal was not stored either"
    );
}

async fn tiers_limit_symbols_per_request_and_signals_per_day(app: &TestApp) {
    let token = user_on(app, "frugal@example.com", "free").await;
    let six = json!({ "symbols": ["AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META"] });
    let (status, code, details) = error_of(run(app, &token, six).await).await;
    assert_eq!((status, code.as_str()), (400, "TOO_MANY_SYMBOLS"));
    assert_eq!(details["limit"], 5);
    let five = json!({ "symbols": ["AAPL", "MSFT", "GOOG", "AMZN", "NVDA"], "model": "classic" });
    assert_eq!(run(app, &token, five.clone()).await.status(), 200);
    assert_eq!(run(app, &token, five).await.status(), 200);
    let (status, code, details) =
        error_of(run(app, &token, json!({ "symbols": ["SPY"] })).await).await;
    assert_eq!((status, code.as_str()), (429, "QUOTA_EXCEEDED"));
    assert_eq!(
        (details["limit"].as_u64(), details["used"].as_u64()),
        (Some(10), Some(10))
    );
}

async fn listing_filters_and_pages(app: &TestApp) {
    let token = user_on(app, "analyst@example.com", "starter").await;
    for model in ["classic", "ensemble"] {
        let response = run(
            app,
            &token,
            json!({ "symbols": ["AAPL", "MSFT", "SPY"], "model": model }),
        )
        .await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(listed(app, &token, "").await["count"], 6);
    assert_eq!(listed(app, &token, "?model=classic").await["count"], 3);
    assert_eq!(listed(app, &token, "?symbol=aapl").await["count"], 2);
    assert_eq!(
        listed(app, &token, "?symbol=AAPL,SPY&model=ensemble").await["count"],
        2
    );
    let all = listed(app, &token, "").await;
    let buys = all["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["signal"] == "BUY")
        .count();
    assert_eq!(
        listed(app, &token, "?signal=buy").await["count"]
            .as_u64()
            .unwrap() as usize,
        buys
    );
    assert_eq!(listed(app, &token, "?from=2999-01-01").await["count"], 0);

    let first = listed(app, &token, "?limit=4").await;
    assert_eq!(first["count"], 4);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = listed(app, &token, &format!("?limit=4&cursor={cursor}")).await;
    assert_eq!(second["count"], 2);
    assert!(second["next_cursor"].is_null());
    let ids: Vec<&Value> = first["signals"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["signals"].as_array().unwrap())
        .map(|s| &s["id"])
        .collect();
    let expected: Vec<&Value> = all["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(ids, expected, "pages are the listing, cut");

    for (query, status, code) in [
        ("?cursor=nonsense", 400, "INVALID_CURSOR"),
        ("?signal=MAYBE", 422, "VALIDATION_ERROR"),
        ("?model=magic", 400, "UNKNOWN_MODEL"),
        ("?limit=0", 422, "VALIDATION_ERROR"),
    ] {
        let (got, got_code, _) = error_of(
            app.get_with_token(&format!("/api/v1/signals{query}"), &token)
                .await,
        )
        .await;
        assert_eq!((got, got_code.as_str()), (status, code), "{query}");
    }
}

async fn export_csv_matches_the_listing(app: &TestApp) {
    let token = user_on(app, "exporter@example.com", "starter").await;
    run(app, &token, json!({ "symbols": ["AAPL", "QQQ"] })).await;
    let response = app
        .get_with_token("/api/v1/export.csv?symbols=AAPL,QQQ", &token)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    let name = disposition
        .strip_prefix("attachment; filename=\"")
        .unwrap()
        .strip_suffix('"')
        .unwrap();
    assert!(
        name.starts_with("signals_")
            && name.ends_with(".csv")
            && name.len() == "signals_YYYYMMDD_HHMM.csv".len(),
        "{name}"
    );
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "symbol,ts,signal,confidence,score,price,rsi14,sma20,sma50,macd,model,is_stale,created_at"
    );
    assert_eq!(lines.len(), 3);
    let listing = listed(app, &token, "").await;
    let first = &listing["signals"][0];
    let cells: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(cells[0], first["symbol"].as_str().unwrap());
    assert_eq!(cells[2], first["signal"].as_str().unwrap());
    assert_eq!(
        cells[5].parse::<f64>().unwrap(),
        first["price"].as_f64().unwrap()
    );

    let only_aapl = app
        .get_with_token("/api/v1/export.csv?symbols=AAPL", &token)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(only_aapl.split("\r\n").filter(|l| !l.is_empty()).count(), 2);
}

async fn users_never_see_each_others_signals(app: &TestApp) {
    let alice = user_on(app, "alice@example.com", "free").await;
    let bob = user_on(app, "bob@example.com", "free").await;
    let body: Value = run(app, &alice, json!({ "symbols": ["AAPL"] }))
        .await
        .json()
        .await
        .unwrap();
    let id = body["signals"][0]["id"].as_str().unwrap();
    let (status, code, _) = error_of(
        app.get_with_token(&format!("/api/v1/signals/{id}"), &bob)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "SIGNAL_NOT_FOUND"));
    assert_eq!(listed(app, &bob, "").await["count"], 0);
    let export = app
        .get_with_token("/api/v1/export.csv", &bob)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        export.split("\r\n").filter(|l| !l.is_empty()).count(),
        1,
        "only the header"
    );
    assert_eq!(listed(app, &alice, "").await["count"], 1);
}
