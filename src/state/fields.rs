//! Setting a ticket's fields (custom fields): `F` reads the fields the desk
//! defines for the ticket, a picker offers them with their values now, and
//! then the values a list field takes; a free field is typed on the command
//! line. The write goes to the ticket the fields were read for.

use super::command::CommandLine;
use super::picker::{Choice, Pick, Picker, Purpose};
use super::screen::Overlay;
use super::{Effect, State};
use crate::desk::{DeskError, FieldSpec, TicketId, field_value};

impl State {
    /// `F`: ask the desk which fields the ticket has.
    pub(crate) fn open_fields(&mut self) -> Vec<Effect> {
        if self.settings.lacks.contains(&"fields agents can set") {
            self.error("this desk has no fields agents can set");
            return Vec::new();
        }
        let Some(id) = self
            .screen
            .ticket()
            .map(|v| v.id.clone())
            .or_else(|| self.selected().map(|t| t.id.clone()))
        else {
            self.info("no ticket selected");
            return Vec::new();
        };
        self.info("reading the ticket's fields…");
        vec![Effect::LoadFields { id }]
    }

    pub(crate) fn on_fields(
        &mut self,
        id: TicketId,
        result: Result<Vec<FieldSpec>, DeskError>,
    ) -> Vec<Effect> {
        let specs = match result {
            Ok(specs) if specs.is_empty() => {
                self.info("this ticket has no fields to set");
                return Vec::new();
            }
            Ok(specs) => specs,
            Err(e) => {
                self.error(format!("the fields could not be read: {e}"));
                return Vec::new();
            }
        };
        let detail = self
            .screen
            .ticket()
            .filter(|v| v.id == id)
            .and_then(|v| v.detail.as_ref());
        let options = specs
            .into_iter()
            .map(|spec| {
                let now = detail.and_then(|d| field_value(d, &spec.name));
                let detail = match (now, spec.values.len()) {
                    (Some(v), _) => format!("now {v}"),
                    (None, 0) => "free text".to_string(),
                    (None, n) => format!("one of {n}"),
                };
                // The desk's names and values, shown inert; written as they are.
                Pick {
                    label: crate::text::sanitize_line(&spec.name),
                    detail: crate::text::sanitize_line(&detail),
                    choice: Choice::Field(spec),
                }
            })
            .collect();
        self.screen.push(Overlay::Picker(Picker::new(
            "Set a field".into(),
            Purpose::Field,
            vec![id],
            options,
        )));
        Vec::new()
    }

    /// A field chosen: its values to pick from, or a line to type it on.
    pub(crate) fn choose_field(&mut self, picker: &Picker, spec: &FieldSpec) {
        if spec.values.is_empty() {
            let mut line = CommandLine::default();
            line.input.set(&format!("field {} = ", spec.name));
            self.screen.push(Overlay::Command(line));
            return;
        }
        let value = |v: Option<&String>| Choice::FieldValue {
            name: spec.name.clone(),
            value: v.cloned(),
        };
        let mut options: Vec<Pick> = spec
            .values
            .iter()
            .map(|v| Pick {
                label: crate::text::sanitize_line(v),
                detail: String::new(),
                choice: value(Some(v)),
            })
            .collect();
        options.push(Pick {
            label: "(clear)".into(),
            detail: "no value".into(),
            choice: value(None),
        });
        self.screen.push(Overlay::Picker(Picker::new(
            crate::text::sanitize_line(&spec.name),
            Purpose::Field,
            picker.targets.clone(),
            options,
        )));
    }
}
