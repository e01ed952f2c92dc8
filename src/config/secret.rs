//! A credential in memory: it never prints, in Debug or Display, so it cannot
//! end up in a log line, an error message or a crash report.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `DESKTERM_TOKEN`, when set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var("DESKTERM_TOKEN")
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .map(Self)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let secret = Secret::new("1-35-aa7cece2277f16dda3ba6d3aa7896cba");
        assert_eq!(format!("{secret:?}"), "Secret(…)");
        assert!(!format!("{:?}", Some(&secret)).contains("aa7c"));
    }
}
