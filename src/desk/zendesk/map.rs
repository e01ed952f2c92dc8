//! Zendesk's ticket JSON into the model: its six statuses, its four
//! priorities, groups as queues, users (read once, then as tickets name
//! new ones) as requesters and agents, comments as the conversation,
//! audits' changes as events, and `slas.policy_metrics` as the clocks.

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::Value;

use crate::desk::{
    AgentId, AgentRef, Attachment, Channel, Entry, EntryKind, Priority, PriorityLevel, QueueId,
    QueueRef, Requester, RequesterRole, Status, StatusKind, TicketId, TicketSummary, Version,
};
use crate::sla::{ClockKind, SlaClock, SlaClocks, Stage};
use crate::text::SafeText;

/// A person as Zendesk lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub email: String,
    /// "end-user", "agent" or "admin".
    pub role: String,
    pub phone: Option<String>,
}

impl User {
    pub fn from_json(user: &Value) -> Option<(u64, User)> {
        Some((
            user["id"].as_u64()?,
            User {
                name: user["name"].as_str().unwrap_or_default().to_string(),
                email: user["email"].as_str().unwrap_or_default().to_string(),
                role: user["role"].as_str().unwrap_or("end-user").to_string(),
                phone: user["phone"]
                    .as_str()
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            },
        ))
    }

    pub fn is_agent(&self) -> bool {
        matches!(self.role.as_str(), "agent" | "admin")
    }
}

/// A custom ticket field: its id, title and, for a list, its options
/// (the name people see, the value, a tag, the API takes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field {
    pub id: u64,
    pub title: String,
    pub options: Vec<(String, String)>,
}

impl Field {
    /// An option's name for its value, or the value as it is.
    pub fn shown(&self, value: &str) -> String {
        self.options
            .iter()
            .find(|(_, v)| v == value)
            .map_or_else(|| value.to_string(), |(name, _)| name.clone())
    }

    /// An option's value for its name (any case), or the text as it is.
    pub fn stored(&self, name: &str) -> String {
        self.options
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map_or_else(|| name.trim().to_string(), |(_, value)| value.clone())
    }
}

/// What the desk calls things, and who is who, as far as read.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Group ids and names: the queues.
    pub groups: Vec<(u64, String)>,
    /// Everyone met so far.
    pub users: HashMap<u64, User>,
    /// The custom ticket fields.
    pub fields: Vec<Field>,
    /// The ticket field holding the channel, when the profile names one.
    pub channel_field: Option<String>,
    /// Email domain → requester role.
    pub roles: Vec<(String, RequesterRole)>,
}

impl Names {
    fn group(&self, id: Option<u64>) -> QueueRef {
        let name = id
            .and_then(|id| self.groups.iter().find(|(g, _)| *g == id))
            .map_or("(no group)", |(_, name)| name.as_str());
        QueueRef {
            id: QueueId(id.map_or_else(String::new, |id| id.to_string()).into()),
            name: SafeText::line(name),
        }
    }

    fn user_name(&self, id: Option<u64>) -> String {
        match id.and_then(|id| self.users.get(&id)) {
            Some(user) => user.name.clone(),
            None => id.map_or_else(String::new, |id| format!("user {id}")),
        }
    }

    pub fn field(&self, id: u64) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn field_named(&self, title: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.title.eq_ignore_ascii_case(title.trim()))
    }
}

/// Ours for one of Zendesk's statuses; on-hold waits on someone else, as
/// pending waits on the requester.
pub fn status_kind(status: &str) -> StatusKind {
    match status {
        "new" => StatusKind::New,
        "pending" | "hold" => StatusKind::Pending,
        "solved" => StatusKind::Resolved,
        "closed" => StatusKind::Closed,
        _ => StatusKind::Open,
    }
}

/// Zendesk's status for ours.
pub fn status_name(kind: StatusKind) -> &'static str {
    match kind {
        StatusKind::New => "new",
        StatusKind::Open => "open",
        StatusKind::Pending => "pending",
        StatusKind::Resolved => "solved",
        StatusKind::Closed => "closed",
    }
}

