//! All the console's state, and the one function that changes it:
//! [`update`] takes a message and the time, changes the state, and returns the
//! effects (desk calls) to run. Nothing here awaits, reads a file or a socket:
//! results come back later as [`Msg::Desk`].

pub mod command;
pub mod compose;
pub mod input;
pub mod queue;
pub mod ticket;
pub mod tickets;

use crossterm::event::{KeyCode, KeyEvent};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use ratatui::layout::Rect;

use crate::action::Action;
use crate::config::keymap::{Context, Key, Keymap};
use crate::config::theme::{Theme, ThemeSet};
use crate::desk::{
    Agent, Applied, Change, DeskError, Page, PageRequest, Query, Queue, TicketDetail, TicketId,
    TicketSummary, Version,
};
use crate::sla::Thresholds;
use crate::ui;
use command::{Command, CommandLine, Vocabulary};
use compose::{Compose, ComposeKind};
use input::Edit;
use queue::{Counts, QueueView, Section, sections_for};
use ticket::TicketView;
use tickets::TicketSet;

/// Everything that can happen to the console.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// Once a second: countdowns move, refreshes come due, messages expire.
    Tick,
    Desk(DeskReply),
}

/// Work for the outside world; its result comes back as a [`DeskReply`].
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    LoadDirectory,
    Search {
        request: u64,
        query: Query,
        page: PageRequest,
    },
    Refresh {
        request: u64,
        query: Query,
        since: Timestamp,
    },
    LoadTicket {
        request: u64,
        id: TicketId,
    },
    /// A write to a ticket, based on the version the user saw.
    Apply {
        request: u64,
        id: TicketId,
        based_on: Version,
        change: Change,
    },
}

/// Who is signed in and what the desk has.
#[derive(Clone, Debug, PartialEq)]
pub struct Directory {
    pub me: Agent,
    pub queues: Vec<Queue>,
    pub agents: Vec<Agent>,
}

#[derive(Debug)]
pub enum DeskReply {
    Directory(Result<Directory, DeskError>),
    Page {
        request: u64,
        page: PageRequest,
        result: Result<Page<TicketSummary>, DeskError>,
    },
    Changed {
        request: u64,
        result: Result<Vec<TicketSummary>, DeskError>,
    },
    Ticket {
        request: u64,
        result: Result<Box<TicketDetail>, DeskError>,
    },
    Applied {
        request: u64,
        id: TicketId,
        result: Result<Box<Applied>, DeskError>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Offline(String),
}

/// A message on the status line that goes away by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    ticks_left: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    None,
    Help { scroll: usize },
    Command(CommandLine),
}

/// What the console starts with, from the command line and config.
#[derive(Clone, Debug)]
pub struct Settings {
    pub profile: String,
    pub keymap: Keymap,
    pub themes: ThemeSet,
    pub theme: Theme,
    pub thresholds: Thresholds,
    /// Seconds between incremental refreshes.
    pub refresh_every: u32,
    pub default_section: Option<String>,
    pub time_zone: TimeZone,
    pub page_size: u32,
}

pub struct State {
    pub profile: String,
    pub now: Timestamp,
    pub time_zone: TimeZone,
    pub viewport: Rect,
    pub keymap: Keymap,
    pub themes: ThemeSet,
    pub theme: Theme,
    pub thresholds: Thresholds,

    pub me: Option<Agent>,
    pub queues: Vec<Queue>,
    pub agents: Vec<Agent>,
    pub tickets: TicketSet,
    pub sections: Vec<Section>,
    pub section: usize,
    pub queue: QueueView,
    pub ticket: Option<TicketView>,
    /// A reply or note being written; shown under the ticket.
    pub compose: Option<Compose>,
    pub overlay: Overlay,
    pub counts: Counts,

    pub connection: Connection,
    /// When the desk last answered a load or refresh.
    pub last_refresh: Option<Timestamp>,
    pub flash: Option<Flash>,
    pub should_quit: bool,

    /// Newest `updated` seen: where the next incremental refresh starts.
    watermark: Option<Timestamp>,
    loaded: bool,
    directory_loaded: bool,
    directory_in_flight: bool,
    load_request: Option<u64>,
    refresh_request: Option<u64>,
    ticks_since_refresh: u32,
    failures: u32,
    /// Refreshes in a row that found nothing new; the poll slows down.
    idle_refreshes: u32,
    refresh_every: u32,
    page_size: u32,
    pending_section: Option<String>,
    next_request: u64,
}

