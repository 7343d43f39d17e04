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

mod behaviour;
mod driver;
mod policy;
mod render;
mod report;
mod stream;
mod tally;
mod team;

pub use behaviour::{Close, RepBehaviour, RepProfile, SeededBehaviour, Today};
pub use driver::{LOST_REASON, SimOutcome, Simulation};
pub use policy::SimPolicy;
pub use report::{PoolCounts, RepRow, SimReport, WeeklyFairness};
pub use stream::{Arrival, LeadStream, StreamConfig, default_regions, default_tags};
pub use team::{SyntheticTeam, TeamConfig};
