//! `evolve`: applies one event to the pool state. It never checks a rule and never reads a
//! clock: every instant, day, count and timer is in the event.

use super::PoolState;
use crate::allocate::Team;
use crate::ids::{ClientId, RepId};
use crate::model::{Contact, Deal, Release, RepLedger, Timers};
use crate::pool::config::Config;
use crate::pool::event::{Event, Via};
use crate::pool::policy::PoolPolicy;
use std::sync::Arc;

/// [`evolve`] for a caller that does not keep the event (it has stored it, or does not need
/// it): applies it exactly as [`evolve`] does, but an imported client moves into the state
/// instead of being copied.
pub fn evolve_owned(state: &mut PoolState, event: Event) {
    match event {
        // `load_client` leaves a known id as it is.
        Event::Imported { client, .. } => state.load_client(client),
        // The contact moves into the client's log instead of being copied.
        Event::ContactLogged {
            client,
            contact,
            follow_up,
            ..
        } => log_contact(state, client, contact, follow_up),
        // Applied and dropped out of line: the two ways above then keep no frame (each jumps
        // to its function), which a call and the drop after it need. (Handed on by value,
        // the event is copied first: 16 instructions on this way only.)
        other => evolve_dropping(state, other),
    }
}

/// [`evolve`], then drops the event: [`evolve_owned`]'s way for an event it has no owned way
/// of applying.
#[inline(never)]
fn evolve_dropping(state: &mut PoolState, event: Event) {
    evolve(state, &event);
}

/// [`evolve_owned`], handing back the explanation box of a rule's assignment (an
/// `OwnerChanged` event assigned by [`Assigner::Rule`](crate::pool::Assigner::Rule)) instead
/// of freeing it, for the caller to carry the next assignment's explanation in
/// ([`Decision::explanation_boxed`](crate::allocate::Decision::explanation_boxed)): a rule
/// assignment then costs no allocation. Applies every event exactly as [`evolve_owned`] does.
#[inline]
pub fn evolve_reclaim(
    state: &mut PoolState,
    event: Event,
) -> Option<Box<crate::allocate::Explanation>> {
    // An assignment is applied where it lies (matched by reference: a by-value pattern copies
    // its 120 bytes), then its explanation's box is taken out of it.
    if let Event::OwnerChanged {
        via: Via::Assign { .. },
        ..
    } = &event
    {
        evolve(state, &event);
        if let Event::OwnerChanged {
            via:
                Via::Assign {
                    by: crate::pool::Assigner::Rule { explanation },
                },
            ..
        } = event
        {
            return Some(explanation);
        }
        return None;
    }
    evolve_owned(state, event);
    None
}

/// Logs `contact` on the client; a follow-up by the owner also restarts its timers.
///
/// A contact never moves a client between owners or pools: applied in place, its deadline's
/// entry moved only if the deadline did (only a follow-up sets timers).
// Out of line, with the modification inlined into it (inlined into `evolve_owned`, `modify`
// stayed out of line and the lead cost more).
#[inline(never)]
fn log_contact(
    state: &mut PoolState,
    client: ClientId,
    contact: Contact,
    follow_up: Option<Timers>,
) {
    state.modify_in_place(client, |custody, contacts| {
        if let Some(timers) = follow_up {
            custody.last_follow_up = Some(contact.at);
            custody.timers = timers;
        }
        contacts.push(contact);
    })
}

