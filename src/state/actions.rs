//! What each action does to the state: moving, viewing, and working tickets
//! (take, assign, status, priority, macros), alone or in bulk.

use std::collections::HashMap;

use super::command::{self, Command};
use super::compose::ComposeKind;
use super::picker::{Choice, Pick, Picker, Purpose};
use super::{Effect, Overlay, State};
use crate::action::Action;
use crate::config::macros::{self, Macro};
use crate::desk::{
    AgentId, AgentRef, Assignee, Change, PriorityLevel, QueueRef, StatusKind, TicketId,
    TicketSummary,
};
use crate::state::command::CommandLine;
use crate::store::QueuedWrite;

/// "resolve #12", "assign 3 tickets to Priya Raman": `{}` names the targets.
fn label(template: &str, targets: &[TicketSummary]) -> String {
    let what = match targets {
        [one] => one.key.to_string(),
        many => format!("{} tickets", many.len()),
    };
    template.replacen("{}", &what, 1)
}

impl State {
    /// What an action applies to: the ticket in view, else the marked
    /// tickets, else the selected one.
    /// Each as the writes on their way will leave it.
    pub fn targets(&self) -> Vec<TicketSummary> {
        let held: Vec<TicketSummary> = if let Some(view) = self.screen.ticket() {
            view.summary().cloned().into_iter().collect()
        } else {
            let marked = self.marked();
            if marked.is_empty() {
                self.selected().cloned().into_iter().collect()
            } else {
                marked
                    .iter()
                    .filter_map(|id| self.held.tickets.by_id(id).cloned())
                    .collect()
            }
        };
        held.into_iter().map(|t| self.as_queued(t)).collect()
    }

    /// Marked tickets (and the visual range), in the order shown.
    pub fn marked(&self) -> Vec<TicketId> {
        let range = self.queue.visual.map(|anchor| {
            let (a, b) = (anchor.min(self.queue.cursor), anchor.max(self.queue.cursor));
            a..=b
        });
        self.queue
            .visible
            .iter()
            .enumerate()
            .filter_map(|(row, &i)| {
                let ticket = self.held.tickets.get(i)?;
                let in_range = range.as_ref().is_some_and(|r| r.contains(&row));
                (in_range || self.marks.contains(&ticket.id)).then(|| ticket.id.clone())
            })
            .collect()
    }

    /// Write `change` to each target that needs it; marks are spent.
    fn change_each(
        &mut self,
        verb: &str,
        change: impl Fn(&TicketSummary) -> Option<Change>,
    ) -> Vec<Effect> {
        let targets = self.targets();
        let items: Vec<QueuedWrite> = targets
            .iter()
            .filter_map(|t| change(t).map(|c| QueuedWrite::on_ticket(t, vec![c])))
            .collect();
        if items.is_empty() && !targets.is_empty() {
            self.info(format!("{}: nothing to change", label(verb, &targets)));
            return Vec::new();
        }
        self.clear_marks();
        self.queue_write(label(verb, &targets), items, None)
    }

    fn set_status(&mut self, status: StatusKind) -> Vec<Effect> {
        let verb = match status {
            StatusKind::Resolved => "resolve {}",
            StatusKind::Closed => "close {}",
            StatusKind::Pending => "set {} pending",
            StatusKind::Open => "open {}",
            StatusKind::New => "set {} new",
        };
        self.change_each(verb, |t| {
            (t.status.kind != status).then_some(Change::SetStatus(status))
        })
    }

    fn set_priority(
        &mut self,
        verb: &str,
        level: impl Fn(PriorityLevel) -> Option<PriorityLevel>,
    ) -> Vec<Effect> {
        self.change_each(verb, |t| {
            level(t.priority.level)
                .filter(|l| *l != t.priority.level)
                .map(Change::SetPriority)
        })
    }

    pub fn clear_marks(&mut self) {
        self.marks.clear();
        self.queue.visual = None;
    }

