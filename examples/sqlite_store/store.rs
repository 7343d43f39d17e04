//! A [`ClientStore`] over SQLite: each client and rep ledger is one JSON document (so fields the
//! engine adds later need no migration), beside the columns the indexes need, which are derived
//! from the document on every write: owner, pool, deadline, and a table of dedupe keys.
//!
//! - **Optimistic versions in SQL.** An update is `UPDATE ... WHERE id = ?1 AND version = ?2`;
//!   zero rows changed means the caller's copy is stale (or the row is absent), and the
//!   transaction rolls back.
//! - **One transaction per commit**, begun `IMMEDIATE` so the write lock is taken up front: two
//!   writers never deadlock upgrading a read lock, and a busy writer waits (`busy_timeout`)
//!   instead of failing.
//! - **WAL mode, `synchronous = FULL`**: readers never block the writer, and a commit is on
//!   disk when it returns (NORMAL would risk the last commits on power loss, not on a crash).
//! - **A small connection pool** (idle connections in a `Mutex<Vec<_>>`, a new one opened when
//!   all are busy): threads read in parallel on their own connections and SQLite serialises the
//!   writers, which is how a CRM's server would use it. One `Mutex<Connection>` would also be
//!   correct, but would serialise every read behind every write and would never exercise the
//!   version checks against a real concurrent writer.
//! - **Deadlines** are integers of nanoseconds since the epoch, exact and ordered like
//!   `DateTime<Utc>`; a deadline outside 1677–2262 is refused with a backend error.

use chrono::{DateTime, Utc};
use leadpool::error::StoreError;
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::RepLedger;
use leadpool::model::{Client, DedupeKey};
use leadpool::store::{Batch, ClientStore, Version, Versioned, Write};
use rusqlite::{Connection, OptionalExtension, Params, Transaction, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// The schema; every statement is idempotent, so opening an existing file is safe.
const SCHEMA: &str = "
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS clients (
    id       INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL,
    owner    INTEGER,          -- NULL: in the public pool
    pool     INTEGER NOT NULL,
    deadline INTEGER,          -- nanoseconds since 1970-01-01T00:00Z
    doc      TEXT NOT NULL     -- the Client as JSON
);
CREATE INDEX IF NOT EXISTS clients_by_owner ON clients (owner, id) WHERE owner IS NOT NULL;
CREATE INDEX IF NOT EXISTS clients_public ON clients (pool, id) WHERE owner IS NULL;
CREATE INDEX IF NOT EXISTS clients_by_deadline ON clients (deadline, id) WHERE deadline IS NOT NULL;
CREATE TABLE IF NOT EXISTS client_keys (
    kind   TEXT NOT NULL,
    value  TEXT NOT NULL,
    client INTEGER NOT NULL REFERENCES clients (id),
    PRIMARY KEY (kind, value, client)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS client_keys_by_client ON client_keys (client);
CREATE TABLE IF NOT EXISTS ledgers (
    rep     INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    doc     TEXT NOT NULL      -- the RepLedger as JSON
);
COMMIT;
";

/// `owned_by`: served by `clients_by_owner`.
pub const OWNED_BY_SQL: &str = "SELECT id FROM clients WHERE owner = ?1 ORDER BY id";
/// `public_pool`: served by `clients_public`.
pub const PUBLIC_POOL_SQL: &str =
    "SELECT id FROM clients WHERE owner IS NULL AND pool = ?1 ORDER BY id";
/// `find_by_key`: served by the primary key of `client_keys`.
pub const FIND_BY_KEY_SQL: &str =
    "SELECT client FROM client_keys WHERE kind = ?1 AND value = ?2 ORDER BY client";
/// `due_by`: served by `clients_by_deadline`, in (deadline, id) order.
pub const DUE_BY_SQL: &str = "SELECT id FROM clients WHERE deadline <= ?1 ORDER BY deadline, id";

/// How long a writer waits for another connection's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A [`ClientStore`] in one SQLite file. Share it between threads by reference or `Arc`.
pub struct SqliteStore {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, in WAL mode, with the schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let conn = connect(&path)?;
        conn.execute_batch(SCHEMA).map_err(backend)?;
        // Later connections must open the same file even if the working directory changes.
        let path = std::fs::canonicalize(&path)
            .map_err(|e| StoreError::Backend(format!("{}: {e}", path.display())))?;
        Ok(Self {
            path,
            idle: Mutex::new(vec![conn]),
        })
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
            None => connect(&self.path)?,
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
            let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
            let rows = stmt
                .query_map(params, |row| row.get::<_, i64>(0))
                .map_err(backend)?;
            rows.map(|raw| from_sql(raw.map_err(backend)?, "client id").map(ClientId))
                .collect()
        })
    }
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(backend)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(backend)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Backend(format!(
            "{} cannot use WAL mode (journal mode is {mode})",
            path.display()
        )));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(backend)?;
    Ok(conn)
}

