//! The embedded default store: everything in memory, behind one lock, with real indexes.

use super::{Recorded, Store, Version, Versioned, Write};
use crate::error::{Conflict, StoreError};
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, DedupeKey, RepLedger};
use crate::pool::{Config, Event};
use crate::txn::{Footprint, Plan, Snapshot};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// An in-memory [`Store`] with indexes by owner, public pool, dedupe key and deadline, so no
/// query scans every client. Share it between threads by reference or `Arc`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default, Clone)]
struct Inner {
    config: Option<Versioned<Config>>,
    log: Vec<Event>,
    clients: BTreeMap<ClientId, Versioned<Client>>,
    ledgers: BTreeMap<RepId, Versioned<RepLedger>>,
    by_owner: BTreeMap<RepId, BTreeSet<ClientId>>,
    public: BTreeMap<PoolId, BTreeSet<ClientId>>,
    by_key: BTreeMap<DedupeKey, BTreeSet<ClientId>>,
    by_deadline: BTreeSet<(DateTime<Utc>, ClientId)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many clients are stored.
    pub fn len(&self) -> usize {
        self.read().clients.len()
    }

    /// True when no client is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every stored client in id order (a copy): for reports, tests and snapshots.
    pub fn clients(&self) -> Vec<Versioned<Client>> {
        self.read().clients.values().cloned().collect()
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        // A refused batch is rolled back before the lock is released; only a panic inside a
        // commit (memory exhaustion) could leave one half-applied.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    /// Whether `write` may apply to the store as it stands (earlier writes of the batch
    /// included): the checks a database transaction makes statement by statement.
    fn check(&self, write: &Write) -> Result<(), Conflict> {
        match write {
            Write::Insert { client } => {
                if let Some(found) = self.clients.get(&client.id()) {
                    return Err(Conflict::Client {
                        id: client.id(),
                        expected: 0,
                        found: found.version,
                    });
                }
                for key in client.keys().iter() {
                    let holder = self
                        .by_key
                        .get(&key)
                        .and_then(|ids| ids.iter().find(|id| **id != client.id()))
                        .copied();
                    if let Some(holder) = holder {
                        return Err(Conflict::DuplicateKey { key, holder });
                    }
                }
                Ok(())
            }
            Write::Update { client, expected } => {
                let found = self.clients.get(&client.id()).map_or(0, |c| c.version);
                if found == *expected && found > 0 {
                    Ok(())
                } else {
                    Err(Conflict::Client {
                        id: client.id(),
                        expected: *expected,
                        found,
                    })
                }
            }
            Write::Ledger { ledger, expected } => {
                let found = self.ledgers.get(&ledger.rep()).map_or(0, |v| v.version);
                if found == *expected {
                    Ok(())
                } else {
                    Err(Conflict::Ledger {
                        rep: ledger.rep(),
                        expected: *expected,
                        found,
                    })
                }
            }
        }
    }

    /// Every stored client `footprint` names, and the ledgers it names with their owners'.
    fn load(&self, footprint: &Footprint) -> Snapshot {
        let mut snapshot = Snapshot::new(self.config.clone());
        let mut ids: BTreeSet<ClientId> = footprint.clients().iter().copied().collect();
        for key in footprint.keys() {
            ids.extend(self.by_key.get(key).into_iter().flatten());
        }
        if footprint.all_owned() {
            ids.extend(self.by_owner.values().flatten());
        } else {
            for rep in footprint.owned_by() {
                ids.extend(self.by_owner.get(rep).into_iter().flatten());
            }
        }
        if let Some(instant) = footprint.due_by() {
            ids.extend(self.due(instant, usize::MAX));
        }
        let mut reps: BTreeSet<RepId> = footprint.reps().iter().copied().collect();
        for id in ids {
            if let Some(client) = self.clients.get(&id) {
                reps.extend(client.value.owner());
                snapshot.add_client(client.clone());
            }
        }
        if footprint.all_reps() {
            reps.extend(self.ledgers.keys());
        }
        for rep in reps {
            if let Some(ledger) = self.ledgers.get(&rep) {
                snapshot.add_ledger(ledger.clone());
            }
        }
        snapshot
    }

    fn due(&self, instant: DateTime<Utc>, limit: usize) -> Vec<ClientId> {
        // (instant, MAX) is the last possible key at `instant`, so the range is inclusive.
        self.by_deadline
            .range(..=(instant, ClientId(u64::MAX)))
            .map(|(_, id)| *id)
            .take(limit)
            .collect()
    }

    /// Applies `write` (already checked); returns its new version and what undoes it.
    fn apply(&mut self, write: &Write) -> (Version, Undo) {
        match write {
            Write::Insert { client } | Write::Update { client, .. } => {
                let before = self.clients.get(&client.id()).cloned();
                (self.put_client(client), Undo::Client(client.id(), before))
            }
            Write::Ledger { ledger, .. } => {
                let before = self.ledgers.get(&ledger.rep()).cloned();
                let version = before.as_ref().map_or(0, |v| v.version) + 1;
                let value = ledger.clone();
                self.ledgers
                    .insert(ledger.rep(), Versioned { version, value });
                (version, Undo::Ledger(ledger.rep(), before))
            }
        }
    }

    /// Puts back what `undo` recorded, newest first.
    fn roll_back(&mut self, undo: Vec<Undo>) {
        for step in undo.into_iter().rev() {
            match step {
                Undo::Client(id, before) => {
                    if let Some(current) = self.clients.remove(&id) {
                        self.unindex(&current.value);
                    }
                    if let Some(before) = before {
                        self.index(&before.value);
                        self.clients.insert(id, before);
                    }
                }
                Undo::Ledger(rep, before) => match before {
                    Some(before) => {
                        self.ledgers.insert(rep, before);
                    }
                    None => {
                        self.ledgers.remove(&rep);
                    }
                },
            }
        }
    }

    fn unindex(&mut self, client: &Client) {
        match client.owner() {
            Some(owner) => remove_from(&mut self.by_owner, &owner, client.id()),
            None => remove_from(&mut self.public, &client.pool(), client.id()),
        }
        for key in client.keys().iter() {
            remove_from(&mut self.by_key, &key, client.id());
        }
        if let Some(deadline) = client.deadline() {
            self.by_deadline.remove(&(deadline, client.id()));
        }
    }

    fn index(&mut self, client: &Client) {
        match client.owner() {
            Some(owner) => self.by_owner.entry(owner).or_default().insert(client.id()),
            None => self
                .public
                .entry(client.pool())
                .or_default()
                .insert(client.id()),
        };
        for key in client.keys().iter() {
            self.by_key.entry(key).or_default().insert(client.id());
        }
        if let Some(deadline) = client.deadline() {
            self.by_deadline.insert((deadline, client.id()));
        }
    }

    fn put_client(&mut self, client: &Client) -> Version {
        let version = match self.clients.remove(&client.id()) {
            Some(old) => {
                self.unindex(&old.value);
                old.version + 1
            }
            None => 1,
        };
        self.index(client);
        self.clients.insert(
            client.id(),
            Versioned {
                version,
                value: client.clone(),
            },
        );
        version
    }
}

/// What a write replaced, to put it back if a later write of the batch is refused.
enum Undo {
    Client(ClientId, Option<Versioned<Client>>),
    Ledger(RepId, Option<Versioned<RepLedger>>),
}

fn remove_from<K: Ord>(index: &mut BTreeMap<K, BTreeSet<ClientId>>, key: &K, id: ClientId) {
    if let Some(ids) = index.get_mut(key) {
        ids.remove(&id);
        if ids.is_empty() {
            index.remove(key);
        }
    }
}

impl Store for MemoryStore {
    fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        Ok(self.read().load(footprint))
    }

