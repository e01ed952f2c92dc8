//! SLA calendars and policies from config.toml, checked and built into the
//! engine. Holiday files are read here; the engine itself does no I/O.
//!
//! ```toml
//! [[sla.calendars]]
//! name = "district"
//! time_zone = "America/Los_Angeles"
//! weekdays = ["08:00-12:00", "13:00-17:00"]   # Monday to Friday
//! saturday = ["09:00-12:00"]
//! holidays = ["2026-12-25"]
//! holidays_file = "holidays.ics"
//!
//! [[sla.policies]]
//! name = "Transportation urgent"
//! queues = ["Transportation"]
//! priorities = ["urgent"]
//! calendar = "24x7"
//! first_response = "15m"
//! resolution = "4h"
//! ```

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::profile::RoleName;
use crate::desk::{Channel, PriorityLevel, StatusKind};
use crate::sla::calendar::{self, Calendar, Interval};
use crate::sla::engine::Engine;
use crate::sla::policy::{self, Matcher, Policy};

/// How a breach about to happen is announced in the terminal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Notify {
    #[default]
    Off,
    /// The terminal bell.
    Bell,
    /// OSC 9: iTerm2, Windows Terminal, WezTerm, ConEmu.
    Osc9,
    /// OSC 777: foot, Ghostty, rxvt-unicode, VTE terminals.
    Osc777,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    pub name: String,
    /// An IANA zone such as "America/Los_Angeles"; UTC when left out.
    pub time_zone: Option<String>,
    /// Hours for Monday to Friday, unless a day says otherwise.
    #[serde(default)]
    pub weekdays: Vec<String>,
    pub monday: Option<Vec<String>>,
    pub tuesday: Option<Vec<String>>,
    pub wednesday: Option<Vec<String>>,
    pub thursday: Option<Vec<String>>,
    pub friday: Option<Vec<String>>,
    pub saturday: Option<Vec<String>>,
    pub sunday: Option<Vec<String>>,
    /// Dates such as "2026-12-25".
    #[serde(default)]
    pub holidays: Vec<String>,
    /// An iCalendar file of holidays (relative to the config folder).
    pub holidays_file: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    pub name: String,
    #[serde(default)]
    pub queues: Vec<String>,
    #[serde(default)]
    pub priorities: Vec<String>,
    #[serde(default)]
    pub roles: Vec<RoleName>,
    #[serde(default)]
    pub channels: Vec<String>,
    /// A calendar's name, or "24x7" (the default) for calendar time.
    pub calendar: Option<String>,
    pub first_response: Option<String>,
    pub next_response: Option<String>,
    pub resolution: Option<String>,
    /// Statuses that pause the clocks; ["pending"] when left out.
    pub pause_on: Option<Vec<String>>,
}

fn build_calendar(c: &CalendarConfig, config_dir: &Path) -> Result<Calendar, String> {
    let zone = match &c.time_zone {
        Some(name) => TimeZone::get(name)
            .map_err(|e| format!("calendar `{}`: unknown time zone {name:?} ({e})", c.name))?,
        None => TimeZone::UTC,
    };
    let hours = |list: &[String]| -> Result<Vec<Interval>, String> {
        list.iter()
            .map(|h| calendar::parse_interval(h).map_err(|e| format!("calendar `{}`: {e}", c.name)))
            .collect()
    };
    let weekdays = hours(&c.weekdays)?;
    let days = [
        &c.monday,
        &c.tuesday,
        &c.wednesday,
        &c.thursday,
        &c.friday,
        &c.saturday,
        &c.sunday,
    ];
    let mut week: [Vec<Interval>; 7] = Default::default();
    for (i, day) in days.iter().enumerate() {
        week[i] = match day {
            Some(list) => hours(list)?,
            None if i < 5 => weekdays.clone(),
            None => Vec::new(),
        };
    }
    let mut holidays = BTreeSet::new();
    for text in &c.holidays {
        let date: Date = text.parse().map_err(|_| {
            format!(
                "calendar `{}`: {text:?} is not a date such as 2026-12-25",
                c.name
            )
        })?;
        holidays.insert(date);
    }
    if let Some(file) = &c.holidays_file {
        let path = config_dir.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("calendar `{}`: {}: {e}", c.name, path.display()))?;
        holidays.extend(
            calendar::parse_ics(&text)
                .map_err(|e| format!("calendar `{}`: {}: {e}", c.name, path.display()))?,
        );
    }
    Calendar::new(&c.name, zone, week, holidays)
}

