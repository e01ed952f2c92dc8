//! The status line: profile, connection, counts, last refresh, and messages.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::layout::format;
use crate::state::{Connection, State};
use crate::text::width::{cells, truncate};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.settings.theme;
    let width = usize::from(area.width);
    let (mark, role) = match &state.connection {
        Connection::Connecting => ("◌ connecting", Role::Muted),
        Connection::Live => ("● live", Role::Live),
        Connection::Offline(_) => ("✕ offline", Role::Offline),
    };
    // What is shown came from the cache until the desk answers.
    let mark = match state.stale_since {
        Some(at) => format!("{mark} · cached {}", format::age(state.now, at)),
        None => mark.to_string(),
    };
    let counts = &state.held.counts;
    // Which desk, where its credential came from, and whether writes are off.
    let mut badge = format!(" {}", state.settings.profile);
    if let Some(store) = &state.settings.credential {
        badge.push_str(&format!(" · {store}"));
    }
    if state.settings.read_only.is_some() {
        badge.push_str(" · read-only");
    }
    badge.push(' ');
    let mut left = vec![
        Span::styled(badge, theme.style(Role::TabActive)),
        Span::raw(" "),
        Span::styled(mark, theme.style(role)),
        Span::raw("  "),
        Span::raw(format!("{} open", counts.open)),
        Span::raw(" · "),
        Span::styled(
            format!("{} at risk", counts.at_risk),
            theme.style(if counts.at_risk > 0 {
                Role::SlaWarn
            } else {
                Role::StatusBar
            }),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("{} breached", counts.breached),
            theme.style(if counts.breached > 0 {
                Role::SlaBreached
            } else {
                Role::StatusBar
            }),
        ),
    ];
    if let Some(at) = state.last_refresh {
        left.push(Span::raw(format!("  ↻ {}", format::age(state.now, at))));
    }
    let marks = state.marked().len();
    if marks > 0 {
        left.push(Span::styled(
            format!("  ● {marks} marked"),
            theme.style(Role::Marked),
        ));
    }
    let used: usize = left.iter().map(|s| cells(&s.content)).sum();
    let room = width.saturating_sub(used + 2);
    // An error first, then a write waiting (with its undo countdown), then news.
    // A message matters more than the counts: it may take all but the
    // profile and the connection.
    let essential: usize = left.iter().take(3).map(|s| cells(&s.content)).sum();
    // Cut to fit, a message says where it can be read whole.
    let flash = |text: &str, role: Role| {
        let max = room.max(width.saturating_sub(essential + 3));
        let text = if cells(text) > max && max > 30 {
            format!("{} :messages", truncate(text, max - 10))
        } else {
            truncate(text, max)
        };
        Span::styled(format!(" {text} "), theme.style(role))
    };
    let right = match (&state.flash, state.outgoing_summary()) {
        (Some(f), _) if f.error => flash(&f.text, Role::Error),
        (_, Some(waiting)) => flash(&waiting, Role::Accent),
        (Some(f), None) => flash(&f.text, Role::Info),
        (None, None) => {
            let keys = &state.settings.keymap;
            let hint = format!(
                "{} help  {} command  {} filter ",
                keys.hint(Context::Queue, Action::Help),
                keys.hint(Context::Queue, Action::Command),
                keys.hint(Context::Queue, Action::Filter),
            );
            Span::styled(truncate(&hint, room), theme.style(Role::Muted))
        }
    };
    let right_width = cells(&right.content);
    let mut spans = if used + right_width + 1 > width {
        // Not enough room for both: keep the profile and connection.
        left.truncate(3);
        left
    } else {
        left
    };
    let used: usize = spans.iter().map(|s| cells(&s.content)).sum();
    spans.push(Span::raw(
        " ".repeat(width.saturating_sub(used + right_width)),
    ));
    spans.push(right);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.style(Role::StatusBar)),
        area,
    );
}
