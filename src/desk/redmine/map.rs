//! Redmine's issue JSON into the model: statuses and priorities by the
//! names the server lists (read once), projects as queues, the author (or
//! the profile's requester field) as the requester, journals as the
//! conversation, `due_date` as the resolution deadline.

use jiff::Timestamp;
use serde_json::Value;

use crate::desk::{
    AgentId, AgentRef, Attachment, Channel, Entry, EntryKind, Priority, PriorityLevel, QueueId,
    QueueRef, Requester, RequesterRole, Status, StatusKind, TicketId, TicketSummary, Version,
};
use crate::sla::SlaClocks;
use crate::text::SafeText;

/// A status as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusDef {
    pub id: u64,
    pub name: String,
    pub is_closed: bool,
}

/// What the server calls things, read once: statuses, priorities, custom
/// fields; and how the profile reads them.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub statuses: Vec<StatusDef>,
    /// Priority ids and names, lowest first.
    pub priorities: Vec<(u64, String)>,
    /// Status names that mean "waiting on the requester".
    pub pending: Vec<String>,
    /// The custom field holding the requester's address.
    pub requester_field: Option<String>,
    /// The custom field holding the channel.
    pub channel_field: Option<String>,
    /// Email domain → requester role.
    pub roles: Vec<(String, RequesterRole)>,
    /// User ids → email addresses, where the server shows them.
    pub emails: std::collections::HashMap<u64, String>,
    /// The queues are trackers rather than projects.
    pub queues_are_trackers: bool,
    /// Project and tracker ids and names, for events that change them.
    pub projects: Vec<(u64, String)>,
    pub trackers: Vec<(u64, String)>,
}

impl Names {
    /// Ours for one of the server's statuses. Redmine's "Resolved" is not
    /// closed in its default data; it is finished all the same.
    pub fn status_kind(&self, def: &StatusDef) -> StatusKind {
        let name = def.name.to_lowercase();
        if self
            .pending
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&def.name))
        {
            StatusKind::Pending
        } else if name == "resolved" {
            StatusKind::Resolved
        } else if def.is_closed {
            StatusKind::Closed
        } else if name == "new" {
            StatusKind::New
        } else {
            StatusKind::Open
        }
    }

    /// The server's status ids that are ours of `kind`.
    pub fn status_ids(&self, kind: StatusKind) -> Vec<u64> {
        self.statuses
            .iter()
            .filter(|s| self.status_kind(s) == kind)
            .map(|s| s.id)
            .collect()
    }

    /// The status a change to `kind` sets: the first of that kind, "Closed"
    /// before "Rejected" for closed.
    pub fn status_for(&self, kind: StatusKind) -> Option<u64> {
        let ids = self.status_ids(kind);
        self.statuses
            .iter()
            .filter(|s| ids.contains(&s.id))
            .find(|s| kind != StatusKind::Closed || s.name.eq_ignore_ascii_case("closed"))
            .or_else(|| self.statuses.iter().find(|s| ids.contains(&s.id)))
            .map(|s| s.id)
    }

    fn status(&self, value: &Value) -> Status {
        let id = value["id"].as_u64().unwrap_or(0);
        let name = value["name"].as_str().unwrap_or_default();
        let def = self
            .statuses
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .unwrap_or(StatusDef {
                id,
                name: name.to_string(),
                is_closed: value["is_closed"].as_bool().unwrap_or(false),
            });
        Status {
            kind: self.status_kind(&def),
            raw: SafeText::line(name),
        }
    }

    /// Ours for one of the server's priorities, by name: Low, Normal, High;
    /// Urgent and Immediate are urgent.
    pub fn priority_level(name: &str) -> PriorityLevel {
        match name.to_lowercase().as_str() {
            "low" => PriorityLevel::Low,
            "high" => PriorityLevel::High,
            "urgent" | "immediate" => PriorityLevel::Urgent,
            _ => PriorityLevel::Normal,
        }
    }

    /// The server's priority for `level`: the first of that name.
    pub fn priority_for(&self, level: PriorityLevel) -> Option<u64> {
        self.priorities
            .iter()
            .find(|(_, name)| Self::priority_level(name) == level)
            .map(|(id, _)| *id)
    }

    pub fn priority_ids(&self, level: PriorityLevel) -> Vec<u64> {
        self.priorities
            .iter()
            .filter(|(_, name)| Self::priority_level(name) == level)
            .map(|(id, _)| *id)
            .collect()
    }
}

