//! A stand-in for a Zendesk account: a stateful HTTP server that does what
//! deskterm asks of Zendesk (tickets, comments, audits, users, groups,
//! fields, views, macros, uploads, merges, the search and incremental
//! exports), as Zendesk's reference describes it. No live Zendesk can run
//! here, so every request it is sent and every answer it gives is held to
//! Zendesk's published OpenAPI document ([`super::openapi`]): a request the
//! contract does not allow is answered 400 and recorded, and a test with a
//! recorded violation fails when its stand-in goes ([`StandIn`]'s drop).

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use base64::Engine;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::fake_http::decode;
use super::openapi::Contract;

/// The agent deskterm signs in as, and the API token it signs in with.
pub const AGENT: &str = "alice@district.example";
pub const TOKEN: &str = "stand-in-api-token-7f3a";
/// Its groups, in id order: Transportation, Facilities, Food Services.
pub const GROUPS: [(u64, &str); 3] = [
    (360001, "Transportation"),
    (360002, "Facilities"),
    (360003, "Food Services"),
];
/// The first seeded ticket; the seeded tickets follow it.
pub const FIRST: u64 = 101;

const ME: u64 = 9001;
const BOB: u64 = 9002;
const SCHOOL: u64 = 5001;
const EMPLOYEE: u64 = 5002;

/// One request as it came.
#[derive(Clone, Debug)]
pub struct Asked {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub bytes: usize,
}

struct World {
    users: BTreeMap<u64, Value>,
    tickets: BTreeMap<u64, Value>,
    comments: HashMap<u64, Vec<Value>>,
    audits: HashMap<u64, Vec<Value>>,
    /// Upload token → attachment ids; attachment id → (its record, bytes).
    uploads: HashMap<String, Vec<u64>>,
    files: HashMap<u64, (Value, Vec<u8>)>,
    next_id: u64,
    /// The last stamp given: each write's is later (a second at least).
    last: Timestamp,
    /// This many requests answer 429 next.
    throttle: usize,
    /// Tickets carry the account's SLA policy.
    sla: bool,
    /// Someone else changes the ticket just before the next update lands.
    race: bool,
    asked: Vec<Asked>,
    violations: Vec<String>,
    base: String,
}

/// A running stand-in; a test fails when it goes with a contract violation
/// recorded.
pub struct StandIn {
    pub url: String,
    world: Arc<Mutex<World>>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let violations = self.violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the Zendesk contract was broken:\n{}",
                violations.join("\n")
            );
        }
    }
}

