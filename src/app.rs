//! The console's one loop: terminal events, a one-second tick and answers
//! from the desk and the store go into [`update`]; its effects go to the
//! [`Worker`], except the external editor, which needs the terminal and is
//! run here. The state is drawn after each batch of messages; drawing never
//! waits on the network.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use crate::layout::Area;
use crossterm::event::{Event, KeyEventKind};
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::config::secret::Secret;
use crate::config::sla::Notify;
use crate::credential::StoreKind;
use crate::desk::Desk;
use crate::session::{Launcher, Session};
use crate::state::{DeskReply, Effect, Msg, SignInError, State, keys, update};
use crate::terminal::{InputReader, TerminalGuard};
use crate::ui;
use crate::worker::Worker;
use crate::{editor, opener};

/// A terminal event as a message; key releases and focus changes are not news.
pub fn message_for(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(width, height) => Some(Msg::Resize(width, height)),
        _ => None,
    }
}

/// Effects that need the terminal, split from those the worker runs.
#[derive(Debug, Default)]
pub struct Local {
    /// Text to hand to the external editor.
    pub edit: Option<String>,
    /// A file to show in the pager.
    pub page: Option<std::path::PathBuf>,
    /// Breach warnings to announce.
    pub notices: Vec<String>,
    /// A profile to open in place of this one.
    pub switch: Option<String>,
    /// A new token to sign in with.
    pub sign_in: Option<Secret>,
    /// Texts to put on the clipboard.
    pub copies: Vec<String>,
    /// A user's command to run with the terminal handed over.
    pub run: Option<String>,
    /// `:profile new`: connect a desk, with the terminal handed over.
    pub connect: bool,
    pub rest: Vec<Effect>,
}

pub fn split_local(effects: Vec<Effect>) -> Local {
    let mut local = Local::default();
    for effect in effects {
        match effect {
            Effect::EditExternally { text } => local.edit = Some(text),
            Effect::Page { path } => local.page = Some(path),
            Effect::Notify { text } => local.notices.push(text),
            Effect::SwitchProfile { name } => local.switch = Some(name),
            Effect::SignIn { token } => local.sign_in = Some(token),
            Effect::Clipboard { text } => local.copies.push(text),
            Effect::Connect => local.connect = true,
            Effect::RunCommand {
                line,
                background: false,
                ..
            } => local.run = Some(line),
            other => local.rest.push(other),
        }
    }
    local
}

/// The bytes that announce `text`: a bell, or a desktop notification
/// through OSC 9 or 777, wrapped for tmux to pass on when inside it.
pub fn notification(kind: Notify, text: &str, in_tmux: bool) -> Vec<u8> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() && *c != ';')
        .collect();
    let sequence = match kind {
        Notify::Off => return Vec::new(),
        Notify::Bell => return b"\x07".to_vec(),
        Notify::Osc9 => format!("\x1b]9;deskterm: {text}\x07"),
        Notify::Osc777 => format!("\x1b]777;notify;deskterm;{text}\x07"),
    };
    if in_tmux {
        format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b")).into_bytes()
    } else {
        sequence.into_bytes()
    }
}

/// The bytes that put `text` on the clipboard: OSC 52, which terminals
/// (and tmux, passed through) take to the machine the user sits at.
pub fn clipboard(text: &str, in_tmux: bool) -> Vec<u8> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let sequence = format!("\x1b]52;c;{encoded}\x07");
    if in_tmux {
        format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b")).into_bytes()
    } else {
        sequence.into_bytes()
    }
}

/// A profile being opened off the loop's thread: its name and the outcome.
type Opening = (String, Result<Session, String>);

/// Signing in again: the desk with the new token, what to say, where it is kept.
type Signing = Result<(Arc<dyn Desk>, String, StoreKind), SignInError>;

struct Console {
    state: State,
    worker: Worker,
    /// Answers from this worker; a new profile gets a new channel, so late
    /// answers from the old desk cannot reach the new state.
    replies: mpsc::UnboundedReceiver<DeskReply>,
    session: Session,
    launcher: Arc<Launcher>,
    opened_tx: mpsc::UnboundedSender<Opening>,
    signed_tx: mpsc::UnboundedSender<Signing>,
    guard: TerminalGuard,
    input: InputReader,
    clock: Clock,
}

