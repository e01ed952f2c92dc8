//! Keys to actions: built-in defaults plus the user's overrides from
//! `[keymap.<context>]` in config.toml. The help overlay is generated from the
//! live keymap, so it always tells the truth.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use crate::action::Action;

/// Where a binding applies; a context's own bindings win over `global`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Context {
    Global,
    Queue,
    Ticket,
    /// The compose pane; keys not bound here are typed into the text.
    Compose,
    Dashboard,
    /// `:outbox`, the writes not yet on the desk.
    Outbox,
    /// A list to choose from; keys not bound here narrow it.
    Picker,
    /// A yes-or-no question.
    Confirm,
    /// The help overlay, `:messages` and a bulk change's results.
    Help,
    /// The form for a new ticket; keys not bound here are typed.
    Intake,
}

impl Context {
    pub const ALL: [Context; 10] = [
        Context::Queue,
        Context::Ticket,
        Context::Global,
        Context::Compose,
        Context::Dashboard,
        Context::Outbox,
        Context::Picker,
        Context::Confirm,
        Context::Help,
        Context::Intake,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Queue => "Queue",
            Context::Ticket => "Ticket",
            Context::Compose => "Compose (reply or note)",
            Context::Dashboard => "Dashboard",
            Context::Outbox => "Outbox (:outbox)",
            Context::Picker => "Choosing from a list",
            Context::Confirm => "Questions",
            Context::Help => "Help, :messages and results",
            Context::Intake => "New ticket (N or :new)",
        }
    }

    /// What `action` does here, for help (moving on the dashboard moves
    /// between figures, back in an overlay closes it).
    pub fn describe(self, action: Action) -> String {
        let text = match (self, action) {
            (Context::Dashboard, Action::Down) => "next figure",
            (Context::Dashboard, Action::Up) => "previous figure",
            (Context::Dashboard, Action::Open) => "the tickets behind the figure",
            (Context::Outbox, Action::Down) => "next write",
            (Context::Outbox, Action::Up) => "previous write",
            (Context::Outbox, Action::Back) => "close the outbox",
            (Context::Picker, Action::Down) => "next entry",
            (Context::Picker, Action::Up) => "previous entry",
            (Context::Picker, Action::Back) => "close without choosing",
            (Context::Confirm, Action::Yes) => "yes, go ahead",
            (Context::Confirm, Action::No) => "no, leave it",
            (Context::Help, Action::Down) => "scroll down",
            (Context::Help, Action::Up) => "scroll up",
            (Context::Help, Action::Open) => "close :messages or the results",
            (Context::Help, Action::Back) => "close",
            (Context::Help, Action::Help) => "close the help",
            (Context::Intake, Action::Send) => "log the ticket",
            (Context::Intake, Action::Cancel) => "close the form, logging nothing",
            _ => return action.describe(),
        };
        text.to_string()
    }

    /// Whether keys of `global` apply here too. Overlays and the compose
    /// pane take only their own: `?` and `:` are typed, `u` is not undo.
    pub fn falls_back(self) -> bool {
        matches!(
            self,
            Context::Queue | Context::Ticket | Context::Dashboard | Context::Global
        )
    }
}

/// One key with its modifiers, normalised so that `G` is `G` however the
/// terminal reports shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Key {
    code: KeyCodeOrd,
    modifiers: u8,
}

/// KeyCode wrapper with an order, so bindings sort stably in help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct KeyCodeOrd(KeyCode);

impl PartialOrd for KeyCodeOrd {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KeyCodeOrd {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        code_name(self.0).cmp(&code_name(other.0))
    }
}

const CTRL: u8 = 1;
const ALT: u8 = 2;
const SHIFT: u8 = 4;

