//! Files an agent sends with a reply or note, read and checked before
//! anything is queued: a missing, unreadable, too-large or refused file is
//! named and the draft kept, and the desk never sees half a write.

use std::path::Path;

use super::message::size_text;
use super::{Upload, Uploads};

/// The largest file deskterm sends to a desk that sets no limit of its own:
/// the outbox keeps every byte until the desk has it.
pub const MAX_UPLOAD: u64 = 25 * 1024 * 1024;

/// The largest attachment saved from a desk.
pub const MAX_DOWNLOAD: usize = 100 * 1024 * 1024;

/// Read `path` to send to a desk with `caps`, or say in words why not.
pub fn read_upload(path: &Path, rules: &Uploads) -> Result<Upload, String> {
    let shown = path.display();
    let Some(limit) = rules.limit else {
        return Err("this desk cannot take attached files".to_string());
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{shown} is not a file"))?;
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("there is no file {shown}"),
        _ => format!("cannot read {shown}: {e}"),
    })?;
    if !meta.is_file() {
        return Err(format!("{shown} is a folder, not a file"));
    }
    // Neither RT nor django-helpdesk keeps an empty file (both answer 400).
    if meta.len() == 0 {
        return Err(format!("{name} is empty; nothing was attached"));
    }
    if meta.len() > limit {
        return Err(format!(
            "{name} is {}; the desk takes files up to {}",
            size_text(meta.len()),
            size_text(limit)
        ));
    }
    let ending = extension(&name);
    if !rules.types.is_empty()
        && !ending.is_empty()
        && !rules.types.iter().any(|t| t.eq_ignore_ascii_case(&ending))
    {
        return Err(format!(
            "the desk takes only {} files; {name} was not attached",
            rules.types.join(" ")
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    Ok(Upload {
        mime: mime_type(&ending).to_string(),
        name,
        bytes,
    })
}

/// ".PDF" for "Scan.PDF"; empty when the name has none.
fn extension(name: &str) -> String {
    match name.rfind('.') {
        Some(at) if at > 0 => name[at..].to_string(),
        _ => String::new(),
    }
}

/// The type a desk stores with the file, from its ending: the usual ones
/// of a service desk's attachments, and bytes otherwise.
pub fn mime_type(ending: &str) -> &'static str {
    match ending.to_ascii_lowercase().as_str() {
        ".txt" | ".log" | ".asc" => "text/plain",
        ".csv" => "text/csv",
        ".html" | ".htm" => "text/html",
        ".eml" => "message/rfc822",
        ".pdf" => "application/pdf",
        ".png" => "image/png",
        ".jpg" | ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".heic" => "image/heic",
        ".doc" => "application/msword",
        ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".odt" => "application/vnd.oasis.opendocument.text",
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".json" => "application/json",
        ".zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(limit: Option<u64>, types: &'static [&'static str]) -> Uploads {
        Uploads { limit, types }
    }

    #[test]
    fn a_file_is_read_whole_with_its_name_and_type() {
        let dir = tempfile::tempdir().expect("test setup");
        let path = dir.path().join("Scan.PDF");
        let bytes: Vec<u8> = (0..=255).collect();
        std::fs::write(&path, &bytes).expect("test setup");
        let up = read_upload(&path, &caps(Some(1000), &[])).expect("test setup");
        assert_eq!(
            (up.name.as_str(), up.mime.as_str()),
            ("Scan.PDF", "application/pdf")
        );
        assert_eq!(up.bytes, bytes);
    }

    #[test]
    fn missing_large_folder_and_refused_files_are_named() {
        let dir = tempfile::tempdir().expect("test setup");
        let missing = read_upload(&dir.path().join("gone.txt"), &caps(Some(10), &[]));
        assert!(
            missing
                .expect_err("refused")
                .starts_with("there is no file")
        );
        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'x'; 2048]).expect("test setup");
        let err = read_upload(&big, &caps(Some(1024), &[])).expect_err("refused");
        assert!(
            err.contains("big.txt is 2 KB") && err.contains("up to 1 KB"),
            "{err}"
        );
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, b"").expect("test setup");
        let err = read_upload(&empty, &caps(Some(10), &[])).expect_err("refused");
        assert!(err.contains("empty.txt is empty"), "{err}");
        let folder = read_upload(dir.path(), &caps(Some(10), &[])).expect_err("refused");
        assert!(folder.contains("folder"), "{folder}");
        let exe = dir.path().join("setup.EXE");
        std::fs::write(&exe, b"MZ").expect("test setup");
        let err = read_upload(&exe, &caps(Some(10), &[".txt", ".pdf"])).expect_err("refused");
        assert!(
            err.contains("only .txt .pdf") && err.contains("setup.EXE"),
            "{err}"
        );
        let none = read_upload(&exe, &caps(None, &[])).expect_err("refused");
        assert!(none.contains("cannot take attached files"), "{none}");
    }
}
