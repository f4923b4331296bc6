//! Counters in this process: used without Redis, or while Redis is unreachable.

use std::collections::HashMap;
use std::sync::Mutex;

/// Forget expired windows once the map grows past this.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Default)]
pub struct MemoryCounter {
    counts: Mutex<HashMap<String, (u64, i64)>>,
}

impl MemoryCounter {
    /// Adds one to each `(key, expires_at)` counter and returns the new counts.
    pub fn increment(&self, keys: &[(String, i64)], now: i64) -> Vec<u64> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.len() > PRUNE_ABOVE {
            counts.retain(|_, (_, expires_at)| *expires_at > now);
        }
        keys.iter()
            .map(|(key, expires_at)| {
                let entry = counts.entry(key.clone()).or_insert((0, *expires_at));
                if entry.1 <= now {
                    *entry = (0, *expires_at);
                }
                entry.0 += 1;
                entry.0
            })
            .collect()
    }

    /// The current counts of `keys` without counting anything.
    pub fn peek(&self, keys: &[(String, i64)], now: i64) -> Vec<u64> {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.iter()
            .map(|(key, _)| match counts.get(key) {
                Some((count, expires_at)) if *expires_at > now => *count,
                _ => 0,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_until_the_window_expires() {
        let counter = MemoryCounter::default();
        let keys = vec![("a:m:0".to_string(), 60), ("a:d:0".to_string(), 86_400)];
        assert_eq!(counter.increment(&keys, 1), vec![1, 1]);
        assert_eq!(counter.increment(&keys, 2), vec![2, 2]);
        assert_eq!(counter.increment(&[("b:m:0".to_string(), 60)], 2), vec![1]);
        // The same key after its expiry starts again.
        assert_eq!(counter.increment(&keys, 61), vec![1, 3]);
    }

    #[test]
    fn peeking_reads_without_counting() {
        let counter = MemoryCounter::default();
        let keys = vec![("a:m:0".to_string(), 60)];
        assert_eq!(counter.peek(&keys, 1), vec![0]);
        counter.increment(&keys, 1);
        assert_eq!(counter.peek(&keys, 2), vec![1]);
        assert_eq!(counter.peek(&keys, 2), vec![1]);
        assert_eq!(
            counter.peek(&keys, 60),
            vec![0],
            "expired windows read as zero"
        );
    }
}
