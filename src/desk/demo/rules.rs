//! How the demo desk routes and times tickets, like a real desk's automation:
//! keyword and channel rules pick the department, and a policy per priority
//! sets the SLA targets.

use jiff::SignedDuration;

use super::catalog::Dept;
use crate::desk::{Channel, PriorityLevel};
use crate::sla::compact_duration;
use crate::sla::policy::{self, Targets};

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

/// A department's SLA targets for a priority, in calendar time: a standard
/// table by priority, with each department's own adjustments.
pub fn targets(dept: Dept, priority: PriorityLevel) -> Targets {
    use PriorityLevel::{High, Low, Normal, Urgent};
    let (mut first, mut resolve) = policy::standard_minutes(priority);
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
    Targets {
        name: format!(
            "{} {}: {} / {}",
            dept.name(),
            priority.name(),
            compact_duration(SignedDuration::from_mins(first)),
            compact_duration(SignedDuration::from_mins(resolve))
        ),
        first_response: Some(SignedDuration::from_mins(first)),
        resolution: Some(SignedDuration::from_mins(resolve)),
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
            let t = targets(d, p);
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
            (Some(480), Some(8640))
        );
        assert_eq!(
            targets(Dept::It, PriorityLevel::High).name,
            "IT high: 2h00m / 1d0h"
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