fn build_policy(
    p: &PolicyConfig,
    calendars: &[Arc<Calendar>],
    always: &Arc<Calendar>,
) -> Result<Policy, Vec<String>> {
    // Every mistake in the policy at once, not one per run.
    let mut problems = Vec::new();
    let mut fail = |e: String| problems.push(format!("policy `{}`: {e}", p.name));
    let calendar = match p.calendar.as_deref() {
        None | Some("24x7") => Some(always.clone()),
        Some(name) => {
            let found = calendars.iter().find(|c| c.name == name).cloned();
            if found.is_none() {
                fail(format!("no calendar `{name}` in [[sla.calendars]]"));
            }
            found
        }
    };
    let business = calendar.as_ref().is_some_and(|c| !c.is_always_open());
    let mut target = |t: &Option<String>| match t.as_deref().map(policy::parse_duration) {
        Some(Err(e)) => {
            fail(e);
            None
        }
        // "3d" of business time is 72 working hours, not three working days.
        Some(Ok(_)) if business && t.as_deref().is_some_and(|t| t.contains('d')) => {
            fail(format!(
                "{:?}: on a business calendar give hours (\"24h\" is 24 business hours; a day would be ambiguous)",
                t.as_deref().unwrap_or_default()
            ));
            None
        }
        Some(Ok(d)) => Some(d),
        None => None,
    };
    let first_response = target(&p.first_response);
    let next_response = target(&p.next_response);
    let resolution = target(&p.resolution);
    let mut priorities = Vec::new();
    for name in &p.priorities {
        match PriorityLevel::parse(name) {
            Some(level) => priorities.push(level),
            None => fail(format!("{name:?} is not low, normal, high or urgent")),
        }
    }
    let mut channels = Vec::new();
    for name in &p.channels {
        match Channel::parse(name) {
            Channel::Unknown => fail(format!(
                "{name:?} is not a channel (web, email, phone, sms, chat, social, walk-in)"
            )),
            channel => channels.push(channel),
        }
    }
    let mut pause_on = Vec::new();
    for name in p.pause_on.as_deref().unwrap_or(&["pending".to_string()]) {
        match StatusKind::parse(name) {
            Some(status) => pause_on.push(status),
            None => fail(format!("{name:?} is not a status")),
        }
    }
    let named = [&p.first_response, &p.next_response, &p.resolution];
    if named.iter().all(|t| t.is_none()) {
        fail("sets no target: give first_response, next_response or resolution".into());
    }
    match calendar {
        Some(calendar) if problems.is_empty() => Ok(Policy {
            name: p.name.clone(),
            matcher: Matcher {
                queues: p.queues.iter().map(|q| q.to_lowercase()).collect(),
                priorities,
                roles: p.roles.iter().map(|r| (*r).into()).collect(),
                channels,
            },
            calendar,
            first_response,
            next_response,
            resolution,
            pause_on,
        }),
        _ => Err(problems),
    }
}

/// The engine for `sla`, or every problem found in it.
pub fn engine(sla: &super::SlaConfig, config_dir: &Path) -> Result<Engine, Vec<String>> {
    let mut problems = Vec::new();
    let always = Arc::new(Calendar::always());
    let mut calendars = Vec::new();
    for c in &sla.calendars {
        match build_calendar(c, config_dir) {
            Ok(calendar) => calendars.push(Arc::new(calendar)),
            Err(e) => problems.push(e),
        }
    }
    let mut policies = Vec::new();
    for p in &sla.policies {
        match build_policy(p, &calendars, &always) {
            Ok(policy) => policies.push(policy),
            Err(e) => problems.extend(e),
        }
    }
    if problems.is_empty() {
        Ok(Engine::new(policies))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, parse_toml};

    fn engine_of(text: &str, dir: &Path) -> Result<Engine, Vec<String>> {
        let config: Config = parse_toml(text, Path::new("config.toml")).expect("config");
        engine(&config.sla, dir)
    }

    #[test]
    fn calendars_and_policies_build() {
        let dir = tempfile::TempDir::new().expect("dir");
        std::fs::write(
            dir.path().join("holidays.ics"),
            "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\n",
        )
        .expect("ics");
        let engine = engine_of(
            r#"
[[sla.calendars]]
name = "district"
time_zone = "America/Los_Angeles"
weekdays = ["08:00-12:00", "13:00-17:00"]
saturday = ["09:00-12:00"]
holidays = ["2026-11-26"]
holidays_file = "holidays.ics"

[[sla.policies]]
name = "Urgent safety"
queues = ["Transportation"]
priorities = ["urgent"]
roles = ["parent"]
channels = ["phone", "sms"]
first_response = "15m"
resolution = "4h"

[[sla.policies]]
name = "Everything else"
calendar = "district"
first_response = "4h"
next_response = "4h"
resolution = "24h"
pause_on = ["pending", "new"]
"#,
            dir.path(),
        )
        .expect("engine");
        let policies = engine.policies();
        assert_eq!(policies.len(), 2);
        assert!(policies[0].calendar.is_always_open());
        let district = &policies[1].calendar;
        assert_eq!(district.holidays().len(), 2);
        assert_eq!(
            district.describe(),
            "district (America/Los_Angeles): Mon-Fri 08:00-12:00, 13:00-17:00; Sat 09:00-12:00, 2 holidays"
        );
        assert_eq!(policies[1].pause_on, [StatusKind::Pending, StatusKind::New]);
    }

    #[test]
    fn every_mistake_is_reported() {
        let dir = tempfile::TempDir::new().expect("dir");
        let problems = engine_of(
            r#"
[[sla.calendars]]
name = "bad"
time_zone = "Mars/Olympus"
weekdays = ["08:00-17:00"]

[[sla.calendars]]
name = "hours"
weekdays = ["8-5"]

[[sla.policies]]
name = "p1"
calendar = "nowhere"
first_response = "1h"

[[sla.policies]]
name = "p2"
priorities = ["critical"]
resolution = "soon"

[[sla.policies]]
name = "p3"

[[sla.policies]]
name = "p4"
calendar = "hours2"
resolution = "2d"

[[sla.calendars]]
name = "hours2"
weekdays = ["08:00-17:00"]
"#,
            dir.path(),
        )
        .expect_err("problems");
        // All of them at once, several from one policy.
        let expected = [
            "unknown time zone \"Mars/Olympus\"",
            "is not hours",
            "no calendar `nowhere`",
            "policy `p2`: \"soon\" is not a duration",
            "policy `p2`: \"critical\" is not low, normal, high or urgent",
            "sets no target",
            "policy `p4`: \"2d\": on a business calendar give hours",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (problem, expected) in problems.iter().zip(expected) {
            assert!(problem.contains(expected), "{problem} lacks {expected}");
        }
    }
}
