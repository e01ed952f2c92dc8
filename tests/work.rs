//! Working the queue, through keys, on the seeded demo desk: take, assign,
//! status, priority, macros, bulk, undo, conflicts and drafts. Each result
//! is read back from the desk, not just from the console's state.
#![allow(clippy::unwrap_used)]

mod common;

use deskterm::desk::{Change, Desk, EntryKind, PriorityLevel, StatusKind, TicketId, TicketSummary};
use deskterm::state::Overlay;

async fn on_desk(c: &common::Console, id: &TicketId) -> TicketSummary {
    c.desk.ticket(id).await.unwrap().summary
}

fn row(c: &common::Console, n: usize) -> TicketSummary {
    let state = &c.ui.state;
    state
        .held
        .tickets
        .get(state.queue.visible[n])
        .unwrap()
        .clone()
}

/// The first ticket in the list that `keep` accepts, with the cursor on it.
async fn select(c: &mut common::Console, keep: impl Fn(&TicketSummary) -> bool) -> TicketSummary {
    let n = (0..c.ui.state.queue.visible.len())
        .find(|&n| keep(&row(c, n)))
        .unwrap();
    c.ui.press("g").await;
    for _ in 0..n {
        c.ui.press("j").await;
    }
    row(c, n)
}

#[tokio::test]
async fn t_takes_the_ticket() {
    let mut c = common::console(80, 24).await;
    let t = select(&mut c, |t| t.owner.is_none()).await;
    c.ui.press("t").await;
    let owner = on_desk(&c, &t.id).await.owner.unwrap();
    assert_eq!(owner.name.as_str(), "Sam Okafor");
    assert_eq!(
        c.ui.state.flash.as_ref().unwrap().text,
        format!("take {} ✓", t.key)
    );
}

#[tokio::test]
async fn single_keys_set_status_and_priority() {
    let mut c = common::console(80, 24).await;
    let t = select(&mut c, |t| {
        t.status.kind == StatusKind::Open && t.priority.level == PriorityLevel::Normal
    })
    .await;
    c.ui.press("enter p").await;
    assert_eq!(on_desk(&c, &t.id).await.status.kind, StatusKind::Pending);
    c.ui.press("o + +").await;
    let now = on_desk(&c, &t.id).await;
    assert_eq!(
        (now.status.kind, now.priority.level),
        (StatusKind::Open, PriorityLevel::Urgent)
    );
    c.ui.press("+").await;
    assert!(
        c.ui.state
            .flash
            .as_ref()
            .unwrap()
            .text
            .ends_with("nothing to change"),
        "no higher than urgent"
    );
    c.ui.press("- c").await;
    let now = on_desk(&c, &t.id).await;
    assert_eq!(
        (now.status.kind, now.priority.level),
        (StatusKind::Resolved, PriorityLevel::High)
    );
    // Resolved tickets leave the active list.
    c.ui.press("q").await;
    assert!(c.ui.state.held.tickets.by_id(&t.id).is_none());
}

#[tokio::test]
async fn menus_choose_a_status_or_a_priority_by_typing() {
    let mut c = common::console(80, 24).await;
    let t = row(&c, 0);
    c.ui.press("x").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(Overlay::Picker(_))
    ));
    c.ui.type_text("pend").await;
    c.ui.press("enter").await;
    assert_eq!(on_desk(&c, &t.id).await.status.kind, StatusKind::Pending);
    c.ui.press("P").await;
    c.ui.type_text("low").await;
    c.ui.press("enter").await;
    assert_eq!(on_desk(&c, &t.id).await.priority.level, PriorityLevel::Low);
}

#[tokio::test]
async fn assign_shows_each_agents_load_and_moves_between_departments() {
    let mut c = common::console(100, 30).await;
    let t = row(&c, 0);
    c.ui.press("a").await;
    let screen = c.ui.screen();
    assert!(screen.contains("Priya Raman"), "{screen}");
    assert!(
        screen.contains(" open · IT"),
        "each agent's open tickets: {screen}"
    );
    c.ui.type_text("priya").await;
    c.ui.press("enter").await;
    assert_eq!(
        on_desk(&c, &t.id).await.owner.unwrap().name.as_str(),
        "Priya Raman"
    );
    c.ui.press("a").await;
    c.ui.type_text("→ Facil").await;
    c.ui.press("enter").await;
    assert_eq!(on_desk(&c, &t.id).await.queue.name.as_str(), "Facilities");
    c.ui.press("a").await;
    c.ui.type_text("nobody").await;
    c.ui.press("enter").await;
    assert!(on_desk(&c, &t.id).await.owner.is_none());
}

