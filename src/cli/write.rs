//! Writing commands: `reply`, `note`, `assign`, `status`, `priority`,
//! `move`. Each goes through the profile's outbox and the version check, as
//! in the console: noted on disk before it is sent, based on the version
//! read just before (or `--if-version`), never overwriting someone else's
//! change, and looked for on the desk before it is sent again.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use jiff::Timestamp;

use super::exit::{Exit, Failure};
use super::tickets::{find_agent, find_queue, list};
use super::{Cli, Connected, json, ticket_id};
use crate::clock::Clock;
use crate::desk::gate;
use crate::desk::retry::{Backoff, Next, next_after};
use crate::desk::{
    Applied, Assignee, Change, Desk, DeskError, LinkKind, PriorityLevel, StatusKind, TicketId,
    Version,
};
use crate::store::{QueuedWrite, Store};
use crate::text::table::Format;

#[derive(clap::Args, Default)]
pub struct WriteArgs {
    /// Show what would be sent, and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Only on top of this version (from `show --format json`); else exit 3.
    #[arg(long, value_name = "VERSION")]
    if_version: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(clap::Args)]
pub struct TextArgs {
    /// The ticket's id (42 or #42).
    id: String,
    /// The text itself.
    #[arg(long, short, value_name = "TEXT", conflicts_with = "file")]
    message: Option<String>,
    /// Read the text from this file ("-" for stdin). Without --message or
    /// --file the text is read from stdin when it is not a terminal, else
    /// written in $VISUAL / $EDITOR.
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// Set this status with it: open, pending or resolved.
    #[arg(long, value_name = "STATUS")]
    then: Option<String>,
    /// Send this file with it (repeat for more); checked against the
    /// desk's limits before anything is written or sent.
    #[arg(long, value_name = "FILE")]
    attach: Vec<PathBuf>,
    #[command(flatten)]
    write: WriteArgs,
}

/// Tries within one command before the write is left to the outbox.
const ATTEMPTS: u32 = 3;

/// The longest a command waits between two tries.
const MAX_WAIT: Duration = Duration::from_secs(10);

fn the_text(args: &TextArgs) -> Result<String, Failure> {
    read_text(args.message.as_deref(), args.file.as_deref())
}

/// A text from `message`, the `file` ("-" for stdin), stdin when it is not
/// a terminal, or $VISUAL / $EDITOR; never empty.
pub(super) fn read_text(
    message: Option<&str>,
    file: Option<&std::path::Path>,
) -> Result<String, Failure> {
    let text = if let Some(message) = message {
        message.to_string()
    } else if let Some(path) = file.filter(|p| p.as_os_str() != "-") {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?
    } else if file.is_some() || !std::io::stdin().is_terminal() {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        crate::editor::edit("").map_err(Failure::usage)?
    };
    let text = text.trim_end().to_string();
    if text.trim().is_empty() {
        return Err(Failure::usage("the text is empty; nothing was sent"));
    }
    Ok(text)
}

fn status_word(word: &str) -> Result<StatusKind, Failure> {
    StatusKind::parse(word).ok_or_else(|| {
        Failure::usage(format!(
            "no status “{word}”: say new, open, pending, resolved or closed"
        ))
    })
}

pub(super) fn text(cli: &Cli, args: &TextArgs, note: bool) -> Result<ExitCode, Failure> {
    let then = args.then.as_deref().map(status_word).transpose()?;
    let desk = Connected::open(cli)?;
    // Before the text: a file the desk would refuse must not cost a draft.
    let rules = desk.desk().capabilities().uploads;
    let files = args
        .attach
        .iter()
        .map(|path| crate::desk::read_upload(path, &rules).map_err(Failure::usage))
        .collect::<Result<Vec<_>, _>>()?;
    let body = the_text(args)?;
    let change = if note {
        Change::Note { body, then, files }
    } else {
        Change::Reply { body, then, files }
    };
    send_on(desk, &args.id, &args.write, |_| Ok((change, None)))
}

