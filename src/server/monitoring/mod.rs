//! The server watching itself over HTTP: the middleware that records every request,
//! `GET /metrics` (Prometheus text) and the system summary administrators see. These
//! read the application state; the recorders they feed (`stats`) do not.

pub mod metrics_route;
pub mod middleware;
pub mod summary;
