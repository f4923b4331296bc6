//! The universe screener's server side: checking a screen, reading its universe and
//! running it (`service`), and saved screens (`saved`).

pub mod export;
pub mod plan;
pub mod saved;
pub mod service;

use std::sync::Arc;

use crate::server::compute::ComputePool;
use crate::server::db::Database;
use crate::server::market::service::MarketData;

/// What screens use: the database (universe, saved screens), the series and the
/// compute pool the screen runs in.
#[derive(Clone)]
pub struct ScreenDeps {
    pub db: Database,
    pub market: Arc<MarketData>,
    pub compute: Arc<ComputePool>,
}
