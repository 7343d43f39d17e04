//! [`ExclusionReason`]: why an allocation strategy left a rep out of a decision.

use super::Refusal;
use crate::label::Label;
use serde::{Deserialize, Serialize};

/// The period of an intake quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuotaPeriod {
    /// The team day.
    Day,
    /// The ISO week (Monday start, team zone).
    Week,
    /// The 30 days (720 hours) before the decision.
    Rolling30Days,
}

/// Why a rep was not chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExclusionReason {
    /// The pool's admission rules refuse the client to the rep (availability, membership,
    /// embargo, cooldown, protection, cap, daily limit).
    Refused(Refusal),
    /// Over an intake quota for a period.
    OverQuota {
        /// The quota's period.
        period: QuotaPeriod,
        /// Received in the period.
        received: u32,
        /// The quota.
        limit: u32,
    },
    /// The rep's open load fills its capacity (load balancing).
    AtCapacity {
        /// Open clients held.
        load: u32,
        /// The capacity.
        capacity: u32,
    },
    /// A rule of the CRM's own (an [`Eligibility`](crate::allocate::Eligibility) closure),
    /// named by the CRM.
    Custom {
        /// The rule's name, as the CRM gave it.
        rule: Label,
    },
}

impl From<Refusal> for ExclusionReason {
    fn from(refusal: Refusal) -> Self {
        ExclusionReason::Refused(refusal)
    }
}
