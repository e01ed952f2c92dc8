//! Floods: many tickets that arrive close together and say the same thing
//! (forty parents writing about one late bus). Two tickets belong together
//! when their subjects share most of their words (after stop words, and
//! numbers other than identifiers such as a bus or room number) and they
//! came within the window of each other; a flood is a connected group of
//! such tickets, so the groups are the same whatever order tickets arrive
//! in. Grouping is incremental: an arrival is compared only with tickets
//! that came within the window and share a word with it.

use std::collections::{BTreeSet, HashMap};

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

/// A word kept once, as a small number; a thing's word (`bus 24`) also
/// knows its kind and number.
#[derive(Default)]
struct Vocabulary {
    numbers: HashMap<Box<str>, u32>,
    /// By word number: the kind and the number of a thing's word.
    things: Vec<Option<(u32, u32)>>,
}

impl Vocabulary {
    fn number(&mut self, word: &str) -> u32 {
        if let Some(&n) = self.numbers.get(word) {
            return n;
        }
        let n = self.things.len() as u32;
        self.numbers.insert(word.into(), n);
        self.things.push(None);
        if let Some((kind, number)) = word.split_once(' ') {
            let thing = (self.number(kind), self.number(number));
            self.things[n as usize] = Some(thing);
        }
        n
    }

    /// A subject's words as sorted word numbers.
    fn words(&mut self, subject: &str) -> Vec<u32> {
        let mut out: Vec<u32> = words(subject).iter().map(|w| self.number(w)).collect();
        out.sort_unstable();
        out
    }

    /// Whether the two name different things of one kind (bus 24, bus 31):
    /// then they are about different things, however alike the rest.
    fn different_things(&self, a: &[u32], b: &[u32]) -> bool {
        let things = |set: &'_ [u32]| {
            set.iter()
                .filter_map(|&w| self.things[w as usize])
                .collect::<Vec<_>>()
        };
        let mine = things(a);
        if mine.is_empty() {
            return false;
        }
        let theirs = things(b);
        mine.iter().any(|(kind, n)| {
            theirs.iter().any(|(k, m)| k == kind && m != n)
                && !theirs.iter().any(|(k, m)| k == kind && m == n)
        })
    }
}

/// A ticket as grouping needs it: when it was made (seconds) and where
/// its subject's words are among [`Floods::words`].
#[derive(Clone, Copy)]
struct Arrival {
    created: i64,
    words_at: u32,
    words_len: u32,
}

/// Minutes since the epoch, as the index keeps them: a window of minutes
/// either side, then the exact seconds, say who is near.
type Minute = u32;

fn minute(second: i64) -> Minute {
    second.div_euclid(60).clamp(0, Minute::MAX as i64) as Minute
}

/// Every ticket seen, grouped as they come. Held compactly, a few hundred
/// bytes a ticket: words are numbers, times are seconds, and a ticket is
/// known by its number (see [`crate::numbers`]), not its id.
#[derive(Default)]
pub struct Floods {
    thresholds: Thresholds,
    vocabulary: Vocabulary,
    /// By ticket number; [`NOT_ARRIVED`] where a number has not come.
    arrivals: Vec<Arrival>,
    /// Every arrival's words, one after another: a ticket's words never
    /// change, and one list costs no allocation a ticket.
    words: Vec<u32>,
    /// Word → the arrivals with it, sorted by when they were made (as
    /// [`Minute`]s: half the size of seconds, and a word of every subject
    /// is an entry). Sorted lists, not B-trees: 8 bytes an entry, and a
    /// rare word's list is a few entries, not a node of eleven.
    index: HashMap<u32, Vec<(Minute, u32)>>,
    /// Union-find over arrivals.
    parent: Vec<u32>,
    size: Vec<u32>,
    /// By arrival: its flood in the last listing, or [`NO_FLOOD`]. One
    /// number for each arrival; a map by id cost 10 MB with 100,000 held.
    flood_of: Vec<u32>,
}

const NO_FLOOD: u32 = u32::MAX;

