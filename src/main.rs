//! Start-up: arguments, config, logging, the desk, then the console.
//! Anything that can go wrong before the screen is taken over is reported on
//! stderr with a plain message and a non-zero exit, never a panic.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use ratatui::layout::Rect;

use deskterm::clock::Clock;
use deskterm::config::keymap::Keymap;
use deskterm::config::profile;
use deskterm::config::secret::Secret;
use deskterm::config::theme::{ColorDepth, ThemeSet};
use deskterm::config::{self, Config, macros};
use deskterm::credential::StoreKind;
use deskterm::desk::demo::simulator::ArrivalSpec;
use deskterm::desk::demo::{DEFAULT_SEED, DemoDesk, seed};
use deskterm::session::{Launcher, Session};
use deskterm::sla::Thresholds;
use deskterm::sla::engine::Engine;
use deskterm::state::{Settings, State};
use deskterm::{app, logging, paths, signin, terminal};

#[derive(Parser)]
#[command(
    name = "deskterm",
    version,
    about = "A terminal agent console for service desks: k9s for tickets",
    long_about = "A terminal agent console for service desks: k9s for tickets.\n\n\
        With nothing configured it opens an embedded demo desk: a school district \
        with live tickets, SLA countdowns and a simulator that keeps requests arriving."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// The desk to open: a profile from config.toml, or "demo".
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,

    /// Theme: dark, light, high-contrast, ansi16, mono, or one of yours.
    #[arg(long, global = true, value_name = "NAME")]
    theme: Option<String>,

    /// Read this config file instead of the default one.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,

    /// The demo desk's SQLite file.
    #[arg(long, global = true, value_name = "PATH")]
    demo_db: Option<PathBuf>,

    /// Build the demo desk from this seed (rebuilds it if it was built from another).
    #[arg(long, global = true, value_name = "N")]
    seed: Option<u64>,

    /// How often something happens on the demo desk: "20-60s", "45s", "2m", or "0" for never.
    #[arg(long, global = true, value_name = "RATE")]
    new_ticket_every: Option<ArrivalSpec>,

    /// Change nothing on the desk: every write action is disabled.
    #[arg(long, global = true)]
    read_only: bool,
}

#[derive(Subcommand)]
enum Command {
    /// The configuration file: where it is, a commented starting point, a check.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// SLA policies: check them, or explain one ticket's deadlines.
    Sla {
        #[command(subcommand)]
        action: SlaAction,
    },
    /// Sign in to a profile's desk: check a token and keep it in the best store there is.
    Login {
        /// The profile (default: --profile, then default_profile).
        name: Option<String>,
        /// Keep it here rather than in the first store that works: keyring, kernel, file.
        #[arg(long, value_name = "STORE")]
        store: Option<String>,
    },
    /// Forget a profile's stored token.
    Logout {
        /// The profile (default: --profile, then default_profile).
        name: Option<String>,
    },
    /// List the profiles and where each one's credential is kept.
    Profiles,
    /// The dashboard's figures over a period, per department, channel or agent.
    Report {
        /// The period: "7d", "24h", "90m".
        #[arg(long, default_value = "7d", value_name = "PERIOD")]
        since: String,
        /// One row per department, channel or agent.
        #[arg(long, default_value = "department", value_parser = ["department", "channel", "agent"])]
        by: String,
        /// A table for people, CSV or JSON for scripts.
        #[arg(long, default_value = "table", value_parser = ["table", "csv", "json"])]
        format: String,
    },
    /// The embedded demo desk: open it, rebuild it, or build a large one.
    Demo {
        /// Rebuild the demo desk from its seed and exit.
        #[arg(long)]
        reset: bool,
        /// Build a demo desk with this many tickets and exit (for benchmarks).
        #[arg(long, value_name = "N")]
        tickets: Option<usize>,
    },
}

