//! [`Config`]: a team and its pool policy, validated against each other.

use super::authority::Org;
use super::policy::PoolPolicy;
use crate::allocate::Team;
use crate::config::{ConfigError, ConfigRule};
use crate::ids::{PoolId, RepId};
use serde::{Deserialize, Deserializer, Serialize};

/// A team and its pool policy, checked against each other: the policy is valid on its own
/// ([`PoolPolicy::validate`]) and every rep it names (pool members, cap overrides) is on the
/// team. The pool state holds one; it changes only by the pool's `ChangePolicy` and
/// `ChangeTeam` commands, which check the new one the same way. Who belongs to and who
/// manages whom is resolved once here, not per command.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Config {
    team: Team,
    policy: PoolPolicy,
    /// Derived from `policy` (so equal whenever the policies are).
    #[serde(skip)]
    org: Org,
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
        Self { team, policy, org }
    }

    /// True when `rep` may work clients of `pool`: the pool names no member and no
    /// department, or names the rep, or one of the rep's departments (or one above them).
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
