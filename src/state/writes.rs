//! Writes on their way to the desk: each is kept in the outbox on disk
//! before anything is sent, waits out the undo window, then its tickets are
//! written one after another, each change based on the version the previous
//! one left, and each ticket's writes in the order they were made. One
//! ticket failing does not stop the others. A write that could not reach the
//! desk is tried again with growing pauses (or when the desk says); one whose
//! answer was lost is looked for on the desk before it is sent again; one the
//! desk refused for good stays in the outbox until the user retries, edits or
//! discards it. A ticket that changed meanwhile is shown and asked about,
//! never overwritten.

use jiff::SignedDuration;

use super::compose::Compose;
use super::{Effect, Overlay, State};
use crate::action::Action;
use crate::config::keymap::Context;
use crate::desk::gate::{self, Closed};
use crate::desk::retry::{Backoff, Next, next_after};
use crate::desk::{
    AgentRef, Applied, Assignee, Change, DeskError, Priority, QueueRef, Status, TicketDetail,
    TicketId, TicketSummary, Version,
};
use crate::store::{Progress, QueuedWrite};
use crate::text::SafeText;

/// How a write ended, as its report tells it.
enum Outcome {
    Done,
    Conflict,
    Refused(String),
    Unsent,
}

fn outcome(write: &QueuedWrite) -> Outcome {
    if let Some(reason) = write.refusal() {
        return Outcome::Refused(reason.to_string());
    }
    match write.progress {
        Progress::Done => Outcome::Done,
        Progress::Conflict => Outcome::Conflict,
        Progress::Waiting | Progress::Sending(_) => Outcome::Unsent,
    }
}

/// The pause before a write's next try, by the one retry policy.
fn backoff(write: &QueuedWrite) -> SignedDuration {
    let pause = Backoff::OUTBOX.pause(write.attempts, &write.key);
    SignedDuration::try_from(pause).unwrap_or(SignedDuration::from_mins(5))
}

/// The console's outbox: the writes on their way (each waiting out its
/// undo window, being sent, or paused before its next try), those the
/// desk refused for good, and what holds them all back.
#[derive(Debug, Default)]
pub struct Outbox {
    /// Writes waiting out the undo window, or on their way.
    pub outgoing: Vec<Outgoing>,
    /// Writes the desk refused for good, until the user acts on them.
    pub rejected: Vec<QueuedWrite>,
    /// The desk refused the credential: writes wait for `:login`.
    pub signed_out: bool,
    /// Quit once the waiting writes are sent.
    pub quit_when_sent: bool,
    /// Writes held under read-only that the user has been told of.
    pub held_told: usize,
    /// A write that met a changed ticket, while that ticket is read.
    pub inspecting: Option<(u64, QueuedWrite)>,
}

/// A send or a (bulk) change, from the key press until every ticket is done.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub id: u64,
    /// "reply to #12", "close 3 tickets".
    pub label: String,
    pub items: Vec<QueuedWrite>,
    /// The tick it leaves at; until then `u` takes it back.
    pub send_at: u64,
    /// The compose pane the text came from: back on undo, failure or conflict.
    pub compose: Option<Compose>,
}

impl Outgoing {
    pub fn waiting(&self, tick: u64) -> bool {
        tick < self.send_at
    }

    pub fn done_count(&self) -> usize {
        self.items.iter().filter(|i| i.finished()).count()
    }
}

/// A question put to the user before a write goes on top of someone else's.
#[derive(Clone, Debug)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// Written (on the ticket's new version) if the answer is yes.
    pub item: QueuedWrite,
}

/// The outcome of a bulk change, per ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Results {
    pub title: String,
    pub rows: Vec<(String, Result<(), String>)>,
}

