//! `update()` as a function: a message and a fixed time in, state and effects
//! out. No desk runs here; its answers are written by hand.
#![allow(clippy::unwrap_used)]

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskterm::layout::Area;
use jiff::{SignedDuration, Timestamp};

use deskterm::desk::*;
use deskterm::sla::{ClockKind, SlaClock, SlaClocks, Stage};
use deskterm::state::{Connection, DeskReply, Directory, Effect, Msg, State, update};
use deskterm::text::SafeText;

fn ticket(id: u32, due_in_mins: i64) -> TicketSummary {
    let now = common::now();
    TicketSummary {
        id: TicketId(id.to_string().into()),
        key: SafeText::line(&format!("#{id}")),
        subject: SafeText::line(&format!("Ticket {id}")),
        status: Status::new(StatusKind::Open),
        priority: Priority::new(PriorityLevel::Normal),
        queue: QueueRef {
            id: QueueId("1".into()),
            name: SafeText::line("IT"),
        },
        owner: None,
        requester: Requester {
            name: SafeText::line("Maria Lopez"),
            email: SafeText::line("maria@example.org"),
            role: RequesterRole::Parent,
            organisation: None,
            phone: None,
        },
        channel: Channel::Email,
        created: now - SignedDuration::from_hours(1),
        updated: now - SignedDuration::from_mins(i64::from(id)),
        first_response_at: None,
        resolved_at: None,
        sla: SlaClocks {
            clocks: vec![SlaClock::new(
                ClockKind::Resolution,
                now + SignedDuration::from_mins(due_in_mins),
                Some(SignedDuration::from_hours(4)),
                Stage::Active,
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

fn state() -> State {
    State::new(
        common::settings("dark"),
        common::now(),
        Area::new(0, 0, 80, 24),
    )
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn page_reply(request: u64, items: Vec<TicketSummary>, more: bool) -> Msg {
    Msg::Desk(DeskReply::Page {
        request,
        page: PageRequest::first(100),
        result: Ok(Page {
            items,
            total: None,
            more,
        }),
    })
}

fn search_request(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Search { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap()
}

/// A state with three tickets loaded; returns it with the load's request id.
fn loaded() -> State {
    let mut s = state();
    let effects = s.start();
    let request = search_request(&effects);
    update(
        &mut s,
        page_reply(
            request,
            vec![ticket(1, 90), ticket(2, -30), ticket(3, 10)],
            false,
        ),
        common::now(),
    );
    s
}

fn visible_ids(s: &State) -> Vec<String> {
    s.queue
        .visible
        .iter()
        .map(|&i| s.held.tickets.get(i).unwrap().id.0.to_string())
        .collect()
}

#[test]
fn start_shows_the_cache_and_asks_for_the_directory_the_first_page_and_the_outbox() {
    let mut s = state();
    let effects = s.start();
    assert_eq!(effects[0], Effect::LoadCache, "what was cached, at once");
    assert_eq!(effects[1], Effect::LoadDirectory);
    assert!(matches!(
        &effects[2],
        Effect::Search { query, page, .. } if *query == Query::active() && page.page == 0
    ));
    assert!(effects.contains(&Effect::LoadOutbox));
    assert_eq!(s.connection, Connection::Connecting);
}

#[test]
fn cached_tickets_the_desk_no_longer_lists_are_dropped_once_it_has_answered() {
    let (mut s, request) = from_the_cache();
    assert_eq!(
        visible_ids(&s),
        ["3", "2", "1"],
        "the cache, until the desk answers"
    );
    // Ticket 2 was resolved elsewhere: the desk lists 1 and 3 (and a new 4).
    update(
        &mut s,
        page_reply(request, vec![ticket(3, 10), ticket(4, 60)], true),
        common::now(),
    );
    assert_eq!(
        s.held.tickets.len(),
        4,
        "nothing dropped before the last page"
    );
    update(
        &mut s,
        page_reply(request, vec![ticket(1, 90)], false),
        common::now(),
    );
    assert_eq!(visible_ids(&s), ["3", "4", "1"]);
    assert!(s.held.tickets.unconfirmed().is_empty());
}

#[test]
fn what_the_desk_lacks_is_said_once_the_first_load_is_done() {
    let mut settings = common::settings("dark");
    settings.lacks = vec!["search (tickets are filtered here)"];
    let mut s = State::new(settings, common::now(), Area::new(0, 0, 80, 24));
    let request = search_request(&s.start());
    update(
        &mut s,
        page_reply(request, vec![ticket(1, 90)], false),
        common::now(),
    );
    let flash = s.flash.clone().unwrap();
    assert_eq!(flash.text, "this desk lacks some features; ? lists them");
    assert!(!flash.error);
    // A desk that lacks nothing says nothing.
    let s = loaded();
    assert!(s.flash.is_none(), "{:?}", s.flash);
}

#[test]
fn pages_are_followed_until_the_last() {
    let mut s = state();
    let request = search_request(&s.start());
    let effects = update(
        &mut s,
        page_reply(request, vec![ticket(1, 5)], true),
        common::now(),
    );
    assert!(matches!(&effects[..], [Effect::Search { page, .. }] if page.page == 1));
    assert_eq!(s.connection, Connection::Connecting);
    let effects = update(
        &mut s,
        page_reply(request, vec![ticket(2, 5)], false),
        common::now(),
    );
    // The last page; then, once, the tickets finished lately, for the dashboard.
    assert!(
        matches!(&effects[..], [Effect::Refresh { query, .. }] if !query.statuses.iter().any(|s| s.is_active())),
        "{effects:?}"
    );
    assert_eq!(s.connection, Connection::Live);
    assert_eq!(s.held.tickets.len(), 2);
}

#[test]
fn breached_first_then_soonest_due() {
    let s = loaded();
    assert_eq!(visible_ids(&s), ["2", "3", "1"]);
    assert_eq!(s.held.counts.breached, 1);
    assert_eq!(s.held.counts.at_risk, 1, "10 minutes left is an alert");
}

#[test]
fn a_stale_answer_is_dropped() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Enter), common::now());
    let first = s.screen.ticket().unwrap().request;
    update(&mut s, key(KeyCode::Esc), common::now());
    update(&mut s, key(KeyCode::Char('j')), common::now());
    update(&mut s, key(KeyCode::Enter), common::now());
    let second = s.screen.ticket().unwrap().request;
    assert_ne!(first, second);
    let detail = |id| {
        Box::new(TicketDetail {
            summary: ticket(id, 5),
            entries: Vec::new(),
            custom_fields: Vec::new(),
        })
    };
    let late = Msg::Desk(DeskReply::Ticket {
        cached: None,
        request: first,
        result: Ok(detail(2)),
    });
    update(&mut s, late, common::now());
    assert!(
        s.screen.ticket().unwrap().detail.is_none(),
        "old answer ignored"
    );
    let fresh = Msg::Desk(DeskReply::Ticket {
        cached: None,
        request: second,
        result: Ok(detail(3)),
    });
    update(&mut s, fresh, common::now());
    assert!(s.screen.ticket().unwrap().detail.is_some());
}

#[test]
fn refreshes_come_due_and_back_off_when_offline() {
    let mut s = loaded();
    let tick = |s: &mut State| update(s, Msg::Tick, common::now());
    for _ in 0..4 {
        assert!(tick(&mut s).is_empty());
    }
    let effects = tick(&mut s);
    let Some(Effect::Refresh { request, since, .. }) = effects.into_iter().next() else {
        panic!("no refresh after 5 ticks");
    };
    // The refresh starts from the newest update seen, not from the clock.
    assert_eq!(since, ticket(1, 0).updated);
    let failed = Msg::Desk(DeskReply::Changed {
        request,
        result: Err(DeskError::Unreachable("connection refused".into())),
    });
    update(&mut s, failed, common::now());
    assert!(matches!(s.connection, Connection::Offline(_)));
    let flash = s.flash.clone().unwrap();
    // What happens first, in words; the network's own words in :messages.
    assert!(
        flash.error && flash.text.starts_with("offline, next try in 10s"),
        "{}",
        flash.text
    );
    assert!(!flash.text.contains("connection refused"), "{}", flash.text);
    let said = s.messages.newest_first().next().unwrap();
    assert!(
        said.detail
            .as_deref()
            .is_some_and(|d| d.contains("connection refused")),
        "{said:?}"
    );
    // The tickets stay readable while offline.
    assert_eq!(s.queue.visible.len(), 3);
    let mut waited = 0;
    let request = loop {
        waited += 1;
        if let Some(Effect::Refresh { request, .. }) = tick(&mut s).into_iter().next() {
            break request;
        }
    };
    assert_eq!(waited, 10, "backed off to twice the interval");
    let ok = Msg::Desk(DeskReply::Changed {
        request,
        result: Ok(vec![ticket(4, 60)]),
    });
    update(&mut s, ok, common::now());
    assert_eq!(s.connection, Connection::Live);
    assert_eq!(s.held.tickets.len(), 4);
    assert_eq!(s.flash.as_ref().unwrap().text, "connected again");
}

#[test]
fn a_refresh_that_resolves_a_ticket_removes_it_and_keeps_the_cursor() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Char('j')), common::now());
    assert_eq!(s.selected().unwrap().id.0, "3");
    let mut resolved = ticket(2, -30);
    resolved.status = Status::new(StatusKind::Resolved);
    for _ in 0..4 {
        update(&mut s, Msg::Tick, common::now());
    }
    let Some(Effect::Refresh { request, .. }) =
        update(&mut s, Msg::Tick, common::now()).into_iter().next()
    else {
        panic!("no refresh");
    };
    update(
        &mut s,
        Msg::Desk(DeskReply::Changed {
            request,
            result: Ok(vec![resolved]),
        }),
        common::now(),
    );
    assert_eq!(visible_ids(&s), ["3", "1"]);
    assert_eq!(
        s.selected().unwrap().id.0,
        "3",
        "cursor stayed on its ticket"
    );
}

#[test]
fn the_directory_builds_a_tab_per_queue_and_applies_the_default_section() {
    let mut settings = common::settings("dark");
    settings.default_section = Some("hr".into());
    let mut s = State::new(settings, common::now(), Area::new(0, 0, 80, 24));
    s.start();
    let queue = |id: &str, name: &str| Queue {
        id: QueueId(id.into()),
        name: SafeText::line(name),
        description: SafeText::default(),
    };
    let me = Agent {
        id: AgentId("1".into()),
        name: SafeText::line("Sam Okafor"),
        email: SafeText::line("sam@example.org"),
        queues: Vec::new(),
    };
    update(
        &mut s,
        Msg::Desk(DeskReply::Directory(Ok(Directory {
            me,
            queues: vec![queue("1", "IT"), queue("2", "HR")],
            agents: Vec::new(),
            views: Vec::new(),
            macros: Vec::new(),
        }))),
        common::now(),
    );
    let names: Vec<_> = s.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["All", "Mine", "Unassigned", "IT", "HR"]);
    assert_eq!(s.sections[s.section].name, "HR");
}

