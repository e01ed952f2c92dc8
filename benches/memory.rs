//! Where the memory of 100,000 held tickets goes: resident memory grown by
//! the summaries alone, by the ticket set that holds them (search text and
//! index besides), and by the dashboard's running totals. Not a timing:
//! prints megabytes.
//!
//! `cargo bench --bench memory`

mod common;

use deskterm::dashboard::Tally;
use deskterm::state::tickets::TicketSet;

/// Resident memory of this process, in KB.
fn resident() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS")
}

fn main() {
    use std::mem::size_of;
    println!(
        "sizes: summary {} B, held {} B, clocks {} B, a clock {} B",
        size_of::<deskterm::desk::TicketSummary>(),
        size_of::<deskterm::state::tickets::Held>(),
        size_of::<deskterm::sla::SlaClocks>(),
        size_of::<deskterm::sla::SlaClock>(),
    );
    // Read back from JSON, as from the cache: nothing shared with the desk's copies.
    let json: Vec<String> = common::desk_tickets()
        .iter()
        .map(|t| serde_json::to_string(t).expect("json"))
        .collect();
    let fresh = || -> Vec<deskterm::desk::TicketSummary> {
        json.iter()
            .map(|text| serde_json::from_str(text).expect("ticket"))
            .collect()
    };
    let mut before = resident();
    let mut report = |what: &str| {
        let now = resident();
        println!("{what}: {} MB", (now - before) / 1024);
        before = now;
    };
    let copies = fresh();
    report(&format!("{} ticket summaries, as read", copies.len()));
    let mut set = TicketSet::default();
    set.make_room(copies.len());
    let mut pool = deskterm::text::Pool::default();
    for mut t in fresh() {
        // As the console holds them: repeated texts kept once.
        t.share(&mut pool);
        set.upsert(t);
    }
    report("as the console holds them (texts shared, search text, index)");
    let mut tally = Tally::new(jiff::tz::TimeZone::UTC);
    tally.make_room(copies.len());
    for (n, t) in copies.iter().enumerate() {
        tally.put(n as u32, t);
    }
    report("the dashboard's running totals over them");
    drop((copies, set, tally));
}
