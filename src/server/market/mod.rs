//! Market data on the server: providers, the stored bars, and the series a user sees.

pub mod alpha_vantage;
pub mod dates;
pub mod import;
pub mod provider;
pub mod service;
pub mod store;

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
