//! Where deskterm keeps its files, created private to the user: other people
//! on a shared jump host must not read a desk's tickets or logs.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "deskterm")
}

fn or_home(dir: Option<PathBuf>, fallback: &str) -> PathBuf {
    dir.unwrap_or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
            .join(fallback)
    })
}

pub fn config_dir() -> PathBuf {
    or_home(
        project().map(|p| p.config_dir().to_path_buf()),
        ".config/deskterm",
    )
}

pub fn data_dir() -> PathBuf {
    or_home(
        project().map(|p| p.data_dir().to_path_buf()),
        ".local/share/deskterm",
    )
}

/// Logs: the state dir where the platform has one (Linux), else the data dir.
pub fn state_dir() -> PathBuf {
    project()
        .and_then(|p| p.state_dir().map(Path::to_path_buf))
        .unwrap_or_else(data_dir)
}

pub fn config_file() -> PathBuf {
    config_dir().join("config.toml")
}

pub fn user_themes_dir() -> PathBuf {
    config_dir().join("themes")
}

pub fn demo_db() -> PathBuf {
    data_dir().join("demo.sqlite")
}

/// Create `dir` if it is missing, readable by the user alone. A folder that
/// already exists is left as it is: it may be the user's own choice, or `/tmp`.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)
}

/// Make an existing file readable by the user alone.
pub fn private_file(file: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(file, fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Why other users could change `path`, if they could: it is not the user's
/// own (or root's), or others may write it. A folder with the sticky bit, like
/// /tmp, is fine: others cannot replace what they do not own there.
pub fn writable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).ok()?;
        let me = rustix::process::geteuid().as_raw();
        if meta.uid() != me && meta.uid() != 0 {
            return Some(format!(
                "{} belongs to another user (uid {}); fix: chown {me} {}",
                path.display(),
                meta.uid(),
                path.display()
            ));
        }
        let mode = meta.mode() & 0o7777;
        let sticky = meta.is_dir() && mode & 0o1000 != 0;
        if mode & 0o022 != 0 && !sticky {
            let (who, fix) = if meta.is_dir() {
                ("other users can add or replace files in it", "700")
            } else {
                ("other users can change it", "600")
            };
            return Some(format!(
                "{} is mode {:o}: {who}; fix: chmod {fix} {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Why a file holding a secret is not the user's alone, if it is not: like
/// ssh with a private key, it must be the user's own and mode 0600 or tighter.
pub fn readable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).ok()?;
        let me = rustix::process::geteuid().as_raw();
        if meta.uid() != me {
            return Some(format!(
                "{} belongs to another user (uid {}), not you",
                path.display(),
                meta.uid()
            ));
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o077 != 0 {
            return Some(format!(
                "{} is mode {mode:o}: other users can read it; fix: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
