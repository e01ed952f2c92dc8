//! HTML bodies to text: any input, however deep or broken, gives text and
//! never panics or recurses.
#![no_main]

use deskterm::text::{html, sanitize_block};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let plain = html::to_text(&text);
    let _ = sanitize_block(&plain);
    let _ = html::decode_entities(&text);
});
