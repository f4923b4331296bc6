//! `/api/v1/me`: the caller's profile with tier limits, and their own audit events.

use axum::extract::FromRef;

use crate::server::accounts::service::AccountDeps;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::error_catalog::ErrorCode;
use crate::server::accounts::{audit, service, users};
use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::openapi::errors::{CommonErrors, SignedInErrors};
use crate::server::request_meta::RequestMeta;
use crate::server::rest::responses::AuditEvents;
use crate::wire::accounts::{Me, PasswordChange};

const AUDIT_PAGE: i64 = 100;

/// The caller's profile, tier limits and usage.
#[utoipa::path(get, path = "/me", tag = "me", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "Profile", body = Me), SignedInErrors, CommonErrors))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Me>, ApiError> {
    let row = users::find_by_id(&state.db, &user.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    Ok(Json(
        service::me(&AccountDeps::from_ref(&state), &row).await?,
    ))
}

/// The caller's own security events (logins, key changes, …), newest first.
#[utoipa::path(get, path = "/me/audit", tag = "me", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "Events", body = AuditEvents), SignedInErrors, CommonErrors))]
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<AuditEvents>, ApiError> {
    let events = audit::for_user(&state.db, &user.id, AUDIT_PAGE).await?;
    Ok(Json(AuditEvents { events }))
}

/// Changes the password; every refresh token of the user stops working.
#[utoipa::path(post, path = "/me/password", tag = "me", security(("bearer" = []), ("api_key" = [])),
    request_body = PasswordChange,
    responses((status = 204, description = "Changed"), SignedInErrors, CommonErrors))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    service::change_password(
        &AccountDeps::from_ref(&state),
        &user.id,
        body.current_password,
        body.new_password,
        &meta,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
