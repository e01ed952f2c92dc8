//! The console driven by keys on a seeded demo desk with a fixed clock: the
//! real update(), worker and demo desk, without a terminal.
#![allow(clippy::unwrap_used)]

mod common;
use common::visible;

use deskterm::desk::{OwnerFilter, StatusKind};
use deskterm::state::queue::SortKey;
use deskterm::state::{Connection, Overlay};

#[tokio::test]
async fn opens_on_all_active_tickets_most_urgent_first() {
    let c = common::console(80, 24).await;
    let state = &c.ui.state;
    assert_eq!(state.connection, Connection::Live);
    assert_eq!(state.sections[state.section].name, "All");
    let tickets = visible(&c);
    assert!(tickets.len() > 100, "only {} active tickets", tickets.len());
    assert!(tickets.iter().all(|t| t.status.kind.is_active()));
    let keys: Vec<_> = tickets
        .iter()
        .map(|t| t.sla.urgency_key(common::now()))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "not in SLA order");
    // Breached first: the first ticket's clock is past due.
    assert!(keys[0].1 < common::now().as_second());
    // Status line counts agree with the tickets.
    assert_eq!(state.held.counts.open, tickets.len());
    assert!(state.held.counts.breached > 0 && state.held.counts.at_risk > 0);
}

#[tokio::test]
async fn moves_with_vim_keys_arrows_and_pages() {
    let mut c = common::console(80, 24).await;
    c.ui.press("j j down").await;
    assert_eq!(c.ui.state.queue.cursor, 3);
    c.ui.press("k up").await;
    assert_eq!(c.ui.state.queue.cursor, 1);
    let page = c.ui.state.list_height();
    c.ui.press("pagedown").await;
    assert_eq!(c.ui.state.queue.cursor, 1 + page);
    assert!(c.ui.state.queue.offset > 0, "the table scrolled");
    c.ui.press("G").await;
    assert_eq!(c.ui.state.queue.cursor, c.ui.state.queue.visible.len() - 1);
    c.ui.press("g").await;
    assert_eq!((c.ui.state.queue.cursor, c.ui.state.queue.offset), (0, 0));
    c.ui.press("end home").await;
    assert_eq!(c.ui.state.queue.cursor, 0);
}

#[tokio::test]
async fn slash_filters_as_you_type_and_esc_clears() {
    let mut c = common::console(80, 24).await;
    let all = c.ui.state.queue.visible.len();
    c.ui.press("/").await;
    c.ui.type_text("bus").await;
    let matches = visible(&c);
    assert!(!matches.is_empty() && matches.len() < all);
    assert!(matches.iter().all(|t| {
        format!("{} {} {}", t.subject, t.requester.name, t.key)
            .to_lowercase()
            .contains("bus")
    }));
    // Enter keeps the filter and gives the keys back to the list.
    c.ui.press("enter j").await;
    assert_eq!(c.ui.state.queue.cursor, 1);
    assert_eq!(c.ui.state.queue.filter.text(), "bus");
    c.ui.press("esc").await;
    assert_eq!(c.ui.state.queue.visible.len(), all);
}

#[tokio::test]
async fn filter_matches_ids_and_requesters_and_every_word() {
    let mut c = common::console(80, 24).await;
    let target = visible(&c)[5].clone();
    c.ui.press("/").await;
    c.ui.type_text(&target.key).await;
    assert!(visible(&c).iter().any(|t| t.id == target.id));
    c.ui.press("ctrl-u").await;
    let last_name = target
        .requester
        .name
        .split(' ')
        .next_back()
        .unwrap()
        .to_string();
    c.ui.type_text(&format!(
        "{} {}",
        last_name,
        target.subject.split(' ').next().unwrap()
    ))
    .await;
    assert!(visible(&c).iter().any(|t| t.id == target.id));
    c.ui.press("esc").await;
    assert_eq!(c.ui.state.queue.filter.text(), "");
}

#[tokio::test]
async fn sections_show_mine_unassigned_and_each_department() {
    let mut c = common::console(80, 24).await;
    let names: Vec<_> = c.ui.state.sections.iter().map(|s| s.name.clone()).collect();
    assert_eq!(
        names,
        [
            "All",
            "Mine",
            "Unassigned",
            "IT",
            "HR",
            "Transportation",
            "Food Services",
            "Facilities",
            "Communications"
        ]
    );
    let me = c.ui.state.me.clone().unwrap();
    c.ui.press("tab").await;
    assert_eq!(c.ui.state.section, 1);
    assert!(!visible(&c).is_empty());
    assert!(
        visible(&c)
            .iter()
            .all(|t| t.owner.as_ref().map(|o| &o.id) == Some(&me.id))
    );
    c.ui.press("3").await;
    assert!(visible(&c).iter().all(|t| t.owner.is_none()));
    c.ui.press(":").await;
    c.ui.type_text("queue hr").await;
    c.ui.press("enter").await;
    assert_eq!(c.ui.state.sections[c.ui.state.section].name, "HR");
    assert!(visible(&c).iter().all(|t| t.queue.name.as_str() == "HR"));
    c.ui.press("backtab").await;
    assert_eq!(c.ui.state.sections[c.ui.state.section].name, "IT");
    // Counts on the tabs add up.
    let s = &c.ui.state.sections;
    let departments: usize = s[3..].iter().map(|s| s.count).sum();
    assert_eq!(departments, s[0].count);
    assert_eq!(s[1].query.owner, OwnerFilter::Me);
}

