//! `POST /api/v1/backtest/portfolio` over real HTTP on both backends: the equity the
//! pure engine gives on the series `/api/v1/prices` serves, the benchmark, rebalances
//! and contributions, watchlists (only the caller's own), the weighting rules, and the
//! refusals (tier cap, bad weights) before any work.

use investment_system::backtest::portfolio::{self, Rebalance, Rebalancing, Weighting};
use serde_json::{json, Value};

use crate::common::{error_of, TestApp};

on_both_backends!(
    an_equal_weight_portfolio_is_the_engines_path_on_the_served_series,
    a_watchlist_portfolio_holds_its_symbols_and_only_its_owner_may_use_it,
    weights_follow_inverse_volatility_explicit_shares_and_the_models_buys,
    bad_portfolios_are_refused_before_the_work
);

const PATH: &str = "/api/v1/backtest/portfolio";

async fn post(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(PATH))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn run(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = post(app, token, body).await;
    assert_eq!(response.status(), 200, "{body}");
    response.json().await.unwrap()
}

/// `(day, close)` of a symbol as `/api/v1/prices` serves it in the range.
async fn closes(app: &TestApp, token: &str, symbol: &str) -> Vec<(String, f64)> {
    let prices: Value = app
        .get_with_token(
            &format!("/api/v1/prices/{symbol}?from=2021-01-01&to=2022-12-31"),
            token,
        )
        .await
        .json()
        .await
        .unwrap();
    prices["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["ts"].as_str().unwrap()[..10].to_string(),
                b["close"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn an_equal_weight_portfolio_is_the_engines_path_on_the_served_series(app: &TestApp) {
    let token = app.user_on_tier("portfolio@example.com", "pro").await;
    let symbols = ["AAPL", "MSFT", "KO"];
    let body = json!({
        "symbols": symbols, "weights": "equal", "rebalance": "monthly",
        "cash": 100_000, "commission": 0.001,
        "from": "2021-01-01", "to": "2022-12-31", "benchmark": "SPY",
    });
    let report = run(app, &token, &body).await;
    assert_eq!(report["symbols"], json!(symbols));
    assert_eq!(report["rebalance"], "monthly");
    assert_eq!(report["benchmark"], "SPY");

    // The same path the pure engine takes on the days all three share.
    let series = [
        closes(app, &token, "AAPL").await,
        closes(app, &token, "MSFT").await,
        closes(app, &token, "KO").await,
    ];
    let days: Vec<&String> = series[0]
        .iter()
        .map(|(d, _)| d)
        .filter(|d| series.iter().all(|s| s.iter().any(|(e, _)| e == *d)))
        .collect();
    let aligned: Vec<Vec<f64>> = series
        .iter()
        .map(|s| {
            days.iter()
                .map(|d| s.iter().find(|(e, _)| e == *d).unwrap().1)
                .collect()
        })
        .collect();
    let columns: Vec<&[f64]> = aligned.iter().map(Vec::as_slice).collect();
    let day_numbers: Vec<i64> = days
        .iter()
        .map(|d| investment_system::market::csv_import::parse_date(d).unwrap() / 86_400)
        .collect();
    let rows = portfolio::rebalance_rows(&day_numbers, Rebalancing::Monthly);
    assert_eq!(rows.len(), 24, "one rebalance a month over two years");
    let plan: Vec<Rebalance> = rows
        .iter()
        .map(|&row| Rebalance {
            row,
            targets: portfolio::targets(&Weighting::Equal, &columns, row, &[]),
        })
        .collect();
    let path = portfolio::simulate(&columns, &plan, 100_000.0, 0.001);
    let equity = report["equity"].as_array().unwrap();
    assert_eq!(equity.len(), days.len());
    for (point, (day, expected)) in equity.iter().zip(days.iter().zip(&path.equity)) {
        assert_eq!(point["ts"].as_str().unwrap(), day.as_str());
        // The served closes went through JSON: the last bit may differ.
        let served = point["equity"].as_f64().unwrap();
        assert!(
            (served - expected).abs() <= 1e-12 * expected,
            "{served} vs {expected}"
        );
        assert!(point["drawdown_pct"].as_f64().unwrap() >= 0.0);
        assert!(point["benchmark"].as_f64().is_some());
    }
    assert_eq!(equity[0]["benchmark"].as_f64(), Some(100_000.0));

    let stats = &report["stats"];
    let last = *path.equity.last().unwrap();
    let final_equity = stats["Equity Final [$]"].as_f64().unwrap();
    assert!((final_equity - last).abs() <= 1e-12 * last);
    assert_eq!(stats["# Rebalances"], 24);
    assert_eq!(stats["Start"], days[0].as_str());
    for key in [
        "CAGR [%]",
        "Volatility (Ann.) [%]",
        "Sharpe Ratio",
        "Sortino Ratio",
        "Calmar Ratio",
        "Max. Drawdown [%]",
        "Avg. Drawdown [%]",
        "Max. Drawdown Duration",
        "Avg. Drawdown Duration",
        "Alpha [%]",
        "Beta",
        "Turnover [%]",
    ] {
        assert!(stats[key].as_f64().is_some(), "{key}: {}", stats[key]);
    }
    let commissions: f64 = path.fees.iter().sum();
    assert!((stats["Commissions [$]"].as_f64().unwrap() - commissions).abs() < 1e-9);

    let rebalances = report["rebalances"].as_array().unwrap();
    assert_eq!(rebalances.len(), 24);
    assert_eq!(
        rebalances[0]["before"],
        json!([0.0, 0.0, 0.0]),
        "all cash before the first"
    );
    for rebalance in rebalances {
        for weight in rebalance["after"].as_array().unwrap() {
            // A third each, less what the commission took from the last buy.
            assert!(
                (weight.as_f64().unwrap() - 1.0 / 3.0).abs() < 2e-3,
                "{rebalance}"
            );
        }
    }
    let contributions = report["contributions"].as_array().unwrap();
    assert_eq!(contributions.len(), 3);
    assert_eq!(contributions[1]["symbol"], "MSFT");
    let gained: f64 = contributions
        .iter()
        .map(|c| c["pnl"].as_f64().unwrap())
        .sum();
    assert!((gained - (last - 100_000.0)).abs() < 1e-6);
    let shares: f64 = contributions
        .iter()
        .map(|c| c["contribution_pct"].as_f64().unwrap())
        .sum();
    assert!((shares - stats["Return [%]"].as_f64().unwrap()).abs() < 1e-9);
}

async fn a_watchlist_portfolio_holds_its_symbols_and_only_its_owner_may_use_it(app: &TestApp) {
    let (_, token) = app.signed_in_user("owner@example.com").await;
    let created: Value = app
        .client
        .post(app.url("/api/v1/watchlists"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Core", "symbols": ["KO", "AAPL"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let body = json!({ "watchlist_id": id, "rebalance": "quarterly", "from": "2022-01-01", "to": "2022-12-31" });
    let report = run(app, &token, &body).await;
    assert_eq!(report["symbols"], json!(["KO", "AAPL"]));
    assert_eq!(report["stats"]["# Rebalances"], 4);
    assert_eq!(report["weights"], "equal", "the default");

    let (_, other) = app.signed_in_user("intruder@example.com").await;
    let (status, code, _) = error_of(post(app, &other, &body).await).await;
    assert_eq!((status, code.as_str()), (404, "WATCHLIST_NOT_FOUND"));
}

async fn weights_follow_inverse_volatility_explicit_shares_and_the_models_buys(app: &TestApp) {
    let token = app.user_on_tier("weigher@example.com", "pro").await;
    let base = |weights: Value| {
        json!({ "symbols": ["AAPL", "TSLA", "KO"], "weights": weights, "rebalance": "monthly",
                "from": "2021-01-01", "to": "2022-12-31" })
    };
    // Inverse volatility: the calmest symbol (KO) outweighs the wildest (TSLA) once
    // 60 returns exist.
    let report = run(app, &token, &base(json!("inverse_volatility"))).await;
    let rebalances = report["rebalances"].as_array().unwrap();
    let first = rebalances[0]["after"].as_array().unwrap();
    assert!(
        (first[0].as_f64().unwrap() - first[2].as_f64().unwrap()).abs() < 2e-3,
        "equal at first"
    );
    let later = rebalances[6]["after"].as_array().unwrap();
    assert!(
        later[2].as_f64().unwrap() > later[1].as_f64().unwrap() + 0.05,
        "{later:?}"
    );

    // Explicit shares; the rest stays cash.
    let report = run(app, &token, &base(json!({ "AAPL": 0.5, "KO": 0.25 }))).await;
    let after = report["rebalances"][3]["after"].as_array().unwrap().clone();
    assert!((after[0].as_f64().unwrap() - 0.5).abs() < 1e-3);
    assert_eq!(after[1].as_f64(), Some(0.0));
    assert!((after[2].as_f64().unwrap() - 0.25).abs() < 1e-3);

    // The model's BUYs share equally; nothing else is held.
    let report = run(app, &token, &base(json!({ "model": "ensemble" }))).await;
    for rebalance in report["rebalances"].as_array().unwrap() {
        let held: Vec<f64> = rebalance["after"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_f64().unwrap())
            .filter(|w| *w > 0.0)
            .collect();
        for w in &held {
            assert!((w - 1.0 / held.len() as f64).abs() < 2e-3, "{rebalance}");
        }
    }
    assert_eq!(report["weights"], json!({ "model": "ensemble" }));
}

async fn bad_portfolios_are_refused_before_the_work(app: &TestApp) {
    let (_, free) = app.signed_in_user("careless@example.com").await;
    let eleven: Vec<String> = (0..11).map(|i| format!("SYM{i}")).collect();
    let (status, code, details) =
        error_of(post(app, &free, &json!({ "symbols": eleven })).await).await;
    assert_eq!((status, code.as_str()), (400, "TOO_MANY_SYMBOLS"));
    assert_eq!(
        (details["limit"].as_u64(), details["requested"].as_u64()),
        (Some(10), Some(11))
    );
    assert_eq!(details["tier"], "free");

    let token = app.user_on_tier("careless-pro@example.com", "pro").await;
    for (body, code, field) in [
        (
            json!({ "symbols": ["AAPL"], "watchlist_id": "x" }),
            "VALIDATION_ERROR",
            Some("symbols"),
        ),
        (
            json!({ "symbols": [] }),
            "VALIDATION_ERROR",
            Some("symbols"),
        ),
        (
            json!({ "symbols": ["AAPL", "KO"], "weights": { "AAPL": 0.7, "KO": 0.4 } }),
            "VALIDATION_ERROR",
            Some("weights"),
        ),
        (
            json!({ "symbols": ["AAPL"], "weights": { "AAPL": 0.5, "MSFT": 0.2 } }),
            "VALIDATION_ERROR",
            Some("weights"),
        ),
        (
            json!({ "symbols": ["AAPL"], "weights": { "AAPL": -0.1 } }),
            "VALIDATION_ERROR",
            Some("weights"),
        ),
        (
            json!({ "symbols": ["AAPL"], "weights": "momentum_please" }),
            "VALIDATION_ERROR",
            Some("weights"),
        ),
        (
            json!({ "symbols": ["AAPL"], "weights": { "model": "astrology" } }),
            "UNKNOWN_MODEL",
            None,
        ),
        (
            json!({ "symbols": ["AAPL", "AAPL"] }),
            "DUPLICATE_SYMBOLS",
            None,
        ),
    ] {
        let (status, got, details) = error_of(post(app, &token, &body).await).await;
        let expected = if code == "VALIDATION_ERROR" { 422 } else { 400 };
        assert_eq!((status, got.as_str()), (expected, code), "{body}");
        if let Some(field) = field {
            assert!(details["fields"].get(field).is_some(), "{body}: {details}");
        }
    }
    let (status, _, _) = error_of(
        post(
            app,
            &token,
            &json!({ "symbols": ["AAPL"], "rebalance": "daily" }),
        )
        .await,
    )
    .await;
    assert!(
        matches!(status, 400 | 422),
        "an unknown rebalancing period: {status}"
    );
}
