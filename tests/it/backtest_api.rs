//! `POST /api/v1/backtest` over real HTTP on both backends (the engine itself is
//! checked against backtesting.py by the unit tests in src/backtest/).

use serde_json::{json, Value};

use crate::common::{error_of, TestApp};

on_both_backends!(
    backtests_report_stats_equity_and_trades,
    bad_backtests_are_refused,
    walk_forward_reports_train_and_test_windows_apart
);

async fn post(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/backtest"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn backtests_report_stats_equity_and_trades(app: &TestApp) {
    let (_, token) = app.signed_in_user("quant@example.com").await;
    let range = json!({ "from": "2020-01-01", "to": "2022-12-31" });
    let body = json!({
        "symbol": "aapl",
        "strategy": { "type": "sma_cross", "fast": 10, "slow": 20 },
        "cash": 10000, "commission": 0.002, "allow_short": true,
        "from": range["from"], "to": range["to"],
    });
    let response = post(app, &token, body).await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    let prices: Value = app
        .get_with_token("/api/v1/prices/AAPL?from=2020-01-01&to=2022-12-31", &token)
        .await
        .json()
        .await
        .unwrap();
    let equity = result["equity"].as_array().unwrap();
    assert_eq!(equity.len(), prices["bars"].as_array().unwrap().len());
    assert_eq!(equity[0]["ts"], prices["bars"][0]["ts"]);
    assert_eq!(equity[0]["equity"], 10000.0);
    let stats = &result["stats"];
    for key in [
        "Start",
        "End",
        "Duration",
        "Exposure Time [%]",
        "Equity Final [$]",
        "Equity Peak [$]",
        "Commissions [$]",
        "Return [%]",
        "Buy & Hold Return [%]",
        "Return (Ann.) [%]",
        "Volatility (Ann.) [%]",
        "CAGR [%]",
        "Sharpe Ratio",
        "Sortino Ratio",
        "Calmar Ratio",
        "Max. Drawdown [%]",
        "Avg. Drawdown [%]",
        "Max. Drawdown Duration",
        "# Trades",
        "Win Rate [%]",
        "Best Trade [%]",
        "Worst Trade [%]",
        "Avg. Trade [%]",
        "Profit Factor",
        "Expectancy [%]",
        "SQN",
    ] {
        assert!(stats.get(key).is_some(), "{key} missing: {stats}");
    }
    let trades = result["trades"].as_array().unwrap();
    assert!(!trades.is_empty());
    assert_eq!(stats["# Trades"].as_u64().unwrap() as usize, trades.len());
    assert!(
        trades.iter().any(|t| t["side"] == "short"),
        "shorting was allowed"
    );
    let last = equity.last().unwrap()["equity"].as_f64().unwrap();
    assert_eq!(stats["Equity Final [$]"].as_f64().unwrap(), last);
    let expected_return = (last / 10000.0 - 1.0) * 100.0;
    assert!((stats["Return [%]"].as_f64().unwrap() - expected_return).abs() < 1e-9);
    let max_dd = equity
        .iter()
        .map(|p| p["drawdown_pct"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert!((stats["Max. Drawdown [%]"].as_f64().unwrap() + max_dd).abs() < 1e-9);
    for t in trades {
        assert!(t["exit_ts"].as_str().unwrap() >= t["entry_ts"].as_str().unwrap());
    }

    let long_only: Value = post(app, &token, json!({ "symbol": "AAPL", "strategy": { "type": "rsi_reversion", "period": 14, "lower": 30, "upper": 70 }, "from": "2020-01-01" }))
        .await
        .json()
        .await
        .unwrap();
    assert!(long_only["trades"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["side"] == "long"));

    let model: Value = post(app, &token, json!({ "symbol": "MSFT", "strategy": { "type": "model", "model": "ensemble" }, "from": "2023-01-01", "to": "2024-06-30" }))
        .await
        .json()
        .await
        .unwrap();
    assert!(model["stats"]["# Trades"].as_u64().is_some(), "{model}");
}

async fn bad_backtests_are_refused(app: &TestApp) {
    let (_, token) = app.signed_in_user("sloppy@example.com").await;
    let sma = json!({ "type": "sma_cross", "fast": 10, "slow": 20 });
    for (body, status, code) in [
        (
            json!({ "symbol": "AAPL", "strategy": { "type": "sma_cross", "fast": 20, "slow": 10 } }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": { "type": "martingale" } }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": sma, "cash": -5 }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": sma, "commission": 0.5 }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": sma, "from": "2024-02-01", "to": "2024-01-01" }),
            400,
            "INVALID_DATE_RANGE",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": sma, "from": "2024-01-01", "to": "2024-01-20" }),
            422,
            "INSUFFICIENT_DATA",
        ),
        (
            json!({ "symbol": "ZZZZ", "strategy": sma }),
            404,
            "SYMBOL_NOT_FOUND",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": sma, "leverage": 3 }),
            422,
            "VALIDATION_ERROR",
        ),
    ] {
        let (got, got_code, _) = error_of(post(app, &token, body.clone()).await).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{body}");
    }
}