#[tokio::test]
async fn sorts_by_key_and_by_command() {
    let mut c = common::console(80, 24).await;
    c.ui.press("s").await;
    assert_eq!(c.ui.state.queue.sort, SortKey::Priority);
    let levels: Vec<_> = visible(&c).iter().map(|t| t.priority.level).collect();
    assert!(levels.windows(2).all(|w| w[0] >= w[1]), "urgent first");
    c.ui.press("S").await;
    let levels: Vec<_> = visible(&c).iter().map(|t| t.priority.level).collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]), "reversed");
    c.ui.press(":").await;
    c.ui.type_text("sort updated").await;
    c.ui.press("enter").await;
    let updated: Vec<_> = visible(&c).iter().map(|t| t.updated).collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(c.ui.state.flash.as_ref().unwrap().text, "sorted by updated");
}

#[tokio::test]
async fn enter_opens_the_ticket_and_q_goes_back() {
    let mut c = common::console(80, 24).await;
    c.ui.press("j enter").await;
    let view = c.ui.state.screen.ticket().unwrap();
    let detail = view.detail.as_ref().unwrap();
    assert!(!detail.entries.is_empty());
    assert_eq!(Some(&detail.summary.id), visible(&c).get(1).map(|t| &t.id));
    c.ui.press("G").await;
    let bottom = c.ui.state.screen.ticket().unwrap().scroll;
    c.ui.press("j j j").await;
    assert_eq!(
        c.ui.state.screen.ticket().unwrap().scroll,
        bottom,
        "clamped"
    );
    c.ui.press("q").await;
    assert!(c.ui.state.screen.ticket().is_none());
    assert_eq!(c.ui.state.queue.cursor, 1);
    c.ui.press("enter esc").await;
    assert!(c.ui.state.screen.ticket().is_none());
    assert!(!c.ui.state.should_quit);
    c.ui.press("q").await;
    assert!(c.ui.state.should_quit);
}

#[tokio::test]
async fn next_and_previous_ticket_from_the_ticket_view() {
    let mut c = common::console(80, 24).await;
    let second = visible(&c)[1].id.clone();
    c.ui.press("enter ]").await;
    assert_eq!(c.ui.state.screen.ticket().unwrap().id, second);
    assert_eq!(
        c.ui.state
            .screen
            .ticket()
            .unwrap()
            .detail
            .as_ref()
            .map(|d| &d.summary.id),
        Some(&second)
    );
    c.ui.press("[").await;
    assert_eq!(c.ui.state.queue.cursor, 0);
}

#[tokio::test]
async fn help_opens_and_closes_and_follows_the_keymap() {
    use deskterm::config::keymap::{Bound, Context, Keymap, KeymapOverrides};
    let mut settings = common::settings("dark");
    let mut overrides = KeymapOverrides::new();
    overrides.insert(
        Context::Queue,
        [(
            "J".parse().unwrap(),
            Bound(Some(deskterm::action::Action::Down)),
        )]
        .into(),
    );
    settings.keymap = Keymap::with_overrides(&overrides);
    let mut c = common::console_with(settings, 100, 40).await;
    c.ui.press("?").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(Overlay::Help { .. })
    ));
    let screen = c.ui.screen();
    assert!(screen.contains("j, down, J"), "{screen}");
    c.ui.press("?").await;
    assert!(c.ui.state.screen.overlay().is_none());
    c.ui.press("J").await;
    assert_eq!(c.ui.state.queue.cursor, 1);
}

#[tokio::test]
async fn command_line_completes_and_switches_theme() {
    let mut c = common::console(80, 24).await;
    c.ui.press(":").await;
    c.ui.type_text("th").await;
    c.ui.press("tab").await;
    c.ui.type_text("li").await;
    c.ui.press("tab").await;
    match c.ui.state.screen.overlay() {
        Some(Overlay::Command(line)) => assert_eq!(line.input.text(), "theme light"),
        other => panic!("{other:?}"),
    }
    c.ui.press("enter").await;
    assert_eq!(c.ui.state.settings.theme.name, "light");
    c.ui.press(":").await;
    c.ui.type_text("frobnicate").await;
    c.ui.press("enter").await;
    let flash = c.ui.state.flash.clone().unwrap();
    assert!(flash.error && flash.text.contains("unknown command"));
    c.ui.press(":").await;
    c.ui.type_text("theme nope").await;
    c.ui.press("enter").await;
    assert!(
        c.ui.state
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("no theme `nope`")
    );
    assert_eq!(c.ui.state.settings.theme.name, "light");
    c.ui.press(":").await;
    c.ui.type_text("q").await;
    c.ui.press("enter").await;
    assert!(c.ui.state.should_quit);
}

