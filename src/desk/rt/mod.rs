//! Request Tracker 5 through its REST2 API.
//!
//! - `record`: RT's JSON quirks (numbers as strings, 1970 as unset)
//! - `ticketsql`: queries as TicketSQL
//! - `map`: records into the model, history into a conversation
//!
//! Lists carry LastUpdated as the version; a write first checks it against
//! the ticket, then sends the ticket's ETag as If-Match, so a change made by
//! someone else in between is a conflict, never an overwrite.

pub mod map;
pub mod record;
pub mod ticketsql;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use serde_json::{Value, json};

use super::http::{self, Answer, Auth, Client, Transport};
use super::message;
use super::paging::{Next, Pager};
use super::{
    Agent, AgentId, Applied, Assignee, Capabilities, Change, Desk, DeskError, FieldSpec, Page,
    PageRequest, Query, Queue, QueueId, RequesterRole, TicketDetail, TicketId, TicketSummary,
    Version, lock, ticket_number,
};
use crate::text::SafeText;
use map::{Names, Part, Reading};

/// RT's limit on a file ($MaxAttachmentSize, 10 MiB by default): a server
/// set to truncate or drop larger ones says so only in the ticket's history.
const RT_MAX_ATTACHMENT: u64 = 10 * 1024 * 1024;

const CAPABILITIES: Capabilities = Capabilities {
    name: "rt",
    reply: true,
    note: true,
    assign: true,
    set_status: true,
    set_priority: true,
    move_queue: true,
    server_sla: true,
    incremental: true,
    server_search: true,
    history: true,
    // RT and django-helpdesk answer by email whatever the request came by.
    delivers: &[crate::desk::Channel::Email],
    create: true,
    attachments: true,
    uploads: crate::desk::Uploads {
        limit: Some(RT_MAX_ATTACHMENT),
        types: &[],
    },
    time: true,
    cc: true,
    merge: true,
    links: true,
    fields: true,
    tags: false,
};

/// RT answers at most 100 records a page.
const PER_PAGE: u32 = 100;

/// What a profile says about an RT desk.
#[derive(Clone, Debug)]
pub struct RtSettings {
    pub url: String,
    pub user: String,
    pub auth: Auth,
    pub transport: Transport,
    /// Email domain → requester role.
    pub roles: Vec<(String, RequesterRole)>,
    /// A ticket custom field holding the channel.
    pub channel_field: Option<String>,
    /// Lists carry every ticket's custom fields (a section shows one).
    pub list_fields: bool,
}

pub struct RtDesk {
    client: Client,
    user: String,
    list_fields: bool,
    reading: Mutex<Reading>,
    /// User ids and names → what people call them.
    users: Mutex<HashMap<String, String>>,
    /// Queue ids → names.
    queues: Mutex<HashMap<String, String>>,
    /// Opened tickets by ETag, for If-None-Match.
    details: Mutex<HashMap<TicketId, (String, TicketDetail)>>,
    /// Each queue's custom fields, as [`Desk::fields`] read them.
    fields: Mutex<HashMap<QueueId, Vec<FieldSpec>>>,
    /// The server's clock minus ours, from its Date headers.
    skew: Mutex<SignedDuration>,
}

/// RT answers 200 to a change it did not make, with the reason among its
/// messages; these are the reasons it gives.
const REFUSALS: &[&str] = &[
    "does not exist",
    "isn't a valid",
    "is not a valid",
    "may not",
    "permission denied",
    "couldn't",
    "could not",
    "illegal",
    "invalid",
    "not allowed",
    "no permission",
    "you can only",
    "you already own",
];

/// The refusals among a write's answer: RT answers a list of messages, an
/// object with one, or one as a string; anything else is no answer RT gives
/// to a write, and the write is not taken as done.
impl RtDesk {
    /// The ticket's field called `name` (in any case), or which there are.
    async fn field_named(&self, id: &TicketId, name: &str) -> Result<FieldSpec, DeskError> {
        let fields = self.fields(id).await?;
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let none = format!(
            "no field “{name}” on this ticket's queue; there are {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
        fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name.trim()))
            .cloned()
            .ok_or(DeskError::Rejected(none))
    }
}

fn refusals(answer: &Value) -> Result<Vec<String>, DeskError> {
    let unlike = || {
        DeskError::Protocol(format!(
            "RT answered a change with {} where its messages belong (a login page or a proxy \
             answering?)",
            super::json_shape(answer)
        ))
    };
    let messages: Vec<String> = match answer {
        Value::Array(items) => items
            .iter()
            .map(|m| m.as_str().map(str::to_string).ok_or_else(unlike))
            .collect::<Result<_, _>>()?,
        Value::Object(_) => vec![
            answer
                .get("message")
                .and_then(Value::as_str)
                .ok_or_else(unlike)?
                .to_string(),
        ],
        Value::String(m) => vec![m.clone()],
        _ => return Err(unlike()),
    };
    Ok(messages
        .into_iter()
        .filter(|m| {
            let lower = m.to_lowercase();
            REFUSALS.iter().any(|r| lower.contains(r))
        })
        .collect())
}

