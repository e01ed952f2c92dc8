//! End to end, keys the user rebinds in config.toml: the real binary in a
//! pseudo-terminal, with `[keymap.dashboard]` and `[keymap.outbox]`
//! overrides. The new key does the action and the old one no longer does;
//! the hint on screen and the help overlay name the new key.
//!
//! Nothing here sends ESC and then another key at once: crossterm would
//! read the pair as Alt+key. Every ESC waits for the screen to change.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod common;
use common::pty::Terminal;
use deskterm::clock::Clock;
use deskterm::desk::demo::DemoDesk;
use deskterm::desk::{Change, Desk, EntryKind, PageRequest, Query, TicketId};
use deskterm::store::{QueuedWrite, Store};

const ARGS: &[&str] = &["--new-ticket-every", "0"];

const DASHBOARD_KEYS: &str = "[keymap.dashboard]\n\"n\" = \"next-page\"\n\"tab\" = \"none\"\n";

fn home_with(config: &str) -> TempDir {
    let home = TempDir::new().unwrap();
    common::write_config(home.path(), config);
    home
}

/// The dashboard's title line: "Dashboard · 196 open · page 1 of 4 · …".
fn title(screen: &str) -> &str {
    screen
        .lines()
        .find(|l| l.contains("Dashboard ·"))
        .unwrap_or_default()
}

/// (page, pages) as the dashboard's title says them.
fn page_of(screen: &str) -> Option<(usize, usize)> {
    let title = title(screen);
    let rest = &title[title.find("page ")? + "page ".len()..];
    let mut words = rest.split_whitespace();
    let page = words.next()?.parse().ok()?;
    let pages = words.nth(1)?.parse().ok()?;
    Some((page, pages))
}

fn on_page(term: &Terminal, page: usize) -> String {
    term.wait_until(&format!("dashboard page {page}"), |s| {
        page_of(s).is_some_and(|(p, _)| p == page)
    })
}

/// The keys help lists for `what` in the section headed `heading` (up to
/// the blank row that ends it), as the overlay on `screen` shows them.
fn help_keys(screen: &str, heading: &str, what: &str) -> Option<Vec<String>> {
    let rows: Vec<&str> = screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect();
    let start = rows.iter().position(|r| *r == heading)?;
    rows[start + 1..]
        .iter()
        .take_while(|r| !r.is_empty())
        .find_map(|r| {
            let keys = r.strip_suffix(what)?;
            Some(keys.trim().split(", ").map(str::to_string).collect())
        })
}

/// Scroll down through the help overlay until the section headed `heading`
/// is on screen to its end (the blank row after it): a row at a time, so a
/// section is never paged past, however long help grows.
fn scroll_help_to(term: &mut Terminal, heading: &str) -> String {
    let whole = |s: &str| {
        let rows: Vec<&str> = s
            .lines()
            .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
            .collect();
        rows.iter()
            .position(|r| *r == heading)
            .is_some_and(|at| rows[at + 1..].iter().any(|r| r.is_empty()))
    };
    let mut screen = term.wait_for("Help ·");
    for _ in 0..400 {
        if whole(&screen) {
            return screen;
        }
        let before = screen.clone();
        term.send("j"); // a row down in help
        screen = term.wait_until("help to scroll", |s| s != before);
    }
    panic!("no {heading:?} section in help:\n{screen}");
}

/// `[keymap.dashboard]` binds next-page to `n` and unbinds `tab`: `n`
/// turns the page, `tab` does not, and help lists `n` for the next page.
#[test]
fn a_dashboard_key_rebound_in_config_turns_the_page_and_help_lists_it() {
    let home = home_with(DASHBOARD_KEYS);
    let mut term = Terminal::start(home.path(), ARGS, &[], 80, 24);
    term.wait_for("● live");
    term.send("d");
    let screen = on_page(&term, 1);
    let (_, pages) = page_of(&screen).unwrap();
    // Below, tab then backtab shows page 1 only if tab did nothing.
    assert!(pages >= 3, "too few pages to tell:\n{screen}");

    // n is not a dashboard key by default: only the override turns the page.
    term.send("n");
    on_page(&term, 2);

    // Were tab still next-page, tab and backtab would go 2 → 3 → 2.
    term.send("\t");
    term.send("\x1b[Z"); // backtab
    let screen = on_page(&term, 1);
    assert_eq!(page_of(&screen), Some((1, pages)), "{screen}");

    term.send("?");
    let screen = term.wait_for("Help ·");
    let keys = help_keys(&screen, "Dashboard", "next page")
        .unwrap_or_else(|| panic!("no next page under Dashboard:\n{screen}"));
    assert!(keys.contains(&"n".to_string()), "{keys:?}\n{screen}");
    assert!(!keys.contains(&"tab".to_string()), "{keys:?}\n{screen}");

    term.send("\x1b");
    term.wait_until("help closed", |s| !s.contains("Help ·"));
    term.send("d");
    term.wait_for("SLA↓");
    term.send("q");
    assert!(term.wait_exit().success());
}

