//! RT records into the model: statuses and priorities, SLA from Due, the
//! conversation from history and attachments, the channel from headers.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::record::{self, UserRef};
use crate::desk::{
    AgentId, AgentRef, Attachment, Channel, Entry, EntryKind, Priority, PriorityLevel, QueueId,
    QueueRef, Requester, RequesterRole, Status, StatusKind, TicketId, TicketSummary, Version,
};
use crate::sla::{ClockKind, SlaClock, SlaClocks, Stage};
use crate::text::{SafeText, html};

/// The fields a ticket list asks RT for.
pub const LIST_FIELDS: &str = "Subject,Status,Owner,Priority,Due,Queue,Requestor,Created,LastUpdated,Starts,SLA,Told,Resolved,Creator,TimeWorked";

/// And the fields of the records nested in them.
pub const NESTED_FIELDS: &[(&str, &str)] = &[
    ("fields[Owner]", "Name,RealName,EmailAddress"),
    ("fields[Requestor]", "Name,RealName,EmailAddress"),
    ("fields[Queue]", "Name"),
];

pub fn status(raw: &str) -> Status {
    let kind = match raw {
        "new" => StatusKind::New,
        "stalled" => StatusKind::Pending,
        "resolved" => StatusKind::Resolved,
        "rejected" | "deleted" => StatusKind::Closed,
        // "open", and the active statuses of custom lifecycles.
        _ => StatusKind::Open,
    };
    Status {
        kind,
        raw: SafeText::line(raw),
    }
}

/// The status RT is sent for ours; RT has no "closed" beyond resolved.
pub fn rt_status(kind: StatusKind) -> &'static str {
    match kind {
        StatusKind::New => "new",
        StatusKind::Open => "open",
        StatusKind::Pending => "stalled",
        StatusKind::Resolved | StatusKind::Closed => "resolved",
    }
}

/// RT priorities are numbers (by default Low 0, Medium 50, High 100).
pub fn priority(number: i64) -> Priority {
    let level = match number {
        ..=32 => PriorityLevel::Low,
        33..=65 => PriorityLevel::Normal,
        66..=89 => PriorityLevel::High,
        _ => PriorityLevel::Urgent,
    };
    Priority {
        level,
        raw: SafeText::line(&number.to_string()),
    }
}

pub fn rt_priority(level: PriorityLevel) -> i64 {
    match level {
        PriorityLevel::Low => 0,
        PriorityLevel::Normal => 50,
        PriorityLevel::High => 75,
        PriorityLevel::Urgent => 100,
    }
}

/// How the summary's fields are read for this desk.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// Email domain → role, e.g. "students.pvusd.org" → student.
    pub roles: Vec<(String, RequesterRole)>,
    /// A ticket custom field naming the channel.
    pub channel_field: Option<String>,
    /// Channels learnt from tickets' first messages.
    pub channels: HashMap<TicketId, Channel>,
}

impl Reading {
    fn role_for(&self, email: &str) -> RequesterRole {
        crate::desk::role_by_domain(&self.roles, email)
    }
}

fn custom_field<'a>(ticket: &'a Value, name: &str) -> Option<&'a str> {
    ticket
        .get("CustomFields")?
        .as_array()?
        .iter()
        .find(|cf| cf.get("name").and_then(Value::as_str) == Some(name))?
        .get("values")?
        .as_array()?
        .first()?
        .as_str()
}

/// Every custom field with a value, when the answer carries them.
fn custom_fields(ticket: &Value) -> Vec<(SafeText, SafeText)> {
    let Some(fields) = ticket.get("CustomFields").and_then(Value::as_array) else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|cf| {
            let name = cf.get("name")?.as_str()?;
            let values: Vec<&str> = cf
                .get("values")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .filter(|v| !v.is_empty())
                .collect();
            (!values.is_empty()).then(|| (SafeText::line(name), SafeText::line(&values.join(", "))))
        })
        .collect()
}

