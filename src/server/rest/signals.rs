//! `/api/v1/run`, `/api/v1/signals`, `/api/v1/signals/{id}` and `/api/v1/export.csv`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;

use crate::server::api_error::{ApiError, ApiJson, ApiQuery};
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::now_rfc3339;
use crate::server::correlation;
use crate::server::market::parse_range;
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope, SignedInErrors};
use crate::server::rest::responses::{csv_download, RunResponse, SignalPage, TrackRecord};
use crate::server::signals::query::{filter, symbols};
use crate::server::signals::service::SignalDeps;
use crate::server::signals::store::Filter;
use crate::server::signals::{export, service};
use crate::wire::signals::{RunRequest, SignalQuery, SignalView};

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 500;
/// Rows one export may hold.
const MAX_EXPORT: i64 = 100_000;

/// Generates and stores one signal per symbol (all or none), with confidence and reasons.
#[utoipa::path(post, path = "/run", tag = "signals", security(("bearer" = []), ("api_key" = [])),
    request_body = RunRequest,
    responses((status = 200, description = "The stored signals", body = RunResponse),
        (status = 502, description = "DATA_PROVIDER_ERROR with nothing stored", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn run(
    State(deps): State<SignalDeps>,
    user: CurrentUser,
    ApiJson(request): ApiJson<RunRequest>,
) -> Result<Json<RunResponse>, ApiError> {
    let correlation_id = correlation::current();
    let signals = service::run(&deps, &user, &request, correlation_id.as_deref()).await?;
    Ok(Json(RunResponse {
        status: "success",
        correlation_id,
        symbols_processed: request.symbols.len(),
        signals_generated: signals.len(),
        signals,
        timestamp: now_rfc3339(),
    }))
}

/// The caller's signals, newest first, filtered and paged by cursor.
#[utoipa::path(get, path = "/signals", tag = "signals", security(("bearer" = []), ("api_key" = [])),
    params(SignalQuery),
    responses((status = 200, description = "A page of signals", body = SignalPage), SignedInErrors, CommonErrors))]
pub async fn list(
    State(deps): State<SignalDeps>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SignalQuery>,
) -> Result<Json<SignalPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be 1 to 500"));
    }
    let (signals, next_cursor) = service::list(&deps, &user, &filter(&query)?, limit).await?;
    Ok(Json(SignalPage {
        count: signals.len(),
        signals,
        next_cursor,
        timestamp: now_rfc3339(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrackRecordQuery {
    /// One symbol or several, comma-separated.
    symbol: Option<String>,
    /// classic, momentum or ensemble.
    model: Option<String>,
}

/// Hit rates of the caller's past signals, by model and action.
#[utoipa::path(get, path = "/signals/track-record", tag = "signals", security(("bearer" = []), ("api_key" = [])),
    params(TrackRecordQuery),
    responses((status = 200, description = "Hit rates by model and action", body = TrackRecord), SignedInErrors, CommonErrors))]
pub async fn track_record(
    State(deps): State<SignalDeps>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrackRecordQuery>,
) -> Result<Json<TrackRecord>, ApiError> {
    let filter = filter(&SignalQuery {
        symbol: query.symbol,
        model: query.model,
        ..SignalQuery::default()
    })?;
    let groups = service::track_record(&deps, &user, &filter).await?;
    Ok(Json(TrackRecord {
        horizons: crate::signals::track_record::HORIZONS.to_vec(),
        hold_band: crate::signals::track_record::HOLD_BAND,
        groups,
        timestamp: now_rfc3339(),
    }))
}

/// One of the caller's signals.
#[utoipa::path(get, path = "/signals/{id}", tag = "signals", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The signal's id")),
    responses((status = 200, description = "The signal", body = SignalView), SignedInErrors, CommonErrors))]
pub async fn get(
    State(deps): State<SignalDeps>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SignalView>, ApiError> {
    Ok(Json(service::get(&deps, &user, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Symbols, comma-separated (default: all).
    symbols: Option<String>,
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    to: Option<String>,
}

/// The caller's signals as a CSV download (`signals_YYYYMMDD_HHMM.csv`).
#[utoipa::path(get, path = "/export.csv", tag = "signals", security(("bearer" = []), ("api_key" = [])),
    params(ExportQuery),
    responses((status = 200, description = "RFC 4180 CSV, one row per signal", content_type = "text/csv", body = String),
        SignedInErrors, CommonErrors))]
pub async fn export_csv(
    State(deps): State<SignalDeps>,
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
    let (signals, _) = service::list(&deps, &user, &filter, MAX_EXPORT).await?;
    let body = export::to_csv(&signals).map_err(|e| ApiError::internal("writing the CSV", e))?;
    Ok(csv_download("signals", body))
}
