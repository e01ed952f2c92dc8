//! Runs effects against the desk: each in its own task, each answer sent back
//! as a message. A newer search or ticket load aborts the older one, so a
//! stale answer never overwrites a fresh one.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::desk::Desk;
use crate::state::{DeskReply, Directory, Effect};

pub struct Worker {
    desk: Arc<dyn Desk>,
    replies: UnboundedSender<DeskReply>,
    tasks: Vec<JoinHandle<()>>,
    search: Option<(u64, JoinHandle<()>)>,
    ticket: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn new(desk: Arc<dyn Desk>, replies: UnboundedSender<DeskReply>) -> Self {
        Self {
            desk,
            replies,
            tasks: Vec::new(),
            search: None,
            ticket: None,
        }
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        self.tasks.retain(|t| !t.is_finished());
        for effect in effects {
            self.spawn(effect);
        }
    }

    fn spawn(&mut self, effect: Effect) {
        let desk = self.desk.clone();
        let replies = self.replies.clone();
        let span = tracing::debug_span!("desk", effect = ?effect);
        match effect {
            Effect::LoadDirectory => {
                let task = tokio::spawn(
                    async move {
                        let result = async {
                            Ok(Directory {
                                me: desk.me().await?,
                                queues: desk.queues().await?,
                                agents: desk.agents().await?,
                            })
                        }
                        .await;
                        let _ = replies.send(DeskReply::Directory(result));
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::Search {
                request,
                query,
                page,
            } => {
                // A new search replaces an older one; the next page of the same does not.
                if let Some((old, handle)) = self.search.take() {
                    if old == request {
                        self.tasks.push(handle);
                    } else {
                        handle.abort();
                    }
                }
                let task = tokio::spawn(
                    async move {
                        let result = desk.search(&query, page).await;
                        let _ = replies.send(DeskReply::Page {
                            request,
                            page,
                            result,
                        });
                    }
                    .instrument(span),
                );
                self.search = Some((request, task));
            }
            Effect::Refresh {
                request,
                query,
                since,
            } => {
                let task = tokio::spawn(
                    async move {
                        let result = desk.changed_since(&query, since).await;
                        let _ = replies.send(DeskReply::Changed { request, result });
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::Apply {
                request,
                id,
                based_on,
                change,
            } => {
                let task = tokio::spawn(
                    async move {
                        let result = desk.apply(&id, &based_on, &change).await.map(Box::new);
                        if let Err(e) = &result {
                            tracing::warn!(ticket = %id.0, error = %e, "write not applied");
                        }
                        let _ = replies.send(DeskReply::Applied {
                            request,
                            id,
                            result,
                        });
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::LoadTicket { request, id } => {
                if let Some(old) = self.ticket.take() {
                    old.abort();
                }
                let task = tokio::spawn(
                    async move {
                        let result = desk.ticket(&id).await.map(Box::new);
                        let _ = replies.send(DeskReply::Ticket { request, result });
                    }
                    .instrument(span),
                );
                self.ticket = Some(task);
            }
        }
    }

    /// Wait until every task has answered or been aborted (for headless runs).
    pub async fn idle(&mut self) {
        let mut all: Vec<JoinHandle<()>> = self.tasks.drain(..).collect();
        all.extend(self.search.take().map(|(_, h)| h));
        all.extend(self.ticket.take());
        for task in all {
            let _ = task.await;
        }
    }
}
