//! The naive sweep: what a pool without a deadline index does, reading every client and
//! testing its timers.

use chrono::{DateTime, Utc};
use leadpool::model::ReleaseReason;
use leadpool::pool::Actor;
use leadpool::pool::{Event, PoolPolicy, PoolState};

/// The reminders and releases due at `now`, found by a full scan.
#[inline(never)]
pub fn naive_sweep(state: &PoolState, now: DateTime<Utc>, policy: &PoolPolicy) -> Vec<Event> {
    let mut events = Vec::new();
    for client in state.clients() {
        let (Some(owner), Some(deadline)) = (client.owner(), client.deadline()) else {
            continue;
        };
        if deadline > now {
            continue;
        }
        let timers = client.custody().timers();
        let Some(release) = timers.release else {
            continue;
        };
        if release.at <= now {
            events.push(Event::Released {
                client: client.id(),
                from: owner,
                at: now,
                reason: ReleaseReason::Policy {
                    cause: release.cause,
                },
                to_pool: policy.default_pool,
                actor: Actor::System,
            });
        } else if timers.remind_at.is_some() {
            events.push(Event::Reminded {
                client: client.id(),
                rep: owner,
                at: now,
                release_at: release.at,
                cause: release.cause,
                actor: Actor::System,
            });
        }
    }
    events
}
