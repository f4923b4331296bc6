//! A 1 000-pair SMA-cross sweep over ~2 100 daily bars with full statistics, over
//! real HTTP on loopback (the server in this process, as `make run` serves it): the
//! best of several runs, timed until the whole answer has arrived. Writes the bars and
//! the grid to `OPTIMIZE_BENCH_DATA` so `benches/vectorbt_reference.py` sweeps the
//! same grid on the same bars; `benches/compare_optimize.py` prints the ratio.

mod support;

use std::time::Instant;

use serde_json::{json, Value};
use support::BenchServer;

const BARS: usize = 2_100;
const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    let server = BenchServer::start().await;
    let (client, token) = (&server.client, &server.token);
    let prices: Value = client
        .get(server.at("/api/v1/prices/AAPL?from=2015-01-01&to=2024-12-31"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bars: Vec<Value> = prices["bars"].as_array().unwrap()[..BARS].to_vec();
    let (from, to) = (&bars[0]["ts"], &bars[BARS - 1]["ts"]);
    let fast: Vec<u64> = (5..25).collect();
    let slow: Vec<u64> = (30..=275).step_by(5).collect();
    assert_eq!(fast.len() * slow.len(), 1_000);
    let body = json!({
        "symbol": "AAPL",
        "strategy": { "type": "sma_cross", "fast": fast, "slow": slow },
        "cash": 10_000, "commission": 0.002,
        "from": from, "to": to,
    });

    let mut best = f64::MAX;
    let mut size = 0;
    for run in 0..=RUNS {
        let started = Instant::now();
        let response = client
            .post(server.at("/api/v1/backtest/optimize"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer = response.bytes().await.unwrap();
        let elapsed = started.elapsed().as_secs_f64() * 1_000.0;
        if run == 0 {
            let report: Value = serde_json::from_slice(&answer).unwrap();
            assert_eq!(report["runs"], 1_000);
            size = answer.len();
            continue; // warm: series stored and cached, connections open
        }
        best = best.min(elapsed);
    }
    eprintln!(
        "ours: 1000 pairs x {BARS} bars, full statistics over HTTP: best of {RUNS} {best:.1} ms ({} KiB answer)",
        size / 1024
    );
    if let Ok(path) = std::env::var("OPTIMIZE_BENCH_DATA") {
        let data = json!({
            "bars": bars,
            "fast": fast,
            "slow": slow,
            "cash": 10_000,
            "commission": 0.002,
        });
        std::fs::write(path, data.to_string()).unwrap();
    }
    println!(
        "{}",
        json!({ "ours_ms": best, "pairs": 1_000, "bars": BARS })
    );
}
