//! The market pages' server functions and the account page's CSV import, over the
//! same services as the REST API.

use leptos::prelude::*;

use super::error::AppError;
use crate::wire::market_view::MarketView;

/// `None` when nobody is signed in (the page then sends the visitor to log in).
#[server(endpoint = "market_data")]
pub async fn market_data(symbol: String) -> Result<Option<MarketView>, AppError> {
    let state = expect_context::<crate::server::app_state::AppState>();
    match super::session::session_user(&state).await? {
        Some(user) => Ok(Some(
            crate::server::market::view::market_view(&state.db, &state.market, &user, &symbol)
                .await?,
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

/// Imports a CSV of daily bars into the signed-in user's own layer of `symbol`, all
/// or nothing, as `POST /api/v1/prices/{symbol}/import` does.
#[server(endpoint = "import_prices")]
pub async fn import_prices(
    symbol: String,
    csv: String,
) -> Result<crate::wire::market::ImportSummary, AppError> {
    use crate::server::market::import;
    let (state, user) = super::session::signed_in().await?;
    let symbol = crate::server::market::parse_symbol(&symbol)?;
    let owner = import::owner_for(&user, None)?;
    let max_bars = import::max_bars(&user, owner);
    let summary =
        import::import_csv(&state.db, &state.events, &symbol, owner, &csv, max_bars).await?;
    // Without JavaScript the form post lands back on the page.
    leptos_axum::redirect("/account");
    Ok(summary)
}