impl Key {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut bits = 0;
        if modifiers.contains(KeyModifiers::CONTROL) {
            bits |= CTRL;
        }
        if modifiers.contains(KeyModifiers::ALT) {
            bits |= ALT;
        }
        // Shift is part of a character ("G") and of BackTab already.
        let shift_is_implied = matches!(code, KeyCode::Char(_) | KeyCode::BackTab);
        if modifiers.contains(KeyModifiers::SHIFT) && !shift_is_implied {
            bits |= SHIFT;
        }
        let code = match code {
            // Terminals send ctrl+letter in either case.
            KeyCode::Char(c) if bits & CTRL != 0 => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Self {
            code: KeyCodeOrd(code),
            modifiers: bits,
        }
    }

    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }

    pub fn code(&self) -> KeyCode {
        self.code.0
    }

    pub fn plain(&self) -> bool {
        self.modifiers & (CTRL | ALT) == 0
    }

    fn is_arrow(&self) -> bool {
        self.modifiers == 0
            && matches!(
                self.code.0,
                KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right
            )
    }

    /// As a hint shows it: arrows as arrows.
    pub fn glyph(&self) -> String {
        match (self.modifiers, self.code.0) {
            (0, KeyCode::Up) => "↑".into(),
            (0, KeyCode::Down) => "↓".into(),
            (0, KeyCode::Left) => "←".into(),
            (0, KeyCode::Right) => "→".into(),
            _ => self.to_string(),
        }
    }
}

fn code_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::Insert => "insert".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::F(n) => format!("f{n}"),
        other => format!("{other:?}").to_lowercase(),
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers & CTRL != 0 {
            f.write_str("ctrl-")?;
        }
        if self.modifiers & ALT != 0 {
            f.write_str("alt-")?;
        }
        if self.modifiers & SHIFT != 0 {
            f.write_str("shift-")?;
        }
        f.write_str(&code_name(self.code.0))
    }
}

impl FromStr for Key {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            modifiers |= flag;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                name => match name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    Some(n @ 1..=24) => KeyCode::F(n),
                    _ => {
                        return Err(format!(
                            "unknown key `{text}` (try \"j\", \"G\", \"ctrl-d\", \"enter\", \"pagedown\", \"f5\")"
                        ));
                    }
                },
            },
        };
        Ok(Key::new(code, modifiers))
    }
}

impl TryFrom<String> for Key {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

/// The right-hand side of a user binding: an action, or `"none"` to unbind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Bound(pub Option<Action>);

impl TryFrom<String> for Bound {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if text == "none" {
            return Ok(Bound(None));
        }
        text.parse()
            .map(|a| Bound(Some(a)))
            .map_err(|e| format!("{e} (see the help overlay, `?`, for the names)"))
    }
}

/// `[keymap.queue] "J" = "down"` and so on.
pub type KeymapOverrides = BTreeMap<Context, BTreeMap<Key, Bound>>;

