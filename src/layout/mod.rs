//! What the screen's shape is, without drawing it: where the rows go, how
//! the conversation wraps, how many rows the ticket header, the help and
//! the dashboard's panels take, and which figures are on which page.
//!
//! Both sides read it: [`crate::state`] to page and scroll, [`crate::ui`]
//! to draw, so the two always agree. Nothing here knows ratatui; text comes
//! as [`styled`] spans that name a theme role, and ui turns them into
//! styled lines.

pub mod compose;
pub mod dash;
pub mod format;
pub mod help;
pub mod styled;
pub mod ticket;

/// A rectangle of cells, as ratatui's `Rect` (ui converts between them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    /// Clamped, as ratatui's `Rect::new` is, so it never reaches past the
    /// last cell a `u16` can name.
    pub const fn new(x: u16, y: u16, width: u16, height: u16) -> Self {
        Self {
            x,
            y,
            width: x.saturating_add(width) - x,
            height: y.saturating_add(height) - y,
        }
    }
}

/// The screen's rows: a title or tab bar on top, the body, an optional prompt
/// (filter or command line), and the status line at the bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screen {
    pub top: Area,
    pub body: Area,
    pub prompt: Option<Area>,
    pub status: Area,
}

fn row(area: Area, y: u16) -> Area {
    Area::new(area.x, y, area.width, 1)
}

pub fn screen(area: Area, prompt: bool) -> Screen {
    let bottom = area.y + area.height;
    let status = row(area, bottom.saturating_sub(1));
    let prompt_row = (prompt && area.height >= 4).then(|| row(area, bottom.saturating_sub(2)));
    let chrome = 2 + u16::from(prompt_row.is_some());
    let body_height = area.height.saturating_sub(chrome);
    Screen {
        top: row(area, area.y),
        body: Area::new(area.x, area.y + 1, area.width, body_height),
        prompt: prompt_row,
        status,
    }
}

/// The section tabs on the top row: the first shown (scrolled so the
/// active one is on screen; a `‹` before it says more are to the left),
/// and each shown tab's columns, `from..to`, with its index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TabStrip {
    pub first: usize,
    pub tabs: Vec<(u16, u16, usize)>,
}

/// Where tabs labelled `labels` go in `width` columns, `active` shown.
/// Each label is followed by a one-cell divider.
pub fn tabs(labels: &[String], active: usize, width: u16) -> TabStrip {
    use crate::text::width::cells;
    let width = usize::from(width);
    let span_width = |from: usize, to: usize| -> usize {
        labels[from..=to]
            .iter()
            .map(|l| cells(l) + 1)
            .sum::<usize>()
            + usize::from(from > 0)
    };
    let mut first = 0;
    while first < active && active < labels.len() && span_width(first, active) > width {
        first += 1;
    }
    let mut x = usize::from(first > 0);
    let mut tabs = Vec::new();
    for (i, label) in labels.iter().enumerate().skip(first) {
        if x >= width {
            break;
        }
        let end = (x + cells(label)).min(width);
        tabs.push((x as u16, end as u16, i));
        x = end + 1;
    }
    TabStrip { first, tabs }
}

/// Ticket rows the queue table shows (its header takes one row).
pub fn queue_rows(area: Area, prompt: bool) -> usize {
    usize::from(screen(area, prompt).body.height.saturating_sub(1))
}