impl Console {
    /// Fold a message in and run what it asks for.
    fn handle(&mut self, msg: Msg) -> anyhow::Result<()> {
        // A key becomes an action through the keymap of the screen on top,
        // here, before update() sees it.
        let msg = match msg {
            Msg::Key(key) => keys::resolve(&self.state, key),
            msg => msg,
        };
        let mut effects = update(&mut self.state, msg, self.clock.now());
        loop {
            let local = split_local(effects);
            self.worker.run(local.rest);
            if let Some(name) = local.switch {
                self.open_profile(name);
            }
            if let Some(token) = local.sign_in {
                self.sign_in(token);
            }
            if !local.copies.is_empty() {
                let in_tmux = std::env::var_os("TMUX").is_some();
                let backend = self.guard.terminal.backend_mut();
                for text in &local.copies {
                    backend.write_all(&clipboard(text, in_tmux))?;
                }
                backend.flush()?;
            }
            if !local.notices.is_empty() {
                let in_tmux = std::env::var_os("TMUX").is_some();
                let backend = self.guard.terminal.backend_mut();
                for text in &local.notices {
                    tracing::info!(%text, "breach warning");
                    backend.write_all(&notification(self.state.settings.notify, text, in_tmux))?;
                }
                backend.flush()?;
            }
            if local.connect {
                self.connect_desk()?;
            }
            let msg = match (local.edit, local.page, local.run) {
                (Some(text), _, _) => self.hand_over(|| Msg::Edited(editor::edit(&text)))?,
                (None, Some(path), _) => self.hand_over(|| Msg::Paged(opener::page(&path)))?,
                (None, None, Some(line)) => {
                    self.hand_over(|| Msg::RanHere(opener::run_here(&line)))?
                }
                (None, None, None) => return Ok(()),
            };
            effects = update(&mut self.state, msg, self.clock.now());
        }
    }

    /// The editor or pager gets the terminal, and every keystroke, until
    /// it exits; what it says comes back as a message.
    fn hand_over(&mut self, run: impl FnOnce() -> Msg) -> anyhow::Result<Msg> {
        self.input.pause();
        self.guard.suspend();
        let msg = run();
        self.guard.resume()?;
        self.input.resume();
        // The window may have changed size meanwhile.
        let size = self.guard.terminal.size()?;
        update(
            &mut self.state,
            Msg::Resize(size.width, size.height),
            self.clock.now(),
        );
        Ok(msg)
    }

    /// `:profile new`: `deskterm connect` with the terminal handed over;
    /// the profile it wrote is then opened, the config read again for it.
    fn connect_desk(&mut self) -> anyhow::Result<()> {
        let before: Vec<String> = self.launcher.config.profiles.keys().cloned().collect();
        let path = self.launcher.config_path.clone();
        let ran = self.hand_over(|| {
            let status = std::env::current_exe().and_then(|me| {
                std::process::Command::new(me)
                    .arg("--config")
                    .arg(&path)
                    .arg("connect")
                    .status()
            });
            Msg::RanHere(match status {
                Ok(s) if s.success() => Ok(()),
                Ok(_) => Err("no desk was connected".to_string()),
                Err(e) => Err(format!("deskterm connect could not start: {e}")),
            })
        })?;
        let connected = matches!(ran, Msg::RanHere(Ok(())));
        if !connected {
            update(&mut self.state, ran, self.clock.now());
            return Ok(());
        }
        let config = match crate::config::Config::load(&path) {
            Ok(config) => config,
            Err(e) => {
                update(
                    &mut self.state,
                    Msg::RanHere(Err(e.to_string())),
                    self.clock.now(),
                );
                return Ok(());
            }
        };
        let new = config
            .profiles
            .keys()
            .find(|p| !before.contains(p))
            .cloned();
        let mut launcher = (*self.launcher).clone();
        launcher.config = config;
        self.launcher = Arc::new(launcher);
        if let Some(name) = new {
            self.state.settings.profiles = self.launcher.profile_names();
            self.open_profile(name);
        }
        Ok(())
    }

    /// Open a profile on a blocking thread (its credential may come from a
    /// slow keyring); the loop goes on meanwhile.
    fn open_profile(&self, name: String) {
        let launcher = Arc::clone(&self.launcher);
        let tx = self.opened_tx.clone();
        tokio::task::spawn_blocking(move || {
            let opened = launcher.open(Some(&name)).map_err(|e| format!("{e:#}"));
            let _ = tx.send((name, opened));
        });
    }

    /// Check a new token with the desk and keep it, off the loop.
    fn sign_in(&self, token: Secret) {
        let launcher = Arc::clone(&self.launcher);
        let tx = self.signed_tx.clone();
        let name = self.state.settings.profile.clone();
        tokio::spawn(async move {
            let result = launcher
                .sign_in(&name, token)
                .await
                .map_err(|e| SignInError::new(&e));
            let _ = tx.send(result);
        });
    }

    /// The desk said yes: go on with it, keeping everything on screen.
    fn signed_in(&mut self, result: Signing) -> anyhow::Result<()> {
        let result = result.map(|(desk, told, kept_in)| {
            self.worker.set_desk(desk);
            self.state.settings.credential = Some(kept_in.short().to_string());
            told
        });
        self.handle(Msg::SignedIn(result))
    }

