//! The rate-limit middleware, in two flavours:
//! - [`api`] for `/api/v1`: every signed-in caller, whether by token, API key or the
//!   dashboard's session cookie, counts against the user's tier (per minute and per
//!   day) and every answer carries `X-RateLimit-*`; anonymous calls and the credential
//!   routes (login, register, refresh) count against the per-address auth limit,
//!   whatever cookie or header comes with them.
//! - [`web`] for pages and server functions: the abuse guard per signed-in user, the
//!   auth limit per address for the log-in and registration forms (always) and other
//!   anonymous server functions, and the abuse guard per address for anonymous page
//!   loads. Static files are not counted.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{HeaderName, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tower_sessions::Session;

use super::user_subject;
use crate::domain::rate_limit::{Decision, Verdict};
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use std::sync::Arc;

use super::RateLimiter;
use crate::server::app_state::AppState;
use crate::server::auth::current_user::{CurrentUser, API_KEY_HEADER};
use crate::server::client_ip;
use crate::server::config::Config;
use crate::server::db::Database;
use crate::server::request_meta::client_addr;
use crate::server::security::csrf::SIGN_IN_FORMS;
use crate::server::sessions;
use crate::server::telemetry::counters;

/// Which counter a request draws from, and its limits.
struct Budget {
    subject: String,
    /// The `tier` label of `rate_limited_total`.
    tier: &'static str,
    per_minute: u64,
    per_day: Option<u64>,
}

impl Budget {
    fn tier(user: &CurrentUser) -> Budget {
        let limits = user.tier.limits();
        Budget {
            subject: user_subject(&user.id),
            tier: user.tier.as_str(),
            per_minute: u64::from(limits.requests_per_minute),
            per_day: Some(u64::from(limits.requests_per_day)),
        }
    }

    fn web_user(per_minute: u64, user_id: &str) -> Budget {
        Budget {
            subject: format!("web:{user_id}"),
            tier: "session",
            per_minute,
            per_day: None,
        }
    }

    /// `kind` separates the auth bucket (`ip`) from anonymous page loads (`page-ip`).
    /// IPv6 clients are counted per /64 network (see [`client_ip::bucket`]).
    fn client_ip(parts: &Parts, kind: &str, per_minute: u64) -> Budget {
        let bucket = client_ip::bucket_or_unknown(client_addr(&parts.extensions));
        Budget {
            subject: format!("{kind}:{bucket}"),
            tier: "anonymous",
            per_minute,
            per_day: None,
        }
    }

    async fn check(&self, limiter: &RateLimiter) -> Decision {
        let decision = limiter
            .check(&self.subject, self.per_minute, self.per_day)
            .await;
        if decision.verdict != Verdict::Allowed {
            counters::rate_limited(self.tier);
            tracing::warn!(
                security_event = "rate_limited",
                tier = self.tier,
                limit = decision.limit,
                "request refused by the rate limiter"
            );
        }
        decision
    }
}

/// The routes that take credentials: limited per client address, never per user,
/// so a session cookie or a token cannot buy a password sprayer a bigger budget.
const CREDENTIAL_ROUTES: [&str; 3] = [
    "/api/v1/auth/login",
    "/api/v1/auth/register",
    "/api/v1/auth/refresh",
];

pub async fn api(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let auth_limit = state.config.auth_rate_limit_per_minute;
    if CREDENTIAL_ROUTES.contains(&parts.uri.path()) {
        let decision = Budget::client_ip(&parts, "ip", auth_limit)
            .check(&state.limiter)
            .await;
        let mut response = match decision.verdict {
            Verdict::Allowed => next.run(Request::from_parts(parts, body)).await,
            verdict => refused(verdict, &decision),
        };
        add_headers(response.headers_mut(), &decision);
        return response;
    }
    let has_credentials =
        parts.headers.contains_key(AUTHORIZATION) || parts.headers.contains_key(API_KEY_HEADER);
    let caller = CurrentUser::from_request_parts(&mut parts, &*state).await;
    let (budget, rejected_credentials) = match caller {
        Ok(user) => (Budget::tier(&user), None),
        // Bad credentials still count, per IP: guessing keys is not free.
        Err(error) if has_credentials => {
            let event = if parts.headers.contains_key(AUTHORIZATION) {
                "token_rejected"
            } else {
                "api_key_rejected"
            };
            counters::auth_event(event);
            tracing::warn!(
                security_event = event,
                code = error.code.as_str(),
                "credentials refused"
            );
            (Budget::client_ip(&parts, "ip", auth_limit), Some(error))
        }
        Err(_) => (Budget::client_ip(&parts, "ip", auth_limit), None),
    };
    let decision = budget.check(&state.limiter).await;

    let mut response = match (decision.verdict, rejected_credentials) {
        (Verdict::Allowed, Some(error)) => error.into_response(),
        (Verdict::Allowed, None) => next.run(Request::from_parts(parts, body)).await,
        (verdict, _) => refused(verdict, &decision),
    };
    add_headers(response.headers_mut(), &decision);
    response
}

