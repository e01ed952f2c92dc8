//! The dashboard drawn: the title row, then the page of panels that
//! [`crate::layout::dash`] places (one column at 80 wide, two from 120),
//! the chosen figure marked with `›` as well as its colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::layout;
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::layout::dash::{items, pages};
use crate::state::State;
use crate::text::width::truncate;

pub fn render(frame: &mut Frame, top: Rect, body: Rect, state: &State) {
    let theme = &state.settings.theme;
    let Some(view) = state.screen.dash() else {
        return;
    };
    let (panels, pages) = pages(state, body.into());
    let page = view.page.min(pages.len().saturating_sub(1));
    let chosen = items(state).get(view.cursor).cloned();
    let keys = &state.settings.keymap;
    let title = format!(
        " Dashboard · {} open · page {} of {} · {} pages, {} opens, {} back",
        state.dashboard.open,
        page + 1,
        pages.len(),
        keys.hint(Context::Dashboard, Action::NextPage),
        keys.hint(Context::Dashboard, Action::Open),
        keys.hint(Context::Dashboard, Action::Back),
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            truncate(&title, usize::from(top.width)),
            theme.style(Role::Title),
        ))),
        top,
    );
    let mut item = 0;
    for (p, placed) in pages.iter().enumerate() {
        for place in placed {
            let panel = &panels[place.panel];
            let selected: Option<usize> =
                panel.items.iter().enumerate().find_map(|(n, (line, _))| {
                    let here = chosen.as_ref().is_some_and(|(_, pi, _)| *pi == place.panel)
                        && view.cursor == item + n;
                    here.then_some(*line)
                });
            item += panel.items.len();
            if p != page {
                continue;
            }
            let mut lines = vec![Line::from(Span::styled(
                format!(" {}", panel.title),
                theme.style(Role::TabActive),
            ))];
            for (n, line) in panel.lines.iter().enumerate() {
                let mut line = layout::line(line.clone(), theme);
                if selected == Some(n) {
                    line = line.style(theme.style(Role::Selected));
                    // The row itself says it is chosen, colour or not.
                    if let Some(first) = line.spans.first_mut() {
                        first.content =
                            format!("›{}", first.content.trim_start_matches(' ')).into();
                    }
                }
                lines.push(line);
            }
            frame.render_widget(Paragraph::new(lines), Rect::from(place.area));
        }
    }
}