/// Zendesk's statuses that are ours of `kind`.
pub fn statuses_of(kind: StatusKind) -> &'static [&'static str] {
    match kind {
        StatusKind::New => &["new"],
        StatusKind::Open => &["open"],
        StatusKind::Pending => &["pending", "hold"],
        StatusKind::Resolved => &["solved"],
        StatusKind::Closed => &["closed"],
    }
}

/// The channel a ticket came by (`via.channel`), unless the profile keeps
/// it in a field.
fn channel(via: &str) -> Channel {
    match via {
        "web" | "web_form" | "web_widget" | "help_center" => Channel::Web,
        "email" => Channel::Email,
        "voice" | "phone" => Channel::Phone,
        "sms" | "text" => Channel::Sms,
        "chat" | "native_messaging" | "chat_transcript" => Channel::Chat,
        "twitter" | "facebook" | "instagram_dm" | "whatsapp" | "line" | "wechat" => Channel::Social,
        _ => Channel::Unknown,
    }
}

fn date(value: &Value) -> Option<Timestamp> {
    value.as_str()?.parse().ok()
}

/// The version a write is based on: `updated_at`, which `safe_update`
/// compares as `updated_stamp`.
pub fn version(ticket: &Value) -> Version {
    Version(
        (ticket["updated_at"]
            .as_str()
            .unwrap_or_default()
            .to_string())
        .into(),
    )
}

/// A custom field's value as text: a list field's values joined.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let items: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!items.is_empty()).then(|| items.join(", "))
        }
        _ => None,
    }
}

/// The ticket's custom fields with a value, by their titles.
pub fn fields(ticket: &Value, names: &Names) -> Vec<(String, String)> {
    ticket["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let field = names.field(f["id"].as_u64()?)?;
            let value = text_of(&f["value"])?;
            Some((field.title.clone(), field.shown(&value)))
        })
        .collect()
}

fn requester(ticket: &Value, names: &Names) -> Requester {
    let id = ticket["requester_id"].as_u64();
    let user = id.and_then(|id| names.users.get(&id));
    let email = user.map_or("", |u| u.email.as_str());
    Requester {
        name: SafeText::line(&names.user_name(id)),
        email: SafeText::line(email),
        role: crate::desk::role_by_domain(&names.roles, email),
        organisation: None,
        phone: user.and_then(|u| u.phone.as_deref()).map(SafeText::line),
    }
}

/// A ticket from a list or a record.
pub fn summary(ticket: &Value, names: &Names) -> Option<TicketSummary> {
    let id = ticket["id"].as_u64()?;
    let raw_status = ticket["status"].as_str().unwrap_or("open");
    let status = Status {
        kind: status_kind(raw_status),
        raw: SafeText::line(raw_status),
    };
    let created = date(&ticket["created_at"]).unwrap_or(Timestamp::UNIX_EPOCH);
    let updated = date(&ticket["updated_at"]).unwrap_or(created);
    let resolved_at = (!status.kind.is_active()).then_some(updated);
    let priority = match ticket["priority"].as_str() {
        Some(p) => Priority {
            level: PriorityLevel::parse(p).unwrap_or(PriorityLevel::Normal),
            raw: SafeText::line(p),
        },
        None => Priority {
            level: PriorityLevel::Normal,
            raw: SafeText::line("-"),
        },
    };
    let owner = ticket["assignee_id"].as_u64().map(|owner| AgentRef {
        id: AgentId(owner.to_string().into()),
        name: SafeText::line(&names.user_name(Some(owner))),
    });
    let fields = fields(ticket, names);
    let channel = match names.channel_field.as_deref() {
        Some(field) => fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(field))
            .map_or(Channel::Unknown, |(_, v)| Channel::parse(v)),
        None => channel(ticket["via"]["channel"].as_str().unwrap_or_default()),
    };
    let tags = ticket["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(SafeText::line)
        .collect();
    Some(TicketSummary {
        id: TicketId(id.to_string().into()),
        key: SafeText::line(&format!("#{id}")),
        subject: SafeText::line(ticket["subject"].as_str().unwrap_or_default()),
        sla: sla(ticket, updated),
        status,
        priority,
        queue: names.group(ticket["group_id"].as_u64()),
        owner,
        requester: requester(ticket, names),
        channel,
        created,
        updated,
        // From the comments, when the ticket is opened whole.
        first_response_at: None,
        resolved_at,
        tags,
        worked_minutes: 0,
        linked: ticket["problem_id"].as_u64().is_some()
            || ticket["has_incidents"] == true
            || ticket["followup_ids"]
                .as_array()
                .is_some_and(|f| !f.is_empty()),
        fields: fields
            .iter()
            .map(|(n, v)| (SafeText::line(n), SafeText::line(v)))
            .collect(),
        version: version(ticket),
    })
}

