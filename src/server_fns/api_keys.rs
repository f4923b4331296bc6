//! The account page's API keys and security events, over the same services as
//! `/api/v1/api-keys` and `/api/v1/me/audit`.

use leptos::prelude::*;

use super::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::accounts::service::AccountDeps;
use crate::wire::accounts::{ApiKeySummary, CreatedApiKey};
#[cfg(feature = "ssr")]
use axum::extract::FromRef;

/// The signed-in user's live keys (`None` when signed out).
#[server(endpoint = "my_api_keys")]
pub async fn my_api_keys() -> Result<Option<Vec<ApiKeySummary>>, AppError> {
    let state = expect_context::<crate::server::app_state::AppState>();
    match super::session::session_user(&state).await? {
        Some(user) => Ok(Some(
            crate::server::accounts::api_keys::list(&state.db, &user.id)
                .await
                .map_err(crate::server::api_error::ApiError::from)?,
        )),
        None => Ok(None),
    }
}

/// A new key; its secret is in the answer and never again.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<CreatedApiKey, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let meta = super::session::request_meta().await?;
    Ok(crate::server::accounts::service::create_api_key(
        &AccountDeps::from_ref(&state),
        &user,
        &name,
        &meta,
    )
    .await?)
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    let (state, user) = super::session::signed_in().await?;
    let meta = super::session::request_meta().await?;
    crate::server::accounts::service::revoke_api_key(
        &AccountDeps::from_ref(&state),
        &user.id,
        &id,
        &meta,
    )
    .await?;
    leptos_axum::redirect("/account");
    Ok(())
}

/// The signed-in user's newest security events (`None` when signed out).
#[server(endpoint = "my_security_events")]
pub async fn my_security_events(
) -> Result<Option<Vec<crate::wire::accounts::AuditEventView>>, AppError> {
    /// As many as the account page lists.
    const SHOWN: i64 = 20;
    let state = expect_context::<crate::server::app_state::AppState>();
    match super::session::session_user(&state).await? {
        Some(user) => Ok(Some(
            crate::server::accounts::audit::for_user(&state.db, &user.id, SHOWN)
                .await
                .map_err(crate::server::api_error::ApiError::from)?,
        )),
        None => Ok(None),
    }
}
