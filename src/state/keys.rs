//! A key press becomes a message before [`super::update`] sees it: an
//! [`Action`] through the keymap of whatever is on top, or, where text is
//! being typed (the compose pane, the filter, the command line, a picker's
//! query, the sign-in prompt), the key itself for the text.

use crossterm::event::KeyEvent;

use super::input::Edit;
use super::screen::{Overlay, View};
use super::{Effect, Msg, State};
use crate::action::Action;
use crate::config::keymap::{Context, Key};
use crate::layout;

/// How keys are read on top of the screen now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// Only the context's keys count.
    Keys(Context),
    /// The context's keys, and the others typed into text.
    KeysOrText(Context),
    /// Every key is text (the line editor has its own enter and esc).
    Text,
}

pub fn routing(state: &State) -> Routing {
    match state.screen.overlay() {
        Some(
            Overlay::Help { .. }
            | Overlay::Messages { .. }
            | Overlay::Results(_)
            | Overlay::Output { .. },
        ) => Routing::Keys(Context::Help),
        Some(Overlay::Picker(_)) => Routing::KeysOrText(Context::Picker),
        Some(Overlay::Confirm(_) | Overlay::QuitPending) => Routing::Keys(Context::Confirm),
        Some(Overlay::Outbox { .. }) => Routing::Keys(Context::Outbox),
        Some(Overlay::Command(_) | Overlay::SignIn(_)) => Routing::Text,
        None => view_routing(state),
    }
}

/// How keys are read by the view under any overlays.
pub fn view_routing(state: &State) -> Routing {
    match state.screen.view() {
        View::Ticket(screen) if screen.compose.is_some() => Routing::KeysOrText(Context::Compose),
        View::Ticket(_) => Routing::Keys(Context::Ticket),
        View::Dashboard(_) => Routing::Keys(Context::Dashboard),
        View::Intake(_) => Routing::KeysOrText(Context::Intake),
        View::Queue if state.queue.filtering => Routing::Text,
        View::Queue => Routing::Keys(Context::Queue),
    }
}

impl Routing {
    /// The keymap context, or none while every key is text.
    pub fn context(self) -> Option<Context> {
        match self {
            Routing::Keys(context) | Routing::KeysOrText(context) => Some(context),
            Routing::Text => None,
        }
    }
}

/// The message for a key press on the screen as it is now.
pub fn resolve(state: &State, key: KeyEvent) -> Msg {
    let Some(context) = routing(state).context() else {
        return Msg::Type(key);
    };
    match state.settings.keymap.action(context, Key::from_event(&key)) {
        Some(action) => Msg::Action(action),
        None => Msg::Type(key),
    }
}

/// An action, for whatever is on top.
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    // Someone is here: refresh at the normal pace again.
    state.schedule.someone_is_here();
    match state.screen.overlay() {
        Some(Overlay::Help { scroll }) => {
            let scroll = *scroll;
            help_action(state, action, scroll);
            Vec::new()
        }
        Some(Overlay::Messages { first }) => {
            let first = *first;
            messages_action(state, action, first);
            Vec::new()
        }
        Some(Overlay::Results(_)) => {
            if matches!(action, Action::Back | Action::Open) {
                state.screen.close();
            }
            Vec::new()
        }
        Some(Overlay::Output { first, lines, .. }) => {
            let (first, last) = (*first, lines.len().saturating_sub(1));
            let moved = match action {
                Action::Back | Action::Open => None,
                Action::Down => Some((first + 1).min(last)),
                Action::Up => Some(first.saturating_sub(1)),
                Action::PageDown => Some((first + 10).min(last)),
                Action::PageUp => Some(first.saturating_sub(10)),
                Action::Top => Some(0),
                Action::Bottom => Some(last),
                _ => Some(first),
            };
            match moved {
                Some(at) => {
                    if let Some(Overlay::Output { first, .. }) = state.screen.overlay_mut() {
                        *first = at;
                    }
                }
                None => {
                    state.screen.close();
                }
            }
            Vec::new()
        }
        Some(Overlay::Picker(_)) => picker_action(state, action),
        Some(Overlay::Confirm(_)) => match action {
            Action::Yes => state.answer_confirm(true),
            Action::No => state.answer_confirm(false),
            _ => Vec::new(),
        },
        Some(Overlay::QuitPending) => state.quit_pending_action(action),
        Some(Overlay::Outbox { cursor }) => {
            let cursor = *cursor;
            state.outbox_action(action, cursor)
        }
        Some(Overlay::Command(_) | Overlay::SignIn(_)) => Vec::new(),
        None => match state.screen.view() {
            View::Ticket(screen) if screen.compose.is_some() => state.compose_action(action),
            View::Dashboard(_) => state.dash_action(action),
            View::Intake(_) => state.intake_action(action),
            View::Ticket(_) | View::Queue => state.act(action),
        },
    }
}

