//! Boxes over the screen: the fuzzy picker, the question asked before a
//! write goes on top of someone else's change, and a bulk change's results.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::layout;
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::state::State;
use crate::state::picker::Picker;
use crate::state::writes::{Confirm, Results};
use crate::text::width::{cells, fit, truncate, wrap};

fn frame_box(frame: &mut Frame, area: Rect, state: &State, title: &str, hint: &str) -> Rect {
    let theme = &state.settings.theme;
    let block = Block::bordered()
        .title(Span::styled(format!(" {title} "), theme.style(Role::Title)))
        .title_bottom(
            Line::from(Span::styled(format!(" {hint} "), theme.style(Role::Muted))).right_aligned(),
        )
        .border_style(theme.style(Role::Border))
        .style(theme.style(Role::Popup));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    inner
}

pub fn picker(frame: &mut Frame, area: Rect, state: &State, picker: &Picker) {
    let keys = &state.settings.keymap;
    let theme = &state.settings.theme;
    let rows = picker.options.len().min(14) as u16;
    let popup = layout::centered(area, 72, rows + 4);
    let inner = frame_box(
        frame,
        popup,
        state,
        &picker.title,
        &format!(
            "type to narrow · {}{} · {} chooses · {}",
            keys.arrow_hint(Context::Picker, Action::Up),
            keys.arrow_hint(Context::Picker, Action::Down),
            keys.hint(Context::Picker, Action::Choose),
            keys.hint(Context::Picker, Action::Back),
        ),
    );
    if inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    let typed = picker.input.text();
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", theme.style(Role::Prompt)),
        Span::styled(typed.to_string(), theme.style(Role::Text)),
    ])];
    let visible = usize::from(inner.height.saturating_sub(1));
    let start = picker.cursor.saturating_sub(visible.saturating_sub(1));
    if picker.shown.is_empty() {
        lines.push(Line::from(Span::styled(
            "  no match",
            theme.style(Role::Muted),
        )));
    }
    for (row, &i) in picker.shown.iter().enumerate().skip(start).take(visible) {
        let option = &picker.options[i];
        let label_width = width.min(34);
        let label = fit(&format!(" {}", option.label), label_width);
        let detail = truncate(&option.detail, width.saturating_sub(label_width + 1));
        let selected = row == picker.cursor;
        let (label_role, detail_role) = if selected {
            (Role::Selected, Role::Selected)
        } else {
            (Role::Text, Role::Muted)
        };
        let fill = width.saturating_sub(cells(&label) + cells(&detail) + 1);
        lines.push(Line::from(vec![
            Span::styled(label, theme.style(label_role)),
            Span::styled(format!(" {detail}"), theme.style(detail_role)),
            Span::styled(" ".repeat(fill), theme.style(detail_role)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x
        + 2
        + cells(
            &typed
                .chars()
                .take(picker.input.cursor_chars())
                .collect::<String>(),
        ) as u16;
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}

pub fn confirm(frame: &mut Frame, area: Rect, state: &State, confirm: &Confirm) {
    let keys = &state.settings.keymap;
    let theme = &state.settings.theme;
    let height = confirm.lines.len() as u16 + 4;
    let popup = layout::centered(area, 76, height);
    let inner = frame_box(
        frame,
        popup,
        state,
        &confirm.title,
        &format!(
            "{} applies anyway · {} leaves it",
            keys.hint(Context::Confirm, Action::Yes),
            keys.hint_any(Context::Confirm, &[Action::No], 2),
        ),
    );
    let mut lines: Vec<Line> = confirm
        .lines
        .iter()
        .map(|l| Line::from(Span::styled(format!(" • {l}"), theme.style(Role::Text))))
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(" Still ", theme.style(Role::Text)),
        Span::styled(confirm.item.label.clone(), theme.style(Role::Accent)),
        Span::styled("? ", theme.style(Role::Text)),
        Span::styled("y", theme.style(Role::Key)),
        Span::styled(" / ", theme.style(Role::Text)),
        Span::styled("n", theme.style(Role::Key)),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn results(frame: &mut Frame, area: Rect, state: &State, results: &Results) {
    let theme = &state.settings.theme;
    let height = (results.rows.len() as u16 + 2).min(area.height.saturating_sub(2));
    let popup = layout::centered(area, 90, height);
    let keys = &state.settings.keymap;
    let closes = format!(
        "{} or {} closes",
        keys.hint(Context::Help, Action::Open),
        keys.hint(Context::Help, Action::Back),
    );
    let inner = frame_box(frame, popup, state, &results.title, &closes);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = results
        .rows
        .iter()
        .map(|(ticket, outcome)| match outcome {
            Ok(()) => Line::from(vec![
                Span::styled(" ✓ ", theme.style(Role::Live)),
                Span::styled(
                    truncate(ticket, width.saturating_sub(3)),
                    theme.style(Role::Text),
                ),
            ]),
            Err(reason) => Line::from(vec![
                Span::styled(" ✕ ", theme.style(Role::Offline)),
                Span::styled(truncate(ticket, width / 2), theme.style(Role::Text)),
                Span::styled(
                    truncate(&format!("  {reason}"), width.saturating_sub(width / 2 + 3)),
                    theme.style(Role::Error),
                ),
            ]),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What a background command printed, from the line scrolled to.
pub fn output(frame: &mut Frame, area: Rect, state: &State, title: &str, lines: &[String]) {
    let keys = &state.settings.keymap;
    let theme = &state.settings.theme;
    let popup = layout::centered(area, 100, area.height.saturating_sub(2));
    let inner = frame_box(
        frame,
        popup,
        state,
        title,
        &format!(
            "{}{} scroll · {} closes",
            keys.arrow_hint(Context::Help, Action::Up),
            keys.arrow_hint(Context::Help, Action::Down),
            keys.hint(Context::Help, Action::Back),
        ),
    );
    let width = usize::from(inner.width);
    let shown: Vec<Line> = lines
        .iter()
        .take(usize::from(inner.height))
        .map(|l| Line::from(Span::styled(truncate(l, width), theme.style(Role::Text))))
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// `:messages`: what the status line said, newest first, each whole, with
/// the desk's or the network's own words under it.
pub fn messages(frame: &mut Frame, area: Rect, state: &State, first: usize) {
    let keys = &state.settings.keymap;
    let theme = &state.settings.theme;
    let popup = layout::centered(area, 100, area.height.saturating_sub(2));
    let inner = frame_box(
        frame,
        popup,
        state,
        &format!("Messages · {} · newest first", state.messages.len()),
        &format!(
            "{}{} scroll · {} closes",
            keys.arrow_hint(Context::Help, Action::Up),
            keys.arrow_hint(Context::Help, Action::Down),
            keys.hint(Context::Help, Action::Back),
        ),
    );
    let width = usize::from(inner.width).saturating_sub(1);
    let mut lines = Vec::new();
    for message in state.messages.newest_first().skip(first) {
        let when = crate::layout::format::wall(message.at, state.now, &state.settings.time_zone);
        let times = match message.times {
            1 => String::new(),
            n => format!(" (×{n})"),
        };
        let role = if message.error {
            Role::Error
        } else {
            Role::Text
        };
        let lead = cells(&when) + 2;
        let text = format!("{}{times}", message.text);
        for (i, line) in wrap(&text, width.saturating_sub(lead))
            .into_iter()
            .enumerate()
        {
            let margin = if i == 0 {
                format!(" {when} ")
            } else {
                " ".repeat(lead)
            };
            lines.push(Line::from(vec![
                Span::styled(margin, theme.style(Role::Muted)),
                Span::styled(line, theme.style(role)),
            ]));
        }
        if let Some(detail) = &message.detail {
            for line in wrap(detail, width.saturating_sub(lead + 2)) {
                lines.push(Line::from(Span::styled(
                    format!("{}  {line}", " ".repeat(lead)),
                    theme.style(Role::Muted),
                )));
            }
        }
        if lines.len() >= usize::from(inner.height) {
            break;
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `:outbox`: every write not yet on the desk, and those it refused.
pub fn outbox(frame: &mut Frame, area: Rect, state: &State, cursor: usize) {
    let keys = &state.settings.keymap;
    let theme = &state.settings.theme;
    let rows = state.outbox_rows();
    let height = (rows.len() as u16 * 2 + 2).min(area.height.saturating_sub(2));
    let popup = layout::centered(area, 100, height);
    let inner = frame_box(
        frame,
        popup,
        state,
        &format!("Outbox · {} not on the desk", rows.len()),
        &format!(
            "{} retries · {} edits · {} discards · {}",
            keys.hint(Context::Outbox, Action::Retry),
            keys.hint(Context::Outbox, Action::EditWrite),
            keys.hint(Context::Outbox, Action::Discard),
            keys.hint(Context::Outbox, Action::Back),
        ),
    );
    let width = usize::from(inner.width);
    let shown = usize::from(inner.height / 2).max(1);
    let first = cursor.saturating_sub(shown - 1);
    let mut lines = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(first).take(shown) {
        let (role, muted) = if i == cursor {
            (Role::Selected, Role::Selected)
        } else {
            (Role::Text, Role::Muted)
        };
        let state_role = if row.state.starts_with("refused") {
            Role::Error
        } else {
            muted
        };
        let head = format!(" {} · {}", row.label, row.ticket);
        lines.push(Line::from(Span::styled(
            truncate(&head, width),
            theme.style(role),
        )));
        lines.push(Line::from(Span::styled(
            truncate(&format!("   {}", row.state), width),
            theme.style(if i == cursor { role } else { state_role }),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `q` while writes cannot go.
pub fn quit_pending(frame: &mut Frame, area: Rect, state: &State) {
    let keys = &state.settings.keymap;
    let theme = &state.settings.theme;
    let unsent = state.unsent();
    let popup = layout::centered(area, 76, 7);
    let inner = frame_box(
        frame,
        popup,
        state,
        "Quit with writes not sent?",
        &format!(
            "{} quits · {} stays",
            keys.hint(Context::Confirm, Action::Yes),
            keys.hint_any(Context::Confirm, &[Action::No], 3),
        ),
    );
    let one = unsent == 1;
    let (writes, stays) = if one {
        ("write is", "It stays in the outbox and is sent")
    } else {
        ("writes are", "They stay in the outbox and are sent")
    };
    let lines = vec![
        Line::from(Span::styled(
            format!(
                " {unsent} {writes} not on the desk yet ({}).",
                why_stuck(state, one)
            ),
            theme.style(Role::Text),
        )),
        Line::from(Span::styled(
            format!(" {stays} when deskterm starts again."),
            theme.style(Role::Text),
        )),
        Line::default(),
        Line::from(vec![
            Span::styled(" Quit now? ", theme.style(Role::Text)),
            Span::styled("y", theme.style(Role::Key)),
            Span::styled(" / ", theme.style(Role::Text)),
            Span::styled("n", theme.style(Role::Key)),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

fn why_stuck(state: &State, one: bool) -> &'static str {
    if state.settings.read_only.is_some() {
        "writes are off: read-only"
    } else if state.outbox.signed_out {
        "the desk refused the credential"
    } else if matches!(state.connection, crate::state::Connection::Offline(_)) {
        "the desk cannot be reached"
    } else if one {
        "the desk did not take it yet"
    } else {
        "the desk did not take them yet"
    }
}

/// `:login`: a new token, shown as dots.
pub fn sign_in(frame: &mut Frame, area: Rect, state: &State, typed: usize) {
    let theme = &state.settings.theme;
    let popup = layout::centered(area, 72, 5);
    let inner = frame_box(
        frame,
        popup,
        state,
        &format!("Sign in to {} again", state.settings.profile),
        "enter checks and keeps it · esc",
    );
    let lines = vec![
        Line::from(Span::styled(
            " A new token (RT: Logged in as → Settings → Auth Tokens):",
            theme.style(Role::Text),
        )),
        Line::from(vec![
            Span::styled(" › ", theme.style(Role::Prompt)),
            Span::styled("•".repeat(typed.min(40)), theme.style(Role::Text)),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}
