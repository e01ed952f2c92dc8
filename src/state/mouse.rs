//! Clicks and the wheel, when the mouse is the console's: a tab shows its
//! section, a row is selected and a second click on it opens it, the wheel
//! moves through the list or the conversation. An overlay (a picker, the
//! help) is answered by keys, so the mouse waits until it is gone.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use jiff::Timestamp;

use super::screen::View;
use super::{Effect, State, keys};
use crate::action::Action;
use crate::layout;

/// Rows the wheel moves at a turn.
const WHEEL: usize = 3;
/// Two clicks on one row this close together open it.
const DOUBLE_CLICK: jiff::SignedDuration = jiff::SignedDuration::from_millis(500);

impl State {
    pub(crate) fn on_mouse(&mut self, mouse: MouseEvent, now: Timestamp) -> Vec<Effect> {
        if self.screen.overlay().is_some() {
            return Vec::new();
        }
        let in_queue = matches!(self.screen.view(), View::Queue);
        let in_ticket = matches!(self.screen.view(), View::Ticket(_));
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp if in_queue || in_ticket => {
                let action = match mouse.kind {
                    MouseEventKind::ScrollDown => Action::Down,
                    _ => Action::Up,
                };
                (0..WHEEL)
                    .flat_map(|_| keys::on_action(self, action))
                    .collect()
            }
            MouseEventKind::Down(MouseButton::Left) if in_queue => {
                self.click(mouse.column, mouse.row, now)
            }
            MouseEventKind::Down(MouseButton::Left)
                if matches!(self.screen.view(), View::Dashboard(_)) =>
            {
                self.click_figure(mouse.column, mouse.row)
            }
            _ => Vec::new(),
        }
    }

    /// A click on a dashboard figure: chosen, and followed as Enter does.
    fn click_figure(&mut self, column: u16, row: u16) -> Vec<Effect> {
        let Some(page) = self.screen.dash().map(|v| v.page) else {
            return Vec::new();
        };
        let body = layout::screen(self.viewport, false).body;
        let (panels, pages) = layout::dash::pages(self, body);
        // Figures are counted across every page, in reading order.
        let mut before = 0;
        for (p, placed) in pages.iter().enumerate() {
            for place in placed {
                let items = &panels[place.panel].items;
                let area = place.area;
                let inside = p == page
                    && (area.x..area.x + area.width).contains(&column)
                    && (area.y + 1..area.y + area.height).contains(&row);
                if inside {
                    let line = usize::from(row - area.y - 1);
                    let Some(n) = items.iter().position(|(l, _)| *l == line) else {
                        return Vec::new();
                    };
                    if let Some(view) = self.screen.dash_mut() {
                        view.cursor = before + n;
                    }
                    return keys::on_action(self, Action::Open);
                }
                before += items.len();
            }
        }
        Vec::new()
    }

    /// A click in the queue: on a tab, or on a ticket's row.
    fn click(&mut self, column: u16, row: u16, now: Timestamp) -> Vec<Effect> {
        let screen = layout::screen(self.viewport, self.prompt_visible());
        if row == screen.top.y {
            let labels = self.tab_labels();
            let strip = layout::tabs(&labels, self.section, self.viewport.width);
            let clicked = strip
                .tabs
                .iter()
                .find(|(from, to, _)| (*from..*to).contains(&column));
            return match clicked {
                Some((_, _, index)) => self.select_section(*index),
                None => Vec::new(),
            };
        }
        // The table's first row is its header.
        let first_row = screen.body.y + 1;
        if row < first_row || row >= first_row + self.list_height() as u16 {
            return Vec::new();
        }
        let index = self.queue.offset + usize::from(row - first_row);
        if index >= self.queue.visible.len() {
            return Vec::new();
        }
        let again = self
            .last_click
            .is_some_and(|(at, when)| at == index && now.duration_since(when) <= DOUBLE_CLICK);
        self.last_click = Some((index, now));
        if again && index == self.queue.cursor {
            self.last_click = None;
            return keys::on_action(self, Action::Open);
        }
        self.move_cursor(index as isize - self.queue.cursor as isize);
        Vec::new()
    }
}
