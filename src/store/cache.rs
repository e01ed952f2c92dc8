//! What was last seen on the desk: the tickets of the sections, the tickets
//! opened with their conversations, and who and what the desk has. The
//! console opens from it at once, marked stale, and reads from it offline.

use std::sync::mpsc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::desk::{TicketDetail, TicketId, TicketSummary};
use crate::state::Directory;

/// Tickets not seen for this long are dropped from the cache.
const KEEP: SignedDuration = SignedDuration::from_hours(30 * 24);

/// The cache as it was left.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cached {
    /// Tells the reader, when this part is dropped, that it was taken in.
    pub taken: Taken,
    pub tickets: Vec<TicketSummary>,
    pub directory: Option<Directory>,
    /// When the desk last answered.
    pub saved: Option<Timestamp>,
    /// How many tickets the whole cache holds, so room for them is made
    /// once; 0 in the first part, which is out before they are counted.
    pub total: usize,
}

/// Sent on when a part of the cache is dropped. The reader reads one part
/// ahead and no further: parts read faster than the console holds them
/// piled up (four parts of 10,000 waited at once with 100,000 cached).
#[derive(Debug, Default)]
pub struct Taken(Option<mpsc::Sender<()>>);

impl Drop for Taken {
    fn drop(&mut self) {
        if let Some(reader) = &self.0 {
            let _ = reader.send(());
        }
    }
}

impl Clone for Taken {
    /// A copy is not the part: it tells nothing.
    fn clone(&self) -> Self {
        Taken(None)
    }
}

