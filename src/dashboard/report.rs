//! `deskterm report`: the dashboard's figures per department, channel or
//! agent over a period, as a table, CSV or JSON for scripts and sharing.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::{finished_at, median};
use crate::desk::paging::{Next, Pager};
use crate::desk::{Desk, DeskError, PageRequest, Query, StatusKind, TicketSummary};
use crate::sla::engine::{Engine, Facts};
use crate::sla::{Level, Reading, Thresholds, compact_duration};
use crate::text::table::{Format, Table};

/// Tickets asked for per page while gathering.
const PER_PAGE: u32 = 500;

/// Every ticket a report counts: all that are still open, and those
/// finished since `since`, with the clocks the desk did not send filled in
/// as the console fills them.
pub async fn gather(
    desk: &dyn Desk,
    engine: &Engine,
    since: Timestamp,
) -> Result<Vec<TicketSummary>, DeskError> {
    let mut tickets = Vec::new();
    let mut page = PageRequest::first(PER_PAGE);
    let mut pager = Pager::new(PER_PAGE);
    loop {
        let found = desk.search(&Query::active(), page).await?;
        let ids = found.items.iter().map(|t| t.id.0.clone());
        let next = pager.after(found.total, ids, found.more);
        tickets.extend(found.items);
        match next {
            Next::More => page = page.next(),
            Next::Done => break,
            // Figures from part of the desk would mislead: none rather.
            Next::Stopped(stopped) => {
                return Err(DeskError::Protocol(format!("the open tickets: {stopped}")));
            }
        }
    }
    let finished = Query {
        statuses: vec![StatusKind::Resolved, StatusKind::Closed],
        ..Query::default()
    };
    tickets.extend(desk.changed_since(&finished, since).await?);
    for t in &mut tickets {
        let facts = Facts::from_summary(t);
        engine.fill(t, &facts);
    }
    Ok(tickets)
}

/// What each row of a report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    Department,
    Channel,
    Agent,
    /// The requester's role: staff, student, parent, community.
    Role,
    /// The requester's school or office.
    Organisation,
}

impl By {
    fn name(self) -> &'static str {
        match self {
            By::Department => "department",
            By::Channel => "channel",
            By::Agent => "agent",
            By::Role => "role",
            By::Organisation => "organisation",
        }
    }

    /// Who is asking rather than who answers: the equity view.
    fn is_requesters(self) -> bool {
        matches!(self, By::Role | By::Organisation)
    }

    fn group(self, t: &TicketSummary) -> String {
        match self {
            By::Department => t.queue.name.to_string(),
            By::Channel => t.channel.name().to_string(),
            By::Agent => t
                .owner
                .as_ref()
                .map_or_else(|| "nobody".to_string(), |o| o.name.to_string()),
            By::Role => t.requester.role.name().to_string(),
            By::Organisation => t
                .requester
                .organisation
                .as_ref()
                .map(|o| o.to_string())
                .filter(|o| !o.trim().is_empty())
                .unwrap_or_else(|| "none".to_string()),
        }
    }
}

/// One group's figures. Field names are the JSON's; the medians go out as
/// whole minutes, rounded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub group: String,
    /// Open now (new, open, pending).
    pub open: usize,
    pub at_risk: usize,
    pub breached: usize,
    /// Opened since the start of the period.
    pub new: usize,
    /// Resolved or closed since the start of the period.
    pub resolved: usize,
    #[serde(
        rename = "median_first_response_minutes",
        serialize_with = "as_minutes"
    )]
    pub median_first_response: Option<SignedDuration>,
    #[serde(rename = "median_resolution_minutes", serialize_with = "as_minutes")]
    pub median_resolution: Option<SignedDuration>,
    /// Minutes worked on the group's tickets (by agent: on the tickets
    /// each owns), where the desk keeps time.
    pub worked_minutes: u64,
    /// Of the group's tickets open now or finished in the period, the
    /// share (in whole percent) with an SLA clock missed: breached now, or
    /// met late. `None` when it has none with a clock.
    pub sla_missed_percent: Option<u32>,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    since: Timestamp,
    until: Timestamp,
    by: &'static str,
    rows: &'a [Row],
}

#[derive(Default)]
struct Tally {
    row: Row,
    /// Tickets with a clock, and those with one missed.
    timed: usize,
    missed: usize,
    responses: Vec<SignedDuration>,
    resolutions: Vec<SignedDuration>,
}

/// Whole minutes, to the nearest: 45 seconds is one, not none.
fn minutes(d: Option<SignedDuration>) -> Option<i64> {
    d.map(|d| (d.as_secs() + 30).div_euclid(60))
}

fn as_minutes<S: serde::Serializer>(d: &Option<SignedDuration>, out: S) -> Result<S::Ok, S::Error> {
    minutes(*d).serialize(out)
}

