//! The one sanitising step between a desk and the terminal.
//!
//! Escape sequences (CSI, OSC, DCS, SOS, PM, APC, and two-byte escapes, in both
//! their 7-bit and C1 forms) are removed whole, so an OSC 52 clipboard write or a
//! title change never reaches the terminal. Other control characters are made
//! visible as Unicode control pictures. Bidi overrides, invisible tag characters
//! and zero-width spaces are dropped because they let text lie about itself.
//! A zero-width joiner is kept only where it joins (an emoji sequence such as
//! 👩‍💻, an Indic conjunct): a bare one between letters upsets the line
//! drawing of some terminals and of tmux. Combining marks are capped at
//! [`MAX_MARKS`] a character, so "Zalgo" text cannot pile up over other lines.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const C1_ST: char = '\u{9c}';
const TAB_WIDTH: usize = 4;
const ZWJ: char = '\u{200d}';
/// The most zero-width characters (combining marks, joiners, variation
/// selectors) kept after one visible character.
pub const MAX_MARKS: usize = 4;

/// Sanitise a one-line field: line breaks and tabs become single spaces.
pub fn sanitize_line(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for piece in Pieces::new(input) {
        match piece {
            Piece::Char(c) => out.push(c),
            Piece::Newline | Piece::Tab => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    tidy_marks(out)
}

/// Sanitise a body: line breaks are kept (CRLF and lone CR become LF), tabs
/// expand to the next multiple of four columns.
pub fn sanitize_block(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut column = 0usize;
    for piece in Pieces::new(input) {
        match piece {
            Piece::Char(c) => {
                out.push(c);
                column += 1;
            }
            Piece::Newline => {
                out.push('\n');
                column = 0;
            }
            Piece::Tab => {
                let spaces = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
        }
    }
    tidy_marks(out)
}

/// A character drawn in no cells of its own: a combining mark, a joiner, a
/// variation selector.
fn zero_width(c: char) -> bool {
    c.width() == Some(0)
}

/// Joiners that join nothing dropped, and zero-width runs cut to
/// [`MAX_MARKS`]. Text without either (all ASCII, most text) is returned as it is.
fn tidy_marks(text: String) -> String {
    if text.is_ascii() || !text.chars().any(zero_width) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut run = 0usize;
    for cluster in text.graphemes(true) {
        let mut chars = cluster.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            // A joiner stays only inside a cluster, before a visible character.
            let joins = !first && chars.peek().is_some_and(|&next| !zero_width(next));
            first = false;
            if c == ZWJ && !joins {
                continue;
            }
            if zero_width(c) {
                run += 1;
                if run > MAX_MARKS {
                    continue;
                }
            } else {
                run = 0;
            }
            out.push(c);
        }
    }
    out
}

enum Piece {
    Char(char),
    Newline,
    Tab,
}

/// Walks the input and yields only what may be drawn.
struct Pieces<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    /// The rest of a character spelled out in narrower ones.
    spelled: std::str::Chars<'static>,
}

impl<'a> Pieces<'a> {
    fn new(input: &'a str) -> Self {
        Self {
            chars: input.chars().peekable(),
            spelled: "".chars(),
        }
    }

    /// After ESC or a C1 introducer: consume the rest of the sequence.
    fn skip_escape(&mut self, introducer: char) {
        let kind = if introducer == ESC {
            match self.chars.next() {
                Some('[') => '[',
                Some(']') => ']',
                Some(c @ ('P' | 'X' | '^' | '_')) => c,
                // ESC, intermediates (0x20-0x2F), then one final byte.
                Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
                    while let Some(&n) = self.chars.peek() {
                        self.chars.next();
                        if !('\u{20}'..='\u{2f}').contains(&n) {
                            break;
                        }
                    }
                    return;
                }
                _ => return,
            }
        } else {
            match introducer {
                '\u{9b}' => '[',
                '\u{9d}' => ']',
                _ => 'P',
            }
        };
        if kind == '[' {
            // Parameters and intermediates, then a final byte in 0x40-0x7E.
            while let Some(&c) = self.chars.peek() {
                if ('\u{20}'..='\u{3f}').contains(&c) {
                    self.chars.next();
                } else {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        self.chars.next();
                    }
                    return;
                }
            }
            return;
        }
        // String sequences (OSC, DCS, SOS, PM, APC) run to BEL or ST.
        while let Some(c) = self.chars.next() {
            match c {
                BEL | C1_ST => return,
                ESC => {
                    if self.chars.peek() == Some(&'\\') {
                        self.chars.next();
                    }
                    return;
                }
                _ => {}
            }
        }
    }
}