/// A ticket from a list answer (fields as in [`LIST_FIELDS`]).
pub fn summary(ticket: &Value, reading: &Reading) -> Option<TicketSummary> {
    let id = record::id(ticket)?;
    let status = status(&record::text(ticket, "Status").unwrap_or_default());
    let priority = priority(record::number(ticket, "Priority").unwrap_or(0));
    let created = record::date(ticket, "Created").unwrap_or(Timestamp::UNIX_EPOCH);
    let updated = record::date(ticket, "LastUpdated").unwrap_or(created);
    let owner = record::user(ticket, "Owner").filter(|u| u.name != "Nobody");
    let requester = ticket
        .get("Requestor")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(UserRef::from)
        .unwrap_or_default();
    let email = requester
        .email
        .clone()
        .unwrap_or_else(|| requester.name.clone());
    let queue = ticket.get("Queue");
    let queue_id = queue.and_then(record::id).unwrap_or_default();
    let ticket_id = TicketId(id.clone().into());
    let channel = reading
        .channel_field
        .as_deref()
        .and_then(|name| custom_field(ticket, name))
        .map(Channel::parse)
        .or_else(|| reading.channels.get(&ticket_id).copied())
        .unwrap_or(Channel::Unknown);
    let told = record::date(ticket, "Told");
    let requestors: Vec<&str> = ticket
        .get("Requestor")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(|u| u.get("id")?.as_str()).collect())
        .unwrap_or_default();
    let logged = record::user(ticket, "Creator")
        .is_some_and(|creator| logged_by_agent(&creator, &requestors));
    // RT sets Resolved when a ticket becomes inactive and keeps it when the
    // ticket is reopened, so it counts only while the ticket is finished.
    let resolved_at = record::date(ticket, "Resolved").filter(|_| !status.kind.is_active());
    Some(TicketSummary {
        key: SafeText::line(&format!("#{id}")),
        id: ticket_id,
        subject: SafeText::line(&record::text(ticket, "Subject").unwrap_or_default()),
        sla: sla(ticket, &status, created, updated, told, logged),
        status,
        priority,
        queue: QueueRef {
            name: SafeText::line(
                &queue
                    .and_then(|q| record::text(q, "Name"))
                    .unwrap_or_else(|| queue_id.clone()),
            ),
            id: QueueId(queue_id.into()),
        },
        owner: owner.map(|o| AgentRef {
            name: SafeText::line(o.display()),
            id: AgentId(o.name.into()),
        }),
        requester: Requester {
            name: SafeText::line(requester.display()),
            role: reading.role_for(&email),
            email: SafeText::line(&email),
            organisation: None,
            // RT shows a user's phones only to those who may administer users.
            phone: None,
        },
        channel,
        created,
        updated,
        first_response_at: told,
        resolved_at,
        tags: Vec::new(),
        worked_minutes: record::number(ticket, "TimeWorked")
            .map_or(0, |m| m.clamp(0, i64::from(u32::MAX)) as u32),
        linked: false,
        fields: custom_fields(ticket),
        // LastUpdated is what a list and a record both carry; writes turn it
        // into the ETag check.
        version: Version(
            record::text(ticket, "LastUpdated")
                .unwrap_or_default()
                .into(),
        ),
    })
}

/// RT's Due when the queue has an SLA; nothing otherwise.
fn sla(
    ticket: &Value,
    status: &Status,
    created: Timestamp,
    updated: Timestamp,
    told: Option<Timestamp>,
    logged: bool,
) -> SlaClocks {
    let resolved = record::date(ticket, "Resolved");
    let level = record::text(ticket, "SLA");
    let due = record::date(ticket, "Due");
    if let (Some(level), Some(due)) = (&level, due) {
        // RT's Due is the response deadline until staff reply, then
        // resolution; a ticket an agent logged has had an act from inside,
        // so its Due is the resolution (the engine times the first reply).
        let kind = if told.is_none() && !logged {
            ClockKind::FirstResponse
        } else {
            ClockKind::Resolution
        };
        let stage = match status.kind {
            StatusKind::Resolved | StatusKind::Closed => Stage::Met {
                at: resolved.unwrap_or(updated),
            },
            StatusKind::Pending => Stage::Paused { since: updated },
            _ => Stage::Active,
        };
        let starts = record::date(ticket, "Starts").unwrap_or(created);
        // RT's levels are whole minutes; it may set Due a second after Starts.
        let allowed = starts.duration_until(due).as_secs();
        let target = SignedDuration::from_mins((allowed + 30).div_euclid(60));
        return SlaClocks {
            clocks: vec![SlaClock::new(
                kind,
                due,
                Some(target).filter(|d| d.is_positive()),
                stage,
            )],
            policy: Some(SafeText::line(&format!("RT SLA {level}"))),
            starts: Some(starts),
        };
    }
    // No SLA on RT: the console's engine applies the local policy.
    SlaClocks::default()
}