#[tokio::test]
async fn open_by_id_from_the_command_line() {
    let mut c = common::console(80, 24).await;
    let target = visible(&c)[10].clone();
    c.ui.press(":").await;
    c.ui.type_text(&format!("open {}", target.key)).await;
    c.ui.press("enter").await;
    let view = c.ui.state.screen.ticket().unwrap();
    assert_eq!(view.detail.as_ref().unwrap().summary.id, target.id);
    assert_eq!(c.ui.state.queue.cursor, 10);
}

#[tokio::test]
async fn refresh_brings_in_what_changed_on_the_desk() {
    let mut c = common::console(80, 24).await;
    let before = c.ui.state.held.tickets.len();
    common::a_new_ticket_arrives(&c.desk);
    // Refreshes come every 5 ticks; nothing shows before.
    for _ in 0..4 {
        c.ui.tick().await;
    }
    assert_eq!(c.ui.state.held.tickets.len(), before);
    c.ui.tick().await;
    assert_eq!(c.ui.state.held.tickets.len(), before + 1);
    let newest =
        c.ui.state
            .held
            .tickets
            .items()
            .iter()
            .map(|h| &h.ticket)
            .max_by_key(|t| t.id.0.parse::<i64>().unwrap())
            .unwrap();
    assert_eq!(newest.status.kind, StatusKind::New);
    assert!(
        newest.sla.most_urgent(common::now()).is_some(),
        "SLA applied"
    );
}

#[tokio::test]
async fn refresh_drops_tickets_that_were_resolved_elsewhere() {
    use deskterm::desk::{Change, Desk};
    let mut c = common::console(80, 24).await;
    let target = visible(&c)[0].clone();
    c.desk
        .apply(
            &target.id,
            &target.version,
            &Change::SetStatus(StatusKind::Resolved),
        )
        .await
        .unwrap();
    c.ui.press("ctrl-r").await;
    assert!(c.ui.state.held.tickets.by_id(&target.id).is_none());
    assert!(!visible(&c).iter().any(|t| t.id == target.id));
}

#[tokio::test]
async fn hostile_text_never_reaches_the_screen() {
    let mut c = common::console(160, 48).await;
    c.ui.press("/").await;
    c.ui.type_text("printer on fire").await;
    c.ui.press("enter enter").await;
    let view = c.ui.state.screen.ticket().unwrap();
    let body = &view.detail.as_ref().unwrap().entries[0].body;
    assert!(body.contains("Still plain."));
    let buffer = c.ui.draw();
    for cell in buffer.content.iter() {
        for ch in cell.symbol().chars() {
            assert!(
                !ch.is_control() && !('\u{202a}'..='\u{202e}').contains(&ch),
                "control character {:?} on screen",
                ch
            );
        }
    }
    let screen = c.ui.screen();
    assert!(
        screen.contains("URGENT printer on fire at the library"),
        "{screen}"
    );
    assert!(screen.contains("The screen should not clear."));
}

#[tokio::test]
async fn countdowns_tick_with_the_clock() {
    let mut c = common::console(80, 24).await;
    let running = visible(&c)
        .into_iter()
        .find(|t| {
            matches!(
                t.sla
                    .most_urgent(common::now())
                    .map(|c| c.reading(common::now())),
                Some(deskterm::sla::Reading::Running { .. })
            )
        })
        .unwrap()
        .clone();
    let clock = running.sla.most_urgent(common::now()).unwrap();
    let later = common::now() + jiff::SignedDuration::from_mins(30);
    let before = deskterm::layout::format::sla_cell(Some(clock), common::now());
    let after = deskterm::layout::format::sla_cell(Some(clock), later);
    assert_ne!(before, after);
    // Ticks re-read the clocks: breaching tickets are counted within seconds.
    let breached = c.ui.state.held.counts.breached;
    for _ in 0..5 {
        deskterm::state::update(
            &mut c.ui.state,
            deskterm::state::Msg::Tick,
            later + jiff::SignedDuration::from_hours(48),
        );
    }
    assert!(c.ui.state.held.counts.breached > breached);
}

#[tokio::test]
async fn reply_from_the_ticket_view_lands_on_the_desk() {
    use deskterm::desk::{Desk, EntryKind};
    let mut c = common::console(80, 24).await;
    c.ui.press("enter r").await;
    let id = c.ui.state.screen.ticket().unwrap().id.clone();
    assert!(c.ui.screen().contains("REPLY · public"));
    c.ui.type_text("Thanks, we are on it.").await;
    c.ui.press("enter").await;
    c.ui.type_text("Sam (IT)").await;
    c.ui.press("ctrl-x").await;
    assert!(
        c.ui.state.screen.compose().is_none(),
        "the pane closes once sent"
    );
    assert_eq!(
        c.ui.state.flash.as_ref().unwrap().text,
        format!("reply to #{} ✓", id.0)
    );
    let detail = c.desk.ticket(&id).await.unwrap();
    let last = detail
        .entries
        .iter()
        .rev()
        .find(|e| e.kind != EntryKind::Event)
        .unwrap();
    assert_eq!(last.kind, EntryKind::Reply);
    assert_eq!(last.body.as_str(), "Thanks, we are on it.\nSam (IT)");
    // The view shows it too, reloaded after the send.
    assert!(c.ui.screen().contains("Sam (IT)"));
}

