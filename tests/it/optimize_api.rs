//! `POST /api/v1/backtest/optimize` over real HTTP on both backends: every run with
//! the statistics a single backtest gives, the best, the heatmap, the tier's cap on
//! combinations, and walk-forward optimisation.

use serde_json::{json, Value};

use crate::common::{error_of, TestApp};

on_both_backends!(
    a_sweep_reports_every_run_the_best_and_the_heatmap,
    bad_sweeps_are_refused_before_the_work,
    walk_forward_optimisation_tests_each_folds_choice_after_it
);

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn a_sweep_reports_every_run_the_best_and_the_heatmap(app: &TestApp) {
    let (_, token) = app.signed_in_user("sweeper@example.com").await;
    let body = json!({
        "symbol": "AAPL",
        "strategy": { "type": "sma_cross", "fast": [5, 10, 20], "slow": { "start": 10, "stop": 30, "step": 10 } },
        "allow_short": true,
        "from": "2019-01-01", "to": "2023-12-31",
    });
    let response = post(app, &token, "/api/v1/backtest/optimize", &body).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["strategy"], "sma_cross");
    assert_eq!(report["maximize"], "SQN", "backtesting.py's default");
    // 3 × 3 combinations; 10/10, 20/10 and 20/20 break fast < slow.
    assert_eq!(
        (report["runs"].as_u64(), report["skipped"].as_u64()),
        (Some(6), Some(3))
    );
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert_eq!(results[0]["params"], json!({ "fast": 5, "slow": 10 }));
    assert_eq!(results[3]["params"], json!({ "fast": 10, "slow": 20 }));
    for key in [
        "Alpha [%]",
        "Beta",
        "Avg. Drawdown Duration",
        "Max. Trade Duration",
        "Avg. Trade Duration",
        "Kelly Criterion",
    ] {
        assert!(results[0]["stats"].get(key).is_some(), "{key}");
    }

    let sqn = |run: &Value| run["stats"]["SQN"].as_f64();
    let top = results.iter().filter_map(sqn).fold(f64::MIN, f64::max);
    let first_top = results.iter().find(|r| sqn(r) == Some(top)).unwrap();
    assert_eq!(
        &report["best"], first_top,
        "ties go to the first in grid order"
    );

    let heatmap = &report["heatmap"];
    assert_eq!(
        (heatmap["x"].as_str(), heatmap["y"].as_str()),
        (Some("fast"), Some("slow"))
    );
    assert_eq!(heatmap["xs"], json!([5, 10, 20]));
    assert_eq!(heatmap["ys"], json!([10, 20, 30]));
    let cell = |slow: usize, fast: usize| heatmap["values"][slow][fast].clone();
    assert_eq!(cell(0, 1), Value::Null, "10/10 was skipped");
    assert_eq!(cell(1, 2), Value::Null, "20/20 was skipped");
    assert_eq!(cell(2, 1).as_f64(), sqn(&results[4]), "fast 10, slow 30");

    // Each run's statistics are exactly what a single backtest of its pair reports.
    let best = &report["best"]["params"];
    let single = json!({
        "symbol": "AAPL",
        "strategy": { "type": "sma_cross", "fast": best["fast"], "slow": best["slow"] },
        "allow_short": true,
        "from": "2019-01-01", "to": "2023-12-31",
    });
    let alone: Value = post(app, &token, "/api/v1/backtest", &single)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(alone["stats"], report["best"]["stats"]);

    let lowest = json!({
        "symbol": "AAPL",
        "strategy": { "type": "sma_cross", "fast": [5, 10], "slow": 30 },
        "maximize": "Max. Drawdown [%]", "minimize": true,
    });
    let report: Value = post(app, &token, "/api/v1/backtest/optimize", &lowest)
        .await
        .json()
        .await
        .unwrap();
    let drawdowns: Vec<f64> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stats"]["Max. Drawdown [%]"].as_f64().unwrap())
        .collect();
    let deepest = drawdowns.iter().copied().fold(f64::MAX, f64::min);
    assert_eq!(
        report["best"]["stats"]["Max. Drawdown [%]"].as_f64(),
        Some(deepest)
    );
    assert_eq!(report["heatmap"]["y"], Value::Null, "one swept parameter");
    assert_eq!(report["heatmap"]["values"].as_array().unwrap().len(), 1);
}