async fn walk_forward_reports_train_and_test_windows_apart(app: &TestApp) {
    let (_, token) = app.signed_in_user("walker@example.com").await;
    let body = json!({
        "symbol": "MSFT",
        "strategy": { "type": "model", "model": "classic" },
        "from": "2021-01-01", "to": "2022-12-31",
        "walk_forward": { "train": 120, "test": 40 },
    });
    let response = post(app, &token, body).await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    let bars = result["equity"].as_array().unwrap().len();
    let report = &result["walk_forward"];
    assert_eq!(
        (report["train"].as_u64(), report["test"].as_u64()),
        (Some(120), Some(40))
    );
    let folds = report["folds"].as_array().unwrap();
    // Whole folds only: windows of 160 bars stepping by 40 over the range.
    assert_eq!(folds.len(), (bars - 160) / 40 + 1);
    let day = |v: &Value| v.as_str().unwrap().to_string();
    for (i, fold) in folds.iter().enumerate() {
        let (train, test) = (&fold["train"], &fold["test"]);
        // The test window starts on the first bar after its train window...
        let train_end = day(&train["End"]);
        let test_start = day(&test["Start"]);
        assert!(train_end < test_start, "fold {i}");
        assert_eq!(
            result["equity"]
                .as_array()
                .unwrap()
                .iter()
                .position(|p| day(&p["ts"]) == test_start),
            result["equity"]
                .as_array()
                .unwrap()
                .iter()
                .position(|p| day(&p["ts"]) == train_end)
                .map(|p| p + 1),
        );
        // ...and the next fold starts 40 bars after this one.
        if let Some(next) = folds.get(i + 1) {
            let position = |ts: &str| {
                result["equity"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|p| day(&p["ts"]) == ts)
                    .unwrap()
            };
            assert_eq!(
                position(&day(&next["train"]["Start"])),
                position(&day(&train["Start"])) + 40
            );
        }
        // Each window is a fresh account.
        assert!(train["Equity Final [$]"].as_f64().unwrap() > 0.0);
        assert!(test["Return [%]"].is_number());
    }
    for side in ["in_sample", "out_of_sample"] {
        let summary = &report[side];
        assert_eq!(
            summary["folds"].as_u64(),
            Some(folds.len() as u64),
            "{side}"
        );
        let key = if side == "in_sample" { "train" } else { "test" };
        let trades: u64 = folds
            .iter()
            .map(|f| f[key]["# Trades"].as_u64().unwrap())
            .sum();
        assert_eq!(summary["# Trades"].as_u64(), Some(trades), "{side}");
        let compounded = folds
            .iter()
            .map(|f| 1.0 + f[key]["Return [%]"].as_f64().unwrap() / 100.0)
            .product::<f64>();
        let reported = summary["Return [%]"].as_f64().unwrap();
        assert!(
            (reported - (compounded - 1.0) * 100.0).abs() < 1e-6,
            "{side}: {reported}"
        );
    }
    assert!(report["efficiency"].is_number() || report["efficiency"].is_null());

    // (A different user: the free tier's per-minute budget is small.)
    let (_, token) = app.signed_in_user("walker-errors@example.com").await;
    let sma = json!({ "type": "sma_cross", "fast": 10, "slow": 20 });
    for (body, status, code) in [
        (
            json!({ "symbol": "AAPL", "strategy": sma, "walk_forward": { "train": 5, "test": 20 } }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": sma, "walk_forward": { "train": 60 } }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": sma, "from": "2024-01-01", "to": "2024-06-30",
                    "walk_forward": { "train": 250, "test": 60 } }),
            422,
            "INSUFFICIENT_DATA",
        ),
    ] {
        let (got, got_code, _) = error_of(post(app, &token, body.clone()).await).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{body}");
    }
}
