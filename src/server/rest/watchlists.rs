//! `/api/v1/watchlists`: a user's watchlists and their symbols.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::watchlists::service;
use crate::wire::watchlists::{
    AddSymbol, NewWatchlist, RenameWatchlist, WatchlistView, Watchlists,
};

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Watchlists>, ApiError> {
    Ok(Json(service::list(&state, &user).await?))
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewWatchlist>,
) -> Result<(StatusCode, Json<WatchlistView>), ApiError> {
    let created = service::create(&state, &user, &body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<WatchlistView>, ApiError> {
    Ok(Json(service::get(&state, &user, &id).await?))
}

pub async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RenameWatchlist>,
) -> Result<Json<WatchlistView>, ApiError> {
    Ok(Json(service::rename(&state, &user, &id, &body.name).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::delete(&state, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_symbol(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AddSymbol>,
) -> Result<(StatusCode, Json<WatchlistView>), ApiError> {
    let updated = service::add_symbol(&state, &user, &id, &body.symbol).await?;
    Ok((StatusCode::CREATED, Json(updated)))
}

pub async fn remove_symbol(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, symbol)): Path<(String, String)>,
) -> Result<Json<WatchlistView>, ApiError> {
    Ok(Json(
        service::remove_symbol(&state, &user, &id, &symbol).await?,
    ))
}
