//! Owner changes (claim, assign, transfer, handover, deal on a public client) and releases.
//! Every owner change goes through [`owner_changed`], which always sets the timers.

use super::{Ctx, claims_today};
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel};
use crate::pool::command::{Assigner, TransferScope};
use crate::pool::error::PoolError;
use crate::pool::event::{Event, Route};
use crate::pool::policy::TimerBasis;

fn owner_changed(ctx: &Ctx<'_>, client: &Client, to: RepId, route: Route) -> Event {
    Event::OwnerChanged {
        client: client.id,
        to,
        route,
        at: ctx.now,
        timers: ctx.policy.timers(&TimerBasis::of(client, ctx.now)),
    }
}

fn public<'a>(ctx: &Ctx<'a>, id: ClientId) -> Result<&'a Client, PoolError> {
    let client = ctx.client(id)?;
    match client.owner {
        Some(owner) => Err(PoolError::AlreadyOwned { client: id, owner }),
        None => Ok(client),
    }
}

fn owned_by<'a>(ctx: &Ctx<'a>, id: ClientId, rep: RepId) -> Result<&'a Client, PoolError> {
    let client = ctx.client(id)?;
    if client.owner == Some(rep) {
        Ok(client)
    } else {
        Err(PoolError::NotOwner {
            client: id,
            rep,
            owner: client.owner,
        })
    }
}

/// A rep takes a public client: membership, embargo, cooldown, protection, cap, daily limit.
pub(super) fn claim(ctx: &Ctx<'_>, id: ClientId, rep: RepId) -> Result<Vec<Event>, PoolError> {
    let client = public(ctx, id)?;
    let profile = ctx.receiver(rep)?;
    ctx.member(rep, client.pool)?;
    if let Some(until) = ctx.policy.embargo_until(client, ctx.now) {
        return Err(PoolError::Embargoed { client: id, until });
    }
    if let Some(until) = ctx.policy.cooldown_until(client, rep, ctx.now) {
        return Err(PoolError::Cooldown {
            client: id,
            rep,
            until,
        });
    }
    ctx.unprotected(client, rep)?;
    ctx.cap(profile, 1, u32::from(client.custody.deal.is_some()))?;
    let day = ctx.policy.zone.day_of(ctx.now);
    if let Some(limit) = ctx.policy.daily_claim_limit {
        let claims = claims_today(ctx.state, ctx.policy, rep, ctx.now);
        if claims >= limit {
            return Err(PoolError::DailyLimit {
                rep,
                claims,
                limit,
                day,
            });
        }
    }
    Ok(vec![owner_changed(ctx, client, rep, Route::Claim { day })])
}

/// A manager or a rule gives a public client to a rep: membership and cap.
pub(super) fn assign(
    ctx: &Ctx<'_>,
    id: ClientId,
    rep: RepId,
    by: Assigner,
) -> Result<Vec<Event>, PoolError> {
    let client = public(ctx, id)?;
    let profile = ctx.receiver(rep)?;
    ctx.member(rep, client.pool)?;
    ctx.cap(profile, 1, u32::from(client.custody.deal.is_some()))?;
    let route = Route::Assign { by };
    Ok(vec![owner_changed(ctx, client, rep, route)])
}

/// Moves one, some or all of a rep's clients to another rep, all or none.
pub(super) fn transfer(
    ctx: &Ctx<'_>,
    from: RepId,
    to: RepId,
    scope: &TransferScope,
) -> Result<Vec<Event>, PoolError> {
    ctx.rep(from)?;
    let receiver = ctx.receiver(to)?;
    let ids: Vec<ClientId> = match scope {
        TransferScope::All => ctx.state.owned_by(from).collect(),
        TransferScope::Only(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            ids
        }
    };
    let mut clients = Vec::with_capacity(ids.len());
    for id in ids {
        let client = owned_by(ctx, id, from)?;
        if from == to {
            return Err(PoolError::SameRep {
                client: id,
                rep: to,
            });
        }
        ctx.member(to, client.pool)?;
        clients.push(client);
    }
    let count = u32::try_from(clients.len()).unwrap_or(u32::MAX);
    let won = clients.iter().filter(|c| c.custody.deal.is_some()).count();
    ctx.cap(receiver, count, u32::try_from(won).unwrap_or(u32::MAX))?;
    Ok(clients
        .into_iter()
        .map(|c| owner_changed(ctx, c, to, Route::Transfer { from }))
        .collect())
}

/// Hands a client its owner has held too long without a deal to another rep, with its history.
pub(super) fn handover(ctx: &Ctx<'_>, id: ClientId, to: RepId) -> Result<Vec<Event>, PoolError> {
    let client = ctx.client(id)?;
    let receiver = ctx.receiver(to)?;
    let Some(from) = client.owner else {
        return Err(PoolError::NotOwner {
            client: id,
            rep: to,
            owner: None,
        });
    };
    if from == to {
        return Err(PoolError::SameRep {
            client: id,
            rep: to,
        });
    }
    if let Some(credited_to) = client.deal_owner() {
        return Err(PoolError::AlreadyWon {
            client: id,
            credited_to,
        });
    }
    let eligible_at = ctx
        .policy
        .handover_from(client.custody.owned_since.unwrap_or(client.created_at));
    if ctx.now < eligible_at {
        return Err(PoolError::HandoverTooEarly {
            client: id,
            eligible_at,
        });
    }
    ctx.member(to, client.pool)?;
    ctx.cap(receiver, 1, 0)?;
    let history = client
        .contacts
        .iter()
        .filter(|c| c.level >= ContactLevel::Visit)
        .cloned()
        .collect();
    Ok(vec![owner_changed(
        ctx,
        client,
        to,
        Route::Handover { from, history },
    )])
}

/// The owner gives a client back, with a reason everyone sees.
pub(super) fn release(
    ctx: &Ctx<'_>,
    id: ClientId,
    rep: RepId,
    reason: &str,
) -> Result<Vec<Event>, PoolError> {
    owned_by(ctx, id, rep)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(PoolError::MissingReason(id));
    }
    Ok(vec![Event::Released {
        client: id,
        from: rep,
        at: ctx.now,
        reason: reason.to_owned(),
        automatic: false,
        to_pool: ctx.policy.default_pool,
    }])
}

/// A deal, credited to the owner; on a public client the closer becomes its owner first.
pub(super) fn mark_deal(
    ctx: &Ctx<'_>,
    id: ClientId,
    closed_by: RepId,
) -> Result<Vec<Event>, PoolError> {
    let client = ctx.client(id)?;
    let closer = ctx.rep(closed_by)?;
    if let Some(credited_to) = client.deal_owner() {
        return Err(PoolError::AlreadyWon {
            client: id,
            credited_to,
        });
    }
    let mut events = Vec::with_capacity(2);
    let (credited_to, owned_since) = match client.owner {
        Some(owner) => (owner, client.custody.owned_since.unwrap_or(ctx.now)),
        None => {
            ctx.member(closed_by, client.pool)?;
            ctx.cap(closer, 1, 1)?;
            events.push(owner_changed(ctx, client, closed_by, Route::Deal));
            (closed_by, ctx.now)
        }
    };
    let mut basis = TimerBasis::of(client, owned_since);
    basis.won = true;
    basis.top_contact = Some(ContactLevel::Cooperating);
    events.push(Event::DealMarked {
        client: id,
        credited_to,
        closed_by,
        at: ctx.now,
        timers: ctx.policy.timers(&basis),
    });
    Ok(events)
}
