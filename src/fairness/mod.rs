//! Fairness metrics: how evenly an allocation outcome spread leads and value over the reps.
//!
//! The seeds say "there is no absolute fairness, only relative fairness", so leadpool measures
//! instead of asserting. The functions here are pure and total: they take per-rep figures (in
//! any order, negative or non-finite entries read as 0) and return a defined value for every
//! input, including an empty team and a period in which nobody received anything. None returns
//! NaN or panics.
//!
//! [`FairnessReport::from_tallies`] gathers all of them from a list of [`RepTally`]s.

mod report;

pub use report::{FairnessReport, OutcomeSummary, Outcomes, RepFairness, RepTally, Spread};

/// Reads an entry as a non-negative finite amount: what a count or a value received can be.
fn clean(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

/// The sum of the cleaned entries. Folds from +0.0: `Iterator::sum` of no `f64` is −0.0,
/// which would print as "-0".
pub(crate) fn total(values: &[f64]) -> f64 {
    values.iter().copied().map(clean).fold(0.0, |a, x| a + x)
}

/// The cleaned entries divided by the largest, so every sum and square below stays finite
/// even for amounts near `f64::MAX` (the ratio measures do not depend on the scale). Empty
/// when every entry is 0.
fn scaled(values: &[f64]) -> Vec<f64> {
    let (_, max) = min_max(values);
    if max <= 0.0 {
        return Vec::new();
    }
    values.iter().map(|&x| clean(x) / max).collect()
}

/// Gini coefficient of the amounts received: 0 when everyone received the same, approaching 1
/// as one rep receives everything.
///
/// With the amounts sorted ascending, x₍₁₎ ≤ … ≤ x₍ₙ₎, and S = Σ x:
///
/// G = Σᵢ (2i − n − 1)·x₍ᵢ₎ / (n·S)
///
/// which is the mean absolute difference over twice the mean. All-to-one gives (n − 1)/n, the
/// largest value for n reps, so G is in [0, 1). An empty team or a zero total gives 0 (nobody
/// received more than anybody else).
///
/// ```
/// use leadpool::fairness::gini;
/// assert_eq!(gini(&[5.0, 5.0, 5.0, 5.0]), 0.0);
/// assert!((gini(&[0.0, 0.0, 0.0, 8.0]) - 0.75).abs() < 1e-12); // (n-1)/n with n = 4
/// // Sorted 1, 2, 3: ((-2)·1 + 0·2 + 2·3) / (3·6) = 4/18
/// assert!((gini(&[3.0, 1.0, 2.0]) - 4.0 / 18.0).abs() < 1e-12);
/// assert_eq!(gini(&[]), 0.0);
/// ```
pub fn gini(values: &[f64]) -> f64 {
    let mut sorted = scaled(values);
    let sum = total(&sorted);
    if sorted.is_empty() || sum <= 0.0 {
        return 0.0;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum();
    // Rounding can push an equal split a hair below 0; the coefficient is never negative.
    (weighted / (n * sum)).clamp(0.0, 1.0)
}

/// Jain's fairness index: 1 when everyone received the same, 1/n when one rep received
/// everything.
///
/// J = (Σ x)² / (n · Σ x²)
///
/// An empty team or a zero total gives 1 (everyone received the same: nothing).
///
/// ```
/// use leadpool::fairness::jain;
/// assert!((jain(&[3.0, 3.0, 3.0]) - 1.0).abs() < 1e-12);
/// assert!((jain(&[0.0, 0.0, 0.0, 9.0]) - 0.25).abs() < 1e-12); // 1/n with n = 4
/// // (1 + 3)² / (2 · (1 + 9)) = 16/20
/// assert!((jain(&[1.0, 3.0]) - 0.8).abs() < 1e-12);
/// assert_eq!(jain(&[0.0, 0.0]), 1.0);
/// ```
pub fn jain(values: &[f64]) -> f64 {
    let values = scaled(values);
    let sum = total(&values);
    if values.is_empty() || sum <= 0.0 {
        return 1.0;
    }
    let squares: f64 = values.iter().map(|&x| x * x).sum();
    let n = values.len() as f64;
    // Cauchy–Schwarz puts the exact value in [1/n, 1]; clamp the rounding.
    (sum * sum / (n * squares)).clamp(1.0 / n, 1.0)
}

/// Jain's index over the amounts each rep received per unit of its weight (xᵢ / wᵢ), over the
/// reps whose weight is positive: 1 when every rep received exactly in proportion to its
/// weight. Reps of weight 0 are left out (they are owed nothing); with no such rep left the
/// result is 1.
///
/// ```
/// use leadpool::fairness::weighted_jain;
/// // A rep of weight 2 receiving twice as much is perfectly fair.
/// assert!((weighted_jain(&[10.0, 20.0], &[1.0, 2.0]) - 1.0).abs() < 1e-12);
/// ```
pub fn weighted_jain(values: &[f64], weights: &[f64]) -> f64 {
    let normalised: Vec<f64> = values
        .iter()
        .zip(weights)
        .filter(|(_, w)| clean(**w) > 0.0)
        .map(|(x, w)| {
            let ratio = clean(*x) / clean(*w);
            if ratio.is_finite() { ratio } else { f64::MAX }
        })
        .collect();
    jain(&normalised)
}

/// The largest amount over the smallest: 1 for an equal split. `None` when the smallest is 0
/// and the largest is not (the ratio is unbounded: someone received nothing); `Some(1.0)` for
/// an empty team or when nobody received anything.
///
/// ```
/// use leadpool::fairness::max_min_ratio;
/// assert_eq!(max_min_ratio(&[2.0, 8.0, 4.0]), Some(4.0));
/// assert_eq!(max_min_ratio(&[0.0, 3.0]), None);
/// assert_eq!(max_min_ratio(&[0.0, 0.0]), Some(1.0));
/// ```
pub fn max_min_ratio(values: &[f64]) -> Option<f64> {
    let (min, max) = min_max(values);
    if max <= 0.0 {
        Some(1.0)
    } else if min <= 0.0 {
        None
    } else {
        // Finite whatever the amounts: a ratio beyond the largest float reads as the largest.
        Some((max / min).min(f64::MAX))
    }
}

/// The smallest and largest cleaned amounts; (0, 0) for an empty slice.
pub(crate) fn min_max(values: &[f64]) -> (f64, f64) {
    let mut iter = values.iter().copied().map(clean);
    let Some(first) = iter.next() else {
        return (0.0, 0.0);
    };
    iter.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x)))
}