#[tokio::test]
async fn a_note_from_the_queue_says_loudly_that_it_is_internal() {
    use deskterm::desk::{Desk, EntryKind};
    let mut c = common::console(80, 24).await;
    c.ui.press("j n").await;
    let screen = c.ui.screen();
    assert!(screen.contains("INTERNAL NOTE · agents only"), "{screen}");
    let id = c.ui.state.screen.ticket().unwrap().id.clone();
    c.ui.type_text("Checked the asset list: ? and : are text here.")
        .await;
    c.ui.press("ctrl-x").await;
    let detail = c.desk.ticket(&id).await.unwrap();
    let note = detail
        .entries
        .iter()
        .rev()
        .find(|e| e.kind == EntryKind::Note)
        .unwrap();
    assert_eq!(
        note.body.as_str(),
        "Checked the asset list: ? and : are text here."
    );
}

#[tokio::test]
async fn esc_keeps_the_text_as_a_draft_and_blank_text_is_not_sent() {
    let mut c = common::console(80, 24).await;
    c.ui.press("enter r ctrl-x").await;
    assert!(c.ui.state.screen.compose().is_some());
    assert_eq!(
        c.ui.state.flash.as_ref().unwrap().text,
        "nothing to send yet"
    );
    c.ui.type_text("draft").await;
    c.ui.press("esc").await;
    assert!(c.ui.state.screen.compose().is_none());
    assert_eq!(
        c.ui.state.flash.as_ref().unwrap().text,
        "draft kept: r continues it"
    );
    assert!(c.ui.state.screen.ticket().is_some(), "still on the ticket");
    let id = c.ui.state.screen.ticket().unwrap().id.clone();
    assert_eq!(c.store.draft(&id).unwrap().unwrap().text, "draft");
    c.ui.press("D").await;
    assert!(c.store.draft(&id).unwrap().is_none());
}

#[tokio::test]
async fn a_reply_to_a_ticket_that_changed_meanwhile_asks_first() {
    use deskterm::desk::{Change, Desk, EntryKind};
    let mut c = common::console(80, 24).await;
    c.ui.press("enter r").await;
    let id = c.ui.state.screen.ticket().unwrap().id.clone();
    c.ui.type_text("My answer").await;
    // A colleague writes first.
    let version = c.desk.ticket(&id).await.unwrap().summary.version;
    c.desk
        .apply(
            &id,
            &version,
            &Change::Note {
                body: "I took a look".into(),
                then: None,
                files: Vec::new(),
            },
        )
        .await
        .unwrap();
    c.ui.press("ctrl-x").await;
    let compose = c.ui.state.screen.compose().expect("kept open");
    assert!(compose.conflict);
    assert_eq!(compose.text(), "My answer");
    assert!(
        c.ui.screen().contains("I took a look"),
        "the new message is shown"
    );
    // Sending again goes on top of the new version.
    c.ui.press("ctrl-x").await;
    assert!(c.ui.state.screen.compose().is_none());
    let detail = c.desk.ticket(&id).await.unwrap();
    let last = detail
        .entries
        .iter()
        .rev()
        .find(|e| e.kind != EntryKind::Event)
        .unwrap();
    assert_eq!(last.body.as_str(), "My answer");
}

#[tokio::test]
async fn a_breach_warning_is_announced_once_per_ticket_and_clock() {
    let mut settings = common::settings("dark");
    settings.notify = deskterm::config::sla::Notify::Bell;
    let mut c = common::console_with(settings, 80, 24).await;
    c.ui.tick().await;
    let soon = c
        .ui
        .state
        .held.tickets
        .items()
        .iter()
        .flat_map(|h| &h.ticket.sla.clocks)
        .filter(|clock| {
            matches!(clock.reading(common::now()),
                deskterm::sla::Reading::Running { left } if left < jiff::SignedDuration::from_mins(30))
        })
        .count();
    assert!(soon > 0, "the demo has clocks about to breach");
    assert_eq!(c.ui.notices.len(), soon, "{:?}", c.ui.notices);
    assert!(c.ui.notices.iter().all(|n| n.contains(" due in ")));
    // Later ticks re-read the clocks but say nothing twice.
    for _ in 0..3 {
        c.ui.advance(jiff::SignedDuration::from_secs(6));
        c.ui.tick().await;
    }
    assert_eq!(c.ui.notices.len(), soon);
    // An hour on, clocks that had more than half an hour left get theirs.
    c.ui.advance(jiff::SignedDuration::from_hours(1));
    c.ui.tick().await;
    assert!(c.ui.notices.len() > soon);
    // The status line counts them among the tickets at risk.
    assert!(c.ui.state.held.counts.at_risk >= 1);
}

