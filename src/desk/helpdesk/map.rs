//! django-helpdesk's ticket JSON into the model: numeric statuses and
//! priorities, names from the profile (the API lists neither queues nor
//! users), the conversation from `followup_set`, and a version built from
//! the fields a write can change (the API has no modification time).

use jiff::Timestamp;
use serde::Deserialize;

use crate::desk::{
    AgentId, AgentRef, Attachment, Channel, DeskError, Entry, EntryKind, Priority, PriorityLevel,
    QueueId, QueueRef, Requester, RequesterRole, Status, StatusKind, TicketId, TicketSummary,
    Version,
};
use crate::sla::SlaClocks;
use crate::text::SafeText;

/// A ticket as the API sends it.
#[derive(Clone, Debug, Deserialize)]
pub struct Ticket {
    pub id: u64,
    pub queue: u64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub submitter_email: Option<String>,
    pub assigned_to: Option<u64>,
    pub status: u8,
    #[serde(default)]
    pub on_hold: bool,
    pub priority: u8,
    pub due_date: Option<Timestamp>,
    #[serde(default)]
    pub followup_set: Vec<FollowUp>,
    /// Everything else, among it the custom fields (`custom_<name>`).
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

impl Ticket {
    /// The custom fields with a value, by their key without `custom_`,
    /// in key order.
    pub fn custom_fields(&self) -> Vec<(&str, String)> {
        let mut fields: Vec<(&str, String)> = self
            .rest
            .iter()
            .filter_map(|(key, value)| {
                let key = key.strip_prefix("custom_")?;
                let text = match value {
                    serde_json::Value::Null => return None,
                    serde_json::Value::String(s) if s.is_empty() => return None,
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Some((key, text))
            })
            .collect();
        fields.sort();
        fields
    }

    /// Minutes worked: the sum of its follow-ups' (the ticket's own total
    /// is not in every answer).
    pub fn minutes_worked(&self) -> i64 {
        self.followup_set
            .iter()
            .filter_map(|f| f.time_spent.as_deref())
            .filter_map(duration_minutes)
            .sum()
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct FollowUp {
    pub id: u64,
    pub user: Option<u64>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub public: bool,
    pub new_status: Option<u8>,
    pub date: Timestamp,
    #[serde(default)]
    pub followupattachment_set: Vec<FollowUpAttachment>,
    /// As Django writes a duration: "01:15:00", "1 02:00:00".
    #[serde(default)]
    pub time_spent: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct FollowUpAttachment {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub mime_type: String,
}

/// django-helpdesk's statuses: 1 Open, 2 Reopened, 3 Resolved, 4 Closed,
/// 5 Duplicate; on hold is a flag beside them.
pub fn status(number: u8, on_hold: bool) -> Status {
    let (kind, raw) = match number {
        2 => (StatusKind::Open, "Reopened"),
        3 => (StatusKind::Resolved, "Resolved"),
        4 => (StatusKind::Closed, "Closed"),
        5 => (StatusKind::Closed, "Duplicate"),
        _ => (StatusKind::Open, "Open"),
    };
    if on_hold && kind.is_active() {
        return Status {
            kind: StatusKind::Pending,
            raw: SafeText::line("On hold"),
        };
    }
    Status {
        kind,
        raw: SafeText::line(raw),
    }
}

/// The status number and on-hold flag sent for ours. django-helpdesk has
/// no "new" to go back to: a ticket is open from its first message.
pub fn helpdesk_status(kind: StatusKind) -> Result<(u8, bool), DeskError> {
    match kind {
        StatusKind::New => Err(DeskError::Unsupported(
            "set a ticket new (django-helpdesk has no such status; say open)",
        )),
        StatusKind::Open => Ok((1, false)),
        StatusKind::Pending => Ok((1, true)),
        StatusKind::Resolved => Ok((3, false)),
        StatusKind::Closed => Ok((4, false)),
    }
}

/// The status numbers a listing asks for, for the statuses a query wants.
pub fn status_numbers(kinds: &[StatusKind]) -> Vec<u8> {
    let mut numbers = Vec::new();
    for kind in kinds {
        let these: &[u8] = match kind {
            StatusKind::New | StatusKind::Open | StatusKind::Pending => &[1, 2],
            StatusKind::Resolved => &[3],
            StatusKind::Closed => &[4, 5],
        };
        for n in these {
            if !numbers.contains(n) {
                numbers.push(*n);
            }
        }
    }
    numbers.sort_unstable();
    numbers
}

/// 1 Critical, 2 High, 3 Normal, 4 Low, 5 Very Low.
/// A Django duration ("[DD ]HH:MM:SS[.ffffff]") in whole minutes.
pub fn duration_minutes(text: &str) -> Option<i64> {
    let text = text.trim();
    let (days, clock) = match text.split_once(' ') {
        Some((days, clock)) => (days.parse::<i64>().ok()?, clock),
        None => (0, text),
    };
    let mut parts = clock.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    Some(days * 24 * 60 + hours * 60 + minutes)
}

pub fn priority(number: u8) -> Priority {
    let (level, raw) = match number {
        1 => (PriorityLevel::Urgent, "Critical"),
        2 => (PriorityLevel::High, "High"),
        4 => (PriorityLevel::Low, "Low"),
        5 => (PriorityLevel::Low, "Very Low"),
        _ => (PriorityLevel::Normal, "Normal"),
    };
    Priority {
        level,
        raw: SafeText::line(raw),
    }
}

pub fn helpdesk_priority(level: PriorityLevel) -> u8 {
    match level {
        PriorityLevel::Urgent => 1,
        PriorityLevel::High => 2,
        PriorityLevel::Normal => 3,
        PriorityLevel::Low => 4,
    }
}

/// What the profile says the API cannot: the queues and agents, by id and
/// name (a handful each, so looked through rather than indexed).
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub queues: Vec<(u64, String)>,
    pub agents: Vec<Staff>,
    /// Email domain → role.
    pub roles: Vec<(String, RequesterRole)>,
}

/// A staff user the profile names: the API cannot list them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Staff {
    pub id: u64,
    /// The user name the token belongs to.
    pub login: String,
    /// What people call them; the login when the profile gives no name.
    pub name: String,
    pub email: String,
}

impl Staff {
    pub fn new(id: u64, login: &str) -> Self {
        Self {
            id,
            login: login.to_string(),
            name: login.to_string(),
            email: String::new(),
        }
    }
}

fn name_of(list: &[(u64, String)], id: u64) -> Option<&str> {
    list.iter()
        .find(|(n, _)| *n == id)
        .map(|(_, name)| name.as_str())
}

impl Names {
    fn queue(&self, id: u64) -> String {
        name_of(&self.queues, id).map_or_else(|| format!("queue {id}"), str::to_string)
    }

    pub fn agent(&self, id: u64) -> String {
        self.agents
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| format!("user {id}"), |a| a.name.clone())
    }
}

/// A short, stable digest of the ticket's title (FNV-1a), for the version.
fn digest(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Everything a write can change, in one string: the last follow-up and the
/// fields a PATCH sets. django-helpdesk keeps no modification time, and a
/// PATCH leaves no follow-up, so a time could not tell a change.
pub fn version(t: &Ticket) -> Version {
    let last = t.followup_set.iter().map(|f| f.id).max().unwrap_or(0);
    let due = t.due_date.map(|d| d.as_second()).unwrap_or(0);
    Version(compact_str::format_compact!(
        "{last}-{}{}-{}-{}-{}-{due}-{:08x}",
        t.status,
        if t.on_hold { "h" } else { "" },
        t.priority,
        t.assigned_to.unwrap_or(0),
        t.queue,
        digest(&versioned_text(t)),
    ))
}

/// The title, and the custom fields when there are any: a field set
/// behind one's back is a new version (its PATCH leaves no follow-up).
fn versioned_text(t: &Ticket) -> String {
    let mut text = t.title.clone();
    for (key, value) in t.custom_fields() {
        text.push('\u{1f}');
        text.push_str(key);
        text.push('=');
        text.push_str(&value);
    }
    text
}

/// The follow-ups in time order (the API sends them so, but says nothing).
fn followups(t: &Ticket) -> Vec<&FollowUp> {
    let mut all: Vec<&FollowUp> = t.followup_set.iter().collect();
    all.sort_by_key(|f| (f.date, f.id));
    all
}

fn finishes(f: &FollowUp) -> bool {
    matches!(f.new_status, Some(3..=5))
}

fn reopens(f: &FollowUp) -> bool {
    matches!(f.new_status, Some(1 | 2))
}

/// When a finished ticket was resolved: the first follow-up that finished it
/// since the last one that reopened it; when none did (a PATCH), when this
/// version was first seen, if it was.
fn resolved_at(
    status: &Status,
    followups: &[&FollowUp],
    observed: Option<Timestamp>,
) -> Option<Timestamp> {
    if status.kind.is_active() {
        return None;
    }
    let since = followups
        .iter()
        .rposition(|f| reopens(f))
        .map_or(0, |i| i + 1);
    followups[since..]
        .iter()
        .find(|f| finishes(f))
        .map(|f| f.date)
        .or(observed)
}

/// A ticket as a summary. `observed` is when deskterm first saw this
/// version, for changes that left no follow-up (a PATCH): the last
/// follow-up's date is the only other sign of an update. Either way the
/// resolve counts as an update: it is a follow-up, or it was observed.
pub fn summary(t: &Ticket, names: &Names, observed: Option<Timestamp>) -> TicketSummary {
    let followups = followups(t);
    let created = followups.first().map_or(Timestamp::UNIX_EPOCH, |f| f.date);
    let last = followups.last().map_or(created, |f| f.date);
    let updated = observed.map_or(last, |seen| seen.max(last));
    // The first follow-up is the requester's opening message; the first
    // public one after it from a user is the first response.
    let first_response_at = followups
        .iter()
        .skip(1)
        .find(|f| f.public && f.user.is_some())
        .map(|f| f.date);
    let status = status(t.status, t.on_hold);
    let resolved_at = resolved_at(&status, &followups, observed);
    let email = t.submitter_email.clone().unwrap_or_default();
    let sla = sla(t, &status, resolved_at.unwrap_or(updated));
    TicketSummary {
        id: TicketId(t.id.to_string().into()),
        key: SafeText::line(&format!("#{}", t.id)),
        subject: SafeText::line(&t.title),
        status,
        priority: priority(t.priority),
        queue: QueueRef {
            id: QueueId(t.queue.to_string().into()),
            name: SafeText::line(&names.queue(t.queue)),
        },
        owner: t.assigned_to.map(|id| AgentRef {
            id: AgentId(id.to_string().into()),
            name: SafeText::line(&names.agent(id)),
        }),
        requester: Requester {
            name: SafeText::line(&email),
            role: crate::desk::role_by_domain(&names.roles, &email),
            email: SafeText::line(&email),
            organisation: None,
            phone: None,
        },
        channel: Channel::Unknown,
        created,
        updated,
        first_response_at,
        resolved_at,
        sla,
        tags: Vec::new(),
        worked_minutes: t.minutes_worked().try_into().unwrap_or(u32::MAX),
        linked: false,
        fields: t
            .custom_fields()
            .into_iter()
            .map(|(name, value)| (SafeText::line(name), SafeText::line(&value)))
            .collect(),
        version: version(t),
    }
}

/// `due_date` as the resolution deadline, met at `finished` once the ticket
/// is; the console's SLA engine adds the response clocks from its policy.
fn sla(t: &Ticket, status: &Status, finished: Timestamp) -> SlaClocks {
    let Some(due) = t.due_date else {
        return SlaClocks::default();
    };
    let done = (!status.kind.is_active()).then_some(finished);
    SlaClocks::due_date(due, done, "django-helpdesk due date")
}

/// The conversation: the opening message (the requester's), then each
/// follow-up, public ones as replies and the rest as notes, and a status
/// change as an event of its own.
pub fn entries(t: &Ticket, names: &Names) -> Vec<Entry> {
    let requester = t
        .submitter_email
        .clone()
        .unwrap_or_else(|| "requester".into());
    let mut entries = Vec::new();
    for (i, f) in followups(t).into_iter().enumerate() {
        let opening = i == 0;
        let (author, by_agent) = match f.user {
            Some(user) if !opening => (names.agent(user), true),
            _ => (requester.clone(), false),
        };
        let body = crate::desk::cut_with_note(f.comment.as_deref().unwrap_or_default());
        let attachments: Vec<Attachment> = f
            .followupattachment_set
            .iter()
            .map(|a| Attachment {
                name: SafeText::line(&a.filename),
                size: a.size,
                mime: SafeText::line(&a.mime_type),
                id: a.id.map(|id| id.to_string()),
            })
            .collect();
        if !body.trim().is_empty() || !attachments.is_empty() || opening {
            entries.push(Entry {
                kind: if f.public || opening {
                    EntryKind::Reply
                } else {
                    EntryKind::Note
                },
                author: SafeText::line(&author),
                by_agent,
                at: f.date,
                body: SafeText::block(&body),
                attachments,
                status: None,
            });
        }
        if let Some(number) = f.new_status {
            let to = status(number, false);
            entries.push(Entry {
                kind: EntryKind::Event,
                author: SafeText::line(&author),
                by_agent,
                at: f.date,
                body: SafeText::line(&format!("Status changed to {}", to.raw)),
                attachments: Vec::new(),
                status: Some(to.kind),
            });
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::{ClockKind, Stage};

    #[test]
    fn time_spent_is_read_in_minutes() {
        assert_eq!(duration_minutes("01:15:00"), Some(75));
        assert_eq!(duration_minutes("00:05:30.5"), Some(5));
        assert_eq!(duration_minutes("1 02:00:00"), Some(26 * 60));
        assert_eq!(duration_minutes(""), None);
    }

    fn ticket() -> Ticket {
        serde_json::from_value(serde_json::json!({
            "id": 7, "queue": 1, "title": "Bus 12 late \u{1b}[31m", "description": "x",
            "resolution": null, "submitter_email": "maria@parents.example.org",
            "assigned_to": 2, "status": 1, "on_hold": false, "priority": 2,
            "due_date": "2026-03-03T12:00:00Z", "merged_to": null,
            "followup_set": [
                {"id": 30, "ticket": 7, "user": 2, "title": "Re", "comment": "Internal",
                 "public": false, "new_status": null, "time_spent": null,
                 "followupattachment_set": [], "date": "2026-03-02T10:00:00Z"},
                {"id": 10, "ticket": 7, "user": null, "title": "Ticket Opened",
                 "comment": "The bus is late", "public": true, "new_status": null,
                 "followupattachment_set": [], "date": "2026-03-02T08:00:00Z"},
                {"id": 31, "ticket": 7, "user": 2, "title": "Re", "comment": "On it",
                 "public": true, "new_status": 3, "followupattachment_set": [],
                 "date": "2026-03-02T11:00:00Z"}
            ]
        }))
        .expect("ticket")
    }

    fn at(text: &str) -> Timestamp {
        text.parse().expect("a timestamp")
    }

    fn names() -> Names {
        Names {
            queues: vec![(1, "Transportation".to_string())],
            agents: vec![Staff::new(2, "bob")],
            roles: vec![("parents.example.org".into(), RequesterRole::Parent)],
        }
    }

    #[test]
    fn a_ticket_becomes_a_summary_with_names_from_the_profile() {
        let s = summary(&ticket(), &names(), None);
        assert_eq!(s.key.as_str(), "#7");
        assert_eq!(
            s.subject.as_str(),
            "Bus 12 late ",
            "no escape reaches the model"
        );
        assert_eq!(s.queue.name.as_str(), "Transportation");
        assert_eq!(s.owner.map(|o| o.name.to_string()), Some("bob".into()));
        assert_eq!(s.priority.level, PriorityLevel::High);
        assert_eq!(s.requester.role, RequesterRole::Parent);
        assert_eq!(s.created, at("2026-03-02T08:00:00Z"));
        assert_eq!(s.updated, at("2026-03-02T11:00:00Z"));
        assert_eq!(s.first_response_at, Some(at("2026-03-02T11:00:00Z")));
        let clock = &s.sla.clocks[0];
        assert_eq!(clock.kind, ClockKind::Resolution);
        assert_eq!(clock.due(), at("2026-03-03T12:00:00Z"));
        // Unknown ids still read as something.
        let s = summary(&ticket(), &Names::default(), None);
        assert_eq!(s.queue.name.as_str(), "queue 1");
    }

    #[test]
    fn a_change_without_a_follow_up_is_dated_when_seen() {
        let seen: Timestamp = at("2026-03-02T15:00:00Z");
        assert_eq!(summary(&ticket(), &names(), Some(seen)).updated, seen);
        let mut patched = ticket();
        let before = version(&patched);
        patched.priority = 1;
        assert_ne!(version(&patched), before, "a PATCH changes the version");
        patched.priority = 2;
        assert_eq!(version(&patched), before);
    }

    /// Resolved, reopened, resolved and closed by follow-ups, then a note.
    fn resolved_twice() -> Ticket {
        let followup = |id: u64, status: Option<u8>, date: &str| {
            serde_json::json!({"id": id, "user": 2, "comment": "x", "public": true,
                               "new_status": status, "date": date})
        };
        serde_json::from_value(serde_json::json!({
            "id": 8, "queue": 1, "title": "Printer", "assigned_to": 2, "status": 4,
            "on_hold": false, "priority": 3, "due_date": "2026-03-03T12:00:00Z",
            "followup_set": [
                {"id": 40, "user": null, "comment": "Jammed", "public": true,
                 "new_status": null, "date": "2026-03-02T08:00:00Z"},
                followup(41, Some(3), "2026-03-02T09:00:00Z"),
                followup(42, Some(2), "2026-03-02T10:00:00Z"),
                followup(43, Some(3), "2026-03-02T11:00:00Z"),
                followup(44, Some(4), "2026-03-02T11:30:00Z"),
                followup(45, None, "2026-03-02T12:00:00Z"),
            ]
        }))
        .expect("ticket")
    }

    #[test]
    fn a_resolve_is_dated_by_the_follow_up_that_made_it() {
        let s = summary(&resolved_twice(), &names(), None);
        assert_eq!(s.status.kind, StatusKind::Closed);
        // The first finishing follow-up since the reopening one, not the
        // close after it nor the note after that.
        assert_eq!(s.resolved_at, Some(at("2026-03-02T11:00:00Z")));
        assert_eq!(
            s.sla.get(ClockKind::Resolution).map(|c| c.stage()),
            Some(Stage::Met {
                at: at("2026-03-02T11:00:00Z")
            })
        );
        // The note is the last update; the resolve is never later.
        assert_eq!(s.updated, at("2026-03-02T12:00:00Z"));
        // Seen later, the follow-up still dates the resolve.
        let seen = summary(
            &resolved_twice(),
            &names(),
            Some(at("2026-03-02T13:00:00Z")),
        );
        assert_eq!(seen.resolved_at, Some(at("2026-03-02T11:00:00Z")));
        assert_eq!(seen.updated, at("2026-03-02T13:00:00Z"));
    }

    #[test]
    fn a_resolve_without_a_follow_up_is_dated_when_seen() {
        // Resolved by a PATCH (as deskterm resolves): no follow-up says so.
        let mut patched = ticket();
        patched.status = 3;
        patched.followup_set.retain(|f| f.new_status.is_none());
        let seen = at("2026-03-02T10:03:30Z");
        let s = summary(&patched, &names(), Some(seen));
        assert_eq!(s.resolved_at, Some(seen));
        assert_eq!(s.updated, seen, "the resolve is an update");
        // Not seen changing: nothing tells when, and `updated` stands in.
        let s = summary(&patched, &names(), None);
        assert_eq!(s.resolved_at, None);
        assert_eq!(s.updated, at("2026-03-02T10:00:00Z"));
        // Open tickets have no resolve, whatever their history.
        assert_eq!(summary(&ticket(), &names(), Some(seen)).resolved_at, None);
    }

    #[test]
    fn follow_ups_become_a_conversation() {
        let entries = entries(&ticket(), &names());
        let kinds: Vec<_> = entries.iter().map(|e| (e.kind, e.by_agent)).collect();
        assert_eq!(
            kinds,
            [
                (EntryKind::Reply, false),
                (EntryKind::Note, true),
                (EntryKind::Reply, true),
                (EntryKind::Event, true),
            ]
        );
        assert_eq!(entries[0].author.as_str(), "maria@parents.example.org");
        assert_eq!(entries[3].status, Some(StatusKind::Resolved));
        assert!(entries.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn a_huge_follow_up_is_cut_and_its_files_are_listed() {
        let mut t = ticket();
        t.followup_set[1].comment = Some("line of a pasted log\n".repeat(20_000));
        t.followup_set[1].followupattachment_set = vec![FollowUpAttachment {
            id: Some(4),
            filename: "scan.pdf".into(),
            size: 15_000_000,
            mime_type: "application/pdf".into(),
        }];
        let all = entries(&t, &names());
        assert!(
            all[0]
                .body
                .ends_with("log\n\n[cut: this message is 410 KB; the first 256 KB is shown]")
        );
        assert_eq!(all[0].attachments[0].id.as_deref(), Some("4"));
        assert_eq!(all[1].body.as_str(), "Internal", "the rest shows");
    }

    #[test]
    fn statuses_and_priorities_round_trip() {
        for kind in [
            StatusKind::Open,
            StatusKind::Pending,
            StatusKind::Resolved,
            StatusKind::Closed,
        ] {
            let (number, hold) = helpdesk_status(kind).expect("a status");
            assert_eq!(status(number, hold).kind, kind);
        }
        assert!(matches!(
            helpdesk_status(StatusKind::New),
            Err(DeskError::Unsupported(_))
        ));
        {}
        for level in PriorityLevel::ALL {
            assert_eq!(priority(helpdesk_priority(level)).level, level);
        }
        assert_eq!(
            status_numbers(&[StatusKind::New, StatusKind::Pending]),
            [1, 2]
        );
        assert_eq!(
            status_numbers(&[StatusKind::Closed, StatusKind::Resolved]),
            [3, 4, 5]
        );
    }
}
