//! [`Pool`]: the pool over any [`Store`], with a [`Clock`] for the instant of each command;
//! [`AsyncPool`] (feature `async`) is the same over an [`AsyncStore`](crate::store::AsyncStore).
//!
//! Neither holds state between commands: each command reads its [`Footprint`] in one batch,
//! is decided by the pure [`Plan::decide`] under the configuration it read, and commits rows,
//! ledgers, configuration and events in one atomic write naming the versions read. Two reps
//! claiming one client at once cannot both win (the second write is stale); two claims by one
//! rep cannot both pass a limit (the ledger write is stale); two imports of one company cannot
//! both insert (the store refuses a dedupe key already held); a policy changed by another
//! instance is the one the next command is decided under. On a retryable error the command is
//! read and decided again, within the [`Retry`] bounds.
//!
//! [`Footprint`]: crate::txn::Footprint
//! [`Plan::decide`]: crate::txn::Plan::decide

#[cfg(feature = "async")]
mod asynchronous;
mod core;

#[cfg(feature = "async")]
pub use asynchronous::AsyncPool;

use self::core::{Backend, Core};
use super::actor::Actor;
use super::command::{Assigner, Command, Flag, TransferScope};
use super::config::Config;
use super::error::PoolError;
use super::event::Event;
use super::policy::PoolPolicy;
use crate::allocate::{AllocState, Allocator, Decision, Team};
use crate::clock::Clock;
use crate::conflict::ContactVerdict;
use crate::error::StoreError;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel, Metrics};
use crate::rng::Rng;
use crate::store::{Recorded, Store, Versioned};
use crate::txn::{Footprint, Plan, Retry, Snapshot};
use chrono::{DateTime, Utc};
use std::future::{Future, ready};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

/// What a sweep did: the reminders sent and releases made, each committed on its own, and
/// the due clients it had to leave, with why.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct SweepReport {
    /// The events committed, client by client in (deadline, id) order.
    pub events: Vec<Event>,
    /// Due clients left as they were, with the error that stopped them (e.g. contention that
    /// outlasted every retry); the next sweep tries them again.
    pub skipped: Vec<(ClientId, PoolError)>,
}

/// The pool over a [`Store`], reading time from a [`Clock`]. Share it between threads by
/// reference. Waits between retries with `std::thread::sleep`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use leadpool::allocate::Team;
/// use leadpool::clock::ManualClock;
/// use leadpool::ids::{ClientId, RepId};
/// use leadpool::model::{Client, Rep, Source};
/// use leadpool::pool::{Actor, Config, Pool, PoolPolicy};
/// use leadpool::store::MemoryStore;
///
/// let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap());
/// let config = Config::new(Team::new([Rep::new(RepId(1), "Li")]), PoolPolicy::default())?;
/// let pool = Pool::new(MemoryStore::new(), clock.clone());
/// pool.install(config)?; // once per store; later instances find it there
/// pool.import(Actor::System, Client::new(ClientId(1), "ACME", Source::Website, clock.now()))?;
/// pool.claim(ClientId(1), RepId(1))?;
/// assert_eq!(pool.client(ClientId(1))?.value.owner(), Some(RepId(1)));
/// # use leadpool::clock::Clock;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Pool<S, C> {
    core: Core<Blocking<S>, C>,
}

impl<S: Store, C: Clock> Pool<S, C> {
    /// A pool over `store`, reading each command's instant from `clock`, with the default
    /// [`Retry`] (8 attempts, jittered backoff from a generator seeded with 0).
    pub fn new(store: S, clock: C) -> Self {
        Self {
            core: Core::new(Blocking(store), clock),
        }
    }

    /// A pool over `store` holding `config`: installed if the store has none (a store that
    /// already has one keeps it: change it with [`Pool::change_policy`] or
    /// [`Pool::change_team`]).
    pub fn bootstrap(store: S, config: Config, clock: C) -> Result<Self, PoolError> {
        let pool = Self::new(store, clock);
        pool.install(config)?;
        Ok(pool)
    }

