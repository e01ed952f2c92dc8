//! Reading commands: `ls`, `show`, `agents`, `queues`.

use std::process::ExitCode;
use std::sync::Arc;

use jiff::tz::TimeZone;

use super::exit::{Exit, Failure};
use super::{Cli, Connected, json, terminal_width, ticket_id};
use crate::desk::paging::{Next, Pager, Stopped};
use crate::desk::query::{TextFilter, search_text};
use crate::desk::{
    Agent, Channel, Desk, DeskError, OwnerFilter, PageRequest, PriorityLevel, Query, Queue,
    RequesterRole, StatusKind, TicketDetail, TicketSummary,
};
use crate::layout::format;
use crate::state::queue::{SortKey, sections_for, sort_tickets};
use crate::text::table::{Format, Table};

#[derive(clap::Args)]
pub struct LsArgs {
    /// A section as in the console: all, mine, unassigned, or a queue's name.
    #[arg(long, conflicts_with = "query", value_name = "NAME")]
    section: Option<String>,
    /// Words to find in the subject, requester or id, and field:value terms:
    /// status:pending, queue:HR, owner:me, owner:nobody, owner:NAME.
    #[arg(long, value_name = "Q")]
    query: Option<String>,
    /// Most urgent SLA first, or by update, priority, creation or id.
    #[arg(long, default_value = "sla", value_parser = ["sla", "updated", "priority", "created", "id"])]
    sort: String,
    /// The other way round.
    #[arg(long)]
    reverse: bool,
    /// At most this many tickets.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A queue by id or name: exact first, then the only one it begins.
pub(super) fn find_queue<'a>(queues: &'a [Queue], word: &str) -> Result<&'a Queue, Failure> {
    find(queues, word, |q| vec![&q.id.0, &q.name], |q| &q.name).map_err(|none| {
        none.unwrap_or_else(|| {
            Failure::not_found(format!(
                "no queue “{word}”; there are: {}",
                names(queues.iter().map(|q| q.name.as_ref()))
            ))
        })
    })
}

/// An agent by id, email or name: exact first, then the only one it begins.
pub(super) fn find_agent<'a>(agents: &'a [Agent], word: &str) -> Result<&'a Agent, Failure> {
    find(
        agents,
        word,
        |a| vec![&a.id.0, &a.email, &a.name],
        |a| &a.name,
    )
    .map_err(|none| {
        none.unwrap_or_else(|| {
            Failure::not_found(format!("no agent “{word}” (deskterm agents lists them)"))
        })
    })
}

