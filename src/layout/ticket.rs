//! The ticket view's shape: the subject's title lines, the header's fields
//! in a grid, the conversation wrapped for the window, and how the body's
//! rows split between header, conversation and compose pane. Paging and
//! scrolling count these rows; ui styles the same ones.

use std::borrow::Cow;

use super::format;
use super::styled::{Line, Span, level_role, priority_role, status_role};
use crate::action::Action;
use crate::config::keymap::Context;
use crate::config::theme::Role;
use crate::desk::{EntryKind, TicketSummary};
use crate::state::State;
use crate::state::compose::ComposeKind;
use crate::state::ticket::{ConvLine, TicketView};
use crate::text::quote::{self, FOLD_MIN};
use crate::text::width::{cells, fit, truncate, wrap};

/// Marks every row of quoted mail.
pub const QUOTE_BAR: &str = "┆ ";

/// The narrowest a label column is, so the first lines up with "Requester".
const LABEL: usize = 10;
/// Between one field's value and the next field's label.
const GAP: usize = 2;
/// The most lines a subject takes, and a requester.
const TITLE_LINES: usize = 3;
const REQUESTER_LINES: usize = 2;

/// The key and the subject, wrapped under itself in at most three lines
/// (the last cut with `…` when even that is not enough).
pub fn title_lines(view: &TicketView, width: usize) -> Vec<String> {
    let Some(summary) = view.summary() else {
        return vec![truncate(&format!(" #{}", view.id.0), width)];
    };
    let prefix = format!(" {}  ", summary.key);
    let indent = cells(&prefix);
    let room = width.saturating_sub(indent);
    if room < 12 {
        return vec![truncate(&format!("{prefix}{}", summary.subject), width)];
    }
    format::at_most(wrap(&summary.subject, room), TITLE_LINES, room)
        .into_iter()
        .enumerate()
        .map(|(i, line)| match i {
            0 => format!("{prefix}{line}"),
            _ => format!("{}{line}", " ".repeat(indent)),
        })
        .collect()
}

/// How many fields go on a row, and each grid column's label and value
/// widths: as many columns as fit `width` when each is as wide as its
/// widest label and value, labels and fields `GAP` apart. With one field a row, values
/// wider than the rest of the line are cut.
fn grid(fields: &[(&str, String, Role)], width: usize) -> (usize, Vec<(usize, usize)>) {
    let measure = |per_row: usize| -> Vec<(usize, usize)> {
        (0..per_row)
            .map(|column| {
                let in_column = fields.iter().skip(column).step_by(per_row);
                let label = in_column
                    .clone()
                    .map(|(name, _, _)| cells(name) + GAP)
                    .max()
                    .unwrap_or(0)
                    .max(LABEL);
                let value = in_column.map(|(_, v, _)| cells(v)).max().unwrap_or(0);
                (label, value)
            })
            .collect()
    };
    for per_row in (2..=fields.len()).rev() {
        let widths = measure(per_row);
        let total = widths.iter().map(|(l, v)| l + v).sum::<usize>() + GAP * (per_row - 1);
        if total <= width {
            return (per_row, widths);
        }
    }
    let widths = measure(1)
        .into_iter()
        .map(|(label, value)| (label, value.min(width.saturating_sub(label))))
        .collect();
    (1, widths)
}

