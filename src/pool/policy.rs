//! The pool policy: every limit and timer a team configures, and the timer arithmetic.

use crate::calendar::{TeamZone, after_days, before_days};
use crate::ids::{PoolId, RepId};
use crate::model::{Client, ContactLevel, Rep, Timers};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Who the reclaim cooldown applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CooldownScope {
    /// Only the rep the client was released from (seed 001's default).
    #[default]
    FormerOwner,
    /// Every rep.
    Everyone,
}

/// What a recycle rule waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecycleKind {
    /// No follow-up, counted from the later of the last follow-up and the claim.
    NoFollowUp,
    /// No open opportunity since the claim.
    NoOpportunity,
    /// No deal since the claim.
    NoDeal,
}

/// One recycle rule: after `days` (or the client level's own days) the client returns to the
/// public pool, with a reminder `remind_before_days` earlier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecycleRule {
    /// What the rule waits for.
    pub kind: RecycleKind,
    /// Days before the client is recycled.
    pub days: u32,
    /// Per client level (`Custody::level`), days replacing `days`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub days_by_level: BTreeMap<String, u32>,
    /// The owner is reminded this many days before the recycle.
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

    fn days_for(&self, level: Option<&str>) -> u32 {
        level
            .and_then(|l| self.days_by_level.get(l))
            .copied()
            .unwrap_or(self.days)
    }

    /// The public reason a release under this rule carries.
    ///
    /// Built by hand rather than with `format!`: every assignment and follow-up computes one.
    pub fn reason(&self, days: u32) -> String {
        let (head, tail) = match self.kind {
            RecycleKind::NoFollowUp => ("not followed up for ", " days"),
            RecycleKind::NoOpportunity => ("no open opportunity ", " days after claim"),
            RecycleKind::NoDeal => ("no deal ", " days after claim"),
        };
        // u32::MAX has 10 digits.
        let mut digits = [0u8; 10];
        let mut start = digits.len();
        let mut rest = days;
        loop {
            start -= 1;
            // The remainder is below 10, so it fits in a byte.
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut reason = String::with_capacity(head.len() + digits.len() + tail.len());
        reason.push_str(head);
        for &digit in &digits[start..] {
            reason.push(char::from(digit));
        }
        reason.push_str(tail);
        reason
    }
}

/// A pool (公海) of a department or product line, and the reps who may work it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolDef {
    /// Display name.
    pub name: String,
    /// Reps who may claim from it and be given its clients; empty means every rep.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub members: BTreeSet<RepId>,
}

/// A team's pool policy (seed 001), all configurable; JSON/TOML friendly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolPolicy {
    /// The team's zone: daily claim limits count per calendar day here.
    pub zone: TeamZone,
    /// Most clients a rep may hold; `None` is unlimited.
    pub private_cap: Option<u32>,
    /// Per-rep caps, overriding `Rep::cap_override` and `private_cap`.
    pub cap_overrides: BTreeMap<RepId, u32>,
    /// Leave clients with a deal out of the cap count.
    pub cap_excludes_won: bool,
    /// Remind the owner after N days without a follow-up; `None` turns the rule off.
    pub remind_after_days: Option<u32>,
    /// Release M days after the reminder (N+M days without a follow-up).
    pub release_after_reminder_days: u32,
    /// Further recycle rules (no opportunity, no deal, per-level days).
    pub recycle: Vec<RecycleRule>,
    /// Days after a release during which the client may not be claimed back.
    pub cooldown_days: u32,
    /// Who the cooldown applies to.
    pub cooldown_scope: CooldownScope,
    /// Most claims per rep per team day; `None` is unlimited. Refused claims do not count.
    pub daily_claim_limit: Option<u32>,
    /// Days a visit or a sample protects the client from other reps.
    pub protection_days: u32,
    /// Contact levels that exempt a client from automatic release.
    pub exempt_levels: BTreeSet<ContactLevel>,
    /// Locked clients are exempt from automatic release.
    pub exempt_locked: bool,
    /// Clients with a deal are exempt from automatic release.
    pub exempt_won: bool,
    /// Nobody may claim a client for this many days after it enters a public pool.
    pub embargo_days: Option<u32>,
    /// A client may be handed over once its owner has held it this long without a deal.
    pub handover_after_days: u32,
    /// The pools and their members; empty means one open pool, [`PoolId::DEFAULT`].
    pub pools: BTreeMap<PoolId, PoolDef>,
    /// The pool released clients return to.
    pub default_pool: PoolId,
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
        }
    }
}

/// The facts the timers depend on, taken from a client and then adjusted by the command
/// being decided (a claim sets `owned_since`, a deal sets `won`, …).
#[derive(Clone, Copy, Debug)]
pub struct TimerBasis<'a> {
    /// When the owner took the client.
    pub owned_since: DateTime<Utc>,
    /// The owner's last follow-up.
    pub last_follow_up: Option<DateTime<Utc>>,
    /// A deal was marked.
    pub won: bool,
    /// A manager locked it.
    pub locked: bool,
    /// It has an open opportunity.
    pub open_opportunity: bool,
    /// Its client level.
    pub level: Option<&'a str>,
    /// The highest contact level anyone reached.
    pub top_contact: Option<ContactLevel>,
}

