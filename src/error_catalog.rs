//! The error catalog: every error a client can see has a stable string code, an
//! HTTP status and a generic message. Pure data; the server renders it as the
//! `{"error":{...}}` envelope (src/server/api_error.rs).

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BadRequest,
    NotFound,
    MethodNotAllowed,
    InternalError,
    DatabaseError,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::BadRequest,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::InternalError,
        ErrorCode::DatabaseError,
    ];

    /// The stable code clients match on. Never change one once released.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::InternalError => "INTERNAL_ERROR",
            ErrorCode::DatabaseError => "DATABASE_ERROR",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::InternalError => 500,
            ErrorCode::DatabaseError => 503,
        }
    }

    /// Generic message, safe to show to anyone.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "The request could not be understood.",
            ErrorCode::NotFound => "The requested resource does not exist.",
            ErrorCode::MethodNotAllowed => "This method is not allowed on this resource.",
            ErrorCode::InternalError => "An unexpected error occurred.",
            ErrorCode::DatabaseError => "The database is temporarily unavailable.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_upper_snake_case() {
        let codes: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        for code in codes {
            assert!(
                code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{code}"
            );
        }
    }

    #[test]
    fn statuses_are_errors() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.http_status()), "{code:?}");
            assert!(!code.message().is_empty());
        }
    }
}
