//! A fuzzy picker (nucleo): agents and departments to assign to, macros,
//! statuses and priorities. Type to narrow, arrows to move, Enter to choose.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use super::input::LineInput;
use crate::desk::{AgentRef, PriorityLevel, QueueRef, StatusKind, TicketId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// An agent, with the name the write is told by (never the label).
    Agent(AgentRef),
    Nobody,
    Queue(QueueRef),
    /// An index into the configured macros.
    Macro(usize),
    /// One of the desk's own macros.
    DeskMacro(crate::desk::DeskMacro),
    /// A text to copy.
    Copy(String),
    Status(StatusKind),
    Priority(PriorityLevel),
    /// A profile by name.
    Profile(String),
    /// A field to set: its values come next, or a line to type it on.
    Field(crate::desk::FieldSpec),
    /// A ticket to open.
    Ticket(TicketId),
    /// An attachment to look at.
    Attachment {
        id: String,
        name: String,
        mime: String,
    },
    /// A field's new value (`None` clears it).
    FieldValue {
        name: String,
        value: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    pub label: String,
    /// Shown after the label, dimmer: a count of open tickets, a queue's purpose.
    pub detail: String,
    pub choice: Choice,
}

/// What picking does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Assign to an agent or move to a queue.
    Assign,
    /// Apply a macro to the targets.
    ApplyMacro,
    /// Put a macro's text into the compose pane.
    InsertMacro,
    Status,
    Priority,
    /// Switch to another profile.
    Profile,
    /// Choose a field of the ticket, then its value.
    Field,
    /// Choose an attachment to look at.
    ViewAttachment,
    /// Open a ticket (the requester's others).
    OpenTicket,
    /// Copy the ticket's id, link or requester.
    Copy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    pub purpose: Purpose,
    /// The tickets the choice applies to.
    pub targets: Vec<TicketId>,
    pub input: LineInput,
    pub options: Vec<Pick>,
    /// Indices into `options`, best match first.
    pub shown: Vec<usize>,
    pub cursor: usize,
}

impl Picker {
    pub fn new(
        title: String,
        purpose: Purpose,
        targets: Vec<TicketId>,
        options: Vec<Pick>,
    ) -> Self {
        let mut picker = Self {
            title,
            purpose,
            targets,
            input: LineInput::default(),
            shown: (0..options.len()).collect(),
            options,
            cursor: 0,
        };
        picker.refilter();
        picker
    }

    /// Match the typed text against labels and details, best first.
    pub fn refilter(&mut self) {
        let pattern = Pattern::parse(
            self.input.text(),
            CaseMatching::Ignore,
            Normalization::Smart,
        );
        let mut matcher = Matcher::new(Config::DEFAULT);
        let haystacks: Vec<(usize, String)> = self
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| (i, format!("{} {}", o.label, o.detail)))
            .collect();
        self.shown = pattern
            .match_list(haystacks.iter().map(|(i, h)| Indexed(*i, h)), &mut matcher)
            .into_iter()
            .map(|(indexed, _)| indexed.0)
            .collect();
        self.cursor = 0;
    }

    pub fn chosen(&self) -> Option<&Pick> {
        self.shown.get(self.cursor).map(|&i| &self.options[i])
    }

    pub fn move_cursor(&mut self, delta: isize) {
        let last = self.shown.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }
}

/// A haystack that remembers which option it is.
struct Indexed<'a>(usize, &'a String);

impl AsRef<str> for Indexed<'_> {
    fn as_ref(&self) -> &str {
        self.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(label: &str, detail: &str) -> Pick {
        Pick {
            label: label.into(),
            detail: detail.into(),
            choice: Choice::Nobody,
        }
    }

    #[test]
    fn typing_narrows_by_fuzzy_match() {
        let mut picker = Picker::new(
            "Assign".into(),
            Purpose::Assign,
            Vec::new(),
            vec![
                option("Priya Raman", "IT · 12 open"),
                option("Diego Alvarez", "IT · 9 open"),
                option("Transportation", "queue"),
            ],
        );
        assert_eq!(picker.shown.len(), 3);
        for c in "prya".chars() {
            picker.input.handle(&crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            ));
        }
        picker.refilter();
        assert_eq!(
            picker.chosen().map(|o| o.label.as_str()),
            Some("Priya Raman")
        );
        picker.input.set("trnsp");
        picker.refilter();
        assert_eq!(
            picker.chosen().map(|o| o.label.as_str()),
            Some("Transportation")
        );
        picker.input.set("zzz");
        picker.refilter();
        assert!(picker.chosen().is_none());
    }
}
