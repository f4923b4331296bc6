//! The administrators' system summary (`/admin`, `GET /api/v1/admin/metrics`).

use serde::{Deserialize, Serialize};

/// Requests over the last few minutes: rate, error shares and latency percentiles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
pub struct RouteTraffic {
    /// The route's template (`/api/v1/prices/{symbol}`), never a raw path.
    pub route: String,
    #[serde(flatten)]
    pub traffic: Traffic,
}

/// Hits and misses of one cache tier since the server started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CacheTier {
    /// `memory`: stored price series kept in process.
    pub tier: String,
    pub hits: u64,
    pub misses: u64,
    /// `hits / (hits + misses)`, 0 before any lookup.
    pub hit_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SystemSummary {
    pub overall: Traffic,
    /// Busiest first.
    pub routes: Vec<RouteTraffic>,
    pub caches: Vec<CacheTier>,
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
