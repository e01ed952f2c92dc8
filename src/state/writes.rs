//! Writes on their way to the desk: each waits out the undo window, then its
//! tickets are written one after another, each change based on the version
//! the previous one left. One ticket failing does not stop the others; a
//! ticket that changed meanwhile is shown and asked about, never overwritten.

use std::collections::VecDeque;

use super::compose::Compose;
use super::{Effect, Overlay, State};
use crate::desk::{Applied, Change, DeskError, TicketDetail, TicketId, TicketSummary, Version};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemStatus {
    Waiting,
    Sending(u64),
    Done,
    Failed(String),
    /// The ticket changed on the desk; not written.
    Conflict,
}

impl ItemStatus {
    pub fn finished(&self) -> bool {
        matches!(self, Self::Done | Self::Failed(_) | Self::Conflict)
    }
}

/// One ticket's share of a write.
#[derive(Clone, Debug)]
pub struct Item {
    pub ticket: TicketId,
    pub based_on: Version,
    /// Applied in order, each on the version the last one left.
    pub changes: VecDeque<Change>,
    /// What the user saw, to tell them what changed in a conflict.
    pub seen: Option<TicketSummary>,
    pub status: ItemStatus,
}

impl Item {
    pub fn new(ticket: &TicketSummary, changes: Vec<Change>) -> Self {
        Self {
            ticket: ticket.id.clone(),
            based_on: ticket.version.clone(),
            changes: changes.into(),
            seen: Some(ticket.clone()),
            status: ItemStatus::Waiting,
        }
    }
}

/// A send or a (bulk) change, from the key press until every ticket is done.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub id: u64,
    /// "reply to #12", "close 3 tickets".
    pub label: String,
    pub items: Vec<Item>,
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
        self.items.iter().filter(|i| i.status.finished()).count()
    }
}

