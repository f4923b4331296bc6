//! A backtest's `benchmark` and `monte_carlo` over real HTTP on both backends: the
//! benchmark's equity and Alpha/Beta against it, Monte Carlo's percentiles and bands,
//! repeatable by seed, and the refusals.

use serde_json::{json, Value};

use crate::common::{error_of, TestApp};

on_both_backends!(
    a_benchmark_replaces_alpha_and_beta_and_rides_along_the_equity,
    monte_carlo_percentiles_repeat_by_seed,
    bad_benchmarks_and_simulations_are_refused
);

fn body(extra: Value) -> Value {
    let mut body = json!({
        "symbol": "AAPL",
        "strategy": { "type": "sma_cross", "fast": 10, "slow": 30 },
        "from": "2019-01-01", "to": "2023-12-31",
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

async fn backtest(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/backtest"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn ok(app: &TestApp, token: &str, body: Value) -> Value {
    let response = backtest(app, token, body).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() <= 1e-9 * b.abs().max(1.0)
}

async fn a_benchmark_replaces_alpha_and_beta_and_rides_along_the_equity(app: &TestApp) {
    let (_, token) = app.signed_in_user("bench@example.com").await;
    let plain = ok(app, &token, body(json!({}))).await;
    let against = ok(app, &token, body(json!({ "benchmark": "spy" }))).await;
    assert!(plain.get("benchmark").is_none());
    assert!(plain["equity"][0].get("benchmark").is_none());

    // Same trades and return; only the comparison changes.
    assert_eq!(plain["trades"], against["trades"]);
    let (stats, comparison) = (&against["stats"], &against["benchmark"]);
    assert_eq!(comparison["symbol"], "SPY");
    assert_eq!(stats["Beta"], comparison["beta"]);
    assert_eq!(stats["Alpha [%]"], comparison["alpha"]);
    assert_ne!(stats["Beta"], plain["stats"]["Beta"]);
    let ret = stats["Return [%]"].as_f64().unwrap();
    let bench_return = comparison["return_pct"].as_f64().unwrap();
    assert!(close(&comparison["excess_return"], ret - bench_return));
    let alpha = ret - comparison["beta"].as_f64().unwrap() * bench_return;
    assert!(close(&comparison["alpha"], alpha));

    // The benchmark's equity is the cash held as SPY from the first bar.
    let spy: Value = app
        .get_with_token("/api/v1/prices/SPY?from=2019-01-01&to=2023-12-31", &token)
        .await
        .json()
        .await
        .unwrap();
    let bars = spy["bars"].as_array().unwrap();
    let equity = against["equity"].as_array().unwrap();
    assert_eq!(
        equity.len(),
        bars.len(),
        "the demo market trades every weekday"
    );
    let first = bars[0]["close"].as_f64().unwrap();
    let last = bars.last().unwrap()["close"].as_f64().unwrap();
    assert!(close(&equity[0]["benchmark"], 10_000.0));
    assert!(close(
        &equity.last().unwrap()["benchmark"],
        10_000.0 * last / first
    ));
}

async fn monte_carlo_percentiles_repeat_by_seed(app: &TestApp) {
    let (_, token) = app.signed_in_user("carlo@example.com").await;
    let simulate = |method: &str, seed: u64| {
        body(json!({ "monte_carlo": { "runs": 1000, "method": method, "seed": seed } }))
    };
    let shuffled = ok(app, &token, simulate("shuffle_trades", 42)).await;
    let carlo = &shuffled["monte_carlo"];
    assert_eq!(
        (carlo["runs"].as_u64(), carlo["seed"].as_u64()),
        (Some(1000), Some(42))
    );
    assert_eq!(carlo["method"], "shuffle_trades");
    assert_eq!(carlo["axis"], "trade");
    // Every order of the same trades ends at the backtest's own final equity …
    let final_equity = shuffled["stats"]["Equity Final [$]"].as_f64().unwrap();
    for p in ["p5", "p50", "p95"] {
        let value = carlo["final_equity"][p].as_f64().unwrap();
        assert!(
            (value - final_equity).abs() < 1e-6 * final_equity,
            "{p}: {value} against {final_equity}"
        );
    }
    // … and the historical order is one of them: its drawdown sits inside the spread.
    // One band point per closed trade after the start, and one more when a position
    // opened on the last bar is left open (backtesting.py's finalize_trades).
    let trades = shuffled["trades"].as_array().unwrap();
    let closed: f64 = 10_000.0
        + trades
            .iter()
            .map(|t| t["pnl"].as_f64().unwrap())
            .sum::<f64>();
    let left_open = usize::from((closed - final_equity).abs() > 1e-6 * final_equity);
    assert_eq!(
        carlo["bands"].as_array().unwrap().len(),
        trades.len() + 1 + left_open
    );
    let worst = carlo["max_drawdown"]["p5"].as_f64().unwrap();
    let best = carlo["max_drawdown"]["p95"].as_f64().unwrap();
    assert!(worst < best && best <= 0.0, "{worst} {best}");

    let a = ok(app, &token, simulate("bootstrap_returns", 7)).await;
    let b = ok(app, &token, simulate("bootstrap_returns", 7)).await;
    let c = ok(app, &token, simulate("bootstrap_returns", 8)).await;
    assert_eq!(a["monte_carlo"], b["monte_carlo"]);
    assert_ne!(
        a["monte_carlo"]["final_equity"],
        c["monte_carlo"]["final_equity"]
    );
    let carlo = &a["monte_carlo"];
    assert_eq!(carlo["axis"], "bar");
    let spread = &carlo["return_pct"];
    assert!(spread["p5"].as_f64() < spread["p50"].as_f64());
    assert!(spread["p50"].as_f64() < spread["p95"].as_f64());
    let bands = carlo["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 250, "thinned from every bar");
    assert_eq!(bands[0]["ts"], a["equity"][0]["ts"]);
    assert_eq!(
        bands[249]["ts"],
        a["equity"].as_array().unwrap().last().unwrap()["ts"]
    );

    // Without a seed the server picks one and says which.
    let unseeded = ok(app, &token, body(json!({ "monte_carlo": { "runs": 10 } }))).await;
    assert!(unseeded["monte_carlo"]["seed"].as_u64().is_some());
    assert_eq!(unseeded["monte_carlo"]["method"], "shuffle_trades");
}

async fn bad_benchmarks_and_simulations_are_refused(app: &TestApp) {
    let (_, token) = app.signed_in_user("refused@example.com").await;
    for (extra, status, code) in [
        (json!({ "benchmark": "NOPE" }), 404, "SYMBOL_NOT_FOUND"),
        (
            json!({ "benchmark": "not a symbol!" }),
            400,
            "INVALID_SYMBOL",
        ),
        (
            json!({ "monte_carlo": { "runs": 0 } }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "monte_carlo": { "runs": 10001 } }),
            422,
            "VALIDATION_ERROR",
        ),
        (
            json!({ "monte_carlo": { "runs": 10, "method": "guess" } }),
            422,
            "VALIDATION_ERROR",
        ),
    ] {
        let (got, got_code, _) = error_of(backtest(app, &token, body(extra.clone())).await).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{extra}");
    }
    // The runs count against the free tier's budget (20 M): 10 000 runs over the whole
    // demo history (~3 000 bars) is over it, and refused before any work.
    let mut whole = body(json!({ "monte_carlo": { "runs": 10000 } }));
    whole
        .as_object_mut()
        .unwrap()
        .retain(|k, _| k != "from" && k != "to");
    let (got, code, details) = error_of(backtest(app, &token, whole).await).await;
    assert_eq!((got, code.as_str()), (422, "COMPUTE_BUDGET_EXCEEDED"));
    assert!(
        details["estimate"].as_u64() > details["limit"].as_u64(),
        "{details}"
    );
}
