//! The layering issue 18 asked for, kept: the state and the layout it pages
//! by never reach into `ui`, and neither knows ratatui (the state keeps the
//! compose editor's `ratatui_textarea` buffer, which is not drawing). Comment
//! lines are skipped, so docs may still name the drawing side.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<dir>`, nested modules included.
fn sources(dir: &str) -> Vec<PathBuf> {
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir)];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no sources under src/{dir}");
    files
}

/// Lines of code (not comments) under `src/<dir>` where `bad` finds something.
fn offenders(dir: &str, bad: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for path in sources(dir) {
        let text = std::fs::read_to_string(&path).expect("a readable source");
        for (n, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with("//") && bad(line) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

/// A path through `ui`: `crate::ui::…`, or `ui::…` after `use crate::ui` or
/// `use crate::{ui, …}` (an import never followed by `ui::` is unused, which
/// clippy refuses).
fn names_ui(line: &str) -> bool {
    line.match_indices("ui::").any(|(at, _)| {
        !line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn state_and_layout_never_reach_into_ui() {
    for dir in ["state", "layout"] {
        let found = offenders(dir, names_ui);
        assert!(found.is_empty(), "src/{dir} uses ui:\n{}", found.join("\n"));
    }
}

#[test]
fn layout_knows_no_ratatui_and_state_draws_nothing() {
    let found = offenders("layout", |line| line.contains("ratatui"));
    assert!(
        found.is_empty(),
        "src/layout uses ratatui:\n{}",
        found.join("\n")
    );
    let found = offenders("state", |line| line.contains("ratatui::"));
    assert!(
        found.is_empty(),
        "src/state uses ratatui:\n{}",
        found.join("\n")
    );
}