/// Whether an agent logged the ticket for its requester (a phone call, a
/// walk-in): created by someone who is not a requester, nor by RT itself.
pub fn logged_by_agent(creator: &UserRef, requestors: &[&str]) -> bool {
    creator.name != "RT_System"
        && !requestors.iter().any(|r| {
            r.eq_ignore_ascii_case(&creator.name)
                || creator
                    .email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(r))
        })
}

/// Sharpen a summary with what only the whole conversation tells: when an
/// agent first answered, and which deadline RT's Due is now (RT moves it from
/// response to resolution and back as people write). `logged`: an agent
/// created the ticket, so RT counts no request waiting until the requester
/// writes.
pub fn refine_sla(summary: &mut TicketSummary, entries: &[Entry], logged: bool) {
    let first_reply = entries
        .iter()
        .find(|e| e.kind == EntryKind::Reply && e.by_agent)
        .map(|e| e.at);
    summary.first_response_at = first_reply;
    let last_public = entries.iter().rev().find(|e| e.kind == EntryKind::Reply);
    let requester_wrote = entries
        .iter()
        .skip(1)
        .any(|e| e.kind == EntryKind::Reply && !e.by_agent);
    if let Some(clock) = summary.sla.clocks.first_mut()
        && clock.stage() == Stage::Active
    {
        clock.kind = match (first_reply, last_public) {
            (None, _) if logged && !requester_wrote => ClockKind::Resolution,
            (None, _) => ClockKind::FirstResponse,
            (Some(_), Some(e)) if !e.by_agent => ClockKind::NextResponse,
            _ => ClockKind::Resolution,
        };
    }
}

/// Channel from the headers of a ticket's first message.
pub fn channel_from_headers(headers: &str) -> Channel {
    let lower = headers.to_lowercase();
    let interface = lower
        .lines()
        .find_map(|l| l.strip_prefix("x-rt-interface:"))
        .map(str::trim);
    match interface {
        Some("email") => Channel::Email,
        Some("web" | "mobile" | "rest" | "rest2" | "selfservice") => Channel::Web,
        _ if lower.lines().any(|l| l.starts_with("received:")) => Channel::Email,
        _ => Channel::Unknown,
    }
}

/// The attachment fields a ticket's parts are listed with: no `Content`,
/// which RT would fill with every file's bytes.
pub const PART_FIELDS: &str = "TransactionId,ContentType,Headers,Filename,ContentLength";

/// A message part of a transaction.
#[derive(Clone, Debug)]
pub struct Part {
    pub id: String,
    pub transaction: String,
    pub content_type: String,
    /// Read only for the part a transaction shows as its text.
    pub content: String,
    /// What stands in for the content when it was not read.
    pub withheld: Option<String>,
    pub headers: String,
    pub filename: Option<String>,
    /// RT's ContentLength, in bytes.
    pub size: Option<u64>,
}

impl Part {
    /// A part from a listing with [`PART_FIELDS`] (`Content` too, when asked).
    pub fn from(value: &Value) -> Option<Self> {
        Some(Self {
            id: record::id(value).unwrap_or_default(),
            transaction: record::text(value, "TransactionId")?,
            content_type: record::text(value, "ContentType")
                .unwrap_or_default()
                .to_lowercase(),
            content: record::text(value, "Content").unwrap_or_default(),
            withheld: None,
            headers: record::text(value, "Headers").unwrap_or_default(),
            filename: record::text(value, "Filename"),
            size: record::number(value, "ContentLength").map(|n| n.max(0) as u64),
        })
    }

    fn inline(&self, content_type: &str) -> bool {
        self.filename.is_none() && self.content_type == content_type && self.size != Some(0)
    }
}

/// Where the part a transaction shows as its text is: its plain text, else
/// its HTML.
fn text_index<'a>(parts: impl Iterator<Item = &'a Part> + Clone) -> Option<usize> {
    let first = |kind: &str| parts.clone().position(|p| p.inline(kind));
    first("text/plain").or_else(|| first("text/html"))
}

