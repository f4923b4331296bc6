//! What administrators see of the running server: request traffic per route over
//! the last five minutes (recorded by a middleware), cache hit rates, open live
//! connections. Served by `/admin` and `GET /api/v1/admin/metrics`.

pub mod counters;
pub mod prometheus;
pub mod tally;
pub mod window;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use self::tally::{ErrorTally, SignalTally};
use self::window::Window;
use super::api_error::ApiError;
use super::app_state::AppState;
use super::clock::{self, now_unix};
use crate::error_catalog::ErrorCode;
use crate::wire::admin::{CacheTier, PoolHealth, RouteTraffic, SignalOutcomes, SystemSummary};

/// Requests that matched no route (static files, 404s) share one label.
const UNMATCHED: &str = "(unmatched)";
/// Routes listed in the summary, busiest first.
const TOP_ROUTES: usize = 15;

#[derive(Default)]
pub struct RequestStats {
    overall: Mutex<Window>,
    /// Keyed by route template: bounded by the routes the router declares.
    routes: Mutex<HashMap<String, Window>>,
    errors: Mutex<ErrorTally>,
    signals: Mutex<SignalTally>,
}

impl RequestStats {
    pub fn record(&self, route: &str, status: u16, latency_micros: u64, code: Option<ErrorCode>) {
        let now = now_unix().max(0) as u64;
        lock(&self.errors).record(route, code.map(ErrorCode::as_str));
        lock(&self.overall).record(now, status, latency_micros);
        lock(&self.routes)
            .entry(route.to_string())
            .or_default()
            .record(now, status, latency_micros);
    }

    /// A signal run stored one signal per symbol (`signals` are their actions).
    pub fn signals_stored<'a>(
        &self,
        model: &str,
        signals: impl IntoIterator<Item = &'a str> + Clone,
    ) {
        for signal in signals.clone() {
            counters::signal_generated(model, signal);
        }
        lock(&self.signals).stored(model, signals);
    }

    /// A signal run was refused with `code` and stored nothing.
    pub fn signal_run_failed(&self, code: ErrorCode) {
        let reason = code.as_str().to_ascii_lowercase();
        counters::signal_generation_failed(&reason);
        lock(&self.signals).failed(code.as_str());
    }

    pub fn signal_outcomes(&self) -> SignalOutcomes {
        lock(&self.signals).summary()
    }

    fn routes(&self) -> Vec<RouteTraffic> {
        let now = now_unix().max(0) as u64;
        let mut routes: Vec<RouteTraffic> = lock(&self.routes)
            .iter()
            .map(|(route, window)| RouteTraffic {
                route: route.clone(),
                traffic: window.summary(now),
            })
            .filter(|r| r.traffic.requests > 0)
            .collect();
        routes.sort_by(|a, b| {
            b.traffic
                .requests
                .cmp(&a.traffic.requests)
                .then_with(|| a.route.cmp(&b.route))
        });
        routes.truncate(TOP_ROUTES);
        routes
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The `method` label: the standard methods by name, anything else as `other`, so a
/// client inventing methods cannot add series (each one lives as long as the process).
pub fn method_label(method: &axum::http::Method) -> &'static str {
    const STANDARD: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    ];
    let name = method.as_str();
    STANDARD
        .into_iter()
        .find(|standard| *standard == name)
        .unwrap_or("other")
}

/// Records every request under its route template.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED.to_string(), |p| p.as_str().to_string());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    let code = response.extensions().get::<ErrorCode>().copied();
    state.stats.record(&route, status, micros, code);
    metrics::counter!(
        "http_requests_total",
        "method" => method,
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route)
        .record(elapsed.as_secs_f64());
    response
}

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
    let (_, users) = super::accounts::users::search(&state.db, "", 1, 0).await?;
    Ok(SystemSummary {
        overall: lock(&state.stats.overall).summary(now),
        routes: state.stats.routes(),
        errors: lock(&state.stats.errors).summary(),
        signals: state.stats.signal_outcomes(),
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

#[cfg(test)]
mod tests {
    use super::method_label;
    use axum::http::Method;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let invented = Method::from_bytes(b"XYZZY").unwrap();
        assert_eq!(method_label(&invented), "other");
        let lower = Method::from_bytes(b"get").unwrap();
        assert_eq!(method_label(&lower), "other");
    }
}
