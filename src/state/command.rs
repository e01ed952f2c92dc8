//! The `:` command line: parsing and Tab completion.

use super::input::LineInput;
use super::queue::SortKey;

/// What the user can say on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    Refresh,
    /// A section tab by name (queues are sections too).
    Section(String),
    /// A query on the whole desk, as a tab of its own.
    Search(String),
    Sort {
        key: SortKey,
        reversed: bool,
    },
    Theme(String),
    Open(String),
    /// Switch to a profile; without a name, choose one from a list.
    Profile(Option<String>),
    /// The writes not yet on the desk.
    Outbox,
    /// The dashboard.
    Dashboard,
    /// Sign in again with a new token.
    Login,
    /// What the status line said, in full.
    Messages,
    /// Log a new ticket for someone.
    New,
    /// Minutes worked on the open ticket.
    Time(u32),
    /// Copy someone on the open ticket (`-email` stops).
    Cc(String),
    /// Merge the marked tickets (or the one in view) into this one.
    Merge(String),
    /// Link the ticket in view to another.
    Link(crate::desk::LinkKind, String),
    /// Attach a file to the reply or note being written (`-name` takes it off).
    Attach(String),
    /// Set a field of the ticket in view (`None` clears it).
    Field {
        name: String,
        value: Option<String>,
    },
    /// Put a tag on the ticket in view (`-tag` takes it off).
    Tag(String),
}

/// What the argument of a command is, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arg {
    None,
    Queue,
    Section,
    Sort,
    Theme,
    Ticket,
    Profile,
    Path,
}

pub struct Spec {
    pub name: &'static str,
    pub usage: &'static str,
    pub help: &'static str,
    arg: Arg,
    /// What the desk must be able to do (a [`crate::desk::Capabilities::lacks`]
    /// word); help and completion leave the command out where it lacks it.
    pub needs: Option<&'static str>,
}

pub const COMMANDS: &[Spec] = &[
    Spec {
        name: "queue",
        usage: ":queue NAME",
        help: "show one department's queue (e.g. :queue HR)",
        arg: Arg::Queue,
        needs: None,
    },
    Spec {
        name: "section",
        usage: ":section NAME",
        help: "show a section tab: all, mine, unassigned, a queue, or one of yours",
        arg: Arg::Section,
        needs: None,
    },
    Spec {
        name: "search",
        usage: ":search QUERY",
        help: "search the whole desk, every status: words and terms as in ls --query",
        arg: Arg::None,
        needs: None,
    },
    Spec {
        name: "sort",
        usage: ":sort sla|priority|updated|created|id [reverse]",
        help: "sort the queue",
        arg: Arg::Sort,
        needs: None,
    },
    Spec {
        name: "theme",
        usage: ":theme NAME",
        help: "switch theme (dark, light, high-contrast, ansi16, mono, or yours)",
        arg: Arg::Theme,
        needs: None,
    },
    Spec {
        name: "profile",
        usage: ":profile [NAME|new]",
        help: "switch to another desk (a profile in config.toml, or demo); new connects one",
        arg: Arg::Profile,
        needs: None,
    },
    Spec {
        name: "dash",
        usage: ":dash",
        help: "the dashboard: open by department and channel, flow, SLA, load",
        arg: Arg::None,
        needs: None,
    },
    Spec {
        name: "attach",
        usage: ":attach PATH",
        help: "attach a file to the reply or note being written; :attach -NAME takes it off",
        arg: Arg::Path,
        needs: Some("attaching files"),
    },
    Spec {
        name: "field",
        usage: ":field NAME = VALUE",
        help: "set a field of the ticket in view (F chooses from its values); NAME = clears",
        arg: Arg::None,
        needs: Some("fields agents can set"),
    },
    Spec {
        name: "tag",
        usage: ":tag TAG",
        help: "put a tag on the ticket in view; :tag -TAG takes it off",
        arg: Arg::None,
        needs: Some("tags"),
    },
    Spec {
        name: "link",
        usage: ":link related|parent|depends-on ID",
        help: "link the ticket in view to ticket ID",
        arg: Arg::None,
        needs: Some("linking tickets"),
    },
    Spec {
        name: "merge",
        usage: ":merge ID",
        help: "merge the marked tickets (or the one in view) into ticket ID",
        arg: Arg::None,
        needs: Some("merging tickets"),
    },
    Spec {
        name: "cc",
        usage: ":cc EMAIL",
        help: "copy someone on the open ticket's answers; :cc -EMAIL stops",
        arg: Arg::None,
        needs: Some("copying people on a ticket (Cc)"),
    },
    Spec {
        name: "time",
        usage: ":time MINUTES",
        help: "add minutes worked to the open ticket (through the outbox)",
        arg: Arg::None,
        needs: Some("time worked"),
    },
    Spec {
        name: "new",
        usage: ":new",
        help: "log a new ticket for someone who called or walked in",
        arg: Arg::None,
        needs: Some("logging new tickets"),
    },
    Spec {
        name: "outbox",
        usage: ":outbox",
        help: "writes not yet on the desk: r retries, e edits, D discards",
        arg: Arg::None,
        needs: None,
    },
    Spec {
        name: "messages",
        usage: ":messages",
        help: "what the status line said, in full, with the desk's own words",
        arg: Arg::None,
        needs: None,
    },
    Spec {
        name: "login",
        usage: ":login",
        help: "sign in again with a new token (nothing on screen is lost)",
        arg: Arg::None,
        needs: None,
    },
    Spec {
        name: "open",
        usage: ":open ID",
        help: "open a ticket by id",
        arg: Arg::Ticket,
        needs: None,
    },
    Spec {
        name: "refresh",
        usage: ":refresh",
        help: "refresh from the desk now",
        arg: Arg::None,
        needs: None,
    },
    Spec {
        name: "help",
        usage: ":help",
        help: "show the keys and commands",
        arg: Arg::None,
        needs: None,
    },
    Spec {
        name: "quit",
        usage: ":quit (or :q)",
        help: "quit deskterm",
        arg: Arg::None,
        needs: None,
    },
];

