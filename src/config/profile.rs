//! Profiles: which desk to open, where it is, and who signs in.
//!
//! ```toml
//! default_profile = "district"
//!
//! [profiles.district]
//! backend = "rt"
//! url = "https://rt.example.org"
//! user = "alice"
//! ca_file = "district-ca.pem"
//!
//! [profiles.facilities]
//! backend = "helpdesk"
//! url = "https://helpdesk.example.org"
//! user = "alice"
//! queues = { "1" = "Facilities", "2" = "Transportation" }
//! agents = { "1" = "alice", "2" = "bob" }
//! ```
//!
//! With no profile configured, the console opens the demo desk. The
//! credential is never in this file: see [`crate::credential`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::Config;
use super::secret::Secret;
use crate::credential::Account;
use crate::desk::RequesterRole;
use crate::desk::helpdesk::HelpdeskSettings;
use crate::desk::helpdesk::Staff;
use crate::desk::http::{Auth, Transport};
use crate::desk::redmine::RedmineSettings;
use crate::desk::rt::RtSettings;
use crate::desk::zendesk::ZendeskSettings;

/// The name the built-in demo desk answers to.
pub const DEMO: &str = "demo";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Demo,
    Rt,
    /// django-helpdesk.
    Helpdesk,
    Redmine,
    Zendesk,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Demo => "demo",
            Backend::Rt => "rt",
            Backend::Helpdesk => "helpdesk",
            Backend::Redmine => "redmine",
            Backend::Zendesk => "zendesk",
        }
    }

    /// The token this desk signs in with, and where its user finds it.
    pub fn token_help(self) -> &'static str {
        match self {
            Backend::Rt => "an RT auth token (RT: Logged in as → Settings → Auth Tokens)",
            Backend::Redmine => "a Redmine API key (Redmine: My account → API access key → Show)",
            Backend::Zendesk => {
                "a Zendesk API token (Admin Center → Apps and integrations → Zendesk API), \
                 or with auth = \"oauth\" an OAuth access token"
            }
            Backend::Helpdesk | Backend::Demo => {
                "a django-helpdesk API token (Django admin → Auth Token → Tokens)"
            }
        }
    }
}

/// What a Redmine desk's queues are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueuesAre {
    Projects,
    Trackers,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    /// An RT auth token (RT: Logged in as → Settings → Auth Tokens).
    #[default]
    Token,
    /// The user's password, sent as HTTP basic auth.
    Basic,
    /// Zendesk: an OAuth access token (a bearer token) instead of an API
    /// token.
    Oauth,
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
    #[serde(default, deserialize_with = "desk_url")]
    pub url: Option<String>,
    /// Zendesk: the account's subdomain (`district` for
    /// https://district.zendesk.com), instead of the url.
    pub subdomain: Option<String>,
    /// The user deskterm signs in as.
    pub user: Option<String>,
    #[serde(default)]
    pub auth: AuthKind,
    /// Seconds between refreshes on this desk.
    pub refresh_seconds: Option<u32>,
    /// Seconds before a request is given up.
    pub timeout_seconds: Option<u64>,
    /// Seconds before an unanswered connection attempt is given up.
    pub connect_timeout_seconds: Option<u64>,
    /// PEM certificates to trust besides the system's (an internal CA);
    /// relative to the config folder.
    pub ca_file: Option<PathBuf>,
    /// A proxy for every request, e.g. `http://proxy.example.org:3128`;
    /// without one, HTTPS_PROXY and NO_PROXY are honoured.
    pub proxy: Option<String>,
    /// Answers larger than this many MB are refused (default 20).
    pub max_body_mb: Option<usize>,
    /// Read only: every write action is disabled.
    #[serde(default)]
    pub read_only: bool,
    /// Send the credential over plain `http://` to a machine other than
    /// this one (loopback needs no leave): only on a network you trust.
    #[serde(default)]
    pub allow_insecure_http: bool,
    /// A command that prints the token (`pass show desk/rt`).
    pub credential_command: Option<String>,
    /// Opt in to a token file (mode 0600, yours), relative to the config folder.
    pub token_file: Option<PathBuf>,
    /// A ticket custom field that holds the channel (web, email, phone, ...).
    pub channel_field: Option<String>,
    /// Email domain → requester role, e.g. `"students.pvusd.org" = "student"`.
    #[serde(default)]
    pub requester_roles: BTreeMap<String, RoleName>,
    /// django-helpdesk: queue ids and names, which its API cannot list.
    #[serde(default)]
    pub queues: BTreeMap<String, String>,
    /// django-helpdesk: staff user ids and their logins (or
    /// `{ login, name, email }`); `user` must be one.
    #[serde(default)]
    pub agents: BTreeMap<String, AgentEntry>,
    /// Redmine: the projects that make up the desk (identifiers, ids or
    /// names); none means every project the user sees.
    #[serde(default)]
    pub projects: Vec<String>,
    /// Redmine: the trackers that make up the desk (names or ids); none
    /// means every tracker.
    #[serde(default)]
    pub trackers: Vec<String>,
    /// Redmine: "projects" (the default) or "trackers" as the queues.
    pub queues_are: Option<QueuesAre>,
    /// Redmine: the statuses that count as pending (["Feedback"]).
    #[serde(default)]
    pub pending_statuses: Vec<String>,
    /// Redmine: a custom field holding the requester's address (callers
    /// without an account; needed to log calls).
    pub requester_field: Option<String>,
}