/// A desk's own views (Zendesk's) are tabs after the queues', each fetched
/// from the desk; its own macros are offered beside the config's and
/// applied as the desk's.
#[test]
fn the_desks_views_are_tabs_and_its_macros_are_offered() {
    let mut s = loaded();
    let me = Agent {
        id: AgentId("1".into()),
        name: SafeText::line("Sam Okafor"),
        email: SafeText::line("sam@example.org"),
        queues: Vec::new(),
    };
    update(
        &mut s,
        Msg::Desk(DeskReply::Directory(Ok(Directory {
            me,
            queues: Vec::new(),
            agents: Vec::new(),
            views: vec![View {
                id: "7002".into(),
                name: SafeText::line("Urgent and unassigned"),
            }],
            macros: vec![DeskMacro {
                id: "8001".into(),
                name: SafeText::line("Bus is on its way"),
                detail: SafeText::line("Reply that the bus is coming"),
            }],
        }))),
        common::now(),
    );
    let names: Vec<_> = s.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["All", "Mine", "Unassigned", "Urgent and unassigned"]
    );
    let effects = s.select_section(3);
    let asked = effects.iter().find_map(|e| match e {
        Effect::Find { query, .. } => Some(query.clone()),
        _ => None,
    });
    assert_eq!(asked.and_then(|q| q.view).as_deref(), Some("7002"));
    s.select_section(0);
    s.open_macro_picker(false);
    let Some(deskterm::state::Overlay::Picker(picker)) = s.screen.overlay() else {
        panic!("no picker");
    };
    let offered = picker
        .options
        .iter()
        .find(|p| p.label == "Bus is on its way")
        .expect("the desk's macro");
    assert!(offered.detail.contains("the desk's"), "{}", offered.detail);
    let chosen = picker
        .options
        .iter()
        .position(|p| p.label == "Bus is on its way")
        .unwrap();
    for _ in 0..chosen {
        update(&mut s, key(KeyCode::Down), common::now());
    }
    let effects = update(&mut s, key(KeyCode::Enter), common::now());
    let mut effects = effects;
    // Past the undo window, it goes.
    effects.extend(update(
        &mut s,
        Msg::Tick,
        common::now() + SignedDuration::from_secs(60),
    ));
    let sent = applies(&effects);
    assert!(
        sent.iter()
            .any(|(_, _, c)| matches!(c, Change::DeskMacro { id, .. } if id == "8001")),
        "{effects:?}"
    );
}