/// What changed between what the user saw and the ticket now.
pub fn what_changed(seen: Option<&TicketSummary>, now: &TicketDetail) -> Vec<String> {
    let after = &now.summary;
    let Some(before) = seen else {
        return vec!["the ticket was changed on the desk".to_string()];
    };
    let mut lines = Vec::new();
    let name = |o: &Option<crate::desk::AgentRef>| {
        o.as_ref()
            .map_or_else(|| "nobody".to_string(), |a| a.name.to_string())
    };
    if before.status.kind != after.status.kind {
        lines.push(format!(
            "status {} → {}",
            before.status.raw, after.status.raw
        ));
    }
    if before.owner.as_ref().map(|o| &o.id) != after.owner.as_ref().map(|o| &o.id) {
        lines.push(format!(
            "owner {} → {}",
            name(&before.owner),
            name(&after.owner)
        ));
    }
    if before.priority.level != after.priority.level {
        lines.push(format!(
            "priority {} → {}",
            before.priority.raw, after.priority.raw
        ));
    }
    if before.queue.id != after.queue.id {
        lines.push(format!(
            "queue {} → {}",
            before.queue.name, after.queue.name
        ));
    }
    for entry in now.entries.iter().filter(|e| e.at > before.updated) {
        if entry.kind != crate::desk::EntryKind::Event {
            let first_line = entry.body.lines().next().unwrap_or("");
            lines.push(format!("new message from {}: “{first_line}”", entry.author));
        }
    }
    if lines.is_empty() {
        lines.push("the ticket was updated on the desk".to_string());
    }
    lines
}

impl State {
    /// Queue a write: into the outbox on disk first, then it leaves after the
    /// undo window (at once when there is none).
    pub fn queue_write(
        &mut self,
        label: String,
        mut items: Vec<QueuedWrite>,
        compose: Option<Compose>,
    ) -> Vec<Effect> {
        if items.is_empty() {
            self.info("nothing to change");
            return Vec::new();
        }
        for item in &mut items {
            if item.key.is_empty() {
                item.key = self.outbox_key();
            }
            item.label.clone_from(&label);
        }
        let pending = items.clone();
        let keep = match &compose {
            Some(compose) => {
                self.drafts.remove(&compose.ticket);
                Effect::OutboxQueue {
                    items: pending,
                    sent_draft: compose.ticket.clone(),
                }
            }
            None => Effect::OutboxPut(pending),
        };
        let id = self.request_id();
        self.outbox.outgoing.push(Outgoing {
            id,
            label,
            items,
            send_at: self.ticks + u64::from(self.settings.undo_seconds),
            compose,
        });
        let mut effects = vec![keep];
        effects.extend(self.pump());
        effects
    }

    /// A name for a write in the outbox, unique to this profile.
    fn outbox_key(&mut self) -> String {
        let n = self.request_id();
        format!("{}-{}", self.now.as_nanosecond(), n)
    }

    /// Start what is due: for every write past its window, its next ticket
    /// whose pause is over and whose earlier writes are done.
    ///
    /// The one gate every write passes: under read-only nothing leaves,
    /// whichever way it came (a key, the outbox view, an earlier run).
    pub fn pump(&mut self) -> Vec<Effect> {
        // The one gate: whatever put a write in the outbox, it leaves here.
        match gate::check(self.settings.read_only.as_deref(), self.outbox.signed_out) {
            Err(Closed::ReadOnly(why)) => {
                let held = self.unsent();
                if held > self.outbox.held_told {
                    self.error(format!(
                        "read-only: {held} held in the outbox, nothing is sent ({why})"
                    ));
                }
                self.outbox.held_told = held;
                return Vec::new();
            }
            Err(Closed::SignedOut) => return self.finish_done(),
            Ok(()) => {}
        }
        let mut effects = Vec::new();
        let (tick, now) = (self.ticks, self.now);
        for index in 0..self.outbox.outgoing.len() {
            let outgoing = &self.outbox.outgoing[index];
            if outgoing.waiting(tick)
                || outgoing
                    .items
                    .iter()
                    .any(|i| matches!(i.progress, Progress::Sending(_)))
            {
                continue;
            }
            let earlier = &self.outbox.outgoing[..index];
            let busy = |ticket: &TicketId| {
                earlier
                    .iter()
                    .any(|o| o.items.iter().any(|i| &i.ticket == ticket && !i.finished()))
            };
            let next = outgoing.items.iter().position(|i| {
                i.waiting() && i.next_at.is_none_or(|at| at <= now) && !busy(&i.ticket)
            });
            if let Some(item) = next {
                effects.extend(self.send_next(index, item));
            }
        }
        effects.extend(self.finish_done());
        effects
    }

