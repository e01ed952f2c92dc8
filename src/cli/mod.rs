//! The command line: the console by default, and plain commands beside it
//! for scripts. One clap definition serves parsing, `deskterm completions`
//! and `deskterm man`. Anything that goes wrong is a plain message on stderr
//! and an exit code from [`exit`], never a panic or a stack trace.

mod admin;
mod connect;
mod create;
pub mod exit;
mod json;
mod outbox;
mod report;
mod save;
mod tickets;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::layout::Area;
use clap::{CommandFactory, Parser, Subcommand};
use jiff::SignedDuration;
use jiff::tz::TimeZone;

use crate::clock::Clock;
use crate::config::keymap::Keymap;
use crate::config::profile;
use crate::config::theme::{ColorDepth, ThemeSet};
use crate::config::{self, Config};
use crate::dashboard::report::By;
use crate::desk::demo::seed;
use crate::desk::demo::simulator::ArrivalSpec;
use crate::session::{Launcher, Session};
use crate::sla::Thresholds;
use crate::sla::engine::Engine;
use crate::state::{Settings, State};
use crate::text::table::Format;
use crate::{app, logging, paths, signin};

use exit::{Exit, Failure};

#[derive(Parser)]
#[command(
    name = "deskterm",
    version,
    about = "A terminal agent console for service desks: k9s for tickets",
    long_about = "A terminal agent console for service desks: k9s for tickets.\n\n\
        With nothing configured it opens an embedded demo desk: a school district \
        with live tickets, SLA countdowns and a simulator that keeps requests arriving."
)]
pub struct Cli {
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
    /// List tickets: a section or a query, sorted, as a table, JSON or CSV.
    Ls(tickets::LsArgs),
    /// One ticket with its whole conversation.
    Show {
        /// The ticket's id (42 or #42).
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Print quoted mail whole (it is folded into one line otherwise;
        /// json and csv always have the whole text).
        #[arg(long)]
        quotes: bool,
    },
    /// Send a public reply: the text from --message, --file, stdin or $EDITOR.
    Reply(write::TextArgs),
    /// Add an internal note (agents only): the text as for reply.
    Note(write::TextArgs),
    /// Log a ticket for someone (a call, a walk-in); prints its id.
    Create(create::CreateArgs),
    /// Save a ticket's attachments into a folder; prints where each went.
    Save(save::SaveArgs),
    /// Assign a ticket to an agent (id, name or email), "me" or "nobody".
    Assign {
        id: String,
        agent: String,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Set a ticket's status: new, open, pending, resolved, closed.
    Status {
        id: String,
        status: String,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Set a ticket's priority: low, normal, high, urgent.
    Priority {
        id: String,
        priority: String,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Add minutes worked to a ticket's total: 15, 90.
    Time {
        id: String,
        minutes: u32,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Copy someone (an email address) on a ticket's answers; --remove stops.
    Cc {
        id: String,
        email: String,
        #[arg(long)]
        remove: bool,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Set a ticket's field (custom field) by name, or clear it; with no
    /// name, list its fields and the values each takes.
    Field {
        id: String,
        name: Option<String>,
        value: Option<String>,
        /// Clear the field instead of setting it.
        #[arg(long, conflicts_with = "value")]
        clear: bool,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Put a tag on a ticket; --remove takes it off.
    Tag {
        id: String,
        tag: String,
        #[arg(long)]
        remove: bool,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Merge a ticket into another: its requesters and conversation join it.
    Merge {
        id: String,
        into: String,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Link a ticket to another: related, parent or depends-on.
    Link {
        id: String,
        kind: String,
        other: String,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// Move a ticket to another queue (department), by id or name.
    Move {
        id: String,
        queue: String,
        #[command(flatten)]
        write: write::WriteArgs,
    },
    /// The desk's agents, with the queues each works in.
    Agents {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The desk's queues (departments).
    Queues {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The writes not yet on the desk: list them, send them now, let one go.
    Outbox {
        #[command(subcommand)]
        command: Option<outbox::OutboxCommand>,
    },
    /// The dashboard's figures over a period, per department, channel or agent.
    Report {
        /// The period: "7d", "24h", "90m".
        #[arg(long, default_value = "7d", value_name = "PERIOD")]
        since: String,
        /// One row per department, channel or agent.
        #[arg(long, value_enum, default_value_t = By::Department)]
        by: By,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
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
    /// Connect a desk: asks its kind, address, user and token, checks them
    /// with the desk, writes the profile and keeps the token.
    Connect(connect::ConnectArgs),
    /// Sign in to a profile's desk: check a token and keep it in the best store there is.
    Login {
        /// The profile (default: --profile, then default_profile).
        name: Option<String>,
        /// Keep it here rather than in the first store that works: keyring, kernel, file.
        #[arg(long, value_name = "STORE")]
        store: Option<String>,
        /// Bind a token kept before tokens were bound to a desk to the desk the
        /// profile names now (only if it was made for that desk); sends nothing.
        #[arg(long, conflicts_with = "store")]
        adopt: bool,
    },
    /// Forget a profile's stored token.
    Logout {
        /// The profile (default: --profile, then default_profile).
        name: Option<String>,
    },
    /// List the profiles and where each one's credential is kept.
    Profiles,
    /// The embedded demo desk: open it, rebuild it, or build a large one.
    Demo {
        /// Rebuild the demo desk from its seed and exit.
        #[arg(long)]
        reset: bool,
        /// Build a demo desk with this many tickets and exit (for benchmarks).
        #[arg(long, value_name = "N")]
        tickets: Option<usize>,
    },
    /// Print a completion script: deskterm completions bash > /etc/bash_completion.d/deskterm
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): deskterm man | man -l -
    Man,
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

/// Parse the arguments and run; usage mistakes exit 1, as documented.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = e.print();
            return Exit::Usage.into();
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("deskterm: {failure}");
            failure.exit.into()
        }
    }
}

/// The whole command line, as clap knows it: for completions and the manual.
pub fn definition() -> clap::Command {
    Cli::command()
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

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let path = config_path(&cli);
    match &cli.command {
        Some(Command::Ls(args)) => return tickets::ls(&cli, args),
        Some(Command::Show { id, format, quotes }) => {
            return tickets::show(&cli, id, *format, *quotes);
        }
        Some(Command::Agents { format }) => return tickets::agents(&cli, *format),
        Some(Command::Queues { format }) => return tickets::queues(&cli, *format),
        Some(Command::Reply(args)) => return write::text(&cli, args, false),
        Some(Command::Note(args)) => return write::text(&cli, args, true),
        Some(Command::Create(args)) => return create::create(&cli, args),
        Some(Command::Save(args)) => return save::save(&cli, args),
        Some(Command::Assign { id, agent, write }) => {
            return write::assign(&cli, id, agent, write);
        }
        Some(Command::Status { id, status, write }) => {
            return write::status(&cli, id, status, write);
        }
        Some(Command::Priority {
            id,
            priority,
            write,
        }) => return write::priority(&cli, id, priority, write),
        Some(Command::Move { id, queue, write }) => return write::move_to(&cli, id, queue, write),
        Some(Command::Cc {
            id,
            email,
            remove,
            write,
        }) => return write::cc(&cli, id, email, *remove, write),
        Some(Command::Merge { id, into, write }) => return write::merge(&cli, id, into, write),
        Some(Command::Field { id, name: None, .. }) => return tickets::fields(&cli, id),
        Some(Command::Field {
            id,
            name: Some(name),
            value,
            clear,
            write,
        }) => return write::field(&cli, id, name, value.as_deref(), *clear, write),
        Some(Command::Tag {
            id,
            tag,
            remove,
            write,
        }) => return write::tag(&cli, id, tag, *remove, write),
        Some(Command::Link {
            id,
            kind,
            other,
            write,
        }) => return write::link(&cli, id, kind, other, write),
        Some(Command::Time { id, minutes, write }) => {
            return write::time(&cli, id, *minutes, write);
        }
        Some(Command::Outbox { command }) => return outbox::outbox(&cli, command.as_ref()),
        Some(Command::Report { since, by, format }) => {
            return report::report(&cli, since, *by, *format);
        }
        Some(Command::Completions { shell }) => {
            let mut command = definition();
            clap_complete::generate(*shell, &mut command, "deskterm", &mut std::io::stdout());
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Man) => {
            clap_mangen::Man::new(definition()).render(&mut std::io::stdout())?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Config { action }) => return Ok(admin::config_command(action, &path)?),
        Some(Command::Sla { action }) => return Ok(admin::sla_command(&cli, action)?),
        Some(Command::Login {
            name, adopt: true, ..
        }) => {
            let config = load_config(&path)?;
            let name = name.as_deref().or(cli.profile.as_deref());
            println!("{}", signin::adopt(&config, &config_dir(&cli), name)?);
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Connect(args)) => return Ok(connect::connect(&cli, args)?),
        Some(Command::Login { name, store, .. }) => {
            let config = load_config(&path)?;
            return Ok(admin::login(
                &cli,
                &config,
                name.as_deref(),
                store.as_deref(),
            )?);
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
        Some(Command::Demo { reset, tickets }) if *reset || tickets.is_some() => {
            let config = load_config(&path)?;
            return Ok(admin::rebuild_demo(
                &cli,
                &config,
                tickets.unwrap_or(seed::DEFAULT_TICKETS),
            )?);
        }
        _ => {}
    }
    let config = load_config(&path)?;
    Ok(console(&cli, config)?)
}

fn load_config(path: &std::path::Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(|e| anyhow::anyhow!("{e}"))
}

fn demo_path(cli: &Cli, config: &Config) -> PathBuf {
    cli.demo_db
        .clone()
        .or_else(|| config.demo.database.clone())
        .unwrap_or_else(paths::demo_db)
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
        Area::new(0, 0, 80, 24),
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
        .or(config.theme_name().map(str::to_string))
        .unwrap_or_else(|| themes.default_name().to_string());
    let Some(theme) = themes.get(&theme_name) else {
        anyhow::bail!("{}", themes.missing(&theme_name));
    };

    let engine = sla_engine(config, cli)?;
    let defaults = Thresholds::default();
    let base = Settings {
        profile: String::new(),
        keymap: Keymap::with_overrides(&config.keymap).with_commands(&config.commands),
        commands: config.commands.clone(),
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
        mouse: config.mouse.unwrap_or(true),
        ascii: config
            .ascii
            .unwrap_or_else(|| !crate::ui::ascii::locale_is_utf8(|name| std::env::var(name).ok())),
        macros: config.macros(),
        sla: engine,
        notify: config.sla.notify.unwrap_or_default(),
        read_only: None,
        credential: None,
        lacks: Vec::new(),
        delivers: &[crate::desk::Channel::Email],
        uploads: Default::default(),
        display: false,
        web_page: None,
        floods: config.floods.thresholds(),
        sections: config.sections(),
        server_search: true,
        downloads: config.downloads.clone().or_else(|| {
            directories::UserDirs::new().and_then(|d| d.download_dir().map(PathBuf::from))
        }),
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
        config_path: config_path(cli),
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

/// A profile opened for one command: its desk, settings and a runtime.
struct Connected {
    runtime: Option<tokio::runtime::Runtime>,
    session: Session,
    launcher: Launcher,
    clock: Clock,
    now: jiff::Timestamp,
}

impl Connected {
    fn open(cli: &Cli) -> Result<Self, Failure> {
        let config = load_config(&config_path(cli))?;
        let clock = Clock::from_env()?;
        let (base, _) = base_settings(cli, &config)?;
        let launcher = launcher(cli, config, clock, base);
        let session = open(&launcher, cli)?;
        Ok(Self {
            runtime: Some(tokio::runtime::Runtime::new()?),
            session,
            launcher,
            clock,
            now: clock.now(),
        })
    }

    fn block_on<F: std::future::Future>(&self, work: F) -> F::Output {
        match &self.runtime {
            Some(runtime) => runtime.block_on(work),
            None => unreachable!("the runtime lives as long as the connection"),
        }
    }

    fn desk(&self) -> &dyn crate::desk::Desk {
        self.session.desk.as_ref()
    }

    fn thresholds(&self) -> &Thresholds {
        &self.launcher.base.thresholds
    }

    /// The clocks the desk did not send, filled as the console fills them.
    fn fill_sla(&self, ticket: &mut crate::desk::TicketSummary) {
        let facts = crate::sla::engine::Facts::from_summary(ticket);
        self.launcher.base.sla.fill(ticket, &facts);
    }
}

impl Drop for Connected {
    fn drop(&mut self) {
        // Nothing may keep the command from exiting.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Where a command's table goes: fitted to the terminal, or whole to a pipe.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    std::io::stdout()
        .is_terminal()
        .then(|| {
            crossterm::terminal::size()
                .ok()
                .map(|(w, _)| usize::from(w))
        })
        .flatten()
}

/// A ticket id as typed: "42" or "#42".
fn ticket_id(text: &str) -> crate::desk::TicketId {
    crate::desk::TicketId(text.trim().trim_start_matches('#').to_string().into())
}
