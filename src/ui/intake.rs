//! The intake form: one row per field, the focused one marked, the choices
//! between ◂ ▸, what is known of the requester and why the queue was
//! suggested beside them, and the requester's words in a box below.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::state::State;
use crate::state::intake::{Field, IntakeForm};
use crate::text::width::truncate;

/// The label column's width.
const LABEL: u16 = 14;

pub fn render(frame: &mut Frame, top: Rect, body: Rect, state: &State, form: &IntakeForm) {
    let theme = &state.settings.theme;
    let keys = &state.settings.keymap;
    let title = format!(
        " New ticket · {} next field · ←→ change · {} logs it · {} cancels",
        keys.hint(Context::Intake, Action::NextField),
        keys.hint(Context::Intake, Action::Send),
        keys.hint(Context::Intake, Action::Cancel),
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            truncate(&title, usize::from(top.width)),
            theme.style(Role::Title),
        ))),
        top,
    );
    let width = usize::from(body.width);
    let queue = state
        .queues
        .get(form.queue)
        .map_or_else(String::new, |q| q.name.to_string());
    let owner = match form.owner {
        0 => "nobody".to_string(),
        1 => "me".to_string(),
        n => state
            .agents
            .get(n - 2)
            .map_or_else(String::new, |a| a.name.to_string()),
    };
    let mut cursor = None;
    let mut y = body.y;
    for field in Field::ALL {
        if field == Field::Message || y >= body.y + body.height {
            break;
        }
        let focused = form.field == field;
        let (value, beside) = match field {
            Field::Email => (
                form.email.text().to_string(),
                form.known
                    .as_ref()
                    .map(|k| format!("known: {} · {} · {}", k.name, k.email, k.role)),
            ),
            Field::Name => (form.name.text().to_string(), None),
            Field::Channel => (format!("◂ {} ▸", form.channel.name()), None),
            Field::Queue => (
                format!("◂ {queue} ▸"),
                form.why.as_ref().map(|why| format!("suggested: {why}")),
            ),
            Field::Priority => (format!("◂ {} ▸", form.priority.name()), None),
            Field::Owner => (format!("◂ {owner} ▸"), None),
            Field::Subject => (form.subject.text().to_string(), None),
            Field::Message | Field::Reply => (String::new(), None),
        };
        let marker = if focused { "›" } else { " " };
        let mut spans = vec![
            Span::styled(
                format!(
                    "{marker} {:<width$}",
                    field.label(),
                    width = usize::from(LABEL) - 2
                ),
                theme.style(if focused { Role::Key } else { Role::Muted }),
            ),
            Span::styled(
                value.clone(),
                theme.style(if focused { Role::Selected } else { Role::Text }),
            ),
        ];
        if let Some(beside) = beside {
            spans.push(Span::styled(
                format!("  {beside}"),
                theme.style(Role::Muted),
            ));
        }
        let line = Line::from(spans);
        frame.render_widget(Paragraph::new(line), Rect::new(body.x, y, body.width, 1));
        if focused && !field.is_choice() {
            let typed = match field {
                Field::Email => form.email.cursor_chars(),
                Field::Name => form.name.cursor_chars(),
                _ => form.subject.cursor_chars(),
            };
            let x = (usize::from(LABEL) + typed).min(width.saturating_sub(1));
            cursor = Some(Position::new(body.x + x as u16, y));
        }
        y += 1;
    }
    // Their words, in a box below; the reason it was not logged under it.
    let bottom = body.y + body.height;
    let error_rows = u16::from(form.error.is_some());
    // The first reply's row under the box.
    let height = bottom.saturating_sub(y + error_rows + 1);
    if height >= 3 {
        let focused = form.field == Field::Message;
        let block = Block::bordered()
            .title(Span::styled(
                format!(" {} ", Field::Message.label()),
                theme.style(if focused { Role::Key } else { Role::Muted }),
            ))
            .border_style(theme.style(if focused { Role::Accent } else { Role::Border }));
        let area = Rect::new(body.x, y, body.width, height);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(&form.message, inner);
        y += height;
    }
    if y < bottom {
        let focused = form.field == Field::Reply;
        let marker = if focused { "›" } else { " " };
        let line = Line::from(vec![
            Span::styled(
                format!(
                    "{marker} {:<width$}",
                    Field::Reply.label(),
                    width = usize::from(LABEL) - 2
                ),
                theme.style(if focused { Role::Key } else { Role::Muted }),
            ),
            match form.reply.text() {
                "" if !focused => Span::styled(
                    "(optional: a public answer sent with it)",
                    theme.style(Role::Muted),
                ),
                text => Span::styled(
                    text.to_string(),
                    theme.style(if focused { Role::Selected } else { Role::Text }),
                ),
            },
        ]);
        frame.render_widget(Paragraph::new(line), Rect::new(body.x, y, body.width, 1));
        if focused {
            let x = (usize::from(LABEL) + form.reply.cursor_chars()).min(width.saturating_sub(1));
            cursor = Some(Position::new(body.x + x as u16, y));
        }
        y += 1;
    }
    if let Some(error) = &form.error
        && y < bottom
    {
        frame.render_widget(
            Paragraph::new(Span::styled(
                truncate(error, width),
                theme.style(Role::Error),
            )),
            Rect::new(body.x, y, body.width, 1),
        );
    }
    if let Some(at) = cursor {
        frame.set_cursor_position(at);
    }
}
