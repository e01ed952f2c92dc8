//! The only door to a service desk.
//!
//! [`Desk`] is one async trait; each backend lives in its own folder and maps
//! its server's quirks into the backend-neutral [`model`]. The console, the
//! commands and the conformance tests speak to `dyn Desk` and nothing else.

pub mod demo;
pub mod gate;
pub mod helpdesk;
pub mod http;
pub mod message;
pub mod model;
pub mod paging;
pub mod query;
pub mod redmine;
pub mod retry;
pub mod rt;
pub mod upload;
pub mod zendesk;

use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;

pub use message::{cut_message, cut_with_note};
pub use model::*;
pub use query::{OwnerFilter, Page, PageRequest, Query, SlaFilter, TimeRange};
pub use upload::{MAX_DOWNLOAD, MAX_UPLOAD, read_upload};

#[async_trait]
pub trait Desk: Send + Sync {
    fn capabilities(&self) -> &Capabilities;

    /// The signed-in agent.
    async fn me(&self) -> Result<Agent, DeskError>;

    async fn queues(&self) -> Result<Vec<Queue>, DeskError>;

    async fn agents(&self) -> Result<Vec<Agent>, DeskError>;

    /// One page of the tickets matching `query`, newest first (by id,
    /// descending), so a listing by id needs only its first pages.
    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError>;

    /// Tickets matching `query` updated at or after `since`: an incremental refresh.
    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError>;

    /// One ticket with its whole conversation.
    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError>;

    /// One write, based on the version the user saw; a newer version on the
    /// server is reported as [`DeskError::Conflict`], never overwritten.
    async fn apply(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
    ) -> Result<Applied, DeskError>;

    /// Log a new ticket as the signed-in agent, for its requester: the
    /// ticket as the desk now has it.
    async fn create(&self, ticket: &NewTicket) -> Result<TicketSummary, DeskError> {
        let _ = ticket;
        Err(DeskError::Unsupported("logging new tickets"))
    }

    /// The contents of an attachment, by the id the conversation gave it.
    async fn attachment(&self, id: &str) -> Result<Vec<u8>, DeskError> {
        let _ = id;
        Err(DeskError::Unsupported("saving attachments"))
    }

    /// A ticket's page on the desk's website, `{id}` standing for its
    /// number: opened with `w`, copied with `y`. None for a desk without one.
    fn web_page(&self) -> Option<String> {
        None
    }

    /// The agent's own views on the desk, each a section of its own.
    async fn views(&self) -> Result<Vec<View>, DeskError> {
        Ok(Vec::new())
    }

    /// The desk's own macros ([`Change::DeskMacro`] applies one).
    async fn macros(&self) -> Result<Vec<DeskMacro>, DeskError> {
        Ok(Vec::new())
    }

    /// The fields agents can set on the ticket, with the values each takes.
    async fn fields(&self, id: &TicketId) -> Result<Vec<FieldSpec>, DeskError> {
        let _ = id;
        Err(DeskError::Unsupported("fields agents can set"))
    }

    /// Whether `change`, first sent at `since` on top of `based_on`, is
    /// already on the desk: a write whose answer was lost is looked for
    /// before it is sent again, so it lands once. The ticket as it is now
    /// when it is there. Backends with idempotency keys can do better; this
    /// reads the ticket's history, which every desk has.
    async fn was_applied(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
        since: Timestamp,
    ) -> Result<Option<Applied>, DeskError> {
        let _ = based_on;
        look_for(self, id, change, since).await
    }
}

