//! The embedded default store: everything in memory, behind one lock, with real indexes.

use super::{Batch, ClientStore, Version, Versioned, Write};
use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, DedupeKey, RepLedger};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// An in-memory [`ClientStore`] with indexes by owner, public pool, dedupe key and deadline,
/// so no query scans every client. Share it between threads by reference or `Arc`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default, Clone)]
struct Inner {
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
    fn check(&self, write: &Write) -> Result<(), StoreError> {
        match write {
            Write::Insert { client } => {
                if self.clients.contains_key(&client.id()) {
                    return Err(StoreError::AlreadyExists(client.id()));
                }
                for key in client.keys().iter() {
                    let holder = self
                        .by_key
                        .get(&key)
                        .and_then(|ids| ids.iter().find(|id| **id != client.id()))
                        .copied();
                    if let Some(holder) = holder {
                        return Err(StoreError::DuplicateKey { key, holder });
                    }
                }
                Ok(())
            }
            Write::Update { client, expected } => match self.clients.get(&client.id()) {
                None => Err(StoreError::NotFound(client.id())),
                Some(found) if found.version != *expected => Err(StoreError::Conflict {
                    id: client.id(),
                    expected: *expected,
                    found: found.version,
                }),
                Some(_) => Ok(()),
            },
            Write::Ledger { ledger, expected } => {
                let found = self.ledgers.get(&ledger.rep()).map_or(0, |v| v.version);
                if found == *expected {
                    Ok(())
                } else {
                    Err(StoreError::LedgerConflict {
                        rep: ledger.rep(),
                        expected: *expected,
                        found,
                    })
                }
            }
        }
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

impl ClientStore for MemoryStore {
    fn get(&self, id: ClientId) -> Result<Option<Versioned<Client>>, StoreError> {
        Ok(self.read().clients.get(&id).cloned())
    }

    fn ledger(&self, rep: RepId) -> Result<Versioned<RepLedger>, StoreError> {
        Ok(self
            .read()
            .ledgers
            .get(&rep)
            .cloned()
            .unwrap_or_else(|| Versioned {
                version: 0,
                value: RepLedger::new(rep),
            }))
    }

    /// Applies the writes in order, each checked against the store as the earlier ones left
    /// it; on the first refusal everything already applied is rolled back.
    fn commit(&self, batch: &Batch) -> Result<Vec<Version>, StoreError> {
        let mut inner = self.write();
        let mut undo = Vec::with_capacity(batch.len());
        let mut versions = Vec::with_capacity(batch.len());
        for write in batch {
            if let Err(err) = inner.check(write) {
                inner.roll_back(undo);
                return Err(err);
            }
            let (version, step) = inner.apply(write);
            versions.push(version);
            undo.push(step);
        }
        Ok(versions)
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

    fn find_by_key(&self, key: &DedupeKey) -> Result<Vec<ClientId>, StoreError> {
        Ok(self
            .read()
            .by_key
            .get(key)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default())
    }

    fn due_by(&self, instant: DateTime<Utc>) -> Result<Vec<ClientId>, StoreError> {
        let inner = self.read();
        // (instant, MAX) is the last possible key at `instant`, so the range is inclusive.
        Ok(inner
            .by_deadline
            .range(..=(instant, ClientId(u64::MAX)))
            .map(|(_, id)| *id)
            .collect())
    }
}
