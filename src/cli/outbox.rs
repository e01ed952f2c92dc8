//! `deskterm outbox`: the writes not yet on the desk, from the command line:
//! list them, send them now, or let one go. No `sqlite3` by hand.

use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;

use super::exit::Failure;
use super::write::deliver;
use super::{Cli, Connected, terminal_width};
use crate::store::QueuedWrite;
use crate::text::table::{Format, Table};

#[derive(Subcommand, Clone, Debug)]
pub enum OutboxCommand {
    /// List what waits (the default): each write, its ticket, how it stands.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Send what waits now (a refused write too, if named); each write is
    /// looked for on the desk first when an earlier try may have landed.
    Send {
        /// The writes to send, by key (as `list` shows); none: every one
        /// not refused.
        keys: Vec<String>,
    },
    /// Let a write go, unsent.
    Discard { key: String },
}

/// How a write stands, in a few words.
fn standing(item: &QueuedWrite) -> String {
    match (&item.last_error, item.rejected) {
        (Some(why), true) => format!("refused: {why}"),
        (Some(why), false) => format!("waiting ({} tries): {why}", item.attempts),
        (None, _) if item.attempts == 0 => "waiting".into(),
        (None, _) => format!("waiting ({} tries)", item.attempts),
    }
}

pub(super) fn outbox(cli: &Cli, command: Option<&OutboxCommand>) -> Result<ExitCode, Failure> {
    let desk = Connected::open(cli)?;
    let Some(store) = desk.session.store.clone() else {
        return Err(Failure::usage(
            desk.session
                .store_error
                .clone()
                .unwrap_or_else(|| "this profile keeps no outbox".into()),
        ));
    };
    let pending = store
        .pending()
        .map_err(|e| Failure::usage(format!("the outbox cannot be read: {e}")))?;
    let command = command.cloned().unwrap_or(OutboxCommand::List {
        format: Format::Table,
    });
    if let OutboxCommand::List { format } = command {
        let mut table = Table::new(&["key", "write", "ticket", "state"]).flexible(3);
        for item in &pending {
            table.push(vec![
                item.key.clone(),
                item.label.clone(),
                item.ticket.0.to_string(),
                standing(item),
            ]);
        }
        let out = match format {
            Format::Table if pending.is_empty() => "the outbox is empty\n".to_string(),
            Format::Table => table.render(terminal_width()),
            Format::Json => serde_json::to_string_pretty(&pending)
                .map(|j| format!("{j}\n"))
                .map_err(|e| Failure::usage(e.to_string()))?,
            Format::Csv => table.csv(),
        };
        print!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    // A console open on this profile sends its outbox itself: both at once
    // would send a write twice.
    let Some(_claim) = store
        .claim()
        .map_err(|e| Failure::usage(format!("the outbox cannot be held: {e}")))?
    else {
        return Err(Failure::usage(
            "a console has this profile open and sends its outbox itself: quit it first",
        ));
    };
    let find = |key: &str| {
        pending
            .iter()
            .find(|i| i.key == key)
            .cloned()
            .ok_or_else(|| Failure::usage(format!("no write {key:?} in the outbox")))
    };
    match command {
        OutboxCommand::List { .. } => unreachable!("listed above"),
        OutboxCommand::Discard { key } => {
            let item = find(&key)?;
            store
                .remove_pending(&item.key)
                .map_err(|e| Failure::usage(format!("the outbox cannot be written: {e}")))?;
            println!("{}: let go, unsent", item.label);
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Send { keys } => {
            let items: Vec<QueuedWrite> = match keys.is_empty() {
                true => pending.iter().filter(|i| !i.rejected).cloned().collect(),
                false => keys.iter().map(|k| find(k)).collect::<Result<_, _>>()?,
            };
            if items.is_empty() {
                println!("nothing waits to be sent");
            }
            for item in items {
                send(&desk, item)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One write's changes in order, each on the version the last left.
fn send(desk: &Connected, mut item: QueuedWrite) -> Result<(), Failure> {
    let label = item.label.clone();
    item.rejected = false;
    while !item.changes.is_empty() {
        let applied = desk
            .block_on(deliver(
                desk.desk(),
                desk.session.store.as_deref(),
                item.clone(),
                desk.clock,
                Duration::from_secs(1),
            ))
            .map_err(|f| f.about(&label))?;
        item.changes.remove(0);
        item.based_on = applied.version;
        item.first_sent = None;
        item.uncertain = false;
    }
    println!("{label}: sent");
    Ok(())
}
