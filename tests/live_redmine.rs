//! The conformance suite on a live Redmine, and what its REST API does
//! where the documentation is silent, measured on the server
//! `scripts/live/redmine.sh` starts, so a change of Redmine (or of the
//! seed) that breaks what the backend relies on fails here first.
//!
//! Ignored in `cargo test`; `.ci/run` starts Redmine and runs these with
//! `--ignored`. Without `DESKTERM_REDMINE_URL` they fail rather than pass.
#![allow(clippy::unwrap_used)]

mod common;
#[macro_use]
mod conformance;

use std::sync::Arc;
use std::time::Duration;

use deskterm::config::secret::Secret;
use deskterm::desk::http::{Auth, Transport};
use deskterm::desk::redmine::{RedmineDesk, RedmineSettings};
use deskterm::desk::*;
use serde_json::{Value, json};

use conformance::Fixture;

fn settings(key_var: &str, user: &str) -> RedmineSettings {
    RedmineSettings {
        url: env("DESKTERM_REDMINE_URL"),
        user: user.into(),
        auth: Auth::Token(Secret::new(env(key_var))),
        transport: Transport::with_timeout(Duration::from_secs(30)),
        projects: Vec::new(),
        trackers: Vec::new(),
        queues_are_trackers: false,
        pending: Vec::new(),
        requester_field: Some("Requester email".into()),
        channel_field: None,
        roles: vec![("parents.example.org".into(), RequesterRole::Parent)],
    }
}

fn redmine() -> RedmineDesk {
    RedmineDesk::new(settings("DESKTERM_REDMINE_KEY", "alice")).unwrap()
}

/// The seeded "Request N" issues are 1 to 16 (1 to 12 in Support); issues
/// 1 and 2 are read by the checks of the API below, the suite uses 3 to 11.
async fn fixture() -> Fixture {
    Fixture {
        desk: Arc::new(redmine()),
        tickets: (3..3 + conformance::SLOTS)
            .map(|n| TicketId(n.to_string().into()))
            .collect(),
        _keep: Box::new(()),
    }
}

conformance_tests!([#[ignore = "needs a live Redmine: .ci/run starts one"]] fixture);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: start Redmine with scripts/live/redmine.sh and source its env")
    })
}