/// A key for text: into the line, the pane or the query on top.
pub fn on_typed(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    state.schedule.someone_is_here();
    match state.screen.overlay_mut() {
        Some(Overlay::Command(_)) => return command_key(state, &key),
        Some(Overlay::SignIn(_)) => return state.sign_in_key(&key),
        // Enter and esc are the picker's keys (choose, back), not text.
        Some(Overlay::Picker(picker)) => {
            if picker.input.handle(&key) == Edit::Changed {
                picker.refilter();
            }
            return Vec::new();
        }
        Some(_) => return Vec::new(),
        None => {}
    }
    if let Some(compose) = state.screen.compose_mut() {
        if compose.editor.input(key) {
            compose.dirty = true;
        }
        return Vec::new();
    }
    if state.screen.intake().is_some() {
        state.intake_typed(key);
        return Vec::new();
    }
    if state.queue.filtering && matches!(state.screen.view(), View::Queue) {
        match state.queue.filter.handle(&key) {
            Edit::Submit => state.queue.filtering = false,
            Edit::Cancel => {
                state.queue.filtering = false;
                state.queue.filter.clear();
                state.refilter();
            }
            Edit::Changed => state.filter_typed(),
            Edit::Moved | Edit::Complete | Edit::Ignored => {}
        }
    }
    Vec::new()
}

/// Pasted text goes where typed text would.
pub fn on_paste(state: &mut State, text: &str) {
    match state.screen.overlay_mut() {
        Some(Overlay::Command(line)) => {
            line.input.insert_str(text);
            line.edited();
            return;
        }
        Some(Overlay::Picker(picker)) => {
            picker.input.insert_str(text);
            picker.refilter();
            return;
        }
        Some(_) => return,
        None => {}
    }
    if let Some(compose) = state.screen.compose_mut() {
        compose.editor.insert_str(text);
        compose.dirty = true;
    } else if state.screen.intake().is_some() {
        state.intake_pasted(text);
    } else if state.queue.filtering && matches!(state.screen.view(), View::Queue) {
        state.queue.filter.insert_str(text);
        state.refilter();
    }
}

fn help_action(state: &mut State, action: Action, scroll: usize) {
    let lines = layout::help::line_count(state);
    let page = usize::from(state.viewport.height.saturating_sub(4)).max(1);
    let max = lines.saturating_sub(page);
    let scroll = match action {
        Action::Back | Action::Help => None,
        Action::Down => Some((scroll + 1).min(max)),
        Action::Up => Some(scroll.saturating_sub(1)),
        Action::PageDown => Some((scroll + page).min(max)),
        Action::PageUp => Some(scroll.saturating_sub(page)),
        Action::Top => Some(0),
        Action::Bottom => Some(max),
        _ => Some(scroll),
    };
    match scroll {
        Some(scroll) => state.screen.replace(Overlay::Help { scroll }),
        None => {
            state.screen.close();
        }
    }
}

/// `:messages` scrolls a message at a time, newest at the top.
fn messages_action(state: &mut State, action: Action, first: usize) {
    let last = state.messages.len().saturating_sub(1);
    let first = match action {
        Action::Back | Action::Open => None,
        Action::Down => Some((first + 1).min(last)),
        Action::Up => Some(first.saturating_sub(1)),
        Action::PageDown => Some((first + 5).min(last)),
        Action::PageUp => Some(first.saturating_sub(5)),
        Action::Top => Some(0),
        Action::Bottom => Some(last),
        _ => Some(first),
    };
    match first {
        Some(first) => state.screen.replace(Overlay::Messages { first }),
        None => {
            state.screen.close();
        }
    }
}

fn command_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let vocabulary = state.vocabulary();
    let Some(Overlay::Command(line)) = state.screen.overlay_mut() else {
        return Vec::new();
    };
    match line.input.handle(key) {
        Edit::Submit => {
            let text = line.input.text().to_string();
            state.screen.close();
            return state.submit_command(&text);
        }
        Edit::Cancel => {
            state.screen.close();
        }
        Edit::Complete => line.complete(&vocabulary),
        Edit::Changed => line.edited(),
        Edit::Moved | Edit::Ignored => {}
    }
    Vec::new()
}

fn picker_action(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Overlay::Picker(picker)) = state.screen.overlay_mut() else {
        return Vec::new();
    };
    match action {
        Action::Up => picker.move_cursor(-1),
        Action::Down => picker.move_cursor(1),
        Action::Choose => {
            if let Some(Overlay::Picker(picker)) = state.screen.close() {
                return state.choose(picker);
            }
        }
        Action::Back => {
            state.screen.close();
        }
        _ => {}
    }
    Vec::new()
}
