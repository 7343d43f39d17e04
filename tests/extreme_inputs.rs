//! "No panics on any input a caller can construct": policies with any day counts, commands at
//! instants across chrono's whole range, and allocation at the ends of time. Results may be
//! refusals; they must never be panics.

mod pool_support;

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
        instants in proptest::collection::vec(instant(), 16),
    ) {
        let (a, b) = (RepId(1), RepId(2));
        let team = Team::new([Rep::new(a, "a"), Rep::new(b, "b")]);
        let policy = pool_support::administered(policy);
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
        let manager = || leadpool::pool::Assigner::Manager;
        let script = [
            Command::Import { client: Box::new(client) },
            Command::Claim { client: id, rep: a },
            Command::FollowUp { client: id, rep: b, level: ContactLevel::Visit, note: String::new() },
            Command::FollowUp { client: id, rep: a, level: ContactLevel::Sample, note: String::new() },
            Command::Sweep,
            Command::SweepClient { client: id },
            Command::SetFlag { client: id, flag: leadpool::pool::Flag::Locked(false) },
            Command::Handover { client: id, to: b },
            Command::Transfer { from: b, to: a, scope: leadpool::pool::TransferScope::All },
            Command::MarkDeal { client: id, closed_by: b },
            Command::Release { client: id, rep: a, note: "test".into() },
            Command::Claim { client: id, rep: a },
            Command::Assign { client: id, rep: b, by: manager() },
            Command::MovePool { client: id, to: leadpool::ids::PoolId::DEFAULT },
            Command::ChangePolicy { policy: Box::new(policy.clone()) },
            Command::Claim { client: id, rep: b },
        ];
        for (command, at) in script.iter().zip(&instants) {
            let before = state.clone();
            if execute(&mut state, pool_support::actor_for(command), command.clone(), *at).is_err() {
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

/// Every strategy, fed the largest numbers a caller can build: weights and caps of u32::MAX
/// and 0, loads and receipts of u32::MAX, metrics near the largest float, lead inputs of 255,
/// at chrono's first and last instants. Decisions may name nobody; they never panic, never
/// name a rep off the team, and always explain themselves.
#[test]
fn every_allocator_survives_extreme_numbers_at_the_ends_of_time() {
    use leadpool::allocate::{
        LeadFactors, LeastLoaded, OwnerFirst, Ranking, RankingMode, RoundRobin, ScoreTier,
        ScoreWeighted, SkillMatch, TeamView, Territory,
    };
    use leadpool::calendar::Window;
    use leadpool::model::{DedupeKeys, LeadInputs, Metric, Metrics, Tier};
    use std::collections::BTreeMap;

    struct Extreme;
    impl TeamView for Extreme {
        fn open_load(&self, _: RepId) -> u32 {
            u32::MAX
        }
        fn received_in(&self, _: RepId, _: std::ops::Range<chrono::NaiveDate>) -> u32 {
            u32::MAX
        }
        fn held_in_region(&self, _: RepId, _: &leadpool::model::Region) -> u32 {
            u32::MAX
        }
    }
    let team = Team::new([
        Rep::new(RepId(1), "a")
            .with_weight(u32::MAX)
            .with_cap(u32::MAX)
            .with_tier(255)
            .with_regions(["CN".parse().unwrap()])
            .with_skills(["x"]),
        Rep::new(RepId(2), "b").with_weight(0).with_cap(0),
        Rep::new(RepId(u64::MAX), "c")
            .with_weight(u32::MAX)
            .with_tier(0),
    ]);
    let mut metrics = Metrics::new();
    let big = BTreeMap::from([(Metric::FollowUps, 1e6)]);
    let tiers = [ScoreTier {
        min_score: 0,
        rep_tiers: vec![Tier(0), Tier(255)],
    }];
    let strategies: Vec<(&str, Box<dyn Allocator>)> = vec![
        ("round_robin", Box::new(RoundRobin::new(&team))),
        ("territory", Box::new(Territory::new(&team))),
        ("skill", Box::new(SkillMatch::new(&team, ["x"]))),
        (
            "score",
            Box::new(ScoreWeighted::new(
                &team,
                LeadFactors {
                    budget: f64::MAX,
                    urgency: f64::MAX,
                    product_fit: f64::MAX,
                },
                &tiers,
            )),
        ),
        (
            "ranking",
            Box::new(Ranking::new(
                &team,
                "r",
                Window::ThisMonth,
                big.clone(),
                RankingMode::Top1,
            )),
        ),
        (
            "top_k",
            Box::new(Ranking::new(
                &team,
                "k",
                Window::PreviousWeek,
                big,
                RankingMode::TopK { k: u32::MAX },
            )),
        ),
        ("least_loaded", Box::new(LeastLoaded::new(u32::MAX))),
        ("owner_first", Box::new(OwnerFirst)),
        ("seed_default", Policy::seed_default().build(&team).unwrap()),
    ];
    for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        for day in [
            now.date_naive(),
            chrono::NaiveDate::MIN,
            chrono::NaiveDate::MAX,
        ] {
            for rep in [RepId(1), RepId(u64::MAX)] {
                metrics.record(rep, day, Metric::FollowUps, f64::MAX / 4.0);
            }
        }
        let lead = Client::new(
            ClientId(u64::MAX),
            "c",
            Source::TradeShow {
                received_by: RepId(u64::MAX),
            },
            now,
        )
        .with_region("CN/Guangdong".parse().unwrap())
        .with_tags(["x"])
        .with_lead(LeadInputs {
            budget: 255,
            urgency: 255,
            product_fit: 255,
        })
        .with_keys(DedupeKeys::from_raw(
            Some("ACME"),
            Some("+86 138 0013 8000"),
            None,
            None,
        ));
        for (name, strategy) in &strategies {
            let mut state = AllocState::new();
            for _ in 0..3 {
                let request = Request::new(&lead, &team, now)
                    .with_view(&Extreme)
                    .with_state(&state)
                    .with_metrics(&metrics)
                    .with_zone("+14:00".parse().unwrap());
                let decision = strategy.allocate(&request, &mut seeded(u64::MAX));
                if let Some(rep) = decision.rep {
                    assert!(team.get(rep).is_some(), "{name}: {rep} is not on the team");
                }
                assert!(
                    decision.explanation.decisive().is_some(),
                    "{name}: no explanation"
                );
                assert!(
                    decision.explanation.figure().is_none_or(f64::is_finite),
                    "{name}"
                );
                let _ = decision.explanation.to_string();
                state.apply(&decision);
            }
        }
    }
}
