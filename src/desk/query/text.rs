//! The query language people type and keep in config.toml: free words and
//! `key:value` terms, e.g. `status:resolved updated:<1d queue:HR printer`.
//!
//! Reading it is in two steps. [`parse`] turns text into [`Terms`] without
//! asking the desk anything, so `config check` can point at a mistake's
//! column; [`Terms::resolve`] then looks up names (a queue, an agent) in
//! what the desk has and turns ages into instants, giving a [`Query`].
//! [`Terms`] print back as text that parses to the same terms.

use std::fmt;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::{OwnerFilter, Query, SlaFilter, TimeRange};
use crate::desk::{Agent, Channel, PriorityLevel, Queue, RequesterRole, StatusKind};

/// A query as written: its terms in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Terms(pub Vec<Term>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// Looked for in the subject, the requester and the id (and the body,
    /// where the desk searches it).
    Word(String),
    Status(Vec<StatusWord>),
    /// A queue's name or id.
    Queue(String),
    Owner(OwnerWord),
    /// An email address.
    Requester(String),
    Role(Vec<RequesterRole>),
    Channel(Vec<Channel>),
    Priority(Vec<PriorityLevel>),
    Tag(String),
    /// A custom field's name and value.
    Field(String, String),
    Sla(Vec<SlaFilter>),
    Created(When),
    Updated(When),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusWord {
    Is(StatusKind),
    /// New, open or pending.
    Active,
    Any,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerWord {
    Me,
    Nobody,
    /// An agent's name, email or id.
    Named(String),
}

/// A created or updated bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// `<2h`: less than this old.
    Newer(Age),
    /// `>2h`: more than this old.
    Older(Age),
    /// `>2026-11-01`: after that day.
    After(Date),
    /// `<2026-11-01`: before that day.
    Before(Date),
    /// `2026-11-01`: on that day.
    On(Date),
    /// Since midnight.
    Today,
}

/// An age as written: a count of minutes, hours, days or weeks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Age {
    pub count: u32,
    pub unit: AgeUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgeUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
}

impl AgeUnit {
    pub const ALL: [AgeUnit; 4] = [
        AgeUnit::Minutes,
        AgeUnit::Hours,
        AgeUnit::Days,
        AgeUnit::Weeks,
    ];

    fn letter(self) -> char {
        match self {
            AgeUnit::Minutes => 'm',
            AgeUnit::Hours => 'h',
            AgeUnit::Days => 'd',
            AgeUnit::Weeks => 'w',
        }
    }

    fn minutes(self) -> i64 {
        match self {
            AgeUnit::Minutes => 1,
            AgeUnit::Hours => 60,
            AgeUnit::Days => 24 * 60,
            AgeUnit::Weeks => 7 * 24 * 60,
        }
    }
}

impl Age {
    pub fn duration(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.count) * self.unit.minutes())
    }
}

/// What is wrong with a query, and where: a byte offset into its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub at: usize,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The keys a term can have, for messages and completion.
pub const KEYS: [&str; 13] = [
    "status",
    "queue",
    "owner",
    "requester",
    "role",
    "channel",
    "priority",
    "tag",
    "field",
    "sla",
    "created",
    "updated",
    "text",
];

/// One token: its text unquoted, where it starts, and whether it was
/// quoted whole (then it is a word, whatever it looks like).
struct Token {
    key: Option<String>,
    value: String,
    at: usize,
    /// Where the value starts.
    value_at: usize,
}

fn tokens(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        // A key is letters then a colon, straight away.
        let mut key = None;
        let mut value_at = start;
        if c != '"' {
            let letters: String = text[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            if !letters.is_empty() && text[start + letters.len()..].starts_with(':') {
                key = Some(letters.to_lowercase());
                for _ in 0..=letters.len() {
                    chars.next();
                }
                value_at = start + letters.len() + 1;
            }
        }
        let mut value = String::new();
        match chars.peek() {
            Some(&(quote_at, '"')) => {
                chars.next();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some((_, c)) => value.push(c),
                            None => break,
                        },
                        c => value.push(c),
                    }
                }
                if !closed {
                    return Err(QueryError {
                        at: quote_at,
                        message: "this quote is not closed".into(),
                    });
                }
                if let Some(&(at, c)) = chars.peek()
                    && !c.is_whitespace()
                {
                    return Err(QueryError {
                        at,
                        message: "a space must follow a closing quote".into(),
                    });
                }
            }
            _ => {
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        found.push(Token {
            key,
            value,
            at: start,
            value_at,
        });
    }
    Ok(found)
}

