//! The demo desk through the `Desk` trait: a district that feels real, built
//! the same from the same seed, searched, refreshed and written like a server.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use jiff::SignedDuration;

use deskterm::clock::Clock;
use deskterm::desk::demo::DemoDesk;
use deskterm::desk::*;
use deskterm::sla::{ClockKind, Stage};

async fn everything(desk: &dyn Desk, query: &Query) -> Vec<TicketSummary> {
    let mut page = PageRequest::first(100);
    let mut all = Vec::new();
    loop {
        let found = desk.search(query, page).await.unwrap();
        all.extend(found.items);
        if !found.more {
            return all;
        }
        page = page.next();
    }
}

#[tokio::test]
async fn the_district_feels_real() {
    let (desk, dir) = common::demo_desk();
    let queues: Vec<String> = desk
        .queues()
        .await
        .unwrap()
        .iter()
        .map(|q| q.name.to_string())
        .collect();
    assert_eq!(
        queues,
        [
            "IT",
            "HR",
            "Transportation",
            "Food Services",
            "Facilities",
            "Communications"
        ]
    );
    let agents = desk.agents().await.unwrap();
    assert!(agents.len() >= 12);
    let me = desk.me().await.unwrap();
    assert_eq!(me.name.as_str(), "Sam Okafor");
    assert!(
        agents.iter().all(|a| !a.queues.is_empty()),
        "every agent is in a group"
    );

    let all = everything(desk.as_ref(), &Query::default()).await;
    assert!(all.len() >= 600, "{} tickets", all.len());
    let month_ago = common::now() - SignedDuration::from_hours(24 * 30);
    assert!(
        all.iter()
            .all(|t| t.created >= month_ago - SignedDuration::from_hours(1))
    );
    let channels: HashSet<_> = all.iter().map(|t| t.channel).collect();
    for c in [
        Channel::Web,
        Channel::Email,
        Channel::Phone,
        Channel::Sms,
        Channel::Chat,
        Channel::Social,
        Channel::WalkIn,
    ] {
        assert!(channels.contains(&c), "no {c:?} tickets");
    }
    let roles: HashSet<_> = all.iter().map(|t| t.requester.role).collect();
    for r in [
        RequesterRole::Staff,
        RequesterRole::Student,
        RequesterRole::Parent,
        RequesterRole::Community,
    ] {
        assert!(roles.contains(&r), "no {r:?} requesters");
    }
    let statuses: HashSet<_> = all.iter().map(|t| t.status.kind).collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    let priorities: HashSet<_> = all.iter().map(|t| t.priority.level).collect();
    assert_eq!(priorities.len(), 4);
    let schools: HashSet<_> = all
        .iter()
        .filter_map(|t| t.requester.organisation.clone())
        .collect();
    assert_eq!(schools.len(), 8, "{schools:?}");
    // Ids grow with time, as on a real desk.
    let mut by_id = all.clone();
    by_id.sort_by_key(|t| t.id.0.parse::<i64>().unwrap());
    assert!(by_id.windows(2).all(|w| w[0].created <= w[1].created));

    // Conversations hold public replies, internal notes and events.
    let mut kinds = HashSet::new();
    for t in all.iter().take(40) {
        for e in desk.ticket(&t.id).await.unwrap().entries {
            kinds.insert(e.kind);
        }
    }
    assert_eq!(kinds.len(), 3);

    // Three hundred requesters, plus the two hostile ones.
    let conn = rusqlite::Connection::open(dir.path().join("demo.sqlite")).unwrap();
    let people: i64 = conn
        .query_row("SELECT COUNT(*) FROM requesters", [], |r| r.get(0))
        .unwrap();
    assert_eq!(people, 302);
}

