//! Themes: named colour roles, read from TOML.
//!
//! The built-in themes are `themes/*.toml`, compiled in. A user theme in the
//! config folder's `themes/` is tried first; it holds only the roles it
//! changes and falls back to its `parent` (by default the built-in theme of
//! the same name, or `dark`). With `NO_COLOR` set, the `mono` theme is used
//! whatever was asked for: bold, underline and reverse only.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use super::{ConfigError, line_column, parse_toml};

macro_rules! roles {
    ($($variant:ident => $name:literal,)*) => {
        /// What a piece of the screen is, so a theme can colour it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Role { $($variant,)* }

        impl Role {
            pub const ALL: &'static [Role] = &[$(Role::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Role::$variant => $name,)* }
            }
        }
    };
}

roles! {
    Text => "text",
    Muted => "muted",
    Accent => "accent",
    Border => "border",
    Title => "title",
    Tab => "tab",
    TabActive => "tab_active",
    Header => "header",
    Selected => "selected",
    Marked => "marked",
    SlaOk => "sla_ok",
    SlaWarn => "sla_warn",
    SlaAlert => "sla_alert",
    SlaBreached => "sla_breached",
    SlaPaused => "sla_paused",
    SlaMet => "sla_met",
    PriorityLow => "priority_low",
    PriorityNormal => "priority_normal",
    PriorityHigh => "priority_high",
    PriorityUrgent => "priority_urgent",
    StatusNew => "status_new",
    StatusOpen => "status_open",
    StatusPending => "status_pending",
    StatusDone => "status_done",
    Reply => "reply",
    ReplyHeader => "reply_header",
    Note => "note",
    NoteHeader => "note_header",
    Event => "event",
    StatusBar => "status_bar",
    Live => "live",
    Offline => "offline",
    Info => "info",
    Error => "error",
    Key => "key",
    Prompt => "prompt",
    Popup => "popup",
}

impl FromStr for Role {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, String> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.name() == name)
            .ok_or_else(|| format!("unknown role `{name}`"))
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        name.parse()
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A colour as written in a theme: `"#7aa2f7"`, `"red"`, `"bright-blue"`,
/// `"reset"`, or a 256-colour index such as `"208"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThemeColor(pub Color);

impl FromStr for ThemeColor {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let lower = text.trim().to_ascii_lowercase().replace('_', "-");
        let color = match lower.as_str() {
            "reset" | "default" => Color::Reset,
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" | "grey" | "white" => Color::Gray,
            "dark-gray" | "dark-grey" | "bright-black" => Color::DarkGray,
            "bright-red" | "light-red" => Color::LightRed,
            "bright-green" | "light-green" => Color::LightGreen,
            "bright-yellow" | "light-yellow" => Color::LightYellow,
            "bright-blue" | "light-blue" => Color::LightBlue,
            "bright-magenta" | "light-magenta" => Color::LightMagenta,
            "bright-cyan" | "light-cyan" => Color::LightCyan,
            "bright-white" => Color::White,
            hex if hex.starts_with('#') && hex.len() == 7 => {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16);
                match (byte(1), byte(3), byte(5)) {
                    (Ok(r), Ok(g), Ok(b)) => Color::Rgb(r, g, b),
                    _ => return Err(format!("`{text}` is not a #rrggbb colour")),
                }
            }
            index => match index.parse::<u8>() {
                Ok(i) => Color::Indexed(i),
                Err(_) => {
                    return Err(format!(
                        "unknown colour `{text}` (use \"#rrggbb\", a name such as \"red\" or \"bright-blue\", \"reset\", or 0-255)"
                    ));
                }
            },
        };
        Ok(ThemeColor(color))
    }
}

impl<'de> Deserialize<'de> for ThemeColor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// One role's look; anything left out comes from the parent theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleSpec {
    pub fg: Option<ThemeColor>,
    pub bg: Option<ThemeColor>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub reversed: Option<bool>,
    pub dim: Option<bool>,
}

impl StyleSpec {
    /// `self` on top of `base`.
    fn over(self, base: StyleSpec) -> StyleSpec {
        StyleSpec {
            fg: self.fg.or(base.fg),
            bg: self.bg.or(base.bg),
            bold: self.bold.or(base.bold),
            italic: self.italic.or(base.italic),
            underline: self.underline.or(base.underline),
            reversed: self.reversed.or(base.reversed),
            dim: self.dim.or(base.dim),
        }
    }

