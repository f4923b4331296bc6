//! The portfolio's days and when it rebalances.

use serde::{Deserialize, Serialize};

/// When holdings are brought back to their targets: on the first bar, and on the first
/// bar of each new week (Monday to Sunday), month or quarter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Rebalancing {
    Never,
    Weekly,
    #[default]
    Monthly,
    Quarterly,
}

impl Rebalancing {
    pub fn as_str(self) -> &'static str {
        match self {
            Rebalancing::Never => "never",
            Rebalancing::Weekly => "weekly",
            Rebalancing::Monthly => "monthly",
            Rebalancing::Quarterly => "quarterly",
        }
    }

    /// The period a day (counted from 1970-01-01) falls in; a change starts a new one.
    fn period(self, day: i64) -> i64 {
        match self {
            Rebalancing::Never => 0,
            // 1970-01-01 was a Thursday: shifting by 3 puts week boundaries on Mondays.
            Rebalancing::Weekly => (day + 3).div_euclid(7),
            Rebalancing::Monthly => {
                let (year, month) = year_month(day);
                year * 12 + month - 1
            }
            Rebalancing::Quarterly => {
                let (year, month) = year_month(day);
                year * 4 + (month - 1) / 3
            }
        }
    }
}

/// The rows of `days` (ascending day numbers) that rebalance: the first, then each
/// first day of a new period.
pub fn rebalance_rows(days: &[i64], rule: Rebalancing) -> Vec<usize> {
    let mut rows = Vec::new();
    let mut last = None;
    for (row, day) in days.iter().enumerate() {
        let period = rule.period(*day);
        if last != Some(period) {
            rows.push(row);
            last = Some(period);
        }
    }
    rows
}

/// The days every series has (each ascending), ascending.
pub fn common_days(series: &[&[i64]]) -> Vec<i64> {
    let Some((first, rest)) = series.split_first() else {
        return Vec::new();
    };
    let mut days = first.to_vec();
    for other in rest {
        let mut kept = 0;
        let mut j = 0;
        for i in 0..days.len() {
            let day = days[i];
            while j < other.len() && other[j] < day {
                j += 1;
            }
            if j < other.len() && other[j] == day {
                days[kept] = day;
                kept += 1;
            }
        }
        days.truncate(kept);
    }
    days
}

/// Year and month (1–12) of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn year_month(day: i64) -> (i64, i64) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::csv_import::days_from_civil;

    #[test]
    fn months_round_trip_through_the_civil_calendar() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2024, 12, 31),
            (1969, 12, 31),
            (2100, 3, 1),
        ] {
            assert_eq!(year_month(days_from_civil(y, m, d)), (y, m), "{y}-{m}-{d}");
        }
    }

    #[test]
    fn each_rule_starts_its_periods_on_the_first_bar_after_a_boundary() {
        // Fri 2024-03-29, Mon 04-01, Tue 04-02, Mon 04-08, Mon 07-01.
        let days: Vec<i64> = [(3, 29), (4, 1), (4, 2), (4, 8), (7, 1)]
            .iter()
            .map(|(m, d)| days_from_civil(2024, *m, *d))
            .collect();
        assert_eq!(rebalance_rows(&days, Rebalancing::Never), vec![0]);
        assert_eq!(rebalance_rows(&days, Rebalancing::Weekly), vec![0, 1, 3, 4]);
        assert_eq!(rebalance_rows(&days, Rebalancing::Monthly), vec![0, 1, 4]);
        assert_eq!(rebalance_rows(&days, Rebalancing::Quarterly), vec![0, 1, 4]);
    }

    #[test]
    fn the_calendar_keeps_only_days_every_series_has() {
        let a = [1, 2, 3, 5, 8];
        let b = [2, 3, 4, 5];
        let c = [0, 2, 5, 9];
        assert_eq!(common_days(&[&a, &b, &c]), vec![2, 5]);
        assert_eq!(common_days(&[]), Vec::<i64>::new());
    }
}
