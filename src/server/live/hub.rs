//! The live feed's hub: which symbols are followed (and by how many connections),
//! the demo market's intraday walks, and one broadcast channel every connection
//! listens to and filters for its own symbols and user.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use super::admission::Admission;
use crate::market::live_walk::{LiveWalk, Quote};
use crate::server::api_error::ApiError;
use crate::server::clock::now_rfc3339;
use crate::server::events::{Event, Listener};
use crate::wire::live::{MarketUpdate, SignalUpdate};
use crate::wire::signals::SignalView;

/// Events a connection may fall behind by before it counts as too slow and is dropped.
const EVENT_BUFFER: usize = 1_024;

#[derive(Clone, Debug)]
pub enum LiveEvent {
    Market(MarketUpdate),
    /// Only for connections of `user_id`.
    Signal {
        user_id: String,
        update: SignalUpdate,
    },
    /// The user was deactivated or changed their password: their connections end.
    SignedOut {
        user_id: String,
    },
}

/// Where a newly followed symbol's walk starts: its last daily bar.
pub trait LastBar: Send + Sync {
    /// `(close, volume)` of the symbol's last stored day.
    fn last_bar(&self, symbol: &str) -> impl Future<Output = Result<(f64, f64), ApiError>> + Send;
}

struct Followed {
    walk: LiveWalk,
    connections: usize,
}

pub struct LiveHub {
    events: broadcast::Sender<Arc<LiveEvent>>,
    followed: Mutex<HashMap<String, Followed>>,
    connections: AtomicUsize,
    /// Connection places and live symbols per user and address.
    pub admission: Arc<Admission>,
    shutdown: watch::Sender<bool>,
    /// The demo provider moves prices; others only answer with the last close.
    is_demo: bool,
    pub tick: Duration,
    pub heartbeat: Duration,
}

impl LiveHub {
    pub fn new(is_demo: bool, tick: Duration, heartbeat: Duration) -> LiveHub {
        LiveHub {
            events: broadcast::channel(EVENT_BUFFER).0,
            followed: Mutex::default(),
            connections: AtomicUsize::new(0),
            admission: Arc::default(),
            shutdown: watch::channel(false).0,
            is_demo,
            tick,
            heartbeat,
        }
    }

    pub fn events(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.events.subscribe()
    }

    /// Becomes `true` when the server shuts down: connections close with a close frame.
    pub fn shutting_down(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    /// Open WebSocket connections.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    pub(super) fn connection_opened(&self) {
        let open = self.connections.fetch_add(1, Ordering::Relaxed) + 1;
        metrics::gauge!("websocket_connections").set(open as f64);
    }

    pub(super) fn connection_closed(&self) {
        let open = self.connections.fetch_sub(1, Ordering::Relaxed) - 1;
        metrics::gauge!("websocket_connections").set(open as f64);
    }

    /// Starts following `symbol` for one more connection; answers its current quote.
    pub async fn follow(
        &self,
        symbol: &str,
        source: &impl LastBar,
    ) -> Result<MarketUpdate, ApiError> {
        if let Some(quote) = self.add_follower(symbol) {
            return Ok(self.update(symbol, quote));
        }
        let (close, volume) = source.last_bar(symbol).await?;
        let mut followed = self.lock();
        let entry = followed
            .entry(symbol.to_string())
            .or_insert_with(|| Followed {
                walk: LiveWalk::new(close, volume),
                connections: 0,
            });
        entry.connections += 1;
        let quote = entry.walk.quote();
        drop(followed);
        Ok(self.update(symbol, quote))
    }

    fn add_follower(&self, symbol: &str) -> Option<Quote> {
        let mut followed = self.lock();
        let entry = followed.get_mut(symbol)?;
        entry.connections += 1;
        Some(entry.walk.quote())
    }

    /// One connection stops following `symbol`. Its walk is kept, so a symbol
    /// followed again continues where it was.
    pub fn unfollow(&self, symbol: &str) {
        if let Some(entry) = self.lock().get_mut(symbol) {
            entry.connections = entry.connections.saturating_sub(1);
        }
    }

    /// Moves every followed symbol one step (demo market only) and publishes it.
    /// `draw` yields uniform numbers in [0, 1).
    pub fn tick_once(&self, mut draw: impl FnMut() -> f64) {
        if !self.is_demo {
            return;
        }
        let quotes: Vec<(String, Quote)> = self
            .lock()
            .iter_mut()
            .filter(|(_, entry)| entry.connections > 0)
            .map(|(symbol, entry)| {
                let shock = standard_normal(draw(), draw());
                (symbol.clone(), entry.walk.step(shock, draw()))
            })
            .collect();
        for (symbol, quote) in quotes {
            let update = self.update(&symbol, quote);
            // No receivers is not an error: nobody is listening right now.
            let _ = self.events.send(Arc::new(LiveEvent::Market(update)));
        }
    }