fn stamp(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn user(id: u64, name: &str, email: &str, role: &str) -> Value {
    json!({
        "id": id, "name": name, "email": email, "role": role,
        "active": true, "suspended": false, "phone": null,
        "created_at": "2025-08-01T08:00:00Z", "updated_at": "2025-08-01T08:00:00Z",
        "url": format!("https://district.zendesk.com/api/v2/users/{id}.json"),
    })
}

impl StandIn {
    /// A stand-in with `tickets` seeded tickets (their numbers from
    /// [`FIRST`]), listening on loopback.
    pub fn start(tickets: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut users = BTreeMap::new();
        for u in [
            user(ME, "Alice Agent", AGENT, "admin"),
            user(BOB, "Bob Driver", "bob@district.example", "agent"),
            user(
                9101,
                "Maria Lopez",
                "maria@parents.district.example",
                "end-user",
            ),
            user(
                9102,
                "Sam Student",
                "sam@students.district.example",
                "end-user",
            ),
        ] {
            users.insert(u["id"].as_u64().unwrap(), u);
        }
        let now = Timestamp::now();
        let mut world = World {
            users,
            tickets: BTreeMap::new(),
            comments: HashMap::new(),
            audits: HashMap::new(),
            uploads: HashMap::new(),
            files: HashMap::new(),
            next_id: 20_000,
            last: now - SignedDuration::from_hours(2),
            throttle: 0,
            sla: false,
            race: false,
            asked: Vec::new(),
            violations: Vec::new(),
            base: url.clone(),
        };
        let subjects = [
            "Bus 14 did not come to Elm Street",
            "Heating out in room 12",
            "Lunch card not working",
            "Field trip bus for Friday",
            "Leaking tap in the gym",
            "Allergy menu for next week",
        ];
        for i in 0..tickets {
            let number = FIRST + i as u64;
            let created =
                now - SignedDuration::from_hours(48) + SignedDuration::from_mins(i as i64);
            let requester = if i % 2 == 0 { 9101 } else { 9102 };
            let status = ["new", "open", "pending", "open", "hold", "open"][i % 6];
            let priority = ["normal", "high", "low", "urgent"][i % 4];
            let channel = ["email", "web", "voice", "sms"][i % 4];
            let ticket = json!({
                "id": number,
                "url": format!("https://district.zendesk.com/api/v2/tickets/{number}.json"),
                "subject": format!("{} ({number})", subjects[i % subjects.len()]),
                "raw_subject": format!("{} ({number})", subjects[i % subjects.len()]),
                "description": format!("Please help with ticket {number}."),
                "status": status,
                "priority": priority,
                "type": "question",
                "requester_id": requester,
                "submitter_id": requester,
                "assignee_id": if i % 3 == 0 { Value::Null } else { json!(BOB) },
                "group_id": GROUPS[i % GROUPS.len()].0,
                "tags": [],
                "custom_fields": [{"id": SCHOOL}, {"id": EMPLOYEE}],
                "email_cc_ids": [], "collaborator_ids": [], "follower_ids": [],
                "via": {"channel": channel, "source": {}},
                "created_at": stamp(created),
                "updated_at": stamp(created),
                "has_incidents": false,
                "is_public": true,
            });
            world.comments.insert(
                number,
                vec![json!({
                    "id": number * 10, "type": "Comment", "author_id": requester,
                    "body": format!("Please help with ticket {number}."),
                    "plain_body": format!("Please help with ticket {number}."),
                    "html_body": format!("<p>Please help with ticket {number}.</p>"),
                    "public": true, "attachments": [], "created_at": stamp(created),
                    "audit_id": number * 10,
                })],
            );
            world.audits.insert(
                number,
                vec![json!({
                    "id": number * 10, "ticket_id": number, "author_id": requester,
                    "created_at": stamp(created),
                    "events": [{"id": number * 100, "type": "Create", "field_name": "status", "value": "new"}],
                })],
            );
            world.tickets.insert(number, ticket);
        }
        let world = Arc::new(Mutex::new(world));
        let shared = world.clone();
        std::thread::spawn(move || {
            let contract = Arc::new(Contract::zendesk());
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (world, contract) = (shared.clone(), contract.clone());
                std::thread::spawn(move || serve(stream, &world, &contract));
            }
        });
        StandIn { url, world }
    }

    /// The next `n` requests are answered 429, Retry-After 1.
    pub fn throttle(&self, n: usize) {
        self.world.lock().unwrap().throttle = n;
    }

    /// Tickets carry the account's SLA policy from now on.
    pub fn with_sla_policy(&self) {
        self.world.lock().unwrap().sla = true;
    }

    /// Someone else changes the ticket an update is for just before it
    /// lands: after deskterm read it, before its write.
    pub fn race_next_update(&self) {
        self.world.lock().unwrap().race = true;
    }

    pub fn ticket(&self, number: u64) -> Value {
        self.world.lock().unwrap().tickets[&number].clone()
    }

    pub fn comments(&self, number: u64) -> Vec<Value> {
        self.world.lock().unwrap().comments[&number].clone()
    }

    /// Every request so far.
    pub fn asked(&self) -> Vec<Asked> {
        self.world.lock().unwrap().asked.clone()
    }

    pub fn violations(&self) -> Vec<String> {
        self.world.lock().unwrap().violations.clone()
    }

    /// The violations so far, forgotten (for a test that makes one).
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.world.lock().unwrap().violations)
    }
}

/// A request read whole.
struct Request {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut data = Vec::new();
    let mut buf = [0u8; 65536];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let first = lines.next()?;
    let mut parts = first.split(' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    Some(Request {
        method,
        path: decode(path),
        query,
        headers,
        body,
    })
}

fn respond(stream: &mut TcpStream, status: u16, headers: &[(&str, String)], body: &[u8]) {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        _ => "Status",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(body);
}

