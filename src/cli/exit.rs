//! Exit codes a script can rely on, and the one error type every command
//! returns: a code and a sentence for stderr.

use std::fmt;
use std::process::ExitCode;

use crate::desk::DeskError;

/// What a script can tell apart. Documented in the README; never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// A mistake in the command line, the config, or the request itself.
    Usage = 1,
    /// No such ticket, agent, queue or status.
    NotFound = 2,
    /// The ticket changed since the version the write was based on.
    Conflict = 3,
    /// The desk refused the credential, or the right is missing.
    Auth = 4,
    /// The desk could not be reached or did not answer sensibly.
    Network = 5,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Exit::NotFound, message)
    }

    /// The same failure, with more said after.
    pub fn about_then(self, more: &str) -> Self {
        Self {
            message: format!("{}{more}", self.message),
            ..self
        }
    }

    /// The same failure, saying what it was about first.
    pub fn about(self, what: &str) -> Self {
        Self {
            message: format!("{what}: {}", self.message),
            ..self
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Self {
        let exit = match &e {
            DeskError::Auth | DeskError::Forbidden { .. } => Exit::Auth,
            DeskError::NotFound => Exit::NotFound,
            DeskError::Conflict { .. } => Exit::Conflict,
            DeskError::RateLimited { .. }
            | DeskError::Unreachable(_)
            | DeskError::NotSent(_)
            | DeskError::Server { .. }
            | DeskError::Protocol(_) => Exit::Network,
            DeskError::Rejected(_) | DeskError::Unsupported(_) | DeskError::Config(_) => {
                Exit::Usage
            }
        };
        Self::new(exit, e.to_string())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        // A desk's refusal keeps its exit code, whatever words it is told in.
        if let Some(told) = e.downcast_ref::<crate::desk::Explained>() {
            return Self::new(Self::from(told.error.clone()).exit, told.message.clone());
        }
        Self::usage(format!("{e:#}"))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::usage(e.to_string())
    }
}
