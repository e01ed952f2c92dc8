//! Runs effects against the desk and the local store: each in its own task,
//! each answer sent back as a message. A newer search or ticket load aborts
//! the older one, so a stale answer never overwrites a fresh one.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::desk::Desk;
use crate::state::{DeskReply, Directory, Effect};
use crate::store::Store;

pub struct Worker {
    desk: Arc<dyn Desk>,
    store: Option<Arc<Store>>,
    replies: UnboundedSender<DeskReply>,
    tasks: Vec<JoinHandle<()>>,
    /// Store writes, waited for before quitting so no draft is lost.
    saving: Vec<JoinHandle<()>>,
    search: Option<(u64, JoinHandle<()>)>,
    ticket: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn new(
        desk: Arc<dyn Desk>,
        store: Option<Arc<Store>>,
        replies: UnboundedSender<DeskReply>,
    ) -> Self {
        Self {
            desk,
            store,
            replies,
            tasks: Vec::new(),
            saving: Vec::new(),
            search: None,
            ticket: None,
        }
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        self.tasks.retain(|t| !t.is_finished());
        self.saving.retain(|t| !t.is_finished());
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
            Effect::Inspect { request, id } => {
                let task = tokio::spawn(
                    async move {
                        let result = desk.ticket(&id).await.map(Box::new);
                        let _ = replies.send(DeskReply::Inspected { request, result });
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::LoadDrafts => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let task = tokio::task::spawn_blocking(move || {
                    let drafts = store.drafts().map_err(|e| e.to_string());
                    let _ = replies.send(DeskReply::Drafts(drafts));
                });
                self.tasks.push(task);
            }
            Effect::SaveDraft(draft) => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let task = tokio::task::spawn_blocking(move || {
                    let result = store.save_draft(&draft).map_err(|e| e.to_string());
                    let _ = replies.send(DeskReply::Stored(result));
                });
                self.saving.push(task);
            }
            Effect::DeleteDraft(ticket) => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let task = tokio::task::spawn_blocking(move || {
                    let result = store.delete_draft(&ticket).map_err(|e| e.to_string());
                    let _ = replies.send(DeskReply::Stored(result));
                });
                self.saving.push(task);
            }
            Effect::EditExternally { .. }
            | Effect::Notify { .. }
            | Effect::SwitchProfile { .. } => {
                tracing::warn!("the terminal and profiles are the app loop's, not the worker's");
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

    /// Wait for the store writes in flight (before quitting).
    pub async fn flush_store(&mut self) {
        for task in self.saving.drain(..) {
            let _ = task.await;
        }
    }

    /// Wait until every task has answered or been aborted (for headless runs).
    pub async fn idle(&mut self) {
        let mut all: Vec<JoinHandle<()>> = self.tasks.drain(..).collect();
        all.append(&mut self.saving);
        all.extend(self.search.take().map(|(_, h)| h));
        all.extend(self.ticket.take());
        for task in all {
            let _ = task.await;
        }
    }
}
