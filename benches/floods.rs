//! Floods on a demo desk of 100,000 tickets: what one arrival costs the
//! grouping (its words, the tickets within the window that share one, and
//! the unions), with every other ticket already grouped. Budget: under
//! 1 ms an arrival (issue "Your own views …").
//!
//! `cargo bench --bench floods`

use divan::Bencher;

use deskterm::floods::{Floods, Thresholds};

mod common;

fn main() {
    divan::main();
}

/// One arrival into a grouping that holds all the others.
#[divan::bench(sample_count = 200)]
fn one_arrival_with_100000_held(bencher: Bencher) {
    let all = common::desk_tickets();
    let (last, rest) = all.split_last().expect("tickets");
    let mut grouped = Floods::new(Thresholds::default());
    for t in rest {
        grouped.add(t);
    }
    let mut n = 0u64;
    bencher
        .with_inputs(|| {
            n += 1;
            let mut t = last.clone();
            t.id = deskterm::desk::TicketId(format!("arrival-{n}").into());
            t
        })
        .bench_local_refs(|t| grouped.add(t));
}

/// Listing the floods among the held tickets (once a second at most).
#[divan::bench(sample_count = 20)]
fn the_floods_listed(bencher: Bencher) {
    let mut grouped = Floods::new(Thresholds::default());
    for t in common::desk_tickets() {
        grouped.add(t);
    }
    bencher.bench_local(|| grouped.floods(|_| true).len());
}
