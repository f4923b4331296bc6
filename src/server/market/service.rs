//! The series a user sees for a symbol: the provider's bars (refreshed when older
//! than the TTL), under the shared catalog's imports, under the user's own
//! imports. When the provider fails, stored bars are served marked stale; with
//! nothing stored the request fails with `DATA_PROVIDER_ERROR`. Nothing is invented.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;

use super::cache::{CacheStats, SeriesCache, DEFAULT_BUDGET_BYTES};
use super::dates::today;
use super::provider::{MarketDataProvider, ProviderError};
use super::provider_health::ProviderHealth;
use super::store::{self, SeriesKey, IMPORT, SHARED};
use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::market::{layer, Bar, DAY_SECS};
use crate::server::api_error::ApiError;
use crate::server::clock::now_unix;
use crate::server::db::Database;
use crate::server::events::{BarsCause, Event, EventBus};
use crate::server::telemetry::counters;

/// On refresh, days this close to the newest stored one are rewritten (late corrections).
const REWRITE_DAYS: i64 = 7;

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub symbol: Symbol,
    pub bars: Vec<Bar>,
    /// The provider failed and these bars are what was stored before.
    pub is_stale: bool,
    /// The provider's bars are synthetic demo data.
    pub is_demo: bool,
}

pub struct MarketData {
    provider: Arc<dyn MarketDataProvider>,
    cache: SeriesCache,
    /// Provider bars younger than this (seconds) are not fetched again.
    ttl_secs: i64,
    /// One refresh per symbol at a time: concurrent readers of a stale symbol wait
    /// for the first one's fetch instead of asking the provider (and writing) again.
    refreshing: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Symbols the provider said it does not know, until when (Unix seconds): asking
    /// again within the refresh period answers at once, whoever asks.
    unknown: std::sync::Mutex<HashMap<String, i64>>,
    /// The provider's last answers, for `/health`.
    health: ProviderHealth,
    /// The configured provider is the one serving (Alpha Vantage has its key).
    configured: bool,
    /// Hears about the provider's bars once they are stored.
    events: EventBus,
}

/// Negative answers remembered at most (a few dozen bytes each).
const MAX_UNKNOWN: usize = 10_000;

impl MarketData {
    pub fn new(
        provider: Arc<dyn MarketDataProvider>,
        ttl_secs: i64,
        events: EventBus,
    ) -> MarketData {
        MarketData {
            provider,
            cache: SeriesCache::new(DEFAULT_BUDGET_BYTES),
            ttl_secs,
            refreshing: std::sync::Mutex::default(),
            unknown: std::sync::Mutex::default(),
            health: ProviderHealth::default(),
            configured: true,
            events,
        }
    }

    /// The provider the configuration names.
    pub fn from_config(config: &crate::server::config::Config, events: EventBus) -> MarketData {
        use crate::server::config::market::ProviderChoice;
        let market = &config.market;
        let provider: Arc<dyn MarketDataProvider> =
            match (market.provider, &config.alpha_vantage_api_key) {
                (ProviderChoice::AlphaVantage, Some(key)) => {
                    Arc::new(super::alpha_vantage::AlphaVantage::new(
                        &market.alpha_vantage_base_url,
                        key.clone(),
                        market.alpha_vantage_timeout,
                    ))
                }
                _ => Arc::new(super::provider::DemoProvider),
            };
        let mut market_data = MarketData::new(provider, market.ttl_secs, events);
        market_data.cache = SeriesCache::new(market.series_cache_bytes);
        market_data.configured =
            market.provider == ProviderChoice::Demo || config.alpha_vantage_api_key.is_some();
        market_data
    }

    /// The provider and its last answers, for `/health`.
    pub fn health_check(&self) -> crate::health::MarketDataCheck {
        self.health.check(
            self.provider.source(),
            self.configured,
            self.provider.is_demo(),
        )
    }

    /// Whether prices come from the synthetic demo market.
    pub fn is_demo(&self) -> bool {
        self.provider.is_demo()
    }

