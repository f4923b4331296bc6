//! Health report: the wire type served by `GET /health` and shown on the home
//! page, and the pure rule that turns the individual checks into one status.

use serde::{Deserialize, Serialize};

/// Overall state of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    Ok,
    /// Serving, but an optional dependency (Redis) is unavailable.
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthChecks {
    pub database: DatabaseCheck,
    pub redis: RedisCheck,
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
    /// The database is required; Redis is optional (the service falls back without it).
    pub fn overall(&self) -> ServiceStatus {
        match (self.database.status, self.redis.status) {
            (CheckStatus::Ok, CheckStatus::Down) => ServiceStatus::Degraded,
            (CheckStatus::Ok, _) => ServiceStatus::Ok,
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
        }
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
