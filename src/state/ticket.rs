//! The ticket view: one ticket's header and conversation, scrolled.

use crate::desk::{TicketDetail, TicketId, TicketSummary};

/// One line of the conversation, laid out for the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConvLine {
    Problem(String),
    Muted(String),
    Event(String),
    ReplyHeader { author: String, rest: String },
    NoteHeader(String),
    Body { note: bool, text: String },
    Blank,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TicketView {
    pub id: TicketId,
    /// What the list knew, shown while the conversation loads.
    pub summary: Option<TicketSummary>,
    pub detail: Option<TicketDetail>,
    pub error: Option<String>,
    /// Shown from the cache because the desk could not be asked (why).
    pub cached: Option<String>,
    /// The conversation laid out, and the width it was laid out for.
    pub lines: std::sync::Arc<Vec<ConvLine>>,
    pub laid_out: Option<usize>,
    /// First conversation line shown.
    pub scroll: usize,
    /// The request whose answer this view waits for; older answers are dropped.
    pub request: u64,
}

impl TicketView {
    pub fn new(id: TicketId, summary: Option<TicketSummary>, request: u64) -> Self {
        Self {
            id,
            summary,
            detail: None,
            error: None,
            cached: None,
            lines: Default::default(),
            laid_out: None,
            scroll: 0,
            request,
        }
    }

    /// The freshest summary: the loaded ticket's, else the list's.
    pub fn summary(&self) -> Option<&TicketSummary> {
        self.detail
            .as_ref()
            .map(|d| &d.summary)
            .or(self.summary.as_ref())
    }
}
