//! The prompt row: the `/` filter and the `:` command line, with completions.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::config::theme::Role;
use crate::state::{Overlay, State};
use crate::text::width::{cells, truncate};

const MAX_CANDIDATES: usize = 8;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.settings.theme;
    let width = usize::from(area.width);
    if let Some(Overlay::Command(line)) = state.screen.overlay() {
        let text = line.input.text();
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(":", theme.style(Role::Prompt)),
                Span::styled(text.to_string(), theme.style(Role::Text)),
            ])),
            area,
        );
        let before: String = text.chars().take(line.input.cursor_chars()).collect();
        let x = area.x
            + u16::try_from(1 + cells(&before))
                .unwrap_or(area.width)
                .min(area.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(x, area.y));
        render_candidates(frame, area, state, &line.candidates, line.chosen);
        return;
    }
    let queue = &state.queue;
    let text = queue.filter.text();
    let summary = format!(
        " {} of {} · {} ",
        queue.visible.len(),
        state.sections.get(state.section).map_or(0, |s| s.count),
        if queue.filtering {
            "enter keeps · esc clears"
        } else {
            "esc clears"
        }
    );
    let room = width.saturating_sub(cells(&summary) + 1);
    let shown = truncate(text, room.saturating_sub(1));
    let fill = width.saturating_sub(1 + cells(&shown) + cells(&summary));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("/", theme.style(Role::Prompt)),
            Span::styled(shown.clone(), theme.style(Role::Text)),
            Span::raw(" ".repeat(fill)),
            Span::styled(summary, theme.style(Role::Muted)),
        ])),
        area,
    );
    if queue.filtering {
        let before: String = text.chars().take(queue.filter.cursor_chars()).collect();
        let x = 1 + cells(&before).min(cells(&shown));
        frame.set_cursor_position(Position::new(area.x + x as u16, area.y));
    }
}

/// Completion candidates in a box just above the command line.
fn render_candidates(
    frame: &mut Frame,
    prompt: Rect,
    state: &State,
    candidates: &[String],
    chosen: Option<usize>,
) {
    if candidates.is_empty() || prompt.y == 0 {
        return;
    }
    let theme = &state.settings.theme;
    let shown = candidates
        .len()
        .min(MAX_CANDIDATES)
        .min(usize::from(prompt.y));
    let start = chosen.map_or(0, |c| c.saturating_sub(shown - 1));
    let width = candidates.iter().map(|c| cells(c)).max().unwrap_or(0) + 2;
    let width = u16::try_from(width)
        .unwrap_or(prompt.width)
        .min(prompt.width);
    let area = Rect::new(prompt.x, prompt.y - shown as u16, width, shown as u16);
    let lines: Vec<Line> = candidates
        .iter()
        .enumerate()
        .skip(start)
        .take(shown)
        .map(|(i, c)| {
            let role = if Some(i) == chosen {
                Role::Selected
            } else {
                Role::Popup
            };
            Line::from(Span::styled(format!(" {c} "), theme.style(role)))
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).style(theme.style(Role::Popup)), area);
}
