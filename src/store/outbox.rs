//! The outbox: every write, on disk from before it is sent until the desk
//! has it, or the user discards it. A write the desk refused for good stays
//! here, visible, until the user acts on it.

use jiff::Timestamp;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Draft, Store};
use crate::desk::{Change, TicketId, TicketSummary, Version};
use crate::state::compose::ComposeKind;

/// One ticket's share of a write: the same value in the console's outbox
/// in memory, on disk, and on the command line. Only where it is in this
/// run ([`Progress`]) is not kept; after a restart every write waits again
/// (one ever sent is looked for on the desk first), or stays refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedWrite {
    /// Unique to this write: the row's name, and what ties a retry to the
    /// first attempt in the logs.
    pub key: String,
    /// "reply to #12", "close 3 tickets".
    pub label: String,
    pub ticket: TicketId,
    /// The version the user saw; the write goes on top of it or not at all.
    pub based_on: Version,
    /// What is left to do, in order.
    pub changes: Vec<Change>,
    pub seen: Option<TicketSummary>,
    pub attempts: u32,
    /// Not before this instant (back-off, or the desk's Retry-After).
    pub next_at: Option<Timestamp>,
    /// When it was first sent: where to look on the desk for it.
    pub first_sent: Option<Timestamp>,
    /// The last attempt may have reached the desk though no answer came:
    /// the desk is asked before it is sent again.
    pub uncertain: bool,
    pub last_error: Option<String>,
    /// Refused for good (403, 404, a 4xx, a refusal in the answer); the
    /// reason is `last_error`.
    pub rejected: bool,
    #[serde(skip)]
    pub progress: Progress,
}

/// Where a write is in this run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Progress {
    #[default]
    Waiting,
    /// Sent as this request; its answer has not come.
    Sending(u64),
    Done,
    /// The ticket changed on the desk; not written.
    Conflict,
}

impl QueuedWrite {
    /// A write not yet tried.
    pub fn new(
        key: String,
        label: String,
        ticket: TicketId,
        based_on: Version,
        changes: Vec<Change>,
    ) -> Self {
        Self {
            key,
            label,
            ticket,
            based_on,
            changes,
            seen: None,
            attempts: 0,
            next_at: None,
            first_sent: None,
            uncertain: false,
            last_error: None,
            rejected: false,
            progress: Progress::Waiting,
        }
    }

    /// A write on `ticket` as the user saw it (`seen`), not yet named: the
    /// outbox gives it a key and a label when it is queued.
    pub fn on(
        ticket: TicketId,
        based_on: Version,
        changes: Vec<Change>,
        seen: Option<TicketSummary>,
    ) -> Self {
        Self {
            seen,
            ..Self::new(String::new(), String::new(), ticket, based_on, changes)
        }
    }

    /// A write on a ticket as the user sees it now.
    pub fn on_ticket(ticket: &TicketSummary, changes: Vec<Change>) -> Self {
        Self::on(
            ticket.id.clone(),
            ticket.version.clone(),
            changes,
            Some(ticket.clone()),
        )
    }

    /// Back from the disk after a restart. One that was ever sent may have
    /// reached the desk just before the end: it is looked for first.
    pub fn restored(mut self) -> Self {
        self.uncertain |= self.first_sent.is_some();
        self.progress = Progress::Waiting;
        self
    }

    /// Nothing more will happen to it without the user: on the desk, in a
    /// conflict, or refused.
    pub fn finished(&self) -> bool {
        self.rejected || matches!(self.progress, Progress::Done | Progress::Conflict)
    }

    /// Ready to be sent when its time comes.
    pub fn waiting(&self) -> bool {
        !self.rejected && self.progress == Progress::Waiting
    }

    /// Refused for good: kept until the user retries, edits or discards it.
    pub fn refuse(&mut self, reason: String) {
        self.rejected = true;
        self.last_error = Some(reason);
    }

    /// Why the desk refused it, if it did.
    pub fn refusal(&self) -> Option<&str> {
        self.rejected
            .then(|| self.last_error.as_deref().unwrap_or("refused by the desk"))
    }

    /// To be tried again from the start: waiting, not refused, no pause.
    pub fn again(&mut self) {
        self.rejected = false;
        self.progress = Progress::Waiting;
        self.next_at = None;
    }

    /// The text of a reply or note, to edit it again.
    pub fn text(&self) -> Option<(ComposeKind, String)> {
        self.changes.iter().find_map(|c| match c {
            Change::Reply { body, .. } => Some((ComposeKind::Reply, body.clone())),
            Change::Note { body, .. } => Some((ComposeKind::Note, body.clone())),
            _ => None,
        })
    }

