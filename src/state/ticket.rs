//! The ticket view: one ticket's header and conversation, scrolled.

use super::picker::{Choice, Pick, Picker, Purpose};
use super::screen::Overlay;
use super::{Effect, State};
use crate::action::Action;
use crate::config::keymap::Context;
use crate::desk::{TicketDetail, TicketId, TicketSummary};
use crate::opener::Viewer;

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
    /// The requester's other tickets, once read.
    pub history: Option<History>,
    /// `H` was pressed before they came: show them when they do.
    pub history_wanted: bool,
}

/// A requester's other tickets: open ones first, then the rest, each
/// newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub tickets: Vec<TicketSummary>,
    pub open: usize,
    /// Made in the last year.
    pub year: usize,
}

impl History {
    /// "3 other open · 12 in the last year"
    pub fn said(&self) -> String {
        let open = match self.open {
            0 => "no other open".to_string(),
            n => format!("{n} other open"),
        };
        format!("{open} · {} in the last year", self.year)
    }
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
            history: None,
            history_wanted: false,
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

impl State {
    /// `s` in a ticket: every attachment of its conversation into the
    /// downloads folder, each as a new file.
    pub(crate) fn save_attachments(&mut self) -> Vec<Effect> {
        if self.settings.lacks.contains(&"saving attachments") {
            self.error("this desk cannot give its attachments to save");
            return Vec::new();
        }
        let Some(folder) = self.settings.downloads.clone() else {
            self.error("no downloads folder: set downloads = \"DIR\" in config.toml");
            return Vec::new();
        };
        let files: Vec<(String, String)> = self
            .screen
            .ticket()
            .and_then(|v| v.detail.as_ref())
            .into_iter()
            .flat_map(|d| &d.entries)
            .flat_map(|e| &e.attachments)
            .filter_map(|a| Some((a.id.clone()?, a.name.to_string())))
            .collect();
        if files.is_empty() {
            self.info("no attachments to save");
            return Vec::new();
        }
        let count = files.len();
        self.info(format!(
            "saving {count} attachment{} to {}…",
            if count == 1 { "" } else { "s" },
            folder.display()
        ));
        vec![Effect::SaveAttachments { files, folder }]
    }

    /// Once a ticket has come: its requester's other tickets, where the
    /// desk searches itself (one request); a desk read whole is asked only
    /// on `H`.
    pub(crate) fn history_on_open(&mut self) -> Option<Effect> {
        if self
            .settings
            .lacks
            .contains(&"search (tickets are filtered here)")
        {
            return None;
        }
        self.ask_history()
    }

    fn ask_history(&self) -> Option<Effect> {
        let view = self.screen.ticket()?;
        if view.history.is_some() {
            return None;
        }
        let email = view.summary()?.requester.email.to_string();
        (!email.trim().is_empty()).then(|| Effect::LoadHistory {
            id: view.id.clone(),
            email,
        })
    }

    /// `H`: the requester's other tickets to open one.
    pub(crate) fn show_history(&mut self) -> Vec<Effect> {
        let Some(view) = self.screen.ticket_mut() else {
            return Vec::new();
        };
        let Some(history) = view.history.clone() else {
            view.history_wanted = true;
            let effect = self.ask_history();
            if effect.is_none() {
                self.info("no requester address to look for");
            } else {
                self.info("reading the requester's tickets…");
            }
            return effect.into_iter().collect();
        };
        if history.tickets.is_empty() {
            self.info("no other tickets from this requester");
            return Vec::new();
        }
        let now = self.now;
        let options = history
            .tickets
            .iter()
            .map(|t| Pick {
                label: format!("{} {}", t.key, t.subject),
                detail: format!(
                    "{} · {}",
                    t.status.kind.name(),
                    crate::layout::format::age(now, t.created)
                ),
                choice: Choice::Ticket(t.id.clone()),
            })
            .collect();
        let id = self.screen.ticket().map(|v| v.id.clone());
        self.screen.push(Overlay::Picker(Picker::new(
            format!("Their other tickets · {}", history.said()),
            Purpose::OpenTicket,
            id.into_iter().collect(),
            options,
        )));
        Vec::new()
    }

    pub(crate) fn on_history(
        &mut self,
        id: &TicketId,
        result: Result<Vec<TicketSummary>, crate::desk::DeskError>,
    ) -> Vec<Effect> {
        let year_ago = self.now - jiff::SignedDuration::from_hours(365 * 24);
        let Some(view) = self.screen.ticket_mut().filter(|v| v.id == *id) else {
            return Vec::new();
        };
        let mut tickets = match result {
            Ok(tickets) => tickets,
            Err(e) => {
                let wanted = view.history_wanted;
                view.history_wanted = false;
                if wanted {
                    self.error(format!(
                        "the requester's tickets could not be read: {}",
                        e.short()
                    ));
                }
                return Vec::new();
            }
        };
        tickets.retain(|t| t.id != *id);
        // Open first, then the rest; newest first in each.
        tickets.sort_by(|a, b| {
            b.status
                .kind
                .is_active()
                .cmp(&a.status.kind.is_active())
                .then(b.updated.cmp(&a.updated))
        });
        let history = History {
            open: tickets.iter().filter(|t| t.status.kind.is_active()).count(),
            year: tickets.iter().filter(|t| t.created >= year_ago).count(),
            tickets,
        };
        view.history = Some(history);
        let wanted = std::mem::take(&mut view.history_wanted);
        if wanted {
            return self.show_history();
        }
        Vec::new()
    }

