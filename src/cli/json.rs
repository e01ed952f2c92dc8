//! The JSON the commands print: the domain model's field names, values as
//! the console names them ("open", "urgent", "parent"), instants in RFC 3339
//! UTC. Documented in the README; fields are added, never renamed.

use jiff::Timestamp;
use serde::Serialize;

use crate::desk::{Agent, Change, Entry, EntryKind, Queue, TicketDetail, TicketSummary};
use crate::sla::{ClockKind, Level, Reading, SlaClock, Stage, Thresholds};

#[derive(Serialize)]
pub struct Ticket {
    pub id: String,
    pub key: String,
    pub subject: String,
    pub status: Named,
    pub priority: Named,
    pub queue: Ref,
    pub owner: Option<Ref>,
    pub requester: Requester,
    pub channel: &'static str,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub first_response_at: Option<Timestamp>,
    pub sla: Vec<Clock>,
    pub tags: Vec<String>,
    pub version: String,
}

/// A value as deskterm understands it, and as the desk calls it.
#[derive(Serialize)]
pub struct Named {
    pub kind: &'static str,
    pub raw: String,
}

#[derive(Serialize)]
pub struct Ref {
    pub id: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct Requester {
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub organisation: Option<String>,
    pub phone: Option<String>,
}

#[derive(Serialize)]
pub struct Clock {
    pub kind: &'static str,
    pub due: Timestamp,
    /// running, paused, met or breached.
    pub stage: &'static str,
    /// When a met clock was met.
    pub met_at: Option<Timestamp>,
    /// Minutes left now (negative once breached); absent once met.
    pub left_minutes: Option<i64>,
    /// met, paused, ok, warning, alert or breached, with the configured
    /// thresholds (warning and alert count as at risk).
    pub level: &'static str,
}

#[derive(Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub entries: Vec<EntryJson>,
    pub custom_fields: Vec<(String, String)>,
}

#[derive(Serialize)]
pub struct EntryJson {
    pub kind: &'static str,
    pub author: String,
    pub by_agent: bool,
    pub at: Timestamp,
    pub body: String,
    pub status: Option<&'static str>,
    pub attachments: Vec<String>,
}

#[derive(Serialize)]
pub struct AgentJson {
    pub id: String,
    pub name: String,
    pub email: String,
    pub queues: Vec<String>,
}

#[derive(Serialize)]
pub struct QueueJson {
    pub id: String,
    pub name: String,
    pub description: String,
}

/// What a write would send (`--dry-run`) or sent.
#[derive(Serialize)]
pub struct Write {
    pub ticket: String,
    pub based_on: String,
    pub action: &'static str,
    /// The agent, status, priority or queue it sets; the text it sends.
    pub value: String,
    /// The agent's or queue's name, when `value` is its id.
    pub name: Option<String>,
    /// For a reply or note: the status set with it.
    pub then: Option<&'static str>,
}

pub fn ticket(t: &TicketSummary, now: Timestamp, thresholds: &Thresholds) -> Ticket {
    Ticket {
        id: t.id.0.to_string(),
        key: t.key.to_string(),
        subject: t.subject.to_string(),
        status: Named {
            kind: t.status.kind.name(),
            raw: t.status.raw.to_string(),
        },
        priority: Named {
            kind: t.priority.level.name(),
            raw: t.priority.raw.to_string(),
        },
        queue: Ref {
            id: t.queue.id.0.to_string(),
            name: t.queue.name.to_string(),
        },
        owner: t.owner.as_ref().map(|o| Ref {
            id: o.id.0.to_string(),
            name: o.name.to_string(),
        }),
        requester: Requester {
            name: t.requester.name.to_string(),
            email: t.requester.email.to_string(),
            role: t.requester.role.name(),
            organisation: t.requester.organisation.as_ref().map(ToString::to_string),
            phone: t.requester.phone.as_ref().map(ToString::to_string),
        },
        channel: t.channel.name(),
        created: t.created,
        updated: t.updated,
        first_response_at: t.first_response_at,
        sla: t
            .sla
            .clocks
            .iter()
            .map(|c| clock(c, now, thresholds))
            .collect(),
        tags: t.tags.iter().map(ToString::to_string).collect(),
        version: t.version.0.to_string(),
    }
}