/// Names completion can offer for each kind of argument.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// What the desk cannot do: its commands are not offered.
    pub lacks: Vec<&'static str>,
    pub queues: Vec<String>,
    pub sections: Vec<String>,
    pub themes: Vec<String>,
    pub profiles: Vec<String>,
}

fn spec(name: &str) -> Option<&'static Spec> {
    let name = name.to_lowercase();
    if let Some(exact) = COMMANDS.iter().find(|c| c.name == name) {
        return Some(exact);
    }
    let matches: Vec<_> = COMMANDS
        .iter()
        .filter(|c| c.name.starts_with(&name))
        .collect();
    (matches.len() == 1).then(|| matches[0])
}

pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim().trim_start_matches(':').trim();
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    if matches!(word, "q" | "q!" | "wq" | "x") {
        return Ok(Command::Quit);
    }
    let Some(spec) = spec(word) else {
        let could: Vec<&str> = COMMANDS
            .iter()
            .map(|c| c.name)
            .filter(|name| !word.is_empty() && name.starts_with(word))
            .collect();
        return Err(match could.as_slice() {
            [] => format!("unknown command `{word}` (press ? for the list)"),
            _ => format!("`{word}` could be {}", could.join(" or ")),
        });
    };
    let need = |what: &str| format!("{} needs {what}: {}", spec.name, spec.usage);
    match spec.name {
        "quit" => Ok(Command::Quit),
        "help" => Ok(Command::Help),
        "refresh" => Ok(Command::Refresh),
        "outbox" => Ok(Command::Outbox),
        "new" => Ok(Command::New),
        "link" => {
            let mut words = rest.split_whitespace();
            match (
                words.next().and_then(crate::desk::LinkKind::parse),
                words.next().map(|w| w.trim_start_matches('#')),
            ) {
                (Some(kind), Some(id)) if !id.is_empty() => Ok(Command::Link(kind, id.to_string())),
                _ => Err(need("related, parent or depends-on, and a ticket id")),
            }
        }
        "merge" if rest.trim_start_matches('#').is_empty() => Err(need("a ticket id")),
        "merge" => Ok(Command::Merge(rest.trim_start_matches('#').to_string())),
        "field" => match rest.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok(Command::Field {
                name: name.trim().to_string(),
                value: Some(value.trim().to_string()).filter(|v| !v.is_empty()),
            }),
            _ => Err(need("a field's name, =, and its value")),
        },
        "tag" if rest.trim_start_matches('-').is_empty() || rest.contains([' ', ',']) => {
            Err(need("one tag, without spaces"))
        }
        "tag" => Ok(Command::Tag(rest.to_string())),
        "attach" if rest.is_empty() => Err(need("a file")),
        "attach" => Ok(Command::Attach(rest.to_string())),
        "cc" if !rest.contains('@') => Err(need("an email address")),
        "cc" => Ok(Command::Cc(rest.to_string())),
        "time" => match rest.parse::<u32>() {
            Ok(minutes) if minutes > 0 => Ok(Command::Time(minutes)),
            _ => Err(need("a number of minutes")),
        },
        "dash" => Ok(Command::Dashboard),
        "login" => Ok(Command::Login),
        "messages" => Ok(Command::Messages),
        "search" if rest.is_empty() => Err(need("a query: words, status:, queue:, owner: …")),
        "search" => Ok(Command::Search(rest.to_string())),
        "queue" | "section" if rest.is_empty() => Err(need("a name")),
        "queue" | "section" => Ok(Command::Section(rest.to_string())),
        "theme" if rest.is_empty() => Err(need("a theme name")),
        "theme" => Ok(Command::Theme(rest.to_string())),
        "profile" => Ok(Command::Profile(
            (!rest.is_empty()).then(|| rest.to_string()),
        )),
        "open" if rest.is_empty() => Err(need("a ticket id")),
        "open" => Ok(Command::Open(rest.trim_start_matches('#').to_string())),
        "sort" => {
            let mut words = rest.split_whitespace();
            let word = words.next().unwrap_or("").to_lowercase();
            let keys: Vec<SortKey> = SortKey::ALL
                .into_iter()
                .filter(|k| !word.is_empty() && k.name().starts_with(&word))
                .collect();
            let [key] = keys[..] else {
                return Err(need("a column"));
            };
            let reversed = match words.next() {
                None => false,
                Some(w) if "reverse".starts_with(w) || w == "desc" => true,
                Some(w) => return Err(format!("sort: `{w}` is not `reverse`")),
            };
            Ok(Command::Sort { key, reversed })
        }
        _ => Err(format!("unknown command `{word}`")),
    }
}

