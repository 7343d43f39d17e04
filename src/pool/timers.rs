//! Timer arithmetic: when an owned client is reminded and released under the policy.

use super::policy::PoolPolicy;
use crate::calendar::{after_days, before_days};
use crate::model::{Client, ContactLevel, RecycleCause, RecycleKind, ScheduledRelease, Timers};
use chrono::{DateTime, Utc};

/// The facts the timers depend on, taken from a client and then adjusted by the command
/// being decided (a claim sets `owned_since`, a deal sets `won`, …).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimerBasis<'a> {
    /// When the owner took the client.
    pub owned_since: DateTime<Utc>,
    /// The owner's last follow-up.
    pub last_follow_up: Option<DateTime<Utc>>,
    /// A deal is in force.
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
    pub(crate) fn of(client: &'a Client, owned_since: DateTime<Utc>) -> Self {
        let custody = client.custody();
        Self {
            owned_since,
            last_follow_up: custody.last_follow_up,
            won: custody.deal.is_some(),
            locked: custody.locked,
            open_opportunity: custody.open_opportunity,
            level: custody.level.as_ref().map(|l| l.as_str()),
            top_contact: client.contacts().iter().map(|c| c.level).max(),
        }
    }
}

impl PoolPolicy {
    fn exempt(&self, basis: &TimerBasis<'_>) -> bool {
        (self.exempt_locked && basis.locked)
            || (self.exempt_won && basis.won)
            || basis
                .top_contact
                .is_some_and(|level| self.exempt_levels.contains(&level))
    }

    /// The timers of an owned client: the earliest release over every rule that applies, and
    /// that rule's reminder. Exempt clients get none.
    pub(crate) fn timers(&self, basis: &TimerBasis<'_>) -> Timers {
        if self.exempt(basis) {
            return Timers::default();
        }
        // The base rule (remind after n days, release so many days later) is read from the
        // policy's fields in place: building it as a `RecycleRule` per command cost more than
        // the arithmetic.
        let base = self.base_terms().and_then(|(days, remind)| {
            Self::rule_timers(RecycleKind::NoFollowUp, days, remind, basis)
        });
        let mut best = base;
        for rule in &self.recycle {
            let days = rule.days_for(basis.level);
            let Some(found) = Self::rule_timers(rule.kind, days, rule.remind_before_days, basis)
            else {
                continue;
            };
            if best.is_none_or(|(at, ..)| found.0 < at) {
                best = Some(found);
            }
        }
        match best {
            None => Timers::default(),
            Some((release, remind, cause)) => Timers {
                remind_at: (remind < release).then_some(remind),
                release: Some(ScheduledRelease { at: release, cause }),
            },
        }
    }

    /// One rule's release, reminder and cause for `basis`, if the rule (of `kind`, allowing
    /// `days`, reminding `remind_before_days` earlier) applies.
    fn rule_timers(
        kind: RecycleKind,
        days: u32,
        remind_before_days: u32,
        basis: &TimerBasis<'_>,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>, RecycleCause)> {
        let from = match kind {
            RecycleKind::NoFollowUp => basis
                .last_follow_up
                .map_or(basis.owned_since, |f| f.max(basis.owned_since)),
            RecycleKind::NoOpportunity if basis.open_opportunity => return None,
            RecycleKind::NoDeal if basis.won => return None,
            RecycleKind::NoOpportunity | RecycleKind::NoDeal => basis.owned_since,
        };
        let release = after_days(from, days);
        let remind = before_days(release, remind_before_days.min(days));
        let cause = RecycleCause { rule: kind, days };
        Some((release, remind, cause))
    }
}