fn clock(c: &SlaClock, now: Timestamp, thresholds: &Thresholds) -> Clock {
    let (stage, left_minutes) = match c.reading(now) {
        Reading::Running { left } => ("running", Some(left.as_mins())),
        Reading::Paused { left } => ("paused", Some(left.as_mins())),
        Reading::Breached { over } => ("breached", Some(-over.as_mins())),
        Reading::Met { .. } => ("met", None),
    };
    Clock {
        kind: match c.kind {
            ClockKind::FirstResponse => "first_response",
            ClockKind::NextResponse => "next_response",
            ClockKind::Resolution => "resolution",
        },
        due: c.due(),
        stage,
        met_at: match c.stage() {
            Stage::Met { at } => Some(at),
            _ => None,
        },
        left_minutes,
        level: match c.level(now, thresholds) {
            Level::Met => "met",
            Level::Paused => "paused",
            Level::Ok => "ok",
            Level::Warn => "warning",
            Level::Alert => "alert",
            Level::Breached => "breached",
        },
    }
}

pub fn detail(d: &TicketDetail, now: Timestamp, thresholds: &Thresholds) -> Detail {
    Detail {
        ticket: ticket(&d.summary, now, thresholds),
        entries: d.entries.iter().map(entry).collect(),
        custom_fields: d
            .custom_fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn entry(e: &Entry) -> EntryJson {
    EntryJson {
        kind: match e.kind {
            EntryKind::Reply => "reply",
            EntryKind::Note => "note",
            EntryKind::Event => "event",
        },
        author: e.author.to_string(),
        by_agent: e.by_agent,
        at: e.at,
        body: e.body.to_string(),
        status: e.status.map(|s| s.name()),
        attachments: e.attachments.iter().map(|a| a.name.to_string()).collect(),
    }
}

pub fn agent(a: &Agent) -> AgentJson {
    AgentJson {
        id: a.id.0.to_string(),
        name: a.name.to_string(),
        email: a.email.to_string(),
        queues: a.queues.iter().map(|q| q.0.to_string()).collect(),
    }
}

pub fn queue(q: &Queue) -> QueueJson {
    QueueJson {
        id: q.id.0.to_string(),
        name: q.name.to_string(),
        description: q.description.to_string(),
    }
}

/// The action's name and the value it carries.
pub fn change(change: &Change) -> (&'static str, String, Option<&'static str>) {
    use crate::desk::Assignee;
    match change {
        Change::Reply { body, then, .. } => ("reply", body.clone(), then.map(|s| s.name())),
        Change::Note { body, then, .. } => ("note", body.clone(), then.map(|s| s.name())),
        Change::Assign(Assignee::Me) => ("assign", "me".into(), None),
        Change::Assign(Assignee::Nobody) => ("assign", "nobody".into(), None),
        Change::Assign(Assignee::Agent(id)) => ("assign", id.0.to_string(), None),
        Change::SetStatus(s) => ("status", s.name().into(), None),
        Change::SetPriority(p) => ("priority", p.name().into(), None),
        Change::MoveTo(q) => ("move", q.0.to_string(), None),
        Change::LogTime(minutes) => ("time", minutes.to_string(), None),
        Change::AddCc(email) => ("cc", email.clone(), None),
        Change::RemoveCc(email) => ("uncc", email.clone(), None),
        Change::MergeInto(target) => ("merge", target.0.to_string(), None),
        Change::Link(kind, to) => ("link", format!("{} {}", kind.name(), to.0), None),
        Change::SetField { name, value } => (
            "field",
            format!("{name} = {}", value.as_deref().unwrap_or("")),
            None,
        ),
        Change::Tag(tag) => ("tag", tag.clone(), None),
        Change::Untag(tag) => ("untag", tag.clone(), None),
        Change::DeskMacro { name, .. } => ("macro", name.clone(), None),
    }
}
