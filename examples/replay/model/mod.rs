//! An outcome model fitted on observed deals: who wins what, for how much, after how long.
//!
//! Keys are dense indices chosen by the caller, so the model is not tied to any data set: an
//! **agent** (a rep's position in the team), a **segment** (e.g. the product) and a
//! **context** (e.g. the account's sector). Three parts:
//!
//! - [`WinModel`]: the probability that agent `a` wins a lead of segment `s` in context `c`,
//!   by hierarchical Beta-binomial shrinkage. The team's rate is the root; each agent's rate,
//!   each segment's rate and each context's rate shrink toward it; each agent x segment cell
//!   shrinks toward the product of its agent and segment effects; the context shifts the
//!   cell's log-odds. The strength of each shrinkage (a pseudo-count, [`Shrinkage`]) is chosen
//!   by cross-validated held-out log-likelihood with [`WinModel::fit_selected`], not by hand.
//! - [`SegmentValues`]: the deal value of a won lead, per segment (the mean observed value).
//! - [`CloseDelays`]: days from engagement to close, per agent (the agent's mean, shrunk toward
//!   the team's by held-out squared error, scaling the team's empirical distribution).
//!
//! [`brier`] and [`log_loss`] score predictions; [`WinModel::constant`] and an agent-only fit
//! (`Shrinkage::agent_only`) are the baselines a fit check compares against.
//!
//! (`model/tests.rs` checks that fits recover rates the data were simulated from.)

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Probabilities are kept inside `[EPS, 1 - EPS]`, so log-odds and log-loss stay finite.
const EPS: f64 = 1e-6;

/// The default grid of shrinkage strengths (pseudo-counts) searched by
/// [`WinModel::fit_selected`]; `f64::INFINITY` pools a level completely (no effect).
pub const STRENGTH_GRID: [f64; 14] = [
    1.0,
    3.0,
    10.0,
    30.0,
    100.0,
    300.0,
    1_000.0,
    3_000.0,
    10_000.0,
    30_000.0,
    100_000.0,
    300_000.0,
    1_000_000.0,
    f64::INFINITY,
];

/// A model could not be fitted.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum OutcomeError {
    /// No observation to fit on.
    #[error("no observation to fit the model on")]
    NoData,
    /// An observation's key is outside the model's shape.
    #[error("observation {index}: key outside the model's shape")]
    OutOfShape {
        /// The observation's position.
        index: usize,
    },
    /// A strength was negative or NaN.
    #[error("shrinkage strength must be >= 0 (infinity pools the level), got {0}")]
    BadStrength(f64),
    /// Cross-validation needs at least two folds and one strength to try.
    #[error("cross-validation needs >= 2 folds and a non-empty grid")]
    BadSelection,
}

/// How many agents, segments and contexts the model has (keys are `0..n`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// Agents (e.g. reps, by team position).
    pub agents: usize,
    /// Segments (e.g. products).
    pub segments: usize,
    /// Contexts (e.g. account sectors).
    pub contexts: usize,
}

/// One decided lead: who worked it, what it was, whether it was won.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// The agent.
    pub agent: usize,
    /// The segment.
    pub segment: usize,
    /// The context.
    pub context: usize,
    /// Won (true) or lost.
    pub won: bool,
}

/// Shrinkage strengths: pseudo-counts of the parent's rate added to each group's counts.
/// 0 is no shrinkage (the raw rate), `f64::INFINITY` is complete pooling (the level has no
/// effect at all).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shrinkage {
    /// Agent rates toward the team's rate.
    pub agent: f64,
    /// Segment rates toward the team's rate.
    pub segment: f64,
    /// Agent x segment cells toward their agent and segment effects combined.
    pub cell: f64,
    /// Context rates toward the team's rate.
    pub context: f64,
}

impl Shrinkage {
    /// The same strength at every level.
    pub const fn uniform(strength: f64) -> Self {
        Self {
            agent: strength,
            segment: strength,
            cell: strength,
            context: strength,
        }
    }

