//! The outbox as the user sees it: every write not yet on the desk and
//! every write the desk refused, with retry, edit and discard; the question
//! on quitting while some cannot go; and signing in again after the desk
//! refused the credential, without losing anything on screen.

use crossterm::event::KeyEvent;

use super::compose::Compose;
use super::input::{Edit, LineInput};
use super::writes::Outgoing;
use super::{Effect, Overlay, SignInError, State};
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::secret::Secret;
use crate::store::{Progress, QueuedWrite};

/// One row of the outbox view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub ticket: String,
    /// "sending", "next try in 40s (3 tries): …", "refused: …".
    pub state: String,
    pub key: String,
}

impl State {
    /// Everything in the outbox, oldest first, then what the desk refused.
    pub fn outbox_rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for outgoing in &self.outbox.outgoing {
            for item in &outgoing.items {
                if item.finished() {
                    continue;
                }
                let state = match (item.progress, item.next_at) {
                    (Progress::Sending(_), _) => "sending".to_string(),
                    _ if outgoing.waiting(self.ticks) => "waiting out the undo window".into(),
                    _ if self.settings.read_only.is_some() => "held: read-only".to_string(),
                    _ if self.outbox.signed_out => "waiting for :login".to_string(),
                    (_, Some(at)) if at > self.now => format!(
                        "next try in {} ({} so far): {}",
                        crate::sla::compact_duration(self.now.duration_until(at)),
                        item.attempts,
                        item.last_error.as_deref().unwrap_or("")
                    ),
                    _ => "about to be sent".to_string(),
                };
                rows.push(Row {
                    label: outgoing.label.clone(),
                    ticket: format!("#{}", item.ticket.0),
                    state,
                    key: item.key.clone(),
                });
            }
        }
        for rejected in &self.outbox.rejected {
            rows.push(Row {
                label: rejected.label.clone(),
                ticket: format!("#{}", rejected.ticket.0),
                state: format!("refused: {}", rejected.refusal().unwrap_or_default()),
                key: rejected.key.clone(),
            });
        }
        rows
    }

    /// The outbox view closes once everything in it is on the desk (a
    /// retried write landed, the last one was discarded).
    pub(crate) fn close_empty_outbox(&mut self) {
        let is_outbox = |o: &Overlay| matches!(o, Overlay::Outbox { .. });
        if self.screen.has(is_outbox) && self.outbox_rows().is_empty() {
            self.screen.close_all(is_outbox);
        }
    }

    pub fn open_outbox(&mut self) {
        if self.outbox_rows().is_empty() {
            self.info("the outbox is empty: everything is on the desk");
            return;
        }
        self.screen.push(Overlay::Outbox { cursor: 0 });
    }

    pub(crate) fn outbox_action(&mut self, action: Action, cursor: usize) -> Vec<Effect> {
        let rows = self.outbox_rows();
        let last = rows.len().saturating_sub(1);
        let chosen = rows.get(cursor.min(last)).map(|r| r.key.clone());
        let mut effects = Vec::new();
        let cursor = match action {
            Action::Back => {
                self.screen.close();
                return effects;
            }
            Action::Down => (cursor + 1).min(last),
            Action::Up => cursor.saturating_sub(1),
            Action::Retry => {
                if let Some(key) = chosen {
                    effects = self.retry(&key);
                }
                cursor
            }
            Action::EditWrite => {
                if let Some(key) = chosen {
                    effects = self.edit_pending(&key);
                }
                if self.screen.compose().is_some() {
                    self.screen
                        .close_all(|o| matches!(o, Overlay::Outbox { .. }));
                    return effects;
                }
                cursor
            }
            Action::Discard => {
                if let Some(key) = chosen {
                    effects = self.discard(&key);
                }
                cursor
            }
            _ => cursor,
        };
        let count = self.outbox_rows().len();
        if count == 0 {
            self.screen
                .close_all(|o| matches!(o, Overlay::Outbox { .. }));
        } else if let Some(Overlay::Outbox { cursor: c }) = self.screen.overlay_mut() {
            *c = cursor.min(count - 1);
        }
        effects
    }

    /// Take a write out of the outbox (in memory), unless it is being sent.
    fn take_item(&mut self, key: &str) -> Option<QueuedWrite> {
        if let Some(i) = self.outbox.rejected.iter().position(|r| r.key == key) {
            return Some(self.outbox.rejected.remove(i));
        }
        for o in 0..self.outbox.outgoing.len() {
            if let Some(i) = self.outbox.outgoing[o]
                .items
                .iter()
                .position(|it| it.key == key && !matches!(it.progress, Progress::Sending(_)))
            {
                let item = self.outbox.outgoing[o].items.remove(i);
                if self.outbox.outgoing[o].items.is_empty() {
                    self.outbox.outgoing.remove(o);
                }
                return Some(item);
            }
        }
        None
    }

    /// `r`: try again now (a refused write too).
    fn retry(&mut self, key: &str) -> Vec<Effect> {
        if let Some(why) = &self.settings.read_only {
            self.error(format!("read-only: nothing is sent ({why})"));
            return Vec::new();
        }
        let Some(mut item) = self.take_item(key) else {
            self.info("it is being sent right now");
            return Vec::new();
        };
        item.again();
        self.info(format!("{}: trying again", item.label));
        let keep = Effect::OutboxPut(vec![item.clone()]);
        let id = self.request_id();
        self.outbox.outgoing.push(Outgoing {
            id,
            label: item.label.clone(),
            items: vec![item],
            send_at: self.ticks,
            compose: None,
        });
        let mut effects = vec![keep];
        effects.extend(self.pump());
        effects
    }

    /// `e`: a reply or note back into its pane, out of the outbox.
    fn edit_pending(&mut self, key: &str) -> Vec<Effect> {
        let text = self
            .outbox
            .outgoing
            .iter()
            .flat_map(|o| &o.items)
            .chain(&self.outbox.rejected)
            .find(|i| i.key == key)
            .and_then(QueuedWrite::text);
        let Some((kind, text)) = text else {
            let keys = &self.settings.keymap;
            let (retry, discard) = (
                keys.hint(Context::Outbox, Action::Retry),
                keys.hint(Context::Outbox, Action::Discard),
            );
            self.info(format!(
                "only a reply or a note can be edited; {retry} retries, {discard} discards"
            ));
            return Vec::new();
        };
        if self.screen.compose().is_some() {
            self.error("close the open reply first (esc keeps it as a draft)");
            return Vec::new();
        }
        let Some(item) = self.take_item(key) else {
            self.info("it is being sent right now");
            return Vec::new();
        };
        let label = item.label.clone();
        let mut effects = vec![Effect::OutboxRemove(item.key.clone())];
        if !self.screen.showing(&item.ticket) {
            effects.extend(self.open_ticket(item.ticket.clone()));
        }
        let mut compose = Compose::new(kind, item.ticket.clone(), item.based_on.clone());
        compose.set_text(&text);
        compose.files = item.files().to_vec();
        effects.push(self.keep_draft(&compose));
        let _kept_as_draft = self.screen.put_compose(compose);
        self.info(format!("{label}: back in the pane; ctrl-x sends it again"));
        effects
    }

    /// `D`: let it go for good.
    fn discard(&mut self, key: &str) -> Vec<Effect> {
        let Some(item) = self.take_item(key) else {
            self.info("it is being sent right now");
            return Vec::new();
        };
        self.info(format!("{}: discarded, not sent", item.label));
        vec![Effect::OutboxRemove(item.key)]
    }

    /// Quitting with writes that cannot go now: the answer.
    pub(crate) fn quit_pending_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Yes => {
                self.screen.close();
                self.should_quit = true;
                self.autosave().into_iter().collect()
            }
            Action::No => {
                self.screen.close();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    pub fn open_sign_in(&mut self) {
        self.screen.push(Overlay::SignIn(LineInput::default()));
    }

    pub(crate) fn sign_in_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Some(Overlay::SignIn(input)) = self.screen.overlay_mut() else {
            return Vec::new();
        };
        match input.handle(key) {
            Edit::Submit => {
                let token = Secret::new(input.text().trim());
                self.screen.close();
                if token.expose().is_empty() {
                    self.info("no token typed; nothing changed");
                    return Vec::new();
                }
                self.info("checking the token with the desk…");
                vec![Effect::SignIn { token }]
            }
            Edit::Cancel => {
                self.screen.close();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The answer to `:login`: writes waiting for it go now.
    pub fn signed_in(&mut self, result: Result<String, SignInError>) -> Vec<Effect> {
        match result {
            Ok(told) => {
                self.outbox.signed_out = false;
                for item in self
                    .outbox
                    .outgoing
                    .iter_mut()
                    .flat_map(|o| o.items.iter_mut())
                {
                    item.next_at = None;
                }
                self.info(told);
                let mut effects = self.pump();
                effects.extend(self.begin_refresh());
                effects
            }
            Err(failed) => {
                // The explanation on the status line; the desk's own words
                // beside it in `:messages`, unless they are the same.
                let detail = failed
                    .desk
                    .as_ref()
                    .map(ToString::to_string)
                    .filter(|words| *words != failed.why);
                self.error_with(format!("not signed in: {}", failed.why), detail);
                Vec::new()
            }
        }
    }
}