/// The item one of whose `keys` is `word` (any case), else the only one
/// whose `name` begins with it. `Err(None)` when nothing matches, so the
/// caller can say what there is; `Err(Some(_))` when several do.
fn find<'a, T>(
    items: &'a [T],
    word: &str,
    keys: impl Fn(&T) -> Vec<&str>,
    name: impl Fn(&T) -> &str,
) -> Result<&'a T, Option<Failure>> {
    let lower = word.to_lowercase();
    if let Some(found) = items
        .iter()
        .find(|item| keys(item).iter().any(|k| k.to_lowercase() == lower))
    {
        return Ok(found);
    }
    let starting: Vec<&T> = items
        .iter()
        .filter(|item| name(item).to_lowercase().starts_with(&lower))
        .collect();
    match starting[..] {
        [one] => Ok(one),
        [] => Err(None),
        _ => Err(Some(Failure::usage(format!(
            "“{word}” could be {}",
            names(starting.iter().map(|item| name(item)))
        )))),
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// `--section` or `--query` as the desk's query.
fn query_for(desk: &Connected, args: &LsArgs) -> Result<Query, Failure> {
    if let Some(name) = &args.section {
        let queues = desk.block_on(desk.desk().queues())?;
        let sections = sections_for(&queues);
        let found = find(&sections, name, |s| vec![&s.name], |s| &s.name).map_err(|none| {
            none.unwrap_or_else(|| {
                Failure::not_found(format!(
                    "no section “{name}”; there are: {}",
                    names(sections.iter().map(|s| s.name.as_str()))
                ))
            })
        })?;
        return Ok(found.query.clone());
    }
    let mut query = Query::active();
    let mut statuses = Vec::new();
    let mut words = Vec::new();
    for term in args.query.as_deref().unwrap_or("").split_whitespace() {
        match term.split_once(':') {
            Some(("status", value)) => match value {
                "active" => statuses.extend(Query::active().statuses),
                "any" | "all" => statuses.extend(StatusKind::ALL),
                _ => statuses.push(StatusKind::parse(value).ok_or_else(|| {
                    Failure::usage(format!(
                        "status:{value}: say new, open, pending, resolved, closed, active or any"
                    ))
                })?),
            },
            Some(("queue", value)) => {
                let queues = desk.block_on(desk.desk().queues())?;
                query.queue = Some(find_queue(&queues, value)?.id.clone());
            }
            Some(("priority", value)) => {
                for word in value.split(',') {
                    query
                        .priorities
                        .push(PriorityLevel::parse(word).ok_or_else(|| {
                            Failure::usage(format!(
                                "priority:{word}: say low, normal, high or urgent"
                            ))
                        })?);
                }
            }
            Some(("channel", value)) => {
                for word in value.split(',') {
                    match Channel::parse(word) {
                        Channel::Unknown => {
                            return Err(Failure::usage(format!(
                                "channel:{word}: say phone, walk-in, email, web, sms, chat or social"
                            )));
                        }
                        channel => query.channels.push(channel),
                    }
                }
            }
            Some(("role", value)) => {
                for word in value.split(',') {
                    let role = RequesterRole::parse(word);
                    if role == RequesterRole::Unknown && word != "unknown" {
                        return Err(Failure::usage(format!(
                            "role:{word}: say staff, student, parent, community or unknown"
                        )));
                    }
                    query.roles.push(role);
                }
            }
            Some(("tag", value)) if !value.is_empty() => query.tags.push(value.to_string()),
            Some(("requester", value)) if value.contains('@') => {
                query.requester = Some(value.to_string());
            }
            Some(("owner", "me")) => query.owner = OwnerFilter::Me,
            Some(("owner", "nobody")) => query.owner = OwnerFilter::Nobody,
            Some(("owner", value)) => {
                let agents = desk.block_on(desk.desk().agents())?;
                query.owner = OwnerFilter::Agent(find_agent(&agents, value)?.id.clone());
            }
            // A word with a colon in it (10:30, a URL) is a word; a name
            // before one is a term this query cannot read.
            Some((key, _)) if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic()) => {
                return Err(Failure::usage(format!(
                    "--query cannot read “{term}”: it takes words and status:, queue:, owner:, \
                     priority:, channel:, role:, tag: and requester: terms"
                )));
            }
            _ => words.push(term),
        }
    }
    if !statuses.is_empty() {
        query.statuses = statuses;
    }
    query.text = words.join(" ");
    Ok(query)
}

pub(super) fn ls(cli: &Cli, args: &LsArgs) -> Result<ExitCode, Failure> {
    let desk = Connected::open(cli)?;
    let query = query_for(&desk, args)?;
    let sort = SortKey::parse(&args.sort).unwrap_or(SortKey::Sla);
    // Desks list newest first: by id, the first pages are enough.
    let enough = match (sort, args.reverse, args.limit) {
        (SortKey::Id, false, Some(limit)) => limit,
        _ => usize::MAX,
    };
    let page_size = desk.launcher.settings(&desk.session).page_size;
    // Enough for the limit in one round of pages side by side.
    let per_page = match u32::try_from(enough) {
        Ok(enough) => page_size.min(enough.div_ceil(SIDE_BY_SIDE)),
        Err(_) => page_size,
    }
    .max(1);
    let words = TextFilter::new(&query.text.to_lowercase());
    let refine = query.clone();
    let (found, stopped) = desk.block_on(pages(
        desk.session.desk.clone(),
        query,
        per_page,
        enough,
        // What the desk could not ask itself is checked here.
        |t| words.matches(&search_text(t)) && refine.refines(t),
    ))?;
    let mut tickets = found;
    for t in &mut tickets {
        desk.fill_sla(t);
    }
    sort_tickets(&mut tickets, sort, desk.now);
    if args.reverse {
        tickets.reverse();
    }
    tickets.truncate(args.limit.unwrap_or(usize::MAX));
    print!("{}", list(&tickets, &desk, args.format));
    // What was read is shown; the exit code says it may not be all.
    if let Some(stopped) = stopped {
        eprintln!("deskterm: {stopped}");
        return Ok(Exit::Network.into());
    }
    Ok(ExitCode::SUCCESS)
}