#[test]
fn resizing_keeps_the_cursor_on_screen() {
    let mut s = state();
    let request = search_request(&s.start());
    let many: Vec<_> = (1..=60).map(|i| ticket(i, i64::from(i))).collect();
    update(&mut s, page_reply(request, many, false), common::now());
    update(&mut s, key(KeyCode::End), common::now());
    assert_eq!(s.queue.cursor, 59);
    update(&mut s, Msg::Resize(80, 10), common::now());
    let rows = s.list_height();
    assert!(s.queue.offset <= s.queue.cursor && s.queue.cursor < s.queue.offset + rows);
}

#[test]
fn paste_goes_into_the_filter_on_one_line() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Char('/')), common::now());
    update(&mut s, Msg::Paste("Ticket\n3".into()), common::now());
    assert_eq!(s.queue.filter.text(), "Ticket3");
    update(&mut s, Msg::Paste(" ".into()), common::now());
    assert_eq!(visible_ids(&s), Vec::<String>::new());
}

#[test]
fn flash_messages_expire() {
    let mut s = loaded();
    s.info("hello");
    for _ in 0..6 {
        update(&mut s, Msg::Tick, common::now());
    }
    assert!(s.flash.is_none());
}

#[test]
fn time_is_what_update_is_given() {
    let mut s = loaded();
    let later: Timestamp = common::now() + SignedDuration::from_hours(2);
    update(&mut s, Msg::Tick, later);
    assert_eq!(s.now, later);
    assert_eq!(s.held.counts.breached, 3);
}