/// A request as `key_var`'s user: the status and the JSON answer (null
/// when there is none).
async fn call(
    key_var: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/{path}", env("DESKTERM_REDMINE_URL")))
        .header("X-Redmine-API-Key", env(key_var));
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.to_string());
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn get(key_var: &str, path: &str) -> Value {
    let (status, body) = call(key_var, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// A fresh issue of the test's own in the Support project, as alice.
async fn new_issue(subject: &str) -> u64 {
    let (status, body) = call(
        "DESKTERM_REDMINE_KEY",
        reqwest::Method::POST,
        "issues.json",
        Some(json!({ "issue": {
            "project_id": env("DESKTERM_REDMINE_SUPPORT").parse::<u64>().unwrap(),
            "subject": subject,
            "description": "For one check.",
        }})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["issue"]["id"].as_u64().unwrap()
}

/// The seed: two projects, statuses and priorities to map, agents and a
/// group as project members, and the first issue's public and private notes.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn the_seeded_desk_has_projects_members_statuses_and_journals() {
    let me = get("DESKTERM_REDMINE_KEY", "users/current.json").await;
    assert_eq!(me["user"]["login"], "alice");
    let projects = get("DESKTERM_REDMINE_KEY", "projects.json").await;
    let names: Vec<&str> = projects["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Facilities", "Support"]);
    let members = get(
        "DESKTERM_REDMINE_KEY",
        &format!(
            "projects/{}/memberships.json",
            env("DESKTERM_REDMINE_SUPPORT")
        ),
    )
    .await;
    let members = members["memberships"].as_array().unwrap();
    assert!(members.iter().any(|m| m["group"]["name"] == "Help Desk"));
    let statuses = get("DESKTERM_REDMINE_KEY", "issue_statuses.json").await;
    let closed: Vec<&str> = statuses["issue_statuses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["is_closed"] == true)
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    // "Resolved" is not closed in Redmine's default data: a backend must
    // not read "closed" as "finished".
    assert_eq!(closed, ["Closed", "Rejected"]);
    let first = get(
        "DESKTERM_REDMINE_KEY",
        "issues/1.json?include=journals,attachments",
    )
    .await;
    let journals = first["issue"]["journals"].as_array().unwrap();
    assert_eq!(journals.len(), 2);
    assert_eq!(journals[1]["private_notes"], true);
    let second = get("DESKTERM_REDMINE_KEY", "issues/2.json?include=attachments").await;
    assert_eq!(second["issue"]["attachments"][0]["filename"], "printer.log");
}

/// A write with a stale `lock_version` is refused (422, and an empty
/// `errors` list), but the API never shows an issue's `lock_version`: a
/// backend cannot send the one it saw, and must compare `updated_on`
/// before it writes.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn a_stale_lock_version_is_refused_but_never_shown() {
    let id = new_issue("Lock version check").await;
    let issue = get("DESKTERM_REDMINE_KEY", &format!("issues/{id}.json")).await;
    assert!(issue["issue"].get("lock_version").is_none(), "{issue}");
    let path = format!("issues/{id}.json");
    let write = |lock: u64| {
        call(
            "DESKTERM_REDMINE_KEY",
            reqwest::Method::PUT,
            &path,
            Some(json!({ "issue": { "lock_version": lock, "notes": format!("at {lock}") } })),
        )
    };
    // Made through the API, an issue is saved twice: it is at 1.
    let stale = (422, json!({ "errors": [] }));
    assert_eq!(write(0).await, stale);
    assert_eq!(write(1).await.0, 204);
    assert_eq!(write(1).await, stale);
    assert_eq!(write(2).await.0, 204);
}

/// Private notes stay private: a reporter of the project reads the issue
/// without them, and someone in no project cannot read it at all.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn private_notes_are_hidden_from_requesters_and_outsiders() {
    let carol = get(
        "DESKTERM_REDMINE_KEY_CAROL",
        "issues/1.json?include=journals",
    )
    .await;
    let notes: Vec<&str> = carol["issue"]["journals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["notes"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["A public answer from the desk."]);
    let (status, _) = call(
        "DESKTERM_REDMINE_KEY_DAVE",
        reqwest::Method::GET,
        "issues/1.json?include=journals",
        None,
    )
    .await;
    assert_eq!(status, 403);
}

/// `updated_on=>=` takes an instant in UTC whatever the user's time zone
/// and refuses an offset; it is read in whole seconds (`> T - 1 s` against
/// times kept with fractions), so a change in the second before is found
/// too: an incremental refresh sends UTC instants and may see a change
/// twice, never miss one.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn updated_on_filters_read_utc_instants() {
    let id = new_issue("Refresh check").await;
    let issue = get("DESKTERM_REDMINE_KEY", &format!("issues/{id}.json")).await;
    let updated: jiff::Timestamp = issue["issue"]["updated_on"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let found = |filter: String| async move {
        let (status, body) = call(
            "DESKTERM_REDMINE_KEY",
            reqwest::Method::GET,
            &format!(
                "issues.json?status_id=*&limit=100&updated_on={}",
                filter.replace('+', "%2B")
            ),
            None,
        )
        .await;
        (status, body)
    };
    let ids = |body: &Value| -> Vec<u64> {
        body["issues"]
            .as_array()
            .map(|a| a.iter().map(|i| i["id"].as_u64().unwrap()).collect())
            .unwrap_or_default()
    };
    let at = updated.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (_, body) = found(format!(">={at}")).await;
    assert!(ids(&body).contains(&id), "{body}");
    let later = (updated + jiff::SignedDuration::from_secs(2))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let (_, body) = found(format!(">={later}")).await;
    assert!(!ids(&body).contains(&id), "{body}");
    let (status, body) = found(format!(">={}", at.replace('Z', "+00:00"))).await;
    assert_eq!(status, 422, "{body}");
}

/// The error shapes: 422 with `errors`, 401 for a wrong key, 404 for no
/// such issue.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn errors_come_as_422_with_errors_401_and_404() {
    let (status, body) = call(
        "DESKTERM_REDMINE_KEY",
        reqwest::Method::PUT,
        "issues/1.json",
        Some(json!({ "issue": { "subject": "" } })),
    )
    .await;
    assert_eq!(
        (status, body),
        (422, json!({ "errors": ["Subject cannot be blank"] }))
    );
    let answer = reqwest::Client::new()
        .get(format!("{}/issues.json", env("DESKTERM_REDMINE_URL")))
        .header("X-Redmine-API-Key", "not-a-key")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    let (status, _) = call(
        "DESKTERM_REDMINE_KEY",
        reqwest::Method::GET,
        "issues/999999.json",
        None,
    )
    .await;
    assert_eq!(status, 404);
}

/// The real binary against the live Redmine: the queue, an issue's
/// conversation, a reply typed and sent; read back through the API, as
/// the requester (who must see it) and as bob.
#[test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
fn a_reply_typed_in_the_console_reaches_redmine() {
    let home = tempfile::TempDir::new().unwrap();
    common::write_config(
        home.path(),
        &format!(
            "default_profile = \"school\"\n[profiles.school]\nbackend = \"redmine\"\n\
             url = \"{}\"\nuser = \"alice\"\nrequester_field = \"Requester email\"\n",
            env("DESKTERM_REDMINE_URL")
        ),
    );
    let key = env("DESKTERM_REDMINE_KEY");
    let mut term =
        common::pty::Terminal::start(home.path(), &[], &[("DESKTERM_TOKEN", &key)], 100, 30);
    term.wait_for("● live");
    term.wait_for(" school ");
    term.wait_for("Request 12");
    term.send(":open 12\r");
    term.wait_for("Something is wrong with thing 12.");
    term.send("q");
    term.wait_for("SLA↓");
    let text = format!("Sent from the pty {}", std::process::id());
    term.reply_and_quit("12", &text);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    for key_var in ["DESKTERM_REDMINE_KEY_CAROL", "DESKTERM_REDMINE_KEY_BOB"] {
        let issue = runtime.block_on(get(key_var, "issues/12.json?include=journals"));
        let journal = issue["issue"]["journals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["notes"] == text.as_str())
            .unwrap_or_else(|| panic!("the reply, as {key_var}: {issue}"));
        assert_eq!(journal["user"]["name"], "Alice Rivera");
        assert_eq!(journal["private_notes"], false);
    }
}

/// An agent who administers nothing (bob) works the desk too: his queues,
/// an issue with its private note, a note of his own; without the
/// administrators' lists, the requester is known by name.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn an_agent_who_is_no_administrator_works_the_desk() {
    let bob = RedmineDesk::new(settings("DESKTERM_REDMINE_KEY_BOB", "bob")).unwrap();
    assert_eq!(bob.me().await.unwrap().name.as_str(), "Bob Tech");
    let queues: Vec<String> = bob
        .queues()
        .await
        .unwrap()
        .iter()
        .map(|q| q.name.to_string())
        .collect();
    assert_eq!(queues, ["Facilities", "Support"]);
    let first = bob.ticket(&TicketId("1".into())).await.unwrap();
    assert_eq!(first.summary.requester.name.as_str(), "Carol Parent");
    assert!(first.summary.requester.email.is_empty());
    assert!(
        first
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Note && e.body.contains("agents only"))
    );
    let id = TicketId("13".into());
    let version = bob.ticket(&id).await.unwrap().summary.version;
    let text = format!("Bob's note {}", std::process::id());
    bob.apply(
        &id,
        &version,
        &Change::Note {
            body: text.clone(),
            then: None,
            files: Vec::new(),
        },
    )
    .await
    .unwrap();
    let carol = get(
        "DESKTERM_REDMINE_KEY_CAROL",
        "issues/13.json?include=journals",
    )
    .await;
    assert!(
        !carol.to_string().contains(&text),
        "a requester reads no note"
    );
}

