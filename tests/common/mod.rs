//! Test helpers: a real HTTP server on a free loopback port, backed by a fresh
//! database (a temporary SQLite file, or a PostgreSQL database made for the test).
#![allow(dead_code)]

pub mod postgres;

use std::net::SocketAddr;

use investment_system::server::app_state::AppState;
use investment_system::server::config::Config;
use investment_system::server::db::Database;
use investment_system::server::router;
use investment_system::server::site::{load_site_options, SITE_CONFIG_FILE};
use tempfile::TempDir;

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub db: Database,
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
                .map(|(_, v)| v.to_string()),
        }
    };
    let config = Config::from_lookup(lookup).expect("valid test configuration");
    let site = load_site_options(SITE_CONFIG_FILE).expect("Leptos.toml");
    let db = Database::connect(&config.database_url)
        .await
        .expect("database");
    db.migrate().await.expect("migrations");
    let state = AppState::new(config, site, db.clone()).expect("state");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router::build(state)).await.unwrap();
    });
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        _data_dir: data_dir,
    }
}