/// Whole-line candidates for what has been typed so far.
pub fn candidates(line: &str, words: &Vocabulary) -> Vec<String> {
    let typed = line.trim_start();
    match typed.split_once(' ') {
        None => COMMANDS
            .iter()
            .filter(|c| c.name.starts_with(&typed.to_lowercase()))
            .filter(|c| !c.needs.is_some_and(|n| words.lacks.contains(&n)))
            .map(|c| {
                let space = if c.arg == Arg::None { "" } else { " " };
                format!("{}{space}", c.name)
            })
            .collect(),
        Some((word, rest)) => {
            let Some(spec) = spec(word) else {
                return Vec::new();
            };
            if spec.arg == Arg::Path {
                return paths(rest.trim_start())
                    .into_iter()
                    .map(|p| format!("{} {p}", spec.name))
                    .collect();
            }
            let options: Vec<String> = match spec.arg {
                Arg::Queue => words.queues.clone(),
                Arg::Section => words.sections.clone(),
                Arg::Theme => words.themes.clone(),
                Arg::Profile => words.profiles.clone(),
                Arg::Sort => SortKey::ALL.iter().map(|k| k.name().to_string()).collect(),
                Arg::None | Arg::Ticket | Arg::Path => Vec::new(),
            };
            let rest = rest.trim_start().to_lowercase();
            let starts: Vec<&String> = options
                .iter()
                .filter(|o| o.to_lowercase().starts_with(&rest))
                .collect();
            let chosen = if starts.is_empty() {
                options
                    .iter()
                    .filter(|o| o.to_lowercase().contains(&rest))
                    .collect()
            } else {
                starts
            };
            chosen
                .into_iter()
                .map(|o| format!("{} {o}", spec.name))
                .collect()
        }
    }
}

/// The files and folders whose path starts with `typed` (folders end in
/// `/`; `~` is the home folder; hidden ones only when asked for).
fn paths(typed: &str) -> Vec<String> {
    let (folder, start) = match typed.rfind('/') {
        Some(at) => typed.split_at(at + 1),
        None => ("", typed),
    };
    let listed = match folder {
        "" => std::path::PathBuf::from("."),
        f => expand_home(f),
    };
    let Ok(entries) = std::fs::read_dir(&listed) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            if !name.starts_with(start) || (name.starts_with('.') && !start.starts_with('.')) {
                return None;
            }
            let slash = if entry.path().is_dir() { "/" } else { "" };
            Some(format!("{folder}{name}{slash}"))
        })
        .collect();
    found.sort();
    found
}

/// `~/x` as the home folder's `x`; anything else as it is.
pub fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ if path == "~" => std::env::var_os("HOME").map_or_else(|| path.into(), Into::into),
        _ => path.into(),
    }
}

fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut end = first.len();
    for item in &items[1..] {
        end = first
            .char_indices()
            .zip(item.chars())
            .take_while(|((_, a), b)| a.eq_ignore_ascii_case(b))
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}

/// The command line's state while it is open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandLine {
    pub input: LineInput,
    /// Candidates shown under the line after Tab.
    pub candidates: Vec<String>,
    /// Which candidate a repeated Tab put in the line.
    pub chosen: Option<usize>,
}

