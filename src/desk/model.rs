//! The backend-neutral domain model: what every desk is mapped into.
//!
//! Every string a server sent is a [`SafeText`], so nothing here can carry an
//! escape sequence to the terminal.

use arcstr::ArcStr;
use compact_str::CompactString;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::sla::SlaClocks;
use crate::text::{Pool, SafeText};

// A ticket's id and version are its own: each is kept inline (up to 24
// bytes) rather than as an allocation of its own. Queue and agent ids
// repeat on every ticket: each is kept once and shared (see
// [`TicketSummary::share`]), one pointer wide.

/// A backend's own ticket id (RT: "123", django-helpdesk: "45", demo: "1042").
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TicketId(pub CompactString);

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QueueId(pub ArcStr);

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AgentId(pub ArcStr);

/// What a write was based on (an ETag or an updated-at), for optimistic concurrency.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Version(pub CompactString);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatusKind {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
}

impl StatusKind {
    pub const ALL: [StatusKind; 5] = [
        StatusKind::New,
        StatusKind::Open,
        StatusKind::Pending,
        StatusKind::Resolved,
        StatusKind::Closed,
    ];

    /// Still needs work: new, open, or waiting on the requester.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            StatusKind::New | StatusKind::Open | StatusKind::Pending
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            StatusKind::New => "new",
            StatusKind::Open => "open",
            StatusKind::Pending => "pending",
            StatusKind::Resolved => "resolved",
            StatusKind::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// A status as the console understands it, plus what the server called it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub kind: StatusKind,
    pub raw: SafeText,
}