    /// Actions on tickets, the same from the queue and the ticket view.
    pub fn work(&mut self, action: Action) -> Option<Vec<Effect>> {
        if action.writes()
            && let Some(why) = &self.settings.read_only
        {
            self.error(format!("read-only: {why}; nothing is changed on the desk"));
            return Some(Vec::new());
        }
        let step = |level: PriorityLevel, by: isize| {
            let all = PriorityLevel::ALL;
            let i = all.iter().position(|l| *l == level)?;
            all.get(i.checked_add_signed(by)?).copied()
        };
        Some(match action {
            Action::Take => {
                let me = self.me.as_ref().map(|m| m.id.clone());
                self.change_each("take {}", |t| {
                    let mine = t.owner.as_ref().is_some_and(|o| Some(&o.id) == me.as_ref());
                    (!mine).then_some(Change::Assign(Assignee::Me))
                })
            }
            Action::SetOpen => self.set_status(StatusKind::Open),
            Action::SetPending => self.set_status(StatusKind::Pending),
            Action::Close => self.set_status(StatusKind::Resolved),
            Action::PriorityUp => self.set_priority("raise the priority of {}", |l| step(l, 1)),
            Action::PriorityDown => self.set_priority("lower the priority of {}", |l| step(l, -1)),
            Action::Assign => self.open_assign_picker(),
            Action::Macro => self.open_macro_picker(false),
            Action::StatusMenu => self.open_menu(Purpose::Status),
            Action::PriorityMenu => self.open_menu(Purpose::Priority),
            Action::DiscardDraft => {
                let id = self.screen.ticket().map(|v| v.id.clone())?;
                if !self.drafts.contains_key(&id) {
                    self.info("no draft to discard");
                    return Some(Vec::new());
                }
                self.info("draft discarded");
                vec![self.forget_draft(&id)]
            }
            Action::OpenWeb => self.open_web(),
            Action::UserCommand(i) => self.run_user_command(usize::from(i)),
            Action::Copy => self.open_copy_picker(),
            Action::Reply => self.start_compose(ComposeKind::Reply),
            Action::Note => self.start_compose(ComposeKind::Note),
            Action::Edit => {
                let mut effects = self.start_compose(ComposeKind::Reply);
                if let Some(compose) = self.screen.compose() {
                    effects.push(Effect::EditExternally {
                        text: compose.text(),
                    });
                }
                effects
            }
            _ => return None,
        })
    }

    /// The ticket in view, else the one under the cursor.
    fn focused(&self) -> Option<TicketSummary> {
        self.screen
            .ticket()
            .and_then(|v| v.summary().cloned())
            .or_else(|| self.selected().cloned())
    }

    /// The focused ticket's page on the desk's website.
    fn web_link(&self, t: &TicketSummary) -> Option<String> {
        let page = self.settings.web_page.as_ref()?;
        Some(page.replace("{id}", t.id.0.trim_start_matches('#')))
    }

    /// `w`: the ticket's page in the browser; with no display to open it
    /// on (an SSH session), its link copied instead, and shown.
    fn open_web(&mut self) -> Vec<Effect> {
        let Some(t) = self.focused() else {
            self.info("no ticket selected");
            return Vec::new();
        };
        let Some(url) = self.web_link(&t) else {
            self.info("this desk has no web page for its tickets");
            return Vec::new();
        };
        if self.settings.display {
            self.info(format!("opening {} in the browser", t.key));
            vec![Effect::OpenLink { url }]
        } else {
            self.info(format!("no display here: the link is copied · {url}"));
            vec![Effect::Clipboard { text: url }]
        }
    }

    /// One of the user's `[[commands]]` on the focused ticket.
    fn run_user_command(&mut self, index: usize) -> Vec<Effect> {
        let Some(command) = self.settings.commands.get(index).cloned() else {
            return Vec::new();
        };
        let Some(t) = self.focused() else {
            self.info("no ticket selected");
            return Vec::new();
        };
        let link = self.web_link(&t);
        match crate::config::commands::render(&command.command, &t, link.as_deref()) {
            Ok(line) => {
                if command.background {
                    self.info(format!("running: {}", command.description));
                }
                vec![Effect::RunCommand {
                    line,
                    label: command.description.clone(),
                    background: command.background,
                }]
            }
            Err(why) => {
                self.error(format!("not run: {why} · {}", command.description));
                Vec::new()
            }
        }
    }

    /// `y`: copy the ticket's id, link or requester's address.
    fn open_copy_picker(&mut self) -> Vec<Effect> {
        let Some(t) = self.focused() else {
            self.info("no ticket selected");
            return Vec::new();
        };
        let mut options = vec![Pick {
            label: "id".into(),
            detail: t.key.to_string(),
            choice: Choice::Copy(t.key.to_string()),
        }];
        if let Some(url) = self.web_link(&t) {
            options.push(Pick {
                label: "link".into(),
                detail: url.clone(),
                choice: Choice::Copy(url),
            });
        }
        if !t.requester.email.is_empty() {
            options.push(Pick {
                label: "requester".into(),
                detail: t.requester.email.to_string(),
                choice: Choice::Copy(t.requester.email.to_string()),
            });
        }
        self.screen.push(Overlay::Picker(Picker::new(
            "Copy".into(),
            Purpose::Copy,
            vec![t.id.clone()],
            options,
        )));
        Vec::new()
    }