const DEFAULTS: &[(Context, &str, &str)] = &[
    (Context::Global, "?", "help"),
    (Context::Global, ":", "command"),
    (Context::Global, "u", "undo"),
    (Context::Global, "ctrl-c", "quit"),
    (Context::Queue, "j", "down"),
    (Context::Queue, "down", "down"),
    (Context::Queue, "k", "up"),
    (Context::Queue, "up", "up"),
    (Context::Queue, "pagedown", "page-down"),
    (Context::Queue, "ctrl-f", "page-down"),
    (Context::Queue, "pageup", "page-up"),
    (Context::Queue, "ctrl-b", "page-up"),
    (Context::Queue, "g", "top"),
    (Context::Queue, "home", "top"),
    (Context::Queue, "G", "bottom"),
    (Context::Queue, "end", "bottom"),
    (Context::Queue, "enter", "open"),
    (Context::Queue, "r", "reply"),
    (Context::Queue, "n", "note"),
    (Context::Queue, "e", "edit"),
    (Context::Queue, "t", "take"),
    (Context::Queue, "a", "assign"),
    (Context::Queue, "m", "macro"),
    (Context::Queue, "o", "set-open"),
    (Context::Queue, "p", "set-pending"),
    (Context::Queue, "c", "close"),
    (Context::Queue, "x", "status-menu"),
    (Context::Queue, "+", "priority-up"),
    (Context::Queue, "-", "priority-down"),
    (Context::Queue, "P", "priority-menu"),
    (Context::Queue, "space", "mark"),
    (Context::Queue, "*", "mark-flood"),
    (Context::Queue, "V", "visual"),
    (Context::Queue, "/", "filter"),
    (Context::Queue, "f", "search"),
    (Context::Queue, "esc", "clear"),
    (Context::Queue, "tab", "next-section"),
    (Context::Queue, "]", "next-section"),
    (Context::Queue, "backtab", "prev-section"),
    (Context::Queue, "[", "prev-section"),
    (Context::Queue, "1", "section-1"),
    (Context::Queue, "2", "section-2"),
    (Context::Queue, "3", "section-3"),
    (Context::Queue, "4", "section-4"),
    (Context::Queue, "5", "section-5"),
    (Context::Queue, "6", "section-6"),
    (Context::Queue, "7", "section-7"),
    (Context::Queue, "8", "section-8"),
    (Context::Queue, "9", "section-9"),
    (Context::Queue, "s", "sort-next"),
    (Context::Queue, "S", "sort-reverse"),
    (Context::Queue, "d", "dashboard"),
    (Context::Queue, "N", "new-ticket"),
    (Context::Queue, "w", "open-web"),
    (Context::Queue, "y", "copy"),
    (Context::Queue, "ctrl-r", "refresh"),
    (Context::Queue, "f5", "refresh"),
    (Context::Queue, "q", "quit"),
    (Context::Ticket, "j", "down"),
    (Context::Ticket, "down", "down"),
    (Context::Ticket, "k", "up"),
    (Context::Ticket, "up", "up"),
    (Context::Ticket, "pagedown", "page-down"),
    (Context::Ticket, "space", "page-down"),
    (Context::Ticket, "ctrl-f", "page-down"),
    (Context::Ticket, "pageup", "page-up"),
    (Context::Ticket, "ctrl-b", "page-up"),
    (Context::Ticket, "g", "top"),
    (Context::Ticket, "home", "top"),
    (Context::Ticket, "G", "bottom"),
    (Context::Ticket, "end", "bottom"),
    (Context::Ticket, "r", "reply"),
    (Context::Ticket, "n", "note"),
    (Context::Ticket, "e", "edit"),
    (Context::Ticket, "D", "discard-draft"),
    (Context::Ticket, "t", "take"),
    (Context::Ticket, "a", "assign"),
    (Context::Ticket, "m", "macro"),
    (Context::Ticket, "o", "set-open"),
    (Context::Ticket, "p", "set-pending"),
    (Context::Ticket, "c", "close"),
    (Context::Ticket, "x", "status-menu"),
    (Context::Ticket, "+", "priority-up"),
    (Context::Ticket, "-", "priority-down"),
    (Context::Ticket, "P", "priority-menu"),
    (Context::Ticket, "esc", "back"),
    (Context::Ticket, "q", "back"),
    (Context::Ticket, "]", "next-ticket"),
    (Context::Ticket, "[", "prev-ticket"),
    (Context::Ticket, "z", "toggle-quotes"),
    (Context::Ticket, "N", "new-ticket"),
    (Context::Ticket, "s", "save-attachments"),
    (Context::Ticket, "F", "fields"),
    (Context::Ticket, "v", "view-attachment"),
    (Context::Ticket, "H", "history"),
    (Context::Ticket, "w", "open-web"),
    (Context::Ticket, "y", "copy"),
    (Context::Ticket, "ctrl-r", "refresh"),
    (Context::Ticket, "f5", "refresh"),
    // ctrl-x sends, as in pine and alpine; no terminal or tmux takes it.
    (Context::Compose, "ctrl-x", "send"),
    (Context::Compose, "esc", "cancel"),
    (Context::Compose, "ctrl-c", "cancel"),
    (Context::Compose, "ctrl-o", "external-editor"),
    (Context::Compose, "ctrl-t", "insert-macro"),
    // Free in the editor, and taken by no terminal or tmux.
    (Context::Compose, "ctrl-g", "attach-file"),
    // The first key of each action here is the one its hint shows.
    (Context::Dashboard, "j", "down"),
    (Context::Dashboard, "down", "down"),
    (Context::Dashboard, "k", "up"),
    (Context::Dashboard, "up", "up"),
    (Context::Dashboard, "tab", "next-page"),
    (Context::Dashboard, "pagedown", "next-page"),
    (Context::Dashboard, "space", "next-page"),
    (Context::Dashboard, "backtab", "prev-page"),
    (Context::Dashboard, "pageup", "prev-page"),
    (Context::Dashboard, "enter", "open"),
    (Context::Dashboard, "d", "back"),
    (Context::Dashboard, "esc", "back"),
    (Context::Dashboard, "q", "back"),
    (Context::Outbox, "j", "down"),
    (Context::Outbox, "down", "down"),
    (Context::Outbox, "k", "up"),
    (Context::Outbox, "up", "up"),
    (Context::Outbox, "r", "retry"),
    (Context::Outbox, "e", "edit-write"),
    (Context::Outbox, "D", "discard"),
    (Context::Outbox, "esc", "back"),
    (Context::Outbox, "q", "back"),
    (Context::Picker, "up", "up"),
    (Context::Picker, "ctrl-p", "up"),
    (Context::Picker, "down", "down"),
    (Context::Picker, "tab", "down"),
    (Context::Picker, "ctrl-n", "down"),
    (Context::Picker, "enter", "choose"),
    (Context::Picker, "esc", "back"),
    (Context::Confirm, "y", "yes"),
    (Context::Confirm, "n", "no"),
    (Context::Confirm, "esc", "no"),
    // `q` by habit is never a yes.
    (Context::Confirm, "q", "no"),
    (Context::Confirm, "Y", "yes"),
    (Context::Confirm, "N", "no"),
    (Context::Intake, "tab", "next-field"),
    (Context::Intake, "backtab", "prev-field"),
    (Context::Intake, "ctrl-x", "send"),
    (Context::Intake, "esc", "cancel"),
    (Context::Help, "?", "help"),
    (Context::Help, "esc", "back"),
    (Context::Help, "q", "back"),
    (Context::Help, "enter", "open"),
    (Context::Help, "j", "down"),
    (Context::Help, "down", "down"),
    (Context::Help, "k", "up"),
    (Context::Help, "up", "up"),
    (Context::Help, "pagedown", "page-down"),
    (Context::Help, "space", "page-down"),
    (Context::Help, "pageup", "page-up"),
    (Context::Help, "g", "top"),
    (Context::Help, "home", "top"),
    (Context::Help, "G", "bottom"),
    (Context::Help, "end", "bottom"),
];

