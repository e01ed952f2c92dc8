//! The user's configuration: `config.toml` in the platform's config folder,
//! keymap overrides, themes. A file with a mistake is reported with its line
//! and column, never a panic, and never silently ignored.

pub mod commands;
pub mod keymap;
pub mod macros;
pub mod profile;
pub mod secret;
pub mod sla;
pub mod theme;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::desk::demo::simulator::ArrivalSpec;
use crate::desk::query::text as query_text;
use crate::paths;
use crate::state::queue::SortKey;
use crate::state::sections::{Column, SectionSpec, Sections};
use keymap::KeymapOverrides;

/// The commented configuration `deskterm config init` writes.
pub const DEFAULT_CONFIG: &str = include_str!("default.toml");

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The profile opened when `--profile` is not given; none means the demo desk.
    pub default_profile: Option<String>,
    /// The desks deskterm can open, by name.
    pub profiles: std::collections::BTreeMap<String, profile::Profile>,
    /// Theme name: a built-in or a file in the config folder's `themes/`
    /// (where it is written, so `config check` can point at a wrong one).
    pub theme: Option<toml::Spanned<String>>,
    /// The section tab the console opens on ("all", "mine", "unassigned", or a queue).
    pub default_section: Option<String>,
    /// Seconds between incremental refreshes.
    pub refresh_seconds: Option<u32>,
    /// Seconds a send or change waits, with undo, before it goes (0: at once).
    pub undo_seconds: Option<u32>,
    /// Clicks and the wheel work in the console (on by default); false
    /// leaves the mouse to the terminal, for its own text selection.
    pub mouse: Option<bool>,
    /// Draw in ASCII only (box drawing as +-|); by default, where the
    /// locale is not UTF-8 (LANG=C).
    pub ascii: Option<bool>,
    /// Where attachments are saved (the platform's downloads folder if not).
    pub downloads: Option<PathBuf>,
    pub sla: SlaConfig,
    pub floods: FloodConfig,
    pub demo: DemoConfig,
    pub keymap: KeymapOverrides,
    /// Canned responses and the actions that go with them; when the file
    /// has none, the ones in the default config (`macros = []` for none).
    pub macros: Option<Vec<macros::Macro>>,
    /// Commands of the user's own, bound to keys.
    #[serde(default)]
    pub commands: Vec<commands::UserCommand>,
    /// Section tabs of the user's own, after the standard ones.
    pub sections: Vec<SectionConfig>,
    /// Whether All, Mine, Unassigned and the queues' tabs stay beside the
    /// user's sections (true).
    pub standard_sections: Option<bool>,
}

/// `[[sections]]`: a tab of the user's own.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionConfig {
    pub name: String,
    /// In the query language of `deskterm ls --query`.
    pub query: toml::Spanned<String>,
    /// sla, priority, updated, created or id.
    pub sort: Option<toml::Spanned<String>>,
    /// The table's columns, left to right.
    pub columns: Option<toml::Spanned<Vec<String>>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlaConfig {
    /// Warn when less than this share of a clock's target is left (0.25 = 25%).
    pub warn_fraction: Option<f64>,
    /// Alert when less than this many minutes are left.
    pub alert_minutes: Option<i64>,
    /// Warn when less than this many minutes are left, whatever the target.
    pub warn_before_minutes: Option<i64>,
    /// A terminal notification when a clock is about to breach.
    pub notify: Option<sla::Notify>,
    /// Business calendars the policies count in.
    pub calendars: Vec<sla::CalendarConfig>,
    /// Policies, first match wins; the standard policy catches the rest.
    pub policies: Vec<sla::PolicyConfig>,
}

/// When tickets arriving together are one flood (see [`crate::floods`]).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FloodConfig {
    /// Tickets this many minutes apart can be one flood (30).
    pub window_minutes: Option<u32>,
    /// The share of their subjects' words two tickets must share, 0 to 1 (0.5).
    pub similarity: Option<f64>,
    /// The fewest tickets that make a flood (3).
    pub min_tickets: Option<usize>,
}

