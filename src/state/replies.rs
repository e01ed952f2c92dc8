//! Answers from the desk and the store, folded into the state.

use super::{Connection, DeskReply, Effect, State};
use crate::desk::paging::{Next, Pager};
use crate::desk::{DeskError, Query};
use crate::store::StoreError;

pub fn on_reply(state: &mut State, reply: DeskReply) -> Vec<Effect> {
    match reply {
        DeskReply::Directory(result) => {
            state.schedule.directory_in_flight = false;
            match result {
                Ok(directory) => {
                    state.me = Some(directory.me);
                    state.queues = directory.queues;
                    state.agents = directory.agents;
                    state.views = directory.views;
                    state.desk_macros = directory.macros;
                    state.schedule.directory_loaded = true;
                    state.rebuild_sections();
                    state.apply_pending_section();
                    state.resort();
                    return state.fetch_section();
                }
                Err(e) => went_offline(state, &e),
            }
            Vec::new()
        }
        DeskReply::Page {
            request,
            page,
            result,
        } => {
            if state.schedule.load != Some(request) {
                return Vec::new();
            }
            match result {
                Ok(found) => {
                    let ids = found.items.iter().map(|t| t.id.0.clone());
                    let next = state.schedule.pager.after(found.total, ids, found.more);
                    for ticket in found.items {
                        state.hold(ticket);
                    }
                    state.place();
                    let stopped = match next {
                        Next::More => {
                            return vec![Effect::Search {
                                request,
                                query: Query::active(),
                                page: page.next(),
                            }];
                        }
                        Next::Done => None,
                        Next::Stopped(stopped) => Some(stopped),
                    };
                    state.schedule.load = None;
                    // The ids it counted are held now: let them go.
                    state.schedule.pager = Pager::new(1);
                    // What the cache held and the desk no longer lists is
                    // gone; when the list was cut short, nothing is known gone.
                    let gone = match stopped {
                        None => state.held.tickets.unconfirmed(),
                        Some(_) => Vec::new(),
                    };
                    for id in &gone {
                        state.forget(id);
                    }
                    state.stale_since = None;
                    let first = !state.schedule.loaded;
                    state.schedule.loaded = true;
                    if !gone.is_empty() {
                        state.place();
                    }
                    back_online(state);
                    if let Some(stopped) = &stopped {
                        state.error_with(
                            "the list may be incomplete: the desk kept saying there were more",
                            stopped.to_string(),
                        );
                    }
                    if first {
                        if stopped.is_none() && !state.settings.lacks.is_empty() {
                            state.info("this desk lacks some features; ? lists them");
                        }
                        return vec![state.load_finished()];
                    }
                }
                Err(e) => {
                    state.schedule.load = None;
                    went_offline(state, &e);
                }
            }
            Vec::new()
        }
        DeskReply::Changed { request, result } if state.schedule.finished == Some(request) => {
            state.schedule.finished = None;
            match result {
                Ok(finished) => {
                    for ticket in finished {
                        state.hold(ticket);
                    }
                }
                Err(e) => tracing::info!(error = %e, "the finished tickets were not read"),
            }
            Vec::new()
        }
        DeskReply::Changed { request, result } => {
            if state.schedule.refresh != Some(request) {
                return Vec::new();
            }
            state.schedule.refresh = None;
            match result {
                Ok(changed) => {
                    state.schedule.refreshed(!changed.is_empty());
                    let open_changed = state.screen.ticket().is_some_and(|view| {
                        changed.iter().any(|t| {
                            t.id == view.id && view.summary().is_none_or(|s| s.version != t.version)
                        })
                    });
                    for ticket in changed {
                        state.hold(ticket);
                    }
                    state.place();
                    back_online(state);
                    if open_changed {
                        return state.reload_ticket();
                    }
                }
                Err(e) => went_offline(state, &e),
            }
            Vec::new()
        }
        DeskReply::Applied {
            request, result, ..
        } => state.on_applied(request, result),
        DeskReply::Created { request, result } => state.on_created(request, result),
        DeskReply::Saved(results) => {
            state.on_saved(results);
            Vec::new()
        }
        DeskReply::Fields { id, result } => state.on_fields(id, result),
        DeskReply::History { id, result } => state.on_history(&id, result),
        DeskReply::Found { request, result } => {
            state.on_found(request, result);
            Vec::new()
        }
        DeskReply::Fetched { name, mime, result } => state.on_fetched(&name, &mime, result),
        DeskReply::Ran { label, result } => state.on_ran(&label, result),
        DeskReply::Inspected { request, result } => {
            state.on_inspected(request, result);
            Vec::new()
        }
        DeskReply::Drafts(result) => {
            match result {
                Ok(drafts) => {
                    // Drafts written since the start are newer than these.
                    for draft in drafts {
                        state.drafts.entry(draft.ticket.clone()).or_insert(draft);
                    }
                    return state.drop_queued_drafts();
                }
                Err(e) => store_failed(state, &e),
            }
            Vec::new()
        }
        DeskReply::Stored(Err(e)) => {
            store_failed(state, &e);
            Vec::new()
        }
        DeskReply::Stored(Ok(())) => Vec::new(),
        DeskReply::Outbox(Ok(pending)) => state.restore_outbox(pending),
        DeskReply::Outbox(Err(e)) => {
            store_failed(state, &e);
            Vec::new()
        }
        DeskReply::Cached(Ok(cached)) => {
            from_cache(state, *cached);
            Vec::new()
        }
        DeskReply::Cached(Err(e)) => {
            // The desk has the truth: nothing to tell the user.
            tracing::warn!(error = %e, kind = ?e.kind, "no cache");
            Vec::new()
        }
        DeskReply::Ticket {
            request,
            result,
            cached,
        } => {
            if state.screen.ticket().is_none_or(|v| v.request != request) {
                return Vec::new();
            }
            let result = result.map(|mut detail| {
                state.learn(&mut detail);
                detail
            });
            let Some(view) = state.screen.ticket_mut() else {
                return Vec::new();
            };
            match result {
                Ok(detail) => {
                    view.error = None;
                    view.cached = cached.clone();
                    if let Some(why) = &cached {
                        state.error(format!("showing the cached copy: {why}"));
                    }
                    let writing = state.screen.compose().is_some();
                    let Some(view) = state.screen.ticket_mut() else {
                        return Vec::new();
                    };
                    let summary = detail.summary.clone();
                    view.detail = Some(*detail);
                    // While writing, the newest messages are the ones to see.
                    if writing {
                        view.scroll = usize::MAX / 2;
                    }
                    state.lay_out_ticket();
                    state.hold(summary);
                    state.place();
                    state.clamp_ticket_scroll();
                    return state.history_on_open().into_iter().collect();
                }
                Err(e) => {
                    view.error = Some(e.to_string());
                    state.error_with(
                        format!("the ticket could not be loaded · {}", e.short()),
                        e.to_string(),
                    );
                }
            }
            Vec::new()
        }
    }
}

