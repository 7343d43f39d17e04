//! The peers' lessons, each a requirement: dry runs, tie-breaks, leave calibration, quotas,
//! the unassigned queue, restarts, composition.

mod alloc_support;

use alloc_support::{MapView, client, now, region};
use chrono::Duration;
use leadpool::allocate::{
    AllocState, Allocator, Decision, EligibilityRules, Explanation, Fallback, Filter, IntakeQuota,
    LeastLoaded, OwnerFirst, Policy, Rejoin, Request, RoundRobin, Router, SkillMatch, StateUpdate,
    Team, UnassignedQueue, from_fn,
};
use leadpool::config::ConfigRule;
use leadpool::ids::RepId;
use leadpool::label::Label;
use leadpool::model::{Availability, Rep, Source, SourceKind};
use leadpool::reason::{ExclusionReason, QuotaPeriod, Refusal, Step};
use leadpool::rng::seeded;

fn three() -> Team {
    Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))))
}

fn run(alloc: &dyn Allocator, team: &Team, state: &mut AllocState, n: usize) -> Vec<u64> {
    let lead = client(1, Source::DirectorySearch);
    (0..n)
        .map(|_| {
            let d = alloc.allocate(
                &Request::new(&lead, team, now()).with_state(state),
                &mut seeded(0),
            );
            state.apply(&d);
            d.rep.map_or(0, |r| r.0)
        })
        .collect()
}

#[test]
fn a_decision_is_a_dry_run_until_the_caller_applies_it() {
    let team = three();
    let rr = RoundRobin::new(&team);
    let state = AllocState::new();
    let lead = client(1, Source::DirectorySearch);
    let request = Request::new(&lead, &team, now()).with_state(&state);
    let first = rr.allocate(&request, &mut seeded(0));
    let again = rr.allocate(&request, &mut seeded(0));
    assert_eq!(first, again, "previewing twice changes nothing");
    assert_eq!(state, AllocState::new());
    let mut applied = state.clone();
    applied.apply(&first);
    let next = rr.allocate(
        &Request::new(&lead, &team, now()).with_state(&applied),
        &mut seeded(0),
    );
    assert_ne!(
        next.rep, first.rep,
        "applying the decision advances the rotation"
    );
}

#[test]
fn ties_go_to_the_rep_waiting_longest_then_the_lower_id_never_record_order() {
    let team = three();
    let mut view = MapView::default();
    view.last.insert(RepId(1), now() - Duration::hours(1));
    view.last.insert(RepId(2), now() - Duration::hours(5));
    view.last.insert(RepId(3), now() - Duration::hours(2));
    let lead = client(1, Source::Other { label: "x".into() });
    let request = Request::new(&lead, &team, now()).with_view(&view);
    let d = LeastLoaded::new(10).allocate(&request, &mut seeded(0));
    assert_eq!(d.rep, Some(RepId(2)));
    view.last.clear();
    let request = Request::new(&lead, &team, now()).with_view(&view);
    assert_eq!(
        LeastLoaded::new(10).allocate(&request, &mut seeded(0)).rep,
        Some(RepId(1))
    );
}

#[test]
fn inactive_reps_are_never_in_the_rotation() {
    let team = Team::new([
        Rep::new(RepId(1), "a"),
        Rep::new(RepId(2), "b").with_availability(Availability::Inactive),
        Rep::new(RepId(3), "c"),
    ]);
    let picks = run(&RoundRobin::new(&team), &team, &mut AllocState::new(), 12);
    assert!(!picks.contains(&2));
    assert_eq!(picks.iter().filter(|p| **p == 1).count(), 6);
}

#[test]
fn a_rep_back_from_leave_rejoins_at_the_team_level_without_a_catch_up_flood() {
    let leave = Availability::OnLeave {
        until: now() + Duration::days(1),
    };
    let away = Team::new([
        Rep::new(RepId(1), "a"),
        Rep::new(RepId(2), "b"),
        Rep::new(RepId(3), "c").with_availability(leave),
    ]);
    let back = three();
    for rejoin in [Rejoin::Calibrate, Rejoin::KeepPlace] {
        let mut state = AllocState::new();
        run(
            &RoundRobin::new(&away).with_rejoin(rejoin),
            &away,
            &mut state,
            30,
        );
        let picks = run(
            &RoundRobin::new(&back).with_rejoin(rejoin),
            &back,
            &mut state,
            12,
        );
        let streak = picks.iter().take_while(|p| **p == 3).count();
        if rejoin == Rejoin::Calibrate {
            assert!(streak <= 1, "no flood: {picks:?}");
            assert_eq!(
                picks.iter().filter(|p| **p == 3).count(),
                4,
                "no starvation: {picks:?}"
            );
        } else {
            assert!(
                streak >= 10,
                "keeping its place, rep 3 catches up: {picks:?}"
            );
        }
    }
}

