//! The one transaction loop both facades run: load the footprint, decide, commit, and on a
//! retryable error read and decide again, within the [`Retry`] bounds.

use super::super::actor::Actor;
use super::super::admission::contact_verdict;
use super::super::command::Command;
use super::super::config::Config;
use super::super::error::PoolError;
use super::super::event::Event;
use super::super::rule::assign_command;
use super::super::view::PoolView;
use super::SweepReport;
use crate::allocate::{AllocState, Allocator, Decision, EligibilityRules, IntakeQuota, Request};
use crate::clock::Clock;
use crate::conflict::ContactVerdict;
use crate::error::StoreError;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, Metrics};
use crate::rng::{LeadRng, Rng, seeded};
use crate::store::{Recorded, Versioned};
use crate::txn::{Footprint, Plan, Retry, Snapshot};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How many due clients a sweep asks the store for at a time.
pub(super) const SWEEP_PAGE: usize = 256;

/// A store seen as futures: a sync store's are ready at once, an async store's are its own.
pub(super) trait Backend {
    fn load(&self, footprint: &Footprint) -> impl Future<Output = Result<Snapshot, StoreError>>;
    fn commit(&self, plan: &Plan) -> impl Future<Output = Result<u64, StoreError>>;
    fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>>;
    fn events(
        &self,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Recorded>, StoreError>>;
    /// Waits `delay` before the next attempt.
    fn pause(&self, delay: Duration) -> impl Future<Output = ()>;
}

/// The pool's admission rules as eligibility (what `EligibilityRules::default()` holds).
static POOL_RULES: EligibilityRules = EligibilityRules {
    pool_rules: true,
    quota: IntakeQuota {
        per_day: None,
        per_week: None,
        per_rolling_30_days: None,
    },
};

/// A generator as the allocators take it: the sync pool's `dyn Rng`, the async pool's
/// `dyn Rng + Send` (which keeps its futures `Send`).
pub(super) trait DynRng {
    fn dyn_rng(&mut self) -> &mut dyn Rng;
}

impl DynRng for dyn Rng + '_ {
    fn dyn_rng(&mut self) -> &mut dyn Rng {
        self
    }
}

impl DynRng for dyn Rng + Send + '_ {
    fn dyn_rng(&mut self) -> &mut dyn Rng {
        self
    }
}

/// The state both facades share: the store, the clock, the retry policy and the jitter.
pub(super) struct Core<B, C> {
    pub(super) backend: B,
    pub(super) clock: C,
    pub(super) retry: Retry,
    jitter: Mutex<LeadRng>,
}

impl<B: Backend, C: Clock> Core<B, C> {
    pub(super) fn new(backend: B, clock: C) -> Self {
        Self {
            backend,
            clock,
            retry: Retry::default(),
            jitter: Mutex::new(seeded(0)),
        }
    }

    pub(super) fn reseed(&mut self, seed: u64) {
        self.jitter = Mutex::new(seeded(seed));
    }

    /// Loads `footprint`, lets `decide` make a plan, commits it; on a retryable store error
    /// loads and decides again, up to the retry bound. A refusal is returned at once.
    pub(super) async fn transact<T>(
        &self,
        footprint: &Footprint,
        mut decide: impl FnMut(&Snapshot) -> Result<(Plan, T), PoolError>,
    ) -> Result<(Plan, T), PoolError> {
        let attempts = self.retry.attempts();
        let mut failed = 0;
        loop {
            let error = match self.backend.load(footprint).await {
                Ok(snapshot) => {
                    let (plan, out) = decide(&snapshot)?;
                    if plan.is_empty() {
                        return Ok((plan, out));
                    }
                    match self.backend.commit(&plan).await {
                        Ok(_) => return Ok((plan, out)),
                        Err(error) => error,
                    }
                }
                Err(error) => error,
            };
            if !error.is_retryable() {
                return Err(PoolError::Store(error));
            }
            failed += 1;
            if failed >= attempts {
                return Err(PoolError::Contention {
                    attempts,
                    last: error,
                });
            }
            let delay = {
                let mut rng = self.jitter.lock().unwrap_or_else(PoisonError::into_inner);
                self.retry.delay(failed, &mut *rng)
            };
            if !delay.is_zero() {
                self.backend.pause(delay).await;
            }
        }
    }

    /// Reads once, retrying an unavailable store like a commit.
    async fn read(&self, footprint: &Footprint) -> Result<Snapshot, PoolError> {
        let (_, snapshot) = self
            .transact(footprint, |snapshot| {
                Ok((Plan::empty(snapshot), snapshot.clone()))
            })
            .await?;
        Ok(snapshot)
    }

