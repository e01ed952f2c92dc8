//! Small numbers for ids, given the first time an id is seen and never
//! given back (a ticket that leaves may come back). Sets and maps that
//! hold a ticket in several places hold its number: four bytes, not a
//! copied id, and one map from ids for all of them.

use std::collections::HashMap;
use std::hash::Hash;

#[derive(Clone, Debug)]
pub struct Numbers<K> {
    numbers: HashMap<K, u32>,
    keys: Vec<K>,
}

impl<K> Default for Numbers<K> {
    fn default() -> Self {
        Self {
            numbers: HashMap::new(),
            keys: Vec::new(),
        }
    }
}

impl<K: Clone + Eq + Hash> Numbers<K> {
    /// The number of `key`, given one the first time it is seen.
    pub fn number(&mut self, key: &K) -> u32 {
        if let Some(n) = self.numbers.get(key) {
            return *n;
        }
        let n = self.keys.len() as u32;
        self.keys.push(key.clone());
        self.numbers.insert(key.clone(), n);
        n
    }

    pub fn find(&self, key: &K) -> Option<u32> {
        self.numbers.get(key).copied()
    }

    pub fn key(&self, n: u32) -> &K {
        &self.keys[n as usize]
    }

    /// How many numbers have been given.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Room for `total` keys in all, made once.
    pub fn make_room(&mut self, total: usize) {
        let more = total.saturating_sub(self.keys.len());
        self.numbers.reserve(more);
        self.keys.reserve_exact(more);
    }
}
