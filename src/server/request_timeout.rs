//! Bounds every request: one that has not produced its response within
//! `REQUEST_TIMEOUT_MS` (30 s) is dropped, which rolls back any open transaction,
//! and answers 504 `REQUEST_TIMEOUT`. Streaming bodies (pages, WebSockets) are not
//! cut: the bound is on the time to the response's head.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::api_error::ApiError;
use std::time::Duration;

use crate::error_catalog::ErrorCode;

/// `limit` is `REQUEST_TIMEOUT_MS`.
pub async fn enforce(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = limit.as_millis() as u64, "request timed out");
            ApiError::new(ErrorCode::RequestTimeout)
                .with_details(json!({ "timeout_ms": limit.as_millis() as u64 }))
                .into_response()
        }
    }
}
