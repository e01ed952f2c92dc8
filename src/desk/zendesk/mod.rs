//! Zendesk Support through its REST API (`/api/v2`), as its published
//! OpenAPI document describes it; no live account could be reached while
//! it was built, so it was tested against that document (see the README).
//!
//! - `map`: ticket, comment and audit JSON into the model
//! - `search`: the neutral query in Zendesk's search syntax
//!
//! How it maps, and where Zendesk differs:
//! - groups are the queues; agents and admins are the agents; the agent's
//!   own views are sections of their own;
//! - listings come from the search export (cursor paged, so the offset
//!   API's 10,000-record limit is never met), read whole and sorted newest
//!   first here, since the export keeps no order;
//! - a refresh reads the incremental ticket export from the cursor the
//!   last one left (one request however many tickets the desk has);
//! - comments are the conversation (public: replies, private: notes),
//!   audits' changes its events;
//! - every write is a ticket update with `safe_update` and the
//!   `updated_stamp` the agent saw: Zendesk answers 409 when the ticket
//!   changed since, and nothing is overwritten;
//! - the account's SLA policies give the clocks (`include=slas`) where it
//!   has them; the console's policy applies otherwise.

pub mod map;
pub mod search;

use std::sync::Mutex;

use async_trait::async_trait;
use jiff::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};

use super::http::{self, Auth, Client, Transport};
use super::paging::{Next, Pager};
use super::{
    Agent, AgentId, Applied, Assignee, Capabilities, Change, Desk, DeskError, DeskMacro, FieldSpec,
    NewTicket, Page, PageRequest, Query, Queue, QueueId, RequesterRole, TicketDetail, TicketId,
    TicketSummary, Version, View, lock, ticket_number,
};
use crate::text::SafeText;
use map::{Field, Names, User};

/// Zendesk's most per upload (its documented attachment limit).
const UPLOAD_LIMIT: u64 = 50 * 1024 * 1024;

const CAPABILITIES: Capabilities = Capabilities {
    name: "zendesk",
    reply: true,
    note: true,
    assign: true,
    set_status: true,
    set_priority: true,
    move_queue: true,
    // Where the account has SLA policies; the engine fills in the rest.
    server_sla: true,
    incremental: true,
    server_search: true,
    history: true,
    delivers: &[
        crate::desk::Channel::Email,
        crate::desk::Channel::Web,
        crate::desk::Channel::Sms,
        crate::desk::Channel::Chat,
        crate::desk::Channel::Social,
    ],
    create: true,
    attachments: true,
    uploads: crate::desk::Uploads {
        limit: Some(UPLOAD_LIMIT),
        types: &[],
    },
    // Time tracking is an app on Zendesk, not its API.
    time: false,
    cc: true,
    merge: true,
    // Zendesk links only incidents to problems.
    links: false,
    fields: true,
    tags: true,
};

const API: http::Api = http::Api {
    name: "Zendesk",
    root: "api/v2",
    token_scheme: "Bearer",
    token_header: None,
    html_hint: "is the profile's url the Zendesk address (https://district.zendesk.com), or \
                its subdomain right?",
};

/// Per page on cursor-paged lists.
const PER_PAGE: u32 = 100;
/// The most one listing reads before it asks for a narrower search.
const MOST_LISTED: usize = 20_000;

/// What a profile says about a Zendesk desk.
#[derive(Clone, Debug)]
pub struct ZendeskSettings {
    pub url: String,
    /// The agent's email address.
    pub user: String,
    /// `email/token` basic auth for an API token, a bearer token for OAuth.
    pub auth: Auth,
    pub transport: Transport,
    /// A ticket field holding the channel.
    pub channel_field: Option<String>,
    /// Email domain → requester role.
    pub roles: Vec<(String, RequesterRole)>,
}

/// What is read once: who the agent is, and the desk's groups and fields.
struct Directory {
    me: Agent,
    my_id: u64,
    /// Ticket fields agents can set.
    fields: Vec<Field>,
}

/// A listing read whole, kept for its later pages.
struct Listing {
    key: String,
    at: std::time::Instant,
    tickets: Vec<TicketSummary>,
}

pub struct ZendeskDesk {
    client: Client,
    settings: ZendeskSettings,
    directory: tokio::sync::OnceCell<Directory>,
    names: Mutex<Names>,
    /// The last listing, for its next pages.
    listing: Mutex<Option<Listing>>,
    /// Where the incremental export stopped, and the time it stood for.
    cursor: Mutex<Option<(String, Timestamp)>>,
}

