//! Applies the tier limits to every `/api/v1` call: per user when it carries a token
//! or an API key, per client IP otherwise (and when its credentials are wrong, so
//! guessing keys or passwords is slowed too). Answers carry `X-RateLimit-*` headers.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{HeaderName, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::rate_limit::{Decision, Verdict};
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::auth::current_user::{CurrentUser, API_KEY_HEADER};
use crate::server::request_meta::RequestMeta;

pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let has_credentials =
        parts.headers.contains_key(AUTHORIZATION) || parts.headers.contains_key(API_KEY_HEADER);
    let user = if has_credentials {
        Some(CurrentUser::from_request_parts(&mut parts, &state).await)
    } else {
        None
    };

    // Who is counted, against which limits; rejected credentials are answered after counting.
    let (subject, per_minute, per_day, rejected_credentials) = match user {
        Some(Ok(user)) => {
            let limits = user.tier.limits();
            (
                format!("user:{}", user.id),
                u64::from(limits.requests_per_minute),
                Some(u64::from(limits.requests_per_day)),
                None,
            )
        }
        other => {
            let meta = RequestMeta::from_request_parts(&mut parts, &state)
                .await
                .unwrap_or_default();
            let ip = meta.ip.unwrap_or_else(|| "unknown".into());
            let per_minute = state.config.auth_rate_limit_per_minute;
            (
                format!("ip:{ip}"),
                per_minute,
                None,
                other.and_then(Result::err),
            )
        }
    };
    let decision = state.limiter.check(&subject, per_minute, per_day).await;

    let mut response = match (decision.verdict, rejected_credentials) {
        (Verdict::MinuteExceeded, _) => refused(ErrorCode::RateLimitExceeded, &decision),
        (Verdict::DayExceeded, _) => refused(ErrorCode::QuotaExceeded, &decision),
        (Verdict::Allowed, Some(error)) => error.into_response(),
        (Verdict::Allowed, None) => next.run(Request::from_parts(parts, body)).await,
    };
    add_headers(response.headers_mut(), &decision);
    response
}

fn refused(code: ErrorCode, decision: &Decision) -> Response {
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
