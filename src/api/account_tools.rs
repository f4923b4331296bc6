//! The account page's API keys, security events and CSV imports, over the same
//! services as `/api/v1/api-keys`, `/api/v1/me/audit` and `/api/v1/prices/{symbol}/import`.

use leptos::prelude::*;

use super::error::AppError;
use crate::wire::accounts::{ApiKeySummary, CreatedApiKey};

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
    Ok(crate::server::accounts::service::create_api_key(&state, &user, &name, &meta).await?)
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    let (state, user) = super::session::signed_in().await?;
    let meta = super::session::request_meta().await?;
    crate::server::accounts::service::revoke_api_key(&state, &user.id, &id, &meta).await?;
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

/// Imports a CSV of daily bars into the signed-in user's own layer of `symbol`, all
/// or nothing, as `POST /api/v1/prices/{symbol}/import` does.
#[server(endpoint = "import_prices")]
pub async fn import_prices(
    symbol: String,
    csv: String,
) -> Result<crate::wire::market::ImportSummary, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let symbol = crate::server::market::parse_symbol(&symbol)?;
    let summary = crate::server::market::import::import_csv(
        &state.db,
        &symbol,
        &user.id,
        &csv,
        Some(user.tier.limits().bars_per_series),
    )
    .await?;
    // Without JavaScript the form post lands back on the page.
    leptos_axum::redirect("/account");
    Ok(summary)
}
