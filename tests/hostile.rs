//! Hostile text at full size through the console: a ticket whose subject
//! and body carry escape sequences, a 100,000-character line and a 10 MB
//! body arrives, is laid out once, drawn, scrolled to the end and back, and
//! never lets an escape through or draws past the window.
#![allow(clippy::unwrap_used)]

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskterm::layout::Area;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use deskterm::desk::*;
use deskterm::sla::SlaClocks;
use deskterm::state::{DeskReply, Effect, Msg, State, update};
use deskterm::text::SafeText;

const MB: usize = 1024 * 1024;

fn hostile_ticket() -> TicketDetail {
    let now = common::now();
    let poison = "Printer \x1b[31mon fire\x1b[0m \x1b]52;c;ZXZpbA==\x07\x1b]0;owned\x07 \u{202e}txt.exe\u{9b}2J\n";
    let summary = TicketSummary {
        id: TicketId("66".into()),
        key: SafeText::line("#66"),
        subject: SafeText::line("\x1b]0;pwned\x07URGENT \x1b[5mread me\x1b[0m"),
        status: Status::new(StatusKind::Open),
        priority: Priority::new(PriorityLevel::Urgent),
        queue: QueueRef {
            id: QueueId("1".into()),
            name: SafeText::line("IT"),
        },
        owner: None,
        requester: Requester {
            name: SafeText::line("Mallory\x1b[2K"),
            email: SafeText::line("mallory@example.org"),
            role: RequesterRole::Community,
            organisation: None,
            phone: None,
        },
        channel: Channel::Web,
        created: now,
        updated: now,
        first_response_at: None,
        resolved_at: None,
        sla: SlaClocks::default(),
        tags: Vec::new(),
        worked_minutes: 0,
        fields: Vec::new(),
        linked: false,
        version: Version("1".into()),
    };
    let entry = |body: &str| Entry {
        kind: EntryKind::Reply,
        author: SafeText::line("Mallory"),
        by_agent: false,
        at: now,
        body: SafeText::block(body),
        attachments: Vec::new(),
        status: None,
    };
    TicketDetail {
        summary,
        entries: vec![
            entry(&"A".repeat(100_000)),
            entry(&poison.repeat(10 * MB / poison.len())),
        ],
        custom_fields: Vec::new(),
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn screen(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| deskterm::ui::render(frame, state))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

#[test]
fn a_ten_megabyte_poisoned_ticket_is_drawn_safely_and_scrolls() {
    let mut state = State::new(
        common::settings("dark"),
        common::now(),
        Area::new(0, 0, 80, 24),
    );
    let detail = hostile_ticket();
    let load = state
        .start()
        .into_iter()
        .find_map(|e| match e {
            Effect::Search { request, .. } => Some(request),
            _ => None,
        })
        .unwrap();
    let effects = update(
        &mut state,
        Msg::Desk(DeskReply::Page {
            request: load,
            page: PageRequest::first(100),
            result: Ok(Page {
                items: vec![detail.summary.clone()],
                total: None,
                more: false,
            }),
        }),
        common::now(),
    );
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Search { .. })),
        "one page"
    );
    let effects = update(&mut state, key(KeyCode::Enter), common::now());
    let request = common::load_ticket_request(&effects);
    update(
        &mut state,
        Msg::Desk(DeskReply::Ticket {
            request,
            result: Ok(Box::new(detail)),
            cached: None,
        }),
        common::now(),
    );
    let view = state.screen.ticket().unwrap();
    assert_eq!(view.laid_out, Some(80), "laid out once, on arrival");
    assert!(view.lines.len() > 100_000);
    for keys in [
        vec![],
        vec![KeyCode::End],
        vec![KeyCode::PageUp, KeyCode::Home],
    ] {
        for code in keys {
            update(&mut state, key(code), common::now());
        }
        let text = screen(&state);
        assert!(
            !text.contains('\x1b') && !text.contains('\u{9b}'),
            "an escape got through"
        );
        assert!(!text.contains('\u{202e}'), "a bidi override got through");
        assert!(!text.contains('\x07'));
        assert!(text.contains("URGENT read me"), "{text}");
    }
}
