//! The help overlay's rows, generated from the live keymap and the command
//! table so it lists exactly what the keys do now. The state scrolls by
//! their count; ui draws them in a popup.

use super::styled::{Line, Span};
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::state::State;
use crate::state::command::COMMANDS;
use crate::text::width::{cells, fit};

/// One row of help, before it is laid out.
enum Row {
    Heading(&'static str),
    Pair(String, String),
    Text(&'static str),
    Line(String),
    Blank,
}

fn rows(state: &State) -> Vec<Row> {
    // The view on screen first, then everywhere, then the rest.
    let on_screen = crate::state::keys::view_routing(state)
        .context()
        .unwrap_or(Context::Queue);
    let mut contexts = vec![on_screen];
    for context in [Context::Queue, Context::Ticket, Context::Global]
        .into_iter()
        .chain(Context::ALL)
    {
        if !contexts.contains(&context) {
            contexts.push(context);
        }
    }
    let mut rows = Vec::new();
    if !state.settings.lacks.is_empty() {
        rows.push(Row::Heading("This desk has no"));
        for what in &state.settings.lacks {
            rows.push(Row::Line(format!("· {what}")));
        }
        rows.push(Row::Blank);
    }
    for context in contexts {
        rows.push(Row::Heading(context.title()));
        let mut digits = String::new();
        let lacks = |needs: Option<&str>| needs.is_some_and(|n| state.settings.lacks.contains(&n));
        for (action, keys) in state.settings.keymap.bound_in(context) {
            // What the desk cannot do is named once, above, not as keys.
            if lacks(action.needs()) {
                continue;
            }
            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
            // Tabs bound to their own digit share one row.
            if let Action::Section(n) = action
                && keys == [n.to_string()]
            {
                if digits.is_empty() {
                    rows.push(Row::Blank);
                }
                digits.push_str(&keys[0]);
                let range = match (digits.chars().next(), digits.chars().last()) {
                    (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
                    _ => digits.clone(),
                };
                if let Some(row) = rows.last_mut() {
                    *row = Row::Pair(range.clone(), format!("section tab {range}"));
                }
                continue;
            }
            rows.push(Row::Pair(keys.join(", "), context.describe(action)));
        }
        rows.push(Row::Blank);
    }
    if !state.settings.commands.is_empty() {
        use crate::config::commands::Where;
        rows.push(Row::Heading("Your commands ([[commands]] in config.toml)"));
        for command in &state.settings.commands {
            let place = match command.context {
                Where::Queue => " (queue)",
                Where::Ticket => " (ticket)",
                Where::Both => "",
            };
            rows.push(Row::Pair(
                command.key.to_string(),
                format!("{}{place}", command.description),
            ));
        }
        rows.push(Row::Blank);
    }
    rows.push(Row::Heading("Commands (type : first)"));
    for spec in COMMANDS {
        if spec
            .needs
            .is_some_and(|n| state.settings.lacks.contains(&n))
        {
            continue;
        }
        rows.push(Row::Pair(spec.usage.to_string(), spec.help.to_string()));
    }
    rows.push(Row::Blank);
    rows.push(Row::Heading("Typing in the filter or the command line"));
    rows.push(Row::Text(
        "enter keeps · esc cancels · tab completes · ctrl-w deletes a word · ctrl-u clears",
    ));
    rows
}

/// The help's rows as text, each section's keys in one column.
pub fn lines(state: &State) -> Vec<Line> {
    let rows = rows(state);
    // Each section's first column is as wide as its longest entry.
    let mut widths = Vec::new();
    for row in &rows {
        match row {
            Row::Heading(_) => widths.push(0),
            Row::Pair(keys, _) => {
                if let Some(w) = widths.last_mut() {
                    *w = (*w).max(cells(keys) + 4);
                }
            }
            _ => {}
        }
    }
    let mut section = 0;
    rows.into_iter()
        .map(|row| match row {
            Row::Heading(text) => {
                section += 1;
                Line::from(Span::new(text, Role::Title))
            }
            Row::Pair(keys, what) => Line::from(vec![
                Span::new(fit(&format!("  {keys}"), widths[section - 1]), Role::Key),
                Span::new(what, Role::Text),
            ]),
            Row::Text(text) => Line::from(Span::new(format!("  {text}"), Role::Text)),
            Row::Line(text) => Line::from(Span::new(format!("  {text}"), Role::Text)),
            Row::Blank => Line::default(),
        })
        .collect()
}

/// Rows the help has, for scrolling it.
pub fn line_count(state: &State) -> usize {
    lines(state).len()
}
