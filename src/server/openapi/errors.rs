//! The error answers every route may give, for the document; the envelope itself is
//! declared once, in `wire::error`.

use utoipa::IntoResponses;

pub use crate::wire::error::{ErrorBody, ErrorEnvelope};

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
