//! End to end: the real binary in a real pseudo-terminal, read back through a
//! vt100 parser. Every wait is for text on the screen, with a deadline.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::time::Duration;

use tempfile::TempDir;

mod common;
use common::pty::Terminal;

#[test]
fn a_technician_filters_opens_a_ticket_reads_help_and_quits() {
    let home = TempDir::new().unwrap();
    let mut term = Terminal::start(home.path(), &["--new-ticket-every", "0"], &[], 80, 24);

    // The status line is drawn once the first load is in.
    let screen = term.wait_for("● live");
    assert!(screen.contains("SLA↓"), "{screen}");
    assert!(screen.contains("All "), "{screen}");

    term.send("/");
    term.send("lunch");
    // Every row shown is a match, as many as the prompt counts, fewer than
    // all (once the frame with the filtered rows is drawn).
    let rows_of = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .skip(2)
            .take_while(|l| !l.starts_with('/'))
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    };
    let counts_of = |screen: &str| -> Vec<usize> {
        screen
            .lines()
            .find(|l| l.starts_with("/lunch"))
            .map(|prompt| {
                prompt
                    .split_whitespace()
                    .filter_map(|w| w.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let screen = term.wait_until("/lunch and its rows", |s| {
        let counts = counts_of(s);
        counts.len() == 2 && rows_of(s).len() == counts[0]
    });
    let rows = rows_of(&screen);
    let counts = counts_of(&screen);
    let prompt = screen.lines().find(|l| l.starts_with("/lunch")).unwrap();
    assert!(0 < counts[0] && counts[0] < counts[1], "{prompt}");
    // The demo's lunch requests (a subject may be cut before the word).
    let lunch = ["Lunch account", "lunch se", "Suggestion for vegetarian"];
    assert!(
        rows.iter().all(|r| lunch.iter().any(|l| r.contains(l))),
        "{screen}"
    );

    // Enter keeps the filter, the next Enter opens the ticket.
    term.send("\r");
    term.wait_until("filter kept", |s| {
        s.contains("esc clears") && !s.contains("enter keeps")
    });
    term.send("\r");
    let screen = term.wait_for("Conversation");
    assert!(screen.contains("Requester"), "{screen}");
    assert!(screen.to_lowercase().contains("lunch"), "{screen}");

    term.send("?");
    term.wait_for("Help ·");
    term.send("\x1b");
    term.wait_until("help closed", |s| !s.contains("Help ·"));

    term.send("q");
    term.wait_for("SLA↓");
    term.send("q");
    let status = term.wait_exit();
    assert!(status.success(), "exit status {status:?}");

    // The terminal is handed back: main screen, cursor shown, paste mode off, cooked mode.
    std::thread::sleep(Duration::from_millis(50));
    let raw = String::from_utf8_lossy(&term.raw.lock().unwrap()).into_owned();
    let tail = &raw[raw.rfind("\x1b[?1049l").expect("left the alternate screen")..];
    assert!(tail.contains("\x1b[?25h"), "cursor shown again");
    assert!(raw.contains("\x1b[?2004l"), "bracketed paste turned off");
    assert!(!term.screen.lock().unwrap().screen().alternate_screen());
    if let Some(termios) = term.master.get_termios() {
        use nix::sys::termios::LocalFlags;
        assert!(
            termios
                .local_flags
                .contains(LocalFlags::ICANON | LocalFlags::ECHO),
            "raw mode left on"
        );
    }
}

#[test]
fn a_config_typo_is_reported_with_its_line_and_the_screen_untouched() {
    let home = TempDir::new().unwrap();
    let config = home.path().join("config/deskterm/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "theme = \"dark\"\nrefresh_secnds = 5\n").unwrap();
    let mut term = Terminal::start(home.path(), &[], &[], 80, 24);
    let status = term.wait_exit();
    assert!(!status.success());
    let screen = term.wait_for("line 2, column 1");
    assert!(
        screen.contains("unknown field `refresh_secnds`"),
        "{screen}"
    );
    let raw = String::from_utf8_lossy(&term.raw.lock().unwrap()).into_owned();
    assert!(!raw.contains("\x1b[?1049h"), "never took over the screen");
}

#[test]
fn no_color_draws_without_colour_sequences() {
    let home = TempDir::new().unwrap();
    let mut term = Terminal::start(
        home.path(),
        &["--new-ticket-every", "0"],
        &[("NO_COLOR", "1")],
        80,
        24,
    );
    term.wait_for("● live");
    term.send("q");
    assert!(term.wait_exit().success());
    let raw = String::from_utf8_lossy(&term.raw.lock().unwrap()).into_owned();
    // SGR colour parameters: 30-37, 38;…, 40-47, 48;…, 90-97, 100-107.
    let colour = first_colour_sequence(&raw);
    assert_eq!(colour, None, "a colour sequence was sent");
}

/// The first SGR sequence that sets a colour, if any.
fn first_colour_sequence(raw: &str) -> Option<String> {
    let mut rest = raw;
    while let Some(start) = rest.find("\x1b[") {
        let after = &rest[start + 2..];
        let end = after.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
        if after[end..].starts_with('m') {
            let params = &after[..end];
            for p in params.split(';') {
                let n: u32 = p.parse().unwrap_or(0);
                if matches!(n, 30..=37 | 40..=47 | 90..=97 | 100..=107) || n == 38 || n == 48 {
                    return Some(params.to_string());
                }
            }
        }
        rest = &after[end..];
    }
    None
}

/// Runs only inside the pseudo-terminal of the next test: takes over the
/// terminal as the console does, then panics.
#[test]
fn panicking_child() {
    if std::env::var_os("DESKTERM_E2E_PANIC_CHILD").is_none() {
        return;
    }
    let _guard = deskterm::terminal::TerminalGuard::enter().unwrap();
    print!("drawn on the alternate screen");
    std::io::stdout().flush().unwrap();
    panic!("deliberate panic for the test");
}

#[test]
fn a_panic_gives_the_terminal_back_before_the_message() {
    let home = TempDir::new().unwrap();
    let me = std::env::current_exe().unwrap();
    let mut term = Terminal::start_program(
        me.to_str().unwrap(),
        home.path(),
        &[
            "--exact",
            "panicking_child",
            "--nocapture",
            "--test-threads=1",
        ],
        &[("DESKTERM_E2E_PANIC_CHILD", "1")],
        80,
        24,
    );
    let status = term.wait_exit();
    assert!(!status.success());
    let raw = term.wait_raw("deliberate panic for the test");
    assert!(!term.screen.lock().unwrap().screen().alternate_screen());
    let entered = raw.find("\x1b[?1049h").expect("took over the screen");
    let left = raw.find("\x1b[?1049l").expect("gave the screen back");
    let message = raw.find("deliberate panic").unwrap();
    assert!(
        entered < left && left < message,
        "restored before the message"
    );
}

/// A call logged in the real binary: `N`, the caller's address and name,
/// tab to the subject and their words, ctrl-x; the new ticket is in the
/// queue at once and, read back with `show`, the caller's words open it.
#[test]
fn a_call_is_logged_in_the_intake_form() {
    let home = TempDir::new().unwrap();
    let mut term = Terminal::start(home.path(), &["--new-ticket-every", "0"], &[], 100, 30);
    term.wait_for("● live");
    let id = term.log_call(
        "dana.pty@example.org",
        "Dana Pty",
        "Lights out in room 12",
        "The lights went out in room 12 at noon.",
    );
    term.send("q");
    assert!(term.wait_exit().success());
    drop(term);
    let out = common::run(home.path(), &["show", &id], &[], "");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("Lights out in room 12"), "{shown}");
    assert!(
        shown.contains("The lights went out in room 12 at noon."),
        "{shown}"
    );
    assert!(shown.contains("Dana Pty"), "{shown}");
}