/// The header above the conversation.
pub fn header_lines(
    view: &TicketView,
    summary: &TicketSummary,
    state: &State,
    width: usize,
) -> Vec<Line> {
    let now = state.now;
    let tz = &state.settings.time_zone;
    let label = |text: &str| Span::new(fit(text, LABEL), Role::Muted);
    // The subject's second and third lines; the first is the title row's.
    let mut lines: Vec<Line> = title_lines(view, width)
        .into_iter()
        .skip(1)
        .map(|text| Line::from(Span::new(text, Role::Title)))
        .collect();
    let fields: Vec<(&str, String, Role)> = vec![
        (
            "Status",
            summary.status.raw.to_string(),
            status_role(summary.status.kind),
        ),
        (
            "Priority",
            // A desk's own word or number, when it is not ours.
            match summary.priority.level.name() {
                name if name == summary.priority.raw.as_str() => name.to_string(),
                name => format!("{name} ({})", summary.priority.raw),
            },
            priority_role(summary.priority.level),
        ),
        ("Queue", summary.queue.name.to_string(), Role::Text),
        (
            "Owner",
            summary
                .owner
                .as_ref()
                .map_or_else(|| "nobody".to_string(), |o| o.name.to_string()),
            Role::Text,
        ),
        ("Channel", summary.channel.name().to_string(), Role::Text),
        (
            "Created",
            format::wall(summary.created, now, tz),
            Role::Text,
        ),
        (
            "Updated",
            match format::age(now, summary.updated).as_str() {
                "now" => "just now".to_string(),
                age => format!("{age} ago"),
            },
            Role::Text,
        ),
    ];
    // The desk's own fields (a school, RT's SLA level and Starts) join the grid.
    let extra: Vec<(String, String)> = view
        .detail
        .as_ref()
        .map(|d| {
            d.custom_fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let mut fields = fields;
    if !summary.tags.is_empty() {
        let tags: Vec<&str> = summary.tags.iter().map(|t| t.as_str()).collect();
        fields.push(("Tags", tags.join(", "), Role::Accent));
    }

    fields.extend(
        extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone(), Role::Text)),
    );
    let (per_row, widths) = grid(&fields, width);
    lines.extend(fields.chunks(per_row).map(|row| {
        let mut spans = Vec::new();
        for (i, ((name, value, role), &(label_width, value_width))) in
            row.iter().zip(&widths).enumerate()
        {
            if i > 0 {
                spans.push(Span::plain(" ".repeat(GAP)));
            }
            spans.push(Span::new(fit(name, label_width), Role::Muted));
            let value = if i + 1 == row.len() {
                truncate(value, value_width)
            } else {
                fit(value, value_width)
            };
            spans.push(Span::new(value, *role));
        }
        Line::from(spans)
    }));

    let who = format::requester_lines(
        &summary.requester,
        width.saturating_sub(LABEL),
        REQUESTER_LINES,
    );
    lines.extend(who.into_iter().enumerate().map(|(i, text)| {
        Line::from(vec![
            label(if i == 0 { "Requester" } else { "" }),
            Span::new(text, Role::Text),
        ])
    }));
    // How often they write, on a line of its own (the grid keeps its
    // columns); nothing for someone writing for the first time.
    if let Some(history) = view.history.as_ref().filter(|h| !h.tickets.is_empty()) {
        lines.push(Line::from(vec![
            label("History"),
            Span::new(
                truncate(&history.said(), width.saturating_sub(LABEL)),
                Role::Text,
            ),
        ]));
    }

    for (i, clock) in summary.sla.clocks.iter().enumerate() {
        let level = clock.level(now, &state.settings.thresholds);
        let mut spans = vec![
            label(if i == 0 { "SLA" } else { "" }),
            Span::new(fit(clock.kind.label(), 16), Role::Text),
            Span::new(
                format::sla_sentence(clock, now, tz),
                level_role(Some(level)),
            ),
        ];
        if i == 0
            && let Some(policy) = &summary.sla.policy
        {
            let starts = summary
                .sla
                .starts
                .map(|at| format!(", started {}", format::wall(at, now, tz)))
                .unwrap_or_default();
            spans.push(Span::new(format!("  ({policy}{starts})"), Role::Muted));
        }
        lines.push(Line::from(spans));
    }
    // A draft waits for this ticket: say so, and how to pick it up.
    if state.screen.compose().is_none()
        && let Some(draft) = state.drafts.get(&view.id)
    {
        let what = match draft.kind {
            ComposeKind::Reply => "reply",
            ComposeKind::Note => "note",
        };
        let key = |action: Action| {
            state
                .settings
                .keymap
                .key_for(Context::Ticket, action)
                .map_or_else(|| action.name(), |k| k.to_string())
        };
        lines.push(Line::from(vec![
            label("Draft"),
            Span::new(
                format!(
                    "✎ your {what} from {} is saved: {} continues it, {} throws it away",
                    format::wall(draft.saved, now, tz),
                    key(Action::Reply),
                    key(Action::DiscardDraft)
                ),
                Role::Accent,
            ),
        ]));
    }
    if summary.sla.clocks.is_empty() {
        lines.push(Line::from(vec![
            label("SLA"),
            Span::new("no SLA applies", Role::Muted),
        ]));
    }
    lines
}

