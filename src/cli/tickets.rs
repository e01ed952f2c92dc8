//! Reading commands: `ls`, `show`, `agents`, `queues`.

use std::process::ExitCode;

use jiff::tz::TimeZone;

use super::exit::{Exit, Failure};
use super::{Cli, Connected, json, terminal_width, ticket_id};
use crate::desk::paging::find;
use crate::desk::query::text;
use crate::desk::{Agent, Query, Queue, TicketDetail, TicketSummary};
use crate::layout::format;
use crate::state::queue::{SortKey, sort_tickets};
use crate::state::sections::sections_for;
use crate::text::table::{Format, Table};

#[derive(clap::Args)]
pub struct LsArgs {
    /// A section as in the console: all, mine, unassigned, or a queue's name.
    #[arg(long, conflicts_with = "query", value_name = "NAME")]
    section: Option<String>,
    /// Words and key:value terms: status:resolved, queue:HR, owner:me,
    /// priority:high, role:parent, tag:bus, field:School=Lincoln,
    /// sla:breached, updated:<2h … (the README's "Sections and search").
    #[arg(long, value_name = "Q")]
    query: Option<String>,
    /// Most urgent SLA first (or the section's own order), or by update,
    /// priority, creation or id.
    #[arg(long, value_parser = ["sla", "updated", "priority", "created", "id"])]
    sort: Option<String>,
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
    text::find_queue(queues, word).map_err(Failure::not_found)
}

/// An agent by id, email or name: exact first, then the only one it begins.
pub(super) fn find_agent<'a>(agents: &'a [Agent], word: &str) -> Result<&'a Agent, Failure> {
    text::find_agent(agents, word).map_err(Failure::not_found)
}

/// `--section` or `--query` as the desk's query, and the section's own
/// order if it has one.
fn query_for(desk: &Connected, args: &LsArgs) -> Result<(Query, Option<SortKey>), Failure> {
    let settings = desk.launcher.settings(&desk.session);
    let mut queues = None;
    let terms = match &args.section {
        Some(name) => {
            let all = desk.block_on(desk.desk().queues())?;
            let sections = sections_for(&all, &[], &settings.sections);
            queues = Some(all);
            let found =
                text::find(&sections, name, |s| vec![&s.name], |s| &s.name).map_err(|none| {
                    Failure::not_found(none.unwrap_or_else(|| {
                        format!(
                            "no section “{name}”; there are: {}",
                            text::names(sections.iter().map(|s| s.name.as_str()))
                        )
                    }))
                })?;
            match &found.terms {
                Some(terms) => (terms.clone(), found.sort),
                None => return Ok((found.query.clone(), found.sort)),
            }
        }
        None => (
            text::parse(args.query.as_deref().unwrap_or(""))
                .map_err(|e| Failure::usage(format!("--query: {e}")))?,
            None,
        ),
    };
    let (terms, sort) = terms;
    // Names are looked up only when the query has them.
    let names = |t: &text::Term| matches!(t, text::Term::Queue(_));
    let queues = match (queues, terms.0.iter().any(names)) {
        (Some(queues), _) => queues,
        (None, true) => desk.block_on(desk.desk().queues())?,
        (None, false) => Vec::new(),
    };
    let agents = match terms
        .0
        .iter()
        .any(|t| matches!(t, text::Term::Owner(text::OwnerWord::Named(_))))
    {
        true => desk.block_on(desk.desk().agents())?,
        false => Vec::new(),
    };
    let context = text::Context {
        queues: &queues,
        agents: &agents,
        now: desk.now,
        time_zone: &settings.time_zone,
    };
    let query = terms.resolve(&context).map_err(Failure::not_found)?;
    Ok((query, sort))
}

pub(super) fn ls(cli: &Cli, args: &LsArgs) -> Result<ExitCode, Failure> {
    let desk = Connected::open(cli)?;
    let (query, own_sort) = query_for(&desk, args)?;
    let sort = match &args.sort {
        Some(name) => SortKey::parse(name).unwrap_or(SortKey::Sla),
        None => own_sort.unwrap_or(SortKey::Sla),
    };
    // Desks list newest first: by id, the first pages are enough.
    let enough = match (sort, args.reverse, args.limit) {
        (SortKey::Id, false, Some(limit)) => limit,
        _ => usize::MAX,
    };
    let page_size = desk.launcher.settings(&desk.session).page_size;
    // Enough for the limit in one round of pages side by side.
    let per_page = match u32::try_from(enough) {
        Ok(enough) => page_size.min(enough.div_ceil(crate::desk::paging::SIDE_BY_SIDE)),
        Err(_) => page_size,
    }
    .max(1);
    let refine = query.clone();
    let (found, stopped) =
        desk.block_on(find(desk.session.desk.clone(), query, per_page, enough))?;
    let mut tickets = found;
    for t in &mut tickets {
        desk.fill_sla(t);
    }
    tickets.retain(|t| refine.sla_matches(t, desk.now, desk.thresholds()));
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
                    t.id.0.to_string(),
                    t.key.to_string(),
                    clock.map_or("", |c| c.kind.label()).to_string(),
                    clock.map(|c| c.due().to_string()).unwrap_or_default(),
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
            .map_or_else(|| id.0.to_string(), |q| q.name.to_string())
    };
    let out = match format {
        Format::Json => pretty(&agents.iter().map(json::agent).collect::<Vec<_>>()),
        Format::Csv | Format::Table => {
            let mut table = Table::new(&["ID", "NAME", "EMAIL", "QUEUES"]).flexible(3);
            for a in &agents {
                let in_queues: Vec<String> = a.queues.iter().map(queue_name).collect();
                table.push(vec![
                    a.id.0.to_string(),
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
                    q.id.0.to_string(),
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