#[test]
fn sending_carries_the_version_and_a_failure_gives_the_text_back() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Enter), common::now());
    update(&mut s, key(KeyCode::Char('r')), common::now());
    for c in "Hi".chars() {
        update(&mut s, key(KeyCode::Char(c)), common::now());
    }
    let send = Msg::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL));
    let effects = update(&mut s, send, common::now());
    assert!(
        s.screen.compose().is_none(),
        "the pane closes while the reply goes"
    );
    // Into the outbox, and out of the drafts, in one step.
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::OutboxQueue { items, sent_draft } if items.len() == 1 && sent_draft.0 == "2"
    )));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::SaveDraft(_))),
        "a queued reply is not a draft too"
    );
    let Some(Effect::Apply {
        request,
        id,
        based_on,
        change,
        ..
    }) = effects
        .into_iter()
        .find(|e| matches!(e, Effect::Apply { .. }))
    else {
        panic!("no write");
    };
    assert_eq!(based_on, Version("1".into()));
    assert_eq!(
        change,
        Change::Reply {
            body: "Hi".into(),
            then: None,
            files: Vec::new(),
        }
    );
    let stale = Msg::Desk(DeskReply::Applied {
        request: request + 100,
        id: id.clone(),
        result: Err(DeskError::NotFound),
    });
    update(&mut s, stale, common::now());
    assert!(s.screen.compose().is_none(), "not ours");
    // The desk cannot be reached: the reply waits in the outbox and is
    // tried again after a pause; the pane stays closed.
    let failed = Msg::Desk(DeskReply::Applied {
        request,
        id: id.clone(),
        result: Err(DeskError::NotSent("connection refused".into())),
    });
    let effects = update(&mut s, failed, common::now());
    assert!(s.screen.compose().is_none());
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::OutboxPut(items) if items[0].attempts == 1))
    );
    let flash = s.flash.as_ref().unwrap().text.clone();
    assert!(flash.contains("kept in the outbox, next try in"), "{flash}");
    let retry = |s: &mut State, at| {
        update(s, Msg::Tick, at).into_iter().find_map(|e| match e {
            Effect::Apply {
                request,
                check_since,
                ..
            } => Some((request, check_since)),
            _ => None,
        })
    };
    assert_eq!(retry(&mut s, common::now()), None, "not before the pause");
    let later = common::now() + SignedDuration::from_secs(10);
    let (request, check_since) = retry(&mut s, later).expect("tried again");
    // A refused connection never carried the reply: no need to look first.
    assert_eq!(check_since, None);
    // Refused for good: the text comes back to the pane.
    let refused = Msg::Desk(DeskReply::Applied {
        request,
        id,
        result: Err(DeskError::Forbidden {
            need: "ReplyToTicket".into(),
        }),
    });
    let effects = update(&mut s, refused, later);
    let compose = s.screen.compose().expect("text back in the pane");
    assert_eq!(compose.text(), "Hi");
    assert!(
        s.flash
            .as_ref()
            .unwrap()
            .text
            .starts_with("not sent, your text is kept")
    );
    assert!(s.outbox.outgoing.is_empty());
    // Out of the outbox, and a draft again, in one step.
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::OutboxUnqueue { keys, draft: Some(d) } if keys.len() == 1 && d.text == "Hi"
    )));
}

#[test]
fn a_quiet_desk_is_polled_less_until_someone_presses_a_key() {
    let mut s = loaded();
    assert_eq!(s.refresh_interval(), 5);
    let quiet_refresh = |s: &mut State| loop {
        if let Some(Effect::Refresh { request, .. }) =
            update(s, Msg::Tick, common::now()).into_iter().next()
        {
            update(
                s,
                Msg::Desk(DeskReply::Changed {
                    request,
                    result: Ok(Vec::new()),
                }),
                common::now(),
            );
            break;
        }
    };
    for _ in 0..6 {
        quiet_refresh(&mut s);
    }
    assert_eq!(s.refresh_interval(), 10);
    for _ in 0..6 {
        quiet_refresh(&mut s);
    }
    assert_eq!(s.refresh_interval(), 20);
    for _ in 0..6 {
        quiet_refresh(&mut s);
    }
    assert_eq!(s.refresh_interval(), 20, "at most four times as long");
    update(&mut s, key(KeyCode::Char('j')), common::now());
    assert_eq!(s.refresh_interval(), 5);
}