/// What the pages' limiter uses, shared by every request (the whole application
/// state would be cloned per request by the middleware).
pub struct WebLimits {
    pub limiter: Arc<RateLimiter>,
    pub db: Database,
    pub config: Arc<Config>,
}

impl WebLimits {
    pub fn of(state: &AppState) -> Arc<WebLimits> {
        Arc::new(WebLimits {
            limiter: state.limiter.clone(),
            db: state.db.clone(),
            config: state.config.clone(),
        })
    }
}

pub async fn web(State(state): State<Arc<WebLimits>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !is_counted_web_path(path) {
        return next.run(request).await;
    }
    let is_server_fn = path.starts_with("/api/");
    let is_credential_form = SIGN_IN_FORMS.contains(&path);
    let (parts, body) = request.into_parts();
    let config = &state.config;
    let user = match parts.extensions.get::<Session>().cloned() {
        Some(session) if !is_credential_form => {
            sessions::user(&session, &state.db).await.ok().flatten()
        }
        _ => None,
    };
    let budget = match user {
        Some(user) => Budget::web_user(config.session_rate_limit_per_minute, &user.id),
        None if is_server_fn => Budget::client_ip(&parts, "ip", config.auth_rate_limit_per_minute),
        None => Budget::client_ip(&parts, "page-ip", config.session_rate_limit_per_minute),
    };
    let decision = budget.check(&state.limiter).await;
    match decision.verdict {
        Verdict::Allowed => next.run(Request::from_parts(parts, body)).await,
        verdict => refused(verdict, &decision),
    }
}

/// Pages and server functions; not the REST API (its own layer), health probes
/// or static files (anything under `/pkg/` or whose last segment has an extension).
fn is_counted_web_path(path: &str) -> bool {
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    !(path == "/api/v1"
        || path.starts_with("/api/v1/")
        || path.starts_with("/health")
        || path.starts_with("/pkg/")
        || last_segment.contains('.'))
}

fn refused(verdict: Verdict, decision: &Decision) -> Response {
    let code = if verdict == Verdict::DayExceeded {
        ErrorCode::QuotaExceeded
    } else {
        ErrorCode::RateLimitExceeded
    };
    ApiError::new(code)
        .with_details(json!({ "limit": decision.limit, "retry_after": decision.retry_after }))
        .with_header(RETRY_AFTER, HeaderValue::from(decision.retry_after))
        .into_response()
}

fn add_headers(headers: &mut HeaderMap, decision: &Decision) {
    for (name, value) in [
        ("x-ratelimit-limit", decision.limit as i64),
        ("x-ratelimit-remaining", decision.remaining as i64),
        ("x-ratelimit-reset", decision.reset_at),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

#[cfg(test)]
mod tests {
    use super::is_counted_web_path;

    #[test]
    fn pages_and_server_functions_count_but_assets_and_the_api_do_not() {
        for counted in ["/", "/login", "/account", "/api/login", "/markets/AAPL"] {
            assert!(is_counted_web_path(counted), "{counted}");
        }
        for skipped in [
            "/api/v1/me",
            "/api/v1",
            "/healthz",
            "/health",
            "/pkg/investment-system.wasm",
            "/favicon.svg",
        ] {
            assert!(!is_counted_web_path(skipped), "{skipped}");
        }
    }
}
