//! The REST API under `/api/v1`. Handlers are thin: extract, call a service, answer.

mod admin;
mod api_keys;
mod auth;
mod backtest;
mod market;
mod me;
mod signals;
mod watchlists;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post};
use axum::Router;

use super::app_state::AppState;

/// Request bodies above this answer 413 `PAYLOAD_TOO_LARGE`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Every route is counted by the rate limiter (per user and tier, or per client IP).
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(me::me))
        .route("/me/audit", get(me::audit))
        .route("/me/password", post(me::change_password))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/users", get(admin::list_users))
        .route("/admin/users/{id}", patch(admin::update_user))
        .route("/admin/metrics", get(admin::metrics))
        .route("/api-keys", post(api_keys::create).get(api_keys::list))
        .route("/api-keys/{id}", delete(api_keys::revoke))
        .route("/prices/{symbol}", get(market::prices))
        .route(
            "/prices/{symbol}/import",
            post(market::import).layer(DefaultBodyLimit::max(market::MAX_CSV_BYTES)),
        )
        .route("/indicators/{symbol}", get(market::indicators))
        .route("/run", post(signals::run))
        .route("/backtest", post(backtest::run))
        .route("/signals", get(signals::list))
        .route("/signals/track-record", get(signals::track_record))
        .route("/signals/{id}", get(signals::get))
        .route("/export.csv", get(signals::export_csv))
        .route(
            "/watchlists",
            get(watchlists::list).post(watchlists::create),
        )
        .route(
            "/watchlists/{id}",
            get(watchlists::get)
                .patch(watchlists::rename)
                .delete(watchlists::delete),
        )
        .route("/watchlists/{id}/symbols", post(watchlists::add_symbol))
        .route(
            "/watchlists/{id}/symbols/{symbol}",
            delete(watchlists::remove_symbol),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::rate_limit::layer::api,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
