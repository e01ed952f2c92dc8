//! The demo desk's SQLite file: schema, writes, and mapping rows into the model.
//!
//! Text is stored exactly as a requester typed it (hostile bytes included);
//! it becomes [`SafeText`] only when it leaves as a model value, as it would
//! from a real server.

use std::sync::Arc;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::desk::{
    AgentRef, Attachment, Channel, Entry, EntryKind, Priority, PriorityLevel, QueueId, QueueRef,
    Requester, RequesterRole, Status, StatusKind, TicketDetail, TicketId, TicketSummary, Version,
};
use crate::sla::calendar::Calendar;
use crate::sla::engine::{self, Facts};
use crate::sla::policy::Policy;
use crate::sla::{ClockKind, SlaClock, SlaClocks, Stage};
use crate::text::SafeText;

use super::catalog::Dept;
use super::rules;

pub const SCHEMA_VERSION: &str = "4";

pub fn create_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE queues (id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL);
        CREATE TABLE agents (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
        CREATE TABLE agent_queues (agent_id INTEGER NOT NULL, queue_id INTEGER NOT NULL,
            PRIMARY KEY (agent_id, queue_id));
        CREATE TABLE requesters (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
            role TEXT NOT NULL, organisation TEXT, phone TEXT);
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            status TEXT NOT NULL,
            priority TEXT NOT NULL,
            queue_id INTEGER NOT NULL,
            owner_id INTEGER,
            requester_id INTEGER NOT NULL,
            channel TEXT NOT NULL,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            first_response_at INTEGER,
            sla_policy TEXT,
            sla_calendar TEXT,
            fr_due INTEGER, fr_stage TEXT, fr_at INTEGER,
            nr_due INTEGER, nr_stage TEXT, nr_at INTEGER,
            res_due INTEGER, res_stage TEXT, res_at INTEGER,
            tags TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX tickets_updated ON tickets(updated);
        CREATE INDEX tickets_status ON tickets(status);
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            author TEXT NOT NULL,
            by_agent INTEGER NOT NULL,
            at INTEGER NOT NULL,
            body TEXT NOT NULL,
            new_status TEXT
        );
        CREATE INDEX entries_ticket ON entries(ticket_id, at);
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            mime TEXT NOT NULL,
            bytes BLOB NOT NULL
        );
        CREATE INDEX attachments_entry ON attachments(entry_id);
        CREATE TABLE fields (
            ticket_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (ticket_id, name)
        );
        ",
    )
}

pub fn get_meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Move every instant forward, so a desk left alone keeps its shape.
pub fn shift_time(conn: &Connection, seconds: i64) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "UPDATE tickets SET created = created + {s}, updated = updated + {s},
            first_response_at = first_response_at + {s},
            fr_due = fr_due + {s}, fr_at = fr_at + {s},
            nr_due = nr_due + {s}, nr_at = nr_at + {s},
            res_due = res_due + {s}, res_at = res_at + {s};
         UPDATE meta SET value = CAST(value AS INTEGER) + {s} WHERE key = 'entries_shift';",
        s = seconds
    ))
}

/// Entries keep their times less the desk's shift (`meta.entries_shift`),
/// so skipping idle time moves millions of them by changing one number.
const ENTRY_SHIFT: &str = "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'entries_shift')";

pub fn ts(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn status_name(kind: StatusKind) -> &'static str {
    kind.name()
}

fn parse_status(raw: &str) -> StatusKind {
    StatusKind::parse(raw).unwrap_or(StatusKind::Open)
}

fn parse_priority(raw: &str) -> PriorityLevel {
    PriorityLevel::parse(raw).unwrap_or(PriorityLevel::Normal)
}

pub struct NewTicket<'a> {
    pub subject: &'a str,
    pub status: StatusKind,
    pub priority: PriorityLevel,
    pub queue_id: i64,
    pub owner_id: Option<i64>,
    pub requester_id: i64,
    pub channel: Channel,
    pub created: i64,
    pub updated: i64,
    pub first_response_at: Option<i64>,
    pub tags: &'a str,
}

pub struct NewEntry<'a> {
    pub kind: EntryKind,
    pub author: &'a str,
    pub by_agent: bool,
    pub at: i64,
    pub body: &'a str,
    pub new_status: Option<StatusKind>,
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Reply => "reply",
        EntryKind::Note => "note",
        EntryKind::Event => "event",
    }
}

