//! The binary's plain commands: `config path|init|check`, `sla check|explain`, `demo --reset`,
//! `--tickets`, and the errors a user sees before the console starts.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

mod common;
use common::{stderr, stdout};

fn deskterm(home: &Path, args: &[&str]) -> Output {
    common::run(home, args, &[], "")
}

#[test]
fn config_path_init_and_check() {
    let home = TempDir::new().unwrap();
    let expected = home.path().join("config/deskterm/config.toml");
    let out = deskterm(home.path(), &["config", "path"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).trim(), expected.display().to_string());

    let out = deskterm(home.path(), &["config", "check"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("not found; using the defaults"));

    let out = deskterm(home.path(), &["config", "init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&expected).unwrap();
    assert_eq!(text, deskterm::config::DEFAULT_CONFIG);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&expected), 0o600);
        assert_eq!(mode(expected.parent().unwrap()), 0o700);
    }
    let again = deskterm(home.path(), &["config", "init"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--force"));
    assert!(
        deskterm(home.path(), &["config", "init", "--force"])
            .status
            .success()
    );

    let out = deskterm(home.path(), &["config", "check"]);
    assert!(out.status.success());
    assert!(stdout(&out).ends_with(": ok\n"));

    std::fs::write(
        &expected,
        "theme = \"dark\"\n\n[keymap.queue]\n\"j\" = \"dwon\"\n",
    )
    .unwrap();
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("line 4, column"), "{message}");
    assert!(message.contains("unknown action `dwon`"), "{message}");
}

#[test]
fn config_check_reports_an_unknown_macro_placeholder() {
    let home = TempDir::new().unwrap();
    let config = home.path().join("config/deskterm/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[[macros]]\nname = \"Hello\"\nbody = \"Hi {{requester.frist_name}}\"\n",
    )
    .unwrap();
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("macro “Hello”: unknown placeholder {{requester.frist_name}}"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_check_reports_a_broken_user_theme() {
    let home = TempDir::new().unwrap();
    let themes = home.path().join("config/deskterm/themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(
        themes.join("mine.toml"),
        "[roles]\ntext = { fg = \"chartreuse\" }\n",
    )
    .unwrap();
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("mine.toml: line 2"), "{message}");
    assert!(message.contains("unknown colour `chartreuse`"), "{message}");
}

#[test]
fn demo_reset_rebuilds_from_the_seed_and_tickets_builds_a_big_desk() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("desk.sqlite");
    let db_arg = db.to_str().unwrap();
    let out = deskterm(
        home.path(),
        &["demo", "--reset", "--seed", "9", "--demo-db", db_arg],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("643 tickets (seed 9)"),
        "{}",
        stdout(&out)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "tickets are private");
    }
    let out = deskterm(
        home.path(),
        &["demo", "--tickets", "2000", "--demo-db", db_arg],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("2003 tickets"), "{}", stdout(&out));
    // Without --demo-db it lives in the data folder.
    let out = deskterm(home.path(), &["demo", "--reset"]);
    assert!(out.status.success());
    assert!(home.path().join("data/deskterm/demo.sqlite").exists());
}