async fn bad_sweeps_are_refused_before_the_work(app: &TestApp) {
    let (_, token) = app.signed_in_user("greedy@example.com").await;
    let path = "/api/v1/backtest/optimize";
    let over_the_cap = json!({
        "symbol": "AAPL",
        "strategy": { "type": "sma_cross", "fast": { "start": 2, "stop": 12 }, "slow": { "start": 20, "stop": 29 } },
    });
    let (status, code, details) = error_of(post(app, &token, path, &over_the_cap).await).await;
    assert_eq!((status, code.as_str()), (422, "TOO_MANY_COMBINATIONS"));
    assert_eq!(details["combinations"], 110);
    assert_eq!(details["limit"], 100);
    assert_eq!(details["tier"], "free");

    for (body, field) in [
        (
            json!({ "symbol": "AAPL", "strategy": { "type": "sma_cross", "fast": [5], "slow": 20 }, "maximize": "Luck" }),
            "maximize",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": { "type": "sma_cross", "fast": 5.5, "slow": 20 } }),
            "strategy",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": { "type": "sma_cross", "fast": [30, 40], "slow": 20 } }),
            "strategy",
        ),
        (
            json!({ "symbol": "AAPL", "strategy": { "type": "sma_cross", "fast": { "start": 5, "stop": 1 }, "slow": 20 } }),
            "strategy",
        ),
    ] {
        let (status, code, details) = error_of(post(app, &token, path, &body).await).await;
        assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"), "{body}");
        assert!(details["fields"][field].is_string(), "{body}: {details}");
    }

    let pro = app.user_on_tier("pro-sweeper@example.com", "pro").await;
    let response = post(app, &pro, path, &over_the_cap).await;
    assert_eq!(response.status(), 200, "pro sweeps up to 10 000");
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["runs"], 110);
}

async fn walk_forward_optimisation_tests_each_folds_choice_after_it(app: &TestApp) {
    let (_, token) = app.signed_in_user("forward@example.com").await;
    let body = json!({
        "symbol": "MSFT",
        "strategy": { "type": "sma_cross", "fast": [5, 10, 20], "slow": [30, 60] },
        "from": "2019-01-01", "to": "2023-12-31",
        "maximize": "Return [%]",
        "walk_forward": { "train": 250, "test": 125 },
    });
    let response = post(app, &token, "/api/v1/backtest/optimize", &body).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    let wf = &report["walk_forward"];
    assert_eq!(
        (wf["train"].as_u64(), wf["test"].as_u64()),
        (Some(250), Some(125))
    );
    let folds = wf["folds"].as_array().unwrap();
    assert!(folds.len() >= 5, "{} folds", folds.len());
    let grid: Vec<Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["params"].clone())
        .collect();
    let mut compounded = 1.0;
    for (i, fold) in folds.iter().enumerate() {
        assert!(
            grid.contains(&fold["params"]),
            "fold {i} chose from the grid"
        );
        assert!(fold["train_end"].as_str() < fold["test_start"].as_str());
        assert_eq!(fold["in_sample"]["End"], fold["train_end"]);
        assert_eq!(fold["out_of_sample"]["Start"], fold["test_start"]);
        if let Some(next) = folds.get(i + 1) {
            assert!(fold["test_end"].as_str() < next["test_start"].as_str());
        }
        compounded *= 1.0 + fold["out_of_sample"]["Return [%]"].as_f64().unwrap() / 100.0;
    }
    let stitched = &wf["out_of_sample"];
    assert_eq!(stitched["Start"], folds[0]["test_start"]);
    assert_eq!(stitched["End"], folds.last().unwrap()["test_end"]);
    let stitched_return = stitched["Return [%]"].as_f64().unwrap();
    assert!(
        ((compounded - 1.0) * 100.0 - stitched_return).abs() < 1e-6,
        "each test window starts with the equity the last one ended with"
    );
}