pub fn insert_ticket(tx: &Transaction<'_>, t: &NewTicket<'_>) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO tickets (subject, status, priority, queue_id, owner_id, requester_id,
            channel, created, updated, first_response_at, tags)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        t.subject,
        status_name(t.status),
        t.priority.name(),
        t.queue_id,
        t.owner_id,
        t.requester_id,
        t.channel.name(),
        t.created,
        t.updated,
        t.first_response_at,
        t.tags,
    ])?;
    Ok(tx.last_insert_rowid())
}

/// The entry's id, for its attachments.
pub fn insert_entry(tx: &Transaction<'_>, ticket: i64, e: &NewEntry<'_>) -> rusqlite::Result<i64> {
    tx.prepare_cached(&format!(
        "INSERT INTO entries (ticket_id, kind, author, by_agent, at, body, new_status)
             VALUES (?1, ?2, ?3, ?4, ?5 - {ENTRY_SHIFT}, ?6, ?7)"
    ))?
    .execute(params![
        ticket,
        kind_name(e.kind),
        e.author,
        e.by_agent,
        e.at,
        e.body,
        e.new_status.map(status_name),
    ])?;
    Ok(tx.last_insert_rowid())
}

pub fn insert_attachment(
    tx: &Transaction<'_>,
    entry: i64,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO attachments (entry_id, name, mime, bytes) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![entry, name, mime, bytes])?;
    Ok(())
}

pub fn field(conn: &Connection, ticket: i64, name: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM fields WHERE ticket_id = ?1 AND name = ?2")?
        .query_row(params![ticket, name], |r| r.get(0))
        .optional()
}

/// Set or clear (`None`) one field of a ticket.
pub fn set_field(
    tx: &Transaction<'_>,
    ticket: i64,
    name: &str,
    value: Option<&str>,
) -> rusqlite::Result<()> {
    match value {
        Some(value) => tx.execute(
            "INSERT INTO fields (ticket_id, name, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (ticket_id, name) DO UPDATE SET value = excluded.value",
            params![ticket, name, value],
        )?,
        None => tx.execute(
            "DELETE FROM fields WHERE ticket_id = ?1 AND name = ?2",
            params![ticket, name],
        )?,
    };
    Ok(())
}

pub fn attachment_bytes(conn: &Connection, id: i64) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT bytes FROM attachments WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// Store the clocks computed for a ticket.
pub fn write_sla(tx: &Transaction<'_>, ticket: i64, sla: &SlaClocks) -> rusqlite::Result<()> {
    let cols = |kind| {
        sla.get(kind).map_or((None, None, None), |c: &SlaClock| {
            let (stage, at) = match c.stage() {
                Stage::Active => ("active", None),
                Stage::Paused { since } => ("paused", Some(since.as_second())),
                Stage::Met { at } => ("met", Some(at.as_second())),
            };
            (Some(c.due().as_second()), Some(stage), at)
        })
    };
    let (fr_due, fr_stage, fr_at) = cols(ClockKind::FirstResponse);
    let (nr_due, nr_stage, nr_at) = cols(ClockKind::NextResponse);
    let (res_due, res_stage, res_at) = cols(ClockKind::Resolution);
    let calendar = sla
        .clocks
        .first()
        .and_then(|c| c.calendar.as_ref())
        .map(|c| c.name.clone());
    tx.prepare_cached(
        "UPDATE tickets SET sla_policy = ?2, sla_calendar = ?3,
            fr_due = ?4, fr_stage = ?5, fr_at = ?6, nr_due = ?7, nr_stage = ?8, nr_at = ?9,
            res_due = ?10, res_stage = ?11, res_at = ?12 WHERE id = ?1",
    )?
    .execute(params![
        ticket,
        sla.policy.as_ref().map(|p| p.as_str().to_string()),
        calendar,
        fr_due,
        fr_stage,
        fr_at,
        nr_due,
        nr_stage,
        nr_at,
        res_due,
        res_stage,
        res_at
    ])?;
    Ok(())
}

