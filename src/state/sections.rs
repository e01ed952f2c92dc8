//! Section tabs: the standard ones (All, Mine, Unassigned, one per queue),
//! the user's own from config.toml, and a search of the whole desk. A
//! section over active tickets is worked out from the tickets held; one
//! that asks for finished tickets, and every search, is fetched from the
//! desk (the console holds only the active ones).

use jiff::Timestamp;

use super::queue::SortKey;
use super::screen::View;
use super::{Effect, State};
use crate::desk::query::text::{self, Terms};
use crate::desk::{DeskError, OwnerFilter, Query, Queue, TicketSummary};
use crate::sla::engine::Facts;

/// The most tickets a fetched section or search reads: enough to work
/// through, few enough to come in a few pages.
pub const FETCH_LIMIT: usize = 500;

/// A column of the queue's table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Sla,
    Priority,
    Id,
    Status,
    Subject,
    Requester,
    Channel,
    Queue,
    Owner,
    Created,
    Updated,
    Tags,
    /// A custom field, by name.
    Field(String),
}

impl Column {
    /// The names config.toml knows, but for `field:NAME`.
    pub const NAMES: [&'static str; 12] = [
        "sla",
        "priority",
        "id",
        "status",
        "subject",
        "requester",
        "channel",
        "queue",
        "owner",
        "created",
        "updated",
        "tags",
    ];

    pub fn parse(name: &str) -> Result<Self, String> {
        if let Some(field) = name.strip_prefix("field:") {
            return match field.trim() {
                "" => Err("field: needs the field's name (field:School)".into()),
                field => Ok(Column::Field(field.to_string())),
            };
        }
        Ok(match name.to_lowercase().as_str() {
            "sla" => Column::Sla,
            "priority" => Column::Priority,
            "id" => Column::Id,
            "status" => Column::Status,
            "subject" => Column::Subject,
            "requester" => Column::Requester,
            "channel" => Column::Channel,
            "queue" => Column::Queue,
            "owner" => Column::Owner,
            "created" => Column::Created,
            "updated" => Column::Updated,
            "tags" => Column::Tags,
            _ => {
                return Err(format!(
                    "no column “{name}”; there are {}, and field:NAME",
                    Column::NAMES.join(", ")
                ));
            }
        })
    }
}

/// A section as config.toml defines it.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionSpec {
    pub name: String,
    pub terms: Terms,
    pub sort: Option<SortKey>,
    pub columns: Option<Vec<Column>>,
}

/// The user's sections and whether the standard ones stay.
#[derive(Clone, Debug, PartialEq)]
pub struct Sections {
    pub specs: Vec<SectionSpec>,
    /// All, Mine, Unassigned and one per queue, before the user's.
    pub standard: bool,
}

impl Default for Sections {
    fn default() -> Self {
        Self {
            specs: Vec::new(),
            standard: true,
        }
    }
}

impl Sections {
    /// Whether a section shows a custom field (a desk may list them only
    /// when asked, as they cost time).
    pub fn show_fields(&self) -> bool {
        self.specs.iter().any(|s| {
            s.columns
                .iter()
                .flatten()
                .any(|c| matches!(c, Column::Field(_)))
        })
    }
}

/// A tab: a named query, over the held tickets or fetched from the desk.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub name: String,
    pub query: Query,
    /// As written (the user's sections, a search): resolved again when the
    /// desk's queues and agents come, and as time moves relative ages on.
    pub terms: Option<Terms>,
    pub count: usize,
    pub sort: Option<SortKey>,
    pub columns: Option<Vec<Column>>,
    /// Fetched from the desk rather than worked out from the held tickets.
    pub fetched: Option<Fetched>,
    /// A search: one at a time, closed with Esc.
    pub search: bool,
    /// Why the query could not be resolved (a queue the desk does not have).
    pub problem: Option<String>,
}

/// A fetched section's tickets and how the fetch went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    pub tickets: Vec<TicketSummary>,
    /// The fetch awaited, if one is on its way.
    pub request: Option<u64>,
    /// When the tickets were fetched.
    pub at: Option<Timestamp>,
    /// What the status line says of the last fetch (more than shown, failed).
    pub note: Option<String>,
}

impl Section {
    pub fn new(name: &str, query: Query) -> Self {
        Self {
            name: name.to_string(),
            query,
            terms: None,
            count: 0,
            sort: None,
            columns: None,
            fetched: None,
            search: false,
            problem: None,
        }
    }

    /// A section of terms, its query still to be resolved ([`Section::resolve`]);
    /// one asking for finished tickets is fetched from the desk.
    fn from_terms(name: &str, terms: Terms) -> Self {
        let mut section = Self::new(name, Query::active());
        if terms.asks_finished() {
            section.fetched = Some(Fetched::default());
        }
        section.terms = Some(terms);
        section
    }

