//! Counts since the server started that the admin summary reports as rates:
//! error answers by route and code, and signal runs by outcome. Pure.

use std::collections::{BTreeMap, HashMap};

use crate::wire::admin::{ratio, Count, RouteErrors, SignalOutcomes};

/// Routes-and-codes pairs listed, most frequent first.
const TOP_ERRORS: usize = 20;

#[derive(Default)]
pub struct ErrorTally {
    requests: HashMap<String, u64>,
    errors: HashMap<(String, &'static str), u64>,
}

impl ErrorTally {
    /// One answer of `route`; `code` is its error code, if it was an error.
    pub fn record(&mut self, route: &str, code: Option<&'static str>) {
        // Looked up before inserting: most answers are of a route already counted,
        // and an owned key for every request was an allocation for nothing.
        match self.requests.get_mut(route) {
            Some(count) => *count += 1,
            None => {
                self.requests.insert(route.to_string(), 1);
            }
        }
        if let Some(code) = code {
            *self.errors.entry((route.to_string(), code)).or_default() += 1;
        }
    }

    pub fn summary(&self) -> Vec<RouteErrors> {
        let mut errors: Vec<RouteErrors> = self
            .errors
            .iter()
            .map(|((route, code), &count)| RouteErrors {
                route: route.clone(),
                code: code.to_string(),
                count,
                rate: ratio(count, self.requests.get(route).copied().unwrap_or(count)),
            })
            .collect();
        errors.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.route.cmp(&b.route))
                .then_with(|| a.code.cmp(&b.code))
        });
        errors.truncate(TOP_ERRORS);
        errors
    }
}

#[derive(Default)]
pub struct SignalTally {
    runs: u64,
    failed_runs: u64,
    generated: BTreeMap<String, u64>,
    failures: BTreeMap<String, u64>,
}

impl SignalTally {
    /// A run that stored `signals` (one action per symbol) with `model`.
    pub fn stored<'a>(&mut self, model: &str, signals: impl IntoIterator<Item = &'a str>) {
        self.runs += 1;
        for signal in signals {
            *self
                .generated
                .entry(format!("{model}/{signal}"))
                .or_default() += 1;
        }
    }

    pub fn failed(&mut self, reason: &str) {
        self.runs += 1;
        self.failed_runs += 1;
        *self.failures.entry(reason.to_string()).or_default() += 1;
    }

    pub fn summary(&self) -> SignalOutcomes {
        let counts = |map: &BTreeMap<String, u64>| {
            map.iter()
                .map(|(name, &count)| Count {
                    name: name.clone(),
                    count,
                })
                .collect()
        };
        SignalOutcomes {
            runs: self.runs,
            failed_runs: self.failed_runs,
            success_rate: ratio(self.runs - self.failed_runs, self.runs),
            failure_rate: ratio(self.failed_runs, self.runs),
            generated: counts(&self.generated),
            failures: counts(&self.failures),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rates_are_per_route_and_code() {
        let mut tally = ErrorTally::default();
        for _ in 0..3 {
            tally.record("/api/v1/prices/{symbol}", None);
        }
        tally.record("/api/v1/prices/{symbol}", Some("SYMBOL_NOT_FOUND"));
        tally.record("/api/v1/run", Some("QUOTA_EXCEEDED"));
        tally.record("/api/v1/run", Some("QUOTA_EXCEEDED"));
        let summary = tally.summary();
        assert_eq!(summary.len(), 2);
        assert_eq!(
            (
                summary[0].route.as_str(),
                summary[0].code.as_str(),
                summary[0].count,
                summary[0].rate
            ),
            ("/api/v1/run", "QUOTA_EXCEEDED", 2, 1.0)
        );
        assert_eq!((summary[1].count, summary[1].rate), (1, 0.25));
    }

    #[test]
    fn signal_outcomes_count_runs_signals_and_reasons() {
        let mut tally = SignalTally::default();
        tally.stored("ensemble", ["BUY", "HOLD", "BUY"]);
        tally.stored("classic", ["SELL"]);
        tally.failed("INSUFFICIENT_DATA");
        tally.failed("INSUFFICIENT_DATA");
        let summary = tally.summary();
        assert_eq!((summary.runs, summary.failed_runs), (4, 2));
        assert_eq!((summary.success_rate, summary.failure_rate), (0.5, 0.5));
        let generated: Vec<(&str, u64)> = summary
            .generated
            .iter()
            .map(|c| (c.name.as_str(), c.count))
            .collect();
        assert_eq!(
            generated,
            [
                ("classic/SELL", 1),
                ("ensemble/BUY", 2),
                ("ensemble/HOLD", 1)
            ]
        );
        assert_eq!(summary.failures[0].count, 2);
        assert_eq!(SignalTally::default().summary().success_rate, 0.0);
    }
}
