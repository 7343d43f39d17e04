//! The SQLite schema (version 2), the listing queries, and how a connection is opened.

use super::rows::{AdapterError, sqlite_error};
use leadpool::error::StoreError;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// The schema version this adapter writes (`PRAGMA user_version`). Version 1 (clients, keys and
/// ledgers only) is upgraded in place: the new tables are created, nothing is rewritten.
pub const SCHEMA_VERSION: i64 = 2;

/// The schema; every statement is idempotent, so opening an existing file is safe. Run inside
/// a `BEGIN IMMEDIATE` transaction by [`migrate`].
const SCHEMA: &str = "
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
CREATE TABLE IF NOT EXISTS config (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    doc     TEXT NOT NULL      -- the Config (team and policy) as JSON
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,   -- 1, 2, 3, ... without a gap
    doc TEXT NOT NULL          -- the Event as JSON
);
";

/// `owned_by`: served by `clients_by_owner`.
pub const OWNED_BY_SQL: &str = "SELECT id FROM clients WHERE owner = ?1 ORDER BY id";
/// `public_pool`: served by `clients_public`.
pub const PUBLIC_POOL_SQL: &str =
    "SELECT id FROM clients WHERE owner IS NULL AND pool = ?1 ORDER BY id";
/// `due`: served by `clients_by_deadline`, in (deadline, id) order, no sort step.
pub const DUE_SQL: &str =
    "SELECT id FROM clients WHERE deadline <= ?1 ORDER BY deadline, id LIMIT ?2";
/// `events`: served by the primary key of `events`.
pub const EVENTS_SQL: &str = "SELECT seq, doc FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2";

/// How long a writer waits for another connection's transaction before giving up, unless
/// the store was opened with another timeout.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a connection to `path` in WAL mode with `synchronous = FULL` and `busy_timeout`.
pub fn connect(path: &Path, busy_timeout: Duration) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(sqlite_error)?;
    conn.busy_timeout(busy_timeout).map_err(sqlite_error)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(sqlite_error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(AdapterError::NotWal {
            path: path.display().to_string(),
            mode,
        }
        .into());
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(sqlite_error)?;
    Ok(conn)
}

/// Creates or upgrades the schema in one `BEGIN IMMEDIATE` transaction; refuses a file written
/// by a newer schema.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sqlite_error)?;
    let found: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sqlite_error)?;
    if found > SCHEMA_VERSION {
        return Err(AdapterError::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        }
        .into());
    }
    tx.execute_batch(SCHEMA).map_err(sqlite_error)?;
    // PRAGMA takes no bound parameter; the value is a constant of this file.
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        .map_err(sqlite_error)?;
    tx.commit().map_err(sqlite_error)
}