/// An answer: status, JSON body, extra headers.
type Answer = (u16, Value, Vec<(&'static str, String)>);

fn error(status: u16, error: &str, description: &str) -> Answer {
    (
        status,
        json!({"error": error, "description": description}),
        Vec::new(),
    )
}

fn serve(mut stream: TcpStream, world: &Mutex<World>, contract: &Contract) {
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    world.lock().unwrap().asked.push(Asked {
        method: request.method.clone(),
        path: request.path.clone(),
        query: request.query.clone(),
        bytes: request.body.len(),
    });
    // An attachment's contents: a file link, not an API operation.
    if let Some(rest) = request.path.strip_prefix("/attachments/token/") {
        let token = rest.split('/').next().unwrap_or_default();
        let world = world.lock().unwrap();
        let file = world.files.values().find(|(record, _)| {
            record["content_url"]
                .as_str()
                .is_some_and(|u| u.contains(token))
        });
        match file {
            Some((record, bytes)) => respond(
                &mut stream,
                200,
                &[(
                    "Content-Type",
                    record["content_type"].as_str().unwrap_or("").to_string(),
                )],
                bytes,
            ),
            None => respond(&mut stream, 404, &[], b"{}"),
        }
        return;
    }
    let json_body = serde_json::from_slice::<Value>(&request.body).ok();
    let is_json = request
        .headers
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/json"));
    let checked = contract.check_request(
        &request.method,
        &request.path,
        &request.query,
        if is_json { json_body.as_ref() } else { None },
        !request.body.is_empty(),
    );
    let op = match checked {
        Ok(op) => op,
        Err(problems) => {
            world
                .lock()
                .unwrap()
                .violations
                .extend(problems.iter().cloned());
            let body = json!({"error": "ContractViolation", "description": problems.join("; ")});
            respond(&mut stream, 400, &[], body.to_string().as_bytes());
            return;
        }
    };
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{AGENT}/token:{TOKEN}"))
    );
    let (status, body, headers) = if request.headers.get("authorization") != Some(&expected) {
        error(
            401,
            "Couldn't authenticate you",
            "The credential was not the agent's",
        )
    } else {
        let mut world = world.lock().unwrap();
        if world.throttle > 0 {
            world.throttle -= 1;
            (
                429,
                json!({"error": "TooManyRequests", "description": "Rate limit exceeded"}),
                vec![("Retry-After", "1".to_string())],
            )
        } else {
            world.answer(&op.id, &op.path_params, &request, json_body.as_ref())
        }
    };
    let problems = contract.check_answer(&op, status, &body);
    if !problems.is_empty() {
        world.lock().unwrap().violations.extend(problems);
    }
    let mut headers: Vec<(&str, String)> = headers;
    headers.push(("Content-Type", "application/json; charset=utf-8".into()));
    respond(&mut stream, status, &headers, body.to_string().as_bytes());
}

fn param<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// One page of `items` from `page[after]`, `page[size]` long, with the
/// cursor meta and links Zendesk gives.
fn cursor_page(items: Vec<Value>, request: &Request, key: &str) -> Value {
    let size: usize = param(request, "page[size]")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100)
        .min(100);
    let start: usize = param(request, "page[after]")
        .and_then(|s| s.strip_prefix('c')?.parse().ok())
        .unwrap_or(0);
    let page: Vec<Value> = items.iter().skip(start).take(size).cloned().collect();
    let end = start + page.len();
    let more = end < items.len();
    json!({
        key: page,
        "meta": {
            "has_more": more,
            "after_cursor": if more { json!(format!("c{end}")) } else { Value::Null },
            "before_cursor": format!("c{start}"),
        },
        "links": {"next": Value::Null, "prev": Value::Null},
    })
}