/// The same config: the dashboard's title names `n` as the key that pages
/// ("n pages"), not a default the user did not choose.
#[test]
fn the_dashboard_hint_names_the_next_page_key_from_config() {
    let home = home_with(DASHBOARD_KEYS);
    let mut term = Terminal::start(home.path(), ARGS, &[], 80, 24);
    term.wait_for("● live");
    term.send("d");
    let screen = on_page(&term, 1);
    assert!(
        title(&screen).contains("· n pages,"),
        "the hint does not name n:\n{}",
        title(&screen)
    );
    term.send("q");
    term.wait_for("SLA↓");
    term.send("q");
    assert!(term.wait_exit().success());
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < common::pty::DEADLINE, "waited for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn store(home: &Path) -> Store {
    Store::open(&home.join("data/deskterm/profiles"), "demo").unwrap()
}

fn demo_desk(home: &Path) -> DemoDesk {
    let clock = Clock::Fixed(common::now());
    DemoDesk::open(&home.join("data/deskterm/demo.sqlite"), None, clock).unwrap()
}

/// How many replies on the demo desk's ticket `id` say `text`.
fn replies_with(home: &Path, id: &TicketId, text: &str) -> usize {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(demo_desk(home).ticket(id))
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Reply && e.body.as_str() == text)
        .count()
}

/// `[keymap.outbox]` binds retry to `R` and unbinds `r`. A reply the desk
/// refused in an earlier run waits in the outbox: the hint says "R
/// retries", `r` leaves it where it is, `R` tries it again and the desk
/// has it; help lists `R` under the outbox.
#[test]
fn an_outbox_key_rebound_in_config_retries_and_help_lists_it() {
    let home = home_with(
        "undo_seconds = 0\n\n[demo]\nlatency_ms = 2000\n\n\
         [keymap.outbox]\n\"R\" = \"retry\"\n\"r\" = \"none\"\n",
    );
    // A first run makes the demo desk; a reply to its newest ticket is left
    // in the outbox, refused, as an earlier run would have left it.
    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    term.wait_for("● live");
    term.send("q");
    assert!(term.wait_exit().success());
    drop(term);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let ticket = runtime
        .block_on(demo_desk(home.path()).search(&Query::active(), PageRequest::first(1)))
        .unwrap()
        .items
        .remove(0);
    let id = ticket.id.clone();
    let text = "Sent again with the key from config";
    let mut refused = QueuedWrite::new(
        "earlier-1".into(),
        format!("reply to #{}", id.0),
        id.clone(),
        ticket.version.clone(),
        vec![Change::Reply {
            body: text.into(),
            then: None,
            files: Vec::new(),
        }],
    );
    refused.attempts = 1;
    refused.rejected = true;
    refused.last_error = Some("refused for the test".into());
    store(home.path()).put_pending(&[refused]).unwrap();

    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    term.wait_for("● live");
    term.wait_for("1 refused");
    term.send(":outbox\r");
    let screen = term.wait_for("refused: refused for the test");
    // The hint is on the overlay's bottom edge.
    let hint = screen
        .lines()
        .find(|l| l.contains("discards"))
        .unwrap_or_default();
    assert!(hint.contains(" R retries ·"), "{hint}\n{screen}");

    // r is no longer retry: the write stays refused. Esc after it closes
    // the outbox once r has been read, so nothing of r is still to come.
    term.send("r");
    term.send("\x1b");
    let screen = term.wait_until("the outbox closed", |s| !s.contains("Outbox ·"));
    assert!(screen.contains("1 refused"), "{screen}");
    assert!(store(home.path()).pending().unwrap()[0].rejected);
    assert_eq!(replies_with(home.path(), &id, text), 0);

    term.send(":outbox\r");
    term.wait_for("refused: refused for the test");
    term.send("R");
    // While it is on its way the status line shows the write, not the
    // news; "trying again" is kept in :messages.
    term.wait_for(&format!("reply to #{} ✓", id.0));
    assert_eq!(replies_with(home.path(), &id, text), 1);
    wait_until("the outbox on disk to empty", || {
        store(home.path()).pending().unwrap().is_empty()
    });
    // Empty now, the outbox view closes by itself (an esc here would
    // reach the queue, and run into the next key as alt-?).
    term.wait_until("the outbox closed", |s| !s.contains("Outbox ·"));

    // `?` is no outbox key: help opens from the queue and lists R, and R
    // alone, for retry.
    term.send("?");
    let screen = scroll_help_to(&mut term, "Outbox (:outbox)");
    let keys = help_keys(&screen, "Outbox (:outbox)", "try the write again now")
        .unwrap_or_else(|| panic!("no retry under the outbox in help:\n{screen}"));
    assert_eq!(keys, ["R"], "{screen}");

    term.send("\x1b");
    term.wait_until("help closed", |s| !s.contains("Help ·"));

    // One retry, R's: r had said nothing.
    term.send(":messages\r");
    let screen = term.wait_for("Messages ·");
    let tried = format!("reply to #{}: trying again", id.0);
    assert_eq!(screen.matches(&tried).count(), 1, "{screen}");
    term.send("\x1b");
    term.wait_until("messages closed", |s| !s.contains("Messages ·"));
    term.send("q");
    assert!(term.wait_exit().success());
}

