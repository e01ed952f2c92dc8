//! The tickets the console holds and what is worked out from them as they
//! come and go: the status line's counts, the dashboard's running tally and
//! slipping clocks, the texts tickets repeat (kept once), the facts of
//! tickets opened whole, the watermark the next refresh starts from, and
//! the clocks already announced as about to breach.

use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::queue::Counts;
use super::tickets::TicketSet;
use crate::dashboard::{Slipping, Tally};
use crate::desk::{TicketDetail, TicketId, TicketSummary, Version};
use crate::floods::{Flood, Floods};
use crate::sla::engine::{Engine, Facts};
use crate::sla::{ClockKind, Level, Reading, Thresholds};

/// How often the at-risk counts are taken again as time moves clocks on.
const RECOUNT_EVERY: SignedDuration = SignedDuration::from_secs(5);

pub struct Holdings {
    pub tickets: TicketSet,
    pub counts: Counts,
    /// The dashboard's running totals over open tickets and those finished
    /// in the last 30 days, told of each change as it is held.
    pub tally: Tally,
    /// At risk and breached per department and agent, as of the last recount.
    pub slipping: Slipping,
    /// Tickets or levels changed since the dashboard's figures were read.
    pub changed: bool,
    texts: crate::text::Pool,
    /// Facts from the whole history of tickets opened, by version.
    facts: HashMap<TicketId, (Version, Facts)>,
    /// Newest `updated` seen: where the next incremental refresh starts.
    watermark: Option<Timestamp>,
    announced: HashSet<(TicketId, ClockKind)>,
    counted_at: Option<Timestamp>,
    /// Every ticket seen, grouped into floods as it comes.
    floods: Floods,
    /// The floods among the tickets held, biggest first, as last grouped.
    pub flood_list: Vec<Flood>,
    /// Tickets came since the floods were last listed.
    floods_stale: bool,
}

impl Holdings {
    pub fn new(time_zone: TimeZone, floods: crate::floods::Thresholds) -> Self {
        Self {
            tickets: TicketSet::default(),
            counts: Counts::default(),
            tally: Tally::new(time_zone),
            slipping: Slipping::default(),
            changed: false,
            texts: Default::default(),
            facts: HashMap::new(),
            watermark: None,
            announced: HashSet::new(),
            counted_at: None,
            floods: Floods::new(floods),
            flood_list: Vec::new(),
            floods_stale: false,
        }
    }

    /// The floods among the active tickets held, listed again when
    /// tickets came since.
    pub fn regroup(&mut self) {
        if !self.floods_stale {
            return;
        }
        self.floods_stale = false;
        let tickets = &self.tickets;
        self.flood_list = self.floods.floods(|n| {
            tickets
                .by_number(n)
                .filter(|t| t.status.kind.is_active())
                .map(|t| &t.id)
        });
    }

    /// The flood a ticket is in, as last listed.
    pub fn flood_of(&self, id: &TicketId) -> Option<&Flood> {
        let n = self.tickets.number_of(id)?;
        self.floods.flood_of(n).and_then(|i| self.flood_list.get(i))
    }

    /// Room for `total` tickets, before they come.
    pub fn make_room(&mut self, total: usize) {
        self.tickets.make_room(total);
        self.tally.make_room(total);
        self.floods.make_room(total);
    }

    /// A ticket into the dashboard's tally as it is now.
    pub fn tally_put(&mut self, t: &TicketSummary) {
        let n = self.tickets.number(&t.id);
        self.tally.put(n, t);
    }

    /// A ticket out of the dashboard's tally.
    pub fn tally_remove(&mut self, id: &TicketId) {
        if let Some(n) = self.tickets.number_of(id) {
            self.tally.remove(n);
        }
    }

