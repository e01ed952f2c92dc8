//! All the console's state, and the one function that changes it:
//! [`update`] takes a message and the time, changes the state, and returns the
//! effects (desk calls, store writes, the external editor) to run. Nothing
//! here awaits, reads a file or a socket: results come back later as
//! [`Msg::Desk`] or [`Msg::Edited`].
//!
//! Paging and scrolling need the screen's shape (rows per page, how the
//! conversation wraps); that comes from [`crate::layout`], never from
//! `ui`, which only reads the state to draw it.

mod actions;
pub mod command;
pub mod compose;
pub mod dash;
pub mod input;
pub mod keys;
pub mod messages;
pub mod outbox;
pub mod picker;
pub mod queue;
mod replies;
pub mod screen;
pub mod ticket;
pub mod tickets;
pub mod writes;

use std::collections::{BTreeSet, HashMap, HashSet};

use crossterm::event::KeyEvent;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

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
use crate::sla::engine::{Engine, Facts};
use crate::sla::{ClockKind, Reading, Thresholds};
use crate::store::{Cached, Draft, Pending, StoreError};
use command::Vocabulary;
use queue::{Counts, QueueView, Section, sections_for};
pub use screen::{Overlay, Screen, View};
use ticket::TicketView;
use tickets::TicketSet;
use writes::{Item, Outgoing};

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
    Resize(u16, u16),
    /// Once a second: countdowns move, refreshes come due, messages expire.
    Tick,
    Desk(DeskReply),
    /// The external editor is done: the new text, or why there is none.
    Edited(Result<String, String>),
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
    /// Read a ticket that changed under a write, to tell the user what changed.
    Inspect {
        request: u64,
        id: TicketId,
    },
    LoadDrafts,
    SaveDraft(Draft),
    /// Keep writes in the outbox on disk, before they are sent.
    OutboxPut(Vec<Pending>),
    /// Keep a reply or note from the pane in the outbox and let go of its
    /// draft, in one transaction.
    OutboxQueue {
        items: Vec<Pending>,
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
    Drafts(Result<Vec<Draft>, StoreError>),
    Stored(Result<(), StoreError>),
    Outbox(Result<Vec<Pending>, StoreError>),
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
    pub macros: Vec<Macro>,
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
}

pub struct State {
    /// From the command line and config; `:theme` changes the theme.
    pub settings: Settings,
    pub now: Timestamp,
    pub viewport: Area,
    /// The view and the overlays on it.
    pub screen: Screen,
    pub me: Option<Agent>,
    pub queues: Vec<Queue>,
    pub agents: Vec<Agent>,
    pub tickets: TicketSet,
    pub sections: Vec<Section>,
    pub section: usize,
    pub queue: QueueView,
    pub counts: Counts,
    /// Tickets marked for a bulk action.
    pub marks: BTreeSet<TicketId>,
    /// Writes waiting out the undo window, or on their way.
    pub outgoing: Vec<Outgoing>,
    /// Saved drafts, by ticket.
    pub drafts: HashMap<TicketId, Draft>,
    /// Seconds since the start, counted by ticks (the clock may be pinned).
    pub ticks: u64,
    /// Its figures, as last worked out.
    pub dashboard: crate::dashboard::Dashboard,
    /// Tickets changed since the figures were worked out.
    pub(crate) dash_dirty: bool,
    /// The dashboard's running totals over open tickets and those finished
    /// in the last 30 days, told of each change as it is held.
    pub tally: crate::dashboard::Tally,
    /// At risk and breached per department and agent, as of the last recount.
    pub slipping: crate::dashboard::Slipping,
    /// The texts tickets repeat, kept once.
    texts: crate::text::Pool,
    finished_request: Option<u64>,
    /// Writes the desk refused for good, until the user acts on them.
    pub rejected: Vec<writes::Rejected>,
    /// The desk refused the credential: writes wait for `:login`.
    pub signed_out: bool,
    /// Showing what the cache held, since when: the desk has not answered yet.
    pub stale_since: Option<Timestamp>,
    /// Clocks already announced as about to breach.
    notified: HashSet<(TicketId, ClockKind)>,
    /// Facts from the whole history of tickets opened, by version.
    facts: HashMap<TicketId, (Version, Facts)>,
    /// When the at-risk counts were last taken.
    counted_at: Option<Timestamp>,