const FLASH_TICKS: u32 = 6;

impl State {
    pub fn new(settings: Settings, now: Timestamp, viewport: Rect) -> Self {
        let mut state = Self {
            profile: settings.profile,
            now,
            time_zone: settings.time_zone,
            viewport,
            keymap: settings.keymap,
            themes: settings.themes,
            theme: settings.theme,
            thresholds: settings.thresholds,
            me: None,
            queues: Vec::new(),
            agents: Vec::new(),
            tickets: TicketSet::default(),
            sections: sections_for(&[]),
            section: 0,
            queue: QueueView::default(),
            ticket: None,
            compose: None,
            overlay: Overlay::None,
            counts: Counts::default(),
            connection: Connection::Connecting,
            last_refresh: None,
            flash: None,
            should_quit: false,
            watermark: None,
            loaded: false,
            directory_loaded: false,
            directory_in_flight: false,
            load_request: None,
            refresh_request: None,
            ticks_since_refresh: 0,
            failures: 0,
            idle_refreshes: 0,
            refresh_every: settings.refresh_every.max(1),
            page_size: settings.page_size.max(1),
            pending_section: settings.default_section,
            next_request: 0,
        };
        state.apply_pending_section();
        state
    }

    /// The first effects: who am I, which queues, and the first page of tickets.
    pub fn start(&mut self) -> Vec<Effect> {
        self.directory_in_flight = true;
        vec![Effect::LoadDirectory, self.begin_load()]
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: false,
            ticks_left: FLASH_TICKS,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        tracing::warn!(message = %text, "shown to the user");
        self.flash = Some(Flash {
            text,
            error: true,
            ticks_left: FLASH_TICKS * 2,
        });
    }

    fn request_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    fn begin_load(&mut self) -> Effect {
        let request = self.request_id();
        self.load_request = Some(request);
        self.ticks_since_refresh = 0;
        Effect::Search {
            request,
            query: Query::active(),
            page: PageRequest::first(self.page_size),
        }
    }

    fn begin_refresh(&mut self) -> Vec<Effect> {
        if !self.loaded {
            return match self.load_request {
                Some(_) => Vec::new(),
                None => vec![self.begin_load()],
            };
        }
        if self.refresh_request.is_some() {
            return Vec::new();
        }
        let request = self.request_id();
        self.refresh_request = Some(request);
        self.ticks_since_refresh = 0;
        vec![Effect::Refresh {
            request,
            query: Query::default(),
            since: self.watermark.unwrap_or(self.now),
        }]
    }

    /// Seconds until the next refresh is due: doubling after each failure
    /// (up to 16 times), and twice or four times as long when the desk has
    /// been quiet and nobody is at the keyboard.
    pub fn refresh_interval(&self) -> u32 {
        let backoff = if self.failures > 0 {
            self.failures.min(4)
        } else {
            (self.idle_refreshes / 6).min(2)
        };
        (self.refresh_every << backoff).min(120.max(self.refresh_every))
    }

    /// Whether the prompt row (filter or command line) is on screen.
    pub fn prompt_visible(&self) -> bool {
        matches!(self.overlay, Overlay::Command(_))
            || (self.ticket.is_none()
                && (self.queue.filtering || !self.queue.filter.text().is_empty()))
    }

    /// Rows of tickets the table shows.
    pub fn list_height(&self) -> usize {
        ui::layout::queue_rows(self.viewport, self.prompt_visible())
    }

    fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            queues: self.queues.iter().map(|q| q.name.to_string()).collect(),
            sections: self.sections.iter().map(|s| s.name.clone()).collect(),
            themes: self.themes.names(),
        }
    }

    fn apply_pending_section(&mut self) {
        if let Some(name) = self.pending_section.clone()
            && let Some(i) = self.find_section(&name)
        {
            self.section = i;
            self.pending_section = None;
        }
    }

    fn hold(&mut self, ticket: TicketSummary) {
        self.watermark = Some(
            self.watermark
                .map_or(ticket.updated, |w| w.max(ticket.updated)),
        );
        if ticket.status.kind.is_active() {
            self.tickets.upsert(ticket);
        } else {
            self.tickets.remove(&ticket.id);
        }
    }

    fn open_ticket(&mut self, id: TicketId) -> Vec<Effect> {
        let request = self.request_id();
        let summary = self.tickets.by_id(&id).cloned();
        self.ticket = Some(TicketView::new(id.clone(), summary, request));
        vec![Effect::LoadTicket { request, id }]
    }

    fn reload_ticket(&mut self) -> Vec<Effect> {
        let request = self.request_id();
        match &mut self.ticket {
            Some(view) => {
                view.request = request;
                vec![Effect::LoadTicket {
                    request,
                    id: view.id.clone(),
                }]
            }
            None => Vec::new(),
        }
    }
}