    /// Send the next change of an item.
    fn send_next(&mut self, outgoing: usize, item: usize) -> Vec<Effect> {
        let request = self.request_id();
        let now = self.now;
        let entry = &mut self.outbox.outgoing[outgoing].items[item];
        let Some(change) = entry.changes.first().cloned() else {
            entry.progress = Progress::Done;
            return Vec::new();
        };
        entry.progress = Progress::Sending(request);
        let mut effects = Vec::new();
        // Noted on disk before it leaves: if the process dies now, the next
        // start looks for it on the desk before sending it again.
        if entry.first_sent.is_none() {
            entry.first_sent = Some(now);
            effects.push(Effect::OutboxPut(vec![entry.clone()]));
        }
        let entry = &self.outbox.outgoing[outgoing].items[item];
        effects.push(Effect::Apply {
            request,
            id: entry.ticket.clone(),
            based_on: entry.based_on.clone(),
            change,
            check_since: entry.uncertain.then_some(entry.first_sent.unwrap_or(now)),
        });
        effects
    }

    /// `u`: take back the newest write still in its window.
    pub fn undo(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        let tick = self.ticks;
        let Some(index) = self.outbox.outgoing.iter().rposition(|o| o.waiting(tick)) else {
            self.info(if self.outbox.outgoing.is_empty() {
                "nothing to undo"
            } else {
                "too late to undo: already on its way"
            });
            return effects;
        };
        let outgoing = self.outbox.outgoing.remove(index);
        let keys: Vec<String> = outgoing.items.iter().map(|i| i.key.clone()).collect();
        // The text back in its pane (rebuilt when the write came back from
        // the outbox after a restart), and a draft again on disk.
        let compose = outgoing.compose.or_else(|| {
            let item = outgoing.items.first()?;
            let (kind, text) = item.text()?;
            let mut compose = Compose::new(kind, item.ticket.clone(), item.based_on.clone());
            compose.set_text(&text);
            Some(compose)
        });
        let draft = compose.as_ref().map(|c| c.draft(self.now));
        if let Some(draft) = &draft {
            self.drafts.insert(draft.ticket.clone(), draft.clone());
        }
        // Another reply open in the pane stays; this text is then a draft.
        if let Some(compose) = compose.filter(|_| self.screen.compose().is_none()) {
            if !self.screen.showing(&compose.ticket) {
                effects.extend(self.open_ticket(compose.ticket.clone()));
            }
            let _kept_as_draft = self.screen.put_compose(compose);
        }
        self.info(format!("undone: {}", outgoing.label));
        effects.push(Effect::OutboxUnqueue { keys, draft });
        effects
    }

    /// A write's answer.
    pub fn on_applied(
        &mut self,
        request: u64,
        result: Result<Box<Applied>, DeskError>,
    ) -> Vec<Effect> {
        let found = self
            .outbox
            .outgoing
            .iter()
            .enumerate()
            .find_map(|(o, out)| {
                out.items
                    .iter()
                    .position(|i| i.progress == Progress::Sending(request))
                    .map(|i| (o, i))
            });
        let Some((o, i)) = found else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        let label = self.outbox.outgoing[o].label.clone();
        match result {
            Ok(applied) => {
                let item = &mut self.outbox.outgoing[o].items[i];
                let merged = matches!(item.changes.first(), Some(Change::MergeInto(_)));
                if !item.changes.is_empty() {
                    item.changes.remove(0);
                }
                let before = std::mem::replace(&mut item.based_on, applied.version.clone());
                let ticket = item.ticket.clone();
                item.attempts = 0;
                item.uncertain = false;
                item.next_at = None;
                item.last_error = None;
                if item.changes.is_empty() {
                    item.progress = Progress::Done;
                    effects.push(Effect::OutboxRemove(item.key.clone()));
                } else {
                    item.progress = Progress::Waiting;
                    effects.push(Effect::OutboxPut(vec![item.clone()]));
                }
                effects.extend(self.rebase(&ticket, &before, &applied));
                let id = applied.summary.id.clone();
                // Merged, it is the other ticket now: not one of its own.
                if merged {
                    self.forget(&ticket);
                }
                self.hold(applied.summary);
                self.place();
                if self.screen.ticket().is_some_and(|v| v.id == id) {
                    effects.extend(self.reload_ticket());
                }
            }
            Err(DeskError::Conflict { .. }) => {
                self.outbox.outgoing[o].items[i].progress = Progress::Conflict;
            }
            Err(e) => {
                let now = self.now;
                let item = &mut self.outbox.outgoing[o].items[i];
                item.last_error = Some(e.to_string());
                match next_after(&e) {
                    Next::Retry { uncertain, after } => {
                        item.attempts += 1;
                        item.uncertain |= uncertain;
                        let pause = after
                            .and_then(|d| SignedDuration::try_from(d).ok())
                            .unwrap_or_else(|| backoff(item));
                        item.next_at = Some(now + pause);
                        item.progress = Progress::Waiting;
                        effects.push(Effect::OutboxPut(vec![item.clone()]));
                        let pause = crate::sla::compact_duration(pause);
                        self.error_with(
                            format!(
                                "{label}: kept in the outbox, next try in {pause} · {}",
                                e.short()
                            ),
                            e.to_string(),
                        );
                    }
                    Next::SignIn => {
                        item.progress = Progress::Waiting;
                        effects.push(Effect::OutboxPut(vec![item.clone()]));
                        self.outbox.signed_out = true;
                        self.error(format!(
                            "{label}: kept in the outbox · the desk refused the sign-in; \
                             :login signs in again"
                        ));
                    }
                    Next::Reject => {
                        item.progress = Progress::Waiting;
                        item.refuse(e.to_string());
                        effects.push(Effect::OutboxPut(vec![item.clone()]));
                    }
                }
            }
        }
        effects.extend(self.pump());
        effects
    }

