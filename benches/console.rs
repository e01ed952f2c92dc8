//! The console holding 100,000 tickets (a generated demo desk, every ticket
//! made active so all of them are held): one queue frame, one filter
//! keystroke, a re-sort by SLA, an incremental refresh of 100 changed
//! tickets, and opening a ticket of 500 entries. The budgets in DESIGN.md:
//! a frame under 2 ms, a keystroke under 10 ms.
//!
//! `cargo bench --bench console`; `DESKTERM_BENCH_SCALE=1000000 cargo bench
//! --bench console` holds a million.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskterm::layout::Area;
use divan::Bencher;
use jiff::SignedDuration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use deskterm::desk::*;
use deskterm::state::{DeskReply, Effect, Msg, State, update};
use deskterm::text::SafeText;

use common::now;

fn main() {
    divan::main();
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Every ticket of the generated desk, all of them active.
fn all_active() -> Vec<TicketSummary> {
    common::desk_tickets()
        .iter()
        .cloned()
        .map(|mut t| {
            if !t.status.kind.is_active() {
                t.status = Status::new(StatusKind::Open);
            }
            t
        })
        .collect()
}

/// The console after its first load: every ticket held, sorted by SLA.
fn loaded(width: u16, height: u16) -> State {
    loaded_with(common::settings(), width, height)
}

fn loaded_with(settings: deskterm::state::Settings, width: u16, height: u16) -> State {
    let mut state = State::new(settings, now(), Area::new(0, 0, width, height));
    let request = state
        .start()
        .iter()
        .find_map(|e| match e {
            Effect::Search { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the first page is asked for");
    let page = Page {
        items: all_active(),
        total: None,
        more: false,
    };
    update(
        &mut state,
        Msg::Desk(DeskReply::Page {
            request,
            page: PageRequest::first(500),
            result: Ok(page),
        }),
        now(),
    );
    assert!(state.held.tickets.len() >= common::tickets());
    state
}

/// One frame of the queue, as after each event.
#[divan::bench(args = [(80, 24), (200, 50)], sample_count = 50)]
fn queue_frame(bencher: Bencher, size: (u16, u16)) {
    let state = loaded(size.0, size.1);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    bencher.bench_local(|| {
        terminal
            .draw(|frame| deskterm::ui::render(frame, &state))
            .expect("draw");
    });
}

/// One key typed into the `/` filter (or taken back), over every ticket.
#[divan::bench(sample_count = 50)]
fn filter_keystroke(bencher: Bencher) {
    let mut state = loaded(200, 50);
    update(&mut state, key(KeyCode::Char('/')), now());
    update(&mut state, key(KeyCode::Char('b')), now());
    let mut typed = true;
    bencher.bench_local(|| {
        // "b" then "bu" then "b" …: each keystroke narrows or widens.
        let msg = if typed {
            key(KeyCode::Char('u'))
        } else {
            key(KeyCode::Backspace)
        };
        typed = !typed;
        update(&mut state, msg, now());
    });
}

/// Sorting every ticket by SLA again (as when the sort key changes).
#[divan::bench(sample_count = 20)]
fn resort_by_sla(bencher: Bencher) {
    let mut state = loaded(200, 50);
    bencher.bench_local(|| state.resort());
}

/// A refresh that brings 100 changed tickets: each held anew, the queue
/// re-sorted and re-filtered, the counts and the dashboard's tally updated.
#[divan::bench(sample_count = 20)]
fn refresh_of_100_changed_tickets(bencher: Bencher) {
    refresh_100(bencher, loaded(200, 50));
}

/// Three sections of the user's own over the held tickets.
fn own_sections() -> deskterm::state::Settings {
    let mut settings = common::settings();
    settings.sections.specs = [
        ("Parents by text", "role:parent channel:sms,phone"),
        ("Slipping", "sla:at-risk,breached"),
        (
            "Fresh and unowned",
            "owner:nobody updated:<2h priority:high,urgent",
        ),
    ]
    .iter()
    .map(|(name, query)| deskterm::state::sections::SectionSpec {
        name: (*name).into(),
        terms: deskterm::desk::query::text::parse(query).expect("query"),
        sort: None,
        columns: None,
    })
    .collect();
    settings
}

/// Showing a section of one's own (every held ticket checked against its
/// query, SLA level included), then All again.
#[divan::bench(sample_count = 20)]
fn show_an_own_section_and_back(bencher: Bencher) {
    let mut state = loaded_with(own_sections(), 200, 50);
    let slipping = state
        .sections
        .iter()
        .position(|s| s.name == "Slipping")
        .expect("the section");
    bencher.bench_local(|| {
        let _ = state.select_section(slipping);
        let _ = state.select_section(0);
    });
}

/// The same refresh with three sections of the user's own over the held
/// tickets (each changed ticket counted in or out of each).
#[divan::bench(sample_count = 20)]
fn refresh_of_100_changed_with_three_own_sections(bencher: Bencher) {
    refresh_100(bencher, loaded_with(own_sections(), 200, 50));
}

/// One new ticket arriving (a refresh that brings it) with 100,000 held
/// and three sections of the user's own: held, grouped into the floods,
/// counted into each section and placed in the queue. Budget: under 1 ms.
#[divan::bench(sample_count = 200)]
fn one_arrival_with_three_own_sections(bencher: Bencher) {
    let state = loaded_with(own_sections(), 200, 50);
    let template = all_active().pop().expect("a ticket");
    refresh_with(bencher, state, |n| {
        let mut t = template.clone();
        t.id = TicketId(format!("9{n:07}").into());
        t.key = SafeText::line(&format!("#9{n:07}"));
        t.created = now() + SignedDuration::from_secs(n as i64);
        t.updated = t.created;
        vec![t]
    });
}

/// Refreshes each bringing the same 100 tickets changed again.
fn refresh_100(bencher: Bencher, state: State) {
    let mut changed: Vec<TicketSummary> = all_active().into_iter().take(100).collect();
    refresh_with(bencher, state, |n| {
        for t in &mut changed {
            t.updated = now() + SignedDuration::from_secs(n as i64);
            t.version = Version(n.to_string().into());
        }
        changed.clone()
    });
}

/// Refreshes, the nth bringing what `tickets(n)` makes.
fn refresh_with(
    bencher: Bencher,
    mut state: State,
    mut tickets: impl FnMut(u64) -> Vec<TicketSummary>,
) {
    let mut n = 0;
    bencher
        .with_inputs(|| {
            n += 1;
            tickets(n)
        })
        .bench_local_values(|changed| {
            let request = update(&mut state, ctrl('r'), now())
                .iter()
                .find_map(|e| match e {
                    Effect::Refresh { request, .. } => Some(*request),
                    _ => None,
                })
                .expect("a refresh");
            update(
                &mut state,
                Msg::Desk(DeskReply::Changed {
                    request,
                    result: Ok(changed),
                }),
                now(),
            );
        });
}

/// A conversation of 500 entries: replies, notes and events.
fn long_conversation(summary: TicketSummary) -> TicketDetail {
    let entries = (0..500)
        .map(|i| Entry {
            kind: match i % 5 {
                0 => EntryKind::Note,
                1 => EntryKind::Event,
                _ => EntryKind::Reply,
            },
            author: SafeText::line(if i % 2 == 0 {
                "Maria Lopez"
            } else {
                "Sam Okafor"
            }),
            by_agent: i % 2 == 1,
            at: summary.created + SignedDuration::from_mins(i),
            body: SafeText::block(&format!(
                "Message {i}: the projector in room 12 flickers again after the update; \
                 we tried another cable and the spare lamp.\nThanks for looking."
            )),
            attachments: Vec::new(),
            status: None,
        })
        .collect();
    TicketDetail {
        summary,
        entries,
        custom_fields: Vec::new(),
    }
}

/// Enter, the ticket's arrival (laid out once), its first frame, and back.
#[divan::bench(sample_count = 20)]
fn open_a_ticket_of_500_entries(bencher: Bencher) {
    let mut state = loaded(200, 50);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let selected = state
        .queue
        .visible
        .first()
        .and_then(|&i| state.held.tickets.get(i))
        .cloned()
        .expect("a ticket");
    let detail = long_conversation(selected);
    bencher.bench_local(|| {
        let request = update(&mut state, key(KeyCode::Enter), now())
            .iter()
            .find_map(|e| match e {
                Effect::LoadTicket { request, .. } => Some(*request),
                _ => None,
            })
            .expect("the ticket is asked for");
        update(
            &mut state,
            Msg::Desk(DeskReply::Ticket {
                request,
                result: Ok(Box::new(detail.clone())),
                cached: None,
            }),
            now(),
        );
        terminal
            .draw(|frame| deskterm::ui::render(frame, &state))
            .expect("draw");
        update(&mut state, key(KeyCode::Char('q')), now());
    });
}

/// The first key of a filter and Backspace back to none: each looks at
/// every ticket (later keys narrow what the shorter filter found).
#[divan::bench(sample_count = 20)]
fn first_filter_key_and_back(bencher: Bencher) {
    let mut state = loaded(200, 50);
    update(&mut state, key(KeyCode::Char('/')), now());
    bencher.bench_local(|| {
        update(&mut state, key(KeyCode::Char('b')), now());
        update(&mut state, key(KeyCode::Backspace), now());
    });
}

/// The recount every 5 seconds: every clock's level against the time now,
/// for the status line, the section counts and the dashboard.
#[divan::bench(sample_count = 20)]
fn recount_every_level(bencher: Bencher) {
    let mut state = loaded(200, 50);
    bencher.bench_local(|| state.recount());
}
