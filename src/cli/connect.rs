//! `deskterm connect`: a desk in one command, as `gh auth login` asks it.
//! The kind of desk, its address, the user and the token, each asked (or
//! given as a flag, or piped one a line), checked against the desk, then the
//! profile written into config.toml with its comments and layout kept, and
//! the token kept in the best store there is. Nothing is written until the
//! desk has said yes: a wrong answer is one sentence, and the question again
//! when someone is there to answer it.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use toml_edit::{DocumentMut, Item, Table, value};

use super::{Cli, config_dir, config_path};
use crate::config::Config;
use crate::config::secret::Secret;
use crate::credential::StoreKind;
use crate::desk::DeskError;
use crate::desk::Explained;
use crate::signin;

#[derive(Args, Debug, Default)]
pub struct ConnectArgs {
    /// The profile's name (default: from the desk's address).
    pub name: Option<String>,
    /// rt, helpdesk, redmine or zendesk.
    #[arg(long, value_name = "KIND")]
    pub backend: Option<String>,
    /// The desk's address (https://rt.example.org).
    #[arg(long)]
    pub url: Option<String>,
    /// The user deskterm signs in as (Zendesk: your email address).
    #[arg(long)]
    pub user: Option<String>,
    /// django-helpdesk: a queue, as ID=NAME (repeatable); its API cannot list them.
    #[arg(long = "queue", value_name = "ID=NAME")]
    pub queues: Vec<String>,
    /// django-helpdesk: a staff user, as ID=LOGIN (repeatable), you among them.
    #[arg(long = "agent", value_name = "ID=LOGIN")]
    pub agents: Vec<String>,
    /// Make it the default profile.
    #[arg(long)]
    pub default: bool,
    /// Keep the token here rather than in the first store that works.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
}

const KINDS: [&str; 4] = ["rt", "helpdesk", "redmine", "zendesk"];

/// Where answers come from: someone at the terminal (asked again after a
/// wrong answer), or lines piped in (a wrong answer ends it).
struct Answers {
    typed: bool,
    lines: std::io::Lines<std::io::StdinLock<'static>>,
}

impl Answers {
    fn new() -> Self {
        Self {
            typed: std::io::stdin().is_terminal(),
            lines: std::io::stdin().lock().lines(),
        }
    }

    /// One answer, `given` if a flag said it; `None` when the input ended.
    fn ask(&mut self, question: &str, given: Option<&str>) -> anyhow::Result<String> {
        if let Some(given) = given.filter(|g| !g.trim().is_empty()) {
            return Ok(given.trim().to_string());
        }
        if self.typed {
            eprint!("{question}: ");
            std::io::stderr().flush()?;
        }
        match self.lines.next() {
            Some(line) => Ok(line?.trim().to_string()),
            None => anyhow::bail!("no answer to “{question}”; nothing was written"),
        }
    }

    /// The token: typed without echo, or the next line piped in.
    fn token(&mut self, question: &str) -> anyhow::Result<Secret> {
        let token = match self.typed {
            true => crate::terminal::read_secret(&format!("{question} (not shown): "))?
                .ok_or_else(|| anyhow::anyhow!("cancelled; nothing was written"))?,
            false => match self.lines.next() {
                Some(line) => line?,
                None => anyhow::bail!("no token given; nothing was written"),
            },
        };
        Ok(Secret::new(token.trim()))
    }
}

/// The first label of the address's host, as a profile name ("rt" for
/// https://rt.example.org).
fn name_from(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .and_then(|h| h.split('.').next().map(str::to_string))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_else(|| "desk".to_string())
}

/// `ID=NAME` pairs, in a table of their own.
fn numbered(pairs: &[String], what: &str) -> anyhow::Result<Table> {
    let mut table = Table::new();
    table.set_implicit(false);
    for pair in pairs.iter().flat_map(|p| p.split(',')) {
        let (id, name) = pair
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("{what} {pair:?}: write it as ID=NAME (1=IT)"))?;
        if id.trim().parse::<u64>().is_err() {
            anyhow::bail!("{what} {pair:?}: the id must be a number");
        }
        table.insert(id.trim(), value(name.trim()));
    }
    Ok(table)
}