impl Iterator for Pieces<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        if let Some(c) = self.spelled.next() {
            return Some(Piece::Char(c));
        }
        loop {
            let c = self.chars.next()?;
            match c {
                '\n' => return Some(Piece::Newline),
                '\r' => {
                    if self.chars.peek() == Some(&'\n') {
                        self.chars.next();
                    }
                    return Some(Piece::Newline);
                }
                '\t' => return Some(Piece::Tab),
                ESC | '\u{90}' | '\u{98}' | '\u{9b}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => {
                    self.skip_escape(c)
                }
                // Other C0 controls and DEL: visible, never interpreted.
                '\u{00}'..='\u{1f}' => {
                    return Some(Piece::Char(
                        char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                    ));
                }
                '\u{7f}' => return Some(Piece::Char('\u{2421}')),
                '\u{80}'..='\u{9f}' => return Some(Piece::Char('\u{fffd}')),
                c if is_invisible_trick(c) => {}
                // Khmer sign beyyal, the one character three cells wide:
                // no row of two holds it, so it is spelled as Unicode
                // recommends, ។ល។.
                '\u{17d8}' => {
                    self.spelled = "\u{179b}\u{17d4}".chars();
                    return Some(Piece::Char('\u{17d4}'));
                }
                c => return Some(Piece::Char(c)),
            }
        }
    }
}

/// Characters that reorder or hide text: bidi embeddings, overrides and
/// isolates, directional marks, zero-width spaces, and Unicode tag characters.
fn is_invisible_trick(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_character_is_wider_than_two_cells() {
        let beyyal = sanitize_block("etc \u{17d8}");
        assert_eq!(beyyal, "etc \u{17d4}\u{179b}\u{17d4}");
        assert!(
            crate::text::width::wrap(&beyyal, 2)
                .iter()
                .all(|row| crate::text::width::cells(row) <= 2)
        );
        assert_eq!(sanitize_line("\u{17d8}"), "\u{17d4}\u{179b}\u{17d4}");
    }

    #[test]
    fn strips_csi_colour_and_keeps_the_words() {
        assert_eq!(sanitize_line("\u{1b}[31;1mRED\u{1b}[0m alert"), "RED alert");
    }

    #[test]
    fn strips_osc_52_clipboard_write_and_title_change() {
        let hostile = "a\u{1b}]52;c;cm0gLXJmIC8=\u{07}b\u{1b}]0;pwned\u{1b}\\c";
        assert_eq!(sanitize_line(hostile), "abc");
    }

    #[test]
    fn strips_dcs_and_c1_forms() {
        assert_eq!(sanitize_line("x\u{1b}Pq#0;2;0;0;0\u{1b}\\y"), "xy");
        assert_eq!(sanitize_line("x\u{9b}2Jy\u{9d}0;t\u{9c}z"), "xyz");
    }

    #[test]
    fn makes_other_controls_visible() {
        assert_eq!(
            sanitize_line("a\u{07}b\u{08}c\u{7f}"),
            "a\u{2407}b\u{2408}c\u{2421}"
        );
    }

    #[test]
    fn drops_bidi_overrides_and_zero_width_spaces() {
        assert_eq!(
            sanitize_line("invoice\u{202e}fdp.exe\u{200b}"),
            "invoicefdp.exe"
        );
    }

    #[test]
    fn a_joiner_stays_only_where_it_joins() {
        // Emoji sequences and an Indic conjunct keep theirs.
        for joined in [
            "👩\u{200d}💻",
            "👨\u{200d}👩\u{200d}👧",
            "❤\u{fe0f}\u{200d}🔥",
            "👩🏽\u{200d}💻",
            "क्\u{200d}ष",
        ] {
            assert_eq!(sanitize_line(joined), joined);
            assert_eq!(
                sanitize_block(&format!("a {joined}\nb")),
                format!("a {joined}\nb")
            );
        }
        // Between letters, at a line's edges, doubled or before a mark: gone.
        assert_eq!(sanitize_line("a\u{200d}b"), "ab");
        assert_eq!(sanitize_block("\u{200d}a\u{200d}\n\u{200d}b"), "a\nb");
        assert_eq!(sanitize_line("👩\u{200d}\u{200d}💻"), "👩💻");
        assert_eq!(sanitize_line("e\u{200d}\u{301}"), "e\u{301}");
    }

    #[test]
    fn combining_marks_are_capped_per_character() {
        let zalgo = format!("e{}", "\u{301}".repeat(200));
        assert_eq!(
            sanitize_line(&zalgo),
            format!("e{}", "\u{301}".repeat(MAX_MARKS))
        );
        assert_eq!(
            sanitize_block(&format!("{zalgo}\n{zalgo}")),
            format!("e{0}\ne{0}", "\u{301}".repeat(MAX_MARKS))
        );
        // Vietnamese and a keycap keep all of theirs.
        assert_eq!(
            sanitize_line("Việt ệ 1\u{fe0f}\u{20e3}"),
            "Việt ệ 1\u{fe0f}\u{20e3}"
        );
        let stacked = "a\u{323}\u{302}\u{301}\u{308}";
        assert_eq!(sanitize_line(stacked), stacked);
    }

    #[test]
    fn line_folds_breaks_and_block_keeps_them() {
        assert_eq!(sanitize_line("one\r\ntwo\tthree"), "one two three");
        assert_eq!(sanitize_block("one\r\ntwo\rthree"), "one\ntwo\nthree");
        assert_eq!(sanitize_block("a\tb\n\tc"), "a   b\n    c");
    }

    #[test]
    fn unterminated_sequences_swallow_only_themselves() {
        assert_eq!(sanitize_line("ok\u{1b}"), "ok");
        assert_eq!(sanitize_line("ok\u{1b}[12"), "ok");
        assert_eq!(sanitize_line("ok\u{1b}]0;title"), "ok");
    }
}
