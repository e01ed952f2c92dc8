//! What a key can mean. Keys reach [`Action`]s through the keymap, so users
//! can rebind them and the help overlay lists them as they are bound.

use std::fmt;
use std::str::FromStr;

macro_rules! actions {
    ($($variant:ident => $name:literal, $describe:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant,)*
            /// Jump to the n-th section tab (1-based).
            Section(u8),
            /// Run the n-th of the user's `[[commands]]` (0-based).
            UserCommand(u8),
        }

        /// Every action but the section jumps, in the order help lists them.
        const TABLE: &[(Action, &str, &str)] = &[$((Action::$variant, $name, $describe),)*];
    };
}

actions! {
    Up => "up", "move up / scroll up";
    Down => "down", "move down / scroll down";
    PageUp => "page-up", "one page up";
    PageDown => "page-down", "one page down";
    Top => "top", "go to the top";
    Bottom => "bottom", "go to the bottom";
    Open => "open", "open the selected ticket";
    Reply => "reply", "reply to the requester (public)";
    Note => "note", "add an internal note (agents only)";
    Edit => "edit", "reply in $VISUAL / $EDITOR";
    Send => "send", "send the reply or note";
    Cancel => "cancel", "close the pane, keeping the text as a draft";
    DiscardDraft => "discard-draft", "throw away the saved draft";
    ExternalEditor => "external-editor", "continue the text in $VISUAL / $EDITOR";
    InsertMacro => "insert-macro", "insert a macro (canned response)";
    AttachFile => "attach-file", "attach a file (a path, Tab completes)";
    Take => "take", "take: assign to me";
    Assign => "assign", "assign to an agent, or move to a department";
    Macro => "macro", "apply a macro (canned response and actions)";
    SetOpen => "set-open", "status: open";
    SetPending => "set-pending", "status: pending (waiting on the requester)";
    Close => "close", "status: resolved";
    StatusMenu => "status-menu", "choose a status";
    PriorityUp => "priority-up", "raise the priority";
    PriorityDown => "priority-down", "lower the priority";
    PriorityMenu => "priority-menu", "choose a priority";
    Undo => "undo", "undo the last send or change while it waits";
    MarkFlood => "mark-flood", "mark every ticket of the selected one's flood (≋), to answer them at once";
    Mark => "mark", "mark or unmark the ticket (for bulk actions)";
    Visual => "visual", "mark a range: V, move, V";
    Back => "back", "back to the queue";
    NextTicket => "next-ticket", "next ticket in the list";
    PrevTicket => "prev-ticket", "previous ticket in the list";
    ToggleQuotes => "toggle-quotes", "show or fold quoted mail";
    History => "history", "the requester's other tickets, open first";
    OpenWeb => "open-web", "open the ticket's web page (no display: copy its link)";
    Copy => "copy", "copy the ticket's id, link or requester's address";
    ViewAttachment => "view-attachment", "look at an attachment: text in $PAGER, else the system's opener";
    Fields => "fields", "set a field (custom field) of the ticket, from its allowed values";
    SaveAttachments => "save-attachments", "save the ticket's attachments (downloads folder)";
    Filter => "filter", "filter as you type (subject, requester, id)";
    Search => "search", "search the whole desk, every status (:search QUERY)";
    Clear => "clear", "clear the marks, then the filter";
    NextSection => "next-section", "next section tab";
    PrevSection => "prev-section", "previous section tab";
    SortNext => "sort-next", "next sort: sla, priority, updated, created, id";
    SortReverse => "sort-reverse", "reverse the sort order";
    Refresh => "refresh", "refresh from the desk now";
    Dashboard => "dashboard", "the dashboard: open, flow, SLA and load at a glance";
    Command => "command", "command line (:queue, :sort, :theme, :quit)";
    Help => "help", "show or hide this help";
    Quit => "quit", "quit deskterm";
    NextPage => "next-page", "next page";
    PrevPage => "prev-page", "previous page";
    Retry => "retry", "try the write again now";
    EditWrite => "edit-write", "take a reply or note back into its pane";
    Discard => "discard", "let the write go, unsent";
    Choose => "choose", "choose the highlighted entry";
    NewTicket => "new-ticket", "log a new ticket for someone (a call, a walk-in)";
    NextField => "next-field", "next field";
    PrevField => "prev-field", "previous field";
    Yes => "yes", "yes";
    No => "no", "no";
}

impl Action {
    /// What the desk must be able to do for the action to mean anything
    /// (as [`crate::desk::Capabilities::lacks`] words it); help leaves out
    /// an action the desk lacks.
    pub fn needs(self) -> Option<&'static str> {
        match self {
            Action::SaveAttachments | Action::ViewAttachment => Some("saving attachments"),
            Action::AttachFile => Some("attaching files"),
            Action::Fields => Some("fields agents can set"),
            Action::NewTicket => Some("logging new tickets"),
            _ => None,
        }
    }

    /// Whether the action changes something on the desk (and so is off in
    /// read-only mode).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::Reply
                | Action::NewTicket
                | Action::Note
                | Action::Edit
                | Action::Send
                | Action::Take
                | Action::Assign
                | Action::Macro
                | Action::SetOpen
                | Action::SetPending
                | Action::Close
                | Action::StatusMenu
                | Action::PriorityUp
                | Action::PriorityDown
                | Action::PriorityMenu
        )
    }

    /// Every action, in the order help lists them.
    pub fn all() -> Vec<Action> {
        let mut all: Vec<Action> = TABLE.iter().map(|(a, _, _)| *a).collect();
        // Section jumps sit with the other section keys.
        let at = all
            .iter()
            .position(|a| *a == Action::PrevSection)
            .map_or(all.len(), |i| i + 1);
        all.splice(at..at, (1..=9).map(Action::Section));
        all
    }

    pub fn name(self) -> String {
        match self {
            Action::Section(n) => format!("section-{n}"),
            Action::UserCommand(n) => format!("user-command-{n}"),
            action => TABLE
                .iter()
                .find(|(a, _, _)| *a == action)
                .map_or_else(String::new, |(_, name, _)| (*name).to_string()),
        }
    }

    /// One line for the help overlay.
    pub fn describe(self) -> String {
        match self {
            Action::Section(n) => format!("section tab {n}"),
            Action::UserCommand(n) => format!("your command {}", n + 1),
            action => TABLE
                .iter()
                .find(|(a, _, _)| *a == action)
                .map_or_else(String::new, |(_, _, text)| (*text).to_string()),
        }
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
            assert!(!action.describe().is_empty());
            assert_eq!(action.name().parse::<Action>(), Ok(action));
        }
        assert!("fliter".parse::<Action>().is_err());
    }
}