impl Status {
    pub fn new(kind: StatusKind) -> Self {
        Self {
            kind,
            raw: SafeText::line(kind.name()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PriorityLevel {
    Low,
    Normal,
    High,
    Urgent,
}

impl PriorityLevel {
    pub const ALL: [PriorityLevel; 4] = [
        PriorityLevel::Low,
        PriorityLevel::Normal,
        PriorityLevel::High,
        PriorityLevel::Urgent,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PriorityLevel::Low => "low",
            PriorityLevel::Normal => "normal",
            PriorityLevel::High => "high",
            PriorityLevel::Urgent => "urgent",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priority {
    pub level: PriorityLevel,
    pub raw: SafeText,
}

impl Priority {
    pub fn new(level: PriorityLevel) -> Self {
        Self {
            level,
            raw: SafeText::line(level.name()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequesterRole {
    Staff,
    Student,
    Parent,
    Community,
    Unknown,
}

impl RequesterRole {
    pub const ALL: [RequesterRole; 5] = [
        RequesterRole::Staff,
        RequesterRole::Student,
        RequesterRole::Parent,
        RequesterRole::Community,
        RequesterRole::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RequesterRole::Staff => "staff",
            RequesterRole::Student => "student",
            RequesterRole::Parent => "parent",
            RequesterRole::Community => "community",
            RequesterRole::Unknown => "unknown",
        }
    }

    pub fn parse(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(name))
            .unwrap_or(RequesterRole::Unknown)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    Web,
    Email,
    Phone,
    Sms,
    Chat,
    Social,
    WalkIn,
    Unknown,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::Web,
        Channel::Email,
        Channel::Phone,
        Channel::Sms,
        Channel::Chat,
        Channel::Social,
        Channel::WalkIn,
        Channel::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::Chat => "chat",
            Channel::Social => "social",
            Channel::WalkIn => "walk-in",
            Channel::Unknown => "unknown",
        }
    }

    pub fn parse(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
            .unwrap_or(Channel::Unknown)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: SafeText,
    pub email: SafeText,
    pub role: RequesterRole,
    /// The school or office they belong to, when the desk knows it.
    pub organisation: Option<SafeText>,
    /// Their phone number, when the desk keeps one: a caller is found by it.
    #[serde(default)]
    pub phone: Option<SafeText>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub id: AgentId,
    pub name: SafeText,
    pub email: SafeText,
    /// The queues (groups, departments) the agent works in.
    pub queues: Vec<QueueId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRef {
    pub id: AgentId,
    pub name: SafeText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub id: QueueId,
    pub name: SafeText,
    pub description: SafeText,
}

impl Queue {
    /// Queues from numbered names, as desks that number them list them,
    /// sorted by name.
    pub fn from_numbered(numbered: &[(u64, String)]) -> Vec<Queue> {
        let mut queues: Vec<Queue> = numbered
            .iter()
            .map(|(id, name)| Queue {
                id: QueueId(id.to_string().into()),
                name: SafeText::line(name),
                description: SafeText::line(""),
            })
            .collect();
        queues.sort_by(|a, b| a.name.cmp(&b.name));
        queues
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRef {
    pub id: QueueId,
    pub name: SafeText,
}

/// One row of a ticket list: everything the queue view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: TicketId,
    /// How the desk shows the id to people ("#1042", "RT-88").
    pub key: SafeText,
    pub subject: SafeText,
    pub status: Status,
    pub priority: Priority,
    pub queue: QueueRef,
    pub owner: Option<AgentRef>,
    pub requester: Requester,
    pub channel: Channel,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub first_response_at: Option<Timestamp>,
    /// When it was last resolved or closed, while it still is; `None` for an
    /// open ticket, or when the desk does not tell. `updated` is never
    /// earlier.
    #[serde(default)]
    pub resolved_at: Option<Timestamp>,
    pub sla: SlaClocks,
    pub tags: Vec<SafeText>,
    /// Minutes worked on it, as far as a listing tells (0 where the desk
    /// keeps no time).
    #[serde(default)]
    pub worked_minutes: u32,
    /// Linked to another ticket (as related, parent or child, or a
    /// dependency), as far as a listing tells.
    #[serde(default)]
    pub linked: bool,
    /// Custom fields with a value, as far as a listing tells (name, value).
    #[serde(default)]
    pub fields: Vec<(SafeText, SafeText)>,
    pub version: Version,
}

impl TicketSummary {
    /// A plain open ticket for unit tests: #7 "No heat" in Facilities, from
    /// Maria Lopez by email.
    #[cfg(test)]
    pub(crate) fn example() -> Self {
        TicketSummary {
            id: TicketId("7".into()),
            key: SafeText::line("#7"),
            subject: SafeText::line("No heat"),
            status: Status::new(StatusKind::Open),
            priority: Priority::new(PriorityLevel::Normal),
            queue: QueueRef {
                id: QueueId("5".into()),
                name: SafeText::line("Facilities"),
            },
            owner: None,
            requester: Requester {
                name: SafeText::line("Maria Lopez"),
                email: SafeText::line("m@example.org"),
                role: RequesterRole::Staff,
                organisation: None,
                phone: None,
            },
            channel: Channel::Email,
            created: jiff::Timestamp::UNIX_EPOCH,
            updated: jiff::Timestamp::UNIX_EPOCH,
            first_response_at: None,
            resolved_at: None,
            sla: Default::default(),
            tags: Vec::new(),
            worked_minutes: 0,
            fields: Vec::new(),
            linked: false,
            version: Version("1".into()),
        }
    }

    /// Keep the texts and ids every ticket repeats (status, priority,
    /// queue, owner, requester, school, policy) once, in `pool`.
    pub fn share(&mut self, pool: &mut Pool) {
        pool.share(&mut self.status.raw);
        pool.share(&mut self.priority.raw);
        pool.share_id(&mut self.queue.id.0);
        pool.share(&mut self.queue.name);
        if let Some(owner) = &mut self.owner {
            pool.share_id(&mut owner.id.0);
            pool.share(&mut owner.name);
        }
        pool.share(&mut self.requester.name);
        pool.share(&mut self.requester.email);
        if let Some(organisation) = &mut self.requester.organisation {
            pool.share(organisation);
        }
        if let Some(phone) = &mut self.requester.phone {
            pool.share(phone);
        }
        if let Some(policy) = &mut self.sla.policy {
            pool.share(policy);
        }
        for tag in &mut self.tags {
            pool.share(tag);
        }
        for (name, value) in &mut self.fields {
            pool.share(name);
            pool.share(value);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntryKind {
    /// Public: the requester sees it.
    Reply,
    /// Internal: agents only.
    Note,
    /// A change of status, owner, priority or queue.
    Event,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: SafeText,
    pub size: u64,
    pub mime: SafeText,
    /// The desk's id for the file, to fetch its contents on request; the
    /// conversation carries only its name, size and type.
    #[serde(default)]
    pub id: Option<String>,
}

/// One item of a ticket's conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: EntryKind,
    pub author: SafeText,
    /// True when an agent wrote it; false for the requester.
    pub by_agent: bool,
    pub at: Timestamp,
    pub body: SafeText,
    pub attachments: Vec<Attachment>,
    /// For a status change: the status it set.
    pub status: Option<StatusKind>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub summary: TicketSummary,
    pub entries: Vec<Entry>,
    pub custom_fields: Vec<(SafeText, SafeText)>,
}

/// Who a ticket is assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignee {
    Me,
    Agent(AgentId),
    Nobody,
}

/// A ticket an agent logs for someone (a phone call, a walk-in, a word in
/// the corridor): the requester's words are its opening message, whoever
/// typed them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub queue: QueueId,
    pub subject: String,
    /// Who asked: found among known people by email, or new.
    pub requester_email: String,
    pub requester_name: String,
    pub channel: Channel,
    pub priority: PriorityLevel,
    pub owner: Assignee,
    pub body: String,
}

/// A file sent with a reply or note. Its bytes are read when the write is
/// queued, so what is sent is what the agent chose, even if the file
/// changes or goes before the desk is reachable again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// The file's own name, without its folder.
    pub name: String,
    pub mime: String,
    #[serde(with = "base64_bytes")]
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Upload({:?}, {}, {} bytes)",
            self.name,
            self.mime,
            self.bytes.len()
        )
    }
}

/// An upload's bytes as base64 in the outbox's JSON (a quarter larger,
/// not four times as an array of numbers would be).
mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}

/// A write, as data: the outbox stores them, undo cancels them, bulk repeats them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Reply {
        body: String,
        then: Option<StatusKind>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<Upload>,
    },
    Note {
        body: String,
        then: Option<StatusKind>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<Upload>,
    },
    Assign(Assignee),
    SetStatus(StatusKind),
    SetPriority(PriorityLevel),
    MoveTo(QueueId),
    /// Minutes worked on the ticket, added to its total.
    LogTime(u32),
    /// Copy someone (an email address) on the ticket's answers, or stop.
    AddCc(String),
    RemoveCc(String),
    /// Merge this ticket into another: its requesters and conversation
    /// join that one's, and it is no longer a ticket of its own.
    MergeInto(TicketId),
    /// Link this ticket to another.
    Link(LinkKind, TicketId),
    /// Set one of the ticket's fields (a custom field) by its name, or
    /// clear it (`None`).
    SetField {
        name: String,
        value: Option<String>,
    },
    /// Put a tag on the ticket, or take one off.
    Tag(String),
    Untag(String),
    /// One of the desk's own macros ([`DeskMacro`]), as the desk applies it.
    DeskMacro {
        id: String,
        name: String,
    },
}

/// A list the desk keeps for the agent (a Zendesk view): a section of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub id: String,
    pub name: SafeText,
}

/// A macro the desk keeps (its canned replies and actions), offered beside
/// the config's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskMacro {
    pub id: String,
    pub name: SafeText,
    /// What it does, as the desk describes it.
    pub detail: SafeText,
}

/// A field agents can set on a ticket, as the desk defines it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    /// The values it takes; empty for free text.
    pub values: Vec<String>,
}

impl FieldSpec {
    /// The value as the desk spells it, or why it is not one.
    pub fn check(&self, value: &str) -> Result<String, String> {
        if self.values.is_empty() {
            return Ok(value.trim().to_string());
        }
        self.values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(value.trim()))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{} takes {}; not “{}”",
                    self.name,
                    self.values.join(", "),
                    value.trim()
                )
            })
    }
}

