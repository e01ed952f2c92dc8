//! Backend-neutral searches: each backend translates a [`Query`] into its own
//! language (SQL for the demo, TicketSQL for RT), and the console evaluates the
//! same query on tickets it already holds. [`text`] reads the language
//! people write queries in.

pub mod text;

use jiff::Timestamp;

use super::model::{
    AgentId, Channel, PriorityLevel, QueueId, RequesterRole, StatusKind, TicketSummary,
};
use crate::sla::{Level, Thresholds};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum OwnerFilter {
    #[default]
    Any,
    Me,
    Nobody,
    Agent(AgentId),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Empty means any status.
    pub statuses: Vec<StatusKind>,
    pub queue: Option<QueueId>,
    pub owner: OwnerFilter,
    /// Words that must all appear in the subject, the requester or the id.
    pub text: String,
    /// Only this requester's tickets, by email address (any case).
    pub requester: Option<String>,
    /// Refinements: empty means any. A desk translates those it can; the
    /// rest are applied to what it answers ([`Query::refines`]).
    pub priorities: Vec<PriorityLevel>,
    pub channels: Vec<Channel>,
    pub roles: Vec<RequesterRole>,
    /// Tickets carrying every one of these tags.
    pub tags: Vec<String>,
    /// Custom fields with these values (names and values in any case).
    pub fields: Vec<(String, String)>,
    pub created: TimeRange,
    pub updated: TimeRange,
    /// SLA levels, any of them: the console's engine knows them, never the
    /// desk, so they are checked once the clocks are filled in
    /// ([`Query::sla_matches`]).
    pub sla: Vec<SlaFilter>,
    /// One of the desk's own views ([`crate::desk::View`]), by id: the
    /// desk lists it, and nothing else of the query applies.
    pub view: Option<String>,
}

/// Instants a time lies between: `after` inclusive, `before` exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub after: Option<Timestamp>,
    pub before: Option<Timestamp>,
}

impl TimeRange {
    pub fn after(at: Timestamp) -> Self {
        Self {
            after: Some(at),
            before: None,
        }
    }

    pub fn before(at: Timestamp) -> Self {
        Self {
            after: None,
            before: Some(at),
        }
    }

    /// Both at once: the later start, the earlier end.
    pub fn and(self, other: Self) -> Self {
        let pick = |a: Option<Timestamp>, b: Option<Timestamp>, later: bool| match (a, b) {
            (Some(a), Some(b)) => Some(if later { a.max(b) } else { a.min(b) }),
            (a, b) => a.or(b),
        };
        Self {
            after: pick(self.after, other.after, true),
            before: pick(self.before, other.before, false),
        }
    }

    pub fn is_any(&self) -> bool {
        self.after.is_none() && self.before.is_none()
    }

    pub fn contains(&self, at: Timestamp) -> bool {
        self.after.is_none_or(|a| at >= a) && self.before.is_none_or(|b| at < b)
    }
}

/// An SLA level as a query names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaFilter {
    Breached,
    /// Warned or alerted.
    AtRisk,
    Ok,
    Paused,
    Met,
}

impl SlaFilter {
    pub const ALL: [SlaFilter; 5] = [
        SlaFilter::Breached,
        SlaFilter::AtRisk,
        SlaFilter::Ok,
        SlaFilter::Paused,
        SlaFilter::Met,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SlaFilter::Breached => "breached",
            SlaFilter::AtRisk => "at-risk",
            SlaFilter::Ok => "ok",
            SlaFilter::Paused => "paused",
            SlaFilter::Met => "met",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(word))
    }

    fn holds(self, level: Option<Level>) -> bool {
        match self {
            SlaFilter::Breached => level == Some(Level::Breached),
            SlaFilter::AtRisk => level.is_some_and(Level::at_risk),
            SlaFilter::Ok => level == Some(Level::Ok),
            SlaFilter::Paused => level == Some(Level::Paused),
            SlaFilter::Met => level == Some(Level::Met),
        }
    }
}

impl Query {
    /// Every ticket that still needs work.
    pub fn active() -> Self {
        Self {
            statuses: vec![StatusKind::New, StatusKind::Open, StatusKind::Pending],
            ..Self::default()
        }
    }

