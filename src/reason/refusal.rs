//! [`Refusal`]: why the pool's rules do not let a rep take a client now.

use crate::ids::PoolId;
use crate::ids::RepId;
use crate::model::ContactLevel;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Why a rep may not take a client now, by the admission rules of
/// [`crate::pool::admission`]: the same answer for a claim, an assignment, an allocator's
/// candidate list and a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "refusal", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// The rep is not on the team.
    NotOnTeam,
    /// The rep left (inactive) or is on leave until the given instant.
    Unavailable {
        /// Back at, when on leave.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<DateTime<Utc>>,
    },
    /// The client's pool is one the rep may not work.
    NotMember {
        /// The client's pool.
        pool: PoolId,
    },
    /// The client entered the public pool recently; nobody may claim it yet.
    Embargoed {
        /// Claimable from.
        until: DateTime<Utc>,
    },
    /// The client was released recently; the rep (or anyone, by policy) may not take it back
    /// yet (seed 001: 开放至公海后 K 天内不得捡回).
    Cooldown {
        /// Takeable again from.
        until: DateTime<Utc>,
    },
    /// Another rep's visit, sample or deal protects the client (seed 003: 撞单保护).
    Protected {
        /// The protecting rep.
        by: RepId,
        /// Their contact's level (none when they own the client without having logged one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        level: Option<ContactLevel>,
        /// Since when.
        since: DateTime<Utc>,
        /// Until when; `None` while a deal is in force (protected as long as it cooperates).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<DateTime<Utc>>,
    },
    /// The rep holds as many clients as the private-pool cap allows.
    CapReached {
        /// Clients counted against the cap now.
        holding: u32,
        /// The cap.
        cap: u32,
    },
    /// The rep already claimed the most clients allowed today.
    DailyLimit {
        /// Claims on the team day.
        claims: u32,
        /// The limit.
        limit: u32,
        /// The team day.
        day: NaiveDate,
    },
}