/// The one place state changes.
pub fn update(state: &mut State, msg: Msg, now: Timestamp) -> Vec<Effect> {
    state.now = now;
    match msg {
        Msg::Tick => on_tick(state),
        Msg::Resize(width, height) => {
            state.viewport = Rect::new(0, 0, width, height);
            state.clamp_cursor();
            clamp_ticket_scroll(state);
            Vec::new()
        }
        Msg::Key(key) => on_key(state, key),
        Msg::Paste(text) => {
            if let (Overlay::None, Some(compose)) = (&state.overlay, &mut state.compose) {
                compose.editor.insert_str(&text);
                compose.confirm_discard = false;
            } else if let Overlay::Command(line) = &mut state.overlay {
                line.input.insert_str(&text);
                line.edited();
            } else if state.queue.filtering {
                state.queue.filter.insert_str(&text);
                state.refilter();
            }
            Vec::new()
        }
        Msg::Desk(reply) => on_reply(state, reply),
    }
}

fn on_tick(state: &mut State) -> Vec<Effect> {
    if let Some(flash) = &mut state.flash {
        flash.ticks_left = flash.ticks_left.saturating_sub(1);
        if flash.ticks_left == 0 {
            state.flash = None;
        }
    }
    // Countdowns cross thresholds as time passes.
    state.recount();
    state.ticks_since_refresh += 1;
    let mut effects = Vec::new();
    if state.ticks_since_refresh >= state.refresh_interval() {
        if !state.directory_loaded && !state.directory_in_flight {
            state.directory_in_flight = true;
            effects.push(Effect::LoadDirectory);
        }
        effects.extend(state.begin_refresh());
    }
    effects
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // Someone is here: refresh at the normal pace again.
    state.idle_refreshes = 0;
    if let Overlay::Command(_) = state.overlay {
        return command_key(state, &key);
    }
    if let Overlay::Help { scroll } = state.overlay {
        let lines = ui::help::line_count(state);
        let page = usize::from(state.viewport.height.saturating_sub(4)).max(1);
        let max = lines.saturating_sub(page);
        let keyed = state.keymap.action(Context::Global, Key::from_event(&key));
        let scroll = match key.code {
            KeyCode::Esc | KeyCode::Char('q') => None,
            _ if keyed == Some(Action::Help) => None,
            KeyCode::Down | KeyCode::Char('j') => Some((scroll + 1).min(max)),
            KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
            KeyCode::PageDown | KeyCode::Char(' ') => Some((scroll + page).min(max)),
            KeyCode::PageUp => Some(scroll.saturating_sub(page)),
            KeyCode::Home | KeyCode::Char('g') => Some(0),
            KeyCode::End | KeyCode::Char('G') => Some(max),
            _ => Some(scroll),
        };
        state.overlay = scroll.map_or(Overlay::None, |scroll| Overlay::Help { scroll });
        return Vec::new();
    }
    if state.compose.is_some() {
        return compose_key(state, key);
    }
    if state.queue.filtering && state.ticket.is_none() {
        match state.queue.filter.handle(&key) {
            Edit::Submit => state.queue.filtering = false,
            Edit::Cancel => {
                state.queue.filtering = false;
                state.queue.filter.clear();
                state.refilter();
            }
            Edit::Changed => {
                state.queue.cursor = 0;
                state.queue.offset = 0;
                state.refilter();
                state.queue.cursor = 0;
                state.clamp_cursor();
            }
            Edit::Moved | Edit::Complete | Edit::Ignored => {}
        }
        return Vec::new();
    }
    let context = if state.ticket.is_some() {
        Context::Ticket
    } else {
        Context::Queue
    };
    match state.keymap.action(context, Key::from_event(&key)) {
        Some(action) => apply(state, action),
        None => Vec::new(),
    }
}

