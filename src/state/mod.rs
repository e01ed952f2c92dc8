//! All the console's state, and the one function that changes it:
//! [`update`] takes a message and the time, changes the state, and returns the
//! effects (desk calls, store writes, the external editor) to run. Nothing
//! here awaits, reads a file or a socket: results come back later as
//! [`Msg::Desk`] or [`Msg::Edited`].
//!
//! [`State`] is a composition of parts that own their data and rules:
//! [`Settings`] (held once), [`Screen`] (what is on screen: one view and a
//! stack of overlays), [`Holdings`] (the tickets held, their counts, tally
//! and clocks), [`Schedule`] (when the desk is asked), [`Outbox`] (writes
//! waiting, sent, refused, each one [`crate::store::QueuedWrite`] in memory
//! and on disk; its views in [`outbox`]; the one gate in
//! [`crate::desk::gate`]), and the queue's view ([`queue`]). A key reaches
//! `update` already resolved by [`keys::resolve`] through the keymap of
//! whatever is on top.
//!
//! Paging and scrolling need the screen's shape (rows per page, how the
//! conversation wraps); that comes from [`crate::layout`], never from
//! `ui`, which only reads the state to draw it.

mod actions;
pub mod command;
pub mod compose;
pub mod dash;
mod fields;
pub mod holdings;
pub mod input;
pub mod intake;
pub mod keys;
pub mod messages;
mod mouse;
pub mod outbox;
pub mod picker;
pub mod queue;
mod replies;
pub mod schedule;
pub mod screen;
pub mod sections;
pub mod ticket;
pub mod tickets;
pub mod writes;

use std::collections::{BTreeSet, HashMap};

use crossterm::event::KeyEvent;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::action::Action;
use crate::config::keymap::Keymap;
use crate::config::macros::Macro;
use crate::config::secret::Secret;
use crate::config::sla::Notify;
use crate::config::theme::{Theme, ThemeSet};
use crate::desk::paging::Pager;
use crate::desk::{
    Agent, Applied, Change, DeskError, Page, PageRequest, Query, Queue, TicketDetail, TicketId,
    TicketSummary, Version,
};
use crate::layout::{self, Area};
use crate::sla::Thresholds;
use crate::sla::engine::Engine;
use crate::store::{Cached, Draft, QueuedWrite, StoreError};
use command::Vocabulary;
use holdings::Holdings;
use queue::QueueView;
use schedule::Schedule;
pub use screen::{Overlay, Screen, View};
use sections::{Section, sections_for};
use ticket::TicketView;
use writes::Outbox;

/// Everything that can happen to the console.
#[derive(Debug)]
pub enum Msg {
    /// A key press as the terminal sent it; the loop resolves it first
    /// ([`keys::resolve`]) into one of the next two.
    Key(KeyEvent),
    /// A key the keymap of the screen on top binds.
    Action(Action),
    /// A key for the text being typed (or for nothing).
    Type(KeyEvent),
    Paste(String),
    /// A command run with the terminal handed over ended.
    RanHere(Result<(), String>),
    /// A click or a turn of the wheel (when the mouse is the console's).
    Mouse(crossterm::event::MouseEvent),
    Resize(u16, u16),
    /// Once a second: countdowns move, refreshes come due, messages expire.
    Tick,
    Desk(DeskReply),
    /// The external editor is done: the new text, or why there is none.
    Edited(Result<String, String>),
    /// The pager is done, or why it did not run.
    Paged(Result<(), String>),
    /// A profile could not be opened; the console stays where it is.
    SwitchFailed(String),
    /// Signing in again: who the desk says we are, or why not.
    SignedIn(Result<String, SignInError>),
}

/// Why signing in again failed: the words to show, and the desk's error
/// when the desk was asked (its kind, whatever words it was told in).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{why}")]
pub struct SignInError {
    pub why: String,
    pub desk: Option<DeskError>,
}

impl SignInError {
    /// From `signin::login`'s error, the desk's kept by its type.
    pub fn new(error: &anyhow::Error) -> Self {
        let desk = error.chain().find_map(|cause| {
            cause
                .downcast_ref::<crate::desk::Explained>()
                .map(|told| told.error.clone())
                .or_else(|| cause.downcast_ref::<DeskError>().cloned())
        });
        Self {
            why: format!("{error:#}"),
            desk,
        }
    }
}

