//! The queue view: sections (tabs), sorting, the `/` filter, and the cursor.

use std::collections::HashSet;

use jiff::Timestamp;

use super::input::LineInput;
use super::{Effect, State};
use crate::desk::query::{TextFilter, search_text};
use crate::desk::{Query, TicketId, TicketSummary};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Most urgent SLA first: breached, then soonest due, then paused.
    Sla,
    Priority,
    Updated,
    Created,
    Id,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Sla,
        SortKey::Priority,
        SortKey::Updated,
        SortKey::Created,
        SortKey::Id,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Sla => "sla",
            SortKey::Priority => "priority",
            SortKey::Updated => "updated",
            SortKey::Created => "created",
            SortKey::Id => "id",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// Smaller sorts first; ties are broken by the id, newest first.
    fn key(self, t: &TicketSummary, now: Timestamp) -> (i64, i64, i64) {
        let priority = t.priority.level as i64;
        let (class, due) = t.sla.urgency_key(now);
        match self {
            SortKey::Sla => (i64::from(class), due, -priority),
            SortKey::Priority => (-priority, i64::from(class), due),
            SortKey::Updated => (-t.updated.as_second(), 0, 0),
            SortKey::Created => (-t.created.as_second(), 0, 0),
            SortKey::Id => (0, 0, 0),
        }
    }
}

/// Where a ticket sorts: the sort key, then newest first.
type Order<'a> = ((i64, i64, i64), (i64, &'a str));

/// `tickets` in the order the queue shows them for `sort`; ties newest first.
pub fn sort_tickets(tickets: &mut [TicketSummary], sort: SortKey, now: Timestamp) {
    tickets.sort_by_cached_key(|t| {
        let (number, text) = id_order(t);
        (sort.key(t, now), number, text.to_string())
    });
}

/// Newest first for ids that are numbers; others by text.
fn id_order(t: &TicketSummary) -> (i64, &str) {
    (-t.id.0.parse::<i64>().unwrap_or(0), &t.id.0)
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueView {
    pub sort: SortKey,
    pub reversed: bool,
    pub filter: LineInput,
    /// The filter field has the keyboard.
    pub filtering: bool,
    /// Every held ticket, in sort order (positions in the ticket set).
    sorted: Vec<usize>,
    /// What the table shows: `sorted` narrowed to the section and the filter.
    pub visible: Vec<usize>,
    pub cursor: usize,
    /// The ticket under the cursor, remembered by id: positions change when
    /// tickets come and go, the id does not.
    selected: Option<TicketId>,
    /// First visible row of the table.
    pub offset: usize,
    /// Where a visual range (V) started, as a row of `visible`.
    pub visual: Option<usize>,
    /// A dashboard figure the list is narrowed to, and its name.
    pub focus: Option<(crate::dashboard::Focus, String)>,
    /// Held or changed since the last sort: placed one by one by `place`.
    pub(crate) unplaced: HashSet<TicketId>,
    /// A ticket was dropped since the rows were worked out: `visible` may
    /// name positions that moved, so the next placing works them out anew.
    rows_stale: bool,
    /// While typing a filter: each shorter filter's rows, so that Backspace
    /// goes back without looking at every ticket again.
    narrowed: Vec<(String, Vec<usize>)>,
}

impl Default for QueueView {
    fn default() -> Self {
        Self {
            sort: SortKey::Sla,
            reversed: false,
            filter: LineInput::default(),
            filtering: false,
            sorted: Vec::new(),
            unplaced: HashSet::new(),
            rows_stale: false,
            narrowed: Vec::new(),
            visible: Vec::new(),
            cursor: 0,
            selected: None,
            offset: 0,
            visual: None,
            focus: None,
        }
    }
}

/// Tickets counted for the status line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: usize,
    pub at_risk: usize,
    pub breached: usize,
}

impl State {
    pub fn selected(&self) -> Option<&TicketSummary> {
        self.queue
            .visible
            .get(self.queue.cursor)
            .and_then(|&i| self.row_ticket(i))
    }

    /// The ticket a row of `visible` stands for: a position in the held
    /// tickets, or in a fetched section's own.
    pub fn row_ticket(&self, i: usize) -> Option<&TicketSummary> {
        match self
            .sections
            .get(self.section)
            .and_then(|s| s.fetched.as_ref())
        {
            Some(fetched) => fetched.tickets.get(i),
            None => self.held.tickets.get(i),
        }
    }

