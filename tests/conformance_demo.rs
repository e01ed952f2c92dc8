//! The conformance suite on the demo desk.
#![allow(clippy::unwrap_used)]

mod common;
#[macro_use]
mod conformance;

use deskterm::desk::{PageRequest, Query};

use conformance::Fixture;

async fn demo() -> Fixture {
    let (desk, dir) = common::demo_desk();
    let active =
        deskterm::desk::Desk::search(desk.as_ref(), &Query::active(), PageRequest::first(100))
            .await
            .unwrap();
    let tickets = active
        .items
        .iter()
        .take(conformance::SLOTS)
        .map(|t| t.id.clone())
        .collect();
    Fixture {
        desk,
        tickets,
        _keep: Box::new(dir),
    }
}

conformance_tests!([] demo);
