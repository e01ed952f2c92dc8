//! End to end, `kill -9` with writes on their way: the real binary in a
//! pseudo-terminal on a demo desk is killed while a reply waits out its undo
//! window (it comes back in a fresh one), and while the desk's answer to a
//! reply is slow to come back; each time it is started again, and the desk
//! holds the reply at most once.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod common;
use common::pty::Terminal;
use deskterm::clock::Clock;
use deskterm::desk::demo::DemoDesk;
use deskterm::desk::{Desk, EntryKind, TicketId};
use deskterm::store::Store;

const ARGS: &[&str] = &["--new-ticket-every", "0"];

fn home_with(config: &str) -> TempDir {
    let home = TempDir::new().unwrap();
    common::write_config(home.path(), config);
    home
}

fn outbox(home: &Path) -> Vec<deskterm::store::QueuedWrite> {
    Store::open(&home.join("data/deskterm/profiles"), "demo")
        .unwrap()
        .pending()
        .unwrap()
}

/// How many replies on the demo desk's ticket `id` say `text`.
fn replies_with(home: &Path, id: &str, text: &str) -> usize {
    let clock = Clock::Fixed(common::now());
    let desk = DemoDesk::open(&home.join("data/deskterm/demo.sqlite"), None, clock).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(desk.ticket(&TicketId(id.into())))
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Reply && e.body.as_str() == text)
        .count()
}

/// Open the first ticket, write `text` and send it; the ticket's id.
fn send_reply(term: &mut Terminal, text: &str) -> String {
    term.wait_for("● live");
    term.send("\r");
    let screen = term.wait_for("Conversation");
    let id = screen
        .split_whitespace()
        .find(|w| w.starts_with('#'))
        .unwrap()
        .trim_start_matches('#')
        .to_string();
    term.send("r");
    term.wait_for("REPLY");
    term.send(text);
    term.wait_for(text);
    term.send("\x18");
    id
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn drafts(home: &Path) -> Vec<deskterm::store::Draft> {
    Store::open(&home.join("data/deskterm/profiles"), "demo")
        .unwrap()
        .drafts()
        .unwrap()
}

/// Killed in its undo window, a reply is never sent straight out at the next
/// start: it gets a fresh window (`u` still takes it back, into its pane and
/// its draft), and it was never a draft as well, so it cannot go twice.
#[test]
fn killed_in_the_undo_window_the_reply_comes_back_in_a_fresh_window() {
    let home = home_with("undo_seconds = 30\n");
    let text = "Killed while waiting to send";
    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    let id = send_reply(&mut term, text);
    term.wait_for("u undoes");
    // On disk before anything was sent, and no longer a draft.
    assert_eq!(outbox(home.path()).len(), 1);
    assert!(drafts(home.path()).is_empty(), "queued and a draft too");
    term.kill_9();
    assert_eq!(replies_with(home.path(), &id, text), 0);

    let mut again = Terminal::start(home.path(), ARGS, &[], 100, 30);
    again.wait_for("● live");
    again.wait_for("u undoes");
    assert_eq!(replies_with(home.path(), &id, text), 0, "sent at once");
    again.send("u");
    again.wait_for("undone");
    again.wait_for("REPLY");
    assert!(outbox(home.path()).is_empty());
    assert_eq!(drafts(home.path())[0].text, text);
    again.send("\x1b");
    again.wait_for("is saved");
    again.send("q");
    again.wait_for("SLA↓");
    again.send("q");
    again.wait_exit();
    assert_eq!(replies_with(home.path(), &id, text), 0);
}

/// Left alone after the restart, the reply goes once its fresh window has
/// passed, exactly once, and no draft of it is left to send again.
#[test]
fn killed_in_the_undo_window_the_reply_goes_once_after_a_fresh_window() {
    let home = home_with("undo_seconds = 3\n");
    let text = "Killed, then sent once";
    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    let id = send_reply(&mut term, text);
    term.wait_for("u undoes");
    term.kill_9();

    let mut again = Terminal::start(home.path(), ARGS, &[], 100, 30);
    again.wait_for("u undoes");
    wait_until("the outbox to empty", || outbox(home.path()).is_empty());
    assert_eq!(replies_with(home.path(), &id, text), 1);
    assert!(drafts(home.path()).is_empty());
    again.send(&format!(":open {id}\r"));
    let screen = again.wait_for("Conversation");
    assert!(!screen.contains("is saved"), "{screen}");
    again.send("q");
    again.wait_for("SLA↓");
    again.send("q");
    again.wait_exit();
}

#[test]
fn killed_while_the_answer_is_on_its_way_the_reply_is_not_sent_twice() {
    // The demo desk writes at once and answers five seconds later: the
    // process dies after the desk has the reply, before it hears so.
    let home = home_with("undo_seconds = 0\n[demo]\nlatency_ms = 5000\n");
    let text = "Killed while the desk was answering";
    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    let id = send_reply(&mut term, text);
    term.wait_for("reply to #");
    wait_until("the desk to have it", || {
        replies_with(home.path(), &id, text) == 1
    });
    assert_eq!(outbox(home.path()).len(), 1, "still in the outbox");
    assert!(outbox(home.path())[0].first_sent.is_some());
    term.kill_9();

    let mut again = Terminal::start(home.path(), ARGS, &[], 100, 30);
    again.wait_for("● live");
    wait_until("the outbox to empty", || outbox(home.path()).is_empty());
    assert_eq!(replies_with(home.path(), &id, text), 1, "exactly once");
    again.send("q");
    again.wait_exit();
}
