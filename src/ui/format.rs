//! Times and durations as a technician reads them.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::sla::{Reading, SlaClock, compact_duration};

/// "now", "45s", "12m", "3h", "5d": how long ago, in a few cells.
pub fn age(now: Timestamp, then: Timestamp) -> String {
    let secs = then.duration_until(now).as_secs().max(0);
    match secs {
        0..=9 => "now".to_string(),
        10..=59 => format!("{secs}s"),
        60..=3_599 => format!("{}m", secs / 60),
        3_600..=86_399 => format!("{}h", secs / 3_600),
        _ => format!("{}d", secs / 86_400),
    }
}

/// A wall-clock instant, as short as is unambiguous from `now`:
/// "13:12" today, "Mon 13:12" this week, "2 Mar 13:12" otherwise.
pub fn wall(at: Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let at_local = at.to_zoned_datetime(tz.clone());
    let now_local = now.to_zoned_datetime(tz.clone());
    let days = at_local
        .date()
        .since(now_local.date())
        .map_or(i64::MAX, |s| i64::from(s.get_days()));
    if days == 0 {
        at_local.strftime("%H:%M").to_string()
    } else if (-6..=6).contains(&days) {
        at_local.strftime("%a %H:%M").to_string()
    } else {
        at_local.strftime("%-d %b %H:%M").to_string()
    }
}

/// "Mon 2 Mar 09:12": a full date for headers and the conversation.
pub fn full(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone())
        .strftime("%a %-d %b %H:%M")
        .to_string()
}

/// The pause mark: narrow in every terminal font, unlike the ⏸ emoji.
pub const PAUSED: &str = "‖";

/// The SLA column: "2h13m", "-45m" when breached, "‖3h00m" when paused.
pub fn sla_cell(clock: Option<&SlaClock>, now: Timestamp) -> String {
    let Some(clock) = clock else {
        return "·".to_string();
    };
    match clock.reading(now) {
        Reading::Running { left } => clock.compact(left),
        Reading::Breached { over } => compact_duration(-over.max(SignedDuration::from_secs(1))),
        Reading::Paused { left } => format!("{PAUSED}{}", clock.compact(left)),
        Reading::Met { .. } => "met".to_string(),
    }
}

/// The ticket view's account of one clock: "1h20m business left · due Mon 09:20".
pub fn sla_sentence(clock: &SlaClock, now: Timestamp, tz: &TimeZone) -> String {
    let counted = if clock.is_business() { " business" } else { "" };
    match clock.reading(now) {
        Reading::Running { left } => format!(
            "{}{counted} left · due {}",
            clock.compact(left),
            wall(clock.due, now, tz)
        ),
        Reading::Breached { over } => format!(
            "breached {} ago · was due {}",
            compact_duration(over),
            wall(clock.due, now, tz)
        ),
        Reading::Paused { left } => format!(
            "{PAUSED} paused (waiting on the requester) · {}{counted} left",
            clock.compact(left)
        ),
        Reading::Met { on_time } => {
            let when = match clock.stage {
                crate::sla::Stage::Met { at } => wall(at, now, tz),
                _ => String::new(),
            };
            let verdict = if on_time { "on time" } else { "late" };
            format!("met {when} ({verdict}; due {})", wall(clock.due, now, tz))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("test instant")
    }

    #[test]
    fn ages_are_short() {
        let now = at("2026-03-02T12:00:00Z");
        assert_eq!(age(now, at("2026-03-02T11:59:55Z")), "now");
        assert_eq!(age(now, at("2026-03-02T11:48:00Z")), "12m");
        assert_eq!(age(now, at("2026-02-27T12:00:00Z")), "3d");
    }

    #[test]
    fn wall_clock_is_as_short_as_unambiguous() {
        let tz = TimeZone::get("America/Los_Angeles").expect("tz");
        // 2026-03-02 is a Monday; 12:00Z is 04:00 in Los Angeles.
        let now = at("2026-03-02T12:00:00Z");
        assert_eq!(wall(at("2026-03-02T21:12:00Z"), now, &tz), "13:12");
        assert_eq!(wall(at("2026-03-04T21:12:00Z"), now, &tz), "Wed 13:12");
        assert_eq!(wall(at("2026-03-20T21:12:00Z"), now, &tz), "20 Mar 14:12");
        assert_eq!(full(at("2026-03-02T17:12:00Z"), &tz), "Mon 2 Mar 09:12");
    }
}
