//! Profiles and credentials from the outside: switching desks in the running
//! console, read-only mode, files others could change refused with the fix,
//! and the kernel keyring keeping a token from one process to the next.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use tempfile::TempDir;

mod common;
use common::pty::Terminal;
use common::{every_file, run, stderr, stdout, write_config};

/// A token no test would print by accident.
const TOKEN: &str = "deskterm-test-token-5f2c9e71";

#[test]
fn switching_profiles_in_the_console_keeps_the_token_out_of_screen_and_logs() {
    let home = TempDir::new().unwrap();
    // Nothing listens on port 9: the district's desk is unreachable.
    write_config(
        home.path(),
        "[profiles.district]\nbackend = \"rt\"\nurl = \"http://127.0.0.1:9\"\nuser = \"alice\"\n",
    );
    let mut term = Terminal::start(
        home.path(),
        &["--new-ticket-every", "0"],
        &[("DESKTERM_TOKEN", TOKEN), ("DESKTERM_LOG", "debug")],
        100,
        30,
    );
    term.wait_for("● live");
    term.send(":profile dis\t\r");
    // The status line names the profile and where its token came from.
    let screen = term.wait_for("district · env");
    assert!(!screen.contains("● live"), "{screen}");
    term.wait_for("cannot reach");
    // Back to the demo through the picker.
    term.send(":profile\r");
    term.wait_for("Switch to a profile");
    term.send("demo\r");
    term.wait_for(" demo ");
    term.wait_for("● live");
    term.send("q");
    term.wait_exit();

    let raw = String::from_utf8_lossy(&term.raw.lock().unwrap()).into_owned();
    assert!(!raw.contains(TOKEN), "the token reached the terminal");
    let files = every_file(home.path());
    let logs: Vec<_> = files.iter().filter(|(p, _)| p.ends_with(".log")).collect();
    assert!(
        logs.iter()
            .any(|(_, text)| text.contains("switched profile")),
        "the log says what happened"
    );
    for (path, text) in &files {
        assert!(!text.contains(TOKEN), "the token is in {path}");
    }
}

#[test]
fn read_only_says_why_and_changes_nothing() {
    let home = TempDir::new().unwrap();
    let mut term = Terminal::start(
        home.path(),
        &["--new-ticket-every", "0", "--read-only"],
        &[],
        100,
        30,
    );
    let screen = term.wait_for("● live");
    assert!(screen.contains(" demo · read-only "), "{screen}");
    term.send("t");
    term.wait_for("read-only: deskterm was started with --read-only");
    term.send("q");
    term.wait_exit();
}

#[tokio::test]
async fn read_only_disables_every_write_action_and_says_why() {
    let mut settings = common::settings("dark");
    settings.read_only = Some("profile `district` is read_only in config.toml".into());
    let mut c = common::console_with(settings, 100, 30).await;
    let before = c.ui.state.held.tickets.items()[0].ticket.clone();
    let keys = [
        "t", "r", "n", "e", "o", "p", "c", "x", "+", "-", "P", "a", "m", "enter r", "n", "c",
    ];
    for keys in keys {
        c.ui.press(keys).await;
        let flash =
            c.ui.state
                .flash
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default();
        assert!(
            flash.starts_with("read-only: profile `district` is read_only in config.toml"),
            "{keys}: {flash}"
        );
        assert!(c.ui.state.screen.compose().is_none(), "{keys}");
        assert!(c.ui.state.outbox.outgoing.is_empty(), "{keys}");
        assert!(c.ui.state.screen.overlay().is_none(), "{keys}");
        c.ui.state.flash = None;
    }
    c.ui.press("q").await;
    let after = c.ui.state.held.tickets.by_id(&before.id).unwrap();
    assert_eq!(after.version, before.version, "nothing was written");
}