    /// Where a held ticket goes in the queue's order: its sort key, then
    /// newest first; compared the other way round when reversed.
    fn order_of(&self, i: usize) -> Order<'_> {
        let t = &self.held.tickets.items()[i].ticket;
        (self.queue.sort.key(t, self.now), id_order(t))
    }

    /// Sort every held ticket again (a new sort key, or most of the tickets
    /// new), and count them all.
    pub fn resort(&mut self) {
        let now = self.now;
        let sort = self.queue.sort;
        let items = self.held.tickets.items();
        // Keys worked out once per ticket, not once per comparison.
        let mut keyed: Vec<(Order<'_>, usize)> = items
            .iter()
            .enumerate()
            .map(|(i, h)| ((sort.key(&h.ticket, now), id_order(&h.ticket)), i))
            .collect();
        keyed.sort_unstable();
        if self.queue.reversed {
            keyed.reverse();
        }
        self.queue.sorted = keyed.into_iter().map(|(_, i)| i).collect();
        self.queue.unplaced.clear();
        self.recount();
        self.refilter();
    }

    /// A ticket was dropped from position `at` and the one at `from` took
    /// its place: the order follows, so it never holds a stale position.
    pub(crate) fn dropped(&mut self, at: usize, from: usize) {
        self.queue.rows_stale = true;
        self.queue.sorted.retain_mut(|i| {
            if *i == at {
                return false;
            }
            if *i == from {
                *i = at;
            }
            true
        });
    }

    /// Put the tickets held since the last sort in their places,
    /// leaving the rest where they are: a refresh of a few tickets costs a
    /// few binary searches and one pass over the rows, not a sort of the
    /// whole desk. The counts were
    /// kept as the tickets came and went.
    pub fn place(&mut self) {
        let changed = self.queue.unplaced.len();
        if changed == 0 && !self.queue.sorted.is_empty() {
            self.refilter();
            return;
        }
        if changed * 8 > self.held.tickets.len().max(64) {
            return self.resort();
        }
        // Positions of distinct ids: each once.
        let unplaced: Vec<usize> = std::mem::take(&mut self.queue.unplaced)
            .iter()
            .filter_map(|id| self.held.tickets.position(id))
            .collect();
        // One mark per held ticket: the rows are read once each, and a mark
        // is cheaper to look up than a hash (100,000 of them per refresh).
        let mut moving = vec![false; self.held.tickets.len()];
        for &i in &unplaced {
            moving[i] = true;
        }
        let mut sorted = std::mem::take(&mut self.queue.sorted);
        sorted.retain(|&i| !moving[i]);
        let reversed = self.queue.reversed;
        let before = |a: &Order<'_>, b: &Order<'_>| if reversed { a > b } else { a < b };
        let mut fresh: Vec<(Order<'_>, usize)> =
            unplaced.iter().map(|&i| (self.order_of(i), i)).collect();
        fresh.sort_by(|(a, _), (b, _)| {
            let order = a.cmp(b);
            if reversed { order.reverse() } else { order }
        });
        // Merged in one pass: each found by binary search after the one
        // before it, the rows between copied whole. Inserting one at a time
        // moved every later row each time (a page of 500 into 300,000 held).
        let merge = |rows: &[usize], fresh: &[(Order<'_>, usize)]| -> Vec<usize> {
            let mut merged = Vec::with_capacity(rows.len() + fresh.len());
            let mut from = 0;
            for (key, i) in fresh {
                let at = from + rows[from..].partition_point(|&j| before(&self.order_of(j), key));
                merged.extend_from_slice(&rows[from..at]);
                merged.push(*i);
                from = at;
            }
            merged.extend_from_slice(&rows[from..]);
            merged
        };
        let merged = merge(&sorted, &fresh);
        // The rows shown change by the same few tickets, where the section
        // is in memory and nothing dropped moved the others' positions: a
        // refresh of one ticket looks at one, not at every ticket held.
        let section = self.sections.get(self.section);
        let rows = match section {
            Some(section) if section.fetched.is_none() && !self.queue.rows_stale => {
                let filter = self.queue.filter.text().to_lowercase();
                let words = TextFilter::new(&filter);
                let every = self.shows_every(section);
                let items = self.held.tickets.items();
                let staying: Vec<usize> = self
                    .queue
                    .visible
                    .iter()
                    .copied()
                    .filter(|&i| !moving[i])
                    .collect();
                let shown: Vec<(Order<'_>, usize)> = fresh
                    .iter()
                    .filter(|(_, i)| self.row_shown(section, every, &words, &items[*i]))
                    .cloned()
                    .collect();
                Some(merge(&staying, &shown))
            }
            _ => None,
        };
        drop(fresh);
        self.queue.sorted = merged;
        match rows {
            Some(rows) => {
                let keep = self.kept_selection();
                self.queue.narrowed.clear();
                self.queue.visible = rows;
                self.cursor_to(keep);
            }
            None => self.refilter(),
        }
    }

    /// Add a ticket to the counts, or take it out: sections, the status
    /// line, and the dashboard's at-risk figures. The 5-second recount
    /// starts them afresh as time moves clocks on.
    pub(crate) fn count(&mut self, t: &TicketSummary, add: bool) {
        let step = |n: &mut usize| {
            if add {
                *n += 1;
            } else {
                *n = n.saturating_sub(1);
            }
        };
        let holding: Vec<bool> = self
            .sections
            .iter()
            .map(|section| self.section_holds(section, t))
            .collect();
        for (section, holds) in self.sections.iter_mut().zip(holding) {
            if holds {
                step(&mut section.count);
            }
        }
        if t.status.kind.is_active() {
            self.held.count(t, add, self.now, &self.settings.thresholds);
        }
    }

    /// The filter changed as it was typed. A longer filter only narrows, so
    /// its rows are found among the shorter filter's; going back (Backspace)
    /// finds the shorter filter's rows kept from the way in.
    pub fn filter_typed(&mut self) {
        let text = self.queue.filter.text().to_lowercase();
        let narrowed = &mut self.queue.narrowed;
        while narrowed
            .last()
            .is_some_and(|(before, _)| !text.starts_with(before.as_str()))
        {
            narrowed.pop();
        }
        match narrowed.last() {
            Some((before, rows)) if *before == text => self.queue.visible = rows.clone(),
            Some((_, rows)) => {
                let items = self.held.tickets.items();
                let words = TextFilter::new(&text);
                let rows: Vec<usize> = rows
                    .iter()
                    .copied()
                    .filter(|&i| words.matches(&items[i].haystack))
                    .collect();
                self.queue.visible = rows.clone();
                self.queue.narrowed.push((text, rows));
            }
            None => {
                self.refilter();
                let rows = self.queue.visible.clone();
                self.queue.narrowed.push((text, rows));
            }
        }
        self.queue.cursor = 0;
        self.queue.offset = 0;
        self.clamp_cursor();
    }

    /// Narrow the sorted tickets to the section and filter, keeping the cursor
    /// on the same ticket when it is still shown.
    /// Once loaded, the cursor follows its ticket; while the first pages
    /// arrive it stays where the user left it.
    fn kept_selection(&self) -> Option<TicketId> {
        self.schedule
            .loaded
            .then(|| self.queue.selected.clone())
            .flatten()
    }

    /// Whether a section shows every held ticket: All, whose tickets are
    /// all active, needs no look at their fields.
    fn shows_every(&self, section: &super::sections::Section) -> bool {
        section.query == Query::active() && section.problem.is_none()
    }

    /// Whether a held ticket is a row of the section, the filter and the focus.
    fn row_shown(
        &self,
        section: &super::sections::Section,
        every: bool,
        words: &TextFilter,
        held: &super::tickets::Held,
    ) -> bool {
        (every || self.section_holds(section, &held.ticket))
            && words.matches(&held.haystack)
            && self.queue.focus.as_ref().is_none_or(|(focus, _)| {
                focus.matches(&held.ticket, self.now, &self.settings.thresholds)
            })
    }

    pub fn refilter(&mut self) {
        self.queue.narrowed.clear();
        self.queue.rows_stale = false;
        let keep = self.kept_selection();
        let filter = self.queue.filter.text().to_lowercase();
        let items = self.held.tickets.items();
        let words = TextFilter::new(&filter);
        self.queue.visible = match self.sections.get(self.section) {
            Some(section) if section.fetched.is_some() => self.fetched_rows(&words),
            Some(section) => {
                // Decided in memory order, where the tickets lie next to each
                // other; then read in sort order from a small table.
                let every = self.shows_every(section);
                let shown: Vec<bool> = items
                    .iter()
                    .map(|held| self.row_shown(section, every, &words, held))
                    .collect();
                self.queue
                    .sorted
                    .iter()
                    .copied()
                    .filter(|&i| shown[i])
                    .collect()
            }
            None => Vec::new(),
        };
        if self
            .sections
            .get(self.section)
            .is_some_and(|s| s.fetched.is_some())
        {
            let found = keep.and_then(|id| {
                self.queue
                    .visible
                    .iter()
                    .position(|&i| self.row_ticket(i).is_some_and(|t| t.id == id))
            });
            self.queue.cursor = found.unwrap_or(self.queue.cursor);
            self.clamp_cursor();
            return;
        }
        self.cursor_to(keep);
    }

    /// The cursor onto the kept ticket's row, where it still has one.
    fn cursor_to(&mut self, keep: Option<TicketId>) {
        // By position in the set: comparing numbers, not every ticket's id.
        let found = keep
            .and_then(|id| self.held.tickets.position(&id))
            .and_then(|at| self.queue.visible.iter().position(|&i| i == at));
        self.queue.cursor = found.unwrap_or(self.queue.cursor);
        self.clamp_cursor();
    }

    /// A fetched section's rows: its tickets in the queue's order,
    /// narrowed by the filter.
    fn fetched_rows(&self, words: &TextFilter) -> Vec<usize> {
        let Some(fetched) = self
            .sections
            .get(self.section)
            .and_then(|s| s.fetched.as_ref())
        else {
            return Vec::new();
        };
        let mut rows: Vec<(Order<'_>, usize)> = fetched
            .tickets
            .iter()
            .enumerate()
            .filter(|(_, t)| words.matches(&search_text(t)))
            .map(|(i, t)| ((self.queue.sort.key(t, self.now), id_order(t)), i))
            .collect();
        rows.sort_unstable();
        if self.queue.reversed {
            rows.reverse();
        }
        rows.into_iter().map(|(_, i)| i).collect()
    }

    /// Section sizes and the status line's counts.
    pub fn recount(&mut self) {
        let counts: Vec<Option<usize>> = self
            .sections
            .iter()
            .map(|section| {
                section.fetched.is_none().then(|| {
                    self.held
                        .tickets
                        .items()
                        .iter()
                        .filter(|h| self.section_holds(section, &h.ticket))
                        .count()
                })
            })
            .collect();
        for (section, count) in self.sections.iter_mut().zip(counts) {
            if let Some(count) = count {
                section.count = count;
            }
        }
        self.recount_levels();
    }

    /// The status line's and the dashboard's at-risk and breached counts at
    /// the time now ([`super::holdings::Holdings::recount_levels`]).
    pub fn recount_levels(&mut self) {
        self.held
            .recount_levels(self.now, &self.settings.thresholds);
        // Time moved levels and ages on: a section that asks for them
        // (sla:, updated:) has its rows worked out anew at the next placing.
        self.queue.rows_stale = true;
    }

    pub fn clamp_cursor(&mut self) {
        let len = self.queue.visible.len();
        self.queue.cursor = self.queue.cursor.min(len.saturating_sub(1));
        let height = self.list_height().max(1);
        if self.queue.cursor < self.queue.offset {
            self.queue.offset = self.queue.cursor;
        } else if self.queue.cursor >= self.queue.offset + height {
            self.queue.offset = self.queue.cursor + 1 - height;
        }
        self.queue.offset = self.queue.offset.min(len.saturating_sub(height));
        self.queue.selected = self.selected().map(|t| t.id.clone());
    }

    pub fn move_cursor(&mut self, delta: isize) {
        self.queue.cursor = self.queue.cursor.saturating_add_signed(delta);
        self.clamp_cursor();
    }

    /// Show a section tab, in its own order if it has one, fetching it
    /// from the desk if it is fetched.
    pub fn select_section(&mut self, index: usize) -> Vec<Effect> {
        if index >= self.sections.len() || index == self.section {
            return Vec::new();
        }
        self.section = index;
        self.queue.cursor = 0;
        self.queue.offset = 0;
        match self.sections[index].sort {
            Some(sort) if sort != self.queue.sort => {
                self.queue.sort = sort;
                self.queue.reversed = false;
                self.resort();
            }
            _ => self.refilter(),
        }
        if let Some(problem) = &self.sections[index].problem
            && !self.queues.is_empty()
        {
            let problem = format!("{}: {problem}", self.sections[index].name);
            self.error(problem);
        }
        let fetched = self.sections[index].fetched.as_ref();
        if fetched.is_some_and(|f| f.at.is_none()) {
            return self.fetch_section();
        }
        Vec::new()
    }

    /// A section by name, case-insensitively: exact, else a unique prefix or part.
    pub fn find_section(&self, name: &str) -> Option<usize> {
        let name = name.trim().to_lowercase();
        let names: Vec<String> = self
            .sections
            .iter()
            .map(|s| s.name.to_lowercase())
            .collect();
        if let Some(i) = names.iter().position(|n| *n == name) {
            return Some(i);
        }
        let partial: Vec<usize> = (0..names.len())
            .filter(|&i| names[i].starts_with(&name) || names[i].contains(&name))
            .collect();
        (partial.len() == 1).then(|| partial[0])
    }
}
