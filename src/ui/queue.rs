//! The queue view: section tabs and the ticket table. Columns collapse by
//! importance so the table stays readable from 80 columns up.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::config::theme::Role;
use crate::desk::{Channel, RequesterRole, StatusKind, TicketSummary};
use crate::layout::format;
use crate::layout::styled::{level_role, priority_role};
use crate::state::State;
use crate::state::queue::SortKey;
use crate::state::sections::Column;
use crate::text::width::{cells, fit, truncate};

/// Left to right on screen, when a section does not choose its own.
const ORDER: [Column; 9] = [
    Column::Sla,
    Column::Priority,
    Column::Id,
    Column::Subject,
    Column::Requester,
    Column::Channel,
    Column::Queue,
    Column::Owner,
    Column::Updated,
];

/// The optional columns, most important first: the last ones go first
/// when the terminal is narrow. A section's own columns are in the order
/// it lists them.
const OPTIONAL: [Column; 6] = [
    Column::Requester,
    Column::Priority,
    Column::Updated,
    Column::Queue,
    Column::Owner,
    Column::Channel,
];

/// Never dropped for room.
fn required(column: &Column) -> bool {
    matches!(column, Column::Sla | Column::Id | Column::Subject)
}

fn title(column: &Column) -> &str {
    match column {
        Column::Sla => "SLA",
        Column::Priority => "Pri",
        Column::Id => "ID",
        Column::Status => "Status",
        Column::Subject => "Subject",
        Column::Requester => "Requester",
        Column::Channel => "Channel",
        Column::Queue => "Queue",
        Column::Owner => "Owner",
        Column::Created => "Age",
        Column::Updated => "Upd",
        Column::Tags => "Tags",
        Column::Field(name) => name,
    }
}

/// The width it wants; the subject takes what is left.
fn wanted_width(column: &Column, id_width: usize) -> usize {
    match column {
        Column::Sla => 7,
        Column::Priority => 6,
        Column::Id => id_width,
        Column::Status => 8,
        Column::Subject => 24,
        Column::Requester => 24,
        Column::Channel => 7,
        Column::Queue => 14,
        Column::Owner => 14,
        Column::Created | Column::Updated => 4,
        Column::Tags => 14,
        Column::Field(name) => cells(name).clamp(8, 16),
    }
}

fn sorted_by(column: &Column) -> Option<SortKey> {
    match column {
        Column::Sla => Some(SortKey::Sla),
        Column::Priority => Some(SortKey::Priority),
        Column::Id => Some(SortKey::Id),
        Column::Updated => Some(SortKey::Updated),
        Column::Created => Some(SortKey::Created),
        _ => None,
    }
}

/// The cells the visible rows need in the columns that grow to their content.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Wants {
    requester: usize,
    owner: usize,
    queue: usize,
}

impl Wants {
    /// The widest requester grows to at most this.
    const REQUESTER_CAP: usize = 40;

    fn of(self, column: &Column) -> usize {
        match column {
            Column::Requester => self.requester.min(Self::REQUESTER_CAP),
            Column::Owner => self.owner,
            Column::Queue => self.queue,
            _ => 0,
        }
    }
}

/// Which of `order`'s columns fit in `width`, and how wide each is. The
/// requester, owner and queue grow to what the rows need out of at most
/// half the room left; the subject takes the rest. `optional` says which
/// to keep first when not all fit.
fn layout(
    width: usize,
    id_width: usize,
    wants: Wants,
    order: &[Column],
    optional: &[Column],
) -> Vec<(Column, usize)> {
    let gap = 1;
    let mut chosen: Vec<&Column> = order.iter().filter(|c| required(c)).collect();
    let used =
        |cols: &[&Column]| -> usize { cols.iter().map(|c| wanted_width(c, id_width) + gap).sum() };
    for column in optional
        .iter()
        .filter(|c| !required(c) && order.contains(c))
    {
        let mut trial = chosen.clone();
        trial.push(column);
        if used(&trial) <= width {
            chosen = trial;
        }
    }
    let spare = width.saturating_sub(used(&chosen));
    let mut room = spare / 2;
    let mut grown = [0; 3];
    let growing = [Column::Requester, Column::Owner, Column::Queue];
    for (column, grow) in growing.iter().zip(&mut grown) {
        if chosen.contains(&column) {
            *grow = wants
                .of(column)
                .saturating_sub(wanted_width(column, id_width))
                .min(room);
            room -= *grow;
        }
    }
    let subject = spare - grown.iter().sum::<usize>();
    order
        .iter()
        .filter(|c| chosen.contains(c))
        .map(|c| {
            let extra = match growing.iter().position(|g| g == c) {
                Some(i) => grown[i],
                None if *c == Column::Subject => subject,
                None => 0,
            };
            (c.clone(), wanted_width(c, id_width) + extra)
        })
        .collect()
}

