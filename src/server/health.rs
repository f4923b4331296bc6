//! Liveness (`/healthz`) and readiness (`/health`) with per-dependency checks.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::app_state::AppState;
use super::clock;
use crate::components::footer::VERSION;
use crate::health::{
    CheckStatus, DatabaseCheck, HealthChecks, HealthReport, RedisCheck, ServiceStatus,
};

const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// The full report, shared by `GET /health` and the home page.
pub async fn report(state: &AppState) -> HealthReport {
    let (database, redis) = tokio::join!(check_database(state), check_redis(state.redis.as_ref()));
    let checks = HealthChecks {
        database,
        redis,
        market_data: state.market.health_check(),
    };
    HealthReport {
        status: checks.overall(),
        version: VERSION.to_string(),
        uptime_s: state.started_at.elapsed().as_secs(),
        environment: state.config.environment.as_str().to_string(),
        checks,
    }
}

async fn check_database(state: &AppState) -> DatabaseCheck {
    let started = Instant::now();
    let status = match state.db.ping().await {
        Ok(_) => CheckStatus::Ok,
        Err(e) => {
            tracing::warn!(error = %e, "database health check failed");
            CheckStatus::Down
        }
    };
    DatabaseCheck {
        status,
        latency_ms: clock::millis(started.elapsed()),
    }
}

async fn check_redis(client: Option<&redis::Client>) -> RedisCheck {
    let Some(client) = client else {
        return RedisCheck {
            status: CheckStatus::NotConfigured,
        };
    };
    let status = match super::redis_link::ping(client, REDIS_TIMEOUT).await {
        Ok(()) => CheckStatus::Ok,
        Err(error) => {
            tracing::warn!(%error, "redis health check failed");
            CheckStatus::Down
        }
    };
    RedisCheck { status }
}

/// Liveness: the process answers. No dependency is touched.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "timestamp": clock::now_rfc3339() }))
}

/// Readiness: 503 when the database is unreachable, 200 otherwise (also when degraded).
pub async fn health(State(state): State<AppState>) -> Response {
    let report = report(&state).await;
    let status = match report.status {
        ServiceStatus::Down => StatusCode::SERVICE_UNAVAILABLE,
        ServiceStatus::Ok | ServiceStatus::Degraded => StatusCode::OK,
    };
    (status, Json(report)).into_response()
}
