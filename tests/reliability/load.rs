//! A mixed load of signed-in clients: signal runs, signal listings, price reads,
//! dashboard pages, and live-feed subscribers. Every answer is tallied by status;
//! latencies are kept for percentiles.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::header::{ACCEPT, COOKIE, REFERER, SET_COOKIE};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub const SYMBOLS: [&str; 8] = [
    "AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "JPM",
];
pub const PASSWORD: &str = "Reliable-Load-Pass-42!";

/// One signed-in user: an access token for the API, a session cookie for pages.
#[derive(Clone)]
pub struct User {
    pub token: String,
    pub cookie: String,
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Registers `count` users (`prefix-N@load.test`) and signs each in both ways.
pub async fn sign_up(base: &str, prefix: &str, count: usize) -> Vec<User> {
    let client = http();
    let mut users = Vec::with_capacity(count);
    for n in 0..count {
        let email = format!("{prefix}-{n}@load.test");
        let credentials = json!({ "email": email, "password": PASSWORD });
        let registered = client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&credentials)
            .send()
            .await
            .unwrap();
        assert_eq!(registered.status(), 201, "register {email}");
        let tokens: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&credentials)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let form = client
            .post(format!("{base}/api/login"))
            .header(ACCEPT, "text/html")
            .header(REFERER, format!("{base}/login"))
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("email", email.as_str()),
                ("password", PASSWORD),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap();
        let cookie = form
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("investment_session="))
            .map(|v| v.split(';').next().unwrap().to_string())
            .expect("a session cookie");
        users.push(User {
            token: tokens["access_token"].as_str().unwrap().to_string(),
            cookie,
        });
    }
    users
}

/// Answers by route and status, and latencies in microseconds.
#[derive(Default)]
pub struct Tally {
    pub statuses: BTreeMap<(&'static str, u16), u64>,
    pub latencies: Vec<u32>,
    /// Transport failures (connection refused, reset, timeout), by route.
    pub failures: BTreeMap<&'static str, u64>,
    /// Ids of the signals that runs answered 200 for: committed, so never to be lost.
    pub signal_ids: Vec<String>,
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        for (key, n) in other.statuses {
            *self.statuses.entry(key).or_default() += n;
        }
        for (key, n) in other.failures {
            *self.failures.entry(key).or_default() += n;
        }
        self.latencies.extend(other.latencies);
        self.signal_ids.extend(other.signal_ids);
    }