#[test]
fn adding_a_rep_neither_resets_the_rotation_nor_serves_anyone_twice_in_a_row() {
    let team = three();
    let mut state = AllocState::new();
    let before = run(&RoundRobin::new(&team), &team, &mut state, 2);
    assert_eq!(before, vec![1, 2]);
    let bigger = Team::new((1..=4).map(|i| Rep::new(RepId(i), "r")));
    let after = run(&RoundRobin::new(&bigger), &bigger, &mut state, 4);
    assert_ne!(after[0], 1, "rep 1 already had its turn: {after:?}");
    assert_eq!(
        after[0], 3,
        "rep 3 is next, as before the change: {after:?}"
    );
    let mut sorted = after.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 4, "each of the four once: {after:?}");
}

#[test]
fn a_restart_from_serialised_state_continues_the_rotation() {
    let team = Team::new((1..=5).map(|i| Rep::new(RepId(i), "r").with_weight(i as u32)));
    let rr = RoundRobin::new(&team);
    let mut live = AllocState::new();
    run(&rr, &team, &mut live, 7);
    let mut restored: AllocState =
        serde_json::from_str(&serde_json::to_string(&live).unwrap()).unwrap();
    assert_eq!(
        run(&rr, &team, &mut restored, 20),
        run(&rr, &team, &mut live, 20)
    );
}

#[test]
fn intake_quotas_per_day_week_and_30_days_exclude_with_reasons() {
    let team = three();
    let mut view = MapView::default();
    let today = now().date_naive();
    view.received.insert(RepId(1), vec![today; 3]);
    view.received
        .insert(RepId(2), vec![today - Duration::days(1); 8]);
    view.received
        .insert(RepId(3), vec![today - Duration::days(20); 30]);
    let rules = EligibilityRules {
        pool_rules: true,
        quota: IntakeQuota {
            per_day: Some(3),
            per_week: Some(8),
            per_rolling_30_days: Some(30),
        },
    };
    let filtered = Filter::new(RoundRobin::new(&team), rules);
    let lead = client(1, Source::DirectorySearch);
    let d = filtered.allocate(
        &Request::new(&lead, &team, now()).with_view(&view),
        &mut seeded(0),
    );
    assert_eq!(d.rep, None);
    let periods: Vec<Option<QuotaPeriod>> = d
        .explanation
        .excluded()
        .map(|e| match &e.reason {
            ExclusionReason::OverQuota { period, .. } => Some(*period),
            _ => None,
        })
        .collect();
    assert_eq!(
        periods,
        [
            Some(QuotaPeriod::Day),
            Some(QuotaPeriod::Week),
            Some(QuotaPeriod::Rolling30Days)
        ]
    );
}

#[test]
fn pool_refusals_exclude_reps_and_nobody_eligible_goes_to_the_visible_queue() {
    let team = three();
    let mut view = MapView::default();
    for i in 1..=3 {
        view.refuse
            .insert(RepId(i), Refusal::CapReached { holding: 9, cap: 9 });
    }
    let policy = Policy::seed_default().build(&team).unwrap();
    let lead = client(42, Source::Website);
    let d = policy.allocate(
        &Request::new(&lead, &team, now()).with_view(&view),
        &mut seeded(0),
    );
    assert_eq!(d.rep, None);
    let mut queue = UnassignedQueue::new();
    assert!(queue.record(&d, now()));
    let (at, queued) = queue.iter().next().unwrap();
    assert_eq!((at, queued.client), (now(), lead.id()));
    let text = serde_json::to_string(&queue).unwrap();
    assert!(text.contains("cap_reached"), "{text}");
    let back: UnassignedQueue = serde_json::from_str(&text).unwrap();
    assert_eq!(back, queue);
    // Once someone has room, the lead is placed and leaves the queue.
    view.refuse.remove(&RepId(2));
    let d = policy.allocate(
        &Request::new(&lead, &team, now()).with_view(&view),
        &mut seeded(0),
    );
    assert_eq!(d.rep, Some(RepId(2)));
    assert!(!queue.record(&d, now()));
    assert!(queue.is_empty());
}

#[test]
fn nested_filters_apply_both_rules() {
    let team = three();
    let not_one = |_: &Request<'_>, rep: &Rep| {
        (rep.id == RepId(1)).then(|| ExclusionReason::Custom {
            rule: Label::new("one"),
        })
    };
    let not_two = |_: &Request<'_>, rep: &Rep| {
        (rep.id == RepId(2)).then(|| ExclusionReason::Custom {
            rule: Label::new("two"),
        })
    };
    let both = Filter::new(Filter::new(RoundRobin::new(&team), not_two), not_one);
    let picks = run(&both, &team, &mut AllocState::new(), 4);
    assert_eq!(picks, [3, 3, 3, 3]);
}

