//! The neutral [`Query`] in Zendesk's search syntax (`status<solved
//! group:12 assignee:none tags:late-bus created>2026-03-01T00:00:00Z`).
//!
//! What the syntax cannot say exactly (two statuses apart, channels,
//! requester roles) is left wider here and checked on the answers.

use jiff::Timestamp;

use super::map::{Names, statuses_of};
use crate::desk::{OwnerFilter, PriorityLevel, Query};

/// Zendesk's statuses in its own order, which its `<` and `>` follow.
const ORDER: [&str; 6] = ["new", "open", "pending", "hold", "solved", "closed"];
const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];

/// `key:value` or, for a range of an ordered list, `key>=lo key<=hi`:
/// the narrowest range holding every value asked for.
fn range(key: &str, order: &[&str], wanted: &[&str], terms: &mut Vec<String>) {
    let at = |v: &&str| order.iter().position(|o| o == v);
    let (Some(lo), Some(hi)) = (
        wanted.iter().filter_map(at).min(),
        wanted.iter().filter_map(at).max(),
    ) else {
        return;
    };
    if lo == hi {
        terms.push(format!("{key}:{}", order[lo]));
        return;
    }
    if lo > 0 {
        terms.push(format!("{key}>={}", order[lo]));
    }
    if hi < order.len() - 1 {
        terms.push(format!("{key}<={}", order[hi]));
    }
}

/// A value as one search word: quoted when it holds spaces or quotes.
fn word(value: &str) -> String {
    let value = value.trim();
    match value.contains(|c: char| c.is_whitespace() || c == '"' || c == ':') {
        true => format!("\"{}\"", value.replace('"', "")),
        false => value.to_string(),
    }
}

fn instant(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The search text for `query` (tickets only: the export is asked for
/// tickets by its filter).
pub fn translate(query: &Query, names: &Names) -> String {
    let mut terms = Vec::new();
    let statuses: Vec<&str> = query
        .statuses
        .iter()
        .flat_map(|s| statuses_of(*s).iter().copied())
        .collect();
    range("status", &ORDER, &statuses, &mut terms);
    if let Some(queue) = &query.queue {
        terms.push(format!("group:{}", word(&queue.0)));
    }
    match &query.owner {
        OwnerFilter::Any => {}
        OwnerFilter::Me => terms.push("assignee:me".into()),
        OwnerFilter::Nobody => terms.push("assignee:none".into()),
        OwnerFilter::Agent(id) => terms.push(format!("assignee:{}", word(&id.0))),
    }
    if let Some(email) = &query.requester {
        terms.push(format!("requester:{}", word(email)));
    }
    let priorities: Vec<&str> = query
        .priorities
        .iter()
        .map(|p: &PriorityLevel| p.name())
        .collect();
    range("priority", &PRIORITIES, &priorities, &mut terms);
    for tag in &query.tags {
        terms.push(format!("tags:{}", word(&tag.to_lowercase())));
    }
    for (name, value) in &query.fields {
        match names.field_named(name) {
            Some(field) => terms.push(format!(
                "custom_field_{}:{}",
                field.id,
                word(&field.stored(value))
            )),
            // No such field: nothing has it (checked on the answers too).
            None => terms.push("custom_field_0:none".into()),
        }
    }
    for (key, range) in [("created", query.created), ("updated", query.updated)] {
        if let Some(after) = range.after {
            terms.push(format!("{key}>={}", instant(after)));
        }
        if let Some(before) = range.before {
            terms.push(format!("{key}<{}", instant(before)));
        }
    }
    for w in query.text.split_whitespace() {
        terms.push(word(w.trim_start_matches('#')));
    }
    if terms.is_empty() {
        // Every ticket: the search needs a word.
        terms.push(format!("status<={}", ORDER[ORDER.len() - 1]));
    }
    terms.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::{AgentId, QueueId, StatusKind, TimeRange};

    #[test]
    fn the_active_tickets_are_those_before_solved() {
        let text = translate(&Query::active(), &Names::default());
        assert_eq!(text, "status<=hold");
    }

    #[test]
    fn a_query_becomes_zendesk_words() {
        let query = Query {
            statuses: vec![StatusKind::Pending],
            queue: Some(QueueId("12".into())),
            owner: OwnerFilter::Agent(AgentId("7".into())),
            requester: Some("maria@parents.district.org".into()),
            priorities: vec![PriorityLevel::High, PriorityLevel::Urgent],
            tags: vec!["Late-Bus".into()],
            created: TimeRange::after("2026-03-01T00:00:00Z".parse().expect("time")),
            text: "bus 14".into(),
            ..Query::default()
        };
        assert_eq!(
            translate(&query, &Names::default()),
            "status>=pending status<=hold group:12 assignee:7 \
             requester:maria@parents.district.org priority>=high tags:late-bus \
             created>=2026-03-01T00:00:00Z bus 14"
        );
    }

    #[test]
    fn every_ticket_still_asks_something() {
        assert_eq!(
            translate(&Query::default(), &Names::default()),
            "status<=closed"
        );
    }
}
