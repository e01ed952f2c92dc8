//! The tickets the console holds: every active ticket it has loaded, found
//! by id, each with its lower-cased search text ready for the filter. Every
//! ticket the console is told of gets a number (as [`crate::numbers`]
//! gives them), which the floods and the dashboard's tally know it by.

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
    /// Numbers are never given back, so the next is the count given. No id
    /// is kept by number: nothing asks for one.
    numbers: HashMap<TicketId, u32>,
    /// By ticket number: its place in `items`, or [`NOT_HELD`].
    places: Vec<u32>,
}

const NOT_HELD: u32 = u32::MAX;

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

    /// The number of a ticket, given one the first time it is seen.
    pub fn number(&mut self, id: &TicketId) -> u32 {
        if let Some(&n) = self.numbers.get(id) {
            return n;
        }
        let n = self.numbers.len() as u32;
        self.numbers.insert(id.clone(), n);
        n
    }

    /// The number of a ticket seen before.
    pub fn number_of(&self, id: &TicketId) -> Option<u32> {
        self.numbers.get(id).copied()
    }

    /// Where ticket number `n` is held, if it is.
    fn place(&self, n: u32) -> Option<usize> {
        match self.places.get(n as usize) {
            Some(&i) if i != NOT_HELD => Some(i as usize),
            _ => None,
        }
    }

    pub fn position(&self, id: &TicketId) -> Option<usize> {
        self.place(self.number_of(id)?)
    }

    pub fn by_id(&self, id: &TicketId) -> Option<&TicketSummary> {
        self.position(id).and_then(|i| self.get(i))
    }

    /// Ticket number `n`, if it is held.
    pub fn by_number(&self, n: u32) -> Option<&TicketSummary> {
        self.place(n).and_then(|i| self.get(i))
    }

    /// Room for `total` tickets in all, made once: growing by doubling
    /// would leave a quarter of a 100,000-ticket desk's room unused.
    pub fn make_room(&mut self, total: usize) {
        self.items
            .reserve_exact(total.saturating_sub(self.items.len()));
        self.numbers
            .reserve(total.saturating_sub(self.numbers.len()));
        self.places
            .reserve_exact(total.saturating_sub(self.places.len()));
    }

    /// Add or replace a ticket.
    pub fn upsert(&mut self, ticket: TicketSummary) {
        let n = self.number(&ticket.id) as usize;
        let held = Held {
            haystack: search_text(&ticket),
            ticket,
            level: None,
            // Not read yet: the next recount reads it.
            level_until: Timestamp::MIN,
            unconfirmed: false,
        };
        if self.places.len() <= n {
            self.places.resize(n + 1, NOT_HELD);
        }
        match self.place(n as u32) {
            Some(i) => self.items[i] = held,
            None => {
                self.places[n] = self.items.len() as u32;
                self.items.push(held);
            }
        }
    }

    /// Mark a ticket as read from the cache, until the desk sends it.
    pub fn mark_unconfirmed(&mut self, id: &TicketId) {
        if let Some(i) = self.position(id) {
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
        let n = self.number_of(id)?;
        let i = self.place(n)?;
        self.places[n as usize] = NOT_HELD;
        let last = self.items.len() - 1;
        self.items.swap_remove(i);
        if let Some(moved) = self.items.get(i)
            && let Some(m) = self.number_of(&moved.ticket.id)
        {
            self.places[m as usize] = i as u32;
        }
        Some((i, last))
    }
}
