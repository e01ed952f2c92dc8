//! The scriptable commands on the seeded demo desk, through the real binary:
//! golden output for each format, writes read back, and an exit code for
//! each class of failure. The same commands run against the live RT in
//! tests/live_rt.rs.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;

use tempfile::TempDir;

mod common;
use common::{stderr, stdout};

/// A home with the seeded demo desk (seed 7, no arrivals).
struct Home {
    dir: TempDir,
    db: String,
}

impl Home {
    fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("demo.sqlite").to_str().unwrap().to_string();
        Self { dir, db }
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
        let mut all = args.to_vec();
        all.extend([
            "--demo-db",
            &self.db,
            "--seed",
            "7",
            "--new-ticket-every",
            "0",
        ]);
        common::run(self.dir.path(), &all, env, stdin)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[], "")
    }

    /// Stdout of a command that must succeed.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

#[test]
fn ls_in_each_format() {
    let home = Home::new();
    insta::assert_snapshot!("ls_table", home.ok(&["ls", "--limit", "8"]));
    insta::assert_snapshot!(
        "ls_csv_hr_section",
        home.ok(&["ls", "--section", "hr", "--limit", "3", "--format", "csv"])
    );
    insta::assert_snapshot!(
        "ls_json_query",
        home.ok(&[
            "ls",
            "--query",
            "status:pending bus",
            "--sort",
            "updated",
            "--limit",
            "2",
            "--format",
            "json"
        ])
    );

    // Every active ticket by default, most urgent first; the query narrows.
    let all = home.json(&["ls", "--format", "json"]);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 212, "the dashboard's open count");
    let lefts: Vec<i64> = all
        .iter()
        .take_while(|t| {
            t["sla"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["stage"] == "breached")
        })
        .flat_map(|t| {
            t["sla"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["stage"] == "breached")
                .map(|c| c["left_minutes"].as_i64().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        !lefts.is_empty() && lefts.iter().all(|l| *l <= 0),
        "{lefts:?}"
    );
    let mine = home.json(&["ls", "--section", "mine", "--format", "json"]);
    let me = mine[0]["owner"]["name"].clone();
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .all(|t| t["owner"]["name"] == me)
    );
    let nobody = home.json(&["ls", "--query", "owner:nobody", "--format", "json"]);
    assert!(
        nobody
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["owner"].is_null())
    );
    let resolved = home.json(&[
        "ls",
        "--query",
        "status:resolved queue:IT",
        "--limit",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(resolved.as_array().unwrap().len(), 5);
    assert!(
        resolved
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"]["kind"] == "resolved" && t["queue"]["name"] == "IT")
    );
    let by_priority = home.json(&[
        "ls", "--sort", "priority", "--limit", "1", "--format", "json",
    ]);
    assert_eq!(by_priority[0]["priority"]["kind"], "urgent");
}

#[test]
fn show_agents_and_queues_in_each_format() {
    let home = Home::new();
    insta::assert_snapshot!("show_table", home.ok(&["show", "#600"]));
    insta::assert_snapshot!("show_csv", home.ok(&["show", "600", "--format", "csv"]));
    insta::assert_snapshot!("show_json", home.ok(&["show", "600", "--format", "json"]));
    insta::assert_snapshot!("agents_table", home.ok(&["agents"]));
    insta::assert_snapshot!("agents_csv", home.ok(&["agents", "--format", "csv"]));
    insta::assert_snapshot!("queues_json", home.ok(&["queues", "--format", "json"]));
    insta::assert_snapshot!("queues_table", home.ok(&["queues"]));
}

#[test]
fn show_folds_quoted_mail_unless_asked_and_json_keeps_it_whole() {
    let home = Home::new();
    let body = "Fixed after a restart.\n\nOn Mon, Maria wrote:\n> The printer in room 12\n> prints blank pages.\n> Can someone look?";
    home.ok(&["reply", "600", "-m", body]);
    let shown = home.ok(&["show", "600"]);
    assert!(
        shown.contains("Fixed after a restart.\n\n… 4 quoted lines (--quotes shows them)\n"),
        "{shown}"
    );
    assert!(!shown.contains("blank pages"), "{shown}");
    let whole = home.ok(&["show", "600", "--quotes"]);
    assert!(whole.contains(body), "{whole}");
    assert!(!whole.contains("quoted lines"), "{whole}");
    let json = home.json(&["show", "600", "--format", "json"]);
    let entries = json["entries"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["body"] == body), "{json}");
    assert!(
        home.ok(&["show", "600", "--format", "csv"])
            .contains("> prints blank pages.")
    );
}

