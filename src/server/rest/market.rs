//! `/api/v1/prices/{symbol}` and `/api/v1/indicators/{symbol}`: a user's series
//! (provider data under their imports), and indicators computed on its full
//! history, then cut to `from`/`to`.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::error_catalog::ErrorCode;
use crate::market::{between, Bar};
use crate::server::api_error::{ApiError, ApiQuery};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::market::bulk_import::{self, LongImportCaps, MAX_LONG_CSV_BYTES};
use crate::server::market::dates::format_day;
use crate::server::market::import::{self, ImportSummary};
use crate::server::market::indicator_series;
use crate::server::market::service::Series;
use crate::server::market::{parse_range, parse_symbol};
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope, SignedInErrors};
use crate::wire::market::{IndicatorSeries, PriceBar, Prices};
use crate::wire::screener::BulkImportSummary;

/// CSV imports may be larger than other bodies: decades of daily bars.
pub const MAX_CSV_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    to: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportScope {
    /// `user` (default: the caller's own bars) or `global` (administrators: the shared catalog).
    scope: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// Comma-separated, with parameters: `sma:20,rsi:14,macd:12:26:9,bbands:20:2,atr:14,adx:14`.
    #[serde(default)]
    names: String,
    /// First day, `YYYY-MM-DD` (indicators are computed on the full history first).
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    to: Option<String>,
}

async fn series_for(state: &AppState, user: &CurrentUser, raw: &str) -> Result<Series, ApiError> {
    let symbol = parse_symbol(raw)?;
    state
        .market
        .series(&state.db, &symbol, Some(&user.id))
        .await
}

fn price_bar(bar: &Bar) -> PriceBar {
    PriceBar {
        ts: format_day(bar.ts),
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
    }
}

/// Daily bars of a symbol: the caller's imports over the shared catalog.
#[utoipa::path(get, path = "/prices/{symbol}", tag = "market", security(("bearer" = []), ("api_key" = [])),
    params(("symbol" = String, Path, description = "The ticker, e.g. AAPL"), Range),
    responses((status = 200, description = "Bars, oldest first", body = Prices),
        (status = 502, description = "DATA_PROVIDER_ERROR and nothing stored", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn prices(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(symbol): Path<String>,
    ApiQuery(range): ApiQuery<Range>,
) -> Result<Json<Prices>, ApiError> {
    let (from, to) = parse_range(range.from.as_deref(), range.to.as_deref())?;
    let series = series_for(&state, &user, &symbol).await?;
    Ok(Json(Prices {
        symbol: series.symbol.to_string(),
        is_demo: series.is_demo,
        is_stale: series.is_stale,
        bars: between(&series.bars, from, to)
            .iter()
            .map(price_bar)
            .collect(),
    }))
}

/// Imports daily bars from a CSV body: the caller's private bars, or (administrators,
/// `scope=global`) the shared catalog's. All or nothing: any bad row is reported and
/// nothing is stored.
#[utoipa::path(post, path = "/prices/{symbol}/import", tag = "market", security(("bearer" = []), ("api_key" = [])),
    params(("symbol" = String, Path, description = "The ticker, e.g. AAPL"), ImportScope),
    request_body(content = String, content_type = "text/csv",
        description = "Daily bars as Yahoo, Stooq or pandas write them (Date,Open,High,Low,Close[,Adj Close],Volume)"),
    responses((status = 200, description = "What was stored", body = ImportSummary),
        (status = 413, description = "PAYLOAD_TOO_LARGE (20 MB)", body = ErrorEnvelope),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE: send text/csv", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(symbol): Path<String>,
    ApiQuery(query): ApiQuery<ImportScope>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportSummary>), ApiError> {
    let symbol = parse_symbol(&symbol)?;
    let owner = import::owner_for(&user, query.scope.as_deref())?;
    require_csv(&headers)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge)
                .with_details(json!({ "limit_bytes": MAX_CSV_BYTES }))
        } else {
            ApiError::new(ErrorCode::BadRequest)
                .with_details(json!({ "reason": rejection.body_text() }))
        }
    })?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(ErrorCode::InvalidCsv).with_details(
            json!({ "errors": [{ "line": 1, "reason": "the file is not UTF-8 text" }], "total": 1 }),
        )
    })?;
    let max_bars = import::max_bars(&user, owner);
    let summary =
        import::import_csv(&state.db, &state.events, &symbol, owner, text, max_bars).await?;
    Ok((StatusCode::OK, Json(summary)))
}

/// Imports a long CSV (`Symbol,Date,Open,High,Low,Close[,Volume]`), read as it
/// arrives: each symbol's rows are checked as a single import's file, and every
/// symbol is stored in one transaction or none is.
#[utoipa::path(post, path = "/prices/import", tag = "market", security(("bearer" = []), ("api_key" = [])),
    params(ImportScope),
    request_body(content = String, content_type = "text/csv",
        description = "Daily bars of many symbols, one per row: Symbol (or Ticker),Date,Open,High,Low,Close[,Volume]"),
    responses((status = 200, description = "What was stored, per symbol", body = BulkImportSummary),
        (status = 413, description = "PAYLOAD_TOO_LARGE (1 GiB)", body = ErrorEnvelope),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE: send text/csv", body = ErrorEnvelope),
        (status = 422, description = "INVALID_CSV with each line and symbol, or IMPORT_TOO_LARGE (bars per symbol, symbols per private import)", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn import_long(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ImportScope>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<BulkImportSummary>, ApiError> {
    let owner = import::owner_for(&user, query.scope.as_deref())?;
    require_csv(&headers)?;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_LONG_CSV_BYTES) {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge)
            .with_details(json!({ "limit_bytes": MAX_LONG_CSV_BYTES })));
    }
    let caps = LongImportCaps::for_owner(&user, owner);
    let summary = bulk_import::import_long(
        &state.db,
        &state.events,
        owner,
        body.into_data_stream(),
        caps,
    )
    .await?;
    Ok(Json(summary))
}

/// 415 `UNSUPPORTED_MEDIA_TYPE` unless the body says it is CSV.
fn require_csv(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if matches!(
        content_type.as_deref(),
        Some("text/csv" | "application/csv")
    ) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::UnsupportedMediaType)
            .with_details(json!({ "expected": "text/csv" })))
    }
}

/// Indicators with TA-Lib's definitions and warm-up (`null` until defined).
#[utoipa::path(get, path = "/indicators/{symbol}", tag = "market", security(("bearer" = []), ("api_key" = [])),
    params(("symbol" = String, Path, description = "The ticker, e.g. AAPL"), IndicatorQuery),
    responses((status = 200, description = "One series per indicator, aligned with ts", body = IndicatorSeries),
        SignedInErrors, CommonErrors))]
pub async fn indicators(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(symbol): Path<String>,
    ApiQuery(query): ApiQuery<IndicatorQuery>,
) -> Result<Json<IndicatorSeries>, ApiError> {
    let (from, to) = parse_range(query.from.as_deref(), query.to.as_deref())?;
    let series = series_for(&state, &user, &symbol).await?;
    Ok(Json(indicator_series::compute(
        &series,
        &query.names,
        from,
        to,
    )?))
}
