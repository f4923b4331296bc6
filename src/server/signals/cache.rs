//! Model verdicts kept so the same question is answered once: in memory per
//! instance and, with `REDIS_URL`, in Redis for every instance. The key is a
//! fingerprint of all a verdict depends on (model, symbol and the exact bars of
//! the window), so a cached verdict cannot go stale: new or corrected bars make a
//! new key, and old keys simply expire.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::domain::symbol::Symbol;
use crate::market::Bar;
use crate::server::redis_link::RedisLink;
use crate::server::telemetry::counters;
use crate::server::weighed_lru::WeighedLru;
use crate::signals::{Evaluation, Model};
use crate::wire::admin::CacheTier;

/// Bytes of verdicts kept in memory (each is a few hundred bytes).
const MEMORY_BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// How long Redis keeps a verdict nobody asked for again.
const REDIS_TTL_SECS: u64 = 24 * 60 * 60;
const CACHE_NAME: &str = "signals";

#[derive(Default)]
struct Counts {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Counts {
    fn count(&self, tier: &'static str, hit: bool) {
        let counter = if hit { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        counters::cache_request(CACHE_NAME, tier, hit);
    }

    fn tier(&self, tier: &str) -> CacheTier {
        CacheTier::new(
            CACHE_NAME,
            tier,
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

pub struct SignalCache {
    memory: Mutex<WeighedLru<String, Evaluation>>,
    redis: Option<(RedisLink, String)>,
    memory_counts: Counts,
    redis_counts: Counts,
}

impl SignalCache {
    pub fn new(redis: Option<redis::Client>, key_prefix: &str) -> SignalCache {
        SignalCache {
            memory: Mutex::new(WeighedLru::new(MEMORY_BUDGET_BYTES)),
            redis: redis.map(|client| (RedisLink::new(client), format!("{key_prefix}:signal:"))),
            memory_counts: Counts::default(),
            redis_counts: Counts::default(),
        }
    }

    /// The cached verdict for `key`, or `evaluate`'s, which is then kept (failures are not).
    pub async fn get_or_evaluate<E>(
        &self,
        key: &str,
        evaluate: impl FnOnce() -> Result<Evaluation, E>,
    ) -> Result<Evaluation, E> {
        if let Some(hit) = self.lock().get(key).cloned() {
            self.memory_counts.count("memory", true);
            return Ok(hit);
        }
        self.memory_counts.count("memory", false);
        if let Some(hit) = self.read_redis(key).await {
            self.keep(key, &hit);
            return Ok(hit);
        }
        let evaluation = evaluate()?;
        self.keep(key, &evaluation);
        self.write_redis(key, &evaluation).await;
        Ok(evaluation)
    }

    /// Hits and misses per tier since start (Redis only when configured).
    pub fn stats(&self) -> Vec<CacheTier> {
        let mut tiers = vec![self.memory_counts.tier("memory")];
        if self.redis.is_some() {
            tiers.push(self.redis_counts.tier("redis"));
        }
        tiers
    }

    fn keep(&self, key: &str, evaluation: &Evaluation) {
        let weight = std::mem::size_of::<Evaluation>()
            + key.len()
            + evaluation.reasons.iter().map(String::len).sum::<usize>();
        self.lock().put(key.to_string(), evaluation.clone(), weight);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WeighedLru<String, Evaluation>> {
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A Redis failure is a miss: the verdict is computed here instead.
    async fn read_redis(&self, key: &str) -> Option<Evaluation> {
        let (link, prefix) = self.redis.as_ref()?;
        let name = format!("{prefix}{key}");
        let stored = link
            .run(|mut connection| async move {
                redis::cmd("GET")
                    .arg(&name)
                    .query_async::<Option<String>>(&mut connection)
                    .await
            })
            .await
            .unwrap_or_else(|error| {
                tracing::debug!(%error, "signal cache: redis read failed");
                None
            });
        let hit = stored.and_then(|json| serde_json::from_str::<Evaluation>(&json).ok());
        self.redis_counts.count("redis", hit.is_some());
        hit
    }

    async fn write_redis(&self, key: &str, evaluation: &Evaluation) {
        let Some((link, prefix)) = self.redis.as_ref() else {
            return;
        };
        let Ok(json) = serde_json::to_string(evaluation) else {
            return;
        };
        let name = format!("{prefix}{key}");
        let stored = link
            .run(|mut connection| async move {
                redis::cmd("SET")
                    .arg(&name)
                    .arg(json)
                    .arg("EX")
                    .arg(REDIS_TTL_SECS)
                    .query_async::<()>(&mut connection)
                    .await
            })
            .await;
        if let Err(error) = stored {
            tracing::debug!(%error, "signal cache: redis write failed");
        }
    }
}

/// What a verdict depends on, hashed: the model, the symbol and every bar of the window.
pub fn fingerprint(model: Model, symbol: &Symbol, window: &[Bar]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(model.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(symbol.as_str().as_bytes());
    hasher.update([0]);
    for bar in window {
        hasher.update(bar.ts.to_le_bytes());
        for value in [bar.open, bar.high, bar.low, bar.close, bar.volume] {
            hasher.update(value.to_bits().to_le_bytes());
        }
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(closes: &[f64]) -> Vec<Bar> {
        closes
            .iter()
            .enumerate()
            .map(|(i, &close)| Bar {
                ts: i as i64 * 86_400,
                open: close,
                high: close + 1.0,
                low: close - 1.0,
                close,
                volume: 1_000.0,
            })
            .collect()
    }

    #[test]
    fn the_fingerprint_changes_with_any_input_and_only_then() {
        let symbol = Symbol::parse("AAPL").unwrap();
        let window = bars(&[10.0, 11.0, 12.0]);
        let key = fingerprint(Model::Classic, &symbol, &window);
        assert_eq!(key, fingerprint(Model::Classic, &symbol, &window.clone()));
        assert_ne!(key, fingerprint(Model::Momentum, &symbol, &window));
        assert_ne!(
            key,
            fingerprint(Model::Classic, &Symbol::parse("MSFT").unwrap(), &window)
        );
        let mut corrected = window.clone();
        corrected[1].close = 11.01;
        assert_ne!(key, fingerprint(Model::Classic, &symbol, &corrected));
        assert_ne!(key, fingerprint(Model::Classic, &symbol, &window[1..]));
    }

    #[tokio::test]
    async fn a_verdict_is_computed_once_and_failures_are_not_kept() {
        let cache = SignalCache::new(None, "test");
        let symbol = Symbol::parse("AAPL").unwrap();
        let window = bars(
            &(0..300)
                .map(|i| 100.0 + f64::from(i % 17))
                .collect::<Vec<_>>(),
        );
        let key = fingerprint(Model::Classic, &symbol, &window);
        let columns = crate::market::Columns::of(&window);
        let compute = || Model::Classic.evaluate(&columns.ohlcv()).ok_or("too short");

        let failed: Result<Evaluation, &str> = cache.get_or_evaluate(&key, || Err("boom")).await;
        assert_eq!(failed, Err("boom"));
        let first = cache.get_or_evaluate(&key, compute).await.unwrap();
        let second = cache
            .get_or_evaluate(&key, || -> Result<Evaluation, &str> {
                panic!("must come from the cache")
            })
            .await
            .unwrap();
        assert_eq!(first, second);
        let memory = &cache.stats()[0];
        assert_eq!((memory.hits, memory.misses), (1, 2));
    }
}