pub(super) fn assign(
    cli: &Cli,
    id: &str,
    agent: &str,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    send(cli, id, args, |desk| {
        Ok(match agent {
            "me" => (Change::Assign(Assignee::Me), None),
            "nobody" => (Change::Assign(Assignee::Nobody), None),
            _ => {
                let agents = desk.block_on(desk.desk().agents())?;
                let found = find_agent(&agents, agent)?;
                (
                    Change::Assign(Assignee::Agent(found.id.clone())),
                    Some(found.name.to_string()),
                )
            }
        })
    })
}

pub(super) fn status(
    cli: &Cli,
    id: &str,
    status: &str,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    let status = status_word(status)?;
    send(cli, id, args, |_| Ok((Change::SetStatus(status), None)))
}

pub(super) fn priority(
    cli: &Cli,
    id: &str,
    priority: &str,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    let level = PriorityLevel::parse(priority).ok_or_else(|| {
        Failure::usage(format!(
            "no priority “{priority}”: say low, normal, high or urgent"
        ))
    })?;
    send(cli, id, args, |_| Ok((Change::SetPriority(level), None)))
}

pub(super) fn time(
    cli: &Cli,
    id: &str,
    minutes: u32,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    if minutes == 0 {
        return Err(Failure::usage("no minutes to add; nothing was sent"));
    }
    send(cli, id, args, |desk| {
        if !desk.desk().capabilities().time {
            return Err(Failure::from(DeskError::Unsupported("time worked")));
        }
        Ok((Change::LogTime(minutes), None))
    })
}

pub(super) fn field(
    cli: &Cli,
    id: &str,
    name: &str,
    value: Option<&str>,
    clear: bool,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    let value = match (value.map(str::trim), clear) {
        (Some(v), _) if !v.is_empty() => Some(v.to_string()),
        (_, true) => None,
        _ => {
            return Err(Failure::usage(format!(
                "give {name} a value, or --clear; nothing was sent"
            )));
        }
    };
    send(cli, id, args, |desk| {
        if !desk.desk().capabilities().fields {
            return Err(Failure::from(DeskError::Unsupported(
                "fields agents can set",
            )));
        }
        let change = Change::SetField {
            name: name.trim().to_string(),
            value,
        };
        Ok((change, None))
    })
}

pub(super) fn tag(
    cli: &Cli,
    id: &str,
    tag: &str,
    remove: bool,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    let tag = tag.trim().to_string();
    if tag.is_empty() || tag.contains([' ', ',']) {
        return Err(Failure::usage(format!(
            "“{tag}” is not one tag (no spaces or commas); nothing was sent"
        )));
    }
    send(cli, id, args, |desk| {
        if !desk.desk().capabilities().tags {
            return Err(Failure::from(DeskError::Unsupported("tags")));
        }
        Ok((
            if remove {
                Change::Untag(tag)
            } else {
                Change::Tag(tag)
            },
            None,
        ))
    })
}

pub(super) fn cc(
    cli: &Cli,
    id: &str,
    email: &str,
    remove: bool,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    let email = email.trim().to_string();
    if !email.contains('@') {
        return Err(Failure::usage(format!(
            "“{email}” is not an email address; nothing was sent"
        )));
    }
    send(cli, id, args, |desk| {
        if !desk.desk().capabilities().cc {
            return Err(Failure::from(DeskError::Unsupported(
                "copying people on a ticket (Cc)",
            )));
        }
        Ok((
            if remove {
                Change::RemoveCc(email)
            } else {
                Change::AddCc(email)
            },
            None,
        ))
    })
}

pub(super) fn merge(
    cli: &Cli,
    id: &str,
    into: &str,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    let target = ticket_id(into);
    if target == ticket_id(id) {
        return Err(Failure::usage("a ticket cannot be merged into itself"));
    }
    send(cli, id, args, |desk| {
        if !desk.desk().capabilities().merge {
            return Err(Failure::from(DeskError::Unsupported("merging tickets")));
        }
        Ok((Change::MergeInto(target), None))
    })
}

