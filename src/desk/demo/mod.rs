//! The embedded demo desk: a school district in a SQLite file, behind the same
//! [`Desk`] trait as the real backends, so a newcomer sees the whole console
//! with nothing configured.
//!
//! - `catalog`: the district's people, schools and kinds of request
//! - `seed`: building a desk deterministically from a seed
//! - `rules`: routing and SLA targets, applied like a real desk's automation
//! - `simulator`: new tickets and replies arriving while you watch
//! - `store`: the SQLite schema and the mapping into the model

pub mod catalog;
mod rng;
pub mod rules;
pub mod seed;
pub mod simulator;
mod store;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, params_from_iter, types::Value};

use super::{
    Agent, AgentId, Applied, Assignee, Capabilities, Change, Desk, DeskError, EntryKind, FieldSpec,
    OwnerFilter, Page, PageRequest, Query, Queue, QueueId, StatusKind, TicketDetail, TicketId,
    TicketSummary, Version,
};
use crate::clock::Clock;
use crate::paths;
use crate::text::SafeText;
use store::NewEntry;

pub use simulator::Arrivals;

/// The seed a desk is built from when none is asked for.
pub const DEFAULT_SEED: u64 = 42;

pub(crate) const CAPABILITIES: Capabilities = Capabilities {
    name: "demo",
    reply: true,
    note: true,
    assign: true,
    set_status: true,
    set_priority: true,
    move_queue: true,
    server_sla: true,
    incremental: true,
    server_search: true,
    history: true,
    // The demo answers on every channel it takes requests by.
    delivers: &[
        crate::desk::Channel::Email,
        crate::desk::Channel::Web,
        crate::desk::Channel::Sms,
        crate::desk::Channel::Chat,
        crate::desk::Channel::Social,
    ],
    create: true,
    // The demo's messages carry no files.
    attachments: true,
    uploads: crate::desk::Uploads {
        limit: Some(10 * 1024 * 1024),
        types: &[],
    },
    // The demo keeps no time.
    time: false,
    cc: false,
    merge: false,
    links: false,
    fields: true,
    tags: true,
};

pub struct DemoDesk {
    db: Arc<Mutex<Connection>>,
    clock: Clock,
    path: PathBuf,
    /// How late each write's answer comes, as over a slow link: the write
    /// is done at once, the answer waits.
    latency: std::time::Duration,
    /// Where the last page of a listing ended, for the next page to start.
    resume: Arc<Mutex<Option<Resume>>>,
}

/// The end of a listing's last page. The next page starts after its last
/// id instead of counting past every earlier row again: paged by OFFSET, a
/// million-ticket desk's 3,000 pages of active tickets took minutes.
struct Resume {
    /// The listing's conditions and values.
    key: String,
    next_page: u32,
    after_id: i64,
    total: u64,
    /// Many tickets match: walking the ids newest first finds a page
    /// sooner than an index on status, which sorts every match.
    dense: bool,
}

/// The listing's query, walking ticket ids newest first when `dense`.
fn listing_sql(clause: &str, dense: bool, tail: &str) -> String {
    let select = if dense {
        store::SUMMARY_SELECT.replacen("FROM tickets t", "FROM tickets t NOT INDEXED", 1)
    } else {
        store::SUMMARY_SELECT.to_string()
    };
    format!("{select} WHERE {clause} {tail}")
}

/// Every time on the desk moved on by the time since it was last used.
fn skip_idle_time(conn: &Connection, now: i64) -> rusqlite::Result<()> {
    let last: i64 = store::get_meta(conn, "clock_at")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(now);
    if now - last > 60 {
        store::shift_time(conn, now - last)?;
    }
    store::set_meta(conn, "clock_at", &now.to_string())
}

/// A summary of what a desk file holds, for messages to the user.
#[derive(Debug)]
pub struct DemoInfo {
    pub path: PathBuf,
    pub seed: u64,
    pub tickets: u64,
}

