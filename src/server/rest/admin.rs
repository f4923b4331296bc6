//! `/api/v1/admin/*`: administrators only (403 `ADMIN_REQUIRED` otherwise).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::error_catalog::ErrorCode;
use crate::server::accounts::{audit, service};
use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::{UserProfile, UserUpdate};

const AUDIT_PAGE: i64 = 500;

fn require_admin(user: &CurrentUser) -> Result<(), ApiError> {
    if user.is_admin() {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::AdminRequired))
    }
}

pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, ApiError> {
    require_admin(&user)?;
    let events = audit::all(&state.db, AUDIT_PAGE).await?;
    Ok(Json(json!({ "events": events })))
}

pub async fn update_user(
    State(state): State<AppState>,
    admin: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserUpdate>,
) -> Result<Json<UserProfile>, ApiError> {
    require_admin(&admin)?;
    let updated = service::update_user(
        &state,
        &admin.id,
        &id,
        body.tier.as_deref(),
        body.disabled,
        &meta,
    )
    .await?;
    Ok(Json(updated))
}
