//! How the RT backend meets a broken server. A real RT cannot be made to
//! answer 500, HTML, garbage, 21 MB or nothing on demand, so these run
//! against a fake HTTP server (a few lines over a TCP socket) and say so in
//! their names; everything RT really does is tested live in live_rt.rs.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::TcpListener;
use std::time::Duration;

use common::fake_http::{answer, fake_server, json_answer, param, routing_server};

use deskterm::config::secret::Secret;
use deskterm::desk::http::{Auth, Transport};
use deskterm::desk::rt::{RtDesk, RtSettings};
use deskterm::desk::{Change, Desk, DeskError, PageRequest, Query, TicketId, Version};

fn desk(url: String) -> RtDesk {
    RtDesk::new(RtSettings {
        url,
        user: "alice".into(),
        auth: Auth::Token(Secret::new("1-2-secret-token-never-printed")),
        transport: Transport::with_timeout(Duration::from_secs(2)),
        roles: Vec::new(),
        channel_field: None,
    })
    .unwrap()
}

async fn me_against(response: Vec<u8>) -> DeskError {
    desk(fake_server(response, false)).me().await.unwrap_err()
}

#[tokio::test]
async fn fake_rt_server_refusing_the_token() {
    let err = me_against(answer("401 Unauthorized", "", b"")).await;
    assert_eq!(err, DeskError::Auth);
    assert!(err.to_string().contains("sign in again"));
}

#[tokio::test]
async fn fake_rt_server_forbidding_names_the_reason() {
    let body = br#"{"message":"Permission Denied: ShowTicket"}"#;
    let err = me_against(answer(
        "403 Forbidden",
        "Content-Type: application/json\r\n",
        body,
    ))
    .await;
    assert_eq!(
        err,
        DeskError::Forbidden {
            need: "Permission Denied: ShowTicket".into()
        }
    );
}

#[tokio::test]
async fn fake_rt_server_with_a_500_html_page() {
    let err = me_against(answer(
        "500 Internal Server Error",
        "Content-Type: text/html\r\n",
        b"<html><body>Internal Server Error</body></html>",
    ))
    .await;
    assert_eq!(
        err,
        DeskError::Server {
            status: 500,
            message: "an HTML error page".into()
        }
    );
}

#[tokio::test]
async fn fake_rt_server_answering_html_where_json_belongs() {
    let err = me_against(answer(
        "200 OK",
        "Content-Type: text/html\r\n",
        b"<!DOCTYPE html><html><title>Login</title></html>",
    ))
    .await;
    let DeskError::Protocol(message) = err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("HTML where JSON was expected"),
        "{message}"
    );
}

#[tokio::test]
async fn fake_rt_server_answering_garbage() {
    let err = me_against(answer("200 OK", "", b"\xff\xfe{{{ not json")).await;
    assert!(matches!(err, DeskError::Protocol(m) if m.contains("not JSON")));
}

#[tokio::test]
async fn fake_rt_server_sending_more_than_20_mb() {
    let body = vec![b' '; 21 * 1024 * 1024];
    let err = me_against(answer("200 OK", "", &body)).await;
    assert!(matches!(err, DeskError::Protocol(m) if m.contains("larger than 20 MB")));
}

#[tokio::test]
async fn fake_rt_server_over_a_cap_the_profile_lowered() {
    // No length header: the cap is kept while the body streams in.
    let mut raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    raw.extend(vec![b' '; 3 * 1024 * 1024]);
    let mut transport = Transport::with_timeout(Duration::from_secs(5));
    transport.max_body = 1024 * 1024;
    let desk = RtDesk::new(RtSettings {
        url: fake_server(raw, false),
        user: "alice".into(),
        auth: Auth::Token(Secret::new("1-2-secret-token-never-printed")),
        transport,
        roles: Vec::new(),
        channel_field: None,
    })
    .unwrap();
    let err = desk.me().await.unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("larger than 1 MB")),
        "{err}"
    );
}

#[tokio::test]
async fn fake_rt_server_asking_to_slow_down() {
    let err = me_against(answer("429 Too Many Requests", "Retry-After: 7\r\n", b"{}")).await;
    assert_eq!(
        err,
        DeskError::RateLimited {
            retry_after: Some(Duration::from_secs(7))
        }
    );
}

#[tokio::test]
async fn fake_rt_server_that_never_answers_times_out() {
    let desk = desk(fake_server(Vec::new(), true));
    let started = std::time::Instant::now();
    let err = desk.me().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        matches!(&err, DeskError::Unreachable(m) if m.contains("timed out")),
        "{err:?}"
    );
}

