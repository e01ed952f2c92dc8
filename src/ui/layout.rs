//! The screen's shape in ratatui's terms. The shape itself is worked out in
//! [`crate::layout`], which the state reads too; here its areas become
//! `Rect`s, its styled text becomes `Line`s, and the boxes only ui draws
//! (popups) are placed.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::config::theme::Theme;
use crate::layout::{Area, styled};

impl From<Area> for Rect {
    fn from(a: Area) -> Self {
        Rect::new(a.x, a.y, a.width, a.height)
    }
}

impl From<Rect> for Area {
    fn from(r: Rect) -> Self {
        Area::new(r.x, r.y, r.width, r.height)
    }
}

/// A line of [`styled`] text in the theme's styles; a span without a role
/// keeps whatever style is under it.
pub fn line(line: styled::Line, theme: &Theme) -> Line<'static> {
    Line::from(
        line.spans
            .into_iter()
            .map(|span| match span.role {
                Some(role) => Span::styled(span.text, theme.style(role)),
                None => Span::raw(span.text),
            })
            .collect::<Vec<_>>(),
    )
}

/// Many lines, as [`line()`].
pub fn lines(lines: Vec<styled::Line>, theme: &Theme) -> Vec<Line<'static>> {
    lines.into_iter().map(|l| line(l, theme)).collect()
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
