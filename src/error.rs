//! Typed errors for the model and the store. Each says what was wrong and with which id.

use crate::ids::{ClientId, RepId};
use crate::model::DedupeKey;
use std::sync::Arc;
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
    /// A language tag is not one the crate speaks (`en`, `zh-CN`).
    #[error("unknown language {input:?}: expected en or zh-CN")]
    UnknownLang {
        /// The text given.
        input: String,
    },
    /// A time-zone offset was malformed or out of range.
    #[error("invalid team time zone {input:?}: expected an offset such as +08:00 within ±23:59")]
    InvalidZone {
        /// The text given.
        input: String,
    },
}

/// A store refused or failed an operation. On any error nothing was written.
///
/// Three kinds, which decide what a caller does next ([`StoreError::is_retryable`]):
///
/// - [`StoreError::Conflict`]: the write lost a race with another writer (a stale version, an
///   id or a dedupe key taken meanwhile, a policy changed since it was read). Reading again and
///   deciding again can succeed; the pool facades do so.
/// - [`StoreError::Unavailable`]: the store could not be reached (connection refused, pool
///   timed out). Trying again later can succeed.
/// - [`StoreError::Backend`]: anything else the backend reported, with its error as the
///   source and whether it says a retry can succeed (a PostgreSQL serialization failure
///   `40001` or deadlock `40P01` is retryable; a constraint or a corrupt row is not).
#[derive(Clone, Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The write lost a race: nothing was written; read again and decide again.
    #[error("concurrent change: {0}")]
    Conflict(Conflict),
    /// The store could not be reached; nothing was written.
    #[error("store unavailable: {source}")]
    Unavailable {
        /// What the backend reported.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
    /// The backend failed; nothing was written.
    #[error("store backend failed{}: {source}", if *.retryable { " (retryable)" } else { "" })]
    Backend {
        /// What the backend reported.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
        /// Whether the backend says the same operation can succeed if tried again.
        retryable: bool,
    },
}

/// What a write lost a race against.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Conflict {
    /// Someone else wrote the client since it was read.
    #[error("{id} was changed: expected version {expected}, found {found}")]
    Client {
        /// The client.
        id: ClientId,
        /// The version the caller read (0: the caller read no client).
        expected: u64,
        /// The version stored now (0: no such client).
        found: u64,
    },
    /// Someone else wrote the rep's ledger since it was read.
    #[error("ledger of {rep} was changed: expected version {expected}, found {found}")]
    Ledger {
        /// The rep.
        rep: RepId,
        /// The version the caller read.
        expected: u64,
        /// The version stored now.
        found: u64,
    },
    /// The team or policy changed since it was read (or was installed by another instance).
    #[error("the configuration was changed: expected version {expected}, found {found}")]
    Config {
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
}

impl StoreError {
    /// The store could not be reached: `source` says why.
    pub fn unavailable(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError::Unavailable {
            source: Arc::from(source.into()),
        }
    }

    /// The backend failed with `source`; `retryable` when the backend says trying again can
    /// succeed.
    pub fn backend(
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
        retryable: bool,
    ) -> Self {
        StoreError::Backend {
            source: Arc::from(source.into()),
            retryable,
        }
    }

    /// True when the write lost a race: reading again and deciding again can succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }

    /// True when the same operation can succeed if tried again: a conflict (after reading
    /// again), an unavailable store, or a backend error the backend calls retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Conflict(_) | StoreError::Unavailable { .. } => true,
            StoreError::Backend { retryable, .. } => *retryable,
        }
    }
}

impl From<Conflict> for StoreError {
    fn from(conflict: Conflict) -> Self {
        StoreError::Conflict(conflict)
    }
}

/// Equal when of the same kind with the same details; backend errors compare by their text.
impl PartialEq for StoreError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (StoreError::Conflict(a), StoreError::Conflict(b)) => a == b,
            (StoreError::Unavailable { source: a }, StoreError::Unavailable { source: b }) => {
                a.to_string() == b.to_string()
            }
            (
                StoreError::Backend {
                    source: a,
                    retryable: ra,
                },
                StoreError::Backend {
                    source: b,
                    retryable: rb,
                },
            ) => ra == rb && a.to_string() == b.to_string(),
            _ => false,
        }
    }
}