fn applies(effects: &[Effect]) -> Vec<(u64, Version, Change)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Apply {
                request,
                based_on,
                change,
                ..
            } => Some((*request, based_on.clone(), change.clone())),
            _ => None,
        })
        .collect()
}

/// A state holding ticket 1, whose writes wait `undo` seconds.
fn one_ticket_with_undo(undo: u32) -> State {
    let mut settings = common::settings("dark");
    settings.undo_seconds = undo;
    let mut s = State::new(settings, common::now(), Area::new(0, 0, 80, 24));
    let request = search_request(&s.start());
    update(
        &mut s,
        page_reply(request, vec![ticket(1, 90)], false),
        common::now(),
    );
    s
}

#[test]
fn a_change_leaves_only_when_the_undo_window_closes() {
    let mut s = one_ticket_with_undo(3);
    assert!(applies(&update(&mut s, key(KeyCode::Char('c')), common::now())).is_empty());
    assert_eq!(
        s.outgoing_summary().as_deref(),
        Some("↶ resolve #1 in 3s · u undoes")
    );
    for _ in 0..2 {
        assert!(applies(&update(&mut s, Msg::Tick, common::now())).is_empty());
    }
    let sent = applies(&update(&mut s, Msg::Tick, common::now()));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2, Change::SetStatus(StatusKind::Resolved));
    assert_eq!(s.outgoing_summary().as_deref(), Some("resolve #1…"));
    // Too late now.
    update(&mut s, key(KeyCode::Char('u')), common::now());
    assert_eq!(
        s.flash.as_ref().unwrap().text,
        "too late to undo: already on its way"
    );
}

#[test]
fn a_conflict_asks_and_yes_writes_on_the_new_version() {
    let mut s = loaded();
    let effects = update(&mut s, key(KeyCode::Char('t')), common::now());
    let (request, based_on, change) = applies(&effects).remove(0);
    assert_eq!(
        (based_on, change.clone()),
        (Version("1".into()), Change::Assign(Assignee::Me))
    );
    let conflict = Msg::Desk(DeskReply::Applied {
        request,
        id: TicketId("2".into()),
        result: Err(DeskError::Conflict {
            now: Version("2".into()),
        }),
    });
    let effects = update(&mut s, conflict, common::now());
    let Some(Effect::Inspect { request, id }) = effects.into_iter().next() else {
        panic!("the ticket is read again first");
    };
    let mut now = ticket(2, -30);
    now.version = Version("2".into());
    now.status = Status::new(StatusKind::Pending);
    let detail = Box::new(TicketDetail {
        summary: now,
        entries: Vec::new(),
        custom_fields: Vec::new(),
    });
    update(
        &mut s,
        Msg::Desk(DeskReply::Inspected {
            request,
            result: Ok(detail),
        }),
        common::now(),
    );
    let Some(deskterm::state::Overlay::Confirm(confirm)) = s.screen.overlay() else {
        panic!("no question");
    };
    assert_eq!(confirm.lines, ["status open → pending"]);
    assert_eq!(confirm.item.ticket, id);
    let effects = update(&mut s, key(KeyCode::Char('y')), common::now());
    let (_, based_on, again) = applies(&effects).remove(0);
    assert_eq!((based_on, again), (Version("2".into()), change));
}

