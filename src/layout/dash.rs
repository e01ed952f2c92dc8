//! The dashboard's shape: each panel's figures as text, which of them Enter
//! can follow, and the panels placed on pages (one column under 120 cells,
//! two from 120). The state moves between figures and pages by these; ui
//! draws the same panels. Every figure is text (bars and sparklines are
//! block characters, numbers beside them), so it reads the same in 16
//! colours or none.

use super::Area;
use super::format;
use super::styled::{Line, Span};
use crate::config::theme::Role;
use crate::dashboard::{Bar, Dashboard, Flow, Focus, OLDEST_OPEN};
use crate::sla::compact_duration;
use crate::state::State;
use crate::text::width::{fit, truncate};

/// One panel: a title, its lines, and which lines Enter can follow.
pub struct Panel {
    pub title: &'static str,
    pub lines: Vec<Line>,
    /// (line, where it leads)
    pub items: Vec<(usize, Focus)>,
}

/// A panel placed on a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub panel: usize,
    pub area: Area,
}

const BAR_ROWS: usize = 8;

fn bars(bars: &[Bar], width: usize) -> (Vec<Line>, Vec<(usize, Focus)>) {
    let label = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(16);
    let most = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let count = most.to_string().len();
    let room = width.saturating_sub(label + count + 4).max(1);
    let mut lines = Vec::new();
    let mut items = Vec::new();
    for bar in bars.iter().take(BAR_ROWS) {
        let len = (bar.value * room).div_ceil(most).min(room);
        items.push((lines.len(), bar.focus.clone()));
        lines.push(Line::from(vec![
            Span::new(format!(" {} ", fit(&bar.label, label)), Role::Text),
            Span::new("█".repeat(len), Role::Accent),
            Span::new(format!(" {:>count$}", bar.value), Role::Text),
        ]));
    }
    if bars.is_empty() {
        lines.push(Line::from(Span::new(" nothing open", Role::Muted)));
    }
    (lines, items)
}

/// A count per slot as block characters; `·` where there was none.
fn spark(values: &[usize]) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let most = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .map(|&v| {
            if v == 0 {
                '·'
            } else {
                LEVELS[((v * 8).div_ceil(most)).clamp(1, 8) - 1]
            }
        })
        .collect()
}

fn flow_lines(label: &str, flows: &[Flow]) -> Vec<Line> {
    let new: Vec<usize> = flows.iter().map(|f| f.new).collect();
    let done: Vec<usize> = flows.iter().map(|f| f.resolved).collect();
    let row = |head: &str, what: &str, values: &[usize], role: Role| {
        Line::from(vec![
            Span::new(format!(" {head:<10}"), Role::Muted),
            Span::new(format!("{what:<9}"), Role::Text),
            Span::new(spark(values), role),
            Span::new(format!(" {}", values.iter().sum::<usize>()), Role::Text),
        ])
    };
    vec![
        row(label, "new", &new, Role::Accent),
        row("", "resolved", &done, Role::Live),
    ]
}

fn took(d: Option<jiff::SignedDuration>) -> String {
    d.map_or_else(|| "—".to_string(), compact_duration)
}

