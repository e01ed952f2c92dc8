//! The dashboard's figures on a demo desk of 100,000 tickets: everything
//! open plus everything finished in the last 30 days, as the console holds
//! them. The console keeps running totals, so what a change costs is one
//! ticket put into the tally and the figures read out; the count from
//! scratch is what `deskterm report` and a first load pay.
//!
//! `cargo bench --bench dashboard`

use std::collections::HashMap;

use divan::Bencher;
use jiff::tz::TimeZone;

use deskterm::dashboard::{self, Slipping, Tally, report};
use deskterm::desk::TicketSummary;
use deskterm::sla::Thresholds;
use deskterm::sla::engine::Engine;

mod common;
use common::now;

fn main() {
    divan::main();
}

/// The held tickets: open, and finished in the last 30 days.
fn held() -> &'static [TicketSummary] {
    static HELD: std::sync::OnceLock<Vec<TicketSummary>> = std::sync::OnceLock::new();
    HELD.get_or_init(|| {
        let since = now() - jiff::SignedDuration::from_hours(dashboard::HISTORY_DAYS * 24);
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let tickets = runtime
            .block_on(report::gather(common::desk(), &Engine::default(), since))
            .expect("tickets");
        eprintln!(
            "{} tickets held (open and finished in 30 days)",
            tickets.len()
        );
        tickets
    })
}

/// Every figure on the dashboard, counted from every held ticket.
#[divan::bench(sample_count = 20)]
fn from_scratch() -> dashboard::Dashboard {
    dashboard::compute(held(), now(), &TimeZone::UTC, &Thresholds::default())
}

/// What the console pays when a ticket changes: the ticket into the
/// running tally, then every figure read out of it.
#[divan::bench(sample_count = 100)]
fn one_change_then_the_figures(bencher: Bencher) {
    let tickets = held();
    let thresholds = Thresholds::default();
    let mut tally = Tally::new(TimeZone::UTC);
    let mut slipping = Slipping::default();
    let mut by_number = HashMap::new();
    for (n, t) in tickets.iter().enumerate() {
        tally.put(n as u32, t);
        if t.status.kind.is_active() {
            slipping.count(t, t.sla.level(now(), &thresholds));
            by_number.insert(n as u32, t);
        }
    }
    let (number, changed) = tickets
        .iter()
        .enumerate()
        .find(|(_, t)| t.status.kind.is_active())
        .expect("an open ticket");
    let (number, mut changed) = (number as u32, changed.clone());
    let mut n = 0;
    bencher.bench_local(|| {
        // A new first response each time, so every put changes something.
        n += 1;
        changed.first_response_at = Some(now() - jiff::SignedDuration::from_mins(n % 60));
        tally.put(number, &changed);
        tally.figures(now(), &slipping, |n| by_number.get(&n).copied())
    });
}

/// `deskterm report --by department` over the same tickets.
#[divan::bench(sample_count = 20)]
fn report_rows_by_department() -> Vec<report::Row> {
    let since = now() - jiff::SignedDuration::from_hours(7 * 24);
    report::rows(
        held(),
        report::By::Department,
        since,
        now(),
        &Thresholds::default(),
    )
}
