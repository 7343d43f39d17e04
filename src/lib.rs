//! # leadpool
//!
//! The rules engine that decides **which salesperson gets which client**, and that runs the
//! **public pool / private pool** (公海 / 私海) life cycle of clients. Pure and storage-agnostic:
//! time comes through [`clock::Clock`], persistence through [`store::Store`], randomness
//! through a seeded [`rng::LeadRng`] the caller owns. The same inputs, seed and clock readings
//! give the same decisions on every platform.
//!
//! ## Modules
//!
//! - [`model`]: clients, reps, sources, regions, contacts, dedupe keys, metrics.
//! - [`clock`] and [`calendar`]: time as input; days, weeks and months in the team's zone.
//! - [`store`]: the store contract (`Store`, `AsyncStore` with feature `async`) and the
//!   in-memory default.
//! - [`txn`]: a command's reads, decision and writes as values (footprint, snapshot, plan),
//!   and the retry policy: the sans-IO transaction every facade and adapter drives.
//! - [`allocate`]: allocation strategies and their composition.
//! - [`pool`]: the public/private pool life cycle as a decider (commands, events, timers),
//!   with the actor who asks each command and the permission matrix that decides who may.
//! - [`conflict`]: the 撞单 check, may a rep contact a client now.
//! - [`rng`]: the portable seeded generator.
//! - `sim` (cargo feature `sim`, on by default): the fairness simulation harness, the outcome
//!   model and the counterfactual replay.
//! - [`fairness`]: Gini, Jain and the other measures of how evenly leads were spread.
//! - `conformance` (cargo feature `conformance`): the test suite a store adapter runs to prove
//!   it honours the [`store::Store`] contract.
//!
//! ## Example
//!
//! A team of two, the seed documents' allocation rules, and the pool's life cycle over the
//! embedded in-memory store, with time from a manual clock:
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use leadpool::allocate::{AllocState, Policy, Team};
//! use leadpool::i18n::{Lang, Render};
//! use leadpool::model::{Client, DedupeKeys, Rep, Source};
//! use leadpool::pool::{Actor, Config, Event, Pool, PoolError, PoolPolicy};
//! use leadpool::reason::Refusal;
//! use leadpool::{ClientId, Clock, ManualClock, MemoryStore, RepId, seeded};
//!
//! let (li, wang) = (RepId(1), RepId(2));
//! let team = Team::new([Rep::new(li, "Li Lei"), Rep::new(wang, "Wang Fang")]);
//! let policy = PoolPolicy {
//!     private_cap: Some(1),
//!     remind_after_days: Some(7),
//!     release_after_reminder_days: 3,
//!     cooldown_days: 5,
//!     zone: "+08:00".parse()?,
//!     ..PoolPolicy::default()
//! };
//! let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap());
//! let pool = Pool::bootstrap(MemoryStore::new(), Config::new(team.clone(), policy)?, clock.clone())?;
//!
//! // A business card Wang collected at a trade show: seed rule 1 gives it to Wang.
//! let keys = DedupeKeys::from_raw(Some("ACME Co., Ltd."), None, None, Some("86"));
//! let now = clock.now();
//! let card = Client::new(ClientId(1), "ACME", Source::TradeShow { received_by: wang }, now)
//!     .with_keys(keys);
//! pool.import(Actor::Rep(wang), card)?;
//! let router = Policy::seed_default().build(&team)?;
//! let (decision, _events) =
//!     pool.assign_by_rule(ClientId(1), router.as_ref(), &AllocState::new(), None, &mut seeded(7))?;
//! assert_eq!(decision.rep, Some(wang));
//! println!("why: {}", decision.explanation.render(Lang::ZhCn));
//!
//! // Li claims a website inquiry; a second claim passes his cap of 1 and is refused.
//! pool.import(Actor::System, Client::new(ClientId(2), "Globex", Source::Website, now))?;
//! pool.import(Actor::System, Client::new(ClientId(3), "Initech", Source::Website, now))?;
//! pool.claim(ClientId(2), li)?;
//! let refused = pool.claim(ClientId(3), li).unwrap_err();
//! assert!(matches!(refused, PoolError::Refused { reason: Refusal::CapReached { .. }, .. }));
//! assert_eq!(refused.render(Lang::ZhCn).to_string(), "client#3 不能交给 rep#1：超出私海上限：已有 1 个，上限 1 个");
//!
//! // Ten days without a follow-up: the sweep releases both, with a reason everyone sees.
//! clock.advance(Duration::days(10));
//! let swept = pool.sweep()?;
//! let released = swept.events.iter().filter(|e| matches!(e, Event::Released { .. })).count();
//! assert_eq!(released, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod allocate;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod conflict;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod error;
pub mod fairness;
pub(crate) mod hash;
pub mod i18n;
pub mod ids;
pub(crate) mod inline;
pub mod label;
pub mod model;
pub mod pool;
pub mod reason;
pub mod rng;
#[cfg(feature = "sim")]
pub mod sim;
pub mod store;
pub mod txn;

pub use calendar::TeamZone;
pub use clock::{Clock, ManualClock};
pub use config::ConfigError;
pub use error::{ModelError, StoreError};
pub use fairness::FairnessReport;
pub use ids::{ClientId, PoolId, RepId};
pub use pool::{Pool, PoolError, PoolPolicy, PoolState};
pub use rng::{LeadRng, seeded};
#[cfg(feature = "sim")]
pub use sim::{SimReport, Simulation};
pub use store::{MemoryStore, Store};

/// The README's code samples, compiled and run as doc tests so they cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
