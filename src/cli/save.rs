//! `deskterm save`: a ticket's attachments into a folder (the platform's
//! downloads folder unless `--to` says), each under a name made safe and
//! never over a file already there.

use std::path::PathBuf;
use std::process::ExitCode;

use super::exit::Failure;
use super::{Cli, Connected, ticket_id};
use crate::text::filename::save_new;

#[derive(clap::Args)]
pub struct SaveArgs {
    /// The ticket's id (42 or #42).
    id: String,
    /// Only the attachments with this name (as `show` lists them).
    #[arg(long)]
    name: Option<String>,
    /// The folder to save into (the downloads folder by default).
    #[arg(long, value_name = "DIR")]
    to: Option<PathBuf>,
}

pub(super) fn save(cli: &Cli, args: &SaveArgs) -> Result<ExitCode, Failure> {
    let folder = match &args.to {
        Some(dir) => dir.clone(),
        None => directories::UserDirs::new()
            .and_then(|dirs| dirs.download_dir().map(PathBuf::from))
            .ok_or_else(|| Failure::usage("no downloads folder here: say where with --to DIR"))?,
    };
    if !folder.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a folder; nothing was saved",
            folder.display()
        )));
    }
    let desk = Connected::open(cli)?;
    let ticket = ticket_id(&args.id);
    let detail = desk
        .block_on(desk.desk().ticket(&ticket))
        .map_err(|e| Failure::from(e).about(&format!("ticket {}", args.id)))?;
    let wanted: Vec<_> = detail
        .entries
        .iter()
        .flat_map(|e| &e.attachments)
        .filter(|a| args.name.as_deref().is_none_or(|n| a.name.as_str() == n))
        .collect();
    if wanted.is_empty() {
        return Err(Failure::usage(match &args.name {
            Some(name) => format!("#{} has no attachment named “{name}”", ticket.0),
            None => format!("#{} has no attachments", ticket.0),
        }));
    }
    for attachment in wanted {
        let Some(id) = &attachment.id else {
            eprintln!(
                "deskterm: {} cannot be fetched: the desk gave it no id",
                attachment.name
            );
            continue;
        };
        let bytes = desk
            .block_on(desk.desk().attachment(id))
            .map_err(|e| Failure::from(e).about(attachment.name.as_str()))?;
        let path = save_new(&folder, attachment.name.as_str(), &bytes).map_err(Failure::usage)?;
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
