//! `/api/v1/me`: the caller's profile with tier limits, and their own audit events.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::error_catalog::ErrorCode;
use crate::server::accounts::{audit, service, users};
use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::{Me, PasswordChange};

const AUDIT_PAGE: i64 = 100;

pub async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Me>, ApiError> {
    let row = users::find_by_id(&state.db, &user.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    Ok(Json(service::me(&state, &row).await?))
}

pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let events = audit::for_user(&state.db, &user.id, AUDIT_PAGE).await?;
    Ok(Json(json!({ "events": events })))
}

/// Changes the password; every refresh token of the user stops working.
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    service::change_password(
        &state,
        &user.id,
        body.current_password,
        body.new_password,
        &meta,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