/// A question put to the user before a write goes on top of someone else's.
#[derive(Clone, Debug)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// Written (on the ticket's new version) if the answer is yes.
    pub item: Item,
    pub label: String,
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
    /// Queue a write; it leaves after the undo window (at once when there is none).
    pub fn queue_write(
        &mut self,
        label: String,
        items: Vec<Item>,
        compose: Option<Compose>,
    ) -> Vec<Effect> {
        if items.is_empty() {
            self.info("nothing to change");
            return Vec::new();
        }
        let id = self.request_id();
        self.outgoing.push(Outgoing {
            id,
            label,
            items,
            send_at: self.ticks + u64::from(self.undo_seconds),
            compose,
        });
        self.pump()
    }

    /// Start what is due: the next ticket of every write past its window.
    pub fn pump(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        let tick = self.ticks;
        for index in 0..self.outgoing.len() {
            let outgoing = &self.outgoing[index];
            if outgoing.waiting(tick)
                || outgoing
                    .items
                    .iter()
                    .any(|i| matches!(i.status, ItemStatus::Sending(_)))
            {
                continue;
            }
            if let Some(item) = outgoing
                .items
                .iter()
                .position(|i| i.status == ItemStatus::Waiting)
            {
                effects.extend(self.send_next(index, item));
            }
        }
        effects.extend(self.finish_done());
        effects
    }

    /// Send the next change of an item.
    fn send_next(&mut self, outgoing: usize, item: usize) -> Vec<Effect> {
        let request = self.request_id();
        let entry = &mut self.outgoing[outgoing].items[item];
        let Some(change) = entry.changes.front().cloned() else {
            entry.status = ItemStatus::Done;
            return Vec::new();
        };
        entry.status = ItemStatus::Sending(request);
        vec![Effect::Apply {
            request,
            id: entry.ticket.clone(),
            based_on: entry.based_on.clone(),
            change,
        }]
    }

    /// `u`: take back the newest write still in its window.
    pub fn undo(&mut self) {
        let tick = self.ticks;
        let Some(index) = self.outgoing.iter().rposition(|o| o.waiting(tick)) else {
            self.info(if self.outgoing.is_empty() {
                "nothing to undo"
            } else {
                "too late to undo: already on its way"
            });
            return;
        };
        let outgoing = self.outgoing.remove(index);
        if let Some(compose) = outgoing.compose {
            self.compose = Some(compose);
        }
        self.info(format!("undone: {}", outgoing.label));
    }

    /// A write's answer.
    pub fn on_applied(
        &mut self,
        request: u64,
        result: Result<Box<Applied>, DeskError>,
    ) -> Vec<Effect> {
        let found = self.outgoing.iter().enumerate().find_map(|(o, out)| {
            out.items
                .iter()
                .position(|i| i.status == ItemStatus::Sending(request))
                .map(|i| (o, i))
        });
        let Some((o, i)) = found else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        match result {
            Ok(applied) => {
                let item = &mut self.outgoing[o].items[i];
                item.changes.pop_front();
                item.based_on = applied.version.clone();
                item.status = if item.changes.is_empty() {
                    ItemStatus::Done
                } else {
                    ItemStatus::Waiting
                };
                let id = applied.summary.id.clone();
                self.hold(applied.summary);
                self.resort();
                if self.ticket.as_ref().is_some_and(|v| v.id == id) {
                    effects.extend(self.reload_ticket());
                }
            }
            Err(DeskError::Conflict { .. }) => {
                self.outgoing[o].items[i].status = ItemStatus::Conflict;
            }
            Err(e) => {
                self.outgoing[o].items[i].status = ItemStatus::Failed(e.to_string());
            }
        }
        effects.extend(self.pump());
        effects
    }

    /// Writes whose tickets are all done: tell the user how they went.
    fn finish_done(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        while let Some(index) = self
            .outgoing
            .iter()
            .position(|o| o.items.iter().all(|i| i.status.finished()))
        {
            let outgoing = self.outgoing.remove(index);
            effects.extend(self.report(outgoing));
        }
        if self.outgoing.is_empty() && self.quit_when_sent {
            self.should_quit = true;
        }
        effects
    }

    fn report(&mut self, outgoing: Outgoing) -> Vec<Effect> {
        let total = outgoing.items.len();
        let done = outgoing
            .items
            .iter()
            .filter(|i| i.status == ItemStatus::Done)
            .count();
        // A single ticket: a message, the compose pane back on trouble, or a question.
        if total == 1 {
            let item = outgoing.items.into_iter().next().expect("one item");
            return match (&item.status, outgoing.compose) {
                (ItemStatus::Done, compose) => {
                    self.info(format!("{} ✓", outgoing.label));
                    match compose {
                        Some(_) => vec![self.forget_draft(&item.ticket)],
                        None => Vec::new(),
                    }
                }
                (ItemStatus::Conflict, Some(mut compose)) => {
                    compose.conflict = true;
                    self.compose = Some(compose);
                    self.error(format!(
                        "#{} changed on the desk while you wrote: read what is new, then send again",
                        item.ticket.0
                    ));
                    self.reload_ticket()
                }
                (ItemStatus::Conflict, None) => {
                    let request = self.request_id();
                    let id = item.ticket.clone();
                    self.inspecting = Some((request, item, outgoing.label));
                    vec![Effect::Inspect { request, id }]
                }
                (ItemStatus::Failed(reason), compose) => {
                    if let Some(compose) = compose {
                        self.compose = Some(compose);
                        self.error(format!("not sent, your text is kept: {reason}"));
                    } else {
                        self.error(format!("{}: not done: {reason}", outgoing.label));
                    }
                    Vec::new()
                }
                _ => Vec::new(),
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
                let outcome = match &item.status {
                    ItemStatus::Done => Ok(()),
                    ItemStatus::Conflict => Err("changed on the desk; not applied".to_string()),
                    ItemStatus::Failed(reason) => Err(reason.clone()),
                    _ => Err("not sent".to_string()),
                };
                (name, outcome)
            })
            .collect();
        if done == total {
            self.info(format!("{} ✓ ({total} of {total})", outgoing.label));
        } else {
            self.error(format!(
                "{}: {done} of {total} done, {} not",
                outgoing.label,
                total - done
            ));
            self.overlay = Overlay::Results(Results {
                title: format!("{}: {done} of {total} done", outgoing.label),
                rows,
            });
        }
        Vec::new()
    }

    /// The fresh ticket after a conflict: ask before writing on top of it.
    pub fn on_inspected(&mut self, request: u64, result: Result<Box<TicketDetail>, DeskError>) {
        let Some((asked, mut item, label)) = self.inspecting.take() else {
            return;
        };
        if asked != request {
            self.inspecting = Some((asked, item, label));
            return;
        }
        match result {
            Ok(detail) => {
                let lines = what_changed(item.seen.as_ref(), &detail);
                item.based_on = detail.summary.version.clone();
                item.seen = Some(detail.summary.clone());
                item.status = ItemStatus::Waiting;
                self.hold(detail.summary);
                self.resort();
                self.overlay = Overlay::Confirm(Box::new(Confirm {
                    title: format!("#{} changed on the desk since you looked", item.ticket.0),
                    lines,
                    item,
                    label,
                }));
            }
            Err(e) => self.error(format!(
                "{label}: not done, and the ticket cannot be read: {e}"
            )),
        }
    }

    /// The answer to a [`Confirm`]: yes writes at once, on the new version.
    pub fn answer_confirm(&mut self, yes: bool) -> Vec<Effect> {
        let Overlay::Confirm(confirm) = std::mem::replace(&mut self.overlay, Overlay::None) else {
            return Vec::new();
        };
        let confirm = *confirm;
        if !yes {
            self.info(format!("{}: not done", confirm.label));
            return Vec::new();
        }
        let id = self.request_id();
        self.outgoing.push(Outgoing {
            id,
            label: confirm.label,
            items: vec![confirm.item],
            send_at: self.ticks,
            compose: None,
        });
        self.pump()
    }

    /// The status line's word on writes: a countdown, or progress.
    pub fn outgoing_summary(&self) -> Option<String> {
        let tick = self.ticks;
        if let Some(waiting) = self.outgoing.iter().rev().find(|o| o.waiting(tick)) {
            let left = waiting.send_at - tick;
            return Some(format!("↶ {} in {left}s · u undoes", waiting.label));
        }
        self.outgoing.first().map(|o| {
            if o.items.len() > 1 {
                format!("{}: {}/{}", o.label, o.done_count(), o.items.len())
            } else {
                format!("{}…", o.label)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::*;
    use crate::text::SafeText;

    fn summary() -> TicketSummary {
        TicketSummary {
            id: TicketId("7".into()),
            key: SafeText::line("#7"),
            subject: SafeText::line("No heat"),
            status: Status::new(StatusKind::Open),
            priority: Priority::new(PriorityLevel::Normal),
            queue: QueueRef {
                id: QueueId("5".into()),
                name: SafeText::line("Facilities"),
            },
            owner: None,
            requester: Requester {
                name: SafeText::line("Maria Lopez"),
                email: SafeText::line("m@example.org"),
                role: RequesterRole::Staff,
                organisation: None,
            },
            channel: Channel::Email,
            created: jiff::Timestamp::UNIX_EPOCH,
            updated: jiff::Timestamp::UNIX_EPOCH,
            first_response_at: None,
            sla: Default::default(),
            tags: Vec::new(),
            version: Version("1".into()),
        }
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
}
