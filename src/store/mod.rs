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
use crate::model::{Client, DedupeKey, Region};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

/// A rep's counters that limits are checked against. Kept in the store beside the clients so
/// that two concurrent commands for one rep cannot both pass a limit: both write the ledger
/// with the version they read, and the second is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepLedger {
    /// The rep.
    pub rep: RepId,
    /// Clients the rep owns now.
    #[serde(default)]
    pub holding: u32,
    /// Of those, clients with a deal (a policy may leave them out of the cap).
    #[serde(default)]
    pub holding_won: u32,
    /// The team day `claims_today` counts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<NaiveDate>,
    /// Successful claims on `day`.
    #[serde(default)]
    pub claims_today: u32,
    /// When the rep last received a client by any route (tie-breaks use it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_assigned_at: Option<DateTime<Utc>>,
    /// Clients held now, by the client's region (territory balancing reads it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub held_regions: BTreeMap<Region, u32>,
    /// When the rep received clients, ascending, kept for [`RepLedger::RECEIPT_WINDOW_DAYS`]
    /// before the latest receipt (intake quotas read it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub received: Vec<DateTime<Utc>>,
}

impl RepLedger {
    /// How far back [`RepLedger::received`] reaches from the latest receipt: long enough for
    /// daily, weekly, monthly and rolling-30-day intake quotas, short enough to keep the row small.
    pub const RECEIPT_WINDOW_DAYS: u32 = 62;

    /// Records a receipt at `at`, dropping those older than the window.
    pub fn record_receipt(&mut self, at: DateTime<Utc>) {
        let slot = self.received.partition_point(|t| *t <= at);
        self.received.insert(slot, at);
        if let Some(latest) = self.received.last().copied() {
            let horizon = crate::calendar::before_days(latest, Self::RECEIPT_WINDOW_DAYS);
            let stale = self.received.partition_point(|t| *t < horizon);
            self.received.drain(..stale);
        }
    }

    /// Receipts at or after `since` (exact within the window).
    pub fn received_since(&self, since: DateTime<Utc>) -> u32 {
        let first = self.received.partition_point(|t| *t < since);
        u32::try_from(self.received.len() - first).unwrap_or(u32::MAX)
    }

    /// Clients held inside `region` (regions under it sort right after it).
    pub fn held_in_region(&self, region: &Region) -> u32 {
        self.held_regions
            .range(region..)
            .take_while(|(r, _)| region.covers(r))
            .map(|(_, n)| *n)
            .sum()
    }

    /// Counts a client of `region` in or out of the holding by region.
    pub fn adjust_region(&mut self, region: &Region, held: bool) {
        if held {
            match self.held_regions.get_mut(region) {
                Some(n) => *n += 1,
                None => {
                    self.held_regions.insert(region.clone(), 1);
                }
            }
        } else if let Some(n) = self.held_regions.get_mut(region) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.held_regions.remove(region);
            }
        }
    }

    /// An empty ledger for `rep`.
    pub fn new(rep: RepId) -> Self {
        Self {
            rep,
            ..Self::default()
        }
    }
}

/// One write of a [`Batch`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Write {
    /// Insert a new client (refused if the id exists).
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
