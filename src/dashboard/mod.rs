//! The figures on the dashboard and in `deskterm report`, from tickets the
//! console already holds: open and recently finished ones. No I/O; the
//! console computes them again only when tickets change or time moves on.

pub mod report;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::desk::{AgentId, Channel, QueueId, RequesterRole, StatusKind, TicketId, TicketSummary};
use crate::numbers::Numbers;
use crate::sla::{ClockKind, Level, Stage, Thresholds};

/// How far back the flow charts and the finished tickets go.
pub const HISTORY_DAYS: i64 = 30;

/// How many of the tickets waiting longest the dashboard lists.
pub const OLDEST_OPEN: usize = 10;

/// Something on the dashboard that Enter narrows the queue to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Focus {
    Queue(QueueId),
    Channel(Channel),
    /// At risk or breached, in one department.
    Slipping(QueueId),
    Agent(AgentId),
    Role(RequesterRole),
    Ticket(TicketId),
}

impl Focus {
    /// Whether an open ticket belongs to this figure.
    pub fn matches(&self, t: &TicketSummary, now: Timestamp, thresholds: &Thresholds) -> bool {
        match self {
            Focus::Queue(q) => t.queue.id == *q,
            Focus::Channel(c) => t.channel == *c,
            Focus::Slipping(q) => {
                t.queue.id == *q
                    && t.sla
                        .level(now, thresholds)
                        .is_some_and(|l| l == Level::Breached || l.at_risk())
            }
            Focus::Agent(a) => t.owner.as_ref().is_some_and(|o| o.id == *a),
            Focus::Role(r) => t.requester.role == *r,
            Focus::Ticket(id) => t.id == *id,
        }
    }
}

/// One labelled count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: usize,
    pub focus: Focus,
}

/// Tickets opened and finished in one hour or day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    pub new: usize,
    pub resolved: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaRow {
    pub queue: String,
    pub id: QueueId,
    pub at_risk: usize,
    pub breached: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentLoad {
    pub name: String,
    pub id: AgentId,
    pub open: usize,
    pub at_risk: usize,
    pub breached: usize,
    /// When their oldest open ticket came in.
    pub oldest: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Oldest {
    pub id: TicketId,
    pub key: String,
    pub subject: String,
    pub created: Timestamp,
}

/// A median now and over the week, for the trend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Medians {
    pub today: Option<SignedDuration>,
    pub week: Option<SignedDuration>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dashboard {
    pub open: usize,
    pub by_queue: Vec<Bar>,
    pub by_channel: Vec<Bar>,
    /// The last 24 hours, oldest first; the last is the hour now.
    pub hourly: Vec<Flow>,
    /// The last 30 days, oldest first; the last is today.
    pub daily: Vec<Flow>,
    pub sla: Vec<SlaRow>,
    pub agents: Vec<AgentLoad>,
    pub oldest: Vec<Oldest>,
    pub first_response: Medians,
    pub resolution: Medians,
    pub requesters: Vec<Bar>,
    /// Who waits how long, per requester role (equity), largest first.
    pub waits: Vec<RoleWait>,
}

/// One requester role's waits: medians over the last seven days, and its
/// open tickets breached now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleWait {
    pub role: RequesterRole,
    pub first_response: Option<SignedDuration>,
    pub resolution: Option<SignedDuration>,
    pub open: usize,
    pub breached: usize,
}

/// When a finished ticket was finished: when the desk says it was
/// resolved, else its resolution clock's moment, else its last update.
pub fn finished_at(t: &TicketSummary) -> Option<Timestamp> {
    if !matches!(t.status.kind, StatusKind::Resolved | StatusKind::Closed) {
        return None;
    }
    let met = || {
        t.sla
            .get(ClockKind::Resolution)
            .and_then(|c| match c.stage() {
                Stage::Met { at } => Some(at),
                _ => None,
            })
    };
    Some(t.resolved_at.or_else(met).unwrap_or(t.updated))
}

fn median(mut values: Vec<SignedDuration>) -> Option<SignedDuration> {
    if values.is_empty() {
        return None;
    }
    // Selection, not a sort: linear in the week's tickets.
    let (mid, even) = (values.len() / 2, values.len().is_multiple_of(2));
    let (below, upper, _) = values.select_nth_unstable(mid);
    let upper = *upper;
    Some(if even {
        let lower = below.iter().max().copied().unwrap_or(upper);
        (lower + upper) / 2
    } else {
        upper
    })
}

fn bars(counts: impl Iterator<Item = (String, usize, Focus)>) -> Vec<Bar> {
    let mut bars: Vec<Bar> = counts
        .map(|(label, value, focus)| Bar {
            label,
            value,
            focus,
        })
        .collect();
    // Largest first; equal ones by name, so the order is stable.
    bars.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
    bars
}

/// The figures at `now` from every ticket in `tickets`, worked out from
/// scratch: for tests, benchmarks and one-off uses. The console keeps a
/// [`Tally`] instead and only tells it what changed.
pub fn compute<'a>(
    tickets: impl IntoIterator<Item = &'a TicketSummary>,
    now: Timestamp,
    time_zone: &TimeZone,
    thresholds: &Thresholds,
) -> Dashboard {
    let mut tally = Tally::new(time_zone.clone());
    let mut slipping = Slipping::default();
    let mut numbers = Numbers::default();
    let mut open = HashMap::new();
    for t in tickets {
        let n = numbers.number(&t.id);
        tally.put(n, t);
        if t.status.kind.is_active() && finished_at(t).is_none() {
            slipping.count(t, t.sla.level(now, thresholds));
            open.insert(n, t);
        }
    }
    tally.figures(now, &slipping, |n| open.get(&n).copied())
}

