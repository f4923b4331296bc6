//! The admin page's server functions, over the same services as
//! `/api/v1/admin/*`. Every one refuses non-administrators with `ADMIN_REQUIRED`.

use leptos::prelude::*;

use super::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::accounts::service::AccountDeps;
use crate::wire::admin::AdminOverview;
#[cfg(feature = "ssr")]
use axum::extract::FromRef;

/// Users shown per search.
#[cfg(feature = "ssr")]
const USERS_PAGE: i64 = 50;

#[cfg(feature = "ssr")]
async fn signed_in_admin() -> Result<
    (
        crate::server::app_state::AppState,
        crate::server::auth::current_user::CurrentUser,
    ),
    AppError,
> {
    let (state, user) = super::session::signed_in().await?;
    user.require_admin()?;
    Ok((state, user))
}

/// The summary and the users whose email contains `query` (`None` when signed out).
#[server(endpoint = "admin_page_data")]
pub async fn admin_page_data(query: String) -> Result<Option<AdminOverview>, AppError> {
    use crate::server::accounts::{service, users};
    use crate::server::api_error::ApiError;
    let state = expect_context::<crate::server::app_state::AppState>();
    let Some(user) = super::session::session_user(&state).await? else {
        return Ok(None);
    };
    user.require_admin()?;
    let summary = crate::server::monitoring::summary::system_summary(&state).await?;
    let (rows, matching) = users::search(&state.db, &query, USERS_PAGE, 0)
        .await
        .map_err(ApiError::from)?;
    Ok(Some(AdminOverview {
        summary,
        users: rows.iter().map(service::profile).collect(),
        matching,
    }))
}

/// Moves a user to `tier` (audited as `tier_changed`).
#[server(endpoint = "admin_change_tier")]
pub async fn admin_change_tier(id: String, tier: String) -> Result<(), AppError> {
    let (state, admin) = signed_in_admin().await?;
    let meta = super::session::request_meta().await?;
    crate::server::accounts::service::update_user(
        &AccountDeps::from_ref(&state),
        &admin.id,
        &id,
        Some(&tier),
        None,
        &meta,
    )
    .await?;
    leptos_axum::redirect("/admin");
    Ok(())
}

/// Deactivates (`active` = `false`, ending the user's sessions) or reactivates a user.
#[server(endpoint = "admin_set_active")]
pub async fn admin_set_active(id: String, active: String) -> Result<(), AppError> {
    let (state, admin) = signed_in_admin().await?;
    let meta = super::session::request_meta().await?;
    let active = active == "true";
    crate::server::accounts::service::update_user(
        &AccountDeps::from_ref(&state),
        &admin.id,
        &id,
        None,
        Some(active),
        &meta,
    )
    .await?;
    leptos_axum::redirect("/admin");
    Ok(())
}