fn list<'a>(answer: &'a Value, key: &str) -> Result<&'a [Value], DeskError> {
    answer[key]
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| DeskError::Protocol(format!("Zendesk sent a list without `{key}`")))
}

/// Zendesk's refusals in its own words (`description` and `details`).
fn refused(e: DeskError) -> DeskError {
    match e {
        DeskError::Server {
            status: 422,
            message,
        } => DeskError::Rejected(message),
        other => other,
    }
}

fn id_of(text: &str, what: &str) -> Result<u64, DeskError> {
    text.trim()
        .parse()
        .map_err(|_| DeskError::Rejected(format!("no {what} with the id {text:?}")))
}

impl ZendeskDesk {
    pub fn new(settings: ZendeskSettings) -> Result<Self, DeskError> {
        Ok(Self {
            client: Client::new(
                &settings.url,
                settings.auth.clone(),
                &settings.transport,
                API,
            )?,
            names: Mutex::new(Names {
                channel_field: settings.channel_field.clone(),
                roles: settings.roles.clone(),
                ..Names::default()
            }),
            settings,
            directory: tokio::sync::OnceCell::new(),
            listing: Mutex::new(None),
            cursor: Mutex::new(None),
        })
    }

    /// Requests and bytes so far.
    pub fn traffic(&self) -> http::Traffic {
        self.client.traffic()
    }

