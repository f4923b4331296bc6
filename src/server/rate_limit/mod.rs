//! Counting requests per subject (a user, or a client IP) in fixed windows: in Redis
//! when `REDIS_URL` is set, so instances share counts; in memory otherwise, and
//! whenever Redis cannot be reached (with a warning), returning to Redis by itself.

pub mod layer;
mod memory;
mod redis_counter;

use std::sync::atomic::{AtomicBool, Ordering};

use memory::MemoryCounter;
use redis_counter::RedisCounter;

use crate::domain::rate_limit::{decide, window_start, Decision, DAY, MINUTE};
use crate::server::clock::Clock;
use crate::server::telemetry::counters;

/// The counter subject of a signed-in API caller.
pub fn user_subject(user_id: &str) -> String {
    format!("user:{user_id}")
}

pub struct RateLimiter {
    redis: Option<RedisCounter>,
    memory: MemoryCounter,
    redis_down: AtomicBool,
    clock: Clock,
}

/// One windowed counter to bump: (name, window length in seconds).
type Window = (&'static str, i64);

impl RateLimiter {
    /// Windows follow `clock`, so tests move them without sleeping.
    pub fn new(redis: Option<redis::Client>, key_prefix: &str, clock: Clock) -> RateLimiter {
        RateLimiter {
            redis: redis.map(|client| RedisCounter::new(client, key_prefix)),
            memory: MemoryCounter::default(),
            redis_down: AtomicBool::new(false),
            clock,
        }
    }

    /// Counts one request of `subject` and judges it against the limits.
    pub async fn check(&self, subject: &str, per_minute: u64, per_day: Option<u64>) -> Decision {
        let now = self.clock.now_unix();
        let windows: &[Window] = if per_day.is_some() {
            &[("m", MINUTE), ("d", DAY)]
        } else {
            &[("m", MINUTE)]
        };
        let counts = self.count(subject, windows, now).await;
        decide(now, counts[0], per_minute, counts.get(1).copied(), per_day)
    }

    /// How many requests `subject` made this minute and today, without counting one.
    pub async fn usage(&self, subject: &str) -> (u64, u64) {
        let now = self.clock.now_unix();
        let keys = window_keys(subject, &[("m", MINUTE), ("d", DAY)], now);
        let counts = match &self.redis {
            Some(redis) if !self.redis_down.load(Ordering::Relaxed) => {
                match redis.peek(&keys).await {
                    Ok(counts) => counts,
                    Err(_) => self.memory.peek(&keys, now),
                }
            }
            _ => self.memory.peek(&keys, now),
        };
        (counts[0], counts[1])
    }

    async fn count(&self, subject: &str, windows: &[Window], now: i64) -> Vec<u64> {
        let keys = window_keys(subject, windows, now);
        // After a failure the link answers at once for a few seconds, then retries.
        if let Some(redis) = &self.redis {
            match redis.increment(&keys).await {
                Ok(counts) => {
                    if self.redis_down.swap(false, Ordering::Relaxed) {
                        tracing::info!("rate limiter is back on redis");
                    }
                    counters::rate_limiter_backend(true);
                    return counts;
                }
                Err(e) => {
                    if !self.redis_down.swap(true, Ordering::Relaxed) {
                        tracing::warn!(error = %e, "redis unreachable: rate limiting falls back to memory");
                    }
                }
            }
        }
        counters::rate_limiter_backend(false);
        self.memory.increment(&keys, now)
    }
}

/// One counter key per window, named after the window's start so it never needs resetting.
fn window_keys(subject: &str, windows: &[Window], now: i64) -> Vec<(String, i64)> {
    windows
        .iter()
        .map(|(name, len)| {
            let start = window_start(now, *len);
            (format!("{subject}:{name}:{start}"), start + len)
        })
        .collect()
}
