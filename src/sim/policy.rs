//! A simulated team's whole policy as configuration: the allocation policy and the pool policy.

use crate::allocate::{Allocator, Policy, Team};
use crate::calendar::TeamZone;
use crate::config::ConfigError;
use crate::pool::{Config, PoolPolicy};
use serde::{Deserialize, Serialize};

/// What a simulation runs under, loadable from JSON (`simulate --policy FILE`).
///
/// ```
/// use leadpool::sim::SimPolicy;
/// let policy = SimPolicy::seed_default();
/// let json = serde_json::to_string(&policy).unwrap();
/// let back: SimPolicy = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, policy);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimPolicy {
    /// A label for reports.
    #[serde(default = "default_name")]
    pub name: String,
    /// Who gets each arriving lead.
    pub allocation: Policy,
    /// The pool's limits and timers; its zone is the team's zone.
    #[serde(default)]
    pub pool: PoolPolicy,
}

fn default_name() -> String {
    String::from("custom")
}

impl SimPolicy {
    /// The seed documents' rules: allocation by source (rules 1-5, [`Policy::seed_default`])
    /// and seed 001's pool life cycle with the numbers a small export team would pick: a cap
    /// of 150 clients, a reminder after 10 days without follow-up and release 5 days later
    /// (N + M = 15), a 7-day reclaim cooldown for the former owner, 5 claims a day, visits and
    /// samples protected for 14 days; the team's day in UTC+8.
    pub fn seed_default() -> Self {
        Self {
            name: String::from("seed default (rules 1-5, pool N=10 M=5 K=7)"),
            allocation: Policy::seed_default(),
            pool: Self::seed_pool(),
        }
    }

    /// The pool policy of [`SimPolicy::seed_default`].
    pub fn seed_pool() -> PoolPolicy {
        PoolPolicy {
            zone: TeamZone::east_hours(8).unwrap_or_default(),
            private_cap: Some(150),
            remind_after_days: Some(10),
            release_after_reminder_days: 5,
            cooldown_days: 7,
            daily_claim_limit: Some(5),
            protection_days: 14,
            ..PoolPolicy::default()
        }
    }

    /// The same pool policy with another allocation policy.
    pub fn with_allocation(name: impl Into<String>, allocation: Policy) -> Self {
        Self {
            name: name.into(),
            allocation,
            pool: Self::seed_pool(),
        }
    }

    /// Validates the allocation policy for `team` and builds the allocator.
    pub fn build(&self, team: &Team) -> Result<Box<dyn Allocator>, ConfigError> {
        self.allocation
            .build(team)
            .map_err(|e| e.under("allocation"))
    }

    /// The pool configuration for `team`: the pool policy checked against the team.
    pub fn config(&self, team: Team) -> Result<Config, ConfigError> {
        Config::new(team, self.pool.clone()).map_err(|e| e.under("pool"))
    }
}