impl World {
    fn next_stamp(&mut self) -> Timestamp {
        let now = Timestamp::now().round(jiff::Unit::Second).unwrap();
        let at = if now > self.last {
            now
        } else {
            self.last + SignedDuration::from_secs(1)
        };
        self.last = at;
        at
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn with_sla(&self, ticket: &Value) -> Value {
        let mut ticket = ticket.clone();
        let urgent = matches!(ticket["priority"].as_str(), Some("urgent" | "high"));
        if self.sla && urgent {
            let created: Timestamp = ticket["created_at"].as_str().unwrap().parse().unwrap();
            let solved = matches!(ticket["status"].as_str(), Some("solved" | "closed"));
            ticket["slas"] = json!({"policy_metrics": [
                {"breach_at": stamp(created + SignedDuration::from_hours(1)),
                 "stage": if solved { "achieved" } else { "active" },
                 "metric": "first_reply_time", "hours": 1},
                {"breach_at": stamp(created + SignedDuration::from_hours(8)),
                 "stage": if solved { "achieved" } else { "active" },
                 "metric": "agent_work_time", "hours": 8},
            ]});
        }
        ticket
    }

    fn answer(
        &mut self,
        op: &str,
        path: &[(String, String)],
        request: &Request,
        body: Option<&Value>,
    ) -> Answer {
        let path_id =
            |name: &str| -> Option<u64> { path.iter().find(|(n, _)| n == name)?.1.parse().ok() };
        match op {
            "ShowCurrentUser" => (200, json!({"user": self.users[&ME]}), Vec::new()),
            "ListUsers" => {
                let roles: Vec<&str> = request
                    .query
                    .iter()
                    .filter(|(k, _)| k == "role[]" || k == "role")
                    .map(|(_, v)| v.as_str())
                    .collect();
                let users: Vec<Value> = self
                    .users
                    .values()
                    .filter(|u| {
                        roles.is_empty() || roles.contains(&u["role"].as_str().unwrap_or(""))
                    })
                    .cloned()
                    .collect();
                (200, cursor_page(users, request, "users"), Vec::new())
            }
            "ShowManyUsers" => {
                let ids: Vec<u64> = param(request, "ids")
                    .unwrap_or("")
                    .split(',')
                    .filter_map(|i| i.parse().ok())
                    .collect();
                let users: Vec<Value> = ids
                    .iter()
                    .filter_map(|i| self.users.get(i))
                    .cloned()
                    .collect();
                (200, json!({"users": users}), Vec::new())
            }
            "ListGroups" => {
                let groups: Vec<Value> = GROUPS
                    .iter()
                    .map(|(id, name)| {
                        json!({"id": id, "name": name, "description": "", "default": false,
                               "deleted": false, "is_public": true,
                               "created_at": "2025-08-01T08:00:00Z", "updated_at": "2025-08-01T08:00:00Z"})
                    })
                    .collect();
                (200, cursor_page(groups, request, "groups"), Vec::new())
            }
            "ListTicketFields" => {
                let fields = vec![
                    json!({"id": 1, "type": "subject", "title": "Subject", "removable": false, "active": true}),
                    json!({"id": SCHOOL, "type": "tagger", "title": "School", "removable": true, "active": true,
                           "custom_field_options": [
                               {"id": 1, "name": "North High", "value": "north_high"},
                               {"id": 2, "name": "Elm Street Elementary", "value": "elm_street_elementary"}]}),
                    json!({"id": EMPLOYEE, "type": "text", "title": "Employee ID", "removable": true, "active": true}),
                ];
                (
                    200,
                    cursor_page(fields, request, "ticket_fields"),
                    Vec::new(),
                )
            }
            "ListActiveViews" => (
                200,
                json!({"views": [
                    {"id": 7001, "title": "Unsolved in my groups", "active": true, "position": 1},
                    {"id": 7002, "title": "Urgent and unassigned", "active": true, "position": 2},
                ], "count": 2, "next_page": null, "previous_page": null}),
                Vec::new(),
            ),
            "ListTicketsFromView" => {
                let query = match path
                    .iter()
                    .find(|(n, _)| n == "view_id")
                    .map(|(_, v)| v.as_str())
                {
                    Some("7001") => "status<solved",
                    Some("7002") => "status<solved priority:urgent assignee:none",
                    _ => return error(404, "RecordNotFound", "Not found"),
                };
                let mut found = self.search(query);
                found.sort_by_key(|t| {
                    std::cmp::Reverse(t["created_at"].as_str().map(str::to_string))
                });
                (200, json!({"tickets": found}), Vec::new())
            }
            "ExportSearchResults" => {
                let text = param(request, "query").unwrap_or_default().to_string();
                let mut found = self.search(&text);
                // The export keeps no order: least recently updated first.
                found.sort_by_key(|t| {
                    (
                        t["updated_at"].as_str().map(str::to_string),
                        t["id"].as_u64(),
                    )
                });
                for t in &mut found {
                    t["result_type"] = json!("ticket");
                }
                let mut page = cursor_page(found, request, "results");
                page["facets"] = Value::Null;
                (200, page, Vec::new())
            }
            "IncrementalTicketExportCursor" => {
                let per_page: usize = param(request, "per_page")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1000);
                // A position: (updated unix second, id), after which to go on.
                let from: (i64, u64) =
                    match (param(request, "cursor"), param(request, "start_time")) {
                        (Some(cursor), _) => {
                            let (s, id) = cursor.split_once(':').unwrap_or(("0", "0"));
                            (s.parse().unwrap_or(0), id.parse().unwrap_or(0))
                        }
                        (None, Some(start)) => (start.parse::<i64>().unwrap_or(0), 0),
                        (None, None) => {
                            return error(400, "InvalidValue", "start_time or cursor is needed");
                        }
                    };
                let position = |t: &Value| -> (i64, u64) {
                    let at: Timestamp = t["updated_at"].as_str().unwrap().parse().unwrap();
                    (at.as_second(), t["id"].as_u64().unwrap())
                };
                let mut changed: Vec<Value> = self
                    .tickets
                    .values()
                    .filter(|t| {
                        position(t) > from
                            || (param(request, "cursor").is_none() && position(t) >= from)
                    })
                    .cloned()
                    .collect();
                changed.sort_by_key(|t| position(t));
                let done = changed.len() <= per_page;
                changed.truncate(per_page);
                let last = changed.last().map(position).unwrap_or(from);
                let cursor = format!("{}:{}", last.0, last.1);
                (
                    200,
                    json!({
                        "tickets": changed,
                        "after_cursor": cursor,
                        "after_url": format!("{}/api/v2/incremental/tickets/cursor.json?cursor={cursor}", self.base),
                        "before_cursor": null, "before_url": null,
                        "end_of_stream": done,
                    }),
                    Vec::new(),
                )
            }
            "ShowTicket" => {
                let Some(ticket) = path_id("ticket_id").and_then(|n| self.tickets.get(&n)) else {
                    return error(404, "RecordNotFound", "Not found");
                };
                let include = param(request, "include").unwrap_or_default();
                let ticket = match include.split(',').any(|i| i == "slas") {
                    true => self.with_sla(ticket),
                    false => ticket.clone(),
                };
                let mut answer = json!({"ticket": ticket});
                if include.split(',').any(|i| i == "users") {
                    let ids = [
                        &ticket["requester_id"],
                        &ticket["assignee_id"],
                        &ticket["submitter_id"],
                    ];
                    let users: Vec<Value> = ids
                        .iter()
                        .filter_map(|i| self.users.get(&i.as_u64()?))
                        .cloned()
                        .collect();
                    answer["users"] = json!(users);
                }
                (200, answer, Vec::new())
            }
            "ListTicketComments" => {
                let Some(comments) = path_id("ticket_id").and_then(|n| self.comments.get(&n))
                else {
                    return error(404, "RecordNotFound", "Not found");
                };
                let mut comments = comments.clone();
                if param(request, "sort_order") == Some("desc") {
                    comments.reverse();
                }
                (200, cursor_page(comments, request, "comments"), Vec::new())
            }
            "ListAuditsForTicket" => {
                let Some(audits) = path_id("ticket_id").and_then(|n| self.audits.get(&n)) else {
                    return error(404, "RecordNotFound", "Not found");
                };
                let mut page = cursor_page(audits.clone(), request, "audits");
                page["count"] = json!(audits.len());
                (200, page, Vec::new())
            }
            "UpdateTicket" => {
                let Some(number) = path_id("ticket_id").filter(|n| self.tickets.contains_key(n))
                else {
                    return error(404, "RecordNotFound", "Not found");
                };
                let update = body.map(|b| b["ticket"].clone()).unwrap_or(Value::Null);
                self.update(number, &update)
            }
            "CreateTicket" => {
                self.create(&body.map(|b| b["ticket"].clone()).unwrap_or(Value::Null))
            }
            "UploadFiles" => {
                let name = param(request, "filename").unwrap_or("file").to_string();
                let id = self.next_id();
                let token = format!("up{id}");
                let mime = request
                    .headers
                    .get("content-type")
                    .cloned()
                    .unwrap_or_default();
                let record = json!({
                    "id": id, "file_name": name, "content_type": mime, "size": request.body.len(),
                    "content_url": format!("{}/attachments/token/tok{id}/?name={name}", self.base),
                    "inline": false, "deleted": false,
                });
                self.files
                    .insert(id, (record.clone(), request.body.clone()));
                self.uploads.insert(token.clone(), vec![id]);
                (
                    201,
                    json!({"upload": {"token": token, "attachment": record, "attachments": [record]}}),
                    Vec::new(),
                )
            }
            "MergeTicketsIntoTargetTicket" => {
                let Some(target) = path_id("ticket_id").filter(|n| self.tickets.contains_key(n))
                else {
                    return error(404, "RecordNotFound", "Not found");
                };
                let input = body.cloned().unwrap_or(Value::Null);
                self.merge(target, &input)
            }
            "ListActiveMacros" => (
                200,
                json!({"macros": [
                    {"id": 8001, "title": "Bus is on its way", "active": true,
                     "description": "Reply that the bus is coming, set pending",
                     "actions": [{"field": "status", "value": "pending"},
                                 {"field": "comment_value", "value": "The bus is on its way to you."}]},
                ], "count": 1, "next_page": null, "previous_page": null}),
                Vec::new(),
            ),
            "ShowTicketAfterChanges" => {
                let Some(ticket) = path_id("ticket_id").and_then(|n| self.tickets.get(&n)) else {
                    return error(404, "RecordNotFound", "Not found");
                };
                if path_id("macro_id") != Some(8001) {
                    return error(404, "RecordNotFound", "Not found");
                }
                let requester = &self.users[&ticket["requester_id"].as_u64().unwrap()];
                let first = requester["name"]
                    .as_str()
                    .unwrap_or("")
                    .split(' ')
                    .next()
                    .unwrap_or("");
                // What the macro would change, its comment within.
                (
                    200,
                    json!({"result": {"ticket": {
                        "id": ticket["id"], "url": ticket["url"], "status": "pending",
                        "comment": {
                            "body": format!("Hi {first}, the bus is on its way to you."),
                            "public": true}}}}),
                    Vec::new(),
                )
            }
            other => error(
                404,
                "RecordNotFound",
                &format!("the stand-in does not do {other}"),
            ),
        }
    }

