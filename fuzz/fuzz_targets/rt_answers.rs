//! What RT sends back: any JSON where a ticket, a history or an attachment
//! belongs is read into the domain model or refused, never a panic; and the
//! local cache's records read back the same way.
#![no_main]

use deskterm::desk::TicketDetail;
use deskterm::desk::rt::map::{self, Names, Part, Reading};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct NoNames;

impl Names for NoNames {
    fn user(&self, id: &str) -> String {
        id.to_string()
    }
    fn queue(&self, id: &str) -> String {
        id.to_string()
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        let _ = map::summary(&value, &Reading::default());
        let items = value
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let parts: Vec<Part> = items.iter().filter_map(Part::from).collect();
        let entries = map::entries(&items, &parts, &["someone@example.org".into()], &NoNames);
        if let Some(summary) = map::summary(&value, &Reading::default()) {
            // Logged by an agent or sent by the requester.
            for logged in [false, true] {
                map::refine_sla(&mut summary.clone(), &entries, logged);
            }
        }
        let _ = map::channel_from_headers(&value.to_string());
    }
    let _ = serde_json::from_slice::<TicketDetail>(data);
});
