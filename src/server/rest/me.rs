//! `/api/v1/me`: the caller's profile with tier limits, and their own audit events.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error_catalog::ErrorCode;
use crate::server::accounts::{audit, service, users};
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::wire::accounts::Me;

const AUDIT_PAGE: i64 = 100;

pub async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Me>, ApiError> {
    let row = users::find_by_id(&state.db, &user.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    Ok(Json(service::me(&row)))
}

pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let events = audit::for_user(&state.db, &user.id, AUDIT_PAGE).await?;
    Ok(Json(json!({ "events": events })))
}