/// `deskterm outbox`: a write left waiting by an earlier run is listed,
/// sent now (once: the desk has it once), and one let go is gone; while a
/// console has the profile open, the command line sends nothing of its
/// outbox (the two would send a write twice).
#[test]
fn the_outbox_is_listed_sent_and_discarded_from_the_command_line() {
    let home = home_with("undo_seconds = 0\n");
    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    term.wait_for("● live");
    term.send("q");
    assert!(term.wait_exit().success());
    drop(term);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tickets = runtime
        .block_on(demo_desk(home.path()).search(&Query::active(), PageRequest::first(2)))
        .unwrap()
        .items;
    let reply = |key: &str, t: &deskterm::desk::TicketSummary, text: &str| {
        let mut item = QueuedWrite::new(
            key.into(),
            format!("reply to #{}", t.id.0),
            t.id.clone(),
            t.version.clone(),
            vec![Change::Reply {
                body: text.into(),
                then: None,
                files: Vec::new(),
            }],
        );
        item.attempts = 1;
        item.last_error = Some("the desk is not answering".into());
        item
    };
    let waiting = "Sent from the outbox command";
    let unwanted = "Never to be sent";
    // Both refused in an earlier run, so the console leaves them be.
    let refused = |mut item: QueuedWrite| {
        item.rejected = true;
        item
    };
    store(home.path())
        .put_pending(&[
            refused(reply("w-1", &tickets[0], waiting)),
            refused(reply("w-2", &tickets[1], unwanted)),
        ])
        .unwrap();

    let listed = common::run(home.path(), &["outbox"], &[], "");
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(listed.contains("w-1") && listed.contains("w-2"), "{listed}");
    assert!(
        listed.contains("refused: the desk is not answering"),
        "{listed}"
    );

    // A console open on the profile holds its outbox.
    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    term.wait_for("2 refused");
    let held = common::run(home.path(), &["outbox", "discard", "w-2"], &[], "");
    assert!(!held.status.success());
    let said = String::from_utf8_lossy(&held.stderr).into_owned();
    assert!(said.contains("a console has this profile open"), "{said}");
    term.kill_9();
    drop(term);

    let out = common::run(home.path(), &["outbox", "discard", "w-2"], &[], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Nothing waits but what was refused; named, it goes.
    let out = common::run(home.path(), &["outbox", "send"], &[], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing waits"));
    let out = common::run(home.path(), &["outbox", "send", "w-1"], &[], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("sent"));
    assert_eq!(replies_with(home.path(), &tickets[0].id, waiting), 1);
    assert_eq!(replies_with(home.path(), &tickets[1].id, unwanted), 0);
    let listed = common::run(home.path(), &["outbox"], &[], "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("the outbox is empty"));
}
