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
use deskterm::config::profile::{self, Target};
use deskterm::config::secret::Secret;
use deskterm::config::theme::{ColorDepth, ThemeSet};
use deskterm::config::{self, Config, macros};
use deskterm::desk::Desk;
use deskterm::desk::demo::simulator::ArrivalSpec;
use deskterm::desk::demo::{DEFAULT_SEED, DemoDesk, seed};
use deskterm::desk::rt::RtDesk;
use deskterm::sla::Thresholds;
use deskterm::sla::engine::Engine;
use deskterm::state::{Settings, State};
use deskterm::store::Store;
use deskterm::{app, logging, paths};

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

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let path = config_path(&cli);
    match &cli.command {
        Some(Command::Config { action }) => return config_command(action, &path),
        Some(Command::Sla { action }) => return sla_command(&cli, action),
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
                    for (name, profile) in &config.profiles {
                        problems.extend(profile::problems(name, profile));
                    }
                    let dir = path
                        .parent()
                        .map(std::path::Path::to_path_buf)
                        .unwrap_or_default();
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

    let engine = sla_engine(&config, cli)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let opened = open_desk(cli, &config, clock)?;
    let (selected, desk, demo) = (opened.selected, opened.desk, opened.demo);
    let arrivals = cli
        .new_ticket_every
        .or(config.demo.new_ticket_every)
        .unwrap_or(ArrivalSpec(Some(Default::default())));

    let defaults = Thresholds::default();
    let settings = Settings {
        profile: selected.name.clone(),
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
        refresh_every: selected
            .refresh_seconds
            .or(config.refresh_seconds)
            .unwrap_or(5),
        default_section: config.default_section.clone(),
        time_zone: TimeZone::system(),
        page_size: if demo.is_some() { 500 } else { 100 },
        undo_seconds: config.undo_seconds.unwrap_or(5),
        macros: config.macros(),
        sla: engine,
        notify: config.sla.notify.unwrap_or_default(),
    };
    let mut state = State::new(settings, clock.now(), Rect::new(0, 0, 80, 24));
    if let Some(first) = theme_errors.first() {
        state.error(format!("theme skipped: {first}"));
    }
    // Drafts live in the profile's own store; without one, writing still works.
    let store = match Store::open(&paths::data_dir().join("profiles"), &selected.name) {
        Ok(store) => Some(Arc::new(store)),
        Err(e) => {
            tracing::warn!(error = %e, "no local store");
            state.error(format!("drafts will not be kept: {e}"));
            None
        }
    };
    let result = runtime.block_on(async {
        if let (Some(demo), Some(arrivals)) = (&demo, arrivals.0) {
            demo.start_simulator(arrivals);
        }
        app::run(state, desk, store, clock).await
    });
    runtime.shutdown_background();
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            tracing::error!(error = %e, "console stopped");
            anyhow::bail!("{e:#} (details in {})", log_path.display())
        }
    }
}

/// The desk a profile names, opened.
struct Opened {
    selected: profile::Selected,
    desk: Arc<dyn Desk>,
    demo: Option<Arc<DemoDesk>>,
}

fn open_desk(cli: &Cli, config: &Config, clock: Clock) -> anyhow::Result<Opened> {
    let selected = profile::select(config, cli.profile.as_deref(), Secret::from_env())?;
    let (desk, demo): (Arc<dyn Desk>, Option<Arc<DemoDesk>>) = match &selected.target {
        Target::Demo => {
            let demo_path = demo_path(cli, config);
            if !demo_path.exists() {
                eprintln!("building the demo desk in {}…", demo_path.display());
            }
            let seed = cli.seed.or(config.demo.seed);
            let demo = Arc::new(DemoDesk::open(&demo_path, seed, clock)?);
            (demo.clone(), Some(demo))
        }
        Target::Rt(settings) => {
            tracing::info!(url = %settings.url, user = %settings.user, "opening an RT desk");
            (Arc::new(RtDesk::new((**settings).clone())?), None)
        }
    };
    Ok(Opened {
        selected,
        desk,
        demo,
    })
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
            let opened = open_desk(cli, &config, clock)?;
            let id = deskterm::desk::TicketId(ticket.trim_start_matches('#').to_string());
            let detail = match runtime.block_on(opened.desk.ticket(&id)) {
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
