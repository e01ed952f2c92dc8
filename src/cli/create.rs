//! `deskterm create`: log a ticket for someone (a phone call, a walk-in),
//! printing its id. A create whose answer was lost (the desk may have made
//! it) is looked for on the desk before anything else: one intake is never
//! two tickets.

use std::path::PathBuf;
use std::process::ExitCode;

use super::exit::Failure;
use super::tickets::{find_agent, find_queue};
use super::write::read_text;
use super::{Cli, Connected, json};
use crate::desk::gate;
use crate::desk::{Assignee, Channel, DeskError, NewTicket, PriorityLevel, find_created};
use crate::text::table::Format;

#[derive(clap::Args)]
pub struct CreateArgs {
    /// The queue (department), by id or name.
    #[arg(long, short)]
    queue: String,
    #[arg(long, short)]
    subject: String,
    /// Who asked: their email address (a new one is a new requester).
    #[arg(long, value_name = "EMAIL")]
    requester: String,
    /// Their name, for a requester the desk does not know yet.
    #[arg(long)]
    name: Option<String>,
    /// How the request came: phone, walk-in, email, web, sms, chat, social.
    #[arg(long, default_value = "phone")]
    channel: String,
    /// low, normal, high or urgent.
    #[arg(long, default_value = "normal")]
    priority: String,
    /// "me", "nobody", or an agent's id, name or email.
    #[arg(long, default_value = "nobody")]
    owner: String,
    /// The requester's words, the opening message (else --file, stdin or
    /// $VISUAL / $EDITOR).
    #[arg(long, short, value_name = "TEXT", conflicts_with = "file")]
    message: Option<String>,
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// A first public reply, sent once the ticket is made (through the
    /// outbox, as any reply).
    #[arg(long, value_name = "TEXT")]
    reply: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn create(cli: &Cli, args: &CreateArgs) -> Result<ExitCode, Failure> {
    let channel = match Channel::parse(&args.channel) {
        Channel::Unknown => {
            return Err(Failure::usage(format!(
                "no channel “{}”: say phone, walk-in, email, web, sms, chat or social",
                args.channel
            )));
        }
        channel => channel,
    };
    let priority = PriorityLevel::parse(&args.priority).ok_or_else(|| {
        Failure::usage(format!(
            "no priority “{}”: say low, normal, high or urgent",
            args.priority
        ))
    })?;
    if !args.requester.contains('@') {
        return Err(Failure::usage(format!(
            "“{}” is not an email address: --requester takes the requester's address",
            args.requester
        )));
    }
    let desk = Connected::open(cli)?;
    gate::check(desk.session.selected.read_only.as_deref(), false)
        .map_err(|closed| Failure::usage(closed.to_string()))?;
    if !desk.desk().capabilities().create {
        return Err(Failure::from(DeskError::Unsupported("logging new tickets")));
    }
    let queues = desk.block_on(desk.desk().queues())?;
    let queue = find_queue(&queues, &args.queue)?.id.clone();
    let owner = match args.owner.as_str() {
        "me" => Assignee::Me,
        "nobody" => Assignee::Nobody,
        who => {
            let agents = desk.block_on(desk.desk().agents())?;
            Assignee::Agent(find_agent(&agents, who)?.id.clone())
        }
    };
    let body = read_text(args.message.as_deref(), args.file.as_deref())?;
    let asked = NewTicket {
        queue,
        subject: args.subject.trim().to_string(),
        requester_email: args.requester.trim().to_string(),
        requester_name: args.name.clone().unwrap_or_default(),
        channel,
        priority,
        owner,
        body,
    };
    // The session's clock: the demo desk's own, a real desk's the wall's.
    let sent_at = desk.now;
    let made = match desk.block_on(desk.desk().create(&asked)) {
        Ok(made) => made,
        // Nothing left: say so, and that it can be sent again.
        Err(e @ (DeskError::NotSent(_) | DeskError::Auth | DeskError::Forbidden { .. })) => {
            return Err(Failure::from(e).about("the new ticket"));
        }
        Err(e) if e.is_transient() => {
            match desk.block_on(find_created(desk.desk(), &asked, sent_at)) {
                Ok(Some(found)) => {
                    tracing::info!(error = %e, id = %found.id.0, "a lost create was on the desk");
                    found
                }
                Ok(None) => {
                    return Err(Failure::from(e)
                        .about("the new ticket")
                        .about_then("; it is not on the desk, so it can be sent again"));
                }
                Err(_) => {
                    return Err(Failure::from(e).about("the new ticket").about_then(
                        "; it may have been made: look for it before sending it again",
                    ));
                }
            }
        }
        Err(e) => return Err(Failure::from(e).about("the new ticket")),
    };
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json::ticket(&made, desk.now, desk.thresholds()))
                .unwrap_or_default()
        ),
        _ => println!("{}", made.id.0),
    }
    match args.reply.as_deref().map(str::trim) {
        Some(reply) if !reply.is_empty() => {
            super::write::reply_to_new(desk, &made.id.0, reply.to_string(), args.format)
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}
