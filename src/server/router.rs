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
use super::client_ip::ClientAddress;
use super::correlation::{CorrelationId, CorrelationLayer};
use super::monitoring::middleware::Recording;
use super::request_timeout::TimeoutLayer;
use super::security::csrf::CrossSiteGuard;
use super::security::hosts::HostCheck;
use super::security::{cors, headers};
use super::step::StepLayer;
use super::{clock, health, live, monitoring, openapi, rate_limit, rest, sessions};
use crate::app::{shell, App};

pub fn build(state: AppState) -> Router {
    build_with(state, Router::new())
}

/// The router with `extra` routes behind the same layers as every other route
/// (tests use it to reach failure paths no real route has, such as a panic).
///
/// Layers listed later wrap the earlier ones, and each wraps every route (so the route
/// template is known to them): correlation ids are outermost. Every per-request step is
/// a tower service that calls the one below it directly (`step.rs`): no layer clones
/// the stack beneath it per request, as `from_fn` would. Sessions and the pages'
/// limiter wrap everything but the probes and the OpenAPI document, which use neither.
pub fn build_with(state: AppState, extra: Router<AppState>) -> Router {
    let routes = page_routes();
    let leptos_options = state.leptos_options.clone();
    let config = state.config.clone();

    let probes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/health", get(health::health))
        .route("/openapi.json", get(openapi::serve::openapi_json))
        .method_not_allowed_fallback(method_not_allowed);
    let mut app = extra
        .route("/ws", get(live::socket::upgrade))
        .route("/metrics", get(monitoring::metrics_route::endpoint))
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
            config.environment.is_strict(),
            &config.secret_key,
        ))
        .merge(probes)
        .layer(TimeoutLayer(config.request_timeout))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(StepLayer::new(Recording(state.traffic.clone())))
        .layer(StepLayer::new(CrossSiteGuard));
    if let Some(cors) = cors::layer(&config.cors_allow_origins) {
        app = app.layer(cors);
    }
    let slow_request = config.slow_request;
    let header_policy = headers::HeaderPolicy {
        leptos_options: state.leptos_options.clone(),
        strict: config.environment.is_strict(),
    };
    app.layer(StepLayer::new(HostCheck(config.clone())))
        .layer(StepLayer::new(header_policy))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(move |response: &Response, latency: Duration, _: &Span| {
                    log_response(response, latency, slow_request)
                })
                .on_failure(()),
        )
        .layer(StepLayer::new(ClientAddress(config)))
        .layer(CorrelationLayer)
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