    /// Checks the configuration version, then applies the writes in order, each checked
    /// against the store as the earlier ones left it; on the first refusal everything already
    /// applied is rolled back. Then the configuration and the events.
    fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        let mut inner = self.write();
        let found = inner.config.as_ref().map_or(0, |c| c.version);
        if found != plan.config_version() {
            return Err(Conflict::Config {
                expected: plan.config_version(),
                found,
            }
            .into());
        }
        let mut undo = Vec::with_capacity(plan.writes().len());
        for write in plan.writes() {
            if let Err(conflict) = inner.check(write) {
                inner.roll_back(undo);
                return Err(conflict.into());
            }
            let (_, step) = inner.apply(write);
            undo.push(step);
        }
        if let Some(config) = plan.new_config() {
            inner.config = Some(Versioned {
                version: found + 1,
                value: config.clone(),
            });
        }
        inner.log.extend(plan.events().iter().cloned());
        Ok(inner.log.len() as u64)
    }

    fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        Ok(self.read().due(now, limit))
    }

    fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        let inner = self.read();
        let start = usize::try_from(after).unwrap_or(usize::MAX);
        Ok(inner
            .log
            .iter()
            .enumerate()
            .skip(start)
            .take(limit)
            .map(|(i, event)| Recorded {
                seq: i as u64 + 1,
                event: event.clone(),
            })
            .collect())
    }

    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        Ok(self
            .read()
            .by_owner
            .get(&rep)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default())
    }

    fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        Ok(self
            .read()
            .public
            .get(&pool)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default())
    }
}
