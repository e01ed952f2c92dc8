//! Terminal-cell widths: CJK and emoji take two cells, combining marks none.
//! Text is cut between grapheme clusters, never inside one: 👩‍💻 or "é"
//! written as e and a combining accent stay whole, as the terminal draws them.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cells the text occupies on screen.
pub fn cells(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cut `text` to at most `max` cells, ending with `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if cells(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = cells(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// Exactly `width` cells: cut with `…` when longer, filled with spaces when shorter.
pub fn fit(text: &str, width: usize) -> String {
    let text = truncate(text, width);
    let fill = width.saturating_sub(cells(&text));
    format!("{text}{}", " ".repeat(fill))
}

/// Wrap a body into lines of at most `max` cells, breaking at spaces where it
/// can and inside a word only when a word is longer than a line.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_cells = 0;
        for word in paragraph.split_inclusive(' ') {
            let word_cells = cells(word);
            let trimmed_cells = cells(word.trim_end_matches(' '));
            if line_cells + trimmed_cells <= max {
                line.push_str(word);
                line_cells += word_cells;
                continue;
            }
            if !line.is_empty() {
                lines.push(line.trim_end_matches(' ').to_string());
                line.clear();
                line_cells = 0;
            }
            // A word longer than a whole line is split by cells, between
            // graphemes; one wider than a line itself (a run of Hangul
            // jamo) between its characters.
            let pieces = word.graphemes(true).flat_map(|g| {
                if cells(g) <= max {
                    vec![g]
                } else {
                    g.char_indices()
                        .map(|(i, c)| &g[i..i + c.len_utf8()])
                        .collect()
                }
            });
            for g in pieces {
                let w = cells(g);
                if line_cells + w > max && line_cells > 0 && g != " " {
                    lines.push(std::mem::take(&mut line));
                    line_cells = 0;
                }
                line.push_str(g);
                line_cells += w;
            }
        }
        lines.push(line.trim_end_matches(' ').to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_two_cells() {
        assert_eq!(cells("打印机"), 6);
        assert_eq!(cells("ok 🙂"), 5);
    }

    #[test]
    fn truncate_never_exceeds_the_width() {
        assert_eq!(truncate("hello world", 8), "hello w…");
        assert_eq!(truncate("打印机无法连接", 6), "打印…");
        assert_eq!(truncate("short", 8), "short");
        for max in 0..12 {
            assert!(cells(&truncate("打印机 printer 🙂", max)) <= max);
        }
    }

    #[test]
    fn text_is_cut_between_graphemes_never_inside_one() {
        let coder = "👩\u{200d}💻";
        assert_eq!(cells(coder), 2);
        // The joined emoji goes whole or not at all: no dangling joiner.
        assert_eq!(truncate(&format!("{coder} codes"), 2), "…");
        assert_eq!(truncate(&format!("{coder} codes"), 4), format!("{coder} …"));
        assert_eq!(truncate(&format!("ab{coder}cd"), 4), "ab…");
        let accent = "e\u{301}";
        assert_eq!(truncate(&accent.repeat(5), 3), format!("{accent}{accent}…"));
        assert_eq!(
            wrap(&coder.repeat(3), 4),
            [coder.repeat(2), coder.to_string()]
        );
        assert_eq!(
            wrap(&format!("{coder}{coder}{accent}{accent}"), 2),
            [coder, coder, &format!("{accent}{accent}")]
        );
        // A cluster wider than the line is split between its characters.
        let jamo = "\u{1142}\u{1142}";
        assert_eq!(cells(jamo), 4);
        assert_eq!(wrap(jamo, 2), ["\u{1142}", "\u{1142}"]);
    }

    #[test]
    fn fit_cuts_or_fills_to_the_width() {
        assert_eq!(fit("bus", 5), "bus  ");
        assert_eq!(fit("打印机", 5), "打印…");
        assert_eq!(cells(&fit("打印机", 5)), 5);
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(
            wrap("the bus was late again today", 10),
            ["the bus", "was late", "again", "today"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("one\n\ntwo", 10), ["one", "", "two"]);
    }

    #[test]
    fn wrapped_lines_fit() {
        let text = "打印机无法连接 to the 🙂 network in room 204, please help";
        for max in 2..30 {
            for line in wrap(text, max) {
                assert!(cells(&line) <= max, "{line:?} wider than {max}");
            }
        }
    }
}
