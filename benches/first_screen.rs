//! The live first screen: from exec to the first ticket row in an 80x24
//! pseudo-terminal, on a live Request Tracker holding 1,000+ tickets, cold
//! (no cache) and warm (the cache of an earlier run), directly and through
//! a proxy adding 150 ms each way (300 ms a round trip); beside it RT's own
//! `rt ls` of 100 tickets, both ways. Budgets (issue 24): cold within three
//! round trips plus RT's own time for one page; warm under 50 ms whatever
//! the network.
//!
//! ```sh
//! scripts/live/rt.sh start /tmp/rt > /tmp/rt.env && scripts/live/rt.sh bulk /tmp/rt 1000
//! set -a; . /tmp/rt.env; set +a; cargo bench --bench first_screen
//! ```
//!
//! Without a live RT (`DESKTERM_RT_URL` unset) it says so and measures nothing.

mod common;

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::delay::DelayProxy;
use common::pty::start;
use divan::Bencher;

const EACH_WAY: Duration = Duration::from_millis(150);

fn main() {
    if std::env::var("DESKTERM_RT_URL").is_err() {
        eprintln!("first_screen: no live RT (DESKTERM_RT_URL is unset); nothing measured");
        return;
    }
    divan::main();
}

fn rt_url() -> String {
    std::env::var("DESKTERM_RT_URL").expect("DESKTERM_RT_URL")
}

/// The RT's address, and the same RT through the delay proxy.
fn delayed_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let url = rt_url();
        let rest = url.strip_prefix("http://").expect("a plain http:// RT");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let upstream: SocketAddr = host
            .to_socket_addrs()
            .expect("the RT's address")
            .next()
            .expect("one address");
        let proxy = DelayProxy::start(upstream, EACH_WAY);
        format!("http://{}/{path}", proxy.addr)
            .trim_end_matches('/')
            .to_string()
    })
}

/// A home whose default profile is the live RT at `url`; its cache empty.
/// Removed when dropped.
fn home_for(url: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config/deskterm");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("config.toml"),
        format!(
            "default_profile = \"district\"\n[profiles.district]\nbackend = \"rt\"\n\
             url = \"{url}\"\nuser = \"alice\"\n"
        ),
    )
    .expect("config");
    home
}

fn token() -> String {
    std::env::var("DESKTERM_RT_TOKEN").expect("DESKTERM_RT_TOKEN")
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Exec to the first ticket row with nothing cached: a home of its own
/// for every run.
fn cold(bencher: Bencher, url: &str) {
    let (token, now) = (token(), now());
    bencher
        .with_inputs(|| home_for(url))
        // By reference: each home is removed after its run, untimed.
        .bench_local_refs(|home| {
            let env = [("DESKTERM_TOKEN", token.as_str()), ("DESKTERM_NOW", &now)];
            start(home.path(), &[], &env).first_ticket()
        });
}

/// Exec to the first ticket row with the cache of an earlier run.
fn warm(bencher: Bencher, url: &str) {
    let (token, now) = (token(), now());
    let env = [("DESKTERM_TOKEN", token.as_str()), ("DESKTERM_NOW", &now)];
    let home = home_for(url);
    // The first run fills the cache: the first page is stored before it is shown.
    drop(start(home.path(), &[], &env).first_ticket());
    bencher.bench_local(|| start(home.path(), &[], &env).first_ticket());
}

#[divan::bench(sample_count = 10)]
fn cold_direct(bencher: Bencher) {
    cold(bencher, &rt_url());
}

#[divan::bench(sample_count = 10)]
fn cold_through_300ms_round_trips(bencher: Bencher) {
    cold(bencher, delayed_url());
}

#[divan::bench(sample_count = 10)]
fn warm_direct(bencher: Bencher) {
    warm(bencher, &rt_url());
}

#[divan::bench(sample_count = 10)]
fn warm_through_300ms_round_trips(bencher: Bencher) {
    warm(bencher, delayed_url());
}

/// `rt ls` of the Backlog queue's newest 100 tickets (Debian's rt5-clients).
fn rt_ls(bencher: Bencher, url: &str) {
    let home = tempfile::tempdir().expect("home");
    let rt = |query: &str| {
        let out = Command::new("rt")
            .args(["ls", "-s", query])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("RTSERVER", url)
            .env("RTUSER", "alice")
            .env("RTPASSWD", "password-alice")
            .output()
            .expect("rt (Debian's rt5-clients)");
        assert!(out.status.success(), "rt ls: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut ids: Vec<u64> = rt("Queue = 'Backlog'")
        .lines()
        .filter_map(|l| l.split(':').next()?.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    assert!(
        ids.len() >= 100,
        "the Backlog queue holds 1,000 tickets (rt.sh bulk)"
    );
    let above = ids[ids.len() - 101];
    let query = format!("Queue = 'Backlog' AND id > {above}");
    bencher.bench_local(|| {
        let listed = rt(&query);
        assert_eq!(listed.lines().count(), 100, "{listed}");
    });
}

#[divan::bench(sample_count = 10)]
fn rt_ls_100_direct(bencher: Bencher) {
    rt_ls(bencher, &rt_url());
}

#[divan::bench(sample_count = 10)]
fn rt_ls_100_through_300ms_round_trips(bencher: Bencher) {
    rt_ls(bencher, delayed_url());
}
