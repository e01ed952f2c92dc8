//! Taking over the terminal and always giving it back: on quit, on error, and
//! on panic (the hook restores the screen before the message is printed).

use std::io::{self, BufWriter, Stdout, Write, stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

/// Frames go out in one write: a 64 KiB buffer, so tmux never sees half a frame.
pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// The terminal, restored when this is dropped.
pub struct TerminalGuard {
    pub terminal: Term,
    /// Clicks and the wheel are reported to the console.
    mouse: bool,
}

/// Ask the terminal for clicks and the wheel (SGR mouse reports).
fn capture_mouse(mouse: bool) -> io::Result<()> {
    match mouse {
        true => execute!(stdout(), EnableMouseCapture),
        false => Ok(()),
    }
}

impl TerminalGuard {
    pub fn enter(mouse: bool) -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)
            .and_then(|()| capture_mouse(mouse))
        {
            restore();
            return Err(e);
        }
        match new_terminal() {
            Ok(terminal) => Ok(Self { terminal, mouse }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl TerminalGuard {
    /// Hand the terminal to another program (an editor) for a while.
    pub fn suspend(&mut self) {
        let _ = self.terminal.show_cursor();
        let _ = self.terminal.backend_mut().flush();
        restore();
    }

    /// Take the terminal back after [`suspend`](Self::suspend); the next
    /// frame is drawn whole. (ratatui's `clear` would ask the terminal where
    /// its cursor is, and not every terminal answers.)
    pub fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )?;
        capture_mouse(self.mouse)?;
        self.terminal = new_terminal()?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        let _ = self.terminal.backend_mut().flush();
        restore();
    }
}

fn new_terminal() -> io::Result<Term> {
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        1 << 16,
        stdout(),
    )))
}

/// Leave the alternate screen and raw mode; safe to call more than once.
pub fn restore() {
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!(panic = %info, "deskterm panicked");
        previous(info);
    }));
}

/// Terminal events from a thread of their own, which can be paused so an
/// editor running in the foreground gets every keystroke.
pub struct InputReader {
    events: mpsc::UnboundedReceiver<Event>,
    paused: Arc<AtomicBool>,
    parked: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl InputReader {
    pub fn start() -> Self {
        let (tx, events) = mpsc::unbounded_channel();
        let paused = Arc::new(AtomicBool::new(false));
        let parked = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, k, s) = (paused.clone(), parked.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if p.load(Ordering::Relaxed) {
                    k.store(true, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                k.store(false, Ordering::Relaxed);
                // A short poll, so a pause is noticed quickly; input arrives at once.
                match crossterm::event::poll(Duration::from_millis(50)) {
                    Ok(true) => match crossterm::event::read() {
                        Ok(event) => {
                            if tx.send(event).is_err() {
                                break;
                            }
                        }
                        Err(_) => break,
                    },
                    Ok(false) => {}
                    Err(_) => break,
                }
            }
        });
        Self {
            events,
            paused,
            parked,
            stop,
        }
    }

    pub async fn next(&mut self) -> Option<Event> {
        self.events.recv().await
    }

    /// Stop reading, and wait until the reader is no longer polling.
    pub fn pause(&self) {
        self.paused.store(true, Ordering::Relaxed);
        for _ in 0..50 {
            if self.parked.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::Relaxed);
    }
}

impl Drop for InputReader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Ask for a secret on the terminal without echoing it: raw mode, so the
/// keystrokes are neither shown nor kept in the terminal's scrollback.
/// Enter ends it; Ctrl-C or Esc gives up.
pub fn read_secret(prompt: &str) -> io::Result<Option<String>> {
    use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers, read};
    let mut err = io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let typed = (|| -> io::Result<Option<String>> {
        let mut secret = String::new();
        loop {
            match read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => match key.code {
                    KeyCode::Enter => return Ok(Some(secret)),
                    KeyCode::Esc => return Ok(None),
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        return Ok(None);
                    }
                    KeyCode::Backspace => {
                        secret.pop();
                    }
                    KeyCode::Char(c) => secret.push(c),
                    _ => {}
                },
                Event::Paste(text) => secret.push_str(text.trim()),
                _ => {}
            }
        }
    })();
    let restored = crossterm::terminal::disable_raw_mode();
    writeln!(err)?;
    restored?;
    typed
}
