//! Start-up of the real binary in a pseudo-terminal: the time from exec to
//! the first frame that shows tickets, (a) from the cache of a desk that
//! cannot be reached, holding 100,000 tickets, and (b) on a fresh demo desk
//! that is built first. Also the resident memory of the console holding
//! 100,000 tickets. Budget in DESIGN.md: the first frame from the cache
//! under 50 ms.
//!
//! `cargo bench --bench startup`; `DESKTERM_BENCH_SCALE=1000000 cargo bench
//! --bench startup -- full_cache` for a cache of a million.

mod common;

use std::path::Path;
use std::time::Duration;

use common::pty::start;
use divan::Bencher;
use tempfile::TempDir;

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

/// A prepared home (see [`prepare`]), made by a child process; removed
/// when dropped.
fn cached_home(tickets: usize) -> TempDir {
    let home = tempfile::tempdir().expect("home");
    let status = std::process::Command::new(std::env::current_exe().expect("this bench"))
        .env("DESKTERM_BENCH_PREPARE", home.path())
        .env("DESKTERM_BENCH_TICKETS", tickets.to_string())
        .status()
        .expect("prepare");
    assert!(status.success());
    home
}

/// Exec to the first frame with tickets, from a cache of 100,000 tickets.
#[divan::bench(sample_count = 10)]
fn first_frame_from_a_full_cache(bencher: Bencher) {
    let home = cached_home(common::tickets());
    let home = home.path();
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
        let run = start(home.path(), &[], &[("DESKTERM_TOKEN", "not-used")]);
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
/// read from /proc once the first frame is up and the whole cache is held
/// (resident memory has stopped growing for two seconds).
#[divan::bench(sample_count = 3)]
fn resident_memory_holding_a_full_cache(bencher: Bencher) {
    let home = cached_home(common::tickets());
    let home = home.path();
    bencher.bench_local(|| {
        let run = start(home, &[], &[("DESKTERM_TOKEN", "not-used")]).first_ticket();
        let kb = settled_resident_kb(run.pid());
        eprintln!(
            "resident memory holding {} cached tickets: {} MB",
            common::tickets(),
            kb / 1024
        );
        kb
    });
}

/// A process's resident memory once it has stopped growing.
fn settled_resident_kb(pid: u32) -> u64 {
    let resident = || -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .expect("status")
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("VmRSS")
    };
    let (mut last, mut still) = (resident(), 0);
    for _ in 0..240 {
        std::thread::sleep(Duration::from_millis(250));
        let now = resident();
        still = if now > last { 0 } else { still + 1 };
        last = last.max(now);
        if still >= 8 {
            break;
        }
    }
    last
}
