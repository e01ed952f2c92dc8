//! Redmine through its REST API (`X-Redmine-API-Key`).
//!
//! - `map`: issue JSON into the model, statuses and priorities by name
//!
//! How it maps, and where Redmine differs:
//! - projects are the queues (the profile's `projects`, else every project
//!   the user sees), or its trackers (`queues_are = "trackers"`); project
//!   members other than reporters, and groups, are the agents;
//! - the requester is the author, or the address in the profile's
//!   `requester_field` (a custom field, as Redmine help desks keep callers
//!   who have no account): an agent logs a call by setting it;
//! - journals are the conversation, `private_notes` the internal notes;
//! - searches are Redmine's own filters (`f[]`, `op[]`, `v[]`), times as
//!   UTC instants (measured: a bare date is read in the user's time zone,
//!   an instant with `Z` is not);
//! - writes: Redmine refuses a stale `lock_version` (422), but its API never
//!   shows one, so the issue's `updated_on` is compared just before writing;
//! - users' addresses and custom fields' allowed values are shown only to
//!   administrators: with an agent's own key, requesters are known by name
//!   and fields take free text.

pub mod map;

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use jiff::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};

use super::http::{self, Auth, Client, Transport};
use super::paging::{Next, Pager};
use super::{
    Agent, AgentId, Applied, Assignee, Capabilities, Change, Desk, DeskError, FieldSpec, NewTicket,
    OwnerFilter, Page, PageRequest, Query, Queue, QueueId, RequesterRole, TicketDetail, TicketId,
    TicketSummary, TimeRange, lock, ticket_number,
};
use crate::text::SafeText;
use map::{Names, StatusDef};

/// Redmine's default `attachment_max_size` (5 MB); a server set higher
/// still refuses nothing smaller.
const UPLOAD_LIMIT: u64 = 5 * 1024 * 1024;

const CAPABILITIES: Capabilities = Capabilities {
    name: "redmine",
    reply: true,
    note: true,
    assign: true,
    set_status: true,
    set_priority: true,
    move_queue: true,
    server_sla: false,
    incremental: true,
    server_search: true,
    history: true,
    delivers: &[crate::desk::Channel::Email],
    // Only with a requester field (see `RedmineDesk::new`).
    create: true,
    attachments: true,
    uploads: crate::desk::Uploads {
        limit: Some(UPLOAD_LIMIT),
        types: &[],
    },
    time: true,
    // As watchers, who are accounts: found by address with an
    // administrator's key only.
    cc: true,
    // Redmine cannot merge issues.
    merge: false,
    links: true,
    fields: true,
    // Redmine has no tags.
    tags: false,
};

const API: http::Api = http::Api {
    name: "Redmine",
    root: "",
    token_scheme: "",
    token_header: Some("X-Redmine-API-Key"),
    html_hint: "is the profile's url the Redmine address (https://redmine.example.org), and is \
                the REST API on (Administration → Settings → API)?",
};

/// Redmine's most per page.
const PER_PAGE: u32 = 100;

/// What a profile says about a Redmine desk.
#[derive(Clone, Debug)]
pub struct RedmineSettings {
    pub url: String,
    /// The signed-in user's login.
    pub user: String,
    pub auth: Auth,
    pub transport: Transport,
    /// The projects that make up the desk, by identifier, id or name; none
    /// means every project the user sees.
    pub projects: Vec<String>,
    /// The trackers that make up the desk (names or ids); none means all.
    pub trackers: Vec<String>,
    /// The queues are the trackers rather than the projects.
    pub queues_are_trackers: bool,
    /// Status names that count as pending (waiting on the requester).
    pub pending: Vec<String>,
    /// A custom field holding the requester's address.
    pub requester_field: Option<String>,
    /// A custom field holding the channel.
    pub channel_field: Option<String>,
    /// Email domain → requester role.
    pub roles: Vec<(String, RequesterRole)>,
}

/// What is read once: the names, the projects, who the user is.
struct Directory {
    names: Names,
    me: Agent,
    /// Project ids and names, in the desk.
    projects: Vec<(u64, String)>,
    /// Tracker ids and names, in the desk (every one when none is named).
    trackers: Vec<(u64, String)>,
    /// Custom field names and ids, as issues carry them.
    fields: Vec<(String, u64)>,
    /// Allowed values of list fields, where the server shows them.
    values: HashMap<u64, Vec<String>>,
    /// The time-entry activity time is logged under.
    activity: Option<u64>,
}

pub struct RedmineDesk {
    client: Client,
    settings: RedmineSettings,
    capabilities: Capabilities,
    directory: tokio::sync::OnceCell<Directory>,
    /// Agents' user ids, from the projects' memberships.
    agents: Mutex<Vec<u64>>,
    /// Issues known to have children (a list tells a child its parent,
    /// never a parent its children).
    parents: Mutex<std::collections::HashSet<u64>>,
    /// Each search's newest id at its first page: later pages stop there,
    /// so issues made meanwhile do not push the pages along (no repeats).
    tops: Mutex<HashMap<String, u64>>,
}

