//! Why the store failed, and at what. The worker sends this to the console,
//! which says it in a few words on the status line and keeps SQLite's (or
//! the file system's) own words for the log and `:messages`.

use std::fmt;

use crate::desk::TicketId;

/// What was wrong with the store, read from the error's type and code,
/// never from its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The file or its folder could not be opened.
    CannotOpen,
    /// The file, or the disk it is on, takes no writes.
    ReadOnly,
    /// No room left: the disk, or the store's page limit.
    Full,
    /// What is in the file is not what the store wrote.
    Corrupt,
    /// Another process held the file locked for longer than the busy timeout.
    Busy,
    /// The disk failed to read or write.
    Io,
    Other,
}

impl StoreErrorKind {
    /// The kind of the first error in the chain that the store can fail with.
    pub fn of(error: &anyhow::Error) -> Self {
        error
            .chain()
            .find_map(|cause| {
                if let Some(e) = cause.downcast_ref::<rusqlite::Error>() {
                    Some(Self::of_sqlite(e))
                } else if let Some(e) = cause.downcast_ref::<std::io::Error>() {
                    Some(Self::of_io(e))
                } else {
                    cause.downcast_ref::<serde_json::Error>().map(Self::of_json)
                }
            })
            .unwrap_or(Self::Other)
    }

    fn of_sqlite(error: &rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as Code;
        match error {
            rusqlite::Error::SqliteFailure(e, _)
            | rusqlite::Error::SqlInputError { error: e, .. } => match e.code {
                Code::CannotOpen | Code::PermissionDenied => Self::CannotOpen,
                Code::ReadOnly => Self::ReadOnly,
                Code::DiskFull => Self::Full,
                Code::DatabaseCorrupt | Code::NotADatabase => Self::Corrupt,
                Code::DatabaseBusy | Code::DatabaseLocked => Self::Busy,
                Code::SystemIoFailure
                | Code::FileLockingProtocolFailed
                | Code::NoLargeFileSupport => Self::Io,
                _ => Self::Other,
            },
            // A row of a type or shape the store never writes.
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::Utf8Error(..) => Self::Corrupt,
            _ => Self::Other,
        }
    }

    fn of_io(error: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::NotFound | ErrorKind::PermissionDenied => Self::CannotOpen,
            ErrorKind::ReadOnlyFilesystem => Self::ReadOnly,
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Self::Full,
            ErrorKind::InvalidData => Self::Corrupt,
            _ => Self::Io,
        }
    }

    fn of_json(error: &serde_json::Error) -> Self {
        match error.classify() {
            serde_json::error::Category::Io => Self::Io,
            _ => Self::Corrupt,
        }
    }

    /// A few words for the status line.
    pub fn short(self) -> &'static str {
        match self {
            Self::CannotOpen => "the store cannot be opened",
            Self::ReadOnly => "the store is read-only",
            Self::Full => "the disk is full",
            Self::Corrupt => "the store file is damaged",
            Self::Busy => "another program holds the store",
            Self::Io => "the disk failed",
            Self::Other => "the store failed",
        }
    }
}

/// What the store was asked to do when it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreOperation {
    ReadDrafts,
    SaveDraft(TicketId),
    DeleteDraft(TicketId),
    /// Writes put in the outbox before they are sent; the first one's label
    /// ("reply to #12").
    KeepWrites(String),
    /// Writes taken back out, their text a draft again.
    UnqueueWrites,
    /// A write the desk has, or the user let go, by its key.
    RemoveWrite(String),
    ReadOutbox,
    ReadCache,
}

impl StoreOperation {
    /// Writes about to go into the outbox, named by the first.
    pub fn keep_writes(items: &[super::QueuedWrite]) -> Self {
        Self::KeepWrites(items.first().map(|i| i.label.clone()).unwrap_or_default())
    }
}

/// As it was being done, for the log: "keeping the draft for #12".
impl fmt::Display for StoreOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadDrafts => write!(f, "reading the drafts"),
            Self::SaveDraft(ticket) => write!(f, "keeping the draft for #{}", ticket.0),
            Self::DeleteDraft(ticket) => write!(f, "removing the draft for #{}", ticket.0),
            Self::KeepWrites(label) => write!(f, "keeping “{label}” in the outbox"),
            Self::UnqueueWrites => write!(f, "taking writes back out of the outbox"),
            Self::RemoveWrite(key) => write!(f, "removing the write {key} from the outbox"),
            Self::ReadOutbox => write!(f, "reading the outbox"),
            Self::ReadCache => write!(f, "reading the cache"),
        }
    }
}

/// A store failure as it crosses to the console: plain data, so it can be
/// compared in tests and sent on a channel.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {detail}")]
pub struct StoreError {
    pub operation: StoreOperation,
    pub kind: StoreErrorKind,
    /// SQLite's or the file system's own words.
    pub detail: String,
}

impl StoreError {
    /// `error`, from a store method, classified by its type.
    pub fn new(operation: StoreOperation, error: impl Into<anyhow::Error>) -> Self {
        let error = error.into();
        Self {
            operation,
            kind: StoreErrorKind::of(&error),
            detail: format!("{error:#}"),
        }
    }

