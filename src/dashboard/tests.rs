//! The figures against a small desk counted by hand.

use super::report::{self, By};
use super::*;
use crate::desk::*;
use crate::sla::{SlaClock, SlaClocks};
use crate::text::SafeText;
use crate::text::table::Format;

fn at(text: &str) -> Timestamp {
    text.parse().expect("instant")
}

/// Monday 2 March 2026, 17:30 UTC.
fn now() -> Timestamp {
    at("2026-03-02T17:30:00Z")
}

struct T {
    id: u32,
    queue: &'static str,
    channel: Channel,
    role: RequesterRole,
    owner: Option<&'static str>,
    status: StatusKind,
    created: &'static str,
    answered: Option<&'static str>,
    resolved: Option<&'static str>,
    /// Minutes until the resolution deadline (negative: breached).
    due_in: i64,
}

fn ticket(t: T) -> TicketSummary {
    let created = at(t.created);
    let stage = match t.resolved {
        Some(done) => Stage::Met { at: at(done) },
        None => Stage::Active,
    };
    TicketSummary {
        id: TicketId(t.id.to_string().into()),
        key: SafeText::line(&format!("#{}", t.id)),
        subject: SafeText::line(&format!("Ticket {}", t.id)),
        status: Status::new(t.status),
        priority: Priority::new(PriorityLevel::Normal),
        queue: QueueRef {
            id: QueueId(t.queue.to_lowercase().into()),
            name: SafeText::line(t.queue),
        },
        owner: t.owner.map(|name| AgentRef {
            id: AgentId(name.to_lowercase().into()),
            name: SafeText::line(name),
        }),
        requester: Requester {
            name: SafeText::line("R"),
            email: SafeText::line("r@example.org"),
            role: t.role,
            organisation: None,
            phone: None,
        },
        channel: t.channel,
        created,
        updated: t.resolved.map_or(created, at),
        first_response_at: t.answered.map(at),
        resolved_at: None,
        sla: SlaClocks {
            clocks: vec![SlaClock::new(
                ClockKind::Resolution,
                now() + SignedDuration::from_mins(t.due_in),
                Some(SignedDuration::from_hours(8)),
                stage,
            )],
            policy: None,
            starts: None,
        },
        tags: Vec::new(),
        worked_minutes: 0,
        fields: Vec::new(),
        linked: false,
        version: Version("1".into()),
    }
}

/// Six tickets: four open (IT 3, HR 1), two finished (one today, one last
/// week), one from 40 days ago.
fn desk() -> Vec<TicketSummary> {
    use Channel::*;
    use RequesterRole::*;
    use StatusKind::*;
    let t = |id, queue, channel, role, owner, status, created, answered, resolved, due_in| {
        ticket(T {
            id,
            queue,
            channel,
            role,
            owner,
            status,
            created,
            answered,
            resolved,
            due_in,
        })
    };
    vec![
        // Open, breached, Ana's, the oldest open.
        t(
            1,
            "IT",
            Email,
            Staff,
            Some("Ana"),
            Open,
            "2026-02-26T09:00:00Z",
            Some("2026-02-26T10:00:00Z"),
            None,
            -60,
        ),
        // Open, at risk (10 minutes left), Ana's.
        t(
            2,
            "IT",
            Sms,
            Parent,
            Some("Ana"),
            Open,
            "2026-03-02T15:00:00Z",
            Some("2026-03-02T15:30:00Z"),
            None,
            10,
        ),
        // New, nobody's, fine.
        t(
            3,
            "IT",
            Sms,
            Parent,
            None,
            New,
            "2026-03-02T17:00:00Z",
            None,
            None,
            400,
        ),
        // Pending, Ben's, fine.
        t(
            4,
            "HR",
            Web,
            Student,
            Some("Ben"),
            Pending,
            "2026-03-01T12:00:00Z",
            Some("2026-03-01T14:00:00Z"),
            None,
            300,
        ),
        // Resolved today, two hours after it came in.
        t(
            5,
            "HR",
            Phone,
            Community,
            Some("Ben"),
            Resolved,
            "2026-03-02T08:00:00Z",
            Some("2026-03-02T08:20:00Z"),
            Some("2026-03-02T10:00:00Z"),
            0,
        ),
        // Closed four days ago, a day after it came in.
        t(
            6,
            "IT",
            Email,
            Staff,
            Some("Ana"),
            Closed,
            "2026-02-25T09:00:00Z",
            Some("2026-02-25T11:00:00Z"),
            Some("2026-02-26T09:00:00Z"),
            0,
        ),
        // From long ago, closed long ago: outside every window.
        t(
            7,
            "IT",
            Email,
            Staff,
            None,
            Closed,
            "2026-01-20T09:00:00Z",
            None,
            Some("2026-01-21T09:00:00Z"),
            0,
        ),
    ]
}

