//! Never losing a write, through keys on the seeded demo desk: the outbox on
//! disk before anything is sent, retries, a lost answer looked for before
//! sending again, refusals kept in view, the cache read with no network, and
//! signing in again. Faults come from `FaultyDesk`, a stand-in wrapping the
//! real demo desk that fails on command; every outcome is read back from the
//! demo desk and from the store file.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use deskterm::layout::Area;
use jiff::{SignedDuration, Timestamp};

use deskterm::clock::Clock;
use deskterm::desk::demo::DemoDesk;
use deskterm::desk::*;
use deskterm::headless::Headless;
use deskterm::state::{Overlay, State};
use deskterm::store::{QueuedWrite, Store};

/// What the stand-in does to the next write.
enum WriteFault {
    /// Answer with this error, writing nothing.
    Fail(DeskError),
    /// Write it on the demo desk, then lose the answer on the way back.
    LoseAnswer,
}

/// The demo desk with failures injected on command (a stand-in: a real
/// desk cannot be told to fail on cue; tests/live_faults.rs does the same
/// to the live RT with a proxy).
struct FaultyDesk {
    inner: Arc<DemoDesk>,
    /// Every read fails with this, while set: the network is gone.
    reads: Mutex<Option<DeskError>>,
    writes: Mutex<VecDeque<WriteFault>>,
}

impl FaultyDesk {
    fn new(inner: Arc<DemoDesk>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            reads: Mutex::new(None),
            writes: Mutex::new(VecDeque::new()),
        })
    }

    fn offline(&self, error: Option<DeskError>) {
        *self.reads.lock().unwrap() = error;
    }

    fn next_write(&self, fault: WriteFault) {
        self.writes.lock().unwrap().push_back(fault);
    }

    fn read(&self) -> Result<(), DeskError> {
        match self.reads.lock().unwrap().clone() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl Desk for FaultyDesk {
    fn capabilities(&self) -> &Capabilities {
        self.inner.capabilities()
    }
    async fn me(&self) -> Result<Agent, DeskError> {
        self.read()?;
        self.inner.me().await
    }
    async fn queues(&self) -> Result<Vec<Queue>, DeskError> {
        self.read()?;
        self.inner.queues().await
    }
    async fn agents(&self) -> Result<Vec<Agent>, DeskError> {
        self.read()?;
        self.inner.agents().await
    }
    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError> {
        self.read()?;
        self.inner.search(query, page).await
    }
    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError> {
        self.read()?;
        self.inner.changed_since(query, since).await
    }
    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError> {
        self.read()?;
        self.inner.ticket(id).await
    }
    async fn apply(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
    ) -> Result<Applied, DeskError> {
        let fault = self.writes.lock().unwrap().pop_front();
        match fault {
            Some(WriteFault::Fail(e)) => Err(e),
            Some(WriteFault::LoseAnswer) => {
                self.inner.apply(id, based_on, change).await?;
                Err(DeskError::Unreachable(
                    "timed out (operation timed out)".into(),
                ))
            }
            None => self.inner.apply(id, based_on, change).await,
        }
    }
    async fn create(&self, ticket: &NewTicket) -> Result<TicketSummary, DeskError> {
        let fault = self.writes.lock().unwrap().pop_front();
        match fault {
            Some(WriteFault::Fail(e)) => Err(e),
            Some(WriteFault::LoseAnswer) => {
                self.inner.create(ticket).await?;
                Err(DeskError::Unreachable(
                    "timed out (operation timed out)".into(),
                ))
            }
            None => self.inner.create(ticket).await,
        }
    }
}

struct Console {
    ui: Headless,
    desk: Arc<FaultyDesk>,
    store: Arc<Store>,
    dir: std::path::PathBuf,
}

/// A console on the faulty demo desk, its store in `dir` (kept between
/// starts, like a profile's data folder).
async fn start(dir: &std::path::Path, undo: u32, at: Timestamp) -> Console {
    let path = dir.join("demo.sqlite");
    if !path.exists() {
        std::fs::copy(common::demo_desk().1.path().join("demo.sqlite"), &path).unwrap();
    }
    let inner = Arc::new(DemoDesk::open(&path, Some(common::SEED), Clock::Fixed(at)).unwrap());
    let desk = FaultyDesk::new(inner);
    start_on(dir, desk, undo, at).await
}

async fn start_on(
    dir: &std::path::Path,
    desk: Arc<FaultyDesk>,
    undo: u32,
    at: Timestamp,
) -> Console {
    let mut settings = common::settings("dark");
    settings.undo_seconds = undo;
    start_with(dir, desk, settings, at).await
}

async fn start_with(
    dir: &std::path::Path,
    desk: Arc<FaultyDesk>,
    settings: deskterm::state::Settings,
    at: Timestamp,
) -> Console {
    let store = Arc::new(Store::open(&dir.join("profiles"), "demo").unwrap());
    let state = State::new(settings, at, Area::new(0, 0, 100, 30));
    let ui = Headless::start(state, desk.clone(), Some(store.clone()), Clock::Fixed(at)).await;
    Console {
        ui,
        desk,
        store,
        dir: dir.to_path_buf(),
    }
}

/// Open the first ticket, reply `text`, send; the ticket's id.
async fn reply(c: &mut Console, text: &str) -> TicketId {
    c.ui.press("g enter r").await;
    c.ui.type_text(text).await;
    c.ui.press("ctrl-x").await;
    c.ui.state.screen.ticket().unwrap().id.clone()
}

async fn replies_with(c: &Console, id: &TicketId, text: &str) -> usize {
    let detail = c.desk.inner.ticket(id).await.unwrap();
    detail
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Reply && e.body.as_str() == text)
        .count()
}