/// Recompute a ticket's clocks from its stored history, as a desk does after a change.
pub fn recompute_sla(tx: &Transaction<'_>, ticket: i64) -> rusqlite::Result<()> {
    let (created, priority, queue): (i64, String, i64) = tx.query_row(
        "SELECT created, priority, queue_id FROM tickets WHERE id = ?1",
        [ticket],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut facts = Facts {
        created: ts(created),
        ..Facts::default()
    };
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT at + {ENTRY_SHIFT}, kind, by_agent, new_status FROM entries
             WHERE ticket_id = ?1 ORDER BY at, id"
    ))?;
    let mut rows = stmt.query([ticket])?;
    while let Some(row) = rows.next()? {
        let at = ts(row.get(0)?);
        match row.get::<_, String>(1)?.as_str() {
            "reply" => facts.messages.push((at, row.get(2)?)),
            "event" => {
                if let Some(status) = row.get::<_, Option<String>>(3)? {
                    facts.statuses.push((at, parse_status(&status)));
                }
            }
            _ => {}
        }
    }
    let policy = rules::policy(Dept::from_queue_id(queue), parse_priority(&priority));
    write_sla(tx, ticket, &engine::compute(&policy, &facts))
}

/// The columns [`summary_from_row`] reads, in order.
pub const SUMMARY_SELECT: &str = "
    SELECT t.id, t.subject, t.status, t.priority, t.queue_id, q.name, t.owner_id, a.name,
           r.name, r.email, r.role, r.organisation, t.channel, t.created, t.updated,
           t.first_response_at, t.sla_policy, t.sla_calendar,
           t.fr_due, t.fr_stage, t.fr_at, t.nr_due, t.nr_stage, t.nr_at,
           t.res_due, t.res_stage, t.res_at, t.tags, t.version, r.phone,
           (SELECT group_concat(f.name || char(31) || f.value, char(30))
              FROM fields f WHERE f.ticket_id = t.id)
    FROM tickets t
    JOIN queues q ON q.id = t.queue_id
    JOIN requesters r ON r.id = t.requester_id
    LEFT JOIN agents a ON a.id = t.owner_id";

/// One stored clock, read back from its three columns starting at `first`.
fn clock_from(
    row: &Row<'_>,
    first: usize,
    kind: ClockKind,
    policy: &Policy,
    calendar: &Option<Arc<Calendar>>,
) -> rusqlite::Result<Option<SlaClock>> {
    let due: Option<i64> = row.get(first)?;
    let stage: Option<String> = row.get(first + 1)?;
    let at: Option<i64> = row.get(first + 2)?;
    let stage = match (stage.as_deref(), at) {
        (Some("paused"), Some(at)) => Stage::Paused { since: ts(at) },
        (Some("met"), Some(at)) => Stage::Met { at: ts(at) },
        (Some("active"), _) => Stage::Active,
        _ => return Ok(None),
    };
    let target = match kind {
        ClockKind::FirstResponse => policy.first_response,
        ClockKind::NextResponse => policy.next_response,
        ClockKind::Resolution => policy.resolution,
    };
    Ok(due.map(|due| SlaClock::new(kind, ts(due), target, stage).counting(calendar.clone())))
}

