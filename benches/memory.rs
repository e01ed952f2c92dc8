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
    let tickets = common::desk_tickets();
    let mut before = resident();
    let mut report = |what: &str| {
        let now = resident();
        println!("{what}: {} MB", (now - before) / 1024);
        before = now;
    };
    let copies = tickets.to_vec();
    report(&format!("{} ticket summaries", copies.len()));
    let mut set = TicketSet::default();
    let mut pool = deskterm::text::Pool::default();
    for t in tickets {
        // As the console holds them: repeated texts kept once.
        let mut t = t.clone();
        t.share(&mut pool);
        set.upsert(t);
    }
    report("the ticket set holding copies of them, repeated texts shared");
    let mut tally = Tally::new(jiff::tz::TimeZone::UTC);
    for t in tickets {
        tally.put(t);
    }
    report("the dashboard's running totals over them");
    drop((copies, set, tally));
}