impl CommandLine {
    /// Tab: complete the common prefix; a second Tab cycles the candidates.
    pub fn complete(&mut self, words: &Vocabulary) {
        // Candidates still on show mean this is a repeated Tab: cycle them.
        if self.candidates.len() > 1 {
            let next = self.chosen.map_or(0, |i| (i + 1) % self.candidates.len());
            self.chosen = Some(next);
            let pick = self.candidates[next].clone();
            self.input.set(&pick);
            return;
        }
        self.candidates = candidates(self.input.text(), words);
        self.chosen = None;
        match self.candidates.len() {
            0 => {}
            1 => {
                let only = self.candidates[0].clone();
                self.input.set(&only);
                self.candidates.clear();
            }
            _ => {
                let prefix = common_prefix(&self.candidates);
                if prefix.len() > self.input.text().len() {
                    self.input.set(&prefix);
                }
            }
        }
    }

    /// Typing after a completion starts a fresh one.
    pub fn edited(&mut self) {
        self.candidates.clear();
        self.chosen = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Vocabulary {
        Vocabulary {
            lacks: vec!["tags"],
            queues: vec![
                "IT".into(),
                "HR".into(),
                "Food Services".into(),
                "Facilities".into(),
            ],
            sections: vec!["All".into(), "Mine".into()],
            themes: vec!["dark".into(), "light".into(), "high-contrast".into()],
            profiles: vec!["demo".into(), "district".into()],
        }
    }

    #[test]
    fn parses_the_commands() {
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse(":quit"), Ok(Command::Quit));
        assert_eq!(parse("queue HR"), Ok(Command::Section("HR".into())));
        assert_eq!(
            parse("que Food Services"),
            Ok(Command::Section("Food Services".into()))
        );
        assert!(
            parse("qu HR")
                .expect_err("ambiguous")
                .contains("queue or quit")
        );
        assert_eq!(
            parse("sort updated reverse"),
            Ok(Command::Sort {
                key: SortKey::Updated,
                reversed: true
            })
        );
        assert_eq!(parse("theme light"), Ok(Command::Theme("light".into())));
        assert_eq!(parse("open #42"), Ok(Command::Open("42".into())));
        assert_eq!(
            parse("so up"),
            Ok(Command::Sort {
                key: SortKey::Updated,
                reversed: false
            })
        );
        assert!(parse("sort colour").is_err());
        assert!(parse("frobnicate").is_err());
        assert!(parse("queue").is_err());
    }

    #[test]
    fn field_and_tag_read_their_names_and_values() {
        assert_eq!(
            parse(":field Employee ID = E-20417"),
            Ok(Command::Field {
                name: "Employee ID".into(),
                value: Some("E-20417".into())
            })
        );
        assert_eq!(
            parse(":field School ="),
            Ok(Command::Field {
                name: "School".into(),
                value: None
            })
        );
        assert!(parse(":field School").is_err());
        assert_eq!(
            parse(":tag -late-bus"),
            Ok(Command::Tag("-late-bus".into()))
        );
        assert!(parse(":tag two words").is_err());
    }

    #[test]
    fn attach_completes_paths_folders_with_a_slash_and_no_hidden_files() {
        let dir = tempfile::tempdir().expect("test setup");
        let root = dir.path().display().to_string();
        std::fs::write(dir.path().join("scan.pdf"), b"%PDF").expect("test setup");
        std::fs::create_dir(dir.path().join("scans")).expect("test setup");
        std::fs::write(dir.path().join(".scanrc"), b"").expect("test setup");
        std::fs::write(dir.path().join("other.txt"), b"").expect("test setup");
        let found = candidates(&format!("attach {root}/sc"), &words());
        assert_eq!(
            found,
            [
                format!("attach {root}/scan.pdf"),
                format!("attach {root}/scans/")
            ]
        );
        let mut line = CommandLine::default();
        line.input.set(&format!("attach {root}/oth"));
        line.complete(&words());
        assert_eq!(line.input.text(), format!("attach {root}/other.txt"));
        assert_eq!(
            parse(&format!("attach {root}/other.txt")),
            Ok(Command::Attach(format!("{root}/other.txt")))
        );
    }

    #[test]
    fn tab_completes_commands_then_arguments() {
        let mut line = CommandLine::default();
        line.input.set("th");
        line.complete(&words());
        assert_eq!(line.input.text(), "theme ");
        line.input.set("theme l");
        line.complete(&words());
        assert_eq!(line.input.text(), "theme light");
        line.input.set("queue f");
        line.edited();
        line.complete(&words());
        assert_eq!(line.input.text(), "queue f");
        assert_eq!(line.candidates, ["queue Food Services", "queue Facilities"]);
        line.complete(&words());
        assert_eq!(line.input.text(), "queue Food Services");
        line.complete(&words());
        assert_eq!(line.input.text(), "queue Facilities");
    }

    #[test]
    fn completion_falls_back_to_a_part_of_the_name() {
        assert_eq!(
            candidates("theme contrast", &words()),
            ["theme high-contrast"]
        );
    }
}