    /// `v` in a ticket: look at an attachment; with several, choose one.
    pub(crate) fn choose_attachment(&mut self) -> Vec<Effect> {
        if self.settings.lacks.contains(&"saving attachments") {
            self.error("this desk cannot give its attachments to look at");
            return Vec::new();
        }
        let Some(view) = self.screen.ticket() else {
            return Vec::new();
        };
        let files: Vec<Pick> = view
            .detail
            .iter()
            .flat_map(|d| &d.entries)
            .flat_map(|e| &e.attachments)
            .filter_map(|a| {
                Some(Pick {
                    label: a.name.to_string(),
                    detail: format!("{}, {}", a.mime, crate::desk::message::size_text(a.size)),
                    choice: Choice::Attachment {
                        id: a.id.clone()?,
                        name: a.name.to_string(),
                        mime: a.mime.to_string(),
                    },
                })
            })
            .collect();
        let id = view.id.clone();
        match files.as_slice() {
            [] => {
                self.info("no attachments to look at");
                Vec::new()
            }
            [
                Pick {
                    choice: Choice::Attachment { id, name, mime },
                    ..
                },
            ] => {
                let (id, name, mime) = (id.clone(), name.clone(), mime.clone());
                self.view_attachment(&id, &name, &mime)
            }
            _ => {
                self.screen.push(Overlay::Picker(Picker::new(
                    "Look at an attachment".into(),
                    Purpose::ViewAttachment,
                    vec![id],
                    files,
                )));
                Vec::new()
            }
        }
    }

    pub(crate) fn view_attachment(&mut self, id: &str, name: &str, mime: &str) -> Vec<Effect> {
        self.info(format!("fetching {}…", crate::text::sanitize_line(name)));
        vec![Effect::FetchToView {
            id: id.to_string(),
            name: name.to_string(),
            mime: mime.to_string(),
        }]
    }

    /// A background command ended: its output in a pane of its own, or in
    /// a word when it had none.
    pub(crate) fn on_ran(&mut self, label: &str, result: Result<String, String>) -> Vec<Effect> {
        match result {
            Err(why) => self.error(format!("{label}: {why}")),
            Ok(output) if output.trim().is_empty() => self.info(format!("{label}: done")),
            Ok(output) => {
                self.info(format!("{label}: done"));
                self.screen.push(Overlay::Output {
                    title: label.to_string(),
                    lines: output.lines().map(str::to_string).collect(),
                    first: 0,
                });
            }
        }
        Vec::new()
    }

    /// The attachment is here: to the pager, to the opener, or, with no
    /// display for it, where it is.
    pub(crate) fn on_fetched(
        &mut self,
        name: &str,
        mime: &str,
        result: Result<std::path::PathBuf, String>,
    ) -> Vec<Effect> {
        let name = crate::text::sanitize_line(name);
        let path = match result {
            Ok(path) => path,
            Err(why) => {
                self.error(format!("{name} could not be fetched: {why}"));
                return Vec::new();
            }
        };
        match crate::opener::viewer_for(mime, &name, self.settings.display) {
            Viewer::Pager => vec![Effect::Page { path }],
            Viewer::Opener => {
                self.info(format!("{name} opened with the system's viewer"));
                vec![Effect::OpenFile { path }]
            }
            Viewer::Nowhere => {
                let save = self
                    .settings
                    .keymap
                    .hint(Context::Ticket, Action::SaveAttachments);
                self.info(format!(
                    "no display here to open {name}: it is in {} ({save} saves it into downloads)",
                    path.display()
                ));
                Vec::new()
            }
        }
    }

    /// Where the files went: named on the status line, every failure too.
    pub(crate) fn on_saved(&mut self, results: Vec<Result<std::path::PathBuf, String>>) {
        let (saved, failed): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
        let names: Vec<String> = saved
            .into_iter()
            .filter_map(Result::ok)
            .map(|p| p.display().to_string())
            .collect();
        let failed: Vec<String> = failed.into_iter().filter_map(Result::err).collect();
        if failed.is_empty() {
            self.info(format!("saved {}", names.join(", ")));
        } else {
            self.error_with(
                format!(
                    "{} saved, {} not · {}",
                    names.len(),
                    failed.len(),
                    failed[0]
                ),
                failed.join("; "),
            );
        }
    }
}
