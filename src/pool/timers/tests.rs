//! The timers from the plan against the timers as first written.

use super::*;
use crate::pool::policy::RecycleRule;
use chrono::{NaiveDate, NaiveTime};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// The timers as first written, read from the policy's fields on every call: the
/// reference the plan must match.
fn timers_as_first_written(policy: &PoolPolicy, basis: &TimerBasis<'_>) -> Timers {
    let exempt = (policy.exempt_locked && basis.locked)
        || (policy.exempt_won && basis.won)
        || basis
            .top_contact
            .is_some_and(|level| policy.exempt_levels.contains(&level));
    if exempt {
        return Timers::default();
    }
    let rule_timers = |kind, days: u32, remind_before_days: u32| {
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
        Some((release, remind, RecycleCause { rule: kind, days }))
    };
    let mut best = policy
        .base_terms()
        .and_then(|(days, remind)| rule_timers(RecycleKind::NoFollowUp, days, remind));
    for rule in &policy.recycle {
        let days = rule.days_for(basis.level.get());
        let Some(found) = rule_timers(rule.kind, days, rule.remind_before_days) else {
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

/// An instant anywhere in chrono's range, often near its ends (where the dates saturate)
/// or in the last weeks of a year (where the timers leave it).
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let (min, max) = (
        DateTime::<Utc>::MIN_UTC.timestamp(),
        DateTime::<Utc>::MAX_UTC.timestamp(),
    );
    let day = 86_400;
    let year_end = (2000i32..2100, 330u32..=366, 0i64..day).prop_map(|(year, ordinal, secs)| {
        let date = NaiveDate::from_yo_opt(year, ordinal)
            .unwrap_or_else(|| NaiveDate::from_yo_opt(year, 365).unwrap());
        date.and_time(NaiveTime::MIN).and_utc().timestamp() + secs
    });
    prop_oneof![
        (1_700_000_000i64..1_900_000_000, 0u32..1_000_000_000),
        (year_end, 0u32..1_000_000_000),
        (min..=max, 0u32..1_000_000_000),
        (min..min + 40 * day, 0u32..1_000_000_000),
        (max - 40 * day..=max, 0u32..1_000_000_000),
    ]
    .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

/// Day counts: usually a few, sometimes any (a huge one saturates).
fn days() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..40, 1 => proptest::num::u32::ANY]
}

fn level() -> impl Strategy<Value = ContactLevel> {
    proptest::sample::select(ContactLevel::ALL.to_vec())
}

fn recycle_rule() -> impl Strategy<Value = RecycleRule> {
    let kind = proptest::sample::select(vec![
        RecycleKind::NoFollowUp,
        RecycleKind::NoOpportunity,
        RecycleKind::NoDeal,
    ]);
    (kind, days(), proptest::option::of(days()), 0u32..50).prop_map(
        |(kind, days, gold_days, remind)| {
            let rule = RecycleRule::new(kind, days, remind.min(days));
            match gold_days {
                Some(gold) => rule.with_level_days("gold", gold),
                None => rule,
            }
        },
    )
}

/// Policies with and without the built-in rule, further rules and every exemption.
fn policy() -> impl Strategy<Value = PoolPolicy> {
    (
        proptest::option::of(days()),
        days(),
        prop_oneof![3 => Just(Vec::new()), 1 => proptest::collection::vec(recycle_rule(), 1..4)],
        proptest::collection::btree_set(level(), 0..=4),
        any::<(bool, bool)>(),
    )
        .prop_map(
            |(remind, release, recycle, exempt_levels, (locked, won))| PoolPolicy {
                remind_after_days: remind,
                release_after_reminder_days: release,
                recycle,
                exempt_levels,
                exempt_locked: locked,
                exempt_won: won,
                ..PoolPolicy::default()
            },
        )
}

type BasisParts = (
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    (bool, bool, bool),
    Option<&'static str>,
    Option<ContactLevel>,
);

fn basis_parts() -> impl Strategy<Value = BasisParts> {
    (
        instant(),
        proptest::option::of(instant()),
        any::<(bool, bool, bool)>(),
        proptest::option::of(proptest::sample::select(vec!["gold", "silver"])),
        proptest::option::of(level()),
    )
}

fn basis(parts: &BasisParts) -> TimerBasis<'static> {
    let (owned_since, last_follow_up, (won, locked, open_opportunity), level, top_contact) = *parts;
    TimerBasis {
        owned_since,
        last_follow_up,
        won,
        locked,
        open_opportunity,
        level: Level::Set(level),
        top_contact,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_048))]

    /// The plan worked out once gives every client the timers the policy's fields give
    /// it read on every call: exemptions, the built-in rule alone, further rules.
    #[test]
    fn the_plan_times_clients_as_the_policy_does(policy in policy(), parts in basis_parts()) {
        let basis = basis(&parts);
        prop_assert_eq!(
            TimerPlan::of(&policy).timers(&policy, &basis),
            timers_as_first_written(&policy, &basis)
        );
    }

    /// The same under the common policy (the built-in rule, no further rules, the default
    /// exemptions), which the plan times without walking any rule.
    #[test]
    fn the_built_in_rule_alone_times_as_it_did(
        remind in days(),
        release in days(),
        parts in basis_parts(),
    ) {
        let policy = PoolPolicy {
            remind_after_days: Some(remind),
            release_after_reminder_days: release,
            ..PoolPolicy::default()
        };
        let basis = basis(&parts);
        prop_assert_eq!(
            TimerPlan::of(&policy).timers(&policy, &basis),
            timers_as_first_written(&policy, &basis)
        );
    }
}

/// A client's own level, read where a rule asks for it ([`Level::Of`]), times the client
/// as the level's text does ([`Level::Set`]): with and without a level, a rule with days
/// for it and one without.
#[test]
fn a_clients_own_level_times_it_as_its_text_does() {
    use crate::ids::ClientId;
    use crate::model::Source;
    let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let gold = RecycleRule::new(RecycleKind::NoDeal, 30, 3).with_level_days("gold", 9);
    let policy = PoolPolicy {
        remind_after_days: Some(20),
        recycle: vec![gold],
        ..PoolPolicy::default()
    };
    let plan = TimerPlan::of(&policy);
    for level in [None, Some("gold"), Some("silver")] {
        let client =
            Client::new(ClientId(1), "c", Source::Website, at).with_flags(false, false, level);
        let basis = TimerBasis::of(&client, at);
        assert_eq!(basis.level.get(), level);
        let by_text = TimerBasis {
            level: Level::Set(level),
            ..basis
        };
        let timers = plan.timers(&policy, &basis);
        assert_eq!(timers, plan.timers(&policy, &by_text));
        assert_eq!(timers, timers_as_first_written(&policy, &by_text));
        let days = if level == Some("gold") { 9 } else { 20 };
        assert_eq!(
            timers.release.map(|r| r.cause.days),
            Some(days),
            "{level:?}"
        );
    }
}

#[test]
fn every_exempt_level_and_only_those_exempt() {
    let policy = PoolPolicy {
        remind_after_days: Some(7),
        exempt_levels: BTreeSet::from([ContactLevel::Visit, ContactLevel::Cooperating]),
        ..PoolPolicy::default()
    };
    let plan = TimerPlan::of(&policy);
    for level in ContactLevel::ALL {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut basis = basis(&(at, None, (false, false, false), None, Some(level)));
        let exempt = policy.exempt_levels.contains(&level);
        assert_eq!(
            plan.timers(&policy, &basis).release.is_none(),
            exempt,
            "{level:?}"
        );
        basis.top_contact = None;
        assert!(plan.timers(&policy, &basis).release.is_some());
    }
}
