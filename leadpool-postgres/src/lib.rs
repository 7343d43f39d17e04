//! PostgreSQL for [`leadpool`]: [`PgStore`], an [`AsyncStore`](leadpool::store::AsyncStore)
//! that keeps the pool's clients, rep ledgers, team and policy, and its event log in
//! PostgreSQL, so that any number of instances of an async service (axum, actix, …) share one
//! database and keep every invariant of the pool, for any number of tenants (companies) in
//! the same tables.
//!
//! - **Start-up.** [`PgStore::connect`] (or [`PgStore::new`] over your own
//!   [`deadpool_postgres::Pool`]) with a [`TenantId`], then [`PgStore::migrate`]: the shipped
//!   SQL migrations ([`MIGRATIONS`]) are applied once per database, under an advisory lock,
//!   however many instances start at once.
//! - **Tenants.** A store reads and writes the rows of its tenant only.
//!   [`PgStore::for_tenant`] gives the store of another tenant over the same connection pool
//!   (a clone: no connection, no query): one per request, with the tenant the request was
//!   authenticated for. A single-company deployment uses [`TenantId::DEFAULT`] throughout.
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
//! use leadpool::clock::Clock;
//! use leadpool::ids::{ClientId, RepId};
//! use leadpool::pool::{AsyncPool, PoolError};
//! use leadpool_postgres::{PgStore, TenantId};
//!
//! /// The service's clock: the system's.
//! #[derive(Clone, Copy)]
//! struct SystemClock;
//! impl Clock for SystemClock {
//!     fn now(&self) -> chrono::DateTime<chrono::Utc> {
//!         chrono::Utc::now()
//!     }
//! }
//!
//! /// The pool of the request's tenant: a clone of the store bound to it, and a pool over
//! /// that (no connection is taken until the pool reads or commits).
//! fn leads(store: &PgStore, tenant: TenantId) -> AsyncPool<PgStore, SystemClock> {
//!     AsyncPool::new(store.for_tenant(tenant), SystemClock)
//!         .with_sleep(|delay| Box::pin(tokio::time::sleep(delay)))
//! }
//!
//! /// `POST /clients/{id}/claim/{rep}` (with axum: `State(store): State<PgStore>`, the
//! /// tenant from the authenticated session, `Path((client, rep))`): a plain async handler,
//! /// no `spawn_blocking`. Take the tenant from what authenticated the request (a session, a
//! /// token's claim, a header your gateway sets), never from what the caller may choose.
//! async fn claim(store: &PgStore, tenant: TenantId, client: u64, rep: u64) -> Result<String, String> {
//!     match leads(store, tenant).claim(ClientId(client), RepId(rep)).await {
//!         Ok(events) => Ok(format!("{tenant}: claimed, {} event(s) published", events.len())),
//!         // A refusal is an answer for the rep (the cap, a cooldown, 撞单 protection…).
//!         Err(PoolError::Store(error)) => Err(format!("503: {error}")),
//!         Err(refusal) => Err(format!("409: {refusal}")),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // One store (one connection pool) for every tenant; the tenant it is built with is
//!     // only the default for calls that do not go through `for_tenant`.
//!     let store = PgStore::connect(&std::env::var("DATABASE_URL")?, TenantId::DEFAULT)?;
//!     store.migrate().await?; // every instance, at start-up; once per database
//!     // let app = axum::Router::new()
//!     //     .route("/clients/{client}/claim/{rep}", post(...claim...))
//!     //     .with_state(store);
//!     let tenant: TenantId = "42".parse()?; // e.g. the `X-Tenant` header a gateway set
//!     println!("{:?}", claim(&store, tenant, 42, 7).await);
//!     Ok(())
//! }
//! ```
//!
//! # Tenants: a column, not a schema per tenant
//!
//! Every table has a `tenant bigint NOT NULL` column, first in every primary key, unique
//! index and index, and every statement the store sends compares it to the store's
//! [`TenantId`]. Client ids, rep ids, dedupe keys (one company is one client *per tenant*)
//! and event positions (from 1, gap-free, per tenant) are per tenant; each tenant has its own
//! configuration row, which its commits lock `FOR SHARE`, and its own log counter, so the
//! commits of two tenants never wait for one another's rows. A tenant's two rows are created
//! by its first commit (or [`PgStore::create_tenant`]); a tenant that never committed reads
//! as an empty store with nothing installed.
//!
//! One schema per tenant was the alternative, and was not chosen:
//!
//! - **Migrations.** With thousands of tenants, every migration runs thousands of times
//!   (O(tenants) DDL, each a lock and a transaction), and a deployment is half migrated while
//!   it runs. With a column there is one set of tables: [`migrate`] runs once per database.
//! - **Catalogue and caches.** Every schema repeats every table, index, trigger and function
//!   in the system catalogue, and every pooled connection would prepare each statement once
//!   per schema it served (deadpool-postgres caches prepared statements by SQL text per
//!   connection): thousands of tenants times a dozen statements times every connection.
//!   With a column, a connection prepares each statement once and serves every tenant.
//! - **Pools and `search_path`.** With a schema per tenant, the tenant is session state of a
//!   pooled connection (its `search_path`), to be set at every checkout: a request that
//!   skips it, or a connection handed on before it is reset, reads and writes another
//!   tenant's tables without any error, and a transaction-mode pooler (PgBouncer) does not
//!   keep a session's `SET` at all. And PostgreSQL re-parses a prepared statement whenever
//!   `search_path` changed since its last use, so on connections that serve tenants in turn
//!   the statement cache saves nothing (or a pool per tenant is needed). The tenant as a
//!   bound parameter of every statement has no such state.
//! - **Row-level security.** A tenant column is what PostgreSQL's row-level security
//!   policies filter on, so an operator can layer them on (see the README's "Tenants" for an
//!   example policy): optional hardening, for instance for reporting roles that read the
//!   tables directly. The store itself does not depend on it.
//!
//! # Schema
//!
//! See `migrations/0001_initial.sql`, `migrations/0002_tenants.sql` and the crate's README
//! ("Bring your own database"): documents are the serde JSON of leadpool's types in `jsonb`
//! columns, beside the indexed columns the queries need (tenant, owner, pool, deadline in
//! BIGINT nanoseconds); dedupe keys in their own table with a unique index per tenant; the
//! log in an append-only table numbered by a counter row per tenant, so positions are
//! consecutive, in commit order.
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