    /// Our own write moved `ticket` on from `before`: what was queued on
    /// the same view goes on the version it left, since that change is
    /// ours. A change by someone else in between still conflicts.
    fn rebase(&mut self, ticket: &TicketId, before: &Version, applied: &Applied) -> Vec<Effect> {
        let mut effects = Vec::new();
        for outgoing in &mut self.outbox.outgoing {
            for item in outgoing
                .items
                .iter_mut()
                .filter(|i| &i.ticket == ticket && i.waiting() && i.based_on == *before)
            {
                item.based_on = applied.version.clone();
                item.seen = Some(applied.summary.clone());
                effects.push(Effect::OutboxPut(vec![item.clone()]));
            }
        }
        if let Some(compose) = self.screen.compose_mut()
            && &compose.ticket == ticket
            && compose.based_on == *before
        {
            compose.based_on = applied.version.clone();
        }
        effects
    }

    /// A ticket as the writes still on their way will leave it, so that the
    /// next key works from there (`+` `+` raises twice).
    pub fn as_queued(&self, mut t: TicketSummary) -> TicketSummary {
        let queued = self
            .outbox
            .outgoing
            .iter()
            .flat_map(|o| &o.items)
            .filter(|i| i.ticket == t.id && !i.finished())
            .flat_map(|i| &i.changes);
        for change in queued {
            match change {
                Change::SetPriority(level) => t.priority = Priority::new(*level),
                Change::SetStatus(status)
                | Change::Reply {
                    then: Some(status), ..
                }
                | Change::Note {
                    then: Some(status), ..
                } => {
                    t.status = Status::new(*status);
                    // Resolved again, it will be dated when the desk says.
                    t.resolved_at = None;
                }
                Change::Assign(Assignee::Nobody) => t.owner = None,
                Change::Assign(Assignee::Me) => {
                    t.owner = self.me.as_ref().map(|me| AgentRef {
                        id: me.id.clone(),
                        name: me.name.clone(),
                    });
                }
                Change::Assign(Assignee::Agent(id)) => {
                    t.owner = Some(AgentRef {
                        id: id.clone(),
                        name: self
                            .agents
                            .iter()
                            .find(|a| &a.id == id)
                            .map_or_else(|| SafeText::line(&id.0), |a| a.name.clone()),
                    });
                }
                Change::MoveTo(queue) => {
                    if let Some(q) = self.queues.iter().find(|q| &q.id == queue) {
                        t.queue = QueueRef {
                            id: q.id.clone(),
                            name: q.name.clone(),
                        };
                    }
                }
                Change::Reply { then: None, .. }
                | Change::Note { then: None, .. }
                | Change::AddCc(_)
                | Change::RemoveCc(_)
                | Change::MergeInto(_)
                | Change::DeskMacro { .. }
                | Change::SetField { .. } => {}
                Change::Link(..) => t.linked = true,
                Change::Tag(tag) => {
                    if !t.tags.iter().any(|x| x.as_str() == tag) {
                        t.tags.push(SafeText::line(tag));
                    }
                }
                Change::Untag(tag) => t.tags.retain(|x| x.as_str() != tag),
                Change::LogTime(minutes) => t.worked_minutes += minutes,
            }
        }
        t
    }