/// Every group's figures for `since`..`now`, largest first, then "all".
pub fn rows<'a>(
    tickets: impl IntoIterator<Item = &'a TicketSummary>,
    by: By,
    since: Timestamp,
    now: Timestamp,
    thresholds: &Thresholds,
) -> Vec<Row> {
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for t in tickets {
        let group = by.group(t);
        for tally in [groups.entry(group.clone()).or_default(), &mut all] {
            tally.row.worked_minutes += u64::from(t.worked_minutes);
            let counted = t.status.kind.is_active() || finished_at(t).is_some_and(|d| d >= since);
            if counted && !t.sla.clocks.is_empty() {
                tally.timed += 1;
                let missed = t.sla.clocks.iter().any(|c| {
                    matches!(
                        c.reading(now),
                        Reading::Breached { .. } | Reading::Met { on_time: false }
                    )
                });
                tally.missed += usize::from(missed);
            }
            if t.created >= since {
                tally.row.new += 1;
            }
            if let Some(answered) = t.first_response_at.filter(|a| *a >= since) {
                tally.responses.push(t.created.duration_until(answered));
            }
            match finished_at(t) {
                Some(done) if done >= since => {
                    tally.row.resolved += 1;
                    tally.resolutions.push(t.created.duration_until(done));
                }
                Some(_) => {}
                None if t.status.kind.is_active() => {
                    tally.row.open += 1;
                    match t.sla.level(now, thresholds) {
                        Some(Level::Breached) => tally.row.breached += 1,
                        Some(level) if level.at_risk() => tally.row.at_risk += 1,
                        _ => {}
                    }
                }
                None => {}
            }
        }
    }
    let finish = |group: String, tally: Tally| Row {
        group,
        median_first_response: median(tally.responses),
        median_resolution: median(tally.resolutions),
        sla_missed_percent: (tally.timed > 0)
            .then(|| ((tally.missed * 100 + tally.timed / 2) / tally.timed) as u32),
        ..tally.row
    };
    let mut out: Vec<Row> = groups
        .into_iter()
        .map(|(group, tally)| finish(group, tally))
        .filter(|r| r.open + r.new + r.resolved > 0)
        .collect();
    out.sort_by(|a, b| {
        (b.open, b.new)
            .cmp(&(a.open, a.new))
            .then_with(|| a.group.cmp(&b.group))
    });
    out.push(finish("all".into(), all));
    out
}

/// The rows as a table, CSV or JSON.
pub fn render(rows: &[Row], format: Format, by: By, since: Timestamp, now: Timestamp) -> String {
    match format {
        Format::Json => {
            let report = Report {
                since,
                until: now,
                by: by.name(),
                rows,
            };
            serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
        }
        Format::Csv => {
            let mut table = Table::new(&[
                "group",
                "open",
                "at_risk",
                "breached",
                "new",
                "resolved",
                "median_first_response_minutes",
                "median_resolution_minutes",
                "worked_minutes",
                "sla_missed_percent",
            ]);
            let num = |d| minutes(d).map(|m| m.to_string()).unwrap_or_default();
            for r in rows {
                let mut row = cells(r, num);
                row.push(r.worked_minutes.to_string());
                row.push(
                    r.sla_missed_percent
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                );
                table.push(row);
            }
            table.csv()
        }
        Format::Table if by.is_requesters() => {
            let took =
                |d: Option<SignedDuration>| d.map_or_else(|| "—".to_string(), compact_duration);
            let by = by.name().to_uppercase();
            let mut table = Table::new(&[
                &by,
                "OPEN",
                "NEW",
                "RESOLVED",
                "1ST RESPONSE",
                "RESOLUTION",
                "SLA MISSED",
            ])
            .right(&[1, 2, 3, 4, 5, 6]);
            for r in rows {
                table.push(vec![
                    r.group.clone(),
                    r.open.to_string(),
                    r.new.to_string(),
                    r.resolved.to_string(),
                    took(r.median_first_response),
                    took(r.median_resolution),
                    r.sla_missed_percent
                        .map_or_else(|| "—".to_string(), |p| format!("{p}%")),
                ]);
            }
            format!(
                "since {} (medians of what was answered or resolved since)\n\
                 SLA MISSED: open now or finished since, with a clock breached or met late\n{}",
                since.strftime("%Y-%m-%d %H:%M UTC"),
                table.render(None)
            )
        }
        Format::Table => {
            let took =
                |d: Option<SignedDuration>| d.map_or_else(|| "—".to_string(), compact_duration);
            let by = by.name().to_uppercase();
            // Time worked only where the desk keeps it: the table stays
            // within 80 columns where it does not.
            let worked = rows.iter().any(|r| r.worked_minutes > 0);
            let mut header = vec![
                by.as_str(),
                "OPEN",
                "AT RISK",
                "BREACHED",
                "NEW",
                "RESOLVED",
                "1ST RESPONSE",
                "RESOLUTION",
            ];
            if worked {
                header.push("WORKED");
            }
            let mut table = Table::new(&header).right(&[1, 2, 3, 4, 5, 6, 7, 8]);
            for r in rows {
                let mut row = cells(r, took);
                if worked {
                    row.push(match r.worked_minutes {
                        0 => "—".to_string(),
                        m => crate::desk::time_worked(m.try_into().unwrap_or(i64::MAX)),
                    });
                }
                table.push(row);
            }
            format!(
                "since {} (medians of what was answered or resolved since)\n{}",
                since.strftime("%Y-%m-%d %H:%M UTC"),
                table.render(None)
            )
        }
    }
}

/// One row's cells, the medians written by `median`.
fn cells(r: &Row, median: impl Fn(Option<SignedDuration>) -> String) -> Vec<String> {
    vec![
        r.group.clone(),
        r.open.to_string(),
        r.at_risk.to_string(),
        r.breached.to_string(),
        r.new.to_string(),
        r.resolved.to_string(),
        median(r.median_first_response),
        median(r.median_resolution),
    ]
}