/// Redmine's refusals reach the user in words: a wrong key, an issue they
/// may not see, one that is not there, a change Redmine refuses (422 with
/// its `errors`).
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn redmines_refusals_come_through_in_words() {
    let mut wrong = settings("DESKTERM_REDMINE_KEY", "alice");
    wrong.auth = Auth::Token(Secret::new("not-a-key"));
    let wrong = RedmineDesk::new(wrong).unwrap();
    assert!(matches!(wrong.me().await, Err(DeskError::Auth)));
    let dave = RedmineDesk::new(settings("DESKTERM_REDMINE_KEY_DAVE", "dave")).unwrap();
    // Dave is in no project: nothing to work.
    assert!(
        matches!(dave.me().await, Err(DeskError::Config(_))),
        "{:?}",
        dave.me().await
    );
    let alice = redmine();
    assert!(matches!(
        alice.ticket(&TicketId("999999".into())).await,
        Err(DeskError::NotFound)
    ));
    let id = TicketId("14".into());
    let version = alice.ticket(&id).await.unwrap().summary.version;
    let refused = alice
        .apply(&id, &version, &Change::MoveTo(QueueId("999".into())))
        .await;
    // Redmine answers 204 and keeps the issue where it was: found out by
    // reading it back, never reported as done.
    match refused {
        Err(DeskError::Rejected(why)) => {
            assert_eq!(
                why,
                "Redmine did not move it to that project; the issue is as it was"
            );
        }
        other => panic!("{other:?}"),
    }
    let still = alice.ticket(&id).await.unwrap().summary;
    assert_eq!(
        still.queue.id,
        QueueId(env("DESKTERM_REDMINE_FACILITIES").into())
    );
    // A 422 with `errors` says Redmine's own words.
    let blank = alice
        .create(&NewTicket {
            queue: QueueId(env("DESKTERM_REDMINE_SUPPORT").into()),
            subject: String::new(),
            requester_email: "caller@example.org".into(),
            requester_name: String::new(),
            channel: Channel::Phone,
            priority: PriorityLevel::Normal,
            owner: Assignee::Nobody,
            body: "Words.".into(),
        })
        .await;
    match blank {
        Err(DeskError::Rejected(why)) => assert_eq!(why, "Subject cannot be blank"),
        other => panic!("{other:?}"),
    }
}