/// "Maria Lopez · parent", shortening the name before the role; the email
/// when the desk knows no name.
fn requester_text(t: &TicketSummary, width: usize) -> String {
    let name = match t.requester.name.as_str() {
        name if name.trim().is_empty() => t.requester.email.as_str(),
        name => name,
    };
    if t.requester.role == RequesterRole::Unknown {
        return truncate(name, width);
    }
    let role = t.requester.role.name();
    let name_room = width.saturating_sub(role.len() + 3);
    if name_room < 4 {
        return truncate(name, width);
    }
    format!("{} · {role}", truncate(name, name_room))
}

fn cell(column: &Column, t: &TicketSummary, state: &State, width: usize) -> (String, Style) {
    let theme = &state.settings.theme;
    let now = state.now;
    let (text, role) = match column {
        Column::Sla => {
            let clock = t.sla.most_urgent(now);
            let level = clock.map(|c| c.level(now, &state.settings.thresholds));
            (format::sla_cell(clock, now), level_role(level))
        }
        Column::Priority => (
            t.priority.level.name().to_string(),
            priority_role(t.priority.level),
        ),
        Column::Id => (t.key.to_string(), Role::Muted),
        Column::Subject => {
            let role = if t.status.kind == StatusKind::New {
                Role::StatusNew
            } else {
                Role::Text
            };
            // A linked ticket (a parent incident, a duplicate) says so
            // first: `:open` and its Links field say to which.
            let linked = if t.linked { "⇄ " } else { "" };
            // A flood says how big it is on its newest ticket.
            let flood = match state.held.flood_of(&t.id) {
                Some(f) if f.tickets.first() == Some(&t.id) => format!("≋{} ", f.tickets.len()),
                Some(_) => "≋ ".to_string(),
                None => String::new(),
            };
            (format!("{flood}{linked}{}", t.subject), role)
        }
        Column::Requester => (requester_text(t, width), Role::Text),
        Column::Channel => match t.channel {
            Channel::Unknown => ("—".to_string(), Role::Muted),
            channel => (channel.name().to_string(), Role::Muted),
        },
        Column::Queue => (t.queue.name.to_string(), Role::Text),
        Column::Owner => (
            t.owner
                .as_ref()
                .map_or_else(|| "—".to_string(), |o| o.name.to_string()),
            if t.owner.is_some() {
                Role::Text
            } else {
                Role::Muted
            },
        ),
        Column::Updated => (format::age(now, t.updated), Role::Muted),
        Column::Created => (format::age(now, t.created), Role::Muted),
        Column::Status => (t.status.kind.name().to_string(), Role::Muted),
        Column::Tags => (
            t.tags
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            Role::Muted,
        ),
        Column::Field(name) => match t
            .fields
            .iter()
            .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
        {
            Some((_, value)) => (value.to_string(), Role::Text),
            None => ("—".to_string(), Role::Muted),
        },
    };
    // New tickets' subjects stand out by weight, not by another colour.
    let style = if *column == Column::Subject && role == Role::StatusNew {
        theme.style(Role::Text).add_modifier(Modifier::BOLD)
    } else {
        theme.style(role)
    };
    (truncate(&text, width), style)
}

