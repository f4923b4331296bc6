//! `/api/v1/run` latency over real HTTP on loopback, with warm data: p50/p95/p99 for
//! 2 and for 100 symbols (20 demo tickers plus 80 imported series). The server runs
//! in this process on a temporary SQLite file, as `make run` would serve it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use investment_system::market::demo;
use investment_system::server::accounts::users;
use investment_system::server::app_state::AppState;
use investment_system::server::config::Config;
use investment_system::server::db::Database;
use investment_system::server::market::dates::format_day;
use investment_system::server::router;
use investment_system::server::site::{load_site_options, SITE_CONFIG_FILE};
use serde_json::{json, Value};

const PASSWORD: &str = "Quick-Pass-9876!";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let data_dir = dir.path().display().to_string();
    let config = Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "DATA_DIR" => Some(data_dir.clone()),
        "LOG_LEVEL" => Some("error".into()),
        _ => None,
    })
    .unwrap();
    let db = Database::connect(&config.database_url).await.unwrap();
    db.migrate().await.unwrap();
    let state = AppState::new(
        config,
        load_site_options(SITE_CONFIG_FILE).unwrap(),
        db.clone(),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let app = router::build(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app).await.unwrap();
    });
    let client = reqwest::Client::new();
    let at = |path: &str| format!("http://{address}{path}");

    client
        .post(at("/api/v1/auth/register"))
        .json(&json!({ "email": "bench@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let tokens: Value = client
        .post(at("/api/v1/auth/login"))
        .json(&json!({ "email": "bench@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_string();
    let me: Value = client
        .get(at("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    users::set_tier(db.pool(), me["id"].as_str().unwrap(), "enterprise", 0)
        .await
        .unwrap();

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
            .bearer_auth(&token)
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
                .bearer_auth(&token)
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
                .bearer_auth(&token)
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
    db.close().await;
}
