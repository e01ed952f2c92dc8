//! Computing clocks from a ticket's history under a policy, with the
//! published semantics of Zendesk, Zammad and RT: first response from
//! creation to the first public agent reply; next response from the oldest
//! requester message still unanswered; resolution from creation to resolved.
//! Time in a pausing status (and, for a reopened ticket, time spent resolved)
//! is not counted. Internal notes never satisfy a response clock.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::calendar::Calendar;
use super::policy::{self, Policy};
use super::{ClockKind, SlaClock, SlaClocks, Stage, compact_business, compact_duration};
use crate::desk::{EntryKind, PriorityLevel, StatusKind, TicketDetail, TicketSummary};
use crate::text::SafeText;

/// What a ticket's clocks are computed from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub created: Timestamp,
    /// Status changes in time order; the ticket was new at `created`.
    pub statuses: Vec<(Timestamp, StatusKind)>,
    /// Public messages in time order, and whether an agent wrote each.
    pub messages: Vec<(Timestamp, bool)>,
}

impl Facts {
    /// What a list row tells: creation, the first response, the current
    /// status since it was resolved (when the desk says) or the last update.
    pub fn from_summary(t: &TicketSummary) -> Self {
        let mut messages = vec![(t.created, false)];
        messages.extend(t.first_response_at.map(|at| (at, true)));
        let statuses = match t.status.kind {
            StatusKind::Pending | StatusKind::Resolved | StatusKind::Closed => {
                vec![(since_when(t), t.status.kind)]
            }
            StatusKind::Open if t.first_response_at.is_some() => Vec::new(),
            _ => Vec::new(),
        };
        Self {
            created: t.created,
            statuses,
            messages,
        }
    }

    /// What the whole conversation tells.
    pub fn from_detail(d: &TicketDetail) -> Self {
        let mut statuses = Vec::new();
        let mut messages = Vec::new();
        for entry in &d.entries {
            match entry.kind {
                EntryKind::Reply => messages.push((entry.at, entry.by_agent)),
                EntryKind::Event => statuses.extend(entry.status.map(|s| (entry.at, s))),
                EntryKind::Note => {}
            }
        }
        if messages.is_empty() {
            messages.push((d.summary.created, false));
        }
        Self {
            created: d.summary.created,
            statuses,
            messages,
        }
    }

    /// The facts with the ticket's status now as their last word. A desk
    /// may change a status without telling it in the history (a PATCH on
    /// django-helpdesk, RT's history read before the status changed), so a
    /// resolved or pending ticket's clocks stop whatever the events say.
    fn settled(&self, t: &TicketSummary) -> std::borrow::Cow<'_, Facts> {
        let running = |s: StatusKind| matches!(s, StatusKind::New | StatusKind::Open);
        let (last_at, last) = self
            .statuses
            .last()
            .copied()
            .unwrap_or((self.created, StatusKind::New));
        let now = t.status.kind;
        if last == now || (running(last) && running(now)) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut settled = self.clone();
        settled.statuses.push((since_when(t).max(last_at), now));
        std::borrow::Cow::Owned(settled)
    }
}

/// Since when a ticket has had its status, as far as the summary tells:
/// its resolve for a finished one whose desk dates it, else its last update.
fn since_when(t: &TicketSummary) -> Timestamp {
    match t.resolved_at {
        Some(at) if done(t.status.kind) => at,
        _ => t.updated,
    }
}

fn done(status: StatusKind) -> bool {
    matches!(status, StatusKind::Resolved | StatusKind::Closed)
}

/// The stretches in which clocks stand still.
#[derive(Debug, Default, PartialEq)]
struct Stops {
    /// Pauses and resolved stretches that have ended.
    closed: Vec<(Timestamp, Timestamp)>,
    /// A pause going on now, since when.
    paused_since: Option<Timestamp>,
    /// Resolved now, since when.
    done_since: Option<Timestamp>,
}

