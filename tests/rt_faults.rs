//! How the RT backend meets a broken server. A real RT cannot be made to
//! answer 500, HTML, garbage, 21 MB or nothing on demand, so these run
//! against a fake HTTP server (a few lines over a TCP socket) and say so in
//! their names; everything RT really does is tested live in live_rt.rs.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::TcpListener;
use std::time::Duration;

use common::fake_http::{answer, fake_server, json_answer, json_value, param, routing_server};

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
        list_fields: false,
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
        list_fields: false,
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
    // No connection was made: the transport says the request never left.
    assert!(matches!(err, DeskError::NotSent(_)), "{err:?}");
    assert!(text.contains("cannot reach the desk"), "{text}");
    assert!(!text.contains("secret-token"), "{text}");
    assert!(!format!("{err:?}").contains("secret-token"));
}

#[test]
fn a_url_that_is_not_http_is_the_profiles_mistake_not_the_desks() {
    let settings = |url: &str| RtSettings {
        url: url.into(),
        user: "alice".into(),
        auth: Auth::Token(Secret::new("t")),
        transport: Transport::with_timeout(Duration::from_secs(2)),
        roles: Vec::new(),
        channel_field: None,
        list_fields: false,
    };
    let err = RtDesk::new(settings("rt.example.org")).err().unwrap();
    assert!(
        matches!(&err, DeskError::Config(m) if m.contains("has no scheme")),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("the profile is wrong: "),
        "{err}"
    );
    assert!(!err.is_transient());
    // Plain http to another machine is refused by the client itself.
    let err = RtDesk::new(settings("http://192.0.2.7")).err().unwrap();
    assert!(
        matches!(&err, DeskError::Config(m) if m.contains("allow_insecure_http")),
        "{err:?}"
    );
    let mut allowed = settings("http://192.0.2.7");
    allowed.transport.allow_insecure_http = true;
    assert!(RtDesk::new(allowed).is_ok());
}

#[tokio::test]
async fn fake_plain_http_server_on_an_https_url_did_not_speak_tls() {
    use std::io::{Read, Write};
    // Answers in plain HTTP whatever it is sent, as a web server on the
    // wrong port does to a TLS greeting.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.read(&mut [0u8; 4096]);
            let _ = stream.write_all(&answer("400 Bad Request", "", b"plain http"));
        }
    });
    let err = desk(format!("https://127.0.0.1:{port}"))
        .me()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "127.0.0.1:{port} did not speak TLS (a plain-HTTP server there?): check the url's \
             scheme and port"
        )),
        "{text}"
    );
    assert_eq!(err.short(), "the desk did not speak TLS");
}

