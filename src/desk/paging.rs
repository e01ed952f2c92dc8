//! How far a list's pages are followed. A desk says whether another page
//! exists; a broken one (or a proxy, or a hostile server) can say so
//! forever. Every loop over pages asks a [`Pager`] after each page: it
//! expects the pages the first answer's total needs (and a few more for
//! tickets that arrive meanwhile), stops when a page brings no id it has not
//! seen, and never goes past the hard caps, which are the design's budget
//! (a million tickets).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use super::{Desk, DeskError, PageRequest, Query, TicketSummary};

/// The most tickets (or records) any one list is read to.
pub const MAX_ITEMS: usize = 1_000_000;

/// The most pages any one list is read to, whatever their size.
pub const MAX_PAGES: u32 = 10_000;

/// What to do after a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Ask for the next page.
    More,
    /// The list is complete.
    Done,
    /// The desk says there is more, but reading on is past what is needed.
    Stopped(Stopped),
}

/// Why a list was not read to its end: it may be incomplete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stopped {
    pub pages: u32,
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stopped after {} page{}: the desk kept saying there were more; the list may be incomplete",
            self.pages,
            if self.pages == 1 { "" } else { "s" }
        )
    }
}

/// Counts pages and ids of one list as it is read.
#[derive(Clone, Debug)]
pub struct Pager {
    per_page: u32,
    read: u32,
    limit: u32,
    seen: HashSet<String>,
}

impl Pager {
    pub fn new(per_page: u32) -> Self {
        let per_page = per_page.max(1);
        Self {
            per_page,
            read: 0,
            limit: MAX_PAGES.min(pages_for(MAX_ITEMS as u64, per_page)),
            seen: HashSet::new(),
        }
    }

    /// Pages read so far.
    pub fn pages(&self) -> u32 {
        self.read
    }

    /// After a page: the total it gives (the first answer's sets the
    /// expectation), the ids on it, and whether the desk says there is more.
    pub fn after<I, S>(&mut self, total: Option<u64>, ids: I, more: bool) -> Next
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.read += 1;
        if self.read == 1
            && let Some(total) = total
        {
            let expected = pages_for(total, self.per_page);
            // Tickets created while paging push others onto later pages.
            let slack = 2 + expected / 20;
            self.limit = self.limit.min(expected.saturating_add(slack));
        }
        let mut on_page = 0usize;
        let mut new = 0usize;
        for id in ids {
            on_page += 1;
            if self.seen.len() < MAX_ITEMS && self.seen.insert(id.into()) {
                new += 1;
            }
        }
        if on_page == 0 || !more {
            return Next::Done;
        }
        if new == 0 || self.seen.len() >= MAX_ITEMS || self.read >= self.limit {
            return Next::Stopped(Stopped { pages: self.read });
        }
        Next::More
    }
}

/// Pages of `per_page` that `total` items fill.
fn pages_for(total: u64, per_page: u32) -> u32 {
    u32::try_from(total.div_ceil(u64::from(per_page.max(1)))).unwrap_or(u32::MAX)
}

/// Pages asked for at once: a desk answers a page of 25 far sooner than
/// one of 100 (RT spends its time on each ticket's requestors), and serves
/// several requests side by side.
pub const SIDE_BY_SIDE: u32 = 4;

/// The tickets of `query`, up to `enough`, as the console and `ls` show
/// them: a desk that searches looks for the words itself (in bodies too,
/// where it can), else they are looked for here; the refinements a desk
/// may leave ([`Query::refines`]) are checked on what it answers.
pub async fn find(
    desk: Arc<dyn Desk>,
    query: Query,
    per_page: u32,
    enough: usize,
) -> Result<(Vec<TicketSummary>, Option<Stopped>), DeskError> {
    let words = (!desk.capabilities().server_search)
        .then(|| super::query::TextFilter::new(&query.text.to_lowercase()));
    let refine = query.clone();
    let keep = move |t: &TicketSummary| {
        words
            .as_ref()
            .is_none_or(|w| w.matches(&super::query::search_text(t)))
            && refine.refines(t)
    };
    let (mut found, stopped) = read_pages(desk, query, per_page, enough, keep).await?;
    found.truncate(enough);
    Ok((found, stopped))
}

