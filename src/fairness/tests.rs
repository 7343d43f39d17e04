use super::*;
use crate::ids::RepId;
use proptest::prelude::*;

const EPS: f64 = 1e-9;

#[test]
fn gini_of_an_equal_split_is_zero() {
    for n in 1..=50 {
        assert_eq!(gini(&vec![7.0; n]), 0.0, "n = {n}");
    }
}

#[test]
fn gini_of_all_to_one_is_n_minus_one_over_n() {
    for n in 1..=50usize {
        let mut v = vec![0.0; n];
        v[n / 2] = 42.0;
        let expected = (n as f64 - 1.0) / n as f64;
        assert!((gini(&v) - expected).abs() < EPS, "n = {n}");
    }
}

#[test]
fn gini_matches_the_mean_absolute_difference_by_hand() {
    // 0, 10, 20, 30: mean 15; mean |xi - xj| over all 16 ordered pairs = 200/16 = 12.5;
    // G = 12.5 / (2 · 15) = 5/12.
    assert!((gini(&[30.0, 0.0, 20.0, 10.0]) - 5.0 / 12.0).abs() < EPS);
}

#[test]
fn jain_of_an_equal_split_is_one() {
    for n in 1..=50 {
        assert!((jain(&vec![3.5; n]) - 1.0).abs() < EPS, "n = {n}");
    }
}

#[test]
fn jain_of_all_to_one_is_one_over_n() {
    for n in 1..=50usize {
        let mut v = vec![0.0; n];
        v[0] = 9.0;
        assert!((jain(&v) - 1.0 / n as f64).abs() < EPS, "n = {n}");
    }
}

#[test]
fn empty_and_zero_inputs_have_defined_values() {
    assert_eq!(gini(&[]), 0.0);
    assert_eq!(jain(&[]), 1.0);
    assert_eq!(max_min_ratio(&[]), Some(1.0));
    assert_eq!(gini(&[0.0; 5]), 0.0);
    assert_eq!(jain(&[0.0; 5]), 1.0);
    assert_eq!(weighted_jain(&[1.0, 2.0], &[0.0, 0.0]), 1.0);
    assert!(shares(&[]).is_empty());
    assert!(expected_shares(&[]).is_empty());
    let report = FairnessReport::from_tallies(&[]);
    assert!(report.reps.is_empty());
    assert_eq!(report.counts.gini, 0.0);
    assert_eq!(report.counts.jain, 1.0);
    assert_eq!(report.counts.mean, 0.0);
    // Positive zero: an empty total prints as "0", not "-0".
    assert!(report.counts.total.is_sign_positive() && report.values.total.is_sign_positive());
    assert!(report.outcomes.is_none());
}

#[test]
fn non_finite_and_negative_entries_read_as_zero() {
    let v = [f64::NAN, f64::INFINITY, -3.0, 4.0];
    assert!((gini(&v) - 0.75).abs() < EPS);
    assert!((jain(&v) - 0.25).abs() < EPS);
    assert_eq!(max_min_ratio(&v), None);
}

#[test]
fn share_ratio_is_measured_against_weight() {
    // Weights 1 and 3 owe 25% and 75%; a 50/50 split gives the light rep twice its due.
    let ratios = share_ratios(&[50.0, 50.0], &[1.0, 3.0]);
    assert!((ratios[0].unwrap() - 2.0).abs() < EPS);
    assert!((ratios[1].unwrap() - 2.0 / 3.0).abs() < EPS);
}

#[test]
fn report_gathers_outcomes_per_rep_and_for_the_team() {
    let tallies = [
        RepTally {
            received: 10,
            value: 1000.0,
            outcomes: Some(Outcomes {
                won: 4,
                lost: 4,
                revenue: 400.0,
                days_to_close: 40.0,
            }),
            ..RepTally::new(RepId(1), 1.0)
        },
        RepTally {
            received: 30,
            value: 3000.0,
            outcomes: Some(Outcomes {
                won: 6,
                lost: 2,
                revenue: 600.0,
                days_to_close: 120.0,
            }),
            ..RepTally::new(RepId(2), 1.0)
        },
    ];
    let r = FairnessReport::from_tallies(&tallies);
    assert_eq!(r.reps[0].conversion_rate, 0.4);
    assert_eq!(r.reps[0].win_rate, 0.5);
    assert_eq!(r.reps[0].mean_days_to_close, Some(10.0));
    assert_eq!(r.reps[1].mean_days_to_close, Some(20.0));
    assert_eq!(r.reps[1].share, 0.75);
    assert_eq!(r.reps[1].share_ratio, Some(1.5));
    assert_eq!(r.counts.max_min_ratio, Some(3.0));
    let o = r.outcomes.expect("tallies carried outcomes");
    assert_eq!(o.totals.won, 10);
    assert_eq!(o.conversion_rate, 0.25);
    assert_eq!(o.mean_days_to_close, Some(16.0));
    assert!((o.revenue.gini - 0.1).abs() < EPS); // 400/600: (−400 + 600)/(2·1000)
}

