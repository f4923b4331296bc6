//! Test helpers: a real HTTP server on a free loopback port, backed by a fresh
//! database (a temporary SQLite file, or a PostgreSQL database made for the test).
#![allow(dead_code)]

pub mod postgres;
pub mod tcp_proxy;

use std::net::SocketAddr;

use investment_system::server::app_state::AppState;
use investment_system::server::clock::Clock;
use investment_system::server::config::Config;
use investment_system::server::db::Database;
use investment_system::server::router;
use investment_system::server::site::{load_site_options, SITE_CONFIG_FILE};
use tempfile::TempDir;

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub db: Database,
    /// The server's state, for building more routers over the same data.
    pub state: AppState,
    _data_dir: TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

/// A server on a fresh SQLite file.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(None, &[]).await
}

/// A server on `database_url` (default: a fresh SQLite file) with extra variables.
pub async fn spawn_app_with(database_url: Option<&str>, vars: &[(&str, &str)]) -> TestApp {
    spawn_app_with_routes(database_url, vars, axum::Router::new()).await
}

/// As [`spawn_app_with`], with `extra` routes behind the application's layers.
pub async fn spawn_app_with_routes(
    database_url: Option<&str>,
    vars: &[(&str, &str)],
    extra: axum::Router<AppState>,
) -> TestApp {
    spawn_app_full(database_url, vars, extra, test_clock()).await
}

/// As [`spawn_app_with`], reading the time from `clock` (another server's, say).
pub async fn spawn_app_with_clock(
    database_url: Option<&str>,
    vars: &[(&str, &str)],
    clock: Clock,
) -> TestApp {
    spawn_app_full(database_url, vars, axum::Router::new(), clock).await
}

async fn spawn_app_full(
    database_url: Option<&str>,
    vars: &[(&str, &str)],
    extra: axum::Router<AppState>,
    clock: Clock,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let sqlite_url = format!("sqlite://{}/test.db", data_dir.path().display());
    let database_url = database_url.unwrap_or(&sqlite_url).to_string();
    let data_dir_path = data_dir.path().display().to_string();
    let lookup = |name: &str| -> Option<String> {
        match name {
            "DATABASE_URL" => Some(database_url.clone()),
            "DATA_DIR" => Some(data_dir_path.clone()),
            _ => vars
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
                .or_else(|| match name {
                    "SECRET_KEY" => Some(TEST_SECRET_KEY.to_string()),
                    "ENCRYPTION_KEY" => Some(TEST_ENCRYPTION_KEY.to_string()),
                    _ => None,
                }),
        }
    };
    let config = Config::from_lookup(lookup).expect("valid test configuration");
    let site = load_site_options(SITE_CONFIG_FILE).expect("Leptos.toml");
    let db = Database::connect(&config.database_url)
        .await
        .expect("database");
    db.migrate().await.expect("migrations");
    let state = AppState::with_clock(config, site, db.clone(), clock).expect("state");
    investment_system::server::serve::check_encryption_key(&state)
        .await
        .expect("the encryption key opens what the database holds");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let served_state = state.clone();
    tokio::spawn(async move {
        let app = router::build_with(served_state, extra)
            .into_make_service_with_connect_info::<SocketAddr>();
        let listener = investment_system::server::serve::low_latency(listener);
        axum::serve(listener, app).await.unwrap();
    });
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        state,
        _data_dir: data_dir,
    }
}

/// A manual clock for a test server, standing at the start of the next minute
/// (ahead of the real time, so Redis expiries lie in the future; within a minute of
/// it, so they outlast the test). Servers spawned close together get the same
/// instant; a test that needs two instances to agree passes one clock to both
/// ([`spawn_app_with_clock`]). Tests move it with `state.clock.advance`, never sleep.
pub fn test_clock() -> Clock {
    static START_MS: std::sync::Mutex<i64> = std::sync::Mutex::new(0);
    let now = chrono::Utc::now().timestamp_millis();
    let mut start = START_MS.lock().unwrap_or_else(|e| e.into_inner());
    if *start < now {
        *start = now - now.rem_euclid(60_000) + 60_000;
    }
    Clock::manual(*start)
}

/// The JWT secret test servers sign with, so tests can mint their own tokens.
pub const TEST_JWT_SECRET: &str = "test-jwt-secret-that-is-long-enough-0123456789";
/// Test servers share these (unless a test sets its own), as a deployment's
/// instances do: servers on one database must agree on them.
pub const TEST_SECRET_KEY: &str = "test-session-secret-that-is-long-enough-0123";
pub const TEST_ENCRYPTION_KEY: &str = "test-encryption-key-that-is-long-enough-0123";

