//! The intake form: a ticket logged for someone who called, walked in or
//! stopped an agent in the corridor. The requester is found among the
//! people on the tickets held (by name or email) or entered new; the form
//! suggests a queue from the words, from the subjects each queue already
//! holds, and says why. Ctrl-x logs it; nothing typed is lost when the desk
//! cannot be reached (the form stays, saying why).

use std::collections::HashMap;

use ratatui_textarea::TextArea;

use super::input::{Edit, LineInput};
use super::{Effect, State};
use crate::action::Action;
use crate::desk::gate;
use crate::desk::{Assignee, Change, Channel, NewTicket, PriorityLevel, QueueId, TicketSummary};
use crate::store::QueuedWrite;

/// The channels an agent logs a ticket from, most likely first.
pub const CHANNELS: [Channel; 7] = [
    Channel::Phone,
    Channel::WalkIn,
    Channel::Email,
    Channel::Web,
    Channel::Sms,
    Channel::Chat,
    Channel::Social,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Email,
    Name,
    Channel,
    Queue,
    Priority,
    Owner,
    Subject,
    Message,
    /// A first public reply, sent with it (optional).
    Reply,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Email,
        Field::Name,
        Field::Channel,
        Field::Queue,
        Field::Priority,
        Field::Owner,
        Field::Subject,
        Field::Message,
        Field::Reply,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Email => "Requester",
            Field::Name => "Name",
            Field::Channel => "Came by",
            Field::Queue => "Queue",
            Field::Priority => "Priority",
            Field::Owner => "Owner",
            Field::Subject => "Subject",
            Field::Message => "Their words",
            Field::Reply => "First reply",
        }
    }

    /// A choice among a few values, changed with the arrows or space.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            Field::Channel | Field::Queue | Field::Priority | Field::Owner
        )
    }
}

/// Someone on a held ticket, offered as the requester.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub name: String,
    pub email: String,
    pub role: &'static str,
}

#[derive(Clone, Debug)]
pub struct IntakeForm {
    pub field: Field,
    pub email: LineInput,
    pub name: LineInput,
    pub subject: LineInput,
    pub message: TextArea<'static>,
    pub channel: Channel,
    /// An index into the desk's queues.
    pub queue: usize,
    /// The user chose the queue: no more suggestions over it.
    pub queue_chosen: bool,
    pub priority: PriorityLevel,
    /// 0 nobody, 1 me, then the desk's agents in order.
    pub owner: usize,
    /// Sent as a public reply once the ticket is made (optional).
    pub reply: LineInput,
    /// The best match among known people for what is typed.
    pub known: Option<Known>,
    /// Why the queue was suggested.
    pub why: Option<String>,
    /// Sent as this request; the answer has not come.
    pub sending: Option<u64>,
    pub error: Option<String>,
}

impl IntakeForm {
    /// Nothing typed in it yet.
    pub fn is_empty(&self) -> bool {
        [&self.email, &self.name, &self.subject, &self.reply]
            .iter()
            .all(|input| input.text().trim().is_empty())
            && self.message.lines().iter().all(|l| l.trim().is_empty())
    }
}

impl Default for IntakeForm {
    fn default() -> Self {
        Self {
            field: Field::Email,
            email: LineInput::default(),
            name: LineInput::default(),
            subject: LineInput::default(),
            message: TextArea::default(),
            channel: Channel::Phone,
            queue: 0,
            queue_chosen: false,
            priority: PriorityLevel::Normal,
            owner: 0,
            reply: LineInput::default(),
            known: None,
            why: None,
            sending: None,
            error: None,
        }
    }
}

impl IntakeForm {
    fn step_field(&mut self, delta: isize) {
        let at = Field::ALL
            .iter()
            .position(|f| *f == self.field)
            .unwrap_or(0);
        let len = Field::ALL.len() as isize;
        let next = (at as isize + delta).rem_euclid(len) as usize;
        self.field = Field::ALL[next];
    }