#[test]
fn report_round_trips_through_json_without_nan() {
    let tallies = [RepTally::new(RepId(1), 1.0), {
        let mut t = RepTally::new(RepId(2), 0.0);
        t.received = 5;
        t
    }];
    let report = FairnessReport::from_tallies(&tallies);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("NaN") && !json.contains("inf"));
    let back: FairnessReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn amounts_near_the_largest_float_give_finite_measures() {
    // Before the amounts were scaled, the sum overflowed and Gini came out NaN.
    let v = [1e308, 1e308, 1.0];
    let g = gini(&v);
    assert!(g.is_finite() && (g - 1.0 / 3.0).abs() < 1e-9, "{g}");
    let j = jain(&v);
    assert!(j.is_finite() && (j - 2.0 / 3.0).abs() < 1e-9, "{j}");
    assert_eq!(shares(&[f64::MAX, f64::MAX]), vec![0.5, 0.5]);
    assert_eq!(expected_shares(&[f64::MAX, f64::MAX]), vec![0.5, 0.5]);
    assert!(weighted_jain(&[f64::MAX, 1.0], &[f64::MIN_POSITIVE, 1.0]).is_finite());
    assert_eq!(
        max_min_ratio(&[f64::MAX, f64::MIN_POSITIVE]),
        Some(f64::MAX)
    );
    let ratios = share_ratios(&[f64::MAX, f64::MAX], &[1.0, 1.0]);
    assert_eq!(ratios, vec![Some(1.0), Some(1.0)]);
}

proptest! {
    #[test]
    fn every_measure_is_finite_for_any_finite_amounts(
        v in prop::collection::vec(prop::num::f64::POSITIVE | prop::num::f64::ZERO, 0..40),
        w in prop::collection::vec(prop::num::f64::POSITIVE | prop::num::f64::ZERO, 0..40),
    ) {
        let g = gini(&v);
        prop_assert!(g.is_finite() && (0.0..=1.0).contains(&g), "gini {}", g);
        let j = jain(&v);
        prop_assert!(j.is_finite() && j <= 1.0, "jain {}", j);
        prop_assert!(weighted_jain(&v, &w).is_finite());
        prop_assert!(shares(&v).iter().all(|s| s.is_finite()));
        prop_assert!(expected_shares(&w).iter().all(|s| s.is_finite()));
        prop_assert!(share_ratios(&v, &w).iter().flatten().all(|r| r.is_finite()));
        prop_assert!(max_min_ratio(&v).is_none_or(f64::is_finite));
    }

    #[test]
    fn jain_is_between_one_over_n_and_one(v in prop::collection::vec(0.0f64..1e6, 1..60)) {
        let j = jain(&v);
        let n = v.len() as f64;
        prop_assert!(j >= 1.0 / n - EPS && j <= 1.0 + EPS, "jain {} for n {}", j, n);
    }

    #[test]
    fn gini_is_in_zero_to_one(v in prop::collection::vec(0.0f64..1e6, 0..60)) {
        let g = gini(&v);
        prop_assert!((0.0..1.0).contains(&g), "gini {}", g);
    }

    #[test]
    fn counts_never_produce_nan(v in prop::collection::vec(0u64..1000, 0..40),
                                w in prop::collection::vec(0u32..5, 0..40)) {
        let tallies: Vec<RepTally> = v.iter().zip(w.iter().chain(std::iter::repeat(&1)))
            .enumerate()
            .map(|(i, (&c, &w))| RepTally {
                received: c, value: c as f64 * 2.5, ..RepTally::new(RepId(i as u64), f64::from(w))
            })
            .collect();
        let r = FairnessReport::from_tallies(&tallies);
        for s in [r.counts, r.values] {
            prop_assert!(s.gini.is_finite() && s.jain.is_finite() && s.weighted_jain.is_finite());
            prop_assert!(s.max_min_ratio.is_none_or(f64::is_finite));
        }
        for rep in &r.reps {
            prop_assert!(rep.share.is_finite() && rep.owed_share.is_finite());
            prop_assert!(rep.share_ratio.is_none_or(f64::is_finite));
        }
    }

    #[test]
    fn gini_ignores_order(mut v in prop::collection::vec(0.0f64..1e3, 1..30), seed in 0u64..1000) {
        let g = gini(&v);
        let k = (seed as usize) % v.len();
        v.rotate_left(k);
        prop_assert!((gini(&v) - g).abs() < 1e-9);
    }
}

// The per-rep helpers behind `FairnessReport`, checked by example.

#[test]
fn shares_examples() {
    assert_eq!(shares(&[1.0, 3.0]), vec![0.25, 0.75]);
    assert_eq!(shares(&[0.0, 0.0]), vec![0.0, 0.0]);
}

#[test]
fn expected_shares_examples() {
    assert_eq!(expected_shares(&[1.0, 3.0]), vec![0.25, 0.75]);
    assert_eq!(expected_shares(&[0.0, 0.0]), vec![0.5, 0.5]);
}

#[test]
fn share_ratios_examples() {
    let ratios = share_ratios(&[30.0, 10.0], &[1.0, 1.0]);
    assert_eq!(ratios, vec![Some(1.5), Some(0.5)]);
    assert_eq!(
        share_ratios(&[5.0, 0.0], &[1.0, 0.0]),
        vec![Some(1.0), None]
    );
}

#[test]
fn conversion_rate_examples() {
    assert_eq!(conversion_rate(3, 12), 0.25);
    assert_eq!(conversion_rate(0, 0), 0.0);
}

#[test]
fn win_rate_examples() {
    assert_eq!(win_rate(3, 1), 0.75);
    assert_eq!(win_rate(0, 0), 0.0);
}

#[test]
fn mean_days_to_close_examples() {
    assert_eq!(mean_days_to_close(90.0, 3), Some(30.0));
    assert_eq!(mean_days_to_close(0.0, 0), None);
}
