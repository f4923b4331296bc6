//! Market data on the server: providers, the stored bars, and the series a user sees.

pub mod alpha_vantage;
pub mod bulk_import;
pub mod cache;
pub mod dates;
pub mod import;
pub mod indicator_series;
pub mod provider;
pub mod provider_health;
pub mod service;
pub mod store;
pub mod view;

use crate::domain::error::DomainError;
use crate::domain::symbol::Symbol;
use crate::server::api_error::ApiError;

/// A symbol from a request, or 400 `INVALID_SYMBOL` saying why not.
pub fn parse_symbol(raw: &str) -> Result<Symbol, ApiError> {
    Symbol::parse(raw).map_err(|reason| {
        ApiError::from(DomainError::InvalidSymbol {
            input: raw.to_string(),
            reason,
        })
    })
}

/// `from`/`to` as day starts; a bad date or `from` after `to` is `INVALID_DATE_RANGE`.
pub fn parse_range(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let day = |field: &'static str, text: Option<&str>| {
        text.filter(|t| !t.trim().is_empty())
            .map(|t| {
                dates::parse_day(t).ok_or_else(|| DomainError::InvalidDay {
                    field,
                    value: t.to_string(),
                })
            })
            .transpose()
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(DomainError::RangeReversed.into());
        }
    }
    Ok((from, to))
}
