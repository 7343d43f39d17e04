//! The pool policy (seed 001): every limit and timer a team configures, validated when it is
//! loaded or built.

use super::authority::{self, Department, PoolDef};
use crate::calendar::{TeamZone, after_days};
use crate::config::{ConfigError, ConfigRule};
use crate::ids::{DeptId, PoolId, RepId};
use crate::model::{Client, ContactLevel, RecycleKind, Release, Rep};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};

/// Who the reclaim cooldown applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CooldownScope {
    /// Only the rep the client was released from (seed 001's default).
    #[default]
    FormerOwner,
    /// Every rep.
    Everyone,
}

/// One recycle rule: after `days` (or the client level's own days) the client returns to the
/// public pool, with a reminder `remind_before_days` earlier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecycleRule {
    /// What the rule waits for.
    pub kind: RecycleKind,
    /// Days before the client is recycled.
    pub days: u32,
    /// Per client level (`Custody::level`), days replacing `days`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub days_by_level: BTreeMap<String, u32>,
    /// The owner is reminded this many days before the recycle (at most `days`).
    #[serde(default)]
    pub remind_before_days: u32,
}

impl RecycleRule {
    /// A rule of `kind` after `days`, reminding `remind_before_days` earlier.
    pub fn new(kind: RecycleKind, days: u32, remind_before_days: u32) -> Self {
        Self {
            kind,
            days,
            days_by_level: BTreeMap::new(),
            remind_before_days,
        }
    }

    /// Sets the days for one client level (builder style).
    pub fn with_level_days(mut self, level: impl Into<String>, days: u32) -> Self {
        self.days_by_level.insert(level.into(), days);
        self
    }

    pub(crate) fn days_for(&self, level: Option<&str>) -> u32 {
        level
            .and_then(|l| self.days_by_level.get(l))
            .copied()
            .unwrap_or(self.days)
    }
}

/// A team's pool policy (seed 001), all configurable; JSON/TOML friendly. Unknown fields are
/// refused and the policy is validated when deserialised ([`PoolPolicy::validate`]); a field
/// left out takes the default documented on it. A cap or limit of 0 is valid: it freezes claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct PoolPolicy {
    /// The team's zone: daily claim limits count per calendar day here. Default UTC.
    pub zone: TeamZone,
    /// Most clients a rep may hold; `None` (default) is unlimited.
    pub private_cap: Option<u32>,
    /// Per-rep caps, overriding `Rep::cap_override` and `private_cap`.
    pub cap_overrides: BTreeMap<RepId, u32>,
    /// Leave clients with a deal out of the cap count. Default false.
    pub cap_excludes_won: bool,
    /// Remind the owner after N days without a follow-up; `None` (default) turns the rule off.
    pub remind_after_days: Option<u32>,
    /// Release M days after the reminder (N+M days without a follow-up). Default 0.
    pub release_after_reminder_days: u32,
    /// Further recycle rules (no opportunity, no deal, per-level days).
    pub recycle: Vec<RecycleRule>,
    /// Days after a release during which the client may not be taken back. Default 0.
    pub cooldown_days: u32,
    /// Who the cooldown applies to. Default the former owner.
    pub cooldown_scope: CooldownScope,
    /// Most claims per rep per team day; `None` (default) is unlimited.
    pub daily_claim_limit: Option<u32>,
    /// Days a visit, a sample or a cooperating contact protects the client from other reps.
    /// Default 0.
    pub protection_days: u32,
    /// Contact levels that exempt a client from automatic release. Default cooperating.
    pub exempt_levels: BTreeSet<ContactLevel>,
    /// Locked clients are exempt from automatic release. Default true.
    pub exempt_locked: bool,
    /// Clients with a deal in force are exempt from automatic release. Default true.
    pub exempt_won: bool,
    /// Nobody may claim a client for this many days after it enters a public pool.
    pub embargo_days: Option<u32>,
    /// A client may be handed over once its owner has held it this long without a deal.
    /// Default 90.
    pub handover_after_days: u32,
    /// The pools and their members; empty (default) means one open pool, [`PoolId::DEFAULT`].
    pub pools: BTreeMap<PoolId, PoolDef>,
    /// The pool released clients return to; it must be one of `pools` when `pools` is not
    /// empty, and [`PoolId::DEFAULT`] when it is.
    pub default_pool: PoolId,
    /// Admins of every pool and of the policy itself: only they may change it (and a change
    /// must leave at least one). Default none: name one to be able to change the policy.
    pub admins: BTreeSet<RepId>,
    /// The organisation: departments, their reps and managers (see [`Department`]).
    pub departments: BTreeMap<DeptId, Department>,
    /// Reps may transfer and hand over their own clients (to reps the admission rules admit).
    /// Default false: only managers and admins move clients.
    pub reps_transfer_own: bool,
}