/// The tickets of `query` that `keep` keeps, page after page in rounds of
/// pages side by side, until the desk has no more, `enough` are found, or
/// the [`Pager`] stops (then the list may be incomplete, and it says why).
pub async fn read_pages(
    desk: Arc<dyn Desk>,
    query: Query,
    per_page: u32,
    enough: usize,
    keep: impl Fn(&TicketSummary) -> bool,
) -> Result<(Vec<TicketSummary>, Option<Stopped>), DeskError> {
    let mut tickets = Vec::new();
    let mut pager = Pager::new(per_page);
    let mut first = 0;
    loop {
        let mut round = tokio::task::JoinSet::new();
        for page in first..first + SIDE_BY_SIDE {
            let (desk, query) = (desk.clone(), query.clone());
            round.spawn(async move {
                let request = PageRequest { page, per_page };
                (page, desk.search(&query, request).await)
            });
        }
        let mut answers = round.join_all().await;
        answers.sort_by_key(|(page, _)| *page);
        for (_, answer) in answers {
            let answer = answer?;
            let ids = answer.items.iter().map(|t| t.id.0.clone());
            let next = pager.after(answer.total, ids, answer.more);
            tickets.extend(answer.items.into_iter().filter(|t| keep(t)));
            match next {
                _ if tickets.len() >= enough => return Ok((tickets, None)),
                Next::More => {}
                Next::Done => return Ok((tickets, None)),
                Next::Stopped(stopped) => return Ok((tickets, Some(stopped))),
            }
        }
        first += SIDE_BY_SIDE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(page: u32, n: u32) -> Vec<String> {
        (0..n).map(|i| format!("{}", page * 1000 + i)).collect()
    }

    #[test]
    fn a_list_ends_when_the_desk_says_so_or_a_page_is_empty() {
        let mut pager = Pager::new(10);
        assert_eq!(pager.after(Some(25), ids(1, 10), true), Next::More);
        assert_eq!(pager.after(None, ids(2, 10), true), Next::More);
        assert_eq!(pager.after(None, ids(3, 5), false), Next::Done);
        let mut pager = Pager::new(10);
        assert_eq!(pager.after(None, Vec::<String>::new(), true), Next::Done);
    }

    #[test]
    fn a_page_of_nothing_new_stops() {
        let mut pager = Pager::new(10);
        assert_eq!(pager.after(None, ids(1, 10), true), Next::More);
        assert_eq!(
            pager.after(None, ids(1, 10), true),
            Next::Stopped(Stopped { pages: 2 })
        );
    }

    #[test]
    fn the_first_total_bounds_the_pages_with_a_little_slack() {
        let mut pager = Pager::new(100);
        let mut asked = 0;
        loop {
            asked += 1;
            match pager.after(Some(300), ids(asked, 100), true) {
                Next::More => continue,
                Next::Stopped(stopped) => {
                    assert_eq!(stopped.pages, 5, "3 expected and 2 more");
                    break;
                }
                Next::Done => panic!("the desk never said it was done"),
            }
        }
    }

    #[test]
    fn without_a_total_the_hard_caps_hold() {
        let mut pager = Pager::new(100);
        let mut page = 0;
        while pager.after(None, ids(page, 100), true) == Next::More {
            page += 1;
        }
        assert_eq!(pager.pages() as usize, MAX_ITEMS / 100);
        let mut pager = Pager::new(1);
        let mut page = 0;
        while pager.after(None, ids(page, 1), true) == Next::More {
            page += 1;
        }
        assert_eq!(pager.pages(), MAX_PAGES);
    }

    #[test]
    fn stopping_says_so() {
        assert_eq!(
            Stopped { pages: 12 }.to_string(),
            "stopped after 12 pages: the desk kept saying there were more; the list may be incomplete"
        );
    }
}
