//! The local store: one SQLite file per profile in the data folder, private
//! to the user. It holds drafts, so a crash or `kill -9` loses at most the
//! last two seconds of typing; the outbox, so a write survives until the desk
//! has it; and a cache of what was seen, so the console opens at once and
//! can be read with no network at all. WAL and one transaction per change
//! keep the file whole whenever the process dies.

mod cache;
mod error;
mod outbox;

pub use cache::Cached;
pub use error::{StoreError, StoreErrorKind, StoreOperation};
pub use outbox::{Progress, QueuedWrite};

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use crate::desk::TicketId;
use crate::paths;
use crate::state::compose::ComposeKind;

/// A reply or note in progress, kept across restarts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub ticket: TicketId,
    pub kind: ComposeKind,
    pub text: String,
    pub saved: Timestamp,
}

pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

fn kind_name(kind: ComposeKind) -> &'static str {
    match kind {
        ComposeKind::Reply => "reply",
        ComposeKind::Note => "note",
    }
}

/// A console's hold on a profile's outbox: while it is held, the command
/// line sends and discards nothing of it (the two would send a write
/// twice). Let go when dropped, or when the process ends however it ends.
#[derive(Debug)]
pub struct Claim {
    _file: std::fs::File,
}

impl Store {
    /// Hold this profile's outbox for one process (a lock on the file
    /// beside the store); `None` when another process holds it.
    pub fn claim(&self) -> anyhow::Result<Option<Claim>> {
        let path = self.path.with_extension("lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        paths::private_file(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Claim { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }

    /// The store of `profile` in `dir` (created 0700, the file 0600).
    pub fn open(dir: &Path, profile: &str) -> anyhow::Result<Self> {
        paths::private_dir(dir)?;
        let safe: String = profile
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{safe}.sqlite"));
        // Drafts (and later the outbox) go to the desk as this user: nobody
        // else may change them.
        for checked in [dir, path.as_path()] {
            if let Some(why) = paths::writable_by_others(checked) {
                anyhow::bail!("refused: {why}");
            }
        }
        let conn = Connection::open(&path)?;
        paths::private_file(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS drafts (
                 ticket TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 text TEXT NOT NULL,
                 saved INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS outbox (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 key TEXT NOT NULL UNIQUE,
                 item TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS cache_tickets (
                 id TEXT PRIMARY KEY,
                 summary TEXT NOT NULL,
                 detail TEXT,
                 seen INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS cache_meta (
                 name TEXT PRIMARY KEY,
                 value TEXT NOT NULL,
                 saved INTEGER NOT NULL
             );",
        )?;
        // Stores from before the cache was read most urgent first.
        let has_urgency = conn
            .prepare("SELECT 1 FROM pragma_table_info('cache_tickets') WHERE name = 'urgency'")?
            .exists([])?;
        if !has_urgency {
            conn.execute_batch(
                "ALTER TABLE cache_tickets ADD COLUMN urgency INTEGER NOT NULL DEFAULT 0;",
            )?;
        }
        conn.execute_batch(
            "DROP INDEX IF EXISTS cache_by_urgency;
             CREATE INDEX IF NOT EXISTS cache_in_queue_order ON cache_tickets (urgency, id);",
        )?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn save_draft(&self, draft: &Draft) -> rusqlite::Result<()> {
        save_draft(&self.conn(), draft)
    }

    pub fn delete_draft(&self, ticket: &TicketId) -> rusqlite::Result<()> {
        delete_draft(&self.conn(), ticket)
    }

    pub fn draft(&self, ticket: &TicketId) -> rusqlite::Result<Option<Draft>> {
        self.conn()
            .query_row(
                "SELECT ticket, kind, text, saved FROM drafts WHERE ticket = ?1",
                [ticket.0.as_str()],
                row_to_draft,
            )
            .optional()
    }

    pub fn drafts(&self) -> rusqlite::Result<Vec<Draft>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT ticket, kind, text, saved FROM drafts ORDER BY saved")?;
        let rows = stmt.query_map([], row_to_draft)?;
        rows.collect()
    }
}

fn save_draft(conn: &Connection, draft: &Draft) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO drafts (ticket, kind, text, saved) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(ticket) DO UPDATE SET kind = excluded.kind, text = excluded.text,
             saved = excluded.saved",
        params![
            draft.ticket.0.as_str(),
            kind_name(draft.kind),
            draft.text,
            draft.saved.as_second()
        ],
    )?;
    Ok(())
}

fn delete_draft(conn: &Connection, ticket: &TicketId) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM drafts WHERE ticket = ?1", [ticket.0.as_str()])?;
    Ok(())
}

fn row_to_draft(row: &rusqlite::Row<'_>) -> rusqlite::Result<Draft> {
    Ok(Draft {
        ticket: TicketId(row.get::<_, String>(0)?.into()),
        kind: if row.get::<_, String>(1)? == "note" {
            ComposeKind::Note
        } else {
            ComposeKind::Reply
        },
        text: row.get(2)?,
        saved: Timestamp::from_second(row.get(3)?).unwrap_or(Timestamp::UNIX_EPOCH),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_kept_per_ticket_and_per_profile() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let district = Store::open(dir.path(), "district").expect("store");
        let demo = Store::open(dir.path(), "demo").expect("store");
        let draft = Draft {
            ticket: TicketId("12".into()),
            kind: ComposeKind::Note,
            text: "half a thought".into(),
            saved: Timestamp::from_second(1_800_000_000).expect("ts"),
        };
        district.save_draft(&draft).expect("save");
        assert_eq!(
            district.draft(&draft.ticket).expect("read"),
            Some(draft.clone())
        );
        assert_eq!(demo.draft(&draft.ticket).expect("read"), None);
        let newer = Draft {
            text: "a whole thought".into(),
            ..draft.clone()
        };
        district.save_draft(&newer).expect("save");
        assert_eq!(district.drafts().expect("all"), [newer]);
        district.delete_draft(&draft.ticket).expect("delete");
        assert!(district.drafts().expect("all").is_empty());
        // A reopened store finds what was saved.
        demo.save_draft(&draft).expect("save");
        drop(demo);
        let again = Store::open(dir.path(), "demo").expect("store");
        assert_eq!(again.drafts().expect("all").len(), 1);
    }
}
