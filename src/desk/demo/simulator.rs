//! Keeps the demo desk alive: new tickets arrive, requesters answer, and the
//! other agents pick up work, all through the same SQLite file, so the console
//! sees them the way it sees a real server change: through its refresh.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, Transaction, params};

use super::catalog::{self, Dept, SCENARIOS};
use super::rng::Rng;
use super::rules;
use super::seed::{self, Person};
use super::store::{self, NewEntry, NewTicket};
use crate::clock::Clock;
use crate::desk::{EntryKind, RequesterRole, StatusKind};

/// How often something happens on the desk: a random wait between `min` and `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrivals {
    pub min: Duration,
    pub max: Duration,
}

impl Default for Arrivals {
    fn default() -> Self {
        Self {
            min: Duration::from_secs(20),
            max: Duration::from_secs(60),
        }
    }
}

/// `"20-60s"`, `"30s"`, `"2m"`, `"1-3m"`, or `"0"` for never.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArrivalSpec(pub Option<Arrivals>);

impl FromStr for ArrivalSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "0" || text == "off" {
            return Ok(ArrivalSpec(None));
        }
        let (number, unit) = match text.strip_suffix('m') {
            Some(rest) => (rest, 60),
            None => (text.strip_suffix('s').unwrap_or(text), 1),
        };
        let bad = || format!("{text:?} is not a rate such as \"20-60s\", \"45s\", \"2m\" or \"0\"");
        let parse = |n: &str| n.trim().parse::<u64>().map_err(|_| bad());
        let (min, max) = match number.split_once('-') {
            Some((a, b)) => (parse(a)?, parse(b)?),
            None => (parse(number)?, parse(number)?),
        };
        if min == 0 || max < min {
            return Err(bad());
        }
        Ok(ArrivalSpec(Some(Arrivals {
            min: Duration::from_secs(min * unit),
            max: Duration::from_secs(max * unit),
        })))
    }
}

pub(super) fn start(
    db: Arc<Mutex<Connection>>,
    clock: Clock,
    arrivals: Arrivals,
) -> Option<tokio::task::JoinHandle<()>> {
    let handle = tokio::runtime::Handle::try_current().ok()?;
    Some(handle.spawn(async move {
        let mut rng = Rng::new(Timestamp::now().as_nanosecond() as u64);
        loop {
            let wait = rng.between(
                arrivals.min.as_millis() as i64,
                arrivals.max.as_millis() as i64,
            );
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
            let db = db.clone();
            let step_seed = rng.next_u64();
            let now = clock.now().as_second();
            let result = tokio::task::spawn_blocking(move || {
                let mut conn = db
                    .lock()
                    .map_err(|_| "demo database lock poisoned".to_string())?;
                step(&mut conn, step_seed, now).map_err(|e| e.to_string())
            })
            .await;
            match result {
                Ok(Ok(what)) => tracing::debug!(what, "demo desk"),
                Ok(Err(e)) => tracing::warn!(error = %e, "demo simulator step failed"),
                Err(e) => tracing::warn!(error = %e, "demo simulator task failed"),
            }
        }
    }))
}

/// One thing happening on the desk; says what, for the log.
pub fn step(conn: &mut Connection, seed: u64, now: i64) -> rusqlite::Result<&'static str> {
    let mut rng = Rng::new(seed);
    let tx = conn.transaction()?;
    let roll = rng.unit();
    let what = if roll < FLOOD_CHANCE {
        flood(&tx, &mut rng, now)?;
        "a flood of tickets about one thing"
    } else if roll < 0.6 {
        new_ticket(&tx, &mut rng, now)?;
        "new ticket"
    } else if roll < 0.85 && requester_replies(&tx, &mut rng, now)? {
        "requester replied"
    } else if colleague_picks_up(&tx, &mut rng, now)? {
        "colleague picked up a ticket"
    } else {
        new_ticket(&tx, &mut rng, now)?;
        "new ticket"
    };
    store::set_meta(&tx, "clock_at", &now.to_string())?;
    tx.commit()?;
    Ok(what)
}

/// The share of steps that are a flood.
const FLOOD_CHANCE: f64 = 0.04;

/// What a flood is about: ways people put it, `{bus}` and `{school}`
/// filled once for all of them, and the department it goes to.
const FLOODS: &[(&[&str], Dept)] = &[
    (
        &[
            "Bus {bus} is late",
            "Is bus {bus} running late?",
            "Bus {bus} late this morning",
            "bus {bus} late - kids waiting at the stop",
            "Where is bus {bus}? Late again",
            "Bus {bus} still not here, late",
        ],
        Dept::Transportation,
    ),
    (
        &[
            "Wi-Fi down at {school}",
            "wifi down at {school} library",
            "{school} Wi-Fi is down",
            "No Wi-Fi in {school} classrooms, down since 8",
        ],
        Dept::It,
    ),
    (
        &[
            "Parent portal down",
            "Parent portal is down again",
            "parent portal down - cannot see grades",
            "Is the parent portal down?",
        ],
        Dept::It,
    ),
];

