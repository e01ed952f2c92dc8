//! Looking at an attachment: text in $PAGER (the terminal handed over, as
//! for $EDITOR), anything else with the system's opener when there is a
//! display to open it on. A sender's text is made inert first: a pager such
//! as `cat` would pass its escape sequences to the terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::paths;

/// How an attachment is best looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    Pager,
    Opener,
    /// Neither: no display (an SSH session, a console).
    Nowhere,
}

/// Text goes to the pager wherever it is; other files need a display.
pub fn viewer_for(mime: &str, name: &str, display: bool) -> Viewer {
    let lower = name.to_ascii_lowercase();
    let text = mime.starts_with("text/")
        || [".txt", ".log", ".csv", ".md", ".eml"]
            .iter()
            .any(|e| lower.ends_with(e));
    match (text, display) {
        (true, _) => Viewer::Pager,
        (false, true) => Viewer::Opener,
        (false, false) => Viewer::Nowhere,
    }
}

/// Whether a graphical session is there to open files in.
pub fn has_display() -> bool {
    let set = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    if cfg!(target_os = "macos") || cfg!(windows) {
        !set("SSH_CONNECTION")
    } else {
        set("DISPLAY") || set("WAYLAND_DISPLAY")
    }
}

/// The folder attachments are fetched into to be looked at: private to
/// the user, and emptied of what is older than a day.
pub fn view_dir() -> std::io::Result<PathBuf> {
    let dir = paths::data_dir().join("view");
    paths::private_dir(&dir)?;
    let day = std::time::Duration::from_secs(24 * 3600);
    for entry in std::fs::read_dir(&dir)?.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > day);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(dir)
}

/// The bytes as a text that cannot drive the terminal: invalid UTF-8 as
/// U+FFFD, escape and control sequences gone.
pub fn inert_text(bytes: &[u8]) -> String {
    crate::text::sanitize_block(&String::from_utf8_lossy(bytes))
}

/// $PAGER, else `less`, on `path`. The caller hands the terminal over.
pub fn page(path: &Path) -> Result<(), String> {
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less".to_string());
    let words: Vec<&str> = pager.split_whitespace().collect();
    let Some((program, args)) = words.split_first() else {
        return Err("no pager: set $PAGER".into());
    };
    let status = Command::new(program)
        .args(args)
        .arg(path)
        .status()
        .map_err(|e| format!("could not start the pager `{program}`: {e} (set $PAGER)"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the pager `{program}` failed ({status})"))
    }
}

/// Most of a background command's output kept to show.
const MOST_OUTPUT: usize = 256 * 1024;

/// A user's command line, by `sh -c`, with the terminal (the caller hands
/// it over) until it ends.
pub fn run_here(line: &str) -> Result<(), String> {
    let status = Command::new("sh")
        .arg("-c")
        .arg(line)
        .status()
        .map_err(|e| format!("could not start sh: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("the command failed ({status})")),
    }
}

/// A user's command line, by `sh -c`, beside the console: its output and
/// errors, made inert and cut to a quarter megabyte.
pub fn run_beside(line: &str) -> Result<String, String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(line)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start sh: {e}"))?;
    let mut bytes = out.stdout;
    bytes.extend_from_slice(&out.stderr);
    bytes.truncate(MOST_OUTPUT);
    let text = inert_text(&bytes);
    match out.status.success() {
        true => Ok(text),
        false => Err(format!(
            "the command failed ({}): {}",
            out.status,
            text.trim()
        )),
    }
}

/// Hand `path` to the system's opener, without waiting for it.
pub fn open(path: &Path) -> Result<(), String> {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("explorer", &[])
    } else {
        ("xdg-open", &[])
    };
    Command::new(program)
        .args(args)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| format!("could not start `{program}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_pages_anywhere_and_the_rest_needs_a_display() {
        assert_eq!(viewer_for("text/plain", "log", false), Viewer::Pager);
        assert_eq!(
            viewer_for("application/octet-stream", "ERR.LOG", false),
            Viewer::Pager
        );
        assert_eq!(viewer_for("image/png", "photo.png", true), Viewer::Opener);
        assert_eq!(
            viewer_for("application/pdf", "form.pdf", false),
            Viewer::Nowhere
        );
    }

    #[test]
    fn a_senders_text_cannot_drive_the_terminal() {
        let text = inert_text(b"ok\x1b]52;c;ZXZpbA==\x07 \x1b[2J\xffdone");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.starts_with("ok") && text.ends_with("done"), "{text:?}");
    }
}
