//! Runs effects against the desk and the local store: each in its own task,
//! each answer sent back as a message. A newer search or ticket load aborts
//! the older one, so a stale answer never overwrites a fresh one.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::clock::Clock;
use crate::desk::Desk;
use crate::desk::paging::{SIDE_BY_SIDE, find};
use crate::state::{DeskReply, Directory, Effect};
use crate::store::{Store, StoreError, StoreOperation};

/// Cached tickets read for the first frame: more than a tall window shows.
const CACHE_FIRST: usize = 300;
/// Then the rest of the cache, this many to a message.
const CACHE_PART: usize = 2_000;

pub struct Worker {
    desk: Arc<dyn Desk>,
    store: Option<Arc<Store>>,
    clock: Clock,
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
        clock: Clock,
        replies: UnboundedSender<DeskReply>,
    ) -> Self {
        Self {
            desk,
            store,
            clock,
            replies,
            tasks: Vec::new(),
            saving: Vec::new(),
            search: None,
            ticket: None,
        }
    }

    /// Go on with a desk signed in afresh; answers still on their way from
    /// the old one arrive as before.
    pub fn set_desk(&mut self, desk: Arc<dyn Desk>) {
        self.desk = desk;
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
        let store = self.store.clone();
        let clock = self.clock;
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
                                views: desk.views().await?,
                                macros: desk.macros().await?,
                            })
                        }
                        .await;
                        if let (Ok(directory), Some(store)) = (&result, store) {
                            let directory = directory.clone();
                            let now = clock.now();
                            let _ = tokio::task::spawn_blocking(move || {
                                store.cache_directory(&directory, now)
                            })
                            .await;
                        }
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
                        if let (Ok(found), Some(store)) = (&result, store) {
                            let tickets = found.items.clone();
                            let now = clock.now();
                            let _ = tokio::task::spawn_blocking(move || {
                                store.cache_tickets(&tickets, now)
                            })
                            .await;
                        }
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
                        if let (Ok(changed), Some(store)) = (&result, store) {
                            let tickets = changed.clone();
                            let now = clock.now();
                            let _ = tokio::task::spawn_blocking(move || {
                                store.cache_tickets(&tickets, now)
                            })
                            .await;
                        }
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
                check_since,
            } => {
                let task = tokio::spawn(
                    async move {
                        // A write whose answer was lost may be there already.
                        let there = match check_since {
                            Some(since) => desk.was_applied(&id, &based_on, &change, since).await,
                            None => Ok(None),
                        };
                        let result = match there {
                            Ok(Some(applied)) => {
                                tracing::info!(ticket = %id.0, "the write was already on the desk");
                                Ok(applied)
                            }
                            Ok(None) => desk.apply(&id, &based_on, &change).await,
                            Err(e) => Err(e),
                        }
                        .map(Box::new);
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
            Effect::Create {
                request,
                ticket,
                since,
            } => {
                let task = tokio::spawn(
                    async move {
                        let result = match desk.create(&ticket).await {
                            // The answer was lost: it may be on the desk.
                            Err(e) if e.is_transient() && !matches!(e, crate::desk::DeskError::NotSent(_)) => {
                                match crate::desk::find_created(desk.as_ref(), &ticket, since).await {
                                    Ok(Some(found)) => {
                                        tracing::info!(id = %found.id.0, "the new ticket was on the desk");
                                        Ok(found)
                                    }
                                    _ => Err(e),
                                }
                            }
                            other => other,
                        }
                        .map(Box::new);
                        if let Err(e) = &result {
                            tracing::warn!(error = %e, "no ticket logged");
                        }
                        let _ = replies.send(DeskReply::Created { request, result });
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::SaveAttachments { files, folder } => {
                let task = tokio::spawn(
                    async move {
                        let mut saved = Vec::new();
                        for (id, name) in files {
                            saved.push(save_one(desk.as_ref(), &id, &name, &folder).await);
                        }
                        let _ = replies.send(DeskReply::Saved(saved));
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::FetchToView { id, name, mime } => {
                let task = tokio::spawn(
                    async move {
                        let result = fetch_to_view(desk.as_ref(), &id, &name, &mime).await;
                        let _ = replies.send(DeskReply::Fetched { name, mime, result });
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::OpenFile { path } => {
                if let Err(why) = crate::opener::open(&path) {
                    tracing::warn!(%why, "opener");
                }
            }
            Effect::RunCommand {
                line,
                label,
                background: true,
            } => {
                let task = tokio::task::spawn_blocking(move || {
                    let result = crate::opener::run_beside(&line);
                    let _ = replies.send(DeskReply::Ran { label, result });
                });
                drop(task);
            }
            Effect::OpenLink { url } => {
                if let Err(why) = crate::opener::open(std::path::Path::new(&url)) {
                    tracing::warn!(%why, "opener");
                }
            }
            Effect::Find {
                request,
                query,
                limit,
            } => {
                let task = tokio::spawn(
                    async move {
                        let per_page = u32::try_from(limit.div_ceil(SIDE_BY_SIDE as usize))
                            .unwrap_or(100)
                            .clamp(1, 100);
                        let result = find(desk, query, per_page, limit)
                            .await
                            .map(|(found, stopped)| (found, stopped.map(|s| s.to_string())));
                        let _ = replies.send(DeskReply::Found { request, result });
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::LoadHistory { id, email } => {
                let task = tokio::spawn(
                    async move {
                        let query = crate::desk::Query {
                            requester: Some(email),
                            ..crate::desk::Query::default()
                        };
                        let result = desk
                            .search(&query, crate::desk::PageRequest::first(100))
                            .await
                            .map(|page| page.items);
                        let _ = replies.send(DeskReply::History { id, result });
                    }
                    .instrument(span),
                );
                self.tasks.push(task);
            }
            Effect::LoadFields { id } => {
                let task = tokio::spawn(
                    async move {
                        let result = desk.fields(&id).await;
                        let _ = replies.send(DeskReply::Fields { id, result });
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
                    let drafts = store
                        .drafts()
                        .map_err(|e| StoreError::new(StoreOperation::ReadDrafts, e));
                    let _ = replies.send(DeskReply::Drafts(drafts));
                });
                self.tasks.push(task);
            }
            // Drafts and the outbox are written here and now, in the order
            // they were asked for: a late draft save must never bring back
            // the text of a reply already queued. Each is one small row.
            Effect::SaveDraft(draft) => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                if let Err(e) = store.save_draft(&draft) {
                    let operation = StoreOperation::SaveDraft(draft.ticket);
                    let _ = replies.send(DeskReply::Stored(Err(StoreError::new(operation, e))));
                }
            }
            Effect::DeleteDraft(ticket) => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                if let Err(e) = store.delete_draft(&ticket) {
                    let operation = StoreOperation::DeleteDraft(ticket);
                    let _ = replies.send(DeskReply::Stored(Err(StoreError::new(operation, e))));
                }
            }
            Effect::OutboxQueue { items, sent_draft } => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                if let Err(e) = store.queue(&items, Some(&sent_draft)) {
                    tracing::error!(error = %e, "the outbox was not written");
                    let operation = StoreOperation::keep_writes(&items);
                    let _ = replies.send(DeskReply::Stored(Err(StoreError::new(operation, e))));
                }
            }
            Effect::OutboxUnqueue { keys, draft } => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                if let Err(e) = store.unqueue(&keys, draft.as_ref()) {
                    let operation = StoreOperation::UnqueueWrites;
                    let _ = replies.send(DeskReply::Stored(Err(StoreError::new(operation, e))));
                }
            }
            Effect::OutboxPut(items) => {
                // On disk before anything is sent: done here and now, not
                // in a task that could lose the race with the send.
                let Some(store) = self.store.clone() else {
                    return;
                };
                if let Err(e) = store.put_pending(&items) {
                    tracing::error!(error = %e, "the outbox was not written");
                    let operation = StoreOperation::keep_writes(&items);
                    let _ = replies.send(DeskReply::Stored(Err(StoreError::new(operation, e))));
                }
            }
            Effect::OutboxRemove(key) => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let task = tokio::task::spawn_blocking(move || {
                    let result = store
                        .remove_pending(&key)
                        .map_err(|e| StoreError::new(StoreOperation::RemoveWrite(key), e));
                    let _ = replies.send(DeskReply::Stored(result));
                });
                self.saving.push(task);
            }
            Effect::LoadOutbox => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let task = tokio::task::spawn_blocking(move || {
                    let pending = store
                        .pending()
                        .map_err(|e| StoreError::new(StoreOperation::ReadOutbox, e));
                    let _ = replies.send(DeskReply::Outbox(pending));
                });
                self.tasks.push(task);
            }
            Effect::LoadCache => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                // The first screen at once, then the rest in parts, so the
                // console draws and answers keys while a large cache loads.
                let task = tokio::task::spawn_blocking(move || {
                    let result = store.cached_in_parts(CACHE_FIRST, CACHE_PART, |part| {
                        replies.send(DeskReply::Cached(Ok(Box::new(part)))).is_ok()
                    });
                    if let Err(e) = result {
                        let failed = StoreError::new(StoreOperation::ReadCache, e);
                        let _ = replies.send(DeskReply::Cached(Err(failed)));
                    }
                });
                self.tasks.push(task);
            }
            Effect::EditExternally { .. }
            | Effect::Page { .. }
            | Effect::Clipboard { .. }
            | Effect::Connect
            | Effect::RunCommand { .. }
            | Effect::Notify { .. }
            | Effect::SignIn { .. }
            | Effect::SwitchProfile { .. } => {
                tracing::warn!("the terminal and profiles are the app loop's, not the worker's");
            }
            Effect::LoadTicket { request, id } => {
                if let Some(old) = self.ticket.take() {
                    old.abort();
                }
                let task = tokio::spawn(
                    async move {
                        let result = desk.ticket(&id).await;
                        let (result, cached) = match (result, store) {
                            (Ok(detail), Some(store)) => {
                                let (kept, now) = (detail.clone(), clock.now());
                                let _ = tokio::task::spawn_blocking(move || {
                                    store.cache_detail(&kept, now)
                                })
                                .await;
                                (Ok(detail), None)
                            }
                            // Offline: the copy from the cache, said to be one.
                            (Err(e), Some(store)) if e.is_transient() => {
                                let asked = id.clone();
                                let copy = tokio::task::spawn_blocking(move || {
                                    store.cached_detail(&asked)
                                })
                                .await;
                                match copy {
                                    Ok(Ok(Some(detail))) => (Ok(detail), Some(e.to_string())),
                                    _ => (Err(e), None),
                                }
                            }
                            (result, _) => (result, None),
                        };
                        let result = result.map(Box::new);
                        let _ = replies.send(DeskReply::Ticket {
                            request,
                            result,
                            cached,
                        });
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

/// One attachment fetched and written as a new file in `folder`.
/// An attachment into the private view folder: a text made inert for the
/// pager, anything else as its bytes.
async fn fetch_to_view(
    desk: &dyn crate::desk::Desk,
    id: &str,
    name: &str,
    mime: &str,
) -> Result<std::path::PathBuf, String> {
    let bytes = desk.attachment(id).await.map_err(|e| e.short())?;
    let pager = crate::opener::viewer_for(mime, name, false) == crate::opener::Viewer::Pager;
    let name = name.to_string();
    tokio::task::spawn_blocking(move || {
        let dir = crate::opener::view_dir().map_err(|e| e.to_string())?;
        let bytes = if pager {
            crate::opener::inert_text(&bytes).into_bytes()
        } else {
            bytes
        };
        crate::text::filename::save_new(&dir, &name, &bytes)
    })
    .await
    .map_err(|e| format!("{e}"))?
}

async fn save_one(
    desk: &dyn crate::desk::Desk,
    id: &str,
    name: &str,
    folder: &std::path::Path,
) -> Result<std::path::PathBuf, String> {
    let bytes = desk
        .attachment(id)
        .await
        .map_err(|e| format!("{name}: {}", e.short()))?;
    let folder = folder.to_path_buf();
    let name = name.to_string();
    tokio::task::spawn_blocking(move || crate::text::filename::save_new(&folder, &name, &bytes))
        .await
        .map_err(|e| format!("{e}"))?
}
