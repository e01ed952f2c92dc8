//! The conformance suite: what every desk must do, written once against the
//! `Desk` trait. `conformance_demo.rs` runs it on the demo desk (in
//! `cargo test`); `live_rt.rs` runs it on a live Request Tracker (in
//! `.ci/run`). Each check writes only to its own ticket, so the checks can
//! share one server.
#![allow(dead_code, clippy::unwrap_used)]

use std::any::Any;
use std::collections::HashSet;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use deskterm::desk::*;

pub struct Fixture {
    pub desk: Arc<dyn Desk>,
    /// Active tickets the checks may change, one slot each.
    pub tickets: Vec<TicketId>,
    /// Whatever must live as long as the desk (temp dirs).
    pub _keep: Box<dyn Any + Send>,
}

impl Fixture {
    fn ticket(&self, slot: usize) -> TicketId {
        self.tickets[slot].clone()
    }

    async fn summary(&self, id: &TicketId) -> TicketSummary {
        self.desk.ticket(id).await.unwrap().summary
    }

    async fn apply(&self, id: &TicketId, change: Change) -> Applied {
        let version = self.summary(id).await.version;
        match self.desk.apply(id, &version, &change).await {
            Ok(applied) => applied,
            Err(e) => panic!("{change:?} on {}: {e}", id.0),
        }
    }
}

/// Defines one test per check, each with a fresh fixture, with the given
/// attributes (e.g. `#[ignore]` for live servers).
#[macro_export]
macro_rules! conformance_tests {
    ([$($attr:tt)*] $fixture:path;) => {};
    ([$($attr:tt)*] $fixture:path; $name:ident $(, $rest:ident)*) => {
        $($attr)*
        #[tokio::test]
        async fn $name() {
            let fixture = $fixture().await;
            conformance::$name(&fixture).await;
        }
        conformance_tests!([$($attr)*] $fixture; $($rest),*);
    };
    ([$($attr:tt)*] $fixture:path) => {
        conformance_tests!([$($attr)*] $fixture;
            me_queues_and_agents,
            search_pages_without_gaps_or_repeats,
            search_filters_on_the_desk,
            open_a_ticket_with_its_conversation,
            reply_shows_in_the_conversation,
            note_is_internal,
            reply_with_a_status_change,
            take_assign_and_unassign,
            status_and_priority,
            move_to_another_queue,
            a_stale_version_is_a_conflict,
            changed_since_sees_a_change,
            a_sequence_of_writes_each_on_the_last_version,
            unknown_tickets_are_not_found,
            a_logged_ticket_reads_back_as_the_caller_asked,
            time_worked_adds_up,
            someone_is_copied_and_then_not,
            merged_tickets_read_as_one,
            linked_tickets_show_their_links,
            attached_files_come_back_byte_for_byte,
            fields_take_their_allowed_values_only,
            a_requesters_tickets_are_found_in_every_status,
            a_search_by_priority_finds_only_that_priority,
            tags_go_on_and_come_off,
            the_query_language_finds_resolved_tickets_by_word_time_and_field
        );
    };
}

/// Slots: each check that writes uses its own ticket.
const REPLY: usize = 0;
const NOTE: usize = 1;
const REPLY_STATUS: usize = 2;
const ASSIGN: usize = 3;
const STATUS: usize = 4;
const MOVE: usize = 5;
const CONFLICT: usize = 6;
const CHANGED: usize = 7;
const SEQUENCE: usize = 8;
pub const SLOTS: usize = 9;

fn nonce(what: &str) -> String {
    format!("{what} {}", Timestamp::now().as_nanosecond())
}

pub async fn me_queues_and_agents(f: &Fixture) {
    let me = f.desk.me().await.unwrap();
    assert!(!me.name.is_empty());
    let queues = f.desk.queues().await.unwrap();
    assert!(queues.len() >= 2, "{queues:?}");
    let agents = f.desk.agents().await.unwrap();
    assert!(agents.iter().any(|a| a.id == me.id), "me among the agents");
    assert!(agents.len() >= 2, "another agent to assign to");
}

