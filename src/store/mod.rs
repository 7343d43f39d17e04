//! Persistence behind one small trait, [`ClientStore`], so leadpool runs over any database.
//!
//! The engine reads and writes clients only through this trait. [`MemoryStore`] is the
//! embedded default; a CRM implements the trait over its own tables (see README, "Bring your
//! own database").
//!
//! # The contract every implementation honours
//!
//! - **Versions.** Every stored client and rep ledger carries a version, starting at 1 on
//!   insert and growing by 1 on each write. A write names the version it read; if the stored
//!   version differs, the whole [`Batch`] is refused with [`StoreError::Conflict`] (or
//!   [`StoreError::LedgerConflict`]) and nothing is written. A ledger never written reads as
//!   version 0 and is written with expected version 0.
//! - **Atomicity.** [`ClientStore::commit`] applies all writes of a batch or none.
//! - **Unique dedupe keys.** An inserted client's dedupe keys must not be carried by any other
//!   stored client: the insert is refused with [`StoreError::DuplicateKey`] (the whole batch,
//!   nothing written). Of two concurrent imports of one company exactly one commits.
//! - **Indexes agree with the rows.** After any successful commit, [`ClientStore::owned_by`],
//!   [`ClientStore::public_pool`], [`ClientStore::find_by_key`] and [`ClientStore::due_by`]
//!   answer exactly what a scan of every stored client would.
//! - **Order.** Listings come in ascending client id; [`ClientStore::due_by`] in ascending
//!   (deadline, id). Callers rely on it for determinism.
//! - **Sharing.** Methods take `&self`: a store shared between threads serialises its own
//!   writes (a lock, a database transaction).

mod memory;

pub use memory::MemoryStore;

use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, DedupeKey, RepLedger};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A write counter: 1 after insert, +1 per write. 0 means "never written" (ledgers only).
pub type Version = u64;

/// A stored value with the version it was read at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned<T> {
    /// The version read.
    pub version: Version,
    /// The value.
    pub value: T,
}

/// One write of a [`Batch`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Write {
    /// Insert a new client (refused if the id exists, or if another client carries one of its
    /// dedupe keys).
    Insert {
        /// The client.
        client: Client,
    },
    /// Replace a client, if its stored version is still `expected`.
    Update {
        /// The new value.
        client: Client,
        /// The version the caller read.
        expected: Version,
    },
    /// Replace a rep ledger, if its stored version is still `expected` (0 when never written).
    Ledger {
        /// The new value.
        ledger: RepLedger,
        /// The version the caller read.
        expected: Version,
    },
}

/// Writes applied together or not at all.
pub type Batch = [Write];

/// Storage for clients and rep ledgers. See the [module docs](self) for the contract.
pub trait ClientStore {
    /// The client with this id, with its version.
    fn get(&self, id: ClientId) -> Result<Option<Versioned<Client>>, StoreError>;

    /// The rep's ledger with its version; an empty ledger at version 0 if never written.
    fn ledger(&self, rep: RepId) -> Result<Versioned<RepLedger>, StoreError>;

    /// Applies every write or none. On success returns the new version of each write, in
    /// order. On a stale version returns a conflict error and writes nothing.
    fn commit(&self, batch: &Batch) -> Result<Vec<Version>, StoreError>;

    /// Ids of the clients `rep` owns, ascending.
    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError>;

    /// Ids of the unowned clients in `pool`, ascending.
    fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError>;

    /// Ids of the clients carrying `key`, ascending.
    fn find_by_key(&self, key: &DedupeKey) -> Result<Vec<ClientId>, StoreError>;

    /// Ids of the clients whose [`Client::deadline`] is at or before `instant`, in ascending
    /// (deadline, id) order.
    fn due_by(&self, instant: DateTime<Utc>) -> Result<Vec<ClientId>, StoreError>;

    /// Inserts one client; returns its version (1).
    fn insert(&self, client: Client) -> Result<Version, StoreError> {
        let versions = self.commit(&[Write::Insert { client }])?;
        Ok(versions.first().copied().unwrap_or(1))
    }

    /// Replaces one client if its stored version is still `expected`; returns the new version.
    fn update(&self, client: Client, expected: Version) -> Result<Version, StoreError> {
        let versions = self.commit(&[Write::Update { client, expected }])?;
        Ok(versions.first().copied().unwrap_or(expected + 1))
    }
}

macro_rules! forward_store {
    ($($ptr:ty),*) => {$(
        impl<S: ClientStore + ?Sized> ClientStore for $ptr {
            fn get(&self, id: ClientId) -> Result<Option<Versioned<Client>>, StoreError> {
                (**self).get(id)
            }
            fn ledger(&self, rep: RepId) -> Result<Versioned<RepLedger>, StoreError> {
                (**self).ledger(rep)
            }
            fn commit(&self, batch: &Batch) -> Result<Vec<Version>, StoreError> {
                (**self).commit(batch)
            }
            fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
                (**self).owned_by(rep)
            }
            fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
                (**self).public_pool(pool)
            }
            fn find_by_key(&self, key: &DedupeKey) -> Result<Vec<ClientId>, StoreError> {
                (**self).find_by_key(key)
            }
            fn due_by(&self, instant: DateTime<Utc>) -> Result<Vec<ClientId>, StoreError> {
                (**self).due_by(instant)
            }
        }
    )*};
}

forward_store!(&S, Box<S>, Arc<S>);