fn backend(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

/// An id or version as an SQLite integer, or `None` when it is above `i64::MAX` (no such row
/// can exist).
fn to_sql(raw: u64) -> Option<i64> {
    i64::try_from(raw).ok()
}

fn from_sql(raw: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(raw)
        .map_err(|_| StoreError::Backend(format!("stored {what} {raw} is negative: corrupt row")))
}

fn id_to_sql(raw: u64, what: &str) -> Result<i64, StoreError> {
    to_sql(raw).ok_or_else(|| {
        StoreError::Backend(format!("{what} {raw} is above the largest SQLite integer"))
    })
}

fn deadline_to_sql(id: ClientId, deadline: DateTime<Utc>) -> Result<i64, StoreError> {
    deadline.timestamp_nanos_opt().ok_or_else(|| {
        StoreError::Backend(format!(
            "{id}: deadline {deadline} is outside 1677-2262, which this store keeps to the nanosecond"
        ))
    })
}

fn key_to_sql(key: &DedupeKey) -> (&'static str, &str) {
    match key {
        DedupeKey::Company(value) => ("company", value),
        DedupeKey::Phone(value) => ("phone", value),
        DedupeKey::Email(value) => ("email", value),
    }
}

/// A client's document and the indexed columns derived from it.
struct ClientRow {
    id: i64,
    owner: Option<i64>,
    pool: i64,
    deadline: Option<i64>,
    doc: String,
}

impl ClientRow {
    fn of(client: &Client) -> Result<Self, StoreError> {
        Ok(Self {
            id: id_to_sql(client.id().0, "client id")?,
            owner: client
                .owner()
                .map(|rep| id_to_sql(rep.0, "rep id"))
                .transpose()?,
            pool: id_to_sql(client.pool().0, "pool id")?,
            deadline: client
                .deadline()
                .map(|d| deadline_to_sql(client.id(), d))
                .transpose()?,
            doc: serde_json::to_string(client)
                .map_err(|e| StoreError::Backend(format!("{}: {e}", client.id())))?,
        })
    }
}

/// Replaces the client's rows in `client_keys` with its current keys.
fn write_keys(tx: &Transaction<'_>, row: &ClientRow, client: &Client) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM client_keys WHERE client = ?1")
        .and_then(|mut stmt| stmt.execute([row.id]))
        .map_err(backend)?;
    let mut insert = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO client_keys (kind, value, client) VALUES (?1, ?2, ?3)",
        )
        .map_err(backend)?;
    for key in client.keys().iter() {
        let (kind, value) = key_to_sql(&key);
        insert
            .execute(params![kind, value, row.id])
            .map_err(backend)?;
    }
    Ok(())
}

/// Applies one write inside the commit's transaction; an error makes the caller roll back.
fn apply(tx: &Transaction<'_>, write: &Write) -> Result<Version, StoreError> {
    match write {
        Write::Insert { client } => {
            let row = ClientRow::of(client)?;
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO clients (id, version, owner, pool, deadline, doc)
                     VALUES (?1, 1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![row.id, row.owner, row.pool, row.deadline, row.doc])
                })
                .map_err(backend)?;
            if inserted == 0 {
                return Err(StoreError::AlreadyExists(client.id()));
            }
            // Inside the BEGIN IMMEDIATE transaction no other writer runs, so the check and
            // the insert of the keys are one atomic step: one company, one client.
            let mut holder = tx
                .prepare_cached(
                    "SELECT client FROM client_keys WHERE kind = ?1 AND value = ?2 AND client != ?3
                     ORDER BY client LIMIT 1",
                )
                .map_err(backend)?;
            for key in client.keys().iter() {
                let (kind, value) = key_to_sql(&key);
                let taken: Option<i64> = holder
                    .query_row(params![kind, value, row.id], |r| r.get(0))
                    .optional()
                    .map_err(backend)?;
                if let Some(taken) = taken {
                    let holder = ClientId(from_sql(taken, "client id")?);
                    return Err(StoreError::DuplicateKey { key, holder });
                }
            }
            write_keys(tx, &row, client)?;
            Ok(1)
        }
        Write::Update { client, expected } => {
            let row = ClientRow::of(client)?;
            // A version above i64::MAX was never stored: -1 matches no row, so it conflicts.
            let expected_sql = to_sql(*expected).unwrap_or(-1);
            let changed = tx
                .prepare_cached(
                    "UPDATE clients SET version = version + 1, owner = ?3, pool = ?4,
                     deadline = ?5, doc = ?6 WHERE id = ?1 AND version = ?2",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        row.id,
                        expected_sql,
                        row.owner,
                        row.pool,
                        row.deadline,
                        row.doc
                    ])
                })
                .map_err(backend)?;
            if changed == 0 {
                let found =
                    current_version(tx, "SELECT version FROM clients WHERE id = ?1", row.id)?;
                return Err(match found {
                    None => StoreError::NotFound(client.id()),
                    Some(found) => StoreError::Conflict {
                        id: client.id(),
                        expected: *expected,
                        found,
                    },
                });
            }
            write_keys(tx, &row, client)?;
            Ok(expected + 1)
        }
        Write::Ledger { ledger, expected } => {
            let rep = id_to_sql(ledger.rep().0, "rep id")?;
            let doc = serde_json::to_string(ledger)
                .map_err(|e| StoreError::Backend(format!("ledger of {}: {e}", ledger.rep())))?;
            let changed = if *expected == 0 {
                tx.prepare_cached(
                    "INSERT INTO ledgers (rep, version, doc) VALUES (?1, 1, ?2)
                     ON CONFLICT (rep) DO NOTHING",
                )
                .and_then(|mut stmt| stmt.execute(params![rep, doc]))
            } else {
                tx.prepare_cached(
                    "UPDATE ledgers SET version = version + 1, doc = ?3
                     WHERE rep = ?1 AND version = ?2",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![rep, to_sql(*expected).unwrap_or(-1), doc])
                })
            }
            .map_err(backend)?;
            if changed == 0 {
                let found = current_version(tx, "SELECT version FROM ledgers WHERE rep = ?1", rep)?;
                return Err(StoreError::LedgerConflict {
                    rep: ledger.rep(),
                    expected: *expected,
                    found: found.unwrap_or(0),
                });
            }
            Ok(expected + 1)
        }
    }
}