fn flash(c: &Console) -> String {
    c.ui.state
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_write_is_on_disk_before_it_is_sent_and_gone_once_the_desk_has_it() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 5, common::now()).await;
    let id = reply(&mut c, "Your bus pass is on its way.").await;
    // In the undo window: nothing on the desk, the reply in the outbox file.
    let kept = c.store.pending().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].ticket, id);
    assert_eq!(
        replies_with(&c, &id, "Your bus pass is on its way.").await,
        0
    );
    for _ in 0..5 {
        c.ui.tick().await;
    }
    assert_eq!(
        replies_with(&c, &id, "Your bus pass is on its way.").await,
        1
    );
    assert!(c.store.pending().unwrap().is_empty());
}

#[tokio::test]
async fn a_lost_answer_is_looked_for_before_sending_again_so_it_lands_once() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.desk.next_write(WriteFault::LoseAnswer);
    let id = reply(&mut c, "We have found the lost lunchbox.").await;
    // The desk has it, but the console never heard.
    assert_eq!(
        replies_with(&c, &id, "We have found the lost lunchbox.").await,
        1
    );
    assert!(
        flash(&c).contains("kept in the outbox, next try in"),
        "{}",
        flash(&c)
    );
    let kept = c.store.pending().unwrap();
    assert!(kept[0].uncertain, "a timeout may have reached the desk");
    // A while later the console tries again: it looks first, and finds it.
    let later = common::now() + SignedDuration::from_secs(30);
    let mut c = start_on(dir.path(), c.desk.clone(), 0, later).await;
    c.ui.tick().await;
    assert_eq!(
        replies_with(&c, &id, "We have found the lost lunchbox.").await,
        1
    );
    assert!(c.store.pending().unwrap().is_empty());
}

#[tokio::test]
async fn writes_left_in_the_outbox_go_at_the_next_start_once_each() {
    let dir = tempfile::TempDir::new().unwrap();
    let c = start(dir.path(), 0, common::now()).await;
    let ticket = c.ui.state.held.tickets.items()[0].ticket.clone();
    // What a console killed in the middle left behind: one reply it had
    // sent (the desk has it), one it had not.
    let sent = Change::Reply {
        body: "First answer.".into(),
        then: None,
        files: Vec::new(),
    };
    let applied = c
        .desk
        .inner
        .apply(&ticket.id, &ticket.version, &sent)
        .await
        .unwrap();
    let pending = |key: &str, body: &str, based_on: &Version, first_sent| QueuedWrite {
        key: key.into(),
        label: format!("reply to {}", ticket.key),
        ticket: ticket.id.clone(),
        based_on: based_on.clone(),
        changes: vec![Change::Reply {
            body: body.into(),
            then: None,
            files: Vec::new(),
        }],
        seen: None,
        attempts: 0,
        next_at: None,
        first_sent,
        uncertain: false,
        last_error: None,
        rejected: false,
        progress: Default::default(),
    };
    c.store
        .put_pending(&[
            pending("a", "First answer.", &ticket.version, Some(common::now())),
            pending("b", "Second answer.", &applied.version, None),
        ])
        .unwrap();
    drop(c);
    let mut c = start(dir.path(), 0, common::now() + SignedDuration::from_secs(5)).await;
    c.ui.tick().await;
    c.ui.tick().await;
    assert_eq!(replies_with(&c, &ticket.id, "First answer.").await, 1);
    assert_eq!(replies_with(&c, &ticket.id, "Second answer.").await, 1);
    assert!(c.store.pending().unwrap().is_empty());
}

