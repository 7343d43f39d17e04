//! [`Pool`]: the same decide/evolve over any [`ClientStore`], with optimistic versions.
//!
//! Each command loads the clients and rep ledgers it involves into a partial [`PoolState`],
//! decides, folds the events, and commits the changed rows and ledgers in one batch naming
//! the versions read. Two reps claiming one client at once cannot both win (the second write
//! is stale); two claims by one rep cannot both pass a limit (the ledger write is stale). On a
//! stale write the command is re-read and re-decided, a bounded number of times.

use super::command::{Assigner, Command, TransferScope};
use super::decide::decide;
use super::error::PoolError;
use super::event::Event;
use super::policy::PoolPolicy;
use super::state::{PoolState, evolve};
use super::view::PoolView;
use crate::allocate::{AllocState, Allocator, Decision, Request, Team};
use crate::conflict::{ContactVerdict, may_contact};
use crate::error::StoreError;
use crate::ids::{ClientId, RepId};
use crate::model::{Client, ContactLevel};
use crate::rng::Rng;
use crate::store::{ClientStore, RepLedger, Version, Write};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

/// The pool over a client store. Share it between threads by reference.
pub struct Pool<S> {
    store: S,
    team: Arc<Team>,
    policy: RwLock<PoolPolicy>,
    attempts: u32,
}

/// What a command read, with the versions to write against.
struct Loaded {
    state: PoolState,
    clients: BTreeMap<ClientId, Version>,
    ledgers: BTreeMap<RepId, (Version, RepLedger)>,
}

