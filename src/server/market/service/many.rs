//! Many series in one call (portfolios, screens): a cold read of thousands of
//! symbols costs a few queries instead of a few per symbol.

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

use super::{MarketData, Series};
use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::market::{layer, Bar};
use crate::server::api_error::ApiError;
use crate::server::db::Database;
use crate::server::market::store::{self, SeriesKey, IMPORT, SHARED};

/// Symbols the provider serves are read this many at a time, each as `series` reads it.
const CONCURRENT_SINGLE_READS: usize = 16;

/// How one symbol is read.
enum Plan {
    /// Stored bars are all imports: these positions in the batched read, own first.
    Imports {
        own: Option<usize>,
        shared: Option<usize>,
    },
    /// The provider may be asked: read by [`MarketData::series`].
    Single,
}

impl MarketData {
    /// The series of each symbol, in order, equal to what [`MarketData::series`] gives
    /// for it. Symbols whose stored bars are all imports need no provider: their
    /// revisions come in one query and their bars together (the cache, then packed
    /// copies in batches); the others go through `series`, a few at a time.
    pub async fn series_many(
        &self,
        db: &Database,
        symbols: &[Symbol],
        owner: Option<&str>,
    ) -> Result<Vec<Series>, ApiError> {
        let shared = self.bars_many(db, symbols, owner).await?;
        Ok(symbols
            .iter()
            .zip(shared)
            .map(|(symbol, (bars, is_demo))| Series {
                symbol: symbol.clone(),
                bars: Arc::unwrap_or_clone(bars),
                is_stale: false,
                is_demo,
            })
            .collect())
    }

    /// What [`MarketData::series_many`] reads, each symbol's bars shared with the
    /// cache instead of copied when one layer holds them all (a screen over
    /// thousands of symbols reads them without a second copy), with whether they
    /// are the demo market's.
    pub async fn bars_many(
        &self,
        db: &Database,
        symbols: &[Symbol],
        owner: Option<&str>,
    ) -> Result<Vec<(Arc<Vec<Bar>>, bool)>, ApiError> {
        let viewer = owner.unwrap_or(SHARED);
        let names: Vec<&str> = symbols.iter().map(Symbol::as_str).collect();
        let revisions = store::revisions_of(db, &names, viewer).await?;
        let source = self.provider.source();
        let mut wanted: Vec<(SeriesKey, i64)> = Vec::new();
        let mut want = |key: &(SeriesKey, i64)| {
            wanted.push(key.clone());
            wanted.len() - 1
        };
        let plans: Vec<Plan> = symbols
            .iter()
            .map(|symbol| {
                let keys = revisions
                    .get(symbol.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let import_of = |layer_owner: &str| {
                    keys.iter()
                        .find(|(key, _)| key.source == IMPORT && key.owner == layer_owner)
                };
                let from_provider = keys.iter().any(|(key, _)| key.source == source);
                let shared = import_of(SHARED);
                let own = owner.and_then(|_| import_of(viewer).filter(|_| viewer != SHARED));
                if from_provider || (shared.is_none() && own.is_none()) {
                    return Plan::Single;
                }
                Plan::Imports {
                    own: own.map(&mut want),
                    shared: shared.map(&mut want),
                }
            })
            .collect();
        let loaded = self.cache.load_many(db, &wanted).await?;
        let single: Vec<Symbol> = symbols
            .iter()
            .zip(&plans)
            .filter(|(_, plan)| matches!(plan, Plan::Single))
            .map(|(symbol, _)| symbol.clone())
            .collect();
        // Owned symbols: a borrowing closure here trips rustc's `Send` check of the future.
        let singles: Vec<Series> = futures_util::stream::iter(single)
            .map(|symbol| async move { self.series(db, &symbol, owner).await })
            .buffered(CONCURRENT_SINGLE_READS)
            .try_collect()
            .await?;
        let mut singles = singles.into_iter();
        symbols
            .iter()
            .zip(plans)
            .map(|(symbol, plan)| match plan {
                Plan::Single => {
                    let series = singles.next().expect("one series per single read");
                    Ok((Arc::new(series.bars), series.is_demo))
                }
                Plan::Imports { own, shared } => {
                    let filled: Vec<&Arc<Vec<Bar>>> = [own, shared]
                        .into_iter()
                        .flatten()
                        .map(|i| &loaded[i])
                        .filter(|bars| !bars.is_empty())
                        .collect();
                    let bars = match filled.as_slice() {
                        [] => {
                            return Err(ApiError::new(ErrorCode::SymbolNotFound)
                                .with_details(json!({ "symbol": symbol.as_str() })))
                        }
                        [only] => Arc::clone(only),
                        several => {
                            let layers: Vec<&[Bar]> =
                                several.iter().map(|b| b.as_slice()).collect();
                            Arc::new(layer(&layers))
                        }
                    };
                    Ok((bars, false))
                }
            })
            .collect()
    }
}