#[tokio::test]
async fn a_seed_always_builds_the_same_desk() {
    let dir = tempfile::TempDir::new().unwrap();
    let build = |name: &str, seed| {
        DemoDesk::create(&dir.path().join(name), seed, 200, common::clock()).unwrap()
    };
    let (a, b, c) = (build("a", 3), build("b", 3), build("c", 4));
    let view = |t: &TicketSummary| {
        (
            t.id.clone(),
            t.subject.to_string(),
            t.created,
            t.sla.clone(),
        )
    };
    let list = |desk: DemoDesk| async move {
        everything(&desk, &Query::default())
            .await
            .iter()
            .map(view)
            .collect::<Vec<_>>()
    };
    let (a, b, c) = (list(a).await, list(b).await, list(c).await);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn search_pages_without_gaps_and_filters_on_the_desk() {
    let (desk, _dir) = common::demo_desk();
    let active = everything(desk.as_ref(), &Query::active()).await;
    let ids: HashSet<_> = active.iter().map(|t| t.id.clone()).collect();
    assert_eq!(ids.len(), active.len(), "no ticket twice across pages");
    let first = desk
        .search(&Query::active(), PageRequest::first(50))
        .await
        .unwrap();
    assert_eq!(first.total, Some(active.len() as u64));
    assert!(first.more);

    let me = desk.me().await.unwrap();
    let mine = everything(
        desk.as_ref(),
        &Query {
            owner: OwnerFilter::Me,
            ..Query::active()
        },
    )
    .await;
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|t| t.owner.as_ref().unwrap().id == me.id));
    let hr = QueueId("2".into());
    let in_hr = everything(
        desk.as_ref(),
        &Query {
            queue: Some(hr.clone()),
            ..Query::active()
        },
    )
    .await;
    assert!(!in_hr.is_empty() && in_hr.iter().all(|t| t.queue.id == hr));
    let text = Query {
        text: "BUS late".into(),
        ..Query::default()
    };
    // The desk finds the words in the subject, requester or id, as the
    // console's filter does, and in the messages' bodies as well.
    let found = everything(desk.as_ref(), &text).await;
    let every = everything(desk.as_ref(), &Query::default()).await;
    let by_subject: Vec<_> = every
        .iter()
        .filter(|t| text.matches(t, Some(&me.id)))
        .map(|t| t.id.clone())
        .collect();
    assert!(!by_subject.is_empty());
    assert!(
        by_subject
            .iter()
            .all(|id| found.iter().any(|t| t.id == *id))
    );
    let mut in_a_body = 0;
    for t in found.iter().filter(|t| !by_subject.contains(&t.id)) {
        let detail = desk.ticket(&t.id).await.unwrap();
        let bodies = detail
            .entries
            .iter()
            .map(|e| e.body.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.text
                .to_lowercase()
                .split_whitespace()
                .all(|w| bodies.contains(w) || t.subject.to_lowercase().contains(w)),
            "#{} has the words",
            t.id.0
        );
        in_a_body += 1;
    }
    assert!(
        in_a_body > 0,
        "some are found by their words only in a body"
    );
}

/// Pages resume after the last id they gave (not by counting rows): a
/// ticket made between pages moves nothing, so none comes twice or is
/// missed, and a page asked out of turn is still the same page.
#[tokio::test]
async fn a_ticket_made_between_pages_moves_no_ticket_across_them() {
    let (desk, _dir) = common::demo_desk();
    let all = everything(desk.as_ref(), &Query::default()).await;
    let page = |n: u32| PageRequest {
        page: n,
        ..PageRequest::first(100)
    };
    // Out of turn (no page before it): found by counting, the same rows.
    let third = desk.search(&Query::default(), page(2)).await.unwrap();
    assert_eq!(third.items, all[200..300]);

    let first = desk.search(&Query::default(), page(0)).await.unwrap();
    let made = desk
        .create(&NewTicket {
            queue: QueueId("2".into()),
            subject: "Made while paging".into(),
            requester_email: "paging@example.org".into(),
            requester_name: String::new(),
            channel: Channel::Phone,
            priority: PriorityLevel::Normal,
            owner: Assignee::Nobody,
            body: "Between two pages.".into(),
        })
        .await
        .unwrap();
    let mut listed = first.items;
    let (mut n, mut more) = (1, first.more);
    while more {
        let found = desk.search(&Query::default(), page(n)).await.unwrap();
        listed.extend(found.items);
        (n, more) = (n + 1, found.more);
    }
    assert!(
        !listed.iter().any(|t| t.id == made.id),
        "newer than page one"
    );
    let ids = |tickets: &[TicketSummary]| tickets.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&listed), ids(&all), "none twice, none missed");
}