#[test]
fn fallback_and_router_compose_and_explain_each_step() {
    let team = three();
    let nobody = from_fn(|req: &Request<'_>, _rng: &mut dyn leadpool::rng::Rng| {
        let step = Step::Custom {
            rule: Label::new("closure"),
            rep: None,
        };
        Decision::unassigned(req.client().id(), Explanation::new(step))
    });
    let chain = Fallback::new(vec![Box::new(nobody), Box::new(LeastLoaded::new(5))]);
    let router = Router::new()
        .route(SourceKind::TradeShow, Box::new(OwnerFirst))
        .otherwise(Box::new(chain));
    let lead = client(1, Source::Website);
    let d = router.allocate(&Request::new(&lead, &team, now()), &mut seeded(0));
    assert_eq!(d.rep, Some(RepId(1)));
    let steps: Vec<&Step> = d.explanation.steps().collect();
    assert!(
        matches!(
            steps[..],
            [
                Step::Routed {
                    source: SourceKind::Website
                },
                Step::Custom { .. },
                Step::LeastLoaded { rep: RepId(1), .. },
                Step::FallbackDecided { attempt: 2 },
            ]
        ),
        "{steps:?}"
    );
}

#[test]
fn skill_match_requires_required_tags_scores_desired_ones_then_prefers_lower_load() {
    let team = Team::new([
        Rep::new(RepId(1), "a").with_skills(["technical"]),
        Rep::new(RepId(2), "b").with_skills(["technical", "chemicals"]),
        Rep::new(RepId(3), "c").with_skills(["technical", "chemicals"]),
        Rep::new(RepId(4), "d").with_skills(["chemicals", "textiles"]),
    ]);
    let skill = SkillMatch::new(&team, ["technical"]);
    let mut view = MapView::default();
    view.load.insert(RepId(2), 7);
    view.load.insert(RepId(3), 2);
    let lead = client(1, Source::Website).with_tags(["technical", "chemicals"]);
    let d = skill.allocate(
        &Request::new(&lead, &team, now()).with_view(&view),
        &mut seeded(0),
    );
    assert_eq!(d.rep, Some(RepId(3)));
    assert_eq!(d.explanation.figure(), Some(1.0));
    let exotic = client(2, Source::Website).with_tags(["nuclear"]);
    let strict = SkillMatch::new(&team, ["nuclear"]);
    assert_eq!(
        strict
            .allocate(&Request::new(&exotic, &team, now()), &mut seeded(0))
            .rep,
        None
    );
}

#[test]
fn explanations_stay_bounded_on_a_large_team() {
    let team = Team::new((1..=5000).map(|i| Rep::new(RepId(i), "r")));
    let mut view = MapView::default();
    for i in 1..=5000 {
        view.refuse.insert(
            RepId(i),
            Refusal::DailyLimit {
                claims: 3,
                limit: 3,
                day: now().date_naive(),
            },
        );
    }
    let d = Filter::new(LeastLoaded::new(9), EligibilityRules::default()).allocate(
        &Request::new(&client(1, Source::Website), &team, now()).with_view(&view),
        &mut seeded(0),
    );
    assert_eq!(d.explanation.considered(), 5000);
    assert_eq!(
        d.explanation.excluded().count(),
        8,
        "the first 8 are listed"
    );
    assert_eq!(d.explanation.excluded_total(), 5000);
    assert!(
        d.explanation.to_string().ends_with("and 4992 more]"),
        "{}",
        d.explanation
    );
}

