//! Business calendars: a time zone, weekly hours (several intervals a day),
//! and holidays. Arithmetic walks the local days, so DST changes and
//! holidays fall out of jiff's zone rules rather than special cases.

use std::collections::BTreeSet;
use std::fmt;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// Never search further ahead than this for open hours.
const MAX_DAYS: i32 = 3 * 366;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    pub start: Time,
    pub end: Time,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Calendar {
    pub name: String,
    pub time_zone: TimeZone,
    /// Open intervals per weekday, Monday first; `None` for the 24x7 calendar.
    week: Option<[Vec<Interval>; 7]>,
    holidays: BTreeSet<Date>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("name", &self.name)
            .finish()
    }
}

fn weekday_index(day: Weekday) -> usize {
    day.to_monday_zero_offset() as usize
}

impl Calendar {
    /// Always open: targets count calendar time.
    pub fn always() -> Self {
        Self {
            name: "24x7".to_string(),
            time_zone: TimeZone::UTC,
            week: None,
            holidays: BTreeSet::new(),
        }
    }

    /// `week[0]` is Monday. Intervals must not overlap within a day.
    pub fn new(
        name: &str,
        time_zone: TimeZone,
        week: [Vec<Interval>; 7],
        holidays: BTreeSet<Date>,
    ) -> Result<Self, String> {
        for (i, day) in week.iter().enumerate() {
            let mut sorted = day.clone();
            sorted.sort_by_key(|iv| iv.start);
            for iv in &sorted {
                if iv.end <= iv.start {
                    return Err(format!(
                        "calendar `{name}`: {}-{} on {} ends before it starts",
                        iv.start.strftime("%H:%M"),
                        iv.end.strftime("%H:%M"),
                        day_name(i)
                    ));
                }
            }
            if sorted.windows(2).any(|w| w[1].start < w[0].end) {
                return Err(format!(
                    "calendar `{name}`: hours on {} overlap",
                    day_name(i)
                ));
            }
        }
        if week.iter().all(Vec::is_empty) {
            return Err(format!("calendar `{name}` has no business hours at all"));
        }
        let week = week.map(|mut day| {
            day.sort_by_key(|iv| iv.start);
            day
        });
        Ok(Self {
            name: name.to_string(),
            time_zone,
            week: Some(week),
            holidays,
        })
    }

    pub fn is_always_open(&self) -> bool {
        self.week.is_none()
    }

    pub fn holidays(&self) -> &BTreeSet<Date> {
        &self.holidays
    }

    /// The open intervals of one local date, as instants.
    fn open_on(&self, date: Date) -> Vec<(Timestamp, Timestamp)> {
        let Some(week) = &self.week else {
            return Vec::new();
        };
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        week[weekday_index(date.weekday())]
            .iter()
            .filter_map(|iv| {
                // Times that do not exist (a spring-forward gap) move forward.
                let start = date
                    .to_datetime(iv.start)
                    .to_zoned_datetime(self.time_zone.clone())
                    .ok()?;
                let end = date
                    .to_datetime(iv.end)
                    .to_zoned_datetime(self.time_zone.clone())
                    .ok()?;
                let (start, end) = (start.timestamp(), end.timestamp());
                (end > start).then_some((start, end))
            })
            .collect()
    }

    fn local_date(&self, at: Timestamp) -> Date {
        at.to_zoned_datetime(self.time_zone.clone()).date()
    }