    /// The pane's text as the ticket's draft again (it went back to the pane).
    fn keep_text(&mut self, compose: &Compose) -> crate::store::Draft {
        let draft = compose.draft(self.now);
        self.drafts.insert(draft.ticket.clone(), draft.clone());
        draft
    }

    /// Whether the ticket's draft holds this write's text (as an older
    /// deskterm left it, kept until the desk had it).
    fn is_draft_of(&self, item: &QueuedWrite) -> bool {
        let sent = item.text().map(|(_, text)| text);
        self.drafts
            .get(&item.ticket)
            .is_some_and(|d| Some(d.text.trim_end()) == sent.as_deref().map(str::trim_end))
    }

    /// Drafts that are the text of a write in the outbox: the outbox has
    /// it, so they go (left by an older deskterm, or read late at start).
    pub(crate) fn drop_queued_drafts(&mut self) -> Vec<Effect> {
        let queued: Vec<TicketId> = self
            .outbox
            .outgoing
            .iter()
            .flat_map(|o| &o.items)
            .filter(|i| !i.finished())
            .chain(&self.outbox.rejected)
            .filter(|i| self.is_draft_of(i))
            .map(|i| i.ticket.clone())
            .collect();
        queued.iter().map(|id| self.forget_draft(id)).collect()
    }

    /// Writes whose tickets are all done: tell the user how they went.
    fn finish_done(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        while let Some(index) = self
            .outbox
            .outgoing
            .iter()
            .position(|o| o.items.iter().all(QueuedWrite::finished))
        {
            let outgoing = self.outbox.outgoing.remove(index);
            effects.extend(self.report(outgoing));
        }
        if self.outbox.outgoing.is_empty() && self.outbox.quit_when_sent {
            self.should_quit = true;
        }
        effects
    }

    fn report(&mut self, outgoing: Outgoing) -> Vec<Effect> {
        let total = outgoing.items.len();
        let done = outgoing
            .items
            .iter()
            .filter(|i| i.progress == Progress::Done && !i.rejected)
            .count();
        // A single ticket: a message, the compose pane back on trouble, or a question.
        if total == 1 {
            let item = outgoing.items.into_iter().next().expect("one item");
            return match (outcome(&item), outgoing.compose) {
                (Outcome::Done, _) => {
                    self.info(format!("{} ✓", outgoing.label));
                    // Its draft went as it was queued; one left by an older
                    // deskterm with the same text goes now.
                    if self.is_draft_of(&item) {
                        vec![self.forget_draft(&item.ticket)]
                    } else {
                        Vec::new()
                    }
                }
                (Outcome::Conflict, Some(mut compose)) => {
                    compose.conflict = true;
                    let draft = self.keep_text(&compose);
                    // Back in its pane when its ticket is on screen; its
                    // draft holds it either way.
                    let _kept_as_draft = self.screen.put_compose(compose);
                    self.error(format!(
                        "not sent: #{} changed meanwhile · read what is new, then send again",
                        item.ticket.0
                    ));
                    let mut effects = vec![Effect::OutboxUnqueue {
                        keys: vec![item.key.clone()],
                        draft: Some(draft),
                    }];
                    effects.extend(self.reload_ticket());
                    effects
                }
                (Outcome::Conflict, None) => {
                    let request = self.request_id();
                    let id = item.ticket.clone();
                    self.outbox.inspecting = Some((request, item));
                    vec![Effect::Inspect { request, id }]
                }
                // Refused with the pane at hand: the text goes back into it
                // (its draft holds it too); otherwise it waits in the outbox.
                (Outcome::Refused(reason), Some(compose)) => {
                    let draft = self.keep_text(&compose);
                    let _kept_as_draft = self.screen.put_compose(compose);
                    self.error_with(
                        format!("not sent, your text is kept · {reason}"),
                        item.last_error.clone(),
                    );
                    vec![Effect::OutboxUnqueue {
                        keys: vec![item.key.clone()],
                        draft: Some(draft),
                    }]
                }
                (Outcome::Refused(reason), None) => {
                    self.error_with(
                        format!(
                            "{}: refused, kept in the outbox (:outbox) · {reason}",
                            outgoing.label
                        ),
                        item.last_error.clone(),
                    );
                    self.outbox.rejected.push(item);
                    Vec::new()
                }
                (Outcome::Unsent, _) => Vec::new(),
            };
        }
        let rows: Vec<(String, Result<(), String>)> = outgoing
            .items
            .iter()
            .map(|item| {
                let name = item.seen.as_ref().map_or_else(
                    || format!("#{}", item.ticket.0),
                    |t| format!("{} {}", t.key, t.subject),
                );
                let outcome = match outcome(item) {
                    Outcome::Done => Ok(()),
                    Outcome::Conflict => Err("changed on the desk; not applied".to_string()),
                    Outcome::Refused(reason) => Err(format!("{reason} (kept in the outbox)")),
                    Outcome::Unsent => Err("not sent".to_string()),
                };
                (name, outcome)
            })
            .collect();
        let mut effects = Vec::new();
        for item in outgoing.items {
            match outcome(&item) {
                // Shown in the results; not written on top of the change.
                Outcome::Conflict => effects.push(Effect::OutboxRemove(item.key.clone())),
                Outcome::Refused(_) => self.outbox.rejected.push(item),
                Outcome::Done | Outcome::Unsent => {}
            }
        }
        if done == total {
            self.info(format!("{} ✓ ({total} of {total})", outgoing.label));
        } else {
            self.error(format!(
                "{}: {done} of {total} done, {} not",
                outgoing.label,
                total - done
            ));
            self.screen.push(Overlay::Results(Results {
                title: format!("{}: {done} of {total} done", outgoing.label),
                rows,
            }));
        }
        effects
    }