/// Minutes worked as a person says them: "45m", "1h30m", "26h00m" (in
/// hours however long, as time sheets count).
pub fn time_worked(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// The ticket `asked` made, if the desk has it: a create whose answer was
/// lost is looked for before it is sent again. The same subject from the
/// same requester, made since it was sent (a minute either way for clocks
/// that differ), among the newest active tickets.
pub async fn find_created<D: Desk + ?Sized>(
    desk: &D,
    asked: &NewTicket,
    sent_at: Timestamp,
) -> Result<Option<TicketSummary>, DeskError> {
    let after = sent_at - jiff::SignedDuration::from_mins(1);
    let page = desk
        .search(&Query::active(), PageRequest::first(100))
        .await?;
    Ok(page.items.into_iter().find(|t| {
        t.subject.as_str() == asked.subject.trim()
            && t.requester
                .email
                .as_str()
                .eq_ignore_ascii_case(asked.requester_email.trim())
            && t.created >= after
    }))
}

/// Read the ticket and see whether `change` is there (see [`found_on`]).
pub async fn look_for<D: Desk + ?Sized>(
    desk: &D,
    id: &TicketId,
    change: &Change,
    since: Timestamp,
) -> Result<Option<Applied>, DeskError> {
    let now = desk.ticket(id).await?;
    let me = match change {
        Change::Assign(Assignee::Me) => Some(desk.me().await?.id),
        _ => None,
    };
    Ok(found_on(&now, change, since, me.as_ref()).then(|| Applied {
        version: now.summary.version.clone(),
        summary: now.summary,
    }))
}

/// Whether `email` is on the ticket's Cc (as its fields list it).
fn copied(now: &TicketDetail, email: &str) -> bool {
    now.custom_fields.iter().any(|(name, value)| {
        name.as_str() == "Cc"
            && value
                .as_str()
                .split(", ")
                .any(|e| e.eq_ignore_ascii_case(email))
    })
}

/// Whether the ticket as it is now shows `change`, sent at `since`: the
/// message among what agents wrote since (a minute either way for clocks
/// that differ), or the field already at its new value. A version can stay
/// the same across a write (RT's has one-second steps), so it is not asked.
pub fn found_on(
    now: &TicketDetail,
    change: &Change,
    since: Timestamp,
    me: Option<&AgentId>,
) -> bool {
    let after = since - jiff::SignedDuration::from_mins(1);
    let same = |a: &str, b: &str| a.split_whitespace().eq(b.split_whitespace());
    let message = |kind: EntryKind, body: &str| {
        now.entries
            .iter()
            .any(|e| e.kind == kind && e.by_agent && e.at >= after && same(&e.body, body))
    };
    let summary = &now.summary;
    match change {
        Change::Reply { body, .. } => message(EntryKind::Reply, body),
        Change::Note { body, .. } => message(EntryKind::Note, body),
        Change::SetStatus(status) => summary.status.kind == *status,
        Change::SetPriority(level) => summary.priority.level == *level,
        Change::MoveTo(queue) => summary.queue.id == *queue,
        // A total cannot tell whose minutes are in it: never taken as there.
        Change::LogTime(_) => false,
        Change::AddCc(email) => copied(now, email),
        // The merged ticket reads as the one it went into.
        Change::MergeInto(target) => summary.id == *target,
        Change::Link(kind, to) => now.custom_fields.iter().any(|(name, value)| {
            name.as_str() == "Links"
                && value
                    .as_str()
                    .split(" · ")
                    .any(|l| l == format!("{} #{}", kind.phrase(), to.0))
        }),
        Change::RemoveCc(email) => !copied(now, email),
        Change::SetField { name, value } => {
            field_value(now, name).map(str::to_lowercase) == value.as_deref().map(str::to_lowercase)
        }
        Change::Tag(tag) => summary.tags.iter().any(|t| t.as_str() == tag),
        Change::Untag(tag) => !summary.tags.iter().any(|t| t.as_str() == tag),
        // What a desk's macro does is the desk's to know (it says, in
        // `was_applied`).
        Change::DeskMacro { .. } => false,
        Change::Assign(Assignee::Nobody) => summary.owner.is_none(),
        Change::Assign(Assignee::Agent(agent)) => {
            summary.owner.as_ref().is_some_and(|o| o.id == *agent)
        }
        Change::Assign(Assignee::Me) => summary
            .owner
            .as_ref()
            .is_some_and(|o| me.is_some_and(|me| o.id == *me)),
    }
}

/// A few words on what an answer is, for saying it was not what was expected.
pub fn json_shape(answer: &serde_json::Value) -> String {
    match answer {
        serde_json::Value::Object(map) if map.is_empty() => "an empty object".into(),
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
            if map.len() > keys.len() {
                keys.push("…");
            }
            format!("an object with keys {}", keys.join(", "))
        }
        serde_json::Value::Array(items) => format!("a list of {} values", items.len()),
        serde_json::Value::String(_) => "a string".into(),
        serde_json::Value::Number(_) => "a number".into(),
        serde_json::Value::Bool(_) => "true or false".into(),
        serde_json::Value::Null => "null".into(),
    }
}

