//! The system summary of `/admin` and `GET /api/v1/admin/metrics`: traffic, errors,
//! signal outcomes, caches, the pool, live connections.

use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::clock::{self, now_unix};
use crate::wire::admin::{CacheTier, PoolHealth, SystemSummary};

pub async fn system_summary(state: &AppState) -> Result<SystemSummary, ApiError> {
    let now = now_unix().max(0) as u64;
    let series = state.market.cache_stats();
    let mut caches = vec![CacheTier::new(
        "market_data",
        "memory",
        series.hits,
        series.misses,
    )];
    caches.extend(state.signal_cache.stats());
    let pool = pool_health(state).await;
    let (_, users) = crate::server::accounts::users::search(&state.db, "", 1, 0).await?;
    Ok(SystemSummary {
        overall: state.traffic.overall(now),
        routes: state.traffic.routes(),
        errors: state.traffic.errors(),
        signals: state.traffic.signal_outcomes(),
        caches,
        pool,
        websocket_connections: state.live.connections(),
        uptime_secs: state.started_at.elapsed().as_secs(),
        database: state.db.backend().as_str().to_string(),
        users,
    })
}

async fn pool_health(state: &AppState) -> PoolHealth {
    let ping = state.db.ping().await;
    let usage = state.db.pool_usage();
    PoolHealth {
        backend: state.db.backend().as_str().to_string(),
        status: if ping.is_ok() { "ok" } else { "down" }.to_string(),
        ping_ms: ping.map_or(0.0, clock::millis),
        open: usage.open,
        idle: usage.idle,
        in_use: usage.in_use,
        max: usage.max,
    }
}