fn list<'a>(answer: &'a Value, key: &str) -> Result<&'a [Value], DeskError> {
    answer[key]
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| DeskError::Protocol(format!("Redmine sent a list without `{key}`")))
}

fn refused(e: DeskError) -> DeskError {
    match e {
        DeskError::Server {
            status: 422,
            message,
        } if message.trim().is_empty() => DeskError::Rejected(
            "Redmine refused the change as made on an older copy of the issue".into(),
        ),
        DeskError::Server {
            status: 422,
            message,
        } => DeskError::Rejected(message),
        other => other,
    }
}

impl RedmineDesk {
    pub fn new(settings: RedmineSettings) -> Result<Self, DeskError> {
        let capabilities = Capabilities {
            // A call logged for someone without an account needs a field to
            // keep their address in.
            create: settings.requester_field.is_some(),
            ..CAPABILITIES
        };
        Ok(Self {
            client: Client::new(
                &settings.url,
                settings.auth.clone(),
                &settings.transport,
                API,
            )?,
            settings,
            capabilities,
            directory: tokio::sync::OnceCell::new(),
            agents: Mutex::new(Vec::new()),
            tops: Mutex::new(HashMap::new()),
            parents: Mutex::new(std::collections::HashSet::new()),
        })
    }

    /// Requests and bytes so far.
    pub fn traffic(&self) -> http::Traffic {
        self.client.traffic()
    }

    /// Every item of a paged list (`offset`/`limit`).
    async fn all(
        &self,
        path: &str,
        key: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<Value>, DeskError> {
        let mut items = Vec::new();
        let mut pager = Pager::new(PER_PAGE);
        loop {
            let offset = items.len().to_string();
            let per_page = PER_PAGE.to_string();
            let mut asked = query.to_vec();
            asked.extend([("offset", offset.as_str()), ("limit", per_page.as_str())]);
            let answer = self.client.get(path, &asked).await?;
            let page = list(&answer.body, key)?.to_vec();
            let total = answer.body["total_count"].as_u64();
            let ids: Vec<String> = page.iter().map(|v| v["id"].to_string()).collect();
            let more = total.is_some_and(|t| (items.len() + page.len()) < t as usize);
            items.extend(page);
            match pager.after(total, ids, more) {
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
        let current = self.client.get("users/current.json", &[]).await?;
        let user = &current.body["user"];
        let my_id = user["id"].as_u64().ok_or_else(|| {
            DeskError::Protocol("Redmine did not say who the key belongs to".into())
        })?;
        let name = format!(
            "{} {}",
            user["firstname"].as_str().unwrap_or_default(),
            user["lastname"].as_str().unwrap_or_default()
        );
        let admin = user["admin"] == true;
        let statuses = self.client.get("issue_statuses.json", &[]).await?;
        let statuses = list(&statuses.body, "issue_statuses")?
            .iter()
            .filter_map(|s| {
                Some(StatusDef {
                    id: s["id"].as_u64()?,
                    name: s["name"].as_str()?.to_string(),
                    is_closed: s["is_closed"] == true,
                })
            })
            .collect();
        let priorities = self
            .client
            .get("enumerations/issue_priorities.json", &[])
            .await?;
        let priorities = list(&priorities.body, "issue_priorities")?
            .iter()
            .filter_map(|p| Some((p["id"].as_u64()?, p["name"].as_str()?.to_string())))
            .collect();
        let all_projects = self.all("projects.json", "projects", &[]).await?;
        let wanted = &self.settings.projects;
        let projects: Vec<(u64, String)> = all_projects
            .iter()
            .filter(|p| {
                wanted.is_empty()
                    || wanted.iter().any(|w| {
                        [&p["identifier"], &p["name"]]
                            .iter()
                            .any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(w)))
                            || p["id"].as_u64().is_some_and(|id| w.parse() == Ok(id))
                    })
            })
            .filter_map(|p| Some((p["id"].as_u64()?, p["name"].as_str()?.to_string())))
            .collect();
        if projects.is_empty() {
            return Err(DeskError::Config(match wanted.is_empty() {
                true => "the Redmine user is in no project".to_string(),
                false => {
                    format!("none of the projects {wanted:?} is on this Redmine for this user")
                }
            }));
        }
        let all_trackers = self.client.get("trackers.json", &[]).await?;
        let wanted = &self.settings.trackers;
        let trackers: Vec<(u64, String)> = list(&all_trackers.body, "trackers")?
            .iter()
            .filter_map(|t| Some((t["id"].as_u64()?, t["name"].as_str()?.to_string())))
            .filter(|(id, name)| {
                wanted.is_empty()
                    || wanted
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(name) || w.parse() == Ok(*id))
            })
            .collect();
        if trackers.is_empty() {
            return Err(DeskError::Config(format!(
                "none of the trackers {wanted:?} is on this Redmine"
            )));
        }
        // Custom fields as issues carry them (only administrators may
        // list them, with their allowed values).
        let sample = self
            .client
            .get("issues.json", &[("status_id", "*"), ("limit", "1")])
            .await?;
        let mut fields: Vec<(String, u64)> = list(&sample.body, "issues")?
            .iter()
            .flat_map(|i| i["custom_fields"].as_array().cloned().unwrap_or_default())
            .filter_map(|f| Some((f["name"].as_str()?.to_string(), f["id"].as_u64()?)))
            .collect();
        let mut values = HashMap::new();
        let mut emails = HashMap::new();
        if admin {
            let defined = self.client.get("custom_fields.json", &[]).await?;
            for f in list(&defined.body, "custom_fields")? {
                if f["customized_type"] != "issue" {
                    continue;
                }
                let (Some(id), Some(name)) = (f["id"].as_u64(), f["name"].as_str()) else {
                    continue;
                };
                if !fields.iter().any(|(_, i)| *i == id) {
                    fields.push((name.to_string(), id));
                }
                let allowed: Vec<String> = f["possible_values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v["value"].as_str().map(str::to_string))
                    .collect();
                if !allowed.is_empty() {
                    values.insert(id, allowed);
                }
            }
            for u in self.all("users.json", "users", &[]).await? {
                if let (Some(id), Some(mail)) = (u["id"].as_u64(), u["mail"].as_str()) {
                    emails.insert(id, mail.to_string());
                }
            }
        }
        let activities = self
            .client
            .get("enumerations/time_entry_activities.json", &[])
            .await?;
        let activities = list(&activities.body, "time_entry_activities")?;
        let activity = activities
            .iter()
            .find(|a| a["is_default"] == true)
            .or_else(|| activities.first())
            .and_then(|a| a["id"].as_u64());
        Ok(Directory {
            names: Names {
                statuses,
                priorities,
                pending: if self.settings.pending.is_empty() {
                    vec!["Feedback".to_string()]
                } else {
                    self.settings.pending.clone()
                },
                requester_field: self.settings.requester_field.clone(),
                channel_field: self.settings.channel_field.clone(),
                roles: self.settings.roles.clone(),
                emails,
                queues_are_trackers: self.settings.queues_are_trackers,
                projects: projects.clone(),
                trackers: trackers.clone(),
            },
            me: Agent {
                id: AgentId(my_id.to_string().into()),
                name: SafeText::line(name.trim()),
                email: SafeText::line(user["mail"].as_str().unwrap_or_default()),
                queues: Vec::new(),
            },
            projects,
            trackers,
            fields,
            values,
            activity,
        })
    }

    fn field_id(directory: &Directory, name: &str) -> Option<u64> {
        directory
            .fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(_, id)| *id)
    }