#[tokio::test]
async fn no_announcement_unless_asked_for() {
    let mut c = common::console(80, 24).await;
    c.ui.tick().await;
    assert!(c.ui.notices.is_empty());
}

/// The reply pane says where the answer goes: on a desk that answers by
/// SMS, the text counted in messages as it is typed; on a social channel,
/// a warning that anyone can read it.
#[tokio::test]
async fn the_reply_pane_says_where_the_answer_goes() {
    use deskterm::desk::Channel;
    let mut settings = common::settings("dark");
    settings.delivers = &Channel::ALL;
    let mut c = common::console_with(settings, 100, 30).await;
    let came_by = |c: &common::Console, channel| {
        c.ui.state
            .held
            .tickets
            .items()
            .iter()
            .find(|h| h.ticket.channel == channel)
            .map(|h| h.ticket.id.0.clone())
            .expect("the demo has one")
    };
    let sms = came_by(&c, Channel::Sms);
    c.ui.press(":").await;
    c.ui.type_text(&format!("open {sms}")).await;
    c.ui.press("enter r").await;
    c.ui.type_text(&"a".repeat(161)).await;
    let screen = c.ui.screen();
    assert!(
        screen.contains("by SMS · 161 characters, 2 messages"),
        "{screen}"
    );
    c.ui.press("esc esc").await;

    let social = came_by(&c, Channel::Social);
    c.ui.press(":").await;
    c.ui.type_text(&format!("open {social}")).await;
    c.ui.press("enter r").await;
    let screen = c.ui.screen();
    assert!(screen.contains("in public: anyone can read it"), "{screen}");
}

/// `N` logs a ticket for a caller: someone known is recognised as their
/// address is typed, the queue is suggested from the words with the reason,
/// and ctrl-x logs it; it shows in the queue at once, the caller's words
/// as the opening message and its first response still to come. Missing a
/// subject, nothing is sent and the form stays.
#[tokio::test]
async fn a_call_is_logged_from_the_intake_form() {
    use deskterm::desk::{Desk, EntryKind};
    let mut c = common::console(100, 30).await;
    let known = c.ui.state.held.tickets.items()[0].ticket.requester.clone();
    let before = c.ui.state.held.tickets.len();
    c.ui.press("N").await;
    assert!(c.ui.screen().contains("New ticket"), "{}", c.ui.screen());
    c.ui.type_text(&known.email.as_str()[..6]).await;
    let screen = c.ui.screen();
    assert!(
        screen.contains(&format!("known: {}", known.name)),
        "{screen}"
    );
    // To the words: nothing logged without a subject.
    c.ui.press("tab tab tab tab tab tab tab").await;
    c.ui.type_text("Bus 24 was late again and nobody called")
        .await;
    c.ui.press("ctrl-x").await;
    assert!(
        flash_of(&c).contains("it needs a subject"),
        "{}",
        flash_of(&c)
    );
    assert!(c.ui.screen().contains("New ticket"));
    // The form went to the subject: the queue follows the words.
    c.ui.type_text("Bus 24 late").await;
    let screen = c.ui.screen();
    assert!(screen.contains("◂ Transportation ▸"), "{screen}");
    assert!(screen.contains("suggested: “bus”"), "{screen}");
    c.ui.press("ctrl-x").await;
    assert!(
        flash_of(&c).contains("logged: Bus 24 late"),
        "{}",
        flash_of(&c)
    );
    assert_eq!(c.ui.state.held.tickets.len(), before + 1);
    let made = c.ui.state.selected().unwrap().clone();
    assert_eq!(made.subject.as_str(), "Bus 24 late");
    assert_eq!(made.requester.email, known.email);
    assert!(made.first_response_at.is_none());
    let detail = c.desk.ticket(&made.id).await.unwrap();
    let opening = &detail.entries[0];
    assert_eq!(opening.kind, EntryKind::Reply);
    assert!(!opening.by_agent, "the caller's words");
    assert!(opening.body.contains("nobody called"));
}

