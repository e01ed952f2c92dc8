//! Building the district from a seed: the same seed and the same `now` always
//! give the same desk, so snapshots and benchmarks are reproducible.

use jiff::Timestamp;
use rusqlite::{Connection, Transaction, params};

use super::catalog::{self, AGENTS, Dept, SCENARIOS, SCHOOLS, Scenario};
use super::rng::Rng;
use super::rules;
use super::store::{self, NewEntry, NewTicket};
use crate::desk::{Channel, EntryKind, PriorityLevel, RequesterRole, StatusKind};
use crate::sla::engine::{self, Facts};

/// How many tickets a new demo desk holds: a month of a district's requests.
pub const DEFAULT_TICKETS: usize = 640;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: RequesterRole,
    pub school: Option<String>,
}

/// A made-up number in the 555 exchange, the same for the same address.
fn phone_for(email: &str) -> String {
    let n = email
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("(831) 555-{:04}", n % 10_000)
}

impl Person {
    pub fn first_name(&self) -> &str {
        self.name.split(' ').next().unwrap_or(&self.name)
    }
}

/// Fill the empty database with queues, agents, requesters and `tickets`
/// tickets whose history ends at `now`.
/// Fill a new demo desk; `made` is told how many tickets are in, now and
/// then, so that a long build can show how far it has come.
pub fn seed(
    conn: &mut Connection,
    seed: u64,
    now: Timestamp,
    tickets: usize,
    made: &mut dyn FnMut(usize),
) -> rusqlite::Result<()> {
    let mut rng = Rng::new(seed);
    let now = now.as_second();
    let tx = conn.transaction()?;
    store::set_meta(&tx, "entries_shift", "0")?;
    for dept in Dept::ALL {
        tx.execute(
            "INSERT INTO queues (id, name, description) VALUES (?1, ?2, ?3)",
            params![dept.queue_id(), dept.name(), dept.description()],
        )?;
    }
    for (i, (name, dept)) in AGENTS.iter().enumerate() {
        let id = i as i64 + 1;
        tx.execute(
            "INSERT INTO agents (id, name, email) VALUES (?1, ?2, ?3)",
            params![id, name, email_for(name, catalog::STAFF_DOMAIN, None)],
        )?;
        tx.execute(
            "INSERT INTO agent_queues (agent_id, queue_id) VALUES (?1, ?2)",
            params![id, dept.queue_id()],
        )?;
    }
    let people = insert_requesters(&tx, &mut rng)?;
    let senders = hostile_senders(&tx, &people)?;
    // Arrival times first, oldest first, so ids grow with time as on a real desk;
    // the hostile tickets arrive among the others.
    let mut arrivals: Vec<(i64, Option<usize>)> = (0..tickets)
        .map(|_| {
            (
                now - (rng.unit().powi(2) * 30.0 * DAY as f64) as i64 - 120,
                None,
            )
        })
        .chain((0..HOSTILE.len()).map(|i| (now - HOSTILE[i].4, Some(i))))
        .collect();
    arrivals.sort_unstable();
    for (n, (created, hostile)) in arrivals.into_iter().enumerate() {
        if n % 10_000 == 0 {
            made(n);
        }
        match hostile {
            Some(i) => insert_hostile(&tx, i, &senders[i], now)?,
            None => {
                let scenario = rng.pick(SCENARIOS);
                insert_story(&tx, &mut rng, &people, scenario, created, now)?;
            }
        }
    }
    store::set_meta(&tx, "schema", store::SCHEMA_VERSION)?;
    store::set_meta(&tx, "seed", &seed.to_string())?;
    store::set_meta(&tx, "clock_at", &now.to_string())?;
    tx.commit()
}

pub fn email_for(name: &str, domain: &str, number: Option<usize>) -> String {
    let local: String = name
        .to_lowercase()
        .split(' ')
        .map(|part| part.replace(|c: char| !c.is_ascii_alphanumeric(), ""))
        .collect::<Vec<_>>()
        .join(".");
    match number {
        Some(n) => format!("{local}{n}@{domain}"),
        None => format!("{local}@{domain}"),
    }
}