/// A profile's `url`: refused where it is written, with its line, when it
/// is not an http(s) address.
fn desk_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    if text.trim().is_empty() {
        // Said as a missing url, by `problems`.
        return Ok(Some(text));
    }
    match reqwest::Url::parse(text.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
            Ok(Some(text))
        }
        Ok(_) => Err(serde::de::Error::custom(format!(
            "the url {text:?} must start with https:// (or http://)"
        ))),
        Err(e) => Err(serde::de::Error::custom(not_a_url(&text, &e))),
    }
}

/// Why `url` is not a desk's address, and the fix.
pub fn not_a_url(url: &str, e: &UrlError) -> String {
    match e {
        UrlError::RelativeUrlWithoutBase => format!(
            "the url {url:?} has no scheme: write it as \"https://{}\"",
            url.trim().trim_end_matches('/')
        ),
        e => format!("the url {url:?} is not a URL ({e})"),
    }
}

/// Why a URL did not parse (the url crate's, through reqwest).
pub type UrlError = <reqwest::Url as std::str::FromStr>::Err;

/// A django-helpdesk agent in a profile: the login, or the login with the
/// name and email people know them by (which the API cannot tell).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum AgentEntry {
    Login(String),
    Person {
        login: String,
        name: Option<String>,
        email: Option<String>,
    },
}

impl AgentEntry {
    pub fn login(&self) -> &str {
        match self {
            Self::Login(login) | Self::Person { login, .. } => login,
        }
    }

    fn staff(&self, id: u64) -> Staff {
        let mut staff = Staff::new(id, self.login());
        if let Self::Person { name, email, .. } = self {
            staff.name = name.clone().unwrap_or(staff.name);
            staff.email = email.clone().unwrap_or_default();
        }
        staff
    }
}

/// The desk a profile opens, with what it needs.
#[derive(Clone, Debug)]
pub enum Target {
    Demo,
    Rt(Box<RtSettings>),
    Helpdesk(Box<HelpdeskSettings>),
    Redmine(Box<RedmineSettings>),
    Zendesk(Box<ZendeskSettings>),
}

#[derive(Clone, Debug)]
pub struct Selected {
    pub name: String,
    pub target: Target,
    pub refresh_seconds: Option<u32>,
    /// Why writes are off, when they are.
    pub read_only: Option<String>,
}

impl Profile {
    /// Whose credential this profile signs in with.
    pub fn account(&self, name: &str) -> Account {
        Account {
            profile: name.to_string(),
            user: self.user.clone().unwrap_or_default(),
            url: self.desk_url(),
            backend: self.backend.name().to_string(),
        }
    }

    /// The desk's address: the url, or a Zendesk subdomain's.
    pub fn desk_url(&self) -> String {
        match self.backend {
            Backend::Zendesk => {
                crate::desk::zendesk::desk_url(self.url.as_deref(), self.subdomain.as_deref())
            }
            _ => self.url.clone().unwrap_or_default(),
        }
    }

    /// Whether it signs in to a server (and so needs a credential).
    pub fn needs_credential(&self) -> bool {
        self.backend != Backend::Demo
    }