/// Pages asked for at once: a desk answers a page of 25 far sooner than
/// one of 100 (RT spends its time on each ticket's requestors), and serves
/// several requests side by side.
const SIDE_BY_SIDE: u32 = 4;

/// The tickets of `query` that `keep` keeps, page after page in rounds of
/// pages side by side, until the desk has no more, `enough` are found, or
/// the [`Pager`] stops (then the list may be incomplete, and it says why).
async fn pages(
    desk: Arc<dyn Desk>,
    query: Query,
    per_page: u32,
    enough: usize,
    keep: impl Fn(&TicketSummary) -> bool,
) -> Result<(Vec<TicketSummary>, Option<Stopped>), DeskError> {
    let mut tickets = Vec::new();
    let mut pager = Pager::new(per_page);
    let mut first = 0;
    loop {
        let mut round = tokio::task::JoinSet::new();
        for page in first..first + SIDE_BY_SIDE {
            let (desk, query) = (desk.clone(), query.clone());
            round.spawn(async move {
                let request = PageRequest { page, per_page };
                (page, desk.search(&query, request).await)
            });
        }
        let mut answers = round.join_all().await;
        answers.sort_by_key(|(page, _)| *page);
        for (_, answer) in answers {
            let answer = answer?;
            let ids = answer.items.iter().map(|t| t.id.0.clone());
            let next = pager.after(answer.total, ids, answer.more);
            tickets.extend(answer.items.into_iter().filter(|t| keep(t)));
            match next {
                _ if tickets.len() >= enough => return Ok((tickets, None)),
                Next::More => {}
                Next::Done => return Ok((tickets, None)),
                Next::Stopped(stopped) => return Ok((tickets, Some(stopped))),
            }
        }
        first += SIDE_BY_SIDE;
    }
}

