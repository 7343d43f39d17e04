//! The per-decision path allocates nothing, whatever the team size: selection walks indexes
//! without allocating, and the decision, its typed explanation and its state update are plain
//! values (names of rotations and rankings are shared labels, not copied strings).

mod counting;

use chrono::{NaiveDate, TimeZone, Utc};
use leadpool::allocate::{
    AllocState, Allocator, LeadFactors, Ranking, RankingMode, Request, RoundRobin, ScoreTier,
    ScoreWeighted, SkillMatch, Team, Territory,
};
use leadpool::calendar::Window;
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, LeadInputs, Metric, Metrics, Rep, Source, Tier};
use leadpool::rng::seeded;
use std::collections::BTreeMap;

fn team(n: u64) -> Team {
    Team::new((1..=n).map(|i| {
        Rep::new(RepId(i), "r")
            .with_weight(i as u32 % 3 + 1)
            .with_tier(i as u8 % 2)
            .with_regions([format!("CN/P{}", i % 7).parse().unwrap()])
            .with_skills([format!("t{}", i % 5)])
    }))
}

/// Allocations made by one decision, after a warm-up decision has been applied.
fn allocations_per_decision(n: u64, which: usize) -> usize {
    let team = team(n);
    let tiers = [ScoreTier {
        min_score: 0,
        rep_tiers: vec![Tier(0), Tier(1)],
    }];
    let weights = BTreeMap::from([(Metric::FollowUps, 1.0)]);
    let allocator: Box<dyn Allocator> = match which {
        0 => Box::new(RoundRobin::new(&team)),
        1 => Box::new(Territory::new(&team)),
        2 => Box::new(ScoreWeighted::new(&team, LeadFactors::default(), &tiers)),
        3 => Box::new(Ranking::new(
            &team,
            "k",
            Window::PreviousWeek,
            weights,
            RankingMode::Top1,
        )),
        _ => Box::new(SkillMatch::new(&team, ["t1"])),
    };
    let mut metrics = Metrics::new();
    let day = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
    metrics.record(RepId(n), day, Metric::FollowUps, 3.0);
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let lead = Client::new(ClientId(1), "c", Source::Website, now)
        .with_region("CN/P3/City".parse().unwrap())
        .with_tags(["t1"])
        .with_lead(LeadInputs::default());
    let mut state = AllocState::new();
    let mut rng = seeded(3);
    for _ in 0..3 {
        let request = Request::new(&lead, &team, now)
            .with_state(&state)
            .with_metrics(&metrics);
        let d = allocator.allocate(&request, &mut rng);
        state.apply(&d);
    }
    let request = Request::new(&lead, &team, now)
        .with_state(&state)
        .with_metrics(&metrics);
    let before = counting::allocations();
    let decision = allocator.allocate(&request, &mut rng);
    let after = counting::allocations();
    assert!(decision.rep.is_some());
    after - before
}

#[test]
fn a_decision_allocates_nothing_at_any_team_size() {
    for (which, name) in ["round_robin", "territory", "score", "ranking", "skill"]
        .iter()
        .enumerate()
    {
        let small = allocations_per_decision(12, which);
        let large = allocations_per_decision(20_000, which);
        assert_eq!(
            small, large,
            "{name}: {small} allocations at 12 reps, {large} at 20,000"
        );
        assert_eq!(small, 0, "{name}: {small} allocations per decision");
    }
}
