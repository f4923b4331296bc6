//! Records every request under its route template, for `/admin` and Prometheus.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::error_catalog::ErrorCode;
use std::sync::Arc;

use crate::server::telemetry::{method_label, RequestStats, UNMATCHED};

/// Records every request under its route template.
pub async fn record(
    State(traffic): State<Arc<RequestStats>>,
    request: Request,
    next: Next,
) -> Response {
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
    traffic.record(&route, status, micros, code);
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