impl Default for PoolPolicy {
    fn default() -> Self {
        Self {
            zone: TeamZone::UTC,
            private_cap: None,
            cap_overrides: BTreeMap::new(),
            cap_excludes_won: false,
            remind_after_days: None,
            release_after_reminder_days: 0,
            recycle: Vec::new(),
            cooldown_days: 0,
            cooldown_scope: CooldownScope::FormerOwner,
            daily_claim_limit: None,
            protection_days: 0,
            exempt_levels: BTreeSet::from([ContactLevel::Cooperating]),
            exempt_locked: true,
            exempt_won: true,
            embargo_days: None,
            handover_after_days: 90,
            pools: BTreeMap::new(),
            default_pool: PoolId::DEFAULT,
            admins: BTreeSet::new(),
            departments: BTreeMap::new(),
            reps_transfer_own: false,
        }
    }
}

impl Serialize for PoolPolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PoolPolicy::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for PoolPolicy {
    /// Deserialises and validates: unknown fields and invalid values are errors naming the
    /// field.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let policy = PoolPolicy::deserialize(deserializer)?;
        policy.validate().map_err(serde::de::Error::custom)?;
        Ok(policy)
    }
}

impl PoolPolicy {
    /// Checks what the policy can check on its own: the default pool is defined, recycle rules
    /// name levels and remind no earlier than they release, departments form a tree and pools
    /// name defined ones. (Pool members, department reps and cap overrides are checked against
    /// the team by [`Config::new`](super::Config::new).)
    pub fn validate(&self) -> Result<(), ConfigError> {
        let defined = if self.pools.is_empty() {
            self.default_pool == PoolId::DEFAULT
        } else {
            self.pools.contains_key(&self.default_pool)
        };
        if !defined {
            return Err(ConfigError::new(
                "default_pool",
                ConfigRule::UndefinedPool {
                    pool: self.default_pool,
                },
            ));
        }
        for (i, rule) in self.recycle.iter().enumerate() {
            if rule
                .days_by_level
                .keys()
                .any(|level| level.trim().is_empty())
            {
                return Err(ConfigError::new(
                    format!("recycle[{i}].days_by_level"),
                    ConfigRule::Empty,
                ));
            }
            let longest = rule
                .days_by_level
                .values()
                .copied()
                .fold(rule.days, u32::max);
            if rule.remind_before_days > longest {
                return Err(ConfigError::new(
                    format!("recycle[{i}].remind_before_days"),
                    ConfigRule::OutOfRange {
                        value: f64::from(rule.remind_before_days),
                        min: 0.0,
                        max: f64::from(longest),
                    },
                ));
            }
        }
        authority::validate(&self.departments, &self.pools)
    }

    /// The cap that applies to `rep`: the policy's override, the rep's own, the team's.
    // Inline, with the policy's overrides searched out of line: admission reads the cap for
    // every owner change, and most policies override no rep's (called, the call and return
    // cost as much as the reading).
    #[inline]
    pub fn cap_for(&self, rep: RepId, profile: Option<&Rep>) -> Option<u32> {
        let overridden = if self.cap_overrides.is_empty() {
            None
        } else {
            self.cap_override(rep)
        };
        overridden
            .or_else(|| profile.and_then(|r| r.cap_override))
            .or(self.private_cap)
    }

    /// The policy's override of `rep`'s cap, if any.
    #[inline(never)]
    fn cap_override(&self, rep: RepId) -> Option<u32> {
        self.cap_overrides.get(&rep).copied()
    }

    /// True when `pool` exists under this policy.
    pub fn has_pool(&self, pool: PoolId) -> bool {
        pool == self.default_pool || self.pools.contains_key(&pool)
    }

    /// The built-in no-follow-up rule from `remind_after_days` and
    /// `release_after_reminder_days`, if on.
    pub fn base_rule(&self) -> Option<RecycleRule> {
        self.base_terms()
            .map(|(days, remind)| RecycleRule::new(RecycleKind::NoFollowUp, days, remind))
    }

    /// The built-in rule's days until release and days of reminder before it, if on: what
    /// [`PoolPolicy::base_rule`] builds a rule from, read without building one.
    pub(crate) fn base_terms(&self) -> Option<(u32, u32)> {
        self.remind_after_days.map(|n| {
            (
                n.saturating_add(self.release_after_reminder_days),
                self.release_after_reminder_days,
            )
        })
    }

