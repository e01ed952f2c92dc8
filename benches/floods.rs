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
    for (n, t) in rest.iter().enumerate() {
        grouped.add(n as u32, t);
    }
    // Each a new ticket, numbered after all the others.
    let mut n = rest.len() as u32;
    bencher
        .with_inputs(|| {
            n += 1;
            n
        })
        .bench_local_values(|n| grouped.add(n, last));
}

/// Listing the floods among the held tickets (once a second at most).
#[divan::bench(sample_count = 20)]
fn the_floods_listed(bencher: Bencher) {
    let tickets = common::desk_tickets();
    let mut grouped = Floods::new(Thresholds::default());
    for (n, t) in tickets.iter().enumerate() {
        grouped.add(n as u32, t);
    }
    bencher.bench_local(|| {
        grouped
            .floods(|n| tickets.get(n as usize).map(|t| &t.id))
            .len()
    });
}
