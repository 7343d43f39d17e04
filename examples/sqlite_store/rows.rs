//! Between Rust values and SQLite rows: integers, deadlines, dedupe keys, JSON documents, and
//! the typed errors of this adapter. Nothing here panics on what a file holds: a corrupt row is
//! an [`AdapterError`] inside a non-retryable [`StoreError::Backend`].

use chrono::{DateTime, Utc};
use leadpool::error::StoreError;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, DedupeKey, RepLedger};
use leadpool::pool::Config;
use leadpool::store::{Recorded, Version, Versioned};
use rusqlite::ErrorCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What this adapter itself can find wrong, beside the errors SQLite reports.
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    /// The file cannot be switched to WAL mode (an in-memory database, a read-only medium…).
    #[error("{path} cannot use WAL mode (journal mode is {mode})")]
    NotWal {
        /// The database file.
        path: String,
        /// The journal mode SQLite kept.
        mode: String,
    },
    /// The file was written by a newer version of this adapter.
    #[error("the database has schema version {found}; this adapter knows versions up to {known}")]
    NewerSchema {
        /// `PRAGMA user_version` of the file.
        found: i64,
        /// The newest this adapter knows.
        known: i64,
    },
    /// An id or version does not fit an SQLite integer.
    #[error("{what} {raw} is above the largest SQLite integer")]
    TooLarge {
        /// What the number is.
        what: &'static str,
        /// The number.
        raw: u64,
    },
    /// A deadline cannot be stored to the nanosecond.
    #[error(
        "{id}: deadline {deadline} is outside 1677-2262, which this store keeps to the nanosecond"
    )]
    DeadlineOutOfRange {
        /// The client.
        id: ClientId,
        /// Its deadline.
        deadline: DateTime<Utc>,
    },
    /// A stored id, version or position is out of range.
    #[error("stored {what} {raw} is out of range: corrupt row")]
    OutOfRange {
        /// What the number is.
        what: &'static str,
        /// The number stored.
        raw: i64,
    },
    /// A stored document does not parse as what its table holds.
    #[error("{row}: the stored document is not valid: {source}")]
    BadDocument {
        /// Which row.
        row: String,
        /// What the parser said.
        #[source]
        source: serde_json::Error,
    },
    /// A stored document names another row than the one it is stored in.
    #[error("{row}: the stored document is of {found}: corrupt row")]
    Misplaced {
        /// Which row.
        row: String,
        /// What the document says it is.
        found: String,
    },
    /// A value could not be encoded as JSON.
    #[error("{row} cannot be encoded: {source}")]
    Encode {
        /// Which row.
        row: String,
        /// What the encoder said.
        #[source]
        source: serde_json::Error,
    },
}

impl From<AdapterError> for StoreError {
    /// Bad data or a value out of range: trying again cannot succeed.
    fn from(error: AdapterError) -> Self {
        StoreError::backend(error, false)
    }
}

/// An SQLite error as a [`StoreError`]: `SQLITE_BUSY` / `SQLITE_LOCKED` (another connection
/// held the lock past the busy timeout) is a *retryable* backend error, the way a PostgreSQL
/// serialization failure is; anything else (I/O, a full disk, a corrupt file, a constraint) is
/// not retryable. The SQLite error is kept as the source.
pub fn sqlite_error(error: rusqlite::Error) -> StoreError {
    let busy = matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    );
    StoreError::backend(error, busy)
}

/// An id or version as an SQLite integer, or `None` above `i64::MAX` (no such row can exist).
pub fn to_sql(raw: u64) -> Option<i64> {
    i64::try_from(raw).ok()
}

/// An id to write: refused above `i64::MAX`.
pub fn id_to_sql(raw: u64, what: &'static str) -> Result<i64, StoreError> {
    Ok(to_sql(raw).ok_or(AdapterError::TooLarge { what, raw })?)
}

/// A stored id, version or position: refused when negative.
pub fn from_sql(raw: i64, what: &'static str) -> Result<u64, StoreError> {
    Ok(u64::try_from(raw).map_err(|_| AdapterError::OutOfRange { what, raw })?)
}