    /// Sets the retry bounds.
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.core.retry = retry;
        self
    }

    /// Seeds the generator the retry waits are drawn from.
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.core.reseed(seed);
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.core.backend.0
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.core.clock
    }

    /// Installs the first team and policy; `false` (and no change) when the store already
    /// holds one.
    pub fn install(&self, config: Config) -> Result<bool, PoolError> {
        block_on(self.core.install(config))
    }

    /// The team and policy in force, with their version.
    pub fn config(&self) -> Result<Versioned<Config>, PoolError> {
        block_on(self.core.config())
    }

    /// The client with this id, with its version.
    pub fn client(&self, id: ClientId) -> Result<Versioned<Client>, PoolError> {
        block_on(self.core.client(id))
    }

    /// Runs one command asked by `actor` at the clock's instant: the events committed, or why
    /// it was refused (nothing written; a [`Forbidden`](crate::pool::Forbidden) when the actor
    /// lacks the authority).
    pub fn execute(&self, actor: Actor, command: Command) -> Result<Vec<Event>, PoolError> {
        block_on(self.core.execute(actor, command))
    }

    /// `actor` imports a client into its public pool (or reports the known client it
    /// matches): a member or an admin of the pool, or the system.
    pub fn import(&self, actor: Actor, client: Client) -> Result<Vec<Event>, PoolError> {
        let client = Box::new(client);
        self.execute(actor, Command::Import { client })
    }

    /// A rep claims a public client for themselves (the actor is the rep).
    pub fn claim(&self, client: ClientId, rep: RepId) -> Result<Vec<Event>, PoolError> {
        self.execute(Actor::Rep(rep), Command::Claim { client, rep })
    }

    /// A manager of `rep` or an admin of the client's pool (`actor`) gives a public client to
    /// `rep` (领导分配).
    pub fn assign(
        &self,
        actor: Actor,
        client: ClientId,
        rep: RepId,
    ) -> Result<Vec<Event>, PoolError> {
        let by = Assigner::Manager;
        self.execute(actor, Command::Assign { client, rep, by })
    }

    /// Runs `allocator` over what the store holds (the client, the clients sharing its keys,
    /// every rep's ledger: one batched read) and assigns the client to the rep it chooses,
    /// carrying the decision's explanation as the published audit record; the actor is the
    /// system (a rule assignment is the CRM's own work). On a conflict the
    /// allocator runs again on the fresh read. Returns the decision (apply its updates to
    /// `alloc_state` if you keep one) and the events.
    pub fn assign_by_rule(
        &self,
        client: ClientId,
        allocator: &dyn Allocator,
        alloc_state: &AllocState,
        metrics: Option<&Metrics>,
        rng: &mut dyn Rng,
    ) -> Result<(Decision, Vec<Event>), PoolError> {
        block_on(
            self.core
                .assign_by_rule(client, allocator, alloc_state, metrics, rng),
        )
    }

    /// `actor` moves some or all of `from`'s clients to `to` in one command.
    pub fn transfer(
        &self,
        actor: Actor,
        from: RepId,
        to: RepId,
        scope: TransferScope,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(actor, Command::Transfer { from, to, scope })
    }

    /// A rep logs a contact (the actor is the rep); the owner's is a follow-up.
    pub fn follow_up(
        &self,
        client: ClientId,
        rep: RepId,
        level: ContactLevel,
        note: &str,
    ) -> Result<Vec<Event>, PoolError> {
        let note = note.to_owned();
        let command = Command::FollowUp {
            client,
            rep,
            level,
            note,
        };
        self.execute(Actor::Rep(rep), command)
    }

    /// `actor` (the owner `rep`, their manager or an admin of the pool) releases `rep`'s
    /// client, saying why.
    pub fn release(
        &self,
        actor: Actor,
        client: ClientId,
        rep: RepId,
        note: &str,
    ) -> Result<Vec<Event>, PoolError> {
        let note = note.to_owned();
        self.execute(actor, Command::Release { client, rep, note })
    }

    /// Sends the reminders due and releases what expired, one client per commit (each with its
    /// own retries), asking the store for the due clients a page at a time: concurrent writes
    /// to other clients never hold the sweep back, and a client that keeps conflicting is
    /// skipped and reported rather than failing the rest.
    pub fn sweep(&self) -> Result<SweepReport, PoolError> {
        block_on(self.core.sweep())
    }

    /// `actor` marks a deal closed by `closed_by`, credited to the owner (on a public client,
    /// a claim and a deal in one).
    pub fn mark_deal(
        &self,
        actor: Actor,
        client: ClientId,
        closed_by: RepId,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(actor, Command::MarkDeal { client, closed_by })
    }

    /// `actor` hands a long-unclosed client to another rep.
    pub fn handover(
        &self,
        actor: Actor,
        client: ClientId,
        to: RepId,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(actor, Command::Handover { client, to })
    }

    /// `actor` (an admin or a manager, never the owner) sets a custody flag, e.g. locks a
    /// client against recycling.
    pub fn set_flag(
        &self,
        actor: Actor,
        client: ClientId,
        flag: Flag,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(actor, Command::SetFlag { client, flag })
    }

    /// A policy admin replaces the policy, recomputing every owned client's timers; every
    /// instance decides its next command under it.
    pub fn change_policy(&self, actor: Actor, policy: PoolPolicy) -> Result<Vec<Event>, PoolError> {
        let policy = Box::new(policy);
        self.execute(actor, Command::ChangePolicy { policy })
    }

    /// A policy admin (or the system's directory sync) replaces the team.
    pub fn change_team(&self, actor: Actor, team: Team) -> Result<Vec<Event>, PoolError> {
        let team = Box::new(team);
        self.execute(actor, Command::ChangeTeam { team })
    }

    /// The 撞单 check: may `rep` contact `client` now?
    pub fn may_contact(&self, client: ClientId, rep: RepId) -> Result<ContactVerdict, PoolError> {
        block_on(self.core.may_contact(client, rep))
    }

    /// Up to `limit` events of the log after position `after` (0: from the start).
    pub fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, PoolError> {
        block_on(self.core.events(after, limit))
    }
}

/// A sync store as a [`Backend`]: every future is ready when made.
struct Blocking<S>(S);

impl<S: Store> Backend for Blocking<S> {
    fn load(&self, footprint: &Footprint) -> impl Future<Output = Result<Snapshot, StoreError>> {
        ready(self.0.load(footprint))
    }
    fn commit(&self, plan: &Plan) -> impl Future<Output = Result<u64, StoreError>> {
        ready(self.0.commit(plan))
    }
    fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> {
        ready(self.0.due(now, limit))
    }
    fn events(
        &self,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Recorded>, StoreError>> {
        ready(self.0.events(after, limit))
    }
    fn pause(&self, delay: Duration) -> impl Future<Output = ()> {
        std::thread::sleep(delay);
        ready(())
    }
}

/// Runs a future on this thread to completion. The sync pool's futures are ready at once (its
/// store is synchronous), so this never waits; should one return pending, the thread parks
/// until it is woken.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}
