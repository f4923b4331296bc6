//! A least-recently-used map bounded by the bytes its values hold, not by their
//! number: a thousand 200 000-bar series and a thousand 20-bar ones are not the same
//! load, and a cache bounded by count lets whoever stores the big ones exhaust memory.

use std::borrow::Borrow;
use std::hash::Hash;

use lru::LruCache;

pub struct WeighedLru<K: Hash + Eq, V> {
    entries: LruCache<K, (V, usize)>,
    bytes: usize,
    budget: usize,
}

impl<K: Hash + Eq, V> WeighedLru<K, V> {
    /// At most `budget` bytes, as the weights given to [`WeighedLru::put`] add up.
    pub fn new(budget: usize) -> WeighedLru<K, V> {
        WeighedLru {
            entries: LruCache::unbounded(),
            bytes: 0,
            budget,
        }
    }

    pub fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key).map(|(value, _)| value)
    }

    /// Reads without making the entry the most recently used.
    pub fn peek<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.peek(key).map(|(value, _)| value)
    }

    /// Keeps `value` (weighing `weight` bytes), dropping the least recently used
    /// entries until the total fits. A value heavier than the whole budget is not kept.
    pub fn put(&mut self, key: K, value: V, weight: usize) {
        if let Some((_, old)) = self.entries.pop(&key) {
            self.bytes -= old;
        }
        if weight > self.budget {
            return;
        }
        self.entries.put(key, (value, weight));
        self.bytes += weight;
        while self.bytes > self.budget {
            match self.entries.pop_lru() {
                Some((_, (_, dropped))) => self.bytes -= dropped,
                None => break,
            }
        }
    }

    /// The bytes held, as weighed.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::WeighedLru;

    #[test]
    fn drops_the_least_recently_used_until_the_bytes_fit() {
        let mut cache = WeighedLru::new(100);
        cache.put("a", 1, 40);
        cache.put("b", 2, 40);
        assert_eq!(cache.get(&"a"), Some(&1)); // "b" is now the oldest
        cache.put("c", 3, 40);
        assert_eq!(cache.peek(&"b"), None);
        assert_eq!((cache.peek(&"a"), cache.peek(&"c")), (Some(&1), Some(&3)));
        assert_eq!(cache.bytes(), 80);
    }

    #[test]
    fn one_heavy_value_cannot_flush_everything_or_be_kept() {
        let mut cache = WeighedLru::new(100);
        cache.put("small", 1, 10);
        cache.put("huge", 2, 1_000);
        assert_eq!(cache.peek(&"huge"), None);
        assert_eq!(cache.peek(&"small"), Some(&1));
        assert_eq!(cache.bytes(), 10);
    }

    #[test]
    fn replacing_a_value_reweighs_it() {
        let mut cache = WeighedLru::new(100);
        cache.put("a", 1, 60);
        cache.put("a", 2, 30);
        assert_eq!(cache.bytes(), 30);
        assert_eq!(cache.len(), 1);
        cache.put("a", 3, 500);
        assert!(cache.is_empty());
        assert_eq!(cache.bytes(), 0);
    }
}