pub fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<TicketSummary> {
    let id: i64 = row.get(0)?;
    let priority = parse_priority(&row.get::<_, String>(3)?);
    let policy = rules::policy(Dept::from_queue_id(row.get(4)?), priority);
    let owner_id: Option<i64> = row.get(6)?;
    let owner_name: Option<String> = row.get(7)?;
    let organisation: Option<String> = row.get(11)?;
    let calendar = row
        .get::<_, Option<String>>(17)?
        .map(|name| rules::calendar_named(&name));
    let tags: String = row.get(27)?;
    let clocks = [
        clock_from(row, 18, ClockKind::FirstResponse, &policy, &calendar)?,
        clock_from(row, 21, ClockKind::NextResponse, &policy, &calendar)?,
        clock_from(row, 24, ClockKind::Resolution, &policy, &calendar)?,
    ];
    let status_raw: String = row.get(2)?;
    let kind = parse_status(&status_raw);
    // The resolution clock is worked out from the history's status changes:
    // a finished ticket's is met when it was resolved.
    let resolved_at = match clocks[2].as_ref().map(SlaClock::stage) {
        Some(Stage::Met { at }) if !kind.is_active() => Some(at),
        _ => None,
    };
    Ok(TicketSummary {
        id: TicketId(id.to_string().into()),
        key: SafeText::line(&format!("#{id}")),
        subject: SafeText::line(&row.get::<_, String>(1)?),
        status: Status {
            kind,
            raw: SafeText::line(&status_raw),
        },
        priority: Priority::new(priority),
        queue: QueueRef {
            id: QueueId(row.get::<_, i64>(4)?.to_string().into()),
            name: SafeText::line(&row.get::<_, String>(5)?),
        },
        owner: owner_id.map(|oid| AgentRef {
            id: crate::desk::AgentId(oid.to_string().into()),
            name: SafeText::line(owner_name.as_deref().unwrap_or("")),
        }),
        requester: Requester {
            name: SafeText::line(&row.get::<_, String>(8)?),
            email: SafeText::line(&row.get::<_, String>(9)?),
            role: RequesterRole::parse(&row.get::<_, String>(10)?),
            organisation: organisation.as_deref().map(SafeText::line),
            phone: row
                .get::<_, Option<String>>(29)?
                .as_deref()
                .map(SafeText::line),
        },
        channel: Channel::parse(&row.get::<_, String>(12)?),
        created: ts(row.get(13)?),
        updated: ts(row.get(14)?),
        first_response_at: row.get::<_, Option<i64>>(15)?.map(ts),
        resolved_at,
        sla: SlaClocks {
            clocks: clocks.into_iter().flatten().collect(),
            policy: row
                .get::<_, Option<String>>(16)?
                .as_deref()
                .map(SafeText::line),
            starts: None,
        },
        tags: tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(SafeText::line)
            .collect(),
        worked_minutes: 0,
        fields: row
            .get::<_, Option<String>>(30)?
            .unwrap_or_default()
            .split('\u{1e}')
            .filter_map(|pair| pair.split_once('\u{1f}'))
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (SafeText::line(name), SafeText::line(value)))
            .collect(),
        linked: false,
        version: Version(row.get::<_, i64>(28)?.to_string().into()),
    })
}

pub fn summary(conn: &Connection, id: i64) -> rusqlite::Result<Option<TicketSummary>> {
    conn.prepare_cached(&format!("{SUMMARY_SELECT} WHERE t.id = ?1"))?
        .query_row([id], summary_from_row)
        .optional()
}

fn attachments_of(conn: &Connection, entry: i64) -> rusqlite::Result<Vec<Attachment>> {
    conn.prepare_cached(
        "SELECT id, name, mime, length(bytes) FROM attachments WHERE entry_id = ?1 ORDER BY id",
    )?
    .query_map([entry], |r| {
        Ok(Attachment {
            id: Some(r.get::<_, i64>(0)?.to_string()),
            name: SafeText::line(&r.get::<_, String>(1)?),
            mime: SafeText::line(&r.get::<_, String>(2)?),
            size: r.get::<_, i64>(3)? as u64,
        })
    })?
    .collect()
}

pub fn detail(conn: &Connection, id: i64) -> rusqlite::Result<Option<TicketDetail>> {
    let Some(summary) = summary(conn, id)? else {
        return Ok(None);
    };
    let entries = conn
        .prepare_cached(&format!(
            "SELECT kind, author, by_agent, at + {ENTRY_SHIFT}, body, new_status, id
             FROM entries WHERE ticket_id = ?1 ORDER BY at, id"
        ))?
        .query_map([id], |r| {
            let entry: i64 = r.get(6)?;
            let kind = match r.get::<_, String>(0)?.as_str() {
                "note" => EntryKind::Note,
                "event" => EntryKind::Event,
                _ => EntryKind::Reply,
            };
            Ok(Entry {
                kind,
                author: SafeText::line(&r.get::<_, String>(1)?),
                by_agent: r.get(2)?,
                at: ts(r.get(3)?),
                body: SafeText::block(&r.get::<_, String>(4)?),
                attachments: attachments_of(conn, entry)?,
                status: r.get::<_, Option<String>>(5)?.as_deref().map(parse_status),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let custom_fields = conn
        .prepare_cached("SELECT name, value FROM fields WHERE ticket_id = ?1 ORDER BY name")?
        .query_map([id], |r| {
            Ok((
                SafeText::line(&r.get::<_, String>(0)?),
                SafeText::line(&r.get::<_, String>(1)?),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(TicketDetail {
        summary,
        entries,
        custom_fields,
    }))
}
