//! The README says what the code does: its key tables are the live keymap's
//! defaults, and its commands are the command line's.
#![allow(clippy::unwrap_used)]

use deskterm::action::Action;
use deskterm::config::keymap::{Context, Keymap};
use deskterm::state::command::COMMANDS;

const README: &str = include_str!("../README.md");

/// The rows of the table that follows `heading`.
fn table_after(heading: &str) -> Vec<String> {
    // A missing table is an empty one: the failure then shows what to write.
    let Some(start) = README.find(heading) else {
        return Vec::new();
    };
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
    // Every screen and overlay has its table, under the help's heading.
    for context in Context::ALL {
        let heading = format!("\n{}:\n", context.title());
        let heading = heading.as_str();
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
            expected.push(format!(
                "| {} | {} |",
                keys.join(", "),
                context.describe(action)
            ));
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

/// The first ```toml block after `heading`.
fn toml_after(heading: &str) -> &'static str {
    let start = README.find(heading).unwrap();
    let block = &README[start..];
    let open = block.find("```toml\n").unwrap() + "```toml\n".len();
    let close = block[open..].find("```").unwrap();
    &block[open..open + close]
}

#[test]
fn the_sla_example_builds_the_engine_it_describes() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("holidays.ics"),
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let text = toml_after("### Calendars and policies");
    let config: deskterm::config::Config =
        deskterm::config::parse_toml(text, std::path::Path::new("README.md")).unwrap();
    let engine = deskterm::config::sla::engine(&config.sla, dir.path()).unwrap();
    let names: Vec<_> = engine.policies().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Transportation urgent", "Parents by text or phone"]);
    assert_eq!(engine.policies()[1].calendar.holidays().len(), 3);
}

#[test]
fn the_config_example_parses() {
    let text = toml_after("A mistake is reported with its file, line and column");
    deskterm::config::parse_toml::<deskterm::config::Config>(
        text,
        std::path::Path::new("README.md"),
    )
    .unwrap();
}

#[test]
fn the_profile_example_parses() {
    let text = toml_after("## Profiles and sign-in");
    let config: deskterm::config::Config =
        deskterm::config::parse_toml(text, std::path::Path::new("README.md")).unwrap();
    let district = &config.profiles["district"];
    assert_eq!(
        district.proxy.as_deref(),
        Some("http://proxy.pvusd.org:3128")
    );
    assert!(config.profiles["vendor"].read_only);
}

#[test]
fn the_sections_example_is_read_whole() {
    let text = toml_after("## Sections and search");
    let config: deskterm::config::Config =
        deskterm::config::parse_toml(text, std::path::Path::new("README.md")).unwrap();
    let sections = config.sections();
    let names: Vec<_> = sections.specs.iter().map(|s| s.name.as_str()).collect();
    // A query, sort or column config.sections() could not read is left out.
    assert_eq!(
        names,
        ["Resolved today", "Parents waiting", "Stale pending"]
    );
    assert!(sections.standard && sections.show_fields());
}

#[test]
fn the_redmine_profile_example_parses() {
    let text = toml_after("## Redmine");
    let config: deskterm::config::Config =
        deskterm::config::parse_toml(text, std::path::Path::new("README.md")).unwrap();
    let school = &config.profiles["school"];
    assert_eq!(school.backend, deskterm::config::profile::Backend::Redmine);
    assert_eq!(school.projects, ["support", "facilities"]);
    assert_eq!(school.requester_field.as_deref(), Some("Requester email"));
}

#[test]
fn the_zendesk_profile_example_parses() {
    let text = toml_after("## Zendesk");
    let config: deskterm::config::Config =
        deskterm::config::parse_toml(text, std::path::Path::new("README.md")).unwrap();
    let district = &config.profiles["district"];
    assert_eq!(
        district.backend,
        deskterm::config::profile::Backend::Zendesk
    );
    assert_eq!(district.desk_url(), "https://pvusd.zendesk.com");
}