/// A colleague's note is found by the next refresh in one request (an idle
/// refresh is one too), and an escape sequence they put in it never reaches
/// the screen.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn a_colleagues_change_is_found_in_one_request_and_its_escapes_are_inert() {
    let alice = redmine();
    let active = Query::active();
    let before = alice
        .search(&active, PageRequest::first(100))
        .await
        .unwrap();
    let since = before.items.iter().map(|t| t.updated).max().unwrap();
    // Nothing changed: one small answer.
    let requests = alice.traffic().requests;
    assert!(
        alice
            .changed_since(&active, since + jiff::SignedDuration::from_secs(5))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(alice.traffic().requests, requests + 1);
    // Bob writes a note with an escape sequence in it.
    let text = format!(
        "Cleared \u{1b}]52;c;ZXZpbA==\u{7}the jam {}",
        std::process::id()
    );
    let (status, _) = call(
        "DESKTERM_REDMINE_KEY_BOB",
        reqwest::Method::PUT,
        "issues/15.json",
        Some(json!({ "issue": { "notes": text } })),
    )
    .await;
    assert_eq!(status, 204);
    let requests = alice.traffic().requests;
    let changed = alice.changed_since(&active, since).await.unwrap();
    assert_eq!(alice.traffic().requests, requests + 1, "one request");
    assert!(changed.iter().any(|t| t.id.0 == "15"), "{changed:?}");
    let detail = alice.ticket(&TicketId("15".into())).await.unwrap();
    let note = detail
        .entries
        .iter()
        .find(|e| e.body.contains("the jam"))
        .unwrap();
    assert!(
        !note.body.contains('\u{1b}') && !note.body.contains('\u{7}'),
        "{:?}",
        note.body
    );
    assert!(note.by_agent);
}

/// A desk whose queues are trackers (`queues_are = "trackers"`): the
/// trackers listed as queues, a search by one, a move to another.
#[tokio::test]
#[ignore = "needs a live Redmine: .ci/run starts one"]
async fn trackers_can_be_the_queues() {
    let mut by_tracker = settings("DESKTERM_REDMINE_KEY", "alice");
    by_tracker.queues_are_trackers = true;
    by_tracker.trackers = vec!["Feature".into(), "Support".into()];
    let desk = RedmineDesk::new(by_tracker).unwrap();
    let queues = desk.queues().await.unwrap();
    let names: Vec<&str> = queues.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["Feature", "Support"]);
    let support = queues
        .iter()
        .find(|q| q.name.as_str() == "Support")
        .unwrap();
    let feature = queues
        .iter()
        .find(|q| q.name.as_str() == "Feature")
        .unwrap();
    let found = desk
        .search(
            &Query {
                queue: Some(support.id.clone()),
                text: "Request 16".into(),
                ..Query::default()
            },
            PageRequest::first(100),
        )
        .await
        .unwrap();
    let ids: Vec<&str> = found.items.iter().map(|t| t.id.0.as_str()).collect();
    assert_eq!(ids, ["16"]);
    assert_eq!(found.items[0].queue.name.as_str(), "Support");
    let id = TicketId("16".into());
    let version = found.items[0].version.clone();
    let moved = desk
        .apply(&id, &version, &Change::MoveTo(feature.id.clone()))
        .await
        .unwrap();
    assert_eq!(moved.summary.queue.name.as_str(), "Feature");
    // Back where the seed put it, for the next run on this server.
    let back = desk
        .apply(&id, &moved.version, &Change::MoveTo(support.id.clone()))
        .await
        .unwrap();
    assert_eq!(back.summary.queue.name.as_str(), "Support");
}
