//! The Zendesk backend against Zendesk's published contract: no live
//! Zendesk can run here, so these run on a stand-in server
//! (`common::zendesk`) that holds every request deskterm sends, and every
//! answer it gives itself, to Zendesk's OpenAPI document
//! (`tests/contract`). A request the contract does not allow fails the
//! test that made it. The conformance suite runs on it too.
#![allow(clippy::unwrap_used)]

mod common;
#[macro_use]
mod conformance;

use std::sync::Arc;
use std::time::Duration;

use deskterm::config::secret::Secret;
use deskterm::desk::http::Transport;
use deskterm::desk::zendesk::{self, ZendeskDesk, ZendeskSettings};
use deskterm::desk::*;
use serde_json::json;

use common::openapi::{Contract, Way};
use common::zendesk::{AGENT, FIRST, StandIn, TOKEN};
use conformance::Fixture;

fn settings(standin: &StandIn, token: &str) -> ZendeskSettings {
    ZendeskSettings {
        url: standin.url.clone(),
        user: AGENT.into(),
        auth: zendesk::auth(AGENT, Secret::new(token), false),
        transport: Transport::with_timeout(Duration::from_secs(10)),
        channel_field: None,
        roles: vec![("parents.district.example".into(), RequesterRole::Parent)],
    }
}

fn desk(standin: &StandIn) -> ZendeskDesk {
    ZendeskDesk::new(settings(standin, TOKEN)).unwrap()
}

/// A stand-in with 30 tickets; the suite uses the first nine.
async fn fixture() -> Fixture {
    let standin = StandIn::start(30);
    Fixture {
        desk: Arc::new(desk(&standin)),
        tickets: (FIRST..FIRST + conformance::SLOTS as u64)
            .map(|n| TicketId(n.to_string().into()))
            .collect(),
        _keep: Box::new(standin),
    }
}

conformance_tests!([] fixture);

fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
    query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_validator_takes_what_the_contract_allows() {
    let contract = Contract::zendesk();
    let update = json!({"ticket": {
        "comment": {"body": "On its way", "public": true, "uploads": ["tok"]},
        "status": "pending", "assignee_id": null, "safe_update": true,
        "updated_stamp": "2026-03-02T08:00:00Z", "tags": ["late-bus"],
        "custom_fields": [{"id": 5001, "value": "north_high"}],
        "email_ccs": [{"user_email": "principal@example.org", "action": "put"}],
    }});
    let ok = contract.check_request("PUT", "/api/v2/tickets/42", &[], Some(&update), true);
    assert!(ok.is_ok(), "{ok:?}");
    let ok = contract.check_request(
        "GET",
        "/api/v2/search/export",
        &pairs(&[
            ("query", "status<=hold"),
            ("filter[type]", "ticket"),
            ("page[size]", "100"),
        ]),
        None,
        false,
    );
    assert!(ok.is_ok(), "{ok:?}");
    let ok = contract.check_request(
        "GET",
        "/api/v2/tickets/42/comments",
        &pairs(&[("page[size]", "100"), ("sort_order", "asc")]),
        None,
        false,
    );
    assert!(ok.is_ok(), "{ok:?}");
}

