//! The README says what the code does: its key tables are the live keymap's
//! defaults, and its commands are the command line's.
#![allow(clippy::unwrap_used)]

use deskterm::action::Action;
use deskterm::config::keymap::{Context, Keymap};
use deskterm::state::command::COMMANDS;

const README: &str = include_str!("../README.md");

/// The rows of the table that follows `heading`.
fn table_after(heading: &str) -> Vec<String> {
    let start = README.find(heading).unwrap();
    README[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_key_tables_are_the_default_keymap() {
    let keymap = Keymap::default();
    for (context, heading) in [
        (Context::Queue, "\nQueue:\n"),
        (Context::Ticket, "\nTicket:\n"),
        (Context::Compose, "\nCompose (reply or note):\n"),
        (Context::Global, "\nEverywhere:\n"),
    ] {
        let mut expected = Vec::new();
        let mut digits = false;
        for (action, keys) in keymap.bound_in(context) {
            if let Action::Section(_) = action {
                if !digits {
                    expected.push("| 1-9 | section tab 1-9 |".to_string());
                    digits = true;
                }
                continue;
            }
            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
            expected.push(format!("| {} | {} |", keys.join(", "), action.describe()));
        }
        assert_eq!(
            table_after(heading),
            expected,
            "the README's table after {heading:?} should read:\n{}",
            expected.join("\n")
        );
    }
}

#[test]
fn every_command_is_documented() {
    let rows = table_after("### Commands").join("\n");
    for spec in COMMANDS {
        assert!(
            rows.contains(&format!("`:{}", spec.name)),
            ":{} missing",
            spec.name
        );
    }
}

#[test]
fn the_readme_names_its_two_commands() {
    assert!(README.contains("```sh\ncargo run --release\n```"));
    assert!(README.contains("```sh\ncargo test\n```"));
}