fn flash_of(c: &common::Console) -> String {
    c.ui.state
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

/// The owner can be an agent of the desk, and a first reply goes with the
/// new ticket through the outbox: the ticket is answered, its first
/// response met by that reply.
#[tokio::test]
async fn a_logged_call_can_go_to_an_agent_with_a_first_reply() {
    use deskterm::desk::{Desk, EntryKind};
    let mut c = common::console(100, 30).await;
    let agent = c.ui.state.agents[0].clone();
    c.ui.press("N").await;
    c.ui.type_text("lee.caller@example.org").await;
    // To the owner: nobody, me, then the desk's agents.
    c.ui.press("tab tab tab tab tab").await;
    c.ui.press("right right").await;
    assert!(c.ui.screen().contains(&format!("◂ {} ▸", agent.name)));
    c.ui.press("tab").await;
    c.ui.type_text("Locker 14 is jammed").await;
    c.ui.press("tab").await;
    c.ui.type_text("My locker will not open.").await;
    c.ui.press("tab").await;
    c.ui.type_text("A custodian is on the way.").await;
    c.ui.press("ctrl-x").await;
    let made = c.ui.state.selected().unwrap().clone();
    assert_eq!(made.subject.as_str(), "Locker 14 is jammed");
    assert_eq!(
        made.owner.as_ref().map(|o| o.id.clone()),
        Some(agent.id.clone())
    );
    // Past the undo window, the reply is on the desk.
    for _ in 0..12 {
        c.ui.tick().await;
    }
    let detail = c.desk.ticket(&made.id).await.unwrap();
    let answered = detail
        .entries
        .iter()
        .any(|e| e.kind == EntryKind::Reply && e.by_agent && e.body.contains("custodian"));
    assert!(answered, "{:?}", detail.entries);
    assert!(detail.summary.first_response_at.is_some());
}

/// `:time` adds minutes to the open ticket where the desk keeps time, and
/// says so plainly where it does not (the demo), sending nothing.
#[tokio::test]
async fn time_worked_is_refused_in_words_where_the_desk_keeps_none() {
    use deskterm::desk::Desk;
    let mut settings = common::settings("dark");
    let (demo, _dir) = common::demo_desk();
    settings.lacks = demo.capabilities().lacks();
    let mut c = common::console_with(settings, 100, 30).await;
    c.ui.press(":").await;
    c.ui.type_text("time 15").await;
    c.ui.press("enter").await;
    assert!(
        flash_of(&c).contains("keeps no time worked"),
        "{}",
        flash_of(&c)
    );
    assert!(c.ui.state.outbox.outgoing.is_empty(), "nothing queued");
}

/// `:merge` on a desk that cannot merge (the demo) says so and queues
/// nothing; `:merge` without an id says what it needs.
#[tokio::test]
async fn merging_is_refused_in_words_where_the_desk_cannot() {
    use deskterm::desk::Desk;
    let mut settings = common::settings("dark");
    let (demo, _dir) = common::demo_desk();
    settings.lacks = demo.capabilities().lacks();
    let mut c = common::console_with(settings, 100, 30).await;
    c.ui.press(":").await;
    c.ui.type_text("merge").await;
    c.ui.press("enter").await;
    assert!(
        flash_of(&c).contains("needs a ticket id"),
        "{}",
        flash_of(&c)
    );
    c.ui.press(":").await;
    c.ui.type_text("merge 5").await;
    c.ui.press("enter").await;
    assert!(flash_of(&c).contains("cannot merge"), "{}", flash_of(&c));
    assert!(c.ui.state.outbox.outgoing.is_empty(), "nothing queued");
}

#[tokio::test]
async fn what_the_desk_cannot_do_is_named_once_and_offered_nowhere() {
    let mut c = common::console(100, 40).await;
    // As a session sets it up from the desk.
    c.ui.state.settings.lacks = deskterm::desk::Desk::capabilities(c.desk.as_ref()).lacks();
    let help: Vec<String> = deskterm::layout::help::lines(&c.ui.state)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.text.as_str()).collect())
        .collect();
    let text = help.join("\n");
    // The demo keeps no Cc, time, merges or links: named, not listed.
    assert!(text.contains("· copying people on a ticket (Cc)"), "{text}");
    assert!(text.contains("· time worked"), "{text}");
    assert!(!text.contains(":cc EMAIL"), "{text}");
    assert!(!text.contains(":time MINUTES"), "{text}");
    assert!(!text.contains(":merge ID"), "{text}");
    // What it can do is there.
    assert!(
        text.contains(":attach PATH") && text.contains(":tag TAG"),
        "{text}"
    );
    // Nor does the command line offer them.
    c.ui.press(":").await;
    c.ui.type_text("c").await;
    c.ui.press("tab").await;
    let line = match c.ui.state.screen.overlay() {
        Some(Overlay::Command(line)) => line.input.text().to_string(),
        other => panic!("{other:?}"),
    };
    assert_ne!(line.trim(), "cc", "completed to a command the desk lacks");
}

#[tokio::test]
async fn a_stray_esc_keeps_the_callers_words_for_the_next_n() {
    let mut c = common::console(100, 30).await;
    c.ui.press("N").await;
    c.ui.type_text("pat.caller@example.org").await;
    c.ui.press("esc").await;
    assert!(
        flash_of(&c).contains("N brings the form back"),
        "{}",
        flash_of(&c)
    );
    assert!(!c.ui.screen().contains("New ticket"));
    c.ui.press("N").await;
    let screen = c.ui.screen();
    assert!(screen.contains("pat.caller@example.org"), "{screen}");
    let form = c.ui.state.screen.intake().unwrap();
    assert_eq!(form.email.text(), "pat.caller@example.org");
    // Closed empty, it is simply gone.
    c.ui.press("ctrl-u esc").await;
    assert_eq!(flash_of(&c), "no ticket logged");
    c.ui.press("N").await;
    assert_eq!(c.ui.state.screen.intake().unwrap().email.text(), "");
}