fn insert_requesters(tx: &Transaction<'_>, rng: &mut Rng) -> rusqlite::Result<Vec<Person>> {
    let mut people = Vec::new();
    for &(role, count) in catalog::ROLE_MIX {
        for _ in 0..count {
            let name = format!(
                "{} {}",
                rng.pick(catalog::FIRST_NAMES),
                rng.pick(catalog::LAST_NAMES)
            );
            let n = people.len() + 1;
            let (email, school) = match role {
                RequesterRole::Staff => (
                    email_for(&name, catalog::STAFF_DOMAIN, Some(n)),
                    Some(*rng.pick(SCHOOLS)),
                ),
                RequesterRole::Student => (
                    email_for(&name, catalog::STUDENT_DOMAIN, Some(n)),
                    Some(*rng.pick(SCHOOLS)),
                ),
                RequesterRole::Parent => (
                    email_for(&name, rng.pick::<&str>(catalog::MAIL_DOMAINS), Some(n)),
                    Some(*rng.pick(SCHOOLS)),
                ),
                _ => (
                    email_for(&name, rng.pick::<&str>(catalog::MAIL_DOMAINS), Some(n)),
                    None,
                ),
            };
            people.push(insert_person(tx, &name, &email, role, school)?);
        }
    }
    Ok(people)
}

fn insert_person(
    tx: &Transaction<'_>,
    name: &str,
    email: &str,
    role: RequesterRole,
    school: Option<&str>,
) -> rusqlite::Result<Person> {
    tx.execute(
        "INSERT INTO requesters (name, email, role, organisation, phone)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, email, role.name(), school, phone_for(email)],
    )?;
    Ok(Person {
        id: tx.last_insert_rowid(),
        name: name.to_string(),
        role,
        school: school.map(str::to_string),
    })
}

/// The words that fill a scenario's placeholders.
pub struct Fill {
    pub school: String,
    pub room: i64,
    pub bus: i64,
    pub student: String,
    pub first: String,
}

impl Fill {
    pub fn apply(&self, template: &str) -> String {
        template
            .replace("{school}", &self.school)
            .replace("{room}", &self.room.to_string())
            .replace("{bus}", &self.bus.to_string())
            .replace("{student}", &self.student)
            .replace("{first}", &self.first)
    }
}

pub fn fill_for(rng: &mut Rng, person: &Person) -> Fill {
    let last = person.name.rsplit(' ').next().unwrap_or("");
    Fill {
        school: person
            .school
            .clone()
            .unwrap_or_else(|| rng.pick(SCHOOLS).to_string()),
        room: rng.between(101, 240),
        bus: rng.between(1, 42),
        student: match person.role {
            RequesterRole::Student => person.name.clone(),
            _ => format!("{} {last}", rng.pick(catalog::FIRST_NAMES)),
        },
        first: person.first_name().to_string(),
    }
}

pub fn pick_requester<'a>(rng: &mut Rng, people: &'a [Person], scenario: &Scenario) -> &'a Person {
    let role = *rng.pick(scenario.roles);
    let candidates: Vec<&Person> = people.iter().filter(|p| p.role == role).collect();
    if candidates.is_empty() {
        rng.pick(people)
    } else {
        candidates[rng.below(candidates.len())]
    }
}

pub fn pick_priority(rng: &mut Rng, base: PriorityLevel) -> PriorityLevel {
    let i = PriorityLevel::ALL
        .iter()
        .position(|p| *p == base)
        .unwrap_or(1);
    let roll = rng.unit();
    let shifted = if roll < 0.15 {
        i.saturating_sub(1)
    } else if roll > 0.9 {
        (i + 1).min(3)
    } else {
        i
    };
    PriorityLevel::ALL[shifted]
}

/// Agents (ids, names) of a department.
pub fn agents_of(dept: Dept) -> Vec<(i64, &'static str)> {
    AGENTS
        .iter()
        .enumerate()
        .filter(|(_, (_, d))| *d == dept)
        .map(|(i, (name, _))| (i as i64 + 1, *name))
        .collect()
}

/// The signed-in demo agent's id.
pub const ME: i64 = 1;