fn command_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let vocabulary = state.vocabulary();
    let Overlay::Command(line) = &mut state.overlay else {
        return Vec::new();
    };
    match line.input.handle(key) {
        Edit::Submit => {
            let text = line.input.text().to_string();
            state.overlay = Overlay::None;
            if text.trim().is_empty() {
                return Vec::new();
            }
            match command::parse(&text) {
                Ok(command) => return run_command(state, command),
                Err(message) => state.error(message),
            }
        }
        Edit::Cancel => state.overlay = Overlay::None,
        Edit::Complete => line.complete(&vocabulary),
        Edit::Changed => line.edited(),
        Edit::Moved | Edit::Ignored => {}
    }
    Vec::new()
}

fn run_command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => apply(state, Action::Quit),
        Command::Help => apply(state, Action::Help),
        Command::Refresh => apply(state, Action::Refresh),
        Command::Section(name) => {
            match state.find_section(&name) {
                Some(i) => {
                    state.ticket = None;
                    state.select_section(i);
                }
                None => {
                    let names: Vec<_> = state.sections.iter().map(|s| s.name.as_str()).collect();
                    state.error(format!(
                        "no section `{name}`; there are: {}",
                        names.join(", ")
                    ));
                }
            }
            Vec::new()
        }
        Command::Sort { key, reversed } => {
            state.queue.sort = key;
            state.queue.reversed = reversed;
            state.resort();
            state.info(sort_message(state));
            Vec::new()
        }
        Command::Theme(name) => {
            match state.themes.get(&name) {
                Some(theme) if state.themes.no_color => {
                    state.theme = theme;
                    state.info("NO_COLOR is set, so colours stay off");
                }
                Some(theme) => {
                    state.theme = theme;
                    state.info(format!("theme {name}"));
                }
                None => {
                    let names = state.themes.names().join(", ");
                    state.error(format!("no theme `{name}`; there are: {names}"));
                }
            }
            Vec::new()
        }
        Command::Open(id) => open_by_id(state, TicketId(id)),
    }
}

fn open_by_id(state: &mut State, id: TicketId) -> Vec<Effect> {
    if let Some(i) = state
        .queue
        .visible
        .iter()
        .position(|&i| state.tickets.get(i).is_some_and(|t| t.id == id))
    {
        state.queue.cursor = i;
        state.clamp_cursor();
    }
    state.open_ticket(id)
}

fn sort_message(state: &State) -> String {
    let direction = if state.queue.reversed {
        ", reversed"
    } else {
        ""
    };
    format!("sorted by {}{direction}", state.queue.sort.name())
}

fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            state.should_quit = true;
            return Vec::new();
        }
        Action::Help => {
            state.overlay = Overlay::Help { scroll: 0 };
            return Vec::new();
        }
        Action::Command => {
            state.overlay = Overlay::Command(CommandLine::default());
            return Vec::new();
        }
        _ => {}
    }
    if let Action::Reply | Action::Note = action {
        let kind = if action == Action::Reply {
            ComposeKind::Reply
        } else {
            ComposeKind::Note
        };
        return start_compose(state, kind);
    }
    if state.ticket.is_some() {
        ticket_action(state, action)
    } else {
        queue_action(state, action)
    }
}

/// Open the compose pane on the ticket in view, or the selected one.
fn start_compose(state: &mut State, kind: ComposeKind) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.ticket.is_none() {
        let Some(id) = state.selected().map(|t| t.id.clone()) else {
            return effects;
        };
        effects = state.open_ticket(id);
    }
    let Some(view) = &state.ticket else {
        return effects;
    };
    let version = view
        .summary()
        .map_or_else(|| Version(String::new()), |s| s.version.clone());
    state.compose = Some(Compose::new(kind, view.id.clone(), version));
    // Writing follows the end of the conversation.
    if let Some(view) = &mut state.ticket {
        view.scroll = usize::MAX / 2;
    }
    clamp_ticket_scroll(state);
    effects
}

fn compose_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let action = state
        .keymap
        .action_in(Context::Compose, Key::from_event(&key));
    let Some(compose) = &mut state.compose else {
        return Vec::new();
    };
    match action {
        Some(Action::Send) => return send(state),
        Some(Action::Cancel) => {
            if compose.is_blank() || compose.confirm_discard {
                state.compose = None;
            } else {
                compose.confirm_discard = true;
                state.info("esc again discards the text; ctrl-x sends it");
            }
        }
        _ if compose.sending.is_some() => {}
        _ => {
            compose.confirm_discard = false;
            compose.editor.input(key);
        }
    }
    Vec::new()
}

