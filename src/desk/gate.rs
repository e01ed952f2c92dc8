//! The one check every write passes before anything leaves for the desk,
//! in the console (its outbox: a reply, a bulk change, a macro, a retry or
//! edit from `:outbox`, a write restored at start) and on the command line
//! alike. A closed gate sends nothing; the write stays where it is.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closed {
    /// Writes are off: why (a read-only profile, `--read-only`).
    ReadOnly(String),
    /// The desk refused the credential: writes wait for a new one.
    SignedOut,
}

/// Whether a write may leave now.
pub fn check(read_only: Option<&str>, signed_out: bool) -> Result<(), Closed> {
    match (read_only, signed_out) {
        (Some(why), _) => Err(Closed::ReadOnly(why.to_string())),
        (None, true) => Err(Closed::SignedOut),
        (None, false) => Ok(()),
    }
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Closed::ReadOnly(why) => write!(f, "nothing was sent: {why}"),
            Closed::SignedOut => f.write_str("nothing was sent: the desk refused the credential"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_closes_before_anything_else() {
        assert_eq!(check(None, false), Ok(()));
        assert_eq!(check(None, true), Err(Closed::SignedOut));
        assert_eq!(
            check(Some("--read-only"), true),
            Err(Closed::ReadOnly("--read-only".into()))
        );
    }
}
