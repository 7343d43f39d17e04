//! The write path: one plan in one `BEGIN IMMEDIATE` transaction, checked and applied in the
//! order [`MemoryStore`](leadpool::store::MemoryStore) checks and applies it, so both refuse
//! the same plans with the same conflict.

use super::rows::{
    ClientRow, encode, expected_to_sql, from_sql, id_to_sql, key_to_sql, sqlite_error,
};
use leadpool::error::{Conflict, StoreError};
use leadpool::ids::ClientId;
use leadpool::model::Client;
use leadpool::store::{Version, Write};
use leadpool::txn::Plan;
use rusqlite::{OptionalExtension, Transaction, params};

/// Inserts a client row at version 1 (nothing when the id exists).
pub const INSERT_CLIENT_SQL: &str = "INSERT INTO clients (id, version, owner, pool, deadline, doc)
     VALUES (?1, 1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING";
/// Inserts one dedupe key of a client.
pub const INSERT_KEY_SQL: &str =
    "INSERT OR IGNORE INTO client_keys (kind, value, client) VALUES (?1, ?2, ?3)";
/// Inserts a ledger row at version 1 (nothing when the rep has one).
pub const INSERT_LEDGER_SQL: &str =
    "INSERT INTO ledgers (rep, version, doc) VALUES (?1, 1, ?2) ON CONFLICT (rep) DO NOTHING";

/// Commits `plan` inside `tx` (begun `IMMEDIATE`, so no other writer runs until it ends):
/// the configuration version, then every write in order, each checked against the rows as the
/// writes before it left them, then the new configuration and the events. Returns the log
/// position of the last event (the head when the plan has none). On an error the caller drops
/// `tx`, which rolls everything back.
pub fn commit(tx: &Transaction<'_>, plan: &Plan) -> Result<u64, StoreError> {
    let found = config_version(tx)?;
    if found != plan.config_version() {
        return Err(Conflict::Config {
            expected: plan.config_version(),
            found,
        }
        .into());
    }
    for write in plan.writes() {
        apply(tx, write)?;
    }
    if let Some(config) = plan.new_config() {
        let version = id_to_sql(found + 1, "configuration version")?;
        let doc = encode(config, || "the configuration".to_owned())?;
        tx.prepare_cached(
            "INSERT INTO config (id, version, doc) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version, doc = excluded.doc",
        )
        .and_then(|mut stmt| stmt.execute(params![version, doc]))
        .map_err(sqlite_error)?;
    }
    // Under the write lock nobody else appends: MAX(seq) + 1 is the next position, and the
    // positions stay consecutive from 1.
    let head: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM events")
        .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
        .map_err(sqlite_error)?;
    let mut head = from_sql(head, "event position")?;
    let mut append = tx
        .prepare_cached("INSERT INTO events (seq, doc) VALUES (?1, ?2)")
        .map_err(sqlite_error)?;
    for event in plan.events() {
        head += 1;
        let doc = encode(event, || format!("event {head}"))?;
        append
            .execute(params![id_to_sql(head, "event position")?, doc])
            .map_err(sqlite_error)?;
    }
    Ok(head)
}

/// The stored configuration's version (0: none installed).
fn config_version(tx: &Transaction<'_>) -> Result<Version, StoreError> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT version FROM config WHERE id = 1")
        .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)).optional())
        .map_err(sqlite_error)?;
    found.map_or(Ok(0), |raw| from_sql(raw, "configuration version"))
}