/// A lock that outlives a panic elsewhere: the desk must not go down with it.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A numbered desk's ticket number from its id ("42" or "#42"); anything
/// else cannot be on such a desk.
pub(crate) fn ticket_number(id: &TicketId) -> Result<u64, DeskError> {
    id.0.trim_start_matches('#')
        .parse()
        .map_err(|_| DeskError::NotFound)
}

/// A requester's role from their email's domain (or a parent domain of it).
pub fn role_by_domain(roles: &[(String, RequesterRole)], email: &str) -> RequesterRole {
    let domain = email.rsplit('@').next().unwrap_or("").to_lowercase();
    roles
        .iter()
        .find(|(d, _)| domain == *d || domain.ends_with(&format!(".{d}")))
        .map_or(RequesterRole::Unknown, |(_, role)| *role)
}

/// A desk error told in the words of what was being done, keeping its kind
/// (the CLI's exit code follows it).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Explained {
    pub error: DeskError,
    pub message: String,
}

impl DeskError {
    /// A few words for the status line: what went wrong, without the
    /// transport's detail (that goes to the log and `:messages`).
    pub fn short(&self) -> String {
        match self {
            Self::Auth => "the desk refused the sign-in".into(),
            Self::Forbidden { need } => format!("not allowed (needs {need})"),
            Self::NotFound => "not on the desk".into(),
            Self::Conflict { .. } => "changed on the desk meanwhile".into(),
            Self::RateLimited { .. } => "the desk asked us to slow down".into(),
            Self::Unreachable(why) | Self::NotSent(why) => {
                let why = why.to_lowercase();
                if why.contains("timed out") || why.contains("timeout") {
                    "the desk is not answering"
                } else if why.contains("did not speak tls") {
                    "the desk did not speak TLS"
                } else if why.contains("certificate") {
                    "the desk's certificate was refused"
                } else if why.contains("dns error") || why.contains("failed to lookup") {
                    "the desk's address is unknown"
                } else {
                    "cannot reach the desk"
                }
                .into()
            }
            Self::Server { status, .. } if *status >= 500 => {
                format!("the desk failed ({status})")
            }
            Self::Server { status, .. } => format!("the desk refused ({status})"),
            Self::Protocol(_) => "the desk's answer made no sense".into(),
            Self::Rejected(why) => format!("refused: {why}"),
            Self::Unsupported(what) => format!("this desk cannot {what}"),
            Self::Config(_) => "the profile is wrong (deskterm config check)".into(),
        }
    }

    /// This error, told as `message`.
    pub fn explained(self, message: String) -> anyhow::Error {
        anyhow::Error::new(Explained {
            error: self,
            message,
        })
    }

    /// The desk could not be asked, or could not answer now: worth trying
    /// again later, and worth showing the cached copy meanwhile.
    pub fn is_transient(&self) -> bool {
        match self {
            DeskError::Unreachable(_)
            | DeskError::NotSent(_)
            | DeskError::RateLimited { .. }
            | DeskError::Protocol(_) => true,
            DeskError::Server { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// What went wrong, phrased as what the user can do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeskError {
    #[error(
        "the desk refused the credential: sign in again (:login in the console, or deskterm login)"
    )]
    Auth,
    #[error("not allowed: this needs the {need} right")]
    Forbidden { need: String },
    #[error("not found on the desk")]
    NotFound,
    #[error("someone else changed this ticket first (now at version {})", now.0)]
    Conflict { now: Version },
    #[error("the desk asked us to slow down{}", retry_after.map(|d| format!("; retrying in {}s", d.as_secs())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    #[error("cannot reach the desk: {0}")]
    Unreachable(String),
    /// The desk could not be reached, and the request never left: no
    /// connection was made (refused, no such host, the TLS handshake failed).
    #[error("cannot reach the desk: {0}")]
    NotSent(String),
    #[error("the desk answered {status}: {message}")]
    Server { status: u16, message: String },
    #[error("the desk sent something unexpected: {0}")]
    Protocol(String),
    #[error("the desk refused: {0}")]
    Rejected(String),
    #[error("this desk cannot {0}")]
    Unsupported(&'static str),
    /// A mistake in the profile (its url, CA file or proxy), found before
    /// anything was asked of the desk: never the desk's fault, and no try
    /// again will mend it.
    #[error("the profile is wrong: {0}")]
    Config(String),
}