    /// Agent rates only (segments, cells and contexts pooled): the agent-only baseline.
    pub const fn agent_only(strength: f64) -> Self {
        Self {
            agent: strength,
            segment: f64::INFINITY,
            cell: f64::INFINITY,
            context: f64::INFINITY,
        }
    }

    fn levels(&self) -> [f64; 4] {
        [self.agent, self.segment, self.cell, self.context]
    }

    fn with_level(mut self, level: usize, value: f64) -> Self {
        match level {
            0 => self.agent = value,
            1 => self.segment = value,
            2 => self.cell = value,
            _ => self.context = value,
        }
        self
    }

    fn check(&self) -> Result<(), OutcomeError> {
        match self.levels().into_iter().find(|k| k.is_nan() || *k < 0.0) {
            Some(bad) => Err(OutcomeError::BadStrength(bad)),
            None => Ok(()),
        }
    }
}

/// What [`WinModel::fit_selected`] chose, and how well it predicted held-out folds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The strengths chosen.
    pub shrinkage: Shrinkage,
    /// Their mean held-out log-loss over the folds.
    pub held_out_log_loss: f64,
}

fn clamp_p(p: f64) -> f64 {
    if p.is_finite() {
        p.clamp(EPS, 1.0 - EPS)
    } else {
        0.5
    }
}

fn logit(p: f64) -> f64 {
    let p = clamp_p(p);
    (p / (1.0 - p)).ln()
}

fn sigmoid(x: f64) -> f64 {
    if x.is_nan() {
        return 0.5;
    }
    clamp_p(1.0 / (1.0 + (-x).exp()))
}

/// `(wins + k * prior) / (n + k)`, with `k = inf` giving the prior and `n + k = 0` the prior.
fn shrink(wins: f64, n: f64, k: f64, prior: f64) -> f64 {
    if !k.is_finite() || n + k <= 0.0 {
        return prior;
    }
    clamp_p((wins + k * prior) / (n + k))
}

/// Win probabilities by agent x segment x context, hierarchically shrunk (see the module).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WinModel {
    shape: Shape,
    shrinkage: Shrinkage,
    base: f64,
    agent: Vec<f64>,
    agent_n: Vec<u64>,
    segment: Vec<f64>,
    context: Vec<f64>,
    /// Cell log-odds, agent-major (`agent * segments + segment`).
    cell: Vec<f64>,
}

/// Wins and trials.
#[derive(Clone, Copy, Default)]
struct Count {
    won: f64,
    n: f64,
}

impl Count {
    fn add(&mut self, won: bool) {
        self.n += 1.0;
        if won {
            self.won += 1.0;
        }
    }
}

impl WinModel {
    /// Fits the model on `observations` with the given strengths.
    pub fn fit(
        shape: Shape,
        observations: &[Observation],
        shrinkage: Shrinkage,
    ) -> Result<Self, OutcomeError> {
        shrinkage.check()?;
        if observations.is_empty() {
            return Err(OutcomeError::NoData);
        }
        let (a, s, c) = (shape.agents, shape.segments, shape.contexts);
        let mut total = Count::default();
        let mut agent = vec![Count::default(); a];
        let mut segment = vec![Count::default(); s];
        let mut context = vec![Count::default(); c];
        let mut cell = vec![Count::default(); a.saturating_mul(s)];
        for (index, o) in observations.iter().enumerate() {
            if o.agent >= a || o.segment >= s || o.context >= c {
                return Err(OutcomeError::OutOfShape { index });
            }
            total.add(o.won);
            agent[o.agent].add(o.won);
            segment[o.segment].add(o.won);
            context[o.context].add(o.won);
            cell[o.agent * s + o.segment].add(o.won);
        }
        // Laplace's rule keeps the root strictly inside (0, 1).
        let base = clamp_p((total.won + 1.0) / (total.n + 2.0));
        let level = |counts: &[Count], k: f64| -> Vec<f64> {
            counts.iter().map(|x| shrink(x.won, x.n, k, base)).collect()
        };
        let agent_p = level(&agent, shrinkage.agent);
        let segment_p = level(&segment, shrinkage.segment);
        let context_p = level(&context, shrinkage.context);
        let base_logit = logit(base);
        let mut cell_logit = Vec::with_capacity(cell.len());
        for (ai, ap) in agent_p.iter().enumerate() {
            for (si, sp) in segment_p.iter().enumerate() {
                let prior = sigmoid(logit(*ap) + logit(*sp) - base_logit);
                let x = cell[ai * s + si];
                cell_logit.push(logit(shrink(x.won, x.n, shrinkage.cell, prior)));
            }
        }
        Ok(Self {
            shape,
            shrinkage,
            base,
            agent: agent_p,
            agent_n: agent.iter().map(|x| x.n as u64).collect(),
            segment: segment_p,
            context: context_p,
            cell: cell_logit,
        })
    }