#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Context, Key, Action)>,
    /// Keys the user bound: hints name these before the defaults.
    chosen: Vec<(Context, Key)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS
            .iter()
            .filter_map(|(context, key, action)| {
                Some((*context, key.parse().ok()?, action.parse().ok()?))
            })
            .collect();
        Self {
            bindings,
            chosen: Vec::new(),
        }
    }
}

impl Keymap {
    /// The defaults with the user's overrides applied: a key bound anew loses
    /// its old action in that context; `"none"` just unbinds it.
    pub fn with_overrides(overrides: &KeymapOverrides) -> Self {
        let mut map = Self::default();
        for (context, keys) in overrides {
            for (key, bound) in keys {
                map.bindings.retain(|(c, k, _)| !(c == context && k == key));
                if let Some(action) = bound.0 {
                    map.bindings.push((*context, *key, action));
                    map.chosen.push((*context, *key));
                }
            }
        }
        map
    }

    /// The user's `[[commands]]` bound to their keys, where they say (the
    /// queue, the ticket or both), before any other binding of the key.
    pub fn with_commands(mut self, commands: &[super::commands::UserCommand]) -> Self {
        use super::commands::Where;
        for (i, command) in commands.iter().enumerate().take(usize::from(u8::MAX)) {
            let contexts: &[Context] = match command.context {
                Where::Queue => &[Context::Queue],
                Where::Ticket => &[Context::Ticket],
                Where::Both => &[Context::Queue, Context::Ticket],
            };
            for context in contexts {
                self.bindings
                    .retain(|(c, k, _)| !(c == context && *k == command.key));
                self.bindings
                    .push((*context, command.key, Action::UserCommand(i as u8)));
                self.chosen.push((*context, command.key));
            }
        }
        self
    }

    /// The action for `key` in `context`, falling back to global bindings
    /// where the context does ([`Context::falls_back`]).
    pub fn action(&self, context: Context, key: Key) -> Option<Action> {
        let found = self.action_in(context, key);
        match found {
            None if context.falls_back() => self.action_in(Context::Global, key),
            found => found,
        }
    }

