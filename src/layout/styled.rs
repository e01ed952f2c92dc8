//! Text with a theme role per span, not yet a style: what the ticket
//! header, the help and the dashboard's panels say, worked out where their
//! rows can be counted without drawing them. ui gives each role its style.

use crate::config::theme::Role;
use crate::desk::{PriorityLevel, StatusKind};
use crate::sla::Level;

/// A run of text and the role it is drawn in; none keeps the style under it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub role: Option<Role>,
}

impl Span {
    pub fn new(text: impl Into<String>, role: Role) -> Self {
        Self {
            text: text.into(),
            role: Some(role),
        }
    }

    /// Text in no role of its own, as a gap between fields.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            role: None,
        }
    }
}

/// One row of text; an empty one is a blank row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub spans: Vec<Span>,
}

impl From<Span> for Line {
    fn from(span: Span) -> Self {
        Self { spans: vec![span] }
    }
}

impl From<Vec<Span>> for Line {
    fn from(spans: Vec<Span>) -> Self {
        Self { spans }
    }
}

pub fn level_role(level: Option<Level>) -> Role {
    match level {
        Some(Level::Breached) => Role::SlaBreached,
        Some(Level::Alert) => Role::SlaAlert,
        Some(Level::Warn) => Role::SlaWarn,
        Some(Level::Paused) => Role::SlaPaused,
        Some(Level::Ok) => Role::SlaOk,
        Some(Level::Met) | None => Role::SlaMet,
    }
}

pub fn priority_role(level: PriorityLevel) -> Role {
    match level {
        PriorityLevel::Low => Role::PriorityLow,
        PriorityLevel::Normal => Role::PriorityNormal,
        PriorityLevel::High => Role::PriorityHigh,
        PriorityLevel::Urgent => Role::PriorityUrgent,
    }
}

pub fn status_role(status: StatusKind) -> Role {
    match status {
        StatusKind::New => Role::StatusNew,
        StatusKind::Open => Role::StatusOpen,
        StatusKind::Pending => Role::StatusPending,
        StatusKind::Resolved | StatusKind::Closed => Role::StatusDone,
    }
}