    /// Every item of a cursor-paged list (`page[size]`, `meta.after_cursor`).
    async fn all(
        &self,
        path: &str,
        key: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, DeskError> {
        self.up_to(path, key, query, usize::MAX).await
    }

    /// The items of a cursor-paged list, refused once there are more than
    /// `most`.
    async fn up_to(
        &self,
        path: &str,
        key: &str,
        query: &[(&str, &str)],
        most: usize,
    ) -> Result<Vec<Value>, DeskError> {
        let mut items = Vec::new();
        let mut pager = Pager::new(PER_PAGE);
        let mut after: Option<String> = None;
        let size = PER_PAGE.to_string();
        loop {
            let mut asked = query.to_vec();
            asked.push(("page[size]", size.as_str()));
            if let Some(after) = &after {
                asked.push(("page[after]", after.as_str()));
            }
            let answer = self.client.get(path, &asked).await?;
            let page = list(&answer.body, key)?.to_vec();
            let ids: Vec<String> = page.iter().map(|v| v["id"].to_string()).collect();
            let meta = &answer.body["meta"];
            let more = meta["has_more"] == true;
            after = meta["after_cursor"].as_str().map(str::to_string);
            items.extend(page);
            if items.len() > most {
                return Err(DeskError::Rejected(format!(
                    "more than {most} match; narrow the search"
                )));
            }
            match pager.after(None, ids, more && after.is_some()) {
                Next::More => {}
                Next::Done => return Ok(items),
                Next::Stopped(stopped) => {
                    return Err(DeskError::Protocol(format!("{path}: {stopped}")));
                }
            }
        }
    }

    async fn directory(&self) -> Result<&Directory, DeskError> {
        self.directory
            .get_or_try_init(|| self.read_directory())
            .await
    }

    async fn read_directory(&self) -> Result<Directory, DeskError> {
        let answer = self.client.get("users/me", &[]).await?;
        let (my_id, me) = User::from_json(&answer.body["user"])
            .filter(|(id, _)| *id != 0)
            .ok_or_else(|| {
                DeskError::Protocol("Zendesk did not say who the credential belongs to".into())
            })?;
        if !me.is_agent() {
            return Err(DeskError::Forbidden {
                need: "Zendesk agent".into(),
            });
        }
        let groups: Vec<(u64, String)> = self
            .all("groups", "groups", &[])
            .await?
            .iter()
            .filter(|g| g["deleted"] != true)
            .filter_map(|g| Some((g["id"].as_u64()?, g["name"].as_str()?.to_string())))
            .collect();
        let mut fields = Vec::new();
        for f in self.all("ticket_fields", "ticket_fields", &[]).await? {
            // Custom fields are the removable ones; the rest are the
            // ticket's own (status, group, ...).
            if f["removable"] != true || f["active"] == false {
                continue;
            }
            let (Some(id), Some(title)) = (f["id"].as_u64(), f["title"].as_str()) else {
                continue;
            };
            let options = f["custom_field_options"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| {
                    Some((
                        o["name"].as_str()?.to_string(),
                        o["value"].as_str()?.to_string(),
                    ))
                })
                .collect();
            fields.push(Field {
                id,
                title: title.to_string(),
                options,
            });
        }
        let agent = Agent {
            id: AgentId(my_id.to_string().into()),
            name: SafeText::line(&me.name),
            email: SafeText::line(&me.email),
            queues: Vec::new(),
        };
        let mut names = lock(&self.names);
        names.groups = groups;
        names.fields = fields.clone();
        names.users.insert(my_id, me);
        Ok(Directory {
            me: agent,
            my_id,
            fields,
        })
    }

    /// Learn the people `tickets` name that are not known yet, a hundred
    /// to a request.
    async fn know_people(&self, tickets: &[Value]) -> Result<(), DeskError> {
        let mut wanted: Vec<u64> = {
            let names = lock(&self.names);
            tickets
                .iter()
                .flat_map(|t| {
                    let mut ids = vec![
                        t["requester_id"].as_u64(),
                        t["assignee_id"].as_u64(),
                        t["author_id"].as_u64(),
                    ];
                    for key in ["email_cc_ids", "collaborator_ids"] {
                        ids.extend(t[key].as_array().into_iter().flatten().map(Value::as_u64));
                    }
                    ids
                })
                .flatten()
                .filter(|id| !names.users.contains_key(id))
                .collect()
        };
        wanted.sort_unstable();
        wanted.dedup();
        for chunk in wanted.chunks(100) {
            let ids: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let ids = ids.join(",");
            let answer = self
                .client
                .get("users/show_many", &[("ids", ids.as_str())])
                .await?;
            let mut names = lock(&self.names);
            for user in list(&answer.body, "users")? {
                if let Some((id, user)) = User::from_json(user) {
                    names.users.insert(id, user);
                }
            }
        }
        Ok(())
    }

    /// Tickets as summaries, their people learnt first.
    async fn summaries(&self, tickets: &[Value]) -> Result<Vec<TicketSummary>, DeskError> {
        self.directory().await?;
        self.know_people(tickets).await?;
        let names = lock(&self.names);
        Ok(tickets
            .iter()
            .filter_map(|t| map::summary(t, &names))
            .collect())
    }

    /// Every ticket of a search, from the export, newest first.
    async fn export(&self, text: &str) -> Result<Vec<TicketSummary>, DeskError> {
        let results = self
            .up_to(
                "search/export",
                "results",
                &[("query", text), ("filter[type]", "ticket")],
                MOST_LISTED,
            )
            .await?;
        let tickets: Vec<Value> = results
            .into_iter()
            .filter(|r| r["result_type"].as_str().is_none_or(|t| t == "ticket"))
            .collect();
        let mut tickets = self.summaries(&tickets).await?;
        tickets.sort_by_key(|t| std::cmp::Reverse(t.id.0.parse::<u64>().unwrap_or(0)));
        Ok(tickets)
    }

    /// A view's tickets: its first page, as the contract pages no further.
    async fn view_tickets(&self, view: &str) -> Result<Vec<TicketSummary>, DeskError> {
        let view = id_of(view, "view")?;
        let answer = self
            .client
            .get(
                &format!("views/{view}/tickets"),
                &[("sort_by", "created_at"), ("sort_order", "desc")],
            )
            .await?;
        self.summaries(list(&answer.body, "tickets")?).await
    }

    async fn raw_ticket(&self, number: u64) -> Result<Value, DeskError> {
        let answer = self
            .client
            .get(
                &format!("tickets/{number}"),
                &[("include", "slas,users,groups")],
            )
            .await?;
        self.learn_sideloads(&answer.body);
        let ticket = answer.body["ticket"].clone();
        if !ticket.is_object() {
            return Err(DeskError::Protocol(
                "Zendesk sent a ticket without its `ticket`".into(),
            ));
        }
        Ok(ticket)
    }

    /// People and groups a ticket read brought along (`include=users`).
    fn learn_sideloads(&self, body: &Value) {
        let mut names = lock(&self.names);
        for user in body["users"].as_array().into_iter().flatten() {
            if let Some((id, user)) = User::from_json(user) {
                names.users.insert(id, user);
            }
        }
    }

    /// The ticket's whole conversation: comments and audits, oldest first.
    async fn conversation(&self, number: u64) -> Result<(Vec<Value>, Vec<Value>), DeskError> {
        let comments = self
            .all(
                &format!("tickets/{number}/comments"),
                "comments",
                &[("sort_order", "asc"), ("include", "users")],
            )
            .await?;
        let audits = self
            .all(&format!("tickets/{number}/audits"), "audits", &[])
            .await?;
        Ok((comments, audits))
    }

    fn summary_of(&self, ticket: &Value) -> Result<TicketSummary, DeskError> {
        map::summary(ticket, &lock(&self.names))
            .ok_or_else(|| DeskError::Protocol("Zendesk sent a ticket without its id".into()))
    }

    fn agent_id(&self, directory: &Directory, who: &Assignee) -> Result<Value, DeskError> {
        Ok(match who {
            Assignee::Me => json!(directory.my_id),
            Assignee::Agent(id) => json!(id_of(&id.0, "agent")?),
            Assignee::Nobody => Value::Null,
        })
    }

    /// Each file sent to `uploads` first; their tokens go with the comment.
    async fn upload(&self, files: &[crate::desk::Upload]) -> Result<Vec<String>, DeskError> {
        let mut tokens = Vec::new();
        for file in files {
            let answer = self
                .client
                .post_bytes(
                    "uploads",
                    &[("filename", file.name.as_str())],
                    &file.bytes,
                    &file.mime,
                )
                .await
                .map_err(refused)?;
            let token = answer.body["upload"]["token"].as_str().ok_or_else(|| {
                DeskError::Protocol("Zendesk took a file without giving its token".into())
            })?;
            tokens.push(token.to_string());
        }
        Ok(tokens)
    }

    /// The update a change makes to the ticket, as `ticket` fields.
    async fn update_for(
        &self,
        directory: &Directory,
        now: &Value,
        change: &Change,
    ) -> Result<serde_json::Map<String, Value>, DeskError> {
        let mut ticket = serde_json::Map::new();
        match change {
            Change::Reply { body, then, files } | Change::Note { body, then, files } => {
                let mut comment = json!({
                    "body": body,
                    "public": matches!(change, Change::Reply { .. }),
                });
                if !files.is_empty() {
                    comment["uploads"] = json!(self.upload(files).await?);
                }
                ticket.insert("comment".into(), comment);
                if let Some(kind) = then {
                    ticket.insert("status".into(), json!(map::status_name(*kind)));
                }
            }
            Change::Assign(who) => {
                ticket.insert("assignee_id".into(), self.agent_id(directory, who)?);
            }
            Change::SetStatus(kind) => {
                ticket.insert("status".into(), json!(map::status_name(*kind)));
            }
            Change::SetPriority(level) => {
                ticket.insert("priority".into(), json!(level.name()));
            }
            Change::MoveTo(queue) => {
                ticket.insert("group_id".into(), json!(id_of(&queue.0, "group")?));
            }
            Change::AddCc(email) | Change::RemoveCc(email) => {
                let action = match change {
                    Change::AddCc(_) => "put",
                    _ => "delete",
                };
                ticket.insert(
                    "email_ccs".into(),
                    json!([{ "user_email": email.trim(), "action": action }]),
                );
            }
            // Zendesk's own status by name, on-hold among them, which the
            // console's five do not name (`:field Status = hold`).
            Change::SetField { name, value }
                if name.trim().eq_ignore_ascii_case("status")
                    && !directory
                        .fields
                        .iter()
                        .any(|f| f.title.eq_ignore_ascii_case("status")) =>
            {
                let raw = value.as_deref().unwrap_or_default().trim().to_lowercase();
                let raw = match raw.as_str() {
                    "on-hold" | "on hold" => "hold".to_string(),
                    other => other.to_string(),
                };
                if !["new", "open", "pending", "hold", "solved", "closed"].contains(&raw.as_str()) {
                    return Err(DeskError::Rejected(format!(
                        "Status takes new, open, pending, hold, solved, closed; not “{raw}”"
                    )));
                }
                ticket.insert("status".into(), json!(raw));
            }
            Change::SetField { name, value } => {
                let field = directory
                    .fields
                    .iter()
                    .find(|f| f.title.eq_ignore_ascii_case(name.trim()))
                    .ok_or_else(|| {
                        let titles: Vec<&str> =
                            directory.fields.iter().map(|f| f.title.as_str()).collect();
                        DeskError::Rejected(format!(
                            "no field “{name}” here; there are {}",
                            if titles.is_empty() {
                                "none".into()
                            } else {
                                titles.join(", ")
                            }
                        ))
                    })?;
                let spec = FieldSpec {
                    name: field.title.clone(),
                    values: field.options.iter().map(|(n, _)| n.clone()).collect(),
                };
                // A list's option is sent as its value (a tag), chosen by
                // name; empty clears it (the contract has no null for it).
                let value = match value {
                    None => json!(""),
                    Some(v) => json!(field.stored(&spec.check(v).map_err(DeskError::Rejected)?)),
                };
                ticket.insert(
                    "custom_fields".into(),
                    json!([{ "id": field.id, "value": value }]),
                );
            }
            Change::Tag(tag) | Change::Untag(tag) => {
                let mut tags: Vec<String> = now["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                // Zendesk's tags are single words, lower case.
                let tag = tag.trim().to_lowercase().replace(' ', "_");
                tags.retain(|t| *t != tag);
                if matches!(change, Change::Tag(_)) {
                    tags.push(tag);
                }
                ticket.insert("tags".into(), json!(tags));
            }
            Change::DeskMacro { id, .. } => {
                let number = now["id"].as_u64().unwrap_or(0);
                let macro_id = id_of(id, "macro")?;
                let answer = self
                    .client
                    .get(&format!("tickets/{number}/macros/{macro_id}/apply"), &[])
                    .await?;
                ticket = macro_update(&answer.body["result"]);
            }
            Change::LogTime(_) => return Err(DeskError::Unsupported("keep time worked")),
            Change::Link(..) => return Err(DeskError::Unsupported("link tickets")),
            Change::MergeInto(_) => unreachable!("merges are not updates"),
        }
        Ok(ticket)
    }

    /// The ticket read whole, and the one it was merged into if it was.
    async fn detail(&self, number: u64) -> Result<(TicketDetail, Option<u64>), DeskError> {
        self.directory().await?;
        let ticket = self.raw_ticket(number).await?;
        let (comments, audits) = self.conversation(number).await?;
        let mut everything = vec![ticket.clone()];
        everything.extend(comments.iter().cloned());
        everything.extend(audits.iter().cloned());
        self.know_people(&everything).await?;
        let names = lock(&self.names);
        let mut summary = map::summary(&ticket, &names)
            .ok_or_else(|| DeskError::Protocol("Zendesk sent a ticket without its id".into()))?;
        let entries = map::entries(&ticket, &comments, &audits, &names);
        summary.first_response_at = entries
            .iter()
            .skip(1)
            .find(|e| e.kind == crate::desk::EntryKind::Reply && e.by_agent)
            .map(|e| e.at);
        let mut custom_fields = summary.fields.clone();
        let copied = map::copied(&ticket, &names);
        if !copied.is_empty() {
            custom_fields.push((SafeText::line("Cc"), SafeText::line(&copied.join(", "))));
        }
        if let Some(problem) = ticket["problem_id"].as_u64() {
            custom_fields.push((
                SafeText::line("Links"),
                SafeText::line(&format!("incident of #{problem}")),
            ));
        }
        Ok((
            TicketDetail {
                summary,
                entries,
                custom_fields,
            },
            merged_into(&ticket, &comments),
        ))
    }

    /// Merge ticket `number` (its subject `subject`) into `into`, saying so
    /// on both (the other's subject on the one that stays).
    async fn merge(&self, number: u64, subject: &str, into: &TicketId) -> Result<(), DeskError> {
        let target = ticket_number(into)?;
        if target == number {
            return Err(DeskError::Rejected(
                "a ticket cannot be merged into itself".into(),
            ));
        }
        self.client
            .write(
                Method::POST,
                &format!("tickets/{target}/merge"),
                &json!({
                    "ids": [number],
                    "source_comment": format!("Merged into #{target}."),
                    "target_comment": format!("#{number} “{subject}” was merged into this ticket."),
                    "source_comment_is_public": false,
                    "target_comment_is_public": false,
                }),
                None,
            )
            .await
            .map_err(refused)?;
        Ok(())
    }
}

/// The ticket a merged one went into: Zendesk closes it with the tag
/// `closed_by_merge` and a comment naming the other ("merged into
/// request #12", or deskterm's own "Merged into #12.").
fn merged_into(ticket: &Value, comments: &[Value]) -> Option<u64> {
    let merged = ticket["tags"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t == "closed_by_merge"));
    if !merged {
        return None;
    }
    comments.iter().rev().find_map(|c| {
        let body = c["body"].as_str()?;
        let at = body.to_lowercase().find("merged into")?;
        let rest = &body[at..];
        let digits: String = rest[rest.find('#')? + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

/// The update a macro's preview gives (`result.ticket`, its comment within
/// as the contract has it, or beside as Zendesk's older examples do), as
/// fields of a ticket update: only what a request may carry.
fn macro_update(result: &Value) -> serde_json::Map<String, Value> {
    const SETTABLE: &[&str] = &[
        "status",
        "priority",
        "type",
        "assignee_id",
        "group_id",
        "tags",
        "custom_fields",
        "subject",
    ];
    let mut ticket = serde_json::Map::new();
    if let Some(fields) = result["ticket"].as_object() {
        for (key, value) in fields {
            if SETTABLE.contains(&key.as_str()) {
                ticket.insert(key.clone(), value.clone());
            }
        }
    }
    let comment = match &result["ticket"]["comment"] {
        Value::Object(_) => &result["ticket"]["comment"],
        _ => &result["comment"],
    };
    if let Some(body) = comment["body"].as_str().filter(|b| !b.trim().is_empty()) {
        ticket.insert(
            "comment".into(),
            json!({ "body": body, "public": comment["public"] != false }),
        );
    }
    ticket
}

#[async_trait]
impl Desk for ZendeskDesk {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    fn web_page(&self) -> Option<String> {
        Some(format!("{}/agent/tickets/{{id}}", self.client.site()))
    }

    async fn me(&self) -> Result<Agent, DeskError> {
        Ok(self.directory().await?.me.clone())
    }

    async fn queues(&self) -> Result<Vec<Queue>, DeskError> {
        self.directory().await?;
        Ok(Queue::from_numbered(&lock(&self.names).groups))
    }

    async fn agents(&self) -> Result<Vec<Agent>, DeskError> {
        self.directory().await?;
        let people = self
            .all(
                "users",
                "users",
                &[("role[]", "agent"), ("role[]", "admin")],
            )
            .await?;
        let mut names = lock(&self.names);
        let mut agents = Vec::new();
        for person in &people {
            let Some((id, user)) = User::from_json(person) else {
                continue;
            };
            if person["suspended"] != true {
                agents.push(Agent {
                    id: AgentId(id.to_string().into()),
                    name: SafeText::line(&user.name),
                    email: SafeText::line(&user.email),
                    queues: person["default_group_id"]
                        .as_u64()
                        .map(|g| QueueId(g.to_string().into()))
                        .into_iter()
                        .collect(),
                });
            }
            names.users.insert(id, user);
        }
        agents.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(agents)
    }

    /// An agent whose role may not list views has none.
    async fn views(&self) -> Result<Vec<View>, DeskError> {
        let answer = match self.client.get("views/active", &[]).await {
            Err(DeskError::Forbidden { .. }) => return Ok(Vec::new()),
            other => other?,
        };
        Ok(list(&answer.body, "views")?
            .iter()
            .filter_map(|v| {
                Some(View {
                    id: v["id"].as_u64()?.to_string(),
                    name: SafeText::line(v["title"].as_str()?),
                })
            })
            .collect())
    }

    /// An agent whose role may not use macros has none.
    async fn macros(&self) -> Result<Vec<DeskMacro>, DeskError> {
        let answer = match self.client.get("macros/active", &[]).await {
            Err(DeskError::Forbidden { .. }) => return Ok(Vec::new()),
            other => other?,
        };
        Ok(list(&answer.body, "macros")?
            .iter()
            .filter_map(|m| {
                Some(DeskMacro {
                    id: m["id"].as_u64()?.to_string(),
                    name: SafeText::line(m["title"].as_str()?),
                    detail: SafeText::line(m["description"].as_str().unwrap_or("Zendesk macro")),
                })
            })
            .collect())
    }

    /// A view's first page, or the search export read whole and kept
    /// for the later pages of the same query.
    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let directory = self.directory().await?;
        let key = format!("{query:?}");
        let kept = match page.page {
            0 => None,
            _ => lock(&self.listing)
                .as_ref()
                .filter(|l| l.key == key && l.at.elapsed().as_secs() < 600)
                .map(|l| l.tickets.clone()),
        };
        let tickets = match kept {
            Some(tickets) => tickets,
            None => {
                let found = match &query.view {
                    Some(view) => self.view_tickets(view).await?,
                    None => {
                        let text = search::translate(query, &lock(&self.names));
                        self.export(&text).await?
                    }
                };
                let me = Some(&directory.me.id);
                let found: Vec<TicketSummary> = match &query.view {
                    Some(_) => found,
                    // What the search syntax cannot say is checked here.
                    None => found
                        .into_iter()
                        .filter(|t| query.matches_fields(t, me))
                        .collect(),
                };
                *lock(&self.listing) = Some(Listing {
                    key,
                    at: std::time::Instant::now(),
                    tickets: found.clone(),
                });
                found
            }
        };
        Ok(Page::of(&tickets, page))
    }

    /// The incremental export from where the last refresh left it (from
    /// `since` the first time): one request while fewer than a thousand
    /// tickets changed.
    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError> {
        let directory = self.directory().await?;
        let kept = lock(&self.cursor)
            .clone()
            .filter(|(_, from)| *from <= since);
        // Zendesk refuses a start less than a minute ago.
        let start = (since - jiff::SignedDuration::from_secs(1))
            .min(Timestamp::now() - jiff::SignedDuration::from_secs(61))
            .as_second()
            .max(0)
            .to_string();
        let mut cursor = kept.map(|(cursor, _)| cursor);
        let mut all = Vec::new();
        let mut pager = Pager::new(1000);
        loop {
            let mut asked = vec![("per_page", "1000")];
            match &cursor {
                Some(cursor) => asked.push(("cursor", cursor.as_str())),
                None => asked.push(("start_time", start.as_str())),
            }
            let answer = self
                .client
                .get("incremental/tickets/cursor", &asked)
                .await?;
            let tickets = list(&answer.body, "tickets")?;
            let ids: Vec<String> = tickets.iter().map(|t| t["id"].to_string()).collect();
            let done = answer.body["end_of_stream"] == true;
            if let Some(next) = answer.body["after_cursor"].as_str() {
                cursor = Some(next.to_string());
            }
            all.extend(self.summaries(tickets).await?);
            match pager.after(None, ids, !done) {
                Next::More => {}
                Next::Done => break,
                Next::Stopped(stopped) => {
                    return Err(DeskError::Protocol(format!(
                        "the changed tickets: {stopped}"
                    )));
                }
            }
        }
        if let Some(cursor) = cursor {
            // A later refresh (asking since this one's `since` or after)
            // goes on from here.
            *lock(&self.cursor) = Some((cursor, since));
        }
        let me = Some(&directory.me.id);
        let mut changed: Vec<TicketSummary> = all
            .into_iter()
            .filter(|t| t.updated >= since - jiff::SignedDuration::from_secs(1))
            .filter(|t| query.matches(t, me))
            .collect();
        // A ticket changed twice is in the export twice: the later counts.
        changed.sort_by_key(|t| std::cmp::Reverse(t.updated));
        let mut seen = std::collections::HashSet::new();
        changed.retain(|t| seen.insert(t.id.clone()));
        Ok(changed)
    }

    /// A merged ticket reads as the one it went into.
    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError> {
        let (detail, merged_into) = self.detail(ticket_number(id)?).await?;
        match merged_into {
            Some(target) => Ok(self.detail(target).await?.0),
            None => Ok(detail),
        }
    }

    async fn fields(&self, _id: &TicketId) -> Result<Vec<FieldSpec>, DeskError> {
        let directory = self.directory().await?;
        Ok(directory
            .fields
            .iter()
            .map(|f| FieldSpec {
                name: f.title.clone(),
                values: f.options.iter().map(|(n, _)| n.clone()).collect(),
            })
            .collect())
    }

    /// The file at its link, which the conversation gave as its id: with
    /// the credential only on the desk's own address.
    async fn attachment(&self, id: &str) -> Result<Vec<u8>, DeskError> {
        self.client.fetch_file(id, super::MAX_DOWNLOAD).await
    }

    async fn apply(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
    ) -> Result<Applied, DeskError> {
        let directory = self.directory().await?;
        let number = ticket_number(id)?;
        let now = self.raw_ticket(number).await?;
        let current = map::version(&now);
        if !based_on.0.is_empty() && *based_on != current {
            return Err(DeskError::Conflict { now: current });
        }
        if let Change::MergeInto(into) = change {
            let subject = now["subject"].as_str().unwrap_or_default();
            self.merge(number, subject, into).await?;
            // The write answers the ticket it went into.
            let after = self.raw_ticket(ticket_number(into)?).await?;
            let summary = self.summary_of(&after)?;
            return Ok(Applied {
                version: summary.version.clone(),
                summary,
            });
        }
        let mut ticket = self.update_for(directory, &now, change).await?;
        if ticket.is_empty() {
            return Err(DeskError::Rejected("the macro changes nothing".into()));
        }
        // Zendesk refuses the update (409) if the ticket changed since the
        // stamp: the check above and this one leave no gap for a race.
        ticket.insert("safe_update".into(), json!(true));
        ticket.insert("updated_stamp".into(), json!(current.0));
        let answer = self
            .client
            .write(
                Method::PUT,
                &format!("tickets/{number}"),
                &json!({ "ticket": ticket }),
                None,
            )
            .await
            .map_err(|e| match e {
                DeskError::Conflict { .. } => DeskError::Conflict {
                    now: Version(Default::default()),
                },
                other => refused(other),
            })?;
        let after = &answer.body["ticket"];
        self.know_people(std::slice::from_ref(after)).await?;
        let summary = self.summary_of(after)?;
        Ok(Applied {
            version: summary.version.clone(),
            summary,
        })
    }

    /// The caller is the requester (found by address, or made); the agent
    /// is who logged it.
    async fn create(&self, ticket: &NewTicket) -> Result<TicketSummary, DeskError> {
        let directory = self.directory().await?;
        let mut made = json!({
            "subject": ticket.subject,
            "comment": { "body": ticket.body, "public": true },
            "requester": {
                "email": ticket.requester_email.trim(),
                "name": match ticket.requester_name.trim() {
                    "" => ticket.requester_email.trim(),
                    name => name,
                },
            },
            "group_id": id_of(&ticket.queue.0, "group")?,
            "priority": ticket.priority.name(),
        });
        if ticket.owner != Assignee::Nobody {
            made["assignee_id"] = self.agent_id(directory, &ticket.owner)?;
        }
        if let Some(field) = self.settings.channel_field.as_deref()
            && let Some(field) = directory
                .fields
                .iter()
                .find(|f| f.title.eq_ignore_ascii_case(field))
        {
            let value = field.stored(ticket.channel.name());
            made["custom_fields"] = json!([{ "id": field.id, "value": value }]);
        }
        let answer = self
            .client
            .write(Method::POST, "tickets", &json!({ "ticket": made }), None)
            .await
            .map_err(refused)?;
        let made = &answer.body["ticket"];
        self.know_people(std::slice::from_ref(made)).await?;
        self.summary_of(made)
    }

    /// A merge whose answer was lost is there when the ticket is closed;
    /// a macro's when the ticket changed, by this agent, since it went.
    async fn was_applied(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
        since: Timestamp,
    ) -> Result<Option<Applied>, DeskError> {
        let found = match change {
            Change::MergeInto(_) | Change::DeskMacro { .. } => {
                let number = ticket_number(id)?;
                let now = self.raw_ticket(number).await?;
                let summary = self.summary_of(&now)?;
                let landed = match change {
                    Change::MergeInto(_) => summary.status.kind == crate::desk::StatusKind::Closed,
                    _ => {
                        let me = self.directory().await?.my_id;
                        let audits = self
                            .all(&format!("tickets/{number}/audits"), "audits", &[])
                            .await?;
                        summary.version != *based_on
                            && audits.iter().any(|a| {
                                a["author_id"].as_u64() == Some(me)
                                    && a["created_at"].as_str().and_then(|t| t.parse().ok())
                                        >= Some(since - jiff::SignedDuration::from_mins(1))
                            })
                    }
                };
                landed.then(|| Applied {
                    version: summary.version.clone(),
                    summary,
                })
            }
            _ => return crate::desk::look_for(self, id, change, since).await,
        };
        Ok(found)
    }
}

/// The credential a profile gives, as Zendesk takes it: an API token as
/// `email/token` basic auth, an OAuth access token as a bearer token.
pub fn auth(email: &str, secret: crate::config::secret::Secret, oauth: bool) -> Auth {
    match oauth {
        true => Auth::Token(secret),
        false => Auth::Basic {
            user: format!("{}/token", email.trim()),
            password: secret,
        },
    }
}

/// `https://{subdomain}.zendesk.com` from a subdomain, or the url as given.
pub fn desk_url(url: Option<&str>, subdomain: Option<&str>) -> String {
    match (url, subdomain) {
        (Some(url), _) if !url.trim().is_empty() => url.trim().to_string(),
        (_, Some(sub)) => format!(
            "https://{}.zendesk.com",
            sub.trim().trim_end_matches(".zendesk.com")
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subdomain_is_the_desks_address() {
        assert_eq!(
            desk_url(None, Some("district")),
            "https://district.zendesk.com"
        );
        assert_eq!(
            desk_url(Some("https://help.district.org"), Some("x")),
            "https://help.district.org"
        );
    }

    #[test]
    fn a_macro_preview_becomes_an_update_of_what_requests_may_carry() {
        let within = json!({"ticket": {"id": 5, "status": "solved",
            "comment": {"body": "Solved for you", "public": true}}});
        assert_eq!(macro_update(&within)["comment"]["body"], "Solved for you");
        let result = json!({
            "ticket": {"status": "pending", "id": 5, "updated_at": "x", "tags": ["a"]},
            "comment": {"body": "We are on it", "public": false, "html_body": "<p>"}
        });
        let update = macro_update(&result);
        assert_eq!(update["status"], "pending");
        assert!(!update.contains_key("id") && !update.contains_key("updated_at"));
        assert_eq!(
            update["comment"],
            json!({"body": "We are on it", "public": false})
        );
    }
}
