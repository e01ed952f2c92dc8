//! When the console asks the desk: the first load and how far its pages
//! are followed, the incremental refreshes and their pace (slower after
//! failures and while nothing changes), the directory until it has come,
//! and the ids that tie each answer to the request it answers.

use crate::desk::paging::Pager;

#[derive(Debug)]
pub struct Schedule {
    /// Seconds between refreshes at the normal pace.
    every: u32,
    next_request: u64,
    /// The first load in flight, and how far its pages are followed.
    pub load: Option<u64>,
    pub pager: Pager,
    /// The active tickets are in (the first load finished once).
    pub loaded: bool,
    pub refresh: Option<u64>,
    /// The tickets finished in the last 30 days, asked once for the dashboard.
    pub finished: Option<u64>,
    pub directory_loaded: bool,
    pub directory_in_flight: bool,
    ticks_since_refresh: u32,
    /// Loads or refreshes in a row that failed; the pace halves with each.
    pub failures: u32,
    /// Refreshes in a row that found nothing new; the poll slows down.
    idle_refreshes: u32,
}

impl Schedule {
    pub fn new(every: u32) -> Self {
        Self {
            every: every.max(1),
            next_request: 0,
            load: None,
            pager: Pager::new(1),
            loaded: false,
            refresh: None,
            finished: None,
            directory_loaded: false,
            directory_in_flight: false,
            ticks_since_refresh: 0,
            failures: 0,
            idle_refreshes: 0,
        }
    }

    /// A new id for a request, so its answer is told from stale ones.
    pub fn request_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    /// A load or refresh goes now: the next one is a whole interval away.
    pub fn started(&mut self) {
        self.ticks_since_refresh = 0;
    }

    /// A second passed: whether a refresh is due.
    pub fn tick(&mut self) -> bool {
        self.ticks_since_refresh += 1;
        self.ticks_since_refresh >= self.interval()
    }

    /// Someone is at the keyboard: the normal pace again.
    pub fn someone_is_here(&mut self) {
        self.idle_refreshes = 0;
    }

    /// A refresh came back; `news` when it found changes.
    pub fn refreshed(&mut self, news: bool) {
        if news {
            self.idle_refreshes = 0;
        } else {
            self.idle_refreshes += 1;
        }
    }

    /// Seconds until the next refresh is due: doubling after each failure
    /// (up to 16 times), and twice or four times as long when the desk has
    /// been quiet and nobody is at the keyboard.
    pub fn interval(&self) -> u32 {
        let backoff = if self.failures > 0 {
            self.failures.min(4)
        } else {
            (self.idle_refreshes / 6).min(2)
        };
        (self.every << backoff).min(120.max(self.every))
    }
}