    fn picker(&mut self, title: String, purpose: Purpose, options: Vec<Pick>) -> Vec<Effect> {
        let targets: Vec<TicketId> = self.targets().into_iter().map(|t| t.id).collect();
        if targets.is_empty() && purpose != Purpose::InsertMacro {
            self.info("no ticket selected");
            return Vec::new();
        }
        self.screen.push(Overlay::Picker(Picker::new(
            title, purpose, targets, options,
        )));
        Vec::new()
    }

    fn open_assign_picker(&mut self) -> Vec<Effect> {
        // Each agent with the open tickets they hold, to spread the load.
        let mut load: HashMap<&AgentId, usize> = HashMap::new();
        for held in self.held.tickets.items() {
            if let Some(owner) = &held.ticket.owner {
                *load.entry(&owner.id).or_default() += 1;
            }
        }
        let queue_names: HashMap<_, _> = self.queues.iter().map(|q| (&q.id, &q.name)).collect();
        let mut options: Vec<Pick> = self
            .agents
            .iter()
            .map(|agent| {
                let groups: Vec<String> = agent
                    .queues
                    .iter()
                    .filter_map(|q| queue_names.get(q).map(|n| n.to_string()))
                    .collect();
                let open = load.get(&agent.id).copied().unwrap_or(0);
                let me = self.me.as_ref().is_some_and(|m| m.id == agent.id);
                Pick {
                    label: if me {
                        format!("{} (me)", agent.name)
                    } else {
                        agent.name.to_string()
                    },
                    detail: if groups.is_empty() {
                        format!("{open} open")
                    } else {
                        format!("{open} open · {}", groups.join(", "))
                    },
                    choice: Choice::Agent(AgentRef {
                        id: agent.id.clone(),
                        name: agent.name.clone(),
                    }),
                }
            })
            .collect();
        options.push(Pick {
            label: "Nobody".into(),
            detail: "unassign".into(),
            choice: Choice::Nobody,
        });
        options.extend(self.queues.iter().map(|q| Pick {
            label: format!("→ {}", q.name),
            detail: format!("move to the {} queue", q.name),
            choice: Choice::Queue(QueueRef {
                id: q.id.clone(),
                name: q.name.clone(),
            }),
        }));
        let count = self.targets().len();
        let title = if count > 1 {
            format!("Assign or move {count} tickets")
        } else {
            "Assign to an agent, or move to a department".to_string()
        };
        self.picker(title, Purpose::Assign, options)
    }

    pub fn open_macro_picker(&mut self, insert: bool) -> Vec<Effect> {
        // The desk's own apply on the desk; they cannot be inserted.
        let desk_macros = self.desk_macros.iter().filter(|_| !insert);
        if self.settings.macros.is_empty() && desk_macros.clone().next().is_none() {
            self.info("no macros: add [[macros]] to config.toml");
            return Vec::new();
        }
        let mut options: Vec<Pick> = self
            .settings
            .macros
            .iter()
            .enumerate()
            .map(|(i, m)| Pick {
                label: m.name.clone(),
                detail: describe_macro(m),
                choice: Choice::Macro(i),
            })
            .collect();
        options.extend(desk_macros.map(|m| Pick {
            label: m.name.to_string(),
            detail: format!("{} (the desk's)", m.detail),
            choice: Choice::DeskMacro(m.clone()),
        }));
        if insert {
            let title = "Insert a macro".to_string();
            self.screen.push(Overlay::Picker(Picker::new(
                title,
                Purpose::InsertMacro,
                Vec::new(),
                options,
            )));
            Vec::new()
        } else {
            self.picker("Apply a macro".into(), Purpose::ApplyMacro, options)
        }
    }

    fn open_menu(&mut self, purpose: Purpose) -> Vec<Effect> {
        let options = match purpose {
            Purpose::Status => StatusKind::ALL
                .iter()
                .map(|s| Pick {
                    label: s.name().to_string(),
                    detail: String::new(),
                    choice: Choice::Status(*s),
                })
                .collect(),
            _ => PriorityLevel::ALL
                .iter()
                .rev()
                .map(|p| Pick {
                    label: p.name().to_string(),
                    detail: String::new(),
                    choice: Choice::Priority(*p),
                })
                .collect(),
        };
        let title = if purpose == Purpose::Status {
            "Status"
        } else {
            "Priority"
        };
        self.picker(title.to_string(), purpose, options)
    }

