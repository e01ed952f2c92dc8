//! Macros: canned responses with placeholders, and the actions that go with
//! them, defined in config.toml.
//!
//! ```toml
//! [[macros]]
//! name = "Waiting on you"
//! body = "Hi {{requester.first_name}}, could you send us ...?"
//! status = "pending"
//! ```
//!
//! Placeholders: `{{requester.first_name}}`, `{{requester.name}}`,
//! `{{agent.name}}`, `{{ticket.id}}`, `{{ticket.subject}}`.

use serde::Deserialize;

use crate::desk::{PriorityLevel, StatusKind, TicketSummary};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MacroStatus {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
}

impl From<MacroStatus> for StatusKind {
    fn from(s: MacroStatus) -> Self {
        match s {
            MacroStatus::New => StatusKind::New,
            MacroStatus::Open => StatusKind::Open,
            MacroStatus::Pending => StatusKind::Pending,
            MacroStatus::Resolved => StatusKind::Resolved,
            MacroStatus::Closed => StatusKind::Closed,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MacroPriority {
    Low,
    Normal,
    High,
    Urgent,
}

impl From<MacroPriority> for PriorityLevel {
    fn from(p: MacroPriority) -> Self {
        match p {
            MacroPriority::Low => PriorityLevel::Low,
            MacroPriority::Normal => PriorityLevel::Normal,
            MacroPriority::High => PriorityLevel::High,
            MacroPriority::Urgent => PriorityLevel::Urgent,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Macro {
    pub name: String,
    /// The reply's text; empty for a macro that only acts.
    #[serde(default)]
    pub body: String,
    /// Send the body as an internal note instead of a reply.
    #[serde(default)]
    pub internal: bool,
    pub status: Option<MacroStatus>,
    pub priority: Option<MacroPriority>,
    /// "me", "nobody", or an agent's id, name or email.
    pub owner: Option<String>,
    /// A queue's name or id.
    pub queue: Option<String>,
    /// Tags to put on ("late-bus") or, written "-late-bus", take off.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Fields to set, by name: `fields = { School = "North High" }`; an
    /// empty value clears one.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
}

/// The names placeholders are filled from.
pub struct Context<'a> {
    pub ticket: &'a TicketSummary,
    pub agent_name: &'a str,
}

/// The requester's first name: the first word of their name, or of the
/// part of an email address before the @ when that is all the desk knows.
fn first_name(name: &str) -> String {
    let base = name.split('@').next().unwrap_or(name);
    let word = base
        .split(|c: char| c.is_whitespace() || c == '.' || c == '_')
        .find(|w| !w.is_empty())
        .unwrap_or(base);
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if name.contains('@') => first.to_uppercase().chain(chars).collect(),
        _ => word.to_string(),
    }
}

/// Fill the placeholders; unknown ones are left as they are, to be seen.
pub fn render(template: &str, context: &Context<'_>) -> String {
    let t = context.ticket;
    let requester = t.requester.name.as_str();
    [
        ("{{requester.first_name}}", first_name(requester)),
        ("{{requester.name}}", requester.to_string()),
        ("{{agent.name}}", context.agent_name.to_string()),
        ("{{ticket.id}}", t.id.0.to_string()),
        ("{{ticket.subject}}", t.subject.to_string()),
    ]
    .iter()
    .fold(template.to_string(), |text, (key, value)| {
        text.replace(key, value)
    })
}

/// Placeholders in `template` that [`render`] does not know.
pub fn unknown_placeholders(template: &str) -> Vec<String> {
    const KNOWN: [&str; 5] = [
        "requester.first_name",
        "requester.name",
        "agent.name",
        "ticket.id",
        "ticket.subject",
    ];
    let mut unknown = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if !KNOWN.contains(&name) {
            unknown.push(name.to_string());
        }
        rest = &after[end + 2..];
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::*;
    use crate::text::SafeText;

    fn ticket(name: &str) -> TicketSummary {
        let mut t = TicketSummary::example();
        t.id = TicketId("42".into());
        t.key = SafeText::line("#42");
        t.subject = SafeText::line("Bus 12 late");
        t.requester.name = SafeText::line(name);
        t
    }

    #[test]
    fn placeholders_are_filled() {
        let t = ticket("Maria Lopez");
        let context = Context {
            ticket: &t,
            agent_name: "Sam Okafor",
        };
        assert_eq!(
            render(
                "Hi {{requester.first_name}} ({{requester.name}}), about #{{ticket.id}} \"{{ticket.subject}}\" — {{agent.name}} {{ticket.owner}}",
                &context
            ),
            "Hi Maria (Maria Lopez), about #42 \"Bus 12 late\" — Sam Okafor {{ticket.owner}}"
        );
    }

    #[test]
    fn a_first_name_from_an_email_address() {
        assert_eq!(first_name("maria.lopez@example.org"), "Maria");
        assert_eq!(first_name("王芳 (Wang Fang)"), "王芳");
    }

    #[test]
    fn unknown_placeholders_are_found() {
        assert_eq!(
            unknown_placeholders("{{ requester.name }} {{ticket.owner}} {{agent.nam}}"),
            ["ticket.owner", "agent.nam"]
        );
    }
}
