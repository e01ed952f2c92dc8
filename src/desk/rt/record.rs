//! Reading RT's JSON, whose quirks are mapped away here: numbers arrive as
//! strings, ids as integers in a record and strings in a collection, and an
//! unset date is 1970-01-01T00:00:00Z.

use jiff::Timestamp;
use serde_json::Value;

use crate::desk::{DeskError, json_shape};

/// A field as text: strings as they are, numbers as digits; empty is none.
pub fn text(record: &Value, key: &str) -> Option<String> {
    match record.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn number(record: &Value, key: &str) -> Option<i64> {
    match record.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A date; RT's "unset" (the Unix epoch) is none.
pub fn date(record: &Value, key: &str) -> Option<Timestamp> {
    let text = text(record, key)?;
    let at: Timestamp = text.parse().ok()?;
    (at.as_second() > 0).then_some(at)
}

/// The record's own id, whichever type it came as.
pub fn id(record: &Value) -> Option<String> {
    text(record, "id")
}

/// A reference to a user (Owner, Creator, a Requestor): its name, real name
/// and email, as far as the answer carried them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserRef {
    pub name: String,
    pub real_name: Option<String>,
    pub email: Option<String>,
}

impl UserRef {
    pub fn from(value: &Value) -> Option<Self> {
        let name = text(value, "Name").or_else(|| id(value))?;
        Some(Self {
            name,
            real_name: text(value, "RealName"),
            email: text(value, "EmailAddress"),
        })
    }

    /// What people call them: the real name, else the email, else the login.
    pub fn display(&self) -> &str {
        self.real_name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or(&self.name)
    }
}

pub fn user(record: &Value, key: &str) -> Option<UserRef> {
    UserRef::from(record.get(key)?)
}

/// The items of a collection answer. An answer without a list of them is
/// not an empty collection: a login page or a proxy answered in JSON.
pub fn items<'a>(answer: &'a Value, what: &str) -> Result<&'a [Value], DeskError> {
    answer
        .get("items")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| {
            DeskError::Protocol(format!(
                "RT sent {what} without a list of items (a login page or a proxy answering?): {}",
                json_shape(answer)
            ))
        })
}

/// A page is the one asked for, when the answer says which it is.
pub fn check_page(answer: &Value, asked: u32, what: &str) -> Result<(), DeskError> {
    match number(answer, "page") {
        Some(page) if page != i64::from(asked) => Err(DeskError::Protocol(format!(
            "RT answered page {page} of {what} when asked for page {asked}"
        ))),
        _ => Ok(()),
    }
}

/// Whether a collection answer has another page after this one.
pub fn has_next_page(answer: &Value) -> bool {
    if answer.get("next_page").is_some_and(|v| !v.is_null()) {
        return true;
    }
    match (number(answer, "page"), number(answer, "pages")) {
        (Some(page), Some(pages)) => page < pages,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_ids_and_dates_whatever_their_type() {
        let record = json!({
            "id": 4, "Priority": "90", "TimeLeft": 0,
            "Due": "2026-11-29T16:05:41Z", "Resolved": "1970-01-01T00:00:00Z", "Subject": ""
        });
        assert_eq!(id(&record).as_deref(), Some("4"));
        assert_eq!(id(&json!({"id": "4"})).as_deref(), Some("4"));
        assert_eq!(number(&record, "Priority"), Some(90));
        assert_eq!(number(&record, "TimeLeft"), Some(0));
        assert!(date(&record, "Due").is_some());
        assert_eq!(date(&record, "Resolved"), None);
        assert_eq!(text(&record, "Subject"), None);
    }

    #[test]
    fn a_list_without_items_is_no_empty_list() {
        assert_eq!(items(&json!({"items": []}), "tickets"), Ok(&[][..]));
        let err = items(&json!({"redirect": "/login", "ok": 1}), "tickets").expect_err("an error");
        assert_eq!(
            err,
            DeskError::Protocol(
                "RT sent tickets without a list of items (a login page or a proxy answering?): \
                 an object with keys ok, redirect"
                    .into()
            )
        );
        assert!(items(&json!([1, 2]), "queues").is_err());
        assert!(check_page(&json!({"page": 2}), 2, "tickets").is_ok());
        assert!(check_page(&json!({}), 2, "tickets").is_ok());
        assert!(check_page(&json!({"page": 1}), 2, "tickets").is_err());
    }

    #[test]
    fn users_show_their_best_name() {
        let owner = json!({"id": "alice", "Name": "alice", "RealName": "Alice Rivera"});
        assert_eq!(
            UserRef::from(&owner).expect("user").display(),
            "Alice Rivera"
        );
        let bare = json!({"id": "parent@example.test", "type": "user"});
        assert_eq!(
            UserRef::from(&bare).expect("user").display(),
            "parent@example.test"
        );
    }
}