fn current_version(
    tx: &Transaction<'_>,
    sql: &str,
    key: i64,
) -> Result<Option<Version>, StoreError> {
    tx.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_row([key], |row| row.get::<_, i64>(0)).optional())
        .map_err(backend)?
        .map(|raw| from_sql(raw, "version"))
        .transpose()
}

impl ClientStore for SqliteStore {
    fn get(&self, id: ClientId) -> Result<Option<Versioned<Client>>, StoreError> {
        let Some(key) = to_sql(id.0) else {
            return Ok(None);
        };
        let row: Option<(i64, String)> = self.with_conn(|conn| {
            conn.prepare_cached("SELECT version, doc FROM clients WHERE id = ?1")
                .and_then(|mut stmt| {
                    stmt.query_row([key], |row| Ok((row.get(0)?, row.get(1)?)))
                        .optional()
                })
                .map_err(backend)
        })?;
        row.map(|(version, doc)| {
            Ok(Versioned {
                version: from_sql(version, "version")?,
                value: serde_json::from_str(&doc).map_err(|e| {
                    StoreError::Backend(format!("{id}: stored document is not a client: {e}"))
                })?,
            })
        })
        .transpose()
    }

    fn ledger(&self, rep: RepId) -> Result<Versioned<RepLedger>, StoreError> {
        let never_written = Versioned {
            version: 0,
            value: RepLedger::new(rep),
        };
        let Some(key) = to_sql(rep.0) else {
            return Ok(never_written);
        };
        let row: Option<(i64, String)> = self.with_conn(|conn| {
            conn.prepare_cached("SELECT version, doc FROM ledgers WHERE rep = ?1")
                .and_then(|mut stmt| {
                    stmt.query_row([key], |row| Ok((row.get(0)?, row.get(1)?)))
                        .optional()
                })
                .map_err(backend)
        })?;
        let Some((version, doc)) = row else {
            return Ok(never_written);
        };
        Ok(Versioned {
            version: from_sql(version, "version")?,
            value: serde_json::from_str(&doc).map_err(|e| {
                StoreError::Backend(format!(
                    "ledger of {rep}: stored document is not a ledger: {e}"
                ))
            })?,
        })
    }

    fn commit(&self, batch: &Batch) -> Result<Vec<Version>, StoreError> {
        self.with_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let mut versions = Vec::with_capacity(batch.len());
            for write in batch {
                // On error `tx` is dropped here, which rolls the whole batch back.
                versions.push(apply(&tx, write)?);
            }
            tx.commit().map_err(backend)?;
            Ok(versions)
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

    fn find_by_key(&self, key: &DedupeKey) -> Result<Vec<ClientId>, StoreError> {
        let (kind, value) = key_to_sql(key);
        self.ids(FIND_BY_KEY_SQL, params![kind, value])
    }

    fn due_by(&self, instant: DateTime<Utc>) -> Result<Vec<ClientId>, StoreError> {
        // Instants past the representable range still compare correctly with every stored
        // deadline, which is inside it.
        let bound = instant
            .timestamp_nanos_opt()
            .unwrap_or(if instant.timestamp() > 0 {
                i64::MAX
            } else {
                i64::MIN
            });
        self.ids(DUE_BY_SQL, [bound])
    }
}
