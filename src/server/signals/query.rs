//! A signal listing's query (`symbol`, `signal`, `model`, `from`, `to`, `cursor`)
//! checked into a store filter: shared by `/api/v1/signals`, the track record and
//! the signals page, so they accept and refuse the same things.

use serde_json::json;

use super::service::decode_cursor;
use super::store::Filter;
use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::market::{parse_range, parse_symbol};
use crate::signals::{Action, Model};
use crate::wire::signals::SignalQuery;

/// Comma-separated symbols, each validated (empty: no filter).
pub fn symbols(list: Option<&str>) -> Result<Vec<Symbol>, ApiError> {
    crate::domain::comma_list::entries(list.unwrap_or_default())
        .map(parse_symbol)
        .collect()
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub fn filter(query: &SignalQuery) -> Result<Filter, ApiError> {
    let (from, to) = parse_range(present(&query.from), present(&query.to))?;
    let signal = present(&query.signal)
        .map(|s| {
            Action::parse(s)
                .ok_or_else(|| ApiError::invalid_field("signal", "must be BUY, SELL or HOLD"))
        })
        .transpose()?;
    let model = present(&query.model)
        .map(|m| {
            Model::parse(m).ok_or_else(|| {
                ApiError::new(ErrorCode::UnknownModel).with_details(json!({ "model": m }))
            })
        })
        .transpose()?;
    let after = present(&query.cursor).map(decode_cursor).transpose()?;
    Ok(Filter {
        symbols: symbols(present(&query.symbol))?,
        signal,
        model,
        from,
        to,
        after,
    })
}
