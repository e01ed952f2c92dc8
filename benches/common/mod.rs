//! Shared by the benchmarks: the tests' settings and instant, and a
//! generated demo desk of 100,000 tickets.
#![allow(dead_code)]

#[path = "../../tests/common/mod.rs"]
mod tests_common;

use std::sync::OnceLock;

use jiff::Timestamp;

use deskterm::clock::Clock;
use deskterm::desk::demo::DemoDesk;
use deskterm::desk::{Desk, PageRequest, Query, TicketSummary};
use deskterm::state::Settings;

/// How many tickets the benchmarks hold: 100,000, or what
/// `DESKTERM_BENCH_SCALE` says (`DESKTERM_BENCH_SCALE=1000000` for the
/// million-ticket budgets).
pub fn tickets() -> usize {
    std::env::var("DESKTERM_BENCH_SCALE")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// Monday 2 March 2026, 17:30 UTC.
pub fn now() -> Timestamp {
    tests_common::now()
}

/// The tests' settings: the dark theme, UTC, no undo window.
pub fn settings() -> Settings {
    tests_common::settings("dark")
}

/// A generated demo desk of 100,000 tickets (seed 7): built once per
/// benchmark binary, in a few seconds, and kept for its whole run.
pub fn desk() -> &'static DemoDesk {
    static DESK: OnceLock<(tempfile::TempDir, DemoDesk)> = OnceLock::new();
    let (_, desk) = DESK.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let desk = DemoDesk::create(
            &dir.path().join("demo.sqlite"),
            7,
            tickets(),
            Clock::Fixed(now()),
        )
        .expect("demo desk");
        (dir, desk)
    });
    desk
}

/// Every ticket of [`desk`], as it lists them (all statuses).
pub fn desk_tickets() -> &'static [TicketSummary] {
    static TICKETS_HELD: OnceLock<Vec<TicketSummary>> = OnceLock::new();
    TICKETS_HELD.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let mut tickets = Vec::new();
        let mut page = PageRequest::first(10_000);
        loop {
            let found = runtime
                .block_on(desk().search(&Query::default(), page))
                .expect("page");
            tickets.extend(found.items);
            if !found.more {
                break;
            }
            page = page.next();
        }
        tickets
    })
}

pub mod delay;
pub mod pty;
