//! The SLA engine on 100,000 tickets: every clock computed from each
//! ticket's history (what a full load costs), and every clock read against
//! `now` (what the at-risk recount costs every few seconds).
//!
//! `cargo bench --bench sla`

use std::collections::BTreeSet;
use std::sync::Arc;

use divan::Bencher;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use deskterm::desk::{
    Channel, Priority, PriorityLevel, QueueId, QueueRef, Requester, RequesterRole, Status,
    StatusKind, TicketId, TicketSummary, Version,
};
use deskterm::sla::calendar::{Calendar, parse_interval};
use deskterm::sla::engine::{Engine, Facts};
use deskterm::sla::policy::{Matcher, Policy};
use deskterm::sla::{SlaClocks, Thresholds};
use deskterm::text::SafeText;

const TICKETS: usize = 100_000;

fn main() {
    divan::main();
}

fn now() -> Timestamp {
    "2026-03-02T17:30:00Z".parse().expect("instant")
}

/// Mon-Fri 08:00-12:00, 13:00-17:00 in Los Angeles, with two holidays.
fn district() -> Arc<Calendar> {
    let day = vec![
        parse_interval("08:00-12:00").expect("hours"),
        parse_interval("13:00-17:00").expect("hours"),
    ];
    let week = std::array::from_fn(|i| if i < 5 { day.clone() } else { Vec::new() });
    let holidays: BTreeSet<_> = ["2026-01-19", "2026-02-16"]
        .iter()
        .map(|d| d.parse().expect("date"))
        .collect();
    let tz = TimeZone::get("America/Los_Angeles").expect("tz");
    Arc::new(Calendar::new("district", tz, week, holidays).expect("calendar"))
}

fn engine(calendar: Arc<Calendar>) -> Engine {
    let policy =
        |name: &str, priorities: Vec<PriorityLevel>, calendar: Arc<Calendar>, mins: [i64; 3]| {
            Policy {
                name: name.into(),
                matcher: Matcher {
                    priorities,
                    ..Default::default()
                },
                calendar,
                first_response: Some(SignedDuration::from_mins(mins[0])),
                next_response: Some(SignedDuration::from_mins(mins[1])),
                resolution: Some(SignedDuration::from_mins(mins[2])),
                pause_on: vec![StatusKind::Pending],
            }
        };
    Engine::new(vec![
        policy(
            "urgent",
            vec![PriorityLevel::Urgent],
            Arc::new(Calendar::always()),
            [30, 60, 240],
        ),
        policy("the rest", Vec::new(), calendar, [240, 480, 2400]),
    ])
}

/// A backlog spread over the last 60 days: a mix of priorities, some
/// answered, some paused a while, some waiting on a requester's reply.
fn backlog() -> Vec<(TicketSummary, Facts)> {
    let levels = PriorityLevel::ALL;
    (0..TICKETS)
        .map(|i| {
            let created = now() - SignedDuration::from_mins((i as i64 * 53) % (60 * 24 * 60));
            let at = |mins: i64| created + SignedDuration::from_mins(mins);
            let mut statuses = Vec::new();
            let mut messages = vec![(created, false)];
            if i % 2 == 0 {
                messages.push((at(90), true));
                statuses.push((at(90), StatusKind::Open));
            }
            if i % 3 == 0 {
                statuses.push((at(120), StatusKind::Pending));
                statuses.push((at(600), StatusKind::Open));
                messages.push((at(600), false));
            }
            if i % 7 == 0 {
                statuses.push((at(900), StatusKind::Pending));
            }
            let status = statuses.last().map_or(StatusKind::New, |s| s.1);
            let summary = TicketSummary {
                id: TicketId(i.to_string().into()),
                key: SafeText::line(&format!("#{i}")),
                subject: SafeText::line("Bus 3 late again this morning"),
                status: Status::new(status),
                priority: Priority::new(levels[i % levels.len()]),
                queue: QueueRef {
                    id: QueueId("1".into()),
                    name: SafeText::line("Transportation"),
                },
                owner: None,
                requester: Requester {
                    name: SafeText::line("Maria Lopez"),
                    email: SafeText::line("maria@example.org"),
                    role: RequesterRole::Parent,
                    organisation: None,
                    phone: None,
                },
                channel: Channel::Sms,
                created,
                updated: statuses.last().map_or(created, |s| s.0),
                first_response_at: messages.get(1).filter(|m| m.1).map(|m| m.0),
                resolved_at: None,
                sla: SlaClocks::default(),
                tags: Vec::new(),
                worked_minutes: 0,
                fields: Vec::new(),
                linked: false,
                version: Version("1".into()),
            };
            let facts = Facts {
                created,
                statuses,
                messages,
            };
            (summary, facts)
        })
        .collect()
}

/// Every clock of every ticket, from its history: business hours or 24x7.
#[divan::bench(args = ["business", "24x7"], sample_count = 10)]
fn compute_every_clock(bencher: Bencher, hours: &str) {
    let calendar = if hours == "business" {
        district()
    } else {
        Arc::new(Calendar::always())
    };
    let engine = engine(calendar);
    let tickets = backlog();
    bencher
        .with_inputs(|| tickets.clone())
        .bench_local_values(|mut tickets| {
            for (summary, facts) in &mut tickets {
                engine.fill(summary, facts);
            }
            tickets
        });
}

/// The level of every ticket's most urgent clock now: the recount.
#[divan::bench(sample_count = 10)]
fn read_every_clock(bencher: Bencher) {
    let engine = engine(district());
    let mut tickets = backlog();
    for (summary, facts) in &mut tickets {
        engine.fill(summary, facts);
    }
    let thresholds = Thresholds::default();
    let later = now() + SignedDuration::from_mins(7);
    bencher.bench_local(|| {
        tickets
            .iter()
            .filter(|(t, _)| t.sla.level(later, &thresholds).is_some_and(|l| l.at_risk()))
            .count()
    });
}
