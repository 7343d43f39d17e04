//! [`Pool`]: the same decide/evolve over any [`ClientStore`], with optimistic versions, and a
//! [`Clock`] for the instant of each command.
//!
//! Each command loads the clients and rep ledgers it involves into a partial [`PoolState`],
//! decides, folds the events, and commits the changed rows and ledgers in one batch naming
//! the versions read. Two reps claiming one client at once cannot both win (the second write
//! is stale); two claims by one rep cannot both pass a limit (the ledger write is stale); two
//! imports of one company cannot both insert (the store refuses a dedupe key already held). On
//! a stale write the command is re-read and re-decided, a bounded number of times.

use super::command::{Assigner, Command, TransferScope};
use super::config::Config;
use super::decide::decide;
use super::error::PoolError;
use super::event::Event;
use super::policy::PoolPolicy;
use super::rule::assign_command;
use super::state::{PoolState, evolve};
use super::view::PoolView;
use crate::allocate::{AllocState, Allocator, Decision, Request, Team};
use crate::clock::Clock;
use crate::conflict::{ContactVerdict, may_contact};
use crate::error::StoreError;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel, Metrics, RepLedger};
use crate::rng::Rng;
use crate::store::{ClientStore, Version, Write};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

/// How many due clients a sweep reads at a time.
const SWEEP_PAGE: usize = 256;

/// The pool over a client store, reading time from a clock. Share it between threads by
/// reference.
pub struct Pool<S, C> {
    store: S,
    clock: C,
    config: RwLock<Arc<Config>>,
    attempts: u32,
}

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

/// What a command read, with the versions to write against.
struct Loaded {
    state: PoolState,
    clients: BTreeMap<ClientId, Version>,
    ledgers: BTreeMap<RepId, (Version, RepLedger)>,
}

impl<S: ClientStore, C: Clock> Pool<S, C> {
    /// A pool under `config` over `store`, reading each command's instant from `clock`,
    /// retrying stale writes up to 8 times.
    pub fn new(store: S, config: Config, clock: C) -> Self {
        Self {
            store,
            clock,
            config: RwLock::new(Arc::new(config)),
            attempts: 8,
        }
    }

    /// Sets how many times a command is tried before [`PoolError::Contention`] (at least 1).
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The team and policy in force.
    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Runs one command at the clock's instant: the events committed, or why it was refused
    /// (nothing written).
    pub fn execute(&self, command: Command) -> Result<Vec<Event>, PoolError> {
        let now = self.clock.now();
        let mut last = None;
        for _ in 0..self.attempts {
            let mut loaded = self.load(&command, now)?;
            let events = decide(&loaded.state, command.clone(), now)?;
            for event in &events {
                evolve(&mut loaded.state, event);
            }
            let batch = writes(&loaded, &events);
            if !batch.is_empty() {
                match self.store.commit(&batch) {
                    Ok(_) => {}
                    Err(err) if err.is_conflict() => {
                        last = Some(err);
                        continue;
                    }
                    Err(err) => return Err(err.into()),
                }
            }
            self.adopt(&loaded.state);
            return Ok(events);
        }
        Err(PoolError::Contention {
            attempts: self.attempts,
            last: last.unwrap_or(StoreError::Backend(String::from("no attempt made"))),
        })
    }

    /// Keeps the team and policy a committed command changed.
    fn adopt(&self, state: &PoolState) {
        let mut config = self.config.write().unwrap_or_else(PoisonError::into_inner);
        if **config != *state.config() {
            *config = Arc::new(state.config().clone());
        }
    }