impl<'a> TimerBasis<'a> {
    /// The basis of `client` as it stands, as if owned since `owned_since`.
    pub fn of(client: &'a Client, owned_since: DateTime<Utc>) -> Self {
        Self {
            owned_since,
            last_follow_up: client.custody.last_follow_up,
            won: client.custody.deal.is_some(),
            locked: client.custody.locked,
            open_opportunity: client.custody.open_opportunity,
            level: client.custody.level.as_deref(),
            top_contact: client.contacts.iter().map(|c| c.level).max(),
        }
    }
}

impl PoolPolicy {
    /// The cap that applies to `rep`: the policy's override, the rep's own, the team's.
    pub fn cap_for(&self, rep: RepId, profile: Option<&Rep>) -> Option<u32> {
        self.cap_overrides
            .get(&rep)
            .copied()
            .or_else(|| profile.and_then(|r| r.cap_override))
            .or(self.private_cap)
    }

    /// True when `pool` exists under this policy.
    pub fn has_pool(&self, pool: PoolId) -> bool {
        pool == self.default_pool || self.pools.contains_key(&pool)
    }

    /// True when `rep` may work clients of `pool`.
    pub fn is_member(&self, rep: RepId, pool: PoolId) -> bool {
        self.pools
            .get(&pool)
            .is_none_or(|def| def.members.is_empty() || def.members.contains(&rep))
    }

    /// The built-in no-follow-up rule from `remind_after_days` and
    /// `release_after_reminder_days`, if on.
    pub fn base_rule(&self) -> Option<RecycleRule> {
        self.remind_after_days.map(|n| {
            RecycleRule::new(
                RecycleKind::NoFollowUp,
                n.saturating_add(self.release_after_reminder_days),
                self.release_after_reminder_days,
            )
        })
    }

    fn exempt(&self, basis: &TimerBasis<'_>) -> bool {
        (self.exempt_locked && basis.locked)
            || (self.exempt_won && basis.won)
            || basis
                .top_contact
                .is_some_and(|level| self.exempt_levels.contains(&level))
    }

    /// The timers of an owned client: the earliest release over every rule that applies, and
    /// that rule's reminder. Exempt clients get none.
    pub fn timers(&self, basis: &TimerBasis<'_>) -> Timers {
        if self.exempt(basis) {
            return Timers::default();
        }
        let base = self.base_rule();
        let mut best: Option<(DateTime<Utc>, DateTime<Utc>, &RecycleRule, u32)> = None;
        for rule in base.iter().chain(self.recycle.iter()) {
            let from = match rule.kind {
                RecycleKind::NoFollowUp => basis
                    .last_follow_up
                    .map_or(basis.owned_since, |f| f.max(basis.owned_since)),
                RecycleKind::NoOpportunity if basis.open_opportunity => continue,
                RecycleKind::NoDeal if basis.won => continue,
                RecycleKind::NoOpportunity | RecycleKind::NoDeal => basis.owned_since,
            };
            let n = rule.days_for(basis.level);
            let release = after_days(from, n);
            let remind = before_days(release, rule.remind_before_days.min(n));
            if best.is_none_or(|(at, ..)| release < at) {
                best = Some((release, remind, rule, n));
            }
        }
        match best {
            None => Timers::default(),
            Some((release, remind, rule, n)) => Timers {
                remind_at: (remind < release).then_some(remind),
                release_at: Some(release),
                release_reason: Some(rule.reason(n)),
            },
        }
    }

    /// The end of the reclaim cooldown for `rep` on `client`, if it still runs at `now`.
    pub fn cooldown_until(
        &self,
        client: &Client,
        rep: RepId,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let release = client.custody.last_release.as_ref()?;
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
        let until = after_days(client.custody.pooled_at?, n);
        (client.owner.is_none() && now < until).then_some(until)
    }

    /// When the owner of `client` may be made to hand it over.
    pub fn handover_from(&self, owned_since: DateTime<Utc>) -> DateTime<Utc> {
        after_days(owned_since, self.handover_after_days)
    }

    /// The end of a protection window opened by a contact at `at`.
    pub fn protected_until(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        after_days(at, self.protection_days)
    }
}

#[cfg(test)]
mod tests {
    use super::{RecycleKind, RecycleRule};

    #[test]
    fn a_release_reason_names_the_rule_and_its_days_in_plain_words() {
        for days in [0, 7, 10, 30, 1_000, u32::MAX] {
            let of = |kind| RecycleRule::new(kind, days, 0).reason(days);
            assert_eq!(
                of(RecycleKind::NoFollowUp),
                format!("not followed up for {days} days")
            );
            assert_eq!(
                of(RecycleKind::NoOpportunity),
                format!("no open opportunity {days} days after claim")
            );
            assert_eq!(
                of(RecycleKind::NoDeal),
                format!("no deal {days} days after claim")
            );
        }
    }
}