    /// Enter in a picker.
    pub fn choose(&mut self, picker: Picker) -> Vec<Effect> {
        let Some(chosen) = picker.chosen().cloned() else {
            return Vec::new();
        };
        if let Choice::Profile(name) = &chosen.choice {
            return self.switch_profile(name);
        }
        if let Choice::Ticket(id) = &chosen.choice {
            return self.open_ticket(id.clone());
        }
        if let Choice::Attachment { id, name, mime } = &chosen.choice {
            return self.view_attachment(id, name, mime);
        }
        if let Choice::Copy(text) = &chosen.choice {
            self.info(format!("copied · {text}"));
            return vec![Effect::Clipboard { text: text.clone() }];
        }
        if let Choice::Field(spec) = &chosen.choice {
            self.choose_field(&picker, spec);
            return Vec::new();
        }
        let targets: Vec<TicketSummary> = picker
            .targets
            .iter()
            .filter_map(|id| {
                self.held
                    .tickets
                    .by_id(id)
                    .cloned()
                    .or_else(|| {
                        self.screen
                            .ticket()
                            .filter(|v| v.id == *id)
                            .and_then(|v| v.summary().cloned())
                    })
                    .map(|t| self.as_queued(t))
            })
            .collect();
        let each = |f: &dyn Fn(&TicketSummary) -> Option<Change>| -> Vec<QueuedWrite> {
            targets
                .iter()
                .filter_map(|t| f(t).map(|c| QueuedWrite::on_ticket(t, vec![c])))
                .collect()
        };
        let (verb, items) = match &chosen.choice {
            Choice::Agent(agent) => {
                let items = each(&|t| {
                    (t.owner.as_ref().map(|o| &o.id) != Some(&agent.id))
                        .then(|| Change::Assign(Assignee::Agent(agent.id.clone())))
                });
                (format!("assign {{}} to {}", agent.name), items)
            }
            Choice::Nobody => (
                "unassign {}".to_string(),
                each(&|t| {
                    t.owner
                        .is_some()
                        .then_some(Change::Assign(Assignee::Nobody))
                }),
            ),
            Choice::Queue(queue) => {
                let items =
                    each(&|t| (t.queue.id != queue.id).then(|| Change::MoveTo(queue.id.clone())));
                (format!("move {{}} to {}", queue.name), items)
            }
            Choice::Status(status) => (
                format!("set {{}} {}", status.name()),
                each(&|t| (t.status.kind != *status).then_some(Change::SetStatus(*status))),
            ),
            // Handled before: a profile is not a change to tickets.
            Choice::Profile(_)
            | Choice::Field(_)
            | Choice::Attachment { .. }
            | Choice::Copy(_)
            | Choice::Ticket(_) => {
                return Vec::new();
            }
            Choice::FieldValue { name, value } => {
                let set = || Change::SetField {
                    name: name.clone(),
                    value: value.clone(),
                };
                let said = value.as_deref().unwrap_or("nothing");
                (
                    format!("set {name} of {{}} to {said}"),
                    each(&|_| Some(set())),
                )
            }
            Choice::Priority(level) => (
                format!("set the priority of {{}} to {}", level.name()),
                each(&|t| (t.priority.level != *level).then_some(Change::SetPriority(*level))),
            ),
            Choice::Macro(index) => {
                let Some(m) = self.settings.macros.get(*index).cloned() else {
                    return Vec::new();
                };
                if picker.purpose == Purpose::InsertMacro {
                    return self.insert_macro(&m);
                }
                let mut items = Vec::new();
                for t in &targets {
                    match self.macro_changes(&m, t) {
                        Ok(changes) if !changes.is_empty() => {
                            items.push(QueuedWrite::on_ticket(t, changes))
                        }
                        Ok(_) => {}
                        Err(e) => {
                            self.error(e);
                            return Vec::new();
                        }
                    }
                }
                (format!("apply “{}” to {{}}", m.name), items)
            }
            Choice::DeskMacro(m) => (
                format!("apply the desk's “{}” to {{}}", m.name),
                each(&|_| {
                    Some(Change::DeskMacro {
                        id: m.id.clone(),
                        name: m.name.to_string(),
                    })
                }),
            ),
        };
        let label = label(&verb, &targets);
        if items.is_empty() {
            self.info(format!("{label}: nothing to change"));
            return Vec::new();
        }
        self.clear_marks();
        self.queue_write(label, items, None)
    }

    fn agent_for(&self, who: &str) -> Result<Assignee, String> {
        match who.trim().to_lowercase().as_str() {
            "me" => return Ok(Assignee::Me),
            "nobody" | "" => return Ok(Assignee::Nobody),
            _ => {}
        }
        self.agents
            .iter()
            .find(|a| {
                a.id.0.eq_ignore_ascii_case(who)
                    || a.name.eq_ignore_ascii_case(who)
                    || a.email.eq_ignore_ascii_case(who)
            })
            .map(|a| Assignee::Agent(a.id.clone()))
            .ok_or_else(|| format!("no agent “{who}” here"))
    }

