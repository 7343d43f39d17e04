//! Score-weighted: a lead score from weighted factors, tiers mapped to rep experience tiers,
//! weighted random choice within the tier.
//!
//! High-value leads go to the most capable reps and low-value leads to newcomers who need the
//! practice (seed rule 6). Each band keeps its reps with cumulative weights, built once per
//! team; a draw is one `below` on the caller's RNG and a binary search: O(log n). A drawn rep
//! that is ineligible is rejected and the draw repeated (which samples exactly the weights
//! restricted to the eligible reps); after a bounded number of rejections the band is walked
//! once, still without allocating.

use super::eligibility::check_rep;
use super::explain::Examined;
use super::round_robin::rotates;
use super::{Decision, Request, Team};
use crate::config::{ConfigError, ConfigRule, check_weight};
use crate::ids::RepId;
use crate::model::{LeadInputs, Tier};
use crate::reason::Step;
use crate::rng::{Rng, below};
use serde::{Deserialize, Serialize};

/// How many rejected draws before the band is walked.
const MAX_REJECTIONS: u32 = 16;

/// Weights of the lead-score factors. The score is their weighted mean, 0-100. Each weight is a
/// finite number in `0..=1e6` (checked when a policy is built).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadFactors {
    /// Weight of the budget rating.
    pub budget: f64,
    /// Weight of the urgency rating.
    pub urgency: f64,
    /// Weight of the product-fit rating.
    pub product_fit: f64,
}

impl Default for LeadFactors {
    fn default() -> Self {
        Self {
            budget: 1.0,
            urgency: 1.0,
            product_fit: 1.0,
        }
    }
}

impl LeadFactors {
    /// Checks every weight: finite and within `0..=1e6`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_weight("budget", self.budget)?;
        check_weight("urgency", self.urgency)?;
        check_weight("product_fit", self.product_fit)
    }

    /// The lead score, 0-100 (0 when every weight is 0 or invalid). Always finite: weights
    /// are scaled by the largest before they are summed, so even weights near `f64::MAX`
    /// cannot overflow.
    pub fn score(&self, lead: &LeadInputs) -> f64 {
        let clean = |w: f64| if w.is_finite() && w > 0.0 { w } else { 0.0 };
        let weights = [
            clean(self.budget),
            clean(self.urgency),
            clean(self.product_fit),
        ];
        let largest = weights.iter().copied().fold(0.0, f64::max);
        if largest == 0.0 {
            return 0.0;
        }
        let ratings = [lead.budget, lead.urgency, lead.product_fit];
        let (mut sum, mut total) = (0.0, 0.0);
        for (w, x) in weights.iter().zip(ratings) {
            let w = w / largest;
            sum += w * f64::from(x.min(100));
            total += w;
        }
        (sum / total).clamp(0.0, 100.0)
    }
}

/// One value band: leads scoring at least `min_score` go to reps of the listed tiers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreTier {
    /// The lowest lead score in the band (0-100).
    pub min_score: u8,
    /// Rep experience tiers that take the band's leads.
    pub rep_tiers: Vec<Tier>,
}

#[derive(Clone, Debug)]
struct Band {
    min_score: u8,
    reps: Vec<RepId>,
    cumulative: Vec<u64>,
}

/// The score-weighted strategy.
#[derive(Clone, Debug)]
pub struct ScoreWeighted {
    factors: LeadFactors,
    bands: Vec<Band>,
}

impl ScoreWeighted {
    /// Builds the bands' samplers for `team` (inactive and weight-0 reps left out), after
    /// checking the factor weights and that every band starts at a score of at most 100.
    pub fn try_new(
        team: &Team,
        factors: LeadFactors,
        tiers: &[ScoreTier],
    ) -> Result<Self, ConfigError> {
        factors.validate().map_err(|e| e.under("factors"))?;
        if let Some((i, tier)) = tiers.iter().enumerate().find(|(_, t)| t.min_score > 100) {
            return Err(ConfigError::new(
                format!("tiers[{i}].min_score"),
                ConfigRule::OutOfRange {
                    value: f64::from(tier.min_score),
                    min: 0.0,
                    max: 100.0,
                },
            ));
        }
        Ok(Self::new(team, factors, tiers))
    }

