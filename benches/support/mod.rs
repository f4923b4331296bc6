//! What the HTTP benchmarks share: a server in this process on a temporary SQLite
//! file (as `make run` serves it) with one signed-in enterprise user, and percentiles.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use investment_system::server::accounts::users;
use investment_system::server::app_state::AppState;
use investment_system::server::config::Config;
use investment_system::server::db::Database;
use investment_system::server::router;
use investment_system::server::site::{load_site_options, SITE_CONFIG_FILE};
use serde_json::{json, Value};

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "Quick-Pass-9876!";

pub struct BenchServer {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub db: Database,
    /// The enterprise user's access token.
    pub token: String,
    _dir: tempfile::TempDir,
}

impl BenchServer {
    pub fn at(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn start() -> BenchServer {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/bench.db", dir.path().display());
        let data_dir = dir.path().display().to_string();
        let config = Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(url.clone()),
            "DATA_DIR" => Some(data_dir.clone()),
            "LOG_LEVEL" => Some("error".into()),
            // Benchmarks measure the server, not its abuse guard.
            "SESSION_RATE_LIMIT_PER_MINUTE" => Some("1000000".into()),
            "AUTH_RATE_LIMIT_PER_MINUTE" => Some("1000000".into()),
            // Room for the portfolio bench's 5 000 series.
            "SERIES_CACHE_MB" => Some("2048".into()),
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
            let listener = investment_system::server::serve::low_latency(listener);
            axum::serve(listener, app).await.unwrap();
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let at = |path: &str| format!("http://{address}{path}");
        client
            .post(at("/api/v1/auth/register"))
            .json(&json!({ "email": EMAIL, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        let tokens: Value = client
            .post(at("/api/v1/auth/login"))
            .json(&json!({ "email": EMAIL, "password": PASSWORD }))
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
        users::set_tier(
            db.pool(),
            me["id"].as_str().unwrap(),
            investment_system::domain::tier::Tier::Enterprise,
            0,
        )
        .await
        .unwrap();
        BenchServer {
            address,
            client,
            db,
            token,
            _dir: dir,
        }
    }

    /// Logs in through the login form, as a browser does: the session cookie.
    pub async fn session_cookie(&self) -> String {
        let response = self
            .client
            .post(self.at("/api/login"))
            .header("accept", "text/html")
            .header("referer", self.at("/login"))
            .header("sec-fetch-site", "same-origin")
            .form(&[("email", EMAIL), ("password", PASSWORD), ("next", "")])
            .send()
            .await
            .unwrap();
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("investment_session="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_string()
    }
}

/// The `p` quantile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Daily bars per generated series: ten years.
pub const WALK_BARS: usize = 2_520;
/// 2015-01-05, a Monday.
const WALK_FIRST_DAY: i64 = 16_440;

/// A deterministic random walk per symbol on weekdays (xorshift, so no dependency).
pub fn walk(seed: u64) -> Vec<investment_system::market::Bar> {
    use investment_system::market::{Bar, DAY_SECS};
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut close = 20.0 + 200.0 * uniform();
    let mut day = WALK_FIRST_DAY;
    (0..WALK_BARS)
        .map(|_| {
            while investment_system::market::weekday(day) > 4 {
                day += 1;
            }
            let open = close;
            close *= 1.0 + (uniform() - 0.5) * 0.04;
            let bar = Bar {
                ts: day * DAY_SECS,
                open,
                high: open.max(close) * 1.005,
                low: open.min(close) * 0.995,
                close,
                volume: 1_000.0,
            };
            day += 1;
            bar
        })
        .collect()
}

/// The generated symbol `i`: `P0000`, `P0001`, …
pub fn symbol_name(i: usize) -> String {
    format!("P{i:04}")
}

/// Stores walks `from..to` in the shared catalog, 250 symbols a transaction; answers
/// their bars.
pub async fn import_walks(
    server: &BenchServer,
    from: usize,
    to: usize,
) -> Vec<Vec<investment_system::market::Bar>> {
    use investment_system::domain::symbol::Symbol;
    use investment_system::server::market::import::store_many;
    use investment_system::server::market::store::SHARED;
    let events = investment_system::server::events::EventBus::default();
    let mut all = Vec::new();
    let starts: Vec<usize> = (from..to).step_by(250).collect();
    for start in starts {
        let series: Vec<_> = (start..(start + 250).min(to))
            .map(|i| (Symbol::parse(&symbol_name(i)).unwrap(), walk(i as u64 + 1)))
            .collect();
        store_many(&server.db, &events, SHARED, &series, None, |_, _| {})
            .await
            .unwrap();
        all.extend(series.into_iter().map(|(_, bars)| bars));
    }
    all
}

/// This process's resident memory in MiB (Linux), for the record.
pub fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