    /// The ticket's people as users: `requester` is found by address, or made.
    fn person(&mut self, email: &str, name: &str) -> u64 {
        if let Some((id, _)) = self.users.iter().find(|(_, u)| {
            u["email"]
                .as_str()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        }) {
            return *id;
        }
        let id = self.next_id();
        self.users.insert(id, user(id, name, email, "end-user"));
        id
    }

    fn comment(
        &mut self,
        number: u64,
        author: u64,
        body: &str,
        public: bool,
        uploads: &[String],
        at: Timestamp,
    ) {
        let id = self.next_id();
        let attachments: Vec<Value> = uploads
            .iter()
            .filter_map(|t| self.uploads.get(t))
            .flatten()
            .filter_map(|a| self.files.get(a).map(|(r, _)| r.clone()))
            .collect();
        self.comments.entry(number).or_default().push(json!({
            "id": id, "type": "Comment", "author_id": author, "body": body,
            "plain_body": body, "html_body": format!("<p>{body}</p>"), "public": public,
            "attachments": attachments, "created_at": stamp(at), "audit_id": id,
        }));
    }

    fn update(&mut self, number: u64, update: &Value) -> Answer {
        if std::mem::take(&mut self.race) {
            let at = self.next_stamp();
            let ticket = self.tickets.get_mut(&number).unwrap();
            ticket["priority"] = json!("low");
            ticket["updated_at"] = json!(stamp(at));
        }
        let ticket = self.tickets[&number].clone();
        if update["safe_update"] == true {
            let stamp_given = update["updated_stamp"].as_str().unwrap_or_default();
            if stamp_given != ticket["updated_at"].as_str().unwrap_or_default() {
                return error(
                    409,
                    "UpdateConflict",
                    "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.",
                );
            }
        }
        let mut after = ticket.clone();
        let mut events = Vec::new();
        let change = |after: &mut Value, field: &str, value: Value, events: &mut Vec<Value>| {
            if after[field] != value {
                events.push(json!({"type": "Change", "field_name": field,
                                   "value": value, "previous_value": after[field].clone()}));
                after[field] = value;
            }
        };
        if let Some(status) = update.get("status") {
            if status == "new" && ticket["status"] != "new" {
                return error(
                    422,
                    "RecordInvalid",
                    "Status: new is not valid for a ticket that has been opened",
                );
            }
            change(&mut after, "status", status.clone(), &mut events);
        }
        for field in ["priority", "group_id", "subject", "type"] {
            if let Some(value) = update.get(field) {
                change(&mut after, field, value.clone(), &mut events);
            }
        }
        if let Some(assignee) = update.get("assignee_id") {
            let ok = assignee.is_null()
                || assignee
                    .as_u64()
                    .and_then(|a| self.users.get(&a))
                    .is_some_and(|u| u["role"] != "end-user");
            if !ok {
                return error(422, "RecordInvalid", "Assignee is not an agent");
            }
            change(&mut after, "assignee_id", assignee.clone(), &mut events);
        }
        if let Some(group) = update.get("group_id")
            && !GROUPS.iter().any(|(g, _)| Some(*g) == group.as_u64())
        {
            return error(422, "RecordInvalid", "Group is not a group of this account");
        }
        if let Some(tags) = update.get("tags") {
            change(&mut after, "tags", tags.clone(), &mut events);
        }
        if let Some(fields) = update["custom_fields"].as_array() {
            for f in fields {
                let Some(slot) = after["custom_fields"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|have| have["id"] == f["id"])
                else {
                    return error(422, "RecordInvalid", "No such ticket field");
                };
                // An empty value clears the field (none is kept, as the
                // contract has no null for it).
                let value = match &f["value"] {
                    Value::String(s) if s.is_empty() => Value::Null,
                    other => other.clone(),
                };
                if f["id"] == SCHOOL
                    && !value.is_null()
                    && !["north_high", "elm_street_elementary"]
                        .contains(&f["value"].as_str().unwrap_or(""))
                {
                    return error(422, "RecordInvalid", "School: is not a value of the field");
                }
                if slot["value"] != value {
                    events.push(json!({"type": "Change", "field_name": f["id"].to_string(),
                                       "value": value, "previous_value": slot["value"]}));
                    match value {
                        Value::Null => {
                            slot.as_object_mut().unwrap().remove("value");
                        }
                        value => slot["value"] = value,
                    }
                }
            }
        }
        for cc in update["email_ccs"].as_array().into_iter().flatten() {
            let email = cc["user_email"].as_str().unwrap_or_default().to_string();
            let id = self.person(&email, &email);
            let list = after["email_cc_ids"].as_array_mut().unwrap();
            list.retain(|i| i.as_u64() != Some(id));
            if cc["action"] == "put" {
                list.push(json!(id));
            }
        }
        let at = self.next_stamp();
        if let Some(comment) = update.get("comment") {
            let uploads: Vec<String> = comment["uploads"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u.as_str().map(str::to_string))
                .collect();
            let body = comment["body"].as_str().unwrap_or_default().to_string();
            self.comment(number, ME, &body, comment["public"] != false, &uploads, at);
            if after["status"] == "new" && update.get("status").is_none() {
                change(&mut after, "status", json!("open"), &mut events);
            }
        }
        after["updated_at"] = json!(stamp(at));
        let audit = json!({"id": self.next_id(), "ticket_id": number, "author_id": ME,
                           "created_at": stamp(at), "events": events});
        self.audits.entry(number).or_default().push(audit.clone());
        self.tickets.insert(number, after.clone());
        (
            200,
            json!({"ticket": after, "audit": answered(&audit)}),
            Vec::new(),
        )
    }

