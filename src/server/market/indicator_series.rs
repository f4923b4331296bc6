//! `GET /api/v1/indicators/{symbol}`'s work: the requested indicators on a series'
//! whole history (so warm-ups are right), then cut to the requested days.

use serde_json::{json, Map, Value};

use super::service::Series;
use crate::error_catalog::ErrorCode;
use crate::indicators::{Indicator, Output};
use crate::market::{span, Columns};
use crate::server::api_error::ApiError;
use crate::server::market::dates::format_day;
use crate::wire::market::IndicatorSeries;

/// Indicators one request may ask for.
const MAX_INDICATORS: usize = 20;

/// `names` is the comma-separated request (`sma:20,rsi:14`); `from`/`to` are days.
pub fn compute(
    series: &Series,
    names: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<IndicatorSeries, ApiError> {
    let requested = parse_names(names)?;
    let columns = Columns::of(&series.bars);
    let bars = columns.ohlcv();
    let cut = span(&series.bars, from, to);
    let mut out = Map::new();
    for (name, indicator) in requested {
        let value = match indicator.compute(&bars) {
            Output::Line(line) => numbers(&line[cut.clone()]),
            Output::Parts(parts) => Value::Object(
                parts
                    .into_iter()
                    .map(|(part, line)| (part.to_string(), numbers(&line[cut.clone()])))
                    .collect(),
            ),
        };
        out.insert(name, value);
    }
    let ts: Vec<String> = series.bars[cut].iter().map(|b| format_day(b.ts)).collect();
    Ok(IndicatorSeries {
        symbol: series.symbol.to_string(),
        is_demo: series.is_demo,
        is_stale: series.is_stale,
        ts,
        series: out,
    })
}

fn parse_names(names: &str) -> Result<Vec<(String, Indicator)>, ApiError> {
    let invalid = |reason: String| {
        ApiError::new(ErrorCode::InvalidIndicator).with_details(json!({ "reason": reason }))
    };
    let names: Vec<&str> = crate::domain::comma_list::entries(names).collect();
    if names.is_empty() {
        return Err(invalid(
            "names is empty: ask for e.g. names=sma:20,rsi:14".into(),
        ));
    }
    if names.len() > MAX_INDICATORS {
        return Err(invalid(format!(
            "at most {MAX_INDICATORS} indicators per request"
        )));
    }
    let mut parsed: Vec<(String, Indicator)> = Vec::with_capacity(names.len());
    for name in names {
        let indicator = Indicator::parse(name).map_err(|e| invalid(e.0))?;
        if !parsed.iter().any(|(n, _)| n == name) {
            parsed.push((name.to_string(), indicator));
        }
    }
    Ok(parsed)
}

/// NaN (warm-up) is `null`.
fn numbers(values: &[f64]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|v| serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number))
            .collect(),
    )
}
