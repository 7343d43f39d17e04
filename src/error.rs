//! Typed errors for the model and the store. Each says what was wrong and with which id.

use crate::ids::{ClientId, RepId};
use crate::model::DedupeKey;
use thiserror::Error;

/// A value of the domain model could not be built or parsed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A region path was malformed.
    #[error("invalid region {input:?}: {reason}")]
    InvalidRegion {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A time-zone offset was malformed or out of range.
    #[error("invalid team time zone {input:?}: expected an offset such as +08:00 within ±23:59")]
    InvalidZone {
        /// The text given.
        input: String,
    },
}

/// A client store refused or failed an operation. On any error nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No client has this id.
    #[error("{0} not found")]
    NotFound(ClientId),
    /// A client with this id already exists.
    #[error("{0} already exists")]
    AlreadyExists(ClientId),
    /// The caller's copy is stale: someone else wrote the client since it was read.
    #[error("{id} was changed concurrently: expected version {expected}, found {found}")]
    Conflict {
        /// The client.
        id: ClientId,
        /// The version the caller read.
        expected: u64,
        /// The version stored now.
        found: u64,
    },
    /// The caller's copy of a rep ledger is stale: another command for the rep won the race.
    #[error("ledger of {rep} was changed concurrently: expected version {expected}, found {found}")]
    LedgerConflict {
        /// The rep.
        rep: RepId,
        /// The version the caller read.
        expected: u64,
        /// The version stored now.
        found: u64,
    },
    /// An inserted client carries a dedupe key another stored client already has.
    #[error("{key:?} is already carried by {holder}")]
    DuplicateKey {
        /// The key.
        key: DedupeKey,
        /// The client carrying it.
        holder: ClientId,
    },
    /// The backing database failed (I/O, corruption, …); the message is the backend's.
    #[error("store backend failed: {0}")]
    Backend(String),
}

impl StoreError {
    /// True when the write lost a race with another writer (a stale version, an id or a
    /// dedupe key taken meanwhile): reading again and deciding again can succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            StoreError::Conflict { .. }
                | StoreError::LedgerConflict { .. }
                | StoreError::AlreadyExists(_)
                | StoreError::DuplicateKey { .. }
        )
    }
}