    /// A macro's writes for one ticket: the message (carrying the status
    /// when it has one), then owner, queue and priority.
    pub fn macro_changes(&self, m: &Macro, ticket: &TicketSummary) -> Result<Vec<Change>, String> {
        let fail = |e: String| format!("not applied: {e} · macro “{}”", m.name);
        let mut changes = Vec::new();
        let status = m.status.map(StatusKind::from);
        let agent_name = self
            .me
            .as_ref()
            .map_or_else(String::new, |me| me.name.to_string());
        let body = macros::render(
            &m.body,
            &macros::Context {
                ticket,
                agent_name: &agent_name,
            },
        );
        if body.trim().is_empty() {
            if let Some(status) = status.filter(|s| *s != ticket.status.kind) {
                changes.push(Change::SetStatus(status));
            }
        } else if m.internal {
            changes.push(Change::Note {
                body,
                then: status,
                files: Vec::new(),
            });
        } else {
            changes.push(Change::Reply {
                body,
                then: status,
                files: Vec::new(),
            });
        }
        if let Some(owner) = &m.owner {
            changes.push(Change::Assign(self.agent_for(owner).map_err(fail)?));
        }
        if let Some(queue) = &m.queue {
            let found = self
                .queues
                .iter()
                .find(|q| q.id.0 == *queue || q.name.eq_ignore_ascii_case(queue))
                .ok_or_else(|| fail(format!("no queue “{queue}” here")))?;
            if found.id != ticket.queue.id {
                changes.push(Change::MoveTo(found.id.clone()));
            }
        }
        if let Some(priority) = m.priority.map(PriorityLevel::from)
            && priority != ticket.priority.level
        {
            changes.push(Change::SetPriority(priority));
        }
        for tag in &m.tags {
            let has = |t: &str| ticket.tags.iter().any(|x| x.as_str() == t);
            match tag.strip_prefix('-') {
                Some(off) if has(off) => changes.push(Change::Untag(off.to_string())),
                None if !has(tag) => changes.push(Change::Tag(tag.clone())),
                _ => {}
            }
        }
        for (name, value) in &m.fields {
            changes.push(Change::SetField {
                name: name.clone(),
                value: (!value.trim().is_empty()).then(|| value.clone()),
            });
        }
        Ok(changes)
    }

    /// ctrl-t while writing: the macro's text at the cursor, its actions
    /// sent after the text.
    fn insert_macro(&mut self, m: &Macro) -> Vec<Effect> {
        let ticket = self.screen.ticket().and_then(|v| v.summary()).cloned();
        let Some(ticket) = ticket else {
            return Vec::new();
        };
        let mut changes = match self.macro_changes(m, &ticket) {
            Ok(changes) => changes,
            Err(e) => {
                self.error(e);
                return Vec::new();
            }
        };
        let Some(compose) = self.screen.compose_mut() else {
            return Vec::new();
        };
        // The message is the pane's; its status rides on the pane's send.
        if let Some(Change::Reply { body, then, .. } | Change::Note { body, then, .. }) =
            changes.first().cloned()
        {
            changes.remove(0);
            compose.editor.insert_str(&body);
            if let Some(status) = then {
                changes.insert(0, Change::SetStatus(status));
            }
        }
        compose.actions = changes;
        compose.dirty = true;
        let name = m.name.clone();
        self.info(format!(
            "macro “{name}” inserted; its actions go with the send"
        ));
        Vec::new()
    }