    /// The constant-rate baseline: every lead has the observed win rate.
    pub fn constant(shape: Shape, observations: &[Observation]) -> Result<Self, OutcomeError> {
        Self::fit(shape, observations, Shrinkage::uniform(f64::INFINITY))
    }

    /// Fits with the strengths that maximise held-out likelihood: `folds`-fold
    /// cross-validation (observation `i` is in fold `i % folds`), each level's strength
    /// searched over `grid` in turn, two passes, starting from 100 everywhere. Ties keep the
    /// stronger shrinkage (the simpler model). Deterministic.
    pub fn fit_selected(
        shape: Shape,
        observations: &[Observation],
        grid: &[f64],
        folds: usize,
    ) -> Result<(Self, Selection), OutcomeError> {
        if folds < 2 || grid.is_empty() {
            return Err(OutcomeError::BadSelection);
        }
        if observations.len() < folds {
            return Err(OutcomeError::NoData);
        }
        let mut best = Shrinkage::uniform(100.0);
        let mut best_loss = cv_log_loss(shape, observations, best, folds)?;
        for _pass in 0..2 {
            for level in 0..4 {
                for &k in grid {
                    let candidate = best.with_level(level, k);
                    let loss = cv_log_loss(shape, observations, candidate, folds)?;
                    let current = best.levels()[level];
                    if loss < best_loss - 1e-12 || (loss <= best_loss + 1e-12 && k > current) {
                        best = candidate;
                        best_loss = loss;
                    }
                }
            }
        }
        let model = Self::fit(shape, observations, best)?;
        Ok((
            model,
            Selection {
                shrinkage: best,
                held_out_log_loss: best_loss,
            },
        ))
    }

    /// The win probability of agent `agent` on a lead of `segment` in `context`. A key
    /// outside the shape falls back to the level above (an unknown agent is an average one).
    pub fn p(&self, agent: usize, segment: usize, context: usize) -> f64 {
        // `get` everywhere: a model read back from serde may have inconsistent lengths.
        let s = self.shape.segments;
        let cell = match (agent < self.shape.agents, segment < s) {
            (true, true) => agent
                .checked_mul(s)
                .and_then(|i| self.cell.get(i + segment))
                .copied()
                .unwrap_or_else(|| logit(self.agent_rate(agent))),
            (true, false) => logit(self.agent_rate(agent)),
            (false, true) => logit(self.segment_rate(segment)),
            (false, false) => logit(self.base),
        };
        let shift = self
            .context
            .get(context)
            .map_or(0.0, |c| logit(*c) - logit(self.base));
        sigmoid(cell + shift)
    }

    /// The team's rate (the root of the hierarchy).
    pub fn base_rate(&self) -> f64 {
        self.base
    }

    /// An agent's shrunk rate (over all its segments), or the team's for an unknown agent.
    pub fn agent_rate(&self, agent: usize) -> f64 {
        self.agent.get(agent).copied().unwrap_or(self.base)
    }