pub fn render_tabs(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.settings.theme;
    let labels = state.tab_labels();
    // Scrolled so the active one is always on screen.
    let first = crate::layout::tabs(&labels, state.section, area.width).first;
    let mut spans = Vec::new();
    if first > 0 {
        spans.push(Span::styled("‹", theme.style(Role::Muted)));
    }
    for (i, label) in labels.iter().enumerate().skip(first) {
        let role = if i == state.section {
            Role::TabActive
        } else {
            Role::Tab
        };
        spans.push(Span::styled(label.clone(), theme.style(role)));
        spans.push(Span::styled("│", theme.style(Role::Border)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn render_table(frame: &mut Frame, area: Rect, state: &State) {
    if area.height == 0 {
        return;
    }
    let theme = &state.settings.theme;
    // Measured over the first 200 rows (ten screens at 80x24), so a huge
    // queue costs no more to draw: over 2,000, the measuring was 2.3 ms of
    // a 5 ms frame with a million held.
    let mut id_width = 0;
    let mut wants = Wants::default();
    for t in state
        .queue
        .visible
        .iter()
        .filter_map(|&i| state.row_ticket(i))
        .take(200)
    {
        id_width = id_width.max(cells(&t.key));
        wants.requester = wants
            .requester
            .max(cells(&requester_text(t, Wants::REQUESTER_CAP)));
        wants.owner = wants
            .owner
            .max(t.owner.as_ref().map_or(1, |o| cells(&o.name)));
        wants.queue = wants.queue.max(cells(&t.queue.name));
    }
    let id_width = if id_width == 0 {
        4
    } else {
        id_width.clamp(2, 10)
    };
    // One cell on the left shows marks for bulk actions.
    let section = state.sections.get(state.section);
    let (order, optional): (&[Column], &[Column]) = match section.and_then(|s| s.columns.as_deref())
    {
        Some(own) => (own, own),
        None => (&ORDER, &OPTIONAL),
    };
    let columns = layout(
        usize::from(area.width).saturating_sub(1),
        id_width,
        wants,
        order,
        optional,
    );
    let marked: std::collections::HashSet<_> = state.marked().into_iter().collect();

    let header: Vec<Span> = std::iter::once(Span::styled(" ", theme.style(Role::Header)))
        .chain(columns.iter().map(|(column, width)| {
            let width = *width;
            let arrow = match sorted_by(column) {
                Some(key) if key == state.queue.sort => {
                    if state.queue.reversed {
                        "↑"
                    } else {
                        "↓"
                    }
                }
                _ => "",
            };
            Span::styled(
                fit(&format!("{}{arrow}", title(column)), width + 1),
                theme.style(Role::Header),
            )
        }))
        .collect();
    let mut lines = vec![Line::from(header)];

    let rows = usize::from(area.height - 1);
    if state.queue.visible.is_empty() {
        let fetched = section.and_then(|s| s.fetched.as_ref());
        let text = match (&state.connection, state.held.tickets.is_empty()) {
            _ if section.and_then(|s| s.problem.as_deref()).is_some() => {
                if state.queues.is_empty() {
                    "Waiting for the desk's queues and agents…"
                } else {
                    "This section's query names something the desk does not have (:messages)."
                }
            }
            _ if fetched.is_some_and(|f| f.at.is_none()) => "Asking the desk…",
            (crate::state::Connection::Connecting, true) if fetched.is_none() => "Loading tickets…",
            _ if !state.queue.filter.text().is_empty() => "No tickets match the filter.",
            _ if section.is_some_and(|s| s.search) => "Nothing found. Esc closes the search.",
            _ => "No tickets in this section.",
        };
        lines.push(Line::from(Span::styled(
            format!("  {text}"),
            theme.style(Role::Muted),
        )));
    }
    let end = (state.queue.offset + rows).min(state.queue.visible.len());
    for row in state.queue.offset..end {
        let Some(ticket) = state.row_ticket(state.queue.visible[row]) else {
            continue;
        };
        let selected = row == state.queue.cursor;
        // The selected row takes the selection's background but keeps each
        // cell's colour, so a breached countdown stays red under the cursor.
        let highlight = Style {
            fg: None,
            ..theme.style(Role::Selected)
        };
        let mark = if marked.contains(&ticket.id) {
            Span::styled("●", theme.style(Role::Marked))
        } else {
            Span::raw(" ")
        };
        let spans: Vec<Span> = std::iter::once(mark)
            .chain(columns.iter().map(|(column, width)| {
                let width = *width;
                let (text, style) = cell(column, ticket, state, width);
                let style = if selected {
                    style.patch(highlight)
                } else {
                    style
                };
                Span::styled(fit(&text, width + 1), style)
            }))
            .collect();
        let mut line = Line::from(spans);
        if selected {
            line = line.style(theme.style(Role::Selected));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_collapse_by_importance() {
        let names = |w| -> Vec<Column> {
            layout(w, 5, Wants::default(), &ORDER, &OPTIONAL)
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        };
        assert_eq!(
            names(80),
            [
                Column::Sla,
                Column::Priority,
                Column::Id,
                Column::Subject,
                Column::Requester,
                Column::Updated
            ]
        );
        assert_eq!(names(160).len(), 9);
        assert_eq!(names(40), [Column::Sla, Column::Id, Column::Subject]);
    }

    #[test]
    fn a_sections_own_columns_keep_its_order_and_drop_from_the_end() {
        let own = [
            Column::Id,
            Column::Status,
            Column::Subject,
            Column::Field("School".into()),
            Column::Tags,
            Column::Created,
            Column::Owner,
        ];
        let names = |w| -> Vec<Column> {
            layout(w, 5, Wants::default(), &own, &own)
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        };
        assert_eq!(names(160), own.to_vec());
        // At 80 the last listed go first; the id and subject always stay.
        assert_eq!(
            names(79),
            [
                Column::Id,
                Column::Status,
                Column::Subject,
                Column::Field("School".into()),
                Column::Tags,
                Column::Created,
            ]
        );
        assert_eq!(names(30), [Column::Id, Column::Subject]);
    }

    #[test]
    fn columns_fill_the_width_exactly() {
        let wants = Wants {
            requester: 60,
            owner: 30,
            queue: 20,
        };
        for width in [60, 80, 100, 132, 160, 199, 240] {
            for wants in [Wants::default(), wants] {
                let total: usize = layout(width, 5, wants, &ORDER, &OPTIONAL)
                    .iter()
                    .map(|(_, w)| w + 1)
                    .sum();
                assert_eq!(total, width, "at {width}");
            }
        }
    }

    #[test]
    fn requester_owner_and_queue_grow_to_their_rows_from_half_the_room() {
        let width_of = |width, wants, column| {
            layout(width, 5, wants, &ORDER, &OPTIONAL)
                .into_iter()
                .find(|(c, _)| *c == column)
                .map(|(_, w)| w)
        };
        let wants = Wants {
            requester: 27,
            owner: 17,
            queue: 12,
        };
        // At 199 (200 less the mark) there is room: each as wide as its rows.
        assert_eq!(width_of(199, wants, Column::Requester), Some(27));
        assert_eq!(width_of(199, wants, Column::Owner), Some(17));
        // Never narrower than its own width.
        assert_eq!(width_of(199, wants, Column::Queue), Some(14));
        // The requester stops at its cap.
        let long = Wants {
            requester: 90,
            ..wants
        };
        assert_eq!(width_of(199, long, Column::Requester), Some(40));
        // The subject keeps at least half the room there is.
        let base = width_of(199, Wants::default(), Column::Subject).expect("a subject");
        let greedy = Wants {
            requester: 200,
            owner: 200,
            queue: 200,
        };
        let subject = width_of(199, greedy, Column::Subject).expect("a subject");
        assert!(subject >= 24 + (base - 24) / 2, "{subject} of {base}");
        // At 80 there is next to no room: the requester keeps about its width.
        assert!(width_of(79, wants, Column::Requester) <= Some(25));
    }
}
