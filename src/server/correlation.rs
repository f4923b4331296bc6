//! Correlation ids: taken from `x-correlation-id` or `x-request-id` when the
//! client sends a sane one, generated (UUID v4) otherwise, echoed back in
//! `x-correlation-id`, and readable anywhere in the request via `current()`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{ready, Context, Poll};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};

pub const CORRELATION_HEADER: &str = "x-correlation-id";
pub const REQUEST_ID_HEADER: &str = "x-request-id";
const MAX_LEN: usize = 128;

/// The request's correlation id, also stored in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrelationId(pub String);

/// What every log line of a request carries: its correlation id, and the signed-in
/// caller once known (set by the `CurrentUser` extractor).
pub struct RequestContext {
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

/// Gives every request its correlation id: in its extensions, in the task-local context
/// every log line reads, and echoed in the answer. A tower layer of its own (not
/// `from_fn`), so the stack below it is not cloned for every request.
#[derive(Clone, Copy, Default)]
pub struct CorrelationLayer;

impl<I> Layer<I> for CorrelationLayer {
    type Service = Correlated<I>;

    fn layer(&self, inner: I) -> Correlated<I> {
        Correlated { inner }
    }
}

#[derive(Clone)]
pub struct Correlated<I> {
    inner: I,
}

impl<I, B> Service<Request> for Correlated<I>
where
    I: Service<Request, Response = http::Response<B>, Error = Infallible>,
    http::Response<B>: IntoResponse,
{
    type Response = Response;
    type Error = Infallible;
    type Future = CorrelatedFuture<I::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let id =
            from_headers(request.headers()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let header = HeaderValue::from_str(&id).ok();
        request.extensions_mut().insert(CorrelationId(id.clone()));
        let context = Arc::new(RequestContext {
            correlation_id: id,
            user_id: OnceLock::new(),
        });
        // Whatever the inner service does before its future is polled sees the id too.
        let inner = CURRENT.sync_scope(context.clone(), || self.inner.call(request));
        CorrelatedFuture {
            inner: CURRENT.scope(context, inner),
            header,
        }
    }
}

pin_project_lite::pin_project! {
    pub struct CorrelatedFuture<F> {
        #[pin]
        inner: TaskLocalFuture<Arc<RequestContext>, F>,
        header: Option<HeaderValue>,
    }
}

impl<F, B> Future for CorrelatedFuture<F>
where
    F: Future<Output = Result<http::Response<B>, Infallible>>,
    http::Response<B>: IntoResponse,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(response) = ready!(this.inner.poll(cx));
        let mut response = response.into_response();
        if let Some(value) = this.header.take() {
            response.headers_mut().insert(CORRELATION_HEADER, value);
        }
        Poll::Ready(Ok(response))
    }
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
