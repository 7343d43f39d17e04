//! Invariants of the allocation strategies, checked with proptest.

mod alloc_support;

use alloc_support::{MapView, client, now, region};
use chrono::{Duration, NaiveDate};
use leadpool::allocate::{
    AllocState, Allocator, Decision, Explanation, LeadFactors, LeastLoaded, Policy, Ranking,
    RankingMode, Request, RoundRobin, ScoreTier, ScoreWeighted, SkillMatch, Team, Territory,
};
use leadpool::calendar::Window;
use leadpool::ids::RepId;
use leadpool::model::{Availability, LeadInputs, Metric, Metrics, Region, Rep, Source, Tier};
use leadpool::reason::{ExclusionReason, Refusal, Step};
use leadpool::rng::seeded;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A rep as proptest draws it: weight, tier, availability (0 active, 1 on leave, 2 inactive),
/// refused by the pool, region index, skills bitmask.
type RepSpec = (u32, u8, u8, bool, usize, u8);

const REGIONS: [&str; 6] = [
    "",
    "CN",
    "CN/Guangdong",
    "CN/Guangdong/Shenzhen",
    "CN/Zhejiang",
    "US",
];
const SKILLS: [&str; 4] = ["technical", "price-driven", "chemicals", "textiles"];

fn build(specs: &[RepSpec]) -> (Team, MapView) {
    let mut view = MapView::default();
    let reps = specs
        .iter()
        .enumerate()
        .map(|(i, &(w, tier, avail, refused, reg, skills))| {
            let id = RepId(i as u64 + 1);
            if refused {
                view.refuse
                    .insert(id, Refusal::CapReached { holding: 5, cap: 5 });
            }
            view.load.insert(id, (i as u32 * 7) % 5);
            let availability = match avail {
                0 => Availability::Active,
                1 => Availability::OnLeave {
                    until: now() + Duration::days(2),
                },
                _ => Availability::Inactive,
            };
            Rep::new(id, format!("rep {i}"))
                .with_weight(w)
                .with_tier(tier)
                .with_availability(availability)
                .with_regions([region(REGIONS[reg])])
                .with_skills(
                    SKILLS
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| skills & (1 << b) != 0)
                        .map(|(_, s)| *s),
                )
        });
    let team = Team::new(reps.collect::<Vec<_>>());
    (team, view)
}

fn rep_spec() -> impl Strategy<Value = RepSpec> {
    (0u32..4, 0u8..3, 0u8..3, any::<bool>(), 0usize..6, 0u8..16)
}

fn strategies(team: &Team) -> Vec<(&'static str, Box<dyn Allocator>)> {
    let tiers = [
        ScoreTier {
            min_score: 60,
            rep_tiers: vec![Tier(2)],
        },
        ScoreTier {
            min_score: 0,
            rep_tiers: vec![Tier(0), Tier(1)],
        },
    ];
    let weights = BTreeMap::from([(Metric::FollowUps, 1.0)]);
    vec![
        ("round_robin", Box::new(RoundRobin::new(team))),
        ("territory", Box::new(Territory::new(team))),
        (
            "territory_with_default",
            Box::new(Territory::new(team).with_default(Box::new(LeastLoaded::new(4)))),
        ),
        ("skill", Box::new(SkillMatch::new(team, ["technical"]))),
        (
            "score",
            Box::new(ScoreWeighted::new(team, LeadFactors::default(), &tiers)),
        ),
        (
            "ranking",
            Box::new(Ranking::new(
                team,
                "r",
                Window::ThisMonth,
                weights,
                RankingMode::TopK { k: 3 },
            )),
        ),
        ("least_loaded", Box::new(LeastLoaded::new(4))),
        (
            "seed_default",
            Policy::seed_default()
                .build(team)
                .expect("the default policy builds"),
        ),
    ]
}

