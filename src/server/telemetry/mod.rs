//! What administrators see of the running server: request traffic per route over
//! the last five minutes, errors by route and code, signal outcomes; and every
//! Prometheus series (`counters`). Recorded by `monitoring::middleware`, summed up by
//! `monitoring::summary`. Nothing here knows the application state.

pub mod counters;
pub mod prometheus;
pub mod tally;
pub mod window;

use std::collections::HashMap;
use std::sync::Mutex;

use self::tally::{ErrorTally, SignalTally};
use self::window::Window;
use crate::error_catalog::ErrorCode;
use crate::server::clock::now_unix;
use crate::server::events::{Event, Listener};
use crate::wire::admin::{RouteErrors, RouteTraffic, SignalOutcomes, Traffic};

/// Requests that matched no route (static files, 404s) share one label.
pub const UNMATCHED: &str = "(unmatched)";
/// Routes listed in the summary, busiest first.
const TOP_ROUTES: usize = 15;

#[derive(Default)]
pub struct RequestStats {
    overall: Mutex<Window>,
    /// Keyed by route template: bounded by the routes the router declares.
    routes: Mutex<HashMap<String, Window>>,
    errors: Mutex<ErrorTally>,
    signals: Mutex<SignalTally>,
}

impl RequestStats {
    pub fn record(&self, route: &str, status: u16, latency_micros: u64, code: Option<ErrorCode>) {
        let now = now_unix().max(0) as u64;
        lock(&self.errors).record(route, code.map(ErrorCode::as_str));
        lock(&self.overall).record(now, status, latency_micros);
        lock(&self.routes)
            .entry(route.to_string())
            .or_default()
            .record(now, status, latency_micros);
    }

    /// A signal run stored one signal per symbol (`signals` are their actions).
    fn signals_stored<'a>(&self, model: &str, signals: impl IntoIterator<Item = &'a str> + Clone) {
        for signal in signals.clone() {
            counters::signal_generated(model, signal);
        }
        lock(&self.signals).stored(model, signals);
    }

    /// A signal run was refused with `code` and stored nothing.
    fn signal_run_failed(&self, code: ErrorCode) {
        let reason = code.as_str().to_ascii_lowercase();
        counters::signal_generation_failed(&reason);
        lock(&self.signals).failed(code.as_str());
    }

    pub fn signal_outcomes(&self) -> SignalOutcomes {
        lock(&self.signals).summary()
    }

    pub fn routes(&self) -> Vec<RouteTraffic> {
        let now = now_unix().max(0) as u64;
        let mut routes: Vec<RouteTraffic> = lock(&self.routes)
            .iter()
            .map(|(route, window)| RouteTraffic {
                route: route.clone(),
                traffic: window.summary(now),
            })
            .filter(|r| r.traffic.requests > 0)
            .collect();
        routes.sort_by(|a, b| {
            b.traffic
                .requests
                .cmp(&a.traffic.requests)
                .then_with(|| a.route.cmp(&b.route))
        });
        routes.truncate(TOP_ROUTES);
        routes
    }
}

impl RequestStats {
    /// All requests of the last five minutes, at `now` (Unix seconds).
    pub fn overall(&self, now: u64) -> Traffic {
        lock(&self.overall).summary(now)
    }

    /// Error answers by route and code, most frequent first.
    pub fn errors(&self) -> Vec<RouteErrors> {
        lock(&self.errors).summary()
    }
}

/// Signal outcomes are counted from the events the signal service publishes.
impl Listener for RequestStats {
    fn on(&self, event: &Event) {
        match event {
            Event::SignalsStored { model, signals, .. } => {
                self.signals_stored(model.as_str(), signals.iter().map(|s| s.signal.as_str()))
            }
            Event::SignalRunFailed { code } => self.signal_run_failed(*code),
            _ => {}
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The `method` label: the standard methods by name, anything else as `other`, so a
/// client inventing methods cannot add series (each one lives as long as the process).
pub fn method_label(method: &axum::http::Method) -> &'static str {
    const STANDARD: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    ];
    let name = method.as_str();
    STANDARD
        .into_iter()
        .find(|standard| *standard == name)
        .unwrap_or("other")
}

#[cfg(test)]
mod tests {
    use super::method_label;
    use axum::http::Method;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let invented = Method::from_bytes(b"XYZZY").unwrap();
        assert_eq!(method_label(&invented), "other");
        let lower = Method::from_bytes(b"get").unwrap();
        assert_eq!(method_label(&lower), "other");
    }
}
