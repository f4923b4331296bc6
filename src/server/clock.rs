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

/// The time as services see it. Production reads the system clock; tests hold a
/// manual one they move forward, so time-window behaviour (rate limits) is tested
/// without sleeping.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Unix milliseconds of a manual clock; `None` reads the system clock.
    manual: Option<std::sync::Arc<std::sync::atomic::AtomicI64>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock standing at `unix_ms` until [`Clock::advance`] moves it.
    pub fn manual(unix_ms: i64) -> Clock {
        Clock {
            manual: Some(std::sync::Arc::new(unix_ms.into())),
        }
    }

    pub fn now_unix_ms(&self) -> i64 {
        use std::sync::atomic::Ordering;
        match &self.manual {
            Some(ms) => ms.load(Ordering::Relaxed),
            None => now_unix_ms(),
        }
    }

    pub fn now_unix(&self) -> i64 {
        self.now_unix_ms().div_euclid(1000)
    }

    /// Moves a manual clock forward (shared by every copy of it). The system clock
    /// cannot be moved: calling this on it is a programming error.
    pub fn advance(&self, by: std::time::Duration) {
        use std::sync::atomic::Ordering;
        let manual = self
            .manual
            .as_ref()
            .expect("only a manual clock can be advanced");
        let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        manual.fetch_add(by_ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_advanced_and_copies_share_it() {
        let clock = Clock::manual(120_500);
        let copy = clock.clone();
        assert_eq!((clock.now_unix_ms(), clock.now_unix()), (120_500, 120));
        copy.advance(std::time::Duration::from_secs(60));
        assert_eq!(clock.now_unix(), 180);
    }

    #[test]
    fn the_system_clock_follows_real_time() {
        let before = now_unix_ms();
        let read = Clock::system().now_unix_ms();
        assert!(read >= before && read - before < 5_000);
    }
}
