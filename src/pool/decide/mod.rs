//! `decide`: every business rule of the pool, as a pure function of state, command and
//! instant. It reads nothing else and changes nothing: the caller folds the events it returns
//! with [`super::evolve`].

mod custody;
mod intake;
mod timing;

use super::actor::Actor;
use super::admission::{Action, Route, Subject, admit_one, admit_rep, permit};
use super::command::{Assigner, Command};
use super::error::PoolError;
use super::event::Event;
use super::policy::PoolPolicy;
use super::state::PoolState;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel, Rep};
use chrono::{DateTime, Utc};

/// Decides `command`, asked by `actor`, against `state` at `now`, under the team and policy
/// the state holds: the events it produces (each recording the actor), or why it is refused.
/// The actor's authority is checked first ([`admission::permit`](super::admission)), then every
/// other rule. Refusal leaves nothing to undo: `decide` never mutates. The command is
/// consumed: an imported client or an assignment's explanation moves into its event.
pub fn decide(
    state: &PoolState,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, PoolError> {
    decided(state, actor, command, now).map(Decided::into_vec)
}

/// [`decide`], appending the events to `events` instead of returning a new vector: a caller
/// deciding many commands reuses one buffer, so a command costs no allocation for its
/// events. On refusal nothing is appended. Decides exactly as [`decide`] does.
///
/// ```
/// # use leadpool::pool::{Actor, Command, Config, PoolState, decide_into, evolve_owned};
/// # use leadpool::model::{Client, Source};
/// # use leadpool::ids::ClientId;
/// # use chrono::{TimeZone, Utc};
/// # let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
/// # let mut state = PoolState::new(Config::default());
/// let mut events = Vec::new();
/// for id in 1..=3 {
///     let client = Client::new(ClientId(id), format!("client {id}"), Source::Website, now);
///     let import = Command::Import { client: Box::new(client) };
///     decide_into(&state, Actor::System, import, now, &mut events)?;
///     // Applied (and here dropped) in order; the buffer keeps its capacity.
///     for event in events.drain(..) {
///         evolve_owned(&mut state, event);
///     }
/// }
/// assert_eq!(state.len(), 3);
/// # Ok::<(), leadpool::pool::PoolError>(())
/// ```
pub fn decide_into(
    state: &PoolState,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
    events: &mut Vec<Event>,
) -> Result<(), PoolError> {
    // Matched in place (not through `?`): the event is moved once, into the buffer.
    match dispatch(state, actor, command, now) {
        Ok(Decided::One(event)) => events.push(event),
        Ok(Decided::Many(many)) => events.extend(many),
        Err(error) => return Err(error),
    }
    Ok(())
}

/// [`decide`], with the events as a [`Decided`]: the one event of most commands stays out of
/// the heap, for callers that apply the events at once (the simulation driver).
// Out of line for its callers (inlined into the simulation's step it cost the day more than
// the call).
#[inline(never)]
pub(crate) fn decided(
    state: &PoolState,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
) -> Result<Decided, PoolError> {
    dispatch(state, actor, command, now)
}

/// The dispatcher [`decided`] and [`decide_into`] share: the command's arm, called with what
/// every rule reads. Inlined into both (a jump table, every arm out of line), so
/// `decide_into` calls the arm itself.
#[inline(always)]
fn dispatch(
    state: &PoolState,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
) -> Result<Decided, PoolError> {
    // Built in the arm that reads it (a context built before the match was stored for every
    // arm, the typed entries' too, which build their own).
    let action = Action::of(&command);
    let ctx = || Ctx::new(state, actor, action, now);
    // Every arm is a function of its own, out of line (`#[inline(never)]`): the dispatcher
    // keeps a small frame and saves no registers for the arms it does not take (with its
    // rarer arms inlined it pushed six registers and 1.4 kB of frame for every command).
    // The commands of every lead go through their typed entries (which a caller holding the
    // parts rather than a command calls directly), so each is decided one way.
    match command {
        Command::Import { client } => decided_import(state, actor, client, now),
        Command::Claim { client, rep } => custody::claim(&ctx(), client, rep),
        Command::Assign { client, rep, by } => decided_assign(state, actor, client, rep, by, now),
        Command::Transfer { from, to, scope } => custody::transfer(&ctx(), from, to, &scope),
        Command::FollowUp {
            client,
            rep,
            level,
            note,
        } => decided_follow_up(state, actor, client, rep, level, note, now),
        Command::Release { client, rep, note } => custody::release(&ctx(), client, rep, note),
        Command::Sweep => timing::sweep_all(&ctx()),
        Command::SweepClient { client } => timing::sweep_client(&ctx(), client),
        Command::MarkDeal { client, closed_by } => custody::mark_deal(&ctx(), client, closed_by),
        Command::Handover { client, to } => custody::handover(&ctx(), client, to),
        Command::SetFlag { client, flag } => timing::set_flag(&ctx(), client, flag),
        Command::MovePool { client, to } => intake::move_pool(&ctx(), client, to),
        Command::ChangePolicy { policy } => timing::change_policy(&ctx(), policy),
        Command::ChangeTeam { team } => intake::change_team(&ctx(), team),
    }
}

/// [`decided`] for an import, for a caller holding the client rather than a command (the
/// simulation driver's arrivals): the import's arm, with no command built, moved and matched
/// again. [`decided`] decides an `Import` command here (the action is [`Action::of`] the
/// command's, a test checks it).
#[inline]
pub(crate) fn decided_import(
    state: &PoolState,
    actor: Actor,
    client: Box<Client>,
    now: DateTime<Utc>,
) -> Result<Decided, PoolError> {
    let ctx = Ctx::new(state, actor, Action::of_import(&client), now);
    intake::import(&ctx, client)
}

/// [`decided_import`] for a caller that copies the client from a borrowed arrival (the
/// simulation without its event log): every rule of the import, on the client as it
/// arrives. `Ok(None)`: the import is accepted, and the caller enters the client, admitted
/// now, with [`PoolState::load_copy`] of it prepared by [`accept_import`] (what applying
/// the `Imported` event it stands for does); `Ok(Some(event))`: a duplicate, reported by that event.
#[cfg(feature = "sim")]
pub(crate) use intake::accept_import;

#[cfg(feature = "sim")]
#[inline]
pub(crate) fn screened_import(
    state: &PoolState,
    actor: Actor,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<Option<Event>, PoolError> {
    let ctx = Ctx::new(state, actor, Action::of_import(client), now);
    intake::screen_import(&ctx, client)
}

/// [`decided`] for an assignment (see [`decided_import`]).
#[inline]
pub(crate) fn decided_assign(
    state: &PoolState,
    actor: Actor,
    client: ClientId,
    rep: RepId,
    by: Assigner,
    now: DateTime<Utc>,
) -> Result<Decided, PoolError> {
    let ctx = Ctx::new(state, actor, Action::of_assign(&by), now);
    custody::assign(&ctx, client, rep, by)
}

/// [`decided`] for a contact (see [`decided_import`]).
#[inline]
pub(crate) fn decided_follow_up(
    state: &PoolState,
    actor: Actor,
    client: ClientId,
    rep: RepId,
    level: ContactLevel,
    note: String,
    now: DateTime<Utc>,
) -> Result<Decided, PoolError> {
    let ctx = Ctx::new(state, actor, Action::of_follow_up(), now);
    timing::follow_up(&ctx, client, rep, level, note)
}

/// The events a command produced: most commands produce exactly one, kept inline.
#[derive(Debug)]
pub(crate) enum Decided {
    /// One event.
    One(Event),
    /// Any number of events.
    Many(Vec<Event>),
}

impl Decided {
    /// No events (allocates nothing).
    fn none() -> Self {
        Decided::Many(Vec::new())
    }

    /// The events as a vector.
    pub(crate) fn into_vec(self) -> Vec<Event> {
        match self {
            Decided::One(event) => vec![event],
            Decided::Many(events) => events,
        }
    }
}

/// What every rule reads.
struct Ctx<'a> {
    state: &'a PoolState,
    now: DateTime<Utc>,
    policy: &'a PoolPolicy,
    /// Who asked.
    actor: Actor,
    /// What they asked, as the permission matrix names it.
    action: Action,
}

impl<'a> Ctx<'a> {
    /// What every rule reads, for `actor` doing `action` on `state` at `now`.
    #[inline(always)]
    fn new(state: &'a PoolState, actor: Actor, action: Action, now: DateTime<Utc>) -> Self {
        Ctx {
            state,
            now,
            policy: state.policy(),
            actor,
            action,
        }
    }

    fn client(&self, id: ClientId) -> Result<&'a Client, PoolError> {
        self.state
            .client(id)
            .ok_or_else(|| PoolError::UnknownClient(id))
    }

    fn rep(&self, id: RepId) -> Result<&'a Rep, PoolError> {
        self.state.rep(id).ok_or_else(|| PoolError::UnknownRep(id))
    }

    /// The permission matrix for the actor doing the command's action on `subject`.
    fn permit(&self, subject: impl ToSubject) -> Result<(), PoolError> {
        self.permit_as(self.action, subject)
    }

    /// [`Ctx::permit`] by an arm whose command has one action, naming it (it is the
    /// context's: the typed entry builds the context with it): the matrix's row is then known
    /// where the arm is compiled, and only the actor's cell is read.
    #[inline(always)]
    fn permit_as(&self, action: Action, subject: impl ToSubject) -> Result<(), PoolError> {
        debug_assert_eq!(action, self.action, "the arm's action is the context's");
        permit(self.state.config(), self.actor, action, || {
            subject.into_subject()
        })
        .map_err(PoolError::from)
    }

    /// The permission subject of one client: its pool and owner, and the rep the command names.
    fn subject(client: &Client, rep: Option<RepId>) -> Subject {
        Self::client_subject(client, rep).into_subject()
    }

    /// [`Ctx::subject`], read from the client only if the actor's cell reads a subject (the
    /// system's rule assignments, sweeps and flags need none).
    fn client_subject(client: &Client, rep: Option<RepId>) -> ClientSubject<'_> {
        ClientSubject { client, rep }
    }

    /// The admission rules for `rep` taking `clients` by `route`, as a command refusal naming
    /// the client the rule refused.
    fn admit(&self, route: Route, rep: RepId, clients: &[&Client]) -> Result<(), PoolError> {
        let profile = self.rep(rep)?;
        admit_rep(self.state, route, profile, clients, self.now).map_err(|(i, reason)| {
            PoolError::Refused {
                client: clients.get(i).map_or(ClientId(0), |c| c.id()),
                rep,
                reason,
            }
        })
    }

    /// [`Ctx::admit`] for one client (every command but a transfer), inlined into the arm.
    #[inline(always)]
    fn admit_one(&self, route: Route, rep: RepId, client: &Client) -> Result<(), PoolError> {
        let profile = self.rep(rep)?;
        admit_one(self.state, route, profile, client, self.now).map_err(|(_, reason)| {
            PoolError::Refused {
                client: client.id(),
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

/// A permission subject, or what it is read from when a cell needs it.
trait ToSubject {
    fn into_subject(self) -> Subject;
}

impl ToSubject for Subject {
    fn into_subject(self) -> Subject {
        self
    }
}

/// One client's permission subject, not yet read from the client.
#[derive(Clone, Copy)]
struct ClientSubject<'c> {
    client: &'c Client,
    rep: Option<RepId>,
}

impl ToSubject for ClientSubject<'_> {
    #[inline]
    fn into_subject(self) -> Subject {
        Subject {
            rep: self.rep,
            owner: self.client.owner(),
            pool: Some(self.client.pool()),
            to_pool: None,
        }
    }
}

#[cfg(test)]
mod tests;