pub async fn search_pages_without_gaps_or_repeats(f: &Fixture) {
    let query = Query::active();
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    let mut page = PageRequest::first(5);
    let first = f.desk.search(&query, page).await.unwrap();
    let total = first.total;
    let mut found = first;
    loop {
        assert!(found.items.len() <= 5);
        for t in &found.items {
            assert!(t.status.kind.is_active(), "{:?} is not active", t.status);
            assert!(seen.insert(t.id.clone()), "{} twice", t.id.0);
            order.push(t.id.0.parse::<i64>().unwrap());
        }
        if !found.more {
            break;
        }
        page = page.next();
        found = f.desk.search(&query, page).await.unwrap();
    }
    assert!(seen.len() > 5, "more than one page");
    // Newest first, so a listing by id can stop after its first page.
    assert!(order.windows(2).all(|w| w[0] > w[1]), "{order:?}");
    if let Some(total) = total {
        assert_eq!(total as usize, seen.len());
    }
    // A page past the end is empty, not an error.
    let past = f
        .desk
        .search(
            &query,
            PageRequest {
                page: 1000,
                per_page: 5,
            },
        )
        .await
        .unwrap();
    assert!(past.items.is_empty() && !past.more);
}

pub async fn search_filters_on_the_desk(f: &Fixture) {
    let me = f.desk.me().await.unwrap();
    let id = f.ticket(ASSIGN);
    let subject = f.summary(&id).await.subject.to_string();
    let word = subject
        .split_whitespace()
        .max_by_key(|w| w.len())
        .unwrap()
        .to_lowercase();
    let query = Query {
        text: word.clone(),
        ..Query::default()
    };
    let found = f
        .desk
        .search(&query, PageRequest::first(100))
        .await
        .unwrap();
    assert!(
        found.items.iter().any(|t| t.id == id),
        "{word:?} finds {}",
        id.0
    );
    for t in &found.items {
        assert!(
            query.matches(t, Some(&me.id)),
            "{:?} does not match {word:?}",
            t.subject
        );
    }
    let queue = f.summary(&id).await.queue.id;
    let in_queue = Query {
        queue: Some(queue.clone()),
        ..Query::active()
    };
    let found = f
        .desk
        .search(&in_queue, PageRequest::first(100))
        .await
        .unwrap();
    assert!(!found.items.is_empty());
    assert!(found.items.iter().all(|t| t.queue.id == queue));
}

pub async fn open_a_ticket_with_its_conversation(f: &Fixture) {
    let id = f.ticket(REPLY);
    let detail = f.desk.ticket(&id).await.unwrap();
    assert_eq!(detail.summary.id, id);
    let first = detail.entries.first().expect("a first message");
    assert_eq!(first.kind, EntryKind::Reply);
    assert!(!first.by_agent, "the opening message is the requester's");
    assert!(!first.body.is_empty());
    assert!(
        detail.entries.windows(2).all(|w| w[0].at <= w[1].at),
        "in time order"
    );
    // Opening it again is the same ticket.
    assert_eq!(f.desk.ticket(&id).await.unwrap().summary, detail.summary);
}

pub async fn reply_shows_in_the_conversation(f: &Fixture) {
    let id = f.ticket(REPLY);
    let text = nonce("A public reply from the conformance suite");
    let applied = f
        .apply(
            &id,
            Change::Reply {
                body: text.clone(),
                then: None,
                files: Vec::new(),
            },
        )
        .await;
    assert_eq!(applied.summary.id, id);
    let detail = f.desk.ticket(&id).await.unwrap();
    let entry = detail
        .entries
        .iter()
        .find(|e| e.body.contains(&text))
        .expect("the reply");
    assert_eq!(entry.kind, EntryKind::Reply);
    assert!(entry.by_agent);
    assert!(detail.summary.first_response_at.is_some());
}

pub async fn note_is_internal(f: &Fixture) {
    let id = f.ticket(NOTE);
    let text = nonce("An internal note");
    f.apply(
        &id,
        Change::Note {
            body: text.clone(),
            then: None,
            files: Vec::new(),
        },
    )
    .await;
    let detail = f.desk.ticket(&id).await.unwrap();
    let entry = detail
        .entries
        .iter()
        .find(|e| e.body.contains(&text))
        .unwrap();
    assert_eq!(entry.kind, EntryKind::Note);
}