/// Read a query's text into its terms.
pub fn parse(text: &str) -> Result<Terms, QueryError> {
    let mut terms = Vec::new();
    for token in tokens(text)? {
        let Some(key) = token.key.as_deref() else {
            if !token.value.is_empty() {
                terms.push(Term::Word(token.value));
            }
            continue;
        };
        let wrong = |message: String| QueryError {
            at: token.value_at,
            message,
        };
        let value = token.value.as_str();
        if !KEYS.contains(&key) {
            return Err(QueryError {
                at: token.at,
                message: format!(
                    "no such term “{key}:{}”; there are {}",
                    token.value,
                    KEYS[..KEYS.len() - 1].join(" ")
                ),
            });
        }
        if value.is_empty() {
            return Err(wrong(format!("{key}: needs a value after the colon")));
        }
        let term = match key {
            "text" => Term::Word(value.to_string()),
            "status" => Term::Status(list(key, value, &wrong, status_word, || {
                "say new, open, pending, resolved, closed, active or any".into()
            })?),
            "queue" => Term::Queue(value.to_string()),
            "owner" => Term::Owner(match value.to_lowercase().as_str() {
                "me" => OwnerWord::Me,
                "nobody" | "none" => OwnerWord::Nobody,
                _ => OwnerWord::Named(value.to_string()),
            }),
            "requester" => {
                if !value.contains('@') {
                    return Err(wrong(format!(
                        "requester:{value}: give the requester's email address"
                    )));
                }
                Term::Requester(value.to_string())
            }
            "role" => Term::Role(list(
                key,
                value,
                &wrong,
                |w| match RequesterRole::parse(w) {
                    RequesterRole::Unknown if !w.eq_ignore_ascii_case("unknown") => None,
                    role => Some(role),
                },
                || "say staff, student, parent, community or unknown".into(),
            )?),
            "channel" => Term::Channel(list(
                key,
                value,
                &wrong,
                |w| match Channel::parse(w) {
                    Channel::Unknown => None,
                    channel => Some(channel),
                },
                || "say phone, walk-in, email, web, sms, chat or social".into(),
            )?),
            "priority" => Term::Priority(list(key, value, &wrong, PriorityLevel::parse, || {
                "say low, normal, high or urgent".into()
            })?),
            "tag" => Term::Tag(value.to_string()),
            "field" => match value.split_once('=') {
                Some((name, field_value)) if !name.trim().is_empty() => {
                    Term::Field(name.to_string(), field_value.to_string())
                }
                _ => {
                    return Err(wrong(format!(
                        "field:{value}: say field:NAME=VALUE, or field:\"Employee ID=4411\""
                    )));
                }
            },
            "sla" => Term::Sla(list(key, value, &wrong, SlaFilter::parse, || {
                "say breached, at-risk, ok, paused or met".into()
            })?),
            "created" => Term::Created(when(value).ok_or_else(|| wrong(when_help(key, value)))?),
            "updated" => Term::Updated(when(value).ok_or_else(|| wrong(when_help(key, value)))?),
            _ => unreachable!("every key in KEYS is read above"),
        };
        terms.push(term);
    }
    Ok(Terms(terms))
}

/// Comma-separated values, each read by `read`.
fn list<T>(
    key: &str,
    value: &str,
    wrong: &impl Fn(String) -> QueryError,
    read: impl Fn(&str) -> Option<T>,
    help: impl Fn() -> String,
) -> Result<Vec<T>, QueryError> {
    value
        .split(',')
        .map(|word| read(word.trim()).ok_or_else(|| wrong(format!("{key}:{word}: {}", help()))))
        .collect()
}

fn status_word(word: &str) -> Option<StatusWord> {
    match word.to_lowercase().as_str() {
        "active" => Some(StatusWord::Active),
        "any" | "all" => Some(StatusWord::Any),
        other => StatusKind::parse(other).map(StatusWord::Is),
    }
}

fn when_help(key: &str, value: &str) -> String {
    format!("{key}:{value}: say an age (<2h, >3d), today, or a day (2026-11-01, <…, >…)")
}