/// Work for the outside world; its result comes back as a [`DeskReply`].
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    LoadDirectory,
    /// Read a query's tickets from the desk, up to `limit`, for a fetched
    /// section or a search.
    Find {
        request: u64,
        query: Query,
        limit: usize,
    },
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
        /// It may already be on the desk (sent then, its answer lost): look
        /// for it among what happened since, before sending it again.
        check_since: Option<Timestamp>,
    },
    /// Log a new ticket; one whose answer was lost is looked for (made at
    /// or after `since`) before it is sent again.
    Create {
        request: u64,
        ticket: crate::desk::NewTicket,
        since: Timestamp,
    },
    /// Fetch attachments (id and name) into `folder`, each as a new file.
    SaveAttachments {
        files: Vec<(String, String)>,
        folder: std::path::PathBuf,
    },
    /// Fetch an attachment into the private view folder, to look at it.
    FetchToView {
        id: String,
        name: String,
        mime: String,
    },
    /// Show a file in $PAGER; the terminal is released meanwhile.
    Page {
        path: std::path::PathBuf,
    },
    /// Hand a file to the system's opener.
    OpenFile {
        path: std::path::PathBuf,
    },
    /// Run one of the user's commands: with the terminal handed over, or
    /// beside the console with its output shown when it ends.
    RunCommand {
        line: String,
        label: String,
        background: bool,
    },
    /// `:profile new`: `deskterm connect`, with the terminal handed over,
    /// then the profile it wrote opened.
    Connect,
    /// Hand a web page to the system's opener.
    OpenLink {
        url: String,
    },
    /// Put text on the clipboard of the terminal's owner (OSC 52: it
    /// reaches the laptop's clipboard through SSH and tmux).
    Clipboard {
        text: String,
    },
    /// A requester's tickets, every status, for the ticket in view.
    LoadHistory {
        id: TicketId,
        email: String,
    },
    /// The fields of a ticket agents can set, to choose one.
    LoadFields {
        id: TicketId,
    },
    /// Read a ticket that changed under a write, to tell the user what changed.
    Inspect {
        request: u64,
        id: TicketId,
    },
    LoadDrafts,
    SaveDraft(Draft),
    /// Keep writes in the outbox on disk, before they are sent.
    OutboxPut(Vec<QueuedWrite>),
    /// Keep a reply or note from the pane in the outbox and let go of its
    /// draft, in one transaction.
    OutboxQueue {
        items: Vec<QueuedWrite>,
        sent_draft: TicketId,
    },
    /// Writes taken back out of the outbox, their text a draft again, in one
    /// transaction.
    OutboxUnqueue {
        keys: Vec<String>,
        draft: Option<Draft>,
    },
    /// The desk has the write, or the user let it go.
    OutboxRemove(String),
    /// What the outbox held when the console last stopped.
    LoadOutbox,
    /// What was last seen, to show until the desk answers.
    LoadCache,
    /// Check a credential with the desk, keep it, and go on with it.
    SignIn {
        token: Secret,
    },
    DeleteDraft(TicketId),
    /// Hand the text to $VISUAL / $EDITOR; the terminal is released meanwhile.
    EditExternally {
        text: String,
    },
    /// Tell the terminal a clock is about to breach (bell or OSC 9/777).
    Notify {
        text: String,
    },
    /// Open another profile in place of this one.
    SwitchProfile {
        name: String,
    },
}