/// The clocks of the account's SLA policies (`slas.policy_metrics`, on a
/// ticket read with `include=slas`): none when it has no policy, and the
/// console's engine applies its own.
pub fn sla(ticket: &Value, updated: Timestamp) -> SlaClocks {
    let mut clocks = Vec::new();
    for metric in ticket["slas"]["policy_metrics"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let kind = match metric["metric"].as_str().unwrap_or_default() {
            "first_reply_time" => ClockKind::FirstResponse,
            "next_reply_time" => ClockKind::NextResponse,
            "agent_work_time" | "requester_wait_time" | "total_resolution_time" => {
                ClockKind::Resolution
            }
            _ => continue,
        };
        let Some(due) = date(&metric["breach_at"]) else {
            continue;
        };
        let stage = match metric["stage"].as_str().unwrap_or_default() {
            // The metric does not say when it paused or was met: the
            // ticket's last change is the nearest that is known.
            "paused" => Stage::Paused { since: updated },
            "achieved" => Stage::Met {
                at: updated.min(due),
            },
            _ => Stage::Active,
        };
        if clocks.iter().any(|c: &SlaClock| c.kind == kind) {
            continue;
        }
        clocks.push(SlaClock::new(kind, due, None, stage));
    }
    SlaClocks {
        policy: (!clocks.is_empty()).then(|| SafeText::line("Zendesk SLA policy")),
        clocks,
        starts: None,
    }
}

fn attachments(comment: &Value) -> Vec<Attachment> {
    comment["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            Some(Attachment {
                name: SafeText::line(a["file_name"].as_str().unwrap_or_default()),
                size: a["size"].as_u64().unwrap_or(0),
                mime: SafeText::line(a["content_type"].as_str().unwrap_or_default()),
                // The link is the id: the file is fetched from it (on the
                // desk's own address only, with the credential).
                id: Some(a["content_url"].as_str()?.to_string()),
            })
        })
        .collect()
}

/// What an audit's change says, in words; `None` for what the
/// conversation does not show.
fn event(change: &Value, names: &Names) -> Option<(String, Option<StatusKind>)> {
    let field = change["field_name"].as_str()?;
    let value = &change["value"];
    let previous = &change["previous_value"];
    let plain = |v: &Value| text_of(v).unwrap_or_else(|| "-".into());
    let person = |v: &Value| match v.as_str().and_then(|s| s.parse().ok()).or(v.as_u64()) {
        Some(id) => names.user_name(Some(id)),
        None => "nobody".into(),
    };
    let group = |v: &Value| {
        let id = v.as_str().and_then(|s| s.parse().ok()).or(v.as_u64());
        match id {
            Some(_) => names.group(id).name.as_str().to_string(),
            None => "no group".into(),
        }
    };
    Some(match field {
        "status" => (
            format!("status {} → {}", plain(previous), plain(value)),
            value.as_str().map(status_kind),
        ),
        "priority" => (
            format!("priority {} → {}", plain(previous), plain(value)),
            None,
        ),
        "assignee_id" => (
            format!("assigned {} → {}", person(previous), person(value)),
            None,
        ),
        "group_id" => (
            format!("group {} → {}", group(previous), group(value)),
            None,
        ),
        "tags" => (format!("tags {}", plain(value)), None),
        "subject" => (format!("subject → {}", plain(value)), None),
        other => match other.parse::<u64>().ok().and_then(|id| names.field(id)) {
            Some(field) => (
                format!("{} → {}", field.title, field.shown(&plain(value))),
                None,
            ),
            None => return None,
        },
    })
}

