//! How the demo desk routes and times tickets, like a real desk's automation:
//! keyword and channel rules pick the department, and a policy per priority
//! sets the SLA targets.

use jiff::SignedDuration;

use super::catalog::Dept;
use crate::desk::{Channel, PriorityLevel};
use crate::sla::policy::Targets;

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

/// SLA targets by priority, in calendar time.
pub fn targets(priority: PriorityLevel) -> Targets {
    let (name, first, resolve) = match priority {
        PriorityLevel::Urgent => ("Urgent: 30m / 4h", 30, 4 * 60),
        PriorityLevel::High => ("High: 2h / 1d", 2 * 60, 24 * 60),
        PriorityLevel::Normal => ("Normal: 8h / 3d", 8 * 60, 3 * 24 * 60),
        PriorityLevel::Low => ("Low: 1d / 5d", 24 * 60, 5 * 24 * 60),
    };
    Targets {
        name: name.to_string(),
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
    fn unmatched_social_posts_go_to_communications() {
        assert_eq!(
            route("hello", "great game last night", Channel::Social),
            Dept::Communications
        );
        assert_eq!(route("hello", "question", Channel::Web), Dept::It);
    }
}
