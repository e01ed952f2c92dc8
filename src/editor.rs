//! Writing in the user's own editor: $VISUAL, else $EDITOR, else vi, on a
//! private temporary file. An editor that fails or leaves the file empty
//! changes nothing, and says so.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use crate::paths;

/// The editor command and its arguments, e.g. `["code", "--wait"]`.
pub fn command() -> Vec<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn temp_file() -> std::io::Result<(PathBuf, std::fs::File)> {
    let dir = paths::data_dir().join("edit");
    paths::private_dir(&dir)?;
    let nanos = jiff::Timestamp::now().as_nanosecond();
    let path = dir.join(format!("reply-{}-{nanos}.txt", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path)?;
    Ok((path, file))
}

/// Run the editor on `initial`; the new text, or why there is none. The
/// caller hands the terminal over first and takes it back after.
pub fn edit(initial: &str) -> Result<String, String> {
    let (path, mut file) = temp_file().map_err(|e| format!("no file for the editor: {e}"))?;
    let result = (|| {
        file.write_all(initial.as_bytes())
            .map_err(|e| format!("could not write the file for the editor: {e}"))?;
        drop(file);
        let command = command();
        let (program, args) = command
            .split_first()
            .ok_or_else(|| "no editor: set $VISUAL or $EDITOR".to_string())?;
        let status = Command::new(program)
            .args(args)
            .arg(&path)
            .status()
            .map_err(|e| {
                format!("could not start the editor `{program}`: {e} (set $VISUAL or $EDITOR)")
            })?;
        if !status.success() {
            return Err(format!(
                "the editor exited with {}; the text is as it was",
                status
                    .code()
                    .map_or_else(|| "a signal".to_string(), |c| format!("status {c}"))
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("could not read back the editor's file: {e}"))?;
        if text.trim().is_empty() {
            return Err("the editor left the file empty; the text is as it was".to_string());
        }
        Ok(text.trim_end().to_string())
    })();
    let _ = std::fs::remove_file(&path);
    result
}