/// A `LIMIT` for `limit` rows (`usize::MAX` and anything above `i64::MAX`: no limit).
pub fn limit_to_sql(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// An instant to compare with stored deadlines: instants past the representable range still
/// compare correctly with every stored deadline, which is inside it.
pub fn instant_bound(instant: DateTime<Utc>) -> i64 {
    instant
        .timestamp_nanos_opt()
        .unwrap_or(if instant.timestamp() > 0 {
            i64::MAX
        } else {
            i64::MIN
        })
}

fn deadline_to_sql(id: ClientId, deadline: DateTime<Utc>) -> Result<i64, StoreError> {
    Ok(deadline
        .timestamp_nanos_opt()
        .ok_or(AdapterError::DeadlineOutOfRange { id, deadline })?)
}

/// A dedupe key as its `(kind, value)` columns.
pub fn key_to_sql(key: &DedupeKey) -> (&'static str, &str) {
    match key {
        DedupeKey::Company(value) => ("company", value),
        DedupeKey::Phone(value) => ("phone", value),
        DedupeKey::Email(value) => ("email", value),
    }
}

/// `value` as a JSON document.
pub fn encode<T: Serialize>(value: &T, row: impl FnOnce() -> String) -> Result<String, StoreError> {
    Ok(serde_json::to_string(value)
        .map_err(|source| AdapterError::Encode { row: row(), source })?)
}

fn decode<T: DeserializeOwned>(doc: &str, row: impl FnOnce() -> String) -> Result<T, StoreError> {
    Ok(serde_json::from_str(doc)
        .map_err(|source| AdapterError::BadDocument { row: row(), source })?)
}

/// A client's document and the indexed columns derived from it.
pub struct ClientRow {
    /// `clients.id`.
    pub id: i64,
    /// `clients.owner`.
    pub owner: Option<i64>,
    /// `clients.pool`.
    pub pool: i64,
    /// `clients.deadline`.
    pub deadline: Option<i64>,
    /// `clients.doc`.
    pub doc: String,
}

impl ClientRow {
    /// The row that stores `client`.
    pub fn of(client: &Client) -> Result<Self, StoreError> {
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
            doc: encode(client, || client.id().to_string())?,
        })
    }
}

/// A `clients` row read back: its document must be of the client in its `id` column.
pub fn decode_client(id: i64, version: i64, doc: &str) -> Result<Versioned<Client>, StoreError> {
    let id = ClientId(from_sql(id, "client id")?);
    let value: Client = decode(doc, || id.to_string())?;
    if value.id() != id {
        return Err(AdapterError::Misplaced {
            row: id.to_string(),
            found: value.id().to_string(),
        }
        .into());
    }
    Ok(Versioned {
        version: from_sql(version, "client version")?,
        value,
    })
}

/// A `ledgers` row read back: its document must be of the rep in its `rep` column.
pub fn decode_ledger(
    rep: i64,
    version: i64,
    doc: &str,
) -> Result<Versioned<RepLedger>, StoreError> {
    let rep = RepId(from_sql(rep, "rep id")?);
    let value: RepLedger = decode(doc, || format!("ledger of {rep}"))?;
    if value.rep() != rep {
        return Err(AdapterError::Misplaced {
            row: format!("ledger of {rep}"),
            found: format!("ledger of {}", value.rep()),
        }
        .into());
    }
    Ok(Versioned {
        version: from_sql(version, "ledger version")?,
        value,
    })
}

/// The `config` row read back (its document is validated as [`Config`] deserialises).
pub fn decode_config(version: i64, doc: &str) -> Result<Versioned<Config>, StoreError> {
    Ok(Versioned {
        version: from_sql(version, "configuration version")?,
        value: decode(doc, || "the configuration".to_owned())?,
    })
}

/// An `events` row read back.
pub fn decode_event(seq: i64, doc: &str) -> Result<Recorded, StoreError> {
    let seq = from_sql(seq, "event position")?;
    Ok(Recorded {
        seq,
        event: decode(doc, || format!("event {seq}"))?,
    })
}

/// The version a write names, as SQL: a version above `i64::MAX` was never stored, so -1
/// (which matches no row) makes the write conflict as it should.
pub fn expected_to_sql(expected: Version) -> i64 {
    to_sql(expected).unwrap_or(-1)
}