/// The profile as a TOML table.
fn profile_table(
    kind: &str,
    url: &str,
    user: &str,
    queues: Option<Table>,
    agents: Option<Table>,
) -> Table {
    let mut table = Table::new();
    table.insert("backend", value(kind));
    table.insert("url", value(url));
    table.insert("user", value(user));
    if let Some(queues) = queues {
        table.insert(
            "queues",
            Item::Value(toml_edit::Value::InlineTable(queues.into_inline_table())),
        );
    }
    if let Some(agents) = agents {
        table.insert(
            "agents",
            Item::Value(toml_edit::Value::InlineTable(agents.into_inline_table())),
        );
    }
    table
}

/// What to say of a desk that said no, in one sentence, and which question
/// to ask again.
fn refusal(e: &anyhow::Error) -> (String, Again) {
    let kind = e.downcast_ref::<Explained>().map(|x| &x.error);
    let again = match kind {
        Some(DeskError::Auth) => Again::Token,
        Some(DeskError::Forbidden { .. }) => Again::User,
        _ => Again::Url,
    };
    (format!("{e}"), again)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Again {
    Url,
    User,
    Token,
}

pub(super) fn connect(cli: &Cli, args: &ConnectArgs) -> anyhow::Result<ExitCode> {
    let path = config_path(cli);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => anyhow::bail!("{} cannot be read: {e}", path.display()),
    };
    let doc: DocumentMut = text
        .parse()
        .map_err(|e| anyhow::anyhow!("{} is not TOML: {e}", path.display()))?;
    // A file of comments alone keeps them as its tail, which new entries
    // would go before: they stay on top, as written.
    let (doc, head) = match doc.as_table().is_empty() {
        true => (DocumentMut::new(), text.clone()),
        false => (doc, String::new()),
    };
    let whole = |doc: &DocumentMut| match head.is_empty() {
        true => doc.to_string(),
        false => format!("{}\n{doc}", head.trim_end()),
    };
    let only = match &args.store {
        None => None,
        Some(word) => Some(
            StoreKind::parse(word)
                .ok_or_else(|| anyhow::anyhow!("--store {word}: say keyring, kernel or file"))?,
        ),
    };
    let mut answers = Answers::new();
    let kind = loop {
        let kind = answers
            .ask(
                &format!("kind of desk ({})", KINDS.join(", ")),
                args.backend.as_deref(),
            )?
            .to_lowercase();
        if KINDS.contains(&kind.as_str()) {
            break kind;
        }
        let said = format!(
            "“{kind}” is no kind of desk deskterm knows: say {}",
            KINDS.join(", ")
        );
        if !answers.typed || args.backend.is_some() {
            anyhow::bail!("{said}; nothing was written");
        }
        eprintln!("{said}");
    };
    let (mut url, mut user) = (args.url.clone(), args.user.clone());
    let helpdesk = kind == "helpdesk";
    loop {
        let address = answers.ask("the desk's address (https://…)", url.as_deref())?;
        let who = answers.ask(
            match kind.as_str() {
                "zendesk" => "your email address",
                _ => "your user name",
            },
            user.as_deref(),
        )?;
        let (queues, agents) = match helpdesk {
            true => {
                let queues = answers.ask(
                    "its queues, as ID=NAME, commas between (1=IT,2=HR)",
                    Some(&args.queues.join(","))
                        .filter(|q| !q.is_empty())
                        .map(String::as_str),
                )?;
                let agents = answers.ask(
                    "its staff, as ID=LOGIN, commas between, you among them",
                    Some(&args.agents.join(","))
                        .filter(|a| !a.is_empty())
                        .map(String::as_str),
                )?;
                (
                    Some(numbered(&[queues], "queue")?),
                    Some(numbered(&[agents], "agent")?),
                )
            }
            false => (None, None),
        };
        let name = args.name.clone().unwrap_or_else(|| name_from(&address));
        if doc.get("profiles").and_then(|p| p.get(&name)).is_some() {
            anyhow::bail!(
                "config.toml has a profile `{name}` already: name another\n  \
                 (deskterm connect NAME), or sign it in again (deskterm login {name})"
            );
        }
        let mut candidate = doc.clone();
        let profiles = candidate
            .entry("profiles")
            .or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            })
            .as_table_mut()
            .ok_or_else(|| anyhow::anyhow!("`profiles` in config.toml is not a table"))?;
        profiles.insert(
            &name,
            Item::Table(profile_table(&kind, &address, &who, queues, agents)),
        );
        let written = whole(&candidate);
        // Read back as deskterm reads it: a mistake is named by its line.
        let config: Config = crate::config::parse_toml(&written, &path)?;
        if let Some(problem) = config.profiles.get(&name).and_then(|p| {
            crate::config::profile::problems(&name, p, &config_dir(cli))
                .into_iter()
                .next()
        }) {
            if !answers.typed || url.is_some() {
                anyhow::bail!("{problem}; nothing was written");
            }
            eprintln!("{problem}");
            continue;
        }
        let token = answers.token(&format!("token for {name}"))?;
        let runtime = tokio::runtime::Runtime::new()?;
        let checked = runtime.block_on(async {
            let signed = signin::login(&config, &config_dir(cli), Some(&name), token, only).await?;
            let queues = signed.desk.queues().await.map(|q| q.len()).unwrap_or(0);
            anyhow::Ok((signed, queues))
        });
        runtime.shutdown_background();
        let (signed, queues) = match checked {
            Ok(found) => found,
            Err(e) => {
                let (said, again) = refusal(&e);
                if !answers.typed {
                    anyhow::bail!("{said}");
                }
                eprintln!("{said}");
                match again {
                    Again::Url => url = None,
                    Again::User => user = None,
                    Again::Token => {
                        url = Some(address);
                        user = Some(who);
                    }
                }
                continue;
            }
        };
        let mut candidate = candidate;
        let make_default = args.default
            || (answers.typed
                && answers
                    .ask(&format!("make {name} the default profile? [y/N]"), None)?
                    .eq_ignore_ascii_case("y"));
        if make_default {
            candidate["default_profile"] = value(&name);
        }
        write_config(&path, &whole(&candidate))?;
        println!(
            "{} · {queues} queues; profile `{name}` written to {}{}",
            signed.told,
            path.display(),
            if make_default { " as the default" } else { "" }
        );
        return Ok(ExitCode::SUCCESS);
    }
}

