//! The compose pane: a reply or an internal note being written for one ticket.

use ratatui_textarea::TextArea;

use crate::desk::{Change, TicketId, Version};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComposeKind {
    /// Public: goes to the requester.
    Reply,
    /// Internal: agents only.
    Note,
}

#[derive(Clone, Debug)]
pub struct Compose {
    pub kind: ComposeKind,
    pub ticket: TicketId,
    /// The version of the ticket the text was written against.
    pub based_on: Version,
    pub editor: TextArea<'static>,
    /// The request carrying the text, while it is on its way.
    pub sending: Option<u64>,
    /// The ticket changed on the desk since the pane opened; sending again
    /// sends on top of the new version.
    pub conflict: bool,
    /// Esc was pressed once with text in the pane.
    pub confirm_discard: bool,
}

impl Compose {
    pub fn new(kind: ComposeKind, ticket: TicketId, based_on: Version) -> Self {
        let mut editor = TextArea::default();
        editor.set_placeholder_text(match kind {
            ComposeKind::Reply => "Write to the requester…",
            ComposeKind::Note => "Write a note for the other agents…",
        });
        Self {
            kind,
            ticket,
            based_on,
            editor,
            sending: None,
            conflict: false,
            confirm_discard: false,
        }
    }

    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    pub fn is_blank(&self) -> bool {
        self.editor.lines().iter().all(|l| l.trim().is_empty())
    }

    /// The write this pane sends.
    pub fn change(&self) -> Change {
        let body = self.text().trim_end().to_string();
        match self.kind {
            ComposeKind::Reply => Change::Reply { body, then: None },
            ComposeKind::Note => Change::Note { body, then: None },
        }
    }
}
