//! Days on the wire: bars are dated `YYYY-MM-DD`; query bounds may be dates or
//! RFC 3339 date-times (which count from their UTC day).

use chrono::{DateTime, NaiveDate, NaiveTime};

use crate::market::DAY_SECS;

/// The UTC day (its 00:00 in Unix seconds) of `text`, a date or an RFC 3339 date-time.
pub fn parse_day(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.naive_utc().date())
        })?;
    Some(date.and_time(NaiveTime::MIN).and_utc().timestamp())
}

/// `YYYY-MM-DD` of a day start.
pub fn format_day(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0)
        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Today's day number (days since 1970-01-01, UTC).
pub fn today(now_unix: i64) -> i64 {
    now_unix.div_euclid(DAY_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times_name_their_utc_day() {
        assert_eq!(parse_day("2024-01-02"), Some(1_704_153_600));
        assert_eq!(parse_day("2024-01-02T23:30:00Z"), Some(1_704_153_600));
        assert_eq!(parse_day("2024-01-03T01:00:00+02:00"), Some(1_704_153_600));
        for bad in [
            "",
            "2024-13-01",
            "02/01/2024",
            "yesterday",
            "2024-01-02T25:00:00Z",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        assert_eq!(format_day(1_704_153_600), "2024-01-02");
        assert_eq!(today(1_704_153_600 + 100), 19_724);
    }
}
