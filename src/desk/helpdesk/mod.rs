//! django-helpdesk through its REST API (Django REST framework).
//!
//! - `map`: ticket JSON into the model, the version, the conversation
//!
//! The API is thin, and this backend works around it in the open:
//! - no queue or user listing: ids and names come from the profile, and
//!   `deskterm config check` verifies the ids against the server;
//! - no search or ordering, only `?status=`: a search reads every ticket of
//!   the statuses asked for and filters, sorts and pages here;
//! - no modification time, and a PATCH leaves no follow-up: the version is
//!   built from the fields a write changes, and a change seen without a new
//!   follow-up is dated when deskterm first saw it;
//! - no "changed since": a refresh reads the open tickets and hands on only
//!   those whose version moved, then reads one by one the tickets that left
//!   the open list.

pub mod map;

pub use map::Staff;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use jiff::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};

use super::http::{self, Auth, Client, Transport};
use super::paging::{Next, Pager};
use super::{
    Agent, AgentId, Applied, Assignee, Capabilities, Change, Desk, DeskError, FieldSpec, Page,
    PageRequest, Query, Queue, RequesterRole, TicketDetail, TicketId, TicketSummary, Version, lock,
    ticket_number,
};
use crate::text::SafeText;
use map::Names;

/// The file endings django-helpdesk accepts by default
/// (HELPDESK_VALID_EXTENSIONS); others are refused with a 400.
const HELPDESK_TYPES: &[&str] = &[
    ".txt", ".asc", ".pdf", ".doc", ".docx", ".odt", ".jpg", ".png", ".eml",
];

const CAPABILITIES: Capabilities = Capabilities {
    name: "helpdesk",
    reply: true,
    note: true,
    assign: true,
    set_status: true,
    set_priority: true,
    move_queue: true,
    server_sla: false,
    incremental: false,
    server_search: false,
    history: false,
    // RT and django-helpdesk answer by email whatever the request came by.
    delivers: &[crate::desk::Channel::Email],
    create: true,
    // Fetched from the media link its API names (served by the site).
    attachments: true,
    uploads: crate::desk::Uploads {
        limit: Some(crate::desk::MAX_UPLOAD),
        types: HELPDESK_TYPES,
    },
    time: true,
    // Its API has no way to the ticket's CC list.
    cc: false,
    // Its API cannot merge.
    merge: false,
    links: false,
    fields: true,
    tags: false,
};

const API: http::Api = http::Api {
    name: "django-helpdesk",
    root: "api",
    token_scheme: "Token",
    token_header: None,
    html_hint: "is the profile's url the django-helpdesk address (https://helpdesk.example.org, \
                without /api), and is HELPDESK_API_ENABLED on?",
};

/// Tickets asked for a page: every list request costs the server a scan of
/// all tickets, so fewer, larger pages.
const PER_PAGE: u32 = 500;

/// What a profile says about a django-helpdesk desk.
#[derive(Clone, Debug)]
pub struct HelpdeskSettings {
    pub url: String,
    /// The signed-in agent's user name, one of `agents`.
    pub user: String,
    pub auth: Auth,
    pub transport: Transport,
    /// Queue ids and names (the API cannot list them).
    pub queues: Vec<(u64, String)>,
    /// Staff users, by id.
    pub agents: Vec<map::Staff>,
    /// Email domain → requester role.
    pub roles: Vec<(String, RequesterRole)>,
}

/// What a write sends.
enum Write<'a> {
    FollowUp(Value),
    /// A follow-up with files: sent as a form, as the API takes files.
    FollowUpWith(Value, &'a [crate::desk::Upload]),
    Patch(Value),
}