/// What the cache held, until the desk answers: only what the desk has not
/// sent already.
fn from_cache(state: &mut State, cached: crate::store::Cached) {
    if !state.schedule.directory_loaded
        && let Some(directory) = cached.directory
    {
        state.me = Some(directory.me);
        state.queues = directory.queues;
        state.agents = directory.agents;
        state.rebuild_sections();
        state.apply_pending_section();
    }
    if state.schedule.loaded || cached.tickets.is_empty() {
        return;
    }
    state.make_room(cached.total);
    for ticket in cached.tickets {
        if state.held.tickets.by_id(&ticket.id).is_none() && ticket.status.kind.is_active() {
            let id = ticket.id.clone();
            state.hold(ticket);
            state.held.tickets.mark_unconfirmed(&id);
        }
    }
    state.stale_since = cached.saved;
    state.place();
}

/// What failed and why in a few words; SQLite's own in `:messages`.
fn store_failed(state: &mut State, error: &StoreError) {
    state.error_with(error.short(), error.to_string());
}

fn back_online(state: &mut State) {
    if state.schedule.failures > 0 {
        state.info("connected again");
    }
    state.schedule.failures = 0;
    state.connection = Connection::Live;
    state.last_refresh = Some(state.now);
}

fn went_offline(state: &mut State, error: &DeskError) {
    // A refused credential: writes wait for `:login` rather than fail.
    if *error == DeskError::Auth {
        state.outbox.signed_out = true;
    }
    state.schedule.failures += 1;
    state.connection = Connection::Offline(error.to_string());
    let retry = state.refresh_interval();
    let what = match error {
        DeskError::Auth => "signed out: :login signs in again".to_string(),
        _ => format!("offline, next try in {retry}s · {}", error.short()),
    };
    state.error_with(what, error.to_string());
}