#[tokio::test]
async fn a_caller_is_found_by_the_number_they_read_out() {
    let mut c = common::console(100, 30).await;
    let known = c.ui.state.held.tickets.items()[3].ticket.requester.clone();
    let phone = known
        .phone
        .clone()
        .expect("the demo keeps phones")
        .to_string();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    c.ui.press("N").await;
    // Read out as "555 1234": the digits, however they are spaced.
    let said = format!("{} {}", &digits[3..6], &digits[6..]);
    c.ui.type_text(&said).await;
    let screen = c.ui.screen();
    assert!(
        screen.contains(&format!("known: {}", known.name)),
        "{screen}"
    );
}

#[tokio::test]
async fn h_lists_the_requesters_other_tickets_open_first_and_opens_one() {
    use deskterm::desk::Desk;
    let mut c = common::console(100, 30).await;
    // A requester with more than one ticket on the seeded desk.
    let held: Vec<_> =
        c.ui.state
            .held
            .tickets
            .items()
            .iter()
            .map(|h| h.ticket.clone())
            .collect();
    let t = held
        .iter()
        .find(|t| {
            held.iter()
                .filter(|o| o.requester.email == t.requester.email)
                .count()
                > 1
        })
        .expect("a requester with two open tickets")
        .clone();
    c.ui.press(":").await;
    c.ui.type_text(&format!("open {}", t.id.0)).await;
    c.ui.press("enter").await;
    let screen = c.ui.screen();
    assert!(
        screen.contains("History") && screen.contains("other open"),
        "{screen}"
    );
    c.ui.press("H").await;
    let Some(Overlay::Picker(picker)) = c.ui.state.screen.overlay() else {
        panic!("{:?}", c.ui.state.screen.overlay());
    };
    assert!(
        picker.title.starts_with("Their other tickets"),
        "{}",
        picker.title
    );
    // Open ones first.
    let statuses: Vec<bool> = picker
        .options
        .iter()
        .map(|o| !o.detail.starts_with("resolved") && !o.detail.starts_with("closed"))
        .collect();
    assert!(statuses.windows(2).all(|w| w[0] >= w[1]), "{statuses:?}");
    let first = picker.options[0].label.clone();
    c.ui.press("enter").await;
    let other = c.ui.state.screen.ticket().unwrap().id.clone();
    assert_ne!(other, t.id);
    assert!(first.starts_with(&format!("#{}", other.0)), "{first}");
    let on_desk = c.desk.ticket(&other).await.unwrap();
    assert!(
        on_desk
            .summary
            .requester
            .email
            .eq_ignore_ascii_case(&t.requester.email)
    );
}

#[tokio::test]
async fn a_flood_shows_on_its_newest_ticket_and_star_marks_all_of_it() {
    let mut c = common::console(120, 40).await;
    let mut seed = 1;
    while c.desk.simulate_once(seed).unwrap() != "a flood of tickets about one thing" {
        seed += 1;
    }
    for _ in 0..6 {
        c.ui.tick().await;
    }
    let flood =
        c.ui.state
            .held
            .flood_list
            .first()
            .cloned()
            .expect("the flood held");
    assert!(flood.tickets.len() >= 4, "{flood:?}");
    // On its newest ticket's row, the flood's size.
    let at =
        c.ui.state
            .queue
            .visible
            .iter()
            .position(|&i| c.ui.state.held.tickets.get(i).unwrap().id == flood.tickets[0])
            .expect("the newest row");
    c.ui.press("g").await;
    for _ in 0..at {
        c.ui.press("j").await;
    }
    let screen = c.ui.screen();
    let key = format!("#{} ", flood.tickets[0].0);
    let row = screen
        .lines()
        .find(|l| l.contains(&key))
        .expect("the row on screen");
    assert!(row.contains(&format!("≋{} ", flood.tickets.len())), "{row}");
    // `*` on it marks the whole flood.
    c.ui.press("*").await;
    let marked: std::collections::BTreeSet<_> = c.ui.state.marks.iter().cloned().collect();
    let want: std::collections::BTreeSet<_> = flood.tickets.iter().cloned().collect();
    assert_eq!(marked, want);
    // The dashboard says what is happening now.
    c.ui.press("d").await;
    let screen = c.ui.screen();
    assert!(screen.contains("Happening now"), "{screen}");
}

fn section(
    name: &str,
    query: &str,
    columns: Option<&str>,
) -> deskterm::state::sections::SectionSpec {
    deskterm::state::sections::SectionSpec {
        name: name.into(),
        terms: deskterm::desk::query::text::parse(query).unwrap(),
        sort: None,
        columns: columns.map(|c| {
            c.split(',')
                .map(|c| deskterm::state::sections::Column::parse(c).unwrap())
                .collect()
        }),
    }
}