    /// The query again from its terms.
    pub fn resolve(&mut self, context: &text::Context<'_>) {
        let Some(terms) = &self.terms else {
            return;
        };
        match terms.resolve(context) {
            Ok(query) => {
                self.query = query;
                self.problem = None;
            }
            Err(why) => self.problem = Some(why),
        }
    }
}

/// The tabs: the standard ones and the desk's views (unless turned off),
/// then the user's, whose terms are resolved by the caller (it knows the
/// agents and the time).
pub fn sections_for(
    queues: &[Queue],
    views: &[crate::desk::View],
    sections: &Sections,
) -> Vec<Section> {
    let mut tabs = Vec::new();
    if sections.standard || sections.specs.is_empty() {
        tabs.extend(standard(queues));
        tabs.extend(views.iter().map(|v| {
            let mut section = Section::new(
                v.name.as_str(),
                Query {
                    view: Some(v.id.clone()),
                    ..Query::default()
                },
            );
            // The desk knows what is in its view.
            section.fetched = Some(Fetched::default());
            section
        }));
    }
    for spec in &sections.specs {
        let mut section = Section::from_terms(&spec.name, spec.terms.clone());
        section.sort = spec.sort;
        section.columns = spec.columns.clone();
        tabs.push(section);
    }
    tabs
}

fn standard(queues: &[Queue]) -> Vec<Section> {
    let mut sections = vec![
        Section::new("All", Query::active()),
        Section::new(
            "Mine",
            Query {
                owner: OwnerFilter::Me,
                ..Query::active()
            },
        ),
        Section::new(
            "Unassigned",
            Query {
                owner: OwnerFilter::Nobody,
                ..Query::active()
            },
        ),
    ];
    sections.extend(queues.iter().map(|q| {
        Section::new(
            &q.name,
            Query {
                queue: Some(q.id.clone()),
                ..Query::active()
            },
        )
    }));
    sections
}

impl State {
    /// Resolve sections' terms against the desk's names and the time now.
    fn resolve_each(&self, sections: &mut [Section], only: impl Fn(&Section) -> bool) -> bool {
        let context = text::Context {
            queues: &self.queues,
            agents: &self.agents,
            now: self.now,
            time_zone: &self.settings.time_zone,
        };
        let mut any = false;
        for section in sections.iter_mut().filter(|s| only(s)) {
            section.resolve(&context);
            any = true;
        }
        any
    }

    /// Each tab's label: its name and count (`…` for a fetched one the
    /// desk has not answered yet).
    pub fn tab_labels(&self) -> Vec<String> {
        self.sections
            .iter()
            .map(|s| match &s.fetched {
                Some(f) if f.at.is_none() => format!(" {} … ", s.name),
                _ => format!(" {} {} ", s.name, s.count),
            })
            .collect()
    }

    /// The tabs again from the desk's queues and the config, keeping the
    /// tab in view and the search.
    pub(crate) fn rebuild_sections(&mut self) {
        let current = self.sections.get(self.section).map(|s| s.name.clone());
        let search = self.sections.iter().find(|s| s.search).cloned();
        let mut sections = sections_for(&self.queues, &self.views, &self.settings.sections);
        self.resolve_each(&mut sections, |_| true);
        sections.extend(search);
        self.sections = sections;
        self.section = current
            .and_then(|name| self.sections.iter().position(|s| s.name == name))
            .unwrap_or(0);
    }

    /// Relative ages ("updated:<2h") moved on with the clock: held sections
    /// are counted again with their new bounds.
    pub(crate) fn reresolve_sections(&mut self) {
        let mut sections = std::mem::take(&mut self.sections);
        let changed = self.resolve_each(&mut sections, |s| {
            s.terms.as_ref().is_some_and(Terms::is_relative)
        });
        self.sections = sections;
        if changed {
            self.recount();
        }
    }

    /// Whether a held ticket belongs to a section worked out from the
    /// held tickets.
    pub(crate) fn section_holds(&self, section: &Section, t: &TicketSummary) -> bool {
        let me = self.me.as_ref().map(|m| &m.id);
        section.fetched.is_none()
            && section.problem.is_none()
            && section.query.matches_fields(t, me)
            && section
                .query
                .sla_matches(t, self.now, &self.settings.thresholds)
    }

    /// Fetch the section in view from the desk, when it is fetched and
    /// not already on its way.
    pub(crate) fn fetch_section(&mut self) -> Vec<Effect> {
        let request = self.request_id();
        let Some(section) = self.sections.get_mut(self.section) else {
            return Vec::new();
        };
        // Said when the tab is shown ([`State::select_section`]).
        if section.problem.is_some() {
            return Vec::new();
        }
        let Some(fetched) = section.fetched.as_mut() else {
            return Vec::new();
        };
        if fetched.request.is_some() {
            return Vec::new();
        }
        fetched.request = Some(request);
        vec![Effect::Find {
            request,
            query: section.query.clone(),
            limit: FETCH_LIMIT,
        }]
    }