#[tokio::test]
async fn nothing_listening_is_unreachable_and_the_token_is_never_in_the_message() {
    // Bind and drop: the port is closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = desk(format!("http://127.0.0.1:{port}"))
        .me()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, DeskError::Unreachable(_)), "{err:?}");
    assert!(text.contains("cannot reach the desk"), "{text}");
    assert!(!text.contains("secret-token"), "{text}");
    assert!(!format!("{err:?}").contains("secret-token"));
}

#[test]
fn a_url_that_is_not_http_is_refused_up_front() {
    let err = RtDesk::new(RtSettings {
        url: "rt.example.org".into(),
        user: "alice".into(),
        auth: Auth::Token(Secret::new("t")),
        transport: Transport::with_timeout(Duration::from_secs(2)),
        roles: Vec::new(),
        channel_field: None,
    })
    .err()
    .unwrap();
    assert!(
        matches!(err, DeskError::Protocol(m) if m.contains("is not a URL") || m.contains("https://"))
    );
}

/// A fake RT answering a login page's JSON (a redirect) to every request.
fn fake_rt_server_answering_a_login_redirect() -> String {
    let (url, _) = routing_server(|_| json_answer(r#"{"redirect":"/NoAuth/Login.html"}"#));
    url
}

fn protocol_naming(result: Result<impl std::fmt::Debug, DeskError>, what: &str) {
    match result {
        Err(DeskError::Protocol(m)) => assert!(
            m.contains(what) && m.contains("redirect"),
            "{m} should name {what} and what came"
        ),
        other => panic!("{other:?} should be a protocol error naming {what}"),
    }
}

#[tokio::test]
async fn fake_rt_server_answering_json_of_the_wrong_shape_is_no_empty_desk() {
    let desk = desk(fake_rt_server_answering_a_login_redirect());
    let search = desk.search(&Query::active(), PageRequest::first(50)).await;
    protocol_naming(search.map(|p| p.items.len()), "without a list of items");
    // Not "not found": nothing was said about the ticket.
    protocol_naming(
        desk.ticket(&TicketId("5".into())).await.map(|_| ()),
        "ticket 5",
    );
    let since = jiff::Timestamp::now();
    protocol_naming(
        desk.changed_since(&Query::active(), since)
            .await
            .map(|c| c.len()),
        "without a list of items",
    );
    protocol_naming(desk.queues().await.map(|q| q.len()), "queues");
    protocol_naming(desk.agents().await.map(|a| a.len()), "Privileged group");
    let note = Change::Note {
        body: "hello".into(),
        then: None,
    };
    protocol_naming(
        desk.apply(&TicketId("5".into()), &Version(String::new()), &note)
            .await
            .map(|_| ()),
        "ticket 5",
    );
}

#[tokio::test]
async fn fake_rt_server_listing_items_none_of_which_is_a_ticket() {
    let (url, _) =
        routing_server(|_| json_answer(r#"{"page":1,"pages":1,"items":[{"x":1},{"y":2}]}"#));
    let err = desk(url)
        .search(&Query::active(), PageRequest::first(50))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("none could be read")),
        "{err:?}"
    );
}

#[tokio::test]
async fn fake_rt_server_listing_no_such_ticket_is_not_found() {
    let (url, _) = routing_server(|line| {
        if line.contains("/ticket/5 ") {
            json_answer(r#"{"id":5,"LastUpdated":"2026-01-01T00:00:00Z"}"#)
        } else {
            json_answer(r#"{"page":1,"pages":0,"total":0,"items":[]}"#)
        }
    });
    let err = desk(url).ticket(&TicketId("5".into())).await.unwrap_err();
    assert_eq!(err, DeskError::NotFound);
}

#[tokio::test]
async fn fake_rt_server_answering_a_write_with_a_login_redirect() {
    let (url, _) = routing_server(|line| {
        if line.starts_with("GET ") {
            answer(
                "200 OK",
                "Content-Type: application/json\r\nETag: \"abc\"\r\n",
                br#"{"id":5,"LastUpdated":"2026-01-01T00:00:00Z"}"#,
            )
        } else {
            json_answer(r#"{"redirect":"/NoAuth/Login.html"}"#)
        }
    });
    let note = Change::Note {
        body: "hello".into(),
        then: None,
    };
    let err = desk(url)
        .apply(&TicketId("5".into()), &Version(String::new()), &note)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("where its messages belong") && m.contains("redirect")),
        "{err:?}"
    );
}

/// RT tickets `ids`, on a page of a million.
fn million_pages(page: &str, ids: &[u64], total: Option<u64>) -> Vec<u8> {
    let items: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"id":"{id}","Subject":"Ticket {id}","Status":"open"}}"#))
        .collect();
    let total = total.map_or("null".to_string(), |t| t.to_string());
    json_answer(&format!(
        r#"{{"page":{page},"pages":1000000,"per_page":100,"total":{total},"items":[{}]}}"#,
        items.join(",")
    ))
}

/// The request line's page, 1 when it names none.
fn page_asked(line: &str) -> String {
    param(line, "page").unwrap_or_else(|| "1".into())
}

async fn within_seconds<T>(secs: u64, work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), work)
        .await
        .expect("the desk kept paging")
}

