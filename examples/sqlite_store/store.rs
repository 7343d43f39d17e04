//! A [`Store`] (contract v2) over one SQLite file: each client, rep ledger, the configuration
//! and each event is one JSON document (so fields the engine adds later need no migration),
//! beside the columns the indexes need, derived from the document on every write: owner, pool,
//! deadline, and a table of dedupe keys.
//!
//! - **Tables** ([`schema`]): `clients`, `client_keys`, `ledgers`, `config` (one row, id 1,
//!   with its version) and `events` (`seq INTEGER PRIMARY KEY`, 1, 2, 3, … without a gap).
//!   `PRAGMA user_version` is 2; a version-1 file is upgraded in place when opened.
//! - **Batched reads** ([`load`]): a footprint is read in one `BEGIN DEFERRED` transaction
//!   (one WAL snapshot) with three queries, the ids, keys and owners passed as JSON arrays to
//!   `json_each`: never one query per row.
//! - **One transaction per commit** ([`commit`]), begun `IMMEDIATE` so the write lock is taken
//!   up front: two writers never deadlock upgrading a read lock, and a busy writer waits
//!   (`busy_timeout`, 10 s) instead of failing. Inside it: the configuration version is
//!   checked, every write is a version-checked statement (`UPDATE ... WHERE id = ?1 AND
//!   version = ?2`; zero rows changed is the conflict), the dedupe keys of inserted clients are
//!   checked against every stored client, the new configuration is stored at version + 1, and
//!   the events are appended at `MAX(seq) + 1`, … A refused or failed plan rolls back whole.
//! - **Errors**: a lost race is a [`Conflict`](leadpool::error::Conflict), exactly as
//!   `MemoryStore` reports it. `SQLITE_BUSY` / `SQLITE_LOCKED` after the busy timeout is a
//!   *retryable* [`StoreError::Backend`] (the database is there, another writer held the lock
//!   too long: the same plan can commit later), not `Unavailable`. A corrupt row, a value out
//!   of range, or any other SQLite error is a non-retryable backend error
//!   ([`rows::AdapterError`] for this adapter's own findings). Nothing panics on bad data.
//! - **WAL mode, `synchronous = FULL`**: readers never block the writer, and a commit is on
//!   disk when it returns (NORMAL would risk the last commits on power loss, not on a crash).
//! - **A small connection pool** (idle connections in a `Mutex<Vec<_>>`, a new one opened when
//!   all are busy): threads read in parallel on their own connections and SQLite serialises the
//!   writers, which is how a CRM's server would use it. Several processes may open the same
//!   file: they share it the same way.
//! - **Deadlines** are integers of nanoseconds since the epoch, exact and ordered like
//!   `DateTime<Utc>`; a deadline outside 1677–2262 is refused with a backend error.
//! - **`due` leases nothing**: concurrent sweeps may be handed the same due clients; the
//!   version checks let one of them commit each client and the others find it no longer due.

#[path = "commit.rs"]
pub mod commit;
#[path = "load.rs"]
pub mod load;
#[path = "rows.rs"]
pub mod rows;
#[path = "schema.rs"]
pub mod schema;

use chrono::{DateTime, Utc};
use leadpool::error::StoreError;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::store::{Recorded, Store};
use leadpool::txn::{Footprint, Plan, Snapshot};
use rows::{decode_event, from_sql, instant_bound, limit_to_sql, sqlite_error, to_sql};
use rusqlite::{Connection, Params, TransactionBehavior, params};
use schema::{BUSY_TIMEOUT, DUE_SQL, EVENTS_SQL, OWNED_BY_SQL, PUBLIC_POOL_SQL, connect, migrate};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// A [`Store`] in one SQLite file. Share it between threads by reference or `Arc`; open it
/// again (in this process or another) for another instance over the same data.
pub struct SqliteStore {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, in WAL mode, with the schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = connect(&path, BUSY_TIMEOUT)?;
        migrate(&mut conn)?;
        // Later connections must open the same file even if the working directory changes.
        let path = std::fs::canonicalize(&path).map_err(|e| StoreError::backend(e, false))?;
        Ok(Self {
            path,
            busy_timeout: BUSY_TIMEOUT,
            idle: Mutex::new(vec![conn]),
        })
    }

    /// How long a writer waits for another connection's write lock before its commit fails
    /// with a retryable backend error (default 10 s).
    pub fn with_busy_timeout(mut self, timeout: Duration) -> Result<Self, StoreError> {
        let idle = self.idle.get_mut().unwrap_or_else(PoisonError::into_inner);
        for conn in idle.iter() {
            conn.busy_timeout(timeout).map_err(sqlite_error)?;
        }
        self.busy_timeout = timeout;
        Ok(self)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on an idle connection (opening one if every connection is busy).
    fn with_conn<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // The lock guards only a Vec of idle connections, never left half-changed by a
        // panic, so a poisoned lock is still usable.
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => connect(&self.path, self.busy_timeout)?,
        };
        let result = work(&mut conn);
        // A connection still inside a transaction (a failed rollback) is closed, not reused.
        if conn.is_autocommit() {
            self.idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
        }
        result
    }

    /// Ids returned by one of the listing queries.
    fn ids(&self, sql: &str, params: impl Params) -> Result<Vec<ClientId>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(sql).map_err(sqlite_error)?;
            let rows = stmt
                .query_map(params, |row| row.get::<_, i64>(0))
                .map_err(sqlite_error)?;
            rows.map(|raw| from_sql(raw.map_err(sqlite_error)?, "client id").map(ClientId))
                .collect()
        })
    }
}

impl Store for SqliteStore {
    fn load(&self, footprint: &Footprint) -> Result<Snapshot, StoreError> {
        self.with_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Deferred)
                .map_err(sqlite_error)?;
            let snapshot = load::load(&tx, footprint)?;
            tx.commit().map_err(sqlite_error)?;
            Ok(snapshot)
        })
    }

    fn commit(&self, plan: &Plan) -> Result<u64, StoreError> {
        self.with_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sqlite_error)?;
            // On error `tx` is dropped here, which rolls the whole plan back.
            let head = commit::commit(&tx, plan)?;
            tx.commit().map_err(sqlite_error)?;
            Ok(head)
        })
    }

    fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<ClientId>, StoreError> {
        self.ids(DUE_SQL, params![instant_bound(now), limit_to_sql(limit)])
    }

    fn events(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, StoreError> {
        // No position above i64::MAX exists.
        let Some(after) = to_sql(after) else {
            return Ok(Vec::new());
        };
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(EVENTS_SQL).map_err(sqlite_error)?;
            let rows = stmt
                .query_map(params![after, limit_to_sql(limit)], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
                })
                .map_err(sqlite_error)?;
            rows.map(|row| {
                let (seq, doc) = row.map_err(sqlite_error)?;
                decode_event(seq, &doc)
            })
            .collect()
        })
    }

    fn owned_by(&self, rep: RepId) -> Result<Vec<ClientId>, StoreError> {
        match to_sql(rep.0) {
            Some(rep) => self.ids(OWNED_BY_SQL, [rep]),
            None => Ok(Vec::new()),
        }
    }

    fn public_pool(&self, pool: PoolId) -> Result<Vec<ClientId>, StoreError> {
        match to_sql(pool.0) {
            Some(pool) => self.ids(PUBLIC_POOL_SQL, [pool]),
            None => Ok(Vec::new()),
        }
    }
}