/// Applies one write: a version-checked statement whose "0 rows changed" is the conflict.
fn apply(tx: &Transaction<'_>, write: &Write) -> Result<(), StoreError> {
    match write {
        Write::Insert { client } => insert(tx, client),
        Write::Update { client, expected } => {
            let row = ClientRow::of(client)?;
            let changed = tx
                .prepare_cached(
                    "UPDATE clients SET version = version + 1, owner = ?3, pool = ?4,
                     deadline = ?5, doc = ?6 WHERE id = ?1 AND version = ?2",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        row.id,
                        expected_to_sql(*expected),
                        row.owner,
                        row.pool,
                        row.deadline,
                        row.doc
                    ])
                })
                .map_err(sqlite_error)?;
            if changed == 0 {
                let found = version_of(tx, "SELECT version FROM clients WHERE id = ?1", row.id)?;
                return Err(Conflict::Client {
                    id: client.id(),
                    expected: *expected,
                    found,
                }
                .into());
            }
            write_keys(tx, row.id, client)
        }
        Write::Ledger { ledger, expected } => {
            let rep = id_to_sql(ledger.rep().0, "rep id")?;
            let doc = encode(ledger, || format!("ledger of {}", ledger.rep()))?;
            let changed = if *expected == 0 {
                tx.prepare_cached(INSERT_LEDGER_SQL)
                    .and_then(|mut stmt| stmt.execute(params![rep, doc]))
            } else {
                tx.prepare_cached(
                    "UPDATE ledgers SET version = version + 1, doc = ?3
                     WHERE rep = ?1 AND version = ?2",
                )
                .and_then(|mut stmt| stmt.execute(params![rep, expected_to_sql(*expected), doc]))
            }
            .map_err(sqlite_error)?;
            if changed == 0 {
                let found = version_of(tx, "SELECT version FROM ledgers WHERE rep = ?1", rep)?;
                return Err(Conflict::Ledger {
                    rep: ledger.rep(),
                    expected: *expected,
                    found,
                }
                .into());
            }
            Ok(())
        }
    }
}

/// Inserts a new client: refused if the id exists (a client conflict expecting version 0), or
/// if another stored client carries one of its dedupe keys (the first such key, in the order
/// [`DedupeKeys::iter`](leadpool::model::DedupeKeys::iter) lists them, naming the lowest id
/// carrying it).
///
/// Inside the `BEGIN IMMEDIATE` transaction no other connection writes, so the check and the
/// insert of the keys are one atomic step: of two concurrent imports of one company, the
/// second to take the write lock sees the first one's keys and is refused. (The key table is
/// not a `UNIQUE (kind, value)` index: the contract lets an *update* give a client a key
/// another client carries, as `MemoryStore` does; only inserts claim their keys.)
fn insert(tx: &Transaction<'_>, client: &Client) -> Result<(), StoreError> {
    let row = ClientRow::of(client)?;
    let inserted = tx
        .prepare_cached(INSERT_CLIENT_SQL)
        .and_then(|mut stmt| {
            stmt.execute(params![row.id, row.owner, row.pool, row.deadline, row.doc])
        })
        .map_err(sqlite_error)?;
    if inserted == 0 {
        let found = version_of(tx, "SELECT version FROM clients WHERE id = ?1", row.id)?;
        return Err(Conflict::Client {
            id: client.id(),
            expected: 0,
            found,
        }
        .into());
    }
    let mut holder = tx
        .prepare_cached(
            "SELECT client FROM client_keys WHERE kind = ?1 AND value = ?2 AND client != ?3
             ORDER BY client LIMIT 1",
        )
        .map_err(sqlite_error)?;
    for key in client.keys().iter() {
        let (kind, value) = key_to_sql(&key);
        let taken: Option<i64> = holder
            .query_row(params![kind, value, row.id], |r| r.get(0))
            .optional()
            .map_err(sqlite_error)?;
        if let Some(taken) = taken {
            let holder = ClientId(from_sql(taken, "client id")?);
            return Err(Conflict::DuplicateKey { key, holder }.into());
        }
    }
    write_keys(tx, row.id, client)
}

/// Replaces the client's rows in `client_keys` with its current keys.
fn write_keys(tx: &Transaction<'_>, id: i64, client: &Client) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM client_keys WHERE client = ?1")
        .and_then(|mut stmt| stmt.execute([id]))
        .map_err(sqlite_error)?;
    let mut insert = tx.prepare_cached(INSERT_KEY_SQL).map_err(sqlite_error)?;
    for key in client.keys().iter() {
        let (kind, value) = key_to_sql(&key);
        insert
            .execute(params![kind, value, id])
            .map_err(sqlite_error)?;
    }
    Ok(())
}

/// The stored version of one row (0: no such row).
fn version_of(tx: &Transaction<'_>, sql: &str, key: i64) -> Result<Version, StoreError> {
    let found: Option<i64> = tx
        .prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)).optional())
        .map_err(sqlite_error)?;
    found.map_or(Ok(0), |raw| from_sql(raw, "version"))
}
