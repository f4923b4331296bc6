//! The error catalog: every error a client can see has a stable string code, an
//! HTTP status and a generic message, grouped by category. Pure data; the server
//! renders it as the `{"error":{...}}` envelope (src/server/api_error.rs), and
//! docs/ERRORS.md lists the same table (tests/error_catalog_doc.rs keeps them equal).

/// Where an error comes from, for grouping in documentation and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    General,
    Validation,
    Authentication,
    Authorization,
    RateLimit,
    Resource,
    Business,
    External,
    Database,
    User,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::General => "general",
            Category::Validation => "validation",
            Category::Authentication => "authentication",
            Category::Authorization => "authorization",
            Category::RateLimit => "rate_limit",
            Category::Resource => "resource",
            Category::Business => "business",
            Category::External => "external",
            Category::Database => "database",
            Category::User => "user",
        }
    }
}

/// Declares the catalog once: variant, code, status and message side by side.
macro_rules! catalog {
    ($( $category:ident { $( $variant:ident = $code:literal, $status:literal, $message:literal; )* } )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($( $variant, )*)* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$($( ErrorCode::$variant, )*)*];

            /// The stable code clients match on. Never change one once released.
            pub fn as_str(self) -> &'static str {
                match self { $($( ErrorCode::$variant => $code, )*)* }
            }

            pub fn http_status(self) -> u16 {
                match self { $($( ErrorCode::$variant => $status, )*)* }
            }

            /// Generic message, safe to show to anyone.
            pub fn message(self) -> &'static str {
                match self { $($( ErrorCode::$variant => $message, )*)* }
            }

            pub fn category(self) -> Category {
                match self { $($( ErrorCode::$variant => Category::$category, )*)* }
            }
        }
    };
}

