//! Market data on the server: providers, the stored bars, and the series a user sees.

pub mod alpha_vantage;
pub mod cache;
pub mod dates;
pub mod import;
pub mod indicator_series;
pub mod provider;
pub mod provider_health;
pub mod service;
pub mod store;
pub mod view;

use serde_json::json;

use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;

/// A symbol from a request, or 400 `INVALID_SYMBOL` saying why not.
pub fn parse_symbol(raw: &str) -> Result<Symbol, ApiError> {
    Symbol::parse(raw).map_err(|reason| {
        ApiError::new(ErrorCode::InvalidSymbol)
            .with_details(json!({ "symbol": raw, "reason": reason }))
    })
}

/// `from`/`to` as day starts; a bad date or `from` after `to` is `INVALID_DATE_RANGE`.
pub fn parse_range(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let day = |field: &str, text: Option<&str>| {
        text.filter(|t| !t.trim().is_empty())
            .map(|t| {
                dates::parse_day(t).ok_or_else(|| {
                    ApiError::new(ErrorCode::InvalidDateRange).with_details(
                        json!({ "field": field, "value": t, "reason": "expected YYYY-MM-DD or an RFC 3339 date-time" }),
                    )
                })
            })
            .transpose()
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(ApiError::new(ErrorCode::InvalidDateRange)
                .with_details(json!({ "reason": "from is after to" })));
        }
    }
    Ok((from, to))
}