    fn summaries(&self, directory: &Directory, issues: &[Value]) -> Vec<TicketSummary> {
        lock(&self.parents).extend(issues.iter().filter_map(|i| i["parent"]["id"].as_u64()));
        issues
            .iter()
            .filter_map(|i| map::summary(i, &directory.names))
            .collect()
    }

    /// Redmine's filters for `query` (`f[]`, `op[]`, `v[]`), and whether
    /// the requester is still to be checked here.
    fn filters(&self, directory: &Directory, query: &Query) -> (Vec<(String, String)>, bool) {
        let mut params: Vec<(String, String)> = vec![("set_filter".into(), "1".into())];
        let mut filter = |field: &str, op: &str, values: &[String]| {
            params.push(("f[]".into(), field.into()));
            params.push((format!("op[{field}]"), op.into()));
            for v in values {
                params.push((format!("v[{field}][]"), v.clone()));
            }
        };
        let names = &directory.names;
        if query.statuses.is_empty() {
            filter("status_id", "*", &[]);
        } else {
            let ids: Vec<String> = query
                .statuses
                .iter()
                .flat_map(|s| names.status_ids(*s))
                .map(|id| id.to_string())
                .collect();
            // A status with none of the server's is none: no issue has id 0.
            filter(
                "status_id",
                "=",
                &if ids.is_empty() {
                    vec!["0".into()]
                } else {
                    ids
                },
            );
        }
        let ids = |list: &[(u64, String)]| -> Vec<String> {
            list.iter().map(|(id, _)| id.to_string()).collect()
        };
        let (projects, trackers) = match (&query.queue, names.queues_are_trackers) {
            (Some(queue), false) => (vec![queue.0.to_string()], ids(&directory.trackers)),
            (Some(queue), true) => (ids(&directory.projects), vec![queue.0.to_string()]),
            (None, _) => (ids(&directory.projects), ids(&directory.trackers)),
        };
        filter("project_id", "=", &projects);
        if !self.settings.trackers.is_empty() || names.queues_are_trackers {
            filter("tracker_id", "=", &trackers);
        }
        match &query.owner {
            OwnerFilter::Any => {}
            OwnerFilter::Me => filter("assigned_to_id", "=", &["me".into()]),
            OwnerFilter::Nobody => filter("assigned_to_id", "!*", &[]),
            OwnerFilter::Agent(id) => filter("assigned_to_id", "=", &[id.0.to_string()]),
        }
        if !query.priorities.is_empty() {
            let ids: Vec<String> = query
                .priorities
                .iter()
                .flat_map(|p| names.priority_ids(*p))
                .map(|id| id.to_string())
                .collect();
            filter("priority_id", "=", &ids);
        }
        let instant = |at: Timestamp| at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        for (field, range) in [("created_on", query.created), ("updated_on", query.updated)] {
            let TimeRange { after, before } = range;
            match (after, before) {
                (Some(a), Some(b)) => filter(
                    field,
                    "><",
                    &[instant(a), instant(b - jiff::SignedDuration::from_secs(1))],
                ),
                (Some(a), None) => filter(field, ">=", &[instant(a)]),
                (None, Some(b)) => filter(
                    field,
                    "<=",
                    &[instant(b - jiff::SignedDuration::from_secs(1))],
                ),
                (None, None) => {}
            }
        }
        for (name, value) in &query.fields {
            match Self::field_id(directory, name) {
                Some(id) => filter(&format!("cf_{id}"), "=", std::slice::from_ref(value)),
                // No such field: nothing has it.
                None => filter("issue_id", "=", &["0".into()]),
            }
        }
        let mut words = Vec::new();
        for word in query.text.split_whitespace() {
            match word.trim_start_matches('#').parse::<u64>() {
                Ok(id) if word.starts_with('#') => filter("issue_id", "=", &[id.to_string()]),
                _ => words.push(word),
            }
        }
        if !words.is_empty() {
            filter("subject", "~", &[words.join(" ")]);
        }
        // The address any case: Redmine's "contains" is, its "is" may not
        // be; the exact address is checked here.
        if let Some(email) = &query.requester
            && let Some(id) = directory
                .names
                .requester_field
                .as_deref()
                .and_then(|f| Self::field_id(directory, f))
        {
            filter(&format!("cf_{id}"), "~", &[email.trim().to_string()]);
        }
        (params, query.requester.is_some())
    }

