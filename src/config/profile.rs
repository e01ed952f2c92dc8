//! Profiles: which desk to open, where it is, and who signs in.
//!
//! ```toml
//! default_profile = "district"
//!
//! [profiles.district]
//! backend = "rt"
//! url = "https://rt.example.org"
//! user = "alice"
//! ```
//!
//! With no profile configured, the console opens the demo desk.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::Config;
use super::secret::Secret;
use crate::desk::RequesterRole;
use crate::desk::rt::RtSettings;
use crate::desk::rt::client::Auth;

/// The name the built-in demo desk answers to.
pub const DEMO: &str = "demo";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Demo,
    Rt,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    /// An RT auth token (RT: Logged in as → Settings → Auth Tokens).
    #[default]
    Token,
    /// The user's password, sent as HTTP basic auth.
    Basic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    Staff,
    Student,
    Parent,
    Community,
}

impl From<RoleName> for RequesterRole {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Staff => RequesterRole::Staff,
            RoleName::Student => RequesterRole::Student,
            RoleName::Parent => RequesterRole::Parent,
            RoleName::Community => RequesterRole::Community,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub backend: Backend,
    /// The desk's address, e.g. `https://rt.example.org`.
    pub url: Option<String>,
    /// The user deskterm signs in as.
    pub user: Option<String>,
    #[serde(default)]
    pub auth: AuthKind,
    /// Seconds between refreshes on this desk.
    pub refresh_seconds: Option<u32>,
    /// Seconds before a request is given up.
    pub timeout_seconds: Option<u64>,
    /// A ticket custom field that holds the channel (web, email, phone, ...).
    pub channel_field: Option<String>,
    /// Email domain → requester role, e.g. `"students.pvusd.org" = "student"`.
    #[serde(default)]
    pub requester_roles: BTreeMap<String, RoleName>,
}

/// The desk a profile opens, with what it needs.
#[derive(Clone, Debug)]
pub enum Target {
    Demo,
    Rt(Box<RtSettings>),
}

#[derive(Clone, Debug)]
pub struct Selected {
    pub name: String,
    pub target: Target,
    pub refresh_seconds: Option<u32>,
}

/// Check a profile for what its backend needs; the problems, in words.
pub fn problems(name: &str, profile: &Profile) -> Vec<String> {
    let mut problems = Vec::new();
    if profile.backend == Backend::Rt {
        for (key, value) in [("url", &profile.url), ("user", &profile.user)] {
            if value.as_deref().is_none_or(str::is_empty) {
                problems.push(format!("profile `{name}`: backend \"rt\" needs `{key}`"));
            }
        }
    }
    problems
}

/// The profile to open: `--profile`, else `default_profile`, else the demo.
/// `token` is the credential for a real desk.
pub fn select(
    config: &Config,
    asked: Option<&str>,
    token: Option<Secret>,
) -> anyhow::Result<Selected> {
    let name = asked
        .map(str::to_string)
        .or_else(|| config.default_profile.clone())
        .unwrap_or_else(|| DEMO.to_string());
    let Some(profile) = config.profiles.get(&name) else {
        if name == DEMO {
            return Ok(Selected {
                name,
                target: Target::Demo,
                refresh_seconds: None,
            });
        }
        let mut names: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
        names.push(DEMO);
        anyhow::bail!("no profile `{name}`; there are: {}", names.join(", "));
    };
    if let Some(problem) = problems(&name, profile).into_iter().next() {
        anyhow::bail!("{problem}");
    }
    let target = match profile.backend {
        Backend::Demo => Target::Demo,
        Backend::Rt => {
            let user = profile.user.clone().unwrap_or_default();
            let Some(secret) = token else {
                anyhow::bail!(
                    "profile `{name}` needs a credential: set DESKTERM_TOKEN to an RT auth \
                     token (RT: Logged in as → Settings → Auth Tokens){}",
                    if profile.auth == AuthKind::Basic {
                        ", or to the password with auth = \"basic\""
                    } else {
                        ""
                    }
                );
            };
            let auth = match profile.auth {
                AuthKind::Token => Auth::Token(secret),
                AuthKind::Basic => Auth::Basic {
                    user: user.clone(),
                    password: secret,
                },
            };
            Target::Rt(Box::new(RtSettings {
                url: profile.url.clone().unwrap_or_default(),
                user,
                auth,
                timeout: Duration::from_secs(profile.timeout_seconds.unwrap_or(30).max(1)),
                roles: profile
                    .requester_roles
                    .iter()
                    .map(|(domain, role)| (domain.to_lowercase(), (*role).into()))
                    .collect(),
                channel_field: profile.channel_field.clone(),
            }))
        }
    };
    Ok(Selected {
        name,
        target,
        refresh_seconds: profile.refresh_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_toml;
    use std::path::Path;

    fn config(text: &str) -> Config {
        parse_toml(text, Path::new("config.toml")).expect("config")
    }

    const DISTRICT: &str = r#"
default_profile = "district"
[profiles.district]
backend = "rt"
url = "https://rt.example.org"
user = "alice"
requester_roles = { "students.pvusd.org" = "student" }
"#;

    #[test]
    fn nothing_configured_opens_the_demo() {
        let selected = select(&Config::default(), None, None).expect("demo");
        assert_eq!(selected.name, "demo");
        assert!(matches!(selected.target, Target::Demo));
    }

    #[test]
    fn the_default_profile_needs_a_credential() {
        let config = config(DISTRICT);
        let err = select(&config, None, None).expect_err("no token");
        assert!(err.to_string().contains("DESKTERM_TOKEN"));
        let selected = select(&config, None, Some(Secret::new("t"))).expect("rt");
        let Target::Rt(rt) = selected.target else {
            panic!("not rt")
        };
        assert_eq!(rt.user, "alice");
        assert_eq!(
            rt.roles,
            [("students.pvusd.org".to_string(), RequesterRole::Student)]
        );
        // --profile demo still opens the demo.
        assert!(matches!(
            select(&config, Some("demo"), None).map(|s| s.target),
            Ok(Target::Demo)
        ));
    }

    #[test]
    fn unknown_profiles_and_missing_fields_are_named() {
        let err = select(&config(DISTRICT), Some("vendor"), None).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "no profile `vendor`; there are: district, demo"
        );
        let broken = config("[profiles.x]\nbackend = \"rt\"\nuser = \"a\"\n");
        let err = select(&broken, Some("x"), Some(Secret::new("t"))).expect_err("no url");
        assert_eq!(err.to_string(), "profile `x`: backend \"rt\" needs `url`");
    }

    #[test]
    fn typos_in_a_profile_are_located() {
        let err = parse_toml::<Config>(
            "[profiles.x]\nbackend = \"rt\"\nurll = \"x\"\n",
            Path::new("c"),
        )
        .expect_err("typo");
        assert_eq!(err.at.map(|(line, _)| line), Some(3));
        let err = parse_toml::<Config>("[profiles.x]\nbackend = \"zendesk\"\n", Path::new("c"))
            .expect_err("backend");
        assert_eq!(err.at.map(|(line, _)| line), Some(2));
    }
}
