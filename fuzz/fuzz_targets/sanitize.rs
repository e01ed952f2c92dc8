//! The sanitiser: whatever bytes a desk sends, the result holds no escape
//! or control character and no bidi override, and measuring and fitting it
//! never panics.
#![no_main]

use deskterm::text::width::{cells, fit, truncate, wrap};
use deskterm::text::{sanitize_block, sanitize_line};
use libfuzzer_sys::fuzz_target;

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
    // Sanitising is stable: what came out goes through unchanged.
    assert_eq!(sanitize_block(&block), block);
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