enum Step {
    Say(EntryKind, String, bool, String),
    Assign(i64, &'static str),
    Status(StatusKind, String),
}

const RESOLVED_REPLIES: &[&str] = &[
    "Glad that is sorted. I am resolving this ticket; just reply if anything else comes up.",
    "This should be fixed now. Resolving the ticket; reply here and it reopens.",
    "Done on our side. Marking this resolved - thanks for your patience.",
];

/// One ticket's life from `created`, cut off at `now`.
fn insert_story(
    tx: &Transaction<'_>,
    rng: &mut Rng,
    people: &[Person],
    scenario: &Scenario,
    created: i64,
    now: i64,
) -> rusqlite::Result<()> {
    let person = pick_requester(rng, people, scenario);
    let fill = fill_for(rng, person);
    let channel = *rng.weighted(catalog::channels_for(person.role));
    let subject = fill.apply(scenario.subject);
    let opening = fill.apply(scenario.opening);
    let dept = rules::route(&subject, &opening, channel);
    let priority = pick_priority(rng, scenario.priority);
    let policy = rules::policy(dept, priority);
    let first_target = policy.first_response.map_or(8 * HOUR, |d| d.as_secs());
    let resolve_target = policy.resolution.map_or(3 * DAY, |d| d.as_secs());
    // Agents work the district's hours: a share of a target lands in them.
    let after = |share: f64| {
        let span = jiff::SignedDuration::from_secs((share) as i64);
        policy
            .calendar
            .add(store::ts(created), span, &[])
            .as_second()
    };

    let team = agents_of(dept);
    let (owner, owner_name) = if dept == Dept::It && rng.chance(0.35) {
        (ME, AGENTS[0].0)
    } else {
        *rng.pick(&team)
    };
    let colleague = rng.pick(&team).1;

    let mut steps: Vec<(i64, Step)> = Vec::new();
    let triage = after(first_target as f64 * (0.05 + rng.unit() * 0.4));
    steps.push((triage, Step::Assign(owner, owner_name)));
    steps.push((
        triage,
        Step::Status(StatusKind::Open, owner_name.to_string()),
    ));
    let answered = after(first_target as f64 * (0.2 + rng.unit() * 1.2));
    if rng.chance(0.5) {
        let at = triage + (answered - triage) / 2;
        steps.push((
            at,
            Step::Say(
                EntryKind::Note,
                colleague.to_string(),
                true,
                fill.apply(scenario.note),
            ),
        ));
    }
    steps.push((
        answered,
        Step::Say(
            EntryKind::Reply,
            owner_name.to_string(),
            true,
            fill.apply(scenario.answer),
        ),
    ));
    let follow_up = |at| {
        let text = fill.apply(scenario.follow_up);
        (
            at,
            Step::Say(EntryKind::Reply, person.name.clone(), false, text),
        )
    };
    let mut last = answered;
    if rng.chance(0.4) {
        let pending = Step::Status(StatusKind::Pending, owner_name.to_string());
        steps.push((answered, pending));
        let back = answered + rng.between(HOUR, 2 * DAY);
        steps.push(follow_up(back));
        steps.push((back, Step::Status(StatusKind::Open, "System".to_string())));
        last = back;
    } else if rng.chance(0.3) {
        let back = answered + rng.between(10 * 60, DAY);
        steps.push(follow_up(back));
        last = back;
    }
    let resolved = after(resolve_target as f64 * (0.3 + rng.unit())).max(last + HOUR);
    steps.push((
        resolved,
        Step::Say(
            EntryKind::Reply,
            owner_name.to_string(),
            true,
            rng.pick(RESOLVED_REPLIES).to_string(),
        ),
    ));
    steps.push((
        resolved,
        Step::Status(StatusKind::Resolved, owner_name.to_string()),
    ));
    steps.push((
        resolved + 3 * DAY,
        Step::Status(StatusKind::Closed, "System".to_string()),
    ));

    let steps: Vec<_> = steps.into_iter().filter(|(at, _)| *at < now).collect();
    write_ticket(
        tx,
        &TicketFacts {
            subject: &subject,
            opening: &opening,
            person,
            dept,
            priority,
            channel,
            created,
            tags: &scenario.tags.join(","),
        },
        steps,
    )
}

/// What a requester sends with such a request: a photo of the cracked
/// screen or the leak, the printer's error log.
fn seeded_files(tags: &str) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let tagged = |t: &str| tags.split(',').any(|x| x == t);
    let mut files = Vec::new();
    if tagged("chromebook") || tagged("leak") {
        files.push(("photo.png", "image/png", PIXEL_PNG.to_vec()));
    }
    if tagged("printer") {
        let log = "E-202 paper path jam\nE-202 paper path jam\nW-14 toner low\n";
        files.push(("printer-log.txt", "text/plain", log.as_bytes().to_vec()));
    }
    files
}

/// A 1x1 PNG: enough to be a real image for the opener.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

struct TicketFacts<'a> {
    subject: &'a str,
    opening: &'a str,
    person: &'a Person,
    dept: Dept,
    priority: PriorityLevel,
    channel: Channel,
    created: i64,
    tags: &'a str,
}

