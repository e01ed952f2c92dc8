//! What a key can mean. Keys reach [`Action`]s through the keymap, so users
//! can rebind them and the help overlay lists them as they are bound.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Quit,
    Help,
    Command,
    Filter,
    ClearFilter,
    NextSection,
    PrevSection,
    /// Jump to the n-th section tab (1-based).
    Section(u8),
    SortNext,
    SortReverse,
    Refresh,
    NextTicket,
    PrevTicket,
    /// Write a public reply to the requester.
    Reply,
    /// Write an internal note for agents.
    Note,
    /// Send what the compose pane holds.
    Send,
    /// Close the compose pane (twice when it holds text).
    Cancel,
}

impl Action {
    /// Every action, in the order help lists them.
    pub fn all() -> Vec<Action> {
        let mut all = vec![
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::Open,
            Action::Reply,
            Action::Note,
            Action::Send,
            Action::Cancel,
            Action::Back,
            Action::NextTicket,
            Action::PrevTicket,
            Action::Filter,
            Action::ClearFilter,
            Action::NextSection,
            Action::PrevSection,
        ];
        all.extend((1..=9).map(Action::Section));
        all.extend([
            Action::SortNext,
            Action::SortReverse,
            Action::Refresh,
            Action::Command,
            Action::Help,
            Action::Quit,
        ]);
        all
    }

    pub fn name(self) -> String {
        let name = match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Back => "back",
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Command => "command",
            Action::Filter => "filter",
            Action::ClearFilter => "clear-filter",
            Action::NextSection => "next-section",
            Action::PrevSection => "prev-section",
            Action::Section(n) => return format!("section-{n}"),
            Action::SortNext => "sort-next",
            Action::SortReverse => "sort-reverse",
            Action::Refresh => "refresh",
            Action::NextTicket => "next-ticket",
            Action::PrevTicket => "prev-ticket",
            Action::Reply => "reply",
            Action::Note => "note",
            Action::Send => "send",
            Action::Cancel => "cancel",
        };
        name.to_string()
    }

    /// One line for the help overlay.
    pub fn describe(self) -> String {
        let text = match self {
            Action::Up => "move up / scroll up",
            Action::Down => "move down / scroll down",
            Action::PageUp => "one page up",
            Action::PageDown => "one page down",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom",
            Action::Open => "open the selected ticket",
            Action::Back => "back to the queue",
            Action::Quit => "quit deskterm",
            Action::Help => "show or hide this help",
            Action::Command => "command line (:queue, :sort, :theme, :quit)",
            Action::Filter => "filter as you type (subject, requester, id)",
            Action::ClearFilter => "clear the filter",
            Action::NextSection => "next section tab",
            Action::PrevSection => "previous section tab",
            Action::Section(n) => return format!("section tab {n}"),
            Action::SortNext => "next sort: sla, priority, updated, created, id",
            Action::SortReverse => "reverse the sort order",
            Action::Refresh => "refresh from the desk now",
            Action::NextTicket => "next ticket in the list",
            Action::PrevTicket => "previous ticket in the list",
            Action::Reply => "reply to the requester (public)",
            Action::Note => "add an internal note (agents only)",
            Action::Send => "send the reply or note",
            Action::Cancel => "close the compose pane (press twice to discard text)",
        };
        text.to_string()
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        Action::all()
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| format!("unknown action `{name}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_its_name() {
        for action in Action::all() {
            assert_eq!(action.name().parse::<Action>(), Ok(action));
        }
        assert!("fliter".parse::<Action>().is_err());
    }
}
