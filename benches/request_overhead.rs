//! What the middleware stack costs (issue 18): `/healthz` throughput of this server
//! against a bare axum server answering the same small JSON, both in this process on
//! loopback and loaded by `wrk -t2 -c32` (Debian's package) in the same run; then
//! p50/p99 of an authenticated `GET /api/v1/signals?limit=20` and of `POST /api/v1/run`
//! with 2 symbols at 32 connections, staying under the enterprise tier's 1 000 calls a
//! minute. Prints a table and the ratio; `docs/PERFORMANCE.md` records the runs.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use support::{percentile, BenchServer};

const CONNECTIONS: usize = 32;
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(5);
/// Requests per authenticated route: two routes and the set-up stay under 1 000 a minute.
const AUTHENTICATED_REQUESTS: usize = 448;

/// The reference: axum with nothing but the route.
async fn bare_server() -> SocketAddr {
    let app = Router::new().route(
        "/healthz",
        get(|| async { Json(json!({ "status": "ok" })) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// One client per connection, so each holds exactly one keep-alive connection.
fn clients() -> Vec<reqwest::Client> {
    (0..CONNECTIONS)
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .http1_only()
                .build()
                .unwrap()
        })
        .collect()
}

/// Requests a second on `url` as `wrk -t2 -c32` measures them: a separate process in C,
/// so the load generator costs the two cores as little as it can. A short run first
/// warms both sides (connections, caches, the allocator).
fn throughput(url: &str) -> f64 {
    wrk(url, WARM_UP);
    wrk(url, MEASURE)
}

fn wrk(url: &str, duration: Duration) -> f64 {
    let output = std::process::Command::new("wrk")
        .args(["-t2", &format!("-c{CONNECTIONS}")])
        .arg(format!("-d{}s", duration.as_secs()))
        .arg(url)
        .output()
        .expect("wrk (make bench installs it from Debian's packages)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains("Non-2xx"),
        "wrk saw error answers from {url}:\n{text}"
    );
    text.lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk's output:\n{text}"))
}

/// Latencies of `total` requests made by `make` over [`CONNECTIONS`] connections.
async fn latencies(
    total: usize,
    make: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> Vec<Duration> {
    let make = Arc::new(make);
    let per_connection = total / CONNECTIONS;
    let mut tasks = Vec::new();
    for client in clients() {
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::with_capacity(per_connection);
            for _ in 0..per_connection {
                let started = Instant::now();
                let response = make(&client).send().await.unwrap();
                let status = response.status();
                response.bytes().await.unwrap();
                assert!(status.is_success(), "{status}");
                seen.push(started.elapsed());
            }
            seen
        }));
    }
    let mut all = Vec::with_capacity(total);
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    all
}

#[tokio::main]
async fn main() {
    let server = BenchServer::start().await;
    let bare = bare_server().await;

    let (ours_url, bare_url) = (server.at("/healthz"), format!("http://{bare}/healthz"));
    let (ours, reference) =
        tokio::task::spawn_blocking(move || (throughput(&ours_url), throughput(&bare_url)))
            .await
            .unwrap();
    println!("{:<34}{:>14}", "GET /healthz", "requests/s");
    println!("{:<34}{:>14.0}", "bare axum (reference)", reference);
    println!("{:<34}{:>14.0}", "investment-system", ours);
    println!("{:<34}{:>14.2}", "ratio (ours / bare)", ours / reference);

    // Two signals stored first, so the listing has rows to return.
    let run = json!({ "symbols": ["AAPL", "MSFT"], "model": "ensemble" });
    let response = server
        .client
        .post(server.at("/api/v1/run"))
        .bearer_auth(&server.token)
        .json(&run)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    println!();
    println!(
        "{:<34}{:>8}{:>10}{:>10}",
        "authenticated, 32 connections", "calls", "p50 ms", "p99 ms"
    );
    let (listing, token) = (server.at("/api/v1/signals?limit=20"), server.token.clone());
    let listed = latencies(AUTHENTICATED_REQUESTS, move |client| {
        client.get(&listing).bearer_auth(&token)
    })
    .await;
    report("GET /api/v1/signals?limit=20", &listed);
    let (run_url, token) = (server.at("/api/v1/run"), server.token.clone());
    let ran = latencies(AUTHENTICATED_REQUESTS, move |client| {
        client.post(&run_url).bearer_auth(&token).json(&run)
    })
    .await;
    report("POST /api/v1/run (2 symbols)", &ran);
}

fn report(label: &str, sorted: &[Duration]) {
    println!(
        "{:<34}{:>8}{:>10.2}{:>10.2}",
        label,
        sorted.len(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99)
    );
}