/// The conversation laid out for a window `width` cells wide: every entry
/// wrapped once, when it arrives or the window changes size, so a frame only
/// styles the rows it shows, however long the conversation.
pub fn lay_out(view: &TicketView, time_zone: &jiff::tz::TimeZone, width: usize) -> Vec<ConvLine> {
    let Some(detail) = &view.detail else {
        return vec![match &view.error {
            Some(error) => ConvLine::Problem(format!("  Could not load the conversation: {error}")),
            None => ConvLine::Muted("  Loading the conversation…".to_string()),
        }];
    };
    let body_width = width.saturating_sub(2).max(1);
    let mut lines = Vec::new();
    if let Some(why) = &view.cached {
        lines.push(ConvLine::Problem(format!(
            "  The cached copy: the desk cannot be asked now ({why})."
        )));
    }
    for entry in &detail.entries {
        let when = format::full(entry.at, time_zone);
        let note = match entry.kind {
            EntryKind::Event => {
                let text = format!("  • {when}  {}: {}", entry.author, entry.body);
                lines.push(ConvLine::Event(truncate(&text, width)));
                continue;
            }
            EntryKind::Reply => {
                let who = if entry.by_agent { "agent" } else { "requester" };
                lines.push(ConvLine::ReplyHeader {
                    author: entry.author.to_string(),
                    rest: truncate(&format!(" · {who} · public reply · {when}"), body_width),
                });
                false
            }
            EntryKind::Note => {
                lines.push(ConvLine::NoteHeader(truncate(
                    &format!(" {} · {when}", entry.author),
                    body_width.saturating_sub(15),
                )));
                true
            }
        };
        let quote_width = body_width.saturating_sub(cells(QUOTE_BAR)).max(1);
        for run in quote::runs(&entry.body) {
            if !run.quoted {
                lines.extend(
                    wrap(run.text, body_width)
                        .into_iter()
                        .map(|text| ConvLine::Body { note, text }),
                );
            } else if view.show_quotes || run.lines < FOLD_MIN {
                lines.extend(
                    wrap(run.text, quote_width)
                        .into_iter()
                        .map(|text| ConvLine::Quote { note, text }),
                );
            } else {
                lines.push(ConvLine::Folded {
                    note,
                    lines: run.lines,
                });
            }
        }
        lines.extend(entry.attachments.iter().map(|a| ConvLine::Body {
            note,
            text: format::attachment(a),
        }));
        lines.push(ConvLine::Blank);
    }
    lines
}

/// The conversation at `width`: as laid out when it arrived, or laid out now.
pub fn conversation<'a>(view: &'a TicketView, state: &State, width: usize) -> Cow<'a, [ConvLine]> {
    if view.laid_out == Some(width) {
        Cow::Borrowed(&view.lines[..])
    } else {
        Cow::Owned(lay_out(view, &state.settings.time_zone, width))
    }
}

/// Rows the compose pane takes out of a body `body_height` rows tall.
pub fn compose_height(state: &State, body_height: u16) -> u16 {
    if state.screen.compose().is_none() {
        return 0;
    }
    (body_height * 2 / 5)
        .max(6)
        .min(body_height.saturating_sub(4))
}

/// Header height and the rows left for the conversation.
pub fn split(state: &State, view: &TicketView) -> (usize, usize) {
    let body = super::screen(state.viewport, state.prompt_visible()).body;
    let width = usize::from(body.width);
    let header = view
        .summary()
        .map_or(1, |s| header_lines(view, s, state, width).len())
        + 1;
    let header = header.min(usize::from(body.height));
    let compose = usize::from(compose_height(state, body.height));
    (
        header,
        usize::from(body.height).saturating_sub(header + compose),
    )
}

/// Conversation rows on screen, for paging.
pub fn conversation_rows(state: &State) -> usize {
    state.screen.ticket().map_or(0, |view| split(state, view).1)
}

/// The furthest the conversation can scroll.
pub fn max_scroll(state: &State) -> usize {
    let Some(view) = state.screen.ticket() else {
        return 0;
    };
    let width = usize::from(state.viewport.width);
    let total = conversation(view, state, width).len();
    total.saturating_sub(split(state, view).1)
}