/// A custom field's value from an issue, by name (a list field's values
/// joined).
pub fn custom_field(issue: &Value, name: &str) -> Option<String> {
    let field = issue["custom_fields"].as_array()?.iter().find(|f| {
        f["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })?;
    text_of(&field["value"])
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Array(items) => {
            let items: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!items.is_empty()).then(|| items.join(", "))
        }
        _ => None,
    }
}

fn date(value: &Value) -> Option<Timestamp> {
    value.as_str()?.parse().ok()
}

/// The version a write is based on: the issue's `updated_on`, which every
/// list and record carries (the `lock_version` Redmine checks is never
/// shown through the API).
pub fn version(issue: &Value) -> Version {
    Version(
        issue["updated_on"]
            .as_str()
            .unwrap_or_default()
            .to_string()
            .into(),
    )
}

/// Who asked: the requester field's address when the profile names one
/// and the issue has it, else the author.
fn requester(issue: &Value, names: &Names) -> Requester {
    let author = &issue["author"];
    let author_name = author["name"].as_str().unwrap_or_default();
    let (name, email) = match names
        .requester_field
        .as_deref()
        .and_then(|field| custom_field(issue, field))
    {
        Some(email) => (email.clone(), email),
        None => (
            author_name.to_string(),
            author["id"]
                .as_u64()
                .and_then(|id| names.emails.get(&id).cloned())
                .unwrap_or_default(),
        ),
    };
    Requester {
        name: SafeText::line(&name),
        role: crate::desk::role_by_domain(&names.roles, &email),
        email: SafeText::line(&email),
        organisation: None,
        phone: None,
    }
}

/// An issue from a list or a record.
pub fn summary(issue: &Value, names: &Names) -> Option<TicketSummary> {
    let id = issue["id"].as_u64()?;
    let status = names.status(&issue["status"]);
    let priority_name = issue["priority"]["name"].as_str().unwrap_or("Normal");
    let created = date(&issue["created_on"]).unwrap_or(Timestamp::UNIX_EPOCH);
    let updated = date(&issue["updated_on"]).unwrap_or(created);
    let closed = date(&issue["closed_on"]);
    let resolved_at = (!status.kind.is_active()).then(|| closed.unwrap_or(updated));
    let owner = issue["assigned_to"]["id"].as_u64().map(|owner| AgentRef {
        id: AgentId(owner.to_string().into()),
        name: SafeText::line(issue["assigned_to"]["name"].as_str().unwrap_or_default()),
    });
    let channel = names
        .channel_field
        .as_deref()
        .and_then(|field| custom_field(issue, field))
        .map_or(Channel::Unknown, |c| Channel::parse(&c));
    let fields = issue["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let name = f["name"].as_str()?;
            let value = text_of(&f["value"])?;
            Some((SafeText::line(name), SafeText::line(&value)))
        })
        .collect();
    let spent = issue["spent_hours"].as_f64().unwrap_or(0.0);
    Some(TicketSummary {
        id: TicketId(id.to_string().into()),
        key: SafeText::line(&format!("#{id}")),
        subject: SafeText::line(issue["subject"].as_str().unwrap_or_default()),
        sla: sla(issue, &status, resolved_at.unwrap_or(updated)),
        status,
        priority: Priority {
            level: Names::priority_level(priority_name),
            raw: SafeText::line(priority_name),
        },
        queue: {
            let queue = match names.queues_are_trackers {
                true => &issue["tracker"],
                false => &issue["project"],
            };
            QueueRef {
                id: QueueId(queue["id"].as_u64().unwrap_or(0).to_string().into()),
                name: SafeText::line(queue["name"].as_str().unwrap_or_default()),
            }
        },
        owner,
        requester: requester(issue, names),
        channel,
        created,
        updated,
        // From the journals, when the ticket is opened whole.
        first_response_at: None,
        resolved_at,
        tags: Vec::new(),
        worked_minutes: (spent * 60.0).round().clamp(0.0, f64::from(u32::MAX)) as u32,
        // As far as the answer tells: a list carries parents and (asked)
        // relations, a record children too.
        linked: !links(issue).is_empty(),
        fields,
        version: version(issue),
    })
}

/// `due_date` (a day) as the resolution deadline, at the end of that day
/// in UTC; the console's SLA engine adds the response clocks.
fn sla(issue: &Value, status: &Status, finished: Timestamp) -> SlaClocks {
    let Some(day) = issue["due_date"]
        .as_str()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
    else {
        return SlaClocks::default();
    };
    let Ok(due) = day
        .tomorrow()
        .and_then(|d| d.to_zoned_datetime(jiff::tz::TimeZone::UTC))
        .map(|z| z.timestamp())
    else {
        return SlaClocks::default();
    };
    let done = (!status.kind.is_active()).then_some(finished);
    SlaClocks::due_date(due, done, "Redmine due date")
}

