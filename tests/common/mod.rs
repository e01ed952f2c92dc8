//! Shared by the integration tests: a demo desk with a fixed seed and clock,
//! and the console running headless on it.
#![allow(dead_code, clippy::unwrap_used)]

pub mod fake_http;
pub mod openapi;
pub mod pty;
pub mod zendesk;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use deskterm::layout::Area;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tempfile::TempDir;

use deskterm::clock::Clock;
use deskterm::config::keymap::Keymap;
use deskterm::config::theme::{ColorDepth, ThemeSet};
use deskterm::desk::demo::DemoDesk;
use deskterm::headless::Headless;
use deskterm::sla::Thresholds;
use deskterm::state::{Settings, State};
use deskterm::store::Store;

/// Monday 2 March 2026, 17:30 UTC.
pub const NOW: &str = "2026-03-02T17:30:00Z";
pub const SEED: u64 = 7;
pub const TICKETS: usize = 640;

pub fn now() -> Timestamp {
    NOW.parse().unwrap()
}

pub fn clock() -> Clock {
    Clock::Fixed(now())
}

/// The seeded desk, built once per test binary and copied for each test.
fn template() -> &'static PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = TempDir::new().unwrap().keep();
        let path = dir.join("template.sqlite");
        DemoDesk::create(&path, SEED, TICKETS, clock()).unwrap();
        path
    })
}

/// A fresh copy of the seeded demo desk in its own folder.
pub fn demo_desk() -> (Arc<DemoDesk>, TempDir) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("demo.sqlite");
    std::fs::copy(template(), &path).unwrap();
    let desk = DemoDesk::open(&path, Some(SEED), clock()).unwrap();
    (Arc::new(desk), dir)
}

pub fn settings(theme: &str) -> Settings {
    let themes = ThemeSet::built_in(ColorDepth::TrueColor, false);
    let theme = themes.get(theme).unwrap();
    Settings {
        profile: "demo".into(),
        keymap: Keymap::default(),
        themes,
        theme,
        thresholds: Thresholds::default(),
        refresh_every: 5,
        default_section: None,
        time_zone: TimeZone::UTC,
        page_size: 100,
        // Writes go at once in tests; the undo window has tests of its own.
        undo_seconds: 0,
        commands: Vec::new(),
        mouse: true,
        ascii: false,
        macros: deskterm::config::Config::default().macros(),
        sla: Default::default(),
        notify: Default::default(),
        read_only: None,
        credential: None,
        lacks: Vec::new(),
        delivers: &[deskterm::desk::Channel::Email],
        uploads: Default::default(),
        display: false,
        web_page: None,
        floods: Default::default(),
        sections: Default::default(),
        server_search: true,
        downloads: None,
        profiles: vec!["demo".into()],
    }
}

pub struct Console {
    pub ui: Headless,
    pub desk: Arc<DemoDesk>,
    pub store: Arc<Store>,
    _dir: TempDir,
}

/// The tickets the queue shows, in order.
pub fn visible(console: &Console) -> Vec<&deskterm::desk::TicketSummary> {
    let state = &console.ui.state;
    state
        .queue
        .visible
        .iter()
        .map(|&i| state.row_ticket(i).unwrap())
        .collect()
}

pub async fn console_with(settings: Settings, width: u16, height: u16) -> Console {
    let (desk, dir) = demo_desk();
    let store = Arc::new(Store::open(&dir.path().join("profiles"), "demo").unwrap());
    let state = State::new(settings, now(), Area::new(0, 0, width, height));
    let ui = Headless::start(state, desk.clone(), Some(store.clone()), clock()).await;
    Console {
        ui,
        desk,
        store,
        _dir: dir,
    }
}

/// Let the demo desk's simulator act until a new ticket has arrived.
pub fn a_new_ticket_arrives(desk: &DemoDesk) {
    let mut seed = 1;
    while desk.simulate_once(seed).unwrap() != "new ticket" {
        seed += 1;
    }
}

pub async fn console(width: u16, height: u16) -> Console {
    console_with(settings("dark"), width, height).await
}

/// The binary with a home of its own and no inherited environment.
fn deskterm(home: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_deskterm"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("DESKTERM_NOW", NOW)
        .envs(env.iter().copied());
    command
}

/// The request of the ticket an update asked to load.
pub fn load_ticket_request(effects: &[deskterm::state::Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            deskterm::state::Effect::LoadTicket { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a ticket load")
}

/// The ids of the tickets `ls --format json` printed, sorted; the run must
/// have succeeded.
pub fn listed_ids(out: &std::process::Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sorted_ids(&serde_json::from_slice(&out.stdout).unwrap())
}

/// The `id`s of a JSON array of tickets, sorted.
pub fn sorted_ids(tickets: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = tickets
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// Run the binary with a home of its own and no inherited environment.
pub fn run(
    home: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &str,
) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = deskterm(home, args, env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let written = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    // A program that refuses before reading its input closes the pipe
    // first: that is an answer too, not a failed test.
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("writing to the program's input: {e}");
    }
    child.wait_with_output().unwrap()
}

/// Run the binary as [`run`] does (no stdin), but give up after `limit`:
/// then the child it started is killed, and the answer is none.
pub fn run_within(
    limit: std::time::Duration,
    home: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Option<std::process::Output> {
    use std::process::Stdio;
    let mut child = deskterm(home, args, env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the pipes meanwhile, so a full one cannot stall the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut bytes);
        bytes
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut bytes);
        bytes
    });
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Some(std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    })
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Write `config.toml` in `home`'s config folder; its path.
pub fn write_config(home: &std::path::Path, text: &str) -> PathBuf {
    let path = home.join("config/deskterm/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Every file under `dir`, read as text: for checking a secret is nowhere.
pub fn every_file(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(every_file(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    found
}