/// Refreshes place the tickets they bring one by one; the queue and the
/// counts must be what sorting and counting everything again gives.
#[test]
fn placing_changed_tickets_agrees_with_sorting_them_all() {
    // The rows shown follow each refresh by the tickets it brings, under a
    // filter too: they must be what filtering everything again gives.
    for (reversed, filter) in [(false, ""), (true, ""), (false, "1"), (true, "2")] {
        let mut s = state();
        let request = search_request(&s.start());
        let first: Vec<TicketSummary> = (1..=200)
            .map(|i| ticket(i, i64::from(i % 37) * 10 - 90))
            .collect();
        update(&mut s, page_reply(request, first, false), common::now());
        if reversed {
            update(&mut s, key(KeyCode::Char('S')), common::now());
        }
        if !filter.is_empty() {
            update(&mut s, key(KeyCode::Char('/')), common::now());
            for c in filter.chars() {
                update(&mut s, key(KeyCode::Char(c)), common::now());
            }
            update(&mut s, key(KeyCode::Enter), common::now());
        }
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..60 {
            let changed: Vec<TicketSummary> = (0..1 + next(12))
                .map(|_| {
                    let id = 1 + next(260) as u32;
                    let mut t = ticket(id, next(400) as i64 - 200);
                    t.version = Version(format!("r{round}").into());
                    if next(5) == 0 {
                        t.status = Status::new(StatusKind::Resolved);
                    }
                    t
                })
                .collect();
            let request = update(
                &mut s,
                Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
                common::now(),
            )
            .into_iter()
            .find_map(|e| match e {
                Effect::Refresh { request, .. } => Some(request),
                _ => None,
            })
            .unwrap();
            let reply = Msg::Desk(DeskReply::Changed {
                request,
                result: Ok(changed),
            });
            update(&mut s, reply, common::now());
            let (placed, counts) = (visible_ids(&s), s.held.counts);
            let sections: Vec<usize> = s.sections.iter().map(|x| x.count).collect();
            s.resort();
            assert_eq!(
                visible_ids(&s),
                placed,
                "round {round}, reversed {reversed}, filter {filter:?}"
            );
            assert_eq!(s.held.counts, counts, "round {round}");
            assert_eq!(
                s.sections.iter().map(|x| x.count).collect::<Vec<_>>(),
                sections
            );
        }
    }
}

/// Typing into the filter narrows from the shorter filter's rows, and
/// Backspace goes back to them: the same rows as filtering from scratch.
#[test]
fn typing_and_erasing_a_filter_gives_the_rows_of_filtering_afresh() {
    let mut s = state();
    let request = search_request(&s.start());
    let tickets: Vec<TicketSummary> = (1..=120)
        .map(|i| {
            let mut t = ticket(i, i64::from(i));
            let words = ["bus late", "bus stop", "lunch menu", "badge lost"];
            t.subject = SafeText::line(&format!("{} {i}", words[i as usize % 4]));
            t
        })
        .collect();
    update(&mut s, page_reply(request, tickets, false), common::now());
    update(&mut s, key(KeyCode::Char('/')), common::now());
    let afresh = |s: &mut State| {
        let typed = visible_ids(s);
        s.refilter();
        assert_eq!(visible_ids(s), typed, "filter {:?}", s.queue.filter.text());
        typed.len()
    };
    let mut sizes = Vec::new();
    for c in "bus la".chars() {
        update(&mut s, key(KeyCode::Char(c)), common::now());
        sizes.push(afresh(&mut s));
    }
    for _ in 0..6 {
        update(&mut s, key(KeyCode::Backspace), common::now());
        sizes.push(afresh(&mut s));
    }
    // b, bu, bus, "bus ", bus l, bus la; then back to everything.
    assert_eq!(sizes, [90, 60, 60, 60, 60, 30, 60, 60, 60, 60, 90, 120]);
}

fn applied(request: u64, after: &TicketSummary) -> Msg {
    Msg::Desk(DeskReply::Applied {
        request,
        id: after.id.clone(),
        result: Ok(Box::new(Applied {
            version: after.version.clone(),
            summary: after.clone(),
        })),
    })
}

/// `+` `+`: the second works from what the first leaves, on the version it
/// left, and is not taken for someone else's change.
#[test]
fn a_write_queued_behind_ones_own_goes_on_the_version_it_left() {
    let mut s = loaded();
    let (request, based_on, first) =
        applies(&update(&mut s, key(KeyCode::Char('+')), common::now())).remove(0);
    assert_eq!(
        (based_on, first),
        (
            Version("1".into()),
            Change::SetPriority(PriorityLevel::High)
        )
    );
    assert!(
        applies(&update(&mut s, key(KeyCode::Char('+')), common::now())).is_empty(),
        "waits for the first"
    );
    let mut after = ticket(2, -30);
    after.version = Version("2".into());
    after.priority = Priority::new(PriorityLevel::High);
    let next: Vec<_> = applies(&update(&mut s, applied(request, &after), common::now()))
        .into_iter()
        .map(|(_, version, change)| (version, change))
        .collect();
    assert_eq!(
        next,
        [(
            Version("2".into()),
            Change::SetPriority(PriorityLevel::Urgent)
        )]
    );
}