pub(super) fn link(
    cli: &Cli,
    id: &str,
    kind: &str,
    other: &str,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    let kind = LinkKind::parse(kind).ok_or_else(|| {
        Failure::usage(format!(
            "no link “{kind}”: say related, parent or depends-on"
        ))
    })?;
    let other = ticket_id(other);
    if other == ticket_id(id) {
        return Err(Failure::usage("a ticket cannot be linked to itself"));
    }
    send(cli, id, args, |desk| {
        if !desk.desk().capabilities().links {
            return Err(Failure::from(DeskError::Unsupported("linking tickets")));
        }
        Ok((Change::Link(kind, other), None))
    })
}

pub(super) fn move_to(
    cli: &Cli,
    id: &str,
    queue: &str,
    args: &WriteArgs,
) -> Result<ExitCode, Failure> {
    send(cli, id, args, |desk| {
        let queues = desk.block_on(desk.desk().queues())?;
        let found = find_queue(&queues, queue)?;
        Ok((
            Change::MoveTo(found.id.clone()),
            Some(found.name.to_string()),
        ))
    })
}

/// Read the ticket, work out the change, and send it (or show it).
fn send(
    cli: &Cli,
    id: &str,
    args: &WriteArgs,
    // The change, and the name of the agent or queue it names by id.
    change: impl FnOnce(&Connected) -> Result<(Change, Option<String>), Failure>,
) -> Result<ExitCode, Failure> {
    send_on(Connected::open(cli)?, id, args, change)
}

/// A first public reply on a ticket just made (`create --reply`): as any
/// reply, through the outbox, on top of the version the desk gave back.
pub(super) fn reply_to_new(
    desk: Connected,
    id: &str,
    body: String,
    format: Format,
) -> Result<ExitCode, Failure> {
    let args = WriteArgs {
        format,
        ..WriteArgs::default()
    };
    let change = Change::Reply {
        body,
        then: None,
        files: Vec::new(),
    };
    send_on(desk, id, &args, |_| Ok((change, None)))
}