    fn style(self, depth: ColorDepth) -> Style {
        let mut style = Style::default();
        if let Some(c) = self.fg {
            style = style.fg(depth.adapt(c.0));
        }
        if let Some(c) = self.bg {
            style = style.bg(depth.adapt(c.0));
        }
        for (flag, modifier) in [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
            (self.dim, Modifier::DIM),
        ] {
            if flag == Some(true) {
                style = style.add_modifier(modifier);
            }
        }
        style
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    parent: Option<toml::Spanned<String>>,
    #[serde(default)]
    roles: BTreeMap<Role, StyleSpec>,
}

/// How many colours the terminal can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    /// RGB colours are mapped to the nearest of the 256-colour palette.
    Ansi256,
    /// Only the terminal's own 16 colours look right.
    Ansi16,
}

impl ColorDepth {
    /// From `COLORTERM` and `TERM`, as terminals advertise it.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> Self {
        if matches!(colorterm, Some("truecolor" | "24bit")) {
            return ColorDepth::TrueColor;
        }
        match term.unwrap_or("") {
            t if t.contains("256color") || t.contains("direct") => ColorDepth::Ansi256,
            "linux" | "vt100" | "vt220" | "ansi" | "screen" | "tmux" | "rxvt" | "cons25" => {
                ColorDepth::Ansi16
            }
            t if t.ends_with("-16color") || t.ends_with("-color") && !t.contains("256") => {
                ColorDepth::Ansi16
            }
            _ => ColorDepth::Ansi256,
        }
    }

    fn adapt(self, color: Color) -> Color {
        match (self, color) {
            (ColorDepth::TrueColor, c) => c,
            (_, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256(r, g, b)),
            (_, c) => c,
        }
    }
}

/// The nearest xterm-256 colour: the 6x6x6 cube or the grey ramp.
fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let grey_avg = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let grey_index = ((grey_avg.saturating_sub(8)) / 10).min(23) as u8;
    let grey = 8 + 10 * grey_index;
    let dist = |(cr, cg, cb): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(cr, r) + d(cg, g) + d(cb, b)
    };
    if dist((grey, grey, grey)) < dist(cube) {
        232 + grey_index
    } else {
        16 + 36 * ri as u8 + 6 * gi as u8 + bi as u8
    }
}

/// A theme ready to draw with: one style per role.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: Vec<Style>,
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.styles.get(role as usize).copied().unwrap_or_default()
    }
}

/// The built-in themes, compiled in from `themes/`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The theme used when colour is off.
pub const NO_COLOR_THEME: &str = "mono";

/// Every theme the user can pick, parsed once at start-up so switching is instant.
#[derive(Clone, Debug)]
pub struct ThemeSet {
    built_in: BTreeMap<String, ThemeFile>,
    user: BTreeMap<String, ThemeFile>,
    depth: ColorDepth,
    pub no_color: bool,
    /// User themes skipped, and why.
    broken: BTreeMap<String, String>,
}