/// The transactions in a history that are messages the conversation shows
/// (not, say, the copies of outgoing mail RT records).
pub fn message_transactions(history: &[Value]) -> Vec<String> {
    history
        .iter()
        // The types `entries` reads a body for.
        .filter(|txn| {
            matches!(
                record::text(txn, "Type").as_deref(),
                Some("Create" | "Correspond" | "Comment")
            )
        })
        .filter_map(record::id)
        .collect()
}

/// Which parts to read the content of: one text for each of `messages`
/// (transaction ids), never a file; in the order listed.
pub fn text_parts(parts: &[Part], messages: &[String]) -> Vec<usize> {
    let mut by_transaction: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, part) in parts.iter().enumerate() {
        if messages.contains(&part.transaction) {
            by_transaction.entry(&part.transaction).or_default().push(i);
        }
    }
    let mut chosen: Vec<usize> = by_transaction
        .values()
        .filter_map(|indices| text_index(indices.iter().map(|&i| &parts[i])).map(|at| indices[at]))
        .collect();
    chosen.sort_unstable();
    chosen
}

/// The readable text of a transaction's parts: plain text first, else HTML
/// converted, a huge one cut with a note; files become attachment entries.
fn body_of(parts: &[&Part]) -> (String, Vec<Attachment>) {
    let body = match text_index(parts.iter().copied()).map(|i| parts[i]) {
        Some(Part {
            withheld: Some(note),
            ..
        }) => note.clone(),
        Some(p) => {
            let (shown, note) = crate::desk::cut_message(&p.content);
            let text = if p.content_type == "text/html" {
                html::to_text(shown)
            } else {
                shown.to_string()
            };
            match note {
                Some(note) => format!("{}\n\n{note}", text.trim_end()),
                None => text,
            }
        }
        None => String::new(),
    };
    let files = parts
        .iter()
        .filter_map(|p| {
            Some(Attachment {
                name: SafeText::line(p.filename.as_deref()?),
                size: p.size.unwrap_or(0),
                mime: SafeText::line(&p.content_type),
                id: Some(p.id.clone()).filter(|id| !id.is_empty()),
            })
        })
        .collect();
    (body.trim_end().to_string(), files)
}

/// Names for the user and queue ids some history entries carry.
pub trait Names {
    fn user(&self, id: &str) -> String;
    fn queue(&self, id: &str) -> String;
}

/// The conversation from a ticket's history and its attachments.
pub fn entries(
    history: &[Value],
    parts: &[Part],
    requestors: &[String],
    names: &dyn Names,
) -> Vec<Entry> {
    let mut by_transaction: HashMap<&str, Vec<&Part>> = HashMap::new();
    for part in parts {
        by_transaction
            .entry(&part.transaction)
            .or_default()
            .push(part);
    }
    let mut entries = Vec::new();
    for txn in history {
        let Some(id) = record::id(txn) else { continue };
        let kind = record::text(txn, "Type").unwrap_or_default();
        let field = record::text(txn, "Field").unwrap_or_default();
        let creator = record::user(txn, "Creator").unwrap_or_default();
        let at = record::date(txn, "Created").unwrap_or(Timestamp::UNIX_EPOCH);
        let old = record::text(txn, "OldValue").unwrap_or_default();
        let new = record::text(txn, "NewValue").unwrap_or_default();
        let opening = kind == "Create";
        let by_requestor = requestors
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&creator.name) || Some(r) == creator.email.as_ref());
        // The opening message is the requester's request, whoever typed it.
        let logged = opening && !by_requestor && creator.name != "RT_System";
        let (entry_kind, body, attachments) = match (kind.as_str(), field.as_str()) {
            ("Create" | "Correspond" | "Comment", _) => {
                let parts = by_transaction
                    .get(id.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let (body, files) = body_of(parts);
                let kind = if kind == "Comment" {
                    EntryKind::Note
                } else {
                    EntryKind::Reply
                };
                (kind, body, files)
            }
            ("Status", _) => (
                EntryKind::Event,
                format!("Status {old} → {new}"),
                Vec::new(),
            ),
            ("Set", "Owner") | ("Take" | "Untake" | "Give" | "Steal", _) => {
                let text = if new.is_empty() || names.user(&new) == "Nobody" {
                    "Unassigned".to_string()
                } else {
                    format!("Assigned to {}", names.user(&new))
                };
                (EntryKind::Event, text, Vec::new())
            }
            ("Set", "Priority") => (
                EntryKind::Event,
                format!("Priority {old} → {new}"),
                Vec::new(),
            ),
            ("Set", "Queue") => (
                EntryKind::Event,
                format!("Moved from {} to {}", names.queue(&old), names.queue(&new)),
                Vec::new(),
            ),
            ("Set", "Subject") => (
                EntryKind::Event,
                format!("Subject changed to {new}"),
                Vec::new(),
            ),
            // Due, Starts, Told, watchers, email records: bookkeeping.
            _ => continue,
        };
        let author = match requestors.first() {
            Some(requestor) if logged => {
                format!("{requestor} (logged by {})", creator.display())
            }
            _ => creator.display().to_string(),
        };
        entries.push(Entry {
            kind: entry_kind,
            author: SafeText::line(&author),
            by_agent: !(by_requestor || opening),
            at,
            body: SafeText::block(&body),
            attachments,
            status: (kind == "Status").then(|| status(&new).kind),
        });
    }
    entries
}