fn when(value: &str) -> Option<When> {
    if value.eq_ignore_ascii_case("today") {
        return Some(When::Today);
    }
    let (direction, rest) = match value.as_bytes().first()? {
        b'<' => (Some('<'), &value[1..]),
        b'>' => (Some('>'), &value[1..]),
        _ => (None, value),
    };
    if let Ok(date) = rest.parse::<Date>() {
        return Some(match direction {
            Some('<') => When::Before(date),
            Some('>') => When::After(date),
            _ => When::On(date),
        });
    }
    let unit_at = rest.len().checked_sub(1)?;
    let unit = AgeUnit::ALL
        .into_iter()
        .find(|u| rest[unit_at..].eq_ignore_ascii_case(&u.letter().to_string()))?;
    let count: u32 = rest[..unit_at].parse().ok()?;
    let age = Age { count, unit };
    match direction? {
        '<' => Some(When::Newer(age)),
        _ => Some(When::Older(age)),
    }
}

/// What [`Terms::resolve`] looks names up in.
pub struct Context<'a> {
    pub queues: &'a [Queue],
    pub agents: &'a [Agent],
    pub now: Timestamp,
    pub time_zone: &'a TimeZone,
}

impl Terms {
    /// Whether a term asks for a time relative to now (then the query
    /// is resolved again as time passes).
    pub fn is_relative(&self) -> bool {
        self.0.iter().any(|t| {
            matches!(
                t,
                Term::Created(When::Newer(_) | When::Older(_) | When::Today)
                    | Term::Updated(When::Newer(_) | When::Older(_) | When::Today)
            )
        })
    }

    /// Whether the terms ask for finished tickets (resolved, closed, any).
    pub fn asks_finished(&self) -> bool {
        self.0.iter().any(|t| match t {
            Term::Status(words) => words.iter().any(|w| match w {
                StatusWord::Is(kind) => !kind.is_active(),
                StatusWord::Active => false,
                StatusWord::Any => true,
            }),
            _ => false,
        })
    }

    /// The query these terms ask: active tickets unless a status term says
    /// otherwise. Names that are not the desk's are refused with a sentence.
    pub fn resolve(&self, context: &Context<'_>) -> Result<Query, String> {
        let mut query = Query::active();
        let mut statuses = Vec::new();
        let mut words = Vec::new();
        for term in &self.0 {
            match term {
                Term::Word(word) => words.push(word.clone()),
                Term::Status(list) => {
                    for word in list {
                        match word {
                            StatusWord::Is(kind) => statuses.push(*kind),
                            StatusWord::Active => statuses.extend(Query::active().statuses),
                            StatusWord::Any => statuses.extend(StatusKind::ALL),
                        }
                    }
                }
                Term::Queue(name) => {
                    query.queue = Some(find_queue(context.queues, name)?.id.clone());
                }
                Term::Owner(OwnerWord::Me) => query.owner = OwnerFilter::Me,
                Term::Owner(OwnerWord::Nobody) => query.owner = OwnerFilter::Nobody,
                Term::Owner(OwnerWord::Named(name)) => {
                    query.owner = OwnerFilter::Agent(find_agent(context.agents, name)?.id.clone());
                }
                Term::Requester(email) => query.requester = Some(email.clone()),
                Term::Role(roles) => query.roles.extend(roles),
                Term::Channel(channels) => query.channels.extend(channels),
                Term::Priority(levels) => query.priorities.extend(levels),
                Term::Tag(tag) => query.tags.push(tag.clone()),
                Term::Field(name, value) => query.fields.push((name.clone(), value.clone())),
                Term::Sla(levels) => query.sla.extend(levels),
                Term::Created(when) => query.created = query.created.and(range(*when, context)),
                Term::Updated(when) => query.updated = query.updated.and(range(*when, context)),
            }
        }
        if !statuses.is_empty() {
            statuses.sort_by_key(|s| *s as u8);
            statuses.dedup();
            query.statuses = statuses;
        }
        query.text = words.join(" ");
        Ok(query)
    }
}

/// The instants a bound stands for, now.
fn range(when: When, context: &Context<'_>) -> TimeRange {
    let midnight = |date: Date| {
        date.to_zoned_datetime(context.time_zone.clone())
            .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    };
    let next_day = |date: Date| date.tomorrow().map_or(Timestamp::MAX, midnight);
    match when {
        When::Newer(age) => TimeRange::after(context.now - age.duration()),
        When::Older(age) => TimeRange::before(context.now - age.duration()),
        When::After(date) => TimeRange::after(next_day(date)),
        When::Before(date) => TimeRange::before(midnight(date)),
        When::On(date) => TimeRange::after(midnight(date)).and(TimeRange::before(next_day(date))),
        When::Today => TimeRange::after(midnight(
            context
                .now
                .to_zoned_datetime(context.time_zone.clone())
                .date(),
        )),
    }
}

