//! Server rendering of `/dashboard` for a user following 20 symbols (two watchlists
//! of ten, every symbol with a signal): p50/p95/p99 over real HTTP on loopback.
//! The reference, timed in the same run, is `/login`: a page with no data at all,
//! so the ratio is what the dashboard's data costs on top of rendering any page.

mod support;

use std::time::{Duration, Instant};

use investment_system::market::demo;
use serde_json::{json, Value};
use support::{percentile, BenchServer};

const RUNS: usize = 300;
/// The target for the dashboard's p95.
const TARGET_P95_MS: f64 = 30.0;

async fn timed(server: &BenchServer, path: &str, cookie: &str) -> Vec<Duration> {
    let mut times = Vec::with_capacity(RUNS);
    for round in 0..RUNS + 10 {
        let started = Instant::now();
        let response = server
            .client
            .get(server.at(path))
            .header("accept", "text/html")
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.unwrap();
        // The first ten warm caches and connections.
        if round >= 10 {
            times.push(started.elapsed());
        }
        assert!(body.len() > 1_000);
    }
    times.sort();
    times
}

#[tokio::main]
async fn main() {
    let server = BenchServer::start().await;
    let symbols: Vec<&str> = demo::SYMBOLS.iter().map(|s| s.0).collect();
    assert_eq!(symbols.len(), 20);
    for (name, chunk) in [
        ("First ten", &symbols[..10]),
        ("Second ten", &symbols[10..]),
    ] {
        let list: Value = server
            .client
            .post(server.at("/api/v1/watchlists"))
            .bearer_auth(&server.token)
            .json(&json!({ "name": name }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = list["id"].as_str().unwrap();
        for symbol in chunk {
            let response = server
                .client
                .post(server.at(&format!("/api/v1/watchlists/{id}/symbols")))
                .bearer_auth(&server.token)
                .json(&json!({ "symbol": symbol }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201, "{symbol}");
        }
    }
    let run = server
        .client
        .post(server.at("/api/v1/run"))
        .bearer_auth(&server.token)
        .json(&json!({ "symbols": symbols }))
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 200);

    let cookie = server.session_cookie().await;
    let dashboard = timed(&server, "/dashboard", &cookie).await;
    let reference = timed(&server, "/login", "").await;

    println!(
        "{:<28}{:>8}{:>10}{:>10}{:>10}",
        "page", "runs", "p50 ms", "p95 ms", "p99 ms"
    );
    for (label, times) in [
        ("/dashboard (20 symbols)", &dashboard),
        ("/login (reference)", &reference),
    ] {
        println!(
            "{:<28}{:>8}{:>10.2}{:>10.2}{:>10.2}",
            label,
            times.len(),
            percentile(times, 0.50),
            percentile(times, 0.95),
            percentile(times, 0.99)
        );
    }
    let p95 = percentile(&dashboard, 0.95);
    println!(
        "dashboard p95 is {:.1}x the reference page's; target p95 < {TARGET_P95_MS} ms: {}",
        p95 / percentile(&reference, 0.95),
        if p95 < TARGET_P95_MS { "met" } else { "MISSED" }
    );
    server.db.close().await;
}
