//! The browser's side of the live feed (`/ws`): one WebSocket per tab, opened when a
//! page first wants a symbol, subscriptions kept in step with what is on screen,
//! reconnection with backoff, and the latest quote and signal per symbol as
//! signals, so prices update in place. On the server everything here is inert.

use std::collections::{BTreeMap, HashMap};

use leptos::prelude::*;

use crate::wire::live::{MarketUpdate, SignalUpdate};

/// What the connection is doing, shown beside live prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStatus {
    /// Nothing on the page is live (and always on the server).
    Idle,
    Connecting,
    Live,
    /// Lost; trying again shortly.
    Reconnecting,
    /// The browser is offline or the server has not answered for a while; still retrying.
    Offline,
}

impl LiveStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LiveStatus::Idle => "idle",
            LiveStatus::Connecting => "connecting",
            LiveStatus::Live => "live",
            LiveStatus::Reconnecting => "reconnecting",
            LiveStatus::Offline => "offline",
        }
    }

    fn label(self) -> &'static str {
        match self {
            LiveStatus::Idle => "",
            LiveStatus::Connecting => "Connecting…",
            LiveStatus::Live => "Live",
            LiveStatus::Reconnecting => "Reconnecting…",
            LiveStatus::Offline => "Offline",
        }
    }
}

/// Failed attempts after which "reconnecting" becomes "offline".
const OFFLINE_AFTER: u32 = 4;

/// Milliseconds before reconnect attempt `attempt` (1-based): doubling from half a
/// second up to ten, times `jitter` in [0.75, 1.25) so tabs do not return in step.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    let base = 500u32.saturating_mul(1 << attempt.saturating_sub(1).min(5));
    (f64::from(base.min(10_000)) * jitter.clamp(0.75, 1.25)) as u32
}

/// Status after `attempts` consecutive failed connections.
pub fn status_after_failures(attempts: u32, browser_online: bool) -> LiveStatus {
    if !browser_online || attempts >= OFFLINE_AFTER {
        LiveStatus::Offline
    } else {
        LiveStatus::Reconnecting
    }
}

#[derive(Clone, Copy)]
pub struct LiveFeed {
    status: RwSignal<LiveStatus>,
    quotes: RwSignal<HashMap<String, MarketUpdate>>,
    signals: RwSignal<HashMap<String, SignalUpdate>>,
    /// Symbols on screen, with how many views show each.
    wanted: StoredValue<BTreeMap<String, usize>>,
}

impl LiveFeed {
    pub fn status(&self) -> LiveStatus {
        self.status.get()
    }

    /// The latest quote of `symbol`; changes only when that symbol's quote does.
    pub fn quote(&self, symbol: &str) -> Memo<Option<MarketUpdate>> {
        let quotes = self.quotes;
        let symbol = symbol.to_string();
        Memo::new(move |_| quotes.with(|q| q.get(&symbol).cloned()))
    }