#[tokio::test]
async fn a_busy_desk_is_asked_again_when_it_says_and_a_refusal_stays_in_view() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.desk.next_write(WriteFault::Fail(DeskError::RateLimited {
        retry_after: Some(Duration::from_secs(30)),
    }));
    c.ui.press("g t").await;
    let kept = c.store.pending().unwrap();
    let next = kept[0].next_at.unwrap();
    assert_eq!(
        next,
        common::now() + SignedDuration::from_secs(30),
        "Retry-After"
    );
    assert!(
        c.ui.state
            .outgoing_summary()
            .unwrap()
            .contains("in the outbox, retrying")
    );

    // Then it refuses for good: kept, listed, until discarded.
    c.desk.next_write(WriteFault::Fail(DeskError::Forbidden {
        need: "OwnTicket".into(),
    }));
    let later = common::now() + SignedDuration::from_secs(31);
    let mut c = start_on(dir.path(), c.desk.clone(), 0, later).await;
    c.ui.tick().await;
    assert!(flash(&c).contains("refused"), "{}", flash(&c));
    assert!(c.store.pending().unwrap()[0].rejected);
    c.ui.press(":").await;
    c.ui.type_text("outbox").await;
    c.ui.press("enter").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(Overlay::Outbox { .. })
    ));
    let rows = c.ui.state.outbox_rows();
    assert!(
        rows[0].state.starts_with("refused: not allowed"),
        "{rows:?}"
    );
    c.ui.press("D").await;
    assert!(c.store.pending().unwrap().is_empty());
    assert!(c.ui.state.screen.overlay().is_none());
}

/// A refused write tried again from `:outbox` lands; the view, now empty,
/// closes by itself rather than staying open on nothing.
#[tokio::test]
async fn the_outbox_view_closes_once_a_retried_write_lands() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.desk.next_write(WriteFault::Fail(DeskError::Forbidden {
        need: "OwnTicket".into(),
    }));
    c.ui.press("g t").await;
    assert!(c.store.pending().unwrap()[0].rejected);
    c.ui.press(":").await;
    c.ui.type_text("outbox").await;
    c.ui.press("enter").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(Overlay::Outbox { .. })
    ));
    c.ui.press("r").await;
    c.ui.tick().await;
    assert!(c.store.pending().unwrap().is_empty(), "on the desk");
    assert!(
        c.ui.state.screen.overlay().is_none(),
        "{:?}",
        c.ui.state.screen.overlay()
    );
}

#[tokio::test]
async fn a_refused_credential_keeps_the_write_until_login() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.desk.next_write(WriteFault::Fail(DeskError::Auth));
    let id = reply(&mut c, "Thanks, fixed.").await;
    assert!(c.ui.state.outbox.signed_out);
    assert!(flash(&c).contains(":login signs in again"), "{}", flash(&c));
    assert_eq!(c.store.pending().unwrap().len(), 1);
    // Nothing is sent while signed out, however long.
    c.ui.tick().await;
    assert_eq!(replies_with(&c, &id, "Thanks, fixed.").await, 0);
    c.ui.press(":").await;
    c.ui.type_text("login").await;
    c.ui.press("enter").await;
    c.ui.type_text("new-token").await;
    c.ui.press("enter").await;
    assert_eq!(c.ui.sign_ins, 1);
    // The app loop checks the token and answers; the write goes.
    c.ui.message(deskterm::state::Msg::SignedIn(Ok("signed in".into())))
        .await;
    assert_eq!(replies_with(&c, &id, "Thanks, fixed.").await, 1);
    assert!(c.store.pending().unwrap().is_empty());
}