    /// For the status line, in the words it has always had, the cause told
    /// by its kind.
    pub fn short(&self) -> String {
        let why = self.kind.short();
        match &self.operation {
            StoreOperation::ReadDrafts => format!("drafts could not be read: {why}"),
            StoreOperation::SaveDraft(_) => format!("the draft could not be saved: {why}"),
            StoreOperation::DeleteDraft(_) => format!("the draft could not be removed: {why}"),
            StoreOperation::KeepWrites(_) => {
                format!("the outbox could not be written ({why}); the write is only in memory")
            }
            StoreOperation::UnqueueWrites | StoreOperation::RemoveWrite(_) => {
                format!("the outbox could not be updated: {why}")
            }
            StoreOperation::ReadOutbox => format!("the outbox could not be read: {why}"),
            StoreOperation::ReadCache => format!("the cache could not be read: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use jiff::Timestamp;
    use rusqlite::{Connection, OpenFlags};

    use super::*;
    use crate::state::compose::ComposeKind;
    use crate::store::{Draft, QueuedWrite, Store};

    fn draft(text: &str) -> Draft {
        Draft {
            ticket: TicketId("12".into()),
            kind: ComposeKind::Reply,
            text: text.into(),
            saved: Timestamp::UNIX_EPOCH,
        }
    }

    /// A store made, then its file opened again read-only: the file modes
    /// would not do, as root writes to a 0400 file.
    fn read_only_store(dir: &tempfile::TempDir) -> Store {
        let path = Store::open(dir.path(), "demo")
            .expect("store")
            .path()
            .to_owned();
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("read-only");
        Store {
            conn: Mutex::new(conn),
            path,
        }
    }

    #[test]
    fn a_read_only_store_is_told_as_one_whichever_way_its_error_came() {
        let dir = tempfile::TempDir::new().expect("dir");
        let store = read_only_store(&dir);
        // rusqlite's error as it is, from a draft.
        let ticket = TicketId("12".into());
        let e = store.save_draft(&draft("half")).expect_err("read-only");
        let failed = StoreError::new(StoreOperation::SaveDraft(ticket), e);
        assert_eq!(failed.kind, StoreErrorKind::ReadOnly);
        assert_eq!(
            failed.short(),
            "the draft could not be saved: the store is read-only"
        );
        let told = failed.to_string();
        assert!(told.starts_with("keeping the draft for #12: "), "{told}");
        assert!(told.contains("readonly database"), "{told}");
        // Inside an anyhow error, from the outbox.
        let write = QueuedWrite::new(
            "k".into(),
            "reply to #12".into(),
            TicketId("12".into()),
            crate::desk::Version("v1".into()),
            Vec::new(),
        );
        let writes = [write];
        let e = store.put_pending(&writes).expect_err("read-only");
        let failed = StoreError::new(StoreOperation::keep_writes(&writes), e);
        assert_eq!(failed.kind, StoreErrorKind::ReadOnly);
        assert_eq!(
            failed.short(),
            "the outbox could not be written (the store is read-only); the write is only in memory"
        );
        assert!(
            failed
                .to_string()
                .starts_with("keeping “reply to #12” in the outbox: "),
            "{failed}"
        );
    }

    #[test]
    fn a_damaged_store_file_is_told_as_damaged() {
        let dir = tempfile::TempDir::new().expect("dir");
        let store = Store::open(dir.path(), "demo").expect("store");
        store.save_draft(&draft("half")).expect("save");
        let (page_size, root): (i64, i64) = {
            let conn = store.conn();
            let size = conn
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .expect("page size");
            let root = conn
                .query_row(
                    "SELECT rootpage FROM sqlite_master WHERE name = 'drafts'",
                    [],
                    |r| r.get(0),
                )
                .expect("root page");
            (size, root)
        };
        let path = store.path().to_owned();
        // Closed, so the write-ahead log is folded into the file first.
        drop(store);
        // The drafts table's page overwritten; the schema on page 1 is left,
        // so the store still opens.
        {
            use std::io::{Seek, SeekFrom, Write};
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .expect("file");
            let page = u64::try_from(page_size).expect("page size");
            let at = u64::try_from(root - 1).expect("root page") * page;
            file.seek(SeekFrom::Start(at)).expect("seek");
            file.write_all(&vec![0xa5; page as usize]).expect("damage");
        }
        let store = Store::open(dir.path(), "demo").expect("opens");
        let e = store.drafts().expect_err("damaged");
        let failed = StoreError::new(StoreOperation::ReadDrafts, e);
        assert_eq!(failed.kind, StoreErrorKind::Corrupt, "{failed}");
        assert!(failed.detail.contains("malformed"), "{failed}");
        assert_eq!(
            failed.short(),
            "drafts could not be read: the store file is damaged"
        );
        drop(store);
        // A file that is no database at all.
        std::fs::write(&path, vec![0x5a; 8192]).expect("overwrite");
        let e = Store::open(dir.path(), "demo")
            .err()
            .expect("not a database");
        let failed = StoreError::new(StoreOperation::ReadOutbox, e);
        assert_eq!(failed.kind, StoreErrorKind::Corrupt, "{failed}");
        assert!(failed.detail.contains("not a database"), "{failed}");
    }

    #[test]
    fn a_store_out_of_room_is_told_as_full() {
        let dir = tempfile::TempDir::new().expect("dir");
        let store = Store::open(dir.path(), "demo").expect("store");
        // No page more than it has now: the next large row does not fit.
        {
            let conn = store.conn();
            let pages: i64 = conn
                .query_row("PRAGMA page_count", [], |r| r.get(0))
                .expect("pages");
            conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .expect("limit");
        }
        let e = store
            .save_draft(&draft(&"x".repeat(1 << 20)))
            .expect_err("full");
        let failed = StoreError::new(StoreOperation::SaveDraft(TicketId("12".into())), e);
        assert_eq!(failed.kind, StoreErrorKind::Full, "{failed}");
    }
}