fn stops(facts: &Facts, pause_on: &[StatusKind]) -> Stops {
    let stopped = |s: StatusKind| pause_on.contains(&s) || done(s);
    let mut out = Stops::default();
    let mut current = StatusKind::New;
    let mut since = facts.created;
    let mut done_at = facts.created;
    for &(at, status) in &facts.statuses {
        if done(status) && !done(current) {
            done_at = at;
        }
        match (stopped(current), stopped(status)) {
            (true, false) => out.closed.push((since, at)),
            (false, true) => since = at,
            _ => {}
        }
        current = status;
    }
    if done(current) {
        out.done_since = Some(done_at);
    } else if stopped(current) {
        out.paused_since = Some(since);
    }
    out
}

fn before(
    stops: &[(Timestamp, Timestamp)],
    limit: Option<Timestamp>,
) -> Vec<(Timestamp, Timestamp)> {
    stops
        .iter()
        .filter(|(start, _)| limit.is_none_or(|l| *start < l))
        .copied()
        .collect()
}

fn clock(
    kind: ClockKind,
    policy: &Policy,
    start: Timestamp,
    target: SignedDuration,
    closed: &[(Timestamp, Timestamp)],
    stage: Stage,
) -> SlaClock {
    SlaClock::new(
        kind,
        policy.calendar.add(start, target, closed),
        Some(target),
        stage,
    )
    .counting(Some(policy.calendar.clone()))
}

/// A ticket's clocks under `policy`.
pub fn compute(policy: &Policy, facts: &Facts) -> SlaClocks {
    let stops = stops(facts, &policy.pause_on);
    let running = |met: Option<Timestamp>| match (met, stops.paused_since, stops.done_since) {
        (Some(at), _, _) => Stage::Met { at },
        (None, _, Some(at)) => Stage::Met { at },
        (None, Some(since), None) => Stage::Paused { since },
        (None, None, None) => Stage::Active,
    };
    let mut clocks = Vec::new();

    if let Some(target) = policy.first_response {
        let reply = facts.messages.iter().find(|(_, agent)| *agent).map(|m| m.0);
        let closed = before(&stops.closed, reply);
        let stage = running(reply);
        clocks.push(clock(
            ClockKind::FirstResponse,
            policy,
            facts.created,
            target,
            &closed,
            stage,
        ));
    }

    if let Some(target) = policy.next_response {
        let last_agent = facts.messages.iter().rposition(|(_, agent)| *agent);
        // Only after a first answer, and only while a requester waits.
        let waiting =
            last_agent.and_then(|i| facts.messages[i + 1..].iter().find(|(_, agent)| !agent));
        if let Some(&(start, _)) = waiting {
            let closed: Vec<_> = stops
                .closed
                .iter()
                .filter(|(_, end)| *end > start)
                .copied()
                .collect();
            let stage = running(None);
            clocks.push(clock(
                ClockKind::NextResponse,
                policy,
                start,
                target,
                &closed,
                stage,
            ));
        }
    }

    if let Some(target) = policy.resolution {
        let stage = running(None);
        clocks.push(clock(
            ClockKind::Resolution,
            policy,
            facts.created,
            target,
            &stops.closed,
            stage,
        ));
    }

    SlaClocks {
        clocks,
        policy: Some(SafeText::line(&policy.name)),
        starts: None,
    }
}