/// A note, then `t` while the note waits: the take goes on the version the
/// note left, so the note is never shown back as someone's new message.
#[test]
fn a_take_after_ones_own_note_is_no_conflict() {
    let mut s = one_ticket_with_undo(3);
    update(&mut s, key(KeyCode::Char('n')), common::now());
    for c in "Called back".chars() {
        update(&mut s, key(KeyCode::Char(c)), common::now());
    }
    let send = Msg::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL));
    assert!(applies(&update(&mut s, send, common::now())).is_empty());
    assert!(applies(&update(&mut s, key(KeyCode::Char('t')), common::now())).is_empty());
    let mut sent = Vec::new();
    for _ in 0..3 {
        sent.extend(applies(&update(&mut s, Msg::Tick, common::now())));
    }
    let (request, based_on, note) = sent.remove(0);
    assert!(matches!(note, Change::Note { .. }), "{note:?}");
    assert_eq!(based_on, Version("1".into()));
    assert!(sent.is_empty(), "the take waits for the note: {sent:?}");
    let mut after = ticket(1, 90);
    after.version = Version("2".into());
    let mut next = Vec::new();
    next.extend(applies(&update(
        &mut s,
        applied(request, &after),
        common::now(),
    )));
    for _ in 0..3 {
        next.extend(applies(&update(&mut s, Msg::Tick, common::now())));
    }
    let next: Vec<_> = next.into_iter().map(|(_, v, c)| (v, c)).collect();
    assert_eq!(next, [(Version("2".into()), Change::Assign(Assignee::Me))]);
}

/// A pending ticket opened (its history tells no status change, as on
/// django-helpdesk) keeps its paused clocks in the view and in its row.
#[test]
fn an_opened_pending_ticket_stays_paused_in_its_view_and_its_row() {
    let mut pending = ticket(2, -30);
    pending.sla = SlaClocks::default();
    pending.status = Status::new(StatusKind::Pending);
    let mut s = state();
    let request = search_request(&s.start());
    update(
        &mut s,
        page_reply(request, vec![pending.clone()], false),
        common::now(),
    );
    let paused = |t: &TicketSummary| {
        !t.sla.clocks.is_empty()
            && t.sla
                .clocks
                .iter()
                .all(|c| matches!(c.stage(), Stage::Paused { .. }))
    };
    assert!(
        paused(s.held.tickets.by_id(&pending.id).unwrap()),
        "as listed"
    );
    let effects = update(&mut s, key(KeyCode::Enter), common::now());
    let request = common::load_ticket_request(&effects);
    let detail = TicketDetail {
        summary: pending.clone(),
        entries: vec![Entry {
            kind: EntryKind::Reply,
            author: SafeText::line("Maria Lopez"),
            by_agent: false,
            at: pending.created,
            body: SafeText::block("The bus did not come."),
            attachments: Vec::new(),
            status: None,
        }],
        custom_fields: Vec::new(),
    };
    update(
        &mut s,
        Msg::Desk(DeskReply::Ticket {
            request,
            result: Ok(Box::new(detail)),
            cached: None,
        }),
        common::now(),
    );
    let view = s.screen.ticket().unwrap().summary().unwrap();
    assert!(paused(view), "in the view: {:?}", view.sla.clocks);
    let row = s.held.tickets.by_id(&pending.id).unwrap();
    assert!(paused(row), "in the row: {:?}", row.sla.clocks);
}

/// A state showing three cached tickets, and the load's request.
fn from_the_cache() -> (State, u64) {
    let mut s = state();
    let request = search_request(&s.start());
    let cached = deskterm::store::Cached {
        tickets: vec![ticket(1, 90), ticket(2, 30), ticket(3, 10)],
        directory: None,
        saved: Some(common::now()),
        total: 3,
        taken: Default::default(),
    };
    update(
        &mut s,
        Msg::Desk(DeskReply::Cached(Ok(Box::new(cached)))),
        common::now(),
    );
    (s, request)
}