pub async fn reply_with_a_status_change(f: &Fixture) {
    let id = f.ticket(REPLY_STATUS);
    let applied = f
        .apply(
            &id,
            Change::Reply {
                body: nonce("Waiting on you"),
                then: Some(StatusKind::Pending),
                files: Vec::new(),
            },
        )
        .await;
    assert_eq!(applied.summary.status.kind, StatusKind::Pending);
    let applied = f
        .apply(
            &id,
            Change::Note {
                body: nonce("Back to work"),
                then: Some(StatusKind::Open),
                files: Vec::new(),
            },
        )
        .await;
    assert_eq!(applied.summary.status.kind, StatusKind::Open);
}

pub async fn take_assign_and_unassign(f: &Fixture) {
    let id = f.ticket(ASSIGN);
    let me = f.desk.me().await.unwrap();
    let applied = f.apply(&id, Change::Assign(Assignee::Me)).await;
    assert_eq!(applied.summary.owner.map(|o| o.id), Some(me.id.clone()));
    let mine = Query {
        owner: OwnerFilter::Me,
        ..Query::default()
    };
    let found = f.desk.search(&mine, PageRequest::first(100)).await.unwrap();
    assert!(found.items.iter().any(|t| t.id == id), "in my tickets");

    let other = f
        .desk
        .agents()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id != me.id)
        .unwrap();
    let applied = f
        .apply(&id, Change::Assign(Assignee::Agent(other.id.clone())))
        .await;
    assert_eq!(applied.summary.owner.map(|o| o.id), Some(other.id));
    let applied = f.apply(&id, Change::Assign(Assignee::Nobody)).await;
    assert_eq!(applied.summary.owner, None);
    // Assigning to someone who does not exist is refused, not ignored.
    let version = f.summary(&id).await.version;
    let ghost = Change::Assign(Assignee::Agent(AgentId("no-such-agent-9f3".into())));
    let refused = f.desk.apply(&id, &version, &ghost).await;
    assert!(
        matches!(refused, Err(DeskError::NotFound | DeskError::Rejected(_))),
        "{refused:?}"
    );
}

pub async fn status_and_priority(f: &Fixture) {
    let id = f.ticket(STATUS);
    for (status, priority) in [
        (StatusKind::Open, PriorityLevel::High),
        (StatusKind::Pending, PriorityLevel::Low),
        (StatusKind::Resolved, PriorityLevel::Urgent),
        (StatusKind::Open, PriorityLevel::Normal),
    ] {
        let applied = f.apply(&id, Change::SetStatus(status)).await;
        assert_eq!(applied.summary.status.kind, status);
        let applied = f.apply(&id, Change::SetPriority(priority)).await;
        assert_eq!(applied.summary.priority.level, priority);
    }
}

pub async fn move_to_another_queue(f: &Fixture) {
    let id = f.ticket(MOVE);
    let from = f.summary(&id).await.queue.id;
    let queues = f.desk.queues().await.unwrap();
    let to = queues.iter().find(|q| q.id != from).unwrap();
    let applied = f.apply(&id, Change::MoveTo(to.id.clone())).await;
    assert_eq!(applied.summary.queue.id, to.id);
    assert_eq!(applied.summary.queue.name, to.name);
    let back = f.apply(&id, Change::MoveTo(from.clone())).await;
    assert_eq!(back.summary.queue.id, from);
}

pub async fn a_stale_version_is_a_conflict(f: &Fixture) {
    let id = f.ticket(CONFLICT);
    let before = f.summary(&id).await;
    let seen = before.version;
    let other = if before.priority.level == PriorityLevel::Urgent {
        PriorityLevel::Low
    } else {
        PriorityLevel::Urgent
    };
    // Someone else changes the ticket...
    let newer = f
        .apply(
            &id,
            Change::Note {
                body: nonce("someone else"),
                then: None,
                files: Vec::new(),
            },
        )
        .await
        .version;
    assert_ne!(newer, seen);
    // ...so a write based on what we saw must not go through.
    let stale = f.desk.apply(&id, &seen, &Change::SetPriority(other)).await;
    assert!(
        matches!(stale, Err(DeskError::Conflict { .. })),
        "{stale:?}"
    );
    let detail = f.desk.ticket(&id).await.unwrap();
    assert_eq!(
        detail.summary.priority, before.priority,
        "nothing overwritten"
    );
}