/// What staging and production insist on, with strong secrets and the demo market.
pub fn strict_vars(environment: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("ENVIRONMENT", environment),
        ("SECRET_KEY", TEST_SECRET_KEY),
        ("JWT_SECRET_KEY", TEST_JWT_SECRET),
        ("ENCRYPTION_KEY", TEST_ENCRYPTION_KEY),
        ("MARKET_DATA_PROVIDER", "demo"),
        ("ALLOWED_HOSTS", "127.0.0.1"),
    ]
}

/// A server on the given backend ("sqlite" or "postgres"); the PostgreSQL database
/// lives as long as the returned guard.
pub async fn spawn_on(backend: &str) -> (TestApp, Option<postgres::TestPostgres>) {
    let vars = [("JWT_SECRET_KEY", TEST_JWT_SECRET)];
    match backend {
        "postgres" => {
            let pg = postgres::TestPostgres::create().await;
            (spawn_app_with(Some(&pg.url), &vars).await, Some(pg))
        }
        _ => (spawn_app_with(None, &vars).await, None),
    }
}

/// Runs an `async fn(TestApp)` scenario as two tests, on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test]
                async fn sqlite() {
                    let (app, _pg) = $crate::common::spawn_on("sqlite").await;
                    super::$scenario(&app).await;
                }
                #[tokio::test]
                async fn postgres() {
                    let (app, _pg) = $crate::common::spawn_on("postgres").await;
                    super::$scenario(&app).await;
                    app.db.close().await;
                }
            }
        )*
    };
}

impl TestApp {
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Registers a user, panicking unless it succeeds.
    pub async fn register(&self, email: &str, password: &str) -> serde_json::Value {
        let response = self
            .post_json(
                "/api/v1/auth/register",
                serde_json::json!({ "email": email, "password": password }),
            )
            .await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// Logs in, panicking unless it succeeds; returns the token pair.
    pub async fn login(&self, email: &str, password: &str) -> serde_json::Value {
        let response = self
            .post_json(
                "/api/v1/auth/login",
                serde_json::json!({ "email": email, "password": password }),
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// A new user with an access token: (email, access token).
    /// A signed-in user moved to `tier`; answers their access token.
    pub async fn user_on_tier(&self, email: &str, tier: &str) -> String {
        let (_, token) = self.signed_in_user(email).await;
        let me: serde_json::Value = self
            .get_with_token("/api/v1/me", &token)
            .await
            .json()
            .await
            .unwrap();
        investment_system::server::accounts::users::set_tier(
            self.db.pool(),
            me["id"].as_str().unwrap(),
            investment_system::domain::tier::Tier::parse(tier).expect("a tier"),
            0,
        )
        .await
        .unwrap();
        token
    }

    pub async fn signed_in_user(&self, email: &str) -> (String, String) {
        self.register(email, STRONG_PASSWORD).await;
        let tokens = self.login(email, STRONG_PASSWORD).await;
        (
            email.to_string(),
            tokens["access_token"].as_str().unwrap().to_string(),
        )
    }

    /// `POST /api/v1/api-keys` as the token's user; the raw response.
    pub async fn post_api_key(&self, token: &str, name: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/api-keys"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await
            .unwrap()
    }

    /// Creates an API key, panicking unless it succeeds; returns the created key.
    pub async fn create_api_key(&self, token: &str, name: &str) -> serde_json::Value {
        let response = self.post_api_key(token, name).await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// The body of `GET path` as text, whatever the status.
    pub async fn get_text(&self, path: &str) -> String {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        response.text().await.unwrap()
    }

    /// The body of `GET path` as JSON, whatever the status.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        serde_json::from_str(&self.get_text(path).await).expect("a JSON body")
    }

    /// `POST /api/v1/run` for `symbols` as the token's user.
    pub async fn run_signals(&self, token: &str, symbols: &[&str]) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/run"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "symbols": symbols }))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

pub const STRONG_PASSWORD: &str = "Sup3r-Secret-Pass!";

/// Reads an error envelope: (status, code), checking its shape on the way.
pub async fn error_of(response: reqwest::Response) -> (u16, String, serde_json::Value) {
    let status = response.status().as_u16();
    let correlation = response.headers().get("x-correlation-id").cloned();
    let body: serde_json::Value = response.json().await.expect("JSON error body");
    let error = &body["error"];
    for field in ["code", "message", "details", "correlation_id", "timestamp"] {
        assert!(error.get(field).is_some(), "envelope lacks {field}: {body}");
    }
    assert_eq!(
        error["correlation_id"].as_str(),
        correlation.as_ref().and_then(|v| v.to_str().ok()),
        "envelope and header carry the same correlation id"
    );
    (
        status,
        error["code"].as_str().unwrap().to_string(),
        error["details"].clone(),
    )
}
