//! Start-up of the real binary in a pseudo-terminal: the time from exec to
//! the first frame that shows tickets, (a) from the cache of a desk that
//! cannot be reached, holding 100,000 tickets, and (b) on a fresh demo desk
//! that is built first. Also the resident memory of the console holding
//! 100,000 tickets. Budget in DESIGN.md: the first frame from the cache
//! under 50 ms.
//!
//! `cargo bench --bench startup`

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use divan::Bencher;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use deskterm::desk::{Status, StatusKind};
use deskterm::store::Store;

fn main() {
    // The cache is written by a child of this process, so that the process
    // that starts deskterm stays small: forking a process that holds
    // 100,000 tickets copies its page tables, and that would be measured.
    if let (Ok(home), Ok(n)) = (
        std::env::var("DESKTERM_BENCH_PREPARE"),
        std::env::var("DESKTERM_BENCH_TICKETS"),
    ) {
        prepare(Path::new(&home), n.parse().expect("a number"));
        return;
    }
    divan::main();
}

const BIN: &str = env!("CARGO_BIN_EXE_deskterm");

/// A running deskterm, and when its screen first showed a ticket.
struct Run {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    shown: mpsc::Receiver<Duration>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

/// Whether a screen shows a row of the ticket table: a line with a `#42` key.
fn shows_a_ticket(screen: &str) -> bool {
    screen.lines().skip(2).any(|line| {
        line.split_whitespace().any(|w| {
            w.len() > 1 && w.starts_with('#') && w[1..].bytes().all(|b| b.is_ascii_digit())
        })
    })
}

/// Start deskterm in an 80x24 pty; a reader thread parses every byte and
/// reports the moment the screen first shows a ticket.
fn start(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(args);
    cmd.env_clear();
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("DESKTERM_NOW", "2026-03-02T17:30:00Z");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let began = Instant::now();
    let child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let (tx, shown) = mpsc::channel();
    std::thread::spawn(move || {
        let mut parser = vt100::Parser::new(
            std::num::NonZeroU16::new(24).expect("rows"),
            std::num::NonZeroU16::new(80).expect("cols"),
            0,
        );
        let mut buf = [0u8; 65536];
        let mut told = false;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            if !told && shows_a_ticket(&parser.screen().contents()) {
                let _ = tx.send(began.elapsed());
                told = true;
            }
        }
    });
    Run {
        child,
        shown,
        _master: pty.master,
    }
}

impl Run {
    /// Wait for the first ticket on screen. The run is handed back so that
    /// divan drops it (killing deskterm) after the sample is timed.
    fn first_ticket(self) -> Self {
        self.shown
            .recv_timeout(Duration::from_secs(60))
            .expect("a ticket on screen within a minute");
        self
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A home whose default profile is a desk that cannot be reached (nothing
/// listens on port 9), with `tickets` tickets in that profile's cache.
fn prepare(home: &Path, tickets: usize) {
    let config = home.join("config/deskterm");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("config.toml"),
        "default_profile = \"district\"\n[profiles.district]\nbackend = \"rt\"\n\
         url = \"http://127.0.0.1:9\"\nuser = \"alice\"\n",
    )
    .expect("config");
    let store = Store::open(&home.join("data/deskterm/profiles"), "district").expect("store");
    let tickets: Vec<_> = common::desk_tickets()
        .iter()
        .take(tickets)
        .cloned()
        .map(|mut t| {
            if !t.status.kind.is_active() {
                t.status = Status::new(StatusKind::Open);
            }
            t
        })
        .collect();
    store.cache_tickets(&tickets, common::now()).expect("cache");
}

/// A prepared home (see [`prepare`]), made by a child process.
fn cached_home(tickets: usize) -> PathBuf {
    let home = tempfile::tempdir().expect("home").keep();
    let status = std::process::Command::new(std::env::current_exe().expect("this bench"))
        .env("DESKTERM_BENCH_PREPARE", &home)
        .env("DESKTERM_BENCH_TICKETS", tickets.to_string())
        .status()
        .expect("prepare");
    assert!(status.success());
    home
}

/// Exec to the first frame with tickets, from a cache of 100,000 tickets.
#[divan::bench(sample_count = 10)]
fn first_frame_from_a_cache_of_100_000(bencher: Bencher) {
    let home = cached_home(common::TICKETS);
    let home = home.as_path();
    bencher.bench_local(|| {
        let run = start(home, &[], &[("DESKTERM_TOKEN", "not-used")]);
        run.first_ticket()
    });
}

/// The same with only 300 tickets cached: what start-up costs before the
/// cache's size matters.
#[divan::bench(sample_count = 10)]
fn first_frame_from_a_cache_of_300(bencher: Bencher) {
    let home = cached_home(300);
    bencher.bench_local(|| {
        let run = start(&home, &[], &[("DESKTERM_TOKEN", "not-used")]);
        run.first_ticket()
    });
}

/// Exec to the first frame with tickets on a fresh demo desk, built first.
#[divan::bench(sample_count = 10)]
fn first_frame_on_a_fresh_demo_desk(bencher: Bencher) {
    let home = tempfile::tempdir().expect("home");
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        let db = home.path().join(format!("demo-{n}.sqlite"));
        let run = start(
            home.path(),
            &[
                "--demo-db",
                db.to_str().expect("path"),
                "--new-ticket-every",
                "0",
            ],
            &[],
        );
        run.first_ticket()
    });
}

/// Resident memory of the console holding 100,000 tickets from the cache,
/// read from /proc once the first frame is up and the cache is loaded.
#[divan::bench(sample_count = 3)]
fn resident_memory_with_100_000_tickets(bencher: Bencher) {
    let home = cached_home(common::TICKETS);
    let home = home.as_path();
    bencher.bench_local(|| {
        let run = start(home, &[], &[("DESKTERM_TOKEN", "not-used")]).first_ticket();
        std::thread::sleep(Duration::from_secs(2));
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", run.pid())).expect("status");
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("VmRSS");
        eprintln!(
            "resident memory with 100,000 cached tickets: {} MB",
            kb / 1024
        );
        kb
    });
}
