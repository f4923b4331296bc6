//! The REST API under `/api/v1`, and SONAR's under `/sonar`. Handlers are thin:
//! extract, call a service, answer.

mod admin;
mod api_keys;
mod auth;
mod backtest;
mod market;
mod me;
pub mod responses;
mod screener;
mod signals;
mod sonar;
mod watchlists;

use std::sync::OnceLock;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::app_state::AppState;
use super::openapi::ApiDoc;

/// Request bodies above this answer 413 `PAYLOAD_TOO_LARGE`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// SONAR's file route: a file path has slashes, so axum needs a catch-all (which
/// cannot sit beside `{path}/context`); the handler takes the `/context` suffix off.
/// It is documented as `/sonar/files/{path}/context` through [`SonarFileDoc`].
pub const SONAR_FILE_ROUTE: &str = "/sonar/files/{*path}";

#[derive(OpenApi)]
#[openapi(paths(sonar::file_context))]
struct SonarFileDoc;

/// Every `/api/v1` route and the OpenAPI document describing them, made together
/// once per process (`routes!` takes each route's method and path from its
/// `#[utoipa::path]`); routers clone the routes.
pub fn api() -> &'static (Router<AppState>, utoipa::openapi::OpenApi) {
    static API: OnceLock<(Router<AppState>, utoipa::openapi::OpenApi)> = OnceLock::new();
    API.get_or_init(make_api)
}

fn make_api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(me::me))
        .routes(routes!(me::audit))
        .routes(routes!(me::change_password))
        .routes(routes!(admin::audit))
        .routes(routes!(admin::list_users))
        .routes(routes!(admin::update_user))
        .routes(routes!(admin::metrics))
        .routes(routes!(api_keys::create, api_keys::list))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(market::prices))
        .routes(routes!(market::import).layer(DefaultBodyLimit::max(market::MAX_CSV_BYTES)))
        // Read as a stream with its own cap (the body is never held whole).
        .routes(routes!(market::import_long).layer(DefaultBodyLimit::disable()))
        .routes(routes!(market::indicators))
        .routes(routes!(signals::run))
        .routes(routes!(backtest::run))
        .routes(routes!(backtest::optimize))
        .routes(routes!(backtest::portfolio))
        .routes(routes!(screener::screen))
        .routes(routes!(screener::export_csv))
        .routes(routes!(screener::list, screener::create))
        .routes(routes!(screener::delete))
        .routes(routes!(signals::list))
        .routes(routes!(signals::track_record))
        .routes(routes!(signals::get))
        .routes(routes!(signals::export_csv))
        .routes(routes!(watchlists::list, watchlists::create))
        .routes(routes!(
            watchlists::get,
            watchlists::rename,
            watchlists::delete
        ))
        .routes(routes!(watchlists::add_symbol))
        .routes(routes!(watchlists::remove_symbol));
    let sonar = OpenApiRouter::new()
        .routes(routes!(sonar::context))
        .routes(routes!(sonar::security))
        .routes(routes!(sonar::metrics))
        .routes(routes!(sonar::start_index, sonar::latest_index))
        .routes(routes!(sonar::index_run));
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(PREFIX, v1)
        .merge(sonar)
        .split_for_parts();
    document.merge(SonarFileDoc::openapi());
    (
        router.route(SONAR_FILE_ROUTE, axum::routing::get(sonar::file_context)),
        document,
    )
}

/// The API with its layers. Every route is counted by the rate limiter (per user
/// and tier, or per client IP).
pub fn router(state: &AppState) -> Router<AppState> {
    api()
        .0
        .clone()
        // Shared behind an Arc: the middleware clones its state for every request.
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(state.clone()),
            super::rate_limit::layer::api,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