    /// Put an opened profile in place of the current one: drafts are saved
    /// first, and the old desk's simulator and tasks stop.
    async fn switch_to(
        &mut self,
        name: String,
        opened: Result<Session, String>,
    ) -> anyhow::Result<()> {
        let mut session = match opened {
            Ok(session) => session,
            Err(why) => {
                return self.handle(Msg::SwitchFailed(format!("cannot open {name}: {why}")));
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(3), self.worker.flush_store()).await;
        session.start(&self.launcher.arrivals);
        let mut settings = self.launcher.settings(&session);
        settings.theme = self.state.settings.theme.clone();
        let mut state = State::new(settings, self.clock.now(), self.state.viewport);
        let (tx, replies) = mpsc::unbounded_channel();
        self.worker = Worker::new(session.desk.clone(), session.store.clone(), self.clock, tx);
        self.replies = replies;
        match (&session.store_error, &session.credential) {
            (Some(why), _) => state.error(why.clone()),
            (None, Some((_, location))) => {
                state.info(format!("{name}: signed in with the token from {location}"))
            }
            (None, None) => state.info(format!("{name} opened")),
        }
        self.state = state;
        self.session = session;
        tracing::info!(profile = %name, "switched profile");
        let first = self.state.start();
        self.worker.run(first);
        Ok(())
    }
}

/// How long answers are folded in before the next frame is drawn.
const FOLD_FOR: Duration = Duration::from_millis(8);

/// Run the console on an opened profile until the user quits. `launcher`
/// opens the others `:profile` switches to.
pub async fn run(
    mut state: State,
    mut session: Session,
    launcher: Arc<Launcher>,
    clock: Clock,
) -> anyhow::Result<()> {
    let guard = TerminalGuard::enter(state.settings.mouse)?;
    let size = guard.terminal.size()?;
    state.viewport = Area::new(0, 0, size.width, size.height);

    session.start(&launcher.arrivals);
    let (replies_tx, replies) = mpsc::unbounded_channel();
    let worker = Worker::new(
        session.desk.clone(),
        session.store.clone(),
        clock,
        replies_tx,
    );
    let (opened_tx, mut opened) = mpsc::unbounded_channel();
    let (signed_tx, mut signed) = mpsc::unbounded_channel();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut console = Console {
        state,
        worker,
        replies,
        session,
        launcher,
        opened_tx,
        signed_tx,
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
            Some(reply) = console.replies.recv() => Some(Msg::Desk(reply)),
            Some((name, result)) = opened.recv() => {
                console.switch_to(name, result).await?;
                None
            }
            Some(result) = signed.recv() => {
                console.signed_in(result)?;
                None
            }
        };
        if let Some(msg) = msg {
            console.handle(msg)?;
        }
        // Answers that arrived meanwhile are folded in before the next
        // frame, for a few milliseconds at most: a stream of answers (a
        // large cache, page after page) must not hold the frame back.
        let fold_until = std::time::Instant::now() + FOLD_FOR;
        while std::time::Instant::now() < fold_until {
            let Ok(reply) = console.replies.try_recv() else {
                break;
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_are_a_bell_or_an_osc_and_pass_through_tmux() {
        assert!(notification(Notify::Off, "x", false).is_empty());
        assert_eq!(notification(Notify::Bell, "x", true), b"\x07");
        assert_eq!(
            notification(Notify::Osc9, "#4 first response due in 12m", false),
            b"\x1b]9;deskterm: #4 first response due in 12m\x07"
        );
        assert_eq!(
            notification(Notify::Osc777, "#4 due", false),
            b"\x1b]777;notify;deskterm;#4 due\x07"
        );
        // tmux passes a sequence on only inside its DCS, with ESC doubled.
        assert_eq!(
            notification(Notify::Osc9, "#4", true),
            b"\x1bPtmux;\x1b\x1b]9;deskterm: #4\x07\x1b\\"
        );
    }

    #[test]
    fn a_copy_is_osc_52_and_passes_through_tmux() {
        // "https://rt.example.org/Ticket/Display.html?id=42" in base64.
        let link = "https://rt.example.org/Ticket/Display.html?id=42";
        let encoded = "aHR0cHM6Ly9ydC5leGFtcGxlLm9yZy9UaWNrZXQvRGlzcGxheS5odG1sP2lkPTQy";
        assert_eq!(
            clipboard(link, false),
            format!("\x1b]52;c;{encoded}\x07").into_bytes()
        );
        assert_eq!(
            clipboard(link, true),
            format!("\x1bPtmux;\x1b\x1b]52;c;{encoded}\x07\x1b\\").into_bytes()
        );
        // A hostile text cannot end the sequence: base64 has no ESC or BEL.
        let hostile = clipboard("x\x07\x1b]0;pwned\x07", false);
        assert_eq!(hostile.iter().filter(|b| **b == 0x07).count(), 1);
    }

    #[test]
    fn a_subject_cannot_end_the_notification_early() {
        // A bell or ESC in a ticket's subject would end the OSC and write
        // the rest to the screen; a ';' would split OSC 777's fields.
        let bytes = notification(Notify::Osc777, "a\x07b\x1b]0;x;y", false);
        assert_eq!(bytes, b"\x1b]777;notify;deskterm;ab]0xy\x07");
    }
}