#[test]
fn a_page_of_the_wrong_shape_keeps_what_was_held_and_cached() {
    let (mut s, request) = from_the_cache();
    update(
        &mut s,
        page_reply(request, vec![ticket(3, 10), ticket(4, 60)], true),
        common::now(),
    );
    let wrong = DeskError::Protocol(
        "RT sent a ticket search without a list of items (a login page or a proxy answering?): \
         an object with keys redirect"
            .into(),
    );
    let effects = update(
        &mut s,
        Msg::Desk(DeskReply::Page {
            request,
            page: PageRequest::first(100).next(),
            result: Err(wrong),
        }),
        common::now(),
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(visible_ids(&s), ["3", "2", "4", "1"], "nothing dropped");
    assert_eq!(
        s.held.tickets.unconfirmed().len(),
        2,
        "1 and 2 still to confirm"
    );
    assert!(matches!(s.connection, Connection::Offline(_)));
    let flash = s.flash.clone().unwrap();
    assert!(
        flash.error && flash.text.contains("made no sense"),
        "{flash:?}"
    );
}

#[test]
fn a_ticket_read_in_the_wrong_shape_shows_the_cached_copy() {
    let wrong = DeskError::Protocol("RT sent ticket 2 without its id".into());
    // What the worker does with it: a transient error shows the cached copy.
    assert!(wrong.is_transient());
    let mut s = loaded();
    let effects = update(&mut s, key(KeyCode::Enter), common::now());
    let request = common::load_ticket_request(&effects);
    let copy = TicketDetail {
        summary: ticket(2, -30),
        entries: Vec::new(),
        custom_fields: Vec::new(),
    };
    update(
        &mut s,
        Msg::Desk(DeskReply::Ticket {
            request,
            result: Ok(Box::new(copy)),
            cached: Some(wrong.to_string()),
        }),
        common::now(),
    );
    let view = s.screen.ticket().unwrap();
    assert!(view.detail.is_some() && view.cached.is_some());
    assert!(s.flash.clone().unwrap().text.contains("cached copy"));
}

#[test]
fn pages_that_never_end_are_followed_to_the_bound_and_the_cache_is_kept() {
    let (mut s, request) = from_the_cache();
    // The desk keeps saying there is more, with the same ticket each time.
    let page = |items| {
        Msg::Desk(DeskReply::Page {
            request,
            page: PageRequest::first(100),
            result: Ok(Page {
                items,
                total: Some(1_000_000),
                more: true,
            }),
        })
    };
    let effects = update(&mut s, page(vec![ticket(3, 10)]), common::now());
    assert!(
        matches!(&effects[..], [Effect::Search { .. }]),
        "{effects:?}"
    );
    let effects = update(&mut s, page(vec![ticket(3, 10)]), common::now());
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Search { .. })),
        "no further page: {effects:?}"
    );
    assert_eq!(visible_ids(&s), ["3", "2", "1"], "the cached ones kept");
    assert_eq!(s.held.tickets.unconfirmed().len(), 2);
    let flash = s.flash.clone().unwrap();
    assert!(
        flash.error && flash.text.contains("the list may be incomplete"),
        "{flash:?}"
    );
    assert_eq!(s.connection, Connection::Live);
}

#[test]
fn a_store_failure_is_told_in_a_few_words_and_sqlites_kept_in_messages() {
    use deskterm::store::{StoreError, StoreErrorKind, StoreOperation};
    let mut s = loaded();
    let failed = StoreError {
        operation: StoreOperation::SaveDraft(TicketId("12".into())),
        kind: StoreErrorKind::Full,
        detail: "database or disk is full".into(),
    };
    update(
        &mut s,
        Msg::Desk(DeskReply::Stored(Err(failed))),
        common::now(),
    );
    let flash = s.flash.clone().unwrap();
    assert!(flash.error, "{flash:?}");
    assert_eq!(flash.text, "the draft could not be saved: the disk is full");
    let said = s.messages.newest_first().next().unwrap();
    assert_eq!(
        said.detail.as_deref(),
        Some("keeping the draft for #12: database or disk is full")
    );
}

#[test]
fn a_refused_sign_in_keeps_the_desks_error_by_kind() {
    let mut s = loaded();
    let refused =
        DeskError::Auth.explained("the desk refused the token; nothing was stored".into());
    let failed = deskterm::state::SignInError::new(&refused);
    assert_eq!(failed.desk, Some(DeskError::Auth));
    update(&mut s, Msg::SignedIn(Err(failed)), common::now());
    let flash = s.flash.clone().unwrap();
    assert_eq!(
        flash.text,
        "not signed in: the desk refused the token; nothing was stored"
    );
    let said = s.messages.newest_first().next().unwrap();
    assert_eq!(said.detail, Some(DeskError::Auth.to_string()));
    // Not the desk's fault: nothing beside the words.
    let failed = deskterm::state::SignInError::new(&anyhow::anyhow!("no token given"));
    assert_eq!(failed.desk, None);
}

/// `w` opens the ticket's web page where there is a display, and copies
/// its link where there is none; a desk without pages says so.
#[test]
fn the_web_page_opens_with_a_display_and_is_copied_without() {
    for display in [true, false] {
        let mut settings = common::settings("dark");
        settings.display = display;
        settings.web_page = Some("https://rt.example.org/Ticket/Display.html?id={id}".into());
        let mut s = State::new(settings, common::now(), Area::new(0, 0, 80, 24));
        let request = search_request(&s.start());
        update(
            &mut s,
            page_reply(request, vec![ticket(7, 90)], false),
            common::now(),
        );
        let effects = update(&mut s, key(KeyCode::Char('w')), common::now());
        let link = "https://rt.example.org/Ticket/Display.html?id=7".to_string();
        let expected = match display {
            true => Effect::OpenLink { url: link },
            false => Effect::Clipboard { text: link },
        };
        assert!(
            effects
                .iter()
                .any(|e| format!("{e:?}") == format!("{expected:?}")),
            "{effects:?}"
        );
    }
    let mut s = loaded();
    let effects = update(&mut s, key(KeyCode::Char('w')), common::now());
    assert!(effects.is_empty());
    let said = s.flash.clone().map(|f| f.text).unwrap_or_default();
    assert!(said.contains("no web page"), "{said}");
}