    /// Builds the bands' samplers for `team` (inactive and weight-0 reps left out). Invalid
    /// weights read as 0 and bands above 100 as 100; [`ScoreWeighted::try_new`] refuses them.
    pub fn new(team: &Team, factors: LeadFactors, tiers: &[ScoreTier]) -> Self {
        let mut bands: Vec<Band> = tiers
            .iter()
            .map(|tier| {
                let mut reps = Vec::new();
                let mut cumulative = Vec::new();
                let mut running = 0u64;
                for rep in team.reps().iter().filter(|r| rotates(r)) {
                    if tier.rep_tiers.contains(&rep.tier) {
                        running = running.saturating_add(u64::from(rep.weight));
                        reps.push(rep.id);
                        cumulative.push(running);
                    }
                }
                Band {
                    min_score: tier.min_score.min(100),
                    reps,
                    cumulative,
                }
            })
            .collect();
        bands.sort_by_key(|b| std::cmp::Reverse(b.min_score));
        Self { factors, bands }
    }

    fn weight_of(band: &Band, index: usize) -> u64 {
        // `index` is a position in `band.reps`, which has the same length as `cumulative`.
        let before = if index == 0 {
            0
        } else {
            band.cumulative[index - 1]
        };
        band.cumulative[index] - before
    }

    fn draw(
        band: &Band,
        request: &Request<'_>,
        rng: &mut dyn Rng,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, u64)> {
        let total = band.cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return None;
        }
        for _ in 0..MAX_REJECTIONS {
            let x = below(rng, total);
            let index = band.cumulative.partition_point(|&c| c <= x);
            let id = band.reps.get(index).copied()?;
            let rep = request.team.get(id)?;
            if examined.admits(id, check_rep(request, rep)) {
                return Some((id, Self::weight_of(band, index)));
            }
        }
        // Many ineligible reps: draw once among the eligible ones, walking the band twice.
        let eligible = |i: usize| {
            request
                .team
                .get(band.reps[i])
                .is_some_and(|r| check_rep(request, r).is_none())
        };
        let total = (0..band.reps.len())
            .filter(|&i| eligible(i))
            .fold(0u64, |sum, i| sum.saturating_add(Self::weight_of(band, i)));
        if total == 0 {
            return None;
        }
        let mut x = below(rng, total);
        for i in (0..band.reps.len()).filter(|&i| eligible(i)) {
            let w = Self::weight_of(band, i);
            if x < w {
                return Some((band.reps[i], w));
            }
            x -= w;
        }
        None
    }
}

super::decides_in_place!(ScoreWeighted);

impl ScoreWeighted {
    /// Decides `request` into `decision` (a searching one), in place: a decision is large.
    fn decide(&self, request: &Request<'_>, rng: &mut dyn Rng, decision: &mut Decision) {
        let client = request.client;
        let score = self.factors.score(&client.lead());
        let mut examined = Examined::new(&mut decision.explanation);
        let Some(band) = self.bands.iter().find(|b| score >= f64::from(b.min_score)) else {
            examined.conclude(Step::NoBand { score }, Some(score));
            return;
        };
        match Self::draw(band, request, rng, &mut examined) {
            Some((rep, weight)) => {
                let step = Step::ScoreDrawn {
                    score,
                    band: band.min_score,
                    rep,
                    weight,
                    total: band.cumulative.last().copied().unwrap_or(0),
                };
                examined.conclude(step, Some(score));
                decision.rep = Some(rep);
            }
            None => {
                let step = Step::BandExhausted {
                    score,
                    band: band.min_score,
                };
                examined.conclude(step, Some(score));
            }
        }
    }
}