pub async fn changed_since_sees_a_change(f: &Fixture) {
    let id = f.ticket(CHANGED);
    let before = f.summary(&id).await.updated;
    let applied = f
        .apply(
            &id,
            Change::Note {
                body: nonce("a change"),
                then: None,
                files: Vec::new(),
            },
        )
        .await;
    let since = applied.summary.updated;
    assert!(since >= before);
    let changed = f
        .desk
        .changed_since(&Query::default(), since)
        .await
        .unwrap();
    assert!(changed.iter().any(|t| t.id == id), "the change is seen");
    let slack = SignedDuration::from_secs(10);
    assert!(
        changed.iter().all(|t| t.updated + slack >= since),
        "only what changed"
    );
}

/// What a macro or a compose pane with actions does: several writes in a
/// row, each based on the version the one before left.
pub async fn a_sequence_of_writes_each_on_the_last_version(f: &Fixture) {
    let id = f.ticket(SEQUENCE);
    let start = f.summary(&id).await;
    let other = f
        .desk
        .queues()
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.id != start.queue.id)
        .unwrap();
    let mut version = start.version.clone();
    let changes = [
        Change::Reply {
            body: nonce("Taking this"),
            then: Some(StatusKind::Open),
            files: Vec::new(),
        },
        Change::Assign(Assignee::Me),
        Change::SetPriority(PriorityLevel::High),
        Change::MoveTo(other.id.clone()),
        Change::MoveTo(start.queue.id.clone()),
    ];
    for change in &changes {
        let applied = f.desk.apply(&id, &version, change).await;
        match applied {
            Ok(applied) => version = applied.version,
            Err(e) => panic!("{change:?} on the version the last write left: {e}"),
        }
    }
    let now = f.summary(&id).await;
    assert_eq!(now.version, version);
    assert_eq!(now.priority.level, PriorityLevel::High);
    assert_eq!(now.status.kind, StatusKind::Open);
    assert_eq!(now.queue.id, start.queue.id);
}

pub async fn unknown_tickets_are_not_found(f: &Fixture) {
    let missing = TicketId("987654".into());
    assert_eq!(
        f.desk.ticket(&missing).await.err(),
        Some(DeskError::NotFound)
    );
    let write = f
        .desk
        .apply(
            &missing,
            &Version(Default::default()),
            &Change::SetPriority(PriorityLevel::Low),
        )
        .await;
    assert_eq!(write.err(), Some(DeskError::NotFound));
}

/// A ticket an agent logs for a caller reads back as asked (subject, queue,
/// requester, priority, nobody's), and the opening message is the caller's
/// words, not an agent's: its first response is still to come.
pub async fn a_logged_ticket_reads_back_as_the_caller_asked(f: &Fixture) {
    if !f.desk.capabilities().create {
        return;
    }
    // A queue the agent works in: the one of a ticket the checks use.
    let queue = f.summary(&f.ticket(REPLY)).await.queue.id;
    let subject = nonce("Called about bus 9");
    let email = format!("caller.{}@example.org", Timestamp::now().as_nanosecond());
    let asked = NewTicket {
        queue: queue.clone(),
        subject: subject.clone(),
        requester_email: email.clone(),
        requester_name: "Dana Caller".into(),
        channel: Channel::Phone,
        priority: PriorityLevel::High,
        owner: Assignee::Nobody,
        body: "Bus 9 did not come to Elm Street this morning.".into(),
    };
    let made = f.desk.create(&asked).await.unwrap();
    // When it was sent, by a clock in step with the desk's (the demo's is
    // pinned).
    let sent_at = made.created;
    assert_eq!(made.subject.as_str(), subject);
    assert_eq!(made.queue.id, queue);
    assert_eq!(made.requester.email.as_str(), email);
    assert_eq!(made.priority.level, PriorityLevel::High);
    assert!(made.owner.is_none(), "{:?}", made.owner);
    assert!(made.status.kind.is_active());
    assert!(made.first_response_at.is_none());
    let detail = f.desk.ticket(&made.id).await.unwrap();
    let opening = detail
        .entries
        .iter()
        .find(|e| e.kind == EntryKind::Reply)
        .expect("the opening message");
    assert!(!opening.by_agent, "the caller's words: {opening:?}");
    assert!(opening.body.contains("Bus 9 did not come"), "{opening:?}");
    // Found by a search too, as the queue would show it.
    let found = f
        .desk
        .search(&Query::active(), PageRequest::first(100))
        .await
        .unwrap();
    assert!(found.items.iter().any(|t| t.id == made.id), "listed");
    // Its answer lost, it is found before it would be sent again; another
    // intake is not taken for it.
    let again = find_created(f.desk.as_ref(), &asked, sent_at)
        .await
        .unwrap();
    assert_eq!(again.map(|t| t.id), Some(made.id));
    let other = NewTicket {
        subject: nonce("Another call"),
        ..asked
    };
    assert!(
        find_created(f.desk.as_ref(), &other, sent_at)
            .await
            .unwrap()
            .is_none()
    );
}