    /// Tells the user's connections about signals just stored.
    fn publish_signals(&self, user_id: &str, signals: &[SignalView]) {
        for signal in signals {
            let update = SignalUpdate {
                id: signal.id.clone(),
                symbol: signal.symbol.clone(),
                signal: signal.signal.clone(),
                confidence: signal.confidence,
                price: signal.price,
                model: signal.model.clone(),
                ts: signal.ts.clone(),
                created_at: signal.created_at.clone(),
            };
            let _ = self.events.send(Arc::new(LiveEvent::Signal {
                user_id: user_id.to_string(),
                update,
            }));
        }
    }

    fn update(&self, symbol: &str, quote: Quote) -> MarketUpdate {
        MarketUpdate {
            symbol: symbol.to_string(),
            price: quote.price,
            change: quote.change,
            change_pct: quote.change_pct,
            volume: quote.volume,
            ts: now_rfc3339(),
            is_demo: self.is_demo,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Followed>> {
        // A panic while holding the lock leaves only quotes behind: keep serving them.
        self.followed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The feed follows the signal service and account changes through the event bus.
impl Listener for LiveHub {
    fn on(&self, event: &Event) {
        match event {
            Event::SignalsStored {
                user_id, signals, ..
            } => self.publish_signals(user_id, signals),
            Event::UserChanged { user_id, change } if change.ends_sessions() => {
                let user_id = user_id.clone();
                let _ = self.events.send(Arc::new(LiveEvent::SignedOut { user_id }));
            }
            _ => {}
        }
    }
}

/// Box–Muller: a standard normal draw from two uniform ones in [0, 1).
fn standard_normal(u1: f64, u2: f64) -> f64 {
    let u1 = u1.max(f64::MIN_POSITIVE);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Ticks the demo market until the server stops.
pub fn spawn_feed(hub: Arc<LiveHub>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::from_os_rng();
        let mut ticks = tokio::time::interval(hub.tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticks.tick().await;
            hub.tick_once(|| rng.random::<f64>());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FixedBars;

    impl LastBar for FixedBars {
        async fn last_bar(&self, symbol: &str) -> Result<(f64, f64), ApiError> {
            match symbol {
                "AAPL" => Ok((190.0, 23_400_000.0)),
                _ => Err(ApiError::new(
                    crate::error_catalog::ErrorCode::SymbolNotFound,
                )),
            }
        }
    }

    fn hub() -> LiveHub {
        LiveHub::new(true, Duration::from_secs(1), Duration::from_secs(15))
    }

    #[tokio::test]
    async fn following_answers_the_last_close_and_ticks_move_it() {
        let hub = hub();
        let mut events = hub.events();
        let first = hub.follow("AAPL", &FixedBars).await.unwrap();
        assert_eq!((first.price, first.change), (190.0, 0.0));
        assert!(first.is_demo);
        // u1 = e^-2 and u2 = 0 make a shock of exactly +2.
        let mut draws = [(-2.0f64).exp(), 0.0, 0.5].into_iter().cycle();
        hub.tick_once(|| draws.next().unwrap());
        let LiveEvent::Market(update) = &*events.try_recv().unwrap() else {
            panic!("expected a market update");
        };
        assert_eq!(update.symbol, "AAPL");
        assert_eq!(update.price, 190.57);
        assert_eq!(update.change, 0.57);
        assert_eq!(update.volume, 1_000.0);
    }

    #[tokio::test]
    async fn unfollowed_symbols_stand_still_and_resume_where_they_were() {
        let hub = hub();
        let mut events = hub.events();
        hub.follow("AAPL", &FixedBars).await.unwrap();
        hub.tick_once(|| 0.9);
        let moved = hub.follow("AAPL", &FixedBars).await.unwrap();
        hub.unfollow("AAPL");
        hub.unfollow("AAPL");
        while events.try_recv().is_ok() {}
        hub.tick_once(|| 0.9);
        assert!(events.try_recv().is_err(), "nobody follows AAPL");
        let again = hub.follow("AAPL", &FixedBars).await.unwrap();
        assert_eq!(again.price, moved.price);
    }

    #[tokio::test]
    async fn unknown_symbols_are_refused_and_not_followed() {
        let hub = hub();
        assert!(hub.follow("NOPE", &FixedBars).await.is_err());
        let mut events = hub.events();
        hub.tick_once(|| 0.3);
        assert!(events.try_recv().is_err());
    }

    #[tokio::test]
    async fn other_providers_publish_no_ticks() {
        let hub = LiveHub::new(false, Duration::from_secs(1), Duration::from_secs(15));
        let quote = hub.follow("AAPL", &FixedBars).await.unwrap();
        assert!(!quote.is_demo);
        let mut events = hub.events();
        hub.tick_once(|| 0.3);
        assert!(events.try_recv().is_err());
    }

    #[test]
    fn box_muller_matches_its_formula() {
        assert!((standard_normal((-2.0f64).exp(), 0.0) - 2.0).abs() < 1e-12);
        assert!((standard_normal((-2.0f64).exp(), 0.5) + 2.0).abs() < 1e-12);
        assert!(standard_normal(0.0, 0.0).is_finite());
    }
}