    pub fn source(&self) -> &'static str {
        self.provider.source()
    }

    /// Symbols `owner` can ask for without a provider round trip to find out: the
    /// provider's catalog and whatever is stored for them, sorted.
    pub async fn known_symbols(&self, db: &Database, owner: &str) -> Result<Vec<String>, ApiError> {
        let mut symbols = self.provider.catalog();
        symbols.extend(store::stored_symbols(db, owner).await?);
        symbols.sort();
        symbols.dedup();
        Ok(symbols)
    }

    /// How often stored series were served from memory.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// `owner` is the user whose private imports are layered on top (`None`: shared only).
    pub async fn series(
        &self,
        db: &Database,
        symbol: &Symbol,
        owner: Option<&str>,
    ) -> Result<Series, ApiError> {
        let source = self.provider.source();
        let revisions = store::revisions(db, symbol.as_str(), owner.unwrap_or(SHARED)).await?;
        let shared_imports = self.stored(db, symbol, IMPORT, SHARED, &revisions).await?;
        let own_imports = match owner {
            Some(owner) => self.stored(db, symbol, IMPORT, owner, &revisions).await?,
            None => Arc::default(),
        };
        let mut provider_bars = self.stored(db, symbol, source, SHARED, &revisions).await?;
        // A symbol whose stored bars are all imports is served from them alone:
        // the provider is asked only for symbols it already serves, or for new ones.
        let refresh =
            if !provider_bars.is_empty() || (shared_imports.is_empty() && own_imports.is_empty()) {
                self.refresh(db, symbol, provider_bars.last().map(|b| b.ts))
                    .await
            } else {
                Refresh::Fresh
            };
        let refresh = match refresh {
            Refresh::Database(error) => return Err(ApiError::from(error)),
            other => other,
        };
        match &refresh {
            Refresh::Stored(revision) => {
                let key = series_key(symbol, source, SHARED);
                provider_bars = self.cache.load(db, &key, *revision).await?;
            }
            Refresh::Unstored(bars) => provider_bars = Arc::new(bars.clone()),
            Refresh::FetchedByOther => {
                let revisions = store::revisions(db, symbol.as_str(), SHARED).await?;
                provider_bars = self.stored(db, symbol, source, SHARED, &revisions).await?;
            }
            _ => {}
        }
        let bars = layer(&[&own_imports, &shared_imports, &provider_bars]);
        if bars.is_empty() {
            return Err(match refresh {
                Refresh::Failed(error) => provider_error(&error, symbol),
                _ => ApiError::new(ErrorCode::SymbolNotFound)
                    .with_details(json!({ "symbol": symbol.as_str() })),
            });
        }
        Ok(Series {
            symbol: symbol.clone(),
            is_stale: matches!(refresh, Refresh::Failed(_)) && !provider_bars.is_empty(),
            is_demo: self.provider.is_demo() && !provider_bars.is_empty(),
            bars,
        })
    }

    /// One stored layer at its current revision (none stored: empty).
    async fn stored(
        &self,
        db: &Database,
        symbol: &Symbol,
        source: &str,
        owner: &str,
        revisions: &[(SeriesKey, i64)],
    ) -> Result<Arc<Vec<Bar>>, sqlx::Error> {
        let key = series_key(symbol, source, owner);
        match revisions.iter().find(|(k, _)| *k == key) {
            Some((_, revision)) => self.cache.load(db, &key, *revision).await,
            None => Ok(Arc::default()),
        }
    }

    /// Fetches the provider's bars when the stored ones (the newest dated `newest`)
    /// are older than the TTL.
    async fn refresh(&self, db: &Database, symbol: &Symbol, newest: Option<i64>) -> Refresh {
        let gate = self.gate(symbol);
        let refresh = {
            let (_only_one, waited) = match gate.try_lock() {
                Ok(guard) => (guard, false),
                Err(_) => (gate.lock().await, true),
            };
            match self.refresh_now(db, symbol, newest).await {
                // Another reader refreshed while we waited: our stored copy is older.
                Refresh::Fresh if waited => Refresh::FetchedByOther,
                refresh => refresh,
            }
        };
        self.release(symbol, gate);
        refresh
    }

    async fn refresh_now(&self, db: &Database, symbol: &Symbol, newest: Option<i64>) -> Refresh {
        let source = self.provider.source();
        let now = now_unix();
        match store::refreshed_at(db, symbol.as_str(), source).await {
            Ok(Some(at)) if now - at < self.ttl_secs => return Refresh::Fresh,
            Ok(_) => {}
            Err(e) => return Refresh::Database(e),
        }
        if self.known_unknown(symbol, now) {
            return Refresh::Unknown;
        }
        let answer = self.provider.daily(symbol, today(now)).await;
        let outcome = match &answer {
            Ok(Some(_)) => "ok",
            Ok(None) => "unknown_symbol",
            Err(_) => "error",
        };
        counters::market_data_request(source, outcome);
        match &answer {
            Ok(_) => self.health.succeeded(now),
            Err(error) => self.health.failed(now, error.to_string()),
        }
        let fetched = match answer {
            Ok(Some(bars)) => bars,
            Ok(None) => {
                self.remember_unknown(symbol, now);
                return Refresh::Unknown;
            }
            Err(error) => {
                tracing::warn!(symbol = symbol.as_str(), source, error = %error, "market data refresh failed");
                return Refresh::Failed(error);
            }
        };
        match self.store_fetched(db, symbol, &fetched, newest, now).await {
            Ok(revision) => Refresh::Stored(revision),
            // The bars are good even if keeping them failed: serve them this time.
            Err(error) => {
                tracing::warn!(symbol = symbol.as_str(), %error, "fetched bars could not be stored");
                Refresh::Unstored(fetched)
            }
        }
    }

    /// Whether the provider said it does not know `symbol` within the refresh period.
    fn known_unknown(&self, symbol: &Symbol, now: i64) -> bool {
        let unknown = self.unknown.lock().unwrap_or_else(|e| e.into_inner());
        unknown
            .get(symbol.as_str())
            .is_some_and(|until| *until > now)
    }

    fn remember_unknown(&self, symbol: &Symbol, now: i64) {
        let mut unknown = self.unknown.lock().unwrap_or_else(|e| e.into_inner());
        if unknown.len() >= MAX_UNKNOWN {
            unknown.retain(|_, until| *until > now);
            if unknown.len() >= MAX_UNKNOWN {
                // Flooded with made-up symbols: forget them all rather than grow.
                unknown.clear();
            }
        }
        unknown.insert(symbol.as_str().to_string(), now + self.ttl_secs);
    }

    /// The lock that serialises refreshes of `symbol`.
    fn gate(&self, symbol: &Symbol) -> Arc<tokio::sync::Mutex<()>> {
        let mut gates = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        gates
            .entry(symbol.as_str().to_string())
            .or_default()
            .clone()
    }

    /// Forgets the gate once nobody else holds or waits for it (the map stays small).
    fn release(&self, symbol: &Symbol, gate: Arc<tokio::sync::Mutex<()>>) {
        let mut gates = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        // Ours and the map's: nobody is waiting.
        if Arc::strong_count(&gate) == 2 {
            gates.remove(symbol.as_str());
        }
    }

    /// Stores what is new since the last fetch (plus a few days of corrections),
    /// and the fetch time, in one transaction; answers the series' new revision.
    async fn store_fetched(
        &self,
        db: &Database,
        symbol: &Symbol,
        bars: &[Bar],
        newest: Option<i64>,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        let source = self.provider.source();
        let from = newest.map_or(i64::MIN, |ts| ts - REWRITE_DAYS * DAY_SECS);
        let start = bars.partition_point(|b| b.ts < from);
        let mut tx = db.begin().await?;
        let revision = store::upsert(
            &mut tx,
            symbol.as_str(),
            source,
            SHARED,
            &bars[start..],
            now,
        )
        .await?;
        store::write_snapshot(&mut tx, symbol.as_str(), source, SHARED, revision).await?;
        store::mark_refreshed(&mut *tx, symbol.as_str(), source, now).await?;
        tx.commit().await?;
        self.events.publish(Event::BarsChanged {
            symbol: symbol.clone(),
            owner: None,
            cause: BarsCause::ProviderRefresh,
        });
        Ok(revision)
    }
}

enum Refresh {
    /// Stored bars are young enough (or the provider was not asked).
    Fresh,
    /// New bars were fetched and stored, making this revision of the series.
    Stored(i64),
    /// Another request fetched and stored them while this one waited its turn.
    FetchedByOther,
    /// New bars were fetched but could not be stored; served as they are.
    Unstored(Vec<Bar>),
    /// The database could not say when the symbol was last fetched.
    Database(sqlx::Error),
    /// The provider does not know the symbol.
    Unknown,
    Failed(ProviderError),
}

fn series_key(symbol: &Symbol, source: &str, owner: &str) -> SeriesKey {
    SeriesKey {
        symbol: symbol.as_str().to_string(),
        source: source.to_string(),
        owner: owner.to_string(),
    }
}

/// The provider failed and nothing is stored: 502 `DATA_PROVIDER_ERROR`, with why.
fn provider_error(error: &ProviderError, symbol: &Symbol) -> ApiError {
    ApiError::new(ErrorCode::DataProviderError)
        .with_details(json!({ "symbol": symbol.as_str(), "reason": error.to_string() }))
}

mod many;
#[cfg(test)]
mod tests;
