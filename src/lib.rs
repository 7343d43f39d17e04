//! # leadpool
//!
//! The rules engine that decides **which salesperson gets which client**, and that runs the
//! **public pool / private pool** (公海 / 私海) life cycle of clients. Pure and storage-agnostic:
//! time comes through [`clock::Clock`], persistence through [`store::ClientStore`], randomness
//! through a seeded [`rng::LeadRng`] the caller owns. The same inputs, seed and clock readings
//! give the same decisions on every platform.
//!
//! ## Modules
//!
//! - [`model`]: clients, reps, sources, regions, contacts, dedupe keys, metrics.
//! - [`clock`] and [`calendar`]: time as input; days, weeks and months in the team's zone.
//! - [`store`]: the client-store trait and the in-memory default.
//! - [`allocate`]: allocation strategies and their composition.
//! - [`pool`]: the public/private pool life cycle as a decider (commands, events, timers).
//! - [`conflict`]: the 撞单 check, may a rep contact a client now.
//! - [`rng`]: the portable seeded generator.
//! - [`sim`]: the fairness simulation harness.
//! - [`fairness`]: Gini, Jain and the other measures of how evenly leads were spread.
//!
//! ## Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use leadpool::model::{Client, DedupeKeys, Source};
//! use leadpool::store::{ClientStore, MemoryStore};
//! use leadpool::ids::ClientId;
//!
//! let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
//! let store = MemoryStore::new();
//! let keys = DedupeKeys::from_raw(Some("ACME Co., Ltd."), Some("+86 138 0013 8000"), None, Some("86"));
//! store.insert(Client::new(ClientId(1), "ACME", Source::Website, now).with_keys(keys)).unwrap();
//!
//! // A card collected later, typed differently, finds the same company.
//! let card = DedupeKeys::from_raw(Some("acme"), Some("13800138000"), None, Some("86"));
//! let matches: Vec<_> = card.iter().flat_map(|k| store.find_by_key(&k).unwrap()).collect();
//! assert_eq!(matches, vec![ClientId(1), ClientId(1)]);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod allocate;
pub mod calendar;
pub mod clock;
pub mod conflict;
pub mod error;
pub mod fairness;
pub mod ids;
pub mod model;
pub mod pool;
pub mod rng;
pub mod sim;
pub mod store;

pub use calendar::TeamZone;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ModelError, StoreError};
pub use fairness::FairnessReport;
pub use ids::{ClientId, PoolId, RepId, TeamId};
pub use pool::{Pool, PoolError, PoolPolicy, PoolState};
pub use rng::{LeadRng, seeded};
pub use sim::{SimReport, Simulation};
pub use store::{ClientStore, MemoryStore};
