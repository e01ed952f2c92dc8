//! The only door to a service desk.
//!
//! [`Desk`] is one async trait; each backend lives in its own folder and maps
//! its server's quirks into the backend-neutral [`model`]. The console, the
//! commands and the conformance tests speak to `dyn Desk` and nothing else.

pub mod demo;
pub mod model;
pub mod query;
pub mod rt;

use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;

pub use model::*;
pub use query::{OwnerFilter, Page, PageRequest, Query};

#[async_trait]
pub trait Desk: Send + Sync {
    fn capabilities(&self) -> &Capabilities;

    /// The signed-in agent.
    async fn me(&self) -> Result<Agent, DeskError>;

    async fn queues(&self) -> Result<Vec<Queue>, DeskError>;

    async fn agents(&self) -> Result<Vec<Agent>, DeskError>;

    async fn search(
        &self,
        query: &Query,
        page: PageRequest,
    ) -> Result<Page<TicketSummary>, DeskError>;

    /// Tickets matching `query` updated at or after `since`: an incremental refresh.
    async fn changed_since(
        &self,
        query: &Query,
        since: Timestamp,
    ) -> Result<Vec<TicketSummary>, DeskError>;

    /// One ticket with its whole conversation.
    async fn ticket(&self, id: &TicketId) -> Result<TicketDetail, DeskError>;

    /// One write, based on the version the user saw; a newer version on the
    /// server is reported as [`DeskError::Conflict`], never overwritten.
    async fn apply(
        &self,
        id: &TicketId,
        based_on: &Version,
        change: &Change,
    ) -> Result<Applied, DeskError>;
}

/// What went wrong, phrased as what the user can do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeskError {
    #[error("not signed in, or the credential was refused: sign in again")]
    Auth,
    #[error("not allowed: this needs the {need} right")]
    Forbidden { need: String },
    #[error("not found on the desk")]
    NotFound,
    #[error("someone else changed this ticket first (now at version {})", now.0)]
    Conflict { now: Version },
    #[error("the desk asked us to slow down{}", retry_after.map(|d| format!("; retrying in {}s", d.as_secs())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },
    #[error("cannot reach the desk: {0}")]
    Unreachable(String),
    #[error("the desk answered {status}: {message}")]
    Server { status: u16, message: String },
    #[error("the desk sent something unexpected: {0}")]
    Protocol(String),
    #[error("the desk refused: {0}")]
    Rejected(String),
    #[error("this desk cannot {0}")]
    Unsupported(&'static str),
}
