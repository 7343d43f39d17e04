//! Typed errors, and how PostgreSQL's are sorted into [`StoreError`]'s three kinds.

use leadpool::StoreError;
use tokio_postgres::error::SqlState;

/// What the adapter reports besides the store contract's [`StoreError`]: setting up the
/// connection pool, migrating, and rows that cannot be decoded. Inside a [`StoreError`] it is
/// the `source` of a [`StoreError::Backend`] (downcast it to read it back).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PgError {
    /// The connection string or pool settings were refused.
    #[error("invalid PostgreSQL configuration: {0}")]
    Config(String),
    /// PostgreSQL (or the connection to it) failed.
    #[error(transparent)]
    Postgres(#[from] tokio_postgres::Error),
    /// No connection could be had from the pool.
    #[error("no PostgreSQL connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The database records a migration this build ships with different SQL: the schema was
    /// changed by hand or by another build of the adapter.
    #[error(
        "migration {version} ({name}) was applied with checksum {applied}, this build ships {shipped}"
    )]
    MigrationChanged {
        /// The migration's number.
        version: i32,
        /// Its file name.
        name: &'static str,
        /// The checksum recorded in `leadpool_migrations`.
        applied: String,
        /// The checksum of the SQL this build ships.
        shipped: String,
    },
    /// A stored row could not be decoded: its JSON document does not match the model, or an
    /// indexed column is out of range. Nothing was written.
    #[error("corrupt {table} row {key}: {reason}")]
    CorruptRow {
        /// The table.
        table: &'static str,
        /// The row's key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A value cannot be stored: an id above `i64::MAX`, or an instant outside the range of
    /// 64-bit nanoseconds since 1970 (years 1677 to 2262).
    #[error("{what} cannot be stored: {value}")]
    OutOfRange {
        /// What it is.
        what: &'static str,
        /// The value.
        value: String,
    },
    /// The unique index said a dedupe key was taken, but no other client carries it any more
    /// (a concurrent update moved it): the commit can be tried again.
    #[error("dedupe key {0} changed hands during the commit")]
    KeyMoved(String),
}

impl PgError {
    /// Whether the same operation can succeed if tried again.
    pub fn is_retryable(&self) -> bool {
        match self {
            PgError::Postgres(e) => classify(e) != Kind::Permanent,
            PgError::Pool(_) | PgError::KeyMoved(_) => true,
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The server cannot be reached or went away.
    Unavailable,
    /// The server says trying again can succeed: serialization failure, deadlock, lock or
    /// statement timeout.
    Retryable,
    /// Anything else.
    Permanent,
}

fn classify(error: &tokio_postgres::Error) -> Kind {
    if let Some(code) = error.code() {
        return classify_code(code);
    }
    if error.is_closed() {
        return Kind::Unavailable;
    }
    // No SQLSTATE: an I/O error on the socket (unavailable), or a client-side error such as a
    // value that does not convert (permanent).
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        if inner.is::<std::io::Error>() {
            return Kind::Unavailable;
        }
        source = inner.source();
    }
    Kind::Permanent
}

fn classify_code(code: &SqlState) -> Kind {
    let c = code.code();
    if *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
        || *code == SqlState::LOCK_NOT_AVAILABLE
        || *code == SqlState::QUERY_CANCELED
        || c.starts_with("40")
    {
        Kind::Retryable
    } else if c.starts_with("08")
        || *code == SqlState::ADMIN_SHUTDOWN
        || *code == SqlState::CRASH_SHUTDOWN
        || *code == SqlState::CANNOT_CONNECT_NOW
        || *code == SqlState::TOO_MANY_CONNECTIONS
    {
        Kind::Unavailable
    } else {
        Kind::Permanent
    }
}

/// A driver error as the store contract's error:
///
/// - SQLSTATE `40001` (serialization failure), `40P01` (deadlock) and the rest of class 40,
///   `55P03` (lock not available) and `57014` (statement timeout) are
///   [`StoreError::Backend`] with `retryable: true`. Not a [`Conflict`](leadpool::error::Conflict):
///   a conflict names the row and the versions that lost the race, and PostgreSQL's abort
///   names neither; what the caller does is the same (read again, decide again), since the
///   pool's retry loop retries every retryable error.
/// - A closed connection, an I/O error, connection-class SQLSTATEs (`08…`), `57P01`-`57P03`
///   (shutdown, starting up) and `53300` (too many connections) are
///   [`StoreError::Unavailable`].
/// - Anything else is [`StoreError::Backend`] with `retryable: false`.
pub fn store_error(error: tokio_postgres::Error) -> StoreError {
    match classify(&error) {
        Kind::Unavailable => StoreError::unavailable(error),
        Kind::Retryable => StoreError::backend(error, true),
        Kind::Permanent => StoreError::backend(error, false),
    }
}

/// A pool error as the store contract's error: a timeout or a closed pool is
/// [`StoreError::Unavailable`]; a failed connect is sorted like any driver error.
pub(crate) fn pool_error(error: deadpool_postgres::PoolError) -> StoreError {
    match error {
        deadpool_postgres::PoolError::Backend(e) => match classify(&e) {
            Kind::Permanent if e.code().is_none() => StoreError::unavailable(e),
            _ => store_error(e),
        },
        other => StoreError::unavailable(other),
    }
}

impl From<PgError> for StoreError {
    fn from(error: PgError) -> Self {
        match error {
            PgError::Postgres(e) => store_error(e),
            PgError::Pool(e) => pool_error(e),
            other => {
                let retryable = other.is_retryable();
                StoreError::backend(other, retryable)
            }
        }
    }
}

pub(crate) fn corrupt(
    table: &'static str,
    key: impl ToString,
    reason: impl ToString,
) -> StoreError {
    PgError::CorruptRow {
        table,
        key: key.to_string(),
        reason: reason.to_string(),
    }
    .into()
}

pub(crate) fn out_of_range(what: &'static str, value: impl ToString) -> StoreError {
    PgError::OutOfRange {
        what,
        value: value.to_string(),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_sort_into_the_three_kinds() {
        assert_eq!(
            classify_code(&SqlState::T_R_SERIALIZATION_FAILURE),
            Kind::Retryable
        );
        assert_eq!(
            classify_code(&SqlState::T_R_DEADLOCK_DETECTED),
            Kind::Retryable
        );
        assert_eq!(classify_code(&SqlState::QUERY_CANCELED), Kind::Retryable);
        assert_eq!(
            classify_code(&SqlState::CONNECTION_FAILURE),
            Kind::Unavailable
        );
        assert_eq!(classify_code(&SqlState::ADMIN_SHUTDOWN), Kind::Unavailable);
        assert_eq!(
            classify_code(&SqlState::TOO_MANY_CONNECTIONS),
            Kind::Unavailable
        );
        assert_eq!(classify_code(&SqlState::UNIQUE_VIOLATION), Kind::Permanent);
        assert_eq!(classify_code(&SqlState::UNDEFINED_TABLE), Kind::Permanent);
    }

    #[test]
    fn adapter_errors_say_whether_to_retry() {
        let moved: StoreError = PgError::KeyMoved("company acme".into()).into();
        assert!(moved.is_retryable());
        let corrupt = corrupt("leadpool_clients", 7, "bad json");
        assert!(!corrupt.is_retryable());
        assert!(corrupt.to_string().contains("leadpool_clients row 7"));
    }
}