#[cfg(unix)]
#[test]
fn files_other_users_could_change_are_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let home = TempDir::new().unwrap();
    let config = write_config(
        home.path(),
        "[profiles.district]\nbackend = \"rt\"\nurl = \"https://rt.example.org\"\nuser = \"alice\"\ntoken_file = \"district.token\"\n",
    );
    let chmod = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };

    chmod(&config, 0o666);
    let out = run(home.path(), &["config", "check"], &[], "");
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains("is mode 666: other users can change it"),
        "{text}"
    );
    assert!(
        text.contains(&format!("chmod 600 {}", config.display())),
        "{text}"
    );

    chmod(&config, 0o600);
    let token = config.parent().unwrap().join("district.token");
    std::fs::write(
        &token,
        format!("# deskterm rt https://rt.example.org:443\n{TOKEN}\n"),
    )
    .unwrap();
    chmod(&token, 0o644);
    let out = run(home.path(), &["--profile", "district"], &[], "");
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(text.contains("the token file is refused"), "{text}");
    assert!(text.contains("chmod 600"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");

    // Made private, it is where the credential comes from.
    chmod(&token, 0o600);
    let out = run(home.path(), &["profiles"], &[], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("the token file"), "{}", stdout(&out));
}

#[cfg(target_os = "linux")]
#[test]
fn the_kernel_keyring_keeps_a_token_from_one_process_to_the_next() {
    use deskterm::config::secret::Secret;
    use deskterm::credential::{Account, CredentialStore, KernelKeyring};
    // A profile name of its own: the kernel keyring is the user's, shared
    // by every test run.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let profile = format!("keyutils-{}-{nanos}", std::process::id());
    let home = TempDir::new().unwrap();
    write_config(
        home.path(),
        &format!(
            "[profiles.{profile}]\nbackend = \"rt\"\nurl = \"https://rt.example.org\"\nuser = \"alice\"\n"
        ),
    );
    let account = Account {
        profile: profile.clone(),
        user: "alice".into(),
        url: "https://rt.example.org".into(),
        backend: "rt".into(),
    };
    // This test process has no session keyring of its own: the store joins
    // a fresh one, as it would on a cron job or in a stale tmux.
    KernelKeyring.set(&account, &Secret::new(TOKEN)).unwrap();
    assert_eq!(
        KernelKeyring
            .get(&account)
            .unwrap()
            .map(|s| s.expose().to_string()),
        Some(TOKEN.to_string())
    );

    // Another process finds it, and says it is a cache.
    let out = run(home.path(), &["profiles"], &[], "");
    let listed = stdout(&out);
    assert!(listed.contains(&profile), "{listed}");
    assert!(listed.contains("the kernel keyring (a cache"), "{listed}");

    let out = run(home.path(), &["logout", &profile], &[], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("removed"), "{}", stdout(&out));
    assert_eq!(KernelKeyring.get(&account).unwrap(), None);
    let out = run(home.path(), &["profiles"], &[], "");
    assert!(stdout(&out).contains(&format!("none: run `deskterm login {profile}`")));
}

#[test]
fn login_wants_a_real_profile_and_a_token_on_stdin() {
    let home = TempDir::new().unwrap();
    let out = run(home.path(), &["login"], &[], "x\n");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("`demo` is the demo desk, which needs no sign-in"));
    write_config(
        home.path(),
        "[profiles.district]\nbackend = \"rt\"\nurl = \"http://127.0.0.1:9\"\nuser = \"alice\"\n",
    );
    let out = run(home.path(), &["login", "district"], &[], "\n");
    assert!(stderr(&out).contains("no token given; nothing was stored"));
    // The token is checked before it is kept: an unreachable desk keeps nothing.
    let out = run(
        home.path(),
        &["login", "district"],
        &[],
        &format!("{TOKEN}\n"),
    );
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains("cannot check the token at http://127.0.0.1:9"),
        "{text}"
    );
    assert!(text.contains("nothing was stored"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    let out = run(
        home.path(),
        &["login", "district", "--store", "vault"],
        &[],
        "t\n",
    );
    assert!(stderr(&out).contains("--store vault: say keyring, kernel or file"));
}

#[tokio::test]
async fn profile_command_and_picker_ask_the_console_to_switch() {
    let mut settings = common::settings("dark");
    settings.profiles = vec!["district".into(), "demo".into()];
    settings.undo_seconds = 5;
    let mut c = common::console_with(settings, 100, 30).await;
    let flash = |c: &common::Console| {
        c.ui.state
            .flash
            .as_ref()
            .map(|f| f.text.clone())
            .unwrap_or_default()
    };

    c.ui.press(":").await;
    c.ui.type_text("profile demo").await;
    c.ui.press("enter").await;
    assert_eq!(flash(&c), "already on demo");
    c.ui.press(":").await;
    c.ui.type_text("profile vendor").await;
    c.ui.press("enter").await;
    assert_eq!(flash(&c), "no profile `vendor`; there are: district, demo");
    assert!(c.ui.switches.is_empty());

    // A write waiting out its undo window keeps the console where it is.
    c.ui.press("t").await;
    assert!(!c.ui.state.outbox.outgoing.is_empty());
    c.ui.press(":").await;
    c.ui.type_text("profile district").await;
    c.ui.press("enter").await;
    assert!(flash(&c).contains("before switching"), "{}", flash(&c));
    assert!(c.ui.switches.is_empty());
    c.ui.press("u").await;

    // From the picker, by a few letters.
    c.ui.press(":").await;
    c.ui.type_text("profile").await;
    c.ui.press("enter").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(deskterm::state::Overlay::Picker(_))
    ));
    c.ui.type_text("dist").await;
    c.ui.press("enter").await;
    assert_eq!(c.ui.switches, ["district"]);
    assert_eq!(flash(&c), "opening district…");
}