    fn load(&self, command: &Command, now: DateTime<Utc>) -> Result<Loaded, PoolError> {
        let config = self.config();
        let mut loaded = Loaded {
            state: PoolState::new(Config::clone(&config)),
            clients: BTreeMap::new(),
            ledgers: BTreeMap::new(),
        };
        let mut reps: Vec<RepId> = Vec::new();
        let mut ids: Vec<ClientId> = Vec::new();
        match command {
            Command::Import { client } => {
                ids.push(client.id());
                for key in client.keys().iter() {
                    ids.extend(self.store.find_by_key(&key)?);
                }
            }
            Command::Claim { client, rep }
            | Command::Assign { client, rep, .. }
            | Command::FollowUp { client, rep, .. }
            | Command::Release { client, rep, .. }
            | Command::MarkDeal {
                client,
                closed_by: rep,
            }
            | Command::Handover { client, to: rep } => {
                ids.push(*client);
                reps.push(*rep);
            }
            Command::SetFlag { client, .. }
            | Command::MovePool { client, .. }
            | Command::SweepClient { client } => ids.push(*client),
            Command::Transfer { from, to, scope } => {
                reps.extend([*from, *to]);
                match scope {
                    TransferScope::All => ids.extend(self.store.owned_by(*from)?),
                    TransferScope::Only(named) => ids.extend(named.iter().copied()),
                }
            }
            Command::Sweep => ids.extend(self.store.due_by(now)?),
            Command::ChangePolicy { .. } => {
                for rep in config.team().reps() {
                    ids.extend(self.store.owned_by(rep.id)?);
                }
            }
            Command::ChangeTeam { .. } => reps.extend(config.team().reps().iter().map(|r| r.id)),
        }
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            if let Some(stored) = self.store.get(id)? {
                reps.extend(stored.value.owner());
                loaded.clients.insert(id, stored.version);
                loaded.state.load_client(stored.value);
            }
        }
        reps.sort_unstable();
        reps.dedup();
        for rep in reps {
            let stored = self.store.ledger(rep)?;
            loaded.state.load_ledger(stored.value.clone());
            loaded.ledgers.insert(rep, (stored.version, stored.value));
        }
        Ok(loaded)
    }

    /// Imports a client into its public pool (or reports the known client it matches).
    pub fn import(&self, client: Client) -> Result<Vec<Event>, PoolError> {
        let client = Box::new(client);
        self.execute(Command::Import { client })
    }

    /// A rep claims a public client.
    pub fn claim(&self, client: ClientId, rep: RepId) -> Result<Vec<Event>, PoolError> {
        self.execute(Command::Claim { client, rep })
    }

    /// A manager assigns a public client to the rep they name.
    pub fn assign_by_manager(
        &self,
        client: ClientId,
        rep: RepId,
        manager: &str,
    ) -> Result<Vec<Event>, PoolError> {
        let by = Assigner::Manager {
            name: manager.to_owned(),
        };
        self.execute(Command::Assign { client, rep, by })
    }

    /// Runs `allocator` over the pool's [`PoolView`] and assigns the client to the rep it
    /// chooses, carrying the decision's explanation as the published audit record. Returns the
    /// decision (apply its updates to `alloc_state` if you keep one) and the events.
    pub fn assign_by_rule(
        &self,
        client: ClientId,
        allocator: &dyn Allocator,
        alloc_state: &AllocState,
        metrics: Option<&Metrics>,
        rng: &mut dyn Rng,
    ) -> Result<(Decision, Vec<Event>), PoolError> {
        let now = self.clock.now();
        let config = self.config();
        let stored = self
            .store
            .get(client)?
            .ok_or(PoolError::UnknownClient(client))?;
        let mut view_state = PoolState::new(Config::clone(&config));
        for rep in config.team().reps() {
            view_state.load_ledger(self.store.ledger(rep.id)?.value);
        }
        for key in stored.value.keys().iter() {
            for id in self.store.find_by_key(&key)? {
                if let Some(known) = self.store.get(id)? {
                    view_state.load_client(known.value);
                }
            }
        }
        let decision = {
            let view = PoolView::new(&view_state, now);
            let mut request = Request::new(&stored.value, config.team(), now)
                .with_view(&view)
                .with_state(alloc_state)
                .with_zone(config.policy().zone);
            if let Some(metrics) = metrics {
                request = request.with_metrics(metrics);
            }
            allocator.allocate(&request, rng)
        };
        let command = assign_command(client, &decision)?;
        let events = self.execute(command)?;
        Ok((decision, events))
    }

    /// Moves some or all of `from`'s clients to `to` in one command.
    pub fn transfer(
        &self,
        from: RepId,
        to: RepId,
        scope: TransferScope,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(Command::Transfer { from, to, scope })
    }

    /// Logs a contact; the owner's is a follow-up.
    pub fn follow_up(
        &self,
        client: ClientId,
        rep: RepId,
        level: ContactLevel,
        note: &str,
    ) -> Result<Vec<Event>, PoolError> {
        let note = note.to_owned();
        self.execute(Command::FollowUp {
            client,
            rep,
            level,
            note,
        })
    }

    /// The owner releases a client, saying why.
    pub fn release(
        &self,
        client: ClientId,
        rep: RepId,
        note: &str,
    ) -> Result<Vec<Event>, PoolError> {
        let note = note.to_owned();
        self.execute(Command::Release { client, rep, note })
    }

    /// Sends the reminders due and releases what expired, one client per commit (each with its
    /// own retries), paging through the due clients in (deadline, id) order: concurrent writes
    /// to other clients never hold the sweep back, and a client that keeps conflicting is
    /// skipped and reported rather than failing the rest.
    pub fn sweep(&self) -> Result<SweepReport, PoolError> {
        let now = self.clock.now();
        let mut report = SweepReport::default();
        let due = self.store.due_by(now)?;
        for page in due.chunks(SWEEP_PAGE) {
            for &client in page {
                match self.execute(Command::SweepClient { client }) {
                    Ok(events) => report.events.extend(events),
                    Err(PoolError::UnknownClient(_)) => {}
                    Err(err @ (PoolError::Contention { .. } | PoolError::Store(_))) => {
                        report.skipped.push((client, err))
                    }
                    Err(err) => report.skipped.push((client, err)),
                }
            }
        }
        Ok(report)
    }

    /// Marks a deal, credited to the owner (on a public client, a claim and a deal in one).
    pub fn mark_deal(&self, client: ClientId, closed_by: RepId) -> Result<Vec<Event>, PoolError> {
        self.execute(Command::MarkDeal { client, closed_by })
    }

    /// Hands a long-unclosed client to another rep.
    pub fn handover(&self, client: ClientId, to: RepId) -> Result<Vec<Event>, PoolError> {
        self.execute(Command::Handover { client, to })
    }

    /// Replaces the policy, recomputing every owned client's timers.
    pub fn change_policy(&self, policy: PoolPolicy) -> Result<Vec<Event>, PoolError> {
        let policy = Box::new(policy);
        self.execute(Command::ChangePolicy { policy })
    }

    /// Replaces the team.
    pub fn change_team(&self, team: Team) -> Result<Vec<Event>, PoolError> {
        let team = Box::new(team);
        self.execute(Command::ChangeTeam { team })
    }

    /// The 撞单 check: may `rep` contact `client` now?
    pub fn may_contact(&self, client: ClientId, rep: RepId) -> Result<ContactVerdict, PoolError> {
        let stored = self
            .store
            .get(client)?
            .ok_or(PoolError::UnknownClient(client))?;
        let days = self.config().policy().protection_days;
        Ok(may_contact(&stored.value, rep, self.clock.now(), days))
    }
}

/// The rows and ledgers the events changed, with the versions read.
fn writes(loaded: &Loaded, events: &[Event]) -> Vec<Write> {
    let mut touched: Vec<ClientId> = Vec::new();
    for event in events {
        match event {
            Event::PolicyChanged { retimed, .. } => {
                touched.extend(retimed.iter().map(|r| r.client))
            }
            Event::DuplicateReported { .. } => {}
            other => touched.extend(other.client()),
        }
    }
    touched.sort_unstable();
    touched.dedup();
    let mut batch = Vec::with_capacity(touched.len() + 2);
    for id in touched {
        let Some(client) = loaded.state.client(id) else {
            continue;
        };
        let client = client.clone();
        batch.push(match loaded.clients.get(&id) {
            Some(expected) => Write::Update {
                client,
                expected: *expected,
            },
            None => Write::Insert { client },
        });
    }
    for (rep, (version, before)) in &loaded.ledgers {
        if let Some(after) = loaded.state.ledger_ref(*rep) {
            if after != before {
                batch.push(Write::Ledger {
                    ledger: after.clone(),
                    expected: *version,
                });
            }
        }
    }
    batch
}
