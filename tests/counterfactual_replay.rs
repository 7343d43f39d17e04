//! The counterfactual replay (`leadpool::sim::Counterfactual`) on a model with known rates:
//! a run is a pure function of its seed, and outcomes follow the model and the stated
//! assumptions.
#![cfg(feature = "sim")]

use chrono::{Duration, TimeZone, Utc};
use leadpool::allocate::{LearnedPolicy, RoundRobin, Team};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Rep, Source};
use leadpool::sim::{Assumptions, Counterfactual, Fixed, Interval, Lead, OutcomeModel, Summary};

/// Known rates: rep `a` wins a lead of segment `s` with probability 0.3 + 0.1·a + 0.1·s;
/// segment 0 deals are worth 100, segment 1 deals 1,000; rep `a` closes in 10·(a + 1) days.
struct Known;

impl OutcomeModel for Known {
    fn win_probability(&self, agent: usize, segment: usize, _context: usize) -> f64 {
        0.3 + 0.1 * agent as f64 + 0.1 * segment as f64
    }
    fn observed(&self, _agent: usize) -> bool {
        true
    }
    fn value(&self, segment: usize) -> f64 {
        if segment == 0 { 100.0 } else { 1000.0 }
    }
    fn days_to_close(&self, agent: usize, _u: f64) -> f64 {
        10.0 * (agent + 1) as f64
    }
}

fn small_world() -> (Team, Vec<Lead>, Known) {
    let team = Team::new((1..=4).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let model = Known;
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
    let leads = (0..400u64)
        .map(|i| Lead {
            client: Client::new(
                ClientId(i + 1),
                "lead",
                Source::Website,
                t0 + Duration::hours(i as i64 * 3),
            )
            .with_tags([if i % 2 == 0 { "a" } else { "b" }]),
            segment: (i % 2) as usize,
            context: 0,
        })
        .collect();
    (team, leads, model)
}

#[test]
fn a_replay_is_a_pure_function_of_the_seed() {
    let (team, leads, model) = small_world();
    let replay = Counterfactual::new(&team, &leads, &model);
    let learner = || {
        LearnedPolicy {
            segments: vec!["a".into(), "b".into()],
            ..LearnedPolicy::default()
        }
        .build_learned(&team)
        .unwrap()
    };
    let first = replay.run(&mut learner(), 3);
    let _other = replay.run(&mut learner(), 4);
    assert_eq!(replay.run(&mut learner(), 3), first);
    assert_ne!(replay.run(&mut learner(), 5), first);
    // Seeds summarised in any order give the same summary.
    let figures: Vec<_> = (0..8)
        .map(|s| replay.run(&mut Fixed(RoundRobin::new(&team)), s).figures())
        .collect();
    let mut reversed = figures.clone();
    reversed.reverse();
    assert_eq!(Summary::of(&figures), Summary::of(&reversed));
    assert_eq!(first.received.iter().sum::<u64>(), 400);
}

#[test]
fn outcomes_follow_the_model_and_the_stated_assumptions() {
    let (team, leads, model) = small_world();
    // Round-robin: 100 leads each; rep 4 is the model's best.
    let wins = |assumptions: Assumptions| {
        let replay = Counterfactual::new(&team, &leads, &model).with_assumptions(assumptions);
        let runs: Vec<f64> = (0..200)
            .map(|s| {
                replay
                    .run(&mut Fixed(RoundRobin::new(&team)), s)
                    .figures()
                    .wins
            })
            .collect();
        Interval::of(&runs)
    };
    let neutral = wins(Assumptions::default());
    let expected: f64 = leads
        .iter()
        .enumerate()
        .map(|(i, l)| model.win_probability(i % 4, l.segment, 0))
        .sum();
    assert!(
        (neutral.mean - expected).abs() < 0.02 * expected,
        "{} vs {expected}",
        neutral.mean
    );
    assert!(neutral.lo < neutral.mean && neutral.mean < neutral.hi);
    // A rep loses odds as its open load passes the reference: fewer wins.
    let loaded = wins(Assumptions {
        load_slope: 0.2,
        ..Assumptions::default()
    });
    assert!(
        loaded.mean < neutral.mean - 10.0,
        "{loaded:?} vs {neutral:?}"
    );
}
