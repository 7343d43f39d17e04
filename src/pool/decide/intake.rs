//! Clients entering the pools (import with dedupe) and moving between pools.

use super::Ctx;
use crate::ids::{ClientId, PoolId};
use crate::model::{Client, Custody};
use crate::pool::error::PoolError;
use crate::pool::event::Event;

/// Imports a client into its public pool, or reports the known client its keys match.
pub(super) fn import(ctx: &Ctx<'_>, incoming: &Client) -> Result<Vec<Event>, PoolError> {
    match screen(ctx, incoming)? {
        Some(duplicate) => Ok(vec![duplicate]),
        None => Ok(vec![admit(ctx, Box::new(incoming.clone()))]),
    }
}

/// [`import`] of a client the caller hands over: the same events, without copying it.
pub(super) fn import_owned(ctx: &Ctx<'_>, incoming: Box<Client>) -> Result<Vec<Event>, PoolError> {
    match screen(ctx, &incoming)? {
        Some(duplicate) => Ok(vec![duplicate]),
        None => Ok(vec![admit(ctx, incoming)]),
    }
}

/// Refuses an import, or reports the known client its keys match (`None`: a new client).
fn screen(ctx: &Ctx<'_>, incoming: &Client) -> Result<Option<Event>, PoolError> {
    if ctx.state.client(incoming.id).is_some() {
        return Err(PoolError::DuplicateId(incoming.id));
    }
    if let Some((key, existing)) = ctx.state.first_known_key(&incoming.keys) {
        let owner = ctx.state.client(existing).and_then(|c| c.owner);
        return Ok(Some(Event::DuplicateReported {
            incoming: incoming.id,
            existing,
            key,
            owner,
            at: ctx.now,
        }));
    }
    if !ctx.policy.has_pool(incoming.pool) {
        return Err(PoolError::UnknownPool(incoming.pool));
    }
    Ok(None)
}

/// The new public client: unowned, pooled now, keeping only the flags a CRM sets on entry.
fn admit(ctx: &Ctx<'_>, mut client: Box<Client>) -> Event {
    let incoming = std::mem::take(&mut client.custody);
    client.owner = None;
    client.custody = Custody {
        pooled_at: Some(ctx.now),
        locked: incoming.locked,
        open_opportunity: incoming.open_opportunity,
        level: incoming.level,
        ..Custody::default()
    };
    client.refresh_deadline();
    Event::Imported { client }
}

/// Moves a client to another pool; its owner, if any, must be a member there.
pub(super) fn move_pool(ctx: &Ctx<'_>, id: ClientId, to: PoolId) -> Result<Vec<Event>, PoolError> {
    let client = ctx.client(id)?;
    if !ctx.policy.has_pool(to) {
        return Err(PoolError::UnknownPool(to));
    }
    if let Some(owner) = client.owner {
        ctx.member(owner, to)?;
    }
    if client.pool == to {
        return Ok(Vec::new());
    }
    Ok(vec![Event::PoolChanged {
        client: id,
        from: client.pool,
        to,
        at: ctx.now,
    }])
}
