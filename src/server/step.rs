//! Middleware that costs what it does, and no more. axum's `from_fn` clones the whole
//! service stack below it and boxes a future on every request, once per layer; a
//! request through eight such layers spent more on those copies than on its handler
//! (docs/PERFORMANCE.md). Most of our per-request steps decide synchronously, so each
//! is a [`Step`]: [`StepService`] runs its `before` on the request, calls the inner
//! service directly (no clone) and finishes the response in a small unboxed future.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

/// One per-request step: look at (or add to) the request, then finish the response.
pub trait Step: Send + Sync + 'static {
    /// What `before` keeps for `after`.
    type Carry: Send + 'static;
    /// Passes the request on (`Ok`), or answers it at once (`Err`; `after` then does not run).
    // A refusal is returned by value: it is built once, on the rare path, and boxing it
    // would only add an allocation there.
    #[allow(clippy::result_large_err)]
    fn before(&self, request: &mut Request) -> Result<Self::Carry, Response>;
    /// Finishes the inner service's response.
    fn after(&self, carry: Self::Carry, response: &mut Response);
}

/// The layer of a [`Step`], shared by every route it wraps.
pub struct StepLayer<S>(Arc<S>);

impl<S> StepLayer<S> {
    pub fn new(step: S) -> StepLayer<S> {
        StepLayer(Arc::new(step))
    }
}

impl<S> Clone for StepLayer<S> {
    fn clone(&self) -> Self {
        StepLayer(self.0.clone())
    }
}

impl<S, I> Layer<I> for StepLayer<S> {
    type Service = StepService<S, I>;

    fn layer(&self, inner: I) -> StepService<S, I> {
        StepService {
            step: self.0.clone(),
            inner,
        }
    }
}

pub struct StepService<S, I> {
    step: Arc<S>,
    inner: I,
}

impl<S, I: Clone> Clone for StepService<S, I> {
    fn clone(&self) -> Self {
        StepService {
            step: self.step.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<S, I, B> Service<Request> for StepService<S, I>
where
    S: Step,
    I: Service<Request, Response = http::Response<B>, Error = Infallible>,
    http::Response<B>: IntoResponse,
{
    type Response = Response;
    type Error = Infallible;
    type Future = StepFuture<S, I::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        match self.step.before(&mut request) {
            Ok(carry) => StepFuture::running(self.inner.call(request), self.step.clone(), carry),
            Err(answer) => StepFuture::answered(answer),
        }
    }
}

pin_project_lite::pin_project! {
    /// The inner service's future, then the step's `after`; or an answer given at once.
    pub struct StepFuture<S: Step, F> {
        #[pin]
        inner: Option<F>,
        finish: Option<(Arc<S>, S::Carry)>,
        answer: Option<Response>,
    }
}

impl<S: Step, F> StepFuture<S, F> {
    fn running(inner: F, step: Arc<S>, carry: S::Carry) -> Self {
        StepFuture {
            inner: Some(inner),
            finish: Some((step, carry)),
            answer: None,
        }
    }

    fn answered(answer: Response) -> Self {
        StepFuture {
            inner: None,
            finish: None,
            answer: Some(answer),
        }
    }
}

impl<S, F, B> Future for StepFuture<S, F>
where
    S: Step,
    F: Future<Output = Result<http::Response<B>, Infallible>>,
    http::Response<B>: IntoResponse,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(inner) = this.inner.as_pin_mut() else {
            let answer = this
                .answer
                .take()
                .expect("StepFuture polled after it finished");
            return Poll::Ready(Ok(answer));
        };
        let Ok(response) = ready!(inner.poll(cx));
        let mut response = response.into_response();
        let (step, carry) = this
            .finish
            .take()
            .expect("StepFuture polled after it finished");
        step.after(carry, &mut response);
        Poll::Ready(Ok(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{HeaderValue, StatusCode};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tower::ServiceExt;

    /// Refuses requests for `/no`; tags every other answer and counts the inner calls.
    struct Tagging;

    impl Step for Tagging {
        type Carry = String;
        fn before(&self, request: &mut Request) -> Result<String, Response> {
            if request.uri().path() == "/no" {
                return Err(StatusCode::FORBIDDEN.into_response());
            }
            Ok(request.uri().path().to_string())
        }
        fn after(&self, path: String, response: &mut Response) {
            let value = HeaderValue::from_str(&path).unwrap();
            response.headers_mut().insert("x-step", value);
        }
    }

    #[tokio::test]
    async fn runs_after_on_the_inner_answer_and_never_calls_inner_when_refusing() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let inner = tower::service_fn(move |_request: Request| {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, Infallible>(Response::new(Body::from("inner"))) }
        });
        let service = StepLayer::new(Tagging).layer(inner);

        let request = Request::builder().uri("/yes").body(Body::empty()).unwrap();
        let response = service.clone().oneshot(request).await.unwrap();
        assert_eq!(response.headers()["x-step"], "/yes");
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let request = Request::builder().uri("/no").body(Body::empty()).unwrap();
        let response = service.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.headers().get("x-step").is_none());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "the refusal reached the inner service"
        );
    }
}
