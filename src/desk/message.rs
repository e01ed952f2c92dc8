//! How much of one message a ticket shows: a huge message (a pasted log, a
//! forwarded thread) is cut with a note, never the reason the rest of the
//! ticket cannot be read.

/// At most this much of one message is shown.
pub const MESSAGE_CAP: usize = 256 * 1024;

/// `text` cut to [`MESSAGE_CAP`] on a character boundary (at the last line
/// break near it when there is one), and the note that says so; the text as
/// it is when it fits.
pub fn cut_message(text: &str) -> (&str, Option<String>) {
    if text.len() <= MESSAGE_CAP {
        return (text, None);
    }
    let mut end = MESSAGE_CAP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // A whole last line, unless that gives back more than a little.
    if let Some(newline) = text[..end].rfind('\n')
        && end - newline < 1024
    {
        end = newline + 1;
    }
    let note = format!(
        "[cut: this message is {}; the first {} is shown]",
        size_text(text.len() as u64),
        size_text(MESSAGE_CAP as u64)
    );
    (&text[..end], Some(note))
}

/// The text with the cut note after it, when it was cut.
pub fn cut_with_note(text: &str) -> String {
    match cut_message(text) {
        (shown, None) => shown.to_string(),
        (shown, Some(note)) => format!("{}\n\n{note}", shown.trim_end()),
    }
}

/// What stands for a message too large for one answer, of `size` when the
/// desk said; `cap` is the profile's limit on one answer.
pub fn not_shown(size: Option<u64>, cap: usize) -> String {
    let size = size
        .map(|s| format!(" {},", size_text(s)))
        .unwrap_or_default();
    format!(
        "[not shown: this message is{size} more than the {} one answer may carry (max_body_mb in the profile)]",
        size_text(cap as u64)
    )
}

/// A size as people read it: 812 bytes, 4.2 KB, 293 KB, 14.3 MB (binary
/// units, as the profile's max_body_mb).
pub fn size_text(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    let (value, unit) = if bytes < 1024 {
        return format!("{bytes} bytes");
    } else if b < KB * KB {
        (b / KB, "KB")
    } else if b < KB * KB * KB {
        (b / (KB * KB), "MB")
    } else {
        (b / (KB * KB * KB), "GB")
    };
    if value < 10.0 && value.fract() >= 0.05 {
        format!("{value:.1} {unit}")
    } else if unit == "KB" {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}").replace(".0 ", " ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(812), "812 bytes");
        assert_eq!(size_text(4300), "4.2 KB");
        assert_eq!(size_text(300_000), "293 KB");
        assert_eq!(size_text(256 * 1024), "256 KB");
        assert_eq!(size_text(15_000_000), "14.3 MB");
        assert_eq!(size_text(20 * 1024 * 1024), "20 MB");
        assert_eq!(size_text(25_000_000), "23.8 MB");
    }

    #[test]
    fn a_message_that_fits_is_shown_whole() {
        assert_eq!(cut_message("short"), ("short", None));
        let exact = "a".repeat(MESSAGE_CAP);
        assert_eq!(cut_message(&exact).1, None);
    }

    #[test]
    fn a_huge_message_is_cut_on_a_character_boundary_with_a_note() {
        // Three-byte characters never land on the cap.
        let wide = "€".repeat(MESSAGE_CAP);
        let (shown, note) = cut_message(&wide);
        assert!(shown.len() <= MESSAGE_CAP && shown.len() > MESSAGE_CAP - 3);
        assert!(shown.chars().all(|c| c == '€'));
        assert_eq!(
            note.as_deref(),
            Some("[cut: this message is 768 KB; the first 256 KB is shown]")
        );
        // Lines: the last whole line is kept.
        let lines = "0123456789 line of a log\n".repeat(20_000);
        let (shown, _) = cut_message(&lines);
        assert!(shown.ends_with("log\n"));
        assert!(MESSAGE_CAP - shown.len() < 1024);
        let whole = cut_with_note(&lines);
        assert!(whole.ends_with("log\n\n[cut: this message is 488 KB; the first 256 KB is shown]"));
    }

    #[test]
    fn a_message_too_large_for_one_answer_says_so() {
        assert_eq!(
            not_shown(Some(25_000_000), 20 * 1024 * 1024),
            "[not shown: this message is 23.8 MB, more than the 20 MB one answer may carry (max_body_mb in the profile)]"
        );
        assert_eq!(
            not_shown(None, 1024 * 1024),
            "[not shown: this message is more than the 1 MB one answer may carry (max_body_mb in the profile)]"
        );
    }
}