/// A new ticket for one check alone, in a queue the agent works in (the
/// slots' tickets are shared by checks that run at once).
async fn own_ticket(f: &Fixture, subject: &str) -> TicketSummary {
    let queue = f.summary(&f.ticket(REPLY)).await.queue.id;
    f.desk
        .create(&NewTicket {
            queue,
            subject: nonce(subject),
            requester_email: "own.ticket@example.org".into(),
            requester_name: String::new(),
            channel: Channel::Phone,
            priority: PriorityLevel::Normal,
            owner: Assignee::Nobody,
            body: format!("{subject}, for one check."),
        })
        .await
        .unwrap()
}

/// Files sent with a reply and a note are listed under their entries with
/// their name, type and size, and saving one gives back the bytes sent.
pub async fn attached_files_come_back_byte_for_byte(f: &Fixture) {
    let can = f.desk.capabilities();
    if can.uploads.limit.is_none() || !can.attachments || !can.create {
        return;
    }
    let made = own_ticket(f, "Photo of the broken Chromebook").await;
    // Every byte value, and a text whose UTF-8 must survive as it is.
    let binary: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let text = "Grüße — the log says: ERR 42\n".repeat(20).into_bytes();
    let file = |name: &str, mime: &str, bytes: &[u8]| Upload {
        name: name.into(),
        mime: mime.into(),
        bytes: bytes.to_vec(),
    };
    f.apply(
        &made.id,
        Change::Reply {
            body: "Here is the form to fill in.".into(),
            then: None,
            files: vec![file("form.pdf", "application/pdf", &binary)],
        },
    )
    .await;
    f.apply(
        &made.id,
        Change::Note {
            body: "The device log.".into(),
            then: None,
            files: vec![file("device log.txt", "text/plain", &text)],
        },
    )
    .await;
    let detail = f.desk.ticket(&made.id).await.unwrap();
    for (kind, name, mime, sent) in [
        (EntryKind::Reply, "form.pdf", "application/pdf", &binary),
        (EntryKind::Note, "device log.txt", "text/plain", &text),
    ] {
        let entry = detail
            .entries
            .iter()
            .find(|e| e.kind == kind && e.attachments.iter().any(|a| a.name.as_str() == name))
            .unwrap_or_else(|| panic!("no {kind:?} with {name}: {:?}", detail.entries));
        let listed = entry
            .attachments
            .iter()
            .find(|a| a.name.as_str() == name)
            .unwrap();
        assert_eq!(listed.size, sent.len() as u64, "{listed:?}");
        assert!(listed.mime.as_str().starts_with(mime), "{listed:?}");
        let id = listed.id.as_deref().expect("an attachment's id");
        let saved = f.desk.attachment(id).await.unwrap();
        assert!(
            saved == *sent,
            "{name}: {} bytes back, {} sent",
            saved.len(),
            sent.len()
        );
    }
}

/// A list field takes one of its values (in any case, stored as the desk
/// spells it) and refuses others by name; a free field takes any text; an
/// unknown field is named. Each reads back on the ticket.
pub async fn fields_take_their_allowed_values_only(f: &Fixture) {
    let can = f.desk.capabilities();
    if !can.fields || !can.create {
        return;
    }
    let made = own_ticket(f, "A field or two").await;
    let specs = f.desk.fields(&made.id).await.unwrap();
    let list = specs
        .iter()
        .find(|s| !s.values.is_empty())
        .expect("a field with a list of values");
    let free = specs
        .iter()
        .find(|s| s.values.is_empty())
        .expect("a free-text field");
    let pick = list.values.last().unwrap().clone();
    f.apply(
        &made.id,
        Change::SetField {
            name: list.name.to_uppercase(),
            value: Some(pick.to_lowercase()),
        },
    )
    .await;
    f.apply(
        &made.id,
        Change::SetField {
            name: free.name.clone(),
            value: Some("E-20417".into()),
        },
    )
    .await;
    let detail = f.desk.ticket(&made.id).await.unwrap();
    assert_eq!(field_value(&detail, &list.name), Some(pick.as_str()));
    assert_eq!(field_value(&detail, &free.name), Some("E-20417"));

    let version = f.summary(&made.id).await.version;
    let wrong = Change::SetField {
        name: list.name.clone(),
        value: Some("Hogwarts".into()),
    };
    match f.desk.apply(&made.id, &version, &wrong).await {
        Err(DeskError::Rejected(why)) => assert!(why.contains("Hogwarts"), "{why}"),
        other => panic!("a value not on the list: {other:?}"),
    }
    let unknown = Change::SetField {
        name: "Shoe size".into(),
        value: Some("9".into()),
    };
    match f.desk.apply(&made.id, &version, &unknown).await {
        Err(DeskError::Rejected(why)) => assert!(why.contains("Shoe size"), "{why}"),
        other => panic!("an unknown field: {other:?}"),
    }
    let detail = f.desk.ticket(&made.id).await.unwrap();
    assert_eq!(
        field_value(&detail, &list.name),
        Some(pick.as_str()),
        "unchanged"
    );
}

