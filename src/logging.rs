//! Logs go to a file in the state folder, never to the screen.
//! `DESKTERM_LOG=debug` (or trace, warn, error) changes how much is written.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use tracing::level_filters::LevelFilter;
use tracing_appender::non_blocking::WorkerGuard;

use crate::paths;

pub const LOG_FILE: &str = "deskterm.log";

/// Start logging to `dir/deskterm.log` (mode 0600); keep the guard alive
/// until exit so the last lines are written.
pub fn init(dir: &Path) -> anyhow::Result<(WorkerGuard, PathBuf)> {
    paths::private_dir(dir)?;
    let path = dir.join(LOG_FILE);
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path)?;
    paths::private_file(&path)?;
    // Room for 4,096 lines waiting to be written, not the default 128,000
    // (4 MB set aside up front); past it a line is dropped, not waited for.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(4_096)
        .finish(file);
    let level = match std::env::var("DESKTERM_LOG").as_deref() {
        Ok("trace") => LevelFilter::TRACE,
        Ok("debug") => LevelFilter::DEBUG,
        Ok("warn") => LevelFilter::WARN,
        Ok("error") => LevelFilter::ERROR,
        Ok("off") => LevelFilter::OFF,
        _ => LevelFilter::INFO,
    };
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(level)
        .try_init()
        .map_err(|e| anyhow::anyhow!("logging: {e}"))?;
    Ok((guard, path))
}
