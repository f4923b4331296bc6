//! Fixed-window rate limiting as pure arithmetic: which windows a moment falls in,
//! and what a pair of counts means against a tier's limits.

pub const MINUTE: i64 = 60;
pub const DAY: i64 = 24 * 60 * 60;

/// Start of the window of length `len` that contains `now` (Unix seconds).
pub fn window_start(now: i64, len: i64) -> i64 {
    now - now.rem_euclid(len)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the per-minute limit.
    MinuteExceeded,
    /// Over the per-day quota.
    DayExceeded,
}

/// The outcome of one counted request, with what the response headers report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The per-minute limit (`X-RateLimit-Limit`).
    pub limit: u64,
    /// Requests left in this minute (`X-RateLimit-Remaining`).
    pub remaining: u64,
    /// When the minute window ends, Unix seconds (`X-RateLimit-Reset`).
    pub reset_at: i64,
    /// Seconds to wait when refused (`Retry-After`).
    pub retry_after: i64,
}

/// Judges a request that made the counts `minute_count` and `day_count` (itself included).
pub fn decide(
    now: i64,
    minute_count: u64,
    per_minute: u64,
    day_count: Option<u64>,
    per_day: Option<u64>,
) -> Decision {
    let minute_reset = window_start(now, MINUTE) + MINUTE;
    let day_reset = window_start(now, DAY) + DAY;
    let over_day = matches!((day_count, per_day), (Some(count), Some(limit)) if count > limit);
    let (verdict, retry_after) = if over_day {
        (Verdict::DayExceeded, day_reset - now)
    } else if minute_count > per_minute {
        (Verdict::MinuteExceeded, minute_reset - now)
    } else {
        (Verdict::Allowed, 0)
    };
    Decision {
        verdict,
        limit: per_minute,
        remaining: per_minute.saturating_sub(minute_count),
        reset_at: minute_reset,
        retry_after: retry_after.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON: i64 = 1_764_072_000; // 2025-11-25T12:00:00Z, a minute and day boundary + 12 h

    #[test]
    fn windows_start_on_boundaries() {
        assert_eq!(window_start(NOON + 59, MINUTE), NOON);
        assert_eq!(window_start(NOON + 60, MINUTE), NOON + 60);
        assert_eq!(window_start(NOON, DAY), NOON - 12 * 3600);
    }

    #[test]
    fn allows_up_to_the_limit_and_counts_down() {
        let first = decide(NOON + 10, 1, 10, Some(1), Some(500));
        assert_eq!(first.verdict, Verdict::Allowed);
        assert_eq!(first.remaining, 9);
        assert_eq!(first.reset_at, NOON + 60);
        let tenth = decide(NOON + 10, 10, 10, Some(10), Some(500));
        assert_eq!((tenth.verdict, tenth.remaining), (Verdict::Allowed, 0));
    }

    #[test]
    fn refuses_past_the_minute_limit_until_the_window_ends() {
        let eleventh = decide(NOON + 15, 11, 10, Some(11), Some(500));
        assert_eq!(eleventh.verdict, Verdict::MinuteExceeded);
        assert_eq!(eleventh.retry_after, 45);
        assert_eq!(eleventh.remaining, 0);
    }

    #[test]
    fn the_daily_quota_wins_and_waits_for_the_next_day() {
        let decision = decide(NOON, 1, 10, Some(501), Some(500));
        assert_eq!(decision.verdict, Verdict::DayExceeded);
        assert_eq!(decision.retry_after, 12 * 3600);
    }

    #[test]
    fn no_daily_limit_means_only_the_minute_counts() {
        assert_eq!(decide(NOON, 3, 60, None, None).verdict, Verdict::Allowed);
    }
}
