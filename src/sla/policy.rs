//! SLA policies: which tickets they apply to, on which calendar, with which
//! targets, and which statuses pause them. The first policy that matches a
//! ticket applies, as in Zendesk; a built-in standard policy catches the rest.

use std::sync::Arc;

use jiff::SignedDuration;

use super::calendar::Calendar;
use crate::desk::{Channel, PriorityLevel, RequesterRole, StatusKind, TicketSummary};

/// Which tickets a policy is for; an empty list matches anything.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matcher {
    /// Queue names or ids, lower-cased.
    pub queues: Vec<String>,
    pub priorities: Vec<PriorityLevel>,
    pub roles: Vec<RequesterRole>,
    pub channels: Vec<Channel>,
}

impl Matcher {
    pub fn matches(&self, t: &TicketSummary) -> bool {
        let queue_ok = self.queues.is_empty()
            || self.queues.iter().any(|q| {
                q.eq_ignore_ascii_case(&t.queue.name) || q.eq_ignore_ascii_case(&t.queue.id.0)
            });
        queue_ok
            && (self.priorities.is_empty() || self.priorities.contains(&t.priority.level))
            && (self.roles.is_empty() || self.roles.contains(&t.requester.role))
            && (self.channels.is_empty() || self.channels.contains(&t.channel))
    }

    /// "queue IT · priority urgent, high", or "every ticket".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.queues.is_empty() {
            parts.push(format!("queue {}", self.queues.join(", ")));
        }
        let names = |items: Vec<&str>| items.join(", ");
        if !self.priorities.is_empty() {
            parts.push(format!(
                "priority {}",
                names(self.priorities.iter().map(|p| p.name()).collect())
            ));
        }
        if !self.roles.is_empty() {
            parts.push(format!(
                "requester {}",
                names(self.roles.iter().map(|r| r.name()).collect())
            ));
        }
        if !self.channels.is_empty() {
            parts.push(format!(
                "channel {}",
                names(self.channels.iter().map(|c| c.name()).collect())
            ));
        }
        if parts.is_empty() {
            "every ticket".to_string()
        } else {
            parts.join(" · ")
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub name: String,
    pub matcher: Matcher,
    /// The hours targets count in; 24x7 for calendar time.
    pub calendar: Arc<Calendar>,
    pub first_response: Option<SignedDuration>,
    /// From the oldest requester message an agent has not answered.
    pub next_response: Option<SignedDuration>,
    pub resolution: Option<SignedDuration>,
    /// Statuses in which the clocks stop (waiting on the requester).
    pub pause_on: Vec<StatusKind>,
}

/// First response and resolution minutes of the standard policy:
/// urgent 30m / 4h, high 2h / 1d, normal 8h / 3d, low 1d / 5d.
pub fn standard_minutes(priority: PriorityLevel) -> (i64, i64) {
    match priority {
        PriorityLevel::Urgent => (30, 4 * 60),
        PriorityLevel::High => (2 * 60, 24 * 60),
        PriorityLevel::Normal => (8 * 60, 3 * 24 * 60),
        PriorityLevel::Low => (24 * 60, 5 * 24 * 60),
    }
}

/// The standard policy for a priority: calendar time, paused while pending.
pub fn standard(priority: PriorityLevel, always: &Arc<Calendar>) -> Policy {
    let (first, resolve) = standard_minutes(priority);
    Policy {
        name: format!("standard {}", priority.name()),
        matcher: Matcher {
            priorities: vec![priority],
            ..Matcher::default()
        },
        calendar: always.clone(),
        first_response: Some(SignedDuration::from_mins(first)),
        next_response: Some(SignedDuration::from_mins(first)),
        resolution: Some(SignedDuration::from_mins(resolve)),
        pause_on: vec![StatusKind::Pending],
    }
}

/// "30m", "4h", "1h30m", "2d" (a day is 24 counted hours), or plain minutes.
pub fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let bad = || format!("{text:?} is not a duration such as \"30m\", \"4h\", \"1h30m\" or \"2d\"");
    let text = text.trim();
    if let Ok(minutes) = text.parse::<i64>() {
        return Ok(SignedDuration::from_mins(minutes));
    }
    let mut total = 0i64;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'd' | 'h' | 'm' => {
                let n: i64 = number.parse().map_err(|_| bad())?;
                total += n * match c {
                    'd' => 24 * 60,
                    'h' => 60,
                    _ => 1,
                };
                number.clear();
            }
            ' ' => {}
            _ => return Err(bad()),
        }
    }
    if !number.is_empty() || total <= 0 {
        return Err(bad());
    }
    Ok(SignedDuration::from_mins(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_people_write_them() {
        let m = SignedDuration::from_mins;
        assert_eq!(parse_duration("30m"), Ok(m(30)));
        assert_eq!(parse_duration("4h"), Ok(m(240)));
        assert_eq!(parse_duration("1h30m"), Ok(m(90)));
        assert_eq!(parse_duration("2d"), Ok(m(2880)));
        assert_eq!(parse_duration("45"), Ok(m(45)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("4").is_ok());
        assert!(parse_duration("0m").is_err());
        assert!(parse_duration("3x").is_err());
    }
}