#[tokio::test]
async fn with_no_network_the_cache_is_read_filtered_and_opened() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.ui.press("g enter").await;
    let view = c.ui.state.screen.ticket().unwrap();
    let opened = view.detail.as_ref().unwrap().summary.clone();
    let count = c.ui.state.queue.visible.len();
    c.ui.press("q").await;
    let desk = c.desk.clone();
    drop(c);

    desk.offline(Some(DeskError::Unreachable(
        "dns error: no such host".into(),
    )));
    let later = common::now() + SignedDuration::from_hours(2);
    let mut c = start_on(dir.path(), desk, 0, later).await;
    assert_eq!(c.ui.state.queue.visible.len(), count, "every cached ticket");
    assert!(c.ui.state.stale_since.is_some());
    let screen = c.ui.screen();
    assert!(screen.contains("offline · cached 2h"), "{screen}");
    c.ui.press("/").await;
    c.ui.type_text(&opened.id.0).await;
    assert!(c.ui.state.queue.visible.len() < count);
    c.ui.press("enter g enter").await;
    let view = c.ui.state.screen.ticket().unwrap();
    assert_eq!(view.id, opened.id);
    assert!(view.cached.is_some(), "the copy is said to be one");
    assert!(view.detail.is_some());
    assert!(c.ui.screen().contains("The cached copy"));
    let _ = &c.dir;
}

/// Under read-only nothing leaves, whichever way it comes: a reply left in
/// the outbox by an earlier run, `r` in the outbox view, or `e` and ctrl-x.
#[tokio::test]
async fn read_only_holds_the_outbox_whichever_way_a_write_comes() {
    let dir = tempfile::TempDir::new().unwrap();
    let text = "Left by an earlier run.";
    let mut c = start(dir.path(), 30, common::now()).await;
    let id = reply(&mut c, text).await;
    assert_eq!(c.store.pending().unwrap().len(), 1);
    assert_eq!(replies_with(&c, &id, text).await, 0, "in the undo window");
    let desk = c.desk.clone();
    drop(c);

    let mut settings = common::settings("dark");
    settings.undo_seconds = 0;
    settings.read_only = Some("deskterm was started with --read-only".into());
    let mut c = start_with(dir.path(), desk, settings, common::now()).await;
    let held = |c: &Console| c.store.pending().unwrap().len();
    for _ in 0..3 {
        c.ui.tick().await;
    }
    assert_eq!(replies_with(&c, &id, text).await, 0, "sent at start");
    assert_eq!(held(&c), 1);
    assert!(flash(&c).contains("read-only"), "{}", flash(&c));
    assert_eq!(
        c.ui.state.outgoing_summary().as_deref(),
        Some("1 held in the outbox · read-only")
    );

    c.ui.press(": o u t b o x enter").await;
    assert!(
        c.ui.state.outbox_rows()[0].state.contains("read-only"),
        "{:?}",
        c.ui.state.outbox_rows()
    );
    c.ui.press("r").await;
    c.ui.tick().await;
    assert_eq!(replies_with(&c, &id, text).await, 0, "sent by r");

    c.ui.press("e").await;
    assert!(c.ui.state.screen.compose().is_some(), "back in its pane");
    c.ui.press("ctrl-x").await;
    for _ in 0..3 {
        c.ui.tick().await;
    }
    assert_eq!(replies_with(&c, &id, text).await, 0, "sent by e, ctrl-x");
    assert_eq!(held(&c), 1, "kept for a run that may send");
}

#[tokio::test]
async fn the_quit_question_counts_its_writes_and_q_stays() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.desk.next_write(WriteFault::Fail(DeskError::Auth));
    reply(&mut c, "Thanks, fixed.").await;
    assert!(c.ui.state.outbox.signed_out);
    c.ui.press("q q").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(Overlay::QuitPending)
    ));
    let screen = c.ui.screen();
    assert!(
        screen.contains("1 write is not on the desk yet"),
        "{screen}"
    );
    assert!(screen.contains("It stays in the outbox"), "{screen}");
    assert!(screen.contains("y quits · n, q or esc stays"), "{screen}");
    // q, like n and esc, stays: the question closes and nothing is lost.
    c.ui.press("q").await;
    assert!(!c.ui.state.should_quit);
    assert!(c.ui.state.screen.overlay().is_none());
    assert_eq!(c.store.pending().unwrap().len(), 1);
    c.ui.press("q").await;
    assert!(matches!(
        c.ui.state.screen.overlay(),
        Some(Overlay::QuitPending)
    ));
    c.ui.press("y").await;
    assert!(c.ui.state.should_quit);
}

