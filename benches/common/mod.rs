//! Shared by the benchmarks: the console's settings, a fixed instant, and a
//! generated demo desk of 100,000 tickets.
#![allow(dead_code)]

use std::sync::OnceLock;

use jiff::Timestamp;

use deskterm::clock::Clock;
use deskterm::config::keymap::Keymap;
use deskterm::config::theme::{ColorDepth, ThemeSet};
use deskterm::desk::demo::DemoDesk;
use deskterm::desk::{Desk, PageRequest, Query, TicketSummary};
use deskterm::sla::Thresholds;
use deskterm::state::Settings;

pub const TICKETS: usize = 100_000;

/// Monday 2 March 2026, 17:30 UTC.
pub fn now() -> Timestamp {
    "2026-03-02T17:30:00Z".parse().expect("instant")
}

/// The default settings, the dark theme, UTC.
pub fn settings() -> Settings {
    let themes = ThemeSet::built_in(ColorDepth::TrueColor, false);
    let theme = themes.get("dark").expect("theme");
    Settings {
        profile: "demo".into(),
        keymap: Keymap::default(),
        themes,
        theme,
        thresholds: Thresholds::default(),
        refresh_every: 5,
        default_section: None,
        time_zone: jiff::tz::TimeZone::UTC,
        page_size: 500,
        undo_seconds: 0,
        macros: Vec::new(),
        sla: Default::default(),
        notify: Default::default(),
        read_only: None,
        credential: None,
        profiles: Vec::new(),
    }
}

/// Every ticket of a generated 100,000-ticket demo desk, as the desk lists
/// them (all statuses): built once per benchmark binary, in a few seconds.
pub fn desk_tickets() -> &'static [TicketSummary] {
    static TICKETS_HELD: OnceLock<Vec<TicketSummary>> = OnceLock::new();
    TICKETS_HELD.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let desk = DemoDesk::create(
            &dir.path().join("demo.sqlite"),
            7,
            TICKETS,
            Clock::Fixed(now()),
        )
        .expect("demo desk");
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let mut tickets = Vec::new();
        let mut page = PageRequest::first(10_000);
        loop {
            let found = runtime
                .block_on(desk.search(&Query::default(), page))
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