    fn transport(&self, config_dir: &Path) -> Transport {
        let mut transport = Transport::with_timeout(Duration::from_secs(
            self.timeout_seconds.unwrap_or(30).max(1),
        ));
        if let Some(secs) = self.connect_timeout_seconds {
            transport.connect_timeout = Duration::from_secs(secs.max(1));
        }
        transport.ca_file = self.ca_file.as_ref().map(|f| config_dir.join(f));
        transport.proxy = self.proxy.clone().filter(|p| !p.trim().is_empty());
        transport.allow_insecure_http = self.allow_insecure_http;
        if let Some(mb) = self.max_body_mb {
            transport.max_body = mb.max(1) * 1024 * 1024;
        }
        transport
    }
}

/// The profile's name (`--profile`, else `default_profile`, else the demo)
/// and its settings; `None` for the built-in demo.
pub fn chosen<'a>(
    config: &'a Config,
    asked: Option<&str>,
) -> anyhow::Result<(String, Option<&'a Profile>)> {
    let name = asked
        .map(str::to_string)
        .or_else(|| config.default_profile.clone())
        .unwrap_or_else(|| DEMO.to_string());
    match config.profiles.get(&name) {
        Some(profile) => Ok((name, Some(profile))),
        None if name == DEMO => Ok((name, None)),
        None => {
            let mut names: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
            names.push(DEMO);
            anyhow::bail!("no profile `{name}`; there are: {}", names.join(", "))
        }
    }
}

/// Check a profile for what its backend needs, and its files; the
/// problems, in words.
pub fn problems(name: &str, profile: &Profile, config_dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(file) = &profile.ca_file
        && let Err(why) = crate::desk::http::read_ca_file(&config_dir.join(file))
    {
        problems.push(format!("profile `{name}`: {why}"));
    }
    if let Some(file) = &profile.token_file
        && let Some(why) = crate::paths::readable_by_others(&config_dir.join(file))
    {
        problems.push(format!(
            "profile `{name}`: the token file is refused: {why}"
        ));
    }
    if profile.backend != Backend::Demo {
        let url = Some(profile.desk_url());
        for (key, value) in [("url", &url), ("user", &profile.user)] {
            if value.as_deref().is_none_or(str::is_empty) {
                problems.push(format!(
                    "profile `{name}`: backend \"{}\" needs `{key}`{}",
                    profile.backend.name(),
                    match (profile.backend, key) {
                        (Backend::Zendesk, "url") => " (or `subdomain`)",
                        (Backend::Zendesk, _) => " (the agent's email address)",
                        _ => "",
                    }
                ));
            }
        }
    }
    if let Some(url) = profile.url.as_deref()
        && let Some(why) = crate::desk::http::insecure(url, profile.allow_insecure_http)
    {
        problems.push(format!("profile `{name}`: {why}"));
    }
    if profile.backend == Backend::Helpdesk {
        problems.extend(helpdesk_problems(name, profile));
    }
    if profile.auth == AuthKind::Oauth && profile.backend != Backend::Zendesk {
        problems.push(format!(
            "profile `{name}`: auth = \"oauth\" is for Zendesk; {} takes \"token\" or \"basic\"",
            profile.backend.name()
        ));
    }
    problems
}

/// A django-helpdesk profile must name its queues and agents, by number.
fn helpdesk_problems(name: &str, profile: &Profile) -> Vec<String> {
    let mut problems = Vec::new();
    let queue_ids: Vec<&String> = profile.queues.keys().collect();
    let agent_ids: Vec<&String> = profile.agents.keys().collect();
    for (key, ids) in [("queues", queue_ids), ("agents", agent_ids)] {
        if ids.is_empty() {
            problems.push(format!(
                "profile `{name}`: backend \"helpdesk\" needs `{key}` (ids and names, e.g. \
                 {key} = {{ \"1\" = \"IT\" }}): django-helpdesk's API cannot list them"
            ));
        }
        for id in ids {
            if id.parse::<u64>().is_err() {
                problems.push(format!(
                    "profile `{name}`: in `{key}`, {id:?} is not a number (django-helpdesk's ids are)"
                ));
            }
        }
    }
    if let Some(user) = &profile.user
        && !profile.agents.is_empty()
        && !profile
            .agents
            .values()
            .any(|a| a.login().eq_ignore_ascii_case(user))
    {
        problems.push(format!(
            "profile `{name}`: the user {user:?} is not among its `agents`"
        ));
    }
    problems
}

