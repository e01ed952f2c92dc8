//! Where each part of the screen goes. The state asks the same functions how
//! many rows a page has, so paging and drawing always agree.

use ratatui::layout::Rect;

/// The screen's rows: a title or tab bar on top, the body, an optional prompt
/// (filter or command line), and the status line at the bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screen {
    pub top: Rect,
    pub body: Rect,
    pub prompt: Option<Rect>,
    pub status: Rect,
}

fn row(area: Rect, y: u16) -> Rect {
    Rect::new(area.x, y, area.width, 1)
}

pub fn screen(area: Rect, prompt: bool) -> Screen {
    let bottom = area.y + area.height;
    let status = row(area, bottom.saturating_sub(1));
    let prompt_row = (prompt && area.height >= 4).then(|| row(area, bottom.saturating_sub(2)));
    let chrome = 2 + u16::from(prompt_row.is_some());
    let body_height = area.height.saturating_sub(chrome);
    Screen {
        top: row(area, area.y),
        body: Rect::new(area.x, area.y + 1, area.width, body_height),
        prompt: prompt_row,
        status,
    }
}

/// Ticket rows the queue table shows (its header takes one row).
pub fn queue_rows(area: Rect, prompt: bool) -> usize {
    usize::from(screen(area, prompt).body.height.saturating_sub(1))
}

/// A box centred in `area`, at most `width` x `height`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
