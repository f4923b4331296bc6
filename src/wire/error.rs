//! The error envelope every failure is sent in, declared once: the REST API
//! serialises `ApiError` through it, server functions carry `AppError` in it, and the
//! OpenAPI document describes it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every error response: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable code from the error catalog (docs/ERRORS.md), e.g. `VALIDATION_ERROR`.
    #[cfg_attr(feature = "ssr", schema(example = "VALIDATION_ERROR"))]
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// What exactly was wrong (per field, limits, …); `{}` when nothing more is known.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub details: Value,
    /// The request's id, also in the `X-Correlation-ID` header: quote it to support.
    pub correlation_id: Option<String>,
    /// When the error happened (RFC 3339, UTC).
    #[cfg_attr(feature = "ssr", schema(example = "2026-11-26T08:00:00.000Z"))]
    pub timestamp: String,
}