/// At risk and breached per department and per agent. Time alone moves
/// these, so they are counted with the levels the console reads at each
/// recount anyway, rather than by reading every clock again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slipping {
    by_queue: HashMap<QueueId, (usize, usize)>,
    by_agent: HashMap<AgentId, (usize, usize)>,
    by_role: HashMap<RequesterRole, (usize, usize)>,
}

impl Slipping {
    /// One open ticket at its level now.
    pub fn count(&mut self, t: &TicketSummary, level: Option<Level>) {
        self.step(t, level, true);
    }

    /// One open ticket counted before, taken out again.
    pub fn uncount(&mut self, t: &TicketSummary, level: Option<Level>) {
        self.step(t, level, false);
    }

    fn step(&mut self, t: &TicketSummary, level: Option<Level>, add: bool) {
        let breached = match level {
            Some(Level::Breached) => true,
            Some(l) if l.at_risk() => false,
            // Most tickets: nothing to count, and no key to copy.
            _ => return,
        };
        fn bump<K: Clone + Eq + std::hash::Hash>(
            map: &mut HashMap<K, (usize, usize)>,
            key: &K,
            breached: bool,
            add: bool,
        ) {
            // The key is copied only the first time it is seen.
            if !map.contains_key(key) {
                map.insert(key.clone(), (0, 0));
            }
            if let Some(pair) = map.get_mut(key) {
                let n = if breached { &mut pair.1 } else { &mut pair.0 };
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        }
        bump(&mut self.by_queue, &t.queue.id, breached, add);
        bump(&mut self.by_role, &t.requester.role, breached, add);
        if let Some(owner) = &t.owner {
            bump(&mut self.by_agent, &owner.id, breached, add);
        }
    }
}

/// What one ticket adds to the figures, kept so that a change to it can
/// take the old contribution back out. Times are seconds since the epoch:
/// a part is kept for every held ticket.
#[derive(Clone, Debug)]
struct Part {
    created: i64,
    role: RequesterRole,
    /// When the first response came.
    answered: Second,
    /// When it was finished.
    finished: Second,
    open: Option<OpenPart>,
}

#[derive(Clone, Debug)]
struct OpenPart {
    queue: u32,
    channel: Channel,
    owner: Option<u32>,
}

/// A second since the epoch, or none: half the size of an `Option<i64>`.
#[derive(Clone, Copy, Debug)]
struct Second(i64);

impl Second {
    const NONE: i64 = i64::MIN;

    fn new(second: Option<i64>) -> Self {
        Self(second.unwrap_or(Self::NONE))
    }

