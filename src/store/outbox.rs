//! The outbox: every write, on disk from before it is sent until the desk
//! has it, or the user discards it. A write the desk refused for good stays
//! here, visible, until the user acts on it.

use jiff::Timestamp;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Draft, Store};
use crate::desk::{Change, TicketId, TicketSummary, Version};

/// One ticket's share of a write, as kept on disk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
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
    /// Refused for good (403, 404, a 4xx, a refusal in the answer).
    pub rejected: bool,
}

impl Pending {
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
        }
    }
}

impl Store {
    /// Keep writes before they are sent: all of them, or none.
    pub fn put_pending(&self, items: &[Pending]) -> anyhow::Result<()> {
        self.queue(items, None)
    }

    /// Keep writes, and let go of the draft their text came from, in one
    /// transaction: a queued reply is never a draft as well, so it cannot
    /// be sent twice.
    pub fn queue(&self, items: &[Pending], sent_draft: Option<&TicketId>) -> anyhow::Result<()> {
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
    pub fn pending(&self) -> anyhow::Result<Vec<Pending>> {
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

    fn item(key: &str, body: &str) -> Pending {
        Pending::new(
            key.into(),
            "reply to #12".into(),
            TicketId("12".into()),
            Version("v1".into()),
            vec![Change::Reply {
                body: body.into(),
                then: None,
            }],
        )
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
