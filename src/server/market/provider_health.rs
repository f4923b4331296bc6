//! How the market-data provider's fetches have gone since start-up, for `/health`.

use std::sync::Mutex;

use crate::health::{CheckStatus, MarketDataCheck, MarketDataError};
use crate::server::clock::unix_to_rfc3339;

#[derive(Default)]
pub struct ProviderHealth {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    last_success: Option<i64>,
    last_error: Option<(i64, String)>,
}

impl ProviderHealth {
    /// The provider answered (bars, or "no such symbol": both are answers).
    pub fn succeeded(&self, at: i64) {
        self.lock().last_success = Some(at);
    }

    pub fn failed(&self, at: i64, message: String) {
        self.lock().last_error = Some((at, message));
    }

    pub fn check(&self, provider: &str, configured: bool, demo: bool) -> MarketDataCheck {
        let state = self.lock();
        // Down while the newest outcome is an error.
        let failing = match (&state.last_error, state.last_success) {
            (Some((error_at, _)), Some(success_at)) => *error_at >= success_at,
            (Some(_), None) => true,
            (None, _) => false,
        };
        MarketDataCheck {
            status: if failing || !configured {
                CheckStatus::Down
            } else {
                CheckStatus::Ok
            },
            provider: provider.to_string(),
            configured,
            demo,
            last_success: state.last_success.map(unix_to_rfc3339),
            last_error: state
                .last_error
                .as_ref()
                .map(|(at, message)| MarketDataError {
                    at: unix_to_rfc3339(*at),
                    message: message.clone(),
                }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_outcome_decides() {
        let health = ProviderHealth::default();
        let fresh = health.check("alphavantage", true, false);
        assert_eq!(fresh.status, CheckStatus::Ok);
        assert_eq!((fresh.last_success, fresh.last_error), (None, None));

        health.failed(100, "HTTP 503".into());
        let failing = health.check("alphavantage", true, false);
        assert_eq!(failing.status, CheckStatus::Down);
        assert_eq!(failing.last_error.unwrap().message, "HTTP 503");

        health.succeeded(160);
        let recovered = health.check("alphavantage", true, false);
        assert_eq!(recovered.status, CheckStatus::Ok);
        assert_eq!(
            recovered.last_success.as_deref(),
            Some("1970-01-01T00:02:40Z")
        );
        assert!(
            recovered.last_error.is_some(),
            "the last error stays visible"
        );
    }
}
