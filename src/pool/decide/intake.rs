//! Clients entering the pools (import with dedupe) and moving between pools.

use super::Ctx;
use crate::ids::{ClientId, PoolId};
use crate::model::{Client, Custody};
use crate::pool::error::PoolError;
use crate::pool::event::Event;

/// Imports a client into its public pool, or reports the known client its keys match.
pub(super) fn import(ctx: &Ctx<'_>, incoming: &Client) -> Result<Vec<Event>, PoolError> {
    if ctx.state.client(incoming.id).is_some() {
        return Err(PoolError::DuplicateId(incoming.id));
    }
    for key in incoming.keys.iter() {
        if let Some(existing) = ctx.state.find_by_key(&key).next() {
            let owner = ctx.state.client(existing).and_then(|c| c.owner);
            return Ok(vec![Event::DuplicateReported {
                incoming: incoming.id,
                existing,
                key,
                owner,
                at: ctx.now,
            }]);
        }
    }
    if !ctx.policy.has_pool(incoming.pool) {
        return Err(PoolError::UnknownPool(incoming.pool));
    }
    let mut client = incoming.clone();
    client.owner = None;
    client.custody = Custody {
        pooled_at: Some(ctx.now),
        locked: incoming.custody.locked,
        open_opportunity: incoming.custody.open_opportunity,
        level: incoming.custody.level.clone(),
        ..Custody::default()
    };
    client.refresh_deadline();
    Ok(vec![Event::Imported {
        client: Box::new(client),
    }])
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
