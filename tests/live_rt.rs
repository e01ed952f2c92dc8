//! The conformance suite on a live Request Tracker 5.
//!
//! Ignored in `cargo test`; `.ci/run` starts RT with `scripts/live/rt.sh` and
//! runs these with `--ignored`. Without `DESKTERM_RT_URL` they fail rather
//! than pass for nothing.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod conformance;

use std::sync::Arc;
use std::time::Duration;

use deskterm::config::secret::Secret;
use deskterm::desk::TicketId;
use deskterm::desk::rt::client::Auth;
use deskterm::desk::rt::{RtDesk, RtSettings};

use conformance::Fixture;

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: start RT with scripts/live/rt.sh and source its env")
    })
}

pub fn rt_as(token_var: &str) -> RtDesk {
    RtDesk::new(RtSettings {
        url: env("DESKTERM_RT_URL"),
        user: if token_var == "DESKTERM_RT_TOKEN" {
            "alice"
        } else {
            "bob"
        }
        .into(),
        auth: Auth::Token(Secret::new(env(token_var))),
        timeout: Duration::from_secs(30),
        roles: vec![("school.test".into(), deskterm::desk::RequesterRole::Staff)],
        channel_field: None,
    })
    .unwrap()
}

/// The seeded "Request N" tickets are ids 9 to 22; the suite uses 9 to 16.
async fn rt() -> Fixture {
    Fixture {
        desk: Arc::new(rt_as("DESKTERM_RT_TOKEN")),
        tickets: (9..9 + conformance::SLOTS)
            .map(|n| TicketId(n.to_string()))
            .collect(),
        _keep: Box::new(()),
    }
}

conformance_tests!([#[ignore = "needs a live RT: .ci/run starts one"]] rt);
