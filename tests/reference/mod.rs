//! A reference model of the pool rules, written from the seed documents and README's route ×
//! rule table, independently of the crate: plain maps, chrono arithmetic, no call into the
//! crate's rule functions. The property test feeds the same commands to both and compares every
//! verdict (which rule refused, or accepted) and the state after it.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use leadpool::ids::{ClientId, PoolId, RepId};
use leadpool::model::{Availability, ContactLevel};
use leadpool::pool::PoolPolicy;
use std::collections::BTreeMap;

mod authority;
pub use authority::*;

/// The verdict the model expects: accepted, or refused by a named rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Refused(&'static str),
}

use Verdict::{Accepted, Refused};

#[derive(Clone, Debug, Default)]
pub struct RClient {
    pub owner: Option<RepId>,
    pub pool: PoolId,
    pub pooled_at: Option<DateTime<Utc>>,
    pub owned_since: Option<DateTime<Utc>>,
    pub last_follow_up: Option<DateTime<Utc>>,
    pub release: Option<(RepId, DateTime<Utc>)>,
    pub contacts: Vec<(RepId, ContactLevel, DateTime<Utc>)>,
    pub deal: bool,
    pub locked: bool,
    pub company: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RRep {
    pub availability: Availability,
    pub cap_override: Option<u32>,
}

/// The model: the team, the policy in force, the clients and each rep's claims per day.
#[derive(Clone, Debug)]
pub struct Reference {
    pub team: BTreeMap<RepId, RRep>,
    pub policy: PoolPolicy,
    pub clients: BTreeMap<ClientId, RClient>,
    pub claims: BTreeMap<RepId, (NaiveDate, u32)>,
}

/// `at` plus `days`, at most chrono's last instant.
pub fn plus_days(at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    at.checked_add_signed(Duration::days(i64::from(days)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Which way a public client goes to a rep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    Claim,
    Rule,
    Manager,
    Deal,
}

impl Reference {
    pub fn team_day(&self, now: DateTime<Utc>) -> NaiveDate {
        let offset = self.policy.zone.offset();
        match now.naive_utc().checked_add_offset(offset) {
            Some(local) => local.date(),
            None if offset.local_minus_utc() > 0 => NaiveDate::MAX,
            None => NaiveDate::MIN,
        }
    }

    fn held(&self, rep: RepId) -> (u32, u32) {
        let mut held = (0, 0);
        for c in self.clients.values().filter(|c| c.owner == Some(rep)) {
            held.0 += 1;
            held.1 += u32::from(c.deal);
        }
        held
    }

    fn cap(&self, rep: RepId) -> Option<u32> {
        self.policy
            .cap_overrides
            .get(&rep)
            .copied()
            .or(self.team.get(&rep).and_then(|r| r.cap_override))
            .or(self.policy.private_cap)
    }

    fn member(&self, rep: RepId, pool: PoolId) -> bool {
        match self.policy.pools.get(&pool) {
            None => true,
            Some(def) => def.members.is_empty() || def.members.contains(&rep),
        }
    }

    /// Another rep's visit, sample or cooperating contact inside the window (or ownership).
    fn protected(&self, c: &RClient, rep: RepId, now: DateTime<Utc>) -> bool {
        if let Some(owner) = c.owner {
            return owner != rep;
        }
        c.contacts.iter().any(|(by, level, at)| {
            *by != rep
                && *level >= ContactLevel::Visit
                && *at <= now
                && now < plus_days(*at, self.policy.protection_days)
        })
    }

    /// The rep-level rules, then the cap, for `rep` taking `clients`.
    fn admit(
        &self,
        rep: RepId,
        clients: &[&RClient],
        way: Option<Way>,
        now: DateTime<Utc>,
    ) -> Verdict {
        let Some(profile) = self.team.get(&rep) else {
            return Refused("unknown_rep");
        };
        let available = match profile.availability {
            Availability::Active => true,
            Availability::OnLeave { until } => now >= until,
            _ => false,
        };
        if !available {
            return Refused("unavailable");
        }
        if clients.iter().any(|c| !self.member(rep, c.pool)) {
            return Refused("not_member");
        }
        if let Some(way) = way {
            let embargo = matches!(way, Way::Claim | Way::Deal);
            let cooldown = matches!(way, Way::Claim | Way::Rule | Way::Deal);
            for c in clients {
                if let (true, Some(days), Some(pooled)) =
                    (embargo, self.policy.embargo_days, c.pooled_at)
                {
                    if c.owner.is_none() && now < plus_days(pooled, days) {
                        return Refused("embargoed");
                    }
                }
            }
            for c in clients {
                if let (true, Some((from, at))) = (cooldown, c.release) {
                    let applies = match self.policy.cooldown_scope {
                        leadpool::pool::CooldownScope::FormerOwner => from == rep,
                        _ => true,
                    };
                    if applies && now < plus_days(at, self.policy.cooldown_days) {
                        return Refused("cooldown");
                    }
                }
            }
            if clients.iter().any(|c| self.protected(c, rep, now)) {
                return Refused("protected");
            }
        }
        if let Some(cap) = self.cap(rep) {
            let (holding, won) = self.held(rep);
            let adding = clients.len() as u32;
            let adding_won = clients.iter().filter(|c| c.deal).count() as u32;
            let (holding, adding) = if self.policy.cap_excludes_won {
                (holding - won, adding - adding_won)
            } else {
                (holding, adding)
            };
            if holding.saturating_add(adding) > cap {
                return Refused("cap_reached");
            }
        }
        if matches!(way, Some(Way::Claim | Way::Deal)) {
            if let Some(limit) = self.policy.daily_claim_limit {
                let today = self.team_day(now);
                let claims = match self.claims.get(&rep) {
                    Some((day, n)) if *day == today => *n,
                    _ => 0,
                };
                if claims >= limit {
                    return Refused("daily_limit");
                }
            }
        }
        Accepted
    }

    /// A public client `id` going to `rep`.
    pub fn take_public(&self, id: ClientId, rep: RepId, way: Way, now: DateTime<Utc>) -> Verdict {
        let Some(c) = self.clients.get(&id) else {
            return Refused("unknown_client");
        };
        if c.owner.is_some() {
            return Refused("already_owned");
        }
        self.admit(rep, &[c], Some(way), now)
    }

    pub fn follow_up(&self, id: ClientId, rep: RepId, now: DateTime<Utc>) -> Verdict {
        let Some(c) = self.clients.get(&id) else {
            return Refused("unknown_client");
        };
        if !self.team.contains_key(&rep) {
            return Refused("unknown_rep");
        }
        if c.owner == Some(rep) {
            Accepted
        } else if !self.member(rep, c.pool) {
            // An outsider's contact would protect the client from the pool's own members.
            Refused("not_member")
        } else if self.protected(c, rep, now) {
            Refused("protected")
        } else {
            Accepted
        }
    }

    pub fn release(&self, id: ClientId, rep: RepId, blank: bool) -> Verdict {
        match self.clients.get(&id) {
            None => Refused("unknown_client"),
            Some(c) if c.owner != Some(rep) => Refused("not_owner"),
            Some(_) if blank => Refused("missing_reason"),
            Some(_) => Accepted,
        }
    }

    pub fn deal(&self, id: ClientId, rep: RepId, now: DateTime<Utc>) -> Verdict {
        let Some(c) = self.clients.get(&id) else {
            return Refused("unknown_client");
        };
        if !self.team.contains_key(&rep) {
            return Refused("unknown_rep");
        }
        if c.deal {
            return Refused("already_won");
        }
        if c.owner.is_some() {
            return Accepted;
        }
        self.admit(rep, &[c], Some(Way::Deal), now)
    }

    pub fn transfer(
        &self,
        from: RepId,
        to: RepId,
        ids: &[ClientId],
        now: DateTime<Utc>,
    ) -> Verdict {
        if !self.team.contains_key(&from) || !self.team.contains_key(&to) {
            return Refused("unknown_rep");
        }
        let mut clients = Vec::new();
        for id in ids {
            let Some(c) = self.clients.get(id) else {
                return Refused("unknown_client");
            };
            if c.owner != Some(from) {
                return Refused("not_owner");
            }
            if from == to {
                return Refused("same_rep");
            }
            clients.push(c);
        }
        if clients.is_empty() {
            return Accepted;
        }
        self.admit(to, &clients, None, now)
    }

    pub fn handover(&self, id: ClientId, to: RepId, now: DateTime<Utc>) -> Verdict {
        let Some(c) = self.clients.get(&id) else {
            return Refused("unknown_client");
        };
        if !self.team.contains_key(&to) {
            return Refused("unknown_rep");
        }
        let Some(owner) = c.owner else {
            return Refused("not_owner");
        };
        if owner == to {
            return Refused("same_rep");
        }
        if c.deal {
            return Refused("already_won");
        }
        let since = c.owned_since.unwrap_or(now);
        if now < plus_days(since, self.policy.handover_after_days) {
            return Refused("handover_too_early");
        }
        self.admit(to, &[c], None, now)
    }

    /// When an owned client falls to the public pool under the base no-follow-up rule, if it
    /// is not exempt.
    pub fn release_at(&self, c: &RClient) -> Option<DateTime<Utc>> {
        let owned_since = c.owned_since?;
        let n = self.policy.remind_after_days?;
        let top = c.contacts.iter().map(|(_, level, _)| *level).max();
        let exempt = (self.policy.exempt_locked && c.locked)
            || (self.policy.exempt_won && c.deal)
            || top.is_some_and(|l| self.policy.exempt_levels.contains(&l));
        if exempt {
            return None;
        }
        let from = c.last_follow_up.map_or(owned_since, |f| f.max(owned_since));
        Some(plus_days(
            from,
            n.saturating_add(self.policy.release_after_reminder_days),
        ))
    }

    /// The clients a sweep at `now` releases, ascending.
    pub fn due(&self, now: DateTime<Utc>) -> Vec<ClientId> {
        self.clients
            .iter()
            .filter(|(_, c)| c.owner.is_some() && self.release_at(c).is_some_and(|at| at <= now))
            .map(|(id, _)| *id)
            .collect()
    }

    // Applying what was accepted.

    pub fn give(&mut self, id: ClientId, rep: RepId, now: DateTime<Utc>, claim: bool) {
        if claim {
            let today = self.team_day(now);
            let n = match self.claims.get(&rep) {
                Some((day, n)) if *day == today => *n,
                _ => 0,
            };
            self.claims.insert(rep, (today, n + 1));
        }
        if let Some(c) = self.clients.get_mut(&id) {
            c.owner = Some(rep);
            c.owned_since = Some(now);
            c.pooled_at = None;
            // A new custody starts unlocked.
            c.locked = false;
        }
    }

    pub fn free(&mut self, id: ClientId, now: DateTime<Utc>) {
        let default_pool = self.policy.default_pool;
        if let Some(c) = self.clients.get_mut(&id) {
            if let Some(from) = c.owner.take() {
                c.release = Some((from, now));
            }
            c.pool = default_pool;
            c.owned_since = None;
            c.pooled_at = Some(now);
            c.deal = false;
            // A lock belongs to one owner's custody.
            c.locked = false;
        }
    }

    pub fn contact(&mut self, id: ClientId, rep: RepId, level: ContactLevel, now: DateTime<Utc>) {
        if let Some(c) = self.clients.get_mut(&id) {
            if c.owner == Some(rep) {
                c.last_follow_up = Some(now);
            }
            c.contacts.push((rep, level, now));
        }
    }
}