fn names(bars: &[Bar]) -> Vec<(&str, usize)> {
    bars.iter().map(|b| (b.label.as_str(), b.value)).collect()
}

#[test]
fn open_tickets_by_department_channel_and_requester() {
    let d = compute(&desk(), now(), &TimeZone::UTC, &Thresholds::default());
    assert_eq!(d.open, 4);
    assert_eq!(names(&d.by_queue), [("IT", 3), ("HR", 1)]);
    assert_eq!(names(&d.by_channel), [("sms", 2), ("email", 1), ("web", 1)]);
    assert_eq!(
        names(&d.requesters),
        [("parent", 2), ("staff", 1), ("student", 1)]
    );
    assert_eq!(d.by_queue[0].focus, Focus::Queue(QueueId("it".into())));
    assert_eq!(d.by_channel[0].focus, Focus::Channel(Channel::Sms));
}

#[test]
fn sla_agents_and_the_oldest() {
    let d = compute(&desk(), now(), &TimeZone::UTC, &Thresholds::default());
    let sla: Vec<_> = d
        .sla
        .iter()
        .map(|r| (r.queue.as_str(), r.at_risk, r.breached))
        .collect();
    assert_eq!(sla, [("IT", 1, 1), ("HR", 0, 0)]);
    let agents: Vec<_> = d
        .agents
        .iter()
        .map(|a| (a.name.as_str(), a.open, a.at_risk, a.breached))
        .collect();
    assert_eq!(agents, [("Ana", 2, 1, 1), ("Ben", 1, 0, 0)]);
    assert_eq!(d.agents[0].oldest, Some(at("2026-02-26T09:00:00Z")));
    let oldest: Vec<_> = d.oldest.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(oldest, ["#1", "#4", "#2", "#3"]);
}

#[test]
fn flows_by_hour_and_day() {
    let d = compute(&desk(), now(), &TimeZone::UTC, &Thresholds::default());
    // The hour now (16:30-17:30) saw #3 come in; 14:30-15:30 saw #2.
    assert_eq!(
        d.hourly[23],
        Flow {
            new: 1,
            resolved: 0
        }
    );
    assert_eq!(
        d.hourly[21],
        Flow {
            new: 1,
            resolved: 0
        }
    );
    // #5 came in at 08:00 and was resolved at 10:00.
    assert_eq!(
        d.hourly[14],
        Flow {
            new: 1,
            resolved: 0
        }
    );
    assert_eq!(
        d.hourly[16],
        Flow {
            new: 0,
            resolved: 1
        }
    );
    assert_eq!(d.hourly.iter().map(|f| f.new).sum::<usize>(), 3);
    // Today: #2, #3, #5 in, #5 out; 25 Feb: #6 in; 26 Feb: #1 in, #6 out.
    assert_eq!(
        d.daily[29],
        Flow {
            new: 3,
            resolved: 1
        }
    );
    assert_eq!(
        d.daily[28],
        Flow {
            new: 1,
            resolved: 0
        }
    );
    assert_eq!(
        d.daily[25],
        Flow {
            new: 1,
            resolved: 1
        }
    );
    assert_eq!(
        d.daily[24],
        Flow {
            new: 1,
            resolved: 0
        }
    );
    assert_eq!(
        d.daily.iter().map(|f| f.new).sum::<usize>(),
        6,
        "#7 is too old"
    );
}

