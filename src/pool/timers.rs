//! Timer arithmetic: when an owned client is reminded and released under the policy.

use super::policy::PoolPolicy;
use crate::calendar::{after_days, before_days};
use crate::label::Label;
use crate::model::{Client, ContactLevel, RecycleCause, RecycleKind, ScheduledRelease, Timers};
use chrono::{DateTime, Datelike, Utc};

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
    /// Its client level (read only by further recycle rules).
    pub level: Level<'a>,
    /// The highest contact level anyone reached.
    pub top_contact: Option<ContactLevel>,
}

/// A client level as the timers read it: the client's own, read only where a rule asks
/// (most timers never read it), or one the command sets.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Level<'a> {
    /// The client's level, where it lies.
    Of(&'a Option<Label>),
    /// A level the command sets.
    Set(Option<&'a str>),
}

impl<'a> Level<'a> {
    /// The level's text, if any.
    pub(crate) fn get(self) -> Option<&'a str> {
        match self {
            Level::Of(level) => level.as_ref().map(Label::as_str),
            Level::Set(level) => level,
        }
    }
}

impl<'a> TimerBasis<'a> {
    /// The basis of `client` as it stands, as if owned since `owned_since`.
    #[inline(always)]
    pub(crate) fn of(client: &'a Client, owned_since: DateTime<Utc>) -> Self {
        let custody = client.custody();
        Self {
            owned_since,
            last_follow_up: custody.last_follow_up,
            won: custody.deal.is_some(),
            locked: custody.locked,
            open_opportunity: custody.open_opportunity,
            level: Level::Of(&custody.level),
            top_contact: client.contacts().iter().map(|c| c.level).max(),
        }
    }
}

/// What the timers read of a policy, worked out once when a [`Config`](super::Config) is
/// built (the policy is public data; the configuration holding it is not, so this cannot go
/// stale): the exemptions as flags and a set of levels, the built-in rule's terms with its
/// reminder already bounded, and whether further rules must be walked. With no further rules
/// (the common case) the timers are the built-in rule's two dates, found in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerPlan {
    /// `exempt_levels`, one bit per level (bit `level as u8`).
    exempt_levels: u8,
    exempt_locked: bool,
    exempt_won: bool,
    /// The built-in no-follow-up rule: days until release, days of reminder before it (at
    /// most the days until release), if on.
    base: Option<(u32, u32)>,
    /// The policy has further recycle rules: [`PoolPolicy::earliest_rule`] decides.
    walk_rules: bool,
}

impl TimerPlan {
    /// The plan of `policy`.
    pub(crate) fn of(policy: &PoolPolicy) -> Self {
        Self {
            exempt_levels: policy
                .exempt_levels
                .iter()
                .fold(0, |bits, &level| bits | level_bit(level)),
            exempt_locked: policy.exempt_locked,
            exempt_won: policy.exempt_won,
            base: policy
                .base_terms()
                .map(|(days, remind)| (days, remind.min(days))),
            walk_rules: !policy.recycle.is_empty(),
        }
    }

    fn exempt(&self, basis: &TimerBasis<'_>) -> bool {
        (self.exempt_locked && basis.locked)
            || (self.exempt_won && basis.won)
            || basis
                .top_contact
                .is_some_and(|level| self.exempt_levels & level_bit(level) != 0)
    }

    /// The timers of an owned client under `policy` (the policy this plan is of): the
    /// earliest release over every rule that applies, and that rule's reminder. Exempt
    /// clients get none.
    // Inlined, with the date arithmetic below, into the few commands that set timers: the
    // basis then stays in registers (measured: 17 instructions less per lead than a call;
    // inlining this alone, without the arithmetic, cost 8 more).
    #[inline(always)]
    pub(crate) fn timers(&self, policy: &PoolPolicy, basis: &TimerBasis<'_>) -> Timers {
        self.timers_then(policy, basis, |timers| timers)
    }

