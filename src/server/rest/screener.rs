//! `/api/v1/screen` and `/api/v1/screens`: screening the caller's universe, and
//! their saved screens.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

use crate::server::api_error::{ApiError, ApiJson, ApiQuery};
use crate::server::auth::current_user::CurrentUser;
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope, SignedInErrors};
use crate::server::rest::responses::csv_download;
use crate::server::screener::{export, saved, service, ScreenDeps};
use crate::wire::screen_form::ScreenForm;
use crate::wire::screener::{SaveScreen, SavedScreen, SavedScreens, ScreenAnswer, ScreenRequest};

/// Screens every symbol of the universe: conditions on indicator lines (TA-Lib-exact,
/// on the whole history) and the model's verdict, sorted and paged.
#[utoipa::path(post, path = "/screen", tag = "screener", security(("bearer" = []), ("api_key" = [])),
    request_body = ScreenRequest,
    responses((status = 200, description = "The matching rows", body = ScreenAnswer),
        (status = 400, description = "INVALID_INDICATOR naming the line, UNKNOWN_MODEL, INVALID_CURSOR", body = ErrorEnvelope),
        (status = 422, description = "UNIVERSE_TOO_LARGE for the tier, or VALIDATION_ERROR", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn screen(
    State(deps): State<ScreenDeps>,
    user: CurrentUser,
    ApiJson(body): ApiJson<ScreenRequest>,
) -> Result<Json<ScreenAnswer>, ApiError> {
    Ok(Json(service::screen(&deps, &user, &body).await?))
}

/// The caller's saved screens, oldest first.
#[utoipa::path(get, path = "/screens", tag = "screener", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "Saved screens", body = SavedScreens), SignedInErrors, CommonErrors))]
pub async fn list(
    State(deps): State<ScreenDeps>,
    user: CurrentUser,
) -> Result<Json<SavedScreens>, ApiError> {
    Ok(Json(saved::list(&deps, &user).await?))
}

/// Saves a screen under a name (checked as a screen is).
#[utoipa::path(post, path = "/screens", tag = "screener", security(("bearer" = []), ("api_key" = [])),
    request_body = SaveScreen,
    responses((status = 201, description = "Saved", body = SavedScreen),
        (status = 402, description = "SAVED_SCREEN_LIMIT of the tier", body = ErrorEnvelope),
        (status = 409, description = "SCREEN_NAME_TAKEN", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn create(
    State(deps): State<ScreenDeps>,
    user: CurrentUser,
    ApiJson(body): ApiJson<SaveScreen>,
) -> Result<(StatusCode, Json<SavedScreen>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(saved::create(&deps, &user, &body).await?),
    ))
}

/// Deletes one of the caller's saved screens (another user's is 404).
#[utoipa::path(delete, path = "/screens/{id}", tag = "screener", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The saved screen's id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "SCREEN_NOT_FOUND", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn delete(
    State(deps): State<ScreenDeps>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    saved::delete(&deps, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rows an export holds when the tier has no universe cap.
const MAX_EXPORT_ROWS: u32 = 100_000;

/// The screener page's URL fields, as `GET /api/v1/screen.csv` takes them.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Documents the fields; the handler reads them as a map.
pub struct ScreenCsvQuery {
    /// One of the caller's watchlists (else `symbols`, else every symbol).
    watchlist: Option<String>,
    /// Symbols separated by commas or spaces.
    symbols: Option<String>,
    model: Option<String>,
    /// BUY, SELL or HOLD.
    signal: Option<String>,
    /// Lines to show, separated by commas: `rsi:14,sma:200`.
    indicators: Option<String>,
    sort: Option<String>,
    /// Conditions: `line1`, `op1`, `value1` … up to `line8`.
    line1: Option<String>,
    op1: Option<String>,
    value1: Option<String>,
}

/// Every matching row of a screen as CSV (up to the tier's universe cap): the page's
/// "Export CSV", with the same fields as its URL.
#[utoipa::path(get, path = "/screen.csv", tag = "screener", security(("bearer" = []), ("api_key" = [])),
    params(ScreenCsvQuery),
    responses((status = 200, description = "RFC 4180 CSV: symbol, ts, price, change_pct, signal, confidence, then one column per line", content_type = "text/csv", body = String),
        (status = 400, description = "INVALID_INDICATOR naming the line", body = ErrorEnvelope),
        (status = 422, description = "UNIVERSE_TOO_LARGE or VALIDATION_ERROR", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn export_csv(
    State(deps): State<ScreenDeps>,
    user: CurrentUser,
    ApiQuery(fields): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let form = ScreenForm::from_fields(|name| fields.get(name).filter(|v| !v.is_empty()).cloned());
    let limit = user.tier.limits().screen_symbols.unwrap_or(MAX_EXPORT_ROWS);
    let mut request = form
        .at_cursor(None)
        .to_request(limit)
        .map_err(|(field, reason)| ApiError::invalid_field(field, &reason))?;
    request.sparkline = false;
    let answer = service::screen(&deps, &user, &request).await?;
    let body =
        export::to_csv(&answer.rows).map_err(|e| ApiError::internal("writing the CSV", e))?;
    Ok(csv_download("screen", body))
}