/// A file as REST2 takes it with a correspond or comment: its bytes in base64.
pub fn rt_attachment(file: &crate::desk::Upload) -> Value {
    use base64::Engine;
    json!({
        "FileName": file.name,
        "FileType": file.mime,
        "FileContent": base64::engine::general_purpose::STANDARD.encode(&file.bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct NoNames;
    impl Names for NoNames {
        fn user(&self, id: &str) -> String {
            match id {
                "35" => "Alice Rivera".into(),
                "6" => "Nobody".into(),
                other => other.into(),
            }
        }
        fn queue(&self, id: &str) -> String {
            format!("queue {id}")
        }
    }

    fn ticket() -> Value {
        json!({
            "id": "4", "Subject": "Wi-Fi down", "Status": "open", "Priority": "90",
            "Created": "2026-11-28T16:00:00Z", "LastUpdated": "2026-11-28T16:05:41Z",
            "Due": "2026-11-28T20:00:00Z", "Starts": "2026-11-28T16:00:00Z", "SLA": "4h",
            "Told": "1970-01-01T00:00:00Z", "Resolved": "1970-01-01T00:00:00Z",
            "Owner": {"id": "alice", "Name": "alice", "RealName": "Alice Rivera"},
            "Queue": {"id": "3", "Name": "IT"},
            "Requestor": [{"id": "kid@students.pvusd.org", "Name": "kid@students.pvusd.org",
                           "RealName": "", "EmailAddress": "kid@students.pvusd.org"}],
            "CustomFields": [{"name": "Channel", "values": ["sms"]}]
        })
    }

    /// RT may set Due a second after Starts (measured on the live RT): the
    /// level is still four hours.
    #[test]
    fn a_due_a_second_late_is_still_the_level() {
        let mut late = ticket();
        late["Due"] = json!("2026-11-28T20:00:01Z");
        let t = summary(&late, &Reading::default()).expect("summary");
        assert_eq!(
            t.sla.clocks[0].target(),
            Some(SignedDuration::from_hours(4))
        );
    }

    #[test]
    fn a_list_item_becomes_a_summary() {
        let reading = Reading {
            roles: vec![("students.pvusd.org".into(), RequesterRole::Student)],
            channel_field: Some("Channel".into()),
            ..Reading::default()
        };
        let t = summary(&ticket(), &reading).expect("summary");
        assert_eq!(t.id.0, "4");
        assert_eq!(t.priority.level, PriorityLevel::Urgent);
        assert_eq!(
            t.owner.as_ref().map(|o| o.name.as_str()),
            Some("Alice Rivera")
        );
        assert_eq!(t.queue.name.as_str(), "IT");
        assert_eq!(t.requester.role, RequesterRole::Student);
        assert_eq!(t.requester.name.as_str(), "kid@students.pvusd.org");
        assert_eq!(t.channel, Channel::Sms);
        let clock = &t.sla.clocks[0];
        assert_eq!(clock.kind, ClockKind::FirstResponse, "no staff reply yet");
        assert_eq!(clock.target(), Some(jiff::SignedDuration::from_hours(4)));
        assert_eq!(t.sla.policy.as_ref().map(|p| p.as_str()), Some("RT SLA 4h"));
    }

    #[test]
    fn resolved_is_when_a_finished_ticket_was_resolved() {
        let mut resolved = ticket();
        resolved["Status"] = json!("resolved");
        resolved["Told"] = json!("2026-11-28T16:01:00Z");
        resolved["Resolved"] = json!("2026-11-28T16:03:20Z");
        resolved["LastUpdated"] = json!("2026-11-28T16:03:20Z");
        let t = summary(&resolved, &Reading::default()).expect("summary");
        assert_eq!(
            t.resolved_at,
            Some("2026-11-28T16:03:20Z".parse().expect("at"))
        );
        assert!(t.updated >= t.resolved_at.expect("resolved"));
        // Rejected is finished too.
        resolved["Status"] = json!("rejected");
        let t = summary(&resolved, &Reading::default()).expect("summary");
        assert_eq!(t.status.kind, StatusKind::Closed);
        assert!(t.resolved_at.is_some());
        // Reopened, RT keeps the old Resolved: it no longer counts.
        resolved["Status"] = json!("open");
        let t = summary(&resolved, &Reading::default()).expect("summary");
        assert_eq!(t.resolved_at, None);
        // Never resolved: RT's unset date.
        assert_eq!(
            summary(&ticket(), &Reading::default())
                .expect("summary")
                .resolved_at,
            None
        );
    }

    #[test]
    fn without_an_rt_sla_the_desk_sends_no_clocks() {
        // The console's SLA engine fills them from its own policies.
        let mut t = ticket();
        t["SLA"] = json!("");
        t["Due"] = json!("1970-01-01T00:00:00Z");
        t["Status"] = json!("stalled");
        let s = summary(&t, &Reading::default()).expect("summary");
        assert_eq!(s.status.kind, StatusKind::Pending);
        assert!(s.sla.clocks.is_empty());
        assert_eq!(s.sla.policy, None);
    }

    #[test]
    fn statuses_and_priorities_round_trip() {
        for kind in [
            StatusKind::New,
            StatusKind::Open,
            StatusKind::Pending,
            StatusKind::Resolved,
        ] {
            assert_eq!(status(rt_status(kind)).kind, kind);
        }
        for level in PriorityLevel::ALL {
            assert_eq!(priority(rt_priority(level)).level, level);
        }
    }

    #[test]
    fn history_becomes_a_conversation() {
        let history = vec![
            json!({"id": "87", "Type": "Create", "Created": "2026-11-28T16:00:00Z",
                   "Creator": {"Name": "kid@students.pvusd.org", "RealName": ""}}),
            json!({"id": "89", "Type": "Set", "Field": "Due", "Creator": {"Name": "RT_System"}}),
            json!({"id": "92", "Type": "Set", "Field": "Owner", "OldValue": "6", "NewValue": "35",
                   "Created": "2026-11-28T16:01:00Z", "Creator": {"Name": "alice", "RealName": "Alice Rivera"}}),
            json!({"id": "94", "Type": "Correspond", "Created": "2026-11-28T16:02:00Z",
                   "Creator": {"Name": "alice", "RealName": "Alice Rivera"}}),
            json!({"id": "95", "Type": "Comment", "Created": "2026-11-28T16:03:00Z",
                   "Creator": {"Name": "alice", "RealName": "Alice Rivera"}}),
            json!({"id": "96", "Type": "Status", "OldValue": "new", "NewValue": "open",
                   "Created": "2026-11-28T16:04:00Z", "Creator": {"Name": "RT_System"}}),
        ];
        let part = |txn: &str, kind: &str, content: &str, file: Option<&str>| Part {
            id: format!("{txn}-{kind}"),
            transaction: txn.into(),
            content_type: kind.into(),
            content: content.into(),
            withheld: None,
            headers: String::new(),
            filename: file.map(str::to_string),
            size: Some(10),
        };
        let parts = vec![
            part("87", "text/plain", "It is down.", None),
            part("94", "text/html", "<p>On it &amp; soon</p>", None),
            part("95", "text/plain", "internal", None),
            part("95", "image/png", "", Some("photo.png")),
        ];
        let requestors = vec!["kid@students.pvusd.org".to_string()];
        let entries = entries(&history, &parts, &requestors, &NoNames);
        let kinds: Vec<_> = entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EntryKind::Reply,
                EntryKind::Event,
                EntryKind::Reply,
                EntryKind::Note,
                EntryKind::Event
            ]
        );
        assert!(!entries[0].by_agent);
        assert_eq!(entries[1].body.as_str(), "Assigned to Alice Rivera");
        assert_eq!(entries[2].body.as_str(), "On it & soon");
        assert!(entries[2].by_agent);
        assert_eq!(entries[3].attachments[0].name.as_str(), "photo.png");
        assert_eq!(entries[4].body.as_str(), "Status new → open");
    }

    /// A phone call an agent logs: the opening message is the caller's
    /// request, unanswered until the agent's next public reply, and RT's
    /// Due (its resolve deadline then) is not the first response.
    #[test]
    fn an_agent_logged_ticket_is_the_requesters_request() {
        let alice = json!({"id": "alice", "Name": "alice", "RealName": "Alice Rivera"});
        let history = vec![
            json!({"id": "87", "Type": "Create", "Created": "2026-11-28T16:00:00Z", "Creator": alice}),
            json!({"id": "94", "Type": "Correspond", "Created": "2026-11-28T16:10:00Z", "Creator": alice}),
        ];
        let part = |txn: &str, content: &str| Part {
            id: txn.into(),
            transaction: txn.into(),
            content_type: "text/plain".into(),
            content: content.into(),
            withheld: None,
            headers: String::new(),
            filename: None,
            size: Some(10),
        };
        let parts = vec![
            part("87", "Caller says the laptop will not start."),
            part("94", "Bring it to room 12."),
        ];
        let requestors = vec!["kid@students.pvusd.org".to_string()];
        let all = entries(&history, &parts, &requestors, &NoNames);
        assert!(!all[0].by_agent, "the opening is the requester's");
        assert_eq!(
            all[0].author.as_str(),
            "kid@students.pvusd.org (logged by Alice Rivera)"
        );

        let mut listed = ticket();
        listed["Creator"] = alice.clone();
        listed["Due"] = json!("2026-11-29T16:00:00Z");
        let mut summary = summary(&listed, &Reading::default()).expect("a summary");
        assert_eq!(summary.first_response_at, None);
        assert_eq!(summary.sla.clocks[0].kind, ClockKind::Resolution);

        refine_sla(&mut summary, &all[..1], true);
        assert_eq!(summary.first_response_at, None, "unanswered");
        assert_eq!(summary.sla.clocks[0].kind, ClockKind::Resolution);
        refine_sla(&mut summary, &all, true);
        assert_eq!(
            summary.first_response_at,
            Some("2026-11-28T16:10:00Z".parse().expect("a time"))
        );
    }

    #[test]
    fn only_the_text_of_each_message_is_read_never_a_file() {
        let history = vec![
            json!({"id": "264", "Type": "Create"}),
            json!({"id": "265", "Type": "EmailRecord"}),
            json!({"id": "266", "Type": "Correspond"}),
            json!({"id": "268", "Type": "Comment"}),
        ];
        let messages = message_transactions(&history);
        assert_eq!(messages, ["264", "266", "268"]);
        let part = |id: &str, txn: &str, kind: &str, file: Option<&str>, size: u64| Part {
            id: id.into(),
            transaction: txn.into(),
            content_type: kind.into(),
            content: String::new(),
            withheld: None,
            headers: String::new(),
            filename: file.map(str::to_string),
            size: Some(size),
        };
        let parts = vec![
            part("110", "264", "text/plain", None, 32),
            part("111", "265", "text/plain", None, 574),
            part("114", "266", "multipart/mixed", None, 0),
            part("115", "266", "text/plain", None, 37),
            part(
                "116",
                "266",
                "application/pdf",
                Some("scan.pdf"),
                15_000_000,
            ),
            part("117", "266", "text/plain", Some("notes.txt"), 900),
            part("119", "268", "text/plain", None, 0),
            part("120", "268", "text/html", None, 80),
        ];
        let read: Vec<&str> = text_parts(&parts, &messages)
            .into_iter()
            .map(|i| parts[i].id.as_str())
            .collect();
        // An empty plain text gives way to the HTML.
        assert_eq!(read, ["110", "115", "120"]);
    }

    #[test]
    fn channels_from_headers() {
        assert_eq!(
            channel_from_headers("X-RT-Interface: Email\nFrom: a@b"),
            Channel::Email
        );
        assert_eq!(channel_from_headers("X-RT-Interface: Web"), Channel::Web);
        assert_eq!(
            channel_from_headers("Received: from mx\nFrom: a@b"),
            Channel::Email
        );
        assert_eq!(
            channel_from_headers("X-RT-Interface: API"),
            Channel::Unknown
        );
    }
}
