//! `/api/v1/api-keys`: create (secret shown once), list, revoke.

use axum::extract::FromRef;

use crate::server::accounts::service::AccountDeps;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::server::accounts::{api_keys, service};
use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope, SignedInErrors};
use crate::server::request_meta::RequestMeta;
use crate::server::rest::responses::ApiKeys;
use crate::wire::accounts::{CreatedApiKey, NewApiKey};

/// Creates a key; its secret is in this answer only.
#[utoipa::path(post, path = "/api-keys", tag = "api-keys", security(("bearer" = []), ("api_key" = [])),
    request_body = NewApiKey,
    responses((status = 201, description = "The key, with its secret", body = CreatedApiKey),
        (status = 402, description = "API_KEY_LIMIT: the tier's live keys are all in use", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    ApiJson(body): ApiJson<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let created =
        service::create_api_key(&AccountDeps::from_ref(&state), &user, &body.name, &meta).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The caller's keys (never their secrets).
#[utoipa::path(get, path = "/api-keys", tag = "api-keys", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "Keys", body = ApiKeys), SignedInErrors, CommonErrors))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<ApiKeys>, ApiError> {
    let api_keys = api_keys::list(&state.db, &user.id).await?;
    Ok(Json(ApiKeys { api_keys }))
}

/// Revokes one of the caller's keys at once.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "api-keys", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The key's id")),
    responses((status = 204, description = "Revoked"), SignedInErrors, CommonErrors))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::revoke_api_key(&AccountDeps::from_ref(&state), &user.id, &id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
