//! A deterministic simulation harness for allocation fairness.
//!
//! A simulation takes a team, a policy, a [`LeadStream`] (synthetic from a seed, or a replay of
//! real data), a start instant and a duration, and plays the pool day by day under a manual
//! clock: leads arrive and are allocated, reps follow up (or fail to) by a [`RepBehaviour`],
//! sweeps release what expires, reps claim from the public pool. It reports per rep and per
//! week how fair the outcome was ([`SimReport`]). The same inputs and seed give the same
//! report, byte for byte.
//!
//! The parts are separate so a harness user can swap any of them: [`SyntheticTeam`] draws a
//! team, [`LeadStream::synthetic`] draws arrivals, [`SeededBehaviour`] is the default rep model
//! behind the [`RepBehaviour`] trait.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use leadpool::sim::{
//!     LeadStream, SeededBehaviour, SimPolicy, Simulation, StreamConfig, SyntheticTeam, TeamConfig,
//! };
//!
//! let policy = SimPolicy::seed_default(); // or serde_json::from_str(...)
//! let team = SyntheticTeam::generate(&TeamConfig::default(), 42);
//! let start = Utc.with_ymd_and_hms(2026, 11, 22, 16, 0, 0).unwrap(); // Monday 00:00 UTC+8
//! let config = StreamConfig { zone: policy.pool.zone, ..StreamConfig::default() };
//! let stream = LeadStream::synthetic(&config, &team.team, start, 14, 42);
//! let allocator = policy.build(&team.team).unwrap(); // any `impl Allocator` works
//! let behaviour = SeededBehaviour::new(42, team.profiles.clone()); // any `impl RepBehaviour`
//! let pool = policy.config(team.team).unwrap(); // the team and pool policy, checked together
//! let outcome = Simulation::new(pool, &allocator, &stream, start, 14)
//!     .with_seed(42)
//!     .with_behaviour(&behaviour)
//!     .run();
//! let text = outcome.report.to_string(); // or serde_json::to_string(&outcome.report)
//! assert!(text.contains("Fairness, overall"));
//! assert_eq!(outcome.report.weekly.len(), 2);
//! ```

mod behaviour;
mod book;
mod counterfactual;
mod driver;
mod open;
mod policy;
mod render;
mod report;
mod stream;
mod summary;
mod tally;
mod team;

pub use behaviour::{Close, RepBehaviour, RepProfile, SeededBehaviour, Today};
pub use counterfactual::{
    Assumptions, Counterfactual, Fixed, Lead, Learner, OutcomeModel, RunResult,
};
pub use driver::{SimOutcome, Simulation};
pub use policy::SimPolicy;
pub use report::{PoolCounts, RepRow, SimReport, WeeklyFairness};
pub use stream::{Arrival, LeadStream, StreamConfig};
pub use summary::{Figures, Interval, Summary};
pub use team::{SyntheticTeam, TeamConfig};