impl FloodConfig {
    pub fn thresholds(&self) -> crate::floods::Thresholds {
        let d = crate::floods::Thresholds::default();
        crate::floods::Thresholds {
            window: self.window_minutes.map_or(d.window, |m| {
                jiff::SignedDuration::from_mins(i64::from(m.max(1)))
            }),
            similarity: self.similarity.map_or(d.similarity, |s| s.clamp(0.05, 1.0)),
            min_tickets: self.min_tickets.map_or(d.min_tickets, |n| n.max(2)),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoConfig {
    /// How often something happens on the demo desk: "20-60s", "45s", "2m", or "0" for never.
    #[serde(default, deserialize_with = "arrivals")]
    pub new_ticket_every: Option<ArrivalSpec>,
    pub seed: Option<u64>,
    pub database: Option<PathBuf>,
    /// Each write's answer comes this many milliseconds late, as over a
    /// slow link (the write itself is done at once).
    pub latency_ms: Option<u64>,
}

fn arrivals<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<ArrivalSpec>, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map(Some).map_err(serde::de::Error::custom)
}

impl SectionConfig {
    fn spec(&self) -> Result<SectionSpec, String> {
        Ok(SectionSpec {
            name: self.name.clone(),
            terms: query_text::parse(self.query.get_ref()).map_err(|e| e.message)?,
            sort: self.sort.as_ref().and_then(|s| SortKey::parse(s.get_ref())),
            columns: self
                .columns
                .as_ref()
                .map(|c| c.get_ref().iter().map(|c| Column::parse(c)).collect())
                .transpose()?,
        })
    }
}

/// A problem in a file, located so the user can fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place.
    pub at: Option<(usize, usize)>,
    pub message: String,
}

impl ConfigError {
    pub fn io(path: &Path, error: &std::io::Error) -> Self {
        Self {
            path: path.to_path_buf(),
            at: None,
            message: error.to_string(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, column)) => write!(
                f,
                "{}: line {line}, column {column}: {}",
                self.path.display(),
                self.message
            ),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A file's text; one that is not UTF-8 is refused with the line and
/// column of its first bad byte. `Ok(None)` when there is no such file.
pub fn read_text(path: &Path) -> Result<Option<String>, ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ConfigError::io(path, &e)),
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let bytes = e.as_bytes();
        let good = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&bytes[..good]);
        ConfigError {
            path: path.to_path_buf(),
            at: Some(line_column(&before, before.len())),
            message: format!(
                "not UTF-8 text (the byte 0x{:02X} here): save the file as UTF-8",
                bytes[good]
            ),
        }
    })
}

/// Parse TOML, locating any error in the source.
pub fn parse_toml<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        at: e.span().map(|span| line_column(text, span.start)),
        message: e.message().trim().to_string(),
    })
}

impl Config {
    /// The sections as the console uses them; each was checked on load
    /// ([`Config::check_sections`]), so none is refused here.
    pub fn sections(&self) -> Sections {
        Sections {
            specs: self.sections.iter().filter_map(|s| s.spec().ok()).collect(),
            standard: self.standard_sections.unwrap_or(true),
        }
    }

    /// Each section's query, sort and columns read, a mistake located in
    /// the file (a query's by its own column within the string).
    fn check_sections(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let at = |offset: usize| Some(line_column(text, offset.min(text.len())));
        let wrong = |offset: usize, name: &str, why: String| ConfigError {
            path: path.to_path_buf(),
            at: at(offset),
            message: format!("section “{name}”: {why}"),
        };
        for section in &self.sections {
            let span = section.query.span();
            if let Err(e) = query_text::parse(section.query.get_ref()) {
                // Past the opening quote, or the three of a multi-line string.
                let raw = text.as_bytes().get(span.start..).unwrap_or_default();
                let quotes = match raw {
                    [a, b, c, ..] if a == b && b == c => 3,
                    _ => 1,
                };
                return Err(wrong(span.start + quotes + e.at, &section.name, e.message));
            }
            if let Some(sort) = &section.sort
                && SortKey::parse(sort.get_ref()).is_none()
            {
                let why = "sort by sla, priority, updated, created or id".to_string();
                return Err(wrong(sort.span().start, &section.name, why));
            }
            if let Some(columns) = &section.columns
                && let Err(why) = columns
                    .get_ref()
                    .iter()
                    .try_for_each(|c| Column::parse(c).map(drop))
            {
                return Err(wrong(columns.span().start, &section.name, why));
            }
        }
        Ok(())
    }

    /// The theme the file names, if it names one.
    pub fn theme_name(&self) -> Option<&str> {
        self.theme.as_ref().map(|t| t.get_ref().as_str())
    }

    /// The macros in use: the file's, else the default config's.
    pub fn macros(&self) -> Vec<macros::Macro> {
        match &self.macros {
            Some(list) => list.clone(),
            None => parse_toml::<Config>(DEFAULT_CONFIG, Path::new("default"))
                .ok()
                .and_then(|c| c.macros)
                .unwrap_or_default(),
        }
    }

    /// Read the config file; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        // Whoever can change the config can point deskterm, and its token,
        // at a server of their own.
        let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
        for checked in folder.into_iter().chain([path]) {
            if let Some(why) = paths::writable_by_others(checked) {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    at: None,
                    message: format!("refused: {why}"),
                });
            }
        }
        match read_text(path)? {
            Some(text) => {
                let config: Self = parse_toml(&text, path)?;
                config.check_sections(&text, path)?;
                Ok(config)
            }
            None => Ok(Self::default()),
        }
    }
}