/// The configured policies, then the standard one for each priority.
#[derive(Clone, Debug)]
pub struct Engine {
    policies: Vec<Policy>,
    fallback: Vec<Policy>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl Engine {
    pub fn new(policies: Vec<Policy>) -> Self {
        let always = Arc::new(Calendar::always());
        Self {
            policies,
            fallback: PriorityLevel::ALL
                .iter()
                .map(|p| policy::standard(*p, &always))
                .collect(),
        }
    }

    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The first policy that matches; the standard one when none does.
    pub fn policy_for(&self, t: &TicketSummary) -> &Policy {
        self.policies
            .iter()
            .chain(&self.fallback)
            .find(|p| p.matcher.matches(t))
            .unwrap_or(&self.fallback[1])
    }

    /// Fill in the clocks the desk did not send. The desk's own deadlines
    /// win, and are projected on the policy's calendar.
    pub fn fill(&self, t: &mut TicketSummary, facts: &Facts) {
        let facts = &*facts.settled(t);
        let policy = self.policy_for(t);
        let from_desk: Vec<ClockKind> = t.sla.clocks.iter().map(|c| c.kind).collect();
        // A desk deadline stands still while the ticket waits on the
        // requester, from the last status change (or update) on.
        let paused_since = policy.pause_on.contains(&t.status.kind).then(|| {
            facts
                .statuses
                .last()
                .map_or(t.updated, |(at, _)| *at)
                .min(t.updated)
        });
        // A desk deadline still running on a finished ticket was met then.
        let done_since = stops(facts, &[]).done_since;
        for clock in &mut t.sla.clocks {
            if clock.calendar.is_none() {
                clock.calendar = Some(policy.calendar.clone());
            }
            match (clock.stage(), paused_since, done_since) {
                (Stage::Active, _, Some(at)) => clock.set_stage(Stage::Met { at }),
                (Stage::Active, Some(since), None) => clock.set_stage(Stage::Paused { since }),
                _ => {}
            }
        }
        let computed = compute(policy, facts);
        t.sla.clocks.extend(
            computed
                .clocks
                .into_iter()
                .filter(|c| !from_desk.contains(&c.kind)),
        );
        t.sla.clocks.sort_by_key(|c| c.kind);
        if t.sla.policy.is_none() {
            t.sla.policy = computed.policy;
        }
    }

    /// How each clock of a ticket was arrived at, for `deskterm sla explain`.
    /// `desk` is the ticket as the desk sent it, before the engine.
    pub fn explain(
        &self,
        desk: &TicketSummary,
        facts: &Facts,
        now: Timestamp,
        show: &dyn Fn(Timestamp) -> String,
    ) -> Vec<String> {
        let facts = &*facts.settled(desk);
        let policy = self.policy_for(desk);
        // The desk's own deadlines as every other view shows them: paused
        // or met by the status.
        let mut filled = desk.clone();
        self.fill(&mut filled, facts);
        let configured = self.policies.iter().any(|p| std::ptr::eq(p, policy));
        let mut lines = vec![
            format!("ticket {}  {}", desk.key, desk.subject),
            format!(
                "  queue {}, priority {}, requester {}, channel {}, status {}",
                desk.queue.name,
                desk.priority.level.name(),
                desk.requester.role.name(),
                desk.channel.name(),
                desk.status.kind.name()
            ),
            if desk.sla.clocks.is_empty() {
                "the desk sets no deadlines: local policies time this ticket".to_string()
            } else {
                format!(
                    "the desk sets {} deadline(s) under “{}”; they take precedence",
                    desk.sla.clocks.len(),
                    desk.sla
                        .policy
                        .as_ref()
                        .map_or("its own SLA", |p| p.as_str())
                )
            },
            if configured {
                format!(
                    "policy “{}” (the first that matches: {})",
                    policy.name,
                    policy.matcher.describe()
                )
            } else {
                format!(
                    "policy “{}”: no configured policy matches, so the standard policy for its priority applies",
                    policy.name
                )
            },
            format!("calendar {}", policy.calendar.describe()),
            format!(
                "pauses while {}",
                policy
                    .pause_on
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ];
        let stops = stops(facts, &policy.pause_on);
        for (from, to) in &stops.closed {
            lines.push(format!("  stopped {} to {}", show(*from), show(*to)));
        }
        if let Some(since) = stops.paused_since {
            lines.push(format!("  paused since {}", show(since)));
        }
        let computed = compute(policy, facts);
        for kind in ClockKind::ALL {
            let target = match kind {
                ClockKind::FirstResponse => policy.first_response,
                ClockKind::NextResponse => policy.next_response,
                ClockKind::Resolution => policy.resolution,
            };
            if desk.sla.get(kind).is_some()
                && let Some(server) = filled.sla.get(kind)
            {
                // The desk's deadline, counted down on the policy's calendar.
                let mut server = server.clone();
                server
                    .calendar
                    .get_or_insert_with(|| policy.calendar.clone());
                let counted = if server.is_business() {
                    " business"
                } else {
                    ""
                };
                lines.push(format!(
                    "{}: due {} from the desk: {}",
                    kind.label(),
                    show(server.due()),
                    reading_words(&server, now, counted)
                ));
                continue;
            }
            let Some(clock) = computed.get(kind) else {
                let why = match (target, kind) {
                    (None, _) => "the policy sets no target",
                    (Some(_), ClockKind::NextResponse) => {
                        "no requester message is waiting for an answer"
                    }
                    _ => "not running",
                };
                lines.push(format!("{}: none ({why})", kind.label()));
                continue;
            };
            let target = match target {
                Some(t) if policy.calendar.is_always_open() => compact_duration(t),
                Some(t) => compact_business(t),
                None => String::new(),
            };
            let counted = if policy.calendar.is_always_open() {
                ""
            } else {
                " business"
            };
            let state = reading_words(clock, now, counted);
            lines.push(format!(
                "{}: target {target}{counted}, due {}: {state}",
                kind.label(),
                show(clock.due())
            ));
        }
        lines
    }
}

/// A clock's state in words: "1h20m business left", "breached 5m ago".
fn reading_words(clock: &SlaClock, now: Timestamp, counted: &str) -> String {
    match clock.reading(now) {
        super::Reading::Running { left } => format!("{}{counted} left", clock.compact(left)),
        super::Reading::Breached { over } => format!("breached {} ago", compact_duration(over)),
        super::Reading::Paused { left } => {
            format!("paused, {}{counted} left", clock.compact(left))
        }
        super::Reading::Met { on_time: true } => "met on time".to_string(),
        super::Reading::Met { on_time: false } => "met late".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::calendar::parse_interval;
    use jiff::tz::TimeZone;
    use std::collections::BTreeSet;

    fn local(text: &str) -> Timestamp {
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", text)
            .expect("datetime")
            .to_zoned_datetime(TimeZone::get("America/Los_Angeles").expect("tz"))
            .expect("zoned")
            .timestamp()
    }

    fn business() -> Arc<Calendar> {
        let day = vec![parse_interval("08:00-17:00").expect("hours")];
        let week = std::array::from_fn(|i| if i < 5 { day.clone() } else { Vec::new() });
        let tz = TimeZone::get("America/Los_Angeles").expect("tz");
        Arc::new(Calendar::new("district", tz, week, BTreeSet::new()).expect("calendar"))
    }

    fn policy() -> Policy {
        Policy {
            name: "test".into(),
            matcher: Default::default(),
            calendar: business(),
            first_response: Some(SignedDuration::from_hours(1)),
            next_response: Some(SignedDuration::from_hours(2)),
            resolution: Some(SignedDuration::from_hours(4)),
            pause_on: vec![StatusKind::Pending],
        }
    }

    fn due(c: &SlaClocks, kind: ClockKind) -> Option<(Timestamp, Stage)> {
        c.get(kind).map(|c| (c.due(), c.stage()))
    }

    #[test]
    fn the_worked_example_with_a_pending_morning() {
        let facts = Facts {
            created: local("2026-03-06 15:30"),
            statuses: vec![
                (local("2026-03-09 09:00"), StatusKind::Pending),
                (local("2026-03-09 11:00"), StatusKind::Open),
            ],
            messages: vec![
                (local("2026-03-06 15:30"), false),
                (local("2026-03-06 16:00"), true),
            ],
        };
        let clocks = compute(&policy(), &facts);
        assert_eq!(
            due(&clocks, ClockKind::Resolution),
            Some((local("2026-03-09 12:30"), Stage::Active))
        );
        assert_eq!(
            due(&clocks, ClockKind::FirstResponse),
            Some((
                local("2026-03-06 16:30"),
                Stage::Met {
                    at: local("2026-03-06 16:00")
                }
            ))
        );
        assert!(
            clocks.get(ClockKind::NextResponse).is_none(),
            "nobody is waiting"
        );
    }

    #[test]
    fn a_requester_reply_starts_the_next_response_clock_and_a_note_does_not_stop_it() {
        let facts = Facts {
            created: local("2026-03-09 09:00"),
            statuses: vec![],
            messages: vec![
                (local("2026-03-09 09:00"), false),
                (local("2026-03-09 09:20"), true),
                (local("2026-03-09 10:00"), false),
                (local("2026-03-09 10:30"), false),
            ],
        };
        let clocks = compute(&policy(), &facts);
        // From the oldest unanswered message, 10:00, two business hours.
        assert_eq!(
            due(&clocks, ClockKind::NextResponse),
            Some((local("2026-03-09 12:00"), Stage::Active))
        );
        let answered = Facts {
            messages: [
                facts.messages.clone(),
                vec![(local("2026-03-09 11:00"), true)],
            ]
            .concat(),
            ..facts
        };
        assert!(
            compute(&policy(), &answered)
                .get(ClockKind::NextResponse)
                .is_none()
        );
    }

    #[test]
    fn a_pause_still_going_keeps_what_was_left() {
        let facts = Facts {
            created: local("2026-03-09 09:00"),
            statuses: vec![(local("2026-03-09 10:00"), StatusKind::Pending)],
            messages: vec![
                (local("2026-03-09 09:00"), false),
                (local("2026-03-09 09:30"), true),
            ],
        };
        let clocks = compute(&policy(), &facts);
        let resolution = clocks.get(ClockKind::Resolution).expect("clock");
        assert_eq!(
            resolution.stage(),
            Stage::Paused {
                since: local("2026-03-09 10:00")
            }
        );
        // Three of four business hours were left when it paused, on any day after.
        assert_eq!(
            resolution.reading(local("2026-03-20 12:00")),
            super::super::Reading::Paused {
                left: SignedDuration::from_hours(3)
            }
        );
    }

    #[test]
    fn a_reopened_ticket_does_not_count_the_time_it_was_resolved() {
        let facts = Facts {
            created: local("2026-03-09 09:00"),
            statuses: vec![
                (local("2026-03-09 10:00"), StatusKind::Resolved),
                (local("2026-03-10 10:00"), StatusKind::Open),
            ],
            messages: vec![
                (local("2026-03-09 09:00"), false),
                (local("2026-03-09 09:30"), true),
            ],
        };
        let clocks = compute(&policy(), &facts);
        // One hour counted on Monday, three more from Tuesday 10:00.
        assert_eq!(
            due(&clocks, ClockKind::Resolution),
            Some((local("2026-03-10 13:00"), Stage::Active))
        );
        let resolved = Facts {
            statuses: vec![(local("2026-03-09 10:00"), StatusKind::Resolved)],
            ..facts
        };
        assert_eq!(
            compute(&policy(), &resolved)
                .get(ClockKind::Resolution)
                .map(|c| c.stage()),
            Some(Stage::Met {
                at: local("2026-03-09 10:00")
            })
        );
    }

    /// An IT ticket created Monday 09:00, last updated at `updated`.
    fn it_ticket(
        status: StatusKind,
        priority: PriorityLevel,
        updated: &str,
        sla: SlaClocks,
    ) -> TicketSummary {
        use crate::desk::*;
        TicketSummary {
            id: TicketId("1".into()),
            key: SafeText::line("#1"),
            subject: SafeText::line("s"),
            status: Status::new(status),
            priority: Priority::new(priority),
            queue: QueueRef {
                id: QueueId("3".into()),
                name: SafeText::line("IT"),
            },
            owner: None,
            requester: Requester {
                name: SafeText::line("r"),
                email: SafeText::line("r@x"),
                role: RequesterRole::Staff,
                organisation: None,
                phone: None,
            },
            channel: Channel::Email,
            created: local("2026-03-09 09:00"),
            updated: local(updated),
            first_response_at: None,
            resolved_at: None,
            sla,
            tags: Vec::new(),
            worked_minutes: 0,
            fields: Vec::new(),
            linked: false,
            version: Version("1".into()),
        }
    }

    /// The desk's own resolution deadline, Monday 17:00, running.
    fn desk_resolution_at_five(policy: Option<&str>) -> SlaClocks {
        SlaClocks {
            clocks: vec![SlaClock::new(
                ClockKind::Resolution,
                local("2026-03-09 17:00"),
                None,
                Stage::Active,
            )],
            policy: policy.map(SafeText::line),
            starts: None,
        }
    }

    fn opened(status: StatusKind, sla: SlaClocks) -> TicketDetail {
        use crate::desk::*;
        TicketDetail {
            summary: it_ticket(status, PriorityLevel::Normal, "2026-03-09 10:00", sla),
            // The history tells no status change: the desk changed it quietly.
            entries: vec![Entry {
                kind: EntryKind::Reply,
                author: SafeText::line("r"),
                by_agent: false,
                at: local("2026-03-09 09:00"),
                body: SafeText::block("help"),
                attachments: Vec::new(),
                status: None,
            }],
            custom_fields: Vec::new(),
        }
    }

    #[test]
    fn an_opened_tickets_clocks_follow_its_status_whatever_its_history_tells() {
        let engine = Engine::new(vec![policy()]);
        let show = |at: Timestamp| at.to_string();
        let now = local("2026-03-09 11:00");
        let desk_due = desk_resolution_at_five(None);
        for sla in [SlaClocks::default(), desk_due] {
            let resolved = opened(StatusKind::Resolved, sla.clone());
            let facts = Facts::from_detail(&resolved);
            let mut summary = resolved.summary.clone();
            engine.fill(&mut summary, &facts);
            let met = Stage::Met {
                at: local("2026-03-09 10:00"),
            };
            for clock in &summary.sla.clocks {
                assert_eq!(clock.stage(), met, "{:?} of a resolved ticket", clock.kind);
            }
            let text = engine
                .explain(&resolved.summary, &facts, now, &show)
                .join("\n");
            assert!(!text.contains(" left"), "{text}");
            assert!(
                text.contains("resolution:") && text.contains("met"),
                "{text}"
            );

            let pending = opened(StatusKind::Pending, sla);
            let mut summary = pending.summary.clone();
            engine.fill(&mut summary, &Facts::from_detail(&pending));
            for clock in &summary.sla.clocks {
                assert_eq!(
                    clock.stage(),
                    Stage::Paused {
                        since: local("2026-03-09 10:00")
                    },
                    "{:?} of a pending ticket",
                    clock.kind
                );
            }
        }
    }

    #[test]
    fn the_desks_deadline_wins_and_gets_the_policys_calendar() {
        use crate::desk::*;
        let mut t = it_ticket(
            StatusKind::Open,
            PriorityLevel::High,
            "2026-03-09 09:00",
            desk_resolution_at_five(Some("RT SLA 4h")),
        );
        let engine = Engine::new(vec![Policy {
            matcher: policy::Matcher {
                queues: vec!["it".into()],
                ..Default::default()
            },
            ..policy()
        }]);
        let facts = Facts::from_summary(&t);
        let as_sent = t.clone();
        engine.fill(&mut t, &facts);
        let resolution = t.sla.get(ClockKind::Resolution).expect("clock");
        assert_eq!(resolution.due(), local("2026-03-09 17:00"), "the desk's");
        assert!(resolution.is_business());
        assert_eq!(
            t.sla.get(ClockKind::FirstResponse).map(|c| c.due()),
            Some(local("2026-03-09 10:00"))
        );
        assert_eq!(t.sla.policy.as_ref().map(|p| p.as_str()), Some("RT SLA 4h"));

        // Waiting on the requester, the desk's deadline stands still too.
        let mut pending = as_sent.clone();
        pending.status = Status::new(StatusKind::Pending);
        pending.updated = local("2026-03-09 11:00");
        let facts_pending = Facts::from_summary(&pending);
        engine.fill(&mut pending, &facts_pending);
        let resolution = pending.sla.get(ClockKind::Resolution).expect("clock");
        assert_eq!(
            resolution.stage(),
            Stage::Paused {
                since: local("2026-03-09 11:00")
            }
        );
        assert_eq!(
            resolution.reading(local("2026-03-09 16:00")),
            super::super::Reading::Paused {
                left: SignedDuration::from_hours(6)
            }
        );

        // Explained: which policy, and where each deadline came from.
        let show = |at: Timestamp| {
            at.to_zoned_datetime(TimeZone::get("America/Los_Angeles").expect("tz"))
                .strftime("%a %H:%M")
                .to_string()
        };
        let lines = engine.explain(&as_sent, &facts, local("2026-03-09 09:30"), &show);
        let text = lines.join("\n");
        assert!(
            text.contains("policy “test” (the first that matches: queue it)"),
            "{text}"
        );
        assert!(
            text.contains("under “RT SLA 4h”; they take precedence"),
            "{text}"
        );
        assert!(
            text.contains(
                "first response: target 1h00m business, due Mon 10:00: 30m business left"
            ),
            "{text}"
        );
        assert!(
            text.contains("resolution: due Mon 17:00 from the desk: 7h30m business left"),
            "{text}"
        );
    }
}
