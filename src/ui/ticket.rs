//! The ticket view: a header with the fields and SLA clocks, then the
//! conversation. Public replies, internal notes and events look different
//! even without colour: a thin bar, a labelled thick bar, a bullet line.
//! Quoted mail is dimmed behind a `┆` and, from three lines, folded into
//! one line until the toggle-quotes key shows it. What the rows say and
//! how many there are comes from [`crate::layout::ticket`]; here they are
//! styled and drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::layout;
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::{Role, Theme};
use crate::layout::ticket::{
    QUOTE_BAR, compose_height, conversation, header_lines, split, title_lines,
};
use crate::state::State;
use crate::state::ticket::{ConvLine, TicketView};
use crate::text::width::{cells, truncate};

/// The entry's bar: thin for a reply, thick for a note.
fn bar(note: bool) -> (&'static str, Role) {
    if note {
        ("┃ ", Role::Note)
    } else {
        ("│ ", Role::Reply)
    }
}

/// One laid-out line, styled; `unfold` names the key that shows quotes.
fn styled(line: &ConvLine, theme: &Theme, unfold: &str, width: usize) -> Line<'static> {
    match line {
        ConvLine::Problem(text) => Line::from(Span::styled(text.clone(), theme.style(Role::Error))),
        ConvLine::Muted(text) => Line::from(Span::styled(text.clone(), theme.style(Role::Muted))),
        ConvLine::Event(text) => Line::from(Span::styled(text.clone(), theme.style(Role::Event))),
        ConvLine::ReplyHeader { author, rest } => Line::from(vec![
            Span::styled("│ ", theme.style(Role::ReplyHeader)),
            Span::styled(author.clone(), theme.style(Role::ReplyHeader)),
            Span::styled(rest.clone(), theme.style(Role::Muted)),
        ]),
        ConvLine::NoteHeader(rest) => Line::from(vec![
            Span::styled("┃ ", theme.style(Role::Note)),
            Span::styled(" INTERNAL NOTE ", theme.style(Role::NoteHeader)),
            Span::styled(rest.clone(), theme.style(Role::Muted)),
        ]),
        ConvLine::Body { note, text } => {
            let (bar, role) = bar(*note);
            Line::from(vec![
                Span::styled(bar, theme.style(role)),
                Span::styled(text.clone(), theme.style(role)),
            ])
        }
        ConvLine::Quote { note, text } => {
            let (bar, role) = bar(*note);
            Line::from(vec![
                Span::styled(bar, theme.style(role)),
                Span::styled(QUOTE_BAR, theme.style(Role::Muted)),
                Span::styled(text.clone(), theme.style(Role::Muted)),
            ])
        }
        ConvLine::Folded { note, lines } => {
            let (bar, role) = bar(*note);
            let what = if *lines == 1 { "line" } else { "lines" };
            let room = width.saturating_sub(cells(bar) + cells(QUOTE_BAR));
            Line::from(vec![
                Span::styled(bar, theme.style(role)),
                Span::styled(QUOTE_BAR, theme.style(Role::Muted)),
                Span::styled(
                    truncate(
                        &format!("… {lines} quoted {what} ({unfold} shows them)"),
                        room,
                    ),
                    theme.style(Role::Muted),
                ),
            ])
        }
        ConvLine::Blank => Line::default(),
    }
}

fn separator(theme: &Theme, width: usize, position: &str) -> Line<'static> {
    let title = " Conversation ";
    let fill = width.saturating_sub(cells(title) + cells(position) + 3);
    Line::from(vec![
        Span::styled("──", theme.style(Role::Border)),
        Span::styled(title, theme.style(Role::Title)),
        Span::styled("─".repeat(fill), theme.style(Role::Border)),
        Span::styled(position.to_string(), theme.style(Role::Muted)),
        Span::styled("─", theme.style(Role::Border)),
    ])
}

pub fn render(frame: &mut Frame, top: Rect, body: Rect, state: &State, view: &TicketView) {
    let theme = &state.settings.theme;
    let width = usize::from(body.width);
    let title = title_lines(view, width)
        .into_iter()
        .next()
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(title, theme.style(Role::Title)))),
        top,
    );

    let (header_rows, rows) = split(state, view);
    let mut lines = match view.summary() {
        Some(summary) => layout::lines(header_lines(view, summary, state, width), theme),
        None => vec![Line::from(Span::styled(
            "  Loading…",
            theme.style(Role::Muted),
        ))],
    };
    let conversation = conversation(view, state, width);
    let scroll = view.scroll.min(conversation.len().saturating_sub(rows));
    let position = if conversation.len() > rows {
        format!(
            " {}-{} of {} ",
            scroll + 1,
            (scroll + rows).min(conversation.len()),
            conversation.len()
        )
    } else {
        String::new()
    };
    lines.truncate(header_rows.saturating_sub(1));
    lines.push(separator(theme, width, &position));
    let unfold = state
        .settings
        .keymap
        .key_for(Context::Ticket, Action::ToggleQuotes)
        .map_or_else(|| Action::ToggleQuotes.name(), |k| k.to_string());
    lines.extend(
        conversation
            .iter()
            .skip(scroll)
            .take(rows)
            .map(|line| styled(line, theme, &unfold, width)),
    );
    frame.render_widget(Paragraph::new(lines), body);
    if let Some(compose) = state.screen.compose() {
        let height = compose_height(state, body.height);
        let area = Rect::new(body.x, body.y + body.height - height, body.width, height);
        super::compose::render(frame, area, state, compose);
    }
}
