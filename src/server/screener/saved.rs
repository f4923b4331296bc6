//! Saved screens (`/api/v1/screens`): a name and a screen request, checked as a
//! screen is before it is kept, held to the tier's count under the user's lock.

use serde_json::json;
use sqlx::Row;

use super::plan::ScreenPlan;
use super::ScreenDeps;
use crate::error_catalog::ErrorCode;
use crate::server::accounts::users;
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::{now_unix_ms, unix_ms_to_rfc3339};
use crate::wire::screener::{SaveScreen, SavedScreen, SavedScreens, ScreenRequest};

/// Longest name, in characters.
const MAX_NAME_CHARS: usize = 80;

fn saved(
    id: String,
    name: String,
    request: &str,
    created_at: i64,
) -> Result<SavedScreen, ApiError> {
    let request: ScreenRequest = serde_json::from_str(request)
        .map_err(|e| ApiError::internal("a saved screen no longer reads", e))?;
    Ok(SavedScreen {
        id,
        name,
        request,
        created_at: unix_ms_to_rfc3339(created_at),
    })
}

pub async fn create(
    deps: &ScreenDeps,
    user: &CurrentUser,
    body: &SaveScreen,
) -> Result<SavedScreen, ApiError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::invalid_field(
            "name",
            &format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    // A screen that could not run is not kept.
    ScreenPlan::try_from((&body.request, user.tier))?;
    let request = serde_json::to_string(&body.request)
        .map_err(|e| ApiError::internal("a screen request does not serialise", e))?;
    let limit = user.tier.limits().saved_screens;
    let id = uuid::Uuid::now_v7().to_string();
    let now = now_unix_ms();
    let mut tx = deps.db.begin().await?;
    users::lock_for_limits(&mut tx, &user.id).await?;
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM saved_screens WHERE user_id = $1")
        .bind(&user.id)
        .fetch_one(&mut *tx)
        .await?;
    if held >= i64::from(limit) {
        return Err(ApiError::new(ErrorCode::SavedScreenLimit)
            .with_details(json!({ "limit": limit, "tier": user.tier.as_str() })));
    }
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM saved_screens WHERE user_id = $1 AND name_key = $2",
    )
    .bind(&user.id)
    .bind(name.to_lowercase())
    .fetch_one(&mut *tx)
    .await?;
    if taken > 0 {
        return Err(ApiError::new(ErrorCode::ScreenNameTaken).with_details(json!({ "name": name })));
    }
    sqlx::query(
        "INSERT INTO saved_screens (id, user_id, name, name_key, request, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&user.id)
    .bind(name)
    .bind(name.to_lowercase())
    .bind(&request)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    saved(id, name.to_string(), &request, now)
}

pub async fn list(deps: &ScreenDeps, user: &CurrentUser) -> Result<SavedScreens, ApiError> {
    let rows = sqlx::query(
        "SELECT id, name, request, created_at FROM saved_screens WHERE user_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(&user.id)
    .fetch_all(deps.db.pool())
    .await?;
    let screens = rows
        .iter()
        .map(|row| {
            saved(
                row.try_get("id")?,
                row.try_get("name")?,
                &row.try_get::<String, _>("request")?,
                row.try_get("created_at")?,
            )
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(SavedScreens { screens })
}

/// Another user's screen is as missing as one that never was.
pub async fn delete(deps: &ScreenDeps, user: &CurrentUser, id: &str) -> Result<(), ApiError> {
    let done = sqlx::query("DELETE FROM saved_screens WHERE user_id = $1 AND id = $2")
        .bind(&user.id)
        .bind(id)
        .execute(deps.db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::new(ErrorCode::ScreenNotFound).with_details(json!({ "id": id })));
    }
    Ok(())
}
