//! Drawing: pure functions from [`State`] to a frame. Nothing here awaits,
//! reads a file or changes the state; one file per view or widget. Where
//! things go and how many rows they take is [`crate::layout`]'s, which the
//! state pages by too; the state never calls in here.

pub mod ascii;
pub mod compose;
pub mod dash;
pub mod dialog;
pub mod help;
pub mod intake;
pub mod layout;
pub mod prompt;
pub mod queue;
pub mod status;
pub mod ticket;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Block;

use crate::config::theme::Role;
use crate::state::{Overlay, State, View};

pub fn render(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let theme = &state.settings.theme;
    frame.render_widget(Block::new().style(theme.style(Role::Text)), area);
    let screen = crate::layout::screen(area.into(), state.prompt_visible());
    let (top, body) = (Rect::from(screen.top), Rect::from(screen.body));
    match state.screen.view() {
        View::Ticket(shown) => ticket::render(frame, top, body, state, &shown.view),
        View::Dashboard(_) => dash::render(frame, top, body, state),
        View::Intake(form) => intake::render(frame, top, body, state, form),
        View::Queue => {
            queue::render_tabs(frame, top, state);
            queue::render_table(frame, body, state);
        }
    }
    if let Some(prompt) = screen.prompt {
        prompt::render(frame, prompt.into(), state);
    }
    status::render(frame, screen.status.into(), state);
    // Bottom first: the overlay on top is drawn last.
    for overlay in state.screen.overlays() {
        match overlay {
            Overlay::Help { scroll } => help::render(frame, area, state, *scroll),
            Overlay::Picker(picker) => dialog::picker(frame, area, state, picker),
            Overlay::Confirm(confirm) => dialog::confirm(frame, area, state, confirm),
            Overlay::Results(results) => dialog::results(frame, area, state, results),
            Overlay::Outbox { cursor } => dialog::outbox(frame, area, state, *cursor),
            Overlay::QuitPending => dialog::quit_pending(frame, area, state),
            Overlay::SignIn(input) => {
                dialog::sign_in(frame, area, state, input.text().chars().count());
            }
            Overlay::Messages { first } => dialog::messages(frame, area, state, *first),
            Overlay::Output {
                title,
                lines,
                first,
            } => dialog::output(frame, area, state, title, &lines[*first..]),
            Overlay::Command(_) => {}
        }
    }
    if state.settings.ascii {
        ascii::degrade(frame.buffer_mut());
    }
}