    /// The end of the reclaim cooldown for `rep` on `client`, if it still runs at `now`.
    #[inline]
    pub fn cooldown_until(
        &self,
        client: &Client,
        rep: RepId,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        // A client never released (most of them) has none: answered where it is asked.
        let release = client.custody().last_release.as_ref()?;
        self.cooldown_after(release, rep, now)
    }

    /// The end of the reclaim cooldown for `rep` after `release`, if it still runs at `now`.
    fn cooldown_after(
        &self,
        release: &Release,
        rep: RepId,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let applies = match self.cooldown_scope {
            CooldownScope::FormerOwner => release.from == rep,
            CooldownScope::Everyone => true,
        };
        let until = after_days(release.at, self.cooldown_days);
        (applies && now < until).then_some(until)
    }

    /// The end of the embargo on a newly pooled `client`, if it still runs at `now`.
    pub fn embargo_until(&self, client: &Client, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let n = self.embargo_days?;
        let until = after_days(client.custody().pooled_at?, n);
        (client.is_public() && now < until).then_some(until)
    }

    /// When the owner of `client` may be made to hand it over.
    pub fn handover_from(&self, owned_since: DateTime<Utc>) -> DateTime<Utc> {
        after_days(owned_since, self.handover_after_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reps_cap_is_the_policys_override_then_the_reps_own_then_the_teams() {
        let (a, b, c) = (RepId(1), RepId(2), RepId(3));
        let mut policy = PoolPolicy {
            private_cap: Some(5),
            ..PoolPolicy::default()
        };
        let own = Rep::new(b, "b").with_cap(1);
        // No overrides: the rep's own cap, else the team's.
        assert_eq!(policy.cap_for(b, Some(&own)), Some(1));
        assert_eq!(policy.cap_for(a, None), Some(5));
        policy.cap_overrides.insert(b, 3);
        policy.cap_overrides.insert(c, 0);
        // The policy's override first (a cap of 0 too), then the rep's, then the team's.
        assert_eq!(policy.cap_for(b, Some(&own)), Some(3));
        assert_eq!(policy.cap_for(c, None), Some(0));
        assert_eq!(
            policy.cap_for(a, Some(&Rep::new(a, "a").with_cap(2))),
            Some(2)
        );
        assert_eq!(policy.cap_for(a, None), Some(5));
        policy.private_cap = None;
        assert_eq!(policy.cap_for(a, None), None);
    }

    #[test]
    fn a_misspelt_field_is_refused_not_ignored() {
        let err = serde_json::from_str::<PoolPolicy>(r#"{"private_capp": 5}"#).unwrap_err();
        assert!(err.to_string().contains("private_capp"), "{err}");
        let ok: PoolPolicy = serde_json::from_str(r#"{"private_cap": 5}"#).unwrap();
        assert_eq!(ok.private_cap, Some(5));
    }

    #[test]
    fn the_default_pool_must_be_defined() {
        let json = r#"{"pools": {"1": {"name": "export"}}, "default_pool": 2}"#;
        let err = serde_json::from_str::<PoolPolicy>(json).unwrap_err();
        assert!(err.to_string().contains("default_pool"), "{err}");
        let lone = PoolPolicy {
            default_pool: PoolId(3),
            ..PoolPolicy::default()
        };
        assert_eq!(
            lone.validate().unwrap_err().rule,
            ConfigRule::UndefinedPool { pool: PoolId(3) }
        );
    }

    #[test]
    fn a_reminder_before_its_rule_starts_is_refused() {
        let policy = PoolPolicy {
            recycle: vec![RecycleRule::new(RecycleKind::NoDeal, 10, 11)],
            ..PoolPolicy::default()
        };
        assert_eq!(
            policy.validate().unwrap_err().path,
            "recycle[0].remind_before_days"
        );
        let fine = PoolPolicy {
            recycle: vec![RecycleRule::new(RecycleKind::NoDeal, 10, 10)],
            ..PoolPolicy::default()
        };
        assert!(fine.validate().is_ok());
    }

    #[test]
    fn zero_caps_and_limits_are_valid_they_freeze_claims() {
        let json = r#"{"private_cap": 0, "daily_claim_limit": 0, "cooldown_days": 0}"#;
        let policy: PoolPolicy = serde_json::from_str(json).unwrap();
        assert_eq!(
            (policy.private_cap, policy.daily_claim_limit),
            (Some(0), Some(0))
        );
    }
}