pub struct HelpdeskDesk {
    client: Client,
    user: String,
    /// Queues, agents and roles from the profile.
    names: Names,
    /// Each ticket's last version seen, and when it was first seen at that
    /// version if it changed without a follow-up.
    seen: Mutex<HashMap<TicketId, (Version, Option<Timestamp>)>>,
    /// The open tickets at the last full reading of them.
    open: Mutex<Option<HashSet<TicketId>>>,
    /// The last search's tickets, so its later pages need no new reading;
    /// held across a reading, so pages asked for side by side share one.
    last_search: tokio::sync::Mutex<Option<(Query, Vec<TicketSummary>)>>,
    /// The custom fields, each with its key (`custom_<key>` in a ticket),
    /// from the API's description of a ticket; read once.
    fields: tokio::sync::OnceCell<Vec<(String, FieldSpec)>>,
}

/// A staff user as the console knows agents.
fn agent(staff: &map::Staff) -> Agent {
    Agent {
        id: AgentId(staff.id.to_string().into()),
        name: SafeText::line(&staff.name),
        email: SafeText::line(&staff.email),
        queues: Vec::new(),
    }
}

fn read_ticket(value: &Value) -> Result<map::Ticket, DeskError> {
    serde::Deserialize::deserialize(value)
        .map_err(|e| DeskError::Protocol(format!("django-helpdesk sent a ticket unlike one: {e}")))
}

/// The tickets of a list answer; one without them is no empty list.
fn results(answer: &Value) -> Result<&[Value], DeskError> {
    answer
        .get("results")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| {
            DeskError::Protocol(format!(
                "django-helpdesk sent a ticket list without results (a login page or a proxy \
                 answering?): {}",
                super::json_shape(answer)
            ))
        })
}

/// A refused write: 400 with field errors.
impl HelpdeskDesk {
    /// The custom fields from `OPTIONS tickets/`: each `custom_<key>` with
    /// its label and, for a list, its choices.
    async fn custom_fields(&self) -> Result<&Vec<(String, FieldSpec)>, DeskError> {
        self.fields
            .get_or_try_init(|| async {
                let answer = self.client.options("tickets/").await?;
                let post = answer.body["actions"]["POST"].as_object().cloned();
                Ok(post
                    .into_iter()
                    .flatten()
                    .filter_map(|(key, about)| {
                        let key = key.strip_prefix("custom_")?.to_string();
                        let name = about["label"].as_str().unwrap_or(&key).to_string();
                        let values = about["choices"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|c| c["value"].as_str().map(str::to_string))
                            .filter(|v| !v.is_empty())
                            .collect();
                        Some((key, FieldSpec { name, values }))
                    })
                    .collect())
            })
            .await
    }
}

fn refused(e: DeskError) -> DeskError {
    match e {
        DeskError::Server {
            status: 400,
            message,
        } => DeskError::Rejected(message),
        other => other,
    }
}

impl HelpdeskDesk {
    pub fn new(settings: HelpdeskSettings) -> Result<Self, DeskError> {
        Ok(Self {
            client: Client::new(&settings.url, settings.auth, &settings.transport, API)?,
            user: settings.user,
            names: Names {
                queues: settings.queues,
                agents: settings.agents,
                roles: settings.roles,
            },
            seen: Mutex::new(HashMap::new()),
            fields: tokio::sync::OnceCell::new(),
            open: Mutex::new(None),
            last_search: tokio::sync::Mutex::new(None),
        })
    }

    /// Requests and bytes so far.
    pub fn traffic(&self) -> http::Traffic {
        self.client.traffic()
    }

    fn my_id(&self) -> Option<u64> {
        self.names
            .agents
            .iter()
            .find(|a| a.login.eq_ignore_ascii_case(&self.user))
            .map(|a| a.id)
    }

    /// The summary of a ticket read at `now` (the server's clock), and
    /// whether it moved since this desk last read it. A version that moved
    /// is dated `now` unless a newer follow-up dates it.
    fn read(&self, t: &map::Ticket, now: Timestamp) -> (TicketSummary, bool) {
        let version = map::version(t);
        let id = TicketId(t.id.to_string().into());
        let mut seen = lock(&self.seen);
        let (observed, moved) = match seen.get(&id) {
            Some((v, observed)) if *v == version => (*observed, false),
            // Changed since we last looked: no later than now.
            Some(_) => (Some(now), true),
            None => (None, false),
        };
        seen.insert(id, (version, observed));
        (map::summary(t, &self.names, observed), moved)
    }

