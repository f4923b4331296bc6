//! `/api/v1/run`, `/api/v1/signals`, `/api/v1/signals/{id}` and `/api/v1/export.csv`.

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error_catalog::ErrorCode;
use crate::server::api_error::{ApiError, ApiJson, ApiQuery};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::now_rfc3339;
use crate::server::correlation;
use crate::server::market::{parse_range, parse_symbol};
use crate::server::signals::store::Filter;
use crate::server::signals::{export, service};
use crate::signals::{Action, Model};
use crate::wire::signals::{RunRequest, SignalView};

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 500;
/// Rows one export may hold.
const MAX_EXPORT: i64 = 100_000;

pub async fn run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<RunRequest>,
) -> Result<Json<Value>, ApiError> {
    let correlation_id = correlation::current();
    let signals = service::run(&state, &user, &request, correlation_id.as_deref()).await?;
    Ok(Json(json!({
        "status": "success",
        "correlation_id": correlation_id,
        "symbols_processed": request.symbols.len(),
        "signals_generated": signals.len(),
        "signals": signals,
        "timestamp": now_rfc3339(),
    })))
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    symbol: Option<String>,
    signal: Option<String>,
    model: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Comma-separated symbols, each validated (empty: no filter).
fn symbols(list: Option<&str>) -> Result<Vec<String>, ApiError> {
    list.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_symbol(s).map(|s| s.to_string()))
        .collect()
}

fn filter(query: &ListQuery) -> Result<Filter, ApiError> {
    let (from, to) = parse_range(query.from.as_deref(), query.to.as_deref())?;
    let signal = query
        .signal
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            Action::parse(s)
                .map(|a| a.as_str().to_string())
                .ok_or_else(|| ApiError::invalid_field("signal", "must be BUY, SELL or HOLD"))
        })
        .transpose()?;
    let model = query
        .model
        .as_deref()
        .filter(|m| !m.is_empty())
        .map(|m| {
            Model::parse(m)
                .map(|m| m.as_str().to_string())
                .ok_or_else(|| {
                    ApiError::new(ErrorCode::UnknownModel).with_details(json!({ "model": m }))
                })
        })
        .transpose()?;
    let after = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(service::decode_cursor)
        .transpose()?;
    Ok(Filter {
        symbols: symbols(query.symbol.as_deref())?,
        signal,
        model,
        from,
        to,
        after,
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be 1 to 500"));
    }
    let (signals, next_cursor) = service::list(&state, &user, &filter(&query)?, limit).await?;
    Ok(Json(json!({
        "signals": signals,
        "count": signals.len(),
        "next_cursor": next_cursor,
        "timestamp": now_rfc3339(),
    })))
}

#[derive(Debug, Deserialize)]
pub struct TrackRecordQuery {
    symbol: Option<String>,
    model: Option<String>,
}

/// `GET /api/v1/signals/track-record?symbol=&model=`.
pub async fn track_record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrackRecordQuery>,
) -> Result<Json<Value>, ApiError> {
    let filter = filter(&ListQuery {
        symbol: query.symbol,
        signal: None,
        model: query.model,
        from: None,
        to: None,
        limit: None,
        cursor: None,
    })?;
    let groups = service::track_record(&state, &user, &filter).await?;
    Ok(Json(json!({
        "horizons": crate::signals::track_record::HORIZONS,
        "hold_band": crate::signals::track_record::HOLD_BAND,
        "groups": groups,
        "timestamp": now_rfc3339(),
    })))
}

pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SignalView>, ApiError> {
    Ok(Json(service::get(&state, &user, &id).await?))
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    symbols: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/export.csv?symbols=&from=&to=`: a `signals_YYYYMMDD_HHMM.csv` download.
pub async fn export_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = parse_range(query.from.as_deref(), query.to.as_deref())?;
    let filter = Filter {
        symbols: symbols(query.symbols.as_deref())?,
        from,
        to,
        ..Filter::default()
    };
    let (signals, _) = service::list(&state, &user, &filter, MAX_EXPORT).await?;
    let body = export::to_csv(&signals).map_err(|e| ApiError::internal("writing the CSV", e))?;
    let name = chrono::Utc::now().format("signals_%Y%m%d_%H%M.csv");
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