    /// The fresh ticket after a conflict: ask before writing on top of it.
    pub fn on_inspected(&mut self, request: u64, result: Result<Box<TicketDetail>, DeskError>) {
        let Some((asked, mut item)) = self.outbox.inspecting.take() else {
            return;
        };
        if asked != request {
            self.outbox.inspecting = Some((asked, item));
            return;
        }
        match result {
            Ok(detail) => {
                let lines = what_changed(item.seen.as_ref(), &detail);
                item.based_on = detail.summary.version.clone();
                item.seen = Some(detail.summary.clone());
                item.progress = Progress::Waiting;
                self.hold(detail.summary);
                self.place();
                self.screen.push(Overlay::Confirm(Box::new(Confirm {
                    title: format!("#{} changed on the desk since you looked", item.ticket.0),
                    lines,
                    item,
                })));
            }
            Err(e) => self.error_with(
                format!(
                    "{}: not done, the ticket cannot be read · {}",
                    item.label,
                    e.short()
                ),
                e.to_string(),
            ),
        }
    }

    /// The answer to a [`Confirm`]: yes writes at once, on the new version.
    pub fn answer_confirm(&mut self, yes: bool) -> Vec<Effect> {
        let Some(Overlay::Confirm(confirm)) = self.screen.close() else {
            return Vec::new();
        };
        let confirm = *confirm;
        if !yes {
            self.info(format!("{}: not done", confirm.item.label));
            return vec![Effect::OutboxRemove(confirm.item.key)];
        }
        let id = self.request_id();
        let keep = Effect::OutboxPut(vec![confirm.item.clone()]);
        self.outbox.outgoing.push(Outgoing {
            id,
            label: confirm.item.label.clone(),
            items: vec![confirm.item],
            send_at: self.ticks,
            compose: None,
        });
        let mut effects = vec![keep];
        effects.extend(self.pump());
        effects
    }