/// A queue by id or name: exact first, then the only one it begins.
pub fn find_queue<'a>(queues: &'a [Queue], word: &str) -> Result<&'a Queue, String> {
    find(queues, word, |q| vec![&q.id.0, &q.name], |q| &q.name).map_err(|none| {
        none.unwrap_or_else(|| {
            format!(
                "no queue “{word}”; there are: {}",
                names(queues.iter().map(|q| q.name.as_ref()))
            )
        })
    })
}

/// An agent by id, email or name: exact first, then the only one it begins.
pub fn find_agent<'a>(agents: &'a [Agent], word: &str) -> Result<&'a Agent, String> {
    find(
        agents,
        word,
        |a| vec![&a.id.0, &a.email, &a.name],
        |a| &a.name,
    )
    .map_err(|none| {
        none.unwrap_or_else(|| format!("no agent “{word}” (deskterm agents lists them)"))
    })
}

/// The item one of whose `keys` is `word` (any case), else the only one
/// whose `name` begins with it. `Err(None)` when nothing matches, so the
/// caller can say what there is; `Err(Some(_))` when several do.
pub fn find<'a, T>(
    items: &'a [T],
    word: &str,
    keys: impl Fn(&T) -> Vec<&str>,
    name: impl Fn(&T) -> &str,
) -> Result<&'a T, Option<String>> {
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
        _ => Err(Some(format!(
            "“{word}” could be {}",
            names(starting.iter().map(|item| name(item)))
        ))),
    }
}

pub fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// A value as the parser reads it back: quoted when it has a space, a
/// quote, a backslash, or (`bare` false) anything a bare word would mean
/// otherwise.
fn value(f: &mut fmt::Formatter<'_>, text: &str, as_word: bool) -> fmt::Result {
    let needs_quotes = text.is_empty()
        || text.starts_with('"')
        || text.chars().any(|c| c.is_whitespace() || c == '\\')
        || (as_word && text.contains('"'))
        || (as_word && {
            let letters = text.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            letters > 0 && text[letters..].starts_with(':')
        });
    if !needs_quotes {
        return f.write_str(text);
    }
    f.write_str("\"")?;
    for c in text.chars() {
        if c == '"' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

fn joined<T>(f: &mut fmt::Formatter<'_>, items: &[T], name: impl Fn(&T) -> &str) -> fmt::Result {
    let names: Vec<&str> = items.iter().map(name).collect();
    f.write_str(&names.join(","))
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Newer(age) => write!(f, "<{}{}", age.count, age.unit.letter()),
            When::Older(age) => write!(f, ">{}{}", age.count, age.unit.letter()),
            When::After(date) => write!(f, ">{date}"),
            When::Before(date) => write!(f, "<{date}"),
            When::On(date) => write!(f, "{date}"),
            When::Today => f.write_str("today"),
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Word(word) => value(f, word, true),
            Term::Status(list) => {
                f.write_str("status:")?;
                joined(f, list, |s| match s {
                    StatusWord::Is(kind) => kind.name(),
                    StatusWord::Active => "active",
                    StatusWord::Any => "any",
                })
            }
            Term::Queue(name) => {
                f.write_str("queue:")?;
                value(f, name, false)
            }
            Term::Owner(owner) => {
                f.write_str("owner:")?;
                match owner {
                    OwnerWord::Me => f.write_str("me"),
                    OwnerWord::Nobody => f.write_str("nobody"),
                    OwnerWord::Named(name) => value(f, name, false),
                }
            }
            Term::Requester(email) => {
                f.write_str("requester:")?;
                value(f, email, false)
            }
            Term::Role(roles) => {
                f.write_str("role:")?;
                joined(f, roles, |r| r.name())
            }
            Term::Channel(channels) => {
                f.write_str("channel:")?;
                joined(f, channels, |c| c.name())
            }
            Term::Priority(levels) => {
                f.write_str("priority:")?;
                joined(f, levels, |p| p.name())
            }
            Term::Tag(tag) => {
                f.write_str("tag:")?;
                value(f, tag, false)
            }
            Term::Field(name, field_value) => {
                f.write_str("field:")?;
                value(f, &format!("{name}={field_value}"), false)
            }
            Term::Sla(levels) => {
                f.write_str("sla:")?;
                joined(f, levels, |l| l.name())
            }
            Term::Created(when) => write!(f, "created:{when}"),
            Term::Updated(when) => write!(f, "updated:{when}"),
        }
    }
}

impl fmt::Display for Terms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, term) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{term}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
