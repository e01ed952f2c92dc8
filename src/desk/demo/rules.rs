//! How the demo desk routes and times tickets, like a real desk's automation:
//! keyword and channel rules pick the department, and a policy per
//! department and priority sets the SLA targets, on the district's business
//! calendar.

use jiff::SignedDuration;

use super::catalog::Dept;
use crate::desk::{Channel, PriorityLevel};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use crate::desk::StatusKind;
use crate::sla::calendar::{Calendar, Interval};
use crate::sla::policy::{Matcher, Policy};
use crate::sla::{compact_business, compact_duration};

/// First match wins; subjects are tried before bodies.
const KEYWORDS: &[(&str, Dept)] = &[
    ("lunch", Dept::FoodServices),
    ("meal", Dept::FoodServices),
    ("allergy", Dept::FoodServices),
    ("menu", Dept::FoodServices),
    ("freezer", Dept::FoodServices),
    ("kitchen", Dept::FoodServices),
    ("paycheck", Dept::Hr),
    ("payroll", Dept::Hr),
    ("benefits", Dept::Hr),
    ("substitute", Dept::Hr),
    ("job", Dept::Hr),
    ("leave request", Dept::Hr),
    ("bus", Dept::Transportation),
    ("field trip", Dept::Transportation),
    ("projector", Dept::It),
    ("chromebook", Dept::It),
    ("password", Dept::It),
    ("locked out", Dept::It),
    ("wi-fi", Dept::It),
    ("printer", Dept::It),
    ("log in", Dept::It),
    ("portal", Dept::It),
    ("software", Dept::It),
    ("heat", Dept::Facilities),
    ("leak", Dept::Facilities),
    ("lock", Dept::Facilities),
    ("lights", Dept::Facilities),
    ("custodial", Dept::Facilities),
    ("spill", Dept::Facilities),
    ("social post", Dept::Communications),
    ("press", Dept::Communications),
    ("notification", Dept::Communications),
    ("website", Dept::Communications),
    ("newsletter", Dept::Communications),
];

/// The department a new ticket goes to.
pub fn route(subject: &str, body: &str, channel: Channel) -> Dept {
    let by_keyword = |text: &str| {
        let text = text.to_lowercase();
        KEYWORDS
            .iter()
            .find(|(word, _)| text.contains(word))
            .map(|(_, dept)| *dept)
    };
    by_keyword(subject)
        .or_else(|| by_keyword(body))
        .unwrap_or(match channel {
            // Communications watches the district's social accounts.
            Channel::Social => Dept::Communications,
            _ => Dept::It,
        })
}

/// The district office's hours: weekdays 07:00-17:00 in Pine Valley, less
/// the school holidays of 2026 and 2027.
pub fn district_calendar() -> Arc<Calendar> {
    static CALENDAR: OnceLock<Arc<Calendar>> = OnceLock::new();
    CALENDAR
        .get_or_init(|| {
            let hours = vec![Interval {
                start: Time::constant(7, 0, 0, 0),
                end: Time::constant(17, 0, 0, 0),
            }];
            let week = std::array::from_fn(|day| if day < 5 { hours.clone() } else { Vec::new() });
            let holidays: BTreeSet<Date> = HOLIDAYS
                .iter()
                .filter_map(|(y, m, d)| Date::new(*y, *m, *d).ok())
                .collect();
            // Without the zone database the district keeps UTC hours rather than failing.
            let zone = TimeZone::get("America/Los_Angeles").unwrap_or(TimeZone::UTC);
            Calendar::new("district", zone, week, holidays)
                .map(Arc::new)
                .unwrap_or_else(|_| Arc::new(Calendar::always()))
        })
        .clone()
}

/// Urgent tickets count every hour.
pub fn around_the_clock() -> Arc<Calendar> {
    static ALWAYS: OnceLock<Arc<Calendar>> = OnceLock::new();
    ALWAYS.get_or_init(|| Arc::new(Calendar::always())).clone()
}

/// The calendar a stored clock was computed on, by name.
pub fn calendar_named(name: &str) -> Arc<Calendar> {
    if name == "district" {
        district_calendar()
    } else {
        around_the_clock()
    }
}