/// A search for one requester finds their tickets whatever their status,
/// and no one else's.
pub async fn a_requesters_tickets_are_found_in_every_status(f: &Fixture) {
    if !f.desk.capabilities().create {
        return;
    }
    let email = format!("history.{}@example.org", std::process::id());
    let mut made = Vec::new();
    for subject in ["Bus pass lost", "Bus pass found"] {
        let queue = f.summary(&f.ticket(REPLY)).await.queue.id;
        made.push(
            f.desk
                .create(&NewTicket {
                    queue,
                    subject: nonce(subject),
                    requester_email: email.clone(),
                    requester_name: String::new(),
                    channel: Channel::Phone,
                    priority: PriorityLevel::Normal,
                    owner: Assignee::Nobody,
                    body: format!("{subject}."),
                })
                .await
                .unwrap(),
        );
    }
    f.apply(&made[1].id, Change::SetStatus(StatusKind::Resolved))
        .await;
    let query = Query {
        requester: Some(email.to_uppercase()),
        ..Query::default()
    };
    let found = f
        .desk
        .search(&query, PageRequest::first(100))
        .await
        .unwrap();
    let mut ids: Vec<&TicketId> = found.items.iter().map(|t| &t.id).collect();
    ids.sort();
    let mut want: Vec<&TicketId> = made.iter().map(|t| &t.id).collect();
    want.sort();
    assert_eq!(ids, want, "{:?}", found.items);
}

/// A search for one priority: the desk's own where it can, checked here
/// where it cannot; either way only that priority, and the one just set.
pub async fn a_search_by_priority_finds_only_that_priority(f: &Fixture) {
    if !f.desk.capabilities().create {
        return;
    }
    let made = own_ticket(f, "Urgent: gas smell in the kitchen").await;
    f.apply(&made.id, Change::SetPriority(PriorityLevel::Urgent))
        .await;
    let query = Query {
        priorities: vec![PriorityLevel::Urgent],
        ..Query::active()
    };
    let found = f
        .desk
        .search(&query, PageRequest::first(100))
        .await
        .unwrap();
    let kept: Vec<&TicketSummary> = found.items.iter().filter(|t| query.refines(t)).collect();
    assert!(kept.iter().any(|t| t.id == made.id), "{:?}", found.items);
    if f.desk.capabilities().server_search {
        assert_eq!(
            kept.len(),
            found.items.len(),
            "the desk's own search refines"
        );
    }
}

/// A tag goes on and comes off, shown on the ticket's summary.
pub async fn tags_go_on_and_come_off(f: &Fixture) {
    let can = f.desk.capabilities();
    if !can.tags || !can.create {
        return;
    }
    let made = own_ticket(f, "Tag me").await;
    let tags = |t: &TicketSummary| t.tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    let on = f.apply(&made.id, Change::Tag("late-bus".into())).await;
    assert!(
        tags(&on.summary).contains(&"late-bus".to_string()),
        "{:?}",
        on.summary.tags
    );
    let read = f.summary(&made.id).await;
    assert!(tags(&read).contains(&"late-bus".to_string()));
    let off = f.apply(&made.id, Change::Untag("late-bus".into())).await;
    assert!(!tags(&off.summary).contains(&"late-bus".to_string()));
}

