//! Clients entering the pools (import with dedupe), moving between pools, and team changes.

use super::{Ctx, Decided};
use crate::allocate::Team;
use crate::ids::{ClientId, PoolId};
use crate::model::Client;
use crate::pool::admission::Subject;
use crate::pool::admission::check_import;
use crate::pool::error::PoolError;
use crate::pool::event::Event;
use chrono::{DateTime, Utc};

/// Imports a client into its public pool, or reports the known client its keys match. Its
/// history is checked first: a contact dated after the import is refused.
// Out of line: `decided` dispatches every command, and inlining its busiest arms made
// its figures swing by hundreds of instructions per lead with unrelated changes.
#[inline(never)]
pub(super) fn import(ctx: &Ctx<'_>, incoming: Box<Client>) -> Result<Decided, PoolError> {
    if let Some(duplicate) = screen_import(ctx, &incoming)? {
        return Ok(Decided::One(duplicate));
    }
    let mut client = incoming;
    accept_import(&mut client, ctx.now);
    Ok(Decided::One(Event::Imported {
        client,
        actor: ctx.actor,
    }))
}

/// What an accepted import makes of the arriving client: it enters its public pool now, with
/// no owner and fresh custody, keeping its lock, opportunity and level ([`Client::admit`]).
/// The import's arm prepares its event's client here, and a caller copying an accepted
/// arrival into the state (the simulation without its log) prepares the copy here.
#[inline]
pub(crate) fn accept_import(client: &mut Client, now: DateTime<Utc>) {
    client.admit(now);
}

/// Every rule of an import, on the client as it arrives: `Ok(None)` when it is new (the
/// import is accepted: the client, as [`accept_import`] prepares it, enters its public pool),
/// `Ok(Some(DuplicateReported))` when its keys match a known client. [`import`] and a caller
/// copying the client from a borrowed arrival (the simulation without its event log) both
/// ask here.
#[inline(always)]
pub(super) fn screen_import(ctx: &Ctx<'_>, incoming: &Client) -> Result<Option<Event>, PoolError> {
    let id = incoming.id();
    // The pool first: an undefined one is no pool anybody may import into (nor a way to ask
    // the dedupe index about other pools' clients).
    if !ctx.policy.has_pool(incoming.pool()) {
        return Err(PoolError::UnknownPool(incoming.pool()));
    }
    ctx.permit(Ctx::client_subject(incoming, None))?;
    if ctx.state.client(id).is_some() {
        return Err(PoolError::DuplicateId(id));
    }
    if let Err((position, at)) = check_import(incoming, ctx.now) {
        return Err(PoolError::FutureHistory {
            client: id,
            position,
            at,
            now: ctx.now,
        });
    }
    Ok(ctx
        .state
        .first_known_key_of(incoming)
        .map(|(key, existing)| Event::DuplicateReported {
            incoming: id,
            existing,
            key,
            owner: ctx.state.client(existing).and_then(Client::owner),
            at: ctx.now,
            actor: ctx.actor,
        }))
}

/// Moves a client to another pool; its owner, if any, must be a member there.
pub(super) fn move_pool(ctx: &Ctx<'_>, id: ClientId, to: PoolId) -> Result<Decided, PoolError> {
    let client = ctx.client(id)?;
    if !ctx.policy.has_pool(to) {
        return Err(PoolError::UnknownPool(to));
    }
    ctx.permit(Subject {
        to_pool: Some(to),
        ..Ctx::subject(client, None)
    })?;
    if let Some(owner) = client.owner() {
        if !ctx.state.config().is_member(owner, to) {
            return Err(PoolError::Refused {
                client: id,
                rep: owner,
                reason: crate::reason::Refusal::NotMember { pool: to },
            });
        }
    }
    if client.pool() == to {
        return Ok(Decided::none());
    }
    Ok(Decided::One(Event::PoolChanged {
        client: id,
        from: client.pool(),
        to,
        at: ctx.now,
        actor: ctx.actor,
    }))
}

/// Replaces the team: it must agree with the policy, and a rep may leave only when it holds
/// nothing.
pub(super) fn change_team(ctx: &Ctx<'_>, team: Box<Team>) -> Result<Decided, PoolError> {
    ctx.permit(Subject::default())?;
    ctx.state.config().with_team(Team::clone(&team))?;
    for rep in ctx.state.team().reps() {
        if team.get(rep.id).is_none() {
            let holding = ctx.state.ledger_ref(rep.id).map_or(0, |l| l.holding());
            if holding > 0 {
                return Err(PoolError::StillHolds {
                    rep: rep.id,
                    holding,
                });
            }
        }
    }
    Ok(Decided::One(Event::TeamChanged {
        team,
        at: ctx.now,
        actor: ctx.actor,
    }))
}
