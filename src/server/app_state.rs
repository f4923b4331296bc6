//! What every handler and server function can reach: passed by axum's `State`
//! and, for Leptos, by context. No globals.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::accounts::service::AccountDeps;
use super::auth::AuthKeys;
use super::backtests::BacktestDeps;
use super::clock::Clock;
use super::compute::ComputePool;
use super::config::Config;
use super::crypto::Sealer;
use super::db::Database;
use super::events::EventBus;
use super::live::LiveHub;
use super::market::service::MarketData;
use super::rate_limit::RateLimiter;
use super::screener::ScreenDeps;
use super::signals::cache::SignalCache;
use super::signals::service::SignalDeps;
use super::sonar::runs::SonarState;
use super::sonar::service::SonarDeps;
use super::telemetry::RequestStats;
use super::watchlists::service::WatchlistDeps;

/// The application, shared behind one `Arc`: axum clones the state for every request
/// a handler takes (and Leptos for every render), so a clone must cost one increment,
/// not a copy of every part's strings.
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// Leptos' handlers read their options from the state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

pub struct AppParts {
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
    pub traffic: Arc<RequestStats>,
    /// Backtests and other heavy work: bounded, off the async workers, cancellable.
    pub compute: Arc<ComputePool>,
    pub started_at: Instant,
    /// Services publish what happened here; the live hub and statistics listen.
    pub events: EventBus,
    /// What services read the time from (a manual clock in tests).
    pub clock: Clock,
}

impl FromRef<AppState> for SignalDeps {
    fn from_ref(state: &AppState) -> SignalDeps {
        SignalDeps {
            db: state.db.clone(),
            market: state.market.clone(),
            cache: state.signal_cache.clone(),
            events: state.events.clone(),
        }
    }
}

impl FromRef<AppState> for WatchlistDeps {
    fn from_ref(state: &AppState) -> WatchlistDeps {
        WatchlistDeps {
            db: state.db.clone(),
            market: state.market.clone(),
        }
    }
}

impl FromRef<AppState> for BacktestDeps {
    fn from_ref(state: &AppState) -> BacktestDeps {
        BacktestDeps {
            db: state.db.clone(),
            market: state.market.clone(),
            compute: state.compute.clone(),
        }
    }
}

impl FromRef<AppState> for ScreenDeps {
    fn from_ref(state: &AppState) -> ScreenDeps {
        ScreenDeps {
            db: state.db.clone(),
            market: state.market.clone(),
            compute: state.compute.clone(),
        }
    }
}

impl FromRef<AppState> for AccountDeps {
    fn from_ref(state: &AppState) -> AccountDeps {
        AccountDeps {
            db: state.db.clone(),
            auth: state.auth.clone(),
            limiter: state.limiter.clone(),
            events: state.events.clone(),
        }
    }
}

impl FromRef<AppState> for SonarDeps {
    fn from_ref(state: &AppState) -> SonarDeps {
        SonarDeps {
            db: state.db.clone(),
            loaded: state.sonar.loaded.clone(),
        }
    }
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
        AppState::with_clock(config, leptos_options, db, Clock::system())
    }

    /// As [`AppState::new`], reading the time from `clock`.
    pub fn with_clock(
        config: Config,
        leptos_options: LeptosOptions,
        db: Database,
        clock: Clock,
    ) -> Result<AppState, StateError> {
        let redis = super::redis_link::client(&config).map_err(StateError::Redis)?;
        let auth = AuthKeys::new(&config).map_err(StateError::Auth)?;
        let sealer = Sealer::new(
            &config.encryption_key,
            config.encryption_key_previous.as_ref(),
        );
        let limiter = RateLimiter::new(redis.clone(), &config.redis_key_prefix, clock.clone());
        let signal_cache = SignalCache::new(redis.clone(), &config.redis_key_prefix);
        // Counters recorded before the recorder exists would be lost.
        super::telemetry::prometheus::handle();
        let events = EventBus::default();
        let market = MarketData::from_config(&config, events.clone());
        let live = Arc::new(LiveHub::new(
            market.is_demo(),
            config.market.live_tick,
            config.market.live_heartbeat,
        ));
        let stats = Arc::new(RequestStats::default());
        events.subscribe(live.clone());
        events.subscribe(stats.clone());
        Ok(AppState(Arc::new(AppParts {
            leptos_options,
            live,
            traffic: stats,
            events,
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
            clock,
        })))
    }
}
