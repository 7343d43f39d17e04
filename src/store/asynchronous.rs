//! [`AsyncStore`]: the store contract for async backends (feature `async`).

use super::Recorded;
use crate::error::StoreError;
use crate::ids::{ClientId, PoolId, RepId};
use crate::txn::{Footprint, Plan, Snapshot};
use chrono::{DateTime, Utc};
use std::future::Future;

/// [`Store`](super::Store) for async code: the same contract, each method a future. The
/// futures are `Send`, so an [`AsyncPool`](crate::pool::AsyncPool) over this store can be
/// called from a multi-threaded runtime's tasks (an axum or actix handler) without
/// `spawn_blocking`. No runtime is assumed: the adapter brings its own driver.
pub trait AsyncStore: Sync {
    /// Reads what `footprint` names, from one consistent view.
    fn load(
        &self,
        footprint: &Footprint,
    ) -> impl Future<Output = Result<Snapshot, StoreError>> + Send;

    /// Commits `plan` atomically; returns the log position of its last event.
    fn commit(&self, plan: &Plan) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Up to `limit` clients due by `now`, ascending (deadline, id).
    fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> + Send;

    /// Up to `limit` events after position `after`, in log order.
    fn events(
        &self,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Recorded>, StoreError>> + Send;

    /// Ids of the clients `rep` owns, ascending.
    fn owned_by(
        &self,
        rep: RepId,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> + Send;

    /// Ids of the unowned clients in `pool`, ascending.
    fn public_pool(
        &self,
        pool: PoolId,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> + Send;
}

/// The embedded store for async code: every future is ready at once (the store is in memory).
impl AsyncStore for super::MemoryStore {
    fn load(
        &self,
        footprint: &Footprint,
    ) -> impl Future<Output = Result<Snapshot, StoreError>> + Send {
        std::future::ready(super::Store::load(self, footprint))
    }
    fn commit(&self, plan: &Plan) -> impl Future<Output = Result<u64, StoreError>> + Send {
        std::future::ready(super::Store::commit(self, plan))
    }
    fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> + Send {
        std::future::ready(super::Store::due(self, now, limit))
    }
    fn events(
        &self,
        after: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Recorded>, StoreError>> + Send {
        std::future::ready(super::Store::events(self, after, limit))
    }
    fn owned_by(
        &self,
        rep: RepId,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> + Send {
        std::future::ready(super::Store::owned_by(self, rep))
    }
    fn public_pool(
        &self,
        pool: PoolId,
    ) -> impl Future<Output = Result<Vec<ClientId>, StoreError>> + Send {
        std::future::ready(super::Store::public_pool(self, pool))
    }
}