/// Four to eight people writing about one thing within minutes: a late
/// bus, a Wi-Fi outage at one school, the portal down.
pub fn flood(tx: &Transaction<'_>, rng: &mut Rng, now: i64) -> rusqlite::Result<()> {
    let people = people(tx)?;
    let (subjects, dept) = rng.pick(FLOODS);
    let bus = 2 + rng.below(40) as i64;
    let school = *rng.pick(catalog::SCHOOLS);
    let count = 4 + rng.below(5);
    for k in 0..count {
        let person = rng.pick(&people);
        let subject = rng
            .pick(subjects)
            .replace("{bus}", &bus.to_string())
            .replace("{school}", school);
        // Spread over the last few minutes, the newest now.
        let created = now - (count - 1 - k) as i64 * (30 + rng.below(90) as i64);
        let opening = format!("{subject}. Can someone tell us what is happening?");
        let arrival = Arrival {
            person,
            dept: *dept,
            priority: crate::desk::PriorityLevel::High,
            channel: *rng.weighted(catalog::channels_for(person.role)),
            created,
            tags: "",
        };
        arrive(tx, &arrival, &subject, &opening, now)?;
    }
    Ok(())
}

fn people(tx: &Transaction<'_>) -> rusqlite::Result<Vec<Person>> {
    tx.prepare_cached("SELECT id, name, role, organisation FROM requesters ORDER BY id")?
        .query_map([], |r| {
            Ok(Person {
                id: r.get(0)?,
                name: r.get(1)?,
                role: RequesterRole::parse(&r.get::<_, String>(2)?),
                school: r.get(3)?,
            })
        })?
        .collect()
}

/// A new request arrives, routed by the rules; nobody owns it yet.
pub fn new_ticket(tx: &Transaction<'_>, rng: &mut Rng, now: i64) -> rusqlite::Result<i64> {
    let people = people(tx)?;
    let scenario = rng.pick(SCENARIOS);
    let person = seed::pick_requester(rng, &people, scenario);
    let fill = seed::fill_for(rng, person);
    let channel = *rng.weighted(catalog::channels_for(person.role));
    let subject = fill.apply(scenario.subject);
    let opening = fill.apply(scenario.opening);
    let arrival = Arrival {
        person,
        dept: rules::route(&subject, &opening, channel),
        priority: seed::pick_priority(rng, scenario.priority),
        channel,
        created: now,
        tags: &scenario.tags.join(","),
    };
    arrive(tx, &arrival, &subject, &opening, now)
}

/// Who writes in, where it goes, and when it was written.
struct Arrival<'a> {
    person: &'a Person,
    dept: Dept,
    priority: crate::desk::PriorityLevel,
    channel: crate::desk::Channel,
    created: i64,
    tags: &'a str,
}

/// A new ticket with the requester's words as its opening, seen by the
/// desk at `now` (the next refresh is to find it).
fn arrive(
    tx: &Transaction<'_>,
    a: &Arrival<'_>,
    subject: &str,
    opening: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    let id = store::insert_ticket(
        tx,
        &NewTicket {
            subject,
            status: StatusKind::New,
            priority: a.priority,
            queue_id: a.dept.queue_id(),
            owner_id: None,
            requester_id: a.person.id,
            channel: a.channel,
            created: a.created,
            updated: now,
            first_response_at: None,
            tags: a.tags,
        },
    )?;
    store::insert_entry(
        tx,
        id,
        &NewEntry {
            kind: EntryKind::Reply,
            author: &a.person.name,
            by_agent: false,
            at: a.created,
            body: opening,
            new_status: None,
        },
    )?;
    store::recompute_sla(tx, id)?;
    Ok(id)
}

/// Pick one row of `sql` (which selects an id) at random.
fn random_row(tx: &Transaction<'_>, rng: &mut Rng, sql: &str) -> rusqlite::Result<Option<i64>> {
    let ids = tx
        .prepare_cached(sql)?
        .query_map([], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((!ids.is_empty()).then(|| ids[rng.below(ids.len())]))
}

fn touch(tx: &Transaction<'_>, id: i64, now: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE tickets SET updated = ?2, version = version + 1 WHERE id = ?1",
        params![id, now],
    )?;
    store::recompute_sla(tx, id)
}

const REQUESTER_REPLIES: &[&str] = &[
    "Any update on this? It is still happening.",
    "Thanks - one more thing: it happened again this morning.",
    "Following up. Is there anything else you need from me?",
    "I tried that and it did not help, unfortunately.",
];