    /// One page of a search: Redmine's filters, newest first; `ask_parents`
    /// spends one more request to learn which of them have children.
    async fn page(
        &self,
        query: &Query,
        page: PageRequest,
        ask_parents: bool,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let directory = self.directory().await?;
        let (mut params, requester_here) = self.filters(directory, query);
        let key = format!("{params:?}");
        let top = match page.page {
            0 => None,
            _ => lock(&self.tops).get(&key).copied(),
        };
        if let Some(top) = top {
            params.push(("f[]".into(), "issue_id".into()));
            params.push(("op[issue_id]".into(), "<=".into()));
            params.push(("v[issue_id][]".into(), top.to_string()));
        }
        let per_page = page.per_page.clamp(1, PER_PAGE);
        params.push(("sort".into(), "id:desc".into()));
        params.push(("include".into(), "relations".into()));
        params.push(("offset".into(), (page.page * per_page).to_string()));
        params.push(("limit".into(), per_page.to_string()));
        let asked: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let answer = self.client.get("issues.json", &asked).await?;
        let issues = list(&answer.body, "issues")?;
        let total = answer.body["total_count"].as_u64();
        if page.page == 0
            && let Some(newest) = issues.iter().filter_map(|i| i["id"].as_u64()).max()
        {
            let mut tops = lock(&self.tops);
            // A handful of searches are paged at a time; old ones go.
            if tops.len() > 64 {
                tops.clear();
            }
            tops.insert(key, newest);
        }
        let mut items = self.summaries(directory, issues);
        // Known parents are marked; a full listing asks which others are.
        {
            let parents = lock(&self.parents);
            for t in &mut items {
                t.linked |= t.id.0.parse().is_ok_and(|id: u64| parents.contains(&id));
            }
        }
        if ask_parents {
            self.mark_parents(&mut items).await?;
        }
        if requester_here && let Some(email) = &query.requester {
            items.retain(|t| t.requester.email.eq_ignore_ascii_case(email.trim()));
        }
        let shown = u64::from(page.page * per_page) + issues.len() as u64;
        Ok(Page {
            more: total.is_some_and(|t| shown < t),
            total: if requester_here { None } else { total },
            items,
        })
    }