#[tokio::test]
async fn a_macro_from_the_queue_replies_with_placeholders_filled_and_acts() {
    let mut c = common::console(80, 24).await;
    let t = select(&mut c, |t| t.status.kind == StatusKind::Open).await;
    c.ui.press("m").await;
    c.ui.type_text("need more").await;
    c.ui.press("enter").await;
    let detail = c.desk.ticket(&t.id).await.unwrap();
    assert_eq!(detail.summary.status.kind, StatusKind::Pending);
    let reply = detail
        .entries
        .iter()
        .rev()
        .find(|e| e.kind == EntryKind::Reply)
        .unwrap();
    let first_name = t.requester.name.split(' ').next().unwrap();
    assert!(
        reply.body.starts_with(&format!("Hi {first_name},")),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(&format!("\"{}\"", t.subject)));
    assert!(reply.body.ends_with("Sam Okafor"));
}

#[tokio::test]
async fn a_macro_inserted_while_writing_sends_its_actions_with_the_text() {
    let mut c = common::console(80, 24).await;
    let t = select(&mut c, |t| {
        t.owner.is_none() && t.status.kind == StatusKind::New
    })
    .await;
    c.ui.press("enter r ctrl-t").await;
    c.ui.type_text("acknow").await;
    c.ui.press("enter").await;
    let compose = c.ui.state.screen.compose().unwrap();
    assert!(compose.text().contains(&format!("(#{})", t.id.0)));
    assert_eq!(compose.actions.len(), 2, "{:?}", compose.actions);
    c.ui.press("ctrl-x").await;
    let now = on_desk(&c, &t.id).await;
    assert_eq!(now.owner.unwrap().name.as_str(), "Sam Okafor");
    assert_eq!(now.status.kind, StatusKind::Open);
}

#[tokio::test]
async fn bulk_marks_with_space_and_a_visual_range() {
    let mut c = common::console(80, 24).await;
    let first: Vec<TicketSummary> = (0..3).map(|n| row(&c, n)).collect();
    c.ui.press("space space space").await;
    assert_eq!(c.ui.state.marked().len(), 3);
    assert!(c.ui.screen().contains("● 3 marked"));
    c.ui.press("c").await;
    for t in &first {
        assert_eq!(
            on_desk(&c, &t.id).await.status.kind,
            StatusKind::Resolved,
            "{}",
            t.key
        );
    }
    assert!(c.ui.state.marks.is_empty(), "marks are spent");
    assert_eq!(
        c.ui.state.flash.as_ref().unwrap().text,
        "resolve 3 tickets ✓ (3 of 3)"
    );

    // V, move, V marks a range; t takes them all.
    c.ui.press("g V j j V").await;
    let range: Vec<TicketId> = c.ui.state.marked();
    assert_eq!(range.len(), 3);
    c.ui.press("t").await;
    for id in &range {
        assert_eq!(
            on_desk(&c, id).await.owner.unwrap().name.as_str(),
            "Sam Okafor"
        );
    }
    // Esc clears marks before it clears a filter.
    c.ui.press("space esc").await;
    assert!(c.ui.state.marked().is_empty());
}

#[tokio::test]
async fn one_failure_in_a_bulk_change_does_not_stop_the_rest_and_is_shown() {
    let mut c = common::console(100, 30).await;
    let marked: Vec<TicketSummary> = (0..3).map(|n| row(&c, n)).collect();
    c.ui.press("space space space").await;
    // Someone else changes the middle one before the change goes.
    let middle = &marked[1];
    c.desk
        .apply(
            &middle.id,
            &middle.version,
            &Change::Note {
                body: "mine".into(),
                then: None,
                files: Vec::new(),
            },
        )
        .await
        .unwrap();
    c.ui.press("P").await;
    c.ui.type_text("urgent").await;
    c.ui.press("enter").await;
    let Some(Overlay::Results(results)) = c.ui.state.screen.overlay() else {
        panic!("no results: {:?}", c.ui.state.flash);
    };
    assert_eq!(results.rows.iter().filter(|(_, r)| r.is_ok()).count(), 2);
    let (name, failed) = results.rows.iter().find(|(_, r)| r.is_err()).unwrap();
    assert!(name.contains(&middle.key.to_string()));
    assert!(failed.as_ref().unwrap_err().contains("changed on the desk"));
    assert!(c.ui.screen().contains("2 of 3 done"));
    assert_eq!(
        on_desk(&c, &marked[0].id).await.priority.level,
        PriorityLevel::Urgent
    );
    assert_ne!(
        on_desk(&c, &middle.id).await.priority.level,
        PriorityLevel::Urgent
    );
    c.ui.press("esc").await;
    assert!(c.ui.state.screen.overlay().is_none());
}

