//! The real binary in an 80x24 pseudo-terminal, and the moment its screen
//! first shows a ticket row (parsed with vt100): what the start-up
//! benchmarks time.

use std::io::Read;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_deskterm");

/// A running deskterm, and when its screen first showed a ticket.
pub struct Run {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    shown: mpsc::Receiver<Duration>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

/// Whether a screen shows a row of the ticket table: a line with a `#42` key.
fn shows_a_ticket(screen: &str) -> bool {
    screen.lines().skip(2).any(|line| {
        line.split_whitespace().any(|w| {
            w.len() > 1 && w.starts_with('#') && w[1..].bytes().all(|b| b.is_ascii_digit())
        })
    })
}

/// Start deskterm in an 80x24 pty; a reader thread parses every byte and
/// reports the moment the screen first shows a ticket.
pub fn start(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(args);
    cmd.env_clear();
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("DESKTERM_NOW", "2026-03-02T17:30:00Z");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let began = Instant::now();
    let child = pty.slave.spawn_command(cmd).expect("spawn");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let (tx, shown) = mpsc::channel();
    std::thread::spawn(move || {
        let mut parser = vt100::Parser::new(
            std::num::NonZeroU16::new(24).expect("rows"),
            std::num::NonZeroU16::new(80).expect("cols"),
            0,
        );
        let mut buf = [0u8; 65536];
        let mut told = false;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            if !told && shows_a_ticket(&parser.screen().contents()) {
                let _ = tx.send(began.elapsed());
                told = true;
            }
        }
    });
    Run {
        child,
        shown,
        _master: pty.master,
    }
}

impl Run {
    /// Wait for the first ticket on screen. The run is handed back so that
    /// divan drops it (killing deskterm) after the sample is timed.
    pub fn first_ticket(self) -> Self {
        self.shown
            .recv_timeout(Duration::from_secs(60))
            .expect("a ticket on screen within a minute");
        self
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