    /// A listing tells a child its parent, never a parent its children: one
    /// more filtered request asks which of the page's issues have any.
    async fn mark_parents(&self, items: &mut [TicketSummary]) -> Result<(), DeskError> {
        let unmarked: Vec<&str> = items
            .iter()
            .filter(|t| !t.linked)
            .map(|t| t.id.0.as_str())
            .collect();
        if unmarked.is_empty() {
            return Ok(());
        }
        let ids = unmarked.join(",");
        let answer = self
            .client
            .get(
                "issues.json",
                &[
                    ("issue_id", ids.as_str()),
                    ("status_id", "*"),
                    ("child_id", "*"),
                    ("limit", "100"),
                ],
            )
            .await?;
        let parents: Vec<String> = list(&answer.body, "issues")?
            .iter()
            .map(|i| i["id"].to_string())
            .collect();
        let mut known = lock(&self.parents);
        for t in items.iter_mut() {
            if parents.iter().any(|p| *p == t.id.0) {
                t.linked = true;
                known.extend(t.id.0.parse::<u64>().ok());
            }
        }
        Ok(())
    }

    async fn issue(&self, number: u64) -> Result<Value, DeskError> {
        let answer = self
            .client
            .get(
                &format!("issues/{number}.json"),
                &[(
                    "include",
                    "journals,attachments,relations,children,watchers",
                )],
            )
            .await?;
        Ok(answer.body["issue"].clone())
    }

    async fn agent_id(&self, directory: &Directory, who: &Assignee) -> Result<Value, DeskError> {
        Ok(match who {
            Assignee::Me => json!(directory.me.id.0.parse::<u64>().unwrap_or(0)),
            Assignee::Agent(id) => json!(id.0.parse::<u64>().map_err(|_| {
                DeskError::Rejected(format!("no agent with the id {:?}", id.0))
            })?),
            // An empty value clears it.
            Assignee::Nobody => json!(""),
        })
    }

    /// PUT `fields` on the issue and read it back: Redmine answers 204 to
    /// what it will not do (a project the user cannot move to, a status its
    /// workflow forbids, a field not on the issue) and leaves it as it was,
    /// so each field asked for is checked on what it keeps.
    async fn put_checked(&self, number: u64, fields: Value) -> Result<Value, DeskError> {
        self.client
            .write(
                Method::PUT,
                &format!("issues/{number}.json"),
                &json!({ "issue": fields }),
                None,
            )
            .await
            .map_err(refused)?;
        let after = self.issue(number).await?;
        let id_of = |key: &str| after[key]["id"].as_u64();
        let kept = |key: &str, asked: &Value| -> bool {
            match key {
                "project_id" => id_of("project") == asked.as_u64(),
                "tracker_id" => id_of("tracker") == asked.as_u64(),
                "status_id" => id_of("status") == asked.as_u64(),
                "priority_id" => id_of("priority") == asked.as_u64(),
                "assigned_to_id" => match asked {
                    Value::String(s) if s.is_empty() => id_of("assigned_to").is_none(),
                    other => id_of("assigned_to") == other.as_u64(),
                },
                "custom_fields" => asked.as_array().into_iter().flatten().all(|f| {
                    let value = f["value"].as_str().unwrap_or_default();
                    after["custom_fields"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|have| {
                            have["id"] == f["id"]
                                && have["value"].as_str().unwrap_or_default() == value
                        })
                }),
                _ => true,
            }
        };
        if let Some((key, _)) = fields
            .as_object()
            .into_iter()
            .flatten()
            .find(|(key, asked)| !kept(key, asked))
        {
            let what = match key.as_str() {
                "project_id" => "move it to that project",
                "tracker_id" => "move it to that tracker",
                // Its workflow may not allow it from the status the issue has.
                "status_id" => "set that status from this one",
                "priority_id" => "set that priority",
                "assigned_to_id" => "assign it to them",
                _ => "set that field",
            };
            return Err(DeskError::Rejected(format!(
                "Redmine did not {what}; the issue is as it was"
            )));
        }
        Ok(after)
    }

    /// Each file sent to `uploads.json` first; the tokens go with the write.
    async fn upload(&self, files: &[crate::desk::Upload]) -> Result<Vec<Value>, DeskError> {
        let mut tokens = Vec::new();
        for file in files {
            let answer = self
                .client
                .post_bytes(
                    "uploads.json",
                    &[("filename", file.name.as_str())],
                    &file.bytes,
                    // Redmine takes uploads as octet streams only.
                    "application/octet-stream",
                )
                .await
                .map_err(refused)?;
            let token = answer.body["upload"]["token"].as_str().ok_or_else(|| {
                DeskError::Protocol("Redmine took a file without giving its token".into())
            })?;
            tokens.push(json!({
                "token": token,
                "filename": file.name,
                "content_type": file.mime,
            }));
        }
        Ok(tokens)
    }
}

#[async_trait]
impl Desk for RedmineDesk {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn web_page(&self) -> Option<String> {
        Some(format!("{}/issues/{{id}}", self.client.site()))
    }

    async fn me(&self) -> Result<Agent, DeskError> {
        Ok(self.directory().await?.me.clone())
    }

    async fn queues(&self) -> Result<Vec<Queue>, DeskError> {
        let directory = self.directory().await?;
        let listed = match directory.names.queues_are_trackers {
            true => &directory.trackers,
            false => &directory.projects,
        };
        Ok(Queue::from_numbered(listed))
    }

