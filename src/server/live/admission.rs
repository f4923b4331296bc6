//! Who may hold live-feed connections and follow how many symbols: open connections
//! per user (the tier's `live_connections`) and per client address, and the tier's
//! `live_symbols` counted over all of a user's connections together (a symbol two
//! tabs follow counts once). Checked and taken under one lock, so parallel upgrades
//! or subscriptions cannot all squeeze through the last free place.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Admission {
    inner: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    connections_per_user: HashMap<String, usize>,
    connections_per_address: HashMap<String, usize>,
    /// user → symbol → connections of theirs following it.
    symbols_per_user: HashMap<String, HashMap<String, usize>>,
}

/// Why a connection was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    User { limit: usize },
    Address { limit: usize },
}

/// A place among the open connections; dropping it gives the place back.
pub struct Ticket {
    admission: Arc<Admission>,
    user_id: String,
    address: String,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.admission.lock();
        decrement(&mut counts.connections_per_user, &self.user_id);
        decrement(&mut counts.connections_per_address, &self.address);
    }
}

fn decrement(map: &mut HashMap<String, usize>, key: &str) {
    if let Some(count) = map.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            map.remove(key);
        }
    }
}

impl Admission {
    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a place for one more connection of `user_id` from `address`.
    pub fn admit(
        self: &Arc<Self>,
        user_id: &str,
        address: &str,
        per_user: usize,
        per_address: usize,
    ) -> Result<Ticket, Refused> {
        let mut counts = self.lock();
        let user = counts
            .connections_per_user
            .get(user_id)
            .copied()
            .unwrap_or(0);
        if user >= per_user {
            return Err(Refused::User { limit: per_user });
        }
        let from = counts
            .connections_per_address
            .get(address)
            .copied()
            .unwrap_or(0);
        if from >= per_address {
            return Err(Refused::Address { limit: per_address });
        }
        *counts
            .connections_per_user
            .entry(user_id.to_string())
            .or_default() += 1;
        *counts
            .connections_per_address
            .entry(address.to_string())
            .or_default() += 1;
        Ok(Ticket {
            admission: self.clone(),
            user_id: user_id.to_string(),
            address: address.to_string(),
        })
    }

    /// Reserves `symbols` (new to this connection) for `user_id` if the distinct
    /// symbols over all their connections stay within `cap`; answers how many
    /// distinct symbols they follow when refused.
    pub fn reserve_symbols(
        &self,
        user_id: &str,
        symbols: &[String],
        cap: usize,
    ) -> Result<(), usize> {
        let mut counts = self.lock();
        let followed = counts
            .symbols_per_user
            .entry(user_id.to_string())
            .or_default();
        let added = symbols
            .iter()
            .filter(|s| !followed.contains_key(s.as_str()))
            .count();
        if followed.len() + added > cap {
            let following = followed.len();
            if followed.is_empty() {
                counts.symbols_per_user.remove(user_id);
            }
            return Err(following);
        }
        for symbol in symbols {
            *followed.entry(symbol.clone()).or_default() += 1;
        }
        Ok(())
    }

    /// Gives back one connection's hold on `symbol`.
    pub fn release_symbol(&self, user_id: &str, symbol: &str) {
        let mut counts = self.lock();
        if let Some(followed) = counts.symbols_per_user.get_mut(user_id) {
            decrement(followed, symbol);
            if followed.is_empty() {
                counts.symbols_per_user.remove(user_id);
            }
        }
    }

    /// Distinct symbols `user_id` follows over all their connections.
    pub fn symbols_of(&self, user_id: &str) -> usize {
        self.lock()
            .symbols_per_user
            .get(user_id)
            .map_or(0, HashMap::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn connections_are_capped_per_user_and_per_address_and_given_back() {
        let admission = Arc::new(Admission::default());
        let first = admission.admit("u1", "a", 2, 3).unwrap();
        let _second = admission.admit("u1", "a", 2, 3).unwrap();
        assert_eq!(
            admission.admit("u1", "b", 2, 3).err(),
            Some(Refused::User { limit: 2 })
        );
        let _third = admission.admit("u2", "a", 2, 3).unwrap();
        assert_eq!(
            admission.admit("u3", "a", 2, 3).err(),
            Some(Refused::Address { limit: 3 })
        );
        drop(first);
        assert!(admission.admit("u1", "b", 2, 3).is_ok());
    }

    #[test]
    fn live_symbols_count_once_over_all_connections() {
        let admission = Admission::default();
        admission
            .reserve_symbols("u", &symbols(&["A", "B"]), 3)
            .unwrap();
        // A second tab following the same symbols takes no more room.
        admission
            .reserve_symbols("u", &symbols(&["A", "B"]), 3)
            .unwrap();
        assert_eq!(admission.symbols_of("u"), 2);
        assert_eq!(
            admission.reserve_symbols("u", &symbols(&["C", "D"]), 3),
            Err(2)
        );
        admission.reserve_symbols("u", &symbols(&["C"]), 3).unwrap();
        // One tab lets A go; the other still follows it.
        admission.release_symbol("u", "A");
        assert_eq!(admission.symbols_of("u"), 3);
        admission.release_symbol("u", "A");
        assert_eq!(admission.symbols_of("u"), 2);
        assert_eq!(admission.symbols_of("other"), 0);
    }
}