#[test]
fn bad_policies_are_refused_with_typed_errors() {
    let team = three();
    let empty: Policy = serde_json::from_str(r#"{"strategy":"fallback","chain":[]}"#).unwrap();
    let err = empty.build(&team).err().unwrap();
    assert_eq!(
        (err.path.as_str(), &err.rule),
        ("chain", &ConfigRule::Empty)
    );
    let unknown: Policy =
        serde_json::from_str(r#"{"strategy":"territory","territories":{"CN/Guangdong":[1,99]}}"#)
            .unwrap();
    let err = unknown.build(&team).err().unwrap();
    assert_eq!(err.path, "territories.CN/Guangdong");
    assert_eq!(err.rule, ConfigRule::UnknownRep { rep: RepId(99) });
    let zero_k: Policy =
        serde_json::from_str(r#"{"strategy":"ranking","weights":{"x":1.0},"mode":"top_k","k":0}"#)
            .unwrap();
    assert_eq!(zero_k.build(&team).err().unwrap().path, "k");
}

#[test]
fn rotation_state_grows_by_one_small_update_per_decision_once_installed() {
    let team = Team::new((1..=1000).map(|i| Rep::new(RepId(i), "r")));
    let rr = RoundRobin::new(&team);
    let mut state = AllocState::new();
    let lead = client(1, Source::DirectorySearch).with_region(region("CN"));
    let first = rr.allocate(
        &Request::new(&lead, &team, now()).with_state(&state),
        &mut seeded(0),
    );
    assert_eq!(update_kinds(&first), ["rotation", "served"]);
    state.apply(&first);
    let second = rr.allocate(
        &Request::new(&lead, &team, now()).with_state(&state),
        &mut seeded(0),
    );
    assert_eq!(update_kinds(&second), ["served"]);
}

#[test]
fn high_value_leads_go_to_senior_reps_and_low_value_leads_to_newcomers() {
    use leadpool::allocate::{LeadFactors, ScoreTier, ScoreWeighted};
    use leadpool::model::{LeadInputs, Tier};
    let team = Team::new([
        Rep::new(RepId(1), "veteran").with_tier(2),
        Rep::new(RepId(2), "newcomer").with_tier(0),
        Rep::new(RepId(3), "newcomer").with_tier(0).with_weight(3),
    ]);
    let bands = [
        ScoreTier {
            min_score: 75,
            rep_tiers: vec![Tier(2)],
        },
        ScoreTier {
            min_score: 0,
            rep_tiers: vec![Tier(0)],
        },
    ];
    let strategy = ScoreWeighted::new(&team, LeadFactors::default(), &bands);
    let rated = |x| {
        client(1, Source::Website).with_lead(LeadInputs {
            budget: x,
            urgency: x,
            product_fit: x,
        })
    };
    let mut rng = seeded(9);
    let big = strategy.allocate(&Request::new(&rated(90), &team, now()), &mut rng);
    assert_eq!(big.rep, Some(RepId(1)));
    assert_eq!(big.explanation.figure(), Some(90.0));
    let small: Vec<RepId> = (0..400)
        .filter_map(|_| {
            strategy
                .allocate(&Request::new(&rated(20), &team, now()), &mut rng)
                .rep
        })
        .collect();
    assert!(!small.contains(&RepId(1)));
    let heavy = small.iter().filter(|r| **r == RepId(3)).count();
    assert!(
        (250..350).contains(&heavy),
        "weight 3 of 4 -> about 300 of 400, got {heavy}"
    );
}

#[test]
fn a_ranking_is_computed_once_per_period_and_top_k_shares_in_proportion() {
    use chrono::NaiveDate;
    use leadpool::allocate::{Ranking, RankingMode};
    use leadpool::calendar::Window;
    use leadpool::model::{Metric, Metrics};
    use std::collections::BTreeMap;
    let team = Team::new((1..=4).map(|i| Rep::new(RepId(i), "r")));
    let mut metrics = Metrics::new();
    let day = NaiveDate::from_ymd_opt(2026, 11, 17).unwrap();
    metrics.record(RepId(1), day, "deals", 3.0);
    metrics.record(RepId(2), day, "deals", 1.0);
    metrics.record(RepId(4), day, "deals", 0.5);
    let weights = BTreeMap::from([(Metric::from("deals"), 1.0)]);
    let ranking = Ranking::new(
        &team,
        "top2",
        Window::PreviousWeek,
        weights,
        RankingMode::TopK { k: 2 },
    );
    let lead = client(1, Source::Website);
    let mut state = AllocState::new();
    let mut rng = seeded(5);
    let mut counts = [0u32; 5];
    for i in 0..400 {
        let request = Request::new(&lead, &team, now())
            .with_state(&state)
            .with_metrics(&metrics);
        let d = ranking.allocate(&request, &mut rng);
        let recomputed = d.updates().any(|u| update_kind(u) == "standings");
        assert_eq!(
            recomputed,
            i == 0,
            "computed on the first lead of the period only"
        );
        counts[d.rep.unwrap().0 as usize] += 1;
        state.apply(&d);
    }
    assert_eq!(
        counts[3] + counts[4],
        0,
        "only the top two share: {counts:?}"
    );
    assert!(
        (260..340).contains(&counts[1]),
        "3:1 split expected: {counts:?}"
    );
    // A week later the period has changed: the ranking is computed again.
    let next_week = Request::new(&lead, &team, now() + Duration::days(7))
        .with_state(&state)
        .with_metrics(&metrics);
    let d = ranking.allocate(&next_week, &mut rng);
    assert!(d.updates().any(|u| update_kind(u) == "standings"));
}

/// The `"update"` tag an update serialises with: what it changes.
fn update_kind(update: &StateUpdate) -> String {
    serde_json::to_value(update).unwrap()["update"]
        .as_str()
        .unwrap()
        .to_string()
}

fn update_kinds(decision: &leadpool::allocate::Decision) -> Vec<String> {
    decision.updates().map(update_kind).collect()
}