/// A requester writes back; a ticket waiting on them opens again.
fn requester_replies(tx: &Transaction<'_>, rng: &mut Rng, now: i64) -> rusqlite::Result<bool> {
    let Some(id) = random_row(
        tx,
        rng,
        "SELECT id FROM tickets WHERE status IN ('open', 'pending') AND owner_id IS NOT NULL",
    )?
    else {
        return Ok(false);
    };
    let (name, status): (String, String) = tx.query_row(
        "SELECT r.name, t.status FROM tickets t JOIN requesters r ON r.id = t.requester_id
         WHERE t.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    store::insert_entry(
        tx,
        id,
        &NewEntry {
            kind: EntryKind::Reply,
            author: &name,
            by_agent: false,
            at: now,
            body: rng.pick::<&str>(REQUESTER_REPLIES),
            new_status: None,
        },
    )?;
    if status == "pending" {
        tx.execute("UPDATE tickets SET status = 'open' WHERE id = ?1", [id])?;
        store::insert_entry(
            tx,
            id,
            &NewEntry {
                kind: EntryKind::Event,
                author: "System",
                by_agent: true,
                at: now,
                body: "Status pending → open",
                new_status: Some(StatusKind::Open),
            },
        )?;
    }
    touch(tx, id, now)?;
    Ok(true)
}

/// Another agent takes a new ticket in their department and answers it.
fn colleague_picks_up(tx: &Transaction<'_>, rng: &mut Rng, now: i64) -> rusqlite::Result<bool> {
    let Some(id) = random_row(
        tx,
        rng,
        "SELECT id FROM tickets WHERE status = 'new' AND owner_id IS NULL",
    )?
    else {
        return Ok(false);
    };
    let queue_id: i64 = tx.query_row("SELECT queue_id FROM tickets WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    let dept = Dept::from_queue_id(queue_id);
    let team: Vec<_> = seed::agents_of(dept)
        .into_iter()
        .filter(|(agent, _)| *agent != seed::ME)
        .collect();
    let Some(&(agent, name)) = team.get(rng.below(team.len().max(1))) else {
        return Ok(false);
    };
    tx.execute(
        "UPDATE tickets SET owner_id = ?2, status = 'open', first_response_at = ?3 WHERE id = ?1",
        params![id, agent, now],
    )?;
    let entries: [(EntryKind, String, Option<StatusKind>); 3] = [
        (EntryKind::Event, format!("Assigned to {name}"), None),
        (
            EntryKind::Event,
            "Status new → open".into(),
            Some(StatusKind::Open),
        ),
        (
            EntryKind::Reply,
            "Thanks for reaching out. I am looking into this now and will update you shortly."
                .into(),
            None,
        ),
    ];
    for (kind, body, new_status) in entries {
        store::insert_entry(
            tx,
            id,
            &NewEntry {
                kind,
                author: name,
                by_agent: true,
                at: now,
                body: &body,
                new_status,
            },
        )?;
    }
    touch(tx, id, now)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_flood_on_the_demo_desk_is_grouped_as_one() {
        use crate::desk::{Desk, PageRequest, Query};
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("demo.sqlite");
        let clock = Clock::Fixed("2026-03-02T08:00:00Z".parse().expect("a time"));
        drop(super::super::DemoDesk::create(&path, 7, 50, clock).expect("a demo desk"));
        let now = clock.now().as_second();
        {
            let mut conn = Connection::open(&path).expect("the file");
            let tx = conn.transaction().expect("a transaction");
            flood(&tx, &mut Rng::new(3), now).expect("a flood");
            tx.commit().expect("kept");
        }
        let desk = super::super::DemoDesk::open(&path, None, clock).expect("opened");
        let held = desk
            .search(&Query::active(), PageRequest::first(500))
            .await
            .expect("the tickets");
        let mut floods = crate::floods::Floods::new(Default::default());
        for (n, t) in held.items.iter().enumerate() {
            floods.add(n as u32, t);
        }
        let found = floods.floods(|n| Some(&held.items[n as usize].id));
        assert!(
            found.iter().any(|f| f.tickets.len() >= 4),
            "{found:?} among {:?}",
            held.items
                .iter()
                .map(|t| t.subject.to_string())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn arrival_rates_parse() {
        let secs = |a, b| {
            ArrivalSpec(Some(Arrivals {
                min: Duration::from_secs(a),
                max: Duration::from_secs(b),
            }))
        };
        assert_eq!("20-60s".parse(), Ok(secs(20, 60)));
        assert_eq!("45s".parse(), Ok(secs(45, 45)));
        assert_eq!("2m".parse(), Ok(secs(120, 120)));
        assert_eq!("1-3m".parse(), Ok(secs(60, 180)));
        assert_eq!("0".parse(), Ok(ArrivalSpec(None)));
        assert!("fast".parse::<ArrivalSpec>().is_err());
        assert!("60-20s".parse::<ArrivalSpec>().is_err());
    }
}