    fn summarise(&self, t: &map::Ticket, now: Timestamp) -> TicketSummary {
        self.read(t, now).0
    }

    /// Every ticket with one of `statuses` (all when empty), in id order,
    /// each with whether it moved since this desk last read it.
    async fn read_all(&self, statuses: &[u8]) -> Result<Vec<(TicketSummary, bool)>, DeskError> {
        let status = statuses
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let per_page = PER_PAGE.to_string();
        let mut all = Vec::new();
        let mut pager = Pager::new(PER_PAGE);
        for page in 1.. {
            let page_text = page.to_string();
            let mut query = vec![("page", page_text.as_str()), ("page_size", &per_page)];
            if !status.is_empty() {
                query.push(("status", &status));
            }
            let answer = self.client.get("tickets/", &query).await?;
            let now = answer.date.unwrap_or_else(Timestamp::now);
            let results = results(&answer.body)?;
            let ids: Vec<String> = results
                .iter()
                .enumerate()
                .map(|(i, item)| match item.get("id") {
                    Some(id) => id.to_string(),
                    None => format!("#{page}.{i}"),
                })
                .collect();
            let count = answer.body.get("count").and_then(Value::as_u64);
            let more = answer.body.get("next").is_some_and(|n| !n.is_null());
            let next = pager.after(count, ids, more);
            for item in results {
                // One ticket that cannot be read does not hide the others.
                match read_ticket(item) {
                    Ok(t) => all.push(self.read(&t, now)),
                    Err(e) => tracing::warn!(error = %e, "a ticket was skipped"),
                }
            }
            match next {
                Next::More => {}
                Next::Done => break,
                Next::Stopped(stopped) => {
                    return Err(DeskError::Protocol(format!("the ticket list: {stopped}")));
                }
            }
        }
        if statuses == [1, 2] {
            *lock(&self.open) = Some(all.iter().map(|(t, _)| t.id.clone()).collect());
        }
        Ok(all)
    }

    /// The tickets matching `query`, newest first.
    async fn matching(&self, query: &Query) -> Result<Vec<TicketSummary>, DeskError> {
        let me = self.my_id().map(|id| AgentId(id.to_string().into()));
        let mut found: Vec<TicketSummary> = self
            .read_all(&map::status_numbers(&query.statuses))
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .filter(|t| query.matches(t, me.as_ref()))
            .collect();
        found.sort_by_key(|t| std::cmp::Reverse(ticket_number(&t.id).unwrap_or(0)));
        Ok(found)
    }

    async fn get_ticket(&self, number: u64) -> Result<(map::Ticket, Timestamp), DeskError> {
        let answer = self.client.get(&format!("tickets/{number}/"), &[]).await?;
        let now = answer.date.unwrap_or_else(Timestamp::now);
        Ok((read_ticket(&answer.body)?, now))
    }

    async fn agent_id(&self, who: &Assignee) -> Result<Option<u64>, DeskError> {
        match who {
            Assignee::Nobody => Ok(None),
            Assignee::Me => self.my_id().map(Some).ok_or_else(|| {
                DeskError::Rejected(format!(
                    "the profile's user {:?} is not among its agents",
                    self.user
                ))
            }),
            Assignee::Agent(agent) => agent
                .0
                .parse()
                .map(Some)
                .map_err(|_| DeskError::Rejected(format!("no agent with the id {:?}", agent.0))),
        }
    }