    fn step_choice(&mut self, delta: isize, queues: usize, agents: usize) {
        let step =
            |at: usize, len: usize| (at as isize + delta).rem_euclid(len.max(1) as isize) as usize;
        match self.field {
            Field::Channel => {
                let at = CHANNELS
                    .iter()
                    .position(|c| *c == self.channel)
                    .unwrap_or(0);
                self.channel = CHANNELS[step(at, CHANNELS.len())];
            }
            Field::Queue => {
                self.queue = step(self.queue, queues);
                self.queue_chosen = true;
                self.why = None;
            }
            Field::Priority => {
                let at = PriorityLevel::ALL
                    .iter()
                    .position(|p| *p == self.priority)
                    .unwrap_or(0);
                self.priority = PriorityLevel::ALL[step(at, PriorityLevel::ALL.len())];
            }
            Field::Owner => self.owner = step(self.owner, agents + 2),
            _ => {}
        }
    }

    fn text(&self) -> String {
        self.message.lines().join("\n")
    }
}

/// Lower-case words of three letters or more, for matching subjects.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// The queue whose held subjects share most words with `text`, and why.
pub fn suggest_queue(
    text: &str,
    tickets: &[&TicketSummary],
    queues: &[QueueId],
) -> Option<(usize, String)> {
    let wanted = words(text);
    if wanted.is_empty() {
        return None;
    }
    // Per queue: how many of its subjects hold each wanted word.
    let mut seen: HashMap<&QueueId, HashMap<&str, usize>> = HashMap::new();
    for t in tickets {
        let subject = words(t.subject.as_str());
        for w in &wanted {
            if subject.contains(w) {
                *seen
                    .entry(&t.queue.id)
                    .or_default()
                    .entry(w.as_str())
                    .or_default() += 1;
            }
        }
    }
    let (queue, hits) = seen
        .into_iter()
        .max_by_key(|(q, hits)| (hits.values().sum::<usize>(), std::cmp::Reverse(q.0.clone())))?;
    let index = queues.iter().position(|q| q == queue)?;
    let mut shared: Vec<(&str, usize)> = hits.into_iter().collect();
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let named: Vec<String> = shared
        .iter()
        .take(2)
        .map(|(w, _)| format!("“{w}”"))
        .collect();
    let count = shared.first().map_or(0, |(_, n)| *n);
    Some((
        index,
        format!("{}: {count} of its tickets", named.join(", ")),
    ))
}

impl State {
    /// `N` or `:new`: a new ticket for someone, in a form.
    pub fn open_intake(&mut self) -> Vec<Effect> {
        if let Some(why) = &self.settings.read_only {
            self.error(format!("read-only: no new tickets ({why})"));
            return Vec::new();
        }
        if self.settings.lacks.contains(&"logging new tickets") {
            self.error("this desk cannot log new tickets from here");
            return Vec::new();
        }
        if self.queues.is_empty() {
            self.error("the desk's queues have not come yet; try again in a moment");
            return Vec::new();
        }
        if self.screen.compose().is_some() {
            self.error("close the open reply first (esc keeps it as a draft)");
            return Vec::new();
        }
        let form = match self.unfinished_intake.take() {
            Some(mut form) => {
                form.error = None;
                self.info("your unfinished ticket is back; ctrl-x logs it");
                *form
            }
            None => IntakeForm::default(),
        };
        self.screen.show_intake(form);
        Vec::new()
    }

