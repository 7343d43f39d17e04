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
        // Writes validate before they mutate, so a panic can never leave the indexes
        // half-updated: a poisoned lock still guards consistent data.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    fn validate(&self, batch: &Batch) -> Result<(), StoreError> {
        // Versions as the batch will have moved them, so two writes of one row in one batch
        // are checked against each other, as a database transaction would.
        let mut clients: BTreeMap<ClientId, Option<Version>> = BTreeMap::new();
        let mut ledgers: BTreeMap<RepId, Version> = BTreeMap::new();
        let mut inserted_keys: BTreeMap<DedupeKey, ClientId> = BTreeMap::new();
        for write in batch {
            match write {
                Write::Insert { client } => {
                    let current = *clients
                        .entry(client.id())
                        .or_insert_with(|| self.clients.get(&client.id()).map(|v| v.version));
                    if current.is_some() {
                        return Err(StoreError::AlreadyExists(client.id()));
                    }
                    for key in client.keys().iter() {
                        let holder = self
                            .by_key
                            .get(&key)
                            .and_then(|ids| ids.iter().find(|id| **id != client.id()))
                            .copied()
                            .or_else(|| inserted_keys.get(&key).copied());
                        if let Some(holder) = holder {
                            return Err(StoreError::DuplicateKey { key, holder });
                        }
                        inserted_keys.insert(key, client.id());
                    }
                    clients.insert(client.id(), Some(1));
                }
                Write::Update { client, expected } => {
                    let current = *clients
                        .entry(client.id())
                        .or_insert_with(|| self.clients.get(&client.id()).map(|v| v.version));
                    match current {
                        None => return Err(StoreError::NotFound(client.id())),
                        Some(found) if found != *expected => {
                            return Err(StoreError::Conflict {
                                id: client.id(),
                                expected: *expected,
                                found,
                            });
                        }
                        Some(found) => {
                            clients.insert(client.id(), Some(found + 1));
                        }
                    }
                }
                Write::Ledger { ledger, expected } => {
                    let found = *ledgers
                        .entry(ledger.rep())
                        .or_insert_with(|| self.ledgers.get(&ledger.rep()).map_or(0, |v| v.version));
                    if found != *expected {
                        return Err(StoreError::LedgerConflict {
                            rep: ledger.rep(),
                            expected: *expected,
                            found,
                        });
                    }
                    ledgers.insert(ledger.rep(), found + 1);
                }
            }
        }
        Ok(())
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

    fn commit(&self, batch: &Batch) -> Result<Vec<Version>, StoreError> {
        let mut inner = self.write();
        inner.validate(batch)?;
        let versions = batch
            .iter()
            .map(|write| match write {
                Write::Insert { client } | Write::Update { client, .. } => inner.put_client(client),
                Write::Ledger { ledger, .. } => {
                    let version = inner.ledgers.get(&ledger.rep()).map_or(0, |v| v.version) + 1;
                    inner.ledgers.insert(
                        ledger.rep(),
                        Versioned {
                            version,
                            value: ledger.clone(),
                        },
                    );
                    version
                }
            })
            .collect();
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