/// A stand-in proxy: records the first request line it is sent and answers
/// 401, as a desk refusing the token would.
fn recording_proxy() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line.trim().to_string());
            let mut stream = stream;
            let _ = stream.write_all(
                b"HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
            );
        }
    });
    (port, rx)
}

#[test]
fn requests_go_through_the_profiles_proxy_or_the_environments() {
    let home = TempDir::new().unwrap();
    let (port, seen) = recording_proxy();
    write_config(
        home.path(),
        &format!(
            "[profiles.viaconfig]\nbackend = \"rt\"\nurl = \"http://rt.pvusd.invalid\"\nuser = \"alice\"\nproxy = \"http://127.0.0.1:{port}\"\nallow_insecure_http = true\n\n\
             [profiles.viaenv]\nbackend = \"rt\"\nurl = \"http://rt.pvusd.invalid\"\nuser = \"alice\"\nallow_insecure_http = true\n"
        ),
    );
    let timeout = std::time::Duration::from_secs(10);
    let out = run(
        home.path(),
        &["login", "viaconfig"],
        &[],
        &format!("{TOKEN}\n"),
    );
    assert!(
        stderr(&out).contains("refused the token"),
        "{}",
        stderr(&out)
    );
    let line = seen.recv_timeout(timeout).unwrap();
    assert_eq!(
        line,
        "GET http://rt.pvusd.invalid/REST/2.0/user/alice HTTP/1.1"
    );

    let proxy = format!("http://127.0.0.1:{port}");
    let out = run(
        home.path(),
        &["login", "viaenv"],
        &[("HTTP_PROXY", &proxy)],
        &format!("{TOKEN}\n"),
    );
    assert!(
        stderr(&out).contains("refused the token"),
        "{}",
        stderr(&out)
    );
    assert!(
        seen.recv_timeout(timeout)
            .unwrap()
            .starts_with("GET http://rt.pvusd.invalid/")
    );

    // NO_PROXY is honoured: the name is looked up directly, and fails.
    let out = run(
        home.path(),
        &["login", "viaenv"],
        &[("HTTP_PROXY", &proxy), ("NO_PROXY", "rt.pvusd.invalid")],
        &format!("{TOKEN}\n"),
    );
    assert!(
        stderr(&out).contains("cannot check the token"),
        "{}",
        stderr(&out)
    );
    assert!(seen.try_recv().is_err(), "NO_PROXY was ignored");
}

/// A stand-in desk: records the first line of every request it is sent and
/// answers each with `response`.
fn recording_desk(response: &'static [u8]) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line.trim().to_string());
            // The rest of the request, up to its blank line.
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header.trim().is_empty() => break,
                    Ok(_) => {}
                }
            }
            let mut stream = stream;
            let _ = stream.write_all(response);
        }
    });
    (url, rx)
}