fn send(state: &mut State) -> Vec<Effect> {
    let request = state.request_id();
    let latest = state
        .ticket
        .as_ref()
        .and_then(|v| v.summary())
        .map(|s| s.version.clone());
    let Some(compose) = &mut state.compose else {
        return Vec::new();
    };
    if compose.sending.is_some() {
        return Vec::new();
    }
    if compose.is_blank() {
        state.info("nothing to send yet");
        return Vec::new();
    }
    // After a conflict the user has seen the new messages: send on top of them.
    if compose.conflict
        && let Some(latest) = latest
    {
        compose.based_on = latest;
        compose.conflict = false;
    }
    compose.sending = Some(request);
    vec![Effect::Apply {
        request,
        id: compose.ticket.clone(),
        based_on: compose.based_on.clone(),
        change: compose.change(),
    }]
}

fn queue_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.list_height().max(1) as isize;
    match action {
        Action::Up => state.move_cursor(-1),
        Action::Down => state.move_cursor(1),
        Action::PageUp => state.move_cursor(-page),
        Action::PageDown => state.move_cursor(page),
        Action::Top => state.move_cursor(isize::MIN / 2),
        Action::Bottom => state.move_cursor(isize::MAX / 2),
        Action::Open => {
            if let Some(id) = state.selected().map(|t| t.id.clone()) {
                return state.open_ticket(id);
            }
        }
        Action::Filter => state.queue.filtering = true,
        Action::ClearFilter => {
            if !state.queue.filter.text().is_empty() {
                state.queue.filter.clear();
                state.refilter();
            }
        }
        Action::NextSection => {
            let next = (state.section + 1) % state.sections.len().max(1);
            state.select_section(next);
        }
        Action::PrevSection => {
            let count = state.sections.len().max(1);
            state.select_section((state.section + count - 1) % count);
        }
        Action::Section(n) => state.select_section(usize::from(n).saturating_sub(1)),
        Action::SortNext => {
            state.queue.sort = state.queue.sort.next();
            state.queue.reversed = false;
            state.resort();
            state.info(sort_message(state));
        }
        Action::SortReverse => {
            state.queue.reversed = !state.queue.reversed;
            state.resort();
            state.info(sort_message(state));
        }
        Action::Refresh => {
            let effects = state.begin_refresh();
            if effects.is_empty() {
                state.info("a refresh is already on its way");
            }
            return effects;
        }
        Action::Back
        | Action::NextTicket
        | Action::PrevTicket
        | Action::Quit
        | Action::Help
        | Action::Command
        | Action::Reply
        | Action::Note
        | Action::Send
        | Action::Cancel => {}
    }
    Vec::new()
}

fn ticket_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = ui::ticket::conversation_rows(state).max(1);
    let Some(view) = &mut state.ticket else {
        return Vec::new();
    };
    match action {
        Action::Up => view.scroll = view.scroll.saturating_sub(1),
        Action::Down => view.scroll += 1,
        Action::PageUp => view.scroll = view.scroll.saturating_sub(page),
        Action::PageDown => view.scroll += page,
        Action::Top => view.scroll = 0,
        Action::Bottom => view.scroll = usize::MAX / 2,
        Action::Back => {
            state.ticket = None;
            return Vec::new();
        }
        Action::NextTicket | Action::PrevTicket => {
            let step = if action == Action::NextTicket { 1 } else { -1 };
            let before = state.queue.cursor;
            state.move_cursor(step);
            if state.queue.cursor != before
                && let Some(id) = state.selected().map(|t| t.id.clone())
            {
                return state.open_ticket(id);
            }
            return Vec::new();
        }
        Action::Refresh => {
            let mut effects = state.reload_ticket();
            effects.extend(state.begin_refresh());
            return effects;
        }
        _ => return Vec::new(),
    }
    clamp_ticket_scroll(state);
    Vec::new()
}

fn clamp_ticket_scroll(state: &mut State) {
    let max = ui::ticket::max_scroll(state);
    if let Some(view) = &mut state.ticket {
        view.scroll = view.scroll.min(max);
    }
}

