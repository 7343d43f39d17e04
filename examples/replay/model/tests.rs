//! The outcome model checked on data simulated from known rates.

use super::*;
use leadpool::rng::{Rng, seeded};

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

#[test]
fn a_perfect_forecast_scores_zero_and_a_coin_a_quarter() {
    assert_eq!(brier(&[(1.0, true), (0.0, false)]), 0.0);
    assert_eq!(brier(&[(0.5, true), (0.5, false)]), 0.25);
    assert!((log_loss(&[(0.5, true)]) - std::f64::consts::LN_2).abs() < 1e-12);
}

#[test]
fn shrinkage_pulls_two_agents_toward_the_team() {
    let shape = Shape {
        agents: 2,
        segments: 1,
        contexts: 1,
    };
    let obs: Vec<Observation> = (0..200)
        .map(|i| Observation {
            agent: i % 2,
            segment: 0,
            context: 0,
            won: i % 4 != 1,
        })
        .collect();
    // Agent 0 won all 100 of its leads, agent 1 half of its: shrinkage pulls both toward 0.75.
    let model = WinModel::fit(shape, &obs, Shrinkage::uniform(20.0)).unwrap();
    assert!(model.p(0, 0, 0) > 0.9 && model.p(1, 0, 0) < 0.6);
}

#[test]
fn each_agent_closes_at_its_own_pace_and_a_newcomer_at_the_teams() {
    // Agent 0 closes in 10 days, agent 1 in 30, many times each.
    let closed: Vec<(usize, f64)> = (0..400)
        .map(|i| (i % 2, if i % 2 == 0 { 10.0 } else { 30.0 }))
        .collect();
    let delays = CloseDelays::fit(3, &closed);
    assert!((delays.agent_mean(0) - 10.0).abs() < 1.0);
    assert!((delays.agent_mean(2) - 20.0).abs() < 1e-9); // no data: the team's mean
    assert!(delays.days(1, 0.5) > delays.days(0, 0.5));
}