/// Each rep's share of the total, in input order; all 0 when the total is 0.
pub(crate) fn shares(values: &[f64]) -> Vec<f64> {
    let scaled = scaled(values);
    let sum = total(&scaled);
    if sum <= 0.0 {
        return vec![0.0; values.len()];
    }
    scaled.iter().map(|x| x / sum).collect()
}

/// The share each rep is owed by its weight (or capacity): wᵢ / Σ w. When every weight is 0
/// the team is treated as equal-weighted (1/n each), so an unweighted team still has a
/// defined fair share.
pub(crate) fn expected_shares(weights: &[f64]) -> Vec<f64> {
    let scaled = scaled(weights);
    let sum = total(&scaled);
    if sum <= 0.0 {
        let n = weights.len() as f64;
        return vec![1.0 / n; weights.len()];
    }
    scaled.iter().map(|w| w / sum).collect()
}

/// Actual share over owed share, per rep: 1 means exactly its due, 2 twice, 0.5 half. `None`
/// for a rep owed nothing (weight 0). When nothing was allocated at all every rep with a
/// positive owed share is at 0.
pub(crate) fn share_ratios(values: &[f64], weights: &[f64]) -> Vec<Option<f64>> {
    shares(values)
        .into_iter()
        .zip(expected_shares(weights))
        .map(|(actual, owed)| (owed > 0.0).then(|| actual / owed))
        .collect()
}

/// Won over received: the share of a rep's leads that became deals; 0 when it received none.
pub(crate) fn conversion_rate(won: u64, received: u64) -> f64 {
    if received == 0 {
        0.0
    } else {
        won as f64 / received as f64
    }
}

/// Won over closed (won + lost): the win rate among decided leads; 0 when none is decided.
pub(crate) fn win_rate(won: u64, lost: u64) -> f64 {
    conversion_rate(won, won.saturating_add(lost))
}

/// Mean days to close: total days over deals won; `None` when nothing was won.
pub(crate) fn mean_days_to_close(total_days: f64, won: u64) -> Option<f64> {
    (won > 0).then(|| clean(total_days) / won as f64)
}

#[cfg(test)]
mod tests;