/// Write the commented default config, refusing to overwrite one unless `force`.
pub fn init(path: &Path, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        anyhow::bail!(
            "{} already exists; `deskterm config init --force` replaces it",
            path.display()
        );
    }
    if let Some(dir) = path.parent() {
        paths::private_dir(dir)?;
    }
    std::fs::write(path, DEFAULT_CONFIG)?;
    paths::private_file(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        parse_toml(text, Path::new("config.toml"))
    }

    #[test]
    fn the_default_config_parses() {
        let config = parse(DEFAULT_CONFIG).expect("default config");
        assert_eq!(config.theme_name(), Some("dark"));
    }

    #[test]
    fn default_macros_ship_and_an_empty_list_turns_them_off() {
        let defaults = Config::default().macros();
        assert!(defaults.len() >= 4, "{defaults:?}");
        for m in &defaults {
            assert!(
                macros::unknown_placeholders(&m.body).is_empty(),
                "{}",
                m.name
            );
        }
        let none = parse("macros = []\n").expect("config");
        assert!(none.macros().is_empty());
    }

    #[test]
    fn a_typo_names_its_line_and_column() {
        let err = parse("theme = \"dark\"\nthem = \"light\"\n").expect_err("typo");
        assert_eq!(err.at, Some((2, 1)));
        assert!(
            err.message.contains("unknown field `them`"),
            "{}",
            err.message
        );
        assert!(
            err.to_string()
                .starts_with("config.toml: line 2, column 1: ")
        );
    }

    #[test]
    fn bad_keymap_entries_are_located() {
        let err = parse("[keymap.queue]\n\"j\" = \"dwon\"\n").expect_err("bad action");
        assert_eq!(err.at.map(|(line, _)| line), Some(2));
        assert!(
            err.message.contains("unknown action `dwon`"),
            "{}",
            err.message
        );
        let err = parse("[keymap.queue]\n\"ctrl-banana\" = \"down\"\n").expect_err("bad key");
        assert_eq!(err.at.map(|(line, _)| line), Some(2));
        let err = parse("[keymap.inbox]\n\"j\" = \"down\"\n").expect_err("bad context");
        assert_eq!(err.at.map(|(line, _)| line), Some(1));
    }

    #[test]
    fn a_file_that_is_not_utf8_names_the_line_of_its_first_bad_byte() {
        let dir = tempfile::TempDir::new().expect("dir");
        let path = dir.path().join("config.toml");
        // Latin-1 "é", as an editor on another system might save it.
        std::fs::write(&path, b"theme = \"dark\"\n# caf\xe9\nrefresh_seconds = 5\n").expect("file");
        let err = Config::load(&path).expect_err("not UTF-8");
        assert_eq!(err.at, Some((2, 6)), "{err}");
        assert_eq!(
            err.message,
            "not UTF-8 text (the byte 0xE9 here): save the file as UTF-8"
        );
        assert!(err.to_string().contains("line 2, column 6"), "{err}");
    }

    #[test]
    fn bad_values_are_located() {
        let err = parse("[demo]\nnew_ticket_every = \"often\"\n").expect_err("bad rate");
        assert_eq!(err.at.map(|(line, _)| line), Some(2));
        let err = parse("refresh_seconds = \"soon\"\n").expect_err("bad type");
        assert_eq!(err.at.map(|(line, _)| line), Some(1));
        let err = parse("theme = \n").expect_err("syntax");
        assert_eq!(err.at.map(|(line, _)| line), Some(1));
    }

    fn load(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::TempDir::new().expect("dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).expect("file");
        Config::load(&path)
    }

    #[test]
    fn sections_are_read_with_their_sort_and_columns() {
        let config = load(
            "standard_sections = false\n\
             [[sections]]\n\
             name = \"Resolved today\"\n\
             query = \"status:resolved updated:today\"\n\
             sort = \"updated\"\n\
             columns = [\"id\", \"subject\", \"field:School\", \"tags\"]\n",
        )
        .expect("config");
        let sections = config.sections();
        assert!(!sections.standard);
        assert!(sections.show_fields());
        let [spec] = &sections.specs[..] else {
            panic!("{sections:?}");
        };
        assert_eq!(spec.name, "Resolved today");
        assert_eq!(spec.terms.to_string(), "status:resolved updated:today");
        assert_eq!(spec.sort, Some(SortKey::Updated));
        let columns = [
            Column::Id,
            Column::Subject,
            Column::Field("School".into()),
            Column::Tags,
        ];
        assert_eq!(spec.columns.as_deref(), Some(&columns[..]));
    }

    #[test]
    fn a_bad_query_in_a_section_names_its_line_and_column() {
        let text = "[[sections]]\nname = \"Buses\"\nquery = \"bus stauts:open\"\n";
        let err = load(text).expect_err("a typo in the query");
        // Line 3, at "stauts": column 14 (after `query = "bus `).
        assert_eq!(err.at, Some((3, 14)), "{err}");
        assert!(
            err.message
                .contains("section “Buses”: no such term “stauts:open”"),
            "{err}"
        );

        let text = "[[sections]]\nname = \"Old\"\nquery = '''updated:>3x'''\n";
        let err = load(text).expect_err("a bad age");
        assert_eq!(err.at, Some((3, 20)), "{err}");

        let text = "[[sections]]\nname = \"A\"\nquery = \"\"\ncolumns = [\"id\", \"colour\"]\n";
        let err = load(text).expect_err("a bad column");
        assert_eq!(err.at, Some((4, 11)), "{err}");
        assert!(err.message.contains("no column “colour”"), "{err}");

        let text = "[[sections]]\nname = \"A\"\nquery = \"\"\nsort = \"age\"\n";
        let err = load(text).expect_err("a bad sort");
        assert_eq!(err.at, Some((4, 8)), "{err}");
    }
}
