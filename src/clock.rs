//! Where "now" comes from. `DESKTERM_NOW` pins it, so SLA maths and screens
//! are reproducible in tests and screenshots.

use jiff::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(Timestamp),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(at) => *at,
        }
    }

    /// `DESKTERM_NOW` (RFC 3339) when set, else the system clock.
    pub fn from_env() -> anyhow::Result<Self> {
        match std::env::var("DESKTERM_NOW") {
            Ok(text) if !text.trim().is_empty() => {
                let at: Timestamp = text.trim().parse().map_err(|e| {
                    anyhow::anyhow!(
                        "DESKTERM_NOW={text:?} is not an RFC 3339 instant \
                         such as 2026-03-02T09:30:00Z: {e}"
                    )
                })?;
                Ok(Clock::Fixed(at))
            }
            _ => Ok(Clock::System),
        }
    }
}