#[tokio::test]
async fn a_change_to_a_ticket_that_moved_on_asks_first() {
    let mut c = common::console(100, 30).await;
    let t = select(&mut c, |t| t.status.kind == StatusKind::Open).await;
    c.desk
        .apply(
            &t.id,
            &t.version,
            &Change::Reply {
                body: "Answered by a colleague".into(),
                then: Some(StatusKind::Pending),
                files: Vec::new(),
            },
        )
        .await
        .unwrap();
    c.ui.press("c").await;
    let Some(Overlay::Confirm(confirm)) = c.ui.state.screen.overlay() else {
        panic!("no question: {:?}", c.ui.state.flash);
    };
    assert!(
        confirm.lines.contains(&"status open → pending".to_string()),
        "{:?}",
        confirm.lines
    );
    assert!(
        confirm
            .lines
            .iter()
            .any(|l| l.contains("Answered by a colleague"))
    );
    assert!(c.ui.screen().contains("y applies anyway"));
    assert_eq!(
        on_desk(&c, &t.id).await.status.kind,
        StatusKind::Pending,
        "not yet"
    );
    c.ui.press("y").await;
    assert_eq!(on_desk(&c, &t.id).await.status.kind, StatusKind::Resolved);
}

#[tokio::test]
async fn no_leaves_the_changed_ticket_alone() {
    let mut c = common::console(100, 30).await;
    let t = select(&mut c, |t| t.owner.is_none()).await;
    c.desk
        .apply(&t.id, &t.version, &Change::SetPriority(PriorityLevel::Low))
        .await
        .unwrap();
    c.ui.press("t").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(Overlay::Confirm(_))
    ));
    c.ui.press("n").await;
    assert!(on_desk(&c, &t.id).await.owner.is_none());
    assert_eq!(
        c.ui.state.flash.as_ref().unwrap().text,
        format!("take {}: not done", t.key)
    );
}

#[tokio::test]
async fn a_change_waits_out_the_undo_window_and_u_takes_it_back() {
    let mut settings = common::settings("dark");
    settings.undo_seconds = 5;
    let mut c = common::console_with(settings, 100, 30).await;
    let t = select(&mut c, |t| t.status.kind == StatusKind::Open).await;
    c.ui.press("c").await;
    assert!(
        c.ui.screen()
            .contains(&format!("↶ resolve {} in 5s · u undoes", t.key))
    );
    c.ui.tick().await;
    c.ui.tick().await;
    assert!(c.ui.screen().contains("in 3s"));
    c.ui.press("u").await;
    assert_eq!(
        c.ui.state.flash.as_ref().unwrap().text,
        format!("undone: resolve {}", t.key)
    );
    for _ in 0..6 {
        c.ui.tick().await;
    }
    assert_eq!(
        on_desk(&c, &t.id).await.status.kind,
        StatusKind::Open,
        "never sent"
    );
    // Left alone, it goes when the window closes.
    c.ui.press("c").await;
    for _ in 0..4 {
        c.ui.tick().await;
    }
    assert_eq!(on_desk(&c, &t.id).await.status.kind, StatusKind::Open);
    c.ui.tick().await;
    assert_eq!(on_desk(&c, &t.id).await.status.kind, StatusKind::Resolved);
    c.ui.press("u").await;
    assert_eq!(c.ui.state.flash.as_ref().unwrap().text, "nothing to undo");
}

#[tokio::test]
async fn undoing_a_reply_gives_the_text_back() {
    let mut settings = common::settings("dark");
    settings.undo_seconds = 5;
    let mut c = common::console_with(settings, 100, 30).await;
    c.ui.press("enter r").await;
    let id = c.ui.state.screen.ticket().unwrap().id.clone();
    c.ui.type_text("Oops, wrong ticket").await;
    c.ui.press("ctrl-x").await;
    assert!(c.ui.state.screen.compose().is_none());
    c.ui.press("u").await;
    assert_eq!(
        c.ui.state.screen.compose().unwrap().text(),
        "Oops, wrong ticket"
    );
    for _ in 0..6 {
        c.ui.tick().await;
    }
    let detail = c.desk.ticket(&id).await.unwrap();
    assert!(!detail.entries.iter().any(|e| e.body.contains("Oops")));
}

#[tokio::test]
async fn quitting_with_a_change_waiting_sends_it_first() {
    let mut settings = common::settings("dark");
    settings.undo_seconds = 5;
    let mut c = common::console_with(settings, 100, 30).await;
    let t = select(&mut c, |t| t.owner.is_none()).await;
    c.ui.press("t q").await;
    assert_eq!(
        on_desk(&c, &t.id).await.owner.unwrap().name.as_str(),
        "Sam Okafor"
    );
    assert!(c.ui.state.should_quit);
}