/// The conversation: each comment (public ones are replies, private ones
/// notes), and the changes the audits record, in time order. The first
/// comment is the request: the requester's words, whoever typed them (an
/// agent logging a call is its author on Zendesk).
pub fn entries(ticket: &Value, comments: &[Value], audits: &[Value], names: &Names) -> Vec<Entry> {
    let mut entries: Vec<Entry> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let author = match i {
                0 => ticket["requester_id"].as_u64(),
                _ => c["author_id"].as_u64(),
            };
            Entry {
                kind: if c["public"] == false {
                    EntryKind::Note
                } else {
                    EntryKind::Reply
                },
                author: SafeText::line(&names.user_name(author)),
                by_agent: author
                    .and_then(|a| names.users.get(&a))
                    .is_some_and(User::is_agent),
                at: date(&c["created_at"]).unwrap_or(Timestamp::UNIX_EPOCH),
                body: SafeText::block(&crate::desk::cut_with_note(
                    c["plain_body"]
                        .as_str()
                        .or(c["body"].as_str())
                        .unwrap_or_default(),
                )),
                attachments: attachments(c),
                status: None,
            }
        })
        .collect();
    for audit in audits {
        let at = date(&audit["created_at"]).unwrap_or(Timestamp::UNIX_EPOCH);
        let author = SafeText::line(&names.user_name(audit["author_id"].as_u64()));
        // The ticket's making sets every field at once: not news.
        let made = audit["events"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["type"] == "Create"));
        if made {
            continue;
        }
        for change in audit["events"].as_array().into_iter().flatten() {
            if change["type"] != "Change" {
                continue;
            }
            if let Some((body, status)) = event(change, names) {
                entries.push(Entry {
                    kind: EntryKind::Event,
                    author: author.clone(),
                    by_agent: true,
                    at,
                    body: SafeText::line(&body),
                    attachments: Vec::new(),
                    status,
                });
            }
        }
    }
    // Stable: a comment stays before the changes made with it.
    entries.sort_by_key(|e| e.at);
    entries
}

