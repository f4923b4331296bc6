//! The JSON error envelope every API error uses:
//! `{"error":{"code","message","details","correlation_id","timestamp"}}`,
//! and `ApiJson`, the body extractor whose rejections use it too.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::db::DbError;
use super::{clock, correlation};
use crate::domain::error::DomainError;
use crate::error_catalog::ErrorCode;
use crate::signals::Model;
use crate::wire::error::{ErrorBody, ErrorEnvelope};

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: Option<String>,
    pub details: Value,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            message: None,
            details: json!({}),
            headers: Vec::new(),
        }
    }

    pub fn with_message(mut self, message: impl Into<String>) -> ApiError {
        self.message = Some(message.into());
        self
    }

    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = details;
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> ApiError {
        self.headers.push((name, value));
        self
    }

    /// An invalid field, as `VALIDATION_ERROR` with `details.fields.<field>`.
    pub fn invalid_field(field: &str, reason: &str) -> ApiError {
        ApiError::new(ErrorCode::ValidationError)
            .with_details(json!({ "fields": { field: reason } }))
    }

    /// An unexpected failure: logged with its cause; the client sees only the
    /// generic message and the correlation id.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "{context}");
        ApiError::new(ErrorCode::InternalError)
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The envelope, through the type the OpenAPI document describes.
    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                code: self.code.as_str().to_string(),
                message: self
                    .message
                    .clone()
                    .unwrap_or_else(|| self.code.message().to_string()),
                details: self.details.clone(),
                correlation_id: correlation::current(),
                timestamp: clock::now_rfc3339(),
            },
        }
    }

    pub fn body(&self) -> Value {
        serde_json::to_value(self.envelope()).unwrap_or_else(|_| json!({}))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        metrics::counter!("api_errors_total", "code" => self.code.as_str()).increment(1);
        let mut response = (self.status(), Json(self.envelope())).into_response();
        // Read by the stats middleware: error rates by route and code.
        response.extensions_mut().insert(self.code);
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// An API error for a terminal (the command line): its code, message and details.
pub fn describe(error: &ApiError) -> String {
    let body = error.body();
    format!(
        "{}: {} {}",
        error.code.as_str(),
        body["error"]["message"].as_str().unwrap_or_default(),
        body["error"]["details"]
    )
}

/// The one place a domain rule's refusal becomes an HTTP answer.
impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> ApiError {
        match error {
            DomainError::InvalidSymbol { input, reason } => ApiError::new(ErrorCode::InvalidSymbol)
                .with_details(json!({ "symbol": input, "reason": reason })),
            DomainError::UnknownModel { input } => {
                let models: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
                ApiError::new(ErrorCode::UnknownModel)
                    .with_details(json!({ "model": input, "models": models }))
            }
            DomainError::InvalidDay { field, value } => ApiError::new(ErrorCode::InvalidDateRange)
                .with_details(json!({
                    "field": field,
                    "value": value,
                    "reason": "expected YYYY-MM-DD or an RFC 3339 date-time",
                })),
            DomainError::RangeReversed => ApiError::new(ErrorCode::InvalidDateRange)
                .with_details(json!({ "reason": "from is after to" })),
            DomainError::WeakPassword(failed) => {
                let rules: Vec<_> = failed
                    .iter()
                    .map(|rule| json!({ "rule": rule, "message": rule.description() }))
                    .collect();
                ApiError::new(ErrorCode::WeakPassword)
                    .with_details(json!({ "failed_rules": rules }))
            }
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> ApiError {
        if error.is_unavailable() {
            tracing::warn!(error = %error, "database unavailable");
            ApiError::new(ErrorCode::DatabaseError)
        } else {
            ApiError::internal("database query failed", error)
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        ApiError::from(DbError::from(error))
    }
}

/// Malformed JSON, wrong types and missing fields answer in the envelope, not axum's text.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let reason = rejection.body_text();
        let code = match rejection {
            JsonRejection::JsonDataError(_) => ErrorCode::ValidationError,
            JsonRejection::JsonSyntaxError(_) => ErrorCode::InvalidJson,
            JsonRejection::MissingJsonContentType(_) => ErrorCode::UnsupportedMediaType,
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            _ => ErrorCode::BadRequest,
        };
        ApiError::new(code).with_details(json!({ "reason": reason }))
    }
}

/// `Json<T>` for request bodies, with rejections in the error envelope.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A query string that does not parse (e.g. `limit=abc`) is a `VALIDATION_ERROR`.
impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::new(ErrorCode::ValidationError)
            .with_details(json!({ "reason": rejection.body_text() }))
    }
}

/// `Query<T>` for query strings, with rejections in the error envelope.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

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

/// A handler panicked: answer 500 in the envelope; the server keeps serving.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let cause = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    ApiError::internal("handler panicked", cause).into_response()
}