#[test]
fn medians_today_against_the_week() {
    let d = compute(&desk(), now(), &TimeZone::UTC, &Thresholds::default());
    // Answered today: #2 in 30m, #5 in 20m. This week also #4 (2h), #6 (2h), #1 (1h).
    assert_eq!(d.first_response.today, Some(SignedDuration::from_mins(25)));
    assert_eq!(d.first_response.week, Some(SignedDuration::from_hours(1)));
    // Resolved today: #5 in 2h; this week also #6 in 24h.
    assert_eq!(d.resolution.today, Some(SignedDuration::from_hours(2)));
    assert_eq!(d.resolution.week, Some(SignedDuration::from_hours(13)));
}

#[test]
fn the_dashboard_says_who_waits_and_keeps_it_as_tickets_change() {
    use crate::desk::RequesterRole;
    let mut tickets = desk();
    for (i, t) in tickets.iter_mut().enumerate() {
        t.requester.role = [RequesterRole::Parent, RequesterRole::Staff][i % 2];
    }
    let d = compute(&tickets, now(), &TimeZone::UTC, &Thresholds::default());
    let open: usize = d.waits.iter().map(|w| w.open).sum();
    assert_eq!(open, d.open, "{:?}", d.waits);
    let breached: usize = d.waits.iter().map(|w| w.breached).sum();
    let by_queue: usize = d.sla.iter().map(|r| r.breached).sum();
    assert_eq!(breached, by_queue);
    // Incremental: one ticket changing role moves its figures, nothing else.
    let mut tally = Tally::new(TimeZone::UTC);
    let mut slipping = Slipping::default();
    for (n, t) in tickets.iter().enumerate() {
        tally.put(n as u32, t);
        if t.status.kind.is_active() {
            slipping.count(t, t.sla.level(now(), &Thresholds::default()));
        }
    }
    let mut moved = tickets[1].clone();
    moved.requester.role = RequesterRole::Student;
    tally.put(1, &moved);
    let mut again = tickets.clone();
    again[1] = moved;
    let fresh = compute(&again, now(), &TimeZone::UTC, &Thresholds::default());
    let kept = tally.figures(now(), &slipping, |_| None);
    let times = |d: &Dashboard| {
        d.waits
            .iter()
            .map(|w| (w.role, w.first_response, w.resolution, w.open))
            .collect::<Vec<_>>()
    };
    assert_eq!(times(&kept), times(&fresh));
}

#[test]
fn who_is_asking_waits_how_long_by_role_and_by_school() {
    use crate::desk::RequesterRole;
    let mut tickets = desk();
    for (i, t) in tickets.iter_mut().enumerate() {
        t.requester.role = if i % 2 == 0 {
            RequesterRole::Parent
        } else {
            RequesterRole::Staff
        };
        t.requester.organisation = (i < 3).then(|| crate::text::SafeText::line("Westview High"));
    }
    let since = now() - SignedDuration::from_hours(7 * 24);
    let rows = report::rows(&tickets, By::Role, since, now(), &Thresholds::default());
    let groups: Vec<&str> = rows.iter().map(|r| r.group.as_str()).collect();
    assert!(
        groups.contains(&"parent") && groups.contains(&"staff"),
        "{groups:?}"
    );
    // The shares add up to the whole: each ticket is one role's.
    let all = rows.last().expect("the all row");
    assert_eq!(all.group, "all");
    let timed = tickets.iter().filter(|t| !t.sla.clocks.is_empty()).count();
    assert!(timed > 0);
    assert!(all.sla_missed_percent.is_some_and(|p| p <= 100));
    let rows = report::rows(
        &tickets,
        By::Organisation,
        since,
        now(),
        &Thresholds::default(),
    );
    let groups: Vec<&str> = rows.iter().map(|r| r.group.as_str()).collect();
    assert!(
        groups.contains(&"Westview High") && groups.contains(&"none"),
        "{groups:?}"
    );
    let table = report::render(&rows, Format::Table, By::Organisation, since, now());
    assert!(
        table.contains("SLA MISSED") && table.contains("%"),
        "{table}"
    );
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
}