/// Each of these breaks the contract, and each is refused, with a reason
/// that names what broke it.
#[test]
fn the_validator_refuses_a_request_that_breaks_the_contract() {
    let contract = Contract::zendesk();
    let refused =
        |method: &str, path: &str, query: &[(&str, &str)], body: Option<serde_json::Value>| {
            contract
                .check_request(method, path, &pairs(query), body.as_ref(), body.is_some())
                .expect_err("refused")
                .join("; ")
        };
    let why = refused("GET", "/api/v2/tickets/42", &[("includes", "slas")], None);
    assert!(why.contains("\"includes\" is not in the contract"), "{why}");
    let why = refused("DELETE", "/api/v2/tickets/42", &[], None);
    assert!(why.contains("no operation"), "{why}");
    let why = refused("GET", "/api/v2/tickets/forty-two", &[], None);
    assert!(why.contains("path ticket_id"), "{why}");
    let why = refused("GET", "/api/v2/search/export", &[("query", "bus")], None);
    assert!(why.contains("filter[type] missing"), "{why}");
    let why = refused(
        "GET",
        "/api/v2/tickets/42/comments",
        &[("page[size]", "0")],
        None,
    );
    assert!(why.contains("page[size]"), "{why}");
    let why = refused(
        "PUT",
        "/api/v2/tickets/42",
        &[],
        Some(json!({"ticket": {"status": "archived"}})),
    );
    assert!(why.contains("is not one of"), "{why}");
    let why = refused(
        "PUT",
        "/api/v2/tickets/42",
        &[],
        Some(json!({"ticket": {"statsu": "open"}})),
    );
    assert!(why.contains("\"statsu\" is not a property"), "{why}");
    let why = refused(
        "PUT",
        "/api/v2/tickets/42",
        &[],
        Some(json!({"ticket": {"id": 42, "status": "open"}})),
    );
    assert!(why.contains("read-only"), "{why}");
    let why = refused(
        "PUT",
        "/api/v2/tickets/42",
        &[],
        Some(json!({"ticket": {"updated_stamp": "yesterday"}})),
    );
    assert!(why.contains("not a date-time"), "{why}");
    let why = refused(
        "POST",
        "/api/v2/tickets/42/merge",
        &[],
        Some(json!({"source_comment": "no ids"})),
    );
    assert!(why.contains("\"ids\" is missing"), "{why}");
    // And an answer that breaks it: a write-only field, a wrong type.
    let op = contract.operation("GET", "/api/v2/tickets/42").unwrap();
    let problems = contract.check_answer(
        &op,
        200,
        &json!({"ticket": {"id": "42", "safe_update": true}}),
    );
    assert!(
        problems.iter().any(|p| p.contains("is not integer")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("write-only")),
        "{problems:?}"
    );
    let mut problems = Vec::new();
    contract.check(
        &json!([1]),
        &json!({"type": "object"}),
        "x",
        Way::Answer,
        &mut problems,
    );
    assert!(!problems.is_empty());
}