    fn get(self) -> Option<i64> {
        (self.0 != Self::NONE).then_some(self.0)
    }
}

/// An open ticket or a moment, ordered by time, then by ticket number.
/// The time is a [`moment`]: these sets hold every ticket, and a B-tree's
/// node holds as many entries whatever their size.
type When = (u32, u32);

/// A second since the epoch in four bytes (1970 to 2106; earlier or later
/// is held at the end).
fn moment(second: i64) -> u32 {
    second.clamp(0, u32::MAX as i64) as u32
}

/// A second since the epoch as a timestamp.
fn at_second(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The dashboard's running totals. Each ticket change costs a handful of
/// map updates; [`Tally::figures`] then reads the totals without visiting
/// every ticket, so a desk of 100,000 tickets stays cheap.
#[derive(Clone, Debug)]
pub struct Tally {
    time_zone: TimeZone,
    queues: Numbers<QueueId>,
    agents: Numbers<AgentId>,
    /// By ticket number.
    parts: Vec<Option<Part>>,
    by_queue: HashMap<u32, usize>,
    by_channel: HashMap<Channel, usize>,
    by_role: HashMap<RequesterRole, usize>,
    by_agent: HashMap<u32, BTreeSet<When>>,
    /// The latest name seen for each queue and agent.
    queue_names: HashMap<u32, String>,
    agent_names: HashMap<u32, String>,
    /// Open tickets, oldest first.
    open: BTreeSet<When>,
    /// Keyed by hour since the epoch, and by day in the desk's time zone.
    new_hourly: BTreeMap<i64, usize>,
    new_daily: BTreeMap<Date, usize>,
    finished_hourly: BTreeMap<i64, usize>,
    finished_daily: BTreeMap<Date, usize>,
    /// How long each took, keyed by when it happened.
    responses: BTreeMap<When, Took>,
    resolutions: BTreeMap<When, Took>,
}

/// Seconds taken (to 68 years), and who asked (for who waits longer):
/// kept beside the time, so the week's medians read one map in order.
type Took = (i32, RequesterRole);

/// The seconds from one second to another, as a [`Took`] keeps them.
fn took(from: i64, to: i64) -> i32 {
    (to - from).clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

fn hour_of(second: i64) -> i64 {
    second.div_euclid(3600)
}

fn add<K: Ord>(map: &mut BTreeMap<K, usize>, key: K) {
    *map.entry(key).or_default() += 1;
}

fn take<K: Ord>(map: &mut BTreeMap<K, usize>, key: &K) {
    if let Some(n) = map.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            map.remove(key);
        }
    }
}

fn take_count<K: Eq + std::hash::Hash>(map: &mut HashMap<K, usize>, key: &K) {
    if let Some(n) = map.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            map.remove(key);
        }
    }
}

impl Tally {
    pub fn new(time_zone: TimeZone) -> Self {
        Self {
            time_zone,
            queues: Numbers::default(),
            agents: Numbers::default(),
            parts: Vec::new(),
            by_queue: HashMap::new(),
            by_channel: HashMap::new(),
            by_role: HashMap::new(),
            by_agent: HashMap::new(),
            queue_names: HashMap::new(),
            agent_names: HashMap::new(),
            open: BTreeSet::new(),
            new_hourly: BTreeMap::new(),
            new_daily: BTreeMap::new(),
            finished_hourly: BTreeMap::new(),
            finished_daily: BTreeMap::new(),
            responses: BTreeMap::new(),
            resolutions: BTreeMap::new(),
        }
    }

    fn day(&self, second: i64) -> Date {
        self.time_zone.to_datetime(at_second(second)).date()
    }

    /// Room for `total` tickets, made once.
    pub fn make_room(&mut self, total: usize) {
        let more = total.saturating_sub(self.parts.len());
        self.parts.reserve_exact(more);
    }

