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
    let _guard = deskterm::terminal::TerminalGuard::enter(true).unwrap();
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
    // The mouse is given back too, or the shell would get its reports.
    assert!(raw.contains("\x1b[?1000l"), "mouse reports off");
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

/// `y` copies the ticket's id to the clipboard by OSC 52, which the
/// terminal takes to the user's own machine; inside tmux the sequence is
/// wrapped for tmux to pass on.
#[test]
fn a_ticket_id_is_copied_by_osc_52_plain_and_through_tmux() {
    use base64::Engine;
    for tmux in [false, true] {
        let home = TempDir::new().unwrap();
        let env: &[(&str, &str)] = match tmux {
            true => &[("TMUX", "/tmp/tmux-1000/default,4242,0")],
            false => &[],
        };
        let mut term = Terminal::start(home.path(), &["--new-ticket-every", "0"], env, 100, 30);
        term.wait_for("● live");
        term.send("y");
        term.wait_for("requester");
        term.send("\r");
        let screen = term.wait_for("copied · #");
        let id = screen
            .split("copied · ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap()
            .to_string();
        let prefix = match tmux {
            true => "\u{1b}Ptmux;\u{1b}\u{1b}]52;c;",
            false => "\u{1b}]52;c;",
        };
        let raw = term.wait_raw(prefix);
        let encoded: String = raw
            .split(prefix)
            .nth(1)
            .unwrap()
            .chars()
            .take_while(|c| *c != '\u{7}')
            .collect();
        let copied = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(String::from_utf8(copied).unwrap(), id);
        term.send("q");
        assert!(term.wait_exit().success());
    }
}

/// The column (0-based) where `word` starts on the screen's row `row`.
fn column_of(term: &Terminal, row: usize, word: &str) -> u16 {
    let screen = term.text();
    let line = screen.lines().nth(row).unwrap_or_default();
    let at = line
        .find(word)
        .unwrap_or_else(|| panic!("{word:?} not in {line:?}"));
    line[..at].chars().count() as u16
}

/// The ticket id on the screen's row `row` (the table's rows start at 2).
fn id_on_row(term: &Terminal, row: usize) -> String {
    let screen = term.text();
    let line = screen.lines().nth(row).unwrap_or_default().to_string();
    line.split_whitespace()
        .find(|w| w.starts_with('#'))
        .unwrap_or_else(|| panic!("no id on {line:?}"))
        .to_string()
}

/// An SGR mouse report of a left click at 0-based `column`, `row`: the
/// press and the release, as a terminal sends them.
fn click(term: &mut Terminal, column: u16, row: u16) {
    term.send(&format!(
        "\x1b[<0;{c};{r}M\x1b[<0;{c};{r}m",
        c = column + 1,
        r = row + 1
    ));
}

/// The mouse, as a terminal reports it (SGR): a click on a tab shows that
/// section, a click on a row selects it and a second click opens it, and
/// the wheel moves the cursor three rows a turn.
#[test]
fn clicks_and_the_wheel_move_through_the_console() {
    let home = TempDir::new().unwrap();
    let mut term = Terminal::start(home.path(), &["--new-ticket-every", "0"], &[], 100, 30);
    term.wait_for("● live");
    let bold_at = |term: &Terminal, column: u16| {
        let parser = term.screen.lock().unwrap();
        parser
            .screen()
            .cell(0, column + 1)
            .is_some_and(|c| c.bold())
    };
    // The wheel: three rows down, then Enter opens the fourth row's ticket.
    let fourth = id_on_row(&term, 5);
    term.send("\x1b[<65;10;10M");
    term.send("\r");
    term.wait_for("Conversation");
    term.wait_for(&fourth);
    term.send("q");
    term.wait_for("SLA↓");
    // A click selects the third row; a second click on it opens it.
    let third = id_on_row(&term, 4);
    click(&mut term, 10, 4);
    click(&mut term, 10, 4);
    term.wait_for("Conversation");
    term.wait_for(&third);
    term.send("q");
    term.wait_for("SLA↓");
    // A click on a tab shows that section.
    let mine = column_of(&term, 0, "Mine");
    assert!(!bold_at(&term, mine), "Mine is not the active tab yet");
    click(&mut term, mine, 0);
    term.wait_until("the Mine tab active", |_| bold_at(&term, mine));
    let all = column_of(&term, 0, "All");
    click(&mut term, all, 0);
    term.wait_until("the All tab active", |_| bold_at(&term, all));
    // A click on a dashboard figure (not the one chosen) follows it to its
    // tickets in the queue.
    term.send("d");
    let screen = term.wait_for("Dashboard ·");
    let (row, line) = screen
        .lines()
        .enumerate()
        .skip(3)
        .find(|(_, l)| l.trim_start().starts_with("HR "))
        .unwrap_or_else(|| panic!("no HR figure:\n{screen}"));
    let column = line.find("HR").unwrap() as u16;
    click(&mut term, column, row as u16);
    term.wait_until("the queue again", |s| {
        !s.contains("Dashboard ·") && s.contains("SLA↓")
    });
    term.send("q");
    assert!(term.wait_exit().success());
}

/// `mouse = false` leaves the mouse to the terminal (its own text
/// selection): no mouse reports are asked for; by default they are.
#[test]
fn mouse_false_leaves_the_mouse_to_the_terminal() {
    for (config, asked) in [("", true), ("mouse = false\n", false)] {
        let home = TempDir::new().unwrap();
        common::write_config(home.path(), config);
        let mut term = Terminal::start(home.path(), &["--new-ticket-every", "0"], &[], 80, 24);
        term.wait_for("● live");
        let raw = String::from_utf8_lossy(&term.raw.lock().unwrap()).into_owned();
        assert_eq!(raw.contains("\x1b[?1000h"), asked, "{config:?}");
        term.send("q");
        assert!(term.wait_exit().success());
    }
}

/// `LANG=C` (a serial console, an old terminal server): the console sees
/// the locale has no UTF-8 and draws in ASCII by itself.
#[test]
fn lang_c_draws_in_ascii() {
    let home = TempDir::new().unwrap();
    let mut term = Terminal::start(
        home.path(),
        &["--new-ticket-every", "0"],
        &[("LANG", "C")],
        80,
        24,
    );
    let screen = term.wait_for("* live");
    assert!(screen.is_ascii(), "{screen}");
    assert!(screen.contains(" | Mine "), "{screen}");
    term.send("q");
    assert!(term.wait_exit().success());
}

/// A command of the user's own, bound to a key: help lists it; run in the
/// foreground, with the terminal handed over, its placeholders filled in
/// shell-quoted; run in the background, its output shown in a pane.
#[test]
fn a_users_command_runs_with_the_tickets_values_quoted() {
    let home = TempDir::new().unwrap();
    let out = home.path().join("ran.txt");
    common::write_config(
        home.path(),
        &format!(
            "[[commands]]\nkey = \"A\"\ndescription = \"echo the requester\"\n\
             command = \"printf 'requester=%s\\\\n' {{{{requester.email}}}} > {out}; \
             printf 'subject=%s\\\\n' {{{{ticket.subject}}}} >> {out}\"\n\
             [[commands]]\nkey = \"B\"\ncontext = \"ticket\"\n\
             description = \"show the id\"\ncommand = \"echo id {{{{ticket.id}}}}\"\n\
             background = true\n",
            out = out.display()
        ),
    );
    let mut term = Terminal::start(home.path(), &["--new-ticket-every", "0"], &[], 100, 30);
    term.wait_for("● live");
    term.send("?");
    term.wait_for("Help ·");
    term.send("G");
    term.wait_for("Your commands");
    term.wait_for("echo the requester");
    term.send("q");
    term.wait_for("SLA↓");
    term.send("A");
    let start = std::time::Instant::now();
    while !out.exists() || std::fs::read_to_string(&out).unwrap().lines().count() < 2 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "never ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let ran = std::fs::read_to_string(&out).unwrap();
    assert!(ran.starts_with("requester=") && ran.contains('@'), "{ran}");
    assert!(ran.lines().nth(1).unwrap().starts_with("subject="), "{ran}");
    term.wait_for("the command ended");
    // B is the ticket's: nothing in the queue; in the ticket, its output.
    term.send("\r");
    term.wait_for("Conversation");
    term.send("B");
    // The status line names the command as it starts; the pane comes after.
    let screen = term.wait_until("its output", |s| {
        s.contains("show the id")
            && s.lines()
                .any(|l| l.contains("│id ") && l.chars().any(|c| c.is_ascii_digit()))
    });
    assert!(
        screen
            .lines()
            .any(|l| l.contains("│id ") && l.chars().any(|c| c.is_ascii_digit())),
        "{screen}"
    );
    term.send("\x1b");
    term.wait_until("the pane closed", |s| !s.contains("show the id"));
    term.send("q");
    term.wait_for("SLA↓");
    term.send("q");
    assert!(term.wait_exit().success());
}