/// Ticket 23 as RT 5 answers it: an opening message, a reply carrying a
/// 15 MB scan, a pasted 300 KB log and a 25 MB message. RT puts every
/// part's bytes into an attachment listing that asks for `Content` (the scan
/// alone is 22 MB of JSON there), so that request is answered as RT would:
/// larger than the 20 MB cap. `bigger_than_said`: the pasted log's content
/// comes back larger than one answer may be, whatever its length said.
fn fake_rt_ticket_23(
    bigger_than_said: bool,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use serde_json::json;
    let list = |items: serde_json::Value| {
        json_value(&json!({"page": 1, "per_page": 100, "count": 1, "items": items}))
    };
    let ticket = json!({
        "id": 23, "Subject": "Signed lease for the annex", "Status": "open", "Priority": "0",
        "Created": "2026-11-28T16:00:00Z", "LastUpdated": "2026-11-28T16:05:00Z",
        "Queue": {"id": "1", "Name": "General"},
        "Requestor": [{"id": "clerk@school.test", "Name": "clerk@school.test"}],
        "Owner": {"id": "Nobody", "Name": "Nobody"}
    });
    let alice = json!({"Name": "alice", "RealName": "Alice Rivera"});
    let clerk = json!({"Name": "clerk@school.test"});
    let history = json!([
        {"id": "264", "Type": "Create", "Created": "2026-11-28T16:00:00Z", "Creator": clerk},
        {"id": "266", "Type": "Correspond", "Created": "2026-11-28T16:02:00Z", "Creator": alice},
        {"id": "268", "Type": "Correspond", "Created": "2026-11-28T16:03:00Z", "Creator": clerk},
        {"id": "270", "Type": "Comment", "Created": "2026-11-28T16:04:00Z", "Creator": alice},
        {"id": "272", "Type": "Correspond", "Created": "2026-11-28T16:05:00Z", "Creator": alice}
    ]);
    let part = |id: &str, txn: &str, kind: &str, file: &str, size: u64| {
        json!({"id": id, "TransactionId": txn, "ContentType": kind, "Filename": file,
               "ContentLength": size.to_string(), "Headers": "X-RT-Interface: Email"})
    };
    let parts = json!([
        part("110", "264", "text/plain", "", 32),
        part("114", "266", "multipart/mixed", "", 0),
        part("115", "266", "text/plain", "", 37),
        part(
            "116",
            "266",
            "application/pdf",
            "lease-scan.pdf",
            15_000_000
        ),
        part("120", "268", "text/plain", "", 300_000),
        part("122", "270", "text/plain", "", 25_000_000),
        part("124", "272", "text/plain", "", 12)
    ]);
    let log: String = "kiosk-3 sync failed: timeout after 30 s, retrying\n".repeat(6000);
    let contents = json!([
        {"id": "110", "TransactionId": "264", "Content": "Could you file the signed lease?"},
        {"id": "115", "TransactionId": "266", "Content": "Here is the scan of the signed lease."},
        {"id": "120", "TransactionId": "268", "Content": format!("The log:\n{}", &log[..300_000 - 9])},
        {"id": "124", "TransactionId": "272", "Content": "Filed. Done."}
    ]);
    let too_big = answer(
        "200 OK",
        "Content-Type: application/json\r\n",
        &vec![b' '; 22 * 1024 * 1024],
    );
    let summary = ticket.clone();
    common::fake_http::route_server(vec![
        (
            Box::new(move |t: &str| {
                bigger_than_said && t.contains("query=") && t.contains("\"120\"")
            }),
            too_big.clone(),
        ),
        (
            Box::new(|t: &str| t.contains("/attachments") && t.contains("query=")),
            list(contents),
        ),
        (
            Box::new(|t: &str| {
                t.contains("/attachments")
                    && t.split("fields=")
                        .nth(1)
                        .is_some_and(|f| f.split([',', '&']).any(|f| f == "Content"))
            }),
            too_big,
        ),
        (Box::new(|t: &str| t.contains("/attachments")), list(parts)),
        (Box::new(|t: &str| t.contains("/history")), list(history)),
        (
            Box::new(|t: &str| t.contains("/tickets?")),
            list(json!([summary])),
        ),
        (
            Box::new(|t: &str| t.contains("/queues/all")),
            list(json!([{"id": "1", "Name": "General"}])),
        ),
        (
            Box::new(|t: &str| t.ends_with("/ticket/23")),
            answer(
                "200 OK",
                "Content-Type: application/json\r\nETag: \"7\"\r\n",
                ticket.to_string().as_bytes(),
            ),
        ),
    ])
}