#[tokio::test]
async fn fake_rt_server_always_answering_page_one_of_a_million() {
    let (url, count) = routing_server(|_| million_pages("1", &[3, 2, 1], Some(100_000_000)));
    let desk = desk(url);
    let since = jiff::Timestamp::now();
    let err = within_seconds(5, desk.changed_since(&Query::active(), since))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("answered page 1") && m.contains("asked for page 2")),
        "{err:?}"
    );
    assert_eq!(count.get(), 2);
    let err = within_seconds(5, desk.queues()).await.unwrap_err();
    assert!(matches!(err, DeskError::Protocol(_)), "{err:?}");
    assert_eq!(count.get(), 4);
}

#[tokio::test]
async fn fake_rt_server_repeating_the_same_tickets_on_a_million_pages() {
    let (url, count) = routing_server(|line| million_pages(&page_asked(line), &[3, 2, 1], None));
    let desk = desk(url);
    let since = jiff::Timestamp::now();
    let err = within_seconds(5, desk.changed_since(&Query::active(), since))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("stopped after 2 pages")),
        "{err:?}"
    );
    assert_eq!(count.get(), 2);
}

#[tokio::test]
async fn fake_rt_server_with_a_million_pages_of_new_tickets_and_a_total_of_250() {
    let (url, count) = routing_server(|line| {
        let page: u64 = page_asked(line).parse().unwrap();
        let ids: Vec<u64> = (0..100).map(|i| page * 100 + i).collect();
        million_pages(&page.to_string(), &ids, Some(250))
    });
    let desk = desk(url);
    let since = jiff::Timestamp::now();
    let err = within_seconds(10, desk.changed_since(&Query::active(), since))
        .await
        .unwrap_err();
    // Three pages hold 250; two more for tickets that arrive meanwhile.
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("stopped after 5 pages")),
        "{err:?}"
    );
    assert_eq!(count.get(), 5);
}

/// A fake RT for the binary: alice, one queue, and a ticket list that
/// goes on for a million pages of the same three tickets.
fn fake_rt_server_for_ls() -> (String, common::fake_http::Count) {
    routing_server(|line| {
        if line.contains("/user/") {
            json_answer(r#"{"id":"alice","Name":"alice","RealName":"Alice Rivera"}"#)
        } else if line.contains("/queues/all") {
            json_answer(r#"{"page":1,"pages":1,"total":1,"items":[{"id":1,"Name":"IT"}]}"#)
        } else {
            million_pages(&page_asked(line), &[3, 2, 1], None)
        }
    })
}

fn ls_on(url: &str, args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    common::write_config(
        home.path(),
        &format!(
            "default_profile = \"fake\"\n[profiles.fake]\nbackend = \"rt\"\nurl = \"{url}\"\nuser = \"alice\"\n"
        ),
    );
    let mut all = vec!["ls"];
    all.extend_from_slice(args);
    // Paging forever never ends; a busy machine can make a start slow, so
    // the bound is the requests counted, and this only the safety net.
    common::run_within(
        Duration::from_secs(30),
        home.path(),
        &all,
        &[("DESKTERM_TOKEN", "1-2-secret-token-never-printed")],
    )
    .expect("deskterm ls kept paging for 30 s")
}

#[test]
fn fake_rt_server_with_a_million_pages_ls_limit_stops_once_it_has_enough() {
    let (url, count) = fake_rt_server_for_ls();
    let out = ls_on(&url, &["--limit", "3", "--sort", "id", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(
        common::stdout(&out).lines().count(),
        4,
        "a head and 3 tickets"
    );
    // Who the user is, and one round of pages side by side.
    let first = count.get();
    assert!(first <= 8, "{first} requests");
    // The SLA order needs every active ticket: reading stops at the bound,
    // says so, and the exit code tells a script.
    let out = ls_on(&url, &["--limit", "3", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(5), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains(
            "stopped after 2 pages: the desk kept saying there were more; the list may be incomplete"
        ),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(common::stdout(&out).lines().count(), 4);
    let second = count.get() - first;
    assert!(second <= 8, "{second} requests");
}
