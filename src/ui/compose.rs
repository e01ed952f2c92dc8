//! The compose pane under a ticket. A reply and a note must never be
//! confused: each says loudly who will read it, in words as well as colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};

use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::layout::compose::delivery;
use crate::state::State;
use crate::state::compose::{Compose, ComposeKind};

pub fn render(frame: &mut Frame, area: Rect, state: &State, compose: &Compose) {
    let theme = &state.settings.theme;
    let (title, border) = match compose.kind {
        ComposeKind::Reply => (
            Span::styled(
                " REPLY · public: the requester will read this ",
                theme.style(Role::ReplyHeader),
            ),
            theme.style(Role::ReplyHeader),
        ),
        ComposeKind::Note => (
            Span::styled(
                " INTERNAL NOTE · agents only, never sent to the requester ",
                theme.style(Role::NoteHeader),
            ),
            theme.style(Role::Note),
        ),
    };
    let key = |action| {
        state
            .settings
            .keymap
            .key_for(Context::Compose, action)
            .map_or_else(|| action.name(), |k| k.to_string())
    };
    let hint = if compose.conflict {
        Span::styled(
            format!(
                " the ticket changed: read above, {} sends anyway, {} keeps writing ",
                key(Action::Send),
                key(Action::Cancel)
            ),
            theme.style(Role::Error),
        )
    } else {
        let attach = match state.settings.uploads.limit {
            Some(_) => format!(" · {} attach", key(Action::AttachFile)),
            None => String::new(),
        };
        Span::styled(
            format!(
                " {} send{attach} · {} cancel ",
                key(Action::Send),
                key(Action::Cancel)
            ),
            theme.style(Role::Muted),
        )
    };
    let mut block = Block::bordered()
        .border_style(border)
        .title(title)
        .title_bottom(Line::from(hint).right_aligned())
        .style(theme.style(Role::Text));
    // Zendesk, Zammad and Freshdesk agree: a note never answers the requester.
    let first_response_running = state
        .screen
        .ticket()
        .and_then(|v| v.summary())
        .and_then(|s| s.sla.get(crate::sla::ClockKind::FirstResponse))
        .is_some_and(|c| c.stage() == crate::sla::Stage::Active);
    // Where the reply goes: its channel, counted as an SMS, or public.
    let ticket = state.screen.ticket().and_then(|v| v.summary());
    if let (ComposeKind::Reply, Some(ticket)) = (compose.kind, ticket) {
        let delivery = delivery(ticket, state.settings.delivers, &compose.text());
        let role = if delivery.warn {
            Role::SlaWarn
        } else {
            Role::Muted
        };
        block = block.title_bottom(Line::from(Span::styled(
            format!(" {} ", delivery.text),
            theme.style(role),
        )));
    }
    if compose.kind == ComposeKind::Note && first_response_running {
        block = block.title_bottom(Line::from(Span::styled(
            " ⚠ a note is not a first response: that SLA clock keeps running ",
            theme.style(Role::SlaWarn),
        )));
    }
    if !compose.actions.is_empty() {
        block = block.title(
            Line::from(Span::styled(
                format!(
                    " + {} macro action(s) after sending ",
                    compose.actions.len()
                ),
                theme.style(Role::Accent),
            ))
            .right_aligned(),
        );
    }
    let mut inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    // The files going with the text, on the pane's last line.
    if !compose.files.is_empty() && inner.height > 1 {
        inner.height -= 1;
        let row = Rect {
            y: inner.y + inner.height,
            height: 1,
            ..inner
        };
        frame.render_widget(
            Line::from(Span::styled(attached(compose), theme.style(Role::Accent))),
            row,
        );
    }
    frame.render_widget(&compose.editor, inner);
}

/// "Attached: form.pdf (2.9 KB), device log.txt (1.1 KB)"
fn attached(compose: &Compose) -> String {
    let files: Vec<String> = compose
        .files
        .iter()
        .map(|f| {
            format!(
                "{} ({})",
                crate::text::sanitize_line(&f.name),
                crate::desk::message::size_text(f.bytes.len() as u64)
            )
        })
        .collect();
    format!("Attached: {}", files.join(", "))
}
