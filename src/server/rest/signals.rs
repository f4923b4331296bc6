//! `/api/v1/run`, `/api/v1/signals`, `/api/v1/signals/{id}` and `/api/v1/export.csv`.

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::server::api_error::{ApiError, ApiJson, ApiQuery};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::now_rfc3339;
use crate::server::correlation;
use crate::server::market::parse_range;
use crate::server::signals::query::{filter, symbols};
use crate::server::signals::store::Filter;
use crate::server::signals::{export, service};
use crate::wire::signals::{RunRequest, SignalQuery, SignalView};

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

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SignalQuery>,
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
    let filter = filter(&SignalQuery {
        symbol: query.symbol,
        model: query.model,
        ..SignalQuery::default()
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