/// Its links as RT names them: "parent #3", "child #9", "refers to #4",
/// "depends on #5", "depended on by #6" (relations, parent and children,
/// as the record includes them).
pub fn links(issue: &Value) -> Vec<String> {
    let me = issue["id"].as_u64();
    let mut links = Vec::new();
    if let Some(parent) = issue["parent"]["id"].as_u64() {
        links.push(format!("parent #{parent}"));
    }
    for child in issue["children"].as_array().into_iter().flatten() {
        if let Some(id) = child["id"].as_u64() {
            links.push(format!("child #{id}"));
        }
    }
    for r in issue["relations"].as_array().into_iter().flatten() {
        let (from, to) = (r["issue_id"].as_u64(), r["issue_to_id"].as_u64());
        let (other, mine) = if from == me {
            (to, true)
        } else {
            (from, false)
        };
        let Some(other) = other else { continue };
        // Each relation read from this issue's end.
        let phrase = match (r["relation_type"].as_str().unwrap_or_default(), mine) {
            ("blocked", true) | ("blocks", false) | ("follows", true) | ("precedes", false) => {
                "depends on"
            }
            ("blocks", true) | ("blocked", false) | ("precedes", true) | ("follows", false) => {
                "depended on by"
            }
            ("relates", _)
            | ("duplicates", _)
            | ("duplicated", _)
            | ("copied_to", _)
            | ("copied_from", _) => "refers to",
            _ => continue,
        };
        links.push(format!("{phrase} #{other}"));
    }
    links
}

/// The issue's files, each under the journal that added it (else under
/// the opening message).
fn attachments(issue: &Value) -> Vec<(u64, Attachment)> {
    issue["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            let id = a["id"].as_u64()?;
            Some((
                id,
                Attachment {
                    name: SafeText::line(a["filename"].as_str().unwrap_or_default()),
                    size: a["filesize"].as_u64().unwrap_or(0),
                    mime: SafeText::line(a["content_type"].as_str().unwrap_or_default()),
                    id: Some(id.to_string()),
                },
            ))
        })
        .collect()
}

