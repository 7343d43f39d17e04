//! Owner changes (claim, assign, transfer, handover, deal on a public client) and releases.
//! Every owner change passes the admission rules for its route and goes through
//! [`owner_changed`], which always sets the timers.

use super::{Ctx, Decided};
use crate::ids::{ClientId, RepId};
use crate::model::{Client, Contact, ContactLevel, ReleaseReason};
use crate::pool::actor::ActorKind;
use crate::pool::admission::Route;
use crate::pool::admission::Subject;
use crate::pool::command::{Assigner, TransferScope};
use crate::pool::error::PoolError;
use crate::pool::event::{Event, Via};
use crate::pool::timers::TimerBasis;

/// The owner change to `to`: a new custody, which starts unlocked (a lock belongs to one
/// owner's custody), with its timers from now.
// Inlined into each arm that changes the owner (one call less per assignment, and the
// client, the instant and the actor stay in the arm's registers).
#[inline(always)]
fn owner_changed(ctx: &Ctx<'_>, client: &Client, to: RepId, via: Via) -> Event {
    let mut basis = TimerBasis::of(client, ctx.now);
    basis.locked = false;
    let day = ctx.today();
    ctx.state
        .config()
        .timers_then(&basis, |timers| Event::OwnerChanged {
            client: client.id(),
            to,
            via,
            at: ctx.now,
            day,
            timers,
            actor: ctx.actor,
        })
}

/// The public client `rep` is to take, once the actor may give it to them.
#[inline(always)]
fn public<'a>(ctx: &Ctx<'a>, id: ClientId, rep: RepId) -> Result<&'a Client, PoolError> {
    let client = ctx.client(id)?;
    ctx.permit(Ctx::client_subject(client, Some(rep)))?;
    match client.owner() {
        Some(owner) => Err(PoolError::AlreadyOwned { client: id, owner }),
        None => Ok(client),
    }
}

fn owned_by<'a>(ctx: &Ctx<'a>, id: ClientId, rep: RepId) -> Result<&'a Client, PoolError> {
    let client = ctx.client(id)?;
    if client.owner() == Some(rep) {
        Ok(client)
    } else {
        Err(PoolError::NotOwner {
            client: id,
            rep,
            owner: client.owner(),
        })
    }
}

/// A rep takes a public client, under every claim rule.
#[inline(never)]
pub(super) fn claim(ctx: &Ctx<'_>, id: ClientId, rep: RepId) -> Result<Decided, PoolError> {
    let client = public(ctx, id, rep)?;
    ctx.admit_one(Route::Claim, rep, client)?;
    let claims = ctx.claims_with_this_one(rep);
    Ok(Decided::One(owner_changed(
        ctx,
        client,
        rep,
        Via::Claim { claims },
    )))
}

/// A manager or a rule gives a public client to a rep.
// Out of line: `decided` dispatches every command, and inlining its busiest arms made
// its figures swing by hundreds of instructions per lead with unrelated changes.
#[inline(never)]
pub(super) fn assign(
    ctx: &Ctx<'_>,
    id: ClientId,
    rep: RepId,
    by: Assigner,
) -> Result<Decided, PoolError> {
    let client = public(ctx, id, rep)?;
    let route = match by {
        Assigner::Rule { .. } => Route::RuleAssignment,
        Assigner::Manager => Route::ManagerAssignment,
    };
    ctx.admit_one(route, rep, client)?;
    Ok(Decided::One(owner_changed(
        ctx,
        client,
        rep,
        Via::Assign { by },
    )))
}

/// Moves one, some or all of a rep's clients to another rep, all or none.
#[inline(never)]
pub(super) fn transfer(
    ctx: &Ctx<'_>,
    from: RepId,
    to: RepId,
    scope: &TransferScope,
) -> Result<Decided, PoolError> {
    ctx.rep(from)?;
    ctx.rep(to)?;
    // A rep's or a manager's authority does not depend on the clients' pools: asked before any
    // client is read, so an actor who may move nothing learns nothing of whose they are.
    let subject = Subject {
        rep: Some(to),
        owner: Some(from),
        pool: None,
        to_pool: None,
    };
    if ctx.actor.kind() != ActorKind::Admin {
        ctx.permit(subject)?;
    }
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
        clients.push(client);
    }
    // An admin needs authority over every client moved (over each one's pool); moving
    // nothing, over the policy.
    if clients.is_empty() {
        ctx.permit(subject)?;
        return Ok(Decided::none());
    }
    for client in &clients {
        ctx.permit(Subject {
            pool: Some(client.pool()),
            ..subject
        })?;
    }
    ctx.admit(Route::Transfer, to, &clients)?;
    Ok(Decided::Many(
        clients
            .into_iter()
            .map(|c| owner_changed(ctx, c, to, Via::Transfer { from }))
            .collect(),
    ))
}

