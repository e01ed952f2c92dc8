//! The compose pane: a reply or an internal note being written for one
//! ticket. Every change lands in a draft within a second or two; sending
//! goes through the undo window like every other write.

use ratatui_textarea::TextArea;

use super::{Effect, State};
use crate::action::Action;
use crate::config::keymap::Context;
use crate::desk::{Change, TicketId, Upload, Version};
use crate::store::Draft;
use crate::store::QueuedWrite;

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
    /// Changes that go after the text, from an inserted macro.
    pub actions: Vec<Change>,
    /// Files that go with the text, read and checked when attached.
    pub files: Vec<Upload>,
    /// The ticket changed on the desk since the pane opened; sending again
    /// sends on top of the new version.
    pub conflict: bool,
    /// Typed since the draft was last saved.
    pub dirty: bool,
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
            actions: Vec::new(),
            files: Vec::new(),
            conflict: false,
            dirty: false,
        }
    }

    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// Replace the whole text (from a draft or an external editor).
    pub fn set_text(&mut self, text: &str) {
        let mut editor = TextArea::new(text.lines().map(str::to_string).collect());
        editor.set_placeholder_text(self.editor.placeholder_text().to_string());
        editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
        editor.move_cursor(ratatui_textarea::CursorMove::End);
        self.editor = editor;
        self.dirty = true;
    }

    pub fn is_blank(&self) -> bool {
        self.editor.lines().iter().all(|l| l.trim().is_empty())
    }

    /// The writes this pane sends: the text, then any macro actions.
    pub fn changes(&self) -> Vec<Change> {
        let body = self.text().trim_end().to_string();
        let files = self.files.clone();
        let text = match self.kind {
            ComposeKind::Reply => Change::Reply {
                body,
                then: None,
                files,
            },
            ComposeKind::Note => Change::Note {
                body,
                then: None,
                files,
            },
        };
        std::iter::once(text)
            .chain(self.actions.iter().cloned())
            .collect()
    }

    pub fn draft(&self, saved: jiff::Timestamp) -> Draft {
        Draft {
            ticket: self.ticket.clone(),
            kind: self.kind,
            text: self.text(),
            saved,
        }
    }
}

