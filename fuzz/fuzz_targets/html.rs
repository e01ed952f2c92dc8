//! HTML bodies to text: any input, however deep or broken, gives text and
//! never panics or recurses; the quoted mail found in it, and in the input
//! read as plain text, joins back into the text it came from.
#![no_main]

use deskterm::text::{html, quote, sanitize_block};
use libfuzzer_sys::fuzz_target;

/// The runs give the body back, each whole lines of it.
fn rejoins(body: &str) {
    let runs = quote::runs(body);
    let texts: Vec<&str> = runs.iter().map(|r| r.text).collect();
    assert_eq!(texts.join("\n"), body);
    for (run, next) in runs.iter().zip(runs.iter().skip(1)) {
        assert_ne!(run.quoted, next.quoted, "two runs of one kind in a row");
    }
    for run in &runs {
        assert_eq!(run.lines, run.text.split('\n').count());
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let plain = html::to_text(&text);
    let safe = sanitize_block(&plain);
    let _ = html::decode_entities(&text);
    rejoins(&plain);
    rejoins(&safe);
    rejoins(&text);
});
