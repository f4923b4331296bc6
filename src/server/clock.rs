//! Timestamps as they appear on the wire.

use chrono::{SecondsFormat, Utc};

/// Current UTC time as RFC 3339 with millisecond precision, e.g. `2026-11-25T19:33:59.123Z`.
pub fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Current UTC time as seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    Utc::now().timestamp()
}

/// Unix seconds as RFC 3339 (`1970-01-01T00:00:00Z` for out-of-range values).
pub fn now_unix_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// 00:00 UTC of the day holding `ms` (Unix milliseconds), in Unix milliseconds.
pub fn day_start_ms(ms: i64) -> i64 {
    ms - ms.rem_euclid(86_400_000)
}

pub fn unix_to_rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Unix milliseconds as RFC 3339 with milliseconds, UTC.
pub fn unix_ms_to_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A duration in milliseconds, rounded to 0.01 ms, as logs and health checks report it.
pub fn millis(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 100_000.0).round() / 100.0
}
