//! The in-process event bus: a service says once that something happened, and
//! whoever cares listens, so the one that publishes does not know its listeners
//! (the live feed, the statistics, and later alerts and billing).
//!
//! Listeners run on the publisher's task, in the order they subscribed, right after
//! the change is committed: they must be quick and must not block (work that waits
//! spawns a task). Events stay in this process; other instances see changes
//! through the database, as before.

use std::sync::{Arc, RwLock};

use crate::domain::symbol::Symbol;
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;
use crate::signals::Model;
use crate::wire::signals::SignalView;

#[derive(Clone, Debug)]
pub enum Event {
    /// Stored bars of `symbol` changed: an import, or the provider's new bars.
    BarsChanged {
        symbol: Symbol,
        /// The user whose private imports changed; `None` for the shared catalog.
        owner: Option<String>,
        cause: BarsCause,
    },
    /// A signal run stored one signal per symbol for `user_id`.
    SignalsStored {
        user_id: String,
        model: Model,
        signals: Arc<[SignalView]>,
    },
    /// A signal run was refused with `code` and stored nothing.
    SignalRunFailed { code: ErrorCode },
    /// An account changed in a way other parts act on.
    UserChanged { user_id: String, change: UserChange },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarsCause {
    Import,
    ProviderRefresh,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserChange {
    Tier {
        from: Tier,
        to: Tier,
    },
    Deactivated,
    Reactivated,
    /// Every session and token issued before now has ended.
    PasswordChanged,
}

impl UserChange {
    /// The user's existing sign-ins no longer count.
    pub fn ends_sessions(self) -> bool {
        matches!(self, UserChange::Deactivated | UserChange::PasswordChanged)
    }
}

pub trait Listener: Send + Sync {
    fn on(&self, event: &Event);
}

/// Cheap to clone: every copy publishes to the same listeners.
#[derive(Clone, Default)]
pub struct EventBus {
    listeners: Arc<RwLock<Vec<Arc<dyn Listener>>>>,
}

impl EventBus {
    pub fn subscribe(&self, listener: Arc<dyn Listener>) {
        self.listeners
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(listener);
    }

    pub fn publish(&self, event: Event) {
        let listeners = self.listeners.read().unwrap_or_else(|e| e.into_inner());
        for listener in listeners.iter() {
            listener.on(&event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Listener for Recorder {
        fn on(&self, event: &Event) {
            let seen = match event {
                Event::BarsChanged { symbol, .. } => format!("bars {symbol}"),
                Event::UserChanged { user_id, change } => format!("user {user_id} {change:?}"),
                other => format!("{other:?}"),
            };
            self.0.lock().unwrap().push(seen);
        }
    }

    #[test]
    fn every_listener_hears_every_event_in_order() {
        let bus = EventBus::default();
        let (first, second) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
        bus.subscribe(first.clone());
        bus.clone().subscribe(second.clone());
        bus.publish(Event::BarsChanged {
            symbol: Symbol::parse("AAPL").unwrap(),
            owner: None,
            cause: BarsCause::Import,
        });
        bus.publish(Event::UserChanged {
            user_id: "u1".into(),
            change: UserChange::PasswordChanged,
        });
        let expected = vec!["bars AAPL", "user u1 PasswordChanged"];
        assert_eq!(*first.0.lock().unwrap(), expected);
        assert_eq!(*second.0.lock().unwrap(), expected);
    }

    #[test]
    fn publishing_without_listeners_is_fine() {
        EventBus::default().publish(Event::SignalRunFailed {
            code: ErrorCode::InsufficientData,
        });
    }

    #[test]
    fn only_deactivation_and_a_new_password_end_sessions() {
        assert!(UserChange::Deactivated.ends_sessions());
        assert!(UserChange::PasswordChanged.ends_sessions());
        assert!(!UserChange::Reactivated.ends_sessions());
        let tier = UserChange::Tier {
            from: Tier::Free,
            to: Tier::Pro,
        };
        assert!(!tier.ends_sessions());
    }
}