#[test]
fn time_worked_adds_up_per_department_and_per_owner() {
    let mut tickets = desk();
    for (t, minutes) in tickets.iter_mut().zip([30, 45, 0, 90]) {
        t.worked_minutes = minutes;
    }
    let since = now() - SignedDuration::from_hours(7 * 24);
    let worked = |by| {
        report::rows(&tickets, by, since, now(), &Thresholds::default())
            .into_iter()
            .map(|r| (r.group, r.worked_minutes))
            .collect::<Vec<_>>()
    };
    let all = worked(By::Department).pop();
    assert_eq!(all, Some(("all".to_string(), 165)));
    let by_owner: u64 = worked(By::Agent)
        .iter()
        .filter(|(g, _)| g != "all")
        .map(|(_, m)| m)
        .sum();
    assert_eq!(by_owner, 165, "every minute is someone's or nobody's");
    let table = report::render(
        &report::rows(
            &tickets,
            By::Department,
            since,
            now(),
            &Thresholds::default(),
        ),
        Format::Table,
        By::Department,
        since,
        now(),
    );
    assert!(table.contains("2h45m"), "{table}");
}

#[test]
fn the_report_by_department_in_each_format() {
    let since = now() - SignedDuration::from_hours(7 * 24);
    let rows = report::rows(
        &desk(),
        By::Department,
        since,
        now(),
        &Thresholds::default(),
    );
    let it = &rows[0];
    assert_eq!(
        (
            it.group.as_str(),
            it.open,
            it.at_risk,
            it.breached,
            it.new,
            it.resolved
        ),
        ("IT", 3, 1, 1, 4, 1)
    );
    assert_eq!(
        it.median_first_response,
        Some(SignedDuration::from_hours(1))
    );
    assert_eq!(
        rows.last().map(|r| (r.group.as_str(), r.open, r.new)),
        Some(("all", 4, 6))
    );

    let csv = report::render(&rows, Format::Csv, By::Department, since, now());
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "group,open,at_risk,breached,new,resolved,median_first_response_minutes,median_resolution_minutes,worked_minutes,sla_missed_percent"
        )
    );
    assert_eq!(lines.next(), Some("IT,3,1,1,4,1,60,1440,0,25"));
    assert_eq!(lines.next(), Some("HR,1,0,0,2,1,70,120,0,0"));

    let json: serde_json::Value = serde_json::from_str(&report::render(
        &rows,
        Format::Json,
        By::Department,
        since,
        now(),
    ))
    .expect("json");
    assert_eq!(json["by"], "department");
    assert_eq!(json["rows"][0]["group"], "IT");
    assert_eq!(json["rows"][1]["median_resolution_minutes"], 120);
    assert_eq!(json["until"], "2026-03-02T17:30:00Z");

    let table = report::render(&rows, Format::Table, By::Department, since, now());
    assert!(table.contains("DEPARTMENT  OPEN  AT RISK"), "{table}");
    let it: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("IT "))
        .expect("IT")
        .split_whitespace()
        .collect();
    assert_eq!(
        it,
        ["IT", "3", "1", "1", "4", "1", "1h00m", "1d0h"],
        "{table}"
    );
}

