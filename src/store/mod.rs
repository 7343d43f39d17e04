//! Persistence behind one small trait, [`Store`] (and [`AsyncStore`] for async code, feature
//! `async`), so leadpool runs over any database: the embedded [`MemoryStore`], the SQLite
//! example, the `leadpool-postgres` crate, or a CRM's own tables.
//!
//! The pool never holds state between commands. Each command says what it reads
//! ([`Footprint`]); the store reads that in one batch ([`Store::load`] → [`Snapshot`]); the
//! pure decider turns it into a [`Plan`]; the store commits the plan atomically
//! ([`Store::commit`]) or refuses it with a conflict, and the caller reads and decides again
//! ([`crate::txn`]).
//!
//! # Contract v2: what every implementation honours
//!
//! The [`conformance`](crate::conformance) suite checks each point on any implementation.
//!
//! - **Batched reads.** [`Store::load`] answers a whole [`Footprint`] from one consistent
//!   view: the configuration with its version; the clients listed by id, carrying a listed
//!   dedupe key, owned by a listed rep (or by anyone, when asked), due by the given instant; the ledgers listed (or all), and the
//!   ledger of the owner of every client returned.
//! - **Versions.** Clients, ledgers and the configuration carry a version: 1 after the first
//!   write, +1 per write, 0 for "never written". A plan names the version it read of every row
//!   it writes, and of the configuration; if any stored version differs the whole plan is
//!   refused with [`StoreError::Conflict`] and nothing is written.
//! - **Atomicity.** [`Store::commit`] applies a plan's rows, ledgers, configuration and events
//!   together or not at all.
//! - **Unique dedupe keys.** An inserted client's keys must not be carried by any other stored
//!   client ([`Conflict::DuplicateKey`]); of two concurrent imports of one company exactly one
//!   commits.
//! - **The log.** A committed plan's events are appended in order, in the same commit, with
//!   consecutive sequence numbers from 1 ([`Store::events`]); a refused plan appends nothing.
//!   Folding the whole log from [`Config::default`] rebuilds the stored state.
//! - **Shared configuration.** The team and policy are stored, versioned, and read by every
//!   command: a policy change committed by one instance is what every instance's next command
//!   is decided under.
//! - **Listings.** [`Store::owned_by`] and [`Store::public_pool`] answer in ascending id,
//!   [`Store::due`] in ascending (deadline, id), exactly as a scan of every row would. An
//!   adapter shared by several processes may lease the ids `due` returns to their caller for
//!   a while, so that concurrent sweeps split the work; a lease never hides a due client for
//!   good.
//! - **Errors.** Every error is typed and says whether trying again can succeed
//!   ([`StoreError::is_retryable`]).
//!
//! [`Footprint`]: crate::txn::Footprint
//! [`Snapshot`]: crate::txn::Snapshot
//! [`Plan`]: crate::txn::Plan
//! [`Conflict::DuplicateKey`]: crate::error::Conflict::DuplicateKey
//! [`Config::default`]: crate::pool::Config

mod memory;

#[cfg(feature = "async")]
mod asynchronous;

#[cfg(feature = "async")]
pub use asynchronous::AsyncStore;
pub use memory::MemoryStore;

use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::{Client, RepLedger};
use crate::pool::Event;
use crate::txn::{Footprint, Plan, Snapshot};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A write counter: 1 after the first write, +1 per write. 0 means "never written".
pub type Version = u64;

/// A stored value with the version it was read at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned<T> {
    /// The version read.
    pub version: Version,
    /// The value.
    pub value: T,
}

/// One row a [`Plan`] writes.
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

/// An event of the log, with its position (1 for the first event ever committed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// Its position in the log.
    pub seq: u64,
    /// The event.
    pub event: Event,
}

/// Storage for one team's pool: clients, rep ledgers, the configuration and the event log.
/// See the [module docs](self) for the contract; the [`conformance`](crate::conformance)
/// suite checks it.
pub trait Store {
    /// Reads what `footprint` names, from one consistent view.
    fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError>;

    /// Commits `plan` atomically: rows, ledgers, configuration and events, each write checked
    /// against the version the plan read. Returns the log position of the plan's last event
    /// (the current head when it has none).
    fn commit(&self, plan: &Plan) -> Result<u64, StoreError>;

    /// Up to `limit` clients whose deadline is at or before `now`, in ascending (deadline, id)
    /// order (an adapter shared by several processes may leave out ids it leased to another
    /// caller a moment ago).
    fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError>;

    /// Up to `limit` events after position `after`, in log order.
    fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError>;

    /// Ids of the clients `rep` owns, ascending.
    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError>;

    /// Ids of the unowned clients in `pool`, ascending.
    fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError>;
}

macro_rules! forward_store {
    ($($ptr:ty),*) => {$(
        impl<S: Store + ?Sized> Store for $ptr {
            fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
                (**self).load(footprint)
            }
            fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
                (**self).commit(plan)
            }
            fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
                (**self).due(now, limit)
            }
            fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
                (**self).events(after, limit)
            }
            fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
                (**self).owned_by(rep)
            }
            fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
                (**self).public_pool(pool)
            }
        }
    )*};
}

forward_store!(&S, Box<S>, Arc<S>);