const ALICE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 79\r\nconnection: close\r\n\r\n{\"id\":\"alice\",\"Name\":\"alice\",\"RealName\":\"Alice\",\"EmailAddress\":\"a@example.org\"}";

fn moved_profile(url: &str) -> String {
    format!(
        "[profiles.moved]\nbackend = \"rt\"\nurl = \"{url}\"\nuser = \"alice\"\ntoken_file = \"moved.token\"\n"
    )
}

#[test]
fn a_stored_token_is_never_sent_to_a_desk_it_was_not_made_for() {
    let home = TempDir::new().unwrap();
    let (desk, desk_saw) = recording_desk(ALICE);
    let (elsewhere, elsewhere_saw) = recording_desk(ALICE);
    write_config(home.path(), &moved_profile(&desk));
    let out = run(
        home.path(),
        &["login", "moved", "--store", "file"],
        &[],
        &format!("{TOKEN}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        desk_saw
            .recv_timeout(std::time::Duration::from_secs(10))
            .is_ok()
    );

    // The profile's url now points at another machine: no request goes
    // there, and the message names the desk and the way back.
    write_config(home.path(), &moved_profile(&elsewhere));
    let out = run(home.path(), &["--profile", "moved", "ls"], &[], "");
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains(&format!(
            "profile `moved` has no credential for rt at {elsewhere}"
        )),
        "{text}"
    );
    assert!(text.contains("deskterm login moved"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(
        elsewhere_saw
            .recv_timeout(std::time::Duration::from_millis(500))
            .is_err(),
        "the token was sent to a desk it was not made for"
    );

    // The desk it was made for still gets it.
    write_config(home.path(), &moved_profile(&desk));
    let _ = run(home.path(), &["--profile", "moved", "ls"], &[], "");
    assert!(
        desk_saw
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap()
            .starts_with("GET /REST/2.0/"),
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_token_kept_before_tokens_were_bound_is_never_sent() {
    use deskterm::credential::{Account, CredentialStore, KernelKeyring};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let profile = format!("legacy-{}-{nanos}", std::process::id());
    let (url, saw) = recording_desk(ALICE);
    let home = TempDir::new().unwrap();
    write_config(
        home.path(),
        &format!("[profiles.{profile}]\nbackend = \"rt\"\nurl = \"{url}\"\nuser = \"alice\"\n"),
    );
    let account = Account {
        profile: profile.clone(),
        user: "alice".into(),
        url: url.clone(),
        backend: "rt".into(),
    };
    // Asking first gives this thread a session keyring; then a token is kept
    // as deskterm kept it before, under the profile's name alone.
    assert_eq!(KernelKeyring.get(&account).unwrap(), None);
    let store: std::sync::Arc<keyring_core::api::CredentialStore> =
        linux_keyutils_keyring_store::Store::new().unwrap();
    keyring_core::Entry::new_in_store(&store, &account.legacy_service(), "alice")
        .unwrap()
        .set_password(TOKEN)
        .unwrap();

    let out = run(home.path(), &["--profile", &profile, "ls"], &[], "");
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains("was kept before tokens were bound to a desk"),
        "{text}"
    );
    assert!(
        text.contains(&format!("`deskterm login {profile}` signs in again")),
        "{text}"
    );
    assert!(
        saw.recv_timeout(std::time::Duration::from_millis(500))
            .is_err(),
        "a token of unknown origin was sent"
    );

    // The user says this is its desk: bound there, with nothing sent, and
    // then used for it (and for no other).
    let out = run(home.path(), &["login", &profile, "--adopt"], &[], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing was sent"),
        "{}",
        stdout(&out)
    );
    assert!(
        saw.recv_timeout(std::time::Duration::from_millis(300))
            .is_err(),
        "adopting sent the token"
    );
    assert_eq!(
        KernelKeyring
            .get(&account)
            .unwrap()
            .map(|s| s.expose().to_string()),
        Some(TOKEN.to_string())
    );
    let out = run(home.path(), &["--profile", &profile, "ls"], &[], "");
    assert!(
        !stderr(&out).contains("was kept before"),
        "{}",
        stderr(&out)
    );
    let out = run(home.path(), &["login", &profile, "--adopt"], &[], "");
    assert!(!out.status.success(), "nothing left to adopt");

    // Logout forgets it too.
    let out = run(home.path(), &["logout", &profile], &[], "");
    assert!(stdout(&out).contains("removed"), "{}", stdout(&out));
    let out = run(home.path(), &["--profile", &profile, "ls"], &[], "");
    assert!(
        !stderr(&out).contains("was kept before"),
        "{}",
        stderr(&out)
    );
}
