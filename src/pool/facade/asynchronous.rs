//! [`AsyncPool`]: the pool for async code (feature `async`), over an [`AsyncStore`].

use super::SweepReport;
use super::core::{Backend, Core};
use crate::allocate::{AllocState, Allocator, Decision};
use crate::clock::Clock;
use crate::conflict::ContactVerdict;
use crate::error::StoreError;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, Metrics};
use crate::pool::{Actor, Command, Config, Event, PoolError};
use crate::rng::Rng;
use crate::store::{AsyncStore, Recorded, Versioned};
use crate::txn::{Footprint, Plan, Retry, Snapshot};
use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How an [`AsyncPool`] waits between attempts: the caller's runtime timer.
type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The pool over an [`AsyncStore`], for async code: the same operations as
/// [`Pool`](super::Pool), each a `Send` future, so a handler of a multi-threaded runtime calls
/// it directly (no `spawn_blocking`). Every command goes through [`AsyncPool::execute`]
/// (`Command::Release { .. }`, `Command::ChangePolicy { .. }`, …); the most frequent ones have
/// shortcuts. The crate brings no runtime: give the pool your runtime's
/// timer with [`AsyncPool::with_sleep`] for the waits between retries (without one, retries
/// follow each other at once).
///
/// ```
/// # #[cfg(feature = "async")] {
/// use leadpool::pool::AsyncPool;
/// # use leadpool::clock::ManualClock;
/// # fn with_tokio<S: leadpool::store::AsyncStore>(store: S, clock: ManualClock) {
/// let pool = AsyncPool::new(store, clock)
///     .with_sleep(|delay| Box::pin(async move { /* tokio::time::sleep(delay).await */ let _ = delay; }));
/// # }
/// # }
/// ```
pub struct AsyncPool<S, C> {
    core: Core<Async<S>, C>,
}

impl<S: AsyncStore, C: Clock> AsyncPool<S, C> {
    /// A pool over `store`, reading each command's instant from `clock`, with the default
    /// [`Retry`].
    pub fn new(store: S, clock: C) -> Self {
        Self {
            core: Core::new(Async { store, sleep: None }, clock),
        }
    }

    /// Waits between attempts with `sleep` (e.g. `|d| Box::pin(tokio::time::sleep(d))`).
    pub fn with_sleep(
        mut self,
        sleep: impl Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync + 'static,
    ) -> Self {
        self.core.backend.sleep = Some(Arc::new(sleep));
        self
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
        &self.core.backend.store
    }

    /// Installs the first team and policy; `false` (and no change) when the store already
    /// holds one.
    pub async fn install(&self, config: Config) -> Result<bool, PoolError> {
        self.core.install(config).await
    }

    /// The team and policy in force, with their version.
    pub async fn config(&self) -> Result<Versioned<Config>, PoolError> {
        self.core.config().await
    }

    /// The client with this id, with its version.
    pub async fn client(&self, id: ClientId) -> Result<Versioned<Client>, PoolError> {
        self.core.client(id).await
    }

    /// Runs one command asked by `actor` at the clock's instant: the events committed, or why
    /// it was refused (a [`Forbidden`](crate::pool::Forbidden) when the actor lacks the
    /// authority).
    pub async fn execute(&self, actor: Actor, command: Command) -> Result<Vec<Event>, PoolError> {
        self.core.execute(actor, command).await
    }

    /// `actor` imports a client into its public pool (or reports the known client it
    /// matches).
    pub async fn import(&self, actor: Actor, client: Client) -> Result<Vec<Event>, PoolError> {
        let client = Box::new(client);
        self.execute(actor, Command::Import { client }).await
    }

    /// A rep claims a public client for themselves (the actor is the rep).
    pub async fn claim(&self, client: ClientId, rep: RepId) -> Result<Vec<Event>, PoolError> {
        self.execute(Actor::Rep(rep), Command::Claim { client, rep })
            .await
    }

    /// Runs `allocator` over what the store holds and assigns the client to the rep it
    /// chooses, as the system (see [`Pool::assign_by_rule`](super::Pool::assign_by_rule)).
    pub async fn assign_by_rule(
        &self,
        client: ClientId,
        allocator: &(dyn Allocator + Sync),
        alloc_state: &AllocState,
        metrics: Option<&Metrics>,
        rng: &mut (dyn Rng + Send),
    ) -> Result<(Decision, Vec<Event>), PoolError> {
        self.core
            .assign_by_rule(client, allocator, alloc_state, metrics, rng)
            .await
    }

    /// Sends the reminders due and releases what expired, one client per commit, as the
    /// system.
    pub async fn sweep(&self) -> Result<SweepReport, PoolError> {
        self.core.sweep().await
    }

    /// The 撞单 check: may `rep` contact `client` now?
    pub async fn may_contact(
        &self,
        client: ClientId,
        rep: RepId,
    ) -> Result<ContactVerdict, PoolError> {
        self.core.may_contact(client, rep).await
    }

    /// Up to `limit` events of the log after position `after`.
    pub async fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, PoolError> {
        self.core.events(after, limit).await
    }
}

/// An async store and the caller's timer, as a [`Backend`].
struct Async<S> {
    store: S,
    sleep: Option<Sleep>,
}

impl<S: AsyncStore> Backend for Async<S> {
    fn load(&self, footprint: &Footprint) -> impl Future<Output = Result<Snapshot, StoreError>> {
        self.store.load(footprint)
    }
    fn commit(&self, plan: &Plan) -> impl Future<Output = Result<u64, StoreError>> {
        self.store.commit(plan)
    }
    fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> {
        self.store.due(now, limit)
    }
    fn events(
        &self,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Recorded>, StoreError>> {
        self.store.events(after, limit)
    }
    fn pause(&self, delay: Duration) -> impl Future<Output = ()> {
        let sleep = self.sleep.clone();
        async move {
            if let Some(sleep) = sleep {
                sleep(delay).await;
            }
        }
    }
}