/// Who is signed in and what the desk has.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Directory {
    pub me: Agent,
    pub queues: Vec<Queue>,
    pub agents: Vec<Agent>,
    /// The agent's own views on the desk, as sections.
    #[serde(default)]
    pub views: Vec<crate::desk::View>,
    /// The desk's own macros, beside the config's.
    #[serde(default)]
    pub macros: Vec<crate::desk::DeskMacro>,
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
        /// The desk could not be asked (why): this is the cached copy.
        cached: Option<String>,
    },
    Applied {
        request: u64,
        id: TicketId,
        result: Result<Box<Applied>, DeskError>,
    },
    Inspected {
        request: u64,
        result: Result<Box<TicketDetail>, DeskError>,
    },
    Created {
        request: u64,
        result: Result<Box<TicketSummary>, DeskError>,
    },
    /// An attachment fetched to look at: where it is, or why not.
    Fetched {
        name: String,
        mime: String,
        result: Result<std::path::PathBuf, String>,
    },
    /// A background command ended: its output, or why it failed.
    Ran {
        label: String,
        result: Result<String, String>,
    },
    /// A fetched section's tickets, and why the list stopped short if it did.
    Found {
        request: u64,
        result: Result<(Vec<TicketSummary>, Option<String>), DeskError>,
    },
    /// The requester's tickets, for the ticket `id`.
    History {
        id: TicketId,
        result: Result<Vec<TicketSummary>, DeskError>,
    },
    /// The fields of a ticket, to pick one.
    Fields {
        id: TicketId,
        result: Result<Vec<crate::desk::FieldSpec>, DeskError>,
    },
    /// Where each attachment went, or why it did not.
    Saved(Vec<Result<std::path::PathBuf, String>>),
    Drafts(Result<Vec<Draft>, StoreError>),
    Stored(Result<(), StoreError>),
    Outbox(Result<Vec<QueuedWrite>, StoreError>),
    Cached(Result<Box<Cached>, StoreError>),
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
    /// Seconds a write waits before it is sent, while `u` can undo it.
    pub undo_seconds: u32,
    /// Clicks and the wheel are the console's (`mouse = false`: the terminal's).
    pub mouse: bool,
    /// Draw in ASCII only: the locale is not UTF-8, or `ascii = true`.
    pub ascii: bool,
    pub macros: Vec<Macro>,
    /// The user's own commands, bound to keys.
    pub commands: Vec<crate::config::commands::UserCommand>,
    pub sla: Engine,
    pub notify: Notify,
    /// Why writes are off, when they are (a read-only profile, `--read-only`).
    pub read_only: Option<String>,
    /// Which store the credential came from, for the status line.
    pub credential: Option<String>,
    /// The profiles `:profile` can switch to.
    pub profiles: Vec<String>,
    /// What the desk cannot do ([`crate::desk::Capabilities::lacks`]), for help.
    pub lacks: Vec<&'static str>,
    /// The channels the desk answers on ([`crate::desk::Capabilities::delivers`]).
    pub delivers: &'static [crate::desk::Channel],
    /// Where attachments are saved.
    pub downloads: Option<std::path::PathBuf>,
    /// The files the desk takes with a reply or note.
    pub uploads: crate::desk::Uploads,
    /// A graphical session is there to open files in.
    pub display: bool,
    /// A ticket's page on the desk's website, `{id}` for its number.
    pub web_page: Option<String>,
    /// When tickets arriving together are one flood.
    pub floods: crate::floods::Thresholds,
    /// The user's own section tabs, and whether the standard ones stay.
    pub sections: sections::Sections,
    /// The desk searches itself (else a search reads every ticket).
    pub server_search: bool,
}

pub struct State {
    /// From the command line and config; `:theme` changes the theme.
    pub settings: Settings,
    pub now: Timestamp,
    pub viewport: Area,
    /// The view and the overlays on it.
    pub screen: Screen,
    pub me: Option<Agent>,
    /// The tickets held, with their counts, tally and clocks.
    pub held: Holdings,
    pub queues: Vec<Queue>,
    pub agents: Vec<Agent>,
    /// The last click on a row of the queue and when, for a double click.
    pub last_click: Option<(usize, Timestamp)>,
    /// The desk's views and macros ([`Directory`]).
    pub views: Vec<crate::desk::View>,
    pub desk_macros: Vec<crate::desk::DeskMacro>,
    pub sections: Vec<Section>,
    pub section: usize,
    pub queue: QueueView,
    /// Tickets marked for a bulk action.
    pub marks: BTreeSet<TicketId>,
    /// Writes on their way, refused, or held ([`writes`], [`outbox`]).
    pub outbox: Outbox,
    /// Saved drafts, by ticket.
    pub drafts: HashMap<TicketId, Draft>,
    /// A new ticket's form closed before it was logged: `N` brings it back.
    pub unfinished_intake: Option<Box<intake::IntakeForm>>,
    /// Seconds since the start, counted by ticks (the clock may be pinned).
    pub ticks: u64,
    /// Its figures, as last worked out.
    pub dashboard: crate::dashboard::Dashboard,
    /// Showing what the cache held, since when: the desk has not answered yet.
    pub stale_since: Option<Timestamp>,