#[test]
fn writes_land_and_read_back() {
    let home = Home::new();
    // A reply from stdin, setting pending with it.
    let out = home.run_with(
        &["reply", "600", "--then", "pending"],
        &[],
        "On our list for Tuesday.\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("#600: reply done · now pending, "),
        "{}",
        stdout(&out)
    );
    // A note from a file, and from --message.
    let file = home.dir.path().join("note.txt");
    std::fs::write(&file, "Asked Facilities about the outlets.\n").unwrap();
    home.ok(&["note", "600", "--file", file.to_str().unwrap()]);
    home.ok(&["note", "600", "-m", "Parts ordered."]);
    // Fields, by name and by id.
    home.ok(&["assign", "600", "grace"]);
    home.ok(&["priority", "600", "high"]);
    home.ok(&["move", "600", "facil"]);
    let moved = home.json(&["status", "#600", "open", "--format", "json"]);
    assert_eq!(moved[0]["status"]["kind"], "open");

    let shown = home.json(&["show", "600", "--format", "json"]);
    assert_eq!(shown["owner"]["name"], "Grace Liu");
    assert_eq!(shown["priority"]["kind"], "high");
    assert_eq!(shown["queue"]["name"], "Facilities");
    let entries = shown["entries"].as_array().unwrap();
    let bodies: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e["kind"] != "event")
        .map(|e| (e["kind"].as_str().unwrap(), e["body"].as_str().unwrap()))
        .collect();
    assert!(
        bodies.contains(&("reply", "On our list for Tuesday.")),
        "{bodies:?}"
    );
    assert!(bodies.contains(&("note", "Asked Facilities about the outlets.")));
    assert!(bodies.contains(&("note", "Parts ordered.")));
    // Assign to me and to nobody.
    home.ok(&["assign", "600", "me"]);
    let mine = home.json(&["ls", "--section", "mine", "--format", "json"]);
    assert!(mine.as_array().unwrap().iter().any(|t| t["id"] == "600"));
    home.ok(&["assign", "600", "nobody"]);
    assert!(home.json(&["show", "600", "--format", "json"])["owner"].is_null());
    // Nothing waits in the outbox once the desk has it all.
    let store =
        deskterm::store::Store::open(&home.dir.path().join("data/deskterm/profiles"), "demo")
            .unwrap();
    assert!(store.pending().unwrap().is_empty());
}

#[test]
fn dry_run_shows_the_write_and_sends_nothing() {
    let home = Home::new();
    let before = home.json(&["show", "600", "--format", "json"]);
    insta::assert_snapshot!(
        "dry_run_table",
        home.run_with(
            &["reply", "600", "--dry-run", "--then", "resolved"],
            &[],
            "Done.\n"
        )
        .stdout
        .iter()
        .map(|&b| b as char)
        .collect::<String>()
    );
    insta::assert_snapshot!(
        "dry_run_json",
        home.ok(&["assign", "600", "grace", "--dry-run", "--format", "json"])
    );
    insta::assert_snapshot!(
        "dry_run_csv",
        home.ok(&["move", "600", "HR", "--dry-run", "--format", "csv"])
    );
    assert_eq!(home.json(&["show", "600", "--format", "json"]), before);
}