    fn create(&mut self, made: &Value) -> Answer {
        let Some(subject) = made["subject"].as_str() else {
            return error(422, "RecordInvalid", "Subject: cannot be blank");
        };
        let requester = match &made["requester"] {
            Value::Object(r) => {
                let email = r
                    .get("email")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let name = r
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&email)
                    .to_string();
                self.person(&email, &name)
            }
            _ => ME,
        };
        let number = self.tickets.keys().last().copied().unwrap_or(FIRST) + 1;
        let at = self.next_stamp();
        let mut custom = vec![json!({"id": SCHOOL}), json!({"id": EMPLOYEE})];
        for f in made["custom_fields"].as_array().into_iter().flatten() {
            if let Some(slot) = custom.iter_mut().find(|c| c["id"] == f["id"]) {
                slot["value"] = f["value"].clone();
            }
        }
        let ticket = json!({
            "id": number,
            "url": format!("https://district.zendesk.com/api/v2/tickets/{number}.json"),
            "subject": subject, "raw_subject": subject,
            "description": made["comment"]["body"],
            "status": if made["assignee_id"].is_u64() { "open" } else { "new" },
            "priority": made.get("priority").cloned().unwrap_or(Value::Null),
            "type": null,
            "requester_id": requester, "submitter_id": ME,
            "assignee_id": made.get("assignee_id").cloned().unwrap_or(Value::Null),
            "group_id": made.get("group_id").cloned().unwrap_or(Value::Null),
            "tags": [], "custom_fields": custom,
            "email_cc_ids": [], "collaborator_ids": [], "follower_ids": [],
            "via": {"channel": "api", "source": {}},
            "created_at": stamp(at), "updated_at": stamp(at),
            "has_incidents": false, "is_public": true,
        });
        // The agent who logs it writes the first comment, as on Zendesk.
        let body = made["comment"]["body"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.comment(number, ME, &body, true, &[], at);
        let audit_id = self.next_id();
        self.audits.entry(number).or_default().push(json!({
            "id": audit_id, "ticket_id": number, "author_id": ME, "created_at": stamp(at),
            "events": [{"type": "Create", "field_name": "status", "value": ticket["status"]}],
        }));
        self.tickets.insert(number, ticket.clone());
        (
            201,
            json!({"ticket": ticket}),
            vec![(
                "Location",
                format!("{}/api/v2/tickets/{number}.json", self.base),
            )],
        )
    }

