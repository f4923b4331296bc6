//! Request counts, errors and latency percentiles over the last few minutes, in
//! fixed memory: a ring of time slots, each with a log-scaled latency histogram.
//! Pure (the caller passes the time), so it is tested without a clock.

/// Slot length and count: five minutes in ten-second slots.
pub const SLOT_SECS: u64 = 10;
const SLOTS: usize = 30;
use crate::wire::admin::Traffic as Summary;

/// Histogram buckets grow by 25 % from 100 µs; the last holds everything slower
/// than about 60 s. Percentiles are reported as their bucket's upper edge, so they
/// overstate by at most a quarter.
const FIRST_BUCKET_MICROS: f64 = 100.0;
const GROWTH: f64 = 1.25;
const BUCKETS: usize = 61;

#[derive(Clone)]
struct Slot {
    /// Which 10-second period this slot currently counts (`unix_secs / SLOT_SECS`).
    period: u64,
    requests: u64,
    client_errors: u64,
    server_errors: u64,
    histogram: [u32; BUCKETS],
}

impl Slot {
    fn empty(period: u64) -> Slot {
        Slot {
            period,
            requests: 0,
            client_errors: 0,
            server_errors: 0,
            histogram: [0; BUCKETS],
        }
    }
}

#[derive(Clone)]
pub struct Window {
    slots: Vec<Slot>,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            slots: vec![Slot::empty(u64::MAX); SLOTS],
        }
    }
}

fn bucket_of(micros: f64) -> usize {
    if micros <= FIRST_BUCKET_MICROS {
        return 0;
    }
    let index = ((micros / FIRST_BUCKET_MICROS).ln() / GROWTH.ln()).ceil() as usize;
    index.min(BUCKETS - 1)
}

/// The upper edge of bucket `index`, in milliseconds.
fn bucket_upper_ms(index: usize) -> f64 {
    FIRST_BUCKET_MICROS * GROWTH.powi(index as i32) / 1_000.0
}

impl Window {
    pub fn record(&mut self, now_secs: u64, status: u16, latency_micros: u64) {
        let period = now_secs / SLOT_SECS;
        let slot = &mut self.slots[(period % SLOTS as u64) as usize];
        if slot.period != period {
            *slot = Slot::empty(period);
        }
        slot.requests += 1;
        match status {
            400..=499 => slot.client_errors += 1,
            500..=599 => slot.server_errors += 1,
            _ => {}
        }
        slot.histogram[bucket_of(latency_micros as f64)] += 1;
    }

    /// Everything within the last five minutes of `now_secs`.
    pub fn summary(&self, now_secs: u64) -> Summary {
        let current = now_secs / SLOT_SECS;
        let oldest = current.saturating_sub(SLOTS as u64 - 1);
        let live = || {
            self.slots
                .iter()
                .filter(move |s| s.period != u64::MAX && (oldest..=current).contains(&s.period))
        };
        let mut histogram = [0u64; BUCKETS];
        let (mut requests, mut client, mut server) = (0, 0, 0);
        for slot in live() {
            requests += slot.requests;
            client += slot.client_errors;
            server += slot.server_errors;
            for (total, count) in histogram.iter_mut().zip(slot.histogram) {
                *total += u64::from(count);
            }
        }
        // From the oldest slot seen (or now) to now, at least one second.
        let since = live().map(|s| s.period).min().unwrap_or(current) * SLOT_SECS;
        let window_secs = (now_secs + 1).saturating_sub(since).max(1);
        let share = |n: u64| {
            if requests == 0 {
                0.0
            } else {
                n as f64 / requests as f64
            }
        };
        Summary {
            requests,
            requests_per_second: requests as f64 / window_secs as f64,
            error_rate: share(server),
            client_error_rate: share(client),
            p50_ms: percentile(&histogram, requests, 0.50),
            p95_ms: percentile(&histogram, requests, 0.95),
            p99_ms: percentile(&histogram, requests, 0.99),
            window_secs,
        }
    }
}

fn percentile(histogram: &[u64; BUCKETS], total: u64, q: f64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let rank = (q * total as f64).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (index, count) in histogram.iter().enumerate() {
        seen += count;
        if seen >= rank {
            return bucket_upper_ms(index);
        }
    }
    bucket_upper_ms(BUCKETS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_window_reports_zeros() {
        let summary = Window::default().summary(1_000);
        assert_eq!(summary.requests, 0);
        assert_eq!((summary.p99_ms, summary.error_rate), (0.0, 0.0));
    }

    #[test]
    fn percentiles_land_in_the_right_bucket_and_never_understate() {
        let mut window = Window::default();
        // 98 fast requests of 1 ms, one of 20 ms, one of 200 ms.
        for _ in 0..98 {
            window.record(1_000, 200, 1_000);
        }
        window.record(1_000, 200, 20_000);
        window.record(1_000, 500, 200_000);
        let summary = window.summary(1_000);
        assert_eq!(summary.requests, 100);
        assert!((1.0..1.25).contains(&summary.p50_ms), "{}", summary.p50_ms);
        assert!((1.0..1.25).contains(&summary.p95_ms), "{}", summary.p95_ms);
        assert!((20.0..25.0).contains(&summary.p99_ms), "{}", summary.p99_ms);
        assert_eq!(summary.error_rate, 0.01);
    }

    #[test]
    fn rates_count_errors_by_class_and_time_covered() {
        let mut window = Window::default();
        for second in 0..20 {
            window.record(1_000 + second, if second < 5 { 404 } else { 200 }, 500);
        }
        let summary = window.summary(1_019);
        assert_eq!(summary.client_error_rate, 0.25);
        // The oldest slot starts at 1000: 20 seconds covered, 20 requests.
        assert_eq!(summary.window_secs, 20);
        assert!((summary.requests_per_second - 1.0).abs() < 1e-9);
    }

    #[test]
    fn requests_older_than_five_minutes_drop_out() {
        let mut window = Window::default();
        window.record(1_000, 500, 1_000);
        assert_eq!(window.summary(1_000 + 290).requests, 1);
        assert_eq!(window.summary(1_000 + 310).requests, 0);
        // A slot reused for a new period starts from zero.
        window.record(1_000 + 300, 200, 1_000);
        let summary = window.summary(1_000 + 300);
        assert_eq!((summary.requests, summary.error_rate), (1, 0.0));
    }

    #[test]
    fn buckets_are_monotonic_and_cover_a_minute() {
        assert_eq!(bucket_of(50.0), 0);
        assert!(bucket_of(1_000.0) < bucket_of(10_000.0));
        assert!(bucket_upper_ms(BUCKETS - 1) >= 60_000.0);
        for micros in [150.0, 1_234.0, 98_765.0] {
            assert!(bucket_upper_ms(bucket_of(micros)) * 1_000.0 >= micros);
        }
    }
}
