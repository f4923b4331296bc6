//! `/api/v1/run` latency over real HTTP on loopback, with warm data: p50/p95/p99 for
//! 2 and for 100 symbols (20 demo tickers plus 80 imported series). The server runs
//! in this process on a temporary SQLite file, as `make run` would serve it.

mod support;

use std::time::Instant;

use investment_system::market::demo;
use investment_system::server::market::dates::format_day;
use serde_json::json;
use support::{percentile, BenchServer};

#[tokio::main]
async fn main() {
    let server = BenchServer::start().await;
    let (client, token) = (&server.client, &server.token);
    let at = |path: &str| server.at(path);

    // 80 more series through the shared catalog, from the demo tickers' paths.
    let mut symbols: Vec<String> = demo::SYMBOLS.iter().map(|s| s.0.to_string()).collect();
    for i in 0..80 {
        let (source, ..) = demo::SYMBOLS[i % demo::SYMBOLS.len()];
        let scale = 1.0 + i as f64 / 100.0;
        let mut csv = String::from("Date,Open,High,Low,Close,Volume\n");
        for bar in demo::bars(source, 20_416).unwrap() {
            csv.push_str(&format!(
                "{},{:.2},{:.2},{:.2},{:.2},{}\n",
                format_day(bar.ts),
                bar.open * scale,
                bar.high * scale,
                bar.low * scale,
                bar.close * scale,
                bar.volume
            ));
        }
        let symbol = format!("SYN{i:02}");
        let response = client
            .post(at(&format!("/api/v1/prices/{symbol}/import?scope=global")))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "import {symbol}");
        symbols.push(symbol);
    }

    println!(
        "{:<12}{:>8}{:>10}{:>10}{:>10}",
        "symbols", "runs", "p50 ms", "p95 ms", "p99 ms"
    );
    for (count, runs) in [(2usize, 300usize), (100, 30)] {
        let body =
            json!({ "symbols": &symbols[..count], "model": "ensemble", "lookback_days": 120 });
        // Warm: data fetched and stored, connections open.
        for _ in 0..3 {
            let response = client
                .post(at("/api/v1/run"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let response = client
                .post(at("/api/v1/run"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap();
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "{:<12}{:>8}{:>10.2}{:>10.2}{:>10.2}",
            count,
            runs,
            percentile(&times, 0.50),
            percentile(&times, 0.95),
            percentile(&times, 0.99)
        );
    }
    server.db.close().await;
}
