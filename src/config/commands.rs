//! Commands of the user's own, bound to keys (as k9s's plugins): a command
//! line with the ticket's values put in, run with the terminal handed over
//! or in the background with its output shown.
//!
//! ```toml
//! [[commands]]
//! key = "A"
//! context = "ticket"                  # queue, ticket, or both (the default)
//! description = "the requester's asset in the inventory"
//! command = "inventory lookup --owner {{requester.email}} {{field.Asset tag}}"
//! background = true                   # output shown; false: the terminal handed over
//! ```
//!
//! Placeholders: `{{ticket.id}}`, `{{ticket.subject}}`, `{{ticket.link}}`,
//! `{{ticket.queue}}`, `{{ticket.status}}`, `{{requester.email}}`,
//! `{{requester.name}}`, `{{owner.name}}`, `{{field.NAME}}`; each value is
//! put in shell-quoted, so no ticket's text can be read as shell syntax.

use serde::Deserialize;

use super::keymap::Key;
use crate::desk::TicketSummary;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Where {
    Queue,
    Ticket,
    #[default]
    Both,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCommand {
    pub key: Key,
    #[serde(default)]
    pub context: Where,
    pub description: String,
    /// Run by `sh -c`, its placeholders filled in.
    pub command: String,
    /// Run beside the console, its output shown when it ends; otherwise
    /// the terminal is handed over until it does.
    #[serde(default)]
    pub background: bool,
}

/// A value as one word for `sh`: in single quotes, each `'` as `'\''`.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// The command line for `ticket`, each placeholder's value quoted; an
/// unknown placeholder or a field the ticket has no value for is named.
pub fn render(command: &str, ticket: &TicketSummary, link: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = command;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "a {{ without its }}".to_string())?;
        let name = after[..end].trim();
        let value = match name {
            "ticket.id" => ticket.id.0.to_string(),
            "ticket.subject" => ticket.subject.to_string(),
            "ticket.queue" => ticket.queue.name.to_string(),
            "ticket.status" => ticket.status.kind.name().to_string(),
            "ticket.link" => link
                .ok_or("this desk has no web page for {{ticket.link}}")?
                .to_string(),
            "requester.email" => ticket.requester.email.to_string(),
            "requester.name" => ticket.requester.name.to_string(),
            "owner.name" => ticket
                .owner
                .as_ref()
                .map(|o| o.name.to_string())
                .unwrap_or_default(),
            field if field.starts_with("field.") => {
                let wanted = &field["field.".len()..];
                ticket
                    .fields
                    .iter()
                    .find(|(n, _)| n.as_str().eq_ignore_ascii_case(wanted))
                    .map(|(_, v)| v.to_string())
                    .ok_or_else(|| format!("the ticket has no {wanted}"))?
            }
            other => return Err(format!("no placeholder {{{{{other}}}}}")),
        };
        out.push_str(&shell_quote(&value));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SafeText;

    #[test]
    fn a_hostile_address_stays_one_word() {
        let mut t = TicketSummary::example();
        t.requester.email = SafeText::line("x'; rm -rf ~; echo '@evil.example");
        t.fields = vec![(SafeText::line("Asset tag"), SafeText::line("CB $(id) `id`"))];
        let line = render(
            "lookup {{requester.email}} {{ field.asset tag }} id={{ticket.id}}",
            &t,
            None,
        )
        .expect("rendered");
        assert_eq!(
            line,
            "lookup 'x'\\''; rm -rf ~; echo '\\''@evil.example' 'CB $(id) `id`' id='7'"
        );
        // sh reads each back as the one word it was.
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf '%s\\n' {}", &line["lookup ".len()..]))
            .output()
            .expect("sh");
        let words: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(
            words,
            ["x'; rm -rf ~; echo '@evil.example", "CB $(id) `id`", "id=7"]
        );
    }

    #[test]
    fn unknown_placeholders_and_missing_fields_are_named() {
        let t = TicketSummary::example();
        assert!(
            render("x {{ticket.nope}}", &t, None)
                .expect_err("refused")
                .contains("ticket.nope")
        );
        assert!(
            render("x {{field.Asset}}", &t, None)
                .expect_err("refused")
                .contains("no Asset")
        );
        assert!(render("x {{ticket.link}}", &t, None).is_err());
    }
}