#[tokio::test]
async fn fake_rt_server_a_ticket_with_a_15_mb_attachment_opens_without_downloading_it() {
    let (url, log) = fake_rt_ticket_23(false);
    let detail = desk(url)
        .ticket(&TicketId("23".into()))
        .await
        .expect("the ticket opens");
    let bodies: Vec<&str> = detail.entries.iter().map(|e| e.body.as_str()).collect();
    assert_eq!(bodies[0], "Could you file the signed lease?");
    assert_eq!(bodies[1], "Here is the scan of the signed lease.");
    assert_eq!(bodies[4], "Filed. Done.", "the rest of the ticket shows");
    let scan = &detail.entries[1].attachments;
    assert_eq!(scan.len(), 1, "{scan:?}");
    assert_eq!(scan[0].name.as_str(), "lease-scan.pdf");
    assert_eq!(scan[0].size, 15_000_000);
    assert_eq!(scan[0].mime.as_str(), "application/pdf");
    assert_eq!(
        scan[0].id.as_deref(),
        Some("116"),
        "kept for saving it later"
    );

    // Metadata for every part; contents only for the text shown, in one request.
    let asked = log.lock().unwrap().clone();
    let listings: Vec<&String> = asked
        .iter()
        .filter(|t| t.contains("/attachments"))
        .collect();
    assert_eq!(listings.len(), 2, "{listings:#?}");
    assert!(!listings[0].contains("Content,") && !listings[0].contains("query="));
    let contents = listings[1];
    for id in ["110", "115", "120", "124"] {
        assert!(contents.contains(&format!("\"{id}\"")), "{contents}");
    }
    for never in ["116", "122", "114"] {
        assert!(!contents.contains(never), "{contents}");
    }
}

#[tokio::test]
async fn fake_rt_server_a_huge_message_is_cut_and_the_rest_of_the_ticket_shows() {
    let (url, _log) = fake_rt_ticket_23(false);
    let detail = desk(url).ticket(&TicketId("23".into())).await.unwrap();
    assert_eq!(detail.entries.len(), 5);
    // 300 KB pasted: the first 256 KB is shown, and a note says so.
    let pasted = detail.entries[2].body.as_str();
    assert!(pasted.starts_with("The log:\nkiosk-3 sync failed"));
    assert!(
        pasted.ends_with("\n[cut: this message is 293 KB; the first 256 KB is shown]"),
        "{}",
        &pasted[pasted.len() - 120..]
    );
    assert!(pasted.len() < 256 * 1024 + 100);
    // 25 MB is more than one answer may carry: not asked for, and said so.
    assert_eq!(
        detail.entries[3].body.as_str(),
        "[not shown: this message is 23.8 MB, more than the 20 MB one answer may carry (max_body_mb in the profile)]"
    );
    assert_eq!(detail.entries[4].body.as_str(), "Filed. Done.");
}

#[tokio::test]
async fn fake_rt_server_a_message_larger_than_its_length_said_is_noted_and_the_rest_shows() {
    let (url, log) = fake_rt_ticket_23(true);
    let detail = desk(url).ticket(&TicketId("23".into())).await.unwrap();
    let bodies: Vec<&str> = detail.entries.iter().map(|e| e.body.as_str()).collect();
    assert_eq!(
        bodies[2],
        "[not shown: this message is more than the 20 MB one answer may carry (max_body_mb in the profile)]"
    );
    assert_eq!(bodies[0], "Could you file the signed lease?");
    assert_eq!(bodies[1], "Here is the scan of the signed lease.");
    assert_eq!(bodies[4], "Filed. Done.");
    // The batch, then each of its texts alone.
    let asked = log.lock().unwrap().clone();
    let contents = asked
        .iter()
        .filter(|t| t.contains("/attachments?query="))
        .count();
    assert_eq!(contents, 1 + 4, "{asked:#?}");
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
        files: Vec::new(),
    };
    protocol_naming(
        desk.apply(&TicketId("5".into()), &Version(Default::default()), &note)
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
        files: Vec::new(),
    };
    let err = desk(url)
        .apply(&TicketId("5".into()), &Version(Default::default()), &note)
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
    // Page 1, which of its tickets are linked, page 2.
    assert_eq!(count.get(), 3);
    let err = within_seconds(5, desk.queues()).await.unwrap_err();
    assert!(matches!(err, DeskError::Protocol(_)), "{err:?}");
    assert_eq!(count.get(), 5);
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
    // Each page, and which of its tickets are linked.
    assert_eq!(count.get(), 4);
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
    // Each page, and which of its tickets are linked.
    assert_eq!(count.get(), 10);
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
