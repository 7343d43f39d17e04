//! Follow-ups, the sweep, custody flags and policy changes: everything that moves timers
//! without changing the owner.

use super::{Ctx, Decided};
use crate::config::{ConfigError, ConfigRule};
use crate::ids::{ClientId, RepId};
use crate::model::{Client, Contact, ContactLevel, ReleaseReason, Timers};
use crate::pool::Config;
use crate::pool::actor::Actor;
use crate::pool::admission::contact;
use crate::pool::admission::{Action, Subject};
use crate::pool::command::Flag;
use crate::pool::error::PoolError;
use crate::pool::event::{Event, Retimed};
use crate::pool::policy::PoolPolicy;
use crate::pool::timers::{Level, TimerBasis};

/// Logs a contact. The owner's contact is a follow-up and restarts the timers; another rep's
/// contact passes the 撞单 check first.
// Out of line: `decided` dispatches every command, and inlining its busiest arms made
// its figures swing by hundreds of instructions per lead with unrelated changes.
#[inline(never)]
pub(super) fn follow_up(
    ctx: &Ctx<'_>,
    id: ClientId,
    rep: RepId,
    level: ContactLevel,
    note: String,
) -> Result<Decided, PoolError> {
    let client = ctx.client(id)?;
    ctx.rep(rep)?;
    // A contact is always the action `FollowUp` (named here, the matrix's row is known).
    ctx.permit_as(
        Action::of_follow_up(),
        Ctx::client_subject(client, Some(rep)),
    )?;
    if client.owner() == Some(rep) {
        let owned_since = client.custody().owned_since.unwrap_or(ctx.now);
        let mut basis = TimerBasis::of(client, owned_since);
        basis.last_follow_up = Some(ctx.now);
        basis.top_contact = basis.top_contact.max(Some(level));
        let timers = ctx.state.config().timers(&basis);
        // Each branch builds its event (the timers go straight into it, not through an
        // option both branches fill).
        return Ok(logged(ctx, id, rep, level, note, Some(timers)));
    }
    contact(ctx.state, client, rep, ctx.now).map_err(|reason| PoolError::Refused {
        client: id,
        rep,
        reason,
    })?;
    Ok(logged(ctx, id, rep, level, note, None))
}

/// The event of `rep`'s contact with client `id`, with the owner's new timers, if any.
#[inline(always)]
fn logged(
    ctx: &Ctx<'_>,
    id: ClientId,
    rep: RepId,
    level: ContactLevel,
    note: String,
    follow_up: Option<Timers>,
) -> Decided {
    let contact = Contact {
        rep,
        level,
        at: ctx.now,
        note,
    };
    Decided::One(Event::ContactLogged {
        client: id,
        contact,
        follow_up,
        actor: ctx.actor,
    })
}

/// The reminder or release due on `client` at the decision instant, if any.
fn due(ctx: &Ctx<'_>, client: &Client) -> Option<Event> {
    let owner = client.owner()?;
    let timers = client.custody().timers;
    let release = timers.release?;
    if release.at <= ctx.now {
        return Some(Event::Released {
            client: client.id(),
            from: owner,
            at: ctx.now,
            reason: ReleaseReason::Policy {
                cause: release.cause,
            },
            to_pool: ctx.policy.default_pool,
            actor: ctx.actor,
        });
    }
    let remind_at = timers.remind_at?;
    // Built only when due, in place (`then_some` built the event first and then moved it in).
    (remind_at <= ctx.now).then(|| Event::Reminded {
        client: client.id(),
        rep: owner,
        at: ctx.now,
        release_at: release.at,
        cause: release.cause,
        actor: ctx.actor,
    })
}

/// The sweep command: the system's, then every reminder and release due.
#[inline(never)]
pub(super) fn sweep_all(ctx: &Ctx<'_>) -> Result<Decided, PoolError> {
    ctx.permit(Subject::default())?;
    Ok(Decided::Many(sweep(ctx)))
}

/// The reminders and releases due at the decision instant, read from the deadline index: the
/// cost follows what is due, not the size of the pool.
fn sweep(ctx: &Ctx<'_>) -> Vec<Event> {
    let clients = ctx.state.due_clients(ctx.now);
    // At most one event per listed client: reserved once instead of grown by doubling.
    let mut events = Vec::with_capacity(clients.size_hint().1.unwrap_or(0));
    for client in clients {
        if let Some(event) = due(ctx, client) {
            events.push(event);
        }
    }
    events
}

/// The reminder or release due on one client (none when nothing is due).
#[inline(never)]
pub(super) fn sweep_client(ctx: &Ctx<'_>, id: ClientId) -> Result<Decided, PoolError> {
    let client = ctx.client(id)?;
    ctx.permit(Ctx::client_subject(client, None))?;
    Ok(due(ctx, client).map_or_else(Decided::none, Decided::One))
}

fn owned_timers(config: &Config, client: &Client, basis: &TimerBasis<'_>) -> Timers {
    if client.owner().is_some() {
        config.timers(basis)
    } else {
        Timers::default()
    }
}

/// Sets a custody flag and recomputes the owner's timers with it.
#[inline(never)]
pub(super) fn set_flag(ctx: &Ctx<'_>, id: ClientId, flag: Flag) -> Result<Decided, PoolError> {
    let client = ctx.client(id)?;
    ctx.permit(Ctx::client_subject(client, None))?;
    // Custody flags are set on an owner's custody; on a public client only the CRM's own data
    // (the system) sets them, or whoever takes the client next would find them set.
    if client.owner().is_none() && ctx.actor != Actor::System {
        return Err(PoolError::NotOwned { client: id });
    }
    let owned_since = client.custody().owned_since.unwrap_or(ctx.now);
    let mut basis = TimerBasis::of(client, owned_since);
    match &flag {
        Flag::Locked(on) => basis.locked = *on,
        Flag::OpenOpportunity(on) => basis.open_opportunity = *on,
        Flag::Level(level) => basis.level = Level::Set(level.as_deref()),
    }
    let timers = owned_timers(ctx.state.config(), client, &basis);
    Ok(Decided::One(Event::FlagSet {
        client: id,
        flag,
        timers,
        actor: ctx.actor,
    }))
}

/// Replaces the policy, checked against the team, and recomputes every owned client's timers
/// under it, in id order; a reminder already sent for the pending release is not sent again.
#[inline(never)]
pub(super) fn change_policy(ctx: &Ctx<'_>, next: Box<PoolPolicy>) -> Result<Decided, PoolError> {
    ctx.permit(Subject::default())?;
    let config = ctx.state.config().with_policy(PoolPolicy::clone(&next))?;
    // A policy without admins could never be changed again.
    if next.admins.is_empty() {
        return Err(ConfigError::new("admins", ConfigRule::Empty).into());
    }
    let mut retimed = Vec::new();
    for client in ctx.state.clients().filter(|c| c.owner().is_some()) {
        let current = client.custody().timers;
        let owned_since = client.custody().owned_since.unwrap_or(ctx.now);
        let mut timers = config.timers(&TimerBasis::of(client, owned_since));
        let reminded = current.remind_at.is_none() && current.release.is_some();
        if reminded && timers.remind_at.is_some_and(|at| at <= ctx.now) {
            timers.remind_at = None;
        }
        if current != timers {
            retimed.push(Retimed {
                client: client.id(),
                timers,
            });
        }
    }
    Ok(Decided::One(Event::PolicyChanged {
        policy: next,
        at: ctx.now,
        retimed,
        actor: ctx.actor,
    }))
}