    /// Which of the profile's queue and agent ids the server does not know:
    /// a ticket is posted without a title, which the server refuses after
    /// checking every other field, so nothing is created.
    pub async fn unknown_ids(&self) -> Result<Vec<String>, DeskError> {
        let mut unknown = Vec::new();
        let checks = self
            .names
            .queues
            .iter()
            .map(|(id, name)| ("queue", *id, name))
            .chain(
                self.names
                    .agents
                    .iter()
                    .map(|a| ("assigned_to", a.id, &a.login)),
            );
        for (field, id, name) in checks {
            let body = json!({ field: id });
            let answer = self
                .client
                .write(Method::POST, "tickets/", &body, None)
                .await;
            match answer {
                Err(DeskError::Server {
                    status: 400,
                    message,
                }) => {
                    if message.contains(&format!("{field}:")) {
                        let what = if field == "queue" { "queue" } else { "agent" };
                        unknown.push(format!("{what} {id} ({name}) is not on the desk"));
                    }
                }
                Err(e) => return Err(e),
                Ok(_) => {
                    return Err(DeskError::Protocol(
                        "django-helpdesk accepted a ticket without a title".into(),
                    ));
                }
            }
        }
        Ok(unknown)
    }
}

#[async_trait]
impl Desk for HelpdeskDesk {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    fn web_page(&self) -> Option<String> {
        Some(format!("{}/tickets/{{id}}/", self.client.site()))
    }

    /// The profile's user among its agents; the token is checked with a
    /// one-ticket list (the API has no "who am I").
    async fn me(&self) -> Result<Agent, DeskError> {
        let answer = self.client.get("tickets/", &[("page_size", "1")]).await?;
        results(&answer.body)?;
        let id = self.my_id().ok_or_else(|| {
            DeskError::Protocol(format!(
                "the profile's user {:?} is not among its agents (agents = {{ \"ID\" = \"{}\" }})",
                self.user, self.user
            ))
        })?;
        let me = self.names.agents.iter().find(|a| a.id == id);
        Ok(me.map_or_else(
            || Agent {
                id: AgentId(id.to_string().into()),
                name: SafeText::line(&self.user),
                email: SafeText::line(""),
                queues: Vec::new(),
            },
            agent,
        ))
    }

    async fn queues(&self) -> Result<Vec<Queue>, DeskError> {
        Ok(Queue::from_numbered(&self.names.queues))
    }

    async fn agents(&self) -> Result<Vec<Agent>, DeskError> {
        let mut agents: Vec<Agent> = self.names.agents.iter().map(agent).collect();
        agents.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(agents)
    }

