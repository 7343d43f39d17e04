//! PostgreSQL for [`leadpool`]: [`PgStore`], an [`AsyncStore`](leadpool::store::AsyncStore)
//! that keeps the pool's clients, rep ledgers, team and policy, and its event log in
//! PostgreSQL, so that any number of instances of an async service (axum, actix, …) share one
//! database and keep every invariant of the pool.
//!
//! - **Start-up.** [`PgStore::connect`] (or [`PgStore::new`] over your own
//!   [`deadpool_postgres::Pool`]), then [`PgStore::migrate`]: the shipped SQL migrations
//!   ([`MIGRATIONS`]) are applied once, under an advisory lock, however many instances start
//!   at once.
//! - **Use.** Wrap it in a [`leadpool::pool::AsyncPool`] and call the pool from your handlers:
//!   every operation is a `Send` future; no `spawn_blocking`.
//! - **Errors.** Every failure is a [`leadpool::StoreError`]: a lost race is a
//!   `Conflict` (the pool reads, decides and commits again), a serialization failure
//!   (`40001`) or deadlock (`40P01`) is a retryable `Backend` error (retried the same way), a
//!   dead server is `Unavailable`; [`PgError`] says what else went wrong (a corrupt row, a
//!   value out of range, a migration edited by hand).
//!
//! # Why tokio-postgres and deadpool
//!
//! tokio-postgres is the mature asynchronous PostgreSQL driver: it pipelines statements sent
//! concurrently on one connection (a [`load`](leadpool::store::AsyncStore::load) is one round
//! trip: `BEGIN`, the query and `COMMIT` go out together), speaks the binary protocol, and
//! keeps the SQLSTATE of every server error, which is what sorts retryable aborts from real
//! failures. deadpool-postgres is a small, maintained pool for it with a per-connection
//! statement cache. sqlx would have brought compile-time checked queries (a database or
//! an offline cache at build time), its own migration runner and a much larger dependency
//! tree, for SQL that is here a dozen fixed statements.
//!
//! # In a web service
//!
//! ```no_run
//! use std::sync::Arc;
//! use leadpool::clock::Clock;
//! use leadpool::ids::{ClientId, RepId};
//! use leadpool::pool::{AsyncPool, PoolError};
//! use leadpool_postgres::PgStore;
//!
//! /// The service's clock: the system's.
//! struct SystemClock;
//! impl Clock for SystemClock {
//!     fn now(&self) -> chrono::DateTime<chrono::Utc> {
//!         chrono::Utc::now()
//!     }
//! }
//!
//! type Leads = Arc<AsyncPool<PgStore, SystemClock>>;
//!
//! /// `POST /clients/{id}/claim` (with axum: `State(leads): State<Leads>`,
//! /// `Path((client, rep))`): a plain async handler, no `spawn_blocking`.
//! async fn claim(leads: Leads, client: u64, rep: u64) -> Result<String, String> {
//!     match leads.claim(ClientId(client), RepId(rep)).await {
//!         Ok(events) => Ok(format!("claimed: {} event(s) published", events.len())),
//!         // A refusal is an answer for the rep (the cap, a cooldown, 撞单 protection…).
//!         Err(PoolError::Store(error)) => Err(format!("503: {error}")),
//!         Err(refusal) => Err(format!("409: {refusal}")),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let store = PgStore::connect(&std::env::var("DATABASE_URL")?)?;
//!     store.migrate().await?; // every instance, at start-up
//!     let leads: Leads = Arc::new(
//!         AsyncPool::new(store, SystemClock)
//!             .with_sleep(|delay| Box::pin(tokio::time::sleep(delay))),
//!     );
//!     // let app = axum::Router::new()
//!     //     .route("/clients/{client}/claim/{rep}", post(...claim...))
//!     //     .with_state(leads);
//!     println!("{:?}", claim(leads, 42, 7).await);
//!     Ok(())
//! }
//! ```
//!
//! # Schema
//!
//! See `migrations/0001_initial.sql` and the crate's README ("Bring your own database"):
//! documents are the serde JSON of leadpool's types in `jsonb` columns, beside the indexed
//! columns the queries need (owner, pool, deadline in BIGINT nanoseconds); dedupe keys in
//! their own table with a unique index; the log in an append-only table numbered by a
//! counter row, so positions are consecutive, in commit order.
#![warn(missing_docs)]

mod codec;
mod error;
mod migrate;
mod store;
mod tenant;

pub use deadpool_postgres;
pub use error::{PgError, store_error};
pub use migrate::{MIGRATIONS, Migrated, Migration, migrate};
pub use store::{DEFAULT_POOL_SIZE, DEFAULT_SWEEP_LEASE, PgStore};
pub use tenant::TenantId;
pub use tokio_postgres;