    /// The status line's word on writes: a countdown, progress, what waits
    /// to be tried again, or what the desk refused.
    pub fn outgoing_summary(&self) -> Option<String> {
        let tick = self.ticks;
        if let Some(waiting) = self.outbox.outgoing.iter().rev().find(|o| o.waiting(tick)) {
            let left = waiting.send_at - tick;
            let undo = self.settings.keymap.hint(Context::Global, Action::Undo);
            return Some(format!("↶ {} in {left}s · {undo} undoes", waiting.label));
        }
        let unsent = self.unsent();
        let retrying = self
            .outbox
            .outgoing
            .iter()
            .flat_map(|o| &o.items)
            .filter(|i| i.waiting() && i.attempts > 0)
            .count();
        if self.settings.read_only.is_some() && unsent > 0 {
            return Some(format!("{unsent} held in the outbox · read-only"));
        }
        if self.outbox.signed_out && unsent > 0 {
            return Some(format!("{unsent} in the outbox · :login to send"));
        }
        if retrying > 0 {
            return Some(format!("{unsent} in the outbox, retrying · :outbox"));
        }
        if let Some(o) = self.outbox.outgoing.first() {
            return Some(if o.items.len() > 1 {
                format!("{}: {}/{}", o.label, o.done_count(), o.items.len())
            } else {
                format!("{}…", o.label)
            });
        }
        (!self.outbox.rejected.is_empty())
            .then(|| format!("⚠ {} refused · :outbox", self.outbox.rejected.len()))
    }

    /// Writes not yet on the desk (not counting those the desk refused).
    pub fn unsent(&self) -> usize {
        self.outbox
            .outgoing
            .iter()
            .flat_map(|o| &o.items)
            .filter(|i| !i.finished())
            .count()
    }

    /// Writes from the outbox after a restart: sent again at once (looked
    /// for on the desk first when they may have arrived), and the refused
    /// ones kept in view.
    pub fn restore_outbox(&mut self, pending: Vec<QueuedWrite>) -> Vec<Effect> {
        let known: std::collections::HashSet<String> = self
            .outbox
            .outgoing
            .iter()
            .flat_map(|o| &o.items)
            .map(|i| i.key.clone())
            .chain(self.outbox.rejected.iter().map(|r| r.key.clone()))
            .collect();
        let mut resumed = 0;
        let mut unsent = 0;
        for p in pending.into_iter().filter(|p| !known.contains(&p.key)) {
            let label = p.label.clone();
            let item = p.restored();
            if item.rejected {
                self.outbox.rejected.push(item);
                continue;
            }
            // Never sent: it was still in its undo window when deskterm
            // stopped, so it gets a fresh one, never straight out.
            let fresh = item.first_sent.is_none() && item.attempts == 0;
            let send_at = if fresh {
                unsent += 1;
                self.ticks + u64::from(self.settings.undo_seconds)
            } else {
                resumed += 1;
                self.ticks
            };
            match self.outbox.outgoing.last_mut() {
                Some(last) if last.label == label && last.send_at == send_at => {
                    last.items.push(item);
                }
                _ => {
                    let id = self.request_id();
                    self.outbox.outgoing.push(Outgoing {
                        id,
                        label,
                        items: vec![item],
                        send_at,
                        compose: None,
                    });
                }
            }
        }
        if self.settings.read_only.is_none() {
            if unsent > 0 {
                self.info(format!(
                    "{unsent} not sent before deskterm stopped: they go when the undo window \
                     closes · u undoes"
                ));
            } else if resumed > 0 {
                self.info(format!("sending {resumed} writes left in the outbox"));
            }
        }
        let mut effects = self.drop_queued_drafts();
        effects.extend(self.pump());
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::*;
    use crate::text::SafeText;

    fn summary() -> TicketSummary {
        TicketSummary::example()
    }

    #[test]
    fn what_changed_is_told_in_words() {
        let before = summary();
        let mut after = summary();
        after.status = Status::new(StatusKind::Pending);
        after.owner = Some(AgentRef {
            id: AgentId("3".into()),
            name: SafeText::line("Priya Raman"),
        });
        let detail = TicketDetail {
            summary: after,
            entries: vec![Entry {
                kind: EntryKind::Reply,
                author: SafeText::line("Maria Lopez"),
                by_agent: false,
                at: jiff::Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_secs(60),
                body: SafeText::block("Still cold.\nPlease hurry."),
                attachments: Vec::new(),
                status: None,
            }],
            custom_fields: Vec::new(),
        };
        assert_eq!(
            what_changed(Some(&before), &detail),
            [
                "status open → pending",
                "owner nobody → Priya Raman",
                "new message from Maria Lopez: “Still cold.”"
            ]
        );
    }

    #[test]
    fn a_mistake_in_the_profile_is_refused_for_good_not_retried() {
        let mistake = DeskError::Config("the url \"rt.example.org\" has no scheme".into());
        assert!(matches!(next_after(&mistake), Next::Reject));
        assert!(!mistake.is_transient());
    }
}
