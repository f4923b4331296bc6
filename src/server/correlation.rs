//! Correlation ids: taken from `x-correlation-id` or `x-request-id` when the
//! client sends a sane one, generated (UUID v4) otherwise, echoed back in
//! `x-correlation-id`, and readable anywhere in the request via `current()`.

use std::sync::{Arc, OnceLock};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const CORRELATION_HEADER: &str = "x-correlation-id";
pub const REQUEST_ID_HEADER: &str = "x-request-id";
const MAX_LEN: usize = 128;

/// The request's correlation id, also stored in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrelationId(pub String);

/// What every log line of a request carries: its correlation id, and the signed-in
/// caller once known (set by the `CurrentUser` extractor).
struct RequestContext {
    correlation_id: String,
    user_id: OnceLock<String>,
}

tokio::task_local! {
    static CURRENT: Arc<RequestContext>;
}

/// The correlation id of the request being handled, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(|c| c.correlation_id.clone()).ok()
}

/// The signed-in caller of the request being handled, once authenticated.
pub fn current_user() -> Option<String> {
    CURRENT
        .try_with(|c| c.user_id.get().cloned())
        .ok()
        .flatten()
}

/// Names the request's caller (the first identification wins).
pub fn set_user(user_id: &str) {
    let _ = CURRENT.try_with(|c| c.user_id.set(user_id.to_string()));
}

/// A client-supplied id is kept only if it is short and made of safe characters,
/// so it cannot forge log lines or headers.
fn is_acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    [CORRELATION_HEADER, REQUEST_ID_HEADER]
        .into_iter()
        .filter_map(|name| headers.get(name)?.to_str().ok())
        .map(str::trim)
        .find(|id| is_acceptable(id))
        .map(str::to_string)
}

pub async fn middleware(mut request: Request, next: Next) -> Response {
    let id = from_headers(request.headers()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    request.extensions_mut().insert(CorrelationId(id.clone()));
    let context = Arc::new(RequestContext {
        correlation_id: id.clone(),
        user_id: OnceLock::new(),
    });
    let mut response = CURRENT.scope(context, next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(CORRELATION_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn prefers_correlation_id_over_request_id() {
        let h = headers(&[(CORRELATION_HEADER, "corr-1"), (REQUEST_ID_HEADER, "req-1")]);
        assert_eq!(from_headers(&h).as_deref(), Some("corr-1"));
    }

    #[test]
    fn falls_back_to_request_id() {
        let h = headers(&[(REQUEST_ID_HEADER, "req-1")]);
        assert_eq!(from_headers(&h).as_deref(), Some("req-1"));
    }

    #[test]
    fn rejects_unsafe_or_oversized_ids() {
        assert_eq!(from_headers(&headers(&[(CORRELATION_HEADER, "a b")])), None);
        assert_eq!(
            from_headers(&headers(&[(CORRELATION_HEADER, "x\"y")])),
            None
        );
        let long = "a".repeat(MAX_LEN + 1);
        assert_eq!(from_headers(&headers(&[(CORRELATION_HEADER, &long)])), None);
        // An unsafe correlation id does not hide a good request id.
        let h = headers(&[(CORRELATION_HEADER, "{bad}"), (REQUEST_ID_HEADER, "ok-2")]);
        assert_eq!(from_headers(&h).as_deref(), Some("ok-2"));
    }
}