/// The value of the ticket's field `name` as its detail shows it.
pub fn field_value<'a>(detail: &'a TicketDetail, name: &str) -> Option<&'a str> {
    detail
        .custom_fields
        .iter()
        .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// How one ticket is linked to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    /// About the same thing (RT: refers to).
    Related,
    /// The other is this one's parent (RT: member of).
    Parent,
    /// This one waits for the other (RT: depends on).
    DependsOn,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Related, LinkKind::Parent, LinkKind::DependsOn];

    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Related => "related",
            LinkKind::Parent => "parent",
            LinkKind::DependsOn => "depends-on",
        }
    }

    /// As the ticket's Links field says it: "refers to #12".
    pub fn phrase(self) -> &'static str {
        match self {
            LinkKind::Related => "refers to",
            LinkKind::Parent => "parent",
            LinkKind::DependsOn => "depends on",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(word))
    }
}

/// What a successful write left behind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    pub version: Version,
    pub summary: TicketSummary,
}

/// The files a desk takes with a reply or note.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uploads {
    /// The most bytes one file may have; `None` when files cannot go.
    pub limit: Option<u64>,
    /// The file name endings accepted (".pdf"); empty for any.
    pub types: &'static [&'static str],
}

/// What a backend can do, so the console hides what would only fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    pub name: &'static str,
    pub reply: bool,
    pub note: bool,
    pub assign: bool,
    pub set_status: bool,
    pub set_priority: bool,
    pub move_queue: bool,
    /// The server computes SLA deadlines itself.
    pub server_sla: bool,
    /// `changed_since` is a cheap server-side query.
    pub incremental: bool,
    /// The desk searches text itself; otherwise tickets are read and filtered here.
    pub server_search: bool,
    /// The desk records changes as history, shown in the conversation.
    pub history: bool,
    /// The channels the desk answers on itself; a reply to a request from
    /// any other goes by email.
    pub delivers: &'static [Channel],
    /// Agents can log new tickets ([`crate::desk::Desk::create`]).
    pub create: bool,
    /// Attachments can be fetched to save ([`crate::desk::Desk::attachment`]).
    pub attachments: bool,
    /// Which files can go with a reply or note ([`Upload`]).
    pub uploads: Uploads,
    /// Time worked is kept per ticket ([`Change::LogTime`]).
    pub time: bool,
    /// People can be copied on a ticket ([`Change::AddCc`]).
    pub cc: bool,
    /// Tickets can be merged ([`Change::MergeInto`]).
    pub merge: bool,
    /// Tickets can be linked ([`Change::Link`]).
    pub links: bool,
    /// Fields can be set ([`Change::SetField`], [`crate::desk::Desk::fields`]).
    pub fields: bool,
    /// Tickets carry tags agents can change ([`Change::Tag`]).
    pub tags: bool,
}

impl Capabilities {
    /// What this desk cannot do, in words for the console and the README.
    pub fn lacks(&self) -> Vec<&'static str> {
        let mut lacks = Vec::new();
        for (can, what) in [
            (self.reply, "replies"),
            (self.note, "internal notes"),
            (self.assign, "assigning"),
            (self.set_status, "status changes"),
            (self.set_priority, "priority changes"),
            (self.move_queue, "moving tickets between queues"),
            (self.create, "logging new tickets"),
            (self.attachments, "saving attachments"),
            (self.uploads.limit.is_some(), "attaching files"),
            (self.time, "time worked"),
            (self.cc, "copying people on a ticket (Cc)"),
            (self.merge, "merging tickets"),
            (self.links, "linking tickets"),
            (self.fields, "fields agents can set"),
            (self.tags, "tags"),
            (
                self.server_sla,
                "SLA deadlines of its own (the console's policy applies)",
            ),
            (self.server_search, "search (tickets are filtered here)"),
            (
                self.incremental,
                "a cheap refresh (each reads every open ticket)",
            ),
            (
                self.history,
                "a change history (field changes show no event)",
            ),
        ] {
            if !can {
                lacks.push(what);
            }
        }
        lacks
    }
}
