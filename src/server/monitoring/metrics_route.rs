//! Prometheus text at `/metrics`, served when `ENABLE_METRICS=true`; with
//! `METRICS_TOKEN` set (required in production) only to `Authorization: Bearer <token>`.

use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::db::Database;
use crate::server::telemetry::{counters, prometheus};

/// `GET /metrics`.
pub async fn endpoint(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.config.enable_metrics {
        return ApiError::new(ErrorCode::NotFound).into_response();
    }
    if let Some(token) = &state.config.metrics_token {
        let presented = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let expected = token.expose_secret().as_bytes();
        if !bool::from(presented.as_bytes().ct_eq(expected)) {
            return ApiError::new(ErrorCode::AuthenticationRequired).into_response();
        }
    }
    counters::db_pool(&state.db);
    sonar_gauges(&state.db).await;
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        prometheus::handle().render(),
    )
        .into_response()
}

/// `sonar_nodes`, `sonar_edges` and `sonar_index_duration_seconds` of the latest index
/// run in the database (whichever instance or command made it); zero before the first.
async fn sonar_gauges(db: &Database) {
    match crate::server::sonar::service::latest_run(db).await {
        Ok(run) => {
            let (_, _, duration_ms, nodes, edges) = run.unwrap_or_default();
            metrics::gauge!("sonar_nodes").set(nodes as f64);
            metrics::gauge!("sonar_edges").set(edges as f64);
            metrics::gauge!("sonar_index_duration_seconds").set(duration_ms as f64 / 1000.0);
        }
        Err(error) => tracing::debug!(%error, "SONAR gauges not updated"),
    }
}
