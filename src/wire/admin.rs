//! The administrators' system summary (`/admin`, `GET /api/v1/admin/metrics`).

use serde::{Deserialize, Serialize};

/// Requests over the last few minutes: rate, error shares and latency percentiles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Traffic {
    pub requests: u64,
    pub requests_per_second: f64,
    /// Share of requests answered 5xx.
    pub error_rate: f64,
    /// Share answered 4xx.
    pub client_error_rate: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// Seconds the numbers cover (up to five minutes).
    pub window_secs: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RouteTraffic {
    /// The route's template (`/api/v1/prices/{symbol}`), never a raw path.
    pub route: String,
    #[serde(flatten)]
    pub traffic: Traffic,
}

/// Hits and misses of one cache tier since the server started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CacheTier {
    /// `market_data` (stored price series) or `signals` (model verdicts).
    pub cache: String,
    /// `memory` (this instance) or `redis` (shared by every instance).
    pub tier: String,
    pub hits: u64,
    pub misses: u64,
    /// `hits / (hits + misses)`, 0 before any lookup.
    pub hit_rate: f64,
}

impl CacheTier {
    pub fn new(cache: &str, tier: &str, hits: u64, misses: u64) -> CacheTier {
        CacheTier {
            cache: cache.to_string(),
            tier: tier.to_string(),
            hits,
            misses,
            hit_rate: ratio(hits, hits + misses),
        }
    }
}

/// `part / whole`, 0 when nothing was counted.
pub fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Responses of one route with one error code since the server started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RouteErrors {
    pub route: String,
    pub code: String,
    pub count: u64,
    /// Share of the route's requests that answered this code.
    pub rate: f64,
}

/// Signal runs since the server started: a run stores one signal per symbol or none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignalOutcomes {
    pub runs: u64,
    pub failed_runs: u64,
    /// Share of runs that stored their signals.
    pub success_rate: f64,
    pub failure_rate: f64,
    /// Signals stored, by model and action.
    pub generated: Vec<Count>,
    /// Refused runs by reason (the error code).
    pub failures: Vec<Count>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Count {
    pub name: String,
    pub count: u64,
}

/// The database pool: connections by state and whether the database answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PoolHealth {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// `ok` or `down`.
    pub status: String,
    pub ping_ms: f64,
    pub open: u32,
    pub idle: u32,
    pub in_use: u32,
    pub max: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SystemSummary {
    pub overall: Traffic,
    /// Busiest first.
    pub routes: Vec<RouteTraffic>,
    /// Error answers by route and code, most frequent first.
    pub errors: Vec<RouteErrors>,
    pub signals: SignalOutcomes,
    pub caches: Vec<CacheTier>,
    pub pool: PoolHealth,
    pub websocket_connections: usize,
    pub uptime_secs: u64,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub users: i64,
}

/// The admin page: the system summary and one page of users matching a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub summary: SystemSummary,
    pub users: Vec<crate::wire::accounts::UserProfile>,
    /// Users matching the search, beyond this page too.
    pub matching: i64,
}