/// Every panel, for a column `width` cells wide.
pub fn panels(state: &State, width: usize) -> Vec<Panel> {
    let d: &Dashboard = &state.dashboard;
    let now = state.now;
    let mut out = Vec::new();

    // Many writing about one thing at once, first: where a single answer
    // helps most (`*` in the queue marks a flood's tickets).
    if !state.held.flood_list.is_empty() {
        let mut lines = Vec::new();
        let mut items = Vec::new();
        for flood in state.held.flood_list.iter().take(BAR_ROWS) {
            let Some(newest) = flood.tickets.first() else {
                continue;
            };
            let subject = state
                .held
                .tickets
                .by_id(newest)
                .map_or_else(String::new, |t| t.subject.to_string());
            items.push((lines.len(), Focus::Ticket(newest.clone())));
            let head = format!(" ≋{:<3} ", flood.tickets.len());
            let since = format!("  since {}", format::age(now, flood.first));
            let room = width.saturating_sub(head.chars().count() + since.chars().count());
            lines.push(Line::from(vec![
                Span::new(head, Role::SlaWarn),
                Span::new(fit(&subject, room), Role::Text),
                Span::new(since, Role::Muted),
            ]));
        }
        out.push(Panel {
            title: "Happening now",
            lines,
            items,
        });
    }

    let (lines, items) = bars(&d.by_queue, width);
    out.push(Panel {
        title: "Open by department",
        lines,
        items,
    });
    let (lines, items) = bars(&d.by_channel, width);
    out.push(Panel {
        title: "Open by channel",
        lines,
        items,
    });

    let mut lines = flow_lines("last 24 h", &d.hourly);
    lines.extend(flow_lines("last 30 d", &d.daily));
    out.push(Panel {
        title: "New and resolved",
        lines,
        items: Vec::new(),
    });

    let mut lines = Vec::new();
    let mut items = Vec::new();
    let name = d
        .sla
        .iter()
        .map(|r| r.queue.chars().count())
        .max()
        .unwrap_or(0)
        .min(16);
    for row in d.sla.iter().take(BAR_ROWS) {
        items.push((lines.len(), Focus::Slipping(row.id.clone())));
        lines.push(Line::from(vec![
            Span::new(format!(" {} ", fit(&row.queue, name)), Role::Text),
            Span::new(
                format!("{:>3} at risk", row.at_risk),
                if row.at_risk > 0 {
                    Role::SlaWarn
                } else {
                    Role::Muted
                },
            ),
            Span::new(" · ", Role::Muted),
            Span::new(
                format!("{:>3} breached", row.breached),
                if row.breached > 0 {
                    Role::SlaBreached
                } else {
                    Role::Muted
                },
            ),
        ]));
    }
    out.push(Panel {
        title: "SLA by department",
        lines,
        items,
    });

    let mut lines = Vec::new();
    let mut items = Vec::new();
    let name = d
        .agents
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(18);
    for agent in d.agents.iter().take(BAR_ROWS) {
        items.push((lines.len(), Focus::Agent(agent.id.clone())));
        let oldest = agent.oldest.map_or_else(String::new, |at| {
            format!(" · oldest {}", format::age(now, at))
        });
        lines.push(Line::from(vec![
            Span::new(format!(" {} ", fit(&agent.name, name)), Role::Text),
            Span::new(
                truncate(
                    &format!(
                        "{:>3} open · {:>2} at risk · {:>2} breached{oldest}",
                        agent.open, agent.at_risk, agent.breached
                    ),
                    width.saturating_sub(name + 2),
                ),
                if agent.breached > 0 {
                    Role::SlaBreached
                } else if agent.at_risk > 0 {
                    Role::SlaWarn
                } else {
                    Role::Text
                },
            ),
        ]));
    }
    if d.agents.is_empty() {
        lines.push(Line::from(Span::new(" nobody holds a ticket", Role::Muted)));
    }
    out.push(Panel {
        title: "Agent load",
        lines,
        items,
    });

    let mut lines = Vec::new();
    let mut items = Vec::new();
    for t in d.oldest.iter().take(OLDEST_OPEN) {
        items.push((lines.len(), Focus::Ticket(t.id.clone())));
        let head = format!(" {:<6} {:>4}  ", t.key, format::age(now, t.created));
        let room = width.saturating_sub(head.chars().count());
        lines.push(Line::from(vec![
            Span::new(head, Role::Text),
            Span::new(truncate(&t.subject, room), Role::Muted),
        ]));
    }
    out.push(Panel {
        title: "Oldest open",
        lines,
        items,
    });

    let times = |what: &str, m: &crate::dashboard::Medians| {
        Line::from(vec![
            Span::new(format!(" {what:<15}"), Role::Text),
            Span::new(format!("{:>8}", took(m.today)), Role::Accent),
            Span::new(format!("{:>14}", took(m.week)), Role::Text),
        ])
    };
    out.push(Panel {
        title: "Median times",
        lines: vec![
            Line::from(Span::new(
                format!(" {:<15}{:>8}{:>14}", "", "today", "last 7 days"),
                Role::Muted,
            )),
            times("first response", &d.first_response),
            times("resolution", &d.resolution),
        ],
        items: Vec::new(),
    });

    let (lines, items) = bars(&d.requesters, width);
    out.push(Panel {
        title: "Who is asking",
        lines,
        items,
    });

    // Equity: does one kind of requester wait longer than another?
    let mut lines = vec![Line::from(Span::new(
        format!(
            " {:<10}{:>10}{:>12}{:>16}",
            "", "1st reply", "resolution", "breached now"
        ),
        Role::Muted,
    ))];
    let mut items = Vec::new();
    for wait in &d.waits {
        items.push((lines.len(), Focus::Role(wait.role)));
        lines.push(Line::from(vec![
            Span::new(format!(" {:<10}", wait.role.name()), Role::Text),
            Span::new(format!("{:>10}", took(wait.first_response)), Role::Accent),
            Span::new(format!("{:>12}", took(wait.resolution)), Role::Text),
            Span::new(
                format!("{:>16}", format!("{} of {}", wait.breached, wait.open)),
                if wait.breached > 0 {
                    Role::SlaBreached
                } else {
                    Role::Muted
                },
            ),
        ]));
    }
    out.push(Panel {
        title: "Who waits (medians, last 7 days)",
        lines,
        items,
    });
    out
}

