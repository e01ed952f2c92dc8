//! Deriving clocks from a ticket's history when the desk has no deadlines.
//!
//! Targets are in calendar time; time spent in a pausing status (pending:
//! waiting on the requester) does not count, as in Zammad and RT's
//! `ExcludeTimeOnIgnoredStatuses`. Only a public agent reply satisfies the
//! first-response clock.

use jiff::{SignedDuration, Timestamp};

use super::{ClockKind, SlaClock, SlaClocks, Stage};
use crate::desk::{PriorityLevel, StatusKind};
use crate::text::SafeText;

#[derive(Clone, Debug, PartialEq)]
pub struct Targets {
    pub name: String,
    pub first_response: Option<SignedDuration>,
    pub resolution: Option<SignedDuration>,
}

/// The standard targets by priority, used where a desk sets none:
/// urgent 30m / 4h, high 2h / 1d, normal 8h / 3d, low 1d / 5d (first
/// response / resolution, calendar time).
pub fn standard(priority: PriorityLevel) -> Targets {
    let (first, resolve) = standard_minutes(priority);
    Targets {
        name: format!("standard {}", priority.name()),
        first_response: Some(SignedDuration::from_mins(first)),
        resolution: Some(SignedDuration::from_mins(resolve)),
    }
}

/// First response and resolution minutes of [`standard`].
pub fn standard_minutes(priority: PriorityLevel) -> (i64, i64) {
    match priority {
        PriorityLevel::Urgent => (30, 4 * 60),
        PriorityLevel::High => (2 * 60, 24 * 60),
        PriorityLevel::Normal => (8 * 60, 3 * 24 * 60),
        PriorityLevel::Low => (24 * 60, 5 * 24 * 60),
    }
}

/// What the clocks are computed from.
#[derive(Clone, Debug)]
pub struct History<'a> {
    pub created: Timestamp,
    /// The first public reply by an agent.
    pub first_agent_reply: Option<Timestamp>,
    /// Status changes in time order; the ticket was `New` at `created` before the first.
    pub statuses: &'a [(Timestamp, StatusKind)],
}

fn pauses(kind: StatusKind) -> bool {
    kind == StatusKind::Pending
}

fn stops(kind: StatusKind) -> bool {
    matches!(kind, StatusKind::Resolved | StatusKind::Closed)
}

/// Intervals spent in a pausing status; the last may still be open.
fn paused_intervals(history: &History<'_>) -> Vec<(Timestamp, Option<Timestamp>)> {
    let mut out = Vec::new();
    let mut paused_since: Option<Timestamp> = None;
    for &(at, status) in history.statuses {
        match (paused_since, pauses(status)) {
            (None, true) => paused_since = Some(at),
            (Some(since), false) => {
                out.push((since, Some(at)));
                paused_since = None;
            }
            _ => {}
        }
    }
    if let Some(since) = paused_since {
        out.push((since, None));
    }
    out
}

/// The instant at which `target` of unpaused time has passed since `start`,
/// and, when a pause is still open, the instant it began.
fn deadline(
    start: Timestamp,
    target: SignedDuration,
    paused: &[(Timestamp, Option<Timestamp>)],
) -> (Timestamp, Option<Timestamp>) {
    let mut cursor = start;
    let mut remaining = target;
    for &(from, until) in paused {
        if from >= cursor + remaining {
            break;
        }
        if from > cursor {
            remaining -= cursor.duration_until(from);
        }
        match until {
            Some(until) => cursor = cursor.max(until),
            None => return (from.max(cursor) + remaining, Some(from.max(cursor))),
        }
    }
    (cursor + remaining, None)
}

