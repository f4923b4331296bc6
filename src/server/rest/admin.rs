//! `/api/v1/admin/*`: administrators only (403 `ADMIN_REQUIRED` otherwise).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::server::accounts::{audit, service, users};
use crate::server::api_error::{ApiError, ApiJson, ApiQuery};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::request_meta::RequestMeta;
use crate::server::stats;
use crate::wire::accounts::{UserProfile, UserUpdate};
use crate::wire::admin::SystemSummary;

const AUDIT_PAGE: i64 = 500;
const MAX_USERS_PAGE: i64 = 200;

#[derive(Debug, serde::Deserialize)]
pub struct UserSearch {
    #[serde(default)]
    query: String,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, ApiError> {
    user.require_admin()?;
    let events = audit::all(&state.db, AUDIT_PAGE).await?;
    Ok(Json(json!({ "events": events })))
}

/// `GET /api/v1/admin/users?query=&limit=&offset=`: users whose email contains `query`.
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(search): ApiQuery<UserSearch>,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(
        json!({ "users": users, "total": total, "limit": limit, "offset": offset }),
    ))
}

/// `GET /api/v1/admin/metrics`: traffic, caches and connections, as `/admin` shows them.
pub async fn metrics(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<SystemSummary>, ApiError> {
    user.require_admin()?;
    Ok(Json(stats::system_summary(&state).await?))
}

pub async fn update_user(
    State(state): State<AppState>,
    admin: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserUpdate>,
) -> Result<Json<UserProfile>, ApiError> {
    admin.require_admin()?;
    let updated = service::update_user(
        &state,
        &admin.id,
        &id,
        body.tier.as_deref(),
        body.is_active,
        &meta,
    )
    .await?;
    Ok(Json(updated))
}