/// Tickets as a table, JSON or CSV.
pub(super) fn list(tickets: &[TicketSummary], desk: &Connected, format: Format) -> String {
    let now = desk.now;
    match format {
        Format::Json => {
            let out: Vec<json::Ticket> = tickets
                .iter()
                .map(|t| json::ticket(t, now, desk.thresholds()))
                .collect();
            pretty(&out)
        }
        Format::Csv => {
            let mut table = Table::new(&[
                "id",
                "key",
                "sla",
                "sla_due",
                "priority",
                "status",
                "queue",
                "owner",
                "requester",
                "requester_email",
                "role",
                "channel",
                "subject",
                "created",
                "updated",
            ]);
            for t in tickets {
                let clock = t.sla.most_urgent(now);
                table.push(vec![
                    t.id.0.clone(),
                    t.key.to_string(),
                    clock.map_or("", |c| c.kind.label()).to_string(),
                    clock.map(|c| c.due.to_string()).unwrap_or_default(),
                    t.priority.level.name().to_string(),
                    t.status.kind.name().to_string(),
                    t.queue.name.to_string(),
                    t.owner
                        .as_ref()
                        .map(|o| o.name.to_string())
                        .unwrap_or_default(),
                    t.requester.name.to_string(),
                    t.requester.email.to_string(),
                    t.requester.role.name().to_string(),
                    t.channel.name().to_string(),
                    t.subject.to_string(),
                    t.created.to_string(),
                    t.updated.to_string(),
                ]);
            }
            table.csv()
        }
        Format::Table => {
            let mut table = Table::new(&[
                "ID",
                "SLA",
                "PRI",
                "STATUS",
                "QUEUE",
                "OWNER",
                "REQUESTER",
                "SUBJECT",
                "UPDATED",
            ])
            .right(&[1, 8])
            // In a narrow terminal the subject, requester, owner and queue
            // give way in turn; then the owner and the queue are left out.
            .shrink(&[(7, 20), (6, 12), (5, 10), (4, 8)])
            .optional(&[5, 4]);
            for t in tickets {
                table.push(vec![
                    t.key.to_string(),
                    format::sla_cell(t.sla.most_urgent(now), now),
                    t.priority.level.name().to_string(),
                    t.status.kind.name().to_string(),
                    t.queue.name.to_string(),
                    t.owner
                        .as_ref()
                        .map_or_else(|| "—".to_string(), |o| o.name.to_string()),
                    t.requester.name.to_string(),
                    t.subject.to_string(),
                    format::age(now, t.updated),
                ]);
            }
            if table.is_empty() {
                return "no tickets\n".to_string();
            }
            table.render(terminal_width())
        }
    }
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

pub(super) fn show(cli: &Cli, id: &str, format: Format, quotes: bool) -> Result<ExitCode, Failure> {
    let desk = Connected::open(cli)?;
    let mut detail = desk
        .block_on(desk.desk().ticket(&ticket_id(id)))
        .map_err(|e| Failure::from(e).about(&format!("ticket {id}")))?;
    let facts = crate::sla::engine::Facts::from_detail(&detail);
    desk.launcher.base.sla.fill(&mut detail.summary, &facts);
    let out = match format {
        Format::Json => pretty(&json::detail(&detail, desk.now, desk.thresholds())),
        Format::Csv => conversation_csv(&detail),
        Format::Table => text(&detail, &desk, quotes),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The conversation, one row per entry.
fn conversation_csv(detail: &TicketDetail) -> String {
    let mut table = Table::new(&["at", "kind", "author", "by_agent", "status", "body"]);
    for e in &detail.entries {
        let kind = match e.kind {
            crate::desk::EntryKind::Reply => "reply",
            crate::desk::EntryKind::Note => "note",
            crate::desk::EntryKind::Event => "event",
        };
        table.push(vec![
            e.at.to_string(),
            kind.to_string(),
            e.author.to_string(),
            e.by_agent.to_string(),
            e.status.map(|s| s.name()).unwrap_or_default().to_string(),
            e.body.to_string(),
        ]);
    }
    table.csv()
}

/// The ticket as a person reads it: the fields, the clocks, the conversation,
/// quoted mail folded into one line unless `quotes`.
fn text(detail: &TicketDetail, desk: &Connected, quotes: bool) -> String {
    let (t, now, tz) = (&detail.summary, desk.now, TimeZone::system());
    let mut out = format!("{} {}\n", t.key, t.subject);
    let mut field = |name: &str, value: String| out.push_str(&format!("  {name:<15} {value}\n"));
    field("status", t.status.raw.to_string());
    field("priority", t.priority.level.name().to_string());
    field("queue", t.queue.name.to_string());
    field(
        "owner",
        t.owner
            .as_ref()
            .map_or_else(|| "nobody".to_string(), |o| o.name.to_string()),
    );
    let who = format::requester_who(&t.requester);
    let mut details = format::requester_details(&t.requester);
    details.extend(t.requester.phone.as_ref().map(|p| format!("tel. {p}")));
    field(
        "requester",
        if details.is_empty() {
            who
        } else {
            format!("{who} ({})", details.join(", "))
        },
    );
    field("channel", t.channel.name().to_string());
    field("created", format::full(t.created, &tz));
    field("updated", format::full(t.updated, &tz));
    for clock in &t.sla.clocks {
        field(clock.kind.label(), format::sla_sentence(clock, now, &tz));
    }
    for e in &detail.entries {
        let what = match e.kind {
            crate::desk::EntryKind::Reply => "reply",
            crate::desk::EntryKind::Note => "INTERNAL NOTE",
            crate::desk::EntryKind::Event => "event",
        };
        out.push_str(&format!(
            "\n── {what} · {} · {}\n",
            e.author,
            format::full(e.at, &tz)
        ));
        if !e.body.is_empty() {
            out.push_str(&folded(e.body.trim_end(), quotes));
            out.push('\n');
        }
        for a in &e.attachments {
            out.push_str(&format::attachment(a));
            out.push('\n');
        }
    }
    out
}

/// A body with each quote of three lines or more folded into one line
/// (or whole, when `whole`).
fn folded(body: &str, whole: bool) -> String {
    use crate::text::quote::{FOLD_MIN, runs};
    if whole {
        return body.to_string();
    }
    runs(body)
        .iter()
        .map(|run| {
            if run.quoted && run.lines >= FOLD_MIN {
                format!("… {} quoted lines (--quotes shows them)", run.lines)
            } else {
                run.text.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn agents(cli: &Cli, format: Format) -> Result<ExitCode, Failure> {
    let desk = Connected::open(cli)?;
    let agents = desk.block_on(desk.desk().agents())?;
    let queues = desk.block_on(desk.desk().queues()).unwrap_or_default();
    let queue_name = |id: &crate::desk::QueueId| {
        queues
            .iter()
            .find(|q| q.id == *id)
            .map_or_else(|| id.0.clone(), |q| q.name.to_string())
    };
    let out = match format {
        Format::Json => pretty(&agents.iter().map(json::agent).collect::<Vec<_>>()),
        Format::Csv | Format::Table => {
            let mut table = Table::new(&["ID", "NAME", "EMAIL", "QUEUES"]).flexible(3);
            for a in &agents {
                let in_queues: Vec<String> = a.queues.iter().map(queue_name).collect();
                table.push(vec![
                    a.id.0.clone(),
                    a.name.to_string(),
                    a.email.to_string(),
                    in_queues.join(if format == Format::Csv { ";" } else { ", " }),
                ]);
            }
            table_or_csv(&table, format)
        }
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// `deskterm field ID`: the ticket's fields, each with its value now and
/// the values it takes.
pub(super) fn fields(cli: &Cli, id: &str) -> Result<ExitCode, Failure> {
    let desk = Connected::open(cli)?;
    let ticket = super::ticket_id(id);
    let specs = desk.block_on(desk.desk().fields(&ticket))?;
    let detail = desk.block_on(desk.desk().ticket(&ticket))?;
    let mut table = Table::new(&["FIELD", "VALUE", "TAKES"]).flexible(2);
    for spec in &specs {
        let takes = match spec.values.len() {
            0 => "any text".to_string(),
            _ => spec.values.join(", "),
        };
        let now = crate::desk::field_value(&detail, &spec.name).unwrap_or("—");
        table.push(vec![
            crate::text::sanitize_line(&spec.name),
            now.to_string(),
            crate::text::sanitize_line(&takes),
        ]);
    }
    print!("{}", table_or_csv(&table, Format::Table));
    Ok(ExitCode::SUCCESS)
}

pub(super) fn queues(cli: &Cli, format: Format) -> Result<ExitCode, Failure> {
    let desk = Connected::open(cli)?;
    let queues = desk.block_on(desk.desk().queues())?;
    let out = match format {
        Format::Json => pretty(&queues.iter().map(json::queue).collect::<Vec<_>>()),
        Format::Csv | Format::Table => {
            let mut table = Table::new(&["ID", "NAME", "DESCRIPTION"]).flexible(2);
            for q in &queues {
                table.push(vec![
                    q.id.0.clone(),
                    q.name.to_string(),
                    q.description.to_string(),
                ]);
            }
            table_or_csv(&table, format)
        }
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The table for people, or CSV whose header is the JSON's field names.
fn table_or_csv(table: &Table, format: Format) -> String {
    if format != Format::Csv {
        return table.render(terminal_width());
    }
    let csv = table.csv();
    match csv.split_once('\n') {
        Some((header, rest)) => format!("{}\n{rest}", header.to_lowercase()),
        None => csv,
    }
}
