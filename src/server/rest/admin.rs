//! `/api/v1/admin/*`: administrators only (403 `ADMIN_REQUIRED` otherwise).

use axum::extract::FromRef;

use crate::server::accounts::service::AccountDeps;
use axum::extract::{Path, State};
use axum::Json;

use crate::server::accounts::{audit, service, users};
use crate::server::api_error::{ApiError, ApiJson, ApiQuery};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::monitoring;
use crate::server::openapi::errors::{CommonErrors, SignedInErrors};
use crate::server::request_meta::RequestMeta;
use crate::server::rest::responses::{AuditEvents, UserPage};
use crate::wire::accounts::{UserProfile, UserUpdate};
use crate::wire::admin::SystemSummary;

const AUDIT_PAGE: i64 = 500;
const MAX_USERS_PAGE: i64 = 200;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserSearch {
    /// Part of the email address (empty: everyone).
    #[serde(default)]
    query: String,
    /// 1 to 200 (default 50).
    limit: Option<i64>,
    /// Users to skip (default 0).
    offset: Option<i64>,
}

/// Every user's security events, newest first.
#[utoipa::path(get, path = "/admin/audit", tag = "admin", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "Events", body = AuditEvents), SignedInErrors, CommonErrors))]
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<AuditEvents>, ApiError> {
    user.require_admin()?;
    let events = audit::all(&state.db, AUDIT_PAGE).await?;
    Ok(Json(AuditEvents { events }))
}

/// Users whose email contains `query`, newest first.
#[utoipa::path(get, path = "/admin/users", tag = "admin", security(("bearer" = []), ("api_key" = [])),
    params(UserSearch),
    responses((status = 200, description = "A page of users", body = UserPage), SignedInErrors, CommonErrors))]
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(search): ApiQuery<UserSearch>,
) -> Result<Json<UserPage>, ApiError> {
    user.require_admin()?;
    let limit = search.limit.unwrap_or(50);
    let offset = search.offset.unwrap_or(0);
    if !(1..=MAX_USERS_PAGE).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be 1 to 200"));
    }
    if offset < 0 {
        return Err(ApiError::invalid_field("offset", "must not be negative"));
    }
    let (rows, total) = users::search(&state.db, &search.query, limit, offset).await?;
    let users: Vec<UserProfile> = rows.iter().map(service::profile).collect();
    Ok(Json(UserPage {
        users,
        total,
        limit,
        offset,
    }))
}

/// Traffic, errors, signals, caches, pool and connections, as `/admin` shows them.
#[utoipa::path(get, path = "/admin/metrics", tag = "admin", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "The system summary", body = SystemSummary), SignedInErrors, CommonErrors))]
pub async fn metrics(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<SystemSummary>, ApiError> {
    user.require_admin()?;
    Ok(Json(monitoring::summary::system_summary(&state).await?))
}

/// Changes a user's tier or deactivates/reactivates them (their tokens stop working).
#[utoipa::path(patch, path = "/admin/users/{id}", tag = "admin", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The user's id")),
    request_body = UserUpdate,
    responses((status = 200, description = "The updated user", body = UserProfile), SignedInErrors, CommonErrors))]
pub async fn update_user(
    State(state): State<AppState>,
    admin: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserUpdate>,
) -> Result<Json<UserProfile>, ApiError> {
    admin.require_admin()?;
    let updated = service::update_user(
        &AccountDeps::from_ref(&state),
        &admin.id,
        &id,
        body.tier.as_deref(),
        body.is_active,
        &meta,
    )
    .await?;
    Ok(Json(updated))
}
