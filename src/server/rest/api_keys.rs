//! `/api/v1/api-keys`: create (secret shown once), list, revoke.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::server::accounts::{api_keys, service};
use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::{CreatedApiKey, NewApiKey};

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    ApiJson(body): ApiJson<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let created = service::create_api_key(&state, &user.id, &body.name, &meta).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let keys = api_keys::list(&state.db, &user.id).await?;
    Ok(Json(json!({ "api_keys": keys })))
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::revoke_api_key(&state, &user.id, &id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
