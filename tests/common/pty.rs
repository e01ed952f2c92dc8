//! The real binary in a real pseudo-terminal, read back through a vt100
//! parser. Every wait is for text on the screen (or bytes in the output),
//! with a deadline; nothing sleeps for a fixed time.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Terminal {
    pub master: Box<dyn MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub writer: Box<dyn Write + Send>,
    pub screen: Arc<Mutex<vt100::Parser>>,
    /// Everything the program wrote, for checking what it sent on exit.
    pub raw: Arc<Mutex<Vec<u8>>>,
}

impl Terminal {
    pub fn start(
        home: &Path,
        args: &[&str],
        extra_env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Self {
        Self::start_program(
            env!("CARGO_BIN_EXE_deskterm"),
            home,
            args,
            extra_env,
            cols,
            rows,
        )
    }

    pub fn start_program(
        program: &str,
        home: &Path,
        args: &[&str],
        extra_env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home);
        for (key, dir) in [
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            cmd.env(key, home.join(dir));
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("TZ", "UTC");
        cmd.env("DESKTERM_NOW", "2026-03-02T17:30:00Z");
        for (key, value) in extra_env {
            cmd.env(key, value);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (parser, log) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&buf[..n]);
                log.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Self {
            master: pty.master,
            child,
            writer,
            screen,
            raw,
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub fn wait_for(&self, what: &str) -> String {
        self.wait_until(what, |screen| screen.contains(what))
    }

    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.text();
            if done(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "waited {DEADLINE:?} for {what:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait for bytes in the output, whatever they did to the screen.
    pub fn wait_raw(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let raw = String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned();
            if raw.contains(what) {
                return raw;
            }
            assert!(start.elapsed() < DEADLINE, "waited for {what:?} in:\n{raw}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// From the queue: `N`, the caller's address and name, tab to the
    /// subject and their words, ctrl-x; the new ticket's id, from the
    /// status line's "#645 logged: …".
    pub fn log_call(&mut self, email: &str, name: &str, subject: &str, words: &str) -> String {
        // The form needs the desk's queues: their tabs show when they came
        // (a first run has no cache to show them from before).
        self.wait_until("the queues' tabs", |screen| {
            screen
                .lines()
                .next()
                .is_some_and(|tabs| tabs.matches('│').count() >= 3)
        });
        // Under CI's load a first `N` was once lost (not diagnosed: the
        // screen showed the queue and no message); it is pressed again
        // while the form has not come, a few times at most.
        let mut tries = 0;
        loop {
            self.send("N");
            tries += 1;
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) && !self.text().contains("New ticket") {
                std::thread::sleep(Duration::from_millis(20));
            }
            if self.text().contains("New ticket") || tries == 3 {
                break;
            }
        }
        self.wait_for("New ticket");
        self.send(&format!("{email}\t{name}"));
        self.wait_for(name);
        self.send(&format!("\t\t\t\t\t{subject}"));
        self.wait_for(subject);
        self.send(&format!("\t{words}"));
        self.wait_for(words);
        self.send("\x18"); // ctrl-x
        let screen = self.wait_for(&format!("logged: {subject}"));
        let line = screen.lines().find(|l| l.contains("logged:")).unwrap();
        line.split_whitespace()
            .find_map(|w| w.strip_prefix('#'))
            .unwrap()
            .to_string()
    }

    /// From the queue: open ticket `id`, reply `text`, send it, back to the
    /// queue, quit; the console must exit cleanly.
    pub fn reply_and_quit(&mut self, id: &str, text: &str) {
        self.send(&format!(":open {id}\r"));
        self.wait_for("Conversation");
        self.send("r");
        self.wait_for("REPLY · public");
        self.send(text);
        self.wait_for(text);
        self.send("\x18"); // ctrl-x
        self.wait_for(&format!("reply to #{id} ✓"));
        self.send("q");
        self.wait_for("SLA↓");
        self.send("q");
        assert!(self.wait_exit().success());
    }

    /// `kill -9`, as a crash or a closed laptop would, and wait for it.
    pub fn kill_9(&mut self) {
        let pid = self.child.process_id().unwrap();
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .unwrap();
        self.wait_exit();
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "deskterm did not exit:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