#[test]
fn mistakes_before_the_console_starts_are_plain_messages() {
    let home = TempDir::new().unwrap();
    let out = deskterm(home.path(), &["--theme", "neon"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("no theme `neon`; there are: ansi16, dark, high-contrast, light, mono"),
        "{message}"
    );

    let out = deskterm(home.path(), &["--new-ticket-every", "often"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "usage error: exit 1, as documented"
    );
    assert!(stderr(&out).contains("is not a rate"));

    let out = Command::new(env!("CARGO_BIN_EXE_deskterm"))
        .args(["demo", "--reset"])
        .env("DESKTERM_NOW", "yesterday")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("DESKTERM_NOW=\"yesterday\" is not an RFC 3339 instant"));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn profiles_are_chosen_by_name_and_a_real_desk_needs_a_token() {
    let home = TempDir::new().unwrap();
    let out = deskterm(home.path(), &["--profile", "vendor"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no profile `vendor`; there are: demo"),
        "{}",
        stderr(&out)
    );

    let config = home.path().join("config/deskterm/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "default_profile = \"district\"\n[profiles.district]\nbackend = \"rt\"\nurl = \"https://rt.example.org\"\nuser = \"alice\"\n[profiles.broken]\nbackend = \"rt\"\n",
    )
    .unwrap();
    let out = deskterm(home.path(), &[]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains(
            "profile `district` has no credential for rt at https://rt.example.org:443: run \
             `deskterm login district`"
        ),
        "{message}"
    );
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("profile `broken`: backend \"rt\" needs `url`"),
        "{message}"
    );
    assert!(
        message.contains("profile `broken`: backend \"rt\" needs `user`"),
        "{message}"
    );

    // A Redmine profile says which key it wants, and where to find it.
    std::fs::write(
        &config,
        "default_profile = \"school\"\n[profiles.school]\nbackend = \"redmine\"\n\
         url = \"https://redmine.example.org\"\nuser = \"alice\"\nprojects = [\"support\"]\n\
         requester_field = \"Requester email\"\n",
    )
    .unwrap();
    let message = stderr(&deskterm(home.path(), &[]));
    assert!(
        message.contains(
            "profile `school` has no credential for redmine at https://redmine.example.org:443: \
             run `deskterm login school` to sign in with a Redmine API key (Redmine: My account \
             → API access key → Show)"
        ),
        "{message}"
    );
}

const SLA_CONFIG: &str = r#"
[[sla.calendars]]
name = "district"
time_zone = "America/Los_Angeles"
weekdays = ["08:00-12:00", "13:00-17:00"]
holidays_file = "holidays.ics"

[[sla.policies]]
name = "Transportation urgent"
queues = ["Transportation"]
priorities = ["urgent"]
calendar = "24x7"
first_response = "15m"
resolution = "4h"

[[sla.policies]]
name = "Parents by text"
roles = ["parent"]
channels = ["sms", "phone"]
calendar = "district"
first_response = "2h"
resolution = "72h"
"#;

#[test]
fn sla_check_lists_the_policies_and_every_mistake() {
    let home = TempDir::new().unwrap();
    let dir = home.path().join("config/deskterm");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), SLA_CONFIG).unwrap();
    std::fs::write(
        dir.join("holidays.ics"),
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let out = deskterm(home.path(), &["sla", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "Transportation urgent: queue transportation · priority urgent; calendar 24x7"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "calendar district (America/Los_Angeles): Mon-Fri 08:00-12:00, 13:00-17:00, 1 holiday;"
        ),
        "{text}"
    );
    assert!(
        text.contains("first response 2h00m, next response —, resolution 72h"),
        "{text}"
    );
    assert!(text.ends_with("2 policies, ok\n"), "{text}");

    let broken = SLA_CONFIG
        .replace("Los_Angeles", "Los_Angles")
        .replace("\"72h\"", "\"3 days\"");
    std::fs::write(dir.join("config.toml"), broken).unwrap();
    let out = deskterm(home.path(), &["sla", "check"]);
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains("unknown time zone \"America/Los_Angles\""),
        "{text}"
    );
    assert!(
        text.contains("policy `Parents by text`: no calendar `district`"),
        "{text}"
    );
    assert!(text.contains("\"3 days\" is not a duration"), "{text}");
    // `config check` finds the same.
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Los_Angles"), "{}", stderr(&out));
}