/// Write config.toml whole or not at all (a file beside it, then renamed),
/// the user's alone.
fn write_config(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        crate::paths::private_dir(dir)?;
    }
    let beside = path.with_extension("toml.new");
    std::fs::write(&beside, text)?;
    crate::paths::private_file(&beside)?;
    std::fs::rename(&beside, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_goes_in_with_the_files_comments_kept() {
        let text = "# my desks\ntheme = \"dark\"   # the dark one\n\n[profiles.old]\n\
                    backend = \"rt\" # kept\nurl = \"https://old.example.org\"\nuser = \"a\"\n";
        let mut doc: DocumentMut = text.parse().expect("toml");
        let queues = numbered(&["1=IT,2=HR".into()], "queue").expect("queues");
        doc["profiles"].as_table_mut().expect("profiles").insert(
            "hd",
            Item::Table(profile_table(
                "helpdesk",
                "https://hd.example.org",
                "alice",
                Some(queues),
                None,
            )),
        );
        let written = doc.to_string();
        assert!(
            written.starts_with("# my desks\ntheme = \"dark\"   # the dark one\n"),
            "{written}"
        );
        assert!(written.contains("backend = \"rt\" # kept"), "{written}");
        assert!(written.contains("[profiles.hd]"), "{written}");
        assert!(
            written.contains("queues = { 1 = \"IT\", 2 = \"HR\" }"),
            "{written}"
        );
        let config: Config =
            crate::config::parse_toml(&written, Path::new("config.toml")).expect("reads back");
        assert_eq!(config.profiles["hd"].queues.len(), 2);
    }

    #[test]
    fn a_name_comes_from_the_address() {
        assert_eq!(name_from("https://rt.example.org"), "rt");
        assert_eq!(name_from("http://127.0.0.1:8080"), "127");
        assert_eq!(name_from("nonsense"), "desk");
        assert!(numbered(&["IT".into()], "queue").is_err());
    }
}
