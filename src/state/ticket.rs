//! The ticket view: one ticket's header and conversation, scrolled.

use crate::desk::{TicketDetail, TicketId, TicketSummary};

/// One line of the conversation, laid out for the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConvLine {
    Problem(String),
    Muted(String),
    Event(String),
    ReplyHeader {
        author: String,
        rest: String,
    },
    NoteHeader(String),
    Body {
        note: bool,
        text: String,
    },
    /// A row of quoted mail, shown.
    Quote {
        note: bool,
        text: String,
    },
    /// Quoted mail folded into one line: how many lines it hides.
    Folded {
        note: bool,
        lines: usize,
    },
    Blank,
}

impl ConvLine {
    /// The first line of an entry: its header, or an event's one line.
    fn starts_entry(&self) -> bool {
        matches!(
            self,
            ConvLine::ReplyHeader { .. } | ConvLine::NoteHeader(_) | ConvLine::Event(_)
        )
    }

    fn quoted(&self) -> bool {
        matches!(self, ConvLine::Quote { .. } | ConvLine::Folded { .. })
    }
}

/// Where the top of the screen is in a conversation: which entry, and how
/// many rows into it, a quote counting as one row whether folded or shown,
/// so that the place holds when quotes fold or unfold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    entry: Option<usize>,
    unit: usize,
}

/// Whether row `i` of an entry starting at `start` begins a unit: a line
/// of its own, or the first row of a quote.
fn unit_starts(lines: &[ConvLine], start: usize, i: usize) -> bool {
    i == start || !lines[i].quoted() || !lines[i - 1].quoted()
}

impl Anchor {
    pub fn at(lines: &[ConvLine], row: usize) -> Self {
        let row = row.min(lines.len().saturating_sub(1));
        let Some(start) = lines
            .get(..=row)
            .and_then(|before| before.iter().rposition(ConvLine::starts_entry))
        else {
            return Self {
                entry: None,
                unit: row,
            };
        };
        let entry = lines[..start].iter().filter(|l| l.starts_entry()).count();
        let unit = (start..=row)
            .filter(|&i| unit_starts(lines, start, i))
            .count()
            - 1;
        Self {
            entry: Some(entry),
            unit,
        }
    }

    /// The same place in `lines`, laid out anew.
    pub fn row(self, lines: &[ConvLine]) -> usize {
        let Some(entry) = self.entry else {
            return self.unit;
        };
        let Some(start) = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_entry())
            .nth(entry)
            .map(|(start, _)| start)
        else {
            return 0;
        };
        (start..lines.len())
            .filter(|&i| unit_starts(lines, start, i))
            .nth(self.unit)
            .unwrap_or(start)
    }
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
    /// Quoted mail shown whole rather than folded.
    pub show_quotes: bool,
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
            show_quotes: false,
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
