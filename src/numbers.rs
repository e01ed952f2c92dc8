//! Small numbers for ids, given the first time an id is seen and never
//! given back (a ticket that leaves may come back). Sets and maps that
//! hold a ticket, queue or agent in several places hold its number: four
//! bytes, not a copied id. The held tickets number themselves the same way
//! ([`crate::state::tickets::TicketSet::number`]) without keeping the ids
//! by number, which nothing asks for.

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
}
