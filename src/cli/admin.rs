//! Commands about deskterm itself rather than tickets: the config file,
//! SLA policies, signing in and out, and rebuilding the demo desk.

use std::process::ExitCode;

use jiff::SignedDuration;
use jiff::tz::TimeZone;

use super::{
    Cli, ConfigAction, SlaAction, base_settings, config_dir, config_path, demo_path, launcher,
    load_config, open, sla_engine,
};
use crate::clock::Clock;
use crate::config::profile;
use crate::config::secret::Secret;
use crate::config::theme::{ColorDepth, ThemeSet};
use crate::config::{self, Config, macros};
use crate::credential::StoreKind;
use crate::desk::demo::{DEFAULT_SEED, DemoDesk};
use crate::{paths, signin, terminal};

pub(super) fn login(
    cli: &Cli,
    config: &Config,
    name: Option<&str>,
    store: Option<&str>,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let only = match store {
        None => None,
        Some(word) => Some(
            StoreKind::parse(word)
                .ok_or_else(|| anyhow::anyhow!("--store {word}: say keyring, kernel or file"))?,
        ),
    };
    let name = name.or(cli.profile.as_deref());
    let (chosen, _) = profile::chosen(config, name)?;
    // Never from argv: typed without echo, or piped in.
    let token = if std::io::stdin().is_terminal() {
        match terminal::read_secret(&format!("token for {chosen} (not shown): "))? {
            Some(token) => token,
            None => anyhow::bail!("cancelled; nothing was stored"),
        }
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    let token = Secret::new(token.trim());
    let runtime = tokio::runtime::Runtime::new()?;
    let told = runtime.block_on(signin::login(config, &config_dir(cli), name, token, only));
    runtime.shutdown_background();
    println!("{}", told?.told);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn config_command(
    action: &ConfigAction,
    path: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    match action {
        ConfigAction::Path => println!("{}", path.display()),
        ConfigAction::Init { force } => {
            config::init(path, *force)?;
            println!("wrote {}", path.display());
        }
        ConfigAction::Check => {
            let mut problems = Vec::new();
            let loaded = Config::load(path);
            match &loaded {
                Ok(config) => {
                    let dir = path
                        .parent()
                        .map(std::path::Path::to_path_buf)
                        .unwrap_or_default();
                    for (name, profile) in &config.profiles {
                        let found = profile::problems(name, profile, &dir);
                        if found.is_empty() && profile.backend == profile::Backend::Helpdesk {
                            problems.extend(verify_helpdesk(config, name, profile, &dir));
                        }
                        problems.extend(found);
                    }
                    if let Err(sla) = config::sla::engine(&config.sla, &dir) {
                        problems.extend(sla);
                    }
                    for m in config.macros() {
                        for unknown in macros::unknown_placeholders(&m.body) {
                            problems.push(format!(
                                "macro “{}”: unknown placeholder {{{{{unknown}}}}}",
                                m.name
                            ));
                        }
                    }
                }
                Err(e) => problems.push(e.to_string()),
            }
            let (themes, theme_errors) =
                ThemeSet::load(&paths::user_themes_dir(), ColorDepth::TrueColor, false);
            problems.extend(theme_errors.iter().map(ToString::to_string));
            if let Ok(config) = &loaded
                && let Some(theme) = &config.theme
                && themes.get(theme.get_ref()).is_none()
            {
                let text = config::read_text(path).ok().flatten().unwrap_or_default();
                let error = config::ConfigError {
                    path: path.to_path_buf(),
                    at: Some(config::line_column(&text, theme.span().start)),
                    message: themes.missing(theme.get_ref()),
                };
                problems.push(error.to_string());
            }
            if problems.is_empty() {
                let state = if path.exists() {
                    "ok"
                } else {
                    "not found; using the defaults"
                };
                println!("{}: {state}", path.display());
            } else {
                for problem in problems {
                    eprintln!("{problem}");
                }
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A django-helpdesk profile's queue and agent ids, checked on the server
/// with the profile's credential: the problems found. Not being able to ask
/// is said, but is not a problem with the file.
fn verify_helpdesk(
    config: &Config,
    name: &str,
    profile: &profile::Profile,
    dir: &std::path::Path,
) -> Vec<String> {
    let lookup = crate::credential::Chain::for_profile(profile, dir).find(&profile.account(name));
    let Some(found) = lookup.found else {
        eprintln!("{name}: queues and agents not verified: no credential (deskterm login {name})");
        return Vec::new();
    };
    let target = match profile::select(config, Some(name), Some(found.secret), dir) {
        Ok(selected) => selected.target,
        Err(e) => return vec![e.to_string()],
    };
    let profile::Target::Helpdesk(settings) = target else {
        return Vec::new();
    };
    let (queues, agents) = (settings.queues.len(), settings.agents.len());
    let checked = tokio::runtime::Runtime::new()
        .map_err(|e| crate::desk::DeskError::Unreachable(e.to_string()))
        .and_then(|runtime| {
            let desk = crate::desk::helpdesk::HelpdeskDesk::new(*settings)?;
            runtime.block_on(desk.unknown_ids())
        });
    match checked {
        Ok(unknown) if unknown.is_empty() => {
            println!("{name}: {queues} queues and {agents} agents found on the desk");
            Vec::new()
        }
        Ok(unknown) => unknown
            .into_iter()
            .map(|why| format!("profile `{name}`: {why}"))
            .collect(),
        Err(e @ crate::desk::DeskError::Auth) => vec![format!("profile `{name}`: {e}")],
        Err(e) => {
            eprintln!("{name}: queues and agents not verified: {e}");
            Vec::new()
        }
    }
}

pub(super) fn rebuild_demo(cli: &Cli, config: &Config, tickets: usize) -> anyhow::Result<ExitCode> {
    let path = demo_path(cli, config);
    let seed = cli.seed.or(config.demo.seed).unwrap_or(DEFAULT_SEED);
    eprintln!("building a demo desk with {tickets} tickets (seed {seed})…");
    let began = std::time::Instant::now();
    let mut progress = Progress::new(tickets);
    let desk = DemoDesk::create_telling(&path, seed, tickets, Clock::from_env()?, &mut |n| {
        progress.show(n)
    })?;
    progress.done(began.elapsed());
    let info = desk.info()?;
    println!(
        "demo desk rebuilt: {} tickets (seed {}) in {}",
        info.tickets,
        info.seed,
        info.path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// How far a long build has come, on stderr: one line rewritten at a
/// terminal, a line every tenth otherwise (a log, a pipe).
struct Progress {
    total: usize,
    terminal: bool,
    shown_tenths: usize,
}

impl Progress {
    fn new(total: usize) -> Self {
        use std::io::IsTerminal;
        Self {
            total,
            terminal: std::io::stderr().is_terminal(),
            shown_tenths: 0,
        }
    }

    fn show(&mut self, made: usize) {
        match self.line(made) {
            Some(line) if self.terminal => eprint!("\r{line}"),
            Some(line) => eprintln!("{line}"),
            None => {}
        }
    }

    /// What to say after `made` tickets: at a terminal every time, else
    /// once a tenth; nothing for a build too small to wait for.
    fn line(&mut self, made: usize) -> Option<String> {
        if self.total < 50_000 || made == 0 {
            return None;
        }
        let percent = made * 100 / self.total;
        if !self.terminal && percent / 10 <= self.shown_tenths {
            return None;
        }
        self.shown_tenths = percent / 10;
        Some(format!("  {made} of {} tickets ({percent}%)", self.total))
    }

    fn done(&self, took: std::time::Duration) {
        if self.total < 50_000 {
            return;
        }
        if self.terminal {
            eprint!("\r\x1b[K");
        }
        eprintln!("  built in {:.1} s", took.as_secs_f64());
    }
}

pub(super) fn sla_command(cli: &Cli, action: &SlaAction) -> anyhow::Result<ExitCode> {
    let config = load_config(&config_path(cli))?;
    let engine = match sla_engine(&config, cli) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("{e:#}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match action {
        SlaAction::Check => {
            if engine.policies().is_empty() {
                println!("no [[sla.policies]]: the standard policy applies to every ticket");
            }
            for policy in engine.policies() {
                let show = if policy.calendar.is_always_open() {
                    crate::sla::compact_duration
                } else {
                    crate::sla::compact_business
                };
                let target = |t: Option<SignedDuration>| t.map_or_else(|| "—".to_string(), show);
                println!(
                    "{}: {}; calendar {}; first response {}, next response {}, resolution {}",
                    policy.name,
                    policy.matcher.describe(),
                    policy.calendar.describe(),
                    target(policy.first_response),
                    target(policy.next_response),
                    target(policy.resolution)
                );
            }
            println!("{} policies, ok", engine.policies().len());
            Ok(ExitCode::SUCCESS)
        }
        SlaAction::Explain { ticket } => {
            let clock = Clock::from_env()?;
            let runtime = tokio::runtime::Runtime::new()?;
            let (base, _) = base_settings(cli, &config)?;
            let launcher = launcher(cli, config, clock, base);
            let session = open(&launcher, cli)?;
            let id = crate::desk::TicketId(ticket.trim_start_matches('#').to_string().into());
            let detail = match runtime.block_on(session.desk.ticket(&id)) {
                Ok(detail) => detail,
                Err(e) => {
                    eprintln!("deskterm: ticket {ticket}: {e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let facts = crate::sla::engine::Facts::from_detail(&detail);
            let tz = TimeZone::system();
            let show = |at: jiff::Timestamp| {
                at.to_zoned_datetime(tz.clone())
                    .strftime("%a %-d %b %H:%M %Z")
                    .to_string()
            };
            for line in engine.explain(&detail.summary, &facts, clock.now(), &show) {
                println!("{line}");
            }
            runtime.shutdown_background();
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;

    fn lines(total: usize, terminal: bool, step: usize) -> Vec<String> {
        let mut progress = Progress {
            total,
            terminal,
            shown_tenths: 0,
        };
        (0..=total)
            .step_by(step)
            .filter_map(|made| progress.line(made))
            .collect()
    }

    #[test]
    fn a_long_build_says_how_far_it_has_come_once_a_tenth_in_a_log() {
        let said = lines(1_000_000, false, 500);
        assert_eq!(said.len(), 10, "{said:?}");
        assert_eq!(said[0], "  100000 of 1000000 tickets (10%)");
        assert_eq!(said[9], "  1000000 of 1000000 tickets (100%)");
        // At a terminal the one line is rewritten on every report.
        assert_eq!(lines(1_000_000, true, 500).len(), 2000);
        // A small desk is built before anyone would wait.
        assert!(lines(300, false, 1).is_empty());
    }
}
