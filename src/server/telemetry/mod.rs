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
use std::time::Duration;

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
    /// Everything one request updates, behind one lock.
    traffic: Mutex<TrafficRecord>,
    signals: Mutex<SignalTally>,
}

#[derive(Default)]
struct TrafficRecord {
    overall: Window,
    /// Keyed by route template: bounded by the routes the router declares.
    routes: HashMap<String, RouteRecord>,
    errors: ErrorTally,
}

/// One route's recent traffic and its Prometheus series. The handles are looked up
/// once per route, method and status: building label strings and finding the series
/// in the registry on every request cost more than all the rest of the recording.
struct RouteRecord {
    window: Window,
    duration: metrics::Histogram,
    requests: Vec<(&'static str, u16, metrics::Counter)>,
}

impl RouteRecord {
    fn new(route: &str) -> RouteRecord {
        RouteRecord {
            window: Window::default(),
            duration: metrics::histogram!("http_request_duration_seconds", "route" => route.to_string()),
            requests: Vec::new(),
        }
    }

    /// `http_requests_total` of `method` and `status` (bounded: standard methods and
    /// the statuses this route answers with).
    fn requests(&mut self, route: &str, method: &'static str, status: u16) -> &metrics::Counter {
        let at = match self
            .requests
            .iter()
            .position(|(m, s, _)| *m == method && *s == status)
        {
            Some(at) => at,
            None => {
                let counter = metrics::counter!(
                    "http_requests_total",
                    "method" => method,
                    "route" => route.to_string(),
                    "status" => status.to_string()
                );
                self.requests.push((method, status, counter));
                self.requests.len() - 1
            }
        };
        &self.requests[at].2
    }
}

impl RequestStats {
    /// One answer: the summary's windows and tallies and the Prometheus series.
    pub fn record(
        &self,
        route: &str,
        method: &'static str,
        status: u16,
        elapsed: Duration,
        code: Option<ErrorCode>,
    ) {
        let now = now_unix().max(0) as u64;
        let latency_micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let mut traffic = lock(&self.traffic);
        traffic.errors.record(route, code.map(ErrorCode::as_str));
        traffic.overall.record(now, status, latency_micros);
        if !traffic.routes.contains_key(route) {
            traffic
                .routes
                .insert(route.to_string(), RouteRecord::new(route));
        }
        let record = traffic.routes.get_mut(route).expect("inserted above");
        record.window.record(now, status, latency_micros);
        record.duration.record(elapsed.as_secs_f64());
        record.requests(route, method, status).increment(1);
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
        let mut routes: Vec<RouteTraffic> = lock(&self.traffic)
            .routes
            .iter()
            .map(|(route, record)| RouteTraffic {
                route: route.clone(),
                traffic: record.window.summary(now),
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
        lock(&self.traffic).overall.summary(now)
    }

    /// Error answers by route and code, most frequent first.
    pub fn errors(&self) -> Vec<RouteErrors> {
        lock(&self.traffic).errors.summary()
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