#[test]
fn sla_explain_says_which_policy_and_where_each_deadline_came_from() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("demo.sqlite");
    let db_arg = db.to_str().unwrap();
    // #600 is open on the seeded demo desk, which times its own tickets.
    let out = deskterm(
        home.path(),
        &["sla", "explain", "#600", "--demo-db", db_arg],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("ticket #600"), "{text}");
    assert!(
        text.contains(
            "the desk sets 2 deadline(s) under “IT low: 8h00m / 40h business”; they take precedence"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "no configured policy matches, so the standard policy for its priority applies"
        ),
        "{text}"
    );
    assert!(text.contains("first response: due Mon 2 Mar"), "{text}");
    assert!(
        text.contains("from the desk: 5h30m business left"),
        "{text}"
    );
    assert!(text.contains("resolution: due"), "{text}");

    let out = deskterm(
        home.path(),
        &["sla", "explain", "99999", "--demo-db", db_arg],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ticket 99999: not found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn report_in_each_format_on_the_demo_desk() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("demo.sqlite");
    let db_arg = db.to_str().unwrap();
    let report = |extra: &[&str]| {
        let mut args = vec![
            "report",
            "--demo-db",
            db_arg,
            "--seed",
            "7",
            "--new-ticket-every",
            "0",
        ];
        args.extend_from_slice(extra);
        let out = deskterm(home.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let table = report(&[]);
    insta::assert_snapshot!("report_by_department_table", table);
    insta::assert_snapshot!(
        "report_by_channel_csv",
        report(&["--by", "channel", "--format", "csv"])
    );
    let json = report(&["--by", "agent", "--since", "24h", "--format", "json"]);
    insta::assert_snapshot!("report_by_agent_json", json);

    // The JSON reads back, and its "all" row is the sum of the others.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["by"], "agent");
    let rows = value["rows"].as_array().unwrap();
    let (all, groups) = rows.split_last().unwrap();
    assert_eq!(all["group"], "all");
    for field in ["open", "at_risk", "breached", "new", "resolved"] {
        let sum: u64 = groups.iter().map(|r| r[field].as_u64().unwrap()).sum();
        assert_eq!(all[field].as_u64().unwrap(), sum, "{field}");
    }
    // A longer period counts at least as many new and resolved tickets.
    let week: serde_json::Value =
        serde_json::from_str(&report(&["--by", "agent", "--format", "json"])).unwrap();
    let last = |v: &serde_json::Value, f: &str| {
        v["rows"].as_array().unwrap().last().unwrap()[f]
            .as_u64()
            .unwrap()
    };
    assert!(last(&week, "new") > last(&value, "new"));
    assert!(last(&week, "resolved") >= last(&value, "resolved"));
    assert_eq!(last(&week, "open"), last(&value, "open"));
}

#[test]
fn report_refuses_a_period_it_cannot_read() {
    let home = TempDir::new().unwrap();
    let out = deskterm(home.path(), &["report", "--since", "last week"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--since: \"last week\" is not a duration"),
        "{}",
        stderr(&out)
    );
    let out = deskterm(home.path(), &["report", "--by", "school"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("department"), "{}", stderr(&out));
}

#[test]
fn config_check_refuses_plain_http_to_another_machine_and_says_how() {
    let home = TempDir::new().unwrap();
    let profile =
        "[profiles.lan]\nbackend = \"rt\"\nurl = \"http://192.168.1.20\"\nuser = \"alice\"\n";
    common::write_config(home.path(), profile);
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    let message = stderr(&out);
    assert!(
        message.contains(
            "profile `lan`: the url \"http://192.168.1.20\" is plain http to another machine"
        ),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("allow_insecure_http = true"), "{message}");
    // The console refuses it too, before any request.
    let out = common::run(
        home.path(),
        &["--profile", "lan", "ls"],
        &[("DESKTERM_TOKEN", "t")],
        "",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("allow_insecure_http"),
        "{}",
        stderr(&out)
    );
    // Said so in the profile, it is allowed; loopback never needs it.
    common::write_config(
        home.path(),
        &format!(
            "{profile}allow_insecure_http = true\n\n[profiles.here]\nbackend = \"rt\"\n\
             url = \"http://localhost:8080\"\nuser = \"alice\"\n"
        ),
    );
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn config_check_locates_a_url_without_a_scheme() {
    let home = TempDir::new().unwrap();
    common::write_config(
        home.path(),
        "[profiles.district]\nbackend = \"rt\"\nurl = \"rt.example.org\"\nuser = \"alice\"\n",
    );
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    let message = stderr(&out);
    assert!(
        message.contains(
            "line 3, column 7: the url \"rt.example.org\" has no scheme: write it as \
             \"https://rt.example.org\""
        ),
        "{message}"
    );
    assert!(!message.contains("the desk"), "{message}");
}

#[test]
fn config_check_names_a_theme_that_is_not_there_and_a_parent_that_is_not() {
    let home = TempDir::new().unwrap();
    let config = common::write_config(
        home.path(),
        "refresh_seconds = 5\ntheme = \"nosuchtheme\"\n",
    );
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    let message = stderr(&out);
    assert!(
        message.contains(&format!(
            "{}: line 2, column 9: no theme `nosuchtheme`; there are: ansi16, dark",
            config.display()
        )),
        "{message}"
    );

    let themes = config.parent().unwrap().join("themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(themes.join("bad.toml"), "parent = \"nosuch\"\n").unwrap();
    std::fs::write(&config, "theme = \"bad\"\n").unwrap();
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    let message = stderr(&out);
    assert!(
        message.contains("bad.toml: line 1, column 10: its parent `nosuch` is not a theme"),
        "{message}"
    );
    assert!(
        message.contains("line 1, column 9: theme `bad` is not usable"),
        "{message}"
    );
    // The console says why too, not only that there is none.
    let out = deskterm(home.path(), &["ls"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("theme `bad` is not usable: ")
            && stderr(&out).contains("its parent `nosuch`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_check_says_the_line_of_a_file_that_is_not_utf8() {
    let home = TempDir::new().unwrap();
    let config = common::write_config(home.path(), "");
    std::fs::write(
        &config,
        b"theme = \"dark\"\ndefault_section = \"caf\xe9\"\n",
    )
    .unwrap();
    let out = deskterm(home.path(), &["config", "check"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("line 2, column 23: not UTF-8 text (the byte 0xE9 here)"),
        "{message}"
    );
}
