//! Taking over the terminal and always giving it back: on quit, on error, and
//! on panic (the hook restores the screen before the message is printed).

use std::io::{self, BufWriter, Stdout, Write, stdout};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Frames go out in one write: a 64 KiB buffer, so tmux never sees half a frame.
pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// The terminal, restored when this is dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste) {
            restore();
            return Err(e);
        }
        let backend = CrosstermBackend::new(BufWriter::with_capacity(1 << 16, stdout()));
        match Terminal::new(backend) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        let _ = self.terminal.backend_mut().flush();
        restore();
    }
}

/// Leave the alternate screen and raw mode; safe to call more than once.
pub fn restore() {
    let _ = execute!(
        stdout(),
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