    pub connection: Connection,
    /// When the desk last answered a load or refresh.
    pub last_refresh: Option<Timestamp>,
    pub flash: Option<Flash>,
    /// What the status line has said, for `:messages`.
    pub messages: messages::Messages,
    pub should_quit: bool,

    /// When the desk is asked next, and which answers are awaited.
    pub schedule: Schedule,
    pending_section: Option<String>,
}

const FLASH_TICKS: u32 = 6;

impl State {
    pub fn new(settings: Settings, now: Timestamp, viewport: Area) -> Self {
        let pending_section = settings.default_section.clone();
        let held = Holdings::new(settings.time_zone.clone(), settings.floods);
        let sections = sections_for(&[], &[], &settings.sections);
        let mut state = Self {
            settings: Settings {
                refresh_every: settings.refresh_every.max(1),
                page_size: settings.page_size.max(1),
                ..settings
            },
            now,
            viewport,
            screen: Screen::default(),
            me: None,
            held,
            queues: Vec::new(),
            agents: Vec::new(),
            last_click: None,
            views: Vec::new(),
            desk_macros: Vec::new(),
            sections,
            section: 0,
            queue: QueueView::default(),
            marks: BTreeSet::new(),
            outbox: Outbox::default(),
            drafts: HashMap::new(),
            unfinished_intake: None,
            ticks: 0,
            dashboard: Default::default(),
            stale_since: None,
            connection: Connection::Connecting,
            last_refresh: None,
            flash: None,
            messages: Default::default(),
            should_quit: false,
            schedule: Schedule::new(settings.refresh_every),
            pending_section,
        };
        // Resolved again when the desk's queues and agents come.
        state.rebuild_sections();
        state.apply_pending_section();
        state
    }

    /// The first effects: who am I, which queues, the first page of
    /// tickets, and the drafts left from last time.
    pub fn start(&mut self) -> Vec<Effect> {
        self.schedule.directory_in_flight = true;
        vec![
            Effect::LoadCache,
            Effect::LoadDirectory,
            self.begin_load(),
            Effect::LoadDrafts,
            Effect::LoadOutbox,
        ]
    }

    pub fn info(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.messages.push(self.now, &text, None, false);
        self.flash = Some(Flash {
            text,
            error: false,
            ticks_left: FLASH_TICKS,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.error_with(text, None);
    }

    /// An error in a few words on the status line; `detail` (the desk's or
    /// the network's own words) goes to the log and `:messages`.
    pub fn error_with(&mut self, text: impl Into<String>, detail: impl Into<Option<String>>) {
        let text = text.into();
        let detail = detail.into();
        match &detail {
            Some(detail) => tracing::warn!(message = %text, %detail, "shown to the user"),
            None => tracing::warn!(message = %text, "shown to the user"),
        }
        self.messages.push(self.now, &text, detail, true);
        self.flash = Some(Flash {
            text,
            error: true,
            ticks_left: FLASH_TICKS * 2,
        });
    }

    pub(crate) fn request_id(&mut self) -> u64 {
        self.schedule.request_id()
    }

    fn begin_load(&mut self) -> Effect {
        let request = self.request_id();
        self.schedule.load = Some(request);
        self.schedule.pager = Pager::new(self.settings.page_size);
        self.schedule.started();
        Effect::Search {
            request,
            query: Query::active(),
            page: PageRequest::first(self.settings.page_size),
        }
    }

    pub(crate) fn begin_refresh(&mut self) -> Vec<Effect> {
        if !self.schedule.loaded {
            return match self.schedule.load {
                Some(_) => Vec::new(),
                None => vec![self.begin_load()],
            };
        }
        if self.schedule.refresh.is_some() {
            return Vec::new();
        }
        let request = self.request_id();
        self.schedule.refresh = Some(request);
        self.schedule.started();
        vec![Effect::Refresh {
            request,
            query: Query::default(),
            since: self.held.watermark().unwrap_or(self.now),
        }]
    }

    /// Seconds until the next refresh is due ([`Schedule::interval`]).
    pub fn refresh_interval(&self) -> u32 {
        self.schedule.interval()
    }

    /// Whether the prompt row (filter or command line) is on screen.
    pub fn prompt_visible(&self) -> bool {
        matches!(self.screen.overlay(), Some(Overlay::Command(_)))
            || (self.screen.ticket().is_none()
                && (self.queue.filtering || !self.queue.filter.text().is_empty()))
    }

    /// Rows of tickets the table shows.
    pub fn list_height(&self) -> usize {
        layout::queue_rows(self.viewport, self.prompt_visible())
    }

    fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            lacks: self.settings.lacks.clone(),
            queues: self.queues.iter().map(|q| q.name.to_string()).collect(),
            sections: self.sections.iter().map(|s| s.name.clone()).collect(),
            themes: self.settings.themes.names(),
            profiles: self.settings.profiles.clone(),
        }
    }

