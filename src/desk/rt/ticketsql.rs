//! Backend-neutral queries as TicketSQL.

use jiff::Timestamp;

use crate::desk::{OwnerFilter, PriorityLevel, Query, StatusKind, TimeRange};

/// A value inside single quotes, with quotes and backslashes escaped.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// RT's statuses for one of ours (the default lifecycle).
pub fn statuses_for(kind: StatusKind) -> &'static [&'static str] {
    match kind {
        StatusKind::New => &["new"],
        StatusKind::Open => &["open"],
        StatusKind::Pending => &["stalled"],
        StatusKind::Resolved => &["resolved"],
        StatusKind::Closed => &["rejected", "deleted"],
    }
}

/// A created or updated range as RT's relative dates, measured back from
/// `now` on the server's clock: RT reads absolute dates in the user's time
/// zone, which a client cannot see.
fn range_sql(field: &str, range: TimeRange, now: Timestamp) -> Vec<String> {
    let ago = |at: Timestamp| at.duration_until(now).as_secs().max(0);
    let mut clauses = Vec::new();
    if let Some(after) = range.after {
        clauses.push(format!("{field} >= '-{} seconds'", ago(after)));
    }
    if let Some(before) = range.before {
        clauses.push(format!("{field} < '-{} seconds'", ago(before)));
    }
    clauses
}

/// The TicketSQL for `query`; `now` is the server's clock, for times.
pub fn ticket_sql(query: &Query, now: Timestamp) -> String {
    let mut clauses = Vec::new();
    let active = [StatusKind::New, StatusKind::Open, StatusKind::Pending];
    if query.statuses.len() == active.len() && active.iter().all(|s| query.statuses.contains(s)) {
        // Also covers the active statuses of custom lifecycles.
        clauses.push("Status = '__Active__'".to_string());
    } else if !query.statuses.is_empty() {
        let any: Vec<String> = query
            .statuses
            .iter()
            .flat_map(|s| statuses_for(*s))
            .map(|s| format!("Status = {}", quote(s)))
            .collect();
        clauses.push(format!("({})", any.join(" OR ")));
    }
    if let Some(queue) = &query.queue {
        clauses.push(format!("Queue = {}", quote(&queue.0)));
    }
    // RT's numbers for each level, as the console reads them (0-32 low…).
    if !query.priorities.is_empty() {
        let any: Vec<String> = query
            .priorities
            .iter()
            .map(|level| match level {
                PriorityLevel::Low => "Priority < 33".to_string(),
                PriorityLevel::Normal => "(Priority >= 33 AND Priority < 66)".to_string(),
                PriorityLevel::High => "(Priority >= 66 AND Priority < 90)".to_string(),
                PriorityLevel::Urgent => "Priority >= 90".to_string(),
            })
            .collect();
        clauses.push(format!("({})", any.join(" OR ")));
    }
    if let Some(email) = &query.requester {
        clauses.push(format!("Requestor.EmailAddress = {}", quote(email.trim())));
    }
    clauses.extend(range_sql("Created", query.created, now));
    clauses.extend(range_sql("LastUpdated", query.updated, now));
    for (name, value) in &query.fields {
        let name = name.replace(['{', '}', '\'', '\\'], "");
        clauses.push(format!("CF.{{{name}}} = {}", quote(value)));
    }
    match &query.owner {
        OwnerFilter::Any => {}
        OwnerFilter::Me => clauses.push("Owner = '__CurrentUser__'".into()),
        OwnerFilter::Nobody => clauses.push("Owner = 'Nobody'".into()),
        OwnerFilter::Agent(agent) => clauses.push(format!("Owner = {}", quote(&agent.0))),
    }
    for word in query.text.split_whitespace() {
        let w = quote(word);
        let mut any = vec![
            format!("Subject LIKE {w}"),
            format!("Requestor.EmailAddress LIKE {w}"),
            format!("Requestor.RealName LIKE {w}"),
        ];
        let digits = word.trim_start_matches('#');
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            any.push(format!("id = {digits}"));
        }
        clauses.push(format!("({})", any.join(" OR ")));
    }
    if clauses.is_empty() {
        "id > 0".to_string()
    } else {
        clauses.join(" AND ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::{AgentId, QueueId};

    #[test]
    fn priorities_are_rts_number_ranges() {
        let q = Query {
            priorities: vec![PriorityLevel::High, PriorityLevel::Urgent],
            ..Query::default()
        };
        assert_eq!(
            ticket_sql(&q, Timestamp::UNIX_EPOCH),
            "((Priority >= 66 AND Priority < 90) OR Priority >= 90)"
        );
    }

    #[test]
    fn times_are_ages_on_rts_clock_and_fields_are_cfs() {
        let now: Timestamp = "2026-12-01T15:00:00Z".parse().expect("instant");
        let q = Query {
            created: TimeRange::after(now - jiff::SignedDuration::from_hours(2)),
            updated: TimeRange::before(now - jiff::SignedDuration::from_hours(72)),
            fields: vec![("School".into(), "North High".into())],
            ..Query::default()
        };
        assert_eq!(
            ticket_sql(&q, now),
            "Created >= '-7200 seconds' AND LastUpdated < '-259200 seconds' \
             AND CF.{School} = 'North High'"
        );
        // A name cannot close the braces or the quotes.
        let q = Query {
            fields: vec![("Sch}ool' OR id > '0".into(), "x".into())],
            ..Query::default()
        };
        assert_eq!(ticket_sql(&q, now), "CF.{School OR id > 0} = 'x'");
    }

    #[test]
    fn active_tickets_in_a_queue_for_me() {
        let q = Query {
            queue: Some(QueueId("3".into())),
            owner: OwnerFilter::Me,
            ..Query::active()
        };
        assert_eq!(
            ticket_sql(&q, Timestamp::UNIX_EPOCH),
            "Status = '__Active__' AND Queue = '3' AND Owner = '__CurrentUser__'"
        );
    }

    #[test]
    fn words_search_subject_requester_and_id() {
        let q = Query {
            text: "#42 o'brien".into(),
            statuses: vec![StatusKind::Pending, StatusKind::Closed],
            owner: OwnerFilter::Agent(AgentId("bob".into())),
            ..Query::default()
        };
        assert_eq!(
            ticket_sql(&q, Timestamp::UNIX_EPOCH),
            "(Status = 'stalled' OR Status = 'rejected' OR Status = 'deleted') AND Owner = 'bob' \
             AND (Subject LIKE '#42' OR Requestor.EmailAddress LIKE '#42' OR Requestor.RealName LIKE '#42' OR id = 42) \
             AND (Subject LIKE 'o\\'brien' OR Requestor.EmailAddress LIKE 'o\\'brien' OR Requestor.RealName LIKE 'o\\'brien')"
        );
        assert_eq!(
            ticket_sql(&Query::default(), Timestamp::UNIX_EPOCH),
            "id > 0"
        );
    }
}