const HOLIDAYS: &[(i16, i8, i8)] = &[
    (2026, 1, 1),
    (2026, 1, 19),
    (2026, 2, 16),
    (2026, 3, 30),
    (2026, 3, 31),
    (2026, 4, 1),
    (2026, 4, 2),
    (2026, 4, 3),
    (2026, 5, 25),
    (2026, 7, 3),
    (2026, 9, 7),
    (2026, 11, 11),
    (2026, 11, 26),
    (2026, 11, 27),
    (2026, 12, 24),
    (2026, 12, 25),
    (2026, 12, 31),
    (2027, 1, 1),
    (2027, 1, 18),
    (2027, 2, 15),
];

/// A department's SLA policy for a priority, in business hours (urgent
/// tickets around the clock): a standard table by priority, with each
/// department's own adjustments.
pub fn policy(dept: Dept, priority: PriorityLevel) -> Policy {
    use PriorityLevel::{High, Low, Normal, Urgent};
    let (mut first, mut resolve) = match priority {
        Urgent => (30, 4 * 60),
        High => (2 * 60, 8 * 60),
        Normal => (4 * 60, 24 * 60),
        Low => (8 * 60, 40 * 60),
    };
    match (dept, priority) {
        // A child's safety and a kitchen's food cannot wait.
        (Dept::Transportation | Dept::FoodServices, Urgent) => first = 15,
        (Dept::Transportation, High) => first = 60,
        // Public posts spread fast.
        (Dept::Communications, Urgent | High) => first /= 2,
        // Payroll corrections follow the pay cycle.
        (Dept::Hr, Normal | Low) => resolve *= 2,
        // Repairs need parts and contractors.
        (Dept::Facilities, Urgent) => resolve = 8 * 60,
        _ => {}
    }
    let calendar = if priority == Urgent {
        around_the_clock()
    } else {
        district_calendar()
    };
    let (show, hours): (fn(SignedDuration) -> String, _) = if priority == Urgent {
        (compact_duration, "")
    } else {
        (compact_business, " business")
    };
    Policy {
        name: format!(
            "{} {}: {} / {}{hours}",
            dept.name(),
            priority.name(),
            show(SignedDuration::from_mins(first)),
            show(SignedDuration::from_mins(resolve))
        ),
        matcher: Matcher::default(),
        calendar,
        first_response: Some(SignedDuration::from_mins(first)),
        next_response: Some(SignedDuration::from_mins(first)),
        resolution: Some(SignedDuration::from_mins(resolve)),
        pause_on: vec![StatusKind::Pending],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::demo::catalog::SCENARIOS;

    #[test]
    fn every_scenario_routes_to_its_own_department() {
        for s in SCENARIOS {
            assert_eq!(
                route(s.subject, s.opening, Channel::Email),
                s.dept,
                "{}",
                s.subject
            );
        }
    }

    #[test]
    fn departments_adjust_the_standard_targets() {
        let minutes = |d: Dept, p| {
            let t = policy(d, p);
            (
                t.first_response.map(|d| d.as_mins()),
                t.resolution.map(|d| d.as_mins()),
            )
        };
        assert_eq!(
            minutes(Dept::It, PriorityLevel::Urgent),
            (Some(30), Some(240))
        );
        assert_eq!(
            minutes(Dept::Transportation, PriorityLevel::Urgent),
            (Some(15), Some(240))
        );
        assert_eq!(
            minutes(Dept::Hr, PriorityLevel::Normal),
            (Some(240), Some(2880))
        );
        assert_eq!(
            policy(Dept::It, PriorityLevel::High).name,
            "IT high: 2h00m / 8h00m business"
        );
        assert!(
            policy(Dept::It, PriorityLevel::Urgent)
                .calendar
                .is_always_open()
        );
        assert!(
            !policy(Dept::It, PriorityLevel::Low)
                .calendar
                .is_always_open()
        );
    }

    #[test]
    fn unmatched_social_posts_go_to_communications() {
        assert_eq!(
            route("hello", "great game last night", Channel::Social),
            Dept::Communications
        );
        assert_eq!(route("hello", "question", Channel::Web), Dept::It);
    }
}
