//! The help overlay, generated from the live keymap and the command table,
//! so it lists exactly what the keys do now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::layout;
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::state::State;
use crate::state::command::COMMANDS;
use crate::text::width::cells;

const KEYS_WIDTH: usize = 24;

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(cells(text))))
}

pub fn lines(state: &State) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let heading = |text: &str| Line::from(Span::styled(text.to_string(), theme.style(Role::Title)));
    let binding = |keys: &str, what: String| {
        Line::from(vec![
            Span::styled(
                pad(&format!("  {keys}"), KEYS_WIDTH),
                theme.style(Role::Key),
            ),
            Span::styled(what, theme.style(Role::Text)),
        ])
    };
    // The view on screen first.
    let contexts = if state.ticket.is_some() {
        [Context::Ticket, Context::Queue, Context::Global]
    } else {
        [Context::Queue, Context::Ticket, Context::Global]
    };
    let mut lines = Vec::new();
    for context in contexts {
        lines.push(heading(context.title()));
        let mut digits = String::new();
        for (action, keys) in state.keymap.bound_in(context) {
            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
            // Tabs bound to their own digit share one line.
            if let Action::Section(n) = action
                && keys == [n.to_string()]
            {
                if digits.is_empty() {
                    lines.push(Line::default());
                }
                digits.push_str(&keys[0]);
                let range = match (digits.chars().next(), digits.chars().last()) {
                    (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
                    _ => digits.clone(),
                };
                if let Some(line) = lines.last_mut() {
                    *line = binding(&range, format!("section tab {range}"));
                }
                continue;
            }
            lines.push(binding(&keys.join(", "), action.describe()));
        }
        lines.push(Line::default());
    }
    lines.push(heading("Commands (type : first)"));
    for spec in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(
                pad(&format!("  {}", spec.usage), 44),
                theme.style(Role::Key),
            ),
            Span::styled(spec.help.to_string(), theme.style(Role::Text)),
        ]));
    }
    lines.push(Line::default());
    lines.push(heading("Typing in the filter or the command line"));
    lines.push(Line::from(Span::styled(
        "  enter keeps · esc cancels · tab completes · ctrl-w deletes a word · ctrl-u clears",
        theme.style(Role::Text),
    )));
    lines
}

pub fn line_count(state: &State) -> usize {
    lines(state).len()
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, scroll: usize) {
    let theme = &state.theme;
    let popup = layout::centered(area, 100, area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(
            " Help · ? or esc closes · j/k scroll ",
            theme.style(Role::Title),
        ))
        .border_style(theme.style(Role::Border))
        .style(theme.style(Role::Popup));
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(lines(state))
            .block(block)
            .scroll((scroll, 0)),
        popup,
    );
}
