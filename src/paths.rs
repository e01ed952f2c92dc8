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