/// Minutes worked add up on the ticket, shown with its fields ("Time
/// worked"), on a ticket of its own.
pub async fn time_worked_adds_up(f: &Fixture) {
    let can = f.desk.capabilities();
    if !can.time || !can.create {
        return;
    }
    let made = own_ticket(f, "Time on a ticket").await;
    f.apply(&made.id, Change::LogTime(15)).await;
    f.apply(&made.id, Change::LogTime(75)).await;
    let detail = f.desk.ticket(&made.id).await.unwrap();
    let worked = detail
        .custom_fields
        .iter()
        .find(|(name, _)| name.as_str() == "Time worked")
        .map(|(_, value)| value.to_string());
    assert_eq!(
        worked.as_deref(),
        Some("1h30m"),
        "{:?}",
        detail.custom_fields
    );
    // Logging time says nothing in the conversation.
    assert_eq!(
        detail
            .entries
            .iter()
            .filter(|e| e.kind != EntryKind::Event)
            .count(),
        1,
        "{:?}",
        detail.entries
    );
}

/// Someone copied on a ticket shows on its Cc, and is gone again once
/// removed; a write whose answer was lost is found either way.
pub async fn someone_is_copied_and_then_not(f: &Fixture) {
    let can = f.desk.capabilities();
    if !can.cc || !can.create {
        return;
    }
    let made = own_ticket(f, "Copy the principal").await;
    let cc = |d: &TicketDetail| {
        d.custom_fields
            .iter()
            .find(|(n, _)| n.as_str() == "Cc")
            .map(|(_, v)| v.to_string())
    };
    let add = Change::AddCc("principal@example.org".into());
    f.apply(&made.id, add.clone()).await;
    f.apply(&made.id, Change::AddCc("nurse@example.org".into()))
        .await;
    let detail = f.desk.ticket(&made.id).await.unwrap();
    assert_eq!(
        cc(&detail).as_deref(),
        Some("principal@example.org, nurse@example.org")
    );
    assert!(found_on(&detail, &add, made.created, None));
    let remove = Change::RemoveCc("principal@example.org".into());
    f.apply(&made.id, remove.clone()).await;
    let detail = f.desk.ticket(&made.id).await.unwrap();
    assert_eq!(cc(&detail).as_deref(), Some("nurse@example.org"));
    assert!(found_on(&detail, &remove, made.created, None));
}

/// Two calls about one thing, merged: the second's words join the first's
/// conversation, the second reads as the first (so a merge whose answer was
/// lost is found), and it is no longer listed on its own.
pub async fn merged_tickets_read_as_one(f: &Fixture) {
    let can = f.desk.capabilities();
    if !can.merge || !can.create {
        return;
    }
    let first = own_ticket(f, "Bus 9 late, first call").await;
    let second = own_ticket(f, "Bus 9 late, second call").await;
    let merge = Change::MergeInto(first.id.clone());
    let applied = f.apply(&second.id, merge.clone()).await;
    assert_eq!(
        applied.summary.id, first.id,
        "the write answers the merged ticket"
    );
    let detail = f.desk.ticket(&first.id).await.unwrap();
    let bodies: Vec<&str> = detail.entries.iter().map(|e| e.body.as_str()).collect();
    assert!(
        bodies.iter().any(|b| b.contains("first call"))
            && bodies.iter().any(|b| b.contains("second call")),
        "{bodies:?}"
    );
    let merged = f.desk.ticket(&second.id).await.unwrap();
    assert_eq!(merged.summary.id, first.id);
    assert!(found_on(&merged, &merge, second.created, None));
    let listed = f
        .desk
        .search(&Query::active(), PageRequest::first(100))
        .await
        .unwrap();
    assert!(
        !listed.items.iter().any(|t| t.id == second.id),
        "not its own"
    );
}