catalog! {
    General {
        InternalError = "INTERNAL_ERROR", 500, "An unexpected error occurred.";
        BadRequest = "BAD_REQUEST", 400, "The request could not be understood.";
        MethodNotAllowed = "METHOD_NOT_ALLOWED", 405, "This method is not allowed on this resource.";
        PayloadTooLarge = "PAYLOAD_TOO_LARGE", 413, "The request body is too large.";
        UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE", 415, "The request body has an unsupported content type.";
        RequestTimeout = "REQUEST_TIMEOUT", 504, "The request took too long to process.";
        ServiceUnavailable = "SERVICE_UNAVAILABLE", 503, "The service is temporarily unavailable.";
        InvalidHost = "INVALID_HOST", 400, "The Host header is not one this server answers to.";
    }
    Validation {
        ValidationError = "VALIDATION_ERROR", 422, "The request has invalid fields.";
        InvalidJson = "INVALID_JSON", 400, "The request body is not valid JSON.";
        InvalidSymbol = "INVALID_SYMBOL", 400, "The symbol is not valid.";
        InvalidDateRange = "INVALID_DATE_RANGE", 400, "The date range is not valid.";
        EmptySymbolList = "EMPTY_SYMBOL_LIST", 400, "At least one symbol is required.";
        DuplicateSymbols = "DUPLICATE_SYMBOLS", 400, "A symbol is listed more than once.";
        InvalidCursor = "INVALID_CURSOR", 400, "The page cursor is not valid.";
        InvalidPagination = "INVALID_PAGINATION", 400, "The pagination parameters are not valid.";
        InvalidParameter = "INVALID_PARAMETER", 400, "A query or path parameter is not valid.";
        InvalidEmail = "INVALID_EMAIL", 422, "The email address is not valid.";
        InvalidCsv = "INVALID_CSV", 422, "The CSV file has invalid rows.";
        InvalidTier = "INVALID_TIER", 422, "The tier is not one of free, starter, pro, enterprise.";
        InvalidStrategy = "INVALID_STRATEGY", 422, "The strategy or its parameters are not valid.";
        ImportTooLarge = "IMPORT_TOO_LARGE", 422, "The import exceeds your tier's bars per series or per import.";
        ComputeBudgetExceeded = "COMPUTE_BUDGET_EXCEEDED", 422, "The request needs more computation than your tier allows per request.";
        TooManyCombinations = "TOO_MANY_COMBINATIONS", 422, "The optimisation sweeps more parameter combinations than your tier allows per request.";
        UniverseTooLarge = "UNIVERSE_TOO_LARGE", 422, "The screen covers more symbols than your tier allows per screen.";
    }
    Authentication {
        AuthenticationRequired = "AUTHENTICATION_REQUIRED", 401, "Authentication is required.";
        InvalidCredentials = "INVALID_CREDENTIALS", 401, "The email or password is incorrect.";
        TokenExpired = "TOKEN_EXPIRED", 401, "The access token has expired.";
        TokenInvalid = "TOKEN_INVALID", 401, "The access token is not valid.";
        TokenRevoked = "TOKEN_REVOKED", 401, "The access token was issued before the password changed or the account was deactivated; log in again.";
        RefreshTokenInvalid = "REFRESH_TOKEN_INVALID", 401, "The refresh token is not valid.";
        RefreshTokenExpired = "REFRESH_TOKEN_EXPIRED", 401, "The refresh token has expired.";
        RefreshTokenReused = "REFRESH_TOKEN_REUSED", 401, "The refresh token was already used; its session has been revoked.";
        ApiKeyInvalid = "API_KEY_INVALID", 401, "The API key is not valid.";
        SessionExpired = "SESSION_EXPIRED", 401, "The session has expired.";
        AccountLocked = "ACCOUNT_LOCKED", 423, "The account is temporarily locked after repeated failed logins.";
    }
    Authorization {
        Forbidden = "FORBIDDEN", 403, "You are not allowed to do this.";
        AccountDisabled = "ACCOUNT_DISABLED", 403, "The account is disabled.";
        AdminRequired = "ADMIN_REQUIRED", 403, "Administrator rights are required.";
        CsrfRejected = "CSRF_REJECTED", 403, "The request did not come from this site.";
    }
    RateLimit {
        RateLimitExceeded = "RATE_LIMIT_EXCEEDED", 429, "Too many requests; retry later.";
        QuotaExceeded = "QUOTA_EXCEEDED", 429, "The daily quota of your tier is used up.";
    }
    Resource {
        NotFound = "NOT_FOUND", 404, "The requested resource does not exist.";
        Conflict = "CONFLICT", 409, "The resource was changed by another request.";
        UserNotFound = "USER_NOT_FOUND", 404, "The user does not exist.";
        ApiKeyNotFound = "API_KEY_NOT_FOUND", 404, "The API key does not exist.";
        WatchlistNotFound = "WATCHLIST_NOT_FOUND", 404, "The watchlist does not exist.";
        SignalNotFound = "SIGNAL_NOT_FOUND", 404, "The signal does not exist.";
        SymbolNotFound = "SYMBOL_NOT_FOUND", 404, "No price data exists for this symbol.";
        WatchlistNameTaken = "WATCHLIST_NAME_TAKEN", 409, "A watchlist with this name already exists.";
        SymbolAlreadyInWatchlist = "SYMBOL_ALREADY_IN_WATCHLIST", 409, "The symbol is already in this watchlist.";
        SymbolNotInWatchlist = "SYMBOL_NOT_IN_WATCHLIST", 404, "The symbol is not in this watchlist.";
        ScreenNotFound = "SCREEN_NOT_FOUND", 404, "The saved screen does not exist.";
        ScreenNameTaken = "SCREEN_NAME_TAKEN", 409, "A saved screen with this name already exists.";
        SonarFileNotFound = "SONAR_FILE_NOT_FOUND", 404, "The file is not in the SONAR index.";
        SonarRunNotFound = "SONAR_RUN_NOT_FOUND", 404, "No such SONAR index run on this server.";
        SonarIndexRunning = "SONAR_INDEX_RUNNING", 409, "A SONAR index run is already in progress.";
    }
    Business {
        TierUpgradeRequired = "TIER_UPGRADE_REQUIRED", 402, "Your tier does not allow this; upgrade to continue.";
        TooManySymbols = "TOO_MANY_SYMBOLS", 400, "Your tier allows fewer symbols per request.";
        WatchlistSymbolLimit = "WATCHLIST_SYMBOL_LIMIT", 402, "Your tier allows no more watchlist symbols.";
        WatchlistLimit = "WATCHLIST_LIMIT", 402, "Your tier allows no more watchlists.";
        LiveSymbolLimit = "LIVE_SYMBOL_LIMIT", 402, "Your tier allows no more live symbols.";
        ApiKeyLimit = "API_KEY_LIMIT", 402, "Your tier allows no more API keys; revoke one first.";
        SavedScreenLimit = "SAVED_SCREEN_LIMIT", 402, "Your tier allows no more saved screens; delete one first.";
        LiveConnectionLimit = "LIVE_CONNECTION_LIMIT", 429, "Too many live-feed connections are open; close one first.";
        InsufficientData = "INSUFFICIENT_DATA", 422, "There is not enough price history for this calculation.";
        UnknownModel = "UNKNOWN_MODEL", 400, "The signal model does not exist.";
        InvalidIndicator = "INVALID_INDICATOR", 400, "The indicator name or its parameters are not valid.";
    }
    External {
        DataProviderError = "DATA_PROVIDER_ERROR", 502, "The market data provider failed and no cached data exists.";
        DataProviderTimeout = "DATA_PROVIDER_TIMEOUT", 504, "The market data provider did not answer in time.";
        DataProviderRateLimited = "DATA_PROVIDER_RATE_LIMITED", 503, "The market data provider is rate limiting us; retry later.";
        PaymentProviderError = "PAYMENT_PROVIDER_ERROR", 502, "The payment provider failed.";
    }
    Database {
        DatabaseError = "DATABASE_ERROR", 503, "The database is temporarily unavailable.";
        DatabaseTimeout = "DATABASE_TIMEOUT", 503, "The database did not answer in time.";
        TransactionFailed = "TRANSACTION_FAILED", 500, "The change could not be saved; nothing was changed.";
    }
    User {
        EmailAlreadyExists = "EMAIL_ALREADY_EXISTS", 409, "An account with this email already exists.";
        WeakPassword = "WEAK_PASSWORD", 422, "The password does not meet the password policy.";
        WrongCurrentPassword = "WRONG_CURRENT_PASSWORD", 422, "The current password is incorrect.";
        PasswordUnchanged = "PASSWORD_UNCHANGED", 422, "The new password must differ from the current one.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn has_at_least_fifty_unique_upper_snake_case_codes() {
        let codes: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len(), "duplicate code");
        assert!(codes.len() >= 50, "only {} codes", codes.len());
        for code in codes {
            assert!(
                code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{code}"
            );
        }
    }

    #[test]
    fn statuses_are_client_or_server_errors_with_messages() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.http_status()), "{code:?}");
            assert!(code.message().ends_with('.'), "{code:?}");
        }
    }

    #[test]
    fn codes_the_api_promises_have_their_statuses() {
        let expected = [
            ("VALIDATION_ERROR", 422),
            ("INVALID_SYMBOL", 400),
            ("INVALID_CREDENTIALS", 401),
            ("TOKEN_EXPIRED", 401),
            ("TOKEN_INVALID", 401),
            ("REFRESH_TOKEN_REUSED", 401),
            ("API_KEY_INVALID", 401),
            ("FORBIDDEN", 403),
            ("ACCOUNT_LOCKED", 423),
            ("ACCOUNT_DISABLED", 403),
            ("EMAIL_ALREADY_EXISTS", 409),
            ("WEAK_PASSWORD", 422),
            ("RATE_LIMIT_EXCEEDED", 429),
            ("QUOTA_EXCEEDED", 429),
            ("TIER_UPGRADE_REQUIRED", 402),
            ("NOT_FOUND", 404),
            ("PAYLOAD_TOO_LARGE", 413),
            ("DATA_PROVIDER_ERROR", 502),
            ("DATABASE_ERROR", 503),
            ("INTERNAL_ERROR", 500),
        ];
        for (code, status) in expected {
            let found = ErrorCode::ALL
                .iter()
                .find(|c| c.as_str() == code)
                .unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(found.http_status(), status, "{code}");
        }
    }

    #[test]
    fn every_category_is_used() {
        let used: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.category()).collect();
        assert_eq!(used.len(), 10);
    }
}
