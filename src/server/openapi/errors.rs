//! The error envelope as a type: `ApiError` serialises through it, so the document
//! describes exactly what clients receive.

use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoResponses, ToSchema};

/// Every error response: `{"error": {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code from the error catalog (docs/ERRORS.md), e.g. `VALIDATION_ERROR`.
    #[schema(example = "VALIDATION_ERROR")]
    pub code: &'static str,
    /// A human-readable explanation.
    pub message: String,
    /// What exactly was wrong (per field, limits, …); `{}` when nothing more is known.
    #[schema(value_type = Object)]
    pub details: Value,
    /// The request's id, also in the `X-Correlation-ID` header: quote it to support.
    pub correlation_id: Option<String>,
    /// When the error happened (RFC 3339, UTC).
    #[schema(example = "2026-11-26T08:00:00.000Z")]
    pub timestamp: String,
}

/// What any route may answer besides its own outcomes.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum CommonErrors {
    /// Malformed input (bad JSON, parameter or symbol).
    #[response(status = 400)]
    BadRequest(ErrorEnvelope),
    /// Fields that fail validation.
    #[response(status = 422)]
    Unprocessable(ErrorEnvelope),
    /// Over the tier's rate limit or daily quota (`Retry-After` says when to retry).
    #[response(status = 429)]
    TooManyRequests(ErrorEnvelope),
    /// An unexpected failure (logged with the correlation id).
    #[response(status = 500)]
    Internal(ErrorEnvelope),
    /// The database is unreachable for now.
    #[response(status = 503)]
    Unavailable(ErrorEnvelope),
    /// The request took longer than the server's limit (30 s).
    #[response(status = 504)]
    Timeout(ErrorEnvelope),
}

/// What routes that need a caller may answer besides [`CommonErrors`].
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum SignedInErrors {
    /// No, an expired or an invalid token or API key.
    #[response(status = 401)]
    Unauthenticated(ErrorEnvelope),
    /// The account is disabled, or the route is for administrators.
    #[response(status = 403)]
    Forbidden(ErrorEnvelope),
    /// The resource does not exist or belongs to someone else.
    #[response(status = 404)]
    NotFound(ErrorEnvelope),
}
