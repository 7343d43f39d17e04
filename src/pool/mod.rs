//! The pool life cycle (seed 001): clients move between the public pool (公海) and reps'
//! private pools (私海) by commands, decided by one pure function and recorded as events.
//!
//! - [`decide`] holds every rule: `(state, actor, command, now) -> events | PoolError`, under the team
//!   and policy the state holds ([`Config`]). Which rules apply to which route is
//!   [`admission`]'s one table.
//! - [`evolve`] only applies an event: every instant, day, count and timer is in it, so
//!   folding the log with [`PoolState::replay`] rebuilds the state exactly, policy and team
//!   changes included. The log is the audit trail.
//! - Timers are data: each owned client carries its reminder and release in its custody, so a
//!   sweep reads only what is due.
//! - [`Pool`] (and [`AsyncPool`], feature `async`) runs the same decide/evolve over any
//!   [`crate::store::Store`], one batched read and one atomic commit per command
//!   ([`crate::txn`]), with bounded retries.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use leadpool::allocate::Team;
//! use leadpool::ids::{ClientId, RepId};
//! use leadpool::model::{Client, RecycleKind, ReleaseReason, Rep, Source};
//! use leadpool::pool::{Actor, Command, Config, PoolPolicy, PoolState, execute};
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
//! let policy = PoolPolicy { remind_after_days: Some(7), release_after_reminder_days: 3, ..PoolPolicy::default() };
//! let config = Config::new(Team::new([Rep::new(RepId(1), "Li")]), policy)?;
//! let mut state = PoolState::new(config);
//! let client = Client::new(ClientId(1), "ACME", Source::Website, t0);
//! execute(&mut state, Actor::System, Command::Import { client: Box::new(client) }, t0)?;
//! execute(&mut state, Actor::Rep(RepId(1)), Command::Claim { client: ClientId(1), rep: RepId(1) }, t0)?;
//! execute(&mut state, Actor::System, Command::Sweep, t0 + Duration::days(10))?;
//! let released = state.client(ClientId(1)).unwrap();
//! assert!(released.is_public());
//! let reason = &released.custody().last_release().unwrap().reason;
//! assert!(matches!(reason, ReleaseReason::Policy { cause } if cause.rule == RecycleKind::NoFollowUp && cause.days == 10));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod actor;
pub mod admission;
mod authority;
mod command;
mod config;
mod decide;
mod error;
mod event;
mod facade;
mod keys;
mod policy;
pub mod report;
mod rule;
mod state;
#[cfg(test)]
pub(crate) mod test_commands;
mod timers;
mod view;

pub use actor::{Actor, ActorKind};
pub use admission::{Action, Forbidden, Grant, Need, Route};
pub use authority::{Department, PoolDef};
pub use command::{Assigner, Command, Flag, TransferScope};
pub use config::Config;
// The simulation driver's way in (decided events, the typed entries of every lead).
#[cfg(feature = "sim")]
pub(crate) use decide::accept_import;
#[cfg(feature = "sim")]
pub(crate) use decide::{
    Decided, decided, decided_assign, decided_follow_up, decided_import, screened_import,
};
pub use decide::{decide, decide_into};
pub use error::PoolError;
pub use event::{Event, Retimed, Via};
#[cfg(feature = "async")]
pub use facade::AsyncPool;
pub use facade::{Pool, SweepReport};
pub use policy::{CooldownScope, PoolPolicy, RecycleRule};
pub use state::{PoolState, evolve, evolve_owned, evolve_reclaim};
pub use view::PoolView;

/// Decides `command` asked by `actor` and, if accepted, applies its events to `state`;
/// returns the events. On refusal `state` is untouched.
pub fn execute(
    state: &mut PoolState,
    actor: Actor,
    command: Command,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Event>, PoolError> {
    let events = decide(state, actor, command, now)?;
    for event in &events {
        evolve(state, event);
    }
    Ok(events)
}
