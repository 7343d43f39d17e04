//! The read path: a whole [`Footprint`] in one read transaction and at most three queries
//! (the configuration, the clients, the ledgers), each batched with `json_each` over the ids,
//! keys or reps asked for, never one query per row.

use super::rows::{
    decode_client, decode_config, decode_ledger, encode, instant_bound, key_to_sql, sqlite_error,
    to_sql,
};
use leadpool::error::StoreError;
use leadpool::ids::RepId;
use leadpool::txn::{Footprint, Snapshot};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Transaction, params_from_iter};
use std::collections::BTreeSet;

/// The configuration row.
pub const CONFIG_SQL: &str = "SELECT version, doc FROM config WHERE id = 1";
/// Clients listed by id: a JSON array of ids.
const BY_ID: &str = "SELECT value FROM json_each(?)";
/// Clients carrying a listed key: a JSON array of `[kind, value]` pairs, each a search of the
/// primary key of `client_keys`.
const BY_KEY: &str = "SELECT k.client FROM json_each(?) AS j JOIN client_keys AS k
    ON k.kind = json_extract(j.value, '$[0]') AND k.value = json_extract(j.value, '$[1]')";
/// Clients owned by a listed rep: a JSON array of rep ids, each a search of `clients_by_owner`.
const BY_OWNER: &str = "SELECT c.id FROM json_each(?) AS j JOIN clients AS c ON c.owner = j.value";
/// Every owned client: `clients_by_owner` read whole.
const ALL_OWNED: &str = "SELECT id FROM clients WHERE owner IS NOT NULL";
/// Clients due by an instant: a range of `clients_by_deadline`.
const DUE_BY: &str = "SELECT id FROM clients WHERE deadline <= ?";
/// Ledgers of the listed reps: a JSON array of rep ids.
pub const LEDGERS_SQL: &str = "SELECT rep, version, doc FROM ledgers
    WHERE rep IN (SELECT value FROM json_each(?1)) ORDER BY rep";
/// Every ledger.
const ALL_LEDGERS: &str = "SELECT rep, version, doc FROM ledgers ORDER BY rep";

/// The clients query for `footprint`: the union of the parts it asks for, joined back to
/// `clients` once, in id order; `None` when it asks for no client. The text depends only on
/// which parts are present (at most 32 variants), so the statement cache holds them.
pub fn clients_query(footprint: &Footprint) -> Result<Option<(String, Vec<Value>)>, StoreError> {
    let mut parts: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if !footprint.clients().is_empty() {
        // An id above i64::MAX cannot be stored: leaving it out reads it as absent.
        let ids: Vec<i64> = footprint
            .clients()
            .iter()
            .filter_map(|id| to_sql(id.0))
            .collect();
        parts.push(BY_ID);
        args.push(Value::Text(encode(&ids, || "the ids read".to_owned())?));
    }
    if !footprint.keys().is_empty() {
        let keys: Vec<(&str, &str)> = footprint.keys().iter().map(key_to_sql).collect();
        parts.push(BY_KEY);
        args.push(Value::Text(encode(&keys, || "the keys read".to_owned())?));
    }
    if footprint.all_owned() {
        parts.push(ALL_OWNED);
    } else if !footprint.owned_by().is_empty() {
        let reps: Vec<i64> = footprint
            .owned_by()
            .iter()
            .filter_map(|r| to_sql(r.0))
            .collect();
        parts.push(BY_OWNER);
        args.push(Value::Text(encode(&reps, || "the owners read".to_owned())?));
    }
    if let Some(instant) = footprint.due_by() {
        parts.push(DUE_BY);
        args.push(Value::Integer(instant_bound(instant)));
    }
    if parts.is_empty() {
        return Ok(None);
    }
    let sql = format!(
        "WITH wanted (id) AS ({})
         SELECT c.id, c.version, c.doc FROM clients AS c
         WHERE c.id IN (SELECT id FROM wanted) ORDER BY c.id",
        parts.join(" UNION ")
    );
    Ok(Some((sql, args)))
}

/// Reads `footprint` inside `tx`, a read transaction: every query sees the same committed
/// state (WAL gives the transaction one snapshot from its first read to its end).
pub fn load(tx: &Transaction<'_>, footprint: &Footprint) -> Result<Snapshot, StoreError> {
    let config = tx
        .prepare_cached(CONFIG_SQL)
        .and_then(|mut stmt| {
            stmt.query_row([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .optional()
        })
        .map_err(sqlite_error)?
        .map(|(version, doc)| decode_config(version, &doc))
        .transpose()?;
    let mut snapshot = Snapshot::new(config);

    let mut reps: BTreeSet<RepId> = footprint.reps().iter().copied().collect();
    if let Some((sql, args)) = clients_query(footprint)? {
        let mut stmt = tx.prepare_cached(&sql).map_err(sqlite_error)?;
        let mut rows = stmt.query(params_from_iter(args)).map_err(sqlite_error)?;
        while let Some(row) = rows.next().map_err(sqlite_error)? {
            let (id, version, doc): (i64, i64, String) = (
                row.get(0).map_err(sqlite_error)?,
                row.get(1).map_err(sqlite_error)?,
                row.get(2).map_err(sqlite_error)?,
            );
            let client = decode_client(id, version, &doc)?;
            reps.extend(client.value.owner());
            snapshot.add_client(client);
        }
    }

    let ledgers = if footprint.all_reps() {
        Some((ALL_LEDGERS, Vec::new()))
    } else if reps.is_empty() {
        None
    } else {
        let reps: Vec<i64> = reps.iter().filter_map(|r| to_sql(r.0)).collect();
        let reps = encode(&reps, || "the reps read".to_owned())?;
        Some((LEDGERS_SQL, vec![Value::Text(reps)]))
    };
    if let Some((sql, args)) = ledgers {
        let mut stmt = tx.prepare_cached(sql).map_err(sqlite_error)?;
        let mut rows = stmt.query(params_from_iter(args)).map_err(sqlite_error)?;
        while let Some(row) = rows.next().map_err(sqlite_error)? {
            let (rep, version, doc): (i64, i64, String) = (
                row.get(0).map_err(sqlite_error)?,
                row.get(1).map_err(sqlite_error)?,
                row.get(2).map_err(sqlite_error)?,
            );
            snapshot.add_ledger(decode_ledger(rep, version, &doc)?);
        }
    }
    Ok(snapshot)
}
