//! The whole HTTP surface in one `Router`: health, the API's JSON 404, Leptos pages
//! and server functions, static assets, request logging and correlation ids.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::Request;
use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::api_error::{api_not_found, method_not_allowed, panic_response};
use super::app_state::AppState;
use super::correlation::{self, CorrelationId};
use super::security::{cors, csrf, headers, hosts};
use super::{
    client_ip, clock, health, live, monitoring, openapi, rate_limit, request_timeout, rest,
    sessions,
};
use crate::app::{shell, App};

pub fn build(state: AppState) -> Router {
    build_with(state, Router::new())
}

/// The router with `extra` routes behind the same layers as every other route
/// (tests use it to reach failure paths no real route has, such as a panic).
pub fn build_with(state: AppState, extra: Router<AppState>) -> Router {
    let routes = page_routes();
    let leptos_options = state.leptos_options.clone();

    let mut app = extra
        .route("/healthz", get(health::healthz))
        .route("/health", get(health::health))
        .route("/ws", get(live::socket::upgrade))
        .route("/metrics", get(monitoring::metrics_route::endpoint))
        .route("/openapi.json", get(openapi::serve::openapi_json))
        .route("/docs", get(openapi::serve::docs_page))
        .merge(rest::router(&state))
        // Server functions register their own exact `/api/...` paths, which take precedence.
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .leptos_routes_with_context(&state, routes, headers::provide_page_nonce, move || {
            shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            rate_limit::layer::WebLimits::of(&state),
            rate_limit::layer::web,
        ))
        .layer(sessions::layer(
            &state.db,
            state.config.environment.is_strict(),
            &state.config.secret_key,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.config.request_timeout,
            request_timeout::enforce,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn_with_state(
            state.traffic.clone(),
            monitoring::middleware::record,
        ))
        .layer(axum::middleware::from_fn(csrf::reject_cross_site));
    if let Some(cors) = cors::layer(&state.config.cors_allow_origins) {
        app = app.layer(cors);
    }
    let slow_request = state.config.slow_request;
    // Layers listed later wrap the earlier ones: correlation ids are outermost.
    let header_policy = std::sync::Arc::new(headers::HeaderPolicy {
        leptos_options: state.leptos_options.clone(),
        strict: state.config.environment.is_strict(),
    });
    app.layer(axum::middleware::from_fn_with_state(
        state.config.clone(),
        hosts::enforce,
    ))
    .layer(axum::middleware::from_fn_with_state(
        header_policy,
        headers::security_headers,
    ))
    .layer(
        TraceLayer::new_for_http()
            .make_span_with(request_span)
            .on_request(())
            .on_response(move |response: &Response, latency: Duration, _: &Span| {
                log_response(response, latency, slow_request)
            })
            .on_failure(()),
    )
    .layer(axum::middleware::from_fn_with_state(
        state.config.clone(),
        client_ip::resolve,
    ))
    .layer(axum::middleware::from_fn(correlation::middleware))
    .with_state(state)
}

/// The pages' routes, generated once per process. Generation renders the app under a
/// process-wide flag that parks every `Resource` first polled meanwhile, forever
/// (leptos_server 0.8, leptos-rs/leptos#4773): generating again while another server
/// in the process renders a page (parallel tests do exactly that) would hang it.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// One span per request, named by its route template. Only the path is recorded:
/// query strings can carry secrets. (JSON lines add `user_id` once the caller is known.)
fn request_span(request: &Request<Body>) -> Span {
    let correlation_id = request
        .extensions()
        .get::<CorrelationId>()
        .map(|id| id.0.as_str())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        route,
        correlation_id = %correlation_id,
    )
}

fn log_response(response: &Response, latency: Duration, slow_request: Duration) {
    let status = response.status().as_u16();
    let latency_ms = clock::millis(latency);
    if response.status().is_server_error() {
        tracing::error!(status, latency_ms, "request completed");
    } else if latency >= slow_request {
        let threshold_ms = clock::millis(slow_request);
        tracing::warn!(status, latency_ms, threshold_ms, "slow request");
    } else {
        tracing::info!(status, latency_ms, "request completed");
    }
}