/// A ticket linked to another as related and to a parent shows both links
/// with its fields; a link whose answer was lost is found.
pub async fn linked_tickets_show_their_links(f: &Fixture) {
    let can = f.desk.capabilities();
    if !can.links || !can.create {
        return;
    }
    let parent = own_ticket(f, "Heating out in the east wing").await;
    let related = own_ticket(f, "Room 12 is cold").await;
    let child = own_ticket(f, "Room 14 is cold").await;
    let to_parent = Change::Link(LinkKind::Parent, parent.id.clone());
    f.apply(&child.id, to_parent.clone()).await;
    f.apply(
        &child.id,
        Change::Link(LinkKind::Related, related.id.clone()),
    )
    .await;
    let detail = f.desk.ticket(&child.id).await.unwrap();
    let links = detail
        .custom_fields
        .iter()
        .find(|(n, _)| n.as_str() == "Links")
        .map(|(_, v)| v.to_string())
        .unwrap_or_default();
    assert!(
        links.contains(&format!("parent #{}", parent.id.0)),
        "{links}"
    );
    assert!(
        links.contains(&format!("refers to #{}", related.id.0)),
        "{links}"
    );
    assert!(found_on(&detail, &to_parent, child.created, None));
    assert!(detail.summary.linked);
    // A listing marks the linked tickets (both ends), and only them.
    let listed = f
        .desk
        .search(&Query::active(), PageRequest::first(100))
        .await
        .unwrap();
    let linked = |id: &TicketId| listed.items.iter().find(|t| t.id == *id).map(|t| t.linked);
    assert_eq!(linked(&child.id), Some(true), "the child");
    assert_eq!(linked(&parent.id), Some(true), "the parent");
    let lone = own_ticket(f, "Nothing to do with the heating").await;
    let listed = f
        .desk
        .search(&Query::active(), PageRequest::first(100))
        .await
        .unwrap();
    let lone = listed.items.iter().find(|t| t.id == lone.id).unwrap();
    assert!(!lone.linked, "{lone:?}");
}

/// The query language finds, through the desk, what it says: resolved
/// tickets by a word, every status by creation and update time, and a
/// custom field's value; the same answer the console's tab and `ls` show.
pub async fn the_query_language_finds_resolved_tickets_by_word_time_and_field(f: &Fixture) {
    if !f.desk.capabilities().create {
        return;
    }
    use deskterm::desk::query::text;
    let word = format!("qz{}", Timestamp::now().as_nanosecond() % 1_000_000_000);
    let mut made = Vec::new();
    for what in ["Gym lights flicker", "Stage lights out", "Hall lights buzz"] {
        made.push(own_ticket(f, &format!("{what} {word}")).await);
    }
    for t in &made[..2] {
        f.apply(&t.id, Change::SetStatus(StatusKind::Resolved))
            .await;
    }
    let queues = f.desk.queues().await.unwrap();
    let agents = f.desk.agents().await.unwrap();
    // Ages are measured from the desk's clock (the demo's may be pinned).
    let now = made.iter().map(|t| t.created).max().unwrap() + SignedDuration::from_mins(1);
    let find = |query: String| {
        let desk = f.desk.clone();
        let (queues, agents) = (queues.clone(), agents.clone());
        async move {
            let query = text::parse(&query)
                .unwrap()
                .resolve(&text::Context {
                    queues: &queues,
                    agents: &agents,
                    now,
                    time_zone: &jiff::tz::TimeZone::UTC,
                })
                .unwrap();
            let (found, stopped) = paging::find(desk, query, 50, 500).await.unwrap();
            assert_eq!(stopped, None);
            let mut ids: Vec<String> = found.into_iter().map(|t| t.id.0.to_string()).collect();
            ids.sort();
            ids
        }
    };
    let ids = |tickets: &[TicketSummary]| {
        let mut ids: Vec<String> = tickets.iter().map(|t| t.id.0.to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(
        find(format!("status:resolved {word}")).await,
        ids(&made[..2])
    );
    assert_eq!(
        find(word.clone()).await,
        ids(&made[2..]),
        "active by default"
    );
    assert_eq!(
        find(format!("status:any {word} created:<1h")).await,
        ids(&made)
    );
    assert!(
        find(format!("status:any {word} updated:>1d"))
            .await
            .is_empty()
    );
    assert!(
        find(format!("status:any {word} created:<2026-01-01"))
            .await
            .is_empty()
    );

    if f.desk.capabilities().fields {
        let specs = f.desk.fields(&made[0].id).await.unwrap();
        let list = specs
            .iter()
            .find(|s| !s.values.is_empty())
            .expect("a field with a list of values");
        let value = list.values[0].clone();
        f.apply(
            &made[0].id,
            Change::SetField {
                name: list.name.clone(),
                value: Some(value.clone()),
            },
        )
        .await;
        let term = format!("field:\"{}={}\"", list.name, value);
        assert_eq!(
            find(format!("status:any {word} {term}")).await,
            ids(&made[..1]),
            "{term}"
        );
    }
}