    /// Ticket number `n` (its number among the tickets held, see
    /// [`crate::numbers`]) as it is now, replacing what it was.
    pub fn put(&mut self, n: u32, t: &TicketSummary) {
        self.remove(n);
        let finished = finished_at(t);
        let open = (finished.is_none() && t.status.kind.is_active()).then(|| OpenPart {
            queue: self.queues.number(&t.queue.id),
            channel: t.channel,
            owner: t.owner.as_ref().map(|o| self.agents.number(&o.id)),
        });
        let created = t.created.as_second();
        let part = Part {
            created,
            role: t.requester.role,
            answered: Second::new(t.first_response_at.map(Timestamp::as_second)),
            finished: Second::new(finished.map(Timestamp::as_second)),
            open,
        };
        add(&mut self.new_hourly, hour_of(part.created));
        let day = self.day(part.created);
        add(&mut self.new_daily, day);
        if let Some(at) = part.answered.get() {
            self.responses
                .insert((moment(at), n), (took(created, at), part.role));
        }
        if let Some(at) = part.finished.get() {
            add(&mut self.finished_hourly, hour_of(at));
            let day = self.day(at);
            add(&mut self.finished_daily, day);
            self.resolutions
                .insert((moment(at), n), (took(created, at), part.role));
        }
        if let Some(open) = &part.open {
            *self.by_queue.entry(open.queue).or_default() += 1;
            *self.by_channel.entry(open.channel).or_default() += 1;
            *self.by_role.entry(part.role).or_default() += 1;
            if self.queue_names.get(&open.queue).map(String::as_str) != Some(&*t.queue.name) {
                self.queue_names
                    .insert(open.queue, t.queue.name.to_string());
            }
            if let (Some(agent), Some(owner)) = (open.owner, &t.owner) {
                self.by_agent
                    .entry(agent)
                    .or_default()
                    .insert((moment(created), n));
                if self.agent_names.get(&agent).map(String::as_str) != Some(&*owner.name) {
                    self.agent_names.insert(agent, owner.name.to_string());
                }
            }
            self.open.insert((moment(created), n));
        }
        let slot = n as usize;
        if self.parts.len() <= slot {
            self.parts.resize(slot + 1, None);
        }
        self.parts[slot] = Some(part);
    }

    /// Ticket number `n`, no longer held.
    pub fn remove(&mut self, n: u32) {
        let Some(part) = self.parts.get_mut(n as usize).and_then(Option::take) else {
            return;
        };
        take(&mut self.new_hourly, &hour_of(part.created));
        let day = self.day(part.created);
        take(&mut self.new_daily, &day);
        if let Some(at) = part.answered.get() {
            self.responses.remove(&(moment(at), n));
        }
        if let Some(at) = part.finished.get() {
            take(&mut self.finished_hourly, &hour_of(at));
            let day = self.day(at);
            take(&mut self.finished_daily, &day);
            self.resolutions.remove(&(moment(at), n));
        }
        if let Some(open) = part.open {
            take_count(&mut self.by_queue, &open.queue);
            take_count(&mut self.by_channel, &open.channel);
            take_count(&mut self.by_role, &part.role);
            if let Some(owner) = open.owner
                && let Some(set) = self.by_agent.get_mut(&owner)
            {
                set.remove(&(moment(part.created), n));
                if set.is_empty() {
                    self.by_agent.remove(&owner);
                }
            }
            self.open.remove(&(moment(part.created), n));
        }
    }