    /// Priority, channel, role, tags, fields and times: what a desk may
    /// leave to the client to check.
    pub fn refines(&self, t: &TicketSummary) -> bool {
        self.created.contains(t.created)
            && self.updated.contains(t.updated)
            && self.fields.iter().all(|(name, value)| {
                t.fields.iter().any(|(n, v)| {
                    n.as_str().eq_ignore_ascii_case(name) && v.as_str().eq_ignore_ascii_case(value)
                })
            })
            && (self.priorities.is_empty() || self.priorities.contains(&t.priority.level))
            && (self.channels.is_empty() || self.channels.contains(&t.channel))
            && (self.roles.is_empty() || self.roles.contains(&t.requester.role))
            && self.tags.iter().all(|tag| {
                t.tags
                    .iter()
                    .any(|have| have.as_str().eq_ignore_ascii_case(tag))
            })
    }

    /// Whether the ticket's most urgent clock is at one of the levels asked
    /// for (any, when none is).
    pub fn sla_matches(&self, t: &TicketSummary, now: Timestamp, thresholds: &Thresholds) -> bool {
        self.sla.is_empty() || {
            let level = t.sla.level(now, thresholds);
            self.sla.iter().any(|f| f.holds(level))
        }
    }

    /// Everything but the text and the SLA levels.
    pub fn matches_fields(&self, ticket: &TicketSummary, me: Option<&AgentId>) -> bool {
        if !self.refines(ticket) {
            return false;
        }
        if !self.statuses.is_empty() && !self.statuses.contains(&ticket.status.kind) {
            return false;
        }
        if let Some(queue) = &self.queue
            && ticket.queue.id != *queue
        {
            return false;
        }
        if let Some(email) = &self.requester
            && !ticket.requester.email.eq_ignore_ascii_case(email.trim())
        {
            return false;
        }
        let owner = ticket.owner.as_ref().map(|o| &o.id);
        match &self.owner {
            OwnerFilter::Any => true,
            OwnerFilter::Nobody => owner.is_none(),
            OwnerFilter::Me => me.is_some() && owner == me,
            OwnerFilter::Agent(id) => owner == Some(id),
        }
    }

    /// The full query, text included (case-insensitive).
    pub fn matches(&self, ticket: &TicketSummary, me: Option<&AgentId>) -> bool {
        self.matches_fields(ticket, me)
            && text_matches(&search_text(ticket), &self.text.to_lowercase())
    }
}

/// The lower-cased text a filter looks in: key, id, subject, requester.
pub fn search_text(ticket: &TicketSummary) -> String {
    format!(
        "{} {} {} {} {}",
        ticket.key, ticket.id.0, ticket.subject, ticket.requester.name, ticket.requester.email
    )
    .to_lowercase()
}

/// Whether every word of `filter` occurs in `haystack`; both already lower-cased.
pub fn text_matches(haystack: &str, filter: &str) -> bool {
    TextFilter::new(filter).matches(haystack)
}

/// A filter's words, each made ready once for searching many haystacks:
/// the `/` filter looks through every held ticket on a keystroke.
pub struct TextFilter {
    words: Vec<memchr::memmem::Finder<'static>>,
}

impl TextFilter {
    /// `filter` already lower-cased.
    pub fn new(filter: &str) -> Self {
        Self {
            words: filter
                .split_whitespace()
                .map(|word| memchr::memmem::Finder::new(word.as_bytes()).into_owned())
                .collect(),
        }
    }

    pub fn matches(&self, haystack: &str) -> bool {
        self.words
            .iter()
            .all(|word| word.find(haystack.as_bytes()).is_some())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Zero-based.
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn first(per_page: u32) -> Self {
        Self { page: 0, per_page }
    }

    pub fn next(self) -> Self {
        Self {
            page: self.page + 1,
            ..self
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many match in all, when the server says.
    pub total: Option<u64>,
    /// Whether a further page exists.
    pub more: bool,
}

impl<T: Clone> Page<T> {
    /// The page `asked` of a list read whole (for desks that cannot page
    /// it in the order asked).
    pub fn of(all: &[T], asked: PageRequest) -> Self {
        let per_page = asked.per_page.max(1) as usize;
        let start = (asked.page as usize).saturating_mul(per_page);
        let items: Vec<T> = all.iter().skip(start).take(per_page).cloned().collect();
        Page {
            more: start.saturating_add(per_page) < all.len(),
            total: Some(all.len() as u64),
            items,
        }
    }
}