impl ThemeSet {
    /// Built-ins plus every `*.toml` in `user_dir`; broken user files are
    /// reported and skipped so one typo never stops the console.
    pub fn load(user_dir: &Path, depth: ColorDepth, no_color: bool) -> (Self, Vec<ConfigError>) {
        let mut errors = Vec::new();
        let mut built_in = BTreeMap::new();
        for (name, text) in BUILT_IN {
            match parse_toml::<ThemeFile>(text, Path::new(&format!("themes/{name}.toml"))) {
                Ok(file) => {
                    built_in.insert((*name).to_string(), file);
                }
                Err(e) => errors.push(e),
            }
        }
        let mut user = BTreeMap::new();
        let mut broken = BTreeMap::new();
        // Where each user theme names its parent.
        let mut parents = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir(user_dir)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        for path in paths {
            let name = match (path.file_stem(), path.extension()) {
                (Some(stem), Some(ext)) if ext == "toml" => stem.to_string_lossy().into_owned(),
                _ => continue,
            };
            let parsed = super::read_text(&path)
                .map(Option::unwrap_or_default)
                .and_then(|text| {
                    let file = parse_toml::<ThemeFile>(&text, &path)?;
                    if let Some(parent) = &file.parent {
                        let at = line_column(&text, parent.span().start);
                        parents.push((name.clone(), path.clone(), parent.get_ref().clone(), at));
                    }
                    Ok(file)
                });
            match parsed {
                Ok(file) => {
                    user.insert(name, file);
                }
                Err(e) => {
                    broken.insert(name, e.to_string());
                    errors.push(e);
                }
            }
        }
        // A parent that is no theme is a mistake, not a quiet fall back to
        // nothing.
        for (name, path, parent, at) in parents {
            if user.contains_key(&parent) || built_in.contains_key(&parent) {
                continue;
            }
            let mut names: Vec<&String> = built_in
                .keys()
                .chain(user.keys().filter(|n| **n != name))
                .collect();
            names.sort();
            names.dedup();
            let error = ConfigError {
                path,
                at: Some(at),
                message: format!(
                    "its parent `{parent}` is not a theme; there are: {}",
                    names
                        .iter()
                        .map(|n| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            user.remove(&name);
            broken.insert(name, error.to_string());
            errors.push(error);
        }
        let set = Self {
            built_in,
            user,
            depth,
            no_color,
            broken,
        };
        (set, errors)
    }

    /// Built-ins only: for tests, and when the config folder is unreadable.
    pub fn built_in(depth: ColorDepth, no_color: bool) -> Self {
        Self::load(Path::new(""), depth, no_color).0
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .built_in
            .keys()
            .chain(self.user.keys())
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// What to say when `name` gives no theme: why it was skipped, or the
    /// names there are.
    pub fn missing(&self, name: &str) -> String {
        match self.broken.get(name) {
            Some(why) => format!("theme `{name}` is not usable: {why}"),
            None => format!("no theme `{name}`; there are: {}", self.names().join(", ")),
        }
    }

    /// The default when nothing was asked for: `ansi16` on a 16-colour terminal.
    pub fn default_name(&self) -> &'static str {
        if self.depth == ColorDepth::Ansi16 {
            "ansi16"
        } else {
            "dark"
        }
    }

    /// The files that make up `name`, most specific first: a user file, then
    /// its parent (by default the built-in of the same name, else `dark`).
    fn chain(&self, name: &str) -> Vec<&ThemeFile> {
        let mut chain = Vec::new();
        let mut next = Some((name.to_string(), true));
        // A short chain; a cycle simply stops here.
        while let Some((current, user_allowed)) = next.take() {
            if chain.len() == 8 {
                break;
            }
            let (file, fallback) = match self.user.get(&current).filter(|_| user_allowed) {
                Some(file) => {
                    let fallback = if self.built_in.contains_key(&current) {
                        (current.clone(), false)
                    } else {
                        ("dark".to_string(), true)
                    };
                    (file, Some(fallback))
                }
                None => match self.built_in.get(&current) {
                    Some(file) => (file, None),
                    None => break,
                },
            };
            chain.push(file);
            next = match file.parent.as_ref().map(|p| p.get_ref()) {
                Some(parent) if *parent != current => Some((parent.clone(), true)),
                Some(_) => None,
                None => fallback,
            };
        }
        chain
    }

    /// Resolve `name` with its parents; `None` when no such theme exists.
    /// With colour off, every name gives the colourless theme.
    pub fn get(&self, name: &str) -> Option<Theme> {
        let name = if self.no_color { NO_COLOR_THEME } else { name };
        let chain = self.chain(name);
        if chain.is_empty() {
            return None;
        }
        let mut specs: BTreeMap<Role, StyleSpec> = BTreeMap::new();
        for file in chain.iter().rev() {
            for (role, spec) in &file.roles {
                let merged = spec.over(specs.get(role).copied().unwrap_or_default());
                specs.insert(*role, merged);
            }
        }
        let styles = Role::ALL
            .iter()
            .map(|role| {
                specs
                    .get(role)
                    .copied()
                    .unwrap_or_default()
                    .style(self.depth)
            })
            .collect();
        Some(Theme {
            name: name.to_string(),
            styles,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::TempDir::new().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("theme file");
        }
        dir
    }

    fn fg(theme: &Theme, role: Role) -> Option<Color> {
        theme.style(role).fg
    }

    #[test]
    fn colours_parse_in_every_form() {
        let parse = |t: &str| t.parse::<ThemeColor>().map(|c| c.0);
        assert_eq!(parse("#7aa2f7"), Ok(Color::Rgb(0x7a, 0xa2, 0xf7)));
        assert_eq!(parse("bright-red"), Ok(Color::LightRed));
        assert_eq!(parse("reset"), Ok(Color::Reset));
        assert_eq!(parse("208"), Ok(Color::Indexed(208)));
        assert!(parse("#12345").is_err());
        assert!(parse("purpleish").is_err());
    }

    #[test]
    fn every_built_in_theme_sets_every_colour_role_it_needs() {
        let set = ThemeSet::built_in(ColorDepth::TrueColor, false);
        for name in ["dark", "light", "high-contrast", "ansi16"] {
            let theme = set.get(name).expect("built-in");
            for role in [Role::Text, Role::SlaBreached, Role::Selected, Role::Note] {
                assert_ne!(
                    theme.style(role),
                    Style::default(),
                    "{name} leaves {role:?} plain"
                );
            }
        }
    }

    #[test]
    fn a_user_file_overrides_only_what_it_sets() {
        let dir = user_dir(&[(
            "dark.toml",
            "[roles]\nsla_breached = { fg = \"#ff0000\" }\n",
        )]);
        let (set, errors) = ThemeSet::load(dir.path(), ColorDepth::TrueColor, false);
        assert!(errors.is_empty(), "{errors:?}");
        let built_in = ThemeSet::built_in(ColorDepth::TrueColor, false);
        let user = set.get("dark").expect("dark");
        let original = built_in.get("dark").expect("dark");
        assert_eq!(fg(&user, Role::SlaBreached), Some(Color::Rgb(255, 0, 0)));
        // Bold still comes from the built-in's sla_breached.
        assert!(
            user.style(Role::SlaBreached)
                .add_modifier
                .contains(Modifier::BOLD)
        );
        assert_eq!(user.style(Role::Text), original.style(Role::Text));
    }

    #[test]
    fn a_new_user_theme_builds_on_its_parent() {
        let dir = user_dir(&[
            (
                "mine.toml",
                "parent = \"light\"\n[roles]\ntext = { fg = \"blue\" }\n",
            ),
            ("plain.toml", "[roles]\naccent = { fg = \"red\" }\n"),
        ]);
        let (set, _) = ThemeSet::load(dir.path(), ColorDepth::TrueColor, false);
        let light = set.get("light").expect("light");
        let mine = set.get("mine").expect("mine");
        assert_eq!(fg(&mine, Role::Text), Some(Color::Blue));
        assert_eq!(mine.style(Role::Selected), light.style(Role::Selected));
        let plain = set.get("plain").expect("plain");
        let dark = set.get("dark").expect("dark");
        assert_eq!(
            plain.style(Role::Text),
            dark.style(Role::Text),
            "dark by default"
        );
        assert!(set.names().contains(&"mine".to_string()));
    }

    #[test]
    fn a_broken_user_theme_is_reported_with_its_line_and_skipped() {
        let dir = user_dir(&[
            ("oops.toml", "[roles]\nsla_brached = {}\n"),
            ("short.toml", "[roles]\ntext = { fg = \"#fff\" }\n"),
        ]);
        let (set, errors) = ThemeSet::load(dir.path(), ColorDepth::TrueColor, false);
        assert_eq!(errors.len(), 2);
        for error in &errors {
            assert_eq!(error.at.map(|(line, _)| line), Some(2), "{error}");
        }
        assert!(errors[0].message.contains("unknown role `sla_brached`"));
        assert!(errors[1].message.contains("#fff"));
        assert!(set.get("oops").is_none());
        assert!(set.get("dark").is_some());
    }

    #[test]
    fn a_parent_that_is_no_theme_is_reported_with_its_line_and_skipped() {
        let dir = user_dir(&[(
            "bad.toml",
            "# mine\nparent = \"ligth\"\n[roles]\ntext = { fg = \"blue\" }\n",
        )]);
        let (set, errors) = ThemeSet::load(dir.path(), ColorDepth::TrueColor, false);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].at, Some((2, 10)), "{}", errors[0]);
        assert!(
            errors[0]
                .message
                .starts_with("its parent `ligth` is not a theme; there are: ansi16, dark,"),
            "{}",
            errors[0]
        );
        assert!(set.get("bad").is_none());
        // Asked for, it says why, not only that there is none.
        let why = set.missing("bad");
        assert!(why.starts_with("theme `bad` is not usable: "), "{why}");
        assert!(
            why.contains("bad.toml: line 2, column 10: its parent `ligth`"),
            "{why}"
        );
        assert!(
            set.missing("neon")
                .starts_with("no theme `neon`; there are: ansi16")
        );
    }

    #[test]
    fn parents_that_loop_stop() {
        let dir = user_dir(&[
            ("a.toml", "parent = \"b\"\n"),
            ("b.toml", "parent = \"a\"\n"),
        ]);
        let (set, _) = ThemeSet::load(dir.path(), ColorDepth::TrueColor, false);
        assert!(set.get("a").is_some());
    }

    #[test]
    fn the_terminal_decides_the_colour_depth() {
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm")),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(None, Some("tmux-256color")),
            ColorDepth::Ansi256
        );
        assert_eq!(ColorDepth::detect(None, Some("linux")), ColorDepth::Ansi16);
        assert_eq!(ColorDepth::detect(None, Some("screen")), ColorDepth::Ansi16);
        let set = ThemeSet::built_in(ColorDepth::Ansi16, false);
        assert_eq!(set.default_name(), "ansi16");
    }

    #[test]
    fn nearest_256_colour() {
        assert_eq!(nearest_256(0, 0, 0), 16);
        assert_eq!(nearest_256(255, 0, 0), 196);
        assert_eq!(nearest_256(128, 128, 128), 244);
    }
}