fn on_reply(state: &mut State, reply: DeskReply) -> Vec<Effect> {
    match reply {
        DeskReply::Directory(result) => {
            state.directory_in_flight = false;
            match result {
                Ok(directory) => {
                    let current = state.sections.get(state.section).map(|s| s.name.clone());
                    state.me = Some(directory.me);
                    state.sections = sections_for(&directory.queues);
                    state.queues = directory.queues;
                    state.agents = directory.agents;
                    state.directory_loaded = true;
                    state.section = current
                        .and_then(|name| state.sections.iter().position(|s| s.name == name))
                        .unwrap_or(0);
                    state.apply_pending_section();
                    state.resort();
                }
                Err(e) => went_offline(state, &e),
            }
            Vec::new()
        }
        DeskReply::Page {
            request,
            page,
            result,
        } => {
            if state.load_request != Some(request) {
                return Vec::new();
            }
            match result {
                Ok(found) => {
                    for ticket in found.items {
                        state.hold(ticket);
                    }
                    state.resort();
                    if found.more {
                        return vec![Effect::Search {
                            request,
                            query: Query::active(),
                            page: page.next(),
                        }];
                    }
                    state.load_request = None;
                    state.loaded = true;
                    back_online(state);
                }
                Err(e) => {
                    state.load_request = None;
                    went_offline(state, &e);
                }
            }
            Vec::new()
        }
        DeskReply::Changed { request, result } => {
            if state.refresh_request != Some(request) {
                return Vec::new();
            }
            state.refresh_request = None;
            match result {
                Ok(changed) => {
                    if changed.is_empty() {
                        state.idle_refreshes += 1;
                    } else {
                        state.idle_refreshes = 0;
                    }
                    let open_changed = state.ticket.as_ref().is_some_and(|view| {
                        changed.iter().any(|t| {
                            t.id == view.id && view.summary().is_none_or(|s| s.version != t.version)
                        })
                    });
                    for ticket in changed {
                        state.hold(ticket);
                    }
                    state.resort();
                    back_online(state);
                    if open_changed {
                        return state.reload_ticket();
                    }
                }
                Err(e) => went_offline(state, &e),
            }
            Vec::new()
        }
        DeskReply::Applied {
            request,
            id,
            result,
        } => on_applied(state, request, id, result),
        DeskReply::Ticket { request, result } => {
            let Some(view) = state.ticket.as_mut().filter(|v| v.request == request) else {
                return Vec::new();
            };
            match result {
                Ok(detail) => {
                    view.error = None;
                    let summary = detail.summary.clone();
                    view.detail = Some(*detail);
                    // While writing, the newest messages are the ones to see.
                    if state.compose.is_some() {
                        view.scroll = usize::MAX / 2;
                    }
                    state.hold(summary);
                    state.resort();
                    clamp_ticket_scroll(state);
                }
                Err(e) => {
                    view.error = Some(e.to_string());
                    state.error(format!("could not load the ticket: {e}"));
                }
            }
            Vec::new()
        }
    }
}

fn on_applied(
    state: &mut State,
    request: u64,
    id: TicketId,
    result: Result<Box<Applied>, DeskError>,
) -> Vec<Effect> {
    let Some(compose) = state
        .compose
        .as_mut()
        .filter(|c| c.sending == Some(request))
    else {
        return Vec::new();
    };
    compose.sending = None;
    let kind = compose.kind;
    let reload = state.ticket.as_ref().is_some_and(|v| v.id == id);
    match result {
        Ok(applied) => {
            state.compose = None;
            state.hold(applied.summary);
            state.resort();
            state.info(match kind {
                ComposeKind::Reply => format!("reply sent to #{}", id.0),
                ComposeKind::Note => format!("note added to #{}", id.0),
            });
        }
        Err(DeskError::Conflict { .. }) => {
            compose.conflict = true;
            state.error(format!(
                "#{} changed on the desk while you wrote: read what is new, then ctrl-x sends anyway",
                id.0
            ));
        }
        Err(e) => {
            state.error(format!("not sent, your text is kept: {e}"));
            return Vec::new();
        }
    }
    if reload {
        state.reload_ticket()
    } else {
        Vec::new()
    }
}

fn back_online(state: &mut State) {
    if state.failures > 0 {
        state.info("connected again");
    }
    state.failures = 0;
    state.connection = Connection::Live;
    state.last_refresh = Some(state.now);
}

fn went_offline(state: &mut State, error: &DeskError) {
    state.failures += 1;
    state.connection = Connection::Offline(error.to_string());
    let retry = state.refresh_interval();
    state.error(format!("{error} (retrying in {retry}s)"));
}