#[derive(Subcommand)]
enum SlaAction {
    /// Read the calendars and policies in config.toml and report mistakes.
    Check,
    /// Which policy a ticket matches and how each deadline was computed.
    Explain {
        /// The ticket's id (e.g. 42 or #42).
        ticket: String,
    },
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Print where config.toml is read from.
    Path,
    /// Write a commented default config.toml.
    Init {
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Read config.toml and the user themes and report any mistake.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("deskterm: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn config_path(cli: &Cli) -> PathBuf {
    cli.config.clone().unwrap_or_else(paths::config_file)
}

/// Where relative paths in the config start.
fn config_dir(cli: &Cli) -> PathBuf {
    config_path(cli)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}

fn login(
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

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let path = config_path(&cli);
    match &cli.command {
        Some(Command::Config { action }) => return config_command(action, &path),
        Some(Command::Sla { action }) => return sla_command(&cli, action),
        Some(Command::Login { name, store }) => {
            let config = load_config(&path)?;
            return login(&cli, &config, name.as_deref(), store.as_deref());
        }
        Some(Command::Logout { name }) => {
            let config = load_config(&path)?;
            let name = name.as_deref().or(cli.profile.as_deref());
            println!("{}", signin::logout(&config, &config_dir(&cli), name)?);
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Profiles) => {
            let config = load_config(&path)?;
            for line in signin::profiles(&config, &config_dir(&cli)) {
                println!("{line}");
            }
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Report { since, by, format }) => {
            let config = load_config(&path)?;
            return report(&cli, config, since, by, format);
        }
        Some(Command::Demo { reset, tickets }) if *reset || tickets.is_some() => {
            let config = load_config(&path)?;
            return rebuild_demo(&cli, &config, tickets.unwrap_or(seed::DEFAULT_TICKETS));
        }
        _ => {}
    }
    let config = load_config(&path)?;
    console(&cli, config)
}

fn load_config(path: &std::path::Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(|e| anyhow::anyhow!("{e}"))
}

fn config_command(action: &ConfigAction, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    match action {
        ConfigAction::Path => println!("{}", path.display()),
        ConfigAction::Init { force } => {
            config::init(path, *force)?;
            println!("wrote {}", path.display());
        }
        ConfigAction::Check => {
            let mut problems = Vec::new();
            match Config::load(path) {
                Ok(config) => {
                    let dir = path
                        .parent()
                        .map(std::path::Path::to_path_buf)
                        .unwrap_or_default();
                    for (name, profile) in &config.profiles {
                        problems.extend(profile::problems(name, profile, &dir));
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
            let (_, theme_errors) =
                ThemeSet::load(&paths::user_themes_dir(), ColorDepth::TrueColor, false);
            problems.extend(theme_errors.iter().map(ToString::to_string));
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

fn demo_path(cli: &Cli, config: &Config) -> PathBuf {
    cli.demo_db
        .clone()
        .or_else(|| config.demo.database.clone())
        .unwrap_or_else(paths::demo_db)
}

fn rebuild_demo(cli: &Cli, config: &Config, tickets: usize) -> anyhow::Result<ExitCode> {
    let path = demo_path(cli, config);
    let seed = cli.seed.or(config.demo.seed).unwrap_or(DEFAULT_SEED);
    eprintln!("building a demo desk with {tickets} tickets (seed {seed})…");
    let desk = DemoDesk::create(&path, seed, tickets, Clock::from_env()?)?;
    let info = desk.info()?;
    println!(
        "demo desk rebuilt: {} tickets (seed {}) in {}",
        info.tickets,
        info.seed,
        info.path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn console(cli: &Cli, config: Config) -> anyhow::Result<ExitCode> {
    let clock = Clock::from_env()?;
    let (_log_guard, log_path) = logging::init(&paths::state_dir())?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "deskterm starting");

    let (base, theme_errors) = base_settings(cli, &config)?;
    let launcher = Arc::new(launcher(cli, config, clock, base));
    let session = open(&launcher, cli)?;
    let mut state = State::new(
        launcher.settings(&session),
        clock.now(),
        Rect::new(0, 0, 80, 24),
    );
    if let Some(first) = theme_errors.first() {
        state.error(format!("theme skipped: {first}"));
    }
    if let Some(why) = &session.store_error {
        state.error(why.clone());
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let result = runtime.block_on(app::run(state, session, launcher, clock));
    runtime.shutdown_background();
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            tracing::error!(error = %e, "console stopped");
            anyhow::bail!("{e:#} (details in {})", log_path.display())
        }
    }
}

/// The console's settings before a profile is chosen, and the user themes
/// that were skipped.
fn base_settings(cli: &Cli, config: &Config) -> anyhow::Result<(Settings, Vec<String>)> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let depth = ColorDepth::detect(
        std::env::var("COLORTERM").ok().as_deref(),
        std::env::var("TERM").ok().as_deref(),
    );
    let (themes, theme_errors) = ThemeSet::load(&paths::user_themes_dir(), depth, no_color);
    let theme_name = cli
        .theme
        .clone()
        .or(config.theme.clone())
        .unwrap_or_else(|| themes.default_name().to_string());
    let Some(theme) = themes.get(&theme_name) else {
        anyhow::bail!(
            "no theme `{theme_name}`; there are: {}",
            themes.names().join(", ")
        );
    };

    let engine = sla_engine(config, cli)?;
    let defaults = Thresholds::default();
    let base = Settings {
        profile: String::new(),
        keymap: Keymap::with_overrides(&config.keymap),
        themes,
        theme,
        thresholds: Thresholds {
            warn_fraction: config.sla.warn_fraction.unwrap_or(defaults.warn_fraction),
            alert: config
                .sla
                .alert_minutes
                .map_or(defaults.alert, SignedDuration::from_mins),
            warn_before: config
                .sla
                .warn_before_minutes
                .map_or(defaults.warn_before, SignedDuration::from_mins),
        },
        refresh_every: config.refresh_seconds.unwrap_or(5),
        default_section: config.default_section.clone(),
        time_zone: TimeZone::system(),
        page_size: 100,
        undo_seconds: config.undo_seconds.unwrap_or(5),
        macros: config.macros(),
        sla: engine,
        notify: config.sla.notify.unwrap_or_default(),
        read_only: None,
        credential: None,
        profiles: Vec::new(),
    };
    let theme_errors = theme_errors.iter().map(ToString::to_string).collect();
    Ok((base, theme_errors))
}

fn launcher(cli: &Cli, config: Config, clock: Clock, base: Settings) -> Launcher {
    let arrivals = cli
        .new_ticket_every
        .or(config.demo.new_ticket_every)
        .unwrap_or(ArrivalSpec(Some(Default::default())));
    Launcher {
        demo_db: demo_path(cli, &config),
        seed: cli.seed.or(config.demo.seed),
        config,
        config_dir: config_dir(cli),
        data_dir: paths::data_dir(),
        arrivals,
        read_only: cli.read_only,
        clock,
        base,
    }
}

/// The profile the command line asks for, opened.
fn open(launcher: &Launcher, cli: &Cli) -> anyhow::Result<Session> {
    if profile::chosen(&launcher.config, cli.profile.as_deref())?
        .1
        .is_none()
        && !launcher.demo_db.exists()
    {
        eprintln!("building the demo desk in {}…", launcher.demo_db.display());
    }
    launcher.open(cli.profile.as_deref())
}

fn report(
    cli: &Cli,
    config: Config,
    since: &str,
    by: &str,
    format: &str,
) -> anyhow::Result<ExitCode> {
    use deskterm::dashboard::report::{self, By, Format};
    let period = deskterm::sla::policy::parse_duration(since)
        .map_err(|why| anyhow::anyhow!("--since: {why}"))?;
    let by = By::parse(by)
        .ok_or_else(|| anyhow::anyhow!("--by {by}: say department, channel or agent"))?;
    let format = Format::parse(format)
        .ok_or_else(|| anyhow::anyhow!("--format {format}: say table, csv or json"))?;
    let clock = Clock::from_env()?;
    let (base, _) = base_settings(cli, &config)?;
    let launcher = launcher(cli, config, clock, base);
    let session = open(&launcher, cli)?;
    let now = clock.now();
    let since = now - period;
    let runtime = tokio::runtime::Runtime::new()?;
    let tickets = runtime.block_on(report::gather(
        session.desk.as_ref(),
        &launcher.base.sla,
        since,
    ));
    runtime.shutdown_background();
    let tickets = tickets.map_err(|e| anyhow::anyhow!("{e}"))?;
    let rows = report::rows(&tickets, by, since, now, &launcher.base.thresholds);
    print!("{}", report::render(&rows, format, by, since, now));
    Ok(ExitCode::SUCCESS)
}

/// The SLA engine from config; every problem in it, or the engine.
fn sla_engine(config: &Config, cli: &Cli) -> anyhow::Result<Engine> {
    let path = config_path(cli);
    let dir = path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    config::sla::engine(&config.sla, &dir).map_err(|problems| {
        anyhow::anyhow!(
            "the SLA settings in {} need fixing:\n  {}",
            path.display(),
            problems.join("\n  ")
        )
    })
}

fn sla_command(cli: &Cli, action: &SlaAction) -> anyhow::Result<ExitCode> {
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
                    deskterm::sla::compact_duration
                } else {
                    deskterm::sla::compact_business
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
            let id = deskterm::desk::TicketId(ticket.trim_start_matches('#').to_string());
            let detail = match runtime.block_on(session.desk.ticket(&id)) {
                Ok(detail) => detail,
                Err(e) => {
                    eprintln!("deskterm: ticket {ticket}: {e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let facts = deskterm::sla::engine::Facts::from_detail(&detail);
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