impl RtDesk {
    pub fn new(settings: RtSettings) -> Result<Self, DeskError> {
        Ok(Self {
            client: Client::new(&settings.url, settings.auth, &settings.transport, http::RT)?,
            user: settings.user,
            list_fields: settings.list_fields,
            reading: Mutex::new(Reading {
                roles: settings.roles,
                channel_field: settings.channel_field,
                channels: HashMap::new(),
            }),
            users: Mutex::new(HashMap::new()),
            queues: Mutex::new(HashMap::new()),
            details: Mutex::new(HashMap::new()),
            fields: Mutex::new(HashMap::new()),
            skew: Mutex::new(SignedDuration::ZERO),
        })
    }

    /// Requests and bytes so far, for measuring what a refresh costs.
    pub fn traffic(&self) -> http::Traffic {
        self.client.traffic()
    }

    fn heard(&self, answer: &Answer) {
        if let Some(date) = answer.date {
            *lock(&self.skew) = Timestamp::now().duration_until(date);
        }
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Answer, DeskError> {
        let answer = self.client.get(path, query).await?;
        self.heard(&answer);
        Ok(answer)
    }

    /// Every page of a collection (`what` names it in errors), as far as
    /// [`Pager`] allows: a list that goes on past it is an error, never a
    /// list cut short in silence.
    async fn all_pages(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<Vec<Value>, DeskError> {
        let mut items = Vec::new();
        let mut pager = Pager::new(PER_PAGE);
        for page in 1.. {
            let page_text = page.to_string();
            let per_page = PER_PAGE.to_string();
            let mut q = query.to_vec();
            q.push(("page", &page_text));
            q.push(("per_page", &per_page));
            let answer = self.get(path, &q).await?;
            record::check_page(&answer.body, page, what)?;
            let found = record::items(&answer.body, what)?;
            let ids: Vec<String> = found
                .iter()
                .enumerate()
                .map(|(i, item)| record::id(item).unwrap_or_else(|| format!("#{page}.{i}")))
                .collect();
            let next = pager.after(
                total(&answer.body),
                ids,
                record::has_next_page(&answer.body),
            );
            items.extend(found.iter().cloned());
            match next {
                Next::More => {}
                Next::Done => break,
                Next::Stopped(stopped) => {
                    return Err(DeskError::Protocol(format!("{what}: {stopped}")));
                }
            }
        }
        Ok(items)
    }

    fn to_summaries(&self, items: &[Value]) -> Vec<TicketSummary> {
        let reading = lock(&self.reading);
        items
            .iter()
            .filter_map(|t| map::summary(t, &reading))
            .collect()
    }

    /// One page of a TicketSQL search, newest first; `page` is 1-based.
    /// One page of `sql`'s tickets; `first_screen` asks which are linked
    /// beside the page rather than after it.
    async fn search_sql(
        &self,
        sql: &str,
        page: u32,
        per_page: u32,
        first_screen: bool,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let page_text = page.to_string();
        let per_page_text = per_page.clamp(1, PER_PAGE).to_string();
        let mut query: Vec<(&str, &str)> = vec![
            ("query", sql),
            ("orderby", "id"),
            ("order", "DESC"),
            ("page", &page_text),
            ("per_page", &per_page_text),
        ];
        // Custom fields only when one names the channel, a section shows
        // one, or the search asks for one: they double the time RT takes
        // to answer a page (150 against 300 ms for 100).
        let fields = if self.list_fields
            || sql.contains("CF.{")
            || lock(&self.reading).channel_field.is_some()
        {
            format!("{},CustomFields", map::LIST_FIELDS)
        } else {
            map::LIST_FIELDS.to_string()
        };
        query.push(("fields", &fields));
        query.extend_from_slice(map::NESTED_FIELDS);
        // A listing cannot say which tickets are linked; a second search
        // can. For the first screen it goes beside the page's own (the
        // newest linked ones: no wait added); otherwise it asks about the
        // page's tickets after, and not at all about none (an idle refresh
        // stays one request).
        let (answer, newest_linked) = if first_screen {
            let (answer, linked) =
                tokio::join!(self.get("tickets", &query), self.linked_among(sql, None));
            (answer?, Some(linked))
        } else {
            (self.get("tickets", &query).await?, None)
        };
        record::check_page(&answer.body, page, "a ticket search")?;
        let items = record::items(&answer.body, "a ticket search")?;
        let mut summaries = self.to_summaries(items);
        let linked = match newest_linked {
            Some(linked) => linked,
            None => {
                let ids: Vec<&str> = summaries.iter().map(|t| t.id.0.as_str()).collect();
                self.linked_among(sql, Some(&ids)).await
            }
        };
        for t in &mut summaries {
            t.linked = linked.contains(t.id.0.as_str());
        }
        if summaries.is_empty() && !items.is_empty() {
            return Err(DeskError::Protocol(format!(
                "RT sent {} tickets of which none could be read (the first is {})",
                items.len(),
                super::json_shape(&items[0])
            )));
        }
        Ok(Page {
            total: total(&answer.body),
            more: record::has_next_page(&answer.body) && !items.is_empty(),
            items: summaries,
        })
    }

    /// The ids of the tickets `sql` finds that link to or from another:
    /// among `ids` when given (none asks nothing), else the newest hundred.
    /// A failure marks none: a mark is a hint, never a reason to fail a page.
    async fn linked_among(&self, sql: &str, ids: Option<&[&str]>) -> HashSet<String> {
        let within = match ids {
            Some([]) => return HashSet::new(),
            Some(ids) => {
                let each: Vec<String> = ids.iter().map(|id| format!("id = {id}")).collect();
                format!(" AND ({})", each.join(" OR "))
            }
            None => String::new(),
        };
        let linked =
            format!("({sql}) AND (LinkedTo IS NOT NULL OR LinkedFrom IS NOT NULL){within}");
        let query = [
            ("query", linked.as_str()),
            ("orderby", "id"),
            ("order", "DESC"),
            ("per_page", "100"),
            ("fields", "id"),
        ];
        match self.get("tickets", &query).await {
            Ok(answer) => answer.body["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(record::id)
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "RT: which tickets are linked");
                HashSet::new()
            }
        }
    }

    /// Not found only when RT lists no such ticket; an answer unlike a list
    /// is an error, never an absence.
    async fn one_summary(&self, id: &TicketId) -> Result<TicketSummary, DeskError> {
        let number = ticket_number(id)?;
        let page = self
            .search_sql(&format!("id = {number}"), 1, 1, false)
            .await?;
        page.items.into_iter().next().ok_or(DeskError::NotFound)
    }

    /// What people call a user, by id or name; asked of RT once.
    async fn user_display(&self, id: &str) -> String {
        if let Some(name) = lock(&self.users).get(id) {
            return name.clone();
        }
        let name = match self.get(&format!("user/{id}"), &[]).await {
            Ok(answer) => record::UserRef::from(&answer.body)
                .map(|u| u.display().to_string())
                .unwrap_or_else(|| id.to_string()),
            Err(_) => id.to_string(),
        };
        lock(&self.users).insert(id.to_string(), name.clone());
        name
    }

    async fn queue_names(&self) -> Result<HashMap<String, String>, DeskError> {
        if lock(&self.queues).is_empty() {
            self.queues().await?;
        }
        Ok(lock(&self.queues).clone())
    }

    async fn load_detail(&self, id: &TicketId, answer: Answer) -> Result<TicketDetail, DeskError> {
        let asked = ticket_number(id)?;
        // A merged ticket is read as the one it went into, as RT shows it.
        let number = ticket_record(&answer.body, asked)?.unwrap_or(asked);
        let merged_into = TicketId(number.to_string().into());
        let id = &merged_into;
        let mut summary = self.one_summary(id).await?;
        let history = self
            .all_pages(
                &format!("ticket/{number}/history"),
                &[
                    ("fields", "Type,Creator,Created,Field,OldValue,NewValue"),
                    ("fields[Creator]", "Name,RealName,EmailAddress"),
                ],
                "a ticket's history",
            )
            .await?;
        let mut parts: Vec<Part> = self
            .all_pages(
                &format!("ticket/{number}/attachments"),
                &[("fields", map::PART_FIELDS)],
                "a ticket's attachments",
            )
            .await?
            .iter()
            .filter_map(Part::from)
            .collect();
        let messages = map::message_transactions(&history);
        self.read_texts(number, &mut parts, &messages).await?;

        // Names for the user and queue ids in the history.
        let mut users = HashMap::new();
        for txn in &history {
            let field = record::text(txn, "Field").unwrap_or_default();
            if field == "Owner" {
                for key in ["OldValue", "NewValue"] {
                    if let Some(uid) = record::text(txn, key)
                        && !users.contains_key(&uid)
                    {
                        let name = self.user_display(&uid).await;
                        users.insert(uid, name);
                    }
                }
            }
        }
        let names = HistoryNames {
            users,
            queues: self.queue_names().await.unwrap_or_default(),
        };
        let requestors: Vec<String> = answer
            .body
            .get("Requestor")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(|u| record::text(u, "id")).collect())
            .unwrap_or_default();
        let entries = map::entries(&history, &parts, &requestors, &names);
        let requestor_ids: Vec<&str> = requestors.iter().map(String::as_str).collect();
        let logged = history
            .iter()
            .find(|t| record::text(t, "Type").as_deref() == Some("Create"))
            .and_then(|t| record::user(t, "Creator"))
            .is_some_and(|creator| map::logged_by_agent(&creator, &requestor_ids));
        map::refine_sla(&mut summary, &entries, logged);

        // The first message's headers tell how the ticket came in.
        let created_by = history
            .iter()
            .find(|t| record::text(t, "Type").as_deref() == Some("Create"))
            .and_then(record::id);
        if let Some(txn) = created_by
            && let Some(part) = parts.iter().find(|p| p.transaction == txn)
        {
            let channel = map::channel_from_headers(&part.headers);
            let mut reading = lock(&self.reading);
            if summary.channel == crate::desk::Channel::Unknown {
                summary.channel = channel;
            }
            reading.channels.insert(id.clone(), summary.channel);
        }

        let mut custom_fields = Vec::new();
        if let Some(fields) = answer.body.get("CustomFields").and_then(Value::as_array) {
            for cf in fields {
                let name = cf.get("name").and_then(Value::as_str).unwrap_or("");
                let values: Vec<&str> = cf
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|v| v.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if !name.is_empty() && !values.is_empty() {
                    custom_fields.push((SafeText::line(name), SafeText::line(&values.join(", "))));
                }
            }
        }
        // The people on the ticket beside its first requester.
        let people = |role: &str| watchers(&answer.body, role);
        let requestors = people("Requestor");
        if requestors.len() > 1 {
            custom_fields.push((
                SafeText::line("Requestors"),
                SafeText::line(&requestors.join(", ")),
            ));
        }
        for (role, label) in [("Cc", "Cc"), ("AdminCc", "Admin Cc")] {
            let them = people(role);
            if !them.is_empty() {
                custom_fields.push((SafeText::line(label), SafeText::line(&them.join(", "))));
            }
        }
        // Links to other tickets, as RT names them in its hyperlinks.
        let links: Vec<String> = answer.body["_hyperlinks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|h| h["type"] == "ticket")
            .filter_map(|h| {
                let phrase = match h["ref"].as_str()? {
                    "refers-to" => "refers to",
                    "referred-to-by" => "referred to by",
                    "parent" => "parent",
                    "child" => "child",
                    "depends-on" => "depends on",
                    "depended-on-by" => "depended on by",
                    _ => return None,
                };
                let id = match &h["id"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Some(format!("{phrase} #{id}"))
            })
            .collect();
        summary.linked = !links.is_empty();
        if !links.is_empty() {
            custom_fields.push((SafeText::line("Links"), SafeText::line(&links.join(" · "))));
        }
        if let Some(minutes) = record::number(&answer.body, "TimeWorked").filter(|m| *m > 0) {
            custom_fields.push((
                SafeText::line("Time worked"),
                SafeText::line(&crate::desk::time_worked(minutes)),
            ));
        }
        Ok(TicketDetail {
            summary,
            entries,
            custom_fields,
        })
    }

    /// Read the content of the parts the conversation shows as text (never a
    /// file's), a few at a time by id: each answer stays under the body cap,
    /// and a text too large for one answer stands as a note instead.
    async fn read_texts(
        &self,
        number: u64,
        parts: &mut [Part],
        messages: &[String],
    ) -> Result<(), DeskError> {
        let cap = self.client.max_body();
        // JSON escapes and the record around each text: room to spare.
        let budget = (cap / 4) as u64;
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut sum = 0;
        for i in map::text_parts(parts, messages) {
            let size = parts[i].size.unwrap_or(0);
            if size >= cap as u64 {
                parts[i].withheld = Some(message::not_shown(Some(size), cap));
                continue;
            }
            match batches.last_mut() {
                Some(batch) if sum + size <= budget && batch.len() < PER_PAGE as usize => {
                    batch.push(i);
                    sum += size;
                }
                _ => {
                    batches.push(vec![i]);
                    sum = size;
                }
            }
        }
        while let Some(batch) = batches.pop() {
            match self.contents(number, parts, &batch).await {
                Ok(found) => {
                    for (id, content) in found {
                        if let Some(part) = parts.iter_mut().find(|p| p.id == id) {
                            part.content = content;
                        }
                    }
                }
                // Larger than its sizes said: one by one, and a single text
                // too large becomes a note.
                Err(e) if http::is_too_big(&e) && batch.len() > 1 => {
                    batches.extend(batch.into_iter().map(|i| vec![i]));
                }
                Err(e) if http::is_too_big(&e) => {
                    parts[batch[0]].withheld = Some(message::not_shown(None, cap));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The contents of some of a ticket's parts, by id: RT's JSON query on
    /// the ticket's attachments (`id IN (...)`), so no other ticket's part
    /// can be asked for.
    async fn contents(
        &self,
        number: u64,
        parts: &[Part],
        batch: &[usize],
    ) -> Result<Vec<(String, String)>, DeskError> {
        let ids: Vec<&str> = batch.iter().map(|&i| parts[i].id.as_str()).collect();
        let query = json!([{ "field": "id", "operator": "IN", "value": ids }]).to_string();
        let items = self
            .all_pages(
                &format!("ticket/{number}/attachments"),
                &[("query", &query), ("fields", "Content")],
                "a ticket's message texts",
            )
            .await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                Some((
                    record::id(item)?,
                    record::text(item, "Content").unwrap_or_default(),
                ))
            })
            .collect())
    }

    /// Check `based_on` against the ticket now; answer its ETag for If-Match
    /// and its owner's name.
    async fn still_at(
        &self,
        number: u64,
        based_on: &Version,
    ) -> Result<(String, String, i64, Vec<String>), DeskError> {
        let answer = self.get(&format!("ticket/{number}"), &[]).await?;
        if let Some(other) = ticket_record(&answer.body, number)? {
            // Written there, it would land on another ticket than the one seen.
            return Err(DeskError::Rejected(format!(
                "#{number} was merged into #{other}: write to #{other}"
            )));
        }
        let now = record::text(&answer.body, "LastUpdated").ok_or_else(|| {
            DeskError::Protocol(format!("RT sent ticket {number} without its LastUpdated"))
        })?;
        if !based_on.0.is_empty() && based_on.0 != now {
            return Err(DeskError::Conflict {
                now: Version(now.into()),
            });
        }
        let owner = record::user(&answer.body, "Owner")
            .map(|u| u.name)
            .unwrap_or_else(|| "Nobody".to_string());
        let etag = answer
            .etag
            .ok_or_else(|| DeskError::Protocol("RT sent no ETag for the ticket".into()))?;
        let worked = record::number(&answer.body, "TimeWorked").unwrap_or(0);
        let cc = watchers(&answer.body, "Cc");
        Ok((etag, owner, worked, cc))
    }
}

/// The total a collection answer gives.
fn total(answer: &Value) -> Option<u64> {
    record::number(answer, "total").map(|t| t.max(0) as u64)
}

/// A ticket's record is one: it carries its id.
/// The people a ticket record lists in `role` (Requestor, Cc, AdminCc).
fn watchers(record: &Value, role: &str) -> Vec<String> {
    record[role]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_str().map(str::to_string))
        .collect()
}

/// `Some(other)` when RT answered another ticket's record: the one asked
/// for was merged into it, and RT answers for the merged ticket there.
fn ticket_record(answer: &Value, number: u64) -> Result<Option<u64>, DeskError> {
    match record::id(answer) {
        Some(id) if id == number.to_string() => Ok(None),
        Some(id) => match id.parse::<u64>() {
            Ok(other) if answer.get("Queue").is_some() => Ok(Some(other)),
            _ => Err(DeskError::Protocol(format!(
                "RT sent ticket {id} when asked for ticket {number}"
            ))),
        },
        None => Err(DeskError::Protocol(format!(
            "RT sent ticket {number} without its id (a login page or a proxy answering?): {}",
            super::json_shape(answer)
        ))),
    }
}

struct HistoryNames {
    users: HashMap<String, String>,
    queues: HashMap<String, String>,
}

impl Names for HistoryNames {
    fn user(&self, id: &str) -> String {
        self.users
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
    fn queue(&self, id: &str) -> String {
        self.queues
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

#[async_trait]
impl Desk for RtDesk {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    fn web_page(&self) -> Option<String> {
        Some(format!(
            "{}/Ticket/Display.html?id={{id}}",
            self.client.site()
        ))
    }

    async fn me(&self) -> Result<Agent, DeskError> {
        let answer = self.get(&format!("user/{}", self.user), &[]).await?;
        let user = record::UserRef::from(&answer.body).ok_or_else(|| {
            DeskError::Protocol(format!("RT did not describe the user {}", self.user))
        })?;
        Ok(Agent {
            id: AgentId(user.name.clone().into()),
            name: SafeText::line(user.display()),
            email: SafeText::line(user.email.as_deref().unwrap_or("")),
            queues: Vec::new(),
        })
    }

    async fn queues(&self) -> Result<Vec<Queue>, DeskError> {
        let items = self
            .all_pages(
                "queues/all",
                &[("fields", "Name,Description")],
                "the list of queues",
            )
            .await?;
        let mut queues: Vec<Queue> = items
            .iter()
            .filter_map(|q| {
                Some(Queue {
                    id: QueueId(record::id(q)?.into()),
                    name: SafeText::line(&record::text(q, "Name")?),
                    description: SafeText::line(
                        &record::text(q, "Description").unwrap_or_default(),
                    ),
                })
            })
            .collect();
        queues.sort_by(|a, b| a.name.cmp(&b.name));
        let mut names = lock(&self.queues);
        for q in &queues {
            names.insert(q.id.0.to_string(), q.name.to_string());
        }
        Ok(queues)
    }

    /// The members of RT's Privileged group when the user may list them;
    /// otherwise everyone who owns a ticket, and the user.
    async fn agents(&self) -> Result<Vec<Agent>, DeskError> {
        let agent = |u: record::UserRef| Agent {
            id: AgentId(u.name.clone().into()),
            name: SafeText::line(u.display()),
            email: SafeText::line(u.email.as_deref().unwrap_or("")),
            queues: Vec::new(),
        };
        let group_query = r#"[{"field":"Name","value":"Privileged"},{"field":"Domain","value":"SystemInternal"}]"#;
        let group = self.get("groups", &[("query", group_query)]).await?;
        let members = match record::items(&group.body, "the Privileged group")?
            .first()
            .and_then(record::id)
        {
            Some(gid) => {
                self.all_pages(
                    &format!("group/{gid}/members"),
                    &[("fields", "Name,RealName,EmailAddress")],
                    "the Privileged group's members",
                )
                .await
            }
            None => Err(DeskError::NotFound),
        };
        let mut agents: Vec<Agent> = match members {
            Ok(items) => items
                .iter()
                .filter_map(record::UserRef::from)
                .map(agent)
                .collect(),
            Err(DeskError::Forbidden { .. } | DeskError::NotFound) => {
                let mut query = vec![
                    ("query", "Owner != 'Nobody'"),
                    ("orderby", "LastUpdated"),
                    ("order", "DESC"),
                    ("per_page", "100"),
                    ("fields", "Owner"),
                ];
                query.push(("fields[Owner]", "Name,RealName,EmailAddress"));
                let answer = self.get("tickets", &query).await?;
                let mut owners: Vec<Agent> = record::items(&answer.body, "the tickets' owners")?
                    .iter()
                    .filter_map(|t| record::user(t, "Owner"))
                    .map(agent)
                    .collect();
                owners.push(self.me().await?);
                owners
            }
            Err(e) => return Err(e),
        };
        agents.sort_by(|a, b| a.name.cmp(&b.name));
        agents.dedup_by(|a, b| a.id == b.id);
        Ok(agents)
    }

    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let server_now = Timestamp::now() + *lock(&self.skew);
        let sql = ticketsql::ticket_sql(query, server_now);
        self.search_sql(&sql, page.page + 1, page.per_page, page.page == 0)
            .await
    }

    /// `LastUpdated >= '-N seconds'`: RT reads absolute dates in the user's
    /// time zone, which a client cannot see; a relative date is read against
    /// the server's own clock. N is measured on that clock, from its Date header.
    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError> {
        let server_now = Timestamp::now() + *lock(&self.skew);
        let seconds = since.duration_until(server_now).as_secs().max(0) + 5;
        let sql = format!(
            "({}) AND LastUpdated >= '-{seconds} seconds'",
            ticketsql::ticket_sql(query, server_now)
        );
        let mut all = Vec::new();
        let mut pager = Pager::new(PER_PAGE);
        for page in 1.. {
            let found = self.search_sql(&sql, page, PER_PAGE, false).await?;
            let ids: Vec<String> = found.items.iter().map(|t| t.id.0.to_string()).collect();
            let next = pager.after(found.total, ids, found.more);
            all.extend(found.items);
            match next {
                Next::More => {}
                Next::Done => break,
                Next::Stopped(stopped) => {
                    return Err(DeskError::Protocol(format!(
                        "the changed tickets: {stopped}"
                    )));
                }
            }
        }
        Ok(all)
    }

    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError> {
        let number = ticket_number(id)?;
        let cached = lock(&self.details).get(id).cloned();
        let path = format!("ticket/{number}");
        let answer = match &cached {
            Some((etag, detail)) => match self.client.get_unless(&path, etag).await? {
                None => return Ok(detail.clone()),
                Some(answer) => answer,
            },
            None => self.get(&path, &[]).await?,
        };
        self.heard(&answer);
        let etag = answer.etag.clone();
        let detail = self.load_detail(id, answer).await?;
        if let Some(etag) = etag {
            lock(&self.details).insert(id.clone(), (etag, detail.clone()));
        }
        Ok(detail)
    }

    async fn was_applied(
        &self,
        id: &TicketId,
        _based_on: &Version,
        change: &Change,
        since: Timestamp,
    ) -> Result<Option<Applied>, DeskError> {
        // RT's ETag moves in whole seconds: read afresh, or a write in the
        // same second as the last read would come back as the old copy.
        lock(&self.details).remove(id);
        super::look_for(self, id, change, since).await
    }

    async fn apply(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
    ) -> Result<Applied, DeskError> {
        let number = ticket_number(id)?;
        let (etag, owner, worked, cc) = self.still_at(number, based_on).await?;
        let ticket = format!("ticket/{number}");
        let put = |body: Value| (Method::PUT, ticket.clone(), body, Some(etag.as_str()));
        let (method, path, body, if_match) = match change {
            Change::Reply { body, then, files } | Change::Note { body, then, files } => {
                let action = if matches!(change, Change::Reply { .. }) {
                    "correspond"
                } else {
                    "comment"
                };
                let mut message = json!({ "Content": body, "ContentType": "text/plain" });
                if let Some(status) = then {
                    message["Status"] = json!(map::rt_status(*status));
                }
                if !files.is_empty() {
                    message["Attachments"] = files.iter().map(map::rt_attachment).collect();
                }
                // RT checks If-Match on the message resource, not the ticket;
                // the version was checked just above.
                (Method::POST, format!("{ticket}/{action}"), message, None)
            }
            // Taking someone else's ticket is a steal, giving up one's own an untake.
            Change::Assign(Assignee::Me) if owner != "Nobody" && owner != self.user => {
                (Method::PUT, format!("{ticket}/steal"), json!({}), None)
            }
            Change::Assign(Assignee::Me) if owner == "Nobody" => {
                (Method::PUT, format!("{ticket}/take"), json!({}), None)
            }
            Change::Assign(Assignee::Nobody) if owner == self.user => {
                (Method::PUT, format!("{ticket}/untake"), json!({}), None)
            }
            Change::Assign(who) => {
                let owner = match who {
                    Assignee::Me => self.user.clone(),
                    Assignee::Agent(agent) => agent.0.to_string(),
                    Assignee::Nobody => "Nobody".to_string(),
                };
                put(json!({ "Owner": owner }))
            }
            Change::SetStatus(status) => put(json!({ "Status": map::rt_status(*status) })),
            Change::SetPriority(level) => put(json!({ "Priority": map::rt_priority(*level) })),
            Change::MoveTo(queue) => put(json!({ "Queue": queue.0 })),
            // On top of the total just read; the ETag keeps another's out.
            Change::LogTime(minutes) => put(json!({ "TimeWorked": worked + i64::from(*minutes) })),
            // The whole list, as just read with one more or one fewer; the
            // ETag keeps a colleague's change to it from being lost.
            Change::AddCc(email) => {
                let mut cc = cc.clone();
                if !cc.iter().any(|e| e.eq_ignore_ascii_case(email)) {
                    cc.push(email.trim().to_string());
                }
                put(json!({ "Cc": cc }))
            }
            Change::MergeInto(target) => {
                let target = ticket_number(target)?;
                put(json!({ "MergeInto": target }))
            }
            Change::Link(kind, to) => {
                let to = ticket_number(to)?;
                let field = match kind {
                    crate::desk::LinkKind::Related => "AddRefersTo",
                    crate::desk::LinkKind::Parent => "AddMemberOf",
                    crate::desk::LinkKind::DependsOn => "AddDependsOn",
                };
                put(json!({ field: to }))
            }
            Change::RemoveCc(email) => {
                let cc: Vec<&String> = cc
                    .iter()
                    .filter(|e| !e.eq_ignore_ascii_case(email))
                    .collect();
                put(json!({ "Cc": cc }))
            }
            // RT ignores a name it does not know, and stores "" as a value:
            // the name and the value are checked here, and null clears.
            Change::SetField { name, value } => {
                let spec = self.field_named(id, name).await?;
                let value = value
                    .as_deref()
                    .map(|v| spec.check(v))
                    .transpose()
                    .map_err(DeskError::Rejected)?;
                put(json!({ "CustomFields": { spec.name: value } }))
            }
            Change::Tag(_) | Change::Untag(_) => return Err(DeskError::Unsupported("tags")),
            Change::DeskMacro { .. } => return Err(DeskError::Unsupported("apply desk macros")),
        };
        let answer = self
            .client
            .write(method, &path, &body, if_match)
            .await
            .map_err(|e| match e {
                // The ETag moved between our check and the write.
                DeskError::Conflict { .. } => DeskError::Conflict {
                    now: Version(Default::default()),
                },
                other => other,
            })?;
        self.heard(&answer);
        lock(&self.details).remove(id);
        if let Change::MergeInto(target) = change {
            lock(&self.details).remove(target);
        }
        let refused = refusals(&answer.body)?;
        if !refused.is_empty() {
            return Err(DeskError::Rejected(refused.join("; ")));
        }
        // A merged ticket lives on as the one it went into.
        let now = match change {
            Change::MergeInto(target) => target,
            _ => id,
        };
        let summary = self.one_summary(now).await?;
        Ok(Applied {
            version: summary.version.clone(),
            summary,
        })
    }

    /// The custom fields applied to the ticket's queue; a select field's
    /// values from its own record. Kept per queue: they seldom change.
    async fn fields(&self, id: &TicketId) -> Result<Vec<FieldSpec>, DeskError> {
        let queue = self.one_summary(id).await?.queue.id;
        if let Some(known) = lock(&self.fields).get(&queue) {
            return Ok(known.clone());
        }
        let listed = self
            .client
            .get(
                &format!("queue/{}/customfields", queue.0),
                &[("fields", "Name,Type,MaxValues"), ("per_page", "100")],
            )
            .await?;
        let mut specs = Vec::new();
        for cf in listed.body["items"].as_array().into_iter().flatten() {
            let (Some(cf_id), Some(name)) = (record::id(cf), record::text(cf, "Name")) else {
                continue;
            };
            let values = match record::text(cf, "Type").as_deref() {
                Some("Select" | "Combobox" | "Autocomplete") => {
                    let one = self
                        .client
                        .get(&format!("customfield/{cf_id}"), &[])
                        .await?;
                    one.body["Values"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                }
                _ => Vec::new(),
            };
            specs.push(FieldSpec { name, values });
        }
        lock(&self.fields).insert(queue, specs.clone());
        Ok(specs)
    }

    /// RT answers an attachment's record with its contents as base64.
    async fn attachment(&self, id: &str) -> Result<Vec<u8>, DeskError> {
        use base64::Engine as _;
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(DeskError::NotFound);
        }
        // Base64 is a third larger than the file it carries.
        let cap = super::MAX_DOWNLOAD / 3 * 4 + 64 * 1024;
        let answer = self
            .client
            .get_up_to(&format!("attachment/{id}"), cap)
            .await?;
        self.heard(&answer);
        let Some(content) = answer.body["Content"].as_str() else {
            return Err(DeskError::Protocol(format!(
                "RT's attachment {id} came without its contents"
            )));
        };
        let compact: String = content.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|e| DeskError::Protocol(format!("RT's attachment {id} is not base64: {e}")))
    }

    /// The caller is the Requestor (RT makes a user of an address it does
    /// not know); the channel goes to the profile's channel custom field.
    async fn create(&self, ticket: &crate::desk::NewTicket) -> Result<TicketSummary, DeskError> {
        let owner = match &ticket.owner {
            Assignee::Me => self.user.clone(),
            Assignee::Agent(agent) => agent.0.to_string(),
            Assignee::Nobody => "Nobody".to_string(),
        };
        let mut body = json!({
            "Queue": ticket.queue.0,
            "Subject": ticket.subject,
            "Requestor": ticket.requester_email.trim(),
            "Content": ticket.body,
            "ContentType": "text/plain",
            "Priority": map::rt_priority(ticket.priority),
            "Owner": owner,
        });
        let channel_field = lock(&self.reading).channel_field.clone();
        if let Some(field) = channel_field {
            body["CustomFields"] = json!({ field: ticket.channel.name() });
        }
        let answer = self
            .client
            .write(Method::POST, "ticket", &body, None)
            .await?;
        self.heard(&answer);
        let id = match &answer.body["id"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) if !s.is_empty() => s.clone(),
            _ => {
                let refused = refusals(&answer.body).unwrap_or_default();
                return Err(match refused.is_empty() {
                    true => DeskError::Protocol("RT did not say which ticket it made".into()),
                    false => DeskError::Rejected(refused.join("; ")),
                });
            }
        };
        self.one_summary(&TicketId(id.into())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_hidden_in_a_200_are_found() {
        let answer = json!(["Ticket 4: That user does not exist"]);
        assert_eq!(
            refusals(&answer).expect("a known shape"),
            ["Ticket 4: That user does not exist"]
        );
        let fine = json!([
            "Correspondence added",
            "Status changed from 'open' to 'stalled'"
        ]);
        assert!(refusals(&fine).expect("a known shape").is_empty());
        let owner = json!(["That user may not own tickets in that queue"]);
        assert_eq!(refusals(&owner).expect("a known shape").len(), 1);
        assert_eq!(
            refusals(&json!([
                "Status 'x' isn't a valid status for tickets in this queue."
            ]))
            .expect("a known shape")
            .len(),
            1
        );
    }

    #[test]
    fn a_write_answered_in_no_shape_rt_gives_is_no_success() {
        assert!(
            refusals(&json!("Ticket 4 taken"))
                .expect("a known shape")
                .is_empty()
        );
        assert!(
            refusals(&json!({"message": "Ticket 4 taken"}))
                .expect("a known shape")
                .is_empty()
        );
        for wrong in [
            json!({"redirect": "/login"}),
            json!([1, 2]),
            json!(null),
            json!(7),
        ] {
            assert!(
                matches!(refusals(&wrong), Err(DeskError::Protocol(_))),
                "{wrong}"
            );
        }
    }
}