#[tokio::test]
async fn changed_since_returns_only_what_changed() {
    let (desk, _dir) = common::demo_desk();
    let now = common::now();
    assert!(
        desk.changed_since(&Query::default(), now + SignedDuration::from_secs(1))
            .await
            .unwrap()
            .is_empty()
    );
    desk.simulate_once(11).unwrap();
    let changed = desk.changed_since(&Query::default(), now).await.unwrap();
    assert!(!changed.is_empty());
    assert!(changed.iter().all(|t| t.updated >= now));
}

#[tokio::test]
async fn writes_leave_a_trail_move_the_clocks_and_refuse_stale_versions() {
    let (desk, _dir) = common::demo_desk();
    let new = everything(
        desk.as_ref(),
        &Query {
            statuses: vec![StatusKind::New],
            ..Query::default()
        },
    )
    .await;
    let ticket = new.first().unwrap().clone();
    assert!(matches!(
        ticket.sla.get(ClockKind::FirstResponse).unwrap().stage(),
        Stage::Active
    ));

    let applied = desk
        .apply(
            &ticket.id,
            &ticket.version,
            &Change::Reply {
                body: "On it.".into(),
                then: Some(StatusKind::Pending),
                files: Vec::new(),
            },
        )
        .await
        .unwrap();
    let after = &applied.summary;
    assert_ne!(after.version, ticket.version);
    assert_eq!(after.status.kind, StatusKind::Pending);
    assert!(matches!(
        after.sla.get(ClockKind::FirstResponse).unwrap().stage(),
        Stage::Met { .. }
    ));
    assert!(matches!(
        after.sla.get(ClockKind::Resolution).unwrap().stage(),
        Stage::Paused { .. }
    ));

    // Writing on the old version is a conflict, not an overwrite.
    let stale = desk
        .apply(
            &ticket.id,
            &ticket.version,
            &Change::SetPriority(PriorityLevel::Low),
        )
        .await;
    assert_eq!(
        stale,
        Err(DeskError::Conflict {
            now: after.version.clone()
        })
    );

    let mut version = after.version.clone();
    for change in [
        Change::Note {
            body: "internal".into(),
            then: None,
            files: Vec::new(),
        },
        Change::Assign(Assignee::Me),
        Change::SetPriority(PriorityLevel::Urgent),
        Change::MoveTo(QueueId("5".into())),
        Change::SetStatus(StatusKind::Resolved),
    ] {
        version = desk
            .apply(&ticket.id, &version, &change)
            .await
            .unwrap()
            .version;
    }
    let detail = desk.ticket(&ticket.id).await.unwrap();
    let s = &detail.summary;
    assert_eq!(s.owner.as_ref().unwrap().name.as_str(), "Sam Okafor");
    assert_eq!(s.priority.level, PriorityLevel::Urgent);
    assert_eq!(s.queue.name.as_str(), "Facilities");
    assert_eq!(s.status.kind, StatusKind::Resolved);
    let bodies: Vec<String> = detail.entries.iter().map(|e| e.body.to_string()).collect();
    for expected in [
        "On it.",
        "internal",
        "Assigned to Sam Okafor",
        "Priority",
        "Moved from",
        "resolved",
    ] {
        assert!(
            bodies.iter().any(|b| b.contains(expected)),
            "no {expected:?} in {bodies:?}"
        );
    }
    let note = detail
        .entries
        .iter()
        .find(|e| e.body.as_str() == "internal")
        .unwrap();
    assert_eq!(note.kind, EntryKind::Note);

    assert_eq!(
        desk.ticket(&TicketId("99999".into())).await,
        Err(DeskError::NotFound)
    );
    let nobody = desk
        .apply(
            &ticket.id,
            &version,
            &Change::Assign(Assignee::Agent(AgentId("999".into()))),
        )
        .await;
    assert_eq!(nobody, Err(DeskError::NotFound));
}