    fn merge(&mut self, target: u64, input: &Value) -> Answer {
        let sources: Vec<u64> = input["ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .collect();
        for source in &sources {
            let Some(ticket) = self.tickets.get(source) else {
                return error(422, "RecordInvalid", "A ticket to merge is not there");
            };
            if ticket["status"] == "closed" || *source == target {
                return error(422, "RecordInvalid", "Closed tickets cannot be merged");
            }
        }
        for source in sources {
            let at = self.next_stamp();
            let source_comment = input["source_comment"]
                .as_str()
                .map(str::to_string)
                .unwrap_or(format!(
                    "This request was closed and merged into request #{target}."
                ));
            self.comment(
                source,
                ME,
                &source_comment,
                input["source_comment_is_public"] == true,
                &[],
                at,
            );
            let ticket = self.tickets.get_mut(&source).unwrap();
            ticket["status"] = json!("closed");
            ticket["tags"]
                .as_array_mut()
                .unwrap()
                .push(json!("closed_by_merge"));
            ticket["updated_at"] = json!(stamp(at));
            let target_comment = input["target_comment"]
                .as_str()
                .map(str::to_string)
                .unwrap_or(format!(
                    "Request #{source} was closed and merged into this request."
                ));
            self.comment(
                target,
                ME,
                &target_comment,
                input["target_comment_is_public"] == true,
                &[],
                at,
            );
            self.tickets.get_mut(&target).unwrap()["updated_at"] = json!(stamp(at));
        }
        (
            200,
            json!({"job_status": {"id": format!("job{}", self.next_id()), "job_type": "Merge",
                                  "status": "completed", "progress": 1, "total": 1,
                                  "message": "Completed", "url": format!("{}/api/v2/job_statuses/1.json", self.base),
                                  "results": []}}),
            Vec::new(),
        )
    }

    /// The tickets a search text finds (Zendesk's syntax, the part
    /// deskterm writes; a term it does not know finds nothing).
    fn search(&self, text: &str) -> Vec<Value> {
        let terms = split_terms(text);
        self.tickets
            .values()
            .filter(|t| terms.iter().all(|term| self.holds(t, term)))
            .cloned()
            .collect()
    }

    fn holds(&self, t: &Value, term: &str) -> bool {
        const ORDER: [&str; 6] = ["new", "open", "pending", "hold", "solved", "closed"];
        const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
        let ops = [">=", "<=", ":", "<", ">"];
        let found = ops
            .iter()
            .filter_map(|op| term.find(op).map(|at| (at, *op)))
            .min_by_key(|(at, op)| (*at, std::cmp::Reverse(op.len())));
        let Some((at, op)) = found.filter(|(at, _)| !term.starts_with('"') && *at > 0) else {
            // A word: in the subject, the description or a comment.
            let word = term.trim_matches('"').to_lowercase();
            let number = t["id"].as_u64().unwrap();
            let comments = self.comments.get(&number).into_iter().flatten();
            return t["subject"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .contains(&word)
                || comments.into_iter().any(|c| {
                    c["body"]
                        .as_str()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&word)
                })
                || number.to_string() == word;
        };
        let key = &term[..at];
        let value = term[at + op.len()..].trim_matches('"');
        let compare = |have: Option<usize>, want: Option<usize>| match (have, want) {
            (Some(h), Some(w)) => match op {
                ":" => h == w,
                "<" => h < w,
                ">" => h > w,
                "<=" => h <= w,
                ">=" => h >= w,
                _ => false,
            },
            _ => false,
        };
        let at_of = |list: &[&str], v: &str| list.iter().position(|x| *x == v);
        match key {
            "status" => compare(
                at_of(&ORDER, t["status"].as_str().unwrap_or("")),
                at_of(&ORDER, value),
            ),
            "priority" => compare(
                at_of(&PRIORITIES, t["priority"].as_str().unwrap_or("normal")),
                at_of(&PRIORITIES, value),
            ),
            "group" => value.parse::<u64>().is_ok_and(|g| t["group_id"] == g),
            "assignee" => match value {
                "me" => t["assignee_id"] == ME,
                "none" => t["assignee_id"].is_null(),
                id => id.parse::<u64>().is_ok_and(|a| t["assignee_id"] == a),
            },
            "requester" => t["requester_id"]
                .as_u64()
                .and_then(|r| self.users.get(&r))
                .and_then(|u| u["email"].as_str())
                .is_some_and(|e| e.eq_ignore_ascii_case(value)),
            "tags" => t["tags"].as_array().unwrap().iter().any(|x| x == value),
            "created" | "updated" => {
                let field = if key == "created" {
                    "created_at"
                } else {
                    "updated_at"
                };
                let have: Timestamp = t[field].as_str().unwrap().parse().unwrap();
                let Ok(want) = value.parse::<Timestamp>() else {
                    return false;
                };
                match op {
                    ">=" => have >= want,
                    ">" => have > want,
                    "<" => have < want,
                    "<=" => have <= want,
                    _ => have == want,
                }
            }
            key if key.starts_with("custom_field_") => {
                let id: u64 = key["custom_field_".len()..].parse().unwrap_or(0);
                t["custom_fields"].as_array().unwrap().iter().any(|f| {
                    f["id"] == id
                        && f["value"]
                            .as_str()
                            .is_some_and(|v| v.eq_ignore_ascii_case(value))
                })
            }
            _ => false,
        }
    }
}

/// An audit as the update's answer gives it (`AuditObject`): its events'
/// values strings or numbers (tags as words), none for a cleared field.
fn answered(audit: &Value) -> Value {
    let mut audit = audit.clone();
    for event in audit["events"].as_array_mut().into_iter().flatten() {
        let Some(event) = event.as_object_mut() else {
            continue;
        };
        event.remove("previous_value");
        match event.get("value").cloned() {
            Some(Value::Array(items)) => {
                let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                event.insert("value".into(), json!(words.join(" ")));
            }
            Some(Value::Null) => {
                event.remove("value");
            }
            _ => {}
        }
    }
    audit
}

/// Search words, a quoted phrase as one.
fn split_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    terms.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        terms.push(current);
    }
    terms
}
