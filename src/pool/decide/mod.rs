//! `decide`: every business rule of the pool, as a pure function of state, command, instant
//! and policy. It reads nothing else and changes nothing: the caller folds the events it
//! returns with [`super::evolve`].

mod custody;
mod intake;
mod timing;

use super::command::Command;
use super::error::PoolError;
use super::event::Event;
use super::policy::PoolPolicy;
use super::state::PoolState;
use crate::conflict::{ContactVerdict, may_contact};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Availability, Client, Rep};
use chrono::{DateTime, Utc};

/// Decides `command` against `state` at `now` under `policy`: the events it produces, or why
/// it is refused. Refusal leaves nothing to undo: `decide` never mutates.
pub fn decide(
    state: &PoolState,
    command: &Command,
    now: DateTime<Utc>,
    policy: &PoolPolicy,
) -> Result<Vec<Event>, PoolError> {
    let ctx = Ctx { state, now, policy };
    match command {
        Command::Import { client } => intake::import(&ctx, client),
        Command::Claim { client, rep } => custody::claim(&ctx, *client, *rep),
        Command::Assign { client, rep, by } => custody::assign(&ctx, *client, *rep, by.clone()),
        Command::Transfer { from, to, scope } => custody::transfer(&ctx, *from, *to, scope),
        Command::FollowUp {
            client,
            rep,
            level,
            note,
        } => timing::follow_up(&ctx, *client, *rep, *level, note),
        Command::Release {
            client,
            rep,
            reason,
        } => custody::release(&ctx, *client, *rep, reason),
        Command::Sweep => Ok(timing::sweep(&ctx)),
        Command::MarkDeal { client, closed_by } => custody::mark_deal(&ctx, *client, *closed_by),
        Command::Handover { client, to } => custody::handover(&ctx, *client, *to),
        Command::SetFlag { client, flag } => timing::set_flag(&ctx, *client, flag),
        Command::MovePool { client, to } => intake::move_pool(&ctx, *client, *to),
        Command::ChangePolicy { policy } => Ok(timing::change_policy(&ctx, policy)),
    }
}

/// [`decide`] for a command the caller no longer needs: the same events or refusal, but an
/// imported client or an assignment's explanation moves into its event instead of being copied.
pub fn decide_owned(
    state: &PoolState,
    command: Command,
    now: DateTime<Utc>,
    policy: &PoolPolicy,
) -> Result<Vec<Event>, PoolError> {
    match command {
        Command::Import { client } => intake::import_owned(&Ctx { state, now, policy }, client),
        Command::Assign { client, rep, by } => {
            custody::assign(&Ctx { state, now, policy }, client, rep, by)
        }
        other => decide(state, &other, now, policy),
    }
}

/// What every rule reads.
struct Ctx<'a> {
    state: &'a PoolState,
    now: DateTime<Utc>,
    policy: &'a PoolPolicy,
}

impl<'a> Ctx<'a> {
    fn client(&self, id: ClientId) -> Result<&'a Client, PoolError> {
        self.state.client(id).ok_or(PoolError::UnknownClient(id))
    }

    fn rep(&self, id: RepId) -> Result<&'a Rep, PoolError> {
        self.state.rep(id).ok_or(PoolError::UnknownRep(id))
    }

    /// The rep, if it may receive a client now: a rep who left or is on leave takes nothing
    /// by any route (its clients may still be transferred away).
    fn receiver(&self, id: RepId) -> Result<&'a Rep, PoolError> {
        let rep = self.rep(id)?;
        match rep.availability {
            _ if rep.availability.is_available(self.now) => Ok(rep),
            Availability::OnLeave { until } => Err(PoolError::RepUnavailable {
                rep: id,
                until: Some(until),
            }),
            _ => Err(PoolError::RepUnavailable {
                rep: id,
                until: None,
            }),
        }
    }

    fn member(&self, rep: RepId, pool: PoolId) -> Result<(), PoolError> {
        if self.policy.is_member(rep, pool) {
            Ok(())
        } else {
            Err(PoolError::NotMember { rep, pool })
        }
    }

    /// Refuses when another rep's contact protects `client` from `rep` (seed 003: a visit or
    /// sample inside the window, or a cooperating client).
    fn unprotected(&self, client: &Client, rep: RepId) -> Result<(), PoolError> {
        match may_contact(client, rep, self.now, self.policy.protection_days) {
            ContactVerdict::Refused {
                by, level, since, ..
            } => Err(PoolError::Protected {
                client: client.id,
                by,
                level,
                since,
            }),
            _ => Ok(()),
        }
    }

    /// Refuses when `rep` taking `adding` more clients (`adding_won` of them won) would pass
    /// its cap.
    fn cap(&self, rep: &Rep, adding: u32, adding_won: u32) -> Result<(), PoolError> {
        let Some(cap) = self.policy.cap_for(rep.id, Some(rep)) else {
            return Ok(());
        };
        let (holding, adding) = cap_count(self.state, self.policy, rep.id, adding, adding_won);
        if holding.saturating_add(adding) > cap {
            return Err(PoolError::CapReached {
                rep: rep.id,
                holding,
                cap,
            });
        }
        Ok(())
    }
}

/// The rep's count against the cap now, and what `adding` clients add to it.
pub(crate) fn cap_count(
    state: &PoolState,
    policy: &PoolPolicy,
    rep: RepId,
    adding: u32,
    adding_won: u32,
) -> (u32, u32) {
    let (holding, won) = state
        .ledger_ref(rep)
        .map_or((0, 0), |l| (l.holding, l.holding_won));
    if policy.cap_excludes_won {
        (
            holding.saturating_sub(won),
            adding.saturating_sub(adding_won),
        )
    } else {
        (holding, adding)
    }
}

/// Claims the rep made on the team day of `now`.
pub(crate) fn claims_today(
    state: &PoolState,
    policy: &PoolPolicy,
    rep: RepId,
    now: DateTime<Utc>,
) -> u32 {
    let today = policy.zone.day_of(now);
    state
        .ledger_ref(rep)
        .filter(|l| l.day == Some(today))
        .map_or(0, |l| l.claims_today)
}
