//! What the status line has said: each message once, newest last, with the
//! desk's own words kept beside it, so a message cut to fit the line can be
//! read whole in `:messages`.

use std::collections::VecDeque;

use jiff::Timestamp;

use crate::text::SafeText;

/// Messages kept; older ones go.
const KEEP: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub at: Timestamp,
    pub text: String,
    /// The transport's or the desk's own words, when there are any.
    pub detail: Option<String>,
    pub error: bool,
    /// Said this many times in a row.
    pub times: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Messages {
    items: VecDeque<Message>,
}

impl Messages {
    pub fn push(&mut self, at: Timestamp, text: &str, detail: Option<String>, error: bool) {
        // A desk's words may carry escape sequences: kept as safe text.
        let detail = detail.map(|d| SafeText::line(&d).to_string());
        if let Some(last) = self.items.back_mut()
            && last.text == text
            && last.detail == detail
        {
            last.times += 1;
            last.at = at;
            return;
        }
        if self.items.len() == KEEP {
            self.items.pop_front();
        }
        self.items.push_back(Message {
            at,
            text: text.to_string(),
            detail,
            error,
            times: 1,
        });
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Message> {
        self.items.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_is_counted_and_the_oldest_go() {
        let mut m = Messages::default();
        let at = Timestamp::UNIX_EPOCH;
        m.push(
            at,
            "offline, next try in 5s",
            Some("os error 111".into()),
            true,
        );
        m.push(
            at,
            "offline, next try in 5s",
            Some("os error 111".into()),
            true,
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m.newest_first().next().map(|x| x.times), Some(2));
        for n in 0..KEEP + 5 {
            m.push(at, &format!("message {n}"), None, false);
        }
        assert_eq!(m.len(), KEEP);
        assert_eq!(
            m.newest_first().next().map(|x| x.text.as_str()),
            Some(format!("message {}", KEEP + 4).as_str())
        );
    }
}