    /// The files that go with its reply or note.
    pub fn files(&self) -> &[crate::desk::Upload] {
        self.changes
            .iter()
            .find_map(|c| match c {
                Change::Reply { files, .. } | Change::Note { files, .. } => Some(files.as_slice()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

impl Store {
    /// Keep writes before they are sent: all of them, or none.
    pub fn put_pending(&self, items: &[QueuedWrite]) -> anyhow::Result<()> {
        self.queue(items, None)
    }

    /// Keep writes, and let go of the draft their text came from, in one
    /// transaction: a queued reply is never a draft as well, so it cannot
    /// be sent twice.
    pub fn queue(
        &self,
        items: &[QueuedWrite],
        sent_draft: Option<&TicketId>,
    ) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for item in items {
            tx.execute(
                "INSERT INTO outbox (key, item) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET item = excluded.item",
                params![item.key, serde_json::to_string(item)?],
            )?;
        }
        if let Some(ticket) = sent_draft {
            super::delete_draft(&tx, ticket)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Take writes back out (undone, or their text back in its pane), the
    /// text a draft again, in one transaction.
    pub fn unqueue(&self, keys: &[String], draft: Option<&Draft>) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for key in keys {
            tx.execute("DELETE FROM outbox WHERE key = ?1", [key])?;
        }
        if let Some(draft) = draft {
            super::save_draft(&tx, draft)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The desk has it, or the user let it go.
    pub fn remove_pending(&self, key: &str) -> anyhow::Result<()> {
        self.conn()
            .execute("DELETE FROM outbox WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Everything not yet on the desk, oldest first. A row that cannot be
    /// read is skipped and named in the log, never deleted.
    pub fn pending(&self) -> anyhow::Result<Vec<QueuedWrite>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT key, item FROM outbox ORDER BY seq")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (key, text) = row?;
            match serde_json::from_str(&text) {
                Ok(item) => items.push(item),
                Err(e) => tracing::error!(%key, error = %e, "an outbox row cannot be read"),
            }
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, body: &str) -> QueuedWrite {
        QueuedWrite::new(
            key.into(),
            "reply to #12".into(),
            TicketId("12".into()),
            Version("v1".into()),
            vec![Change::Reply {
                body: body.into(),
                then: None,
                files: Vec::new(),
            }],
        )
    }

    /// A row as the outbox kept it before a write was one type in memory
    /// and on disk: it reads the same, waiting (or refused) again.
    #[test]
    fn an_outbox_row_from_before_reads_the_same() {
        let dir = tempfile::TempDir::new().expect("dir");
        let store = Store::open(dir.path(), "demo").expect("store");
        let row = r#"{"key":"k1","label":"reply to #12","ticket":"12","based_on":"v1",
            "changes":[{"Reply":{"body":"On its way","then":null}}],"seen":null,
            "attempts":2,"next_at":null,"first_sent":"2026-11-30T09:00:00Z",
            "uncertain":false,"last_error":"not allowed","rejected":true}"#;
        store
            .conn()
            .execute("INSERT INTO outbox (key, item) VALUES ('k1', ?1)", [row])
            .expect("row");
        let read = store.pending().expect("pending");
        assert_eq!(read.len(), 1, "the row is read, not dropped");
        let write = read[0].clone().restored();
        assert_eq!(write.refusal(), Some("not allowed"));
        assert!(
            write.uncertain,
            "sent once: looked for before it goes again"
        );
        assert_eq!(write.progress, Progress::Waiting);
        assert_eq!(write.text().map(|(_, t)| t).as_deref(), Some("On its way"));
    }

    #[test]
    fn a_queued_reply_is_never_its_draft_too() {
        let dir = tempfile::TempDir::new().expect("dir");
        let store = Store::open(dir.path(), "demo").expect("store");
        let ticket = TicketId("12".into());
        let draft = Draft {
            ticket: ticket.clone(),
            kind: crate::state::compose::ComposeKind::Reply,
            text: "On its way".into(),
            saved: Timestamp::UNIX_EPOCH,
        };
        store.save_draft(&draft).expect("draft");
        store
            .queue(&[item("a", "On its way")], Some(&ticket))
            .expect("queue");
        assert!(store.drafts().expect("drafts").is_empty());
        assert_eq!(store.pending().expect("pending").len(), 1);
        // Undone: out of the outbox, a draft again, together.
        store
            .unqueue(&["a".to_string()], Some(&draft))
            .expect("unqueue");
        assert!(store.pending().expect("pending").is_empty());
        assert_eq!(
            store.drafts().expect("drafts"),
            std::slice::from_ref(&draft)
        );
        // When the outbox cannot be written, the draft stays.
        store
            .conn()
            .execute_batch(
                "CREATE TRIGGER full BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'full'); END;",
            )
            .expect("trigger");
        assert!(
            store
                .queue(&[item("b", "On its way")], Some(&ticket))
                .is_err()
        );
        assert_eq!(store.drafts().expect("drafts"), [draft]);
    }

    #[test]
    fn writes_are_kept_in_order_until_removed() {
        let dir = tempfile::TempDir::new().expect("dir");
        let store = Store::open(dir.path(), "demo").expect("store");
        store
            .put_pending(&[item("a", "first"), item("b", "second")])
            .expect("put");
        let mut retried = item("a", "first");
        retried.attempts = 2;
        retried.uncertain = true;
        store.put_pending(&[retried.clone()]).expect("update");
        drop(store);
        // A reopened store has them, the updated one still first.
        let store = Store::open(dir.path(), "demo").expect("store");
        assert_eq!(
            store.pending().expect("read"),
            [retried, item("b", "second")]
        );
        store.remove_pending("a").expect("remove");
        assert_eq!(store.pending().expect("read").len(), 1);
    }
}
