//! Hostile text at full size: the sanitiser on 10 MB full of escape
//! sequences, HTML 100,000 levels deep, and one frame of the ticket view
//! holding a 10 MB body and a 100,000-character line.
//!
//! `cargo bench --bench hostile`

use deskterm::layout::Area;
use divan::Bencher;
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use deskterm::desk::*;
use deskterm::sla::SlaClocks;
use deskterm::state::State;
use deskterm::state::ticket::TicketView;
use deskterm::text::{SafeText, html, sanitize_block};

mod common;

fn main() {
    divan::main();
}

const MB: usize = 1024 * 1024;

/// 10 MB of text with a colour change, a clipboard write, a title change,
/// a bell and a bidi override every few dozen bytes.
fn poisoned(size: usize) -> String {
    let chunk = "Printer on \x1b[31mfire\x1b[0m \x1b]52;c;ZXZpbA==\x07 \x1b]0;owned\x07 \x07 \u{202e}gnp.exe\n";
    chunk.repeat(size / chunk.len())
}

#[divan::bench(sample_count = 10)]
fn sanitise_10_mb_of_escapes(bencher: Bencher) {
    let text = poisoned(10 * MB);
    bencher.bench(|| sanitize_block(&text).len());
}

#[divan::bench(sample_count = 10)]
fn html_100_000_levels_deep(bencher: Bencher) {
    let html = format!(
        "{}x{}",
        "<div><b>".repeat(100_000),
        "</b></div>".repeat(100_000)
    );
    bencher.bench(|| html::to_text(&html).len());
}

fn state_with(detail: TicketDetail, width: u16, height: u16) -> State {
    let settings = common::settings();
    let now: Timestamp = "2026-03-02T17:30:00Z".parse().expect("now");
    let mut state = State::new(settings, now, Area::new(0, 0, width, height));
    let mut view = TicketView::new(detail.summary.id.clone(), Some(detail.summary.clone()), 1);
    view.detail = Some(detail);
    // Laid out once, as on arrival; then each frame styles what it shows.
    view.lines = std::sync::Arc::new(deskterm::layout::ticket::lay_out(
        &view,
        &jiff::tz::TimeZone::UTC,
        usize::from(width),
    ));
    view.laid_out = Some(usize::from(width));
    state.screen.show_ticket(view);
    state
}

fn huge_ticket() -> TicketDetail {
    let now: Timestamp = "2026-03-02T17:30:00Z".parse().expect("now");
    let summary = TicketSummary {
        id: TicketId("1".into()),
        key: SafeText::line("#1"),
        subject: SafeText::line("A very long message"),
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
    let entry = |body: SafeText| Entry {
        kind: EntryKind::Reply,
        author: SafeText::line("Maria Lopez"),
        by_agent: false,
        at: now,
        body,
        attachments: Vec::new(),
        status: None,
    };
    TicketDetail {
        summary,
        entries: vec![
            entry(SafeText::block(&"x".repeat(100_000))),
            entry(SafeText::block(&poisoned(10 * MB))),
        ],
        custom_fields: Vec::new(),
    }
}

/// Laying the conversation out, once, when it arrives or the window changes.
#[divan::bench(sample_count = 10)]
fn lay_out_a_10_mb_conversation(bencher: Bencher) {
    let state = state_with(huge_ticket(), 80, 24);
    let view = state.screen.ticket().expect("view");
    bencher.bench(|| deskterm::layout::ticket::lay_out(view, &jiff::tz::TimeZone::UTC, 80).len());
}

#[divan::bench(args = [(80, 24), (200, 50)], sample_count = 10)]
fn ticket_frame_with_a_10_mb_body(bencher: Bencher, size: (u16, u16)) {
    let state = state_with(huge_ticket(), size.0, size.1);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    bencher.bench_local(|| {
        terminal
            .draw(|frame| deskterm::ui::render(frame, &state))
            .expect("draw");
    });
}
