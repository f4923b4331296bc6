//! Bounds every request: one that has not produced its response within
//! `REQUEST_TIMEOUT_MS` (30 s) is dropped, which rolls back any open transaction,
//! and answers 504 `REQUEST_TIMEOUT`. Streaming bodies (pages, WebSockets) are not
//! cut: the bound is on the time to the response's head.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::time::Timeout;
use tower::{Layer, Service};

use super::api_error::ApiError;
use crate::error_catalog::ErrorCode;

/// `limit` is `REQUEST_TIMEOUT_MS`. A tower layer of its own (not `from_fn`), so the
/// stack below it is not cloned for every request.
#[derive(Clone, Copy)]
pub struct TimeoutLayer(pub Duration);

impl<I> Layer<I> for TimeoutLayer {
    type Service = Bounded<I>;

    fn layer(&self, inner: I) -> Bounded<I> {
        Bounded {
            inner,
            limit: self.0,
        }
    }
}

#[derive(Clone)]
pub struct Bounded<I> {
    inner: I,
    limit: Duration,
}

impl<I, B> Service<Request> for Bounded<I>
where
    I: Service<Request, Response = http::Response<B>, Error = Infallible>,
    http::Response<B>: IntoResponse,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoundedFuture<I::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        BoundedFuture {
            inner: tokio::time::timeout(self.limit, self.inner.call(request)),
            limit: self.limit,
        }
    }
}

pin_project_lite::pin_project! {
    pub struct BoundedFuture<F> {
        #[pin]
        inner: Timeout<F>,
        limit: Duration,
    }
}

impl<F, B> Future for BoundedFuture<F>
where
    F: Future<Output = Result<http::Response<B>, Infallible>>,
    http::Response<B>: IntoResponse,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = match ready!(this.inner.poll(cx)) {
            Ok(Ok(response)) => response.into_response(),
            Err(_) => timed_out(*this.limit),
        };
        Poll::Ready(Ok(response))
    }
}

fn timed_out(limit: Duration) -> Response {
    let timeout_ms = limit.as_millis() as u64;
    tracing::warn!(timeout_ms, "request timed out");
    ApiError::new(ErrorCode::RequestTimeout)
        .with_details(json!({ "timeout_ms": timeout_ms }))
        .into_response()
}