    /// A ticket from the desk made ready to hold: its repeated texts
    /// shared, the clocks the desk did not send filled in by the engine
    /// (from the whole history when it was opened at this version, else
    /// from what the summary tells), and the watermark moved on.
    pub fn prepare(&mut self, mut ticket: TicketSummary, engine: &Engine) -> TicketSummary {
        ticket.share(&mut self.texts);
        let facts = match self.facts.get(&ticket.id) {
            Some((version, facts)) if *version == ticket.version => facts.clone(),
            _ => Facts::from_summary(&ticket),
        };
        engine.fill(&mut ticket, &facts);
        let n = self.tickets.number(&ticket.id);
        self.floods.add(n, &ticket);
        self.floods_stale = true;
        // Read from JSON, three clocks get room for four.
        ticket.sla.clocks.shrink_to_fit();
        self.watermark = Some(
            self.watermark
                .map_or(ticket.updated, |w| w.max(ticket.updated)),
        );
        self.changed = true;
        ticket
    }

    /// The whole-history facts of an opened ticket: its clocks from them.
    pub fn learn(&mut self, detail: &mut TicketDetail, engine: &Engine) {
        let facts = Facts::from_detail(detail);
        engine.fill(&mut detail.summary, &facts);
        self.facts.insert(
            detail.summary.id.clone(),
            (detail.summary.version.clone(), facts),
        );
    }

    /// Where the next incremental refresh starts.
    pub fn watermark(&self) -> Option<Timestamp> {
        self.watermark
    }

    /// An active ticket into the counts, or out of them.
    pub fn count(&mut self, t: &TicketSummary, add: bool, now: Timestamp, thresholds: &Thresholds) {
        let step = |n: &mut usize| {
            if add {
                *n += 1;
            } else {
                *n = n.saturating_sub(1);
            }
        };
        step(&mut self.counts.open);
        let level = t.sla.level(now, thresholds);
        match level {
            Some(Level::Breached) => step(&mut self.counts.breached),
            Some(l) if l.at_risk() => step(&mut self.counts.at_risk),
            _ => {}
        }
        if add {
            self.slipping.count(t, level);
        } else {
            self.slipping.uncount(t, level);
        }
    }

    /// Whether the at-risk counts are due again (every few seconds).
    pub fn recount_due(&mut self, now: Timestamp) -> bool {
        let due = self
            .counted_at
            .is_none_or(|at| now.duration_since(at) >= RECOUNT_EVERY);
        if due {
            self.counted_at = Some(now);
        }
        due
    }

    /// The at-risk and breached counts at the time now. A ticket's level is
    /// read again only once it may have changed (see
    /// [`crate::sla::SlaClocks::level_until`]), so the recount every few
    /// seconds does not walk the calendars of 100,000 tickets.
    pub fn recount_levels(&mut self, now: Timestamp, thresholds: &Thresholds) {
        let mut counts = Counts::default();
        let mut slipping = Slipping::default();
        for held in self.tickets.items_mut() {
            if now >= held.level_until {
                (held.level, held.level_until) = held.ticket.sla.level_until(now, thresholds);
            }
            let ticket = &held.ticket;
            if !ticket.status.kind.is_active() {
                continue;
            }
            counts.open += 1;
            match held.level {
                Some(Level::Breached) => counts.breached += 1,
                Some(level) if level.at_risk() => counts.at_risk += 1,
                _ => {}
            }
            slipping.count(ticket, held.level);
        }
        self.counts = counts;
        self.slipping = slipping;
        self.changed = true;
    }

    /// Each clock that came within `lead` of breaching, once: what to tell.
    pub fn announcements(&mut self, now: Timestamp, lead: SignedDuration) -> Vec<String> {
        let mut told = Vec::new();
        for held in self.tickets.items() {
            let t = &held.ticket;
            for clock in &t.sla.clocks {
                let Reading::Running { left } = clock.reading(now) else {
                    continue;
                };
                if left < lead && self.announced.insert((t.id.clone(), clock.kind)) {
                    told.push(format!(
                        "{} {} due in {}: {}",
                        t.key,
                        clock.kind.label(),
                        crate::sla::compact_duration(left),
                        t.subject
                    ));
                }
            }
        }
        told
    }
}