/// The conversation: the description as the requester's opening message,
/// then each journal: its notes as a reply (a note when private), its
/// status change as an event; other changes as events saying old → new.
pub fn entries(issue: &Value, names: &Names, agents: &[u64]) -> Vec<Entry> {
    let mut files = attachments(issue);
    let journals = issue["journals"].as_array().cloned().unwrap_or_default();
    // Files a journal added are shown there.
    let mut take = |journal: &Value| -> Vec<Attachment> {
        let added: Vec<u64> = journal["details"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["property"] == "attachment")
            .filter_map(|d| d["name"].as_str()?.parse().ok())
            .collect();
        let (mine, rest): (Vec<_>, Vec<_>) =
            files.drain(..).partition(|(id, _)| added.contains(id));
        files = rest;
        mine.into_iter().map(|(_, a)| a).collect()
    };
    let mut journal_files: Vec<Vec<Attachment>> = journals.iter().map(&mut take).collect();
    // Redmine keeps a private note apart from the changes made with it, the
    // files among them: those files are the note's.
    for i in 0..journals.len() {
        let silent = journals[i]["notes"]
            .as_str()
            .is_none_or(|n| n.trim().is_empty());
        if !silent || journal_files[i].is_empty() {
            continue;
        }
        let beside = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .find(|&j| {
                journals.get(j).is_some_and(|other| {
                    other["private_notes"] == true
                        && other["user"]["id"] == journals[i]["user"]["id"]
                        && other["created_on"] == journals[i]["created_on"]
                })
            });
        if let Some(j) = beside {
            let files = std::mem::take(&mut journal_files[i]);
            journal_files[j].extend(files);
        }
    }
    let requester = requester(issue, names);
    let created = date(&issue["created_on"]).unwrap_or(Timestamp::UNIX_EPOCH);
    let mut entries = vec![Entry {
        kind: EntryKind::Reply,
        author: requester.name.clone(),
        by_agent: false,
        at: created,
        body: SafeText::block(&crate::desk::cut_with_note(
            issue["description"].as_str().unwrap_or_default(),
        )),
        attachments: files.into_iter().map(|(_, a)| a).collect(),
        status: None,
    }];
    let author_id = issue["author"]["id"].as_u64();
    for (journal, files) in journals.iter().zip(journal_files) {
        let user = journal["user"]["id"].as_u64();
        let author = SafeText::line(journal["user"]["name"].as_str().unwrap_or_default());
        // The requester writing again is not an agent; anyone else of the
        // project's agents (or not the author) is.
        let by_agent = user.is_some_and(|u| agents.contains(&u))
            || (user != author_id && names.requester_field.is_none());
        let at = date(&journal["created_on"]).unwrap_or(created);
        let notes = journal["notes"].as_str().unwrap_or_default();
        if !notes.trim().is_empty() || !files.is_empty() {
            entries.push(Entry {
                kind: if journal["private_notes"] == true {
                    EntryKind::Note
                } else {
                    EntryKind::Reply
                },
                author: author.clone(),
                by_agent,
                at,
                body: SafeText::block(&crate::desk::cut_with_note(notes)),
                attachments: files,
                status: None,
            });
        }
        for detail in journal["details"].as_array().into_iter().flatten() {
            if detail["property"] != "attr" {
                continue;
            }
            let field = detail["name"].as_str().unwrap_or_default();
            let (old, new) = (&detail["old_value"], &detail["new_value"]);
            let (body, status) = match field {
                "status_id" => {
                    let to = new
                        .as_str()
                        .and_then(|id| id.parse::<u64>().ok())
                        .and_then(|id| names.statuses.iter().find(|s| s.id == id));
                    match to {
                        Some(def) => (
                            format!("Status changed to {}", def.name),
                            Some(names.status_kind(def)),
                        ),
                        None => continue,
                    }
                }
                _ => {
                    // An id said by its name where the server listed it.
                    let said = |value: &Value| -> String {
                        let text = value.as_str().unwrap_or("—");
                        let named: &[(u64, String)] = match field {
                            "priority_id" => &names.priorities,
                            "project_id" => &names.projects,
                            "tracker_id" => &names.trackers,
                            _ => &[],
                        };
                        text.parse::<u64>()
                            .ok()
                            .and_then(|id| named.iter().find(|(i, _)| *i == id))
                            .map_or_else(|| text.to_string(), |(_, name)| name.clone())
                    };
                    (
                        format!(
                            "{} changed: {} → {}",
                            field.trim_end_matches("_id").replace('_', " "),
                            said(old),
                            said(new)
                        ),
                        None,
                    )
                }
            };
            entries.push(Entry {
                kind: EntryKind::Event,
                author: author.clone(),
                by_agent,
                at,
                body: SafeText::line(&body),
                attachments: Vec::new(),
                status,
            });
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::ClockKind;
    use serde_json::json;

    fn names() -> Names {
        let statuses = [
            (1, "New", false),
            (2, "In Progress", false),
            (3, "Resolved", false),
            (4, "Feedback", false),
            (5, "Closed", true),
            (6, "Rejected", true),
        ]
        .into_iter()
        .map(|(id, name, is_closed)| StatusDef {
            id,
            name: name.into(),
            is_closed,
        })
        .collect();
        Names {
            statuses,
            priorities: ["Low", "Normal", "High", "Urgent", "Immediate"]
                .iter()
                .enumerate()
                .map(|(i, n)| (i as u64 + 1, n.to_string()))
                .collect(),
            pending: vec!["Feedback".into()],
            requester_field: Some("Requester email".into()),
            ..Names::default()
        }
    }

    #[test]
    fn statuses_map_by_name_and_resolved_is_finished_though_not_closed() {
        let n = names();
        let kinds: Vec<StatusKind> = n.statuses.iter().map(|s| n.status_kind(s)).collect();
        assert_eq!(
            kinds,
            [
                StatusKind::New,
                StatusKind::Open,
                StatusKind::Resolved,
                StatusKind::Pending,
                StatusKind::Closed,
                StatusKind::Closed
            ]
        );
        assert_eq!(
            n.status_for(StatusKind::Closed),
            Some(5),
            "Closed, not Rejected"
        );
        assert_eq!(n.status_for(StatusKind::Pending), Some(4));
        assert_eq!(n.priority_ids(PriorityLevel::Urgent), [4, 5]);
        assert_eq!(n.priority_for(PriorityLevel::Urgent), Some(4));
    }

    fn issue() -> Value {
        json!({
            "id": 7, "subject": "No heat \u{1b}[31min room 4",
            "project": { "id": 1, "name": "Support" },
            "status": { "id": 4, "name": "Feedback", "is_closed": false },
            "priority": { "id": 3, "name": "High" },
            "author": { "id": 5, "name": "Alice Rivera" },
            "assigned_to": { "id": 9, "name": "Help Desk" },
            "custom_fields": [
                { "id": 1, "name": "School", "value": "North High" },
                { "id": 3, "name": "Requester email", "value": "maria@parents.example.org" }
            ],
            "created_on": "2026-12-01T10:00:00Z", "updated_on": "2026-12-01T11:00:00Z",
            "due_date": "2026-12-03", "spent_hours": 1.5,
            "description": "It is cold.",
            "attachments": [
                { "id": 11, "filename": "thermostat.jpg", "filesize": 2048, "content_type": "image/jpeg" },
                { "id": 12, "filename": "log.txt", "filesize": 10, "content_type": "text/plain" }
            ],
            "journals": [
                { "id": 1, "user": { "id": 5, "name": "Alice Rivera" }, "notes": "", "private_notes": false,
                  "created_on": "2026-12-01T10:30:00Z",
                  "details": [{ "property": "attachment", "name": "12", "new_value": "log.txt" }] },
                { "id": 2, "user": { "id": 5, "name": "Alice Rivera" }, "notes": "Checked the boiler.",
                  "private_notes": true, "created_on": "2026-12-01T10:30:00Z", "details": [] },
                { "id": 3, "user": { "id": 6, "name": "Bob Tech" }, "notes": "", "private_notes": false,
                  "created_on": "2026-12-01T11:00:00Z",
                  "details": [
                    { "property": "attr", "name": "status_id", "old_value": "1", "new_value": "4" },
                    { "property": "attr", "name": "done_ratio", "old_value": "0", "new_value": "50" },
                    { "property": "attr", "name": "priority_id", "old_value": "2", "new_value": "3" }
                  ] }
            ]
        })
    }

    #[test]
    fn an_issue_reads_with_its_requester_field_due_date_and_version() {
        let t = summary(&issue(), &names()).expect("a summary");
        assert_eq!(t.status.kind, StatusKind::Pending);
        assert_eq!(t.priority.level, PriorityLevel::High);
        assert_eq!(t.requester.email.as_str(), "maria@parents.example.org");
        assert_eq!(t.owner.as_ref().map(|o| o.name.as_str()), Some("Help Desk"));
        assert_eq!(t.worked_minutes, 90);
        assert!(!t.subject.contains('\u{1b}'));
        assert_eq!(t.version.0, "2026-12-01T11:00:00Z");
        let due = t.sla.get(ClockKind::Resolution).expect("a deadline").due();
        assert_eq!(
            due,
            "2026-12-04T00:00:00Z"
                .parse::<Timestamp>()
                .expect("instant")
        );
        assert_eq!(t.fields.len(), 2);
    }

    #[test]
    fn journals_are_replies_notes_and_events_and_files_go_where_they_came() {
        let e = entries(&issue(), &names(), &[5, 6]);
        let kinds: Vec<EntryKind> = e.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EntryKind::Reply,
                EntryKind::Note,
                EntryKind::Event,
                EntryKind::Event,
                EntryKind::Event
            ]
        );
        assert!(!e[0].by_agent);
        assert_eq!(e[0].author.as_str(), "maria@parents.example.org");
        // The first file came with the issue; the second with the private
        // note, which Redmine keeps apart from its changes.
        assert_eq!(e[0].attachments[0].name.as_str(), "thermostat.jpg");
        assert_eq!(e[1].attachments[0].name.as_str(), "log.txt");
        assert_eq!(e[2].status, Some(StatusKind::Pending));
        assert_eq!(e[3].body.as_str(), "done ratio changed: 0 → 50");
        assert_eq!(e[4].body.as_str(), "priority changed: Normal → High");
    }

    #[test]
    fn relations_read_from_this_issues_end() {
        let issue = json!({
            "id": 7, "parent": { "id": 3 }, "children": [{ "id": 9 }],
            "relations": [
                { "issue_id": 7, "issue_to_id": 4, "relation_type": "relates" },
                { "issue_id": 7, "issue_to_id": 5, "relation_type": "blocked" },
                { "issue_id": 6, "issue_to_id": 7, "relation_type": "blocked" },
                { "issue_id": 8, "issue_to_id": 7, "relation_type": "blocks" }
            ]
        });
        assert_eq!(
            links(&issue),
            [
                "parent #3",
                "child #9",
                "refers to #4",
                "depends on #5",
                "depended on by #6",
                "depends on #8"
            ]
        );
    }
}
