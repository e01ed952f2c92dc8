//! The dashboard as a view: which figure is chosen and which page is shown.
//! Its figures are read out of the running tally on the next tick after
//! tickets change or the at-risk recount (every 5 s) moves; never from the
//! desk, only from what the console holds.

use jiff::SignedDuration;

use super::{Effect, State};
use crate::action::Action;
use crate::dashboard::{Focus, HISTORY_DAYS};
use crate::desk::{Query, StatusKind};
use crate::layout;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DashView {
    /// The chosen figure, among every page's.
    pub cursor: usize,
    pub page: usize,
}

impl State {
    pub fn open_dashboard(&mut self) {
        if self.screen.compose().is_some() {
            self.error("close the open reply first (esc keeps it as a draft)");
            return;
        }
        self.screen.show_dashboard();
        self.compute_dashboard();
    }

    pub(crate) fn compute_dashboard(&mut self) {
        let tickets = &self.held.tickets;
        self.dashboard = self
            .held
            .tally
            .figures(self.now, &self.held.slipping, |n| tickets.by_number(n));
        self.held.changed = false;
    }

    /// On a tick: the figures again if tickets or levels changed.
    pub(crate) fn refresh_dashboard(&mut self) {
        if self.screen.dash().is_some() && self.held.changed {
            self.compute_dashboard();
        }
    }

    /// Tickets finished in the last 30 days, for the flows and medians:
    /// asked once, after the first load; refreshes keep them up to date.
    pub(crate) fn load_finished(&mut self) -> Effect {
        let request = self.request_id();
        self.schedule.finished = Some(request);
        Effect::Refresh {
            request,
            query: Query {
                statuses: vec![StatusKind::Resolved, StatusKind::Closed],
                ..Query::default()
            },
            since: self.now - SignedDuration::from_hours(HISTORY_DAYS * 24),
        }
    }

    /// An action on the dashboard; those it does not take (help, the
    /// command line, undo, quit) are everyone's.
    pub(crate) fn dash_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(mut view) = self.screen.dash().copied() else {
            return Vec::new();
        };
        let items = layout::dash::items(self);
        let pages = items.last().map_or(1, |(page, _, _)| page + 1);
        let first_on = |page: usize| items.iter().position(|(p, _, _)| *p == page);
        match action {
            Action::Back => {
                self.screen.show_queue();
                return Vec::new();
            }
            Action::Down => {
                view.cursor = (view.cursor + 1).min(items.len().saturating_sub(1));
            }
            Action::Up => view.cursor = view.cursor.saturating_sub(1),
            Action::NextPage => {
                view.page = (view.page + 1) % pages.max(1);
                view.cursor = first_on(view.page).unwrap_or(view.cursor);
            }
            Action::PrevPage => {
                view.page = (view.page + pages.max(1) - 1) % pages.max(1);
                view.cursor = first_on(view.page).unwrap_or(view.cursor);
            }
            Action::Open => {
                if let Some((_, _, focus)) = items.get(view.cursor).cloned() {
                    return self.follow(focus);
                }
            }
            Action::Help | Action::Command | Action::Undo | Action::Quit => {
                return self.act(action);
            }
            _ => {}
        }
        // The page follows the chosen figure.
        if let Some((page, _, _)) = items.get(view.cursor) {
            view.page = *page;
        }
        if let Some(shown) = self.screen.dash_mut() {
            *shown = view;
        }
        Vec::new()
    }

    /// Enter on a figure: the queue narrowed to it, or the ticket itself.
    fn follow(&mut self, focus: Focus) -> Vec<Effect> {
        self.screen.show_queue();
        if let Focus::Ticket(id) = focus {
            return self.open_ticket(id);
        }
        let label = self.focus_label(&focus);
        // A fetched first tab is fetched on the next tick.
        let _ = self.select_section(0);
        self.queue.focus = Some((focus, label.clone()));
        self.queue.cursor = 0;
        self.refilter();
        self.info(format!("showing {label}; esc shows everything again"));
        Vec::new()
    }

    fn focus_label(&self, focus: &Focus) -> String {
        let queue = |id: &crate::desk::QueueId| {
            self.queues
                .iter()
                .find(|q| q.id == *id)
                .map_or_else(|| id.0.to_string(), |q| q.name.to_string())
        };
        match focus {
            Focus::Queue(q) => format!("open in {}", queue(q)),
            Focus::Channel(c) => format!("open by {}", c.name()),
            Focus::Slipping(q) => format!("at risk or breached in {}", queue(q)),
            Focus::Agent(a) => format!(
                "open with {}",
                self.agents
                    .iter()
                    .find(|x| x.id == *a)
                    .map_or_else(|| a.0.to_string(), |x| x.name.to_string())
            ),
            Focus::Role(r) => format!("open from {}", r.name()),
            Focus::Ticket(id) => format!("#{}", id.0),
        }
    }
}
