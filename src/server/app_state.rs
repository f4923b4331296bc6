//! What every handler and server function can reach: passed by axum's `State`
//! and, for Leptos, by context. No globals.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::auth::AuthKeys;
use super::compute::ComputePool;
use super::config::Config;
use super::crypto::Sealer;
use super::db::Database;
use super::live::LiveHub;
use super::market::service::MarketData;
use super::rate_limit::RateLimiter;
use super::signals::cache::SignalCache;
use super::sonar::runs::SonarState;
use super::stats::RequestStats;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub db: Database,
    /// Present when `REDIS_URL` is set; connections are opened on use.
    pub redis: Option<redis::Client>,
    pub auth: Arc<AuthKeys>,
    /// Seals and opens the secrets stored for users (`ENCRYPTION_KEY`).
    pub sealer: Arc<Sealer>,
    pub limiter: Arc<RateLimiter>,
    pub market: Arc<MarketData>,
    pub signal_cache: Arc<SignalCache>,
    pub sonar: Arc<SonarState>,
    pub live: Arc<LiveHub>,
    pub stats: Arc<RequestStats>,
    /// Backtests and other heavy work: bounded, off the async workers, cancellable.
    pub compute: Arc<ComputePool>,
    pub started_at: Instant,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{0}")]
    Redis(String),
    #[error("cannot prepare password hashing: {0}")]
    Auth(argon2::password_hash::Error),
}

impl AppState {
    pub fn new(
        config: Config,
        leptos_options: LeptosOptions,
        db: Database,
    ) -> Result<AppState, StateError> {
        let redis = super::redis_link::client(&config).map_err(StateError::Redis)?;
        let auth = AuthKeys::new(&config).map_err(StateError::Auth)?;
        let sealer = Sealer::new(
            &config.encryption_key,
            config.encryption_key_previous.as_ref(),
        );
        let limiter = RateLimiter::new(redis.clone(), &config.redis_key_prefix);
        let signal_cache = SignalCache::new(redis.clone(), &config.redis_key_prefix);
        // Counters recorded before the recorder exists would be lost.
        super::stats::prometheus::handle();
        let market = MarketData::from_config(&config);
        let live = LiveHub::new(
            market.is_demo(),
            config.market.live_tick,
            config.market.live_heartbeat,
        );
        Ok(AppState {
            leptos_options,
            live: Arc::new(live),
            stats: Arc::default(),
            compute: Arc::default(),
            limiter: Arc::new(limiter),
            market: Arc::new(market),
            signal_cache: Arc::new(signal_cache),
            sonar: Arc::default(),
            auth: Arc::new(auth),
            sealer: Arc::new(sealer),
            config: Arc::new(config),
            db,
            redis,
            started_at: Instant::now(),
        })
    }
}
