//! How the RT backend meets a broken server. A real RT cannot be made to
//! answer 500, HTML, garbage, 21 MB or nothing on demand, so these run
//! against a fake HTTP server (a few lines over a TCP socket) and say so in
//! their names; everything RT really does is tested live in live_rt.rs.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::TcpListener;
use std::time::Duration;

use common::fake_http::{answer, fake_server};

use deskterm::config::secret::Secret;
use deskterm::desk::http::{Auth, Transport};
use deskterm::desk::rt::{RtDesk, RtSettings};
use deskterm::desk::{Desk, DeskError};

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
fn a_url_that_is_not_http_is_the_profiles_mistake_not_the_desks() {
    let settings = |url: &str| RtSettings {
        url: url.into(),
        user: "alice".into(),
        auth: Auth::Token(Secret::new("t")),
        transport: Transport::with_timeout(Duration::from_secs(2)),
        roles: Vec::new(),
        channel_field: None,
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
