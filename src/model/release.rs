//! Why a client leaves a private pool, and the timers that release it: typed reasons a CRM
//! matches on, stores and renders in its team's language.

use crate::ids::RepId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a recycle rule waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecycleKind {
    /// No follow-up, counted from the later of the last follow-up and the claim.
    NoFollowUp,
    /// No open opportunity since the claim.
    NoOpportunity,
    /// No deal since the claim.
    NoDeal,
}

/// The rule that will release (or released) a client automatically, and after how many days:
/// seed 001's "【N+M天到期客户】" as data, e.g. no follow-up for 15 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecycleCause {
    /// What the rule waits for.
    pub rule: RecycleKind,
    /// The days the rule allows.
    pub days: u32,
}

/// Why a client returned to the public pool, as shown to everyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReleaseReason {
    /// Released by a sweep under a recycle rule.
    Policy {
        /// The rule and its days.
        #[serde(flatten)]
        cause: RecycleCause,
    },
    /// Given back by its owner, in the owner's own words.
    Owner {
        /// What the owner wrote (never empty).
        note: String,
    },
}

impl ReleaseReason {
    /// True when a sweep released the client rather than its owner.
    pub fn is_automatic(&self) -> bool {
        matches!(self, ReleaseReason::Policy { .. })
    }
}

/// The latest release of a client: kept for the reclaim cooldown and the public reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The owner it was released from.
    pub from: RepId,
    /// When it was released; the reclaim cooldown counts from here.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: ReleaseReason,
}

/// An automatic release scheduled by a recycle rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledRelease {
    /// When the client returns to the public pool unless followed up.
    pub at: DateTime<Utc>,
    /// The rule it will be released under.
    #[serde(flatten)]
    pub cause: RecycleCause,
}

/// The pending timers of one owned client: the owner's reminder and the automatic release,
/// computed by the pool policy and kept in its custody.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timers {
    /// When the owner's reminder falls due (if not yet sent); always before the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_at: Option<DateTime<Utc>>,
    /// The automatic release, if a rule applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<ScheduledRelease>,
}

impl Timers {
    /// When the client will be released unless followed up.
    pub fn release_at(&self) -> Option<DateTime<Utc>> {
        self.release.map(|r| r.at)
    }

    /// The earliest pending instant (reminder or release): the client's deadline.
    #[inline(always)]
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        match (self.remind_at, self.release_at()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}
