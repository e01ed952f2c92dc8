//! What a failed write does next, one policy for the console's outbox and
//! the command line. It reads the error's kind, never its words: whether the
//! request can have reached the desk is told by the transport
//! ([`DeskError::NotSent`] when the connection was never made).

use std::hash::{Hash, Hasher};
use std::time::Duration;

use super::DeskError;

/// How a failed try goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Try again later; `uncertain` when it may have reached the desk, so
    /// it is looked for there before it is sent again.
    Retry {
        uncertain: bool,
        after: Option<Duration>,
    },
    /// The credential was refused: wait for the user to sign in again.
    SignIn,
    /// Refused for good: no retry mends it.
    Reject,
}

pub fn next_after(e: &DeskError) -> Next {
    let retry = |uncertain| Next::Retry {
        uncertain,
        after: None,
    };
    match e {
        DeskError::RateLimited { retry_after } => Next::Retry {
            uncertain: false,
            after: *retry_after,
        },
        DeskError::NotSent(_) => retry(false),
        // The connection was made: the write may have landed, and garbage,
        // HTML or an oversized answer may follow one that did.
        DeskError::Unreachable(_) | DeskError::Protocol(_) => retry(true),
        DeskError::Server { status, .. } if *status >= 500 => retry(true),
        DeskError::Auth => Next::SignIn,
        _ => Next::Reject,
    }
}

/// Pauses that double from `first` up to `most`, each a quarter shorter or
/// longer (by the write's key), so that many writes do not all come back at
/// once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub most: Duration,
}

impl Backoff {
    /// The console's outbox: 2 s, 4 s, 8 s … up to five minutes.
    pub const OUTBOX: Backoff = Backoff {
        first: Duration::from_secs(2),
        most: Duration::from_secs(300),
    };

    /// The pause after `attempts` failed tries of the write named `key`.
    pub fn pause(&self, attempts: u32, key: &str) -> Duration {
        let doubled = self
            .first
            .saturating_mul(1 << attempts.saturating_sub(1).min(16));
        let base = doubled.min(self.most);
        let mut hasher = std::hash::DefaultHasher::new();
        (key, attempts).hash(&mut hasher);
        let spread = (hasher.finish() % 501) as f64 / 1000.0 + 0.75;
        base.mul_f64(spread)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whether_a_write_may_have_landed_is_told_by_its_kind() {
        let retry = |uncertain| Next::Retry {
            uncertain,
            after: None,
        };
        // Never connected, whatever the words say.
        assert_eq!(
            next_after(&DeskError::NotSent("tcp connect error".into())),
            retry(false)
        );
        // Connected, whatever the words say ("connection refused" by a proxy).
        assert_eq!(
            next_after(&DeskError::Unreachable("connection refused".into())),
            retry(true)
        );
        assert_eq!(
            next_after(&DeskError::Server {
                status: 503,
                message: String::new()
            }),
            retry(true)
        );
        assert_eq!(next_after(&DeskError::Auth), Next::SignIn);
        assert_eq!(
            next_after(&DeskError::Config("no scheme".into())),
            Next::Reject
        );
        assert_eq!(
            next_after(&DeskError::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }),
            Next::Retry {
                uncertain: false,
                after: Some(Duration::from_secs(7))
            }
        );
    }

    #[test]
    fn pauses_double_within_a_quarter_up_to_the_most() {
        let policy = Backoff::OUTBOX;
        for attempts in 1..12 {
            let pause = policy.pause(attempts, "k").as_secs_f64();
            let base = (2.0 * 2f64.powi(attempts as i32 - 1)).min(300.0);
            assert!(
                (base * 0.75..=base * 1.25).contains(&pause),
                "{attempts}: {pause}"
            );
        }
        assert_eq!(policy.pause(3, "k"), policy.pause(3, "k"), "repeatable");
    }
}
