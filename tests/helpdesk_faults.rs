//! How the django-helpdesk backend meets a broken server: a fake HTTP server
//! (tests/common/fake_http.rs), named so in each test, because a real one
//! cannot be made to answer HTML, garbage or half a ticket list on demand.
//! Everything django-helpdesk really does is tested live in live_helpdesk.rs.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::fake_http::{answer, fake_server, json_answer, param, routing_server};
use deskterm::config::secret::Secret;
use deskterm::desk::helpdesk::{HelpdeskDesk, HelpdeskSettings, Staff};
use deskterm::desk::http::{Auth, Transport};
use deskterm::desk::{Desk, DeskError, PageRequest, Query};

const TOKEN: &str = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b";

fn settings(url: String) -> HelpdeskSettings {
    HelpdeskSettings {
        url,
        user: "alice".into(),
        auth: Auth::Token(Secret::new(TOKEN)),
        transport: Transport::with_timeout(Duration::from_secs(2)),
        queues: vec![(1, "IT".into())],
        agents: vec![Staff::new(1, "alice")],
        roles: Vec::new(),
    }
}

fn desk(url: String) -> HelpdeskDesk {
    HelpdeskDesk::new(settings(url)).unwrap()
}

async fn search_against(response: Vec<u8>) -> Result<usize, DeskError> {
    let desk = desk(fake_server(response, false));
    let page = desk
        .search(&Query::active(), PageRequest::first(50))
        .await?;
    Ok(page.items.len())
}

const JSON: &str = "Content-Type: application/json\r\n";

#[tokio::test]
async fn fake_helpdesk_server_refusing_the_token() {
    let body = br#"{"detail":"Invalid token."}"#;
    let err = search_against(answer("401 Unauthorized", JSON, body)).await;
    assert_eq!(err, Err(DeskError::Auth));
}

#[tokio::test]
async fn fake_helpdesk_server_forbidding_a_non_staff_account_says_why() {
    let body = br#"{"detail":"You do not have permission to perform this action."}"#;
    let err = search_against(answer("403 Forbidden", JSON, body))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("You do not have permission"),
        "{err}"
    );
}

#[tokio::test]
async fn fake_helpdesk_server_answering_html_points_at_the_url_and_the_api_setting() {
    let page = b"<!doctype html><html><body>Log in</body></html>";
    let err = search_against(answer("200 OK", "Content-Type: text/html\r\n", page))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("without /api") && text.contains("HELPDESK_API_ENABLED"),
        "{text}"
    );
    assert!(!text.contains(TOKEN));
}

#[tokio::test]
async fn fake_helpdesk_server_with_a_500_and_garbage() {
    let err = search_against(answer(
        "500 Internal Server Error",
        "",
        b"<h1>Server Error</h1>",
    ))
    .await
    .unwrap_err();
    assert!(err.is_transient(), "worth retrying: {err}");
    let err = search_against(answer("200 OK", JSON, b"\x00\xffnot json"))
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::Protocol(_)), "{err:?}");
    // JSON, but not a ticket list.
    let err = search_against(answer("200 OK", JSON, br#"{"count": 3}"#))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("without results"), "{err}");
}

#[tokio::test]
async fn fake_helpdesk_server_with_one_unreadable_ticket_still_lists_the_others() {
    let body = br#"{"count": 2, "next": null, "previous": null, "results": [
        {"id": 1, "queue": 1, "title": "Fine", "status": 1, "priority": 3,
         "assigned_to": null, "due_date": null, "followup_set": []},
        {"id": "two", "queue": "?", "title": 5}
    ]}"#;
    assert_eq!(search_against(answer("200 OK", JSON, body)).await, Ok(1));
}

#[tokio::test]
async fn fake_helpdesk_server_refusing_a_write_names_the_field() {
    // Every answer is this 400: the first read of the ticket already fails,
    // as the write would, with the server's words.
    let body = br#"{"assigned_to":["Invalid pk \"9\" - object does not exist."]}"#;
    let desk = desk(fake_server(answer("400 Bad Request", JSON, body), false));
    let err = desk
        .ticket(&deskterm::desk::TicketId("1".into()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("assigned_to: Invalid pk"), "{err}");
}

#[tokio::test]
async fn fake_helpdesk_server_is_never_asked_to_set_new_which_it_has_not() {
    let ticket = br#"{"id": 11, "queue": 1, "title": "Fine", "status": 1, "priority": 3,
        "on_hold": false, "assigned_to": null, "due_date": null, "followup_set": []}"#;
    let desk = desk(fake_server(answer("200 OK", JSON, ticket), false));
    let err = desk
        .apply(
            &deskterm::desk::TicketId("11".into()),
            &deskterm::desk::Version(Default::default()),
            &deskterm::desk::Change::SetStatus(deskterm::desk::StatusKind::New),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::Unsupported(_)), "{err:?}");
    assert!(err.to_string().contains("say open"), "{err}");
}