fn write_ticket(
    tx: &Transaction<'_>,
    facts: &TicketFacts<'_>,
    steps: Vec<(i64, Step)>,
) -> rusqlite::Result<()> {
    let mut status = StatusKind::New;
    let mut owner = None;
    let mut first_reply = None;
    let mut updated = facts.created;
    let mut sla_facts = Facts {
        created: store::ts(facts.created),
        statuses: Vec::new(),
        messages: vec![(store::ts(facts.created), false)],
    };
    for (at, step) in &steps {
        updated = updated.max(*at);
        match step {
            Step::Assign(id, _) => owner = Some(*id),
            Step::Status(kind, _) => {
                status = *kind;
                sla_facts.statuses.push((store::ts(*at), *kind));
            }
            Step::Say(EntryKind::Reply, _, by_agent, _) => {
                sla_facts.messages.push((store::ts(*at), *by_agent));
                if *by_agent && first_reply.is_none() {
                    first_reply = Some(*at);
                }
            }
            Step::Say(..) => {}
        }
    }
    let id = store::insert_ticket(
        tx,
        &NewTicket {
            subject: facts.subject,
            status,
            priority: facts.priority,
            queue_id: facts.dept.queue_id(),
            owner_id: owner,
            requester_id: facts.person.id,
            channel: facts.channel,
            created: facts.created,
            updated,
            first_response_at: first_reply,
            tags: facts.tags,
        },
    )?;
    let opening = store::insert_entry(
        tx,
        id,
        &NewEntry {
            kind: EntryKind::Reply,
            author: &facts.person.name,
            by_agent: false,
            at: facts.created,
            body: facts.opening,
            new_status: None,
        },
    )?;
    for (name, mime, bytes) in seeded_files(facts.tags) {
        store::insert_attachment(tx, opening, name, mime, &bytes)?;
    }
    let mut previous = StatusKind::New;
    for (at, step) in &steps {
        let (kind, author, by_agent, body, new_status) = match step {
            Step::Say(kind, author, by_agent, body) => {
                (*kind, author.as_str(), *by_agent, body.clone(), None)
            }
            Step::Assign(_, name) => (
                EntryKind::Event,
                "System",
                true,
                format!("Assigned to {name}"),
                None,
            ),
            Step::Status(kind, author) => {
                let body = format!("Status {} → {}", previous.name(), kind.name());
                previous = *kind;
                (EntryKind::Event, author.as_str(), true, body, Some(*kind))
            }
        };
        store::insert_entry(
            tx,
            id,
            &NewEntry {
                kind,
                author,
                by_agent,
                at: *at,
                body: &body,
                new_status,
            },
        )?;
    }
    let sla = engine::compute(&rules::policy(facts.dept, facts.priority), &sla_facts);
    store::write_sla(tx, id, &sla)
}

/// Tickets that try to attack the terminal, and text that must still align:
/// subject, body, channel, priority and age in seconds; `hostile_senders`
/// gives their senders in the same order.
const HOSTILE: [(&str, &str, Channel, PriorityLevel, i64); 3] = [
    (
        "\u{1b}[31;1mURGENT\u{1b}[0m printer on fire \u{1b}]0;owned\u{07}at the library",
        "Please look at this right away.\u{1b}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{07}\n\u{1b}[2J\u{1b}[HThe screen should not clear.\u{9b}31mStill plain.",
        Channel::Social,
        PriorityLevel::High,
        50 * 60,
    ),
    (
        "打印机无法连接 - library printer offline 🖨️",
        "您好, the library printer at Lincoln Elementary shows offline for the parent volunteers. 谢谢!",
        Channel::Email,
        PriorityLevel::Normal,
        3 * HOUR,
    ),
    (
        "Grade portal shows\u{0007} wrong grade\u{200b}\u{202e}edarg",
        "My grade\u{0008}\u{0008}\u{0008} in the portal is wrong.\u{1b}P1$r0m\u{1b}\\ Can someone check?",
        Channel::Web,
        PriorityLevel::Normal,
        5 * HOUR,
    ),
];

/// The senders of the hostile tickets: a name with a bidi override, a name
/// in CJK, and an ordinary student.
fn hostile_senders(tx: &Transaction<'_>, people: &[Person]) -> rusqlite::Result<Vec<Person>> {
    let community = insert_person(
        tx,
        "Alex \u{202e}nimda\u{202c} Reyes",
        "alex.reyes@example.net",
        RequesterRole::Community,
        None,
    )?;
    let parent = insert_person(
        tx,
        "王芳 (Wang Fang)",
        "wang.fang@example.cn",
        RequesterRole::Parent,
        Some(SCHOOLS[0]),
    )?;
    let student = people
        .iter()
        .find(|p| p.role == RequesterRole::Student)
        .unwrap_or(&people[0]);
    let student = Person {
        id: student.id,
        name: student.name.clone(),
        role: student.role,
        school: student.school.clone(),
    };
    Ok(vec![community, parent, student])
}

fn insert_hostile(
    tx: &Transaction<'_>,
    index: usize,
    sender: &Person,
    now: i64,
) -> rusqlite::Result<()> {
    let (subject, body, channel, priority, age) = HOSTILE[index];
    write_ticket(
        tx,
        &TicketFacts {
            subject,
            opening: body,
            person: sender,
            dept: rules::route(subject, body, channel),
            priority,
            channel,
            created: now - age,
            tags: "",
        },
        Vec::new(),
    )
}