    pub fn run_command(&mut self, command: Command) -> Vec<Effect> {
        match command {
            Command::Quit => self.act(Action::Quit),
            Command::Help => self.act(Action::Help),
            Command::Refresh => self.act(Action::Refresh),
            Command::Search(text) => self.search(&text),
            Command::Section(name) => {
                match self.find_section(&name) {
                    Some(i) => {
                        self.screen.show_queue();
                        return self.select_section(i);
                    }
                    None => {
                        let names: Vec<_> = self.sections.iter().map(|s| s.name.as_str()).collect();
                        let message =
                            format!("no section `{name}`; there are: {}", names.join(", "));
                        self.error(message);
                    }
                }
                Vec::new()
            }
            Command::Sort { key, reversed } => {
                self.queue.sort = key;
                self.queue.reversed = reversed;
                self.resort();
                self.info(self.sort_message());
                Vec::new()
            }
            Command::Theme(name) => {
                match self.settings.themes.get(&name) {
                    Some(theme) if self.settings.themes.no_color => {
                        self.settings.theme = theme;
                        self.info("NO_COLOR is set, so colours stay off");
                    }
                    Some(theme) => {
                        self.settings.theme = theme;
                        self.info(format!("theme {name}"));
                    }
                    None => self.error(self.settings.themes.missing(&name)),
                }
                Vec::new()
            }
            Command::Open(id) => self.open_by_id(TicketId(id.into())),
            Command::Dashboard => {
                self.open_dashboard();
                Vec::new()
            }
            Command::Outbox => {
                self.open_outbox();
                Vec::new()
            }
            Command::New => self.open_intake(),
            Command::Time(minutes) => self.log_time(minutes),
            Command::Field { name, value } => {
                let what = match &value {
                    Some(v) => format!("{name} = {v}"),
                    None => format!("{name} cleared"),
                };
                self.write_here(
                    "fields agents can set",
                    Change::SetField { name, value },
                    what,
                )
            }
            Command::Tag(tag) => {
                let (change, what) = match tag.strip_prefix('-') {
                    Some(off) => (Change::Untag(off.to_string()), format!("tag {off} off")),
                    None => (Change::Tag(tag.clone()), format!("tag {tag}")),
                };
                self.write_here("tags", change, what)
            }
            Command::Attach(path) => {
                self.attach_file(&path);
                Vec::new()
            }
            Command::Link(kind, other) => {
                let what = format!("link ({} #{other})", kind.phrase());
                self.write_here(
                    "linking tickets",
                    Change::Link(kind, TicketId(other.into())),
                    what,
                )
            }
            Command::Merge(into) => {
                if let Some(why) = &self.settings.read_only {
                    self.error(format!("read-only: nothing is sent ({why})"));
                    return Vec::new();
                }
                if self.settings.lacks.contains(&"merging tickets") {
                    self.error("this desk cannot merge tickets");
                    return Vec::new();
                }
                let target = TicketId(into.into());
                let verb = format!("merge {{}} into #{}", target.0);
                self.change_each(&verb, |t| {
                    (t.id != target).then(|| Change::MergeInto(target.clone()))
                })
            }
            Command::Cc(who) => {
                let (change, what) = match who.strip_prefix('-') {
                    Some(email) => (
                        Change::RemoveCc(email.trim().to_string()),
                        format!("{} off Cc", email.trim()),
                    ),
                    None => (
                        Change::AddCc(who.trim().to_string()),
                        format!("{} on Cc", who.trim()),
                    ),
                };
                self.write_here("copying people on a ticket (Cc)", change, what)
            }
            Command::Login => {
                self.open_sign_in();
                Vec::new()
            }
            Command::Messages => {
                if self.messages.is_empty() {
                    self.info("no messages yet");
                } else {
                    self.screen.push(Overlay::Messages { first: 0 });
                }
                Vec::new()
            }
            // A desk to connect, unless a profile is called that.
            Command::Profile(Some(name))
                if name.eq_ignore_ascii_case("new")
                    && !self
                        .settings
                        .profiles
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case("new")) =>
            {
                vec![Effect::Connect]
            }
            Command::Profile(Some(name)) => self.switch_profile(&name),
            Command::Profile(None) => {
                let options = self
                    .settings
                    .profiles
                    .iter()
                    .map(|name| Pick {
                        label: name.clone(),
                        detail: if *name == self.settings.profile {
                            "(this one)".into()
                        } else {
                            String::new()
                        },
                        choice: Choice::Profile(name.clone()),
                    })
                    .collect();
                self.screen.push(Overlay::Picker(Picker::new(
                    "Switch to a profile".into(),
                    Purpose::Profile,
                    Vec::new(),
                    options,
                )));
                Vec::new()
            }
        }
    }

    /// `:time 15` on the open ticket: minutes worked, through the outbox.
    fn log_time(&mut self, minutes: u32) -> Vec<Effect> {
        if self.settings.lacks.contains(&"time worked") {
            self.error("this desk keeps no time worked");
            return Vec::new();
        }
        let what = crate::desk::time_worked(i64::from(minutes));
        self.write_here("time worked", Change::LogTime(minutes), what)
    }

    /// One change to the ticket on screen, through the outbox; `lacking`
    /// is what the desk calls it when it cannot.
    fn write_here(&mut self, lacking: &str, change: Change, what: String) -> Vec<Effect> {
        if let Some(why) = &self.settings.read_only {
            self.error(format!("read-only: nothing is sent ({why})"));
            return Vec::new();
        }
        if self.settings.lacks.contains(&lacking) {
            self.error(format!("this desk has no {lacking}"));
            return Vec::new();
        }
        let Some(ticket) = self.screen.ticket().and_then(|v| v.summary()).cloned() else {
            self.error("open a ticket first: this goes to the ticket on screen");
            return Vec::new();
        };
        let ticket = self.as_queued(ticket);
        let label = format!("{what} on {}", ticket.key);
        let write = QueuedWrite::on_ticket(&ticket, vec![change]);
        self.queue_write(label, vec![write], None)
    }

    /// Leave this desk for another profile's, once nothing waits to be sent.
    pub fn switch_profile(&mut self, name: &str) -> Vec<Effect> {
        let Some(name) = self
            .settings
            .profiles
            .iter()
            .find(|p| p.eq_ignore_ascii_case(name))
            .cloned()
        else {
            let names = self.settings.profiles.join(", ");
            self.error(format!("no profile `{name}`; there are: {names}"));
            return Vec::new();
        };
        if name == self.settings.profile {
            self.info(format!("already on {name}"));
            return Vec::new();
        }
        if let Some(waiting) = self.outgoing_summary() {
            self.error(format!(
                "{waiting}: wait for it to go, or undo it, before switching"
            ));
            return Vec::new();
        }
        self.info(format!("opening {name}…"));
        vec![Effect::SwitchProfile { name }]
    }

    pub fn open_command_line(&mut self) {
        self.screen.push(Overlay::Command(CommandLine::default()));
    }

    /// The command line with a command begun, for the user to finish.
    pub fn open_command_line_with(&mut self, begun: &str) {
        let mut line = CommandLine::default();
        line.input.insert_str(begun);
        self.screen.push(Overlay::Command(line));
    }

    pub fn sort_message(&self) -> String {
        let direction = if self.queue.reversed {
            ", reversed"
        } else {
            ""
        };
        format!("sorted by {}{direction}", self.queue.sort.name())
    }

    fn open_by_id(&mut self, id: TicketId) -> Vec<Effect> {
        if let Some(i) = self
            .queue
            .visible
            .iter()
            .position(|&i| self.row_ticket(i).is_some_and(|t| t.id == id))
        {
            self.queue.cursor = i;
            self.clamp_cursor();
        }
        self.open_ticket(id)
    }

    /// Any action, wherever the keyboard is.
    pub fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return self.quit(),
            Action::Help => {
                self.screen.push(Overlay::Help { scroll: 0 });
                return Vec::new();
            }
            Action::Command => {
                self.open_command_line();
                return Vec::new();
            }
            Action::Undo => return self.undo(),
            Action::NewTicket => return self.open_intake(),
            Action::Dashboard => {
                self.open_dashboard();
                return Vec::new();
            }
            _ => {}
        }
        if let Some(effects) = self.work(action) {
            return effects;
        }
        if self.screen.ticket().is_some() {
            self.ticket_action(action)
        } else {
            self.queue_action(action)
        }
    }

    /// Quit, unless writes are still waiting: then send them and quit after.
    fn quit(&mut self) -> Vec<Effect> {
        if self.outbox.outgoing.is_empty() || self.outbox.quit_when_sent {
            self.should_quit = true;
            return self.autosave().into_iter().collect();
        }
        // Writes that cannot go now (offline, backing off, signed out): ask.
        let stuck = self.outbox.signed_out
            || self.settings.read_only.is_some()
            || matches!(self.connection, super::Connection::Offline(_))
            || self
                .outbox
                .outgoing
                .iter()
                .flat_map(|o| &o.items)
                .any(|i| i.attempts > 0 && !i.finished());
        if stuck {
            self.screen.push(Overlay::QuitPending);
            return Vec::new();
        }
        self.outbox.quit_when_sent = true;
        let tick = self.ticks;
        for outgoing in &mut self.outbox.outgoing {
            outgoing.send_at = outgoing.send_at.min(tick);
        }
        self.info("sending what is waiting, then quitting (q again quits at once)");
        let mut effects = self.pump();
        effects.extend(self.autosave());
        effects
    }

    fn queue_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.list_height().max(1) as isize;
        match action {
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-page),
            Action::PageDown => self.move_cursor(page),
            Action::Top => self.move_cursor(isize::MIN / 2),
            Action::Bottom => self.move_cursor(isize::MAX / 2),
            Action::Open => {
                if let Some(id) = self.selected().map(|t| t.id.clone()) {
                    return self.open_ticket(id);
                }
            }
            Action::MarkFlood => {
                let flood = self
                    .selected()
                    .and_then(|t| self.held.flood_of(&t.id))
                    .map(|f| f.tickets.clone());
                match flood {
                    Some(tickets) => {
                        let n = tickets.len();
                        self.marks.extend(tickets);
                        self.info(format!(
                            "the flood's {n} tickets marked: m applies a macro (its reply) to each"
                        ));
                    }
                    None => self.info("this ticket is not part of a flood (≋)"),
                }
            }
            Action::Mark => {
                if let Some(id) = self.selected().map(|t| t.id.clone())
                    && !self.marks.remove(&id)
                {
                    self.marks.insert(id);
                }
                self.move_cursor(1);
            }
            Action::Visual => match self.queue.visual.take() {
                None => self.queue.visual = Some(self.queue.cursor),
                Some(anchor) => {
                    self.queue.visual = Some(anchor);
                    let range = self.marked();
                    self.queue.visual = None;
                    self.marks.extend(range);
                }
            },
            Action::Filter => self.queue.filtering = true,
            Action::Clear => {
                if !self.marks.is_empty() || self.queue.visual.is_some() {
                    self.clear_marks();
                } else if self.queue.focus.is_some() {
                    self.queue.focus = None;
                    self.refilter();
                } else if !self.queue.filter.text().is_empty() {
                    self.queue.filter.clear();
                    self.refilter();
                } else if self.sections.get(self.section).is_some_and(|s| s.search) {
                    self.close_search();
                }
            }
            Action::NextSection => {
                let next = (self.section + 1) % self.sections.len().max(1);
                return self.select_section(next);
            }
            Action::PrevSection => {
                let count = self.sections.len().max(1);
                return self.select_section((self.section + count - 1) % count);
            }
            Action::Section(n) => return self.select_section(usize::from(n).saturating_sub(1)),
            Action::Search => {
                self.open_command_line_with("search ");
                return Vec::new();
            }
            Action::SortNext => {
                self.queue.sort = self.queue.sort.next();
                self.queue.reversed = false;
                self.resort();
                self.info(self.sort_message());
            }
            Action::SortReverse => {
                self.queue.reversed = !self.queue.reversed;
                self.resort();
                self.info(self.sort_message());
            }
            Action::Refresh => {
                let mut effects = self.begin_refresh();
                effects.extend(self.fetch_section());
                if effects.is_empty() {
                    self.info("a refresh is already on its way");
                }
                return effects;
            }
            _ => {}
        }
        Vec::new()
    }

    fn ticket_action(&mut self, action: Action) -> Vec<Effect> {
        let page = crate::layout::ticket::conversation_rows(self).max(1);
        let Some(view) = self.screen.ticket_mut() else {
            return Vec::new();
        };
        match action {
            Action::Up => view.scroll = view.scroll.saturating_sub(1),
            Action::Down => view.scroll += 1,
            Action::PageUp => view.scroll = view.scroll.saturating_sub(page),
            Action::PageDown => view.scroll += page,
            Action::Top => view.scroll = 0,
            Action::Bottom => view.scroll = usize::MAX / 2,
            Action::Back => {
                self.screen.show_queue();
                return Vec::new();
            }
            Action::ToggleQuotes => {
                self.toggle_quotes();
                return Vec::new();
            }
            Action::SaveAttachments => return self.save_attachments(),
            Action::Fields => return self.open_fields(),
            Action::ViewAttachment => return self.choose_attachment(),
            Action::History => return self.show_history(),
            Action::NextTicket | Action::PrevTicket => {
                let step = if action == Action::NextTicket { 1 } else { -1 };
                let before = self.queue.cursor;
                self.move_cursor(step);
                if self.queue.cursor != before
                    && let Some(id) = self.selected().map(|t| t.id.clone())
                {
                    return self.open_ticket(id);
                }
                return Vec::new();
            }
            Action::Refresh => {
                let mut effects = self.reload_ticket();
                effects.extend(self.begin_refresh());
                return effects;
            }
            _ => return Vec::new(),
        }
        self.clamp_ticket_scroll();
        Vec::new()
    }

    /// The `:` line, once Enter is pressed.
    pub fn submit_command(&mut self, text: &str) -> Vec<Effect> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        match command::parse(text) {
            Ok(command) => self.run_command(command),
            Err(message) => {
                self.error(message);
                Vec::new()
            }
        }
    }
}

/// "→ pending · me · Transportation": what a macro does besides its text.
fn describe_macro(m: &Macro) -> String {
    let mut parts = Vec::new();
    if m.internal && !m.body.is_empty() {
        parts.push("internal note".to_string());
    }
    if let Some(status) = m.status {
        parts.push(format!("→ {}", StatusKind::from(status).name()));
    }
    if let Some(priority) = m.priority {
        parts.push(format!("priority {}", PriorityLevel::from(priority).name()));
    }
    if let Some(owner) = &m.owner {
        parts.push(format!("owner {owner}"));
    }
    if let Some(queue) = &m.queue {
        parts.push(format!("queue {queue}"));
    }
    if parts.is_empty() {
        m.body.lines().next().unwrap_or("").to_string()
    } else {
        parts.join(" · ")
    }
}