#[tokio::test]
async fn the_profiles_agents_are_known_by_name_and_email() {
    let mut settings = settings("http://127.0.0.1:9".into());
    settings.agents.push(Staff {
        id: 2,
        login: "bob".into(),
        name: "Bob Tech".into(),
        email: "bob@example.org".into(),
    });
    // No request: the API cannot list users, the profile names them.
    let agents = HelpdeskDesk::new(settings).unwrap().agents().await.unwrap();
    let bob = agents.iter().find(|a| a.id.0 == "2").unwrap();
    assert_eq!(
        (bob.name.as_str(), bob.email.as_str()),
        ("Bob Tech", "bob@example.org")
    );
}

/// `deskterm login` against a fake django-helpdesk: a refused token is exit
/// 4 (a refused credential), a good one is told without an empty "()".
#[test]
fn fake_helpdesk_server_login_exit_codes_and_words() {
    let home = tempfile::TempDir::new().unwrap();
    let profile = |url: &str| {
        format!(
            "[profiles.hd]\nbackend = \"helpdesk\"\nurl = \"{url}\"\nuser = \"alice\"\n\
             queues = {{ \"1\" = \"IT\" }}\nagents = {{ \"1\" = \"alice\" }}\n\
             token_file = \"hd.token\"\n"
        )
    };
    let refusing = fake_server(
        answer("401 Unauthorized", JSON, br#"{"detail":"Invalid token."}"#),
        false,
    );
    let login = |url: &str, token: &str| {
        common::write_config(home.path(), &profile(url));
        common::run(home.path(), &["login", "hd", "--store", "file"], &[], token)
    };
    let out = login(&refusing, "bad\n");
    assert_eq!(out.status.code(), Some(4), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("refused the token"));

    let welcoming = fake_server(
        answer(
            "200 OK",
            JSON,
            br#"{"count":0,"next":null,"previous":null,"results":[]}"#,
        ),
        false,
    );
    let out = login(&welcoming, "good\n");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let told = common::stdout(&out);
    assert!(
        told.starts_with("signed in to hd as alice; the token"),
        "{told}"
    );
}

#[tokio::test]
async fn fake_helpdesk_server_answering_json_of_the_wrong_shape_signs_nobody_in() {
    let desk = desk(fake_server(
        answer("200 OK", JSON, br#"{"redirect": "/login/"}"#),
        false,
    ));
    let err = desk.me().await.unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("without results") && m.contains("redirect")),
        "{err:?}"
    );
}

/// The same two tickets on every page, and always a next one.
fn endless(count: u64, fresh: bool) -> (String, common::fake_http::Count) {
    routing_server(move |line| {
        let page: u64 = param(line, "page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let base = if fresh { page * 10 } else { 0 };
        let ticket = |id: u64| {
            format!(
                r#"{{"id": {id}, "queue": 1, "title": "T{id}", "status": 1, "priority": 3,
                    "assigned_to": null, "due_date": null, "followup_set": []}}"#
            )
        };
        json_answer(&format!(
            r#"{{"count": {count}, "next": "http://x/api/tickets/?page={}", "previous": null,
                "results": [{}, {}]}}"#,
            page + 1,
            ticket(base + 1),
            ticket(base + 2)
        ))
    })
}

#[tokio::test]
async fn fake_helpdesk_server_with_an_endless_next_stops_and_says_so() {
    let (url, count) = endless(2, false);
    let (helpdesk, query) = (desk(url), Query::active());
    let search = helpdesk.search(&query, PageRequest::first(50));
    let err = tokio::time::timeout(Duration::from_secs(5), search)
        .await
        .expect("the desk kept paging")
        .unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("stopped after 2 pages")),
        "{err:?}"
    );
    assert_eq!(count.get(), 2);
    // New tickets on every page: the count the first page gave bounds it.
    let (url, count) = endless(1000, true);
    let (helpdesk, query) = (desk(url), Query::active());
    let search = helpdesk.search(&query, PageRequest::first(50));
    let err = tokio::time::timeout(Duration::from_secs(5), search)
        .await
        .expect("the desk kept paging")
        .unwrap_err();
    assert!(
        matches!(&err, DeskError::Protocol(m) if m.contains("stopped after 4 pages")),
        "{err:?}"
    );
    assert_eq!(count.get(), 4, "2 pages of 500 hold 1000; 2 more");
}
