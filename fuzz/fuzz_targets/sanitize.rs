//! The sanitiser: whatever bytes a desk sends, the result holds no escape
//! or control character and no bidi override, no joiner that joins nothing
//! and no pile of combining marks, and measuring and fitting it never panics.
#![no_main]

use deskterm::text::width::{cells, fit, truncate, wrap};
use deskterm::text::{MAX_MARKS, sanitize_block, sanitize_line};
use libfuzzer_sys::fuzz_target;
use unicode_width::UnicodeWidthChar;

const ZWJ: char = '\u{200d}';

/// No joiner at a line's edges or before a zero-width character, and no
/// more than `MAX_MARKS` zero-width characters in a row.
fn joiners_and_marks(text: &str) {
    for line in text.split('\n') {
        assert!(
            !line.starts_with(ZWJ) && !line.ends_with(ZWJ),
            "a joiner at a line's edge: {line:?}"
        );
        let chars: Vec<char> = line.chars().collect();
        for pair in chars.windows(2) {
            assert!(
                !(pair[0] == ZWJ && pair[1].width() == Some(0)),
                "a joiner before a zero-width character: {line:?}"
            );
        }
        let mut run = 0;
        for c in chars {
            run = if c.width() == Some(0) { run + 1 } else { 0 };
            assert!(
                run <= MAX_MARKS,
                "{run} zero-width characters in a row: {line:?}"
            );
        }
    }
}

fn safe(text: &str, newlines: bool) {
    for c in text.chars() {
        assert!(c != '\u{1b}' && c != '\u{9b}', "an escape got through");
        assert!(
            !c.is_control() || (newlines && c == '\n'),
            "control {c:?} got through"
        );
        assert!(
            !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'),
            "a bidi override got through"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let line = sanitize_line(&text);
    safe(&line, false);
    let block = sanitize_block(&text);
    safe(&block, true);
    joiners_and_marks(&line);
    joiners_and_marks(&block);
    // Sanitising is stable: what came out goes through unchanged.
    assert_eq!(sanitize_block(&block), block);
    assert_eq!(sanitize_line(&line), line);
    let width = usize::from(data.first().copied().unwrap_or(20));
    let _ = cells(&line);
    assert!(cells(&fit(&line, width)) <= width);
    assert!(cells(&truncate(&line, width)) <= width);
    // A wide character needs two columns: narrower windows cannot hold it.
    let columns = width.max(2);
    for row in wrap(&block, columns) {
        assert!(cells(&row) <= columns, "a wrapped row is too wide: {row:?}");
    }
});