fn send_on(
    desk: Connected,
    id: &str,
    args: &WriteArgs,
    change: impl FnOnce(&Connected) -> Result<(Change, Option<String>), Failure>,
) -> Result<ExitCode, Failure> {
    // The console's gate: the command line has no signed-out state of its
    // own (a refused credential is the answer to this very write).
    gate::check(desk.session.selected.read_only.as_deref(), false)
        .map_err(|closed| Failure::usage(closed.to_string()))?;
    let ticket = ticket_id(id);
    let about = format!("ticket {id}");
    // Offline, the ticket as last seen will do: the write is kept in the
    // outbox on top of that version, and a change made meanwhile is a
    // conflict when it is sent, never overwritten.
    let (seen, offline) = match desk.block_on(desk.desk().ticket(&ticket)) {
        Ok(detail) => (detail.summary, false),
        Err(e) if e.is_transient() => {
            let cached = desk
                .session
                .store
                .as_deref()
                .and_then(|store| store.cached_ticket(&ticket).ok().flatten());
            match cached {
                Some(cached) => (cached, true),
                None => return Err(Failure::from(e).about(&about).about_then(NOT_KEPT)),
            }
        }
        Err(e) => return Err(Failure::from(e).about(&about)),
    };
    let (change, name) = change(&desk).map_err(|f| match offline {
        true => f.about_then(NOT_KEPT),
        false => f,
    })?;
    let based_on = args
        .if_version
        .clone()
        .map_or_else(|| seen.version.clone(), |v| Version(v.into()));
    if args.dry_run {
        print!(
            "{}",
            dry_run(&seen.key, &ticket, &based_on, (&change, name), args.format)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let action = json::change(&change).0;
    let label = format!("{action} {}", seen.key);
    let pending = QueuedWrite {
        seen: Some(seen),
        ..QueuedWrite::new(
            format!(
                "cli-{}-{}",
                Timestamp::now().as_nanosecond(),
                std::process::id()
            ),
            label,
            ticket.clone(),
            based_on,
            vec![change],
        )
    };
    let applied = desk
        .block_on(deliver(
            desk.desk(),
            desk.session.store.as_deref(),
            pending,
            desk.clock,
            Duration::from_secs(1),
        ))
        .map_err(|f| f.about(&about))?;
    let mut summary = applied.summary;
    desk.fill_sla(&mut summary);
    let out = match args.format {
        Format::Table => format!(
            "{}: {action} done · now {}, {} · version {}\n",
            summary.key,
            summary.status.kind.name(),
            summary
                .owner
                .as_ref()
                .map_or_else(|| "nobody's".to_string(), |o| format!("{}'s", o.name)),
            applied.version.0
        ),
        format => list(std::slice::from_ref(&summary), &desk, format),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn dry_run(
    key: &str,
    ticket: &TicketId,
    based_on: &Version,
    (change, name): (&Change, Option<String>),
    format: Format,
) -> String {
    let (action, value, then) = json::change(change);
    match format {
        Format::Json => {
            let write = json::Write {
                ticket: ticket.0.to_string(),
                based_on: based_on.0.to_string(),
                action,
                value,
                name,
                then,
            };
            serde_json::to_string_pretty(&write).unwrap_or_default() + "\n"
        }
        Format::Csv => {
            let mut table = crate::text::table::Table::new(&[
                "ticket", "based_on", "action", "value", "name", "then",
            ]);
            table.push(vec![
                ticket.0.to_string(),
                based_on.0.to_string(),
                action.to_string(),
                value,
                name.unwrap_or_default(),
                then.unwrap_or_default().to_string(),
            ]);
            table.csv()
        }
        Format::Table => {
            let then = then.map(|s| format!(", then {s}")).unwrap_or_default();
            let value = match name {
                _ if matches!(change, Change::Reply { .. } | Change::Note { .. }) => {
                    format!("\n{value}")
                }
                Some(name) => format!(" {name} (id {value})"),
                None => format!(" {value}"),
            };
            format!(
                "would send to {key}, on top of version {}: {action}{then}{value}\n",
                based_on.0
            )
        }
    }
}

/// What a write that could not be kept says.
const NOT_KEPT: &str = "; nothing was sent and nothing was kept (the ticket was never seen \
                        here): run it again when the desk answers";

/// One write: on disk first, then sent; tried again a few times when the
/// desk cannot be reached, looking first whether an unanswered attempt
/// landed. A write still unsent is left in the outbox for the console.
pub(super) async fn deliver(
    desk: &dyn Desk,
    store: Option<&Store>,
    mut item: QueuedWrite,
    clock: Clock,
    pause: Duration,
) -> Result<Applied, Failure> {
    let Some(change) = item.changes.first().cloned() else {
        return Err(Failure::usage("nothing to send"));
    };
    let keep = |item: &QueuedWrite| -> Result<(), Failure> {
        if let Some(store) = store {
            store.put_pending(std::slice::from_ref(item)).map_err(|e| {
                Failure::usage(format!(
                    "the outbox could not be written, so nothing was sent: {e}"
                ))
            })?;
        }
        Ok(())
    };
    let forget = |item: &QueuedWrite| {
        if let Some(store) = store
            && let Err(e) = store.remove_pending(&item.key)
        {
            tracing::warn!(error = %e, "a sent write stays in the outbox");
        }
    };
    // A write from the outbox keeps when it was first sent: where its
    // lost answer is looked for.
    item.first_sent.get_or_insert(clock.now());
    keep(&item)?;
    // The console's policy, with the short pauses a waiting command needs.
    let backoff = Backoff {
        first: pause,
        most: pause * 2,
    };
    let mut last = None;
    let mut wait = None;
    for _ in 0..ATTEMPTS {
        if let Some(wait) = wait.take() {
            tokio::time::sleep(wait).await;
        }
        let there = match (item.uncertain, item.first_sent) {
            (true, Some(since)) => {
                desk.was_applied(&item.ticket, &item.based_on, &change, since)
                    .await
            }
            _ => Ok(None),
        };
        let result = match there {
            Ok(Some(applied)) => Ok(applied),
            Ok(None) => desk.apply(&item.ticket, &item.based_on, &change).await,
            Err(e) => Err(e),
        };
        item.attempts += 1;
        match result {
            Ok(applied) => {
                forget(&item);
                return Ok(applied);
            }
            Err(e) => match next_after(&e) {
                Next::Retry { uncertain, after } => {
                    // Looked for before it is sent again when it may have
                    // reached the desk though no answer came.
                    item.uncertain |= uncertain;
                    item.last_error = Some(e.to_string());
                    // The desk's Retry-After too, within what a command waits.
                    let pause = after.unwrap_or_else(|| backoff.pause(item.attempts, &item.key));
                    wait = Some(pause.min(MAX_WAIT));
                    last = Some(e);
                }
                Next::SignIn | Next::Reject => {
                    forget(&item);
                    let nothing = match e {
                        DeskError::Conflict { .. } => {
                            "; nothing was written (show it, then try again)"
                        }
                        _ => "; nothing was written",
                    };
                    return Err(Failure::from(e).about_then(nothing));
                }
            },
        }
    }
    keep(&item)?;
    let why = last.map(|e| e.to_string()).unwrap_or_default();
    let what_now = if store.is_some() {
        "the write is kept in the outbox, and the console sends it when the desk answers \
         (checking first whether it landed): do not send it again"
    } else {
        // No outbox to keep it in: say so, and that it may have landed.
        "the write was not kept (this profile's local store could not be opened), and it \
         may have reached the desk: look at the ticket before sending it again"
    };
    Err(Failure::new(Exit::Network, format!("{why}; {what_now}")))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::desk::demo::DemoDesk;
    use crate::desk::{
        Agent, Capabilities, Page, PageRequest, Query, Queue, TicketDetail, TicketSummary,
    };

    /// The real demo desk behind a link that drops answers: the first
    /// `lost` writes reach the desk but their answers never come back, and
    /// then the next `down` writes do not reach it at all.
    struct FlakyLinkStandIn {
        desk: Arc<DemoDesk>,
        lost: AtomicU32,
        down: AtomicU32,
    }

    #[async_trait]
    impl Desk for FlakyLinkStandIn {
        fn capabilities(&self) -> &Capabilities {
            self.desk.capabilities()
        }
        async fn me(&self) -> Result<Agent, DeskError> {
            self.desk.me().await
        }
        async fn queues(&self) -> Result<Vec<Queue>, DeskError> {
            self.desk.queues().await
        }
        async fn agents(&self) -> Result<Vec<Agent>, DeskError> {
            self.desk.agents().await
        }
        async fn search(
            &self,
            query: &Query,
            page: PageRequest,
        ) -> Result<Page<TicketSummary>, DeskError> {
            self.desk.search(query, page).await
        }
        async fn changed_since(
            &self,
            query: &Query,
            since: Timestamp,
        ) -> Result<Vec<TicketSummary>, DeskError> {
            self.desk.changed_since(query, since).await
        }
        async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError> {
            self.desk.ticket(id).await
        }
        async fn apply(
            &self,
            id: &TicketId,
            based_on: &Version,
            change: &Change,
        ) -> Result<Applied, DeskError> {
            let take = |n: &AtomicU32| {
                n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| v.checked_sub(1))
                    .is_ok()
            };
            if take(&self.lost) {
                self.desk.apply(id, based_on, change).await?;
                return Err(DeskError::Unreachable("the answer was lost".into()));
            }
            if take(&self.down) {
                return Err(DeskError::Unreachable("connection refused".into()));
            }
            self.desk.apply(id, based_on, change).await
        }
    }

    struct Setup {
        _dir: tempfile::TempDir,
        desk: FlakyLinkStandIn,
        store: Store,
    }

    fn setup(lost: u32, down: u32) -> Setup {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let desk = DemoDesk::create(&dir.path().join("demo.sqlite"), 7, 40, Clock::System)
            .unwrap_or_else(|e| panic!("{e}"));
        let store =
            Store::open(&dir.path().join("profiles"), "demo").unwrap_or_else(|e| panic!("{e}"));
        Setup {
            _dir: dir,
            desk: FlakyLinkStandIn {
                desk: Arc::new(desk),
                lost: AtomicU32::new(lost),
                down: AtomicU32::new(down),
            },
            store,
        }
    }

    async fn reply(s: &Setup, body: &str) -> (Result<Applied, Failure>, TicketId) {
        let ticket = TicketId("3".into());
        let seen = s
            .desk
            .ticket(&ticket)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .summary;
        let item = QueuedWrite::new(
            "cli-test".into(),
            "reply #3".into(),
            ticket.clone(),
            seen.version.clone(),
            vec![Change::Reply {
                body: body.into(),
                then: None,
                files: Vec::new(),
            }],
        );
        let result = deliver(
            &s.desk,
            Some(&s.store),
            item,
            Clock::System,
            Duration::from_millis(1),
        )
        .await;
        (result, ticket)
    }

    async fn copies(s: &Setup, ticket: &TicketId, body: &str) -> usize {
        let detail = s
            .desk
            .ticket(ticket)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        detail.entries.iter().filter(|e| &*e.body == body).count()
    }

    #[tokio::test]
    async fn a_lost_answer_is_looked_for_and_the_reply_lands_once_through_a_stand_in_link() {
        let s = setup(1, 0);
        let (result, ticket) = reply(&s, "On its way.").await;
        assert!(result.is_ok(), "{:?}", result.err());
        assert_eq!(copies(&s, &ticket, "On its way.").await, 1);
        assert!(s.store.pending().unwrap_or_default().is_empty());
    }

    #[tokio::test]
    async fn a_desk_down_for_good_leaves_the_write_in_the_outbox_through_a_stand_in_link() {
        let s = setup(0, 10);
        let (result, ticket) = reply(&s, "Kept for later.").await;
        let failure = result
            .err()
            .unwrap_or_else(|| panic!("sent through a dead link"));
        assert_eq!(failure.exit, Exit::Network);
        assert!(failure.message.contains("kept in the outbox"), "{failure}");
        let kept = s.store.pending().unwrap_or_default();
        assert_eq!(kept.len(), 1);
        assert_eq!((kept[0].attempts, kept[0].uncertain), (ATTEMPTS, true));
        assert_eq!(copies(&s, &ticket, "Kept for later.").await, 0);
    }

    #[tokio::test]
    async fn without_a_store_a_desk_down_says_the_write_was_not_kept_through_a_stand_in_link() {
        let s = setup(0, 10);
        let ticket = TicketId("3".into());
        let seen = s
            .desk
            .ticket(&ticket)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let item = QueuedWrite::new(
            "cli-test".into(),
            "note #3".into(),
            ticket,
            seen.summary.version,
            vec![Change::Note {
                body: "Nowhere to keep this.".into(),
                then: None,
                files: Vec::new(),
            }],
        );
        let failure = deliver(&s.desk, None, item, Clock::System, Duration::from_millis(1))
            .await
            .err()
            .unwrap_or_else(|| panic!("sent through a dead link"));
        assert_eq!(failure.exit, Exit::Network);
        assert!(!failure.message.contains("kept in the outbox"), "{failure}");
        assert!(failure.message.contains("was not kept"), "{failure}");
    }

    #[tokio::test]
    async fn a_refusal_is_not_kept_through_a_stand_in_link() {
        let s = setup(0, 0);
        let (first, ticket) = reply(&s, "First.").await;
        assert!(first.is_ok());
        // Based on the version before the first reply: someone changed it.
        let (second, _) = reply(&s, "Second.").await;
        assert!(second.is_ok(), "a fresh read each time");
        let stale = QueuedWrite::new(
            "cli-stale".into(),
            "status #3".into(),
            ticket.clone(),
            Version("1".into()),
            vec![Change::SetStatus(StatusKind::Resolved)],
        );
        let result = deliver(
            &s.desk,
            Some(&s.store),
            stale,
            Clock::System,
            Duration::from_millis(1),
        )
        .await;
        assert_eq!(result.err().map(|f| f.exit), Some(Exit::Conflict));
        assert!(s.store.pending().unwrap_or_default().is_empty());
    }
}
