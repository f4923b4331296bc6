//! Where provider bars come from, behind one trait. `demo` (the default) generates
//! them offline; the configuration picks the provider.

use async_trait::async_trait;

use crate::domain::symbol::Symbol;
use crate::market::{demo, Bar};

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider did not answer in time")]
    Timeout,
    #[error("the provider is rate limiting us: {0}")]
    RateLimited(String),
    #[error("the provider failed: {0}")]
    Failed(String),
}

#[async_trait]
pub trait MarketDataProvider: Send + Sync {
    /// The `source` its bars are stored under.
    fn source(&self) -> &'static str;

    /// Whether its data is synthetic (shown as "demo data" everywhere).
    fn is_demo(&self) -> bool;

    /// Symbols it is known to serve without asking it (for suggestions).
    fn catalog(&self) -> Vec<String> {
        Vec::new()
    }

    /// Daily bars through `last_day` (a day number), oldest first; `None` when the
    /// provider does not know the symbol.
    async fn daily(
        &self,
        symbol: &Symbol,
        last_day: i64,
    ) -> Result<Option<Vec<Bar>>, ProviderError>;
}

/// The offline demo market (`src/market/demo.rs`).
pub struct DemoProvider;

#[async_trait]
impl MarketDataProvider for DemoProvider {
    fn source(&self) -> &'static str {
        "demo"
    }

    fn is_demo(&self) -> bool {
        true
    }

    fn catalog(&self) -> Vec<String> {
        demo::SYMBOLS.iter().map(|(s, ..)| s.to_string()).collect()
    }

    async fn daily(
        &self,
        symbol: &Symbol,
        last_day: i64,
    ) -> Result<Option<Vec<Bar>>, ProviderError> {
        Ok(demo::bars(symbol.as_str(), last_day))
    }
}
