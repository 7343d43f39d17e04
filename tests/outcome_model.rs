//! The outcome model (`leadpool::sim::WinModel` and friends) and the counterfactual replay
//! (`leadpool::sim::Counterfactual`), checked on data simulated from known rates.
#![cfg(feature = "sim")]

use chrono::{Duration, TimeZone, Utc};
use leadpool::allocate::{LearnedPolicy, RoundRobin, Team};
use leadpool::ids::{ClientId, RepId};
use leadpool::model::{Client, Rep, Source};
use leadpool::rng::{Rng, seeded};
use leadpool::sim::{
    Assumptions, CloseDelays, Counterfactual, Fixed, Interval, Lead, Observation, OutcomeError,
    OutcomeModel, STRENGTH_GRID, SegmentValues, Shape, Shrinkage, Summary, WinModel, brier,
    log_loss,
};

fn unit(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Draws `n` observations (keys uniform) whose win probability is `truth(agent, segment, context)`.
fn simulate(
    shape: Shape,
    n: usize,
    seed: u64,
    truth: &dyn Fn(usize, usize, usize) -> f64,
) -> Vec<Observation> {
    let mut rng = seeded(seed);
    (0..n)
        .map(|_| {
            let agent = (rng.next_u64() % shape.agents as u64) as usize;
            let segment = (rng.next_u64() % shape.segments as u64) as usize;
            let context = (rng.next_u64() % shape.contexts as u64) as usize;
            let won = unit(&mut rng) < truth(agent, segment, context);
            Observation {
                agent,
                segment,
                context,
                won,
            }
        })
        .collect()
}

#[test]
fn the_model_recovers_known_rates_within_three_points() {
    // Additive on the log-odds scale: agent skill, product difficulty, sector and one
    // agent x product affinity, as the model's hierarchy assumes.
    let shape = Shape {
        agents: 4,
        segments: 3,
        contexts: 2,
    };
    let truth = |a: usize, s: usize, c: usize| {
        let affinity = if (a, s) == (3, 0) { 1.0 } else { 0.0 };
        sigmoid(-0.2 + 0.4 * a as f64 - 0.5 * s as f64 + 0.3 * c as f64 + affinity)
    };
    let obs = simulate(shape, 60_000, 1, &truth);
    let (model, _) = WinModel::fit_selected(shape, &obs, &STRENGTH_GRID, 5).unwrap();
    for a in 0..4 {
        for s in 0..3 {
            for c in 0..2 {
                let (fitted, known) = (model.p(a, s, c), truth(a, s, c));
                assert!(
                    (fitted - known).abs() < 0.03,
                    "agent {a} segment {s} context {c}: fitted {fitted:.3}, known {known:.3}"
                );
            }
        }
    }
}

#[test]
fn the_strength_chosen_by_held_out_likelihood_beats_too_weak_and_too_strong() {
    // 40 agents x 5 products with real but modest differences, and few deals per cell.
    let shape = Shape {
        agents: 40,
        segments: 5,
        contexts: 1,
    };
    let mut rng = seeded(9);
    let effects: Vec<f64> = (0..200).map(|_| 1.6 * (unit(&mut rng) - 0.5)).collect();
    let truth = move |a: usize, s: usize, _c: usize| sigmoid(0.5 + effects[a * 5 + s]);
    let train = simulate(shape, 4_000, 2, &truth);
    let test = simulate(shape, 40_000, 3, &truth);
    let held_out = |model: &WinModel| log_loss(&model.predict(&test));
    let (chosen, selection) = WinModel::fit_selected(shape, &train, &STRENGTH_GRID, 5).unwrap();
    let too_weak = WinModel::fit(shape, &train, Shrinkage::uniform(0.0)).unwrap();
    let too_strong = WinModel::fit(shape, &train, Shrinkage::uniform(f64::INFINITY)).unwrap();
    let (c, w, s) = (
        held_out(&chosen),
        held_out(&too_weak),
        held_out(&too_strong),
    );
    assert!(c < w, "chosen {c} vs too weak {w}");
    assert!(c < s, "chosen {c} vs too strong {s}");
    assert!(selection.shrinkage.cell.is_finite() && selection.shrinkage.cell > 0.0);
    // And Brier agrees.
    assert!(brier(&chosen.predict(&test)) < brier(&too_strong.predict(&test)));
}

#[test]
fn no_differences_in_the_data_means_none_in_the_model() {
    let shape = Shape {
        agents: 10,
        segments: 4,
        contexts: 3,
    };
    let obs = simulate(shape, 5_000, 4, &|_, _, _| 0.6);
    let (model, selection) = WinModel::fit_selected(shape, &obs, &STRENGTH_GRID, 5).unwrap();
    assert!(
        selection.shrinkage.agent >= 1_000.0,
        "{:?}",
        selection.shrinkage
    );
    for a in 0..10 {
        assert!((model.agent_rate(a) - model.base_rate()).abs() < 0.02);
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let shape = Shape {
        agents: 1,
        segments: 1,
        contexts: 1,
    };
    let ok = Observation {
        agent: 0,
        segment: 0,
        context: 0,
        won: true,
    };
    let outside = Observation { agent: 1, ..ok };
    assert_eq!(
        WinModel::fit(shape, &[], Shrinkage::uniform(1.0)),
        Err(OutcomeError::NoData)
    );
    assert_eq!(
        WinModel::fit(shape, &[ok, outside], Shrinkage::uniform(1.0)),
        Err(OutcomeError::OutOfShape { index: 1 })
    );
    assert!(matches!(
        WinModel::fit(shape, &[ok], Shrinkage::uniform(f64::NAN)),
        Err(OutcomeError::BadStrength(_))
    ));
    assert_eq!(
        WinModel::fit_selected(shape, &[ok; 10], &STRENGTH_GRID, 1).map(|_| ()),
        Err(OutcomeError::BadSelection)
    );
    // Keys outside the shape read as the level above, never panic.
    let model = WinModel::fit(shape, &[ok], Shrinkage::uniform(1.0)).unwrap();
    assert!(model.p(99, 99, 99).is_finite());
}

#[test]
fn values_and_delays_recover_what_they_were_fitted_on() {
    let values = SegmentValues::fit(3, &[(0, 100.0), (0, 300.0), (1, 50.0)], &[0.0, 0.0, 9.0]);
    assert_eq!(
        (values.value(0), values.value(1), values.value(2)),
        (200.0, 50.0, 9.0)
    );
    let mut rng = seeded(5);
    let closed: Vec<(usize, f64)> = (0..3_000)
        .map(|i| {
            let agent = i % 3;
            (agent, (10.0 + 20.0 * agent as f64) * 2.0 * unit(&mut rng))
        })
        .collect();
    let delays = CloseDelays::fit(4, &closed);
    for (agent, mean) in [(0, 10.0), (1, 30.0), (2, 50.0)] {
        assert!(
            (delays.agent_mean(agent) - mean).abs() < 3.0,
            "agent {agent}: {}",
            delays.agent_mean(agent)
        );
    }
    assert!((delays.agent_mean(3) - delays.team_mean()).abs() < 1e-9);
}

fn small_world() -> (Team, Vec<Lead>, OutcomeModel) {
    let team = Team::new((1..=4).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
    let shape = Shape {
        agents: 4,
        segments: 2,
        contexts: 1,
    };
    let history = simulate(shape, 4_000, 6, &|a, s, _| {
        0.3 + 0.1 * a as f64 + 0.1 * s as f64
    });
    let model = OutcomeModel {
        wins: WinModel::fit(shape, &history, Shrinkage::uniform(10.0)).unwrap(),
        values: SegmentValues::fit(2, &[(0, 100.0), (1, 1000.0)], &[]),
        delays: CloseDelays::fit(4, &[(0, 10.0), (1, 20.0), (2, 30.0), (3, 40.0)]),
    };
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
        .map(|(i, l)| model.wins.p(i % 4, l.segment, 0))
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