    /// Open intervals that end after `from`, in order, clipped to start at `from`.
    fn intervals_from(&self, from: Timestamp) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        let first = self.local_date(from);
        (0..MAX_DAYS)
            .filter_map(move |n| first.checked_add(jiff::Span::new().days(n)).ok())
            .flat_map(move |date| self.open_on(date))
            .filter(move |(_, end)| *end > from)
            .map(move |(start, end)| (start.max(from), end))
    }

    /// Business time between two instants (negative when `b` is before `a`).
    pub fn between(&self, a: Timestamp, b: Timestamp) -> SignedDuration {
        if b < a {
            return -self.between(b, a);
        }
        if self.is_always_open() {
            return a.duration_until(b);
        }
        let mut total = SignedDuration::ZERO;
        for (start, end) in self.intervals_from(a) {
            if start >= b {
                break;
            }
            total += start.duration_until(end.min(b));
        }
        total
    }

    /// The instant at which `amount` of business time has passed after
    /// `start`, skipping the `closed` intervals (pauses) as well.
    pub fn add(
        &self,
        start: Timestamp,
        amount: SignedDuration,
        closed: &[(Timestamp, Timestamp)],
    ) -> Timestamp {
        let mut left = amount.max(SignedDuration::ZERO);
        let open: Box<dyn Iterator<Item = (Timestamp, Timestamp)>> = if self.is_always_open() {
            Box::new(std::iter::once((start, Timestamp::MAX)))
        } else {
            Box::new(self.intervals_from(start))
        };
        for (open_start, open_end) in open {
            // The open interval minus the pauses.
            let mut cursor = open_start;
            for &(pause_start, pause_end) in closed {
                if pause_end <= cursor || pause_start >= open_end {
                    continue;
                }
                if pause_start > cursor {
                    let span = cursor.duration_until(pause_start);
                    if span >= left {
                        return cursor + left;
                    }
                    left -= span;
                }
                cursor = cursor.max(pause_end);
                if cursor >= open_end {
                    break;
                }
            }
            if cursor < open_end {
                let span = cursor.duration_until(open_end);
                if span >= left {
                    return cursor + left;
                }
                left -= span;
            }
        }
        Timestamp::MAX
    }

    /// "district (America/Los_Angeles): Mon-Fri 08:00-17:00, 3 holidays", or "24x7".
    pub fn describe(&self) -> String {
        let Some(week) = &self.week else {
            return "24x7 (every hour counts)".to_string();
        };
        let hours = |day: &Vec<Interval>| -> String {
            day.iter()
                .map(|iv| {
                    format!(
                        "{}-{}",
                        iv.start.strftime("%H:%M"),
                        iv.end.strftime("%H:%M")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        // Runs of days with the same hours: "Mon-Fri 08:00-17:00".
        let short = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            let mut j = i;
            while j + 1 < 7 && week[j + 1] == week[i] {
                j += 1;
            }
            if !week[i].is_empty() {
                let days = if i == j {
                    short[i].to_string()
                } else {
                    format!("{}-{}", short[i], short[j])
                };
                parts.push(format!("{days} {}", hours(&week[i])));
            }
            i = j + 1;
        }
        let zone = self.time_zone.iana_name().unwrap_or("UTC");
        let holidays = match self.holidays.len() {
            0 => String::new(),
            1 => ", 1 holiday".to_string(),
            n => format!(", {n} holidays"),
        };
        format!("{} ({zone}): {}{holidays}", self.name, parts.join("; "))
    }

    /// Whether the calendar is open at `at`.
    pub fn is_open(&self, at: Timestamp) -> bool {
        self.is_always_open()
            || self
                .open_on(self.local_date(at))
                .iter()
                .any(|(s, e)| *s <= at && at < *e)
    }
}

pub fn day_name(index: usize) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][index % 7]
}

/// "08:00-17:00".
pub fn parse_interval(text: &str) -> Result<Interval, String> {
    let bad = || format!("{text:?} is not hours such as \"08:00-17:00\"");
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let time = |t: &str| -> Result<Time, String> {
        let t = t.trim();
        if t == "24:00" {
            return Ok(Time::MAX);
        }
        let (h, m) = t.split_once(':').ok_or_else(bad)?;
        let h: i8 = h.parse().map_err(|_| bad())?;
        let m: i8 = m.parse().map_err(|_| bad())?;
        Time::new(h, m, 0, 0).map_err(|_| bad())
    };
    Ok(Interval {
        start: time(a)?,
        end: time(b)?,
    })
}