/// How many of `heights`, from the first, fit one above the other in
/// `room` rows; at least one, cut to fit if it must.
fn fitting(heights: &[u16], room: u16) -> usize {
    let mut used = 0;
    let n = heights
        .iter()
        .take_while(|h| {
            used += **h;
            used <= room
        })
        .count();
    n.max(1).min(heights.len())
}

/// Where the second of two columns starts among `heights`, all of which fit
/// in the two: the break that leaves the taller column least tall, the
/// first column taller on a tie.
fn balanced(heights: &[u16], room: u16) -> usize {
    let total: u16 = heights.iter().sum();
    let mut best = (u16::MAX, fitting(heights, room));
    let mut first = 0;
    for split in 1..=heights.len() {
        first += heights[split - 1];
        if first > room {
            break;
        }
        let second = total - first;
        if second <= room && first.max(second) <= best.0 {
            best = (first.max(second), split);
        }
    }
    best.1
}

/// The panels on pages: one column under 120 cells, two from 120. A column
/// is filled before the next and a panel goes on the next page when it does
/// not fit what is left; when the panels left all fit in the two columns,
/// the columns share them about evenly.
pub fn pages(state: &State, body: Area) -> (Vec<Panel>, Vec<Vec<Placed>>) {
    let columns: u16 = if body.width >= 120 { 2 } else { 1 };
    let column_width = body.width / columns;
    let panels = panels(state, usize::from(column_width.saturating_sub(1)));
    let room = body.height.max(1);
    // Title, lines, a blank row after.
    let heights: Vec<u16> = panels
        .iter()
        .map(|p| (p.lines.len() as u16 + 2).min(room))
        .collect();
    let mut pages: Vec<Vec<Placed>> = Vec::new();
    let mut start = 0;
    while start < panels.len() {
        // Each column's first panel, filling one column after the other.
        let mut breaks = Vec::new();
        let mut end = start;
        for _ in 0..columns {
            breaks.push(end);
            if end < panels.len() {
                end += fitting(&heights[end..], room);
            }
        }
        if columns == 2 && end == panels.len() {
            breaks[1] = start + balanced(&heights[start..end], room);
        }
        breaks.push(end);
        let mut page = Vec::new();
        for (column, span) in breaks.windows(2).enumerate() {
            let mut y = body.y;
            for (i, height) in heights.iter().enumerate().take(span[1]).skip(span[0]) {
                let x = body.x + column as u16 * column_width;
                page.push(Placed {
                    panel: i,
                    area: Area::new(x, y, column_width, *height),
                });
                y += height;
            }
        }
        pages.push(page);
        start = end;
    }
    if pages.is_empty() {
        pages.push(Vec::new());
    }
    (panels, pages)
}

/// Every figure Enter can follow, in reading order: (page, panel, item).
pub fn items(state: &State) -> Vec<(usize, usize, Focus)> {
    let body = super::screen(state.viewport, false).body;
    let (panels, pages) = pages(state, body);
    let mut out = Vec::new();
    for (page, placed) in pages.iter().enumerate() {
        for p in placed {
            for (_, focus) in &panels[p.panel].items {
                out.push((page, p.panel, focus.clone()));
            }
        }
    }
    out
}
