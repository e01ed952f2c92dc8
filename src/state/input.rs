//! A one-line text field (the filter and the command line), with the editing
//! keys of a shell: arrows, Home/End, Backspace/Delete, ctrl-w, ctrl-u.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Byte offset, always on a character boundary.
    cursor: usize,
}

/// What a key did to the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Moved,
    Submit,
    Cancel,
    Complete,
    Ignored,
}

impl LineInput {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Cursor position in characters, for drawing.
    pub fn cursor_chars(&self) -> usize {
        self.text[..self.cursor].chars().count()
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = self.text.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    pub fn insert_str(&mut self, text: &str) {
        // Pasted text stays on one line.
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    pub fn handle(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Tab => Edit::Complete,
            KeyCode::Char('c') if ctrl => Edit::Cancel,
            KeyCode::Char('u') if ctrl => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
                Edit::Changed
            }
            KeyCode::Char('w') if ctrl => {
                let before = &self.text[..self.cursor];
                let trimmed = before.trim_end_matches(' ');
                let start = trimmed.rfind(' ').map_or(0, |i| i + 1);
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
                Edit::Changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.text.len();
                Edit::Moved
            }
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
                Edit::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let start = self.prev_boundary();
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
                Edit::Changed
            }
            KeyCode::Delete if self.cursor < self.text.len() => {
                let end = self.next_boundary();
                self.text.replace_range(self.cursor..end, "");
                Edit::Changed
            }
            KeyCode::Left => {
                self.cursor = self.prev_boundary();
                Edit::Moved
            }
            KeyCode::Right => {
                self.cursor = self.next_boundary();
                Edit::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::End => {
                self.cursor = self.text.len();
                Edit::Moved
            }
            _ => Edit::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut LineInput, code: KeyCode, modifiers: KeyModifiers) -> Edit {
        input.handle(&KeyEvent::new(code, modifiers))
    }

    fn type_text(input: &mut LineInput, text: &str) {
        for c in text.chars() {
            press(input, KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    #[test]
    fn typing_editing_and_moving() {
        let mut input = LineInput::default();
        type_text(&mut input, "bus 12");
        assert_eq!(input.text(), "bus 12");
        press(&mut input, KeyCode::Left, KeyModifiers::NONE);
        press(&mut input, KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(input.text(), "bus 2");
        press(&mut input, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(input.text(), "2");
        press(&mut input, KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(input.text(), "2");
        press(&mut input, KeyCode::End, KeyModifiers::NONE);
        press(&mut input, KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(input.text(), "");
    }

    #[test]
    fn wide_characters_are_one_step() {
        let mut input = LineInput::default();
        type_text(&mut input, "打印机");
        press(&mut input, KeyCode::Left, KeyModifiers::NONE);
        assert_eq!(input.cursor_chars(), 2);
        press(&mut input, KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(input.text(), "打机");
    }

    #[test]
    fn paste_drops_control_characters() {
        let mut input = LineInput::default();
        input.insert_str("a\u{1b}[2Jb\nc");
        assert_eq!(input.text(), "a[2Jbc");
    }
}