/// The status line says what happened and what is being done first, in
/// words; the network's own words are in `:messages` (80x24 and 200x50).
#[tokio::test]
async fn a_message_says_what_happens_first_and_messages_has_the_rest() {
    let refused = "error sending request for url (http://127.0.0.1:9/REST/2.0/ticket/169/correspond): \
                   client error (Connect): tcp connect error: Connection refused (os error 111)";
    for (w, h) in [(80, 24), (200, 50)] {
        let dir = tempfile::TempDir::new().unwrap();
        let mut c = start(dir.path(), 0, common::now()).await;
        c.ui.resize(w, h);
        c.desk
            .next_write(WriteFault::Fail(DeskError::Unreachable(refused.into())));
        reply(&mut c, "On its way.").await;
        let screen = c.ui.screen();
        let status = screen.lines().last().unwrap();
        assert!(
            status.contains("kept in the outbox, next try in"),
            "{status}"
        );
        assert!(!status.contains("error sending"), "{status}");
        insta::assert_snapshot!(format!("write_offline_{w}x{h}"), screen);

        c.ui.press(": m e s s a g e s enter").await;
        let screen = c.ui.screen();
        assert!(screen.contains("os error 111"), "{screen}");
        insta::assert_snapshot!(format!("messages_{w}x{h}"), screen);
        c.ui.press("esc").await;
        assert!(c.ui.state.screen.overlay().is_none());
    }
}

/// A reply that meets a change, and a macro that names a queue the desk
/// lacks: what happened comes first, so an 80-column line keeps it.
#[tokio::test]
async fn a_conflict_and_a_macro_that_cannot_apply_say_so_first() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.ui.resize(80, 24);
    c.desk.next_write(WriteFault::Fail(DeskError::Conflict {
        now: Version("9".into()),
    }));
    let id = reply(&mut c, "Checking now.").await;
    let status = c.ui.screen().lines().last().unwrap().to_string();
    assert!(
        status.contains(&format!("not sent: #{} changed meanwhile", id.0)),
        "{status}"
    );
    c.ui.press("esc esc q").await;
    c.ui.state
        .queues
        .retain(|q| q.name.as_str() != "Transportation");
    c.ui.press("m").await;
    c.ui.type_text("Hand to Transp").await;
    c.ui.press("enter").await;
    let status = c.ui.screen().lines().last().unwrap().to_string();
    assert!(
        status.contains("not applied: no queue “Transportation”"),
        "{status}"
    );
}

/// A call logged while the desk cannot be reached keeps the form, every
/// word of it, with the reason; logged again when the answer is lost, it
/// is found on the desk rather than made twice.
#[tokio::test]
async fn a_call_logged_while_the_desk_is_away_keeps_the_form_and_is_made_once() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut c = start(dir.path(), 0, common::now()).await;
    c.ui.press("N").await;
    c.ui.type_text("sam.away@example.org").await;
    c.ui.press("tab tab tab tab tab tab").await;
    c.ui.type_text("Heater broken in portable 3").await;
    c.ui.press("tab").await;
    c.ui.type_text("It is 12 degrees in here.").await;
    c.desk.next_write(WriteFault::Fail(DeskError::NotSent(
        "connection refused".into(),
    )));
    c.ui.press("ctrl-x").await;
    let form = c.ui.state.screen.intake().expect("the form stays");
    assert!(form.error.as_deref().unwrap_or("").contains("not logged"));
    assert_eq!(form.subject.text(), "Heater broken in portable 3");
    assert!(c.ui.screen().contains("It is 12 degrees in here."));

    c.desk.next_write(WriteFault::LoseAnswer);
    c.ui.press("ctrl-x").await;
    assert!(c.ui.state.screen.intake().is_none(), "logged");
    let made: Vec<TicketSummary> = c
        .desk
        .inner
        .search(&Query::active(), PageRequest::first(100))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|t| t.subject.as_str() == "Heater broken in portable 3")
        .collect();
    assert_eq!(made.len(), 1, "one ticket for one call");
}
