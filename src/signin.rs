//! `deskterm login`, `logout` and `profiles`: checking a token against the
//! desk and keeping it, forgetting it, and saying where each profile's
//! credential is kept.

use std::path::Path;

use crate::config::Config;
use crate::config::profile::{self, Target};
use crate::config::secret::Secret;
use crate::credential::{Chain, StoreKind};
use crate::desk::{Desk, DeskError};

/// The profile `login` and `logout` act on: the one named, else the default.
fn real_profile<'a>(
    config: &'a Config,
    name: Option<&str>,
) -> anyhow::Result<(String, &'a profile::Profile)> {
    let (name, profile) = profile::chosen(config, name)?;
    match profile {
        Some(p) if p.needs_credential() => Ok((name, p)),
        _ => anyhow::bail!(
            "`{name}` is the demo desk, which needs no sign-in; name a profile from \
             config.toml (deskterm profiles lists them)"
        ),
    }
}

/// A token the desk accepted, and where it is kept.
pub struct SignedIn {
    /// What to tell the user.
    pub told: String,
    /// The desk, signed in with it.
    pub desk: std::sync::Arc<dyn Desk>,
    pub kept_in: StoreKind,
}

/// Check `token` against the profile's desk, then keep it in the first store
/// that takes it (or in `only`).
pub async fn login(
    config: &Config,
    config_dir: &Path,
    name: Option<&str>,
    token: Secret,
    only: Option<StoreKind>,
) -> anyhow::Result<SignedIn> {
    let (name, profile) = real_profile(config, name)?;
    if token.expose().is_empty() {
        anyhow::bail!("no token given; nothing was stored");
    }
    let selected = profile::select(config, Some(&name), Some(token.clone()), config_dir)?;
    if matches!(selected.target, Target::Demo) {
        anyhow::bail!("`{name}` needs no sign-in");
    }
    let url = profile.desk_url();
    let desk = crate::session::remote_desk(&selected.target)?;
    let me = desk.me().await.map_err(|e| match e {
        DeskError::Auth => {
            let message = format!(
                "{url} refused the token for {}: check it ({}); nothing was stored",
                profile.user.as_deref().unwrap_or_default(),
                profile.backend.token_help()
            );
            e.explained(message)
        }
        other => {
            let message = format!("cannot check the token at {url}: {other}; nothing was stored");
            other.explained(message)
        }
    })?;
    let chain = Chain::for_profile(profile, config_dir);
    let account = profile.account(&name);
    // The stores block (and may wait on a keyring): off the async threads.
    let saved = {
        let (chain, account, token) = (chain.clone(), account.clone(), token.clone());
        tokio::task::spawn_blocking(move || chain.save(&account, &token, only))
            .await
            .map_err(|e| anyhow::anyhow!("the credential stores could not be asked: {e}"))?
    };
    let (kept, kept_in) = saved.map_err(|reasons| {
        anyhow::anyhow!(
            "the token is good, but there is nowhere to keep it:\n  {}\n\
             Set credential_command in the profile (e.g. \"pass show desk/rt\"), export \
             DESKTERM_TOKEN, or opt in to a file with token_file = \"{name}.token\".",
            reasons.join("\n  ")
        )
    })?;
    let who = match me.email.as_str() {
        "" => me.name.to_string(),
        email => format!("{} ({email})", me.name),
    };
    let mut told = format!("signed in to {name} as {who}; the token is kept in {kept}");
    if kept_in == StoreKind::KernelKeyring {
        told.push_str("\nafter a reboot, run `deskterm login` again");
    }
    Ok(SignedIn {
        told,
        desk,
        kept_in,
    })
}

/// `deskterm login NAME --adopt`: bind the token kept for the profile before
/// tokens were bound to a desk to the desk the profile names now. Nothing is
/// sent: the user says it is the desk the token was made for.
pub fn adopt(config: &Config, config_dir: &Path, name: Option<&str>) -> anyhow::Result<String> {
    let (name, profile) = real_profile(config, name)?;
    // The profile must be sound (a scheme, no plain http elsewhere) first.
    profile::select(config, Some(&name), Some(Secret::new("unused")), config_dir)?;
    let account = profile.account(&name);
    let chain = Chain::for_profile(profile, config_dir);
    match chain.adopt(&account) {
        Ok(Some(location)) => Ok(format!(
            "{name}'s token in {location} is bound to {} now; nothing was sent",
            account.desk()
        )),
        Ok(None) => anyhow::bail!(
            "no token kept before tokens were bound to a desk for {name}; `deskterm login \
             {name}` signs in"
        ),
        Err(reasons) => anyhow::bail!("could not bind it:\n  {}", reasons.join("\n  ")),
    }
}

/// Forget the profile's token in every store that keeps one.
pub fn logout(config: &Config, config_dir: &Path, name: Option<&str>) -> anyhow::Result<String> {
    let (name, profile) = real_profile(config, name)?;
    let chain = Chain::for_profile(profile, config_dir);
    let (removed, failed) = chain.remove(&profile.account(&name));
    let mut lines = Vec::new();
    if removed.is_empty() {
        lines.push(format!("no stored token for {name}"));
    }
    for location in removed {
        lines.push(format!("removed {name}'s token from {location}"));
    }
    for why in failed {
        lines.push(format!("could not check {why}"));
    }
    if std::env::var_os("DESKTERM_TOKEN").is_some() {
        lines.push("DESKTERM_TOKEN is still set in this environment".into());
    }
    if let Some(command) = &profile.credential_command {
        lines.push(format!("credential_command `{command}` still gives one"));
    }
    Ok(lines.join("\n"))
}

/// One line per profile: name, backend, where, and where its credential is.
pub fn profiles(config: &Config, config_dir: &Path) -> Vec<String> {
    let default = config.default_profile.as_deref().unwrap_or(profile::DEMO);
    let mut rows = vec![[
        "PROFILE".to_string(),
        "DESK".to_string(),
        "CREDENTIAL".to_string(),
    ]];
    let mut names: Vec<&String> = config.profiles.keys().collect();
    let demo = profile::DEMO.to_string();
    if !config.profiles.contains_key(profile::DEMO) {
        names.push(&demo);
    }
    for name in names {
        let mark = if name == default { "*" } else { " " };
        let (desk, credential) = match config.profiles.get(name) {
            Some(p) if p.needs_credential() => {
                let mut desk = format!(
                    "{} {}@{}",
                    p.backend.name(),
                    p.user.as_deref().unwrap_or("?"),
                    Some(p.desk_url())
                        .filter(|u| !u.is_empty())
                        .as_deref()
                        .unwrap_or("?")
                );
                if p.read_only {
                    desk.push_str(" (read-only)");
                }
                let lookup = Chain::for_profile(p, config_dir).locate(&p.account(name));
                let credential = match lookup.found {
                    Some(found) => found.location,
                    None if !lookup.unbound.is_empty() => {
                        format!("none for this desk: {}", lookup.unbound.join("; "))
                    }
                    None => format!("none: run `deskterm login {name}`"),
                };
                (desk, credential)
            }
            _ => ("the demo desk".to_string(), "none needed".to_string()),
        };
        rows.push([format!("{mark}{name}"), desk, credential]);
    }
    let widths: Vec<usize> = (0..2)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|r| {
            format!(
                "{:<w0$}  {:<w1$}  {}",
                r[0],
                r[1],
                r[2],
                w0 = widths[0],
                w1 = widths[1]
            )
        })
        .collect()
}