proptest! {
    #[test]
    fn an_ineligible_rep_is_never_chosen(
        specs in proptest::collection::vec(rep_spec(), 1..24),
        leads in proptest::collection::vec((0usize..6, 0u8..7, 0u8..101, 0u8..16), 1..12),
        seed in any::<u64>(),
    ) {
        let (team, view) = build(&specs);
        let mut metrics = Metrics::new();
        for (i, _) in specs.iter().enumerate() {
            let day = NaiveDate::from_ymd_opt(2026, 11, 1 + (i as u32 % 20)).unwrap();
            metrics.record(RepId(i as u64 + 1), day, Metric::FollowUps, (i % 4) as f64);
        }
        let rules = leadpool::allocate::EligibilityRules::default();
        for (name, strategy) in strategies(&team) {
            let mut state = AllocState::new();
            let mut rng = seeded(seed);
            for (n, &(reg, src, score, tags)) in leads.iter().enumerate() {
                let source = match src {
                    0 => Source::TradeShow { received_by: RepId(1 + (n % specs.len()) as u64) },
                    1 => Source::PlatformSubAccount { rep: RepId(1) },
                    2 => Source::PlatformMaster,
                    3 => Source::Website,
                    4 => Source::DirectorySearch,
                    5 => Source::PurchasedList,
                    _ => Source::Other { label: "fair".into() },
                };
                let lead = client(n as u64, source)
                    .with_region(region(REGIONS[reg]))
                    .with_lead(LeadInputs { budget: score, urgency: score, product_fit: score })
                    .with_tags(SKILLS.iter().enumerate().filter(|(b, _)| tags & (1 << b) != 0).map(|(_, s)| *s));
                let request = Request::new(&lead, &team, now())
                    .with_view(&view)
                    .with_state(&state)
                    .with_metrics(&metrics)
                    .with_eligibility(&rules);
                let decision = strategy.allocate(&request, &mut rng);
                if let Some(rep) = decision.rep {
                    let found = team.get(rep).expect("chosen reps are team members");
                    prop_assert!(request.check(found).is_none(), "{name} chose ineligible {rep}");
                }
                state.apply(&decision);
            }
        }
    }

    #[test]
    fn equal_weight_round_robin_counts_differ_by_at_most_one_over_any_prefix(
        n in 1usize..40, turns in 1usize..300,
    ) {
        let team = Team::new((1..=n as u64).map(|i| Rep::new(RepId(i), "r")));
        let rr = RoundRobin::new(&team);
        let mut state = AllocState::new();
        let mut counts = vec![0u32; n];
        let lead = client(1, Source::DirectorySearch);
        for _ in 0..turns {
            let d = rr.allocate(&Request::new(&lead, &team, now()).with_state(&state), &mut seeded(0));
            counts[d.rep.unwrap().0 as usize - 1] += 1;
            state.apply(&d);
            let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            prop_assert!(hi - lo <= 1, "{counts:?}");
        }
    }

    #[test]
    fn weighted_round_robin_shares_stay_within_one_of_weight_times_turns(
        weights in proptest::collection::vec(1u32..9, 1..20), turns in 1usize..400,
    ) {
        let team = Team::new(weights.iter().enumerate().map(|(i, w)| Rep::new(RepId(i as u64 + 1), "r").with_weight(*w)));
        let total: u32 = weights.iter().sum();
        let rr = RoundRobin::new(&team);
        let mut state = AllocState::new();
        let mut counts = vec![0i64; weights.len()];
        let lead = client(1, Source::DirectorySearch);
        for t in 1..=turns as i64 {
            let d = rr.allocate(&Request::new(&lead, &team, now()).with_state(&state), &mut seeded(0));
            counts[d.rep.unwrap().0 as usize - 1] += 1;
            state.apply(&d);
            for (c, w) in counts.iter().zip(&weights) {
                // |c - w t / W| <= 1, in integers.
                let lag = (c * i64::from(total) - i64::from(*w) * t).abs();
                prop_assert!(lag <= i64::from(total), "turn {t}: {counts:?} for {weights:?}");
            }
        }
    }

    #[test]
    fn score_weighted_shares_converge_to_the_weights(
        weights in proptest::collection::vec(1u32..6, 2..8), seed in any::<u64>(),
    ) {
        let team = Team::new(weights.iter().enumerate().map(|(i, w)| Rep::new(RepId(i as u64 + 1), "r").with_weight(*w)));
        let tiers = [ScoreTier { min_score: 0, rep_tiers: vec![Tier(0)] }];
        let strategy = ScoreWeighted::new(&team, LeadFactors::default(), &tiers);
        let draws = 4000u32;
        let mut counts = vec![0u32; weights.len()];
        let mut rng = seeded(seed);
        let lead = client(1, Source::Website);
        for _ in 0..draws {
            let d = strategy.allocate(&Request::new(&lead, &team, now()), &mut rng);
            counts[d.rep.unwrap().0 as usize - 1] += 1;
        }
        let total: u32 = weights.iter().sum();
        let chi2: f64 = counts.iter().zip(&weights).map(|(c, w)| {
            let expected = f64::from(draws) * f64::from(*w) / f64::from(total);
            (f64::from(*c) - expected).powi(2) / expected
        }).sum();
        // df = k - 1 <= 6; the 1e-6 tail of chi-square with 6 df is about 35.9.
        prop_assert!(chi2 < 36.0, "chi2 {chi2} for {counts:?} vs {weights:?}");
    }

    #[test]
    fn territory_always_picks_the_most_specific_covering_territory(
        reps in proptest::collection::vec(0usize..6, 1..12), target in 0usize..6, leaf in any::<bool>(),
    ) {
        let team = Team::new(reps.iter().enumerate().map(|(i, r)| Rep::new(RepId(i as u64 + 1), "r").with_regions([region(REGIONS[*r])])));
        let mut client_region: Region = region(REGIONS[target]);
        if leaf {
            client_region = region(&format!("{}/Leaf", REGIONS[target].trim_start_matches('/'))).clone();
            if REGIONS[target].is_empty() { client_region = region("XX"); }
        }
        let lead = client(1, Source::DirectorySearch).with_region(client_region.clone());
        let d = Territory::new(&team).allocate(&Request::new(&lead, &team, now()), &mut seeded(1));
        let deepest = team.reps().iter().flat_map(|r| r.regions.iter()).filter(|t| t.covers(&client_region)).map(Region::depth).max();
        match (d.rep, deepest) {
            (Some(rep), Some(depth)) => {
                let held = &team.get(rep).unwrap().regions[0];
                prop_assert!(held.covers(&client_region) && held.depth() == depth, "{rep} holds {held}, deepest {depth}");
            }
            (None, None) => {}
            (got, want) => prop_assert!(false, "got {got:?}, deepest covering depth {want:?}"),
        }
    }

    /// A decision kept by the caller and allocated into, again and again, holds exactly what
    /// `allocate` returns each time (whatever it held before: steps, exclusions past the listed
    /// ones, a figure, updates), and both draw the same from the RNG: the strategies that build
    /// in place (round-robin) and the ones that keep the default.
    #[test]
    fn allocating_into_a_kept_decision_gives_what_allocate_returns(
        specs in proptest::collection::vec(rep_spec(), 1..24),
        leads in proptest::collection::vec((0usize..6, 0u8..101), 1..12),
        seed in any::<u64>(),
    ) {
        let (team, view) = build(&specs);
        for (name, strategy) in strategies(&team) {
            let (mut state, mut kept_state) = (AllocState::new(), AllocState::new());
            let (mut rng, mut kept_rng) = (seeded(seed), seeded(seed));
            // Left over from elsewhere: every part of a decision holds something.
            let mut kept = RoundRobin::new(&team)
                .allocate(&Request::new(&client(99, Source::Website), &team, now()), &mut seeded(1));
            kept.explanation = Explanation::new(Step::Custom { rule: "old".into(), rep: None })
                .with_figure(2.5)
                .with_considered(40);
            for k in 0..12 {
                kept.explanation.exclude(RepId(k), ExclusionReason::Refused(Refusal::NotOnTeam));
            }
            for (n, &(reg, score)) in leads.iter().enumerate() {
                let source = if n % 2 == 0 { Source::DirectorySearch } else { Source::Website };
                let lead = client(n as u64, source)
                    .with_region(region(REGIONS[reg]))
                    .with_lead(LeadInputs { budget: score, urgency: score, product_fit: score })
                    .with_tags(["technical"]);
                let request = Request::new(&lead, &team, now()).with_view(&view);
                let decision = strategy.allocate(&request.with_state(&state), &mut rng);
                strategy.allocate_into(&request.with_state(&kept_state), &mut kept_rng, &mut kept);
                prop_assert_eq!(&kept, &decision, "{}", name);
                state.apply(&decision);
                kept_state.apply(&kept);
            }
            prop_assert_eq!(&kept_rng, &rng, "{}", name);
        }
    }

    #[test]
    fn same_seed_and_inputs_give_the_same_decisions_which_round_trip_through_serde(
        specs in proptest::collection::vec(rep_spec(), 1..16), seed in any::<u64>(),
    ) {
        let (team, view) = build(&specs);
        let run = || -> Vec<Decision> {
            let mut out = Vec::new();
            for (_, strategy) in strategies(&team) {
                let mut state = AllocState::new();
                let mut rng = seeded(seed);
                for n in 0..8u64 {
                    let source = if n % 2 == 0 { Source::DirectorySearch } else { Source::Website };
                    let lead = client(n, source).with_region(region(REGIONS[n as usize % 6]))
                        .with_lead(LeadInputs { budget: (n * 13 % 101) as u8, urgency: 50, product_fit: 70 })
                        .with_tags(["technical"]);
                    let request = Request::new(&lead, &team, now()).with_view(&view).with_state(&state);
                    let d = strategy.allocate(&request, &mut rng);
                    state.apply(&d);
                    out.push(d);
                }
                let json = serde_json::to_string(&state).unwrap();
                let back: AllocState = serde_json::from_str(&json).unwrap();
                assert_eq!(back, state);
            }
            out
        };
        let first = run();
        prop_assert_eq!(&first, &run());
        for d in &first {
            let json = serde_json::to_string(d).unwrap();
            let back: Decision = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, d);
        }
    }
}
