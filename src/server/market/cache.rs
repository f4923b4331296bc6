//! Stored series kept in memory, each tagged with the revision it was read at. A
//! reader asks the database for the current revisions first (one small query) and
//! reloads only a series whose revision moved, so a write by any instance is seen
//! by the next read everywhere.

use std::collections::HashMap;
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
        let bars = Arc::new(read(db, key, revision).await?);
        self.keep(key, revision, &bars);
        Ok(bars)
    }

    /// The bars of each `(key, revision)`, in the same order: from memory where held;
    /// the rest from their packed copies, read together per source and owner; any
    /// without a current copy, one by one as [`SeriesCache::load`] reads them.
    pub async fn load_many(
        &self,
        db: &Database,
        wanted: &[(SeriesKey, i64)],
    ) -> Result<Vec<Arc<Vec<Bar>>>, sqlx::Error> {
        let mut loaded: Vec<Option<Arc<Vec<Bar>>>> = wanted
            .iter()
            .map(|(key, revision)| self.held(key, *revision))
            .collect();
        let mut missing: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, held) in loaded.iter().enumerate() {
            counters::cache_request("market_data", "memory", held.is_some());
            if held.is_some() {
                self.hits.fetch_add(1, Ordering::Relaxed);
            } else {
                self.misses.fetch_add(1, Ordering::Relaxed);
                let key = &wanted[i].0;
                missing
                    .entry((&key.source, &key.owner))
                    .or_default()
                    .push(i);
            }
        }
        for ((source, owner), indices) in missing {
            let asked: Vec<(&str, i64)> = indices
                .iter()
                .map(|&i| (wanted[i].0.symbol.as_str(), wanted[i].1))
                .collect();
            let mut packed = store::load_snapshots(db, source, owner, &asked).await?;
            for i in indices {
                let (key, revision) = &wanted[i];
                let bars = match packed.remove(&key.symbol) {
                    Some(bars) => bars,
                    None => read(db, key, *revision).await?,
                };
                let bars = Arc::new(bars);
                self.keep(key, *revision, &bars);
                loaded[i] = Some(bars);
            }
        }
        Ok(loaded.into_iter().map(Option::unwrap_or_default).collect())
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

/// The bars of `key` at `revision` from the database: its packed copy when that is
/// current, otherwise its rows, which then become the packed copy (series stored
/// before copies existed, or whose copy a write has not replaced yet).
async fn read(db: &Database, key: &SeriesKey, revision: i64) -> Result<Vec<Bar>, sqlx::Error> {
    if let Some(bars) = store::load_snapshot(db, key, revision).await? {
        return Ok(bars);
    }
    let bars = store::load(db, &key.symbol, &key.source, &key.owner).await?;
    // Only a faster next read depends on it; the bars are served either way.
    if let Err(error) = store::save_snapshot(
        db.pool(),
        &key.symbol,
        &key.source,
        &key.owner,
        revision,
        &bars,
    )
    .await
    {
        tracing::warn!(symbol = %key.symbol, %error, "could not keep a packed copy of a series");
    }
    Ok(bars)
}
