//! "No panics on any input a caller can construct": policies with any day counts, commands at
//! instants across chrono's whole range, and allocation at the ends of time. Results may be
//! refusals; they must never be panics.

use chrono::{DateTime, TimeZone, Utc};
use leadpool::allocate::{
    AllocState, Allocator, EligibilityRules, IntakeQuota, Policy, Rejoin, Request, Team,
};
use leadpool::conflict::may_contact;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::RecycleKind;
use leadpool::model::{Client, ContactLevel, Rep, Source};
use leadpool::pool::{Command, Config, PoolPolicy, PoolState, RecycleRule, execute};
use leadpool::rng::seeded;
use proptest::prelude::*;

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
        (DateTime::<Utc>::MIN_UTC.timestamp()..DateTime::<Utc>::MAX_UTC.timestamp()).prop_map(
            |s| Utc
                .timestamp_opt(s, 0)
                .single()
                .unwrap_or(DateTime::<Utc>::MIN_UTC)
        ),
    ]
}

fn policy() -> impl Strategy<Value = PoolPolicy> {
    (
        (
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<u32>()),
            any::<u32>(),
        ),
        (
            any::<u32>(),
            proptest::option::of(any::<u32>()),
            any::<u32>(),
        ),
        (
            proptest::option::of(any::<u32>()),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            -1439i32..1440,
        ),
    )
        .prop_map(
            |(
                (cap, remind, release),
                (cooldown, daily, protection),
                (embargo, handover, recycle, before, zone),
            )| {
                PoolPolicy {
                    private_cap: cap,
                    remind_after_days: remind,
                    release_after_reminder_days: release,
                    cooldown_days: cooldown,
                    daily_claim_limit: daily,
                    protection_days: protection,
                    embargo_days: embargo,
                    handover_after_days: handover,
                    recycle: vec![RecycleRule::new(RecycleKind::NoDeal, recycle, before)],
                    zone: leadpool::TeamZone::east_minutes(zone).unwrap_or_default(),
                    ..PoolPolicy::default()
                }
            },
        )
}

proptest! {
    #[test]
    fn the_pool_never_panics_on_extreme_policies_and_instants(
        policy in policy(),
        instants in proptest::collection::vec(instant(), 8),
    ) {
        let (a, b) = (RepId(1), RepId(2));
        let team = Team::new([Rep::new(a, "a"), Rep::new(b, "b")]);
        let config = match Config::new(team, policy.clone()) {
            Ok(config) => config,
            Err(err) => {
                // The one invalid extreme: a reminder earlier than its rule could start.
                let rule = &policy.recycle[0];
                prop_assert!(rule.remind_before_days > rule.days, "{}", err);
                prop_assert_eq!(err.path, "recycle[0].remind_before_days");
                return Ok(());
            }
        };
        let mut state = PoolState::new(config);
        let id = ClientId(1);
        let client = Client::new(id, "c", Source::Website, instants[0]);
        let script = [
            Command::Import { client: Box::new(client) },
            Command::Claim { client: id, rep: a },
            Command::FollowUp { client: id, rep: b, level: ContactLevel::Visit, note: String::new() },
            Command::FollowUp { client: id, rep: a, level: ContactLevel::Sample, note: String::new() },
            Command::Sweep,
            Command::Release { client: id, rep: a, note: "test".into() },
            Command::Claim { client: id, rep: a },
            Command::Claim { client: id, rep: b },
        ];
        for (command, at) in script.iter().zip(&instants) {
            let before = state.clone();
            if execute(&mut state, command.clone(), *at).is_err() {
                prop_assert!(state == before, "a refused {:?} changed the state", command);
            }
            if let Some(c) = state.client(id) {
                let _ = may_contact(c, b, *at, policy.protection_days);
                // The ledgers agree with the one client's owner, whatever the instants.
                let held = |rep| u32::from(c.owner() == Some(rep));
                prop_assert_eq!(state.ledger(a).holding(), held(a));
                prop_assert_eq!(state.ledger(b).holding(), held(b));
            }
        }
    }
}

#[test]
fn allocation_at_the_ends_of_time_does_not_panic() {
    let team = Team::new([Rep::new(RepId(1), "a"), Rep::new(RepId(2), "b")]);
    let quota = IntakeQuota {
        per_day: Some(1),
        per_week: Some(1),
        per_rolling_30_days: Some(1),
    };
    let with_quota = Policy::Filter {
        rules: EligibilityRules {
            pool_rules: true,
            quota,
        },
        inner: Box::new(Policy::RoundRobin {
            key: None,
            rejoin: Rejoin::default(),
        }),
    };
    for policy in [Policy::seed_default(), with_quota] {
        let allocator = policy.build(&team).unwrap();
        for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for source in [
                Source::Website,
                Source::PlatformMaster,
                Source::DirectorySearch,
            ] {
                let lead = Client::new(ClientId(1), "c", source, now);
                let state = AllocState::new();
                let request = Request::new(&lead, &team, now)
                    .with_zone("+08:00".parse().unwrap())
                    .with_state(&state);
                let decision = allocator.allocate(&request, &mut seeded(1));
                match decision.rep {
                    Some(rep) => assert!(team.get(rep).is_some(), "{rep} is not on the team"),
                    None => assert!(
                        decision.explanation.decisive().is_some(),
                        "nobody, and no reason"
                    ),
                }
            }
        }
    }
}
