//! End to end, working the queue: the real binary in a pseudo-terminal on a
//! demo desk replies with its own editor and with $VISUAL, takes a ticket,
//! closes three at once, and is started again to read it all back; and a
//! reply half-written when the process is killed comes back as a draft.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod common;
use common::pty::Terminal;
use deskterm::clock::Clock;
use deskterm::desk::demo::DemoDesk;
use deskterm::desk::{Desk, StatusKind, TicketId};
use deskterm::store::Store;

const ARGS: &[&str] = &["--new-ticket-every", "0"];

/// A home with a config that keeps the undo window short, and a $VISUAL
/// that writes a reply without asking anything.
fn home() -> (TempDir, String) {
    let home = TempDir::new().unwrap();
    let config = home.path().join("config/deskterm");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "undo_seconds = 1\n").unwrap();
    let editor = home.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Written in the editor.\\nSam\\n' > \"$1\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let editor = editor.to_str().unwrap().to_string();
    (home, editor)
}

/// The ticket ids in the table, top to bottom.
fn ids_on_screen(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(2)
        .filter_map(|line| {
            line.split_whitespace()
                .find(|w| w.starts_with('#') && w[1..].chars().all(|c| c.is_ascii_digit()))
                .map(|w| w[1..].to_string())
        })
        .collect()
}

fn desk_at(home: &Path) -> DemoDesk {
    let clock = Clock::Fixed("2026-03-02T17:30:00Z".parse().unwrap());
    DemoDesk::open(&home.join("data/deskterm/demo.sqlite"), None, clock).unwrap()
}

#[test]
fn reply_edit_take_and_bulk_close_then_read_it_all_back() {
    let (home, editor) = home();
    let env = [("VISUAL", editor.as_str())];
    let mut term = Terminal::start(home.path(), ARGS, &env, 160, 40);
    let screen = term.wait_for("● live");
    let ids = ids_on_screen(&screen);
    assert!(ids.len() > 8, "{screen}");

    // A reply in the built-in editor.
    term.send(&format!(":open {}\r", ids[5]));
    term.wait_for("Conversation");
    term.send("r");
    term.wait_for("REPLY · public");
    term.send("Typed in the pane.");
    term.wait_for("Typed in the pane.");
    term.send("\x18");
    term.wait_for(&format!("reply to #{} ✓", ids[5]));

    // A reply written in $VISUAL: the terminal is handed over and taken back.
    term.send(&format!(":open {}\r", ids[6]));
    term.wait_for(&format!("#{} ", ids[6]));
    term.send("e");
    term.wait_for("Written in the editor.");
    term.send("\x18");
    term.wait_for(&format!("reply to #{} ✓", ids[6]));
    term.send("q");
    term.wait_for("SLA↓");

    // Take the first unassigned ticket (its owner column shows —).
    let screen = term.text();
    let taken = screen
        .lines()
        .skip(2)
        .find(|line| line.contains(" — "))
        .and_then(|line| ids_on_screen(&format!("\n\n{line}")).into_iter().next())
        .unwrap();
    term.send(&format!(":open {taken}\r"));
    term.wait_for(&format!("#{taken} "));
    term.send("t");
    term.wait_for(&format!("take #{taken} ✓"));
    term.send("q");
    term.wait_for("SLA↓");
    // Then close three at once.
    let rows = ids_on_screen(&term.text());
    let skip = [taken.clone(), ids[5].clone(), ids[6].clone()];
    let start = (0..rows.len() - 3)
        .find(|&k| rows[k..k + 3].iter().all(|id| !skip.contains(id)))
        .unwrap();
    term.send("g");
    term.send(&"j".repeat(start));
    term.send("   ");
    let screen = term.wait_for("● 3 marked");
    // What is marked is what the screen marks with ●.
    let closing: Vec<String> = screen
        .lines()
        .skip(2)
        .filter(|line| line.starts_with('●'))
        .flat_map(|line| ids_on_screen(&format!("\n\n{line}")))
        .collect();
    assert_eq!(closing.len(), 3, "{screen}");
    assert!(closing.iter().all(|id| !skip.contains(id)), "{screen}");
    term.send("c");
    term.wait_for("resolve 3 tickets ✓ (3 of 3)");
    term.send("q");
    assert!(term.wait_exit().success());

    // Started again, the console shows the reply from the desk.
    let mut again = Terminal::start(home.path(), ARGS, &[], 100, 30);
    again.wait_for("● live");
    again.send(&format!(":open {}\r", ids[5]));
    again.wait_for("Typed in the pane.");
    again.send("qq");
    assert!(again.wait_exit().success());

    // And the desk itself has every change.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let desk = desk_at(home.path());
        let ticket = |id: &str| {
            let id = TicketId(id.to_string().into());
            let desk = &desk;
            async move { desk.ticket(&id).await }
        };
        let replied = ticket(&ids[5]).await.unwrap();
        assert!(
            replied
                .entries
                .iter()
                .any(|e| e.body.as_str() == "Typed in the pane.")
        );
        let edited = ticket(&ids[6]).await.unwrap();
        assert!(
            edited
                .entries
                .iter()
                .any(|e| e.body.as_str() == "Written in the editor.\nSam")
        );
        let taken = ticket(&taken).await.unwrap().summary;
        assert_eq!(taken.owner.unwrap().name.as_str(), "Sam Okafor");
        for id in &closing {
            assert_eq!(
                ticket(id).await.unwrap().summary.status.kind,
                StatusKind::Resolved,
                "#{id}"
            );
        }
    });
}