    /// The first page reads every ticket of the query's statuses; later
    /// pages of the same query come from that reading.
    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let mut last = self.last_search.lock().await;
        let kept = last
            .as_ref()
            .filter(|(q, _)| q == query && page.page > 0)
            .map(|(_, found)| found.clone());
        let found = match kept {
            Some(found) => found,
            None => {
                let found = self.matching(query).await?;
                *last = Some((query.clone(), found.clone()));
                found
            }
        };
        drop(last);
        Ok(Page::of(&found, page))
    }

    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError> {
        let me = self.my_id().map(|id| AgentId(id.to_string().into()));
        let any_status = query.statuses.is_empty();
        let open_before = lock(&self.open).clone();
        // Any status: the open ones, then those that left the open list.
        let statuses = if any_status {
            vec![1, 2]
        } else {
            map::status_numbers(&query.statuses)
        };
        let listed = self.read_all(&statuses).await?;
        // A change dated before `since` by a coarse clock is still a change.
        let mut changed: Vec<TicketSummary> = listed
            .iter()
            .filter(|(t, moved)| *moved || t.updated >= since)
            .map(|(t, _)| t.clone())
            .collect();
        if any_status && let Some(before) = open_before {
            let now_open: HashSet<&TicketId> = listed.iter().map(|(t, _)| &t.id).collect();
            for id in before.iter().filter(|id| !now_open.contains(id)) {
                match self.get_ticket(ticket_number(id)?).await {
                    Ok((t, now)) => changed.push(self.summarise(&t, now)),
                    // Deleted: nothing to tell.
                    Err(DeskError::NotFound) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        changed.retain(|t| query.matches(t, me.as_ref()));
        Ok(changed)
    }

    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError> {
        let (t, now) = self.get_ticket(ticket_number(id)?).await?;
        let set = t.custom_fields();
        // Shown by their labels; by their keys if the API will not say.
        let specs = match set.is_empty() {
            true => &[][..],
            false => self.custom_fields().await.map_or(&[][..], Vec::as_slice),
        };
        let mut custom_fields: Vec<(SafeText, SafeText)> = set
            .into_iter()
            .map(|(key, value)| {
                let label = specs
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or(key, |(_, spec)| spec.name.as_str());
                (SafeText::line(label), SafeText::line(&value))
            })
            .collect();
        if let Some(m) = Some(t.minutes_worked()).filter(|m| *m > 0) {
            custom_fields.push((
                SafeText::line("Time worked"),
                SafeText::line(&crate::desk::time_worked(m)),
            ));
        }
        Ok(TicketDetail {
            summary: self.summarise(&t, now),
            entries: map::entries(&t, &self.names),
            custom_fields,
        })
    }

    async fn fields(&self, id: &TicketId) -> Result<Vec<FieldSpec>, DeskError> {
        self.get_ticket(ticket_number(id)?).await?;
        Ok(self
            .custom_fields()
            .await?
            .iter()
            .map(|(_, spec)| spec.clone())
            .collect())
    }

    /// Through the attachment's record: its `file` is a media link, which
    /// the site's web server must serve (django-helpdesk itself does not).
    async fn attachment(&self, id: &str) -> Result<Vec<u8>, DeskError> {
        let number: u64 = id
            .parse()
            .map_err(|_| DeskError::Rejected(format!("no attachment with the id {id:?}")))?;
        let answer = self
            .client
            .get(&format!("followups-attachments/{number}/"), &[])
            .await?;
        let link = answer.body["file"].as_str().ok_or_else(|| {
            DeskError::Protocol("the attachment's record names no file".to_string())
        })?;
        self.client.fetch_file(link, super::MAX_DOWNLOAD).await
    }

    async fn apply(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
    ) -> Result<Applied, DeskError> {
        let number = ticket_number(id)?;
        // A search's later pages must not show the ticket as it was.
        *self.last_search.lock().await = None;
        let (now, _) = self.get_ticket(number).await?;
        let current = map::version(&now);
        if !based_on.0.is_empty() && *based_on != current {
            return Err(DeskError::Conflict { now: current });
        }
        let mut writes = Vec::new();
        match change {
            Change::Reply { body, then, files } | Change::Note { body, then, files } => {
                // Never `title`: on a follow-up it renames the ticket.
                let mut followup = json!({
                    "ticket": number,
                    "comment": body,
                    "public": matches!(change, Change::Reply { .. }),
                });
                let (status, hold) = then.map(map::helpdesk_status).transpose()?.unzip();
                if let Some(status) = status
                    && status != now.status
                {
                    followup["new_status"] = json!(status);
                }
                writes.push(if files.is_empty() {
                    Write::FollowUp(followup)
                } else {
                    Write::FollowUpWith(followup, files)
                });
                if let Some(hold) = hold
                    && hold != now.on_hold
                {
                    writes.push(Write::Patch(json!({ "on_hold": hold })));
                }
            }
            Change::Assign(who) => writes.push(Write::Patch(
                json!({ "assigned_to": self.agent_id(who).await? }),
            )),
            Change::SetStatus(kind) => {
                let (status, hold) = map::helpdesk_status(*kind)?;
                // As its own web interface does: a follow-up tells the new
                // status and dates it (a PATCH leaves no trace of when).
                if status != now.status {
                    writes.push(Write::FollowUp(json!({
                        "ticket": number,
                        "comment": "",
                        "public": false,
                        "new_status": status,
                    })));
                }
                if hold != now.on_hold {
                    writes.push(Write::Patch(json!({ "on_hold": hold })));
                }
            }
            Change::SetPriority(level) => writes.push(Write::Patch(
                json!({ "priority": map::helpdesk_priority(*level) }),
            )),
            Change::AddCc(_) | Change::RemoveCc(_) => {
                return Err(DeskError::Unsupported("copying people on a ticket (Cc)"));
            }
            Change::MergeInto(_) => return Err(DeskError::Unsupported("merging tickets")),
            Change::Link(..) => return Err(DeskError::Unsupported("linking tickets")),
            Change::Tag(_) | Change::Untag(_) => return Err(DeskError::Unsupported("tags")),
            Change::DeskMacro { .. } => return Err(DeskError::Unsupported("apply desk macros")),
            // A choice it does not offer, or a clear it does not allow,
            // comes back as a 400 in its own words.
            Change::SetField { name, value } => {
                let fields = self.custom_fields().await?;
                let (key, spec) = fields
                    .iter()
                    .find(|(key, spec)| {
                        spec.name.eq_ignore_ascii_case(name.trim())
                            || key.eq_ignore_ascii_case(name.trim())
                    })
                    .ok_or_else(|| {
                        let names: Vec<&str> =
                            fields.iter().map(|(_, s)| s.name.as_str()).collect();
                        DeskError::Rejected(format!(
                            "no field “{name}” here; there are {}",
                            if names.is_empty() {
                                "none".into()
                            } else {
                                names.join(", ")
                            }
                        ))
                    })?;
                let value = match value {
                    Some(v) => spec.check(v).map_err(DeskError::Rejected)?,
                    None => String::new(),
                };
                writes.push(Write::Patch(json!({ format!("custom_{key}"): value })));
            }
            // A private follow-up that says nothing but its time.
            Change::LogTime(minutes) => writes.push(Write::FollowUp(json!({
                "ticket": number,
                "comment": "",
                "public": false,
                "time_spent": format!("{:02}:{:02}:00", minutes / 60, minutes % 60),
            }))),
            Change::MoveTo(queue) => {
                let queue: u64 = queue.0.parse().map_err(|_| {
                    DeskError::Rejected(format!("no queue with the id {:?}", queue.0))
                })?;
                writes.push(Write::Patch(json!({ "queue": queue })));
            }
        }
        for write in writes {
            let sent = match write {
                Write::FollowUp(body) => {
                    self.client
                        .write(Method::POST, "followups/", &body, None)
                        .await
                }
                Write::FollowUpWith(fields, files) => {
                    self.client
                        .write_form("followups/", &fields, "attachments", files)
                        .await
                }
                Write::Patch(body) => {
                    let path = format!("tickets/{number}/");
                    self.client.write(Method::PATCH, &path, &body, None).await
                }
            };
            sent.map_err(refused)?;
        }
        let (t, now) = self.get_ticket(number).await?;
        let summary = self.summarise(&t, now);
        Ok(Applied {
            version: summary.version.clone(),
            summary,
        })
    }

    /// The requester is the submitter's address (django-helpdesk keeps no
    /// name for it, nor the channel); the description is the opening message.
    async fn create(&self, ticket: &crate::desk::NewTicket) -> Result<TicketSummary, DeskError> {
        let queue: u64 = ticket.queue.0.parse().map_err(|_| {
            DeskError::Rejected(format!("no queue with the id {:?}", ticket.queue.0))
        })?;
        let mut body = json!({
            "queue": queue,
            "title": ticket.subject,
            // Without a description the server answers 500.
            "description": ticket.body,
            "priority": map::helpdesk_priority(ticket.priority),
            "submitter_email": ticket.requester_email.trim(),
        });
        if let Some(agent) = self.agent_id(&ticket.owner).await? {
            body["assigned_to"] = json!(agent);
        }
        *self.last_search.lock().await = None;
        let answer = self
            .client
            .write(Method::POST, "tickets/", &body, None)
            .await
            .map_err(refused)?;
        let number = answer.body["id"].as_u64().ok_or_else(|| {
            DeskError::Protocol("django-helpdesk did not say which ticket it made".into())
        })?;
        let (t, now) = self.get_ticket(number).await?;
        Ok(self.summarise(&t, now))
    }
}