/// Who is copied on the ticket (`email_cc_ids`, and `collaborator_ids`
/// on accounts without CCs), by address.
pub fn copied(ticket: &Value, names: &Names) -> Vec<String> {
    let mut ids: Vec<u64> = Vec::new();
    for key in ["email_cc_ids", "collaborator_ids"] {
        for id in ticket[key].as_array().into_iter().flatten() {
            if let Some(id) = id.as_u64()
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
    }
    ids.iter()
        .map(|id| match names.users.get(id) {
            Some(user) if !user.email.is_empty() => user.email.clone(),
            _ => format!("user {id}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> Names {
        let mut names = Names {
            groups: vec![(5, "Transportation".into())],
            fields: vec![Field {
                id: 77,
                title: "School".into(),
                options: vec![("North High".into(), "north_high".into())],
            }],
            ..Names::default()
        };
        for (id, name, email, role) in [
            (1, "Alice Agent", "alice@district.org", "agent"),
            (2, "Maria Lopez", "maria@parents.district.org", "end-user"),
        ] {
            names.users.insert(
                id,
                User {
                    name: name.into(),
                    email: email.into(),
                    role: role.into(),
                    phone: None,
                },
            );
        }
        names
    }

    #[test]
    fn a_ticket_maps_its_status_group_people_fields_and_channel() {
        let t = json!({
            "id": 42, "subject": "Bus late", "status": "hold", "priority": "high",
            "group_id": 5, "assignee_id": 1, "requester_id": 2,
            "created_at": "2026-03-02T08:00:00Z", "updated_at": "2026-03-02T09:00:00Z",
            "tags": ["late-bus"], "via": {"channel": "sms"},
            "custom_fields": [{"id": 77, "value": "north_high"}, {"id": 78, "value": null}]
        });
        let s = summary(&t, &names()).expect("a ticket");
        assert_eq!(s.status.kind, StatusKind::Pending);
        assert_eq!(s.status.raw.as_str(), "hold");
        assert_eq!(s.priority.level, PriorityLevel::High);
        assert_eq!(s.queue.name.as_str(), "Transportation");
        assert_eq!(s.owner.expect("owner").name.as_str(), "Alice Agent");
        assert_eq!(s.requester.email.as_str(), "maria@parents.district.org");
        assert_eq!(s.channel, Channel::Sms);
        assert_eq!(s.tags[0].as_str(), "late-bus");
        assert_eq!(s.fields.len(), 1);
        assert_eq!(s.fields[0].1.as_str(), "North High");
        assert_eq!(s.version.0, "2026-03-02T09:00:00Z");
    }

    #[test]
    fn policy_metrics_become_clocks_and_none_leaves_the_engine_to_it() {
        let t = json!({"id": 1, "slas": {"policy_metrics": [
            {"breach_at": "2026-03-02T10:00:00Z", "stage": "active", "metric": "first_reply_time"},
            {"breach_at": "2026-03-03T10:00:00Z", "stage": "paused", "metric": "agent_work_time"}
        ]}});
        let updated: Timestamp = "2026-03-02T09:00:00Z".parse().expect("time");
        let clocks = sla(&t, updated);
        assert_eq!(clocks.clocks.len(), 2);
        assert_eq!(clocks.clocks[0].kind, ClockKind::FirstResponse);
        assert_eq!(clocks.clocks[1].stage(), Stage::Paused { since: updated });
        assert!(sla(&json!({"id": 1}), updated).clocks.is_empty());
    }

    #[test]
    fn comments_and_audit_changes_make_one_conversation() {
        let comments = [
            json!({"id": 1, "author_id": 1, "public": true, "body": "Bus 14 is late",
                   "created_at": "2026-03-02T08:00:00Z"}),
            json!({"id": 2, "author_id": 1, "public": false, "body": "Calling the depot",
                   "created_at": "2026-03-02T08:10:00Z",
                   "attachments": [{"file_name": "route.pdf", "size": 10,
                     "content_type": "application/pdf",
                     "content_url": "https://d.zendesk.com/attachments/token/x/?name=route.pdf"}]}),
        ];
        let audits = [
            json!({"author_id": 2, "created_at": "2026-03-02T08:00:00Z",
                   "events": [{"type": "Create", "field_name": "status", "value": "new"}]}),
            json!({"author_id": 1, "created_at": "2026-03-02T08:10:00Z",
                   "events": [{"type": "Change", "field_name": "status",
                               "value": "pending", "previous_value": "new"}]}),
        ];
        let ticket = json!({"requester_id": 2});
        let entries = entries(&ticket, &comments, &audits, &names());
        assert_eq!(entries.len(), 3);
        assert!(!entries[0].by_agent, "the request, logged by an agent");
        assert_eq!(entries[0].author.as_str(), "Maria Lopez");
        assert_eq!(entries[1].kind, EntryKind::Note);
        assert_eq!(entries[1].attachments[0].name.as_str(), "route.pdf");
        assert_eq!(entries[2].kind, EntryKind::Event);
        assert_eq!(entries[2].status, Some(StatusKind::Pending));
        assert_eq!(entries[2].body.as_str(), "status new → pending");
    }
}
