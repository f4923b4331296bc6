//! Health report: the wire type served by `GET /health` and shown on the home
//! page, and the pure rule that turns the individual checks into one status.

use serde::{Deserialize, Serialize};

/// Overall state of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    Ok,
    /// Serving, but an optional dependency (Redis, the market-data provider) is failing.
    Degraded,
    /// The database is unreachable: most requests cannot be served.
    Down,
}

/// State of one dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Down,
    NotConfigured,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatabaseCheck {
    pub status: CheckStatus,
    /// Round-trip time of `SELECT 1`, or the time spent until the check failed.
    pub latency_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RedisCheck {
    pub status: CheckStatus,
}

/// Where prices come from, and how the last fetches went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketDataCheck {
    /// `down` when the provider's last answer was an error (stored bars are still served).
    pub status: CheckStatus,
    /// `demo` or `alphavantage`.
    pub provider: String,
    /// The provider has what it needs (Alpha Vantage: a key; demo: nothing).
    pub configured: bool,
    /// Prices are synthetic (every page says so).
    pub demo: bool,
    /// RFC 3339 time of the last successful fetch since start-up.
    pub last_success: Option<String>,
    pub last_error: Option<MarketDataError>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketDataError {
    /// RFC 3339.
    pub at: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthChecks {
    pub database: DatabaseCheck,
    pub redis: RedisCheck,
    pub market_data: MarketDataCheck,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthReport {
    pub status: ServiceStatus,
    pub version: String,
    pub uptime_s: u64,
    pub environment: String,
    pub checks: HealthChecks,
}

impl HealthChecks {
    /// The database is required; Redis and the market-data provider are optional
    /// (the service falls back to memory, and to the bars it stored before).
    pub fn overall(&self) -> ServiceStatus {
        let optional_down =
            [self.redis.status, self.market_data.status].contains(&CheckStatus::Down);
        match self.database.status {
            CheckStatus::Ok if optional_down => ServiceStatus::Degraded,
            CheckStatus::Ok => ServiceStatus::Ok,
            _ => ServiceStatus::Down,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(database: CheckStatus, redis: CheckStatus) -> HealthChecks {
        HealthChecks {
            database: DatabaseCheck {
                status: database,
                latency_ms: 1.0,
            },
            redis: RedisCheck { status: redis },
            market_data: MarketDataCheck {
                status: CheckStatus::Ok,
                provider: "demo".into(),
                configured: true,
                demo: true,
                last_success: None,
                last_error: None,
            },
        }
    }

    #[test]
    fn a_failing_market_data_provider_degrades_the_service() {
        let mut failing = checks(CheckStatus::Ok, CheckStatus::Ok);
        failing.market_data.status = CheckStatus::Down;
        assert_eq!(failing.overall(), ServiceStatus::Degraded);
        failing.database.status = CheckStatus::Down;
        assert_eq!(failing.overall(), ServiceStatus::Down);
    }

    #[test]
    fn healthy_database_without_redis_is_ok() {
        assert_eq!(
            checks(CheckStatus::Ok, CheckStatus::NotConfigured).overall(),
            ServiceStatus::Ok
        );
        assert_eq!(
            checks(CheckStatus::Ok, CheckStatus::Ok).overall(),
            ServiceStatus::Ok
        );
    }

    #[test]
    fn redis_down_degrades_the_service() {
        assert_eq!(
            checks(CheckStatus::Ok, CheckStatus::Down).overall(),
            ServiceStatus::Degraded
        );
    }

    #[test]
    fn database_down_means_down_whatever_redis_says() {
        for redis in [
            CheckStatus::Ok,
            CheckStatus::Down,
            CheckStatus::NotConfigured,
        ] {
            assert_eq!(
                checks(CheckStatus::Down, redis).overall(),
                ServiceStatus::Down
            );
        }
    }
}
