//! Monte Carlo summaries: one run's figures, and a mean with a 95% interval over seeds.

use super::counterfactual::RunResult;
use crate::fairness::{gini, jain, max_min_ratio};
use serde::{Deserialize, Serialize};

/// One run's figures: what was won and how evenly leads and value were spread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Leads won.
    pub wins: f64,
    /// Revenue won.
    pub revenue: f64,
    /// Gini of leads received per rep.
    pub lead_gini: f64,
    /// Gini of deal value received per rep.
    pub value_gini: f64,
    /// Jain's index of leads received per rep.
    pub jain: f64,
    /// Most over fewest leads received (`None`: someone received nothing).
    pub max_min: Option<f64>,
    /// The least-served rep's share of all leads.
    pub min_share: f64,
}

impl RunResult {
    /// The run's figures, over every rep of the team.
    pub fn figures(&self) -> Figures {
        let counts: Vec<f64> = self.received.iter().map(|&x| x as f64).collect();
        let total: f64 = counts.iter().sum();
        let least = counts.iter().copied().fold(f64::INFINITY, f64::min);
        Figures {
            wins: self.wins.iter().map(|&x| x as f64).sum(),
            revenue: self.revenue.iter().sum(),
            lead_gini: gini(&counts),
            value_gini: gini(&self.value),
            jain: jain(&counts),
            max_min: max_min_ratio(&counts),
            min_share: if total > 0.0 && least.is_finite() {
                least / total
            } else {
                0.0
            },
        }
    }
}

/// A mean over Monte Carlo seeds with the 2.5th and 97.5th percentiles: the range in which
/// 95% of the seeds' results fell (the spread of outcomes, not the error of the mean).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The mean.
    pub mean: f64,
    /// The 2.5th percentile.
    pub lo: f64,
    /// The 97.5th percentile.
    pub hi: f64,
}

impl Interval {
    /// The interval of `samples` (non-finite ones skipped; all zero for none), percentiles
    /// interpolated linearly between order statistics.
    ///
    /// ```
    /// use leadpool::sim::Interval;
    /// let i = Interval::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    /// assert_eq!(i.mean, 3.0);
    /// assert!((i.lo - 1.1).abs() < 1e-12 && (i.hi - 4.9).abs() < 1e-12);
    /// assert_eq!(Interval::of(&[]), Interval::default());
    /// ```
    pub fn of(samples: &[f64]) -> Self {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
        if sorted.is_empty() {
            return Self::default();
        }
        sorted.sort_by(f64::total_cmp);
        let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
        let quantile = |q: f64| {
            let pos = q * (sorted.len() - 1) as f64;
            let (i, frac) = (pos.floor() as usize, pos - pos.floor());
            let next = sorted.get(i + 1).copied().unwrap_or(sorted[i]);
            sorted[i] + frac * (next - sorted[i])
        };
        Self {
            mean,
            lo: quantile(0.025),
            hi: quantile(0.975),
        }
    }
}

/// A policy's figures over many seeds, each a mean with a 95% interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Seeds summarised.
    pub seeds: usize,
    /// Leads won.
    pub expected_wins: Interval,
    /// Revenue won.
    pub expected_revenue: Interval,
    /// Gini of leads per rep.
    pub lead_gini: Interval,
    /// Gini of deal value per rep.
    pub value_gini: Interval,
    /// Jain's index of leads per rep.
    pub jain: Interval,
    /// Most over fewest leads; `None` when some seed left a rep with nothing.
    pub max_min: Option<Interval>,
    /// The least-served rep's share of leads.
    pub min_share: Interval,
}

impl Summary {
    /// Summarises runs (in seed order, though the result does not depend on the order).
    pub fn of(runs: &[Figures]) -> Self {
        let of = |f: fn(&Figures) -> f64| Interval::of(&runs.iter().map(f).collect::<Vec<_>>());
        let ratios: Option<Vec<f64>> = runs.iter().map(|r| r.max_min).collect();
        Self {
            seeds: runs.len(),
            expected_wins: of(|r| r.wins),
            expected_revenue: of(|r| r.revenue),
            lead_gini: of(|r| r.lead_gini),
            value_gini: of(|r| r.value_gini),
            jain: of(|r| r.jain),
            max_min: ratios.filter(|r| !r.is_empty()).map(|r| Interval::of(&r)),
            min_share: of(|r| r.min_share),
        }
    }
}