impl DemoDesk {
    /// Open the desk at `path`, building it when it is missing, from another
    /// schema, or from another seed than the one asked for. Time that passed
    /// since it was last used is skipped, so the desk is as lively as it was.
    pub fn open(path: &Path, seed: Option<u64>, clock: Clock) -> anyhow::Result<Self> {
        if path.exists() {
            let conn = Connection::open(path)?;
            let schema = store::get_meta(&conn, "schema").ok().flatten();
            let stored_seed = store::get_meta(&conn, "seed")
                .ok()
                .flatten()
                .and_then(|s| s.parse::<u64>().ok());
            let fits = schema.as_deref() == Some(store::SCHEMA_VERSION)
                && seed.is_none_or(|s| stored_seed == Some(s));
            if fits {
                let desk = Self::from_connection(conn, clock, path);
                desk.catch_up()?;
                return Ok(desk);
            }
        }
        Self::create(
            path,
            seed.unwrap_or(DEFAULT_SEED),
            seed::DEFAULT_TICKETS,
            clock,
        )
    }

    /// Build a new desk at `path`, replacing whatever was there.
    pub fn create(path: &Path, seed: u64, tickets: usize, clock: Clock) -> anyhow::Result<Self> {
        Self::create_telling(path, seed, tickets, clock, &mut |_| {})
    }

    /// [`DemoDesk::create`], telling `made` how many tickets are in as it goes.
    pub fn create_telling(
        path: &Path,
        seed: u64,
        tickets: usize,
        clock: Clock,
        made: &mut dyn FnMut(usize),
    ) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent() {
            paths::private_dir(dir)?;
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::remove_file(PathBuf::from(file)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        let mut conn = Connection::open(path)?;
        paths::private_file(path)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
        store::create_schema(&conn)?;
        seed::seed(&mut conn, seed, clock.now(), tickets, made)?;
        // Everything in the main file, so a copy of it is a whole desk.
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(Self::from_connection(conn, clock, path))
    }

    fn from_connection(conn: Connection, clock: Clock, path: &Path) -> Self {
        // Another deskterm on the same file (or the simulator) may hold the lock briefly.
        let _ = conn.busy_timeout(std::time::Duration::from_secs(5));
        Self {
            db: Arc::new(Mutex::new(conn)),
            clock,
            path: path.to_path_buf(),
            latency: std::time::Duration::ZERO,
            resume: Arc::default(),
        }
    }

    /// Answer each write `latency` late, as a desk over a slow link would.
    pub fn with_latency(mut self, latency: std::time::Duration) -> Self {
        self.latency = latency;
        self
    }

    pub fn info(&self) -> anyhow::Result<DemoInfo> {
        let conn = self.lock()?;
        let seed = store::get_meta(&conn, "seed")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(DEFAULT_SEED);
        let tickets: i64 = conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))?;
        Ok(DemoInfo {
            path: self.path.clone(),
            seed,
            tickets: tickets.max(0) as u64,
        })
    }

    fn lock(&self) -> anyhow::Result<std::sync::MutexGuard<'_, Connection>> {
        self.db
            .lock()
            .map_err(|_| anyhow::anyhow!("the demo database lock was poisoned"))
    }

    /// Skip the time that passed since the desk was last used, on a thread
    /// of its own: the console shows its cache at once and the desk answers
    /// once its times have moved (seconds on a million tickets). The lock
    /// is taken before this returns, so nothing reads the old times.
    fn catch_up(&self) -> anyhow::Result<()> {
        let (db, clock) = (self.db.clone(), self.clock);
        let (locked, taken) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let Ok(conn) = db.lock() else {
                return;
            };
            let _ = locked.send(());
            if let Err(e) = skip_idle_time(&conn, clock.now().as_second()) {
                tracing::warn!(error = %e, "the demo desk's idle time was not skipped");
            }
        });
        let _ = taken.recv();
        Ok(())
    }

    /// Start new tickets and replies arriving in the background.
    pub fn start_simulator(&self, arrivals: Arrivals) -> Option<tokio::task::JoinHandle<()>> {
        simulator::start(self.db.clone(), self.clock, arrivals)
    }

    /// One simulator step, now: a new ticket, a requester reply, or a
    /// colleague picking up work. For tests and demos of the refresh.
    pub fn simulate_once(&self, seed: u64) -> anyhow::Result<&'static str> {
        let mut conn = self.lock()?;
        Ok(simulator::step(
            &mut conn,
            seed,
            self.clock.now().as_second(),
        )?)
    }

    /// Run a database call off the async threads.
    async fn with_db<T, F>(&self, work: F) -> Result<T, DeskError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, Timestamp) -> Result<T, DeskError> + Send + 'static,
    {
        let db = self.db.clone();
        let now = self.clock.now();
        tokio::task::spawn_blocking(move || {
            let mut conn = db
                .lock()
                .map_err(|_| DeskError::Protocol("demo database lock poisoned".into()))?;
            work(&mut conn, now)
        })
        .await
        .map_err(|e| DeskError::Protocol(format!("demo desk task failed: {e}")))?
    }
}