#[tokio::test]
async fn drafts_are_saved_within_seconds_and_come_back() {
    let mut c = common::console(100, 30).await;
    c.ui.press("enter r").await;
    let id = c.ui.state.screen.ticket().unwrap().id.clone();
    c.ui.type_text("Half a reply").await;
    c.ui.tick().await;
    assert_eq!(
        c.store.draft(&id).unwrap().unwrap().text,
        "Half a reply",
        "saved on the tick"
    );
    c.ui.type_text(", and more").await;
    // Closing the pane keeps the text.
    c.ui.press("esc q").await;
    assert_eq!(
        c.store.draft(&id).unwrap().unwrap().text,
        "Half a reply, and more"
    );
    c.ui.press("enter").await;
    let screen = c.ui.screen();
    assert!(screen.contains("✎ your reply from"), "{screen}");
    c.ui.press("r").await;
    assert_eq!(
        c.ui.state.screen.compose().unwrap().text(),
        "Half a reply, and more"
    );
    assert!(
        c.ui.state
            .flash
            .as_ref()
            .unwrap()
            .text
            .starts_with("your draft reply from")
    );
    c.ui.press("ctrl-x").await;
    assert!(c.store.draft(&id).unwrap().is_none(), "sent, so gone");
    // Emptying the pane and closing it leaves no draft.
    c.ui.press("n").await;
    c.ui.type_text("x").await;
    c.ui.press("backspace esc").await;
    assert!(c.store.draft(&id).unwrap().is_none());
}

#[tokio::test]
async fn a_note_warns_that_it_is_not_a_first_response() {
    let mut c = common::console(100, 30).await;
    select(&mut c, |t| {
        t.sla
            .get(deskterm::sla::ClockKind::FirstResponse)
            .is_some_and(|c| c.stage() == deskterm::sla::Stage::Active)
    })
    .await;
    c.ui.press("n").await;
    assert!(c.ui.screen().contains("a note is not a first response"));
}

#[tokio::test]
async fn an_agent_in_no_department_shows_only_the_open_count_in_the_assign_picker() {
    use deskterm::desk::{Agent, AgentId};
    let mut c = common::console(100, 30).await;
    c.ui.state.agents.push(Agent {
        id: AgentId("900".into()),
        name: "Zoe Newhire".into(),
        email: "zoe.newhire@pvusd.org".into(),
        queues: Vec::new(),
    });
    c.ui.press("a").await;
    let Some(Overlay::Picker(picker)) = c.ui.state.screen.overlay() else {
        panic!("no picker");
    };
    let zoe = picker
        .options
        .iter()
        .find(|p| p.label == "Zoe Newhire")
        .unwrap();
    assert_eq!(zoe.detail, "0 open");
    let screen = c.ui.screen();
    let row = screen.lines().find(|l| l.contains("Zoe Newhire")).unwrap();
    assert!(!row.contains('·'), "{row}");
}

/// A picked agent or queue is told by its own name, never by parsing the
/// label the picker shows ("… (me)", "→ …").
#[tokio::test]
async fn a_picked_agent_is_named_as_the_desk_names_them() {
    use deskterm::desk::{Agent, AgentId};
    let mut settings = common::settings("dark");
    settings.undo_seconds = 5;
    let mut c = common::console_with(settings, 100, 30).await;
    c.ui.state.agents.push(Agent {
        id: AgentId("901".into()),
        name: "Lee Vance (me)".into(),
        email: "lee.vance@pvusd.org".into(),
        queues: Vec::new(),
    });
    c.ui.press("a").await;
    c.ui.type_text("Lee Vance").await;
    c.ui.press("enter").await;
    let summary = c.ui.state.outgoing_summary().unwrap_or_default();
    assert!(summary.contains("to Lee Vance (me) in"), "{summary}");
}

#[tokio::test]
async fn a_macro_puts_on_its_tags_and_sets_its_fields() {
    let mut settings = common::settings("dark");
    settings.macros = vec![
        toml::from_str(
            r#"
            name = "Chromebook loaner"
            tags = ["loaner", "-nothing-to-remove"]
            fields = { "Asset tag" = "CB-0417", School = "westview high" }
            "#,
        )
        .unwrap(),
    ];
    let mut c = common::console_with(settings, 80, 24).await;
    let t = select(&mut c, |t| t.status.kind.is_active()).await;
    c.ui.press("m").await;
    c.ui.type_text("loaner").await;
    c.ui.press("enter").await;
    let detail = c.desk.ticket(&t.id).await.unwrap();
    let tags: Vec<&str> = detail.summary.tags.iter().map(|t| t.as_str()).collect();
    assert!(tags.contains(&"loaner"), "{tags:?}");
    let field = |name| deskterm::desk::field_value(&detail, name).map(str::to_string);
    assert_eq!(field("Asset tag").as_deref(), Some("CB-0417"));
    assert_eq!(
        field("School").as_deref(),
        Some("Westview High"),
        "as the desk spells it"
    );
}
