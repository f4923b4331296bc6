//! The market page's server function, over the same services as the REST API.

use leptos::prelude::*;

use super::error::AppError;
use crate::wire::market_view::MarketView;

/// `None` when nobody is signed in (the page then sends the visitor to log in).
#[server(endpoint = "market_data")]
pub async fn market_data(symbol: String) -> Result<Option<MarketView>, AppError> {
    let state = expect_context::<crate::server::app_state::AppState>();
    match super::session::session_user(&state).await? {
        Some(user) => Ok(Some(
            crate::server::market::view::market_view(&state, &user, &symbol).await?,
        )),
        None => Ok(None),
    }
}

/// Symbols with data for the signed-in user (`None` when signed out).
#[server(endpoint = "known_symbols")]
pub async fn known_symbols() -> Result<Option<Vec<String>>, AppError> {
    let state = expect_context::<crate::server::app_state::AppState>();
    match super::session::session_user(&state).await? {
        Some(user) => Ok(Some(state.market.known_symbols(&state.db, &user.id).await?)),
        None => Ok(None),
    }
}