    pub connection: Connection,
    /// When the desk last answered a load or refresh.
    pub last_refresh: Option<Timestamp>,
    pub flash: Option<Flash>,
    /// What the status line has said, for `:messages`.
    pub messages: messages::Messages,
    pub should_quit: bool,
    /// Quit once the waiting writes are sent.
    quit_when_sent: bool,
    /// Writes held under read-only that the user has been told of.
    held_told: usize,
    /// A write that met a changed ticket, while that ticket is read.
    inspecting: Option<(u64, Item, String)>,

    /// Newest `updated` seen: where the next incremental refresh starts.
    watermark: Option<Timestamp>,
    loaded: bool,
    directory_loaded: bool,
    directory_in_flight: bool,
    load_request: Option<u64>,
    /// How far the load's pages are followed.
    load_pager: Pager,
    refresh_request: Option<u64>,
    ticks_since_refresh: u32,
    failures: u32,
    /// Refreshes in a row that found nothing new; the poll slows down.
    idle_refreshes: u32,
    pending_section: Option<String>,
    next_request: u64,
}

const FLASH_TICKS: u32 = 6;

impl State {
    pub fn new(settings: Settings, now: Timestamp, viewport: Area) -> Self {
        let pending_section = settings.default_section.clone();
        let tally = crate::dashboard::Tally::new(settings.time_zone.clone());
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
            queues: Vec::new(),
            agents: Vec::new(),
            tickets: TicketSet::default(),
            sections: sections_for(&[]),
            section: 0,
            queue: QueueView::default(),
            counts: Counts::default(),
            marks: BTreeSet::new(),
            outgoing: Vec::new(),
            drafts: HashMap::new(),
            ticks: 0,
            dashboard: Default::default(),
            dash_dirty: false,
            tally,
            slipping: Default::default(),
            texts: Default::default(),
            finished_request: None,
            rejected: Vec::new(),
            signed_out: false,
            stale_since: None,
            notified: HashSet::new(),
            facts: HashMap::new(),
            counted_at: None,
            connection: Connection::Connecting,
            last_refresh: None,
            flash: None,
            messages: Default::default(),
            should_quit: false,
            quit_when_sent: false,
            held_told: 0,
            inspecting: None,
            watermark: None,
            loaded: false,
            directory_loaded: false,
            directory_in_flight: false,
            load_request: None,
            load_pager: Pager::new(1),
            refresh_request: None,
            ticks_since_refresh: 0,
            failures: 0,
            idle_refreshes: 0,
            pending_section,
            next_request: 0,
        };
        state.apply_pending_section();
        state
    }

    /// The first effects: who am I, which queues, the first page of
    /// tickets, and the drafts left from last time.
    pub fn start(&mut self) -> Vec<Effect> {
        self.directory_in_flight = true;
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
        self.next_request += 1;
        self.next_request
    }

    fn begin_load(&mut self) -> Effect {
        let request = self.request_id();
        self.load_request = Some(request);
        self.load_pager = Pager::new(self.settings.page_size);
        self.ticks_since_refresh = 0;
        Effect::Search {
            request,
            query: Query::active(),
            page: PageRequest::first(self.settings.page_size),
        }
    }

    pub(crate) fn begin_refresh(&mut self) -> Vec<Effect> {
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
        (self.settings.refresh_every << backoff).min(120.max(self.settings.refresh_every))
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
        self.tickets.make_room(total);
        self.tally.make_room(total);
    }

    /// Keep a ticket from the desk, with the clocks the desk did not send
    /// filled in by the SLA engine (from the whole history when the ticket
    /// was opened at this version, else from what the summary tells).
    pub(crate) fn hold(&mut self, mut ticket: TicketSummary) {
        ticket.share(&mut self.texts);
        let facts = match self.facts.get(&ticket.id) {
            Some((version, facts)) if *version == ticket.version => facts.clone(),
            _ => Facts::from_summary(&ticket),
        };
        self.settings.sla.fill(&mut ticket, &facts);
        // Read from JSON, three clocks get room for four.
        ticket.sla.clocks.shrink_to_fit();
        self.watermark = Some(
            self.watermark
                .map_or(ticket.updated, |w| w.max(ticket.updated)),
        );
        self.dash_dirty = true;
        if ticket.status.kind.is_active() {
            if let Some(old) = self.tickets.by_id(&ticket.id).cloned() {
                self.count(&old, false);
            }
            self.count(&ticket, true);
            self.tally.put(&ticket);
            self.queue.unplaced.insert(ticket.id.clone());
            self.tickets.upsert(ticket);
        } else {
            self.forget(&ticket.id);
            let recent =
                self.now - jiff::SignedDuration::from_hours(crate::dashboard::HISTORY_DAYS * 24);
            if crate::dashboard::finished_at(&ticket).is_some_and(|at| at >= recent) {
                self.tally.put(&ticket);
            } else {
                self.tally.remove(&ticket.id);
            }
        }
    }

    /// Stop holding a ticket: out of the counts, the tally and the queue.
    pub(crate) fn forget(&mut self, id: &TicketId) {
        if let Some(old) = self.tickets.by_id(id).cloned() {
            self.count(&old, false);
        }
        self.tally.remove(id);
        self.queue.unplaced.remove(id);
        if let Some((at, from)) = self.tickets.remove(id) {
            self.dropped(at, from);
        }
    }

    pub(crate) fn open_ticket(&mut self, id: TicketId) -> Vec<Effect> {
        let request = self.request_id();
        let summary = self.tickets.by_id(&id).cloned();
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
        let mut effects = Vec::new();
        for held in self.tickets.items() {
            let t = &held.ticket;
            for clock in &t.sla.clocks {
                let Reading::Running { left } = clock.reading(self.now) else {
                    continue;
                };
                if left < lead && self.notified.insert((t.id.clone(), clock.kind)) {
                    effects.push(Effect::Notify {
                        text: format!(
                            "{} {} due in {}: {}",
                            t.key,
                            clock.kind.label(),
                            crate::sla::compact_duration(left),
                            t.subject
                        ),
                    });
                }
            }
        }
        effects
    }

    /// The whole-history facts of an opened ticket: its clocks from them.
    pub(crate) fn learn(&mut self, detail: &mut TicketDetail) {
        let facts = Facts::from_detail(detail);
        self.settings.sla.fill(&mut detail.summary, &facts);
        self.facts.insert(
            detail.summary.id.clone(),
            (detail.summary.version.clone(), facts),
        );
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
        Msg::Desk(reply) => {
            let effects = replies::on_reply(state, reply);
            // An open dashboard shows what just arrived.
            state.refresh_dashboard();
            effects
        }
        Msg::Edited(result) => {
            state.edited(result);
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
    if let Some(flash) = &mut state.flash {
        flash.ticks_left = flash.ticks_left.saturating_sub(1);
        if flash.ticks_left == 0 {
            state.flash = None;
        }
    }
    // Countdowns cross thresholds as time passes; the counts follow within
    // seconds (each row's own countdown is redrawn every second anyway).
    let mut effects: Vec<Effect> = Vec::new();
    let stale = state
        .counted_at
        .is_none_or(|at| state.now.duration_since(at) >= SignedDuration::from_secs(5));
    if stale {
        state.counted_at = Some(state.now);
        state.recount_levels();
        effects.extend(state.warnings());
    }
    state.refresh_dashboard();
    effects.extend(state.autosave());
    effects.extend(state.pump());
    state.ticks_since_refresh += 1;
    if state.ticks_since_refresh >= state.refresh_interval() {
        if !state.directory_loaded && !state.directory_in_flight {
            state.directory_in_flight = true;
            effects.push(Effect::LoadDirectory);
        }
        effects.extend(state.begin_refresh());
    }
    effects
}