impl State {
    /// Open the compose pane on the ticket in view, or the selected one; a
    /// saved draft for the ticket comes back into it.
    pub fn start_compose(&mut self, kind: ComposeKind) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.screen.ticket().is_none() {
            let Some(id) = self.selected().map(|t| t.id.clone()) else {
                return effects;
            };
            effects = self.open_ticket(id);
        }
        let Some(view) = self.screen.ticket() else {
            return effects;
        };
        let version = view
            .summary()
            .map_or_else(|| Version(Default::default()), |s| s.version.clone());
        let id = view.id.clone();
        let compose = match self.drafts.get(&id) {
            Some(draft) => {
                let mut compose = Compose::new(draft.kind, id, version);
                compose.set_text(&draft.text);
                compose.dirty = false;
                let what = match draft.kind {
                    ComposeKind::Reply => "reply",
                    ComposeKind::Note => "note",
                };
                let when =
                    crate::layout::format::wall(draft.saved, self.now, &self.settings.time_zone);
                self.info(format!("your draft {what} from {when} is back"));
                compose
            }
            None => Compose::new(kind, id, version),
        };
        if !self.screen.put_compose(compose) {
            return effects;
        }
        // Writing follows the end of the conversation.
        if let Some(view) = self.screen.ticket_mut() {
            view.scroll = usize::MAX / 2;
        }
        self.clamp_ticket_scroll();
        effects
    }

    /// An action of the compose pane; typed keys go to its editor
    /// ([`super::keys::on_typed`]).
    pub fn compose_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(compose) = self.screen.compose() else {
            return Vec::new();
        };
        match action {
            Action::Send => self.send(),
            Action::ExternalEditor => vec![Effect::EditExternally {
                text: compose.text(),
            }],
            Action::InsertMacro => self.open_macro_picker(true),
            Action::AttachFile => {
                let mut line = super::command::CommandLine::default();
                line.input.set("attach ");
                self.screen.push(super::screen::Overlay::Command(line));
                Vec::new()
            }
            // Closing keeps the text as a draft; an empty pane leaves none.
            Action::Cancel => {
                let Some(compose) = self.screen.take_compose() else {
                    return Vec::new();
                };
                if compose.is_blank() {
                    return vec![self.forget_draft(&compose.ticket)];
                }
                let effect = self.keep_draft(&compose);
                let key = self.settings.keymap.hint(Context::Ticket, Action::Reply);
                self.info(format!("draft kept: {key} continues it"));
                vec![effect]
            }
            _ => Vec::new(),
        }
    }

    /// `:attach PATH`: read and check the file now, so a file the desk
    /// would refuse is named while the draft is still being written.
    /// `:attach -NAME` takes one off.
    pub fn attach_file(&mut self, path: &str) {
        let rules = self.settings.uploads;
        let Some(compose) = self.screen.compose_mut() else {
            self.error("files go with a reply or note: r or n, then ctrl-g");
            return;
        };
        if let Some(name) = path.strip_prefix('-') {
            let before = compose.files.len();
            compose.files.retain(|f| f.name != name.trim());
            if compose.files.len() < before {
                self.info(format!("{} is no longer attached", name.trim()));
            } else {
                self.error(format!("no file {} is attached", name.trim()));
            }
            return;
        }
        let path = super::command::expand_home(path);
        match crate::desk::read_upload(&path, &rules) {
            Ok(file) => {
                let said = format!(
                    "{} ({}) attached; it goes with the send",
                    file.name,
                    crate::desk::message::size_text(file.bytes.len() as u64)
                );
                compose.files.retain(|f| f.name != file.name);
                compose.files.push(file);
                self.info(said);
            }
            Err(why) => self.error(why),
        }
    }

    /// The text from an external editor, or why there is none.
    pub fn edited(&mut self, result: Result<String, String>) {
        match (result, self.screen.compose_mut()) {
            (Ok(text), Some(compose)) => {
                compose.set_text(&text);
                self.info("text from the editor is in the pane; ctrl-x sends it");
            }
            (Err(reason), _) => self.error(reason),
            (Ok(_), None) => {}
        }
    }

    fn send(&mut self) -> Vec<Effect> {
        let latest = self.screen.ticket().and_then(|v| v.summary()).cloned();
        let Some(compose) = self.screen.compose_mut() else {
            return Vec::new();
        };
        if compose.is_blank() {
            self.info("nothing to send yet");
            return Vec::new();
        }
        // After a conflict the user has seen the new messages: send on top of them.
        if compose.conflict
            && let Some(latest) = &latest
        {
            compose.based_on = latest.version.clone();
            compose.conflict = false;
        }
        let Some(compose) = self.screen.take_compose() else {
            return Vec::new();
        };
        let label = match compose.kind {
            ComposeKind::Reply => format!("reply to #{}", compose.ticket.0),
            ComposeKind::Note => format!("note on #{}", compose.ticket.0),
        };
        let item = QueuedWrite::on(
            compose.ticket.clone(),
            compose.based_on.clone(),
            compose.changes(),
            latest,
        );
        // The draft goes as the text is queued (one transaction): the
        // outbox holds it now, and undo makes it a draft again.
        self.queue_write(label, vec![item], Some(compose))
    }

    /// Save the pane's text as the ticket's draft.
    pub fn keep_draft(&mut self, compose: &Compose) -> Effect {
        let draft = compose.draft(self.now);
        self.drafts.insert(draft.ticket.clone(), draft.clone());
        Effect::SaveDraft(draft)
    }

    /// Once a second: the open pane's text, if it changed, into its draft.
    pub fn autosave(&mut self) -> Option<Effect> {
        let compose = self.screen.compose_mut().filter(|c| c.dirty)?;
        compose.dirty = false;
        let compose = compose.clone();
        Some(self.keep_draft(&compose))
    }

    pub fn forget_draft(&mut self, ticket: &TicketId) -> Effect {
        self.drafts.remove(ticket);
        Effect::DeleteDraft(ticket.clone())
    }

    /// Whether keys go to the compose pane (no overlay on top of it).
    pub fn composing(&self) -> bool {
        self.screen.compose().is_some() && self.screen.overlay().is_none()
    }
}
