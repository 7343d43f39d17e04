//! The fairness report: every metric of the module, gathered from per-rep tallies.

use super::{
    conversion_rate, expected_shares, gini, jain, max_min_ratio, mean_days_to_close, min_max,
    share_ratios, shares, weighted_jain, win_rate,
};
use crate::ids::RepId;
use serde::{Deserialize, Serialize};

/// What happened to the leads a rep received, when a simulation or a replay knows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    /// Leads won (deals).
    #[serde(default)]
    pub won: u64,
    /// Leads lost.
    #[serde(default)]
    pub lost: u64,
    /// Revenue of the deals won.
    #[serde(default)]
    pub revenue: f64,
    /// Days from receiving a lead to winning it, summed over the deals won.
    #[serde(default)]
    pub days_to_close: f64,
}

impl Outcomes {
    /// Adds another tally's outcomes to this one.
    pub fn add(&mut self, other: &Outcomes) {
        self.won = self.won.saturating_add(other.won);
        self.lost = self.lost.saturating_add(other.lost);
        self.revenue += other.revenue;
        self.days_to_close += other.days_to_close;
    }
}

/// One rep's part of an allocation outcome: the input of [`FairnessReport::from_tallies`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepTally {
    /// The rep.
    pub rep: RepId,
    /// What the rep is owed in proportion to: its weight, or its capacity.
    pub weight: f64,
    /// Leads received.
    pub received: u64,
    /// Total value of the leads received (a lead score, a list price, an expected deal size).
    pub value: f64,
    /// Outcomes of those leads, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Outcomes>,
}

impl RepTally {
    /// A tally of nothing received, owed in proportion to `weight`.
    pub fn new(rep: RepId, weight: f64) -> Self {
        Self {
            rep,
            weight,
            ..Self::default()
        }
    }
}

/// How evenly one quantity (leads, or value) was spread over the reps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// The total over all reps.
    pub total: f64,
    /// The smallest amount a rep received.
    pub min: f64,
    /// The largest amount a rep received.
    pub max: f64,
    /// The mean per rep (0 for an empty team).
    pub mean: f64,
    /// [`gini`](super::gini), in [0, 1).
    pub gini: f64,
    /// [`jain`](super::jain), in [1/n, 1].
    pub jain: f64,
    /// [`weighted_jain`](super::weighted_jain): Jain over amount per unit of weight.
    pub weighted_jain: f64,
    /// [`max_min_ratio`](super::max_min_ratio); `None` when some rep received nothing while
    /// another received something.
    pub max_min_ratio: Option<f64>,
}

impl Spread {
    /// The spread of `values` (per rep) against `weights` (per rep, same order).
    pub fn of(values: &[f64], weights: &[f64]) -> Self {
        let (min, max) = min_max(values);
        let total = super::total(values);
        Self {
            total,
            min,
            max,
            mean: if values.is_empty() {
                0.0
            } else {
                total / values.len() as f64
            },
            gini: gini(values),
            jain: jain(values),
            weighted_jain: weighted_jain(values, weights),
            max_min_ratio: max_min_ratio(values),
        }
    }
}

/// One rep's line of a [`FairnessReport`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepFairness {
    /// The rep.
    pub rep: RepId,
    /// Leads received.
    pub received: u64,
    /// Value received.
    pub value: f64,
    /// Share of all leads received.
    pub share: f64,
    /// Share owed by weight.
    pub owed_share: f64,
    /// `share / owed_share`; `None` for a rep owed nothing.
    pub share_ratio: Option<f64>,
    /// Outcomes, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<Outcomes>,
    /// Won over received (0 when nothing received or outcomes unknown).
    pub conversion_rate: f64,
    /// Won over won + lost.
    pub win_rate: f64,
    /// Mean days from receipt to a won deal; `None` when nothing was won.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_days_to_close: Option<f64>,
}

/// Outcomes over the whole team.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeSummary {
    /// The summed outcomes.
    pub totals: Outcomes,
    /// Team conversion rate (won over received).
    pub conversion_rate: f64,
    /// Team win rate (won over won + lost).
    pub win_rate: f64,
    /// Team mean days to close; `None` when nothing was won.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_days_to_close: Option<f64>,
    /// How evenly revenue was spread.
    pub revenue: Spread,
}

/// Every fairness figure of one allocation outcome: per rep and for the team.
///
/// ```
/// use leadpool::fairness::{FairnessReport, RepTally};
/// use leadpool::RepId;
///
/// let tallies: Vec<RepTally> = (1..=4)
///     .map(|i| RepTally { received: 10, value: 100.0, ..RepTally::new(RepId(i), 1.0) })
///     .collect();
/// let report = FairnessReport::from_tallies(&tallies);
/// assert_eq!(report.counts.gini, 0.0);
/// assert!((report.counts.jain - 1.0).abs() < 1e-12);
/// assert_eq!(report.reps[0].share_ratio, Some(1.0));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FairnessReport {
    /// Per rep, in the order given (callers pass id order).
    pub reps: Vec<RepFairness>,
    /// The spread of lead counts.
    pub counts: Spread,
    /// The spread of value received.
    pub values: Spread,
    /// Outcomes, when any tally carried them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<OutcomeSummary>,
}

impl FairnessReport {
    /// Computes the report. An empty list gives an empty report with the defined "equal"
    /// values (Gini 0, Jain 1, ratio 1).
    pub fn from_tallies(tallies: &[RepTally]) -> Self {
        let counts: Vec<f64> = tallies.iter().map(|t| t.received as f64).collect();
        let values: Vec<f64> = tallies.iter().map(|t| t.value).collect();
        let weights: Vec<f64> = tallies.iter().map(|t| t.weight).collect();
        let count_shares = shares(&counts);
        let owed = expected_shares(&weights);
        let ratios = share_ratios(&counts, &weights);

        let reps = tallies
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let o = t.outcomes.unwrap_or_default();
                RepFairness {
                    rep: t.rep,
                    received: t.received,
                    value: t.value,
                    share: count_shares[i],
                    owed_share: owed[i],
                    share_ratio: ratios[i],
                    outcomes: t.outcomes,
                    conversion_rate: conversion_rate(o.won, t.received),
                    win_rate: win_rate(o.won, o.lost),
                    mean_days_to_close: mean_days_to_close(o.days_to_close, o.won),
                }
            })
            .collect();

        let outcomes = tallies.iter().any(|t| t.outcomes.is_some()).then(|| {
            let mut totals = Outcomes::default();
            for t in tallies {
                totals.add(&t.outcomes.unwrap_or_default());
            }
            let received: u64 = tallies.iter().map(|t| t.received).sum();
            let revenue: Vec<f64> = tallies
                .iter()
                .map(|t| t.outcomes.map_or(0.0, |o| o.revenue))
                .collect();
            OutcomeSummary {
                totals,
                conversion_rate: conversion_rate(totals.won, received),
                win_rate: win_rate(totals.won, totals.lost),
                mean_days_to_close: mean_days_to_close(totals.days_to_close, totals.won),
                revenue: Spread::of(&revenue, &weights),
            }
        });

        Self {
            reps,
            counts: Spread::of(&counts, &weights),
            values: Spread::of(&values, &weights),
            outcomes,
        }
    }
}