/// Holiday dates from an iCalendar file: each VEVENT's DTSTART (a date), up
/// to but not including its DTEND. Recurrence rules are not expanded.
pub fn parse_ics(text: &str) -> Result<BTreeSet<Date>, String> {
    // Unfold continuation lines first.
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let raw = raw.trim_end_matches('\r');
        if let Some(rest) = raw.strip_prefix(' ').or_else(|| raw.strip_prefix('\t')) {
            if let Some(last) = lines.last_mut() {
                last.push_str(rest);
            }
        } else {
            lines.push(raw.to_string());
        }
    }
    let date_of = |line: &str| -> Option<Date> {
        let value = line.rsplit(':').next()?.trim();
        let digits: String = value.chars().take(8).collect();
        Date::strptime("%Y%m%d", &digits).ok()
    };
    let mut dates = BTreeSet::new();
    let mut start: Option<Date> = None;
    let mut end: Option<Date> = None;
    for line in &lines {
        let upper = line.to_ascii_uppercase();
        if upper == "BEGIN:VEVENT" {
            start = None;
            end = None;
        } else if upper.starts_with("DTSTART") {
            start = date_of(line);
        } else if upper.starts_with("DTEND") {
            end = date_of(line);
        } else if upper == "END:VEVENT" {
            let Some(first) = start else {
                return Err("a VEVENT without a DTSTART date".to_string());
            };
            let last = end.unwrap_or_else(|| first.tomorrow().unwrap_or(first));
            let mut day = first;
            while day < last {
                dates.insert(day);
                day = match day.tomorrow() {
                    Ok(next) => next,
                    Err(_) => break,
                };
            }
            if first == last {
                dates.insert(first);
            }
        }
    }
    Ok(dates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn la_business() -> Calendar {
        let day = vec![parse_interval("08:00-17:00").expect("hours")];
        let week = [
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            Vec::new(),
            Vec::new(),
        ];
        let tz = TimeZone::get("America/Los_Angeles").expect("tz");
        Calendar::new("district", tz, week, BTreeSet::new()).expect("calendar")
    }

    fn local(text: &str) -> Timestamp {
        let tz = TimeZone::get("America/Los_Angeles").expect("tz");
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", text)
            .expect("datetime")
            .to_zoned_datetime(tz)
            .expect("zoned")
            .timestamp()
    }

    #[test]
    fn the_worked_example_from_the_notes() {
        // Friday 15:30, 4 business hours, Mon-Fri 08:00-17:00 → Monday 10:30.
        let cal = la_business();
        let due = cal.add(
            local("2026-03-06 15:30"),
            SignedDuration::from_hours(4),
            &[],
        );
        assert_eq!(due, local("2026-03-09 10:30"));
        // Pending Monday 09:00-11:00 moves it to 12:30.
        let pause = [(local("2026-03-09 09:00"), local("2026-03-09 11:00"))];
        let due = cal.add(
            local("2026-03-06 15:30"),
            SignedDuration::from_hours(4),
            &pause,
        );
        assert_eq!(due, local("2026-03-09 12:30"));
    }

    #[test]
    fn a_dst_weekend_does_not_move_office_hours() {
        // 8 March 2026 is the spring-forward Sunday in Los Angeles.
        let cal = la_business();
        let due = cal.add(
            local("2026-03-06 16:00"),
            SignedDuration::from_hours(2),
            &[],
        );
        assert_eq!(due, local("2026-03-09 09:00"));
        assert_eq!(
            cal.between(local("2026-03-06 16:00"), local("2026-03-09 09:00")),
            SignedDuration::from_hours(2)
        );
        // And in November, when the clocks fall back.
        let due = cal.add(
            local("2026-10-30 16:00"),
            SignedDuration::from_hours(2),
            &[],
        );
        assert_eq!(due, local("2026-11-02 09:00"));
    }

    #[test]
    fn holidays_and_split_days_are_skipped() {
        let hours = vec![
            parse_interval("08:00-12:00").expect("hours"),
            parse_interval("13:00-17:00").expect("hours"),
        ];
        let week = std::array::from_fn(|i| if i < 5 { hours.clone() } else { Vec::new() });
        let tz = TimeZone::get("America/Los_Angeles").expect("tz");
        let holiday = Date::new(2026, 3, 9).expect("date");
        let cal = Calendar::new("school", tz, week, [holiday].into()).expect("calendar");
        // Friday 11:00 + 3h: 11-12, lunch, 13-15 → Friday 15:00.
        assert_eq!(
            cal.add(
                local("2026-03-06 11:00"),
                SignedDuration::from_hours(3),
                &[]
            ),
            local("2026-03-06 15:00")
        );
        // Friday 16:00 + 2h: 16-17, Monday is a holiday → Tuesday 09:00.
        assert_eq!(
            cal.add(
                local("2026-03-06 16:00"),
                SignedDuration::from_hours(2),
                &[]
            ),
            local("2026-03-10 09:00")
        );
    }

    #[test]
    fn a_ticket_created_outside_hours_starts_at_the_next_opening() {
        let cal = la_business();
        assert_eq!(
            cal.add(
                local("2026-03-07 10:00"),
                SignedDuration::from_mins(30),
                &[]
            ),
            local("2026-03-09 08:30")
        );
        assert_eq!(
            cal.between(local("2026-03-06 20:00"), local("2026-03-09 07:00")),
            SignedDuration::ZERO
        );
        assert!(!cal.is_open(local("2026-03-07 10:00")));
        assert!(cal.is_open(local("2026-03-09 08:00")));
    }

    #[test]
    fn always_open_is_calendar_time() {
        let cal = Calendar::always();
        let t = local("2026-03-07 10:00");
        assert_eq!(
            cal.add(t, SignedDuration::from_hours(5), &[]),
            t + SignedDuration::from_hours(5)
        );
        let pause = [(
            t + SignedDuration::from_hours(1),
            t + SignedDuration::from_hours(3),
        )];
        assert_eq!(
            cal.add(t, SignedDuration::from_hours(5), &pause),
            t + SignedDuration::from_hours(7)
        );
    }

    #[test]
    fn holidays_from_icalendar() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Thanksgiving\r\nDTSTART;VALUE=DATE:20261126\r\nDTEND;VALUE=DATE:20261128\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Winter\r\n  break\r\nDTSTART:20261225\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let dates = parse_ics(ics).expect("ics");
        let expect: BTreeSet<Date> = [(2026, 11, 26), (2026, 11, 27), (2026, 12, 25)]
            .into_iter()
            .map(|(y, m, d)| Date::new(y, m, d).expect("date"))
            .collect();
        assert_eq!(dates, expect);
    }

    #[test]
    fn a_calendar_describes_itself() {
        assert_eq!(
            la_business().describe(),
            "district (America/Los_Angeles): Mon-Fri 08:00-17:00"
        );
        assert_eq!(Calendar::always().describe(), "24x7 (every hour counts)");
    }

    #[test]
    fn bad_hours_are_explained() {
        assert!(parse_interval("8-5").is_err());
        assert!(
            parse_interval("17:00-08:00").is_ok(),
            "parsed; rejected by the calendar"
        );
        let week = std::array::from_fn(|_| vec![parse_interval("17:00-08:00").expect("hours")]);
        let err = Calendar::new("x", TimeZone::UTC, week, BTreeSet::new()).expect_err("backwards");
        assert!(err.contains("ends before it starts"), "{err}");
    }
}