    /// The figures at `now`; `ticket` finds an open ticket by its number,
    /// for the oldest-open list.
    pub fn figures<'a>(
        &self,
        now: Timestamp,
        slipping: &Slipping,
        ticket: impl Fn(u32) -> Option<&'a TicketSummary>,
    ) -> Dashboard {
        let queue_name = |n: &u32| {
            self.queue_names
                .get(n)
                .cloned()
                .unwrap_or_else(|| self.queues.key(*n).0.to_string())
        };
        let mut d = Dashboard {
            open: self.open.len(),
            by_queue: bars(
                self.by_queue
                    .iter()
                    .map(|(q, n)| (queue_name(q), *n, Focus::Queue(self.queues.key(*q).clone()))),
            ),
            by_channel: bars(
                self.by_channel
                    .iter()
                    .map(|(c, n)| (c.name().to_string(), *n, Focus::Channel(*c))),
            ),
            requesters: bars(
                self.by_role
                    .iter()
                    .map(|(r, n)| (r.name().to_string(), *n, Focus::Role(*r))),
            ),
            ..Dashboard::default()
        };

        let hour = hour_of(now.as_second());
        d.hourly = (hour - 23..=hour)
            .map(|h| Flow {
                new: self.new_hourly.get(&h).copied().unwrap_or(0),
                resolved: self.finished_hourly.get(&h).copied().unwrap_or(0),
            })
            .collect();
        let today = self.day(now.as_second());
        d.daily = (0..HISTORY_DAYS)
            .rev()
            .filter_map(|ago| today.checked_sub(jiff::Span::new().days(ago)).ok())
            .map(|day| Flow {
                new: self.new_daily.get(&day).copied().unwrap_or(0),
                resolved: self.finished_daily.get(&day).copied().unwrap_or(0),
            })
            .collect();

        d.sla = self
            .by_queue
            .keys()
            .map(|q| {
                let id = self.queues.key(*q);
                let (at_risk, breached) = slipping.by_queue.get(id).copied().unwrap_or_default();
                SlaRow {
                    queue: queue_name(q),
                    id: id.clone(),
                    at_risk,
                    breached,
                }
            })
            .collect();
        d.sla.sort_by(|a, b| {
            (b.breached, b.at_risk)
                .cmp(&(a.breached, a.at_risk))
                .then_with(|| a.queue.cmp(&b.queue))
        });

        d.agents = self
            .by_agent
            .iter()
            .map(|(a, open)| {
                let id = self.agents.key(*a);
                let (at_risk, breached) = slipping.by_agent.get(id).copied().unwrap_or_default();
                AgentLoad {
                    name: self
                        .agent_names
                        .get(a)
                        .cloned()
                        .unwrap_or_else(|| id.0.to_string()),
                    id: id.clone(),
                    open: open.len(),
                    at_risk,
                    breached,
                    oldest: open.first().map(|(at, _)| at_second(i64::from(*at))),
                }
            })
            .collect();
        d.agents
            .sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.name.cmp(&b.name)));

        d.oldest = self
            .open
            .iter()
            .filter_map(|(_, n)| ticket(*n))
            .take(OLDEST_OPEN)
            .map(|t| Oldest {
                id: t.id.clone(),
                key: t.key.to_string(),
                subject: t.subject.to_string(),
                created: t.created,
            })
            .collect();

        // Medians over what happened since midnight and in the last week.
        let midnight = today
            .to_zoned_datetime(self.time_zone.clone())
            .map_or(now, |z| z.timestamp());
        let week_ago = now - SignedDuration::from_hours(7 * 24);
        let since = |map: &BTreeMap<When, Took>, from: Timestamp| {
            let took = map
                .range((moment(from.as_second()), 0)..)
                .map(|(_, (took, _))| SignedDuration::from_secs(i64::from(*took)));
            median(took.collect())
        };
        d.first_response = Medians {
            today: since(&self.responses, midnight),
            week: since(&self.responses, week_ago),
        };
        d.resolution = Medians {
            today: since(&self.resolutions, midnight),
            week: since(&self.resolutions, week_ago),
        };
        // The week's times by the requester's role, in one pass of each.
        let by_role = |map: &BTreeMap<When, Took>| {
            let mut roles: HashMap<RequesterRole, Vec<SignedDuration>> = HashMap::new();
            for (_, (took, role)) in map.range((moment(week_ago.as_second()), 0)..) {
                roles
                    .entry(*role)
                    .or_default()
                    .push(SignedDuration::from_secs(i64::from(*took)));
            }
            roles
        };
        let (mut responses, mut resolutions) =
            (by_role(&self.responses), by_role(&self.resolutions));
        d.waits = RequesterRole::ALL
            .into_iter()
            .map(|role| RoleWait {
                role,
                first_response: responses.remove(&role).and_then(median),
                resolution: resolutions.remove(&role).and_then(median),
                open: self.by_role.get(&role).copied().unwrap_or(0),
                breached: slipping.by_role.get(&role).map_or(0, |(_, b)| *b),
            })
            .filter(|w| w.open > 0 || w.first_response.is_some() || w.resolution.is_some())
            .collect();
        d.waits
            .sort_by(|a, b| b.open.cmp(&a.open).then(a.role.name().cmp(b.role.name())));
        d
    }
}

#[cfg(test)]
mod tests;