/// What the demo desk itself answers for a query, every page.
async fn on_the_desk(c: &common::Console, query: &str) -> Vec<String> {
    use deskterm::desk::{Desk, PageRequest};
    let terms = deskterm::desk::query::text::parse(query).unwrap();
    let queues = c.desk.queues().await.unwrap();
    let agents = c.desk.agents().await.unwrap();
    let query = terms
        .resolve(&deskterm::desk::query::text::Context {
            queues: &queues,
            agents: &agents,
            now: common::now(),
            time_zone: &jiff::tz::TimeZone::UTC,
        })
        .unwrap();
    let page = c
        .desk
        .search(&query, PageRequest::first(1000))
        .await
        .unwrap();
    let mut ids: Vec<String> = page.items.into_iter().map(|t| t.id.0.to_string()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_section_over_resolved_tickets_is_fetched_from_the_desk_with_its_own_columns() {
    let mut settings = common::settings("dark");
    settings.sections.specs = vec![
        section(
            "Resolved this week",
            "status:resolved updated:<7d",
            Some("id,status,subject,field:School,updated"),
        ),
        section("Parents by SMS", "role:parent channel:sms", None),
        section("Library", "queue:Library", None),
    ];
    let mut c = common::console_with(settings, 100, 30).await;
    let names: Vec<&str> =
        c.ui.state
            .sections
            .iter()
            .map(|s| s.name.as_str())
            .collect();
    assert_eq!(names[..3], ["All", "Mine", "Unassigned"]);
    assert_eq!(
        names[names.len() - 3..],
        ["Resolved this week", "Parents by SMS", "Library"]
    );

    // A name the desk does not have is said, and the tab shows nothing.
    c.ui.press(":").await;
    c.ui.type_text("section library").await;
    c.ui.press("enter").await;
    let flash = c.ui.state.flash.clone().unwrap().text;
    assert!(
        flash.starts_with("Library: no queue “Library”; there are: "),
        "{flash}"
    );
    assert!(visible(&c).is_empty());
    assert!(
        c.ui.screen()
            .contains("names something the desk does not have")
    );

    // Over the held tickets: counted at once, no desk asked.
    c.ui.press(":").await;
    c.ui.type_text("section parents").await;
    c.ui.press("enter").await;
    let shown = visible(&c);
    assert!(!shown.is_empty());
    assert!(shown.iter().all(
        |t| t.requester.role == deskterm::desk::RequesterRole::Parent
            && t.channel == deskterm::desk::Channel::Sms
    ));

    c.ui.press(":").await;
    c.ui.type_text("section resolved").await;
    c.ui.press("enter").await;
    let mut ids: Vec<String> = visible(&c).iter().map(|t| t.id.0.to_string()).collect();
    ids.sort();
    let expected = on_the_desk(&c, "status:resolved updated:<7d").await;
    assert!(
        !expected.is_empty(),
        "the seed has tickets resolved this week"
    );
    assert_eq!(ids, expected);
    assert!(
        visible(&c)
            .iter()
            .all(|t| t.status.kind == StatusKind::Resolved)
    );
    let screen = c.ui.screen();
    assert!(
        screen.contains("Status") && screen.contains("School"),
        "{screen}"
    );
    assert!(screen.contains("resolved"), "{screen}");
    // Opening one works as from any tab.
    c.ui.press("enter").await;
    assert!(c.ui.state.screen.ticket().is_some());
}

#[tokio::test]
async fn search_runs_on_the_whole_desk_as_a_tab_and_esc_closes_it() {
    let mut c = common::console(100, 30).await;
    let tabs = c.ui.state.sections.len();
    c.ui.press("f").await;
    c.ui.type_text("status:resolved,closed bus").await;
    c.ui.press("enter").await;
    assert_eq!(c.ui.state.sections.len(), tabs + 1);
    let section = &c.ui.state.sections[c.ui.state.section];
    assert!(
        section.search && section.name.starts_with("Search: "),
        "{}",
        section.name
    );
    let mut ids: Vec<String> = visible(&c).iter().map(|t| t.id.0.to_string()).collect();
    ids.sort();
    let expected = on_the_desk(&c, "status:resolved,closed bus").await;
    assert!(!expected.is_empty());
    assert_eq!(ids, expected);
    let said: Vec<String> =
        c.ui.state
            .messages
            .newest_first()
            .map(|m| m.text.clone())
            .collect();
    assert!(
        said.iter()
            .any(|m| m.contains("found, searched on the desk")),
        "{said:?}"
    );

    // Every status when the search names none.
    c.ui.press(":").await;
    c.ui.type_text("search bus").await;
    c.ui.press("enter").await;
    assert_eq!(c.ui.state.sections.len(), tabs + 1, "one search at a time");
    let kinds: std::collections::HashSet<_> = visible(&c).iter().map(|t| t.status.kind).collect();
    assert!(kinds.len() > 1, "{kinds:?}");

    // A mistake is said, with where.
    c.ui.press(":").await;
    c.ui.type_text("search status:opne").await;
    c.ui.press("enter").await;
    let flash = c.ui.state.flash.clone().unwrap().text;
    assert!(flash.contains("column 8"), "{flash}");

    c.ui.press("esc").await;
    assert_eq!(c.ui.state.sections.len(), tabs);
    assert_eq!(c.ui.state.section, 0);
}
