//! Untrusted text: everything a desk sends was typed by someone outside.
//!
//! [`SafeText`] is the only way a server string enters the domain model, so the
//! terminal never sees an escape sequence, a control character or a bidi override
//! from a ticket. [`width`] measures and fits text in terminal cells; [`quote`]
//! finds the quoted mail in a body.

pub mod filename;
pub mod html;
pub mod quote;
mod sanitize;
pub mod sms;
pub mod table;
pub mod width;

pub use sanitize::{MAX_MARKS, sanitize_block, sanitize_line};

use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;

use arcstr::ArcStr;

/// Text that has been through the sanitiser and is safe to draw.
///
/// Build it with [`SafeText::line`] for one-line fields (subjects, names) or
/// [`SafeText::block`] for bodies that keep their line breaks.
/// Shared, so that a name repeated on a hundred thousand tickets can be
/// kept once (see [`Pool`]); one pointer wide, its length kept with the
/// text (a held ticket carries a dozen).
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SafeText(ArcStr);

impl SafeText {
    /// One line: every line break and tab becomes a space.
    pub fn line(untrusted: &str) -> Self {
        Self(sanitize_line(untrusted).into())
    }

    /// A body: line breaks are kept, tabs become spaces.
    pub fn block(untrusted: &str) -> Self {
        Self(sanitize_block(untrusted).into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SafeText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl serde::Serialize for SafeText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Read back from the local cache, the text goes through the sanitiser again:
/// a file on disk is no more trusted than the desk it came from.
impl<'de> serde::Deserialize<'de> for SafeText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::block(&text))
    }
}

/// Texts kept once however often they recur: the statuses, queue, agent and
/// requester names a desk repeats on every ticket.
#[derive(Clone, Debug, Default)]
pub struct Pool(HashSet<ArcStr>);

impl Pool {
    /// `text`, now sharing the pool's copy of the same words.
    pub fn share(&mut self, text: &mut SafeText) {
        self.share_id(&mut text.0);
    }

    /// An id (a queue's, an agent's), now sharing the pool's copy.
    pub fn share_id(&mut self, id: &mut ArcStr) {
        match self.0.get(id) {
            Some(same) => *id = same.clone(),
            None => {
                self.0.insert(id.clone());
            }
        }
    }
}

impl From<&str> for SafeText {
    fn from(untrusted: &str) -> Self {
        Self::line(untrusted)
    }
}