    /// The projects' members but reporters, and groups (issues can be
    /// assigned to a group).
    async fn agents(&self) -> Result<Vec<Agent>, DeskError> {
        let directory = self.directory().await?;
        let mut agents: Vec<Agent> = Vec::new();
        for (project, _) in &directory.projects {
            let members = self
                .all(
                    &format!("projects/{project}/memberships.json"),
                    "memberships",
                    &[],
                )
                .await?;
            for m in members {
                let works = m["roles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| r["name"].as_str().is_some_and(|n| n != "Reporter"));
                let who = if m["user"].is_object() {
                    &m["user"]
                } else {
                    &m["group"]
                };
                let (Some(id), Some(name)) = (who["id"].as_u64(), who["name"].as_str()) else {
                    continue;
                };
                if !works {
                    continue;
                }
                let queues: Vec<QueueId> = match directory.names.queues_are_trackers {
                    true => directory
                        .trackers
                        .iter()
                        .map(|(t, _)| QueueId(t.to_string().into()))
                        .collect(),
                    false => vec![QueueId(project.to_string().into())],
                };
                match agents.iter_mut().find(|a| a.id.0 == id.to_string()) {
                    Some(agent) => {
                        for queue in queues {
                            if !agent.queues.contains(&queue) {
                                agent.queues.push(queue);
                            }
                        }
                    }
                    None => agents.push(Agent {
                        id: AgentId(id.to_string().into()),
                        name: SafeText::line(name),
                        email: SafeText::line(
                            directory.names.emails.get(&id).map_or("", String::as_str),
                        ),
                        queues,
                    }),
                }
            }
        }
        *lock(&self.agents) = agents.iter().filter_map(|a| a.id.0.parse().ok()).collect();
        agents.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(agents)
    }

    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError> {
        self.page(query, page, true).await
    }

    /// One filtered request for what changed since `since` (a second
    /// before, for Redmine's whole seconds): the parents among them are
    /// those already known, so an idle refresh and a busy one are each one
    /// request.
    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError> {
        let mut query = query.clone();
        query.updated = query
            .updated
            .and(TimeRange::after(since - jiff::SignedDuration::from_secs(1)));
        let mut all = Vec::new();
        let mut pager = Pager::new(PER_PAGE);
        for page in 0.. {
            let request = PageRequest {
                page,
                per_page: PER_PAGE,
            };
            let found = self.page(&query, request, false).await?;
            let ids: Vec<String> = found.items.iter().map(|t| t.id.0.to_string()).collect();
            let next = pager.after(found.total, ids, found.more);
            all.extend(found.items);
            match next {
                Next::More => {}
                Next::Done => break,
                Next::Stopped(stopped) => {
                    return Err(DeskError::Protocol(format!(
                        "the changed issues: {stopped}"
                    )));
                }
            }
        }
        let parents = lock(&self.parents);
        for t in &mut all {
            t.linked |= t.id.0.parse().is_ok_and(|id: u64| parents.contains(&id));
        }
        Ok(all)
    }

    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError> {
        let directory = self.directory().await?;
        let issue = self.issue(ticket_number(id)?).await?;
        let summary = map::summary(&issue, &directory.names)
            .ok_or_else(|| DeskError::Protocol("Redmine sent an issue without its id".into()))?;
        if lock(&self.agents).is_empty() {
            self.agents().await?;
        }
        let agents = lock(&self.agents).clone();
        let mut custom_fields = summary.fields.clone();
        // Watchers who get the answers, but the desk's own agents (Redmine
        // makes whoever writes on an issue a watcher): by address where it
        // is shown.
        let watchers: Vec<String> = issue["watchers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| {
                let id = w["id"].as_u64()?;
                if agents.contains(&id) {
                    return None;
                }
                Some(match directory.names.emails.get(&id) {
                    Some(mail) => mail.clone(),
                    None => w["name"].as_str()?.to_string(),
                })
            })
            .collect();
        if !watchers.is_empty() {
            custom_fields.push((SafeText::line("Cc"), SafeText::line(&watchers.join(", "))));
        }
        if issue["children"].as_array().is_some_and(|c| !c.is_empty()) {
            lock(&self.parents).extend(ticket_number(id).ok());
        }
        let links = map::links(&issue);
        if !links.is_empty() {
            custom_fields.push((SafeText::line("Links"), SafeText::line(&links.join(" · "))));
        }
        if summary.worked_minutes > 0 {
            custom_fields.push((
                SafeText::line("Time worked"),
                SafeText::line(&crate::desk::time_worked(i64::from(summary.worked_minutes))),
            ));
        }
        let entries = map::entries(&issue, &directory.names, &agents);
        // Answered when an agent first replied in public.
        let mut summary = summary;
        summary.first_response_at = entries
            .iter()
            .find(|e| e.kind == crate::desk::EntryKind::Reply && e.by_agent)
            .map(|e| e.at);
        Ok(TicketDetail {
            entries,
            summary,
            custom_fields,
        })
    }

