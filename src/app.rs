//! The console's one loop: terminal events, a one-second tick and desk
//! answers go into [`update`]; its effects go to the [`Worker`]; the state is
//! drawn after each batch of messages. Drawing never waits on the network.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use ratatui::layout::Rect;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::desk::Desk;
use crate::state::{Msg, State, update};
use crate::terminal::TerminalGuard;
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

pub async fn run(mut state: State, desk: Arc<dyn Desk>, clock: Clock) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    state.viewport = Rect::new(0, 0, size.width, size.height);

    let (replies_tx, mut replies) = mpsc::unbounded_channel();
    let mut worker = Worker::new(desk, replies_tx);
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    worker.run(state.start());
    loop {
        guard.terminal.draw(|frame| ui::render(frame, &state))?;
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => message_for(event),
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            _ = ticker.tick() => Some(Msg::Tick),
            Some(reply) = replies.recv() => Some(Msg::Desk(reply)),
        };
        if let Some(msg) = msg {
            let effects = update(&mut state, msg, clock.now());
            worker.run(effects);
        }
        // Answers that arrived meanwhile are folded in before the next frame.
        while let Ok(reply) = replies.try_recv() {
            let effects = update(&mut state, Msg::Desk(reply), clock.now());
            worker.run(effects);
        }
        if state.should_quit {
            break;
        }
    }
    drop(guard);
    Ok(())
}