    pub(super) async fn install(&self, config: Config) -> Result<bool, PoolError> {
        let now = self.clock.now();
        let outcome = self
            .transact(&Footprint::config(), |snapshot| {
                Ok((Plan::install(snapshot, config.clone(), now)?, ()))
            })
            .await;
        match outcome {
            Ok(_) => Ok(true),
            Err(PoolError::AlreadyConfigured { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    pub(super) async fn config(&self) -> Result<Versioned<Config>, PoolError> {
        let snapshot = self.read(&Footprint::config()).await?;
        snapshot.config().cloned().ok_or(PoolError::NotConfigured)
    }

    pub(super) async fn client(&self, id: ClientId) -> Result<Versioned<Client>, PoolError> {
        let snapshot = self.read(&Footprint::client(id)).await?;
        snapshot
            .client(id)
            .cloned()
            .ok_or_else(|| PoolError::UnknownClient(id))
    }

    pub(super) async fn execute(
        &self,
        actor: Actor,
        command: Command,
    ) -> Result<Vec<Event>, PoolError> {
        let now = self.clock.now();
        let footprint = Footprint::of(&command);
        let (plan, ()) = self
            .transact(&footprint, |snapshot| {
                Ok((Plan::decide(snapshot, actor, command.clone(), now)?, ()))
            })
            .await?;
        Ok(plan.into_events())
    }

    pub(super) async fn assign_by_rule(
        &self,
        client: ClientId,
        allocator: &(impl Allocator + ?Sized),
        alloc_state: &AllocState,
        metrics: Option<&Metrics>,
        rng: &mut (impl DynRng + ?Sized),
    ) -> Result<(Decision, Vec<Event>), PoolError> {
        let now = self.clock.now();
        let (plan, decision) = self
            .transact(&Footprint::assignment(client), |snapshot| {
                let mut state = snapshot.state()?;
                let lead = state
                    .client(client)
                    .ok_or_else(|| PoolError::UnknownClient(client))?;
                let decision = {
                    let view = PoolView::new(&state, now);
                    let mut request = Request::new(lead, state.team(), now)
                        .with_view(&view)
                        // The standard rules (the pool's admission rules, no quota) apply to
                        // whatever strategy the caller passes: it never picks a rep the
                        // commit would refuse; a filter it carries applies on top.
                        .with_eligibility(&POOL_RULES)
                        .with_state(alloc_state)
                        .with_zone(state.policy().zone);
                    if let Some(metrics) = metrics {
                        request = request.with_metrics(metrics);
                    }
                    allocator.allocate(&request, rng.dyn_rng())
                };
                let command = assign_command(client, &decision)?;
                let plan = Plan::decide_on(snapshot, &mut state, Actor::System, command, now)?;
                Ok((plan, decision))
            })
            .await?;
        Ok((decision, plan.into_events()))
    }

    pub(super) async fn sweep(&self) -> Result<SweepReport, PoolError> {
        let now = self.clock.now();
        let mut report = SweepReport::default();
        let mut seen = BTreeSet::new();
        loop {
            let page = self
                .backend
                .due(now, SWEEP_PAGE)
                .await
                .map_err(PoolError::Store)?;
            let fresh: Vec<ClientId> = page.into_iter().filter(|id| seen.insert(*id)).collect();
            if fresh.is_empty() {
                return Ok(report);
            }
            for client in fresh {
                match self
                    .execute(Actor::System, Command::SweepClient { client })
                    .await
                {
                    Ok(events) => report.events.extend(events),
                    Err(PoolError::UnknownClient(_)) => {}
                    Err(error) => report.skipped.push((client, error)),
                }
            }
        }
    }

    pub(super) async fn may_contact(
        &self,
        client: ClientId,
        rep: RepId,
    ) -> Result<ContactVerdict, PoolError> {
        let now = self.clock.now();
        let snapshot = self.read(&Footprint::client(client)).await?;
        let config = snapshot.config().ok_or(PoolError::NotConfigured)?;
        let stored = snapshot
            .client(client)
            .ok_or_else(|| PoolError::UnknownClient(client))?;
        Ok(contact_verdict(&config.value, &stored.value, rep, now))
    }

    pub(super) async fn events(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Recorded>, PoolError> {
        self.backend
            .events(after, limit)
            .await
            .map_err(PoolError::Store)
    }
}

#[cfg(test)]
mod tests {
    use super::POOL_RULES;
    use crate::allocate::EligibilityRules;

    #[test]
    fn rule_assignments_apply_the_standard_rules_and_nothing_else() {
        assert_eq!(POOL_RULES, EligibilityRules::default());
    }
}
