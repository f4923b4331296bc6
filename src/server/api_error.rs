//! The JSON error envelope every API error uses:
//! `{"error":{"code","message","details","correlation_id","timestamp"}}`.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{clock, correlation};
use crate::error_catalog::ErrorCode;

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: Option<String>,
    pub details: Value,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            message: None,
            details: json!({}),
        }
    }

    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = details;
        self
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn body(&self) -> Value {
        json!({
            "error": {
                "code": self.code.as_str(),
                "message": self.message.as_deref().unwrap_or(self.code.message()),
                "details": self.details,
                "correlation_id": correlation::current(),
                "timestamp": clock::now_rfc3339(),
            }
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}

/// Any `/api/...` path that no route serves.
pub async fn api_not_found(request: Request) -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_details(json!({
        "method": request.method().as_str(),
        "path": request.uri().path(),
    }))
}

/// A known path asked with a method it does not serve.
pub async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed).with_details(json!({
        "method": request.method().as_str(),
        "path": request.uri().path(),
    }))
}
