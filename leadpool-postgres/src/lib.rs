//! PostgreSQL for leadpool.
#![warn(missing_docs)]

mod codec;
mod error;
mod migrate;
mod store;

pub use deadpool_postgres;
pub use error::{PgError, store_error};
pub use migrate::{MIGRATIONS, Migrated, Migration, migrate};
pub use store::{DEFAULT_POOL_SIZE, DEFAULT_SWEEP_LEASE, PgStore};
pub use tokio_postgres;