/// The ticket's clocks under `targets`.
pub fn clocks(targets: &Targets, history: &History<'_>) -> SlaClocks {
    let paused = paused_intervals(history);
    let mut clocks = Vec::new();

    if let Some(target) = targets.first_response {
        let (due, paused_since) = deadline(history.created, target, &paused);
        let stage = match (history.first_agent_reply, paused_since) {
            (Some(at), _) => Stage::Met { at },
            (None, Some(since)) => Stage::Paused { since },
            (None, None) => Stage::Active,
        };
        clocks.push(SlaClock {
            kind: ClockKind::FirstResponse,
            due,
            target: Some(target),
            stage,
        });
    }

    if let Some(target) = targets.resolution {
        let (due, paused_since) = deadline(history.created, target, &paused);
        let last = history.statuses.last();
        let stage = match (last, paused_since) {
            (Some(&(at, status)), _) if stops(status) => Stage::Met { at },
            (_, Some(since)) => Stage::Paused { since },
            _ => Stage::Active,
        };
        clocks.push(SlaClock {
            kind: ClockKind::Resolution,
            due,
            target: Some(target),
            stage,
        });
    }

    SlaClocks {
        clocks,
        policy: Some(SafeText::line(&targets.name)),
        starts: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("test instant")
    }

    fn targets() -> Targets {
        Targets {
            name: "test".into(),
            first_response: Some(SignedDuration::from_hours(1)),
            resolution: Some(SignedDuration::from_hours(4)),
        }
    }

    #[test]
    fn no_pauses_means_created_plus_target() {
        let h = History {
            created: at("2026-03-02T09:00:00Z"),
            first_agent_reply: None,
            statuses: &[],
        };
        let c = clocks(&targets(), &h);
        assert_eq!(
            c.get(ClockKind::FirstResponse).map(|c| c.due),
            Some(at("2026-03-02T10:00:00Z"))
        );
        assert_eq!(
            c.get(ClockKind::Resolution).map(|c| (c.due, c.stage)),
            Some((at("2026-03-02T13:00:00Z"), Stage::Active))
        );
    }

    #[test]
    fn pending_time_moves_the_deadline_later() {
        // Two hours in pending push a 4-hour resolution from 13:00 to 15:00.
        let statuses = [
            (at("2026-03-02T09:30:00Z"), StatusKind::Open),
            (at("2026-03-02T10:00:00Z"), StatusKind::Pending),
            (at("2026-03-02T12:00:00Z"), StatusKind::Open),
        ];
        let h = History {
            created: at("2026-03-02T09:00:00Z"),
            first_agent_reply: Some(at("2026-03-02T09:30:00Z")),
            statuses: &statuses,
        };
        let c = clocks(&targets(), &h);
        let resolution = c.get(ClockKind::Resolution).expect("clock");
        assert_eq!(resolution.due, at("2026-03-02T15:00:00Z"));
        assert_eq!(resolution.stage, Stage::Active);
        assert_eq!(
            c.get(ClockKind::FirstResponse).map(|c| c.stage),
            Some(Stage::Met {
                at: at("2026-03-02T09:30:00Z")
            })
        );
    }

    #[test]
    fn a_pause_after_the_deadline_changes_nothing() {
        let statuses = [(at("2026-03-02T14:00:00Z"), StatusKind::Pending)];
        let h = History {
            created: at("2026-03-02T09:00:00Z"),
            first_agent_reply: None,
            statuses: &statuses,
        };
        let c = clocks(&targets(), &h);
        let resolution = c.get(ClockKind::Resolution).expect("clock");
        assert_eq!(resolution.due, at("2026-03-02T13:00:00Z"));
    }

    #[test]
    fn an_open_pause_freezes_the_clock() {
        let statuses = [(at("2026-03-02T10:00:00Z"), StatusKind::Pending)];
        let h = History {
            created: at("2026-03-02T09:00:00Z"),
            first_agent_reply: Some(at("2026-03-02T09:10:00Z")),
            statuses: &statuses,
        };
        let c = clocks(&targets(), &h);
        let resolution = c.get(ClockKind::Resolution).expect("clock");
        assert_eq!(
            resolution.stage,
            Stage::Paused {
                since: at("2026-03-02T10:00:00Z")
            }
        );
        // Three hours were left when it paused, whatever the time is now.
        assert_eq!(
            resolution.reading(at("2026-03-09T00:00:00Z")),
            super::super::Reading::Paused {
                left: SignedDuration::from_hours(3)
            }
        );
    }

    #[test]
    fn resolving_meets_the_resolution_clock() {
        let statuses = [(at("2026-03-02T11:00:00Z"), StatusKind::Resolved)];
        let h = History {
            created: at("2026-03-02T09:00:00Z"),
            first_agent_reply: Some(at("2026-03-02T09:10:00Z")),
            statuses: &statuses,
        };
        let c = clocks(&targets(), &h);
        assert_eq!(
            c.get(ClockKind::Resolution).map(|c| c.stage),
            Some(Stage::Met {
                at: at("2026-03-02T11:00:00Z")
            })
        );
    }
}
