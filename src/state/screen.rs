//! What is on screen: one view (the queue, a ticket with its compose pane,
//! or the dashboard) and the overlays stacked on top of it. Key routing
//! ([`super::keys`]) and drawing (`ui::render`) both read this one value,
//! so a compose pane without its ticket, or a dashboard under a ticket,
//! cannot be written.

use super::command::CommandLine;
use super::compose::Compose;
use super::dash::DashView;
use super::input::LineInput;
use super::intake::IntakeForm;
use super::picker::Picker;
use super::ticket::TicketView;
use super::writes::{Confirm, Results};
use crate::desk::TicketId;

#[derive(Clone, Debug, Default)]
pub enum View {
    #[default]
    Queue,
    Ticket(Box<TicketScreen>),
    Dashboard(DashView),
    /// A new ticket being logged.
    Intake(Box<IntakeForm>),
}

/// A ticket, and the reply or note being written under it.
#[derive(Clone, Debug)]
pub struct TicketScreen {
    pub view: TicketView,
    pub compose: Option<Compose>,
}

#[derive(Clone, Debug)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Command(CommandLine),
    Picker(Picker),
    /// Asked before a write goes on top of someone else's change.
    Confirm(Box<Confirm>),
    /// How a bulk change went, ticket by ticket.
    Results(Results),
    /// What one of the user's background commands printed.
    Output {
        title: String,
        lines: Vec<String>,
        first: usize,
    },
    /// Writes not yet on the desk, and those it refused.
    Outbox {
        cursor: usize,
    },
    /// Quitting with writes that cannot go now.
    QuitPending,
    /// A new credential, typed without being shown.
    SignIn(LineInput),
    /// `:messages`, from the `first` newest on.
    Messages {
        first: usize,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Screen {
    view: View,
    /// The last is on top and takes the keys.
    overlays: Vec<Overlay>,
}

impl Screen {
    pub fn view(&self) -> &View {
        &self.view
    }

    /// Bottom first.
    pub fn overlays(&self) -> &[Overlay] {
        &self.overlays
    }

    pub fn show_queue(&mut self) {
        self.view = View::Queue;
    }

    /// A ticket in place of whatever view was showing; a pane open on
    /// another ticket is the caller's to keep (see [`Screen::take_compose`]).
    pub fn show_ticket(&mut self, view: TicketView) {
        self.view = View::Ticket(Box::new(TicketScreen {
            view,
            compose: None,
        }));
    }

    pub fn show_dashboard(&mut self) {
        self.view = View::Dashboard(DashView::default());
    }

    pub fn show_intake(&mut self, form: IntakeForm) {
        self.view = View::Intake(Box::new(form));
    }

    pub fn intake(&self) -> Option<&IntakeForm> {
        match &self.view {
            View::Intake(form) => Some(form),
            _ => None,
        }
    }

    pub fn intake_mut(&mut self) -> Option<&mut IntakeForm> {
        match &mut self.view {
            View::Intake(form) => Some(form),
            _ => None,
        }
    }

    pub fn ticket(&self) -> Option<&TicketView> {
        match &self.view {
            View::Ticket(screen) => Some(&screen.view),
            _ => None,
        }
    }

    pub fn ticket_mut(&mut self) -> Option<&mut TicketView> {
        match &mut self.view {
            View::Ticket(screen) => Some(&mut screen.view),
            _ => None,
        }
    }

    /// Whether `id` is the ticket on screen.
    pub fn showing(&self, id: &TicketId) -> bool {
        self.ticket().is_some_and(|v| v.id == *id)
    }

    pub fn compose(&self) -> Option<&Compose> {
        match &self.view {
            View::Ticket(screen) => screen.compose.as_ref(),
            _ => None,
        }
    }

    pub fn compose_mut(&mut self) -> Option<&mut Compose> {
        match &mut self.view {
            View::Ticket(screen) => screen.compose.as_mut(),
            _ => None,
        }
    }

    pub fn take_compose(&mut self) -> Option<Compose> {
        match &mut self.view {
            View::Ticket(screen) => screen.compose.take(),
            _ => None,
        }
    }

    /// The pane under its own ticket, when that ticket is on screen with
    /// no other pane open; otherwise it is dropped (its draft holds the
    /// text) and this says so.
    #[must_use]
    pub fn put_compose(&mut self, compose: Compose) -> bool {
        match &mut self.view {
            View::Ticket(screen)
                if screen.view.id == compose.ticket && screen.compose.is_none() =>
            {
                screen.compose = Some(compose);
                true
            }
            _ => false,
        }
    }

    pub fn dash(&self) -> Option<&DashView> {
        match &self.view {
            View::Dashboard(view) => Some(view),
            _ => None,
        }
    }

    pub fn dash_mut(&mut self) -> Option<&mut DashView> {
        match &mut self.view {
            View::Dashboard(view) => Some(view),
            _ => None,
        }
    }

    /// The overlay on top, which takes the keys.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    pub fn overlay_mut(&mut self) -> Option<&mut Overlay> {
        self.overlays.last_mut()
    }

    pub fn push(&mut self, overlay: Overlay) {
        self.overlays.push(overlay);
    }

    /// Close the overlay on top; the one under it (if any) takes the keys.
    pub fn close(&mut self) -> Option<Overlay> {
        self.overlays.pop()
    }

    /// The overlay on top in place of itself (a help page scrolled).
    pub fn replace(&mut self, overlay: Overlay) {
        self.overlays.pop();
        self.overlays.push(overlay);
    }

    /// Whether the compose pane takes the keys (nothing on top of it).
    pub fn composing(&self) -> bool {
        self.overlays.is_empty() && self.compose().is_some()
    }

    /// Whether an overlay of this kind is open anywhere in the stack.
    pub fn has(&self, is: impl Fn(&Overlay) -> bool) -> bool {
        self.overlays.iter().any(is)
    }

    /// Close every overlay of this kind.
    pub fn close_all(&mut self, is: impl Fn(&Overlay) -> bool) {
        self.overlays.retain(|o| !is(o));
    }
}
