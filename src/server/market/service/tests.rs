use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;

use super::*;
use crate::server::market::provider::DemoProvider;

/// The demo market, counting how often it is asked and answering slowly.
struct Counting(AtomicUsize);

#[async_trait]
impl MarketDataProvider for Counting {
    fn source(&self) -> &'static str {
        "demo"
    }
    fn is_demo(&self) -> bool {
        true
    }
    async fn daily(
        &self,
        symbol: &Symbol,
        last_day: i64,
    ) -> Result<Option<Vec<Bar>>, ProviderError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        DemoProvider.daily(symbol, last_day).await
    }
}

/// A fresh SQLite database in `dir`, migrated.
async fn migrated_db(dir: &tempfile::TempDir) -> Database {
    let db = Database::connect(&format!("sqlite://{}/market.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db
}

#[tokio::test]
async fn concurrent_readers_of_a_stale_symbol_ask_the_provider_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = migrated_db(&dir).await;
    let provider = Arc::new(Counting(AtomicUsize::new(0)));
    let events = EventBus::default();
    let changes = Arc::new(BarChanges::default());
    events.subscribe(changes.clone());
    let market = Arc::new(MarketData::new(provider.clone(), 600, events));
    let symbol = Symbol::parse("AAPL").unwrap();
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let (market, db, symbol) = (market.clone(), db.clone(), symbol.clone());
            tokio::spawn(async move {
                market
                    .series(&db, &symbol, None)
                    .await
                    .map(|s| s.bars.len())
            })
        })
        .collect();
    let mut lengths = Vec::new();
    for reader in readers {
        lengths.push(reader.await.unwrap().unwrap());
    }
    assert_eq!(
        provider.0.load(Ordering::SeqCst),
        1,
        "one fetch for eight readers"
    );
    assert!(
        lengths.iter().all(|&n| n == lengths[0] && n > 0),
        "{lengths:?}"
    );
    assert!(
        market.refreshing.lock().unwrap().is_empty(),
        "gates are released"
    );
    assert_eq!(
        *changes.0.lock().unwrap(),
        ["AAPL"],
        "the stored fetch is announced once"
    );
}

#[derive(Default)]
struct BarChanges(std::sync::Mutex<Vec<String>>);

impl crate::server::events::Listener for BarChanges {
    fn on(&self, event: &Event) {
        if let Event::BarsChanged {
            symbol,
            owner: None,
            cause: BarsCause::ProviderRefresh,
        } = event
        {
            self.0.lock().unwrap().push(symbol.to_string());
        }
    }
}

fn day_bars(first_day: i64, days: i64) -> Vec<Bar> {
    (first_day..first_day + days)
        .map(|day| {
            let close = 50.0 + (day % 7) as f64 / 3.0;
            Bar {
                ts: day * crate::market::DAY_SECS,
                open: close - 0.25,
                high: close + 1.0,
                low: close - 1.0,
                close,
                volume: 1_000.0 + day as f64,
            }
        })
        .collect()
}

async fn snapshot_revision(db: &Database, symbol: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT revision FROM series_snapshots WHERE symbol = $1 AND source = $2")
        .bind(symbol)
        .bind(IMPORT)
        .fetch_optional(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_series_is_read_back_from_its_packed_copy_and_a_stale_copy_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db = migrated_db(&dir).await;
    let events = EventBus::default();
    let symbol = Symbol::parse("PACKD").unwrap();
    let first = day_bars(20_000, 3_000);
    crate::server::market::import::store_import(
        &db,
        &events,
        &symbol,
        SHARED,
        &first,
        None,
        |_| {},
    )
    .await
    .unwrap();
    // 3 000 bars are stored in two chunks, two revisions, one packed copy of the last.
    assert_eq!(snapshot_revision(&db, "PACKD").await, Some(2));
    let key = series_key(&symbol, IMPORT, SHARED);
    assert_eq!(
        store::load_snapshot(&db, &key, 2).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(store::load_snapshot(&db, &key, 1).await.unwrap(), None);

    // A later import overlapping the end: the copy holds the merged series.
    let more = day_bars(22_990, 20);
    crate::server::market::import::store_import(&db, &events, &symbol, SHARED, &more, None, |_| {})
        .await
        .unwrap();
    let merged = store::load(&db, "PACKD", IMPORT, SHARED).await.unwrap();
    assert_eq!(merged.len(), 3_010);
    assert_eq!(
        store::load_snapshot(&db, &key, 3).await.unwrap(),
        Some(merged.clone())
    );

    // A copy left at an older revision (written before copies existed, say) is not
    // served: the rows are, and they become the copy.
    sqlx::query("UPDATE series_snapshots SET revision = 1, packed = $1 WHERE symbol = 'PACKD'")
        .bind(crate::market::packed::pack(&first[..10]))
        .execute(db.pool())
        .await
        .unwrap();
    let market = MarketData::new(Arc::new(DemoProvider), 600, events);
    let series = market.series(&db, &symbol, None).await.unwrap();
    assert_eq!(series.bars.as_slice(), merged.as_slice());
    assert_eq!(snapshot_revision(&db, "PACKD").await, Some(3));
    assert_eq!(
        store::load_snapshot(&db, &key, 3).await.unwrap(),
        Some(merged)
    );
}

#[tokio::test]
async fn many_series_read_together_equal_each_read_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = migrated_db(&dir).await;
    let events = EventBus::default();
    let import = |symbol: &str, owner: &'static str, bars: Vec<Bar>| {
        let (db, events, symbol) = (db.clone(), events.clone(), Symbol::parse(symbol).unwrap());
        async move {
            crate::server::market::import::store_import(
                &db,
                &events,
                &symbol,
                owner,
                &bars,
                None,
                |_| {},
            )
            .await
            .unwrap();
        }
    };
    import("SHRD", SHARED, day_bars(20_000, 300)).await;
    // The user's own bars over the shared ones for part of the range, and a symbol
    // only they imported.
    import("SHRD", "user-1", day_bars(20_250, 100)).await;
    import("MINE", "user-1", day_bars(20_100, 50)).await;
    let market = MarketData::new(Arc::new(DemoProvider), 600, events);
    let symbols: Vec<Symbol> = ["SHRD", "AAPL", "MINE", "SHRD"]
        .iter()
        .map(|s| Symbol::parse(s).unwrap())
        .collect();
    let together = market
        .series_many(&db, &symbols, Some("user-1"))
        .await
        .unwrap();
    let mut alone = Vec::new();
    for symbol in &symbols {
        alone.push(market.series(&db, symbol, Some("user-1")).await.unwrap());
    }
    assert_eq!(together, alone);
    assert_eq!(
        together[0].bars.len(),
        350,
        "own bars layered over the shared ones"
    );
    assert!(
        together[1].is_demo,
        "a provider symbol is read as `series` reads it"
    );

    // Without the user: their imports are not seen, the shared one still is.
    let shared_only = market.series_many(&db, &symbols[..2], None).await.unwrap();
    assert_eq!(shared_only[0].bars.len(), 300);
    let error = market
        .series_many(&db, &symbols[2..3], None)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::SymbolNotFound);
}