/// Hands a client its owner has held too long without a deal to another rep, with its history.
#[inline(never)]
pub(super) fn handover(ctx: &Ctx<'_>, id: ClientId, to: RepId) -> Result<Decided, PoolError> {
    let client = ctx.client(id)?;
    ctx.rep(to)?;
    let Some(from) = client.owner() else {
        return Err(PoolError::NotOwner {
            client: id,
            rep: to,
            owner: None,
        });
    };
    ctx.permit(Ctx::client_subject(client, Some(to)))?;
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
    let custody = client.custody();
    let eligible_at = ctx
        .policy
        .handover_from(custody.owned_since.unwrap_or(client.created_at()));
    if ctx.now < eligible_at {
        return Err(PoolError::HandoverTooEarly {
            client: id,
            eligible_at,
        });
    }
    ctx.admit_one(Route::Handover, to, client)?;
    let history = client
        .contacts()
        .iter()
        .filter(|c| c.level >= ContactLevel::Visit)
        .cloned()
        .collect();
    Ok(Decided::One(owner_changed(
        ctx,
        client,
        to,
        Via::Handover { from, history },
    )))
}

/// The owner gives a client back, with a reason everyone sees.
#[inline(never)]
pub(super) fn release(
    ctx: &Ctx<'_>,
    id: ClientId,
    rep: RepId,
    note: String,
) -> Result<Decided, PoolError> {
    ctx.permit(Ctx::client_subject(ctx.client(id)?, Some(rep)))?;
    owned_by(ctx, id, rep)?;
    let trimmed = note.trim();
    if trimmed.is_empty() {
        return Err(PoolError::MissingReason(id));
    }
    let note = if trimmed.len() == note.len() {
        note
    } else {
        trimmed.to_owned()
    };
    Ok(Decided::One(Event::Released {
        client: id,
        from: rep,
        at: ctx.now,
        reason: ReleaseReason::Owner { note },
        to_pool: ctx.policy.default_pool,
        actor: ctx.actor,
    }))
}

/// A deal, credited to the owner. On a public client the closer claims it first, under every
/// claim rule (the daily limit counts it).
#[inline(never)]
pub(super) fn mark_deal(
    ctx: &Ctx<'_>,
    id: ClientId,
    closed_by: RepId,
) -> Result<Decided, PoolError> {
    let client = ctx.client(id)?;
    ctx.rep(closed_by)?;
    // On a public client the deal claims it for the closer, who is then "the owner".
    ctx.permit(Subject {
        owner: client.owner().or(Some(closed_by)),
        ..Ctx::subject(client, Some(closed_by))
    })?;
    if let Some(credited_to) = client.deal_owner() {
        return Err(PoolError::AlreadyWon {
            client: id,
            credited_to,
        });
    }
    let mut events = Vec::with_capacity(2);
    let (credited_to, owned_since) = match client.owner() {
        Some(owner) => (owner, client.custody().owned_since.unwrap_or(ctx.now)),
        None => {
            ctx.admit_one(Route::Deal, closed_by, client)?;
            let claims = ctx.claims_with_this_one(closed_by);
            events.push(owner_changed(ctx, client, closed_by, Via::Deal { claims }));
            (closed_by, ctx.now)
        }
    };
    let mut basis = TimerBasis::of(client, owned_since);
    basis.won = true;
    basis.top_contact = Some(ContactLevel::Cooperating);
    events.push(Event::DealMarked {
        client: id,
        credited_to,
        contact: Contact {
            rep: closed_by,
            level: ContactLevel::Cooperating,
            at: ctx.now,
            note: String::new(),
        },
        timers: ctx.state.config().timers(&basis),
        actor: ctx.actor,
    });
    Ok(Decided::Many(events))
}
