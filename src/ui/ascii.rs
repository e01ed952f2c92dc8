//! Where the terminal cannot show Unicode (`LANG=C`, a serial console, an
//! old terminal server), each drawn cell in ASCII: box drawing as `+-|`,
//! marks and arrows as the nearest ASCII, bars as `#`, anything else as `?`.
//! One pass over the finished frame, so no view needs to know, and every
//! cell keeps its width (a wide character's second cell is already blank).

use ratatui::buffer::Buffer;

/// Each cell of `buffer` that is not ASCII, in ASCII.
pub fn degrade(buffer: &mut Buffer) {
    for cell in buffer.content.iter_mut() {
        if !cell.symbol().is_ascii() {
            let ascii = ascii_for(cell.symbol());
            cell.set_symbol(ascii);
        }
    }
}

/// The ASCII a cell's symbol is shown as.
fn ascii_for(symbol: &str) -> &'static str {
    let Some(c) = symbol.chars().next() else {
        return " ";
    };
    match c {
        '─' | '━' | '═' | '╌' | '┄' | '—' | '–' | '‒' | '−' => "-",
        '│' | '┃' | '║' | '╎' | '┆' | '▏' | '▕' => "|",
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' | '╔' | '╗'
        | '╚' | '╝' => "+",
        '…' => "~",
        '·' | '•' | '∙' => ".",
        '●' | '◉' | '★' | '✱' => "*",
        '○' | '◯' => "o",
        '→' | '›' | '»' | '▶' | '▸' => ">",
        '←' | '‹' | '«' | '◀' | '◂' => "<",
        '↑' | '▲' | '▴' => "^",
        '↓' | '▼' | '▾' => "v",
        '↻' | '⟳' => "@",
        '✓' | '✔' => "v",
        '✗' | '✘' | '×' => "x",
        '≋' | '≈' => "=",
        '“' | '”' | '„' | '″' => "\"",
        '‘' | '’' | '′' => "'",
        '█' | '▉' | '▊' | '▋' | '▌' | '▍' | '▎' | '▇' | '▆' | '▅' | '▄' | '▃' | '▂' | '▁' | '■'
        | '▀' => "#",
        '░' | '▒' | '▓' => ":",
        '⚠' | '❗' => "!",
        '⏸' => "=",
        '\u{a0}' => " ",
        _ => "?",
    }
}

/// Whether the terminal's locale promises UTF-8: `LC_ALL`, else
/// `LC_CTYPE`, else `LANG`, as the C library reads them. With none set the
/// terminal is taken at its word as most are today (UTF-8); a locale named
/// without UTF-8 (`C`, `POSIX`, `en_US.ISO-8859-1`) is not.
pub fn locale_is_utf8(get: impl Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| get(name).filter(|v| !v.is_empty()));
    match locale {
        None => true,
        Some(locale) => {
            let locale = locale.to_lowercase();
            locale.contains("utf-8") || locale.contains("utf8")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn a_frame_is_drawn_in_ascii_cell_for_cell() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 24, 1));
        buffer.set_string(
            0,
            0,
            "┌ All 3 │ SLA↓ ● … 打",
            ratatui::style::Style::default(),
        );
        degrade(&mut buffer);
        let text: String = buffer.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(text, "+ All 3 | SLAv * ~ ?    ");
        assert!(text.is_ascii());
    }

    #[test]
    fn the_locale_says_whether_utf_8_is_there() {
        let with = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(locale_is_utf8(with(&[])));
        assert!(locale_is_utf8(with(&[("LANG", "en_US.UTF-8")])));
        assert!(!locale_is_utf8(with(&[("LANG", "C")])));
        assert!(!locale_is_utf8(with(&[
            ("LANG", "en_US.UTF-8"),
            ("LC_ALL", "POSIX")
        ])));
        assert!(locale_is_utf8(with(&[
            ("LANG", "C"),
            ("LC_CTYPE", "C.utf8")
        ])));
    }
}