/// The running tally, told of each change, agrees with a count from
/// scratch over the tickets as they end up.
#[test]
fn the_running_tally_follows_changes_exactly() {
    let thresholds = Thresholds::default();
    let mut tickets = desk();
    // Each ticket's number is its first place, kept when one is removed.
    let numbered: Vec<TicketId> = tickets.iter().map(|t| t.id.clone()).collect();
    let mut tally = Tally::new(TimeZone::UTC);
    for (n, t) in tickets.iter().enumerate() {
        tally.put(n as u32, t);
    }
    let figures = |tally: &Tally, tickets: &[TicketSummary]| {
        let mut slipping = Slipping::default();
        for t in tickets.iter().filter(|t| t.status.kind.is_active()) {
            slipping.count(t, t.sla.level(now(), &thresholds));
        }
        tally.figures(now(), &slipping, |n| {
            tickets.iter().find(|t| t.id == numbered[n as usize])
        })
    };
    assert_eq!(
        figures(&tally, &tickets),
        compute(&tickets, now(), &TimeZone::UTC, &thresholds)
    );

    // Resolved now, moved to HR and given to Ben, answered, one forgotten.
    tickets[0].status = Status::new(StatusKind::Resolved);
    tickets[0].sla.clocks[0].set_stage(Stage::Met { at: now() });
    tickets[1].queue = QueueRef {
        id: QueueId("hr".into()),
        name: SafeText::line("HR"),
    };
    tickets[1].owner = Some(AgentRef {
        id: AgentId("ben".into()),
        name: SafeText::line("Ben"),
    });
    tickets[2].first_response_at = Some(now());
    tickets.remove(3);
    for (n, t) in tickets[..3].iter().enumerate() {
        tally.put(n as u32, t);
    }
    tally.remove(3); // the one gone
    let expected = compute(&tickets, now(), &TimeZone::UTC, &thresholds);
    assert_eq!(figures(&tally, &tickets), expected);
    assert_eq!(expected.open, 2);
    assert_eq!(expected.hourly[23].resolved, 1);
}

#[test]
fn median_of_odd_and_even_counts() {
    let mins = |v: &[i64]| v.iter().map(|m| SignedDuration::from_mins(*m)).collect();
    assert_eq!(median(mins(&[])), None);
    assert_eq!(median(mins(&[9, 1, 5])), Some(SignedDuration::from_mins(5)));
    assert_eq!(
        median(mins(&[40, 10, 30, 20])),
        Some(SignedDuration::from_mins(25))
    );
}

/// Two tickets resolved 40 and 50 seconds after they came in, as a desk
/// lists them: no clocks of its own, `updated` at their last follow-up (the
/// opening message), the resolve in `resolved_at`. The report fills the
/// clocks as `deskterm report` does and reads a median of 45 seconds.
#[test]
fn a_report_dates_the_resolve_and_shows_seconds_under_a_minute() {
    let engine = crate::sla::engine::Engine::default();
    let tickets: Vec<TicketSummary> = [(1, 40), (2, 50)]
        .into_iter()
        .map(|(id, took)| {
            let mut t = ticket(T {
                id,
                queue: "IT",
                channel: Channel::Email,
                role: RequesterRole::Staff,
                owner: Some("Ana"),
                status: StatusKind::Resolved,
                created: "2026-03-02T16:00:00Z",
                answered: None,
                resolved: None,
                due_in: 0,
            });
            t.sla = SlaClocks::default();
            t.resolved_at = Some(t.created + SignedDuration::from_secs(took));
            let facts = crate::sla::engine::Facts::from_summary(&t);
            engine.fill(&mut t, &facts);
            t
        })
        .collect();
    let since = now() - SignedDuration::from_hours(24);
    let rows = report::rows(
        &tickets,
        By::Department,
        since,
        now(),
        &Thresholds::default(),
    );
    let table = report::render(&rows, Format::Table, By::Department, since, now());
    let all: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("all "))
        .expect("all")
        .split_whitespace()
        .collect();
    assert_eq!(all, ["all", "0", "0", "0", "2", "2", "—", "45s"], "{table}");
    // Scripts get whole minutes, rounded: 45 seconds is one.
    let csv = report::render(&rows, Format::Csv, By::Department, since, now());
    assert_eq!(csv.lines().last(), Some("all,0,0,0,2,2,,1,0,0"), "{csv}");
    // The dashboard agrees.
    let d = compute(&tickets, now(), &TimeZone::UTC, &Thresholds::default());
    assert_eq!(d.resolution.today, Some(SignedDuration::from_secs(45)));
}