/// What to say when no store has a credential for the profile's desk;
/// `unbound` names those kept for it that are not bound to that desk.
pub fn no_credential(name: &str, profile: &Profile, unbound: &[String]) -> String {
    let desk = profile.account(name).desk();
    if !unbound.is_empty() {
        return format!(
            "profile `{name}` has no credential for {desk}: {}",
            unbound.join("; ")
        );
    }
    format!(
        "profile `{name}` has no credential for {desk}: run `deskterm login {name}` to sign in \
         with {}{}, or set DESKTERM_TOKEN",
        profile.backend.token_help(),
        if profile.auth == AuthKind::Basic {
            " or, with auth = \"basic\", the password"
        } else {
            ""
        }
    )
}

fn numbered(map: &BTreeMap<String, String>) -> Vec<(u64, String)> {
    map.iter()
        .filter_map(|(id, name)| Some((id.parse().ok()?, name.clone())))
        .collect()
}

/// The profile to open, with what it needs: `token` is the credential for a
/// real desk, and relative paths are read from `config_dir`.
pub fn select(
    config: &Config,
    asked: Option<&str>,
    token: Option<Secret>,
    config_dir: &Path,
) -> anyhow::Result<Selected> {
    let (name, profile) = chosen(config, asked)?;
    let Some(profile) = profile else {
        return Ok(Selected {
            name,
            target: Target::Demo,
            refresh_seconds: None,
            read_only: None,
        });
    };
    if let Some(problem) = problems(&name, profile, config_dir).into_iter().next() {
        anyhow::bail!("{problem}");
    }
    let target = match profile.backend {
        Backend::Demo => Target::Demo,
        Backend::Rt | Backend::Helpdesk | Backend::Redmine | Backend::Zendesk => {
            let user = profile.user.clone().unwrap_or_default();
            let Some(secret) = token else {
                anyhow::bail!("{}", no_credential(&name, profile, &[]));
            };
            let auth = match (profile.backend, profile.auth) {
                (Backend::Zendesk, AuthKind::Token) => {
                    crate::desk::zendesk::auth(&user, secret, false)
                }
                (_, AuthKind::Token | AuthKind::Oauth) => Auth::Token(secret),
                (_, AuthKind::Basic) => Auth::Basic {
                    user: user.clone(),
                    password: secret,
                },
            };
            let roles = profile
                .requester_roles
                .iter()
                .map(|(domain, role)| (domain.to_lowercase(), (*role).into()))
                .collect();
            let url = profile.desk_url();
            let transport = profile.transport(config_dir);
            if profile.backend == Backend::Zendesk {
                Target::Zendesk(Box::new(ZendeskSettings {
                    url,
                    user,
                    auth,
                    transport,
                    channel_field: profile.channel_field.clone(),
                    roles,
                }))
            } else if profile.backend == Backend::Redmine {
                Target::Redmine(Box::new(RedmineSettings {
                    url,
                    user,
                    auth,
                    transport,
                    projects: profile.projects.clone(),
                    trackers: profile.trackers.clone(),
                    queues_are_trackers: profile.queues_are == Some(QueuesAre::Trackers),
                    pending: profile.pending_statuses.clone(),
                    requester_field: profile.requester_field.clone(),
                    channel_field: profile.channel_field.clone(),
                    roles,
                }))
            } else if profile.backend == Backend::Rt {
                Target::Rt(Box::new(RtSettings {
                    url,
                    user,
                    auth,
                    transport,
                    roles,
                    channel_field: profile.channel_field.clone(),
                    list_fields: config.sections().show_fields(),
                }))
            } else {
                Target::Helpdesk(Box::new(HelpdeskSettings {
                    url,
                    user,
                    auth,
                    transport,
                    queues: numbered(&profile.queues),
                    agents: profile
                        .agents
                        .iter()
                        .filter_map(|(id, entry)| Some(entry.staff(id.parse().ok()?)))
                        .collect(),
                    roles,
                }))
            }
        }
    };
    Ok(Selected {
        read_only: profile
            .read_only
            .then(|| format!("profile `{name}` is read_only in config.toml")),
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
        let selected = select(&Config::default(), None, None, Path::new(".")).expect("demo");
        assert_eq!(selected.name, "demo");
        assert!(matches!(selected.target, Target::Demo));
    }

    #[test]
    fn the_default_profile_needs_a_credential() {
        let config = config(DISTRICT);
        let here = Path::new("/etc/deskterm");
        let err = select(&config, None, None, here).expect_err("no token");
        assert!(err.to_string().contains("deskterm login district"), "{err}");
        assert!(err.to_string().contains("DESKTERM_TOKEN"));
        let selected = select(&config, None, Some(Secret::new("t")), here).expect("rt");
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
            select(&config, Some("demo"), None, here).map(|s| s.target),
            Ok(Target::Demo)
        ));
    }

    #[test]
    fn unknown_profiles_and_missing_fields_are_named() {
        let here = Path::new(".");
        let err = select(&config(DISTRICT), Some("vendor"), None, here).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "no profile `vendor`; there are: district, demo"
        );
        let broken = config("[profiles.x]\nbackend = \"rt\"\nuser = \"a\"\n");
        let err = select(&broken, Some("x"), Some(Secret::new("t")), here).expect_err("no url");
        assert_eq!(err.to_string(), "profile `x`: backend \"rt\" needs `url`");
    }

    #[test]
    fn a_helpdesk_profile_names_its_queues_and_agents_by_number() {
        let here = Path::new(".");
        let bare = config(
            "[profiles.f]\nbackend = \"helpdesk\"\nurl = \"https://h.example.org\"\nuser = \"alice\"\n",
        );
        let err = select(&bare, Some("f"), Some(Secret::new("t")), here).expect_err("no queues");
        assert!(err.to_string().contains("needs `queues`"), "{err}");
        let wrong = config(
            "[profiles.f]\nbackend = \"helpdesk\"\nurl = \"https://h.example.org\"\nuser = \"alice\"\n\
             queues = { \"it\" = \"IT\" }\nagents = { \"2\" = \"bob\" }\n",
        );
        let problems = problems("f", &wrong.profiles["f"], here);
        assert_eq!(
            problems,
            [
                "profile `f`: in `queues`, \"it\" is not a number (django-helpdesk's ids are)",
                "profile `f`: the user \"alice\" is not among its `agents`",
            ]
        );
        let good = config(
            "[profiles.f]\nbackend = \"helpdesk\"\nurl = \"https://h.example.org\"\nuser = \"alice\"\n\
             queues = { \"1\" = \"IT\" }\nagents = { \"1\" = \"alice\", \
             \"2\" = { login = \"bob\", name = \"Bob Tech\", email = \"bob@example.org\" } }\n",
        );
        let selected = select(&good, Some("f"), Some(Secret::new("t")), here).expect("helpdesk");
        let Target::Helpdesk(settings) = selected.target else {
            panic!("not helpdesk")
        };
        assert_eq!(settings.queues, [(1, "IT".to_string())]);
        // The name and email people know an agent by, which the API cannot tell.
        assert_eq!(
            settings.agents,
            [
                Staff::new(1, "alice"),
                Staff {
                    id: 2,
                    login: "bob".into(),
                    name: "Bob Tech".into(),
                    email: "bob@example.org".into(),
                }
            ]
        );
    }

    #[test]
    fn plain_http_goes_only_to_this_machine_unless_the_profile_says_so() {
        let here = Path::new(".");
        let profile = |url: &str, allow: bool| {
            config(&format!(
                "[profiles.p]\nbackend = \"rt\"\nurl = \"{url}\"\nuser = \"alice\"\n\
                 allow_insecure_http = {allow}\n"
            ))
            .profiles["p"]
                .clone()
        };
        let problems_of = |url: &str, allow: bool| problems("p", &profile(url, allow), here);
        assert_eq!(
            problems_of("http://192.168.1.20/rt", false),
            [
                "profile `p`: the url \"http://192.168.1.20/rt\" is plain http to another \
              machine, so the token would cross the network readable by anyone on the way: \
              use https://, or set allow_insecure_http = true in the profile if you trust \
              that network"
            ]
        );
        assert!(!problems_of("http://rt.pvusd.invalid", false).is_empty());
        assert!(problems_of("http://192.168.1.20/rt", true).is_empty());
        for here in [
            "http://localhost:8080",
            "http://127.0.0.1:9",
            "http://127.1.2.3",
            "http://[::1]:8080",
            "https://192.168.1.20",
        ] {
            assert!(problems_of(here, false).is_empty(), "{here}");
        }
        // select refuses it too, before any desk is built.
        let plain =
            config("[profiles.p]\nbackend = \"rt\"\nurl = \"http://10.0.0.5\"\nuser = \"alice\"\n");
        let err = select(&plain, Some("p"), Some(Secret::new("t")), here).expect_err("refused");
        assert!(
            err.to_string().contains("allow_insecure_http = true"),
            "{err}"
        );
    }

    #[test]
    fn a_url_that_is_not_one_is_located() {
        let err = parse_toml::<Config>(
            "[profiles.x]\nbackend = \"rt\"\nurl = \"rt.example.org\"\nuser = \"a\"\n",
            Path::new("config.toml"),
        )
        .expect_err("no scheme");
        assert_eq!(err.at, Some((3, 7)), "{err}");
        assert_eq!(
            err.message,
            "the url \"rt.example.org\" has no scheme: write it as \"https://rt.example.org\""
        );
        let err = parse_toml::<Config>(
            "[profiles.x]\nbackend = \"rt\"\nurl = \"ftp://rt.example.org\"\n",
            Path::new("config.toml"),
        )
        .expect_err("not http");
        assert_eq!(err.at.map(|(line, _)| line), Some(3), "{err}");
        assert!(err.message.contains("must start with https://"), "{err}");
    }

    #[test]
    fn typos_in_a_profile_are_located() {
        let err = parse_toml::<Config>(
            "[profiles.x]\nbackend = \"rt\"\nurll = \"x\"\n",
            Path::new("c"),
        )
        .expect_err("typo");
        assert_eq!(err.at.map(|(line, _)| line), Some(3));
        let err = parse_toml::<Config>("[profiles.x]\nbackend = \"freshdesk\"\n", Path::new("c"))
            .expect_err("backend");
        assert_eq!(err.at.map(|(line, _)| line), Some(2));
    }

    #[test]
    fn a_zendesk_profile_takes_a_subdomain_and_signs_in_as_email_slash_token() {
        let district = config(
            "[profiles.zd]\nbackend = \"zendesk\"\nsubdomain = \"district\"\n\
             user = \"alice@district.org\"\n",
        );
        let profile = &district.profiles["zd"];
        assert_eq!(profile.desk_url(), "https://district.zendesk.com");
        // The credential is bound to that address.
        assert_eq!(profile.account("zd").url, "https://district.zendesk.com");
        let selected = select(
            &district,
            Some("zd"),
            Some(Secret::new("t0k")),
            Path::new("."),
        )
        .expect("zendesk");
        let Target::Zendesk(zendesk) = selected.target else {
            panic!("not zendesk")
        };
        match zendesk.auth {
            Auth::Basic { user, password } => {
                assert_eq!(user, "alice@district.org/token");
                assert_eq!(password.expose(), "t0k");
            }
            other => panic!("{other:?}"),
        }
        let oauth = config(
            "[profiles.zd]\nbackend = \"zendesk\"\nsubdomain = \"district\"\n\
             user = \"alice@district.org\"\nauth = \"oauth\"\n",
        );
        let selected =
            select(&oauth, Some("zd"), Some(Secret::new("t0k")), Path::new(".")).expect("zendesk");
        let Target::Zendesk(zendesk) = selected.target else {
            panic!("not zendesk")
        };
        assert!(matches!(zendesk.auth, Auth::Token(_)), "a bearer token");
        let neither = config("[profiles.zd]\nbackend = \"zendesk\"\nuser = \"a@b.org\"\n");
        let found = problems("zd", &neither.profiles["zd"], Path::new("."));
        assert!(
            found[0].contains("needs `url` (or `subdomain`)"),
            "{found:?}"
        );
        let rt_oauth = config(
            "[profiles.r]\nbackend = \"rt\"\nurl = \"https://rt.example.org\"\n\
             user = \"a\"\nauth = \"oauth\"\n",
        );
        let found = problems("r", &rt_oauth.profiles["r"], Path::new("."));
        assert!(found[0].contains("is for Zendesk"), "{found:?}");
    }
}
