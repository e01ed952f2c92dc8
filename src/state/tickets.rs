//! The tickets the console holds: every active ticket it has loaded, indexed
//! by id, each with its lower-cased search text ready for the filter.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::desk::query::search_text;
use crate::desk::{TicketId, TicketSummary};
use crate::sla::Level;

#[derive(Clone, Debug)]
pub struct Held {
    pub ticket: TicketSummary,
    /// Lower-cased id, subject and requester: what `/` searches.
    pub haystack: String,
    /// The SLA level at the last recount, and until when it holds.
    pub level: Option<Level>,
    pub level_until: Timestamp,
    /// Read from the cache, and not seen on the desk since.
    pub unconfirmed: bool,
}

#[derive(Clone, Debug, Default)]
pub struct TicketSet {
    items: Vec<Held>,
    index: HashMap<TicketId, usize>,
}

impl TicketSet {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[Held] {
        &self.items
    }

    pub fn items_mut(&mut self) -> &mut [Held] {
        &mut self.items
    }

    pub fn get(&self, i: usize) -> Option<&TicketSummary> {
        self.items.get(i).map(|h| &h.ticket)
    }

    pub fn position(&self, id: &TicketId) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn by_id(&self, id: &TicketId) -> Option<&TicketSummary> {
        self.position(id).and_then(|i| self.get(i))
    }

    /// Room for `total` tickets in all, made once: growing by doubling
    /// would leave a quarter of a 100,000-ticket desk's room unused.
    pub fn make_room(&mut self, total: usize) {
        let more = total.saturating_sub(self.items.len());
        self.items.reserve_exact(more);
        self.index.reserve(more);
    }

    /// Add or replace a ticket.
    pub fn upsert(&mut self, ticket: TicketSummary) {
        let held = Held {
            haystack: search_text(&ticket),
            ticket,
            level: None,
            // Not read yet: the next recount reads it.
            level_until: Timestamp::MIN,
            unconfirmed: false,
        };
        match self.index.get(&held.ticket.id) {
            Some(&i) => self.items[i] = held,
            None => {
                self.index.insert(held.ticket.id.clone(), self.items.len());
                self.items.push(held);
            }
        }
    }

    /// Mark a ticket as read from the cache, until the desk sends it.
    pub fn mark_unconfirmed(&mut self, id: &TicketId) {
        if let Some(&i) = self.index.get(id) {
            self.items[i].unconfirmed = true;
        }
    }

    /// The tickets read from the cache that the desk has not sent since.
    pub fn unconfirmed(&self) -> Vec<TicketId> {
        self.items
            .iter()
            .filter(|h| h.unconfirmed)
            .map(|h| h.ticket.id.clone())
            .collect()
    }

    /// Drop a ticket: the last one takes its position. Where it was, and
    /// where the moved one came from.
    pub fn remove(&mut self, id: &TicketId) -> Option<(usize, usize)> {
        let i = self.index.remove(id)?;
        let last = self.items.len() - 1;
        self.items.swap_remove(i);
        if let Some(moved) = self.items.get(i) {
            self.index.insert(moved.ticket.id.clone(), i);
        }
        Some((i, last))
    }
}
