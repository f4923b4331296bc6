//! `/api/v1/watchlists`: a user's watchlists and their symbols.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::server::api_error::{ApiError, ApiJson};
use crate::server::auth::current_user::CurrentUser;
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope, SignedInErrors};
use crate::server::watchlists::service::{self, WatchlistDeps};
use crate::wire::watchlists::{
    AddSymbol, NewWatchlist, RenameWatchlist, WatchlistView, Watchlists,
};

/// The caller's watchlists and how much of the tier's allowance they use.
#[utoipa::path(get, path = "/watchlists", tag = "watchlists", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "Watchlists", body = Watchlists), SignedInErrors, CommonErrors))]
pub async fn list(
    State(deps): State<WatchlistDeps>,
    user: CurrentUser,
) -> Result<Json<Watchlists>, ApiError> {
    Ok(Json(service::list(&deps, &user).await?))
}

/// Creates a watchlist, optionally with symbols.
#[utoipa::path(post, path = "/watchlists", tag = "watchlists", security(("bearer" = []), ("api_key" = [])),
    request_body = NewWatchlist,
    responses((status = 201, description = "Created", body = WatchlistView),
        (status = 402, description = "WATCHLIST_LIMIT or WATCHLIST_SYMBOL_LIMIT of the tier", body = ErrorEnvelope),
        (status = 409, description = "WATCHLIST_NAME_TAKEN", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn create(
    State(deps): State<WatchlistDeps>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewWatchlist>,
) -> Result<(StatusCode, Json<WatchlistView>), ApiError> {
    let created = service::create(&deps, &user, &body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One of the caller's watchlists.
#[utoipa::path(get, path = "/watchlists/{id}", tag = "watchlists", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The watchlist's id")),
    responses((status = 200, description = "The watchlist", body = WatchlistView), SignedInErrors, CommonErrors))]
pub async fn get(
    State(deps): State<WatchlistDeps>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<WatchlistView>, ApiError> {
    Ok(Json(service::get(&deps, &user, &id).await?))
}

/// Renames a watchlist.
#[utoipa::path(patch, path = "/watchlists/{id}", tag = "watchlists", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The watchlist's id")),
    request_body = RenameWatchlist,
    responses((status = 200, description = "Renamed", body = WatchlistView),
        (status = 409, description = "WATCHLIST_NAME_TAKEN", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn rename(
    State(deps): State<WatchlistDeps>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RenameWatchlist>,
) -> Result<Json<WatchlistView>, ApiError> {
    Ok(Json(service::rename(&deps, &user, &id, &body.name).await?))
}

/// Deletes a watchlist and its symbols.
#[utoipa::path(delete, path = "/watchlists/{id}", tag = "watchlists", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The watchlist's id")),
    responses((status = 204, description = "Deleted"), SignedInErrors, CommonErrors))]
pub async fn delete(
    State(deps): State<WatchlistDeps>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::delete(&deps, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a symbol to a watchlist.
#[utoipa::path(post, path = "/watchlists/{id}/symbols", tag = "watchlists", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The watchlist's id")),
    request_body = AddSymbol,
    responses((status = 201, description = "The updated watchlist", body = WatchlistView),
        (status = 402, description = "WATCHLIST_SYMBOL_LIMIT of the tier", body = ErrorEnvelope),
        (status = 409, description = "SYMBOL_ALREADY_IN_WATCHLIST", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn add_symbol(
    State(deps): State<WatchlistDeps>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AddSymbol>,
) -> Result<(StatusCode, Json<WatchlistView>), ApiError> {
    let updated = service::add_symbol(&deps, &user, &id, &body.symbol).await?;
    Ok((StatusCode::CREATED, Json(updated)))
}

/// Removes a symbol from a watchlist.
#[utoipa::path(delete, path = "/watchlists/{id}/symbols/{symbol}", tag = "watchlists", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The watchlist's id"),
        ("symbol" = String, Path, description = "The ticker, e.g. AAPL")),
    responses((status = 200, description = "The updated watchlist", body = WatchlistView), SignedInErrors, CommonErrors))]
pub async fn remove_symbol(
    State(deps): State<WatchlistDeps>,
    user: CurrentUser,
    Path((id, symbol)): Path<(String, String)>,
) -> Result<Json<WatchlistView>, ApiError> {
    Ok(Json(
        service::remove_symbol(&deps, &user, &id, &symbol).await?,
    ))
}