    pub(crate) fn intake_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(form) = self.screen.intake_mut() else {
            return Vec::new();
        };
        match action {
            Action::NextField => form.step_field(1),
            Action::PrevField => form.step_field(-1),
            Action::Send => return self.send_intake(),
            // A caller's words are never lost to a stray Esc.
            Action::Cancel => {
                let typed = !form.is_empty();
                let form = self.screen.intake().cloned();
                self.screen.show_queue();
                if typed && let Some(form) = form {
                    self.unfinished_intake = Some(Box::new(form));
                    let key = self
                        .settings
                        .keymap
                        .hint(crate::config::keymap::Context::Queue, Action::NewTicket);
                    self.info(format!("no ticket logged yet; {key} brings the form back"));
                } else {
                    self.info("no ticket logged");
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A key typed into the field in focus.
    pub(crate) fn intake_typed(&mut self, key: crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        let queues = self.queues.len();
        let agents = self.agents.len();
        let Some(form) = self.screen.intake_mut() else {
            return;
        };
        let field = form.field;
        if field.is_choice() {
            match key.code {
                KeyCode::Left => form.step_choice(-1, queues, agents),
                KeyCode::Right | KeyCode::Char(' ') => form.step_choice(1, queues, agents),
                _ => {}
            }
            return;
        }
        let edited = match field {
            Field::Email => form.email.handle(&key),
            Field::Name => form.name.handle(&key),
            Field::Subject => form.subject.handle(&key),
            Field::Reply => form.reply.handle(&key),
            Field::Message => {
                if form.message.input(key) {
                    Edit::Changed
                } else {
                    Edit::Ignored
                }
            }
            _ => Edit::Ignored,
        };
        match edited {
            Edit::Changed => self.intake_changed(field),
            // Enter in a line moves on, as a form does.
            Edit::Submit => {
                if let Some(form) = self.screen.intake_mut() {
                    form.step_field(1);
                }
            }
            _ => {}
        }
    }

    /// Pasted text into the field in focus (a line field takes one line).
    pub(crate) fn intake_pasted(&mut self, text: &str) {
        let Some(form) = self.screen.intake_mut() else {
            return;
        };
        let field = form.field;
        let line = text.lines().next().unwrap_or_default();
        match field {
            Field::Email => form.email.insert_str(line),
            Field::Name => form.name.insert_str(line),
            Field::Subject => form.subject.insert_str(line),
            Field::Reply => form.reply.insert_str(line),
            Field::Message => {
                form.message.insert_str(text);
            }
            _ => return,
        }
        self.intake_changed(field);
    }

    /// Who it may be, and which queue, as the words come.
    fn intake_changed(&mut self, field: Field) {
        let held: Vec<&TicketSummary> = self
            .held
            .tickets
            .items()
            .iter()
            .map(|h| &h.ticket)
            .collect();
        let queue_ids: Vec<QueueId> = self.queues.iter().map(|q| q.id.clone()).collect();
        let Some(form) = self.screen.intake_mut() else {
            return;
        };
        if matches!(field, Field::Email | Field::Name) {
            let typed = match field {
                Field::Email => form.email.text(),
                _ => form.name.text(),
            }
            .trim()
            .to_lowercase();
            // A caller read out their number: found by its digits, however
            // it is written.
            let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
            let by_phone = digits.len() >= 3 && digits.len() * 2 >= typed.chars().count();
            let phone_has = |r: &crate::desk::Requester| {
                r.phone.as_ref().is_some_and(|p| {
                    let theirs: String = p.chars().filter(char::is_ascii_digit).collect();
                    theirs.contains(&digits)
                })
            };
            form.known = (typed.chars().count() >= 2)
                .then(|| {
                    held.iter()
                        .map(|t| &t.requester)
                        .find(|r| {
                            (by_phone && phone_has(r))
                                || r.email.as_str().to_lowercase().starts_with(&typed)
                                || r.name.as_str().to_lowercase().contains(&typed)
                        })
                        .map(|r| Known {
                            name: r.name.to_string(),
                            email: r.email.to_string(),
                            role: r.role.name(),
                        })
                })
                .flatten();
        }
        if matches!(field, Field::Subject | Field::Message) && !form.queue_chosen {
            let text = format!("{} {}", form.subject.text(), form.text());
            if let Some((queue, why)) = suggest_queue(&text, &held, &queue_ids) {
                form.queue = queue;
                form.why = Some(why);
            }
        }
    }

    fn send_intake(&mut self) -> Vec<Effect> {
        if let Err(closed) = gate::check(self.settings.read_only.as_deref(), self.outbox.signed_out)
        {
            self.error(closed.to_string());
            return Vec::new();
        }
        let queue = self
            .queues
            .get(self.screen.intake().map_or(0, |f| f.queue))
            .map(|q| q.id.clone());
        let owner = match self.screen.intake().map_or(0, |f| f.owner) {
            0 => Assignee::Nobody,
            1 => Assignee::Me,
            n => self
                .agents
                .get(n - 2)
                .map_or(Assignee::Nobody, |a| Assignee::Agent(a.id.clone())),
        };
        let request = self.request_id();
        let Some(form) = self.screen.intake_mut() else {
            return Vec::new();
        };
        if form.sending.is_some() {
            return Vec::new();
        }
        // A known person picked while typing their name fills the address.
        let mut email = form.email.text().trim().to_string();
        if !email.contains('@')
            && let Some(known) = &form.known
        {
            email.clone_from(&known.email);
        }
        let missing = if !email.contains('@') {
            Some((Field::Email, "the requester's email address"))
        } else if form.subject.text().trim().is_empty() {
            Some((Field::Subject, "a subject"))
        } else if form.text().trim().is_empty() {
            Some((Field::Message, "their words"))
        } else {
            None
        };
        if let Some((field, what)) = missing {
            form.field = field;
            let text = format!("not logged yet: it needs {what}");
            form.error = Some(text.clone());
            self.error(text);
            return Vec::new();
        }
        let Some(queue) = queue else {
            return Vec::new();
        };
        let name = match form.name.text().trim() {
            "" => form
                .known
                .as_ref()
                .map(|k| k.name.clone())
                .unwrap_or_default(),
            name => name.to_string(),
        };
        let ticket = NewTicket {
            queue,
            subject: form.subject.text().trim().to_string(),
            requester_email: email,
            requester_name: name,
            channel: form.channel,
            priority: form.priority,
            owner,
            body: form.text().trim_end().to_string(),
        };
        form.sending = Some(request);
        form.error = None;
        let since = self.now;
        self.info("logging the ticket…");
        vec![Effect::Create {
            request,
            ticket,
            since,
        }]
    }

    /// The desk's answer to a new ticket: in the queue at once, or the form
    /// kept with the reason.
    pub(crate) fn on_created(
        &mut self,
        request: u64,
        result: Result<Box<TicketSummary>, crate::desk::DeskError>,
    ) -> Vec<Effect> {
        let ours = self
            .screen
            .intake()
            .is_some_and(|f| f.sending == Some(request));
        match result {
            Ok(made) => {
                let id = made.id.clone();
                let line = format!(
                    "{} logged: {} ({})",
                    made.key, made.subject, made.queue.name
                );
                // The first reply goes as every reply does: through the
                // outbox and its undo window.
                let reply = self
                    .screen
                    .intake()
                    .filter(|_| ours)
                    .map(|f| f.reply.text().trim().to_string())
                    .filter(|r| !r.is_empty());
                let mut effects = Vec::new();
                if let Some(body) = reply {
                    let write = QueuedWrite::on_ticket(
                        &made,
                        vec![Change::Reply {
                            body,
                            then: None,
                            files: Vec::new(),
                        }],
                    );
                    effects = self.queue_write(format!("reply to {}", made.key), vec![write], None);
                }
                self.hold(*made);
                self.place();
                if ours {
                    self.screen.show_queue();
                    if let Some(at) = self
                        .queue
                        .visible
                        .iter()
                        .position(|&i| self.row_ticket(i).is_some_and(|t| t.id == id))
                    {
                        self.queue.cursor = at;
                        self.clamp_cursor();
                    }
                }
                self.info(line);
                return effects;
            }
            Err(e) => {
                let short = format!("not logged · {} · the form is kept", e.short());
                if ours && let Some(form) = self.screen.intake_mut() {
                    form.sending = None;
                    form.error = Some(short.clone());
                }
                self.error_with(short, e.to_string());
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::QueueRef;
    use crate::text::SafeText;

    fn in_queue(id: &str, subject: &str) -> TicketSummary {
        let mut t = TicketSummary::example();
        t.queue = QueueRef {
            id: QueueId(id.into()),
            name: SafeText::line(id),
        };
        t.subject = SafeText::line(subject);
        t
    }

    #[test]
    fn the_queue_whose_subjects_share_the_words_is_suggested_with_why() {
        let held = [
            in_queue("transport", "Bus 24 late again"),
            in_queue("transport", "Bus stop moved"),
            in_queue("it", "Printer jam"),
        ];
        let held: Vec<&TicketSummary> = held.iter().collect();
        let queues = [QueueId("it".into()), QueueId("transport".into())];
        let (at, why) = suggest_queue("The bus was late", &held, &queues).expect("a queue");
        assert_eq!(at, 1);
        assert_eq!(why, "“bus”, “late”: 2 of its tickets");
        assert!(suggest_queue("hello", &held, &queues).is_none());
    }
}
