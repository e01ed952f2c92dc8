//! Times and durations as a technician reads them: the same words on
//! screen, in the state's messages and from the command line.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::desk::{Attachment, Requester, RequesterRole};
use crate::sla::{Reading, SlaClock, compact_duration};
use crate::text::width::{cells, truncate, wrap};

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

/// "[attachment] lease-scan.pdf (application/pdf, 14.3 MB)": a file listed
/// with a message; its contents are not part of the conversation.
pub fn attachment(a: &Attachment) -> String {
    format!(
        "[attachment] {} ({}, {})",
        a.name,
        a.mime,
        crate::desk::message::size_text(a.size)
    )
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
            wall(clock.due(), now, tz)
        ),
        Reading::Breached { over } => format!(
            "breached {} ago · was due {}",
            compact_duration(over),
            wall(clock.due(), now, tz)
        ),
        Reading::Paused { left } => format!(
            "{PAUSED} paused (waiting on the requester) · {}{counted} left",
            clock.compact(left)
        ),
        Reading::Met { on_time } => {
            let when = match clock.stage() {
                crate::sla::Stage::Met { at } => wall(at, now, tz),
                _ => String::new(),
            };
            let verdict = if on_time { "on time" } else { "late" };
            format!("met {when} ({verdict}; due {})", wall(clock.due(), now, tz))
        }
    }
}

/// Who wrote in: "Maria Lopez <maria@pvusd.org>", or the email alone when
/// the desk knows no other name (django-helpdesk and RT give the email as
/// the name then).
pub fn requester_who(r: &Requester) -> String {
    let (name, email) = (r.name.as_str().trim(), r.email.as_str().trim());
    if name.is_empty() || name.to_lowercase() == email.to_lowercase() {
        email.to_string()
    } else if email.is_empty() {
        name.to_string()
    } else {
        format!("{name} <{email}>")
    }
}

/// What else is known of them: the role unless unknown, the school.
pub fn requester_details(r: &Requester) -> Vec<String> {
    let role = (r.role != RequesterRole::Unknown).then(|| r.role.name().to_string());
    role.into_iter()
        .chain(r.organisation.as_ref().map(|o| o.to_string()))
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// The requester in at most `max_lines` lines of `width` cells:
/// "Maria Lopez <maria@pvusd.org> · parent · Roosevelt Elementary", broken
/// between the parts where it can ("· Roosevelt Elementary" goes on), inside
/// them when a part is wider than a line, and cut with `…` only when it
/// still does not fit.
pub fn requester_lines(r: &Requester, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(1);
    let parts: Vec<String> = std::iter::once(requester_who(r))
        .chain(requester_details(r))
        .filter(|p| !p.is_empty())
        .collect();
    let mut lines: Vec<String> = Vec::new();
    for part in &parts {
        match lines.last_mut() {
            Some(line) if cells(line) + 3 + cells(part) <= width => {
                line.push_str(" · ");
                line.push_str(part);
            }
            Some(_) => lines.push(format!("· {part}")),
            None => lines.push(part.clone()),
        }
    }
    if lines.iter().any(|l| cells(l) > width) {
        lines = wrap(&parts.join(" · "), width);
    }
    // The phone where there is room for it, never a line of its own: the
    // conversation needs the rows more (`show` has it always).
    if let (Some(phone), Some(last)) = (&r.phone, lines.last_mut()) {
        let phone = format!(" · tel. {phone}");
        if cells(last) + cells(&phone) <= width {
            last.push_str(&phone);
        }
    }
    at_most(lines, max_lines, width)
}

/// At most `max` of these lines, each at most `width` cells; what does not
/// fit joins the last line, which is then cut with `…`.
pub fn at_most(mut lines: Vec<String>, max: usize, width: usize) -> Vec<String> {
    let max = max.max(1);
    if lines.len() > max {
        let rest = lines[max - 1..].join(" ");
        lines.truncate(max - 1);
        lines.push(rest);
    }
    lines.into_iter().map(|l| truncate(&l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requester(name: &str, email: &str, role: RequesterRole, school: Option<&str>) -> Requester {
        Requester {
            name: name.into(),
            email: email.into(),
            role,
            organisation: school.map(Into::into),
            phone: None,
        }
    }

    #[test]
    fn a_requester_known_by_email_alone_is_named_once() {
        let r = requester(
            "J.Doe@District.org",
            "j.doe@district.org",
            RequesterRole::Unknown,
            None,
        );
        assert_eq!(requester_lines(&r, 70, 2), ["j.doe@district.org"]);
        let r = requester("", "j.doe@district.org", RequesterRole::Parent, None);
        assert_eq!(requester_lines(&r, 70, 2), ["j.doe@district.org · parent"]);
        let r = requester(
            "Ana Ruiz",
            "ana@pvusd.org",
            RequesterRole::Staff,
            Some("Oak High"),
        );
        assert_eq!(
            requester_lines(&r, 70, 2),
            ["Ana Ruiz <ana@pvusd.org> · staff · Oak High"]
        );
    }

    #[test]
    fn a_long_requester_wraps_between_its_parts_then_is_cut() {
        let r = requester(
            "Zara Rodriguez",
            "zara.rodriguez33@pvusd.org",
            RequesterRole::Staff,
            Some("Maple Grove Elementary"),
        );
        assert_eq!(
            requester_lines(&r, 70, 2),
            [
                "Zara Rodriguez <zara.rodriguez33@pvusd.org> · staff",
                "· Maple Grove Elementary"
            ]
        );
        let lines = requester_lines(&r, 20, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(lines.iter().all(|l| cells(l) <= 20), "{lines:?}");
    }

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