/// A finished ticket says when it was resolved: the first status change
/// that finished it since the last one that reopened it. The resolve is an
/// update too, and an open ticket has none.
#[tokio::test]
async fn a_finished_ticket_says_when_it_was_resolved() {
    let (desk, _dir) = common::demo_desk();
    let finished = everything(
        desk.as_ref(),
        &Query {
            statuses: vec![StatusKind::Resolved, StatusKind::Closed],
            ..Query::default()
        },
    )
    .await;
    assert!(finished.len() > 100);
    for t in finished.iter().step_by(25) {
        let detail = desk.ticket(&t.id).await.unwrap();
        let changes: Vec<_> = detail
            .entries
            .iter()
            .filter_map(|e| e.status.map(|s| (e.at, s)))
            .collect();
        let since = changes
            .iter()
            .rposition(|(_, s)| s.is_active())
            .map_or(0, |i| i + 1);
        let resolve = changes[since..].iter().find(|(_, s)| !s.is_active());
        assert_eq!(t.resolved_at, resolve.map(|r| r.0), "#{}", t.id.0);
        assert!(t.updated >= t.resolved_at.unwrap(), "#{}", t.id.0);
    }
    let open = everything(desk.as_ref(), &Query::active()).await;
    assert!(open.iter().all(|t| t.resolved_at.is_none()));

    let t = &open[0];
    let resolved = desk
        .apply(&t.id, &t.version, &Change::SetStatus(StatusKind::Resolved))
        .await
        .unwrap()
        .summary;
    assert_eq!(resolved.resolved_at, Some(common::clock().now()));
    assert_eq!(resolved.updated, common::clock().now());
    let reopened = desk
        .apply(
            &t.id,
            &resolved.version,
            &Change::SetStatus(StatusKind::Open),
        )
        .await
        .unwrap()
        .summary;
    assert_eq!(reopened.resolved_at, None);
}

#[tokio::test]
async fn time_away_is_skipped_so_the_desk_stays_lively() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("demo.sqlite");
    let (before, entries_before) = {
        let desk = DemoDesk::create(&path, 5, 100, common::clock()).unwrap();
        let all = everything(&desk, &Query::default()).await;
        let entries = desk.ticket(&all[0].id).await.unwrap().entries;
        (all, entries)
    };
    let later = Clock::Fixed(common::now() + SignedDuration::from_hours(50));
    let desk = DemoDesk::open(&path, None, later).unwrap();
    let after = everything(&desk, &Query::default()).await;
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(
            a.created.duration_since(b.created),
            SignedDuration::from_hours(50)
        );
    }
    // The conversation moved with its ticket (one number on the desk moved).
    let entries_after = desk.ticket(&after[0].id).await.unwrap().entries;
    assert_eq!(entries_before.len(), entries_after.len());
    for (b, a) in entries_before.iter().zip(&entries_after) {
        assert_eq!(a.at.duration_since(b.at), SignedDuration::from_hours(50));
    }
}

#[tokio::test]
async fn hostile_tickets_arrive_sanitised() {
    let (desk, _dir) = common::demo_desk();
    let all = everything(desk.as_ref(), &Query::default()).await;
    let fire = all
        .iter()
        .find(|t| t.subject.contains("printer on fire"))
        .unwrap();
    assert_eq!(
        fire.subject.as_str(),
        "URGENT printer on fire at the library"
    );
    assert!(!fire.requester.name.contains('\u{202e}'));
    let body = desk.ticket(&fire.id).await.unwrap().entries[0]
        .body
        .to_string();
    assert!(
        !body.contains('\u{1b}') && !body.contains('\u{9b}'),
        "{body:?}"
    );
    assert!(all.iter().any(|t| t.subject.contains("打印机")));
}

#[tokio::test]
async fn the_simulator_changes_tickets_under_an_agent_and_causes_conflicts() {
    let (desk, _dir) = common::demo_desk();
    let before = everything(desk.as_ref(), &Query::active()).await;
    // Run the simulator until it touches a ticket someone could be working on.
    let mut seed = 0;
    let changed = loop {
        seed += 1;
        let what = desk.simulate_once(seed).unwrap();
        if what != "new ticket" {
            let changed = desk
                .changed_since(&Query::default(), common::now())
                .await
                .unwrap();
            if let Some(t) = changed
                .into_iter()
                .find(|t| before.iter().any(|b| b.id == t.id))
            {
                break t;
            }
        }
        assert!(seed < 100, "the simulator never touched an existing ticket");
    };
    let seen = before.iter().find(|b| b.id == changed.id).unwrap();
    let stale = desk
        .apply(
            &seen.id,
            &seen.version,
            &Change::SetStatus(StatusKind::Resolved),
        )
        .await;
    assert_eq!(
        stale,
        Err(DeskError::Conflict {
            now: changed.version
        })
    );
}