    /// The action for `key` in `context` alone, without the global fallback
    /// (the compose pane types `?` and `:` rather than opening help).
    pub fn action_in(&self, context: Context, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(c, k, _)| *c == context && *k == key)
            .map(|(_, _, a)| *a)
    }

    /// For help: each action bound in `context`, with its keys, in action order.
    pub fn bound_in(&self, context: Context) -> Vec<(Action, Vec<Key>)> {
        Action::all()
            .into_iter()
            .filter_map(|action| {
                let keys: Vec<Key> = self
                    .bindings
                    .iter()
                    .filter(|(c, _, a)| *c == context && *a == action)
                    .map(|(_, k, _)| *k)
                    .collect();
                (!keys.is_empty()).then_some((action, keys))
            })
            .collect()
    }

    /// The first key bound to `action` in `context` (or globally), for hints.
    pub fn key_for(&self, context: Context, action: Action) -> Option<Key> {
        self.keys_for(context, &[action]).into_iter().next()
    }

    /// The keys bound to any of `actions` in `context` (or globally, where
    /// the context falls back), in the order they were bound.
    pub fn keys_for(&self, context: Context, actions: &[Action]) -> Vec<Key> {
        let mut contexts = vec![context];
        if context.falls_back() && context != Context::Global {
            contexts.push(Context::Global);
        }
        let mut keys: Vec<Key> = Vec::new();
        for ctx in contexts {
            for (c, k, a) in &self.bindings {
                // A key the context binds to something else is not global's.
                let shadowed = ctx != context && self.action_in(context, *k).is_some();
                if *c == ctx && actions.contains(a) && !shadowed && !keys.contains(k) {
                    keys.push(*k);
                }
            }
        }
        // The user's own keys first, so a hint names the key they chose.
        keys.sort_by_key(|k| {
            !self
                .chosen
                .iter()
                .any(|(c, chosen)| chosen == k && (*c == context || *c == Context::Global))
        });
        keys
    }

    /// A hint's name for the key of `action`: its first key, or the
    /// action's own name when no key is bound to it.
    pub fn hint(&self, context: Context, action: Action) -> String {
        self.key_for(context, action)
            .map_or_else(|| action.name(), |k| k.glyph())
    }

    /// Like [`Keymap::hint`], preferring an arrow key ("↑↓ scroll").
    pub fn arrow_hint(&self, context: Context, action: Action) -> String {
        let keys = self.keys_for(context, &[action]);
        keys.iter()
            .find(|k| k.is_arrow())
            .or(keys.first())
            .map_or_else(|| action.name(), Key::glyph)
    }

    /// The first `most` keys of `actions`, as a hint says them, letters
    /// before named keys: "n or esc", "n, q or esc".
    pub fn hint_any(&self, context: Context, actions: &[Action], most: usize) -> String {
        let mut keys: Vec<Key> = self.keys_for(context, actions);
        keys.truncate(most);
        keys.sort_by_key(|k| !matches!(k.code(), KeyCode::Char(_)));
        let keys: Vec<String> = keys.iter().map(Key::glyph).collect();
        match keys.split_last() {
            None => actions.first().map_or_else(String::new, |a| a.name()),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Key {
        text.parse().expect("test key")
    }

    #[test]
    fn every_default_parses() {
        assert_eq!(Keymap::default().bindings.len(), DEFAULTS.len());
    }

    #[test]
    fn keys_normalise_shift_and_ctrl_case() {
        let shifted_g = Key::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(shifted_g, key("G"));
        assert_eq!(
            Key::new(KeyCode::Char('D'), KeyModifiers::CONTROL),
            key("ctrl-d")
        );
        assert_eq!(
            Key::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            key("backtab")
        );
        assert_eq!(key("ctrl-d").to_string(), "ctrl-d");
        assert_eq!(key("space").to_string(), "space");
        assert!("ctrl-banana".parse::<Key>().is_err());
    }

    #[test]
    fn context_bindings_win_and_global_is_the_fallback() {
        let map = Keymap::default();
        assert_eq!(map.action(Context::Queue, key("q")), Some(Action::Quit));
        assert_eq!(map.action(Context::Ticket, key("q")), Some(Action::Back));
        assert_eq!(map.action(Context::Ticket, key("?")), Some(Action::Help));
    }

    #[test]
    fn overrides_rebind_and_unbind() {
        let mut queue = BTreeMap::new();
        queue.insert(key("J"), Bound(Some(Action::Down)));
        queue.insert(key("j"), Bound(None));
        let mut overrides = KeymapOverrides::new();
        overrides.insert(Context::Queue, queue);
        let map = Keymap::with_overrides(&overrides);
        assert_eq!(map.action(Context::Queue, key("J")), Some(Action::Down));
        assert_eq!(map.action(Context::Queue, key("j")), None);
        let down_keys = map
            .bound_in(Context::Queue)
            .into_iter()
            .find(|(a, _)| *a == Action::Down)
            .map(|(_, keys)| keys);
        assert_eq!(down_keys, Some(vec![key("down"), key("J")]));
        // Help lists the defaults first; a hint names the user's key.
        assert_eq!(map.hint(Context::Queue, Action::Down), "J");
    }
}
