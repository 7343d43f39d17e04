//! Transactions at the storage boundary, sans-IO: a command's reads, its decision and its
//! writes as plain values, so any caller (the sync [`Pool`](crate::pool::Pool), the async
//! [`AsyncPool`](crate::pool::AsyncPool), or a CRM's own transaction code) drives the same
//! steps:
//!
//! 1. [`Footprint::of`] the command: the clients, dedupe keys and rep ledgers it reads.
//! 2. The store reads them in one batch: a [`Snapshot`], every row with its version and the
//!    configuration (team and policy) with its version.
//! 3. [`Plan::decide`], pure: the rows to write with the versions read, the dedupe keys the
//!    inserted clients claim, the events to append, the configuration version decided under.
//!    A refused command is a typed [`PoolError`](crate::pool::PoolError) and writes nothing.
//! 4. The store commits the plan atomically. On a [`Conflict`](crate::error::Conflict)
//!    (someone wrote first) the caller goes back to step 2; [`Retry`] bounds the attempts and
//!    jitters the waits from a seeded generator.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use leadpool::allocate::Team;
//! use leadpool::ids::{ClientId, RepId};
//! use leadpool::model::{Client, DedupeKeys, Rep, Source};
//! use leadpool::pool::{Actor, Command, Config, PoolPolicy};
//! use leadpool::store::{MemoryStore, Store};
//! use leadpool::txn::{Footprint, Plan};
//!
//! let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
//! let store = MemoryStore::new();
//! let config = Config::new(Team::new([Rep::new(RepId(1), "Li")]), PoolPolicy::default())?;
//! store.commit(&Plan::install(&store.load(&Footprint::config())?, config, now)?)?;
//!
//! let acme = Client::new(ClientId(1), "ACME", Source::Website, now)
//!     .with_keys(DedupeKeys::from_raw(Some("ACME Co., Ltd."), None, None, None));
//! let import = Command::Import { client: Box::new(acme) };
//! let snapshot = store.load(&Footprint::of(&import))?;
//! let plan = Plan::decide(&snapshot, Actor::System, import, now)?;
//! assert_eq!(plan.claimed_keys().count(), 1); // the company name
//! store.commit(&plan)?;
//!
//! let claim = Command::Claim { client: ClientId(1), rep: RepId(1) };
//! let snapshot = store.load(&Footprint::of(&claim))?;
//! let plan = Plan::decide(&snapshot, Actor::Rep(RepId(1)), claim, now)?;
//! store.commit(&plan)?;
//! // Committing the same plan again is stale: the client moved on to version 2.
//! assert!(store.commit(&plan).unwrap_err().is_conflict());
//! assert_eq!(store.events(0, 10)?.len(), 4); // team, policy, import, claim
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod footprint;
mod plan;
mod retry;
mod snapshot;

pub use footprint::Footprint;
pub use plan::Plan;
pub use retry::Retry;
pub use snapshot::Snapshot;
