//! The dashboard's server functions: the overview, watchlist changes and signal
//! runs, over the same services as `/api/v1/watchlists` and `/api/v1/run`. Each
//! works as a plain form post too (without JavaScript it redirects back).

use leptos::prelude::*;

use super::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{signals::service::SignalDeps, watchlists::service::WatchlistDeps};
use crate::wire::dashboard::Dashboard;
use crate::wire::signals::SignalView;
use crate::wire::watchlists::WatchlistView;
#[cfg(feature = "ssr")]
use axum::extract::FromRef;

/// `None` when nobody is signed in (the page then sends the visitor to log in).
#[server(endpoint = "dashboard_overview")]
pub async fn dashboard_overview() -> Result<Option<Dashboard>, AppError> {
    let state = expect_context::<crate::server::app_state::AppState>();
    match super::session::session_user(&state).await? {
        Some(user) => Ok(Some(
            crate::server::dashboard::overview(
                &WatchlistDeps::from_ref(&state),
                &SignalDeps::from_ref(&state),
                &user,
            )
            .await?,
        )),
        None => Ok(None),
    }
}

#[server(endpoint = "create_watchlist")]
pub async fn create_watchlist(name: String) -> Result<WatchlistView, AppError> {
    use crate::wire::watchlists::NewWatchlist;
    let (state, user) = super::session::signed_in().await?;
    let request = NewWatchlist {
        name,
        symbols: Vec::new(),
    };
    let created = crate::server::watchlists::service::create(
        &WatchlistDeps::from_ref(&state),
        &user,
        &request,
    )
    .await?;
    back_to_dashboard();
    Ok(created)
}

#[server(endpoint = "rename_watchlist")]
pub async fn rename_watchlist(id: String, name: String) -> Result<WatchlistView, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let renamed = crate::server::watchlists::service::rename(
        &WatchlistDeps::from_ref(&state),
        &user,
        &id,
        &name,
    )
    .await?;
    back_to_dashboard();
    Ok(renamed)
}

#[server(endpoint = "delete_watchlist")]
pub async fn delete_watchlist(id: String) -> Result<(), AppError> {
    let (state, user) = super::session::signed_in().await?;
    crate::server::watchlists::service::delete(&WatchlistDeps::from_ref(&state), &user, &id)
        .await?;
    back_to_dashboard();
    Ok(())
}

#[server(endpoint = "add_watchlist_symbol")]
pub async fn add_watchlist_symbol(id: String, symbol: String) -> Result<WatchlistView, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let updated = crate::server::watchlists::service::add_symbol(
        &WatchlistDeps::from_ref(&state),
        &user,
        &id,
        &symbol,
    )
    .await?;
    back_to_dashboard();
    Ok(updated)
}

#[server(endpoint = "remove_watchlist_symbol")]
pub async fn remove_watchlist_symbol(
    id: String,
    symbol: String,
) -> Result<WatchlistView, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let updated = crate::server::watchlists::service::remove_symbol(
        &WatchlistDeps::from_ref(&state),
        &user,
        &id,
        &symbol,
    )
    .await?;
    back_to_dashboard();
    Ok(updated)
}

/// Generates signals for every symbol of the watchlist (the default model), as
/// `POST /api/v1/run` would, with the same tier limits.
#[server(endpoint = "run_watchlist_signals")]
pub async fn run_watchlist_signals(id: String) -> Result<Vec<SignalView>, AppError> {
    use crate::wire::signals::RunRequest;
    let (state, user) = super::session::signed_in().await?;
    let watchlist =
        crate::server::watchlists::service::get(&WatchlistDeps::from_ref(&state), &user, &id)
            .await?;
    let request = RunRequest {
        symbols: watchlist.symbols,
        model: None,
        lookback_days: None,
    };
    let correlation =
        leptos_axum::extract::<axum::Extension<crate::server::correlation::CorrelationId>>()
            .await
            .ok();
    let signals = crate::server::signals::service::run(
        &SignalDeps::from_ref(&state),
        &user,
        &request,
        correlation.as_ref().map(|c| c.0 .0.as_str()),
    )
    .await?;
    back_to_dashboard();
    Ok(signals)
}

/// Without JavaScript a form post lands back on the dashboard.
#[cfg(feature = "ssr")]
fn back_to_dashboard() {
    leptos_axum::redirect("/dashboard");
}

/// The caller's watchlists, for the pages that choose one (Portfolio mode, the
/// screener's universe and its "add to watchlist").
#[server(endpoint = "user_watchlists")]
pub async fn user_watchlists() -> Result<Vec<WatchlistView>, AppError> {
    let (state, user) = super::session::signed_in().await?;
    let lists =
        crate::server::watchlists::service::list(&WatchlistDeps::from_ref(&state), &user).await?;
    Ok(lists.watchlists)
}