/// Parts compare by what they hold, not by who waits for them.
impl PartialEq for Taken {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// How long the reader waits for a part to be taken before reading on
/// anyway: a console that stopped taking parts must not hold the reader.
const TAKEN_WITHIN: Duration = Duration::from_secs(2);

impl Store {
    pub fn cache_tickets(&self, tickets: &[TicketSummary], now: Timestamp) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for t in tickets {
            tx.execute(
                "INSERT INTO cache_tickets (id, summary, seen, urgency) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET summary = excluded.summary, seen = excluded.seen,
                     urgency = excluded.urgency",
                params![
                    t.id.0.as_str(),
                    serde_json::to_string(t)?,
                    now.as_second(),
                    urgency(t, now)
                ],
            )?;
        }
        tx.execute(
            "INSERT INTO cache_meta (name, value, saved) VALUES ('saved', '', ?1)
             ON CONFLICT(name) DO UPDATE SET saved = excluded.saved",
            [now.as_second()],
        )?;
        tx.execute(
            "DELETE FROM cache_tickets WHERE seen < ?1",
            [(now - KEEP).as_second()],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn cache_detail(&self, detail: &TicketDetail, now: Timestamp) -> anyhow::Result<()> {
        self.conn().execute(
            "INSERT INTO cache_tickets (id, summary, detail, seen, urgency)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET summary = excluded.summary,
                 detail = excluded.detail, seen = excluded.seen, urgency = excluded.urgency",
            params![
                detail.summary.id.0.as_str(),
                serde_json::to_string(&detail.summary)?,
                serde_json::to_string(detail)?,
                now.as_second(),
                urgency(&detail.summary, now)
            ],
        )?;
        Ok(())
    }

    pub fn cache_directory(&self, directory: &Directory, now: Timestamp) -> anyhow::Result<()> {
        self.conn().execute(
            "INSERT INTO cache_meta (name, value, saved) VALUES ('directory', ?1, ?2)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value, saved = excluded.saved",
            params![serde_json::to_string(directory)?, now.as_second()],
        )?;
        Ok(())
    }

    /// Everything cached; rows that cannot be read are left out.
    /// The cache as it was left, most urgent tickets first: `first` of them
    /// in the first part (with the directory), so the console can draw at
    /// once, then the rest in parts of `part`. `each` takes every part and
    /// answers whether to go on; the next part is read while one is being
    /// taken in, and the one after only once it has been dropped.
    pub fn cached_in_parts(
        &self,
        first: usize,
        part: usize,
        mut each: impl FnMut(Cached) -> bool,
    ) -> anyhow::Result<()> {
        let conn = self.conn();
        let directory = conn
            .query_row(
                "SELECT value FROM cache_meta WHERE name = 'directory'",
                [],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .and_then(|text| serde_json::from_str(&text).ok());
        let saved = conn
            .query_row(
                "SELECT saved FROM cache_meta WHERE name = 'saved'",
                [],
                |row| row.get::<_, i64>(0),
            )
            .optional()?
            .and_then(|s| Timestamp::from_second(s).ok());
        // Counted once the first part is out: the first frame waits for nothing.
        let mut total = 0;
        let mut stmt = conn.prepare("SELECT summary FROM cache_tickets ORDER BY urgency, id")?;
        let mut rows = stmt.query([])?;
        let mut tickets = Vec::with_capacity(first);
        let mut directory = Some(directory).flatten();
        let mut size = first.max(1);
        let (taken, reader) = mpsc::channel();
        let mut in_hand = 0;
        while let Some(row) = rows.next()? {
            let text: String = row.get(0)?;
            // A row that cannot be read is skipped: the desk has the truth.
            if let Ok(ticket) = serde_json::from_str(&text) {
                tickets.push(ticket);
            }
            if tickets.len() >= size {
                let cached = Cached {
                    taken: Taken(Some(taken.clone())),
                    tickets: std::mem::take(&mut tickets),
                    directory: directory.take(),
                    saved,
                    total,
                };
                if !each(cached) {
                    return Ok(());
                }
                in_hand += 1;
                while in_hand > 1 && reader.recv_timeout(TAKEN_WITHIN).is_ok() {
                    in_hand -= 1;
                }
                in_hand = in_hand.min(1);
                if total == 0 {
                    total = conn.query_row("SELECT count(*) FROM cache_tickets", [], |row| {
                        row.get::<_, i64>(0)
                    })? as usize;
                }
                size = part.max(1);
                tickets.reserve_exact(size.min(total));
            }
        }
        if !tickets.is_empty() || directory.is_some() {
            each(Cached {
                taken: Taken::default(),
                tickets,
                directory,
                saved,
                total,
            });
        }
        Ok(())
    }

    /// The whole cache in one part.
    pub fn cached(&self) -> anyhow::Result<Cached> {
        let mut whole = Cached::default();
        self.cached_in_parts(usize::MAX, usize::MAX, |part| {
            whole.tickets.extend(part.tickets);
            whole.directory = whole.directory.take().or(part.directory);
            whole.saved = part.saved;
            whole.total = part.total;
            true
        })?;
        Ok(whole)
    }

    /// A ticket as last seen in a list or opened.
    pub fn cached_ticket(&self, id: &TicketId) -> anyhow::Result<Option<TicketSummary>> {
        let text: Option<String> = self
            .conn()
            .query_row(
                "SELECT summary FROM cache_tickets WHERE id = ?1",
                [id.0.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// A ticket's conversation as last seen.
    pub fn cached_detail(&self, id: &TicketId) -> anyhow::Result<Option<TicketDetail>> {
        let text: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT detail FROM cache_tickets WHERE id = ?1",
                [id.0.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(text.flatten().and_then(|t| serde_json::from_str(&t).ok()))
    }
}

/// The queue's default order (most urgent SLA first) as one number, so the
/// cache hands out the first screen before the rest.
fn urgency(t: &TicketSummary, now: Timestamp) -> i64 {
    let (class, value) = t.sla.urgency_key(now);
    i64::from(class) * (1 << 40) + value.clamp(-(1 << 39), (1 << 39) - 1)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, mpsc};
    use std::time::Duration;

    use super::*;

    /// A console slower than the reader: parts must not pile up.
    #[test]
    fn the_cache_is_read_one_part_ahead_of_the_console() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let store = Store::open(dir.path(), "district").expect("store");
        let tickets: Vec<_> = (1..=8)
            .map(|n| TicketSummary {
                id: TicketId(n.to_string().into()),
                ..TicketSummary::example()
            })
            .collect();
        store
            .cache_tickets(&tickets, Timestamp::now())
            .expect("cache");
        let (console, parts) = mpsc::channel::<Cached>();
        let taken = Arc::new(AtomicUsize::new(0));
        let slow = {
            let taken = taken.clone();
            std::thread::spawn(move || {
                for part in parts {
                    std::thread::sleep(Duration::from_millis(40));
                    drop(part);
                    taken.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        let (mut sent, mut most) = (0, 0);
        store
            .cached_in_parts(1, 1, |part| {
                most = most.max(sent - taken.load(Ordering::SeqCst));
                sent += 1;
                console.send(part).is_ok()
            })
            .expect("read");
        drop(console);
        slow.join().expect("console");
        assert_eq!(sent, 8);
        assert!(most <= 2, "{most} parts were read and not yet taken");
    }
}