fn db_error(e: rusqlite::Error) -> DeskError {
    match e {
        // A ticket, agent or queue id that names nothing.
        rusqlite::Error::QueryReturnedNoRows => DeskError::NotFound,
        e => DeskError::Server {
            status: 500,
            message: format!("demo database: {e}"),
        },
    }
}

fn numeric_id(text: &str) -> Result<i64, DeskError> {
    text.trim_start_matches('#')
        .parse()
        .map_err(|_| DeskError::NotFound)
}

/// A WHERE clause and its parameters for a query.
fn where_clause(query: &Query, since: Option<Timestamp>) -> (String, Vec<Value>) {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut values = Vec::new();
    if !query.statuses.is_empty() {
        let marks = vec!["?"; query.statuses.len()].join(", ");
        conditions.push(format!("t.status IN ({marks})"));
        values.extend(query.statuses.iter().map(|s| Value::Text(s.name().into())));
    }
    if let Some(queue) = &query.queue {
        conditions.push("t.queue_id = ?".into());
        values.push(Value::Integer(queue.0.parse().unwrap_or(-1)));
    }
    if let Some(email) = &query.requester {
        conditions.push("r.email = ? COLLATE NOCASE".into());
        values.push(Value::Text(email.trim().to_string()));
    }
    let mut one_of = |column: &str, names: Vec<&'static str>| {
        if !names.is_empty() {
            conditions.push(format!(
                "{column} IN ({})",
                vec!["?"; names.len()].join(", ")
            ));
            values.extend(names.into_iter().map(|n| Value::Text(n.into())));
        }
    };
    one_of(
        "t.priority",
        query.priorities.iter().map(|p| p.name()).collect(),
    );
    one_of(
        "t.channel",
        query.channels.iter().map(|c| c.name()).collect(),
    );
    one_of("r.role", query.roles.iter().map(|r| r.name()).collect());
    for tag in &query.tags {
        conditions.push("instr(',' || lower(t.tags) || ',', ?) > 0".into());
        values.push(Value::Text(format!(",{},", tag.to_lowercase())));
    }
    match &query.owner {
        OwnerFilter::Any => {}
        OwnerFilter::Nobody => conditions.push("t.owner_id IS NULL".into()),
        OwnerFilter::Me => {
            conditions.push("t.owner_id = ?".into());
            values.push(Value::Integer(seed::ME));
        }
        OwnerFilter::Agent(id) => {
            conditions.push("t.owner_id = ?".into());
            values.push(Value::Integer(id.0.parse().unwrap_or(-1)));
        }
    }
    // Each word in the subject, requester or id, or in a message's body
    // (internal notes too: only agents search).
    for word in query.text.split_whitespace() {
        conditions.push(
            "(instr(lower(t.subject || ' ' || r.name || ' ' || r.email || ' #' || t.id), ?) > 0
              OR EXISTS (SELECT 1 FROM entries e
                         WHERE e.ticket_id = t.id AND instr(lower(e.body), ?) > 0))"
                .into(),
        );
        values.push(Value::Text(word.to_lowercase()));
        values.push(Value::Text(word.to_lowercase()));
    }
    for (column, range) in [("t.created", query.created), ("t.updated", query.updated)] {
        if let Some(after) = range.after {
            conditions.push(format!("{column} >= ?"));
            values.push(Value::Integer(after.as_second()));
        }
        if let Some(before) = range.before {
            conditions.push(format!("{column} < ?"));
            values.push(Value::Integer(before.as_second()));
        }
    }
    for (name, value) in &query.fields {
        conditions.push(
            "EXISTS (SELECT 1 FROM fields f WHERE f.ticket_id = t.id
                     AND f.name = ? COLLATE NOCASE AND f.value = ? COLLATE NOCASE)"
                .into(),
        );
        values.push(Value::Text(name.clone()));
        values.push(Value::Text(value.clone()));
    }
    if let Some(since) = since {
        conditions.push("t.updated >= ?".into());
        values.push(Value::Integer(since.as_second()));
    }
    (conditions.join(" AND "), values)
}