/// The `created` of a number that has not arrived.
const NOT_ARRIVED: i64 = i64::MIN;

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

    fn words_of(&self, i: u32) -> &[u32] {
        let a = &self.arrivals[i as usize];
        &self.words[a.words_at as usize..][..a.words_len as usize]
    }

    fn root(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let up = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = up;
            i = up;
        }
        i
    }

    fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.root(a), self.root(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }

    /// Room for `total` tickets in all, made once.
    pub fn make_room(&mut self, total: usize) {
        let more = total.saturating_sub(self.arrivals.len());
        self.arrivals.reserve_exact(more);
        self.parent.reserve_exact(more);
        self.size.reserve_exact(more);
    }

    /// Ticket number `n` arrives (or is seen again: then nothing changes,
    /// as its subject and creation do not).
    pub fn add(&mut self, n: u32, ticket: &TicketSummary) {
        let slot = n as usize;
        if self
            .arrivals
            .get(slot)
            .is_some_and(|a| a.created != NOT_ARRIVED)
        {
            return;
        }
        while self.arrivals.len() <= slot {
            let i = self.arrivals.len() as u32;
            self.arrivals.push(Arrival {
                created: NOT_ARRIVED,
                words_at: 0,
                words_len: 0,
            });
            self.parent.push(i);
            self.size.push(1);
        }
        let words = self.vocabulary.words(&ticket.subject);
        let created = ticket.created.as_second();
        let window = self.thresholds.window.as_secs();
        let (from, to) = (created - window, created + window);
        // Those within the window sharing a word.
        let mut near: Vec<u32> = Vec::new();
        for word in &words {
            if let Some(list) = self.index.get(word) {
                let (first, last) = (minute(from), minute(to));
                let start = list.partition_point(|&(m, _)| m < first);
                let arrivals = &self.arrivals;
                near.extend(
                    list[start..]
                        .iter()
                        .take_while(|&&(m, _)| m <= last)
                        .map(|&(_, i)| i)
                        .filter(|&i| (from..=to).contains(&arrivals[i as usize].created)),
                );
            }
        }
        // A ticket appears once for each word it shares: its run's length.
        near.sort_unstable();
        let shared_words: Vec<(u32, usize)> = near
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], run.len()))
            .collect();
        let entry = (minute(created), n);
        for &word in &words {
            let list = self.index.entry(word).or_default();
            let at = list.partition_point(|&e| e < entry);
            list.insert(at, entry);
        }
        self.arrivals[slot] = Arrival {
            created,
            words_at: self.words.len() as u32,
            words_len: words.len() as u32,
        };
        self.words.extend_from_slice(&words);
        let least = self.thresholds.similarity;
        for (other, shared) in shared_words {
            // Already one flood: nothing to compare.
            if self.root(n) == self.root(other) {
                continue;
            }
            let (mine, theirs) = (self.words_of(n), self.words_of(other));
            let jaccard = shared as f64 / (mine.len() + theirs.len() - shared) as f64;
            if jaccard >= least && !self.vocabulary.different_things(mine, theirs) {
                self.union(n, other);
            }
        }
    }

    /// The floods among live tickets, biggest first: groups of at least
    /// the threshold's size. `live` gives the id of a ticket number still
    /// held, and nothing for one that is not.
    pub fn floods<'a>(&mut self, live: impl Fn(u32) -> Option<&'a TicketId>) -> Vec<Flood> {
        let least = self.thresholds.min_tickets;
        let mut ids: Vec<Option<&TicketId>> = vec![None; self.arrivals.len()];
        let mut roots = Vec::with_capacity(self.arrivals.len());
        for i in 0..self.arrivals.len() as u32 {
            let root = self.root(i);
            roots.push(root);
        }
        for (i, id) in ids.iter_mut().enumerate() {
            if self.size[roots[i] as usize] as usize >= least
                && self.arrivals[i].created != NOT_ARRIVED
            {
                *id = live(i as u32);
            }
        }
        let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            if id.is_some() {
                groups.entry(roots[i]).or_default().push(i as u32);
            }
        }
        let arrivals = &self.arrivals;
        let when =
            |i: u32| Timestamp::from_second(arrivals[i as usize].created).unwrap_or_default();
        let mut out: Vec<(u32, Flood)> = groups
            .into_iter()
            .filter(|(_, members)| members.len() >= least)
            .map(|(root, mut members)| {
                let id = |i: u32| ids[i as usize].expect("a flooded ticket has an id");
                // Newest first; made in the same second, the later id.
                members.sort_by_key(|&i| {
                    let id = id(i);
                    std::cmp::Reverse((arrivals[i as usize].created, id.0.parse::<u64>().ok(), id))
                });
                let flood = Flood {
                    first: members.iter().map(|&i| when(i)).min().unwrap_or_default(),
                    last: when(members[0]),
                    tickets: members.into_iter().map(|i| id(i).clone()).collect(),
                };
                (root, flood)
            })
            .collect();
        out.sort_by(|(_, a), (_, b)| {
            b.tickets
                .len()
                .cmp(&a.tickets.len())
                .then(b.last.cmp(&a.last))
        });
        let place: HashMap<u32, u32> = out
            .iter()
            .enumerate()
            .map(|(k, (root, _))| (*root, k as u32))
            .collect();
        self.flood_of.clear();
        self.flood_of.resize(self.arrivals.len(), NO_FLOOD);
        for (i, root) in roots.iter().enumerate() {
            if ids[i].is_some()
                && let Some(&k) = place.get(root)
            {
                self.flood_of[i] = k;
            }
        }
        out.into_iter().map(|(_, flood)| flood).collect()
    }

    /// The flood ticket number `n` was in at the last listing: its place in
    /// what [`Floods::floods`] gave.
    pub fn flood_of(&self, n: u32) -> Option<usize> {
        match self.flood_of.get(n as usize) {
            Some(&k) if k != NO_FLOOD => Some(k as usize),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
