//! Records every request under its route template, for `/admin` and Prometheus.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::response::Response;

use crate::error_catalog::ErrorCode;
use crate::server::step::Step;
use crate::server::telemetry::{method_label, RequestStats, UNMATCHED};

/// Records every request under its route template (the router's layers wrap each
/// route, so the template is known here).
pub struct Recording(pub Arc<RequestStats>);

pub struct Started {
    route: Option<MatchedPath>,
    method: &'static str,
    at: Instant,
}

impl Step for Recording {
    type Carry = Started;

    fn before(&self, request: &mut Request) -> Result<Started, Response> {
        Ok(Started {
            route: request.extensions().get::<MatchedPath>().cloned(),
            method: method_label(request.method()),
            at: Instant::now(),
        })
    }

    fn after(&self, started: Started, response: &mut Response) {
        let route = started
            .route
            .as_ref()
            .map_or(UNMATCHED, MatchedPath::as_str);
        let code = response.extensions().get::<ErrorCode>().copied();
        self.0.record(
            route,
            started.method,
            response.status().as_u16(),
            started.at.elapsed(),
            code,
        );
    }
}
