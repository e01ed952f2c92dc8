//! SLA clocks: pure arithmetic on instants, no I/O.
//!
//! A ticket carries up to three [`SlaClock`]s (first response, next
//! response, resolution). A desk that computes deadlines sends them; the
//! [`engine`] computes the rest from the ticket's history under the first
//! matching [`policy`], counting only the open hours of a business
//! [`calendar`]. [`SlaClock::reading`] projects a clock onto `now`, which is
//! what the console shows and sorts by.

pub mod calendar;
pub mod engine;
pub mod policy;

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::text::SafeText;
use calendar::Calendar;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ClockKind {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl ClockKind {
    pub const ALL: [ClockKind; 3] = [
        ClockKind::FirstResponse,
        ClockKind::NextResponse,
        ClockKind::Resolution,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ClockKind::FirstResponse => "first response",
            ClockKind::NextResponse => "next response",
            ClockKind::Resolution => "resolution",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Active,
    /// Stopped while waiting on the requester; `due` is the deadline had the
    /// clock gone on at `since`, so what was left then is still left.
    Paused {
        since: Timestamp,
    },
    /// Achieved; on time when `at <= due`.
    Met {
        at: Timestamp,
    },
}

/// One deadline. Every held ticket has a few, so a clock is kept in 40
/// bytes, not 80: its instants and allowance as nanoseconds, its stage as a
/// tag beside them. Read it through [`SlaClock::due`], [`SlaClock::target`]
/// and [`SlaClock::stage`]; the cache keeps the plain fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "ClockFields", into = "ClockFields")]
pub struct SlaClock {
    pub kind: ClockKind,
    stage: StageTag,
    due: Nanos,
    /// [`Nanos::NONE`] when not known.
    target: Nanos,
    /// When it was paused or met; nothing while active.
    stage_at: Nanos,
    /// The hours the clock counts; none means every hour (calendar time).
    /// Not kept in the cache: the engine gives it back on load.
    pub calendar: Option<Arc<Calendar>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StageTag {
    Active,
    Paused,
    Met,
}

/// Nanoseconds since the epoch, or of a span: 1678 to 2262 either way,
/// which any deadline is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Nanos(i64);

impl Nanos {
    const NONE: Nanos = Nanos(i64::MIN);

    fn at(t: Timestamp) -> Self {
        Self(
            t.as_nanosecond()
                .clamp(i64::MIN as i128 + 1, i64::MAX as i128) as i64,
        )
    }

    fn span(d: SignedDuration) -> Self {
        Self(d.as_nanos().clamp(i64::MIN as i128 + 1, i64::MAX as i128) as i64)
    }

    /// Read often (every sort by SLA reads every clock): split with `i64`
    /// arithmetic, not the `i128` of [`Timestamp::from_nanosecond`].
    fn instant(self) -> Timestamp {
        const SECOND: i64 = 1_000_000_000;
        let (second, nanos) = (self.0.div_euclid(SECOND), self.0.rem_euclid(SECOND));
        Timestamp::new(second, nanos as i32).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn duration(self) -> SignedDuration {
        SignedDuration::from_nanos(self.0)
    }
}

/// A clock as the cache keeps it.
#[derive(Clone, Serialize, Deserialize)]
struct ClockFields {
    kind: ClockKind,
    due: Timestamp,
    target: Option<SignedDuration>,
    stage: Stage,
}

impl From<ClockFields> for SlaClock {
    fn from(f: ClockFields) -> Self {
        SlaClock::new(f.kind, f.due, f.target, f.stage)
    }
}

impl From<SlaClock> for ClockFields {
    fn from(c: SlaClock) -> Self {
        ClockFields {
            kind: c.kind,
            due: c.due(),
            target: c.target(),
            stage: c.stage(),
        }
    }
}

/// A clock seen from `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    Running { left: SignedDuration },
    Breached { over: SignedDuration },
    Paused { left: SignedDuration },
    Met { on_time: bool },
}

impl SlaClock {
    /// A clock over every hour; the engine gives it a calendar.
    pub fn new(
        kind: ClockKind,
        due: Timestamp,
        target: Option<SignedDuration>,
        stage: Stage,
    ) -> Self {
        let mut clock = SlaClock {
            kind,
            stage: StageTag::Active,
            due: Nanos::at(due),
            target: target.map_or(Nanos::NONE, Nanos::span),
            stage_at: Nanos::NONE,
            calendar: None,
        };
        clock.set_stage(stage);
        clock
    }

    /// The clock counting the hours of `calendar` (every hour if none).
    pub fn counting(mut self, calendar: Option<Arc<Calendar>>) -> Self {
        self.calendar = calendar;
        self
    }

    pub fn due(&self) -> Timestamp {
        self.due.instant()
    }

    /// The whole allowance, when known; a server deadline may come without one.
    pub fn target(&self) -> Option<SignedDuration> {
        (self.target != Nanos::NONE).then(|| self.target.duration())
    }

    pub fn stage(&self) -> Stage {
        match self.stage {
            StageTag::Active => Stage::Active,
            StageTag::Paused => Stage::Paused {
                since: self.stage_at.instant(),
            },
            StageTag::Met => Stage::Met {
                at: self.stage_at.instant(),
            },
        }
    }

    pub fn set_stage(&mut self, stage: Stage) {
        (self.stage, self.stage_at) = match stage {
            Stage::Active => (StageTag::Active, Nanos::NONE),
            Stage::Paused { since } => (StageTag::Paused, Nanos::at(since)),
            Stage::Met { at } => (StageTag::Met, Nanos::at(at)),
        };
    }

    /// Time that counts between two instants: business time under the
    /// clock's calendar, else plain time.
    pub fn counted(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        match &self.calendar {
            Some(calendar) => calendar.between(from, to),
            None => from.duration_until(to),
        }
    }

    /// Whether the clock counts business hours rather than every hour.
    pub fn is_business(&self) -> bool {
        self.calendar.as_ref().is_some_and(|c| !c.is_always_open())
    }

    /// A span of this clock's time, in business hours where it counts them.
    pub fn compact(&self, d: SignedDuration) -> String {
        if self.is_business() {
            compact_business(d)
        } else {
            compact_duration(d)
        }
    }

    pub fn reading(&self, now: Timestamp) -> Reading {
        match self.stage() {
            Stage::Active => {
                if now > self.due() {
                    // Overdue counts every hour: a breach does not sleep at night.
                    Reading::Breached {
                        over: self.due().duration_until(now),
                    }
                } else {
                    Reading::Running {
                        left: self.counted(now, self.due()),
                    }
                }
            }
            Stage::Paused { since } => Reading::Paused {
                left: self.counted(since, self.due()),
            },
            Stage::Met { at } => Reading::Met {
                on_time: at <= self.due(),
            },
        }
    }

    /// How close to breach, for colour and counts.
    pub fn level(&self, now: Timestamp, thresholds: &Thresholds) -> Level {
        match self.reading(now) {
            Reading::Breached { .. } => Level::Breached,
            Reading::Paused { .. } => Level::Paused,
            Reading::Met { .. } => Level::Met,
            Reading::Running { left } => {
                let small_share = self.target().is_some_and(|t| {
                    left.as_secs_f64() < t.as_secs_f64() * thresholds.warn_fraction
                });
                if left < thresholds.alert {
                    Level::Alert
                } else if small_share || left < thresholds.warn_before {
                    Level::Warn
                } else {
                    Level::Ok
                }
            }
        }
    }
}

/// When a running clock turns from calm to warning to alert.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Warn when less than this fraction of the target is left.
    pub warn_fraction: f64,
    /// Alert when less than this is left.
    pub alert: SignedDuration,
    /// Warn when less than this is left, whatever the target (the lead time).
    pub warn_before: SignedDuration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            warn_fraction: 0.25,
            alert: SignedDuration::from_mins(15),
            warn_before: SignedDuration::from_mins(30),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Met,
    Paused,
    Ok,
    Warn,
    Alert,
    Breached,
}

impl Level {
    /// Warned or alerted: counted as "at risk".
    pub fn at_risk(self) -> bool {
        matches!(self, Level::Warn | Level::Alert)
    }
}

/// A ticket's clocks and the policy that set them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlaClocks {
    pub clocks: Vec<SlaClock>,
    pub policy: Option<SafeText>,
    /// When the clocks started, where the desk says (RT's Starts).
    pub starts: Option<Timestamp>,
}

impl SlaClocks {
    /// A desk's own due date as the resolution deadline, met at `finished`
    /// when the ticket is done (the engine adds the response clocks).
    pub fn due_date(due: Timestamp, finished: Option<Timestamp>, policy: &str) -> Self {
        SlaClocks {
            clocks: vec![SlaClock::new(
                ClockKind::Resolution,
                due,
                None,
                finished.map_or(Stage::Active, |at| Stage::Met { at }),
            )],
            policy: Some(SafeText::line(policy)),
            starts: None,
        }
    }

    pub fn get(&self, kind: ClockKind) -> Option<&SlaClock> {
        self.clocks.iter().find(|c| c.kind == kind)
    }

    /// The clock that matters most now: the soonest-due active clock, else the
    /// paused clock with least time left.
    pub fn most_urgent(&self, now: Timestamp) -> Option<&SlaClock> {
        let active = self
            .clocks
            .iter()
            .filter(|c| c.stage() == Stage::Active)
            .min_by_key(|c| c.due());
        active.or_else(|| {
            self.clocks
                .iter()
                .filter(|c| matches!(c.stage(), Stage::Paused { .. }))
                .min_by_key(|c| match c.reading(now) {
                    Reading::Paused { left } => left,
                    _ => SignedDuration::MAX,
                })
        })
    }

    /// Sort key, most urgent first: breached and running by due instant, then
    /// paused by time left, then tickets with no running clock.
    pub fn urgency_key(&self, now: Timestamp) -> (u8, i64) {
        match self.most_urgent(now) {
            Some(clock) => match clock.stage() {
                Stage::Active => (0, clock.due().as_second()),
                Stage::Paused { since } => (1, clock.counted(since, clock.due()).as_secs()),
                Stage::Met { .. } => (2, 0),
            },
            None => (2, 0),
        }
    }

    pub fn level(&self, now: Timestamp, thresholds: &Thresholds) -> Option<Level> {
        self.most_urgent(now).map(|c| c.level(now, thresholds))
    }

    /// The level now, and an instant before which it cannot change unless
    /// the ticket does. Business time never runs faster than the wall
    /// clock, so no threshold is crossed sooner than the smallest gap to
    /// one; breached, paused and met clocks stay as they are.
    pub fn level_until(
        &self,
        now: Timestamp,
        thresholds: &Thresholds,
    ) -> (Option<Level>, Timestamp) {
        let Some(clock) = self.most_urgent(now) else {
            return (None, Timestamp::MAX);
        };
        let level = clock.level(now, thresholds);
        let Reading::Running { left } = clock.reading(now) else {
            return (Some(level), Timestamp::MAX);
        };
        let share = clock
            .target()
            .map(|t| SignedDuration::from_secs_f64(t.as_secs_f64() * thresholds.warn_fraction));
        let gap = [
            Some(SignedDuration::ZERO),
            Some(thresholds.alert),
            Some(thresholds.warn_before),
            share,
        ]
        .into_iter()
        .flatten()
        .map(|threshold| left - threshold)
        .filter(|gap| gap.is_positive())
        .min()
        .unwrap_or(SignedDuration::ZERO);
        (Some(level), now.checked_add(gap).unwrap_or(Timestamp::MAX))
    }
}

/// "2h13m", "45m", "3d4h", "59s": compact, for a narrow column.
/// Business time in hours, never days: "37h" of business time is almost a
/// working week, which "1d13h" would hide.
pub fn compact_business(d: SignedDuration) -> String {
    if d.as_secs().abs() < 86_400 {
        return compact_duration(d);
    }
    let sign = if d.is_negative() { "-" } else { "" };
    format!("{sign}{}h", d.as_secs().abs() / 3_600)
}

pub fn compact_duration(d: SignedDuration) -> String {
    let secs = d.as_secs().abs();
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    let text = if days > 0 {
        format!("{days}d{hours}h")
    } else if hours > 0 {
        format!("{hours}h{mins:02}m")
    } else if mins > 0 {
        format!("{mins}m")
    } else {
        format!("{secs}s")
    };
    if d.is_negative() {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("test instant")
    }

    fn clock(due: &str, stage: Stage) -> SlaClock {
        SlaClock::new(
            ClockKind::Resolution,
            at(due),
            Some(SignedDuration::from_hours(4)),
            stage,
        )
    }

    #[test]
    fn a_clock_is_held_small_and_read_back_as_it_was_made() {
        assert_eq!(std::mem::size_of::<SlaClock>(), 40);
        let since = "2026-03-02T12:00:00.123456789Z"
            .parse()
            .expect("an instant");
        let c = SlaClock::new(
            ClockKind::FirstResponse,
            at("2026-03-02T14:00:00Z"),
            None,
            Stage::Paused { since },
        );
        assert_eq!(c.due(), at("2026-03-02T14:00:00Z"));
        assert_eq!(c.target(), None);
        assert_eq!(c.stage(), Stage::Paused { since });
        let cached = serde_json::to_value(&c).expect("json");
        assert_eq!(cached["due"], "2026-03-02T14:00:00Z", "{cached}");
        let back: SlaClock = serde_json::from_value(cached).expect("a clock");
        assert_eq!(back, c);
    }

    #[test]
    fn readings_follow_the_stage() {
        let now = at("2026-03-02T12:00:00Z");
        let running = clock("2026-03-02T14:00:00Z", Stage::Active);
        assert_eq!(
            running.reading(now),
            Reading::Running {
                left: SignedDuration::from_hours(2)
            }
        );
        let late = clock("2026-03-02T11:15:00Z", Stage::Active);
        assert_eq!(
            late.reading(now),
            Reading::Breached {
                over: SignedDuration::from_mins(45)
            }
        );
        let paused = clock(
            "2026-03-02T13:00:00Z",
            Stage::Paused {
                since: at("2026-03-02T10:00:00Z"),
            },
        );
        assert_eq!(
            paused.reading(now),
            Reading::Paused {
                left: SignedDuration::from_hours(3)
            }
        );
    }

    #[test]
    fn levels_use_the_thresholds() {
        let now = at("2026-03-02T12:00:00Z");
        let t = Thresholds::default();
        assert_eq!(
            clock("2026-03-02T15:00:00Z", Stage::Active).level(now, &t),
            Level::Ok
        );
        // 50 minutes of 4 hours left: under 25%.
        assert_eq!(
            clock("2026-03-02T12:50:00Z", Stage::Active).level(now, &t),
            Level::Warn
        );
        assert_eq!(
            clock("2026-03-02T12:10:00Z", Stage::Active).level(now, &t),
            Level::Alert
        );
        assert_eq!(
            clock("2026-03-02T11:59:00Z", Stage::Active).level(now, &t),
            Level::Breached
        );
    }

    #[test]
    fn compact_durations() {
        assert_eq!(compact_duration(SignedDuration::from_mins(133)), "2h13m");
        assert_eq!(compact_duration(SignedDuration::from_mins(-45)), "-45m");
        assert_eq!(compact_duration(SignedDuration::from_hours(76)), "3d4h");
        assert_eq!(compact_duration(SignedDuration::from_secs(59)), "59s");
        // Business time stays in hours: a "day" of it is three working days.
        assert_eq!(compact_business(SignedDuration::from_hours(40)), "40h");
        assert_eq!(compact_business(SignedDuration::from_mins(-1530)), "-25h");
        assert_eq!(compact_business(SignedDuration::from_mins(133)), "2h13m");
    }
}
