//! Correlation ids: taken from `x-correlation-id` or `x-request-id` when the
//! client sends a sane one, generated (UUID v4) otherwise, echoed back in
//! `x-correlation-id`, and readable anywhere in the request via `current()`.

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

tokio::task_local! {
    static CURRENT: String;
}

/// The correlation id of the request being handled, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
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
    let mut response = CURRENT.scope(id.clone(), next.run(request)).await;
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