    /// [`TimerPlan::timers`], handed to `then` where each way of finding them ends: a caller
    /// building an event around the timers builds it there, and the timers go straight into
    /// it (not through a value every way fills).
    #[inline(always)]
    pub(crate) fn timers_then<R>(
        &self,
        policy: &PoolPolicy,
        basis: &TimerBasis<'_>,
        then: impl FnOnce(Timers) -> R,
    ) -> R {
        debug_assert_eq!(*self, Self::of(policy), "a plan of another policy");
        if self.exempt(basis) {
            return then(Timers::default());
        }
        if self.walk_rules {
            // By value: the basis is put together in memory only on this way (the fields only
            // the further rules read, such as the level, are not worked out otherwise).
            return then(policy.earliest_rule(*basis));
        }
        let Some((days, remind)) = self.base else {
            return then(Timers::default());
        };
        let from = no_follow_up_since(basis);
        let timers = |release, remind_at| Timers {
            remind_at,
            release: Some(ScheduledRelease {
                at: release,
                cause: RecycleCause {
                    rule: RecycleKind::NoFollowUp,
                    days,
                },
            }),
        };
        // Each branch builds the timers (the dates go straight into them, not through a pair
        // both branches fill).
        match within_year(from, days, remind) {
            Some((release, remind_at)) => then(timers(release, remind_at)),
            None => {
                let release = after_days(from, days);
                // No reminder days: the reminder would fall on the release, which replaces it.
                let remind_at = (remind != 0)
                    .then(|| before_days(release, remind))
                    .filter(|&at| at < release);
                then(timers(release, remind_at))
            }
        }
    }
}

/// The release `days` after `from` and the reminder `remind` (at most `days`) days before it,
/// if both fall in `from`'s year (nearly always): one day of the year read, two written, the
/// dates [`after_days`] and [`before_days`] find. The reminder falls between `from` and the
/// release, so in the same year, and strictly before the release unless `remind` is 0 (then
/// the release replaces it).
#[inline(always)]
fn within_year(
    from: DateTime<Utc>,
    days: u32,
    remind: u32,
) -> Option<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let naive = from.naive_utc();
    let release_day = naive.ordinal().checked_add(days)?;
    let release = naive.with_ordinal(release_day)?;
    let remind_at = if remind == 0 {
        None
    } else {
        naive.with_ordinal(release_day - remind)
    };
    Some((release.and_utc(), remind_at.map(|at| at.and_utc())))
}

/// The bit of `level` in [`TimerPlan::exempt_levels`].
fn level_bit(level: ContactLevel) -> u8 {
    1 << (level as u8)
}

/// Where a no-follow-up rule counts from: the later of the last follow-up and the claim.
#[inline(always)]
fn no_follow_up_since(basis: &TimerBasis<'_>) -> DateTime<Utc> {
    // `f.max(owned_since)`, compared by value (equal instants are the same value).
    match basis.last_follow_up {
        Some(f) if f > basis.owned_since => f,
        _ => basis.owned_since,
    }
}

impl PoolPolicy {
    /// The timers of an owned, not exempt client: the earliest release over every rule that
    /// applies (the built-in one first, then `recycle` in order; the first of equal releases
    /// wins), and that rule's reminder.
    #[inline(never)]
    fn earliest_rule(&self, basis: TimerBasis<'_>) -> Timers {
        let basis = &basis;
        // The base rule (remind after n days, release so many days later) is read from the
        // policy's fields in place: building it as a `RecycleRule` per command cost more than
        // the arithmetic.
        let base = self.base_terms().and_then(|(days, remind)| {
            Self::rule_timers(RecycleKind::NoFollowUp, days, remind, basis)
        });
        let mut best = base;
        for rule in &self.recycle {
            let days = rule.days_for(basis.level.get());
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
            RecycleKind::NoFollowUp => no_follow_up_since(basis),
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

#[cfg(test)]
mod tests;