impl<S: ClientStore> Pool<S> {
    /// A pool for `team` under `policy` over `store`, retrying stale writes up to 8 times.
    pub fn new(store: S, team: impl Into<Arc<Team>>, policy: PoolPolicy) -> Self {
        Self {
            store,
            team: team.into(),
            policy: RwLock::new(policy),
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

    /// The team.
    pub fn team(&self) -> &Team {
        &self.team
    }

    /// The policy in force.
    pub fn policy(&self) -> PoolPolicy {
        self.policy
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs one command at `now`: the events committed, or why it was refused (nothing written).
    pub fn execute(&self, command: &Command, now: DateTime<Utc>) -> Result<Vec<Event>, PoolError> {
        let mut last = None;
        for _ in 0..self.attempts {
            let mut loaded = self.load(command, now)?;
            let events = {
                let policy = self.policy.read().unwrap_or_else(PoisonError::into_inner);
                decide(&loaded.state, command, now, &policy)?
            };
            for event in &events {
                evolve(&mut loaded.state, event);
            }
            let batch = writes(&loaded, &events);
            if !batch.is_empty() {
                match self.store.commit(&batch) {
                    Ok(_) => {}
                    Err(
                        err @ (StoreError::Conflict { .. }
                        | StoreError::LedgerConflict { .. }
                        | StoreError::AlreadyExists(_)),
                    ) => {
                        last = Some(err);
                        continue;
                    }
                    Err(err) => return Err(err.into()),
                }
            }
            if let Command::ChangePolicy { policy } = command {
                *self.policy.write().unwrap_or_else(PoisonError::into_inner) = (**policy).clone();
            }
            return Ok(events);
        }
        // `attempts` is at least 1, so every path here went through a stale write.
        Err(PoolError::Contention {
            attempts: self.attempts,
            last: last.unwrap_or(StoreError::Backend(String::from("no attempt made"))),
        })
    }

    fn load(&self, command: &Command, now: DateTime<Utc>) -> Result<Loaded, PoolError> {
        let mut loaded = Loaded {
            state: PoolState::new(Arc::clone(&self.team)),
            clients: BTreeMap::new(),
            ledgers: BTreeMap::new(),
        };
        let mut reps: Vec<RepId> = Vec::new();
        let mut ids: Vec<ClientId> = Vec::new();
        match command {
            Command::Import { client } => {
                ids.push(client.id);
                for key in client.keys.iter() {
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
            Command::SetFlag { client, .. } | Command::MovePool { client, .. } => ids.push(*client),
            Command::Transfer { from, to, scope } => {
                reps.extend([*from, *to]);
                match scope {
                    TransferScope::All => ids.extend(self.store.owned_by(*from)?),
                    TransferScope::Only(named) => ids.extend(named.iter().copied()),
                }
            }
            Command::Sweep => ids.extend(self.store.due_by(now)?),
            Command::ChangePolicy { .. } => {
                for rep in self.team.reps() {
                    ids.extend(self.store.owned_by(rep.id)?);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            if let Some(stored) = self.store.get(id)? {
                reps.extend(stored.value.owner);
                loaded.clients.insert(id, stored.version);
                loaded.state.load_client(stored.value);
            }
        }
        reps.sort_unstable();
        reps.dedup();
        for rep in reps {
            let stored = self.store.ledger(rep)?;
            let mut ledger = stored.value;
            ledger.rep = rep;
            loaded.state.load_ledger(ledger.clone());
            loaded.ledgers.insert(rep, (stored.version, ledger));
        }
        Ok(loaded)
    }

    /// Imports a client into its public pool (or reports the known client it matches).
    pub fn import(&self, client: Client, now: DateTime<Utc>) -> Result<Vec<Event>, PoolError> {
        let client = Box::new(client);
        self.execute(&Command::Import { client }, now)
    }

    /// A rep claims a public client.
    pub fn claim(
        &self,
        client: ClientId,
        rep: RepId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(&Command::Claim { client, rep }, now)
    }

    /// A manager assigns a public client to the rep they name.
    pub fn assign_by_manager(
        &self,
        client: ClientId,
        rep: RepId,
        manager: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        let by = Assigner::Manager {
            name: manager.to_owned(),
        };
        self.execute(&Command::Assign { client, rep, by }, now)
    }

    /// Runs `allocator` over the pool's [`PoolView`] and assigns the client to the rep it
    /// chooses, carrying the decision's explanation as the published audit record. Returns the
    /// decision (apply its updates to `alloc_state` if you keep one) and the events.
    pub fn assign_by_rule(
        &self,
        client: ClientId,
        allocator: &dyn Allocator,
        alloc_state: &AllocState,
        rng: &mut dyn Rng,
        now: DateTime<Utc>,
    ) -> Result<(Decision, Vec<Event>), PoolError> {
        let stored = self
            .store
            .get(client)?
            .ok_or(PoolError::UnknownClient(client))?;
        let mut view_state = PoolState::new(Arc::clone(&self.team));
        for rep in self.team.reps() {
            let mut ledger = self.store.ledger(rep.id)?.value;
            ledger.rep = rep.id;
            view_state.load_ledger(ledger);
        }
        for key in stored.value.keys.iter() {
            for id in self.store.find_by_key(&key)? {
                if let Some(known) = self.store.get(id)? {
                    view_state.load_client(known.value);
                }
            }
        }
        let policy = self.policy();
        let decision = {
            let view = PoolView::new(&view_state, &policy, now);
            let request = Request::new(&stored.value, &self.team, now)
                .with_view(&view)
                .with_state(alloc_state)
                .with_zone(policy.zone);
            allocator.allocate(&request, rng)
        };
        if decision.client != client {
            return Err(PoolError::DecisionMismatch {
                client,
                decided: decision.client,
            });
        }
        let Some(rep) = decision.rep else {
            return Err(PoolError::NobodyChosen {
                client,
                reason: decision.explanation.reason.clone(),
            });
        };
        let by = Assigner::Rule {
            explanation: decision.explanation.clone(),
        };
        let events = self.execute(&Command::Assign { client, rep, by }, now)?;
        Ok((decision, events))
    }

    /// Moves some or all of `from`'s clients to `to` in one command.
    pub fn transfer(
        &self,
        from: RepId,
        to: RepId,
        scope: TransferScope,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(&Command::Transfer { from, to, scope }, now)
    }

    /// Logs a contact; the owner's is a follow-up.
    pub fn follow_up(
        &self,
        client: ClientId,
        rep: RepId,
        level: ContactLevel,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        let note = note.to_owned();
        self.execute(
            &Command::FollowUp {
                client,
                rep,
                level,
                note,
            },
            now,
        )
    }

    /// The owner releases a client with a reason.
    pub fn release(
        &self,
        client: ClientId,
        rep: RepId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        let reason = reason.to_owned();
        self.execute(
            &Command::Release {
                client,
                rep,
                reason,
            },
            now,
        )
    }

    /// Sends the reminders due and releases what expired at `now`.
    pub fn sweep(&self, now: DateTime<Utc>) -> Result<Vec<Event>, PoolError> {
        self.execute(&Command::Sweep, now)
    }

    /// Marks a deal, credited to the owner.
    pub fn mark_deal(
        &self,
        client: ClientId,
        closed_by: RepId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(&Command::MarkDeal { client, closed_by }, now)
    }

    /// Hands a long-unclosed client to another rep.
    pub fn handover(
        &self,
        client: ClientId,
        to: RepId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        self.execute(&Command::Handover { client, to }, now)
    }

    /// Replaces the policy, recomputing every owned client's timers.
    pub fn change_policy(
        &self,
        policy: PoolPolicy,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, PoolError> {
        let policy = Box::new(policy);
        self.execute(&Command::ChangePolicy { policy }, now)
    }

    /// The 撞单 check: may `rep` contact `client` now?
    pub fn may_contact(
        &self,
        client: ClientId,
        rep: RepId,
        now: DateTime<Utc>,
    ) -> Result<ContactVerdict, PoolError> {
        let stored = self
            .store
            .get(client)?
            .ok_or(PoolError::UnknownClient(client))?;
        let days = self
            .policy
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .protection_days;
        Ok(may_contact(&stored.value, rep, now, days))
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
