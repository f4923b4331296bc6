//! Starting and stopping the server.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::app_state::AppState;
use super::config::Config;
use super::db::Database;
use super::router;
use super::site::{load_site_options, SITE_CONFIG_FILE};

/// Connects, migrates, serves until SIGINT/SIGTERM, then stops accepting, lets requests
/// in flight finish (up to `SHUTDOWN_GRACE_SECS`), closes WebSockets and the pool.
pub async fn serve(config: Config) -> Result<(), String> {
    let site = load_site_options(SITE_CONFIG_FILE)?;
    let db = open_database(&config).await?;

    let addr = site.site_addr;
    let state = AppState::new(config, site, db.clone()).map_err(|e| e.to_string())?;
    check_encryption_key(&state).await?;
    let events = super::accounts::audit::AuditEvent::ALL.map(|e| e.as_str());
    super::telemetry::counters::publish_zeros(&events);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!("listening on http://{bound}");
    let session_cleanup = super::sessions::spawn_cleanup(&db);
    let login_failures_prune =
        super::accounts::login_failures::spawn_prune(&db, super::accounts::service::LOCKOUT_SECS);
    let live = state.live.clone();
    let feed = super::live::spawn_feed(live.clone());
    // SONAR's index is loaded before the first question needs it.
    let (snapshots, sonar_db) = (state.sonar.loaded.clone(), db.clone());
    tokio::spawn(async move {
        if let Err(error) = snapshots.load_latest(&sonar_db).await {
            tracing::warn!(%error, "SONAR: loading the index failed");
        }
    });

    let grace = state.config.shutdown_grace;
    let stopping = Arc::new(Notify::new());
    let stop_requested = stopping.clone();
    let server = axum::serve(
        low_latency(listener),
        router::build(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Open WebSockets would otherwise keep the server waiting forever.
        live.shut_down();
        stop_requested.notify_one();
    });
    // Requests in flight get `SHUTDOWN_GRACE_SECS` to finish; then the process stops anyway.
    let deadline = async {
        stopping.notified().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = server.into_future() => served.map_err(|e| format!("server error: {e}"))?,
        () = deadline => tracing::warn!(
            grace_secs = grace.as_secs(),
            "requests still in flight after the grace period: stopping anyway"
        ),
    }
    session_cleanup.abort();
    login_failures_prune.abort();
    feed.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Stops before serving when `ENCRYPTION_KEY` cannot open what the database holds.
pub async fn check_encryption_key(state: &AppState) -> Result<(), String> {
    use super::crypto::rotation::{check_key, KeyCheck};
    let outcome = check_key(&state.db, &state.sealer).await?;
    match outcome {
        KeyCheck::Recorded => tracing::info!(
            key_id = state.sealer.key_id(),
            "encryption key recorded for this database"
        ),
        KeyCheck::Current => {}
        KeyCheck::Previous => tracing::warn!(
            "secrets are still sealed with ENCRYPTION_KEY_PREVIOUS: run `investment-system rotate-encryption-key`"
        ),
    }
    Ok(())
}

/// Sets `TCP_NODELAY` on every accepted connection. Pages stream in small chunks, and
/// with Nagle's algorithm each chunk after the first waited for the client's delayed
/// ACK: 40 ms added to `/login` at p95 (`benches/dashboard_render.rs` showed it).
pub fn low_latency(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
    fn no_delay(stream: &mut TcpStream) {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    }
    listener.tap_io(no_delay as fn(&mut TcpStream))
}

/// Opens `DATABASE_URL` and applies pending migrations: every start does both.
pub async fn open_database(config: &Config) -> Result<Database, String> {
    let db = Database::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    db.migrate()
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    tracing::info!(backend = db.backend().as_str(), "database ready");
    Ok(db)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests in flight");
}
