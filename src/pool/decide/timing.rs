//! Follow-ups, the sweep, custody flags and policy changes: everything that moves timers
//! without changing the owner.

use super::Ctx;
use crate::ids::{ClientId, RepId};
use crate::model::Timers;
use crate::model::{Client, Contact, ContactLevel};
use crate::pool::command::Flag;
use crate::pool::error::PoolError;
use crate::pool::event::{Event, Retimed};
use crate::pool::policy::{PoolPolicy, TimerBasis};

/// Logs a contact. The owner's contact is a follow-up and restarts the timers; another rep's
/// contact passes the 撞单 check first.
pub(super) fn follow_up(
    ctx: &Ctx<'_>,
    id: ClientId,
    rep: RepId,
    level: ContactLevel,
    note: &str,
) -> Result<Vec<Event>, PoolError> {
    let client = ctx.client(id)?;
    ctx.rep(rep)?;
    let contact = Contact {
        rep,
        level,
        at: ctx.now,
        note: note.to_owned(),
    };
    let follow_up = if client.owner == Some(rep) {
        let owned_since = client.custody.owned_since.unwrap_or(ctx.now);
        let mut basis = TimerBasis::of(client, owned_since);
        basis.last_follow_up = Some(ctx.now);
        basis.top_contact = basis.top_contact.max(Some(level));
        Some(ctx.policy.timers(&basis))
    } else {
        ctx.unprotected(client, rep)?;
        None
    };
    Ok(vec![Event::ContactLogged {
        client: id,
        contact,
        follow_up,
    }])
}

/// The reminders and releases due at the decision instant, read from the deadline index: the
/// cost follows what is due, not the size of the pool.
pub(super) fn sweep(ctx: &Ctx<'_>) -> Vec<Event> {
    let mut events = Vec::new();
    for id in ctx.state.due_by(ctx.now) {
        let Some(client) = ctx.state.client(id) else {
            continue;
        };
        let Some(owner) = client.owner else {
            continue;
        };
        let custody = &client.custody;
        let reason = || {
            custody
                .timers
                .release_reason
                .clone()
                .unwrap_or_else(|| String::from("recycled by the pool policy"))
        };
        match (custody.timers.release_at, custody.timers.remind_at) {
            (Some(release_at), _) if release_at <= ctx.now => events.push(Event::Released {
                client: id,
                from: owner,
                at: ctx.now,
                reason: reason(),
                automatic: true,
                to_pool: ctx.policy.default_pool,
            }),
            (Some(release_at), Some(remind_at)) if remind_at <= ctx.now => {
                events.push(Event::Reminded {
                    client: id,
                    rep: owner,
                    at: ctx.now,
                    release_at,
                    reason: reason(),
                })
            }
            _ => {}
        }
    }
    events
}

fn owned_timers(policy: &PoolPolicy, client: &Client, basis: &TimerBasis<'_>) -> Timers {
    if client.owner.is_some() {
        policy.timers(basis)
    } else {
        Timers::default()
    }
}

/// Sets a custody flag and recomputes the owner's timers with it.
pub(super) fn set_flag(ctx: &Ctx<'_>, id: ClientId, flag: &Flag) -> Result<Vec<Event>, PoolError> {
    let client = ctx.client(id)?;
    let owned_since = client.custody.owned_since.unwrap_or(ctx.now);
    let mut basis = TimerBasis::of(client, owned_since);
    match flag {
        Flag::Locked(on) => basis.locked = *on,
        Flag::OpenOpportunity(on) => basis.open_opportunity = *on,
        Flag::Level(level) => basis.level = level.as_deref(),
    }
    Ok(vec![Event::FlagSet {
        client: id,
        flag: flag.clone(),
        timers: owned_timers(ctx.policy, client, &basis),
    }])
}

/// Recomputes every owned client's timers under `next`, in id order; a reminder already sent
/// for the pending release is not sent again.
pub(super) fn change_policy(ctx: &Ctx<'_>, next: &PoolPolicy) -> Vec<Event> {
    let mut retimed = Vec::new();
    for client in ctx.state.clients().filter(|c| c.owner.is_some()) {
        let owned_since = client.custody.owned_since.unwrap_or(ctx.now);
        let mut timers = next.timers(&TimerBasis::of(client, owned_since));
        let reminded =
            client.custody.timers.remind_at.is_none() && client.custody.timers.release_at.is_some();
        if reminded && timers.remind_at.is_some_and(|at| at <= ctx.now) {
            timers.remind_at = None;
        }
        let custody = &client.custody;
        let current = (
            custody.timers.remind_at,
            custody.timers.release_at,
            custody.timers.release_reason.as_ref(),
        );
        if current
            != (
                timers.remind_at,
                timers.release_at,
                timers.release_reason.as_ref(),
            )
        {
            retimed.push(Retimed {
                client: client.id,
                timers,
            });
        }
    }
    vec![Event::PolicyChanged {
        policy: Box::new(next.clone()),
        at: ctx.now,
        retimed,
    }]
}