    pub fn count(&self, predicate: impl Fn(u16) -> bool) -> u64 {
        self.statuses
            .iter()
            .filter(|((_, status), _)| predicate(*status))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn total(&self) -> u64 {
        self.count(|_| true)
    }

    /// The `q` quantile of latencies, in milliseconds.
    pub fn percentile_ms(&mut self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        self.latencies.sort_unstable();
        let rank =
            ((q * self.latencies.len() as f64).ceil() as usize).clamp(1, self.latencies.len());
        f64::from(self.latencies[rank - 1]) / 1_000.0
    }

    pub fn report(&mut self, label: &str, elapsed: Duration) -> String {
        let total = self.total();
        let mut lines = vec![format!(
            "{label}: {total} requests in {:.1} s ({:.0}/s); p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; 5xx: {}; transport failures: {}",
            elapsed.as_secs_f64(),
            total as f64 / elapsed.as_secs_f64(),
            self.percentile_ms(0.50),
            self.percentile_ms(0.95),
            self.percentile_ms(0.99),
            self.count(|s| s >= 500),
            self.failures.values().sum::<u64>(),
        )];
        for ((route, status), n) in &self.statuses {
            lines.push(format!("  {route} {status}: {n}"));
        }
        for (route, n) in &self.failures {
            lines.push(format!("  {route} transport failures: {n}"));
        }
        lines.join("\n")
    }
}

/// Runs one client's mix until `stop`: 30 % signal runs, 30 % listings, 25 % prices,
/// 15 % dashboard pages. `seed` varies the symbols between clients.
pub async fn client_loop(base: String, user: User, seed: usize, stop: Arc<AtomicBool>) -> Tally {
    let client = http();
    let mut tally = Tally::default();
    let mut n = seed as u64;
    while !stop.load(Ordering::Relaxed) {
        n = n
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let symbol = SYMBOLS[(n >> 33) as usize % SYMBOLS.len()];
        let roll = (n >> 40) % 100;
        let model = ["classic", "momentum", "ensemble"][(n >> 50) as usize % 3];
        let (route, request) = match roll {
            0..30 => (
                "POST /api/v1/run",
                client
                    .post(format!("{base}/api/v1/run"))
                    .bearer_auth(&user.token)
                    .json(&json!({ "symbols": [symbol], "model": model })),
            ),
            30..60 => (
                "GET /api/v1/signals",
                client
                    .get(format!("{base}/api/v1/signals?limit=20"))
                    .bearer_auth(&user.token),
            ),
            60..85 => (
                "GET /api/v1/prices/{symbol}",
                client
                    .get(format!("{base}/api/v1/prices/{symbol}?from=2025-01-01"))
                    .bearer_auth(&user.token),
            ),
            _ => (
                "GET /dashboard",
                client
                    .get(format!("{base}/dashboard"))
                    .header(COOKIE, &user.cookie),
            ),
        };
        let started = Instant::now();
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.bytes().await.unwrap_or_default();
                if status == 200 && roll < 30 {
                    if let Ok(run) = serde_json::from_slice::<serde_json::Value>(&body) {
                        for signal in run["signals"].as_array().into_iter().flatten() {
                            if let Some(id) = signal["id"].as_str() {
                                tally.signal_ids.push(id.to_string());
                            }
                        }
                    }
                }
                tally
                    .latencies
                    .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
                *tally.statuses.entry((route, status)).or_default() += 1;
            }
            Err(_) => {
                *tally.failures.entry(route).or_default() += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    tally
}

/// A live-feed subscriber: counts market updates until `stop`; reconnects when dropped.
pub async fn live_subscriber(
    base: String,
    token: String,
    stop: Arc<AtomicBool>,
    updates: Arc<AtomicU64>,
) -> u64 {
    let ws_url = format!("{}/ws", base.replacen("http", "ws", 1));
    let mut reconnects = 0;
    while !stop.load(Ordering::Relaxed) {
        let mut request = ws_url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
            reconnects += 1;
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let subscribe = json!({ "type": "subscribe", "symbols": SYMBOLS[..5] }).to_string();
        if socket.send(Message::text(subscribe)).await.is_err() {
            reconnects += 1;
            continue;
        }
        while !stop.load(Ordering::Relaxed) {
            match tokio::time::timeout(Duration::from_millis(500), socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) if text.contains("\"market_update\"") => {
                    updates.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Some(Ok(_))) | Err(_) => {}
                Ok(None) | Ok(Some(Err(_))) => {
                    reconnects += 1;
                    break;
                }
            }
        }
    }
    reconnects
}

/// Runs `clients` loops (user `i % users.len()`) and `subscribers` live clients for
/// `duration`; `during` runs alongside (fault injection), then everything stops.
pub async fn run_mix<F: std::future::Future<Output = ()>>(
    base: &str,
    users: &[User],
    clients: usize,
    subscribers: usize,
    duration: Duration,
    during: F,
) -> (Tally, u64, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let updates = Arc::new(AtomicU64::new(0));
    let mut loops = Vec::new();
    for i in 0..clients {
        let user = users[i % users.len()].clone();
        loops.push(tokio::spawn(client_loop(
            base.to_string(),
            user,
            i * 7919 + 1,
            stop.clone(),
        )));
    }
    let mut live = Vec::new();
    for i in 0..subscribers {
        let token = users[i % users.len()].token.clone();
        live.push(tokio::spawn(live_subscriber(
            base.to_string(),
            token,
            stop.clone(),
            updates.clone(),
        )));
    }
    let stopper = {
        let stop = stop.clone();
        async move {
            tokio::time::sleep(duration).await;
            stop.store(true, Ordering::Relaxed);
        }
    };
    tokio::join!(stopper, during);
    stop.store(true, Ordering::Relaxed);
    let mut tally = Tally::default();
    for handle in loops {
        tally.merge(handle.await.unwrap());
    }
    let mut reconnects = 0;
    for handle in live {
        reconnects += handle.await.unwrap();
    }
    (tally, updates.load(Ordering::Relaxed), reconnects)
}
