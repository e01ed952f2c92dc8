//! The console without a terminal: the real state, update and worker, driven
//! by key names, for tests and benchmarks. Screens are drawn on ratatui's
//! TestBackend.

use std::sync::Arc;

use crossterm::event::{KeyEvent, KeyEventKind, KeyEventState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use tokio::sync::mpsc;

use crate::app::split_local;
use crate::clock::Clock;
use crate::config::keymap::Key;
use crate::desk::Desk;
use crate::editor;
use crate::state::{DeskReply, Msg, State, update};
use crate::store::Store;
use crate::ui;
use crate::worker::Worker;

pub struct Headless {
    pub state: State,
    /// Breach warnings the console announced.
    pub notices: Vec<String>,
    /// Profiles the console asked to switch to (not opened here).
    pub switches: Vec<String>,
    /// Times the console asked to sign in again (not done here).
    pub sign_ins: usize,
    clock: Clock,
    worker: Worker,
    replies: mpsc::UnboundedReceiver<DeskReply>,
}

impl Headless {
    /// Start the console on `desk` (with drafts in `store`) and wait for
    /// its first answers.
    pub async fn start(
        mut state: State,
        desk: Arc<dyn Desk>,
        store: Option<Arc<Store>>,
        clock: Clock,
    ) -> Self {
        let (tx, replies) = mpsc::unbounded_channel();
        let mut worker = Worker::new(desk, store, clock, tx);
        worker.run(state.start());
        let mut console = Self {
            state,
            notices: Vec::new(),
            switches: Vec::new(),
            sign_ins: 0,
            clock,
            worker,
            replies,
        };
        console.settle().await;
        console
    }

    /// Run every outstanding effect to completion, feeding answers back in.
    pub async fn settle(&mut self) {
        loop {
            self.worker.idle().await;
            let mut any = false;
            while let Ok(reply) = self.replies.try_recv() {
                any = true;
                self.send(Msg::Desk(reply));
            }
            if !any {
                break;
            }
        }
    }

    fn send(&mut self, msg: Msg) {
        let mut effects = update(&mut self.state, msg, self.clock.now());
        loop {
            let local = split_local(effects);
            self.worker.run(local.rest);
            self.notices.extend(local.notices);
            self.switches.extend(local.switch);
            self.sign_ins += usize::from(local.sign_in.is_some());
            // No terminal to hand over: the editor or pager just runs.
            let msg = match (local.edit, local.page) {
                (Some(text), _) => Msg::Edited(editor::edit(&text)),
                (None, Some(path)) => Msg::Paged(crate::opener::page(&path)),
                (None, None) => break,
            };
            effects = update(&mut self.state, msg, self.clock.now());
        }
    }

    /// Press keys by name, separated by spaces: `"j j enter"`, `"ctrl-c"`, `"space"`.
    pub async fn press(&mut self, keys: &str) {
        for name in keys.split_whitespace() {
            let key: Key = match name.parse() {
                Ok(key) => key,
                Err(e) => panic!("test key {name:?}: {e}"),
            };
            self.key(key).await;
        }
    }

    /// Type text into whatever has the keyboard (filter, command line).
    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(Key::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            ))
            .await;
        }
    }

    async fn key(&mut self, key: Key) {
        let modifiers = if key.plain() {
            crossterm::event::KeyModifiers::NONE
        } else {
            crossterm::event::KeyModifiers::CONTROL
        };
        let event = KeyEvent {
            code: key.code(),
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        };
        // As the app loop does: resolved before update().
        let msg = crate::state::keys::resolve(&self.state, event);
        self.send(msg);
        self.settle().await;
    }

    /// Fold in a message as the app loop would, and run what it asks for.
    pub async fn message(&mut self, msg: Msg) {
        self.send(msg);
        self.settle().await;
    }

    /// Move a pinned clock on, as time passing would.
    pub fn advance(&mut self, by: jiff::SignedDuration) {
        if let Clock::Fixed(at) = &mut self.clock {
            *at += by;
        }
    }

    pub async fn tick(&mut self) {
        self.send(Msg::Tick);
        self.settle().await;
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.send(Msg::Resize(width, height));
    }

    /// Draw the current state at the viewport's size.
    pub fn draw(&self) -> Buffer {
        let crate::layout::Area { width, height, .. } = self.state.viewport;
        let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
            Ok(t) => t,
            Err(e) => panic!("test terminal: {e}"),
        };
        if let Err(e) = terminal.draw(|frame| ui::render(frame, &self.state)) {
            panic!("drawing: {e}");
        }
        terminal.backend().buffer().clone()
    }

    /// The screen as text, one line per row, trailing spaces trimmed.
    pub fn screen(&self) -> String {
        let buffer = self.draw();
        let width = usize::from(buffer.area.width);
        let mut out = String::new();
        for row in buffer.content.chunks(width) {
            let mut line = String::new();
            let mut skip = 0;
            for cell in row {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = cell.symbol();
                skip = crate::text::width::cells(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