#[test]
fn exit_codes_for_each_class_of_failure() {
    let home = Home::new();
    // 1: usage, from clap and from a value the command cannot use.
    let out = home.run(&["ls", "--bogus"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let out = home.run(&["status", "600", "bogus"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stderr(&out),
        "deskterm: no status “bogus”: say new, open, pending, resolved or closed\n"
    );
    let out = home.run_with(&["reply", "600"], &[], "   \n");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("the text is empty; nothing was sent"));
    let out = home.run(&["--read-only", "status", "600", "resolved"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
    // 2: not found: a ticket, a queue, an agent, a section.
    for args in [
        &["show", "99999"][..],
        &["status", "99999", "open"],
        &["move", "600", "Athletics"],
        &["assign", "600", "Zed"],
        &["ls", "--section", "athletics"],
    ] {
        let out = home.run(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
    assert_eq!(
        stderr(&home.run(&["show", "99999"])),
        "deskterm: ticket 99999: not found on the desk\n"
    );
    // 3: conflict: the ticket moved on from the version the script saw.
    let seen = home.json(&["show", "600", "--format", "json"])["version"]
        .as_str()
        .unwrap()
        .to_string();
    home.ok(&["priority", "600", "high"]);
    let out = home.run(&["status", "600", "resolved", "--if-version", &seen]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        home.json(&["show", "600", "--format", "json"])["status"]["kind"],
        "open"
    );
    // 5: network: nothing listens on port 9.
    common::write_config(
        home.dir.path(),
        "[profiles.district]\nbackend = \"rt\"\nurl = \"http://127.0.0.1:9\"\nuser = \"alice\"\n",
    );
    let out = home.run_with(
        &["--profile", "district", "ls"],
        &[("DESKTERM_TOKEN", "t0k3n")],
        "",
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("deskterm: cannot reach the desk"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("t0k3n"));
    // 4 (auth) needs a desk that refuses a token: tests/live_rt.rs.
    // Never a stack trace.
    for out in [home.run(&["show", "99999"]), home.run(&["ls", "--bogus"])] {
        assert!(!stderr(&out).contains("panicked") && !stderr(&out).contains("backtrace"));
    }
}

#[test]
fn completions_and_the_manual_come_from_the_same_definition() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish"] {
        let text = home.ok(&["completions", shell]);
        for command in [
            "ls", "show", "reply", "note", "assign", "status", "priority", "move", "agents",
            "queues", "report",
        ] {
            assert!(text.contains(command), "{shell} completions lack {command}");
        }
        assert!(text.contains("if-version"), "{shell}");
    }
    let man = home.ok(&["man"]);
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &man[..80.min(man.len())]
    );
    assert!(man.contains(".TH deskterm"));
    for command in ["ls", "reply", "completions"] {
        assert!(
            man.contains(&format!("deskterm\\-{command}")) || man.contains(command),
            "{command}"
        );
    }
    let out = common::run(
        Path::new(home.dir.path()),
        &["completions", "powershell-99"],
        &[],
        "",
    );
    assert_eq!(code(&out), 1);
}

/// On a terminal the table fits the window; piped, rows are whole.
#[test]
fn ls_on_a_terminal_fits_the_window() {
    let home = Home::new();
    let args = [
        "ls",
        "--limit",
        "5",
        "--demo-db",
        &home.db,
        "--seed",
        "7",
        "--new-ticket-every",
        "0",
    ];
    let mut term = common::pty::Terminal::start(home.dir.path(), &args, &[], 80, 24);
    assert!(term.wait_exit().success());
    let text = term.text();
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(rows.len(), 5, "{text}");
    // One line per ticket, each within the 80 columns: columns gave way or
    // were left out rather than wrap.
    let table = |raw: &str| -> Vec<String> {
        raw.lines()
            .map(|l| l.trim_end().to_string())
            .skip_while(|l| !l.starts_with("ID "))
            .collect()
    };
    let start = std::time::Instant::now();
    let (raw, lines) = loop {
        let raw = String::from_utf8_lossy(&term.raw.lock().unwrap()).into_owned();
        let lines = table(&raw);
        if lines.len() >= 6 || start.elapsed() > common::pty::DEADLINE {
            break (raw, lines);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    assert_eq!(lines.len(), 6, "a header and a line each:\n{raw}");
    for line in &lines {
        let width = deskterm::text::width::cells(line);
        assert!(width <= 80, "{width} cells: {line:?}");
    }
    assert!(lines[0].contains("REQUESTER"), "{}", lines[0]);
    assert!(
        rows.iter().any(|r| r.contains('…')),
        "a subject was cut:\n{text}"
    );
    let piped = home.ok(&["ls", "--limit", "5"]);
    assert!(piped.lines().any(|l| deskterm::text::width::cells(l) > 80));
    assert!(!piped.contains('…'));
}

/// A write to a desk that cannot be reached: kept in the outbox when the
/// ticket was seen here before (on top of that version, exit 5, "do not
/// send it again"); otherwise exit 5 and plainly not kept.
#[test]
fn a_write_offline_is_kept_if_the_ticket_was_seen_and_says_so_either_way() {
    use deskterm::desk::{Desk, TicketId};
    use deskterm::store::Store;
    let home = Home::new();
    common::write_config(
        home.dir.path(),
        "[profiles.district]\nbackend = \"rt\"\nurl = \"http://127.0.0.1:9\"\nuser = \"alice\"\n",
    );
    let reply = |text: &str| {
        home.run_with(
            &["--profile", "district", "reply", "4", "-m", text],
            &[("DESKTERM_TOKEN", "t0k3n")],
            "",
        )
    };
    let store =
        || Store::open(&home.dir.path().join("data/deskterm/profiles"), "district").unwrap();

    let out = reply("On its way.");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was kept"),
        "{}",
        stderr(&out)
    );
    assert!(store().pending().unwrap().is_empty());

    // Seen before (the console's cache): kept, on top of what was seen.
    let (demo, _dir) = common::demo_desk();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut seen = runtime
        .block_on(demo.ticket(&TicketId("600".into())))
        .unwrap()
        .summary;
    seen.id = TicketId("4".into());
    store()
        .cache_tickets(&[seen.clone()], common::now())
        .unwrap();
    let out = reply("On its way, kept.");
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kept in the outbox")
            && stderr(&out).contains("do not send it again"),
        "{}",
        stderr(&out)
    );
    let kept = store().pending().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].based_on, seen.version);
    assert_eq!(kept[0].ticket, seen.id);
}

/// A `--query` term it cannot read is an error naming it, never "no
/// tickets"; a word with a colon in it is still a word.
#[test]
fn an_unknown_query_term_is_named() {
    let home = Home::new();
    for term in ["priority:later", "foo:bar"] {
        let out = home.run(&["ls", "--query", term]);
        assert_eq!(code(&out), 1, "{term}: {}", stderr(&out));
        assert!(stderr(&out).contains(term), "{}", stderr(&out));
    }
    assert_eq!(code(&home.run(&["ls", "--query", "priority:low"])), 0);
    assert_eq!(code(&home.run(&["ls", "--query", "10:30"])), 0);
}

/// `create` logs a ticket for a caller and prints its id: the ticket reads
/// back with the caller as its requester and their words as the opening
/// message; a queue it does not know is named, and read-only sends nothing.
#[test]
fn create_logs_a_ticket_for_a_caller_and_prints_its_id() {
    let home = Home::new();
    let id = home.ok(&[
        "create",
        "--queue",
        "Transportation",
        "--subject",
        "Bus 9 missed Elm Street",
        "--requester",
        "dana.caller@example.org",
        "--name",
        "Dana Caller",
        "--channel",
        "phone",
        "--priority",
        "high",
        "-m",
        "Bus 9 did not come this morning.",
    ]);
    let id = id.trim();
    assert!(id.parse::<u64>().is_ok(), "{id:?}");
    let shown: serde_json::Value =
        serde_json::from_str(&home.ok(&["show", id, "--format", "json"])).unwrap();
    let text = shown.to_string();
    assert!(text.contains("Bus 9 missed Elm Street"), "{text}");
    assert!(text.contains("dana.caller@example.org"), "{text}");
    assert!(text.contains("Bus 9 did not come this morning."), "{text}");
    assert!(text.contains("\"phone\""), "{text}");

    let out = home.run(&[
        "create",
        "-q",
        "Nowhere",
        "-s",
        "x",
        "--requester",
        "a@example.org",
        "-m",
        "y",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no queue “Nowhere”"),
        "{}",
        stderr(&out)
    );

    let out = home.run(&[
        "--read-only",
        "create",
        "-q",
        "IT",
        "-s",
        "Not this one",
        "--requester",
        "a@example.org",
        "-m",
        "y",
    ]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
    let all = home.ok(&["ls", "--query", "status:any", "--format", "json"]);
    assert!(!all.contains("Not this one"));
}

#[test]
fn reply_attach_sends_files_that_save_gives_back_and_a_bad_file_sends_nothing() {
    let home = Home::new();
    let dir = home.dir.path();
    let photo: Vec<u8> = (0..=255u8).rev().cycle().take(5000).collect();
    std::fs::write(dir.join("bus stop.png"), &photo).unwrap();
    std::fs::write(dir.join("route.txt"), "Route 24: 7:10, 7:25\n").unwrap();
    let before = home.json(&["show", "600", "--format", "json"])["entries"]
        .as_array()
        .unwrap()
        .len();
    // A missing file is named and nothing is sent.
    let missing = dir.join("gone.pdf");
    let out = home.run(&[
        "reply",
        "600",
        "-m",
        "See attached.",
        "--attach",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("there is no file"),
        "{}",
        stderr(&out)
    );
    let after = home.json(&["show", "600", "--format", "json"])["entries"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before, "nothing was sent");

    let png = dir.join("bus stop.png");
    let txt = dir.join("route.txt");
    home.ok(&[
        "reply",
        "600",
        "-m",
        "The stop and the times.",
        "--attach",
        png.to_str().unwrap(),
        "--attach",
        txt.to_str().unwrap(),
    ]);
    let shown = home.ok(&["show", "600"]);
    assert!(shown.contains("bus stop.png"), "{shown}");
    let folder = TempDir::new().unwrap();
    let saved = home.ok(&["save", "600", "--to", folder.path().to_str().unwrap()]);
    assert!(saved.lines().count() >= 2, "{saved}");
    assert_eq!(
        std::fs::read(folder.path().join("bus stop.png")).unwrap(),
        photo
    );
    assert_eq!(
        std::fs::read_to_string(folder.path().join("route.txt")).unwrap(),
        "Route 24: 7:10, 7:25\n"
    );
}

#[test]
fn create_with_a_first_reply_answers_the_caller_in_the_same_step() {
    let home = Home::new();
    let out = home.ok(&[
        "create",
        "-q",
        "Facilities",
        "-s",
        "Lights out in room 12",
        "--requester",
        "pat.caller@example.org",
        "--name",
        "Pat Caller",
        "-m",
        "The lights in room 12 are out.",
        "--reply",
        "A custodian is on the way.",
    ]);
    let id = out.lines().next().unwrap().trim().to_string();
    assert!(id.parse::<u64>().is_ok(), "{out:?}");
    assert!(out.contains(&format!("#{id}: reply done")), "{out}");
    let shown = home.json(&["show", &id, "--format", "json"]);
    let entries = shown["entries"].as_array().unwrap();
    let said: Vec<(&str, bool, &str)> = entries
        .iter()
        .filter(|e| e["kind"] == "reply")
        .map(|e| {
            (
                e["body"].as_str().unwrap(),
                e["by_agent"].as_bool().unwrap(),
                e["author"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(
        (said[0].0, said[0].1),
        ("The lights in room 12 are out.", false)
    );
    assert_eq!((said[1].0, said[1].1), ("A custodian is on the way.", true));
    assert!(shown["first_response_at"].is_string(), "answered: {shown}");
}

#[test]
fn ls_refines_by_priority_channel_role_and_tag() {
    let home = Home::new();
    let found = home.json(&[
        "ls",
        "--query",
        "priority:high,urgent role:parent",
        "--format",
        "json",
    ]);
    let found = found.as_array().unwrap();
    assert!(!found.is_empty());
    for t in found {
        assert!(
            ["high", "urgent"].contains(&t["priority"]["kind"].as_str().unwrap()),
            "{t}"
        );
        assert_eq!(t["requester"]["role"], "parent", "{t}");
    }
    let sms = home.json(&[
        "ls",
        "--query",
        "channel:sms status:any",
        "--format",
        "json",
    ]);
    assert!(
        sms.as_array()
            .unwrap()
            .iter()
            .all(|t| t["channel"] == "sms")
    );
    let tagged = home.json(&["ls", "--query", "tag:bus status:any", "--format", "json"]);
    let tagged = tagged.as_array().unwrap();
    assert!(!tagged.is_empty());
    assert!(
        tagged
            .iter()
            .all(|t| t["tags"].as_array().unwrap().iter().any(|x| x == "bus"))
    );
    let out = home.run(&["ls", "--query", "channel:fax"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("channel:fax: say phone"),
        "{}",
        stderr(&out)
    );
}

/// `ls --section` lists a section of one's own from config.toml, in its own
/// order unless `--sort` says; a mistake in its query stops with the line
/// and column.
#[test]
fn ls_lists_a_section_of_ones_own_in_its_order() {
    let home = Home::new();
    common::write_config(
        home.dir.path(),
        "[[sections]]\nname = \"Resolved buses\"\nquery = \"status:resolved queue:transport\"\n\
         sort = \"updated\"\n",
    );
    let found = home.json(&["ls", "--section", "resolved buses", "--format", "json"]);
    let found = found.as_array().unwrap();
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|t| t["status"]["kind"] == "resolved" && t["queue"]["name"] == "Transportation")
    );
    let updated: Vec<&str> = found
        .iter()
        .map(|t| t["updated"].as_str().unwrap())
        .collect();
    assert!(
        updated.windows(2).all(|w| w[0] >= w[1]),
        "newest update first"
    );
    let by_id = home.json(&[
        "ls",
        "--section",
        "resolved buses",
        "--sort",
        "id",
        "--format",
        "json",
    ]);
    let ids: Vec<u64> = by_id
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");

    common::write_config(
        home.dir.path(),
        "[[sections]]\nname = \"Buses\"\nquery = \"bus stauts:open\"\n",
    );
    let out = home.run(&["ls"]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("line 3, column 14: section “Buses”: no such term “stauts:open”"),
        "{}",
        stderr(&out)
    );
    let out = home.run(&["config", "check"]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("line 3, column 14"),
        "{}",
        stderr(&out)
    );
}
