//! [`Config`]: a team and its pool policy, validated against each other.

use super::authority::Org;
use super::policy::PoolPolicy;
use super::timers::{TimerBasis, TimerPlan};
use crate::allocate::Team;
use crate::config::{ConfigError, ConfigRule};
use crate::ids::{PoolId, RepId};
use crate::model::Timers;
use serde::{Deserialize, Deserializer, Serialize};

/// A team and its pool policy, checked against each other: the policy is valid on its own
/// ([`PoolPolicy::validate`]) and every rep it names (pool members, cap overrides) is on the
/// team. The pool state holds one; it changes only by the pool's `ChangePolicy` and
/// `ChangeTeam` commands, which check the new one the same way. Who belongs to and who
/// manages whom is resolved once here, not per command, and so is what the timers read of
/// the policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    team: Team,
    policy: PoolPolicy,
    /// Derived from `policy` (so equal whenever the policies are).
    #[serde(skip)]
    org: Org,
    /// Derived from `policy` (so equal whenever the policies are).
    #[serde(skip)]
    timers: TimerPlan,
}

impl Default for Config {
    /// No reps, the default policy.
    fn default() -> Self {
        let policy = PoolPolicy::default();
        Self {
            team: Team::default(),
            timers: TimerPlan::of(&policy),
            policy,
            org: Org::default(),
        }
    }
}

impl Config {
    /// Checks `policy` against `team`.
    pub fn new(team: Team, policy: PoolPolicy) -> Result<Self, ConfigError> {
        policy.validate()?;
        for (pool, def) in &policy.pools {
            if let Some(rep) = def.members.iter().find(|r| team.get(**r).is_none()) {
                return Err(ConfigError::new(
                    format!("pools.{}.members", pool.0),
                    ConfigRule::UnknownRep { rep: *rep },
                ));
            }
        }
        for (dept, def) in &policy.departments {
            if let Some(rep) = def.reps.iter().find(|r| team.get(**r).is_none()) {
                return Err(ConfigError::new(
                    format!("departments.{}.reps", dept.0),
                    ConfigRule::UnknownRep { rep: *rep },
                ));
            }
        }
        if let Some(rep) = policy
            .cap_overrides
            .keys()
            .find(|r| team.get(**r).is_none())
        {
            return Err(ConfigError::new(
                format!("cap_overrides.{}", rep.0),
                ConfigRule::UnknownRep { rep: *rep },
            ));
        }
        Ok(Self::unchecked(team, policy))
    }

    /// The team.
    pub fn team(&self) -> &Team {
        &self.team
    }

    /// The pool policy.
    pub fn policy(&self) -> &PoolPolicy {
        &self.policy
    }

    /// The same team under `policy`, if they agree.
    pub fn with_policy(&self, policy: PoolPolicy) -> Result<Self, ConfigError> {
        Self::new(self.team.clone(), policy)
    }

    /// The same policy for `team`, if they agree.
    pub fn with_team(&self, team: Team) -> Result<Self, ConfigError> {
        Self::new(team, self.policy.clone())
    }

    /// `team` and `policy` as they are, for `evolve` applying an event `decide` checked.
    pub(crate) fn unchecked(team: Team, policy: PoolPolicy) -> Self {
        let org = Org::new(&policy.departments);
        let timers = TimerPlan::of(&policy);
        Self {
            team,
            policy,
            org,
            timers,
        }
    }

    /// The timers of an owned client with `basis` under the policy (see [`TimerPlan`]).
    #[inline]
    pub(crate) fn timers(&self, basis: &TimerBasis<'_>) -> Timers {
        self.timers.timers(&self.policy, basis)
    }

    /// [`Config::timers`], handed to `then` (see [`TimerPlan::timers_then`]).
    #[inline(always)]
    pub(crate) fn timers_then<R>(
        &self,
        basis: &TimerBasis<'_>,
        then: impl FnOnce(Timers) -> R,
    ) -> R {
        self.timers.timers_then(&self.policy, basis, then)
    }

    /// True when `rep` may work clients of `pool`: the pool names no member and no
    /// department, or names the rep, or one of the rep's departments (or one above them).
    #[inline]
    pub fn is_member(&self, rep: RepId, pool: PoolId) -> bool {
        self.org.is_member(&self.policy.pools, rep, pool)
    }

    /// The organisation index the permission rules read.
    pub(crate) fn org(&self) -> &Org {
        &self.org
    }

    /// Both parts, taken apart.
    pub fn into_parts(self) -> (Team, PoolPolicy) {
        (self.team, self.policy)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Parts {
            team: Team,
            #[serde(default)]
            policy: PoolPolicy,
        }
        let parts = Parts::deserialize(deserializer)?;
        Config::new(parts.team, parts.policy).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContactLevel, Rep};

    /// What the timers read is worked out from the policy the configuration holds, however the
    /// configuration was built, so it cannot go stale.
    #[test]
    fn a_configuration_times_clients_by_its_own_policy() {
        let team = Team::new([Rep::new(RepId(1), "Li")]);
        let policy = PoolPolicy {
            remind_after_days: Some(7),
            release_after_reminder_days: 3,
            exempt_levels: [ContactLevel::Sample].into(),
            ..PoolPolicy::default()
        };
        let config = Config::new(team.clone(), policy.clone()).unwrap();
        let changed = Config::default()
            .with_policy(PoolPolicy::default())
            .unwrap();
        let json = serde_json::to_string(&config).unwrap();
        let read: Config = serde_json::from_str(&json).unwrap();
        for built in [&config, &read, &config.with_team(team).unwrap()] {
            assert_eq!(built.timers, TimerPlan::of(&policy));
        }
        for built in [&Config::default(), &changed] {
            assert_eq!(built.timers, TimerPlan::of(&PoolPolicy::default()));
        }
        assert_ne!(config.timers, changed.timers);
    }
}