    /// A fetched section in view is fetched again each minute (or on the
    /// refresh's beat, when slower): a search may read the whole desk.
    pub(crate) fn refetch_due(&mut self) -> Vec<Effect> {
        let every = jiff::SignedDuration::from_secs(i64::from(self.settings.refresh_every).max(60));
        let due = self
            .sections
            .get(self.section)
            .and_then(|s| s.fetched.as_ref())
            .is_some_and(|f| f.at.is_none_or(|at| self.now.duration_since(at) >= every));
        if due && matches!(self.screen.view(), View::Queue) {
            return self.fetch_section();
        }
        Vec::new()
    }

    /// `:search QUERY`: the query on the whole desk, every status unless it
    /// says, as a tab of its own in place of the last search.
    pub fn search(&mut self, text: &str) -> Vec<Effect> {
        let terms = match text::parse(text) {
            Ok(terms) => terms,
            Err(e) => {
                let column = text[..e.at.min(text.len())].chars().count() + 1;
                self.error(format!("search: {e} (at column {column})"));
                return Vec::new();
            }
        };
        // A search looks in every status unless it names some.
        let mut terms = terms;
        if !terms.0.iter().any(|t| matches!(t, text::Term::Status(_))) {
            terms
                .0
                .insert(0, text::Term::Status(vec![text::StatusWord::Any]));
        }
        let mut section = Section::from_terms(&format!("Search: {text}"), terms);
        section.search = true;
        // Found in every status: the status says which are done.
        section.columns = Some(vec![
            Column::Sla,
            Column::Id,
            Column::Status,
            Column::Subject,
            Column::Requester,
            Column::Updated,
            Column::Queue,
            Column::Owner,
        ]);
        self.resolve_each(std::slice::from_mut(&mut section), |_| true);
        if let Some(problem) = section.problem {
            self.error(format!("search: {problem}"));
            return Vec::new();
        }
        self.close_search();
        self.sections.push(section);
        self.screen.show_queue();
        let mut effects = self.select_section(self.sections.len() - 1);
        if effects.is_empty() {
            effects = self.fetch_section();
        }
        effects
    }

    /// Take the search's tab away, going back to the first tab if it was
    /// in view.
    pub(crate) fn close_search(&mut self) -> bool {
        let Some(at) = self.sections.iter().position(|s| s.search) else {
            return false;
        };
        self.sections.remove(at);
        if self.section >= at {
            self.section = 0;
            self.queue.cursor = 0;
            self.queue.offset = 0;
            self.refilter();
        }
        true
    }

    /// A fetch answered: the tickets with their clocks filled in, shown
    /// when the section is in view.
    pub(crate) fn on_found(
        &mut self,
        request: u64,
        result: Result<(Vec<TicketSummary>, Option<String>), DeskError>,
    ) {
        let engine = self.settings.sla.clone();
        let now = self.now;
        let thresholds = self.settings.thresholds;
        let server_search = self.settings.server_search;
        let Some(at) = self.sections.iter().position(|s| {
            s.fetched
                .as_ref()
                .is_some_and(|f| f.request == Some(request))
        }) else {
            return;
        };
        let section = &mut self.sections[at];
        let Some(fetched) = section.fetched.as_mut() else {
            return;
        };
        fetched.request = None;
        // Said when first found, and again only when something changed.
        let (first, before, old_note) = (
            fetched.at.is_none(),
            fetched.tickets.len(),
            fetched.note.take(),
        );
        fetched.at = Some(now);
        let message = match result {
            Ok((mut tickets, stopped)) => {
                for t in &mut tickets {
                    engine.fill(t, &Facts::from_summary(t));
                }
                tickets.retain(|t| section.query.sla_matches(t, now, &thresholds));
                let how = if server_search {
                    "searched on the desk"
                } else {
                    "the desk cannot search: read every ticket and searched here"
                };
                let found = tickets.len();
                fetched.tickets = tickets;
                section.count = found;
                fetched.note = match stopped {
                    Some(why) => Some(format!("{found} shown ({why})")),
                    None if found >= FETCH_LIMIT => Some(format!(
                        "the first {FETCH_LIMIT} shown; narrow the query for the rest"
                    )),
                    None => None,
                };
                let more = fetched
                    .note
                    .clone()
                    .map(|n| format!(" · {n}"))
                    .unwrap_or_default();
                let said = match section.search {
                    true => Some(format!("{found} found, {how}{more}")),
                    false => fetched.note.clone(),
                };
                let news = first || found != before || fetched.note != old_note;
                said.filter(|_| news).map(Ok)
            }
            Err(e) => {
                tracing::warn!(error = %e, "fetching a section");
                let why = format!("{}: could not be fetched ({})", section.name, e.short());
                fetched.note = Some(why.clone());
                Some(Err(why))
            }
        };
        match message {
            Some(Ok(text)) => self.info(text),
            Some(Err(text)) => self.error(text),
            None => {}
        }
        if at == self.section {
            self.refilter();
        }
    }
}