    /// A segment's shrunk rate, or the team's for an unknown segment.
    pub fn segment_rate(&self, segment: usize) -> f64 {
        self.segment.get(segment).copied().unwrap_or(self.base)
    }

    /// How many observations the fit had for `agent` (0: a newcomer, at the team's rate).
    pub fn agent_observations(&self, agent: usize) -> u64 {
        self.agent_n.get(agent).copied().unwrap_or(0)
    }

    /// Predictions for `observations`, paired with what happened (for [`brier`], [`log_loss`]).
    pub fn predict(&self, observations: &[Observation]) -> Vec<(f64, bool)> {
        observations
            .iter()
            .map(|o| (self.p(o.agent, o.segment, o.context), o.won))
            .collect()
    }
}

/// The mean held-out log-loss of `folds`-fold cross-validation of a fit with `shrinkage`
/// (observation `i` is held out in fold `i % folds`): the criterion
/// [`WinModel::fit_selected`] minimises.
pub fn cv_log_loss(
    shape: Shape,
    observations: &[Observation],
    shrinkage: Shrinkage,
    folds: usize,
) -> Result<f64, OutcomeError> {
    let mut pairs = Vec::with_capacity(observations.len());
    for fold in 0..folds {
        let train: Vec<Observation> = observations
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, o)| *o)
            .collect();
        let model = WinModel::fit(shape, &train, shrinkage)?;
        pairs.extend(
            observations
                .iter()
                .enumerate()
                .filter(|(i, _)| i % folds == fold)
                .map(|(_, o)| (model.p(o.agent, o.segment, o.context), o.won)),
        );
    }
    Ok(log_loss(&pairs))
}

/// Brier score: the mean squared difference between the predicted probability and the outcome
/// (0 perfect, 0.25 a coin). 0 for no prediction; a non-finite prediction reads as 0.5.
pub fn brier(predictions: &[(f64, bool)]) -> f64 {
    if predictions.is_empty() {
        return 0.0;
    }
    let sum: f64 = predictions
        .iter()
        .map(|&(p, won)| {
            let p = if p.is_finite() {
                p.clamp(0.0, 1.0)
            } else {
                0.5
            };
            let y = if won { 1.0 } else { 0.0 };
            (p - y) * (p - y)
        })
        .sum();
    sum / predictions.len() as f64
}

/// Log-loss: the mean negative log-likelihood of the outcomes (natural log; ln 2 ≈ 0.693 for a
/// coin). Probabilities are clamped to `[1e-6, 1 - 1e-6]` so a confident miss costs about 13.8,
/// never infinity. 0 for no prediction.
pub fn log_loss(predictions: &[(f64, bool)]) -> f64 {
    if predictions.is_empty() {
        return 0.0;
    }
    let sum: f64 = predictions
        .iter()
        .map(|&(p, won)| {
            let p = clamp_p(p);
            -(if won { p.ln() } else { (1.0 - p).ln() })
        })
        .sum();
    sum / predictions.len() as f64
}

mod delays;
#[cfg(test)]
mod tests;
mod values;
pub use delays::CloseDelays;
pub use values::SegmentValues;

/// The fitted model, as the counterfactual replay reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// Win probabilities by agent (team position) x segment x context.
    pub wins: WinModel,
    /// Deal value of a won lead, per segment.
    pub values: SegmentValues,
    /// Days from assignment to close, per agent.
    pub delays: CloseDelays,
}

impl leadpool::sim::OutcomeModel for Fitted {
    fn win_probability(&self, agent: usize, segment: usize, context: usize) -> f64 {
        self.wins.p(agent, segment, context)
    }
    fn observed(&self, agent: usize) -> bool {
        self.wins.agent_observations(agent) > 0
    }
    fn value(&self, segment: usize) -> f64 {
        self.values.value(segment)
    }
    fn days_to_close(&self, agent: usize, u: f64) -> f64 {
        self.delays.days(agent, u)
    }
}
