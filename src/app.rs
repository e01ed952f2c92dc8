//! The console's one loop: terminal events, a one-second tick and answers
//! from the desk and the store go into [`update`]; its effects go to the
//! [`Worker`], except the external editor, which needs the terminal and is
//! run here. The state is drawn after each batch of messages; drawing never
//! waits on the network.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyEventKind};
use ratatui::layout::Rect;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::desk::Desk;
use crate::editor;
use crate::state::{Effect, Msg, State, update};
use crate::store::Store;
use crate::terminal::{InputReader, TerminalGuard};
use crate::ui;
use crate::worker::Worker;

/// A terminal event as a message; key releases and focus changes are not news.
pub fn message_for(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize(width, height)),
        _ => None,
    }
}

/// The text an effect list wants edited externally, and the rest.
pub fn take_edit(effects: Vec<Effect>) -> (Option<String>, Vec<Effect>) {
    let mut edit = None;
    let rest = effects
        .into_iter()
        .filter_map(|effect| match effect {
            Effect::EditExternally { text } => {
                edit = Some(text);
                None
            }
            other => Some(other),
        })
        .collect();
    (edit, rest)
}

struct Console {
    state: State,
    worker: Worker,
    guard: TerminalGuard,
    input: InputReader,
    clock: Clock,
}

impl Console {
    /// Fold a message in and run what it asks for.
    fn handle(&mut self, msg: Msg) -> anyhow::Result<()> {
        let mut effects = update(&mut self.state, msg, self.clock.now());
        loop {
            let (edit, rest) = take_edit(effects);
            self.worker.run(rest);
            let Some(text) = edit else {
                return Ok(());
            };
            // The editor gets the terminal, and every keystroke, until it exits.
            self.input.pause();
            self.guard.suspend();
            let result = editor::edit(&text);
            self.guard.resume()?;
            self.input.resume();
            // The window may have changed size meanwhile.
            let size = self.guard.terminal.size()?;
            update(
                &mut self.state,
                Msg::Resize(size.width, size.height),
                self.clock.now(),
            );
            effects = update(&mut self.state, Msg::Edited(result), self.clock.now());
        }
    }
}

pub async fn run(
    mut state: State,
    desk: Arc<dyn Desk>,
    store: Option<Arc<Store>>,
    clock: Clock,
) -> anyhow::Result<()> {
    let guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    state.viewport = Rect::new(0, 0, size.width, size.height);

    let (replies_tx, mut replies) = mpsc::unbounded_channel();
    let worker = Worker::new(desk, store, replies_tx);
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut console = Console {
        state,
        worker,
        guard,
        input: InputReader::start(),
        clock,
    };

    let first = console.state.start();
    console.worker.run(first);
    loop {
        let Console { guard, state, .. } = &mut console;
        guard.terminal.draw(|frame| ui::render(frame, state))?;
        let msg = tokio::select! {
            event = console.input.next() => match event {
                Some(event) => message_for(event),
                None => break,
            },
            _ = ticker.tick() => Some(Msg::Tick),
            Some(reply) = replies.recv() => Some(Msg::Desk(reply)),
        };
        if let Some(msg) = msg {
            console.handle(msg)?;
        }
        // Answers that arrived meanwhile are folded in before the next frame.
        while let Ok(reply) = replies.try_recv() {
            console.handle(Msg::Desk(reply))?;
        }
        if console.state.should_quit {
            break;
        }
    }
    // Drafts reach the disk before the process ends.
    let _ = tokio::time::timeout(Duration::from_secs(3), console.worker.flush_store()).await;
    drop(console);
    Ok(())
}
