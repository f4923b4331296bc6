//! Stored series kept in memory, each tagged with the revision it was read at. A
//! reader asks the database for the current revisions first (one small query) and
//! reloads only a series whose revision moved, so a write by any instance is seen
//! by the next read everywhere.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::store::{self, SeriesKey};
use crate::market::Bar;
use crate::server::db::Database;
use crate::server::telemetry::counters;
use crate::server::weighed_lru::WeighedLru;

/// Bytes of bars kept: 128 MiB holds about 2.8 million bars (the demo catalog is
/// 20 series of ~3 000), and no number of imported series can take more.
pub const DEFAULT_BUDGET_BYTES: usize = 128 * 1024 * 1024;

struct Cached {
    revision: i64,
    bars: Arc<Vec<Bar>>,
}

pub struct SeriesCache {
    entries: Mutex<WeighedLru<SeriesKey, Cached>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// How often reads were served from memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
}

impl SeriesCache {
    pub fn new(budget_bytes: usize) -> SeriesCache {
        SeriesCache {
            entries: Mutex::new(WeighedLru::new(budget_bytes)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The bars of `key` as of `revision`: from memory when that is what is held,
    /// otherwise read from the database and kept.
    pub async fn load(
        &self,
        db: &Database,
        key: &SeriesKey,
        revision: i64,
    ) -> Result<Arc<Vec<Bar>>, sqlx::Error> {
        if let Some(bars) = self.held(key, revision) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            counters::cache_request("market_data", "memory", true);
            return Ok(bars);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        counters::cache_request("market_data", "memory", false);
        let bars = Arc::new(store::load(db, &key.symbol, &key.source, &key.owner).await?);
        self.keep(key, revision, &bars);
        Ok(bars)
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    fn held(&self, key: &SeriesKey, revision: i64) -> Option<Arc<Vec<Bar>>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|cached| cached.revision == revision)
            .map(|cached| cached.bars.clone())
    }

    /// Keeps `bars` unless a newer revision got there first (reads can finish out of order).
    fn keep(&self, key: &SeriesKey, revision: i64, bars: &Arc<Vec<Bar>>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries
            .peek(key)
            .is_some_and(|cached| cached.revision > revision)
        {
            return;
        }
        let weight = std::mem::size_of_val(bars.as_slice())
            + key.symbol.len()
            + key.source.len()
            + key.owner.len()
            + std::mem::size_of::<Cached>();
        entries.put(
            key.clone(),
            Cached {
                revision,
                bars: bars.clone(),
            },
            weight,
        );
    }
}
