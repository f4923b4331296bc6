//! Screens over real HTTP on loopback (the server in this process, as `make run`
//! serves it): 5 000 symbols × 2 520 daily bars plus the demo tickers, the ensemble's
//! verdict, two indicators and one condition, every row in one answer. Records the
//! first screen (every series read from SQLite), the best of several warm ones, and
//! the process's resident memory before the import, after it and after screening.

mod support;

use std::time::Instant;

use serde_json::{json, Value};
use support::BenchServer;

const RUNS: usize = 5;

async fn screen(server: &BenchServer, body: &Value) -> (f64, Value) {
    let started = Instant::now();
    let response = server
        .client
        .post(server.at("/api/v1/screen"))
        .bearer_auth(&server.token)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    (started.elapsed().as_secs_f64() * 1_000.0, answer)
}

#[tokio::main]
async fn main() {
    let symbols: usize = std::env::var("SCREENER_BENCH_SYMBOLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let server = BenchServer::start().await;
    let rss_start = support::resident_mib();
    let started = Instant::now();
    drop(support::import_walks(&server, 0, symbols).await);
    eprintln!(
        "imported {symbols} series x {} bars in {:.1} s",
        support::WALK_BARS,
        started.elapsed().as_secs_f64()
    );
    let rss_imported = support::resident_mib();
    let body = json!({
        "universe": "all",
        "model": "ensemble",
        "indicators": ["rsi:14", "sma:200"],
        "where": [{"indicator": "close", "op": ">", "value": "sma:200"}],
        "sort": "-confidence",
        "limit": 10_000,
    });
    let (cold, first) = screen(&server, &body).await;
    let scanned = first["scanned"].as_u64().unwrap();
    let matched = first["matched"].as_u64().unwrap();
    assert!(
        scanned as usize > symbols,
        "the demo tickers are screened too"
    );
    assert_eq!(first["rows"].as_array().unwrap().len() as u64, matched);
    eprintln!("first screen: {scanned} scanned, {matched} matched in {cold:.0} ms");
    let mut best = f64::MAX;
    for _ in 0..RUNS {
        let (ms, answer) = screen(&server, &body).await;
        assert_eq!(answer["matched"], first["matched"], "the same answer warm");
        best = best.min(ms);
    }
    let rss_screened = support::resident_mib();
    eprintln!(
        "warm screen: best of {RUNS} {best:.0} ms; resident {:.0} MiB at start, {:.0} after the import, {:.0} after screening",
        rss_start.unwrap_or(f64::NAN),
        rss_imported.unwrap_or(f64::NAN),
        rss_screened.unwrap_or(f64::NAN)
    );
    println!(
        "{}",
        json!({
            "symbols": scanned, "bars": support::WALK_BARS, "matched": matched,
            "cold_ms": cold, "warm_ms": best,
            "rss_mib": {"start": rss_start, "imported": rss_imported, "screened": rss_screened},
        })
    );
}
