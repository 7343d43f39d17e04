//! A [`TeamView`] over the pool state, so allocators see what the pool would refuse.

use super::decide::{cap_count, claims_today};
use super::policy::PoolPolicy;
use super::state::PoolState;
use crate::allocate::{Exclusion, ExclusionReason, PriorContact, TeamView};
use crate::ids::RepId;
use crate::model::{Client, DedupeKeys, Region};
use chrono::{DateTime, Utc};

/// The team's live state as the pool knows it at one instant.
#[derive(Clone, Copy, Debug)]
pub struct PoolView<'a> {
    state: &'a PoolState,
    policy: &'a PoolPolicy,
    now: DateTime<Utc>,
}

impl<'a> PoolView<'a> {
    /// A view of `state` under `policy` at `now`.
    pub fn new(state: &'a PoolState, policy: &'a PoolPolicy, now: DateTime<Utc>) -> Self {
        Self { state, policy, now }
    }
}

impl TeamView for PoolView<'_> {
    fn open_load(&self, rep: RepId) -> u32 {
        self.state
            .ledger_ref(rep)
            .map_or(0, |l| l.holding.saturating_sub(l.holding_won))
    }

    fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
        self.state.ledger_ref(rep).and_then(|l| l.last_assigned_at)
    }

    fn received_since(&self, rep: RepId, since: DateTime<Utc>) -> u32 {
        self.state.received_since(rep, since)
    }

    fn pool_refusal(&self, rep: RepId, client: &Client) -> Option<Exclusion> {
        let refuse = |reason| Some(Exclusion { rep, reason });
        if !self.policy.is_member(rep, client.pool) {
            return refuse(ExclusionReason::Other {
                detail: format!("not a member of {}", client.pool),
            });
        }
        if let Some(cap) = self.policy.cap_for(rep, self.state.rep(rep)) {
            let won = u32::from(client.custody.deal.is_some());
            let (holding, adding) = cap_count(self.state, self.policy, rep, 1, won);
            if holding.saturating_add(adding) > cap {
                return refuse(ExclusionReason::AtCap { holding, cap });
            }
        }
        if let Some(until) = self.policy.cooldown_until(client, rep, self.now) {
            return refuse(ExclusionReason::Cooldown { until });
        }
        if let Some(limit) = self.policy.daily_claim_limit {
            let claims = claims_today(self.state, self.policy, rep, self.now);
            if claims >= limit {
                return refuse(ExclusionReason::DailyLimit { claims, limit });
            }
        }
        if let Some(until) = self.policy.embargo_until(client, self.now) {
            return refuse(ExclusionReason::Other {
                detail: format!("embargoed until {until}"),
            });
        }
        None
    }

    fn prior_contact(&self, keys: &DedupeKeys) -> Option<PriorContact> {
        let mut best: Option<PriorContact> = None;
        let mut consider = |candidate: PriorContact| {
            if best
                .as_ref()
                .is_none_or(|b| (candidate.since, candidate.rep) < (b.since, b.rep))
            {
                best = Some(candidate);
            }
        };
        for key in keys.iter() {
            for id in self.state.find_by_key(&key) {
                let Some(known) = self.state.client(id) else {
                    continue;
                };
                if let Some(owner) = known.owner {
                    let first = known.contacts.iter().filter(|c| c.rep == owner);
                    let since = first
                        .clone()
                        .map(|c| c.at)
                        .chain(known.custody.owned_since)
                        .min()
                        .unwrap_or(known.created_at);
                    consider(PriorContact {
                        rep: owner,
                        client: id,
                        level: first.map(|c| c.level).max(),
                        since,
                    });
                } else if let Some(first) = known.contacts.iter().min_by_key(|c| c.at) {
                    let level = known
                        .contacts
                        .iter()
                        .filter(|c| c.rep == first.rep)
                        .max_by_key(|c| c.at)
                        .map(|c| c.level);
                    consider(PriorContact {
                        rep: first.rep,
                        client: id,
                        level,
                        since: first.at,
                    });
                }
            }
        }
        best
    }

    fn held_in_region(&self, rep: RepId, region: &Region) -> u32 {
        self.state.held_in_region(rep, region)
    }
}