/// The stand-in holds what comes over the wire to the contract: a request
/// deskterm would never send is answered 400 and recorded.
#[tokio::test]
async fn the_stand_in_refuses_and_records_a_request_off_the_contract() {
    let standin = StandIn::start(3);
    let answer = reqwest::Client::new()
        .put(format!("{}/api/v2/tickets/{FIRST}", standin.url))
        .basic_auth(format!("{AGENT}/token"), Some(TOKEN))
        .header("content-type", "application/json")
        .body(json!({"ticket": {"statsu": "open"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let violations = standin.take_violations();
    assert!(
        violations.iter().any(|v| v.contains("statsu")),
        "{violations:?}"
    );
}

#[tokio::test]
async fn the_api_token_goes_as_email_slash_token_and_a_wrong_one_is_refused() {
    let standin = StandIn::start(3);
    let wrong = ZendeskDesk::new(settings(&standin, "not-the-token")).unwrap();
    assert_eq!(wrong.me().await.err(), Some(DeskError::Auth));
    let me = desk(&standin).me().await.unwrap();
    assert_eq!(me.email.as_str(), AGENT);
}

/// A ticket changed between deskterm's read and its write: Zendesk's
/// `safe_update` refuses the write (409), and nothing is overwritten.
#[tokio::test]
async fn a_change_that_lands_between_read_and_write_is_a_conflict_not_an_overwrite() {
    let standin = StandIn::start(3);
    let desk = desk(&standin);
    let id = TicketId(FIRST.to_string().into());
    let seen = desk.ticket(&id).await.unwrap().summary;
    standin.race_next_update();
    let write = desk
        .apply(
            &id,
            &seen.version,
            &Change::SetPriority(PriorityLevel::Urgent),
        )
        .await;
    assert!(
        matches!(write, Err(DeskError::Conflict { .. })),
        "{write:?}"
    );
    assert_eq!(
        standin.ticket(FIRST)["priority"],
        "low",
        "the other change stands"
    );
    let sent = standin.asked();
    let put = sent
        .iter()
        .find(|a| a.method == "PUT")
        .expect("the write was sent");
    assert_eq!(put.path, format!("/api/v2/tickets/{FIRST}"));
}

/// 429 with Retry-After: the desk says how long to wait, and the outbox's
/// policy waits that long and sends it again (never as uncertain).
#[tokio::test]
async fn a_rate_limit_says_how_long_to_wait() {
    let standin = StandIn::start(3);
    let desk = desk(&standin);
    let id = TicketId(FIRST.to_string().into());
    let seen = desk.ticket(&id).await.unwrap().summary;
    standin.throttle(1);
    let change = Change::Note {
        body: "Checked the depot".into(),
        then: None,
        files: Vec::new(),
    };
    let limited = desk.apply(&id, &seen.version, &change).await.unwrap_err();
    assert_eq!(
        limited,
        DeskError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
    assert_eq!(
        retry::next_after(&limited),
        retry::Next::Retry {
            uncertain: false,
            after: Some(Duration::from_secs(1))
        }
    );
    desk.apply(&id, &seen.version, &change).await.unwrap();
    let notes = standin
        .comments(FIRST)
        .iter()
        .filter(|c| c["body"] == "Checked the depot")
        .count();
    assert_eq!(notes, 1, "sent once");
}

/// The agent's views are the desk's own sections; each lists what the view
/// holds.
#[tokio::test]
async fn the_agents_views_list_their_tickets() {
    let standin = StandIn::start(30);
    let desk = desk(&standin);
    let views = desk.views().await.unwrap();
    let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Unsolved in my groups", "Urgent and unassigned"]);
    let query = Query {
        view: Some(views[1].id.clone()),
        ..Query::default()
    };
    let found = desk.search(&query, PageRequest::first(50)).await.unwrap();
    assert!(!found.items.is_empty());
    for t in &found.items {
        assert_eq!(t.priority.level, PriorityLevel::Urgent);
        assert!(t.owner.is_none() && t.status.kind.is_active(), "{t:?}");
    }
}

/// The desk's macros are offered, and one applies as Zendesk says it would:
/// its preview, then that change as an update.
#[tokio::test]
async fn a_desk_macro_applies_through_its_preview() {
    let standin = StandIn::start(3);
    let desk = desk(&standin);
    let macros = desk.macros().await.unwrap();
    assert_eq!(macros[0].name.as_str(), "Bus is on its way");
    let id = TicketId(FIRST.to_string().into());
    let seen = desk.ticket(&id).await.unwrap().summary;
    let change = Change::DeskMacro {
        id: macros[0].id.clone(),
        name: macros[0].name.to_string(),
    };
    let applied = desk.apply(&id, &seen.version, &change).await.unwrap();
    assert_eq!(applied.summary.status.kind, StatusKind::Pending);
    let detail = desk.ticket(&id).await.unwrap();
    let reply = detail.entries.last().filter(|e| e.kind == EntryKind::Reply);
    assert!(
        detail
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Reply
                && e.body.contains("Hi Maria, the bus is on its way")),
        "{reply:?}"
    );
    let asked: Vec<String> = standin
        .asked()
        .iter()
        .map(|a| format!("{} {}", a.method, a.path))
        .collect();
    let preview = asked
        .iter()
        .position(|a| a.ends_with("/macros/8001/apply"))
        .expect("the preview");
    assert!(
        asked[preview..].iter().any(|a| a.starts_with("PUT ")),
        "{asked:?}"
    );
    // Its answer lost, it is found on the desk rather than sent again.
    let found = desk
        .was_applied(&id, &seen.version, &change, jiff::Timestamp::now())
        .await
        .unwrap();
    assert!(found.is_some());
}

/// Where the account has SLA policies, the clocks are Zendesk's own
/// (`slas.policy_metrics`); where it has none, the console's engine keeps
/// them.
#[tokio::test]
async fn sla_policies_give_the_clocks() {
    let standin = StandIn::start(8);
    let desk = desk(&standin);
    // Seeded priorities go normal, high, low, urgent.
    let high = TicketId((FIRST + 1).to_string().into());
    let low = TicketId((FIRST + 2).to_string().into());
    assert!(
        desk.ticket(&high)
            .await
            .unwrap()
            .summary
            .sla
            .clocks
            .is_empty()
    );
    standin.with_sla_policy();
    let clocks = desk.ticket(&high).await.unwrap().summary.sla;
    let first = clocks
        .get(deskterm::sla::ClockKind::FirstResponse)
        .expect("a first-response clock");
    let created = desk.ticket(&high).await.unwrap().summary.created;
    assert_eq!(first.due(), created + jiff::SignedDuration::from_hours(1));
    assert!(clocks.get(deskterm::sla::ClockKind::Resolution).is_some());
    assert!(
        desk.ticket(&low)
            .await
            .unwrap()
            .summary
            .sla
            .clocks
            .is_empty()
    );
}

/// A refresh reads the incremental export from where the last one left:
/// one request whether nothing or something changed, with only what did.
/// The search export (`updated>`) would be one request too, and larger; the
/// figures are printed for BENCHMARKS.md.
#[tokio::test]
async fn a_refresh_is_one_request_from_the_last_cursor() {
    let standin = StandIn::start(200);
    let desk = desk(&standin);
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    desk.changed_since(&Query::active(), since).await.unwrap();
    let t0 = desk.traffic();
    let idle = desk.changed_since(&Query::active(), since).await.unwrap();
    let t1 = desk.traffic();
    assert!(idle.is_empty(), "{idle:?}");
    assert_eq!(t1.requests - t0.requests, 1, "an idle refresh");
    for n in 0..3 {
        let id = TicketId((FIRST + n).to_string().into());
        let seen = desk.ticket(&id).await.unwrap().summary;
        desk.apply(
            &id,
            &seen.version,
            &Change::SetPriority(PriorityLevel::High),
        )
        .await
        .unwrap();
    }
    let t2 = desk.traffic();
    let changed = desk.changed_since(&Query::active(), since).await.unwrap();
    let t3 = desk.traffic();
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert_eq!(t3.requests - t2.requests, 1, "a busy refresh");
    // The same refresh as a search.
    let search = Query {
        updated: TimeRange::after(jiff::Timestamp::now() - jiff::SignedDuration::from_mins(5)),
        ..Query::active()
    };
    let t4 = desk.traffic();
    let found = desk.search(&search, PageRequest::first(100)).await.unwrap();
    let t5 = desk.traffic();
    assert_eq!(found.items.len(), 3);
    println!(
        "a refresh of 200 tickets: incremental export idle {} B in {} request, \
         3 changed {} B in {}; search export 3 changed {} B in {}",
        t1.bytes - t0.bytes,
        t1.requests - t0.requests,
        t3.bytes - t2.bytes,
        t3.requests - t2.requests,
        t5.bytes - t4.bytes,
        t5.requests - t4.requests,
    );
    assert!(standin.violations().is_empty());
}

/// The real binary on the stand-in: the agent's views among the tabs, a
/// ticket's conversation, a reply typed and sent; it reaches the desk once,
/// and everything the console asked kept to the contract.
#[test]
fn a_reply_typed_in_the_console_reaches_the_stand_in() {
    let standin = StandIn::start(12);
    let home = tempfile::TempDir::new().unwrap();
    common::write_config(
        home.path(),
        &format!(
            "default_profile = \"district\"\n[profiles.district]\nbackend = \"zendesk\"\n\
             url = \"{}\"\nuser = \"{AGENT}\"\n",
            standin.url
        ),
    );
    let mut term =
        common::pty::Terminal::start(home.path(), &[], &[("DESKTERM_TOKEN", TOKEN)], 160, 30);
    term.wait_for("● live");
    term.wait_for("Urgent and unassigned");
    term.wait_for("Bus 14 did not come");
    // No display (an SSH session): `w` copies the ticket's link instead.
    term.send("w");
    term.wait_for("the link is copied");
    let raw = term.wait_raw("\u{1b}]52;c;");
    assert!(raw.contains("\u{1b}]52;c;"));
    let number = FIRST + 6;
    term.send(&format!(":open {number}\r"));
    term.wait_for(&format!("Please help with ticket {number}."));
    term.send("q");
    let text = format!("Sent from the pty {}", std::process::id());
    term.reply_and_quit(&number.to_string(), &text);
    let sent: Vec<serde_json::Value> = standin
        .comments(number)
        .into_iter()
        .filter(|c| c["body"] == text.as_str())
        .collect();
    assert_eq!(sent.len(), 1, "once");
    assert_eq!(sent[0]["public"], true);
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}

/// Text with terminal escape sequences, from a requester, reads back inert.
#[tokio::test]
async fn escape_sequences_in_a_ticket_read_back_inert() {
    let standin = StandIn::start(3);
    let desk = desk(&standin);
    let made = desk
        .create(&NewTicket {
            queue: QueueId("360001".into()),
            subject: "Bus \u{1b}]0;pwned\u{7}late\u{1b}[2J".into(),
            requester_email: "x@parents.district.example".into(),
            requester_name: "Mallory \u{1b}[31mRed".into(),
            channel: Channel::Web,
            priority: PriorityLevel::Normal,
            owner: Assignee::Nobody,
            body: "Hello \u{1b}[?1049h there".into(),
        })
        .await
        .unwrap();
    let detail = desk.ticket(&made.id).await.unwrap();
    let mut texts = vec![
        detail.summary.subject.to_string(),
        detail.summary.requester.name.to_string(),
    ];
    texts.extend(detail.entries.iter().map(|e| e.body.to_string()));
    for text in texts {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
}

/// A server (not the stand-in: a fake that misbehaves, named so) that
/// pages forever, answers HTML or fails: a clear error, never a hang.
#[tokio::test]
async fn a_fake_zendesk_that_pages_forever_or_fails_is_told_plainly() {
    use common::fake_http::{answer, json_value, routing_server};
    let me = json!({"user": {"id": 1, "name": "Alice", "email": AGENT, "role": "agent"}});
    let forever = json!({
        "results": [{"id": 5, "subject": "again", "status": "open", "result_type": "ticket",
                     "created_at": "2026-03-02T08:00:00Z", "updated_at": "2026-03-02T08:00:00Z"}],
        "meta": {"has_more": true, "after_cursor": "same"},
    });
    let (url, _) = routing_server(move |line| {
        let path = line.split_whitespace().nth(1).unwrap_or("");
        if path.starts_with("/api/v2/users/me") {
            json_value(&me)
        } else if path.starts_with("/api/v2/groups") {
            json_value(&json!({"groups": [], "meta": {"has_more": false}}))
        } else if path.starts_with("/api/v2/ticket_fields") {
            json_value(&json!({"ticket_fields": [], "meta": {"has_more": false}}))
        } else if path.starts_with("/api/v2/users/show_many") {
            json_value(&json!({"users": []}))
        } else if path.starts_with("/api/v2/search/export") {
            json_value(&forever)
        } else {
            answer(
                "500 Internal Server Error",
                "Content-Type: text/html\r\n",
                b"<html><body>Oops</body></html>",
            )
        }
    });
    let desk = ZendeskDesk::new(ZendeskSettings {
        url,
        user: AGENT.into(),
        auth: zendesk::auth(AGENT, Secret::new(TOKEN), false),
        transport: Transport::with_timeout(Duration::from_secs(5)),
        channel_field: None,
        roles: Vec::new(),
    })
    .unwrap();
    let endless = desk
        .search(&Query::active(), PageRequest::first(50))
        .await
        .unwrap_err();
    assert!(matches!(endless, DeskError::Protocol(_)), "{endless:?}");
    let failed = desk.ticket(&TicketId("5".into())).await.unwrap_err();
    match failed {
        DeskError::Server {
            status: 500,
            message,
        } => {
            assert!(message.contains("HTML"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

/// On-hold, which the console's five statuses do not name, is set by
/// Zendesk's own name for it, and reads back as waiting.
#[tokio::test]
async fn a_ticket_goes_on_hold_by_zendesks_own_status() {
    let standin = StandIn::start(3);
    let desk = desk(&standin);
    let id = TicketId(FIRST.to_string().into());
    let seen = desk.ticket(&id).await.unwrap().summary;
    let hold = Change::SetField {
        name: "Status".into(),
        value: Some("On-hold".into()),
    };
    let applied = desk.apply(&id, &seen.version, &hold).await.unwrap();
    assert_eq!(applied.summary.status.raw.as_str(), "hold");
    assert_eq!(applied.summary.status.kind, StatusKind::Pending);
    let wrong = Change::SetField {
        name: "status".into(),
        value: Some("archived".into()),
    };
    let refused = desk.apply(&id, &applied.version, &wrong).await;
    assert!(matches!(refused, Err(DeskError::Rejected(why)) if why.contains("archived")));
}

/// `deskterm connect` typed at the terminal, on the stand-in: an address
/// where nothing answers and a wrong token each get one sentence and the
/// question again (the token unseen); then the profile is written beside
/// the file's comments, as the default, with no token in it.
#[test]
fn connect_typed_at_the_terminal_asks_again_after_a_wrong_answer() {
    let standin = StandIn::start(3);
    let home = tempfile::TempDir::new().unwrap();
    let path = common::write_config(home.path(), "# my desks\n");
    let name = format!("zd-{}", std::process::id());
    let mut term = common::pty::Terminal::start(home.path(), &["connect", &name], &[], 120, 30);
    let times = |term: &common::pty::Terminal, what: &str| term.text().matches(what).count();
    term.wait_for("kind of desk");
    term.send("zendesk\r");
    term.wait_for("address");
    term.send("http://127.0.0.1:9\r");
    term.wait_for("your email address");
    term.send(&format!("{AGENT}\r"));
    term.wait_for("(not shown)");
    term.send(&format!("{TOKEN}\r"));
    term.wait_until("the address asked again", |_| {
        times(&term, "the desk's address") == 2
    });
    term.send(&format!("{}\r", standin.url));
    term.wait_until("the address asked again", |_| {
        times(&term, "your email address") == 2
    });
    term.send(&format!("{AGENT}\r"));
    term.wait_until("the token asked", |_| times(&term, "(not shown)") == 2);
    term.send("not-the-token\r");
    term.wait_for("refused the token");
    term.wait_until("the token asked again", |_| {
        times(&term, "(not shown)") == 3
    });
    term.send(&format!("{TOKEN}\r"));
    term.wait_for("the default profile? [y/N]");
    term.send("y\r");
    term.wait_for("written to");
    assert!(term.wait_exit().success());
    assert!(!term.text().contains(TOKEN), "the token was never shown");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("# my desks\n"), "{written}");
    assert!(written.contains(&format!("[profiles.{name}]")), "{written}");
    assert!(written.contains("backend = \"zendesk\""), "{written}");
    assert!(!written.contains(TOKEN), "{written}");
    let _ = common::run(home.path(), &["logout", &name], &[], "");
}

/// An address that answers with an HTML page (a login page, a proxy's
/// error): one sentence that says so, and nothing written.
#[test]
fn connect_to_an_html_page_says_so_and_writes_nothing() {
    use common::fake_http::{answer, fake_server};
    let url = fake_server(
        answer(
            "200 OK",
            "Content-Type: text/html\r\n",
            b"<html><body>Sign in</body></html>",
        ),
        false,
    );
    let home = tempfile::TempDir::new().unwrap();
    let path = common::write_config(home.path(), "# mine\n");
    let out = common::run(
        home.path(),
        &["connect", "web"],
        &[],
        &format!("zendesk\n{url}\n{AGENT}\n{TOKEN}\n"),
    );
    assert!(!out.status.success());
    let said = common::stderr(&out);
    assert!(said.contains("HTML"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "one sentence: {said}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
}

/// `:profile new` in the console: the terminal is handed to `deskterm
/// connect`, and when it has written the profile the console opens it.
#[test]
fn profile_new_in_the_console_connects_a_desk_and_opens_it() {
    let standin = StandIn::start(8);
    let home = tempfile::TempDir::new().unwrap();
    common::write_config(home.path(), "# mine\n");
    let mut term =
        common::pty::Terminal::start(home.path(), &["--new-ticket-every", "0"], &[], 120, 30);
    term.wait_for("● live");
    term.send(":profile new\r");
    term.wait_for("kind of desk");
    term.send("zendesk\r");
    term.wait_for("address");
    term.send(&format!("{}\r", standin.url));
    term.wait_for("your email address");
    term.send(&format!("{AGENT}\r"));
    term.wait_for("(not shown)");
    term.send(&format!("{TOKEN}\r"));
    term.wait_for("the default profile? [y/N]");
    term.send("n\r");
    // Back in the console, on the new desk: its views among the tabs.
    term.wait_for("Unsolved in my groups");
    term.wait_for("● live");
    let profile = name_in_config(home.path());
    term.send("q");
    assert!(term.wait_exit().success());
    let _ = common::run(home.path(), &["logout", &profile], &[], "");
}

/// The profile `connect` named in config.toml (from the desk's address).
fn name_in_config(home: &std::path::Path) -> String {
    let text = std::fs::read_to_string(home.join("config/deskterm/config.toml")).unwrap();
    text.lines()
        .find_map(|l| {
            l.strip_prefix("[profiles.")?
                .strip_suffix(']')
                .map(str::to_string)
        })
        .unwrap()
}