#[test]
fn an_editor_that_fails_changes_nothing() {
    let (home, _) = home();
    let failing = home.path().join("fail.sh");
    std::fs::write(&failing, "#!/bin/sh\nexit 3\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let env = [("VISUAL", failing.to_str().unwrap())];
    let mut term = Terminal::start(home.path(), ARGS, &env, 100, 30);
    term.wait_for("● live");
    term.send("\r");
    term.wait_for("Conversation");
    term.send("r");
    term.wait_for("REPLY · public");
    term.send("kept");
    term.send("\x0f"); // ctrl-o: continue in the editor
    term.wait_for("the editor exited with status 3");
    assert!(term.text().contains("kept"));
}

#[test]
fn a_reply_half_written_when_the_process_is_killed_comes_back() {
    let (home, _) = home();
    let mut term = Terminal::start(home.path(), ARGS, &[], 100, 30);
    let screen = term.wait_for("● live");
    let id = ids_on_screen(&screen)[2].clone();
    term.send(&format!(":open {id}\r"));
    term.wait_for("Conversation");
    term.send("r");
    term.wait_for("REPLY · public");
    term.send("Words that must survive");
    term.wait_for("Words that must survive");

    // Within two seconds the words are in the store; then kill -9.
    let store = Store::open(&home.path().join("data/deskterm/profiles"), "demo").unwrap();
    let start = Instant::now();
    while store.draft(&TicketId(id.clone().into())).unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "no draft after 2 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    term.kill_9();

    let mut again = Terminal::start(home.path(), ARGS, &[], 100, 30);
    again.wait_for("● live");
    again.send(&format!(":open {id}\r"));
    again.wait_for("✎ your reply from");
    again.send("r");
    again.wait_for("your draft reply from");
    assert!(again.text().contains("Words that must survive"));
}

#[test]
fn a_file_attached_in_the_pane_with_tab_completion_reaches_the_desk_byte_for_byte() {
    let (home, _) = home();
    let files = home.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let form: Vec<u8> = (0..=255u8).cycle().take(2600).collect();
    std::fs::write(files.join("permission-form.pdf"), &form).unwrap();
    std::fs::write(files.join("empty.txt"), b"").unwrap();
    let mut term = Terminal::start(home.path(), ARGS, &[], 120, 32);
    let screen = term.wait_for("● live");
    let id = ids_on_screen(&screen)[3].clone();
    term.send(&format!(":open {id}\r"));
    term.wait_for("Conversation");
    term.send("r");
    term.wait_for("REPLY · public");
    term.send("The form is attached.");
    term.wait_for("The form is attached.");
    // ctrl-g asks for a path; Tab completes it.
    term.send("\x07");
    term.send(&format!("{}/perm", files.display()));
    term.wait_for("/perm");
    term.send("\t");
    term.wait_for("permission-form.pdf");
    term.send("\r");
    term.wait_for("Attached: permission-form.pdf (2.5 KB)");
    // A file the desk would refuse is named, and the draft stays.
    term.send("\x07");
    term.send(&format!("{}/empty.txt\r", files.display()));
    term.wait_for("empty.txt is empty; nothing was attached");
    let screen = term.text();
    assert!(screen.contains("The form is attached."), "{screen}");
    term.send("\x18");
    term.wait_for(&format!("reply to #{id} ✓"));
    term.send("qq");
    assert!(term.wait_exit().success());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let desk = desk_at(home.path());
        let detail = desk.ticket(&TicketId(id.clone().into())).await.unwrap();
        let reply = detail
            .entries
            .iter()
            .find(|e| e.body.as_str() == "The form is attached.")
            .unwrap();
        assert_eq!(reply.attachments.len(), 1, "{reply:?}");
        let file = &reply.attachments[0];
        assert_eq!(
            (file.name.as_str(), file.mime.as_str(), file.size),
            ("permission-form.pdf", "application/pdf", 2600)
        );
        let bytes = desk.attachment(file.id.as_deref().unwrap()).await.unwrap();
        assert!(bytes == form, "{} bytes back", bytes.len());
    });
}