    async fn fields(&self, id: &TicketId) -> Result<Vec<FieldSpec>, DeskError> {
        let directory = self.directory().await?;
        let issue = self.issue(ticket_number(id)?).await?;
        Ok(issue["custom_fields"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                let name = f["name"].as_str()?;
                // The requester's address is the requester, not a field.
                if directory
                    .names
                    .requester_field
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(name))
                {
                    return None;
                }
                let values = f["id"]
                    .as_u64()
                    .and_then(|id| directory.values.get(&id).cloned())
                    .unwrap_or_default();
                Some(FieldSpec {
                    name: name.to_string(),
                    values,
                })
            })
            .collect())
    }

    async fn attachment(&self, id: &str) -> Result<Vec<u8>, DeskError> {
        let number: u64 = id
            .parse()
            .map_err(|_| DeskError::Rejected(format!("no attachment with the id {id:?}")))?;
        let answer = self
            .client
            .get(&format!("attachments/{number}.json"), &[])
            .await?;
        let link = answer.body["attachment"]["content_url"]
            .as_str()
            .ok_or_else(|| {
                DeskError::Protocol("the attachment's record names no file".to_string())
            })?;
        self.client.fetch_file(link, super::MAX_DOWNLOAD).await
    }

    async fn apply(
        &self,
        id: &TicketId,
        based_on: &crate::desk::Version,
        change: &Change,
    ) -> Result<Applied, DeskError> {
        let directory = self.directory().await?;
        let number = ticket_number(id)?;
        let now = self.issue(number).await?;
        let current = map::version(&now);
        if !based_on.0.is_empty() && *based_on != current {
            return Err(DeskError::Conflict { now: current });
        }
        let names = &directory.names;
        let status_id = |kind: crate::desk::StatusKind| {
            names.status_for(kind).ok_or_else(|| {
                DeskError::Rejected(format!(
                    "this Redmine has no status that is {}",
                    kind.name()
                ))
            })
        };
        let mut issue = serde_json::Map::new();
        match change {
            Change::Reply { body, then, files } | Change::Note { body, then, files } => {
                issue.insert("notes".into(), json!(body));
                issue.insert(
                    "private_notes".into(),
                    json!(matches!(change, Change::Note { .. })),
                );
                // The status first, on its own: one Redmine will not set
                // (its workflow) stops the write before the text goes.
                if let Some(kind) = then {
                    let status = status_id(*kind)?;
                    if now["status"]["id"].as_u64() != Some(status) {
                        self.put_checked(number, json!({ "status_id": status }))
                            .await?;
                    }
                }
                if !files.is_empty() {
                    issue.insert("uploads".into(), json!(self.upload(files).await?));
                }
            }
            Change::Assign(who) => {
                issue.insert(
                    "assigned_to_id".into(),
                    self.agent_id(directory, who).await?,
                );
            }
            Change::SetStatus(kind) => {
                issue.insert("status_id".into(), json!(status_id(*kind)?));
            }
            Change::SetPriority(level) => {
                let priority = names.priority_for(*level).ok_or_else(|| {
                    DeskError::Rejected(format!("this Redmine has no {} priority", level.name()))
                })?;
                issue.insert("priority_id".into(), json!(priority));
            }
            Change::MoveTo(queue) => {
                let to: u64 = queue.0.parse().map_err(|_| {
                    DeskError::Rejected(format!("no queue with the id {:?}", queue.0))
                })?;
                let field = match names.queues_are_trackers {
                    true => "tracker_id",
                    false => "project_id",
                };
                issue.insert(field.into(), json!(to));
            }
            Change::SetField { name, value } => {
                let field = Self::field_id(directory, name).ok_or_else(|| {
                    let names: Vec<&str> =
                        directory.fields.iter().map(|(n, _)| n.as_str()).collect();
                    DeskError::Rejected(format!(
                        "no field “{name}” here; there are {}",
                        if names.is_empty() {
                            "none".into()
                        } else {
                            names.join(", ")
                        }
                    ))
                })?;
                let spec = FieldSpec {
                    name: name.clone(),
                    values: directory.values.get(&field).cloned().unwrap_or_default(),
                };
                let value = match value {
                    Some(v) => spec.check(v).map_err(DeskError::Rejected)?,
                    None => String::new(),
                };
                issue.insert(
                    "custom_fields".into(),
                    json!([{ "id": field, "value": value }]),
                );
            }
            Change::LogTime(minutes) => {
                let mut entry = json!({
                    "issue_id": number,
                    "hours": f64::from(*minutes) / 60.0,
                });
                if let Some(activity) = directory.activity {
                    entry["activity_id"] = json!(activity);
                }
                self.client
                    .write(
                        Method::POST,
                        "time_entries.json",
                        &json!({ "time_entry": entry }),
                        None,
                    )
                    .await
                    .map_err(refused)?;
            }
            Change::AddCc(email) | Change::RemoveCc(email) => {
                let user = directory
                    .names
                    .emails
                    .iter()
                    .find(|(_, mail)| mail.eq_ignore_ascii_case(email.trim()))
                    .map(|(id, _)| *id)
                    .ok_or_else(|| {
                        DeskError::Rejected(if directory.names.emails.is_empty() {
                            "only Redmine administrators see addresses: add the watcher in Redmine"
                                .to_string()
                        } else {
                            format!("no Redmine user has {email}; watchers must be users")
                        })
                    })?;
                let sent = match change {
                    Change::AddCc(_) => {
                        self.client
                            .write(
                                Method::POST,
                                &format!("issues/{number}/watchers.json"),
                                &json!({ "user_id": user }),
                                None,
                            )
                            .await
                    }
                    _ => {
                        self.client
                            .delete(&format!("issues/{number}/watchers/{user}.json"))
                            .await
                    }
                };
                sent.map_err(refused)?;
            }
            Change::MergeInto(_) => return Err(DeskError::Unsupported("merging tickets")),
            Change::Link(kind, other) => {
                let other = ticket_number(other)?;
                match kind {
                    // The issue's own field, so its parent shows in Redmine's tree.
                    crate::desk::LinkKind::Parent => {
                        issue.insert("parent_issue_id".into(), json!(other));
                    }
                    crate::desk::LinkKind::Related | crate::desk::LinkKind::DependsOn => {
                        let relation_type = match kind {
                            crate::desk::LinkKind::DependsOn => "blocked",
                            _ => "relates",
                        };
                        self.client
                            .write(
                                Method::POST,
                                &format!("issues/{number}/relations.json"),
                                &json!({ "relation": {
                                    "issue_to_id": other,
                                    "relation_type": relation_type,
                                }}),
                                None,
                            )
                            .await
                            .map_err(refused)?;
                    }
                }
            }
            Change::Tag(_) | Change::Untag(_) => return Err(DeskError::Unsupported("tags")),
            Change::DeskMacro { .. } => return Err(DeskError::Unsupported("apply desk macros")),
        }
        let after = match issue.is_empty() {
            true => self.issue(number).await?,
            false => self.put_checked(number, Value::Object(issue)).await?,
        };
        let summary = map::summary(&after, names)
            .ok_or_else(|| DeskError::Protocol("Redmine sent an issue without its id".into()))?;
        Ok(Applied {
            version: summary.version.clone(),
            summary,
        })
    }

    /// The agent is the author; the caller's address goes in the
    /// requester field, their words in the description.
    async fn create(&self, ticket: &NewTicket) -> Result<TicketSummary, DeskError> {
        let directory = self.directory().await?;
        let field = directory
            .names
            .requester_field
            .as_deref()
            .and_then(|f| Self::field_id(directory, f))
            .ok_or(DeskError::Unsupported("logging new tickets"))?;
        let queue: u64 = ticket.queue.0.parse().map_err(|_| {
            DeskError::Rejected(format!("no queue with the id {:?}", ticket.queue.0))
        })?;
        // A queue is a project, or a tracker in the desk's first project.
        let (project, tracker) = match directory.names.queues_are_trackers {
            true => (directory.projects[0].0, Some(queue)),
            false => (
                queue,
                (!self.settings.trackers.is_empty()).then(|| directory.trackers[0].0),
            ),
        };
        let mut custom = vec![json!({ "id": field, "value": ticket.requester_email.trim() })];
        if let Some(channel) = directory
            .names
            .channel_field
            .as_deref()
            .and_then(|f| Self::field_id(directory, f))
        {
            custom.push(json!({ "id": channel, "value": ticket.channel.name() }));
        }
        let mut issue = json!({
            "project_id": project,
            "subject": ticket.subject,
            "description": ticket.body,
            "custom_fields": custom,
        });
        if let Some(priority) = directory.names.priority_for(ticket.priority) {
            issue["priority_id"] = json!(priority);
        }
        if let Some(tracker) = tracker {
            issue["tracker_id"] = json!(tracker);
        }
        if ticket.owner != Assignee::Nobody {
            issue["assigned_to_id"] = self.agent_id(directory, &ticket.owner).await?;
        }
        let answer = self
            .client
            .write(
                Method::POST,
                "issues.json",
                &json!({ "issue": issue }),
                None,
            )
            .await
            .map_err(refused)?;
        let number = answer.body["issue"]["id"]
            .as_u64()
            .ok_or_else(|| DeskError::Protocol("Redmine did not say which issue it made".into()))?;
        let made = self.issue(number).await?;
        map::summary(&made, &directory.names)
            .ok_or_else(|| DeskError::Protocol("Redmine sent an issue without its id".into()))
    }
}
