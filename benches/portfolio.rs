//! Portfolio backtests over real HTTP on loopback (the server in this process, as
//! `make run` serves it): 200 symbols × 2 520 daily bars with monthly rebalancing and
//! equal weights, the best of several warm runs, timed until the whole answer has
//! arrived; then 5 000 symbols × 2 520 bars. Writes the 200 series to
//! `PORTFOLIO_BENCH_DATA` so `benches/vectorbt_portfolio.py` runs the same portfolio in
//! vectorbt; `benches/compare_portfolio.py` prints the ratio.

mod support;

use std::time::Instant;

use investment_system::market::{Bar, DAY_SECS};
use serde_json::{json, Value};
use support::BenchServer;

const BARS: usize = support::WALK_BARS;
const RUNS: usize = 5;

async fn import(server: &BenchServer, from: usize, to: usize) -> Vec<Vec<Bar>> {
    support::import_walks(server, from, to).await
}

async fn post(server: &BenchServer, body: &Value) -> reqwest::Response {
    server
        .client
        .post(server.at("/api/v1/backtest/portfolio"))
        .bearer_auth(&server.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The first (cold) run and the best of `RUNS` warm runs in milliseconds, and the
/// answer's size in bytes.
async fn time_portfolio(server: &BenchServer, symbols: usize) -> (f64, f64, usize, Value) {
    let names: Vec<String> = (0..symbols).map(support::symbol_name).collect();
    let body = json!({
        "symbols": names, "weights": "equal", "rebalance": "monthly",
        "cash": 1_000_000, "commission": 0.001,
    });
    let mut best = f64::MAX;
    let mut size = 0;
    let mut first = Value::Null;
    // Cold: every series is read from SQLite (one packed row each), none from memory.
    let started = Instant::now();
    let status = post(server, &body).await.status();
    let cold = started.elapsed().as_secs_f64() * 1_000.0;
    eprintln!("cold run: {status} after {cold:.1} ms");
    assert_eq!(status, 200, "the cold run answers");
    for run in 0..=RUNS {
        let started = Instant::now();
        let response = post(server, &body).await;
        assert_eq!(response.status(), 200);
        let answer = response.bytes().await.unwrap();
        let elapsed = started.elapsed().as_secs_f64() * 1_000.0;
        if run == 0 {
            let report: Value = serde_json::from_slice(&answer).unwrap();
            assert_eq!(report["equity"].as_array().unwrap().len(), BARS);
            size = answer.len();
            first = report["stats"].clone();
            continue; // warm: series cached, connections open
        }
        best = best.min(elapsed);
    }
    (cold, best, size, first)
}

#[tokio::main]
async fn main() {
    let server = BenchServer::start().await;
    let started = Instant::now();
    let series = import(&server, 0, 200).await;
    eprintln!(
        "imported 200 series in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (_, ours_200, size, stats) = time_portfolio(&server, 200).await;
    eprintln!(
        "ours: 200 symbols x {BARS} bars, monthly, over HTTP: best of {RUNS} {ours_200:.1} ms ({} KiB answer)",
        size / 1024
    );
    if let Ok(path) = std::env::var("PORTFOLIO_BENCH_DATA") {
        let closes: Vec<Vec<f64>> = series
            .iter()
            .map(|s| s.iter().map(|b| b.close).collect())
            .collect();
        let days: Vec<i64> = series[0].iter().map(|b| b.ts / DAY_SECS).collect();
        let data = json!({
            "days": days, "closes": closes, "cash": 1_000_000, "commission": 0.001,
            "equity_final": stats["Equity Final [$]"],
        });
        std::fs::write(path, data.to_string()).unwrap();
    }
    let big: usize = std::env::var("PORTFOLIO_BENCH_LARGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let (mut ours_large, mut large_cold) = (None, None);
    if big > 200 {
        let started = Instant::now();
        drop(import(&server, 200, big).await);
        eprintln!(
            "imported {} more series in {:.1} s",
            big - 200,
            started.elapsed().as_secs_f64()
        );
        let (cold, ms, size, _) = time_portfolio(&server, big).await;
        eprintln!(
            "ours: {big} symbols x {BARS} bars, monthly, over HTTP: best of {RUNS} {ms:.1} ms ({} KiB answer)",
            size / 1024
        );
        (ours_large, large_cold) = (Some(ms), Some(cold));
    }
    println!(
        "{}",
        json!({ "ours_ms": ours_200, "symbols": 200, "bars": BARS, "large_symbols": big, "large_ms": ours_large, "large_cold_ms": large_cold })
    );
}