    pub(crate) fn apply_pending_section(&mut self) {
        if let Some(name) = self.pending_section.clone()
            && let Some(i) = self.find_section(&name)
        {
            self.section = i;
            self.pending_section = None;
        }
    }

    /// Room for `total` tickets, before they come.
    pub(crate) fn make_room(&mut self, total: usize) {
        self.held.make_room(total);
    }

    /// Keep a ticket from the desk ([`Holdings::prepare`] fills its clocks),
    /// in the counts, the tally and the queue's order; a ticket no longer
    /// active is let go, and kept in the tally while it is recent.
    pub(crate) fn hold(&mut self, ticket: TicketSummary) {
        let ticket = self.held.prepare(ticket, &self.settings.sla);
        if ticket.status.kind.is_active() {
            if let Some(old) = self.held.tickets.by_id(&ticket.id).cloned() {
                self.count(&old, false);
            }
            self.count(&ticket, true);
            self.held.tally_put(&ticket);
            self.queue.unplaced.insert(ticket.id.clone());
            self.held.tickets.upsert(ticket);
        } else {
            self.forget(&ticket.id);
            let recent =
                self.now - jiff::SignedDuration::from_hours(crate::dashboard::HISTORY_DAYS * 24);
            if crate::dashboard::finished_at(&ticket).is_some_and(|at| at >= recent) {
                self.held.tally_put(&ticket);
            } else {
                self.held.tally_remove(&ticket.id);
            }
        }
    }

    /// Stop holding a ticket: out of the counts, the tally and the queue.
    pub(crate) fn forget(&mut self, id: &TicketId) {
        if let Some(old) = self.held.tickets.by_id(id).cloned() {
            self.count(&old, false);
        }
        self.held.tally_remove(id);
        self.queue.unplaced.remove(id);
        if let Some((at, from)) = self.held.tickets.remove(id) {
            self.dropped(at, from);
        }
    }

    pub(crate) fn open_ticket(&mut self, id: TicketId) -> Vec<Effect> {
        let request = self.request_id();
        let summary = self.held.tickets.by_id(&id).cloned();
        let mut effects = Vec::new();
        // A pane never goes out of sight: its text waits as its draft.
        if let Some(compose) = self.screen.take_compose() {
            effects.push(self.keep_draft(&compose));
        }
        self.screen
            .show_ticket(TicketView::new(id.clone(), summary, request));
        effects.push(Effect::LoadTicket { request, id });
        effects
    }