    /// The newest signal pushed for `symbol` since the page loaded.
    pub fn signal(&self, symbol: &str) -> Memo<Option<SignalUpdate>> {
        let signals = self.signals;
        let symbol = symbol.to_string();
        Memo::new(move |_| signals.with(|s| s.get(&symbol).cloned()))
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn want(&self, symbols: &[String]) {
        self.wanted.update_value(|wanted| {
            for symbol in symbols {
                *wanted.entry(symbol.clone()).or_default() += 1;
            }
        });
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn unwant(&self, symbols: &[String]) {
        self.wanted.update_value(|wanted| {
            for symbol in symbols {
                if let Some(count) = wanted.get_mut(symbol) {
                    *count -= 1;
                    if *count == 0 {
                        wanted.remove(symbol);
                    }
                }
            }
        });
    }
}

/// Made once, at the root, so the connection outlives page changes.
pub fn provide_live_feed() {
    provide_context(LiveFeed {
        status: RwSignal::new(LiveStatus::Idle),
        quotes: RwSignal::new(HashMap::new()),
        signals: RwSignal::new(HashMap::new()),
        wanted: StoredValue::new(BTreeMap::new()),
    });
}

/// Follows `symbols` live while the calling view is on screen.
pub fn use_live(symbols: Vec<String>) -> LiveFeed {
    let feed = expect_context::<LiveFeed>();
    #[cfg(feature = "hydrate")]
    {
        feed.want(&symbols);
        browser::schedule_sync(feed);
        on_cleanup(move || {
            feed.unwant(&symbols);
            browser::schedule_sync(feed);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = symbols;
    feed
}

/// "Live", "Reconnecting…" or "Offline", for pages with live prices.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let feed = expect_context::<LiveFeed>();
    let status = move || feed.status();
    let dot = move || match status() {
        LiveStatus::Live => "bg-emerald-500 motion-safe:animate-pulse",
        LiveStatus::Reconnecting | LiveStatus::Connecting => "bg-amber-500",
        LiveStatus::Offline => "bg-rose-500",
        LiveStatus::Idle => "hidden",
    };
    view! {
        <span
            class=move || {
                if status() == LiveStatus::Idle { "hidden" } else {
                    "inline-flex items-center gap-1.5 rounded-full border border-slate-300 px-2 py-0.5 text-xs font-medium dark:border-slate-700"
                }
            }
            role="status"
            aria-live="polite"
            data-testid="live-status"
            data-status=move || status().as_str()
        >
            <span class=move || format!("h-2 w-2 rounded-full {}", dot()) aria-hidden="true"></span>
            {move || status().label()}
        </span>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::collections::BTreeSet;
    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{MessageEvent, WebSocket};

    use super::{backoff_ms, status_after_failures, LiveFeed, LiveStatus};
    use crate::wire::live::{ClientMessage, ServerMessage};

    /// With no message (heartbeats included) for this long, the connection is presumed dead.
    const SILENCE_LIMIT_MS: f64 = 45_000.0;

    #[derive(Default)]
    struct Connection {
        socket: Option<WebSocket>,
        /// Kept alive as long as the socket that calls them.
        handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
        /// What the server has been asked to send.
        subscribed: BTreeSet<String>,
        failures: u32,
        sync_pending: bool,
        reconnect_pending: bool,
        last_heard_ms: f64,
        watchdog_started: bool,
    }

    thread_local! {
        static CONNECTION: RefCell<Connection> = RefCell::default();
    }

    fn with<T>(f: impl FnOnce(&mut Connection) -> T) -> T {
        CONNECTION.with(|c| f(&mut c.borrow_mut()))
    }

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// Brings the subscriptions in line with what is wanted, once per turn of the
    /// event loop (views come and go in bursts when a page re-renders).
    pub fn schedule_sync(feed: LiveFeed) {
        let first = with(|c| !std::mem::replace(&mut c.sync_pending, true));
        if first {
            set_timeout(move || sync(feed), Duration::ZERO);
        }
    }

    fn sync(feed: LiveFeed) {
        with(|c| c.sync_pending = false);
        let wanted: BTreeSet<String> = feed.wanted.with_value(|w| w.keys().cloned().collect());
        let open = with(|c| {
            c.socket
                .as_ref()
                .is_some_and(|s| s.ready_state() == WebSocket::OPEN)
        });
        let connecting = with(|c| c.socket.is_some() || c.reconnect_pending);
        if !open {
            if !connecting && !wanted.is_empty() {
                connect(feed);
            }
            return;
        }
        let (add, remove) = with(|c| {
            let add: Vec<String> = wanted.difference(&c.subscribed).cloned().collect();
            let remove: Vec<String> = c.subscribed.difference(&wanted).cloned().collect();
            c.subscribed = wanted;
            (add, remove)
        });
        if !remove.is_empty() {
            send(&ClientMessage::Unsubscribe { symbols: remove });
        }
        if !add.is_empty() {
            send(&ClientMessage::Subscribe { symbols: add });
        }
    }

    fn send(message: &ClientMessage) {
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        with(|c| {
            if let Some(socket) = &c.socket {
                let _ = socket.send_with_str(&text);
            }
        });
    }

    fn socket_url() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/ws", location.host().ok()?))
    }

    fn browser_online() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }

    fn connect(feed: LiveFeed) {
        let Some(url) = socket_url() else { return };
        let Ok(socket) = WebSocket::new(&url) else {
            failed(feed);
            return;
        };
        if feed.status.get_untracked() == LiveStatus::Idle {
            feed.status.set(LiveStatus::Connecting);
        }
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            with(|c| {
                c.failures = 0;
                c.subscribed.clear();
                c.last_heard_ms = now_ms();
            });
            feed.status.set(LiveStatus::Live);
            sync(feed);
        });
        let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            with(|c| c.last_heard_ms = now_ms());
            let Some(text) = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            receive(feed, &text);
        });
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| closed(feed));
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let old = with(|c| {
            let old = c.socket.replace(socket);
            c.handlers = vec![on_open, on_message, on_close];
            old
        });
        if let Some(old) = old {
            forget_socket(&old);
        }
        start_watchdog(feed);
    }

    fn forget_socket(socket: &WebSocket) {
        socket.set_onopen(None);
        socket.set_onmessage(None);
        socket.set_onclose(None);
        let _ = socket.close();
    }

    fn receive(feed: LiveFeed, text: &str) {
        match serde_json::from_str::<ServerMessage>(text) {
            Ok(ServerMessage::MarketUpdate(update)) => feed.quotes.update(|quotes| {
                quotes.insert(update.symbol.clone(), update);
            }),
            Ok(ServerMessage::SignalUpdate(update)) => feed.signals.update(|signals| {
                signals.insert(update.symbol.clone(), update);
            }),
            Ok(ServerMessage::Error { code, message, .. }) => {
                leptos::logging::warn!("live feed: {code}: {message}");
            }
            Ok(ServerMessage::Subscribed { .. } | ServerMessage::Heartbeat { .. }) => {}
            Err(error) => leptos::logging::warn!("live feed: unreadable message: {error}"),
        }
    }

    fn closed(feed: LiveFeed) {
        if let Some(socket) = with(|c| c.socket.take()) {
            forget_socket(&socket);
        }
        with(|c| c.subscribed.clear());
        failed(feed);
    }

    fn failed(feed: LiveFeed) {
        let attempt = with(|c| {
            c.failures += 1;
            c.failures
        });
        let nothing_wanted = feed.wanted.with_value(|w| w.is_empty());
        if nothing_wanted {
            feed.status.set(LiveStatus::Idle);
            with(|c| c.failures = 0);
            return;
        }
        feed.status
            .set(status_after_failures(attempt, browser_online()));
        if with(|c| std::mem::replace(&mut c.reconnect_pending, true)) {
            return;
        }
        let delay = backoff_ms(attempt, 0.75 + js_sys::Math::random() / 2.0);
        set_timeout(
            move || {
                with(|c| c.reconnect_pending = false);
                sync(feed);
            },
            Duration::from_millis(u64::from(delay)),
        );
    }

    /// Closes a connection that went silent (a dead network sends no close).
    fn start_watchdog(feed: LiveFeed) {
        if with(|c| std::mem::replace(&mut c.watchdog_started, true)) {
            return;
        }
        let _ = set_interval_with_handle(
            move || {
                let silent = with(|c| {
                    c.socket.is_some()
                        && c.last_heard_ms > 0.0
                        && now_ms() - c.last_heard_ms > SILENCE_LIMIT_MS
                });
                if silent {
                    closed(feed);
                }
            },
            Duration::from_secs(5),
        );
        let on_online = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| sync(feed));
        let on_offline = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if feed.status.get_untracked() != LiveStatus::Idle {
                feed.status.set(LiveStatus::Offline);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
            let _ = window
                .add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        }
        // Listeners for the tab's lifetime.
        on_online.forget();
        on_offline.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_ten_seconds() {
        let delays: Vec<u32> = (1..=8).map(|a| backoff_ms(a, 1.0)).collect();
        assert_eq!(
            delays,
            [500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]
        );
        assert_eq!(backoff_ms(1, 0.75), 375);
        assert_eq!(backoff_ms(1, 9.0), 625);
    }

    #[test]
    fn repeated_failures_or_a_browser_offline_mean_offline() {
        assert_eq!(status_after_failures(1, true), LiveStatus::Reconnecting);
        assert_eq!(
            status_after_failures(OFFLINE_AFTER, true),
            LiveStatus::Offline
        );
        assert_eq!(status_after_failures(1, false), LiveStatus::Offline);
    }
}
