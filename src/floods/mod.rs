//! Floods: many tickets that arrive close together and say the same thing
//! (forty parents writing about one late bus). Two tickets belong together
//! when their subjects share most of their words (after stop words, and
//! numbers other than identifiers such as a bus or room number) and they
//! came within the window of each other; a flood is a connected group of
//! such tickets, so the groups are the same whatever order tickets arrive
//! in. Grouping is incremental: an arrival is compared only with tickets
//! that came within the window and share a word with it.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};

use crate::desk::{TicketId, TicketSummary};

/// When tickets make a flood; `[floods]` in config.toml.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Tickets this close together can be one flood.
    pub window: SignedDuration,
    /// The least share of words two subjects share (Jaccard) to match.
    pub similarity: f64,
    /// The fewest tickets that make a flood.
    pub min_tickets: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            window: SignedDuration::from_mins(30),
            similarity: 0.5,
            min_tickets: 3,
        }
    }
}

/// Words that say nothing about what happened.
const STOP_WORDS: &[&str] = &[
    "a", "about", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but",
    "by", "can", "could", "did", "do", "does", "for", "from", "get", "got", "had", "has", "have",
    "hello", "help", "hi", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "my",
    "no", "not", "of", "on", "or", "our", "please", "re", "so", "still", "that", "the", "their",
    "there", "this", "to", "today", "up", "urgent", "us", "was", "we", "what", "when", "why",
    "will", "with", "you", "your", "fwd", "fw", "where", "who", "which", "very", "too",
];

/// Words a number after them names a thing by: `bus 24`, `room 12`.
const IDENTIFIERS: &[&str] = &[
    "bus", "route", "room", "rm", "building", "bldg", "gate", "lab", "lot", "portable", "stop",
    "gym", "wing", "floor", "grade", "class", "period",
];

/// A subject's words as a flood compares them: lower-cased, stop words
/// and bare numbers gone, an identifier's number kept with its word.
pub fn words(subject: &str) -> BTreeSet<String> {
    let lower = subject.to_lowercase();
    // "Wi-Fi" and "wifi" are one word; a dash on its own is none.
    let raw: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|w| w.replace('-', ""))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = BTreeSet::new();
    for (i, word) in raw.iter().enumerate() {
        if word.chars().all(|c| c.is_ascii_digit()) {
            if i > 0 && IDENTIFIERS.contains(&raw[i - 1].as_str()) {
                out.insert(format!("{} {word}", raw[i - 1]));
            }
            continue;
        }
        if !STOP_WORDS.contains(&word.as_str()) {
            out.insert(word.clone());
        }
    }
    out
}

/// Whether the two name different things of one kind (bus 24, bus 31):
/// then they are about different things, however alike the rest.
fn different_things(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let things = |set: &BTreeSet<String>| -> Vec<(String, String)> {
        set.iter()
            .filter_map(|w| w.split_once(' '))
            .map(|(kind, n)| (kind.to_string(), n.to_string()))
            .collect()
    };
    let (a, b) = (things(a), things(b));
    a.iter().any(|(kind, n)| {
        b.iter().any(|(k, m)| k == kind && m != n) && !b.iter().any(|(k, m)| k == kind && m == n)
    })
}

fn similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() || different_things(a, b) {
        return 0.0;
    }
    let shared = a.intersection(b).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

struct Arrival {
    id: TicketId,
    created: Timestamp,
    words: BTreeSet<String>,
}

/// Every ticket seen, grouped as they come.
#[derive(Default)]
pub struct Floods {
    thresholds: Thresholds,
    arrivals: Vec<Arrival>,
    by_id: HashMap<TicketId, usize>,
    /// Word → the arrivals with it, by when they were made.
    index: HashMap<String, BTreeSet<(Timestamp, usize)>>,
    /// Union-find over arrivals.
    parent: Vec<usize>,
    size: Vec<usize>,
}

/// One flood as the console shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flood {
    /// Newest first.
    pub tickets: Vec<TicketId>,
    pub first: Timestamp,
    pub last: Timestamp,
}

impl Floods {
    pub fn new(thresholds: Thresholds) -> Self {
        Self {
            thresholds,
            ..Self::default()
        }
    }

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.root(a), self.root(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }

    /// A ticket arrives (or is seen again: then nothing changes, as its
    /// subject and creation do not).
    pub fn add(&mut self, ticket: &TicketSummary) {
        if self.by_id.contains_key(&ticket.id) {
            return;
        }
        let words = words(&ticket.subject);
        let n = self.arrivals.len();
        let (from, to) = (
            ticket.created - self.thresholds.window,
            ticket.created + self.thresholds.window,
        );
        // Those within the window sharing a word, each once.
        let mut near: HashSet<usize> = HashSet::new();
        for word in &words {
            if let Some(set) = self.index.get(word) {
                near.extend(set.range((from, 0)..=(to, usize::MAX)).map(|(_, i)| *i));
            }
        }
        self.arrivals.push(Arrival {
            id: ticket.id.clone(),
            created: ticket.created,
            words,
        });
        self.parent.push(n);
        self.size.push(1);
        self.by_id.insert(ticket.id.clone(), n);
        for other in near {
            if similarity(&self.arrivals[n].words, &self.arrivals[other].words)
                >= self.thresholds.similarity
            {
                self.union(n, other);
            }
        }
        for word in self.arrivals[n].words.clone() {
            self.index
                .entry(word)
                .or_default()
                .insert((ticket.created, n));
        }
    }

    /// The floods among `live` tickets (those still held), biggest first:
    /// groups of at least the threshold's size.
    pub fn floods(&mut self, live: impl Fn(&TicketId) -> bool) -> Vec<Flood> {
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..self.arrivals.len() {
            let root = self.root(i);
            if self.size[root] >= self.thresholds.min_tickets && live(&self.arrivals[i].id) {
                groups.entry(root).or_default().push(i);
            }
        }
        let mut out: Vec<Flood> = groups
            .into_values()
            .filter(|members| members.len() >= self.thresholds.min_tickets)
            .map(|mut members| {
                // Newest first; made in the same second, the later id.
                members.sort_by_key(|&i| {
                    let a = &self.arrivals[i];
                    std::cmp::Reverse((a.created, a.id.0.parse::<u64>().ok(), a.id.0.clone()))
                });
                Flood {
                    first: members
                        .iter()
                        .map(|&i| self.arrivals[i].created)
                        .min()
                        .unwrap_or_default(),
                    last: self.arrivals[members[0]].created,
                    tickets: members
                        .into_iter()
                        .map(|i| self.arrivals[i].id.clone())
                        .collect(),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.tickets
                .len()
                .cmp(&a.tickets.len())
                .then(b.last.cmp(&a.last))
        });
        out
    }
}

#[cfg(test)]
mod tests;