fn select_summaries(
    conn: &Connection,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<TicketSummary>, DeskError> {
    let mut stmt = conn.prepare_cached(sql).map_err(db_error)?;
    let rows = stmt
        .query_map(params_from_iter(values), store::summary_from_row)
        .map_err(db_error)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db_error)
}

fn agent_from(conn: &Connection, id: i64) -> rusqlite::Result<Agent> {
    let (name, email): (String, String) =
        conn.query_row("SELECT name, email FROM agents WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let queues = conn
        .prepare_cached("SELECT queue_id FROM agent_queues WHERE agent_id = ?1 ORDER BY queue_id")?
        .query_map([id], |r| {
            Ok(QueueId(r.get::<_, i64>(0)?.to_string().into()))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Agent {
        id: AgentId(id.to_string().into()),
        name: SafeText::line(&name),
        email: SafeText::line(&email),
        queues,
    })
}

#[async_trait]
impl Desk for DemoDesk {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    async fn me(&self) -> Result<Agent, DeskError> {
        self.with_db(|conn, _| agent_from(conn, seed::ME).map_err(db_error))
            .await
    }

    async fn queues(&self) -> Result<Vec<Queue>, DeskError> {
        self.with_db(|conn, _| {
            let mut stmt = conn
                .prepare_cached("SELECT id, name, description FROM queues ORDER BY id")
                .map_err(db_error)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(Queue {
                        id: QueueId(r.get::<_, i64>(0)?.to_string().into()),
                        name: SafeText::line(&r.get::<_, String>(1)?),
                        description: SafeText::line(&r.get::<_, String>(2)?),
                    })
                })
                .map_err(db_error)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db_error)
        })
        .await
    }

    async fn agents(&self) -> Result<Vec<Agent>, DeskError> {
        self.with_db(|conn, _| {
            let ids = conn
                .prepare_cached("SELECT id FROM agents ORDER BY name")
                .and_then(|mut s| {
                    s.query_map([], |r| r.get::<_, i64>(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(db_error)?;
            ids.into_iter()
                .map(|id| agent_from(conn, id).map_err(db_error))
                .collect()
        })
        .await
    }

    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let query = query.clone();
        let resume = self.resume.clone();
        self.with_db(move |conn, _| {
            let (clause, mut values) = where_clause(&query, None);
            let key = format!("{clause} {values:?}");
            let per_page = page.per_page.max(1);
            let mut resume = resume.lock().unwrap_or_else(|e| e.into_inner());
            let after = resume
                .as_ref()
                .filter(|r| r.key == key && r.next_page == page.page && page.page > 0);
            let (sql, total, dense) = match after {
                Some(r) => {
                    values.push(Value::Integer(r.after_id));
                    let tail = format!("AND t.id < ? ORDER BY t.id DESC LIMIT {per_page}");
                    (listing_sql(&clause, r.dense, &tail), r.total, r.dense)
                }
                None => {
                    let total: i64 = conn
                        .query_row(
                            &format!(
                                "SELECT COUNT(*) FROM tickets t
                                 JOIN requesters r ON r.id = t.requester_id WHERE {clause}"
                            ),
                            params_from_iter(values.clone()),
                            |r| r.get(0),
                        )
                        .map_err(db_error)?;
                    let all: i64 = conn
                        .query_row("SELECT COALESCE(MAX(id), 0) FROM tickets", [], |r| r.get(0))
                        .map_err(db_error)?;
                    let dense = total * 10 >= all;
                    let offset = u64::from(page.page) * u64::from(per_page);
                    let tail = format!("ORDER BY t.id DESC LIMIT {per_page} OFFSET {offset}");
                    (listing_sql(&clause, dense, &tail), total as u64, dense)
                }
            };
            let items = select_summaries(conn, &sql, values)?;
            let seen = u64::from(page.page) * u64::from(per_page) + items.len() as u64;
            let more = items.len() as u32 == per_page && seen < total;
            *resume = items.last().and_then(|last| {
                Some(Resume {
                    key,
                    next_page: page.page + 1,
                    after_id: last.id.0.parse().ok()?,
                    total,
                    dense,
                })
            });
            Ok(Page {
                more,
                items,
                total: Some(total),
            })
        })
        .await
    }

    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError> {
        let query = query.clone();
        self.with_db(move |conn, now| {
            // A poll is also the desk's heartbeat: time after it is time used.
            store::set_meta(conn, "clock_at", &now.as_second().to_string()).map_err(db_error)?;
            let (clause, values) = where_clause(&query, Some(since));
            let sql = format!("{} WHERE {clause} ORDER BY t.id", store::SUMMARY_SELECT);
            select_summaries(conn, &sql, values)
        })
        .await
    }

    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError> {
        let id = numeric_id(&id.0)?;
        self.with_db(move |conn, _| {
            store::detail(conn, id)
                .map_err(db_error)?
                .ok_or(DeskError::NotFound)
        })
        .await
    }

    async fn fields(&self, id: &TicketId) -> Result<Vec<FieldSpec>, DeskError> {
        self.ticket(id).await?;
        Ok(demo_fields())
    }

    async fn attachment(&self, id: &str) -> Result<Vec<u8>, DeskError> {
        let id = numeric_id(id)?;
        self.with_db(move |conn, _| {
            store::attachment_bytes(conn, id)
                .map_err(db_error)?
                .ok_or(DeskError::NotFound)
        })
        .await
    }

    async fn apply(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
    ) -> Result<Applied, DeskError> {
        let id = numeric_id(&id.0)?;
        match change {
            Change::LogTime(_) => return Err(DeskError::Unsupported("time worked")),
            Change::AddCc(_) | Change::RemoveCc(_) => {
                return Err(DeskError::Unsupported("copying people on a ticket (Cc)"));
            }
            Change::MergeInto(_) => return Err(DeskError::Unsupported("merging tickets")),
            Change::Link(..) => return Err(DeskError::Unsupported("linking tickets")),
            Change::DeskMacro { .. } => return Err(DeskError::Unsupported("apply desk macros")),
            _ => {}
        }
        // A field by its name as the desk spells it, with a value it takes.
        let change = match change {
            Change::SetField { name, value } => {
                let spec = demo_field(name)?;
                let value = value
                    .as_deref()
                    .map(|v| spec.check(v))
                    .transpose()
                    .map_err(DeskError::Rejected)?;
                Change::SetField {
                    name: spec.name,
                    value,
                }
            }
            Change::Tag(tag) | Change::Untag(tag) if !is_tag(tag) => {
                return Err(DeskError::Rejected(format!(
                    "“{tag}” cannot be a tag: one word, no commas"
                )));
            }
            other => other.clone(),
        };
        let based_on = based_on.clone();
        let applied = self
            .with_db(move |conn, now| {
                let tx = conn.transaction().map_err(db_error)?;
                let current = store::summary(&tx, id)
                    .map_err(db_error)?
                    .ok_or(DeskError::NotFound)?;
                if current.version != based_on {
                    return Err(DeskError::Conflict {
                        now: current.version,
                    });
                }
                let me = agent_from(&tx, seed::ME).map_err(db_error)?;
                apply_change(&tx, id, &current, &me, &change, now.as_second()).map_err(db_error)?;
                tx.execute(
                    "UPDATE tickets SET version = version + 1, updated = ?2 WHERE id = ?1",
                    rusqlite::params![id, now.as_second()],
                )
                .map_err(db_error)?;
                store::recompute_sla(&tx, id).map_err(db_error)?;
                let summary = store::summary(&tx, id)
                    .map_err(db_error)?
                    .ok_or(DeskError::NotFound)?;
                tx.commit().map_err(db_error)?;
                Ok(Applied {
                    version: summary.version.clone(),
                    summary,
                })
            })
            .await;
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        applied
    }

    /// A ticket logged for someone: found among the requesters by email,
    /// or added as a member of the community.
    async fn create(&self, ticket: &crate::desk::NewTicket) -> Result<TicketSummary, DeskError> {
        use rusqlite::OptionalExtension;
        let ticket = ticket.clone();
        let created = self
            .with_db(move |conn, now| {
                let queue = numeric_id(&ticket.queue.0)?;
                let tx = conn.transaction().map_err(db_error)?;
                let known: Option<(i64, String)> = tx
                    .query_row(
                        "SELECT id, name FROM requesters WHERE lower(email) = lower(?1)",
                        [ticket.requester_email.trim()],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()
                    .map_err(db_error)?;
                let (requester, name) = match known {
                    Some(found) => found,
                    None => {
                        let name = match ticket.requester_name.trim() {
                            "" => ticket.requester_email.trim().to_string(),
                            name => name.to_string(),
                        };
                        tx.execute(
                            "INSERT INTO requesters (name, email, role, organisation)
                             VALUES (?1, ?2, 'community', NULL)",
                            rusqlite::params![name, ticket.requester_email.trim()],
                        )
                        .map_err(db_error)?;
                        (tx.last_insert_rowid(), name)
                    }
                };
                let owner = match &ticket.owner {
                    Assignee::Me => Some(seed::ME),
                    Assignee::Agent(agent) => Some(numeric_id(&agent.0)?),
                    Assignee::Nobody => None,
                };
                let at = now.as_second();
                let id = store::insert_ticket(
                    &tx,
                    &store::NewTicket {
                        subject: ticket.subject.trim(),
                        status: if owner.is_some() {
                            StatusKind::Open
                        } else {
                            StatusKind::New
                        },
                        priority: ticket.priority,
                        queue_id: queue,
                        owner_id: owner,
                        requester_id: requester,
                        channel: ticket.channel,
                        created: at,
                        updated: at,
                        first_response_at: None,
                        tags: "",
                    },
                )
                .map_err(db_error)?;
                // The opening message is the requester's request.
                store::insert_entry(
                    &tx,
                    id,
                    &NewEntry {
                        kind: EntryKind::Reply,
                        author: &name,
                        by_agent: false,
                        at,
                        body: &ticket.body,
                        new_status: None,
                    },
                )
                .map_err(db_error)?;
                store::recompute_sla(&tx, id).map_err(db_error)?;
                let summary = store::summary(&tx, id)
                    .map_err(db_error)?
                    .ok_or(DeskError::NotFound)?;
                tx.commit().map_err(db_error)?;
                Ok(summary)
            })
            .await;
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        created
    }
}

/// The demo's fields: a school from the district's list, and two free ones.
fn demo_fields() -> Vec<FieldSpec> {
    vec![
        FieldSpec {
            name: "School".into(),
            values: catalog::SCHOOLS.iter().map(|s| s.to_string()).collect(),
        },
        FieldSpec {
            name: "Employee ID".into(),
            values: Vec::new(),
        },
        FieldSpec {
            name: "Asset tag".into(),
            values: Vec::new(),
        },
    ]
}

fn demo_field(name: &str) -> Result<FieldSpec, DeskError> {
    let fields = demo_fields();
    let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    fields
        .into_iter()
        .find(|f| f.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            DeskError::Rejected(format!(
                "no field “{name}” here; there are {}",
                names.join(", ")
            ))
        })
}

/// One word the tags column can hold (it is comma-separated).
fn is_tag(tag: &str) -> bool {
    !tag.is_empty() && !tag.contains([',', ' ']) && !tag.chars().any(char::is_control)
}

/// Write one change as the signed-in agent: the entries it leaves in the
/// conversation and the fields it sets.
fn apply_change(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    current: &TicketSummary,
    me: &Agent,
    change: &Change,
    now: i64,
) -> rusqlite::Result<()> {
    let event = |tx: &rusqlite::Transaction<'_>, body: String, new_status: Option<StatusKind>| {
        store::insert_entry(
            tx,
            id,
            &NewEntry {
                kind: EntryKind::Event,
                author: &me.name,
                by_agent: true,
                at: now,
                body: &body,
                new_status,
            },
        )
        .map(drop)
    };
    let set_status = |tx: &rusqlite::Transaction<'_>, to: StatusKind| {
        tx.execute(
            "UPDATE tickets SET status = ?2 WHERE id = ?1",
            rusqlite::params![id, to.name()],
        )?;
        event(
            tx,
            format!("Status {} → {}", current.status.kind.name(), to.name()),
            Some(to),
        )
    };
    match change {
        Change::Reply { body, then, files } | Change::Note { body, then, files } => {
            let public = matches!(change, Change::Reply { .. });
            let entry = store::insert_entry(
                tx,
                id,
                &NewEntry {
                    kind: if public {
                        EntryKind::Reply
                    } else {
                        EntryKind::Note
                    },
                    author: &me.name,
                    by_agent: true,
                    at: now,
                    body,
                    new_status: None,
                },
            )?;
            for file in files {
                store::insert_attachment(tx, entry, &file.name, &file.mime, &file.bytes)?;
            }
            if public {
                tx.execute(
                    "UPDATE tickets SET first_response_at = COALESCE(first_response_at, ?2)
                     WHERE id = ?1",
                    rusqlite::params![id, now],
                )?;
            }
            let next = then
                .or((public && current.status.kind == StatusKind::New).then_some(StatusKind::Open));
            if let Some(to) = next.filter(|to| *to != current.status.kind) {
                set_status(tx, to)?;
            }
        }
        Change::SetStatus(to) => set_status(tx, *to)?,
        Change::SetPriority(level) => {
            tx.execute(
                "UPDATE tickets SET priority = ?2 WHERE id = ?1",
                rusqlite::params![id, level.name()],
            )?;
            event(
                tx,
                format!(
                    "Priority {} → {}",
                    current.priority.level.name(),
                    level.name()
                ),
                None,
            )?;
        }
        Change::Assign(who) => {
            let owner = match who {
                Assignee::Me => Some(seed::ME),
                // An id that is not a number names no agent.
                Assignee::Agent(agent) => Some(agent.0.parse().unwrap_or(-1)),
                Assignee::Nobody => None,
            };
            let name: Option<String> = match owner {
                Some(o) => {
                    Some(tx.query_row("SELECT name FROM agents WHERE id = ?1", [o], |r| r.get(0))?)
                }
                None => None,
            };
            tx.execute(
                "UPDATE tickets SET owner_id = ?2 WHERE id = ?1",
                rusqlite::params![id, owner],
            )?;
            event(
                tx,
                name.map_or("Unassigned".to_string(), |n| format!("Assigned to {n}")),
                None,
            )?;
        }
        Change::SetField { name, value } => {
            let before = store::field(tx, id, name)?;
            store::set_field(tx, id, name, value.as_deref())?;
            let said = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
            event(
                tx,
                format!("{name} {} → {}", said(&before), said(value)),
                None,
            )?;
        }
        Change::Tag(tag) | Change::Untag(tag) => {
            let adding = matches!(change, Change::Tag(_));
            let mut tags: Vec<String> = current
                .tags
                .iter()
                .map(|t| t.to_string())
                .filter(|t| t != tag)
                .collect();
            if adding {
                tags.push(tag.clone());
            }
            tx.execute(
                "UPDATE tickets SET tags = ?2 WHERE id = ?1",
                rusqlite::params![id, tags.join(",")],
            )?;
            let what = if adding { "Tagged" } else { "Untagged" };
            event(tx, format!("{what} {tag}"), None)?;
        }
        // Refused in `apply`: the demo keeps no time, nor a Cc.
        Change::LogTime(_)
        | Change::AddCc(_)
        | Change::RemoveCc(_)
        | Change::MergeInto(_)
        | Change::DeskMacro { .. }
        | Change::Link(..) => {}
        Change::MoveTo(queue) => {
            let queue_id: i64 = queue.0.parse().unwrap_or(-1);
            let name: String =
                tx.query_row("SELECT name FROM queues WHERE id = ?1", [queue_id], |r| {
                    r.get(0)
                })?;
            tx.execute(
                "UPDATE tickets SET queue_id = ?2 WHERE id = ?1",
                rusqlite::params![id, queue_id],
            )?;
            event(
                tx,
                format!("Moved from {} to {name}", current.queue.name),
                None,
            )?;
        }
    }
    Ok(())
}
