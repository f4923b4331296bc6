//! The screener page's server functions, over the same services as
//! `POST /api/v1/screen`, `/api/v1/screens` and the watchlists API.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::error::AppError;
use crate::wire::screen_form::ScreenForm;
use crate::wire::screener::{SavedScreen, ScreenAnswer};

/// Rows per page on the screener page.
pub const SCREEN_PAGE_SIZE: u32 = 25;

/// The form's screen, one page of it; signed out is `AUTHENTICATION_REQUIRED`.
// JSON: the form carries a list of conditions.
#[server(endpoint = "run_screen", input = Json)]
pub async fn run_screen(form: ScreenForm) -> Result<ScreenAnswer, AppError> {
    use crate::server::api_error::ApiError;
    let (state, user) = super::session::signed_in().await?;
    let request = form
        .to_request(SCREEN_PAGE_SIZE)
        .map_err(|(field, reason)| AppError::from(ApiError::invalid_field(field, &reason)))?;
    let deps = axum::extract::FromRef::from_ref(&state);
    Ok(crate::server::screener::service::screen(&deps, &user, &request).await?)
}

/// The caller's saved screens, oldest first.
#[server(endpoint = "saved_screens")]
pub async fn saved_screens() -> Result<Vec<SavedScreen>, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let deps = axum::extract::FromRef::from_ref(&state);
    Ok(crate::server::screener::saved::list(&deps, &user)
        .await?
        .screens)
}

/// Saves the form's screen under `name` (checked as `POST /api/v1/screens` checks it).
#[server(endpoint = "save_screen", input = Json)]
pub async fn save_screen(name: String, form: ScreenForm) -> Result<SavedScreen, AppError> {
    use crate::server::api_error::ApiError;
    use crate::wire::screener::SaveScreen;
    let (state, user) = super::session::signed_in().await?;
    let mut request = form
        .at_cursor(None)
        .to_request(SCREEN_PAGE_SIZE)
        .map_err(|(field, reason)| AppError::from(ApiError::invalid_field(field, &reason)))?;
    // What to screen, not how the page shows it.
    request.limit = None;
    request.sparkline = false;
    let deps = axum::extract::FromRef::from_ref(&state);
    let body = SaveScreen { name, request };
    Ok(crate::server::screener::saved::create(&deps, &user, &body).await?)
}

#[server(endpoint = "delete_saved_screen")]
pub async fn delete_saved_screen(id: String) -> Result<(), AppError> {
    let (state, user) = super::session::signed_in().await?;
    let deps = axum::extract::FromRef::from_ref(&state);
    crate::server::screener::saved::delete(&deps, &user, &id).await?;
    Ok(())
}

/// Adds the selected rows' symbols to one of the caller's watchlists, all or none;
/// answers how many were new to it.
#[server(endpoint = "add_screened_symbols", input = Json)]
pub async fn add_screened_symbols(id: String, symbols: Vec<String>) -> Result<usize, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let deps = axum::extract::FromRef::from_ref(&state);
    let (_, added) =
        crate::server::watchlists::service::add_symbols(&deps, &user, &id, &symbols).await?;
    Ok(added)
}
