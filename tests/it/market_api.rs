//! Prices and indicators over real HTTP on both backends, from the demo market.

use serde_json::Value;

use crate::common::{error_of, TestApp};

on_both_backends!(
    prices_come_from_the_demo_market_and_are_stored,
    prices_reject_bad_symbols_and_ranges,
    indicators_are_computed_on_the_full_history_then_cut,
    indicators_reject_bad_names,
);

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get_with_token(path, token).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

async fn prices_come_from_the_demo_market_and_are_stored(app: &TestApp) {
    let (_, token) = app.signed_in_user("prices@example.com").await;
    let all = get(app, &token, "/api/v1/prices/aapl").await;
    assert_eq!(all["symbol"], "AAPL");
    assert_eq!(all["is_demo"], true);
    assert_eq!(all["is_stale"], false);
    let bars = all["bars"].as_array().unwrap();
    assert!(bars.len() > 2_700, "{} bars since 2015", bars.len());
    assert_eq!(bars[0]["ts"], "2015-01-02");
    for bar in bars {
        let (o, h, l, c) = (
            bar["open"].as_f64().unwrap(),
            bar["high"].as_f64().unwrap(),
            bar["low"].as_f64().unwrap(),
            bar["close"].as_f64().unwrap(),
        );
        assert!(h >= o.max(c) && o.min(c) >= l && l > 0.0, "{bar}");
    }

    let january = get(
        app,
        &token,
        "/api/v1/prices/AAPL?from=2024-01-01&to=2024-01-31",
    )
    .await;
    let days: Vec<&str> = january["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["ts"].as_str().unwrap())
        .collect();
    assert_eq!(days.len(), 23, "the weekdays of January 2024: {days:?}");
    assert_eq!((days[0], days[22]), ("2024-01-01", "2024-01-31"));
    let same_day = all["bars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["ts"] == "2024-01-31")
        .unwrap();
    assert_eq!(&january["bars"][22], same_day);

    // Stored once, then served from the database within the refresh TTL.
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM bars WHERE symbol = 'AAPL' AND source = 'demo'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(stored as usize, bars.len());
    let again = get(app, &token, "/api/v1/prices/AAPL").await;
    assert_eq!(again["bars"], all["bars"]);
}

async fn prices_reject_bad_symbols_and_ranges(app: &TestApp) {
    let (_, token) = app.signed_in_user("bad-prices@example.com").await;
    for (path, status, code) in [
        ("/api/v1/prices/TOOLONGSYMBOL", 400, "INVALID_SYMBOL"),
        ("/api/v1/prices/AA%24PL", 400, "INVALID_SYMBOL"),
        ("/api/v1/prices/ZZZZ", 404, "SYMBOL_NOT_FOUND"),
        (
            "/api/v1/prices/AAPL?from=2024-02-01&to=2024-01-01",
            400,
            "INVALID_DATE_RANGE",
        ),
        (
            "/api/v1/prices/AAPL?from=yesterday",
            400,
            "INVALID_DATE_RANGE",
        ),
    ] {
        let (got_status, got_code, _) = error_of(app.get_with_token(path, &token).await).await;
        assert_eq!((got_status, got_code.as_str()), (status, code), "{path}");
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/prices/AAPL"))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(anonymous).await;
    assert_eq!((status, code.as_str()), (401, "AUTHENTICATION_REQUIRED"));
}

async fn indicators_are_computed_on_the_full_history_then_cut(app: &TestApp) {
    let (_, token) = app.signed_in_user("indicators@example.com").await;
    let range = "from=2024-03-01&to=2024-03-29";
    let prices = get(app, &token, &format!("/api/v1/prices/MSFT?{range}")).await;
    let body = get(
        app,
        &token,
        &format!(
            "/api/v1/indicators/MSFT?names=sma:20,rsi:14,macd:12:26:9,bbands:20:2:2,obv&{range}"
        ),
    )
    .await;
    let days: Vec<&Value> = prices["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["ts"])
        .collect();
    let ts: Vec<&Value> = body["ts"].as_array().unwrap().iter().collect();
    assert_eq!(ts, days);
    let series = &body["series"];
    // Warm-up happened before March: no nulls inside the window.
    for line in [
        &series["sma:20"],
        &series["rsi:14"],
        &series["macd:12:26:9"]["hist"],
        &series["bbands:20:2:2"]["upper"],
    ] {
        let values = line.as_array().unwrap();
        assert_eq!(values.len(), days.len());
        assert!(values.iter().all(Value::is_number), "{line}");
    }
    assert!(series["rsi:14"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| (0.0..=100.0).contains(&v.as_f64().unwrap())));

    // SMA(20) on the last day equals the mean of the 20 closes up to it.
    let history = get(
        app,
        &token,
        "/api/v1/prices/MSFT?from=2024-01-01&to=2024-03-29",
    )
    .await;
    let closes: Vec<f64> = history["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["close"].as_f64().unwrap())
        .collect();
    let mean = closes[closes.len() - 20..].iter().sum::<f64>() / 20.0;
    let last_sma = series["sma:20"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        (last_sma - mean).abs() < 1e-9 * mean,
        "{last_sma} vs {mean}"
    );

    // From the very first day, the warm-up shows as nulls.
    let start = get(
        app,
        &token,
        "/api/v1/indicators/MSFT?names=sma:20&to=2015-03-01",
    )
    .await;
    let values = start["series"]["sma:20"].as_array().unwrap();
    assert!(values[..19].iter().all(Value::is_null));
    assert!(values[19].is_number());
}

async fn indicators_reject_bad_names(app: &TestApp) {
    let (_, token) = app.signed_in_user("bad-indicators@example.com").await;
    for names in ["", "vwap:14", "rsi:1", "sma:20,macd:12:26", "bbands:20:x:2"] {
        let path = format!("/api/v1/indicators/AAPL?names={names}");
        let (status, code, details) = error_of(app.get_with_token(&path, &token).await).await;
        assert_eq!(
            (status, code.as_str()),
            (400, "INVALID_INDICATOR"),
            "{names}: {details}"
        );
    }
    let many = (2..=22)
        .map(|p| format!("sma:{p}"))
        .collect::<Vec<_>>()
        .join(",");
    let (status, code, _) = error_of(
        app.get_with_token(&format!("/api/v1/indicators/AAPL?names={many}"), &token)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "INVALID_INDICATOR"));
}
