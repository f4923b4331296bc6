//! The signed-in user's account for the dashboard: the same `Me` as `GET /api/v1/me`.

use leptos::prelude::*;

use super::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::accounts::service::AccountDeps;
use crate::wire::accounts::Me;
#[cfg(feature = "ssr")]
use axum::extract::FromRef;

/// `None` when nobody is signed in (the page then sends the visitor to log in).
#[server(endpoint = "my_account")]
pub async fn my_account() -> Result<Option<Me>, AppError> {
    use crate::server::{accounts::service, sessions};
    let state = expect_context::<crate::server::app_state::AppState>();
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    match sessions::user(&session, &state.db).await? {
        Some(user) => Ok(Some(
            service::me(&AccountDeps::from_ref(&state), &user).await?,
        )),
        None => Ok(None),
    }
}
