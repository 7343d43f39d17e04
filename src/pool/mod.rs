//! The pool life cycle (seed 001): clients move between the public pool (公海) and reps'
//! private pools (私海) by commands, decided by one pure function and recorded as events.
//!
//! - [`decide`] holds every rule: `(state, command, now, policy) -> events | PoolError`.
//! - [`evolve`] applies an event; folding the log with [`PoolState::replay`] rebuilds the
//!   state exactly, so the log is the audit trail.
//! - Timers are data: each owned client carries its reminder and release instants in its
//!   custody and [`crate::model::Client::deadline`], so a sweep reads only what is due.
//! - [`Pool`] runs the same decide/evolve over any [`crate::store::ClientStore`], with
//!   optimistic versions and bounded retries.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use leadpool::allocate::Team;
//! use leadpool::ids::{ClientId, RepId};
//! use leadpool::model::{Client, Rep, Source};
//! use leadpool::pool::{Command, PoolPolicy, PoolState, decide, evolve};
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
//! let policy = PoolPolicy { remind_after_days: Some(7), release_after_reminder_days: 3, ..PoolPolicy::default() };
//! let mut state = PoolState::new(Team::new([Rep::new(RepId(1), "Li")]));
//! let client = Client::new(ClientId(1), "ACME", Source::Website, t0);
//! for (command, at) in [
//!     (Command::Import { client: Box::new(client) }, t0),
//!     (Command::Claim { client: ClientId(1), rep: RepId(1) }, t0),
//!     (Command::Sweep, t0 + Duration::days(10)),
//! ] {
//!     for event in decide(&state, &command, at, &policy).unwrap() {
//!         evolve(&mut state, &event);
//!     }
//! }
//! let released = state.client(ClientId(1)).unwrap();
//! assert!(released.is_public());
//! assert_eq!(released.custody.last_release.as_ref().unwrap().reason, "not followed up for 10 days");
//! ```

mod command;
mod decide;
mod error;
mod event;
mod facade;
mod keys;
mod policy;
pub mod report;
mod rule;
mod state;
mod view;

pub use crate::model::Timers;
pub use command::{Assigner, Command, Flag, TransferScope};
pub use decide::{decide, decide_owned};
pub use error::PoolError;
pub use event::{Event, Retimed, Route};
pub use facade::Pool;
pub use policy::{CooldownScope, PoolDef, PoolPolicy, RecycleKind, RecycleRule, TimerBasis};
pub use rule::assign_by_rule;
pub use state::{PoolState, evolve, evolve_owned};
pub use view::PoolView;

/// Decides `command` and, if accepted, applies its events to `state`; returns the events.
/// On refusal `state` is untouched.
pub fn execute(
    state: &mut PoolState,
    command: &Command,
    now: chrono::DateTime<chrono::Utc>,
    policy: &PoolPolicy,
) -> Result<Vec<Event>, PoolError> {
    let events = decide(state, command, now, policy)?;
    for event in &events {
        evolve(state, event);
    }
    Ok(events)
}