    pub(crate) fn reload_ticket(&mut self) -> Vec<Effect> {
        let request = self.request_id();
        match self.screen.ticket_mut() {
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

    /// Announce each clock that comes within the lead time of breaching, once.
    fn warnings(&mut self) -> Vec<Effect> {
        if self.settings.notify == Notify::Off {
            return Vec::new();
        }
        let lead = self.settings.thresholds.warn_before;
        self.held
            .announcements(self.now, lead)
            .into_iter()
            .map(|text| Effect::Notify { text })
            .collect()
    }

    /// The whole-history facts of an opened ticket: its clocks from them.
    pub(crate) fn learn(&mut self, detail: &mut TicketDetail) {
        self.held.learn(detail, &self.settings.sla);
    }

    /// Wrap the open conversation for the window, once: frames then only
    /// style the rows they show.
    pub(crate) fn lay_out_ticket(&mut self) {
        let width = usize::from(self.viewport.width);
        if let Some(view) = self.screen.ticket_mut()
            && view.detail.is_some()
        {
            view.lines = std::sync::Arc::new(layout::ticket::lay_out(
                view,
                &self.settings.time_zone,
                width,
            ));
            view.laid_out = Some(width);
        }
    }

    /// Quoted mail shown or folded again, the entry at the top of the
    /// screen kept where it is.
    pub(crate) fn toggle_quotes(&mut self) {
        let width = usize::from(self.viewport.width);
        let Some(view) = self.screen.ticket_mut() else {
            return;
        };
        let anchor = (view.laid_out == Some(width))
            .then(|| crate::state::ticket::Anchor::at(&view.lines, view.scroll));
        view.show_quotes = !view.show_quotes;
        self.lay_out_ticket();
        if let Some(view) = self.screen.ticket_mut()
            && let Some(anchor) = anchor
        {
            view.scroll = anchor.row(&view.lines);
        }
        self.clamp_ticket_scroll();
    }

    pub(crate) fn clamp_ticket_scroll(&mut self) {
        let max = layout::ticket::max_scroll(self);
        if let Some(view) = self.screen.ticket_mut() {
            view.scroll = view.scroll.min(max);
        }
    }
}

/// The one place state changes.
pub fn update(state: &mut State, msg: Msg, now: Timestamp) -> Vec<Effect> {
    state.now = now;
    match msg {
        Msg::Tick => on_tick(state),
        Msg::Resize(width, height) => {
            state.viewport = Area::new(0, 0, width, height);
            state.lay_out_ticket();
            state.clamp_cursor();
            state.clamp_ticket_scroll();
            Vec::new()
        }
        Msg::Key(key) => {
            let msg = keys::resolve(state, key);
            update(state, msg, now)
        }
        Msg::Action(action) => keys::on_action(state, action),
        Msg::Type(key) => keys::on_typed(state, key),
        Msg::Paste(text) => {
            keys::on_paste(state, &text);
            Vec::new()
        }
        Msg::Mouse(mouse) => state.on_mouse(mouse, now),
        Msg::RanHere(result) => {
            match result {
                Ok(()) => state.info("the command ended"),
                Err(why) => state.error(why),
            }
            Vec::new()
        }
        Msg::Desk(reply) => {
            let effects = replies::on_reply(state, reply);
            // An open dashboard shows what just arrived.
            state.refresh_dashboard();
            state.close_empty_outbox();
            effects
        }
        Msg::Edited(result) => {
            state.edited(result);
            Vec::new()
        }
        Msg::Paged(result) => {
            if let Err(why) = result {
                state.error(why);
            }
            Vec::new()
        }
        Msg::SwitchFailed(why) => {
            state.error(why);
            Vec::new()
        }
        Msg::SignedIn(result) => state.signed_in(result),
    }
}

fn on_tick(state: &mut State) -> Vec<Effect> {
    state.ticks += 1;
    // At most once a second, however fast tickets come.
    state.held.regroup();
    if let Some(flash) = &mut state.flash {
        flash.ticks_left = flash.ticks_left.saturating_sub(1);
        if flash.ticks_left == 0 {
            state.flash = None;
        }
    }
    // Countdowns cross thresholds as time passes; the counts follow within
    // seconds (each row's own countdown is redrawn every second anyway).
    let mut effects: Vec<Effect> = Vec::new();
    if state.held.recount_due(state.now) {
        state.recount_levels();
        effects.extend(state.warnings());
    }
    state.refresh_dashboard();
    effects.extend(state.autosave());
    effects.extend(state.pump());
    if state.schedule.tick() {
        if !state.schedule.directory_loaded && !state.schedule.directory_in_flight {
            state.schedule.directory_in_flight = true;
            effects.push(Effect::LoadDirectory);
        }
        state.reresolve_sections();
        effects.extend(state.begin_refresh());
        effects.extend(state.refetch_due());
    }
    effects
}
