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

#[tokio::test]
async fn concurrent_readers_of_a_stale_symbol_ask_the_provider_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::connect(&format!("sqlite://{}/m.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
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
