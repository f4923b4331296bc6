//! `/api/v1/screen` and `/api/v1/screens`: screening the caller's universe, and
//! their saved screens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::server::api_error::{ApiError, ApiJson};
use crate::server::auth::current_user::CurrentUser;
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope, SignedInErrors};
use crate::server::screener::{saved, service, ScreenDeps};
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
