//! Names for files saved from a desk. An attachment's name is the sender's
//! to choose, so it is made safe before it touches the disk: no path
//! separators, no `..`, no control or invisible characters, not hidden,
//! not too long; and a file already there is never overwritten (` (1)` is
//! added before the extension instead).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The most bytes of a name kept (file systems allow 255).
const MAX_NAME: usize = 200;

/// A name that stays inside the folder it is written to.
pub fn safe_file_name(name: &str) -> String {
    let shown = super::sanitize_line(name);
    let cleaned: String = shown
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    // No "..", no hidden file, no trailing dot or space (Windows drops them).
    let trimmed = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .trim();
    let mut name = if trimmed.is_empty() {
        "attachment".to_string()
    } else {
        trimmed.to_string()
    };
    if name.len() > MAX_NAME {
        let (stem, ext) = split_extension(&name);
        let ext = if ext.len() < 16 { ext } else { "" };
        let mut cut = MAX_NAME - ext.len();
        while !stem.is_char_boundary(cut.min(stem.len())) {
            cut -= 1;
        }
        name = format!("{}{ext}", &stem[..cut.min(stem.len())]);
    }
    name
}

/// "scan.pdf" → ("scan", ".pdf"); a name without one has an empty extension.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(at) if at > 0 => name.split_at(at),
        _ => (name, ""),
    }
}

/// Create `name` in `dir` as a new file, never replacing one: "scan.pdf",
/// then "scan (1).pdf", "scan (2).pdf"… The file and where it is.
pub fn create_new(dir: &Path, name: &str) -> io::Result<(File, PathBuf)> {
    let name = safe_file_name(name);
    let (stem, ext) = split_extension(&name);
    for n in 0..10_000 {
        let candidate = match n {
            0 => name.clone(),
            n => format!("{stem} ({n}){ext}"),
        };
        let path = dir.join(&candidate);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{name} and 10,000 numbered copies are already in {}",
        dir.display()
    )))
}

/// Write `bytes` to a new file for `name` in `dir` ([`create_new`]), on
/// disk before it returns; where it went, or what failed, naming the place.
pub fn save_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    use std::io::Write;
    let (mut file, path) = create_new(dir, name).map_err(|e| format!("{}: {e}", dir.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_never_leaves_its_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("..\\..\\boot.ini"), "_.._boot.ini");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name(""), "attachment");
        assert_eq!(safe_file_name("photo\u{1b}[31m.jpg"), "photo.jpg");
        assert_eq!(safe_file_name("bus\nstop.png"), "bus stop.png");
        assert_eq!(safe_file_name("C:report.pdf"), "C_report.pdf");
        let long = format!("{}.pdf", "ä".repeat(300));
        let kept = safe_file_name(&long);
        assert!(kept.len() <= MAX_NAME && kept.ends_with(".pdf"), "{kept}");
    }

    #[test]
    fn a_file_already_there_is_never_overwritten() {
        let dir = tempfile::TempDir::new().expect("dir");
        std::fs::write(dir.path().join("scan.pdf"), b"first").expect("write");
        let (_, second) = create_new(dir.path(), "scan.pdf").expect("second");
        let (_, third) = create_new(dir.path(), "scan.pdf").expect("third");
        assert_eq!(second, dir.path().join("scan (1).pdf"));
        assert_eq!(third, dir.path().join("scan (2).pdf"));
        assert_eq!(
            std::fs::read(dir.path().join("scan.pdf")).expect("read"),
            b"first"
        );
    }
}
