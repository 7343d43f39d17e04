//! `decide`: every business rule of the pool, as a pure function of state, command and
//! instant. It reads nothing else and changes nothing: the caller folds the events it returns
//! with [`super::evolve`].

mod custody;
mod intake;
mod timing;

use super::admission::{Route, admit_at};
use super::command::Command;
use super::error::PoolError;
use super::event::Event;
use super::policy::PoolPolicy;
use super::state::PoolState;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, Rep};
use chrono::{DateTime, Utc};

/// Decides `command` against `state` at `now`, under the team and policy the state holds: the
/// events it produces, or why it is refused. Refusal leaves nothing to undo: `decide` never
/// mutates. The command is consumed: an imported client or an assignment's explanation moves
/// into its event.
pub fn decide(
    state: &PoolState,
    command: Command,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, PoolError> {
    let ctx = Ctx {
        state,
        now,
        policy: state.policy(),
    };
    match command {
        Command::Import { client } => intake::import(&ctx, client),
        Command::Claim { client, rep } => custody::claim(&ctx, client, rep),
        Command::Assign { client, rep, by } => custody::assign(&ctx, client, rep, by),
        Command::Transfer { from, to, scope } => custody::transfer(&ctx, from, to, &scope),
        Command::FollowUp {
            client,
            rep,
            level,
            note,
        } => timing::follow_up(&ctx, client, rep, level, note),
        Command::Release { client, rep, note } => custody::release(&ctx, client, rep, note),
        Command::Sweep => Ok(timing::sweep(&ctx)),
        Command::SweepClient { client } => timing::sweep_client(&ctx, client),
        Command::MarkDeal { client, closed_by } => custody::mark_deal(&ctx, client, closed_by),
        Command::Handover { client, to } => custody::handover(&ctx, client, to),
        Command::SetFlag { client, flag } => timing::set_flag(&ctx, client, flag),
        Command::MovePool { client, to } => intake::move_pool(&ctx, client, to),
        Command::ChangePolicy { policy } => timing::change_policy(&ctx, policy),
        Command::ChangeTeam { team } => intake::change_team(&ctx, team),
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

    /// The admission rules for `rep` taking `clients` by `route`, as a command refusal naming
    /// the client the rule refused.
    fn admit(&self, route: Route, rep: RepId, clients: &[&Client]) -> Result<(), PoolError> {
        self.rep(rep)?;
        admit_at(self.state, route, rep, clients, self.now).map_err(|(i, reason)| {
            PoolError::Refused {
                client: clients.get(i).map_or(ClientId(0), |c| c.id()),
                rep,
                reason,
            }
        })
    }

    /// The team day of the decision instant.
    fn today(&self) -> chrono::NaiveDate {
        self.policy.zone.day_of(self.now)
    }

    /// The claims `rep` made today, this one included.
    fn claims_with_this_one(&self, rep: RepId) -> u32 {
        let today = self.today();
        self.state
            .ledger_ref(rep)
            .map_or(0, |l| l.claims_on(today))
            .saturating_add(1)
    }
}
