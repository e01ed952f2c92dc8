//! The help overlay: the rows [`crate::layout::help`] generates from the
//! live keymap and the command table, in a scrolled popup.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::layout;
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::state::State;

pub fn render(frame: &mut Frame, area: Rect, state: &State, scroll: usize) {
    let keys = &state.settings.keymap;
    let theme = &state.settings.theme;
    let popup = layout::centered(area, 100, area.height.saturating_sub(2));
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Span::styled(
            format!(
                " Help · {} or {} closes · {}/{} scroll ",
                keys.hint(Context::Help, Action::Help),
                keys.hint(Context::Help, Action::Back),
                keys.hint(Context::Help, Action::Down),
                keys.hint(Context::Help, Action::Up),
            ),
            theme.style(Role::Title),
        ))
        .border_style(theme.style(Role::Border))
        .style(theme.style(Role::Popup));
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(layout::lines(crate::layout::help::lines(state), theme))
            .block(block)
            .scroll((scroll, 0)),
        popup,
    );
}