/// Applies one event to the state. Never checks a rule and never reads a clock: every
/// instant, day, count and timer is in the event, so folding the log rebuilds the state
/// exactly. Events about clients the state does not hold (a partial state) change only the
/// ledgers they name.
pub fn evolve(state: &mut PoolState, event: &Event) {
    match event {
        // Copied into its row (no box); `load_copy` leaves a known id as it is.
        Event::Imported { client, .. } => state.load_copy(client, |_| {}),
        Event::DuplicateReported { .. } => {}
        Event::OwnerChanged {
            client,
            to,
            via,
            at,
            day,
            timers,
            ..
        } => {
            let claims = match via {
                Via::Claim { claims } | Via::Deal { claims } => Some(*claims),
                _ => None,
            };
            let Some(handle) = state.clients.handle(*client) else {
                return;
            };
            state.modify_counted(
                handle,
                |c, ledgers| {
                    let won = c.custody().deal.is_some();
                    if let Some(from) = c.owner() {
                        ledger_entry(ledgers, from).leave(c.region(), won);
                    }
                    ledger_entry(ledgers, *to).take(c.region(), won, *at, *day, claims);
                },
                |c| {
                    *c.owner = Some(*to);
                    c.custody.owned_since = Some(*at);
                    c.custody.pooled_at = None;
                    c.custody.locked = false;
                    c.custody.timers = *timers;
                },
            );
        }
        Event::ContactLogged {
            client,
            contact,
            follow_up,
            ..
        } => log_contact(state, *client, contact.clone(), *follow_up),
        Event::Reminded { client, .. } => {
            state.modify(*client, |c| c.custody.timers.remind_at = None)
        }
        Event::Released {
            client,
            from,
            at,
            reason,
            to_pool,
            ..
        } => {
            let Some(handle) = state.clients.handle(*client) else {
                return;
            };
            let count = |c: &crate::model::Client, ledgers: &mut Vec<RepLedger>| {
                ledger_entry(ledgers, *from).leave(c.region(), c.custody().deal.is_some());
            };
            state.modify_counted(handle, count, |c| {
                *c.owner = None;
                *c.pool = *to_pool;
                c.custody.owned_since = None;
                c.custody.pooled_at = Some(*at);
                c.custody.deal = None;
                c.custody.locked = false;
                c.custody.last_release = Some(Release {
                    from: *from,
                    at: *at,
                    reason: reason.clone(),
                });
                c.custody.timers = Timers::default();
            });
        }
        Event::DealMarked {
            client,
            credited_to,
            contact,
            timers,
            ..
        } => {
            if state.clients.handle(*client).is_some() {
                ledger_entry(&mut state.ledgers, *credited_to).won();
            }
            state.modify(*client, |c| {
                c.custody.deal = Some(Deal {
                    credited_to: *credited_to,
                    closed_by: contact.rep,
                    at: contact.at,
                });
                c.contacts.push(contact.clone());
                c.custody.timers = *timers;
            });
        }
        Event::FlagSet {
            client,
            flag,
            timers,
            ..
        } => state.modify(*client, |c| {
            match flag {
                crate::pool::Flag::Locked(on) => c.custody.locked = *on,
                crate::pool::Flag::OpenOpportunity(on) => c.custody.open_opportunity = *on,
                crate::pool::Flag::Level(level) => {
                    c.custody.level = level.as_deref().map(crate::label::Label::new)
                }
            }
            c.custody.timers = *timers;
        }),
        Event::PoolChanged { client, to, .. } => state.modify(*client, |c| *c.pool = *to),
        Event::PolicyChanged {
            policy, retimed, ..
        } => {
            let team = state.config.team().clone();
            state.config = Arc::new(Config::unchecked(team, PoolPolicy::clone(policy)));
            for r in retimed {
                state.modify(r.client, |c| c.custody.timers = r.timers);
            }
        }
        Event::TeamChanged { team, .. } => {
            let policy = state.config.policy().clone();
            state.config = Arc::new(Config::unchecked(Team::clone(team), policy));
        }
    }
}

/// The rep's ledger in `ledgers` (sorted by rep), created empty if it is not there yet.
/// Found where the event is applied (usually the place its dense id implies); a ledger is
/// opened out of line, once per rep.
#[inline]
fn ledger_entry(ledgers: &mut Vec<RepLedger>, rep: RepId) -> &mut RepLedger {
    let i = match super::ledger_position(ledgers, rep) {
        Ok(i) => i,
        Err(i) => open_ledger(ledgers, i, rep),
    };
    &mut ledgers[i]
}

/// Enters an empty ledger for `rep` at `i` in `ledgers`; returns `i`.
#[cold]
#[inline(never)]
fn open_ledger(ledgers: &mut Vec<RepLedger>, i: usize, rep: RepId) -> usize {
    ledgers.insert(i, RepLedger::new(rep));
    i
}

#[cfg(test)]
mod tests;