#[test]
fn a_field_is_chosen_from_its_values_and_a_free_one_typed_then_both_show() {
    let (home, _) = home();
    let mut term = Terminal::start(home.path(), ARGS, &[], 120, 32);
    let screen = term.wait_for("● live");
    let id = ids_on_screen(&screen)[2].clone();
    term.send(&format!(":open {id}\r"));
    term.wait_for("Conversation");
    // F offers the fields, then the chosen one's values.
    term.send("F");
    term.wait_for("Set a field");
    term.send("school");
    term.wait_for("one of 8");
    term.send("\r");
    term.wait_for("Westview High");
    term.send("westview");
    term.send("\r");
    term.wait_for(&format!("set School of #{id} to Westview High ✓"));
    // A free field goes to the command line to be typed.
    term.send("F");
    term.wait_for("Set a field");
    term.send("employee");
    term.wait_for("free text");
    term.send("\r");
    term.wait_for("field Employee ID = ");
    term.send("E-20417\r");
    term.wait_for(&format!("Employee ID = E-20417 on #{id} ✓"));
    // Both read back in the ticket view, beside the status line's word.
    let screen = term.wait_until("the field in the view", |s| {
        s.matches("E-20417").count() >= 2
    });
    assert!(screen.contains("Westview High"), "{screen}");
    term.send("qq");
    assert!(term.wait_exit().success());
}

/// A small shell script at `path` that copies its last argument to `to`.
fn copying_script(path: &Path, to: &Path) {
    std::fs::write(
        path,
        format!(
            "#!/bin/sh\nfor last; do :; done\ncp \"$last\" '{}'\n",
            to.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn v_shows_a_text_in_the_pager_made_inert_and_a_picture_in_the_opener_or_says_where() {
    let (home, _) = home();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let paged = home.path().join("paged.txt");
    let opened = home.path().join("opened.png");
    copying_script(&bin.join("pager.sh"), &paged);
    copying_script(&bin.join("xdg-open"), &opened);
    let hostile = home.path().join("router.log");
    std::fs::write(&hostile, b"link down\x1b]52;c;ZXZpbA==\x07\x1b[2J port 4\n").unwrap();
    let photo = home.path().join("desk.png");
    std::fs::write(&photo, [0x89, b'P', b'N', b'G', 0, 1, 2, 255]).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let pager = bin.join("pager.sh").display().to_string();
    let env = [
        ("PAGER", pager.as_str()),
        ("PATH", path.as_str()),
        ("DISPLAY", ":7"),
    ];
    let mut term = Terminal::start(home.path(), ARGS, &env, 120, 32);
    let screen = term.wait_for("● live");
    let id = ids_on_screen(&screen)[4].clone();
    term.send(&format!(":open {id}\r"));
    term.wait_for("Conversation");
    for (file, name, text) in [
        (&hostile, "router.log", "The router's log."),
        (&photo, "desk.png", "A photo of it."),
    ] {
        term.send("n");
        term.wait_for("INTERNAL NOTE");
        term.send(text);
        term.wait_for(text);
        term.send("\x07");
        term.send(&format!("{}\r", file.display()));
        term.wait_for("Attached: ");
        term.send("\x18");
        // On the desk, and so in the conversation, not just in the outbox.
        term.wait_for(&format!("[attachment] {name}"));
    }
    // `v`, then the log by name among the ticket's files.
    term.send("v");
    term.wait_for("Look at an attachment");
    term.send("router\r");
    let start = Instant::now();
    while !paged.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let shown = std::fs::read_to_string(&paged).unwrap();
    assert!(
        shown.contains("link down") && shown.contains("port 4"),
        "{shown:?}"
    );
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    // The picture goes to the opener, byte for byte.
    term.send("v");
    term.wait_for("Look at an attachment");
    term.send("desk\r");
    term.wait_for("desk.png opened with the system's viewer");
    let start = Instant::now();
    while !opened.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        std::fs::read(&opened).unwrap(),
        std::fs::read(&photo).unwrap()
    );
    term.send("qq");
    assert!(term.wait_exit().success());

    // With no display (an SSH session), it says where the file is.
    let env = [
        ("PATH", path.as_str()),
        ("DISPLAY", ""),
        ("WAYLAND_DISPLAY", ""),
    ];
    let mut term = Terminal::start(home.path(), ARGS, &env, 120, 32);
    term.wait_for("● live");
    term.send(&format!(":open {id}\r"));
    term.wait_for("desk.png");
    term.send("v");
    term.wait_for("Look at an attachment");
    term.send("desk\r");
    term.wait_for("no display here to open desk.png");
    term.send("qq");
    assert!(term.wait_exit().success());
}
