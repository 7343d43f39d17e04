//! Days from engagement to close, per agent.

use super::STRENGTH_GRID;
use serde::{Deserialize, Serialize};

/// Days from engagement to close: the team's empirical distribution, scaled per agent by the
/// agent's mean over the team's. Each agent's mean is shrunk toward the team's with a
/// pseudo-count chosen by held-out squared error (5-fold cross-validation), so an agent with few
/// deals (or none: a newcomer) closes like the team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CloseDelays {
    /// The team's observed days, sorted.
    sorted: Vec<f64>,
    team_mean: f64,
    agent_mean: Vec<f64>,
    strength: f64,
}

fn clean(closed: &[(usize, f64)], agents: usize) -> Vec<(usize, f64)> {
    closed
        .iter()
        .copied()
        .filter(|(a, d)| *a < agents && d.is_finite() && *d >= 0.0)
        .collect()
}

fn means(closed: &[(usize, f64)], agents: usize, strength: f64) -> (f64, Vec<f64>) {
    let n = closed.len() as f64;
    let team = if closed.is_empty() {
        0.0
    } else {
        closed.iter().map(|(_, d)| d).sum::<f64>() / n
    };
    let mut sums = vec![(0.0f64, 0.0f64); agents];
    for &(a, d) in closed {
        sums[a].0 += d;
        sums[a].1 += 1.0;
    }
    let per_agent = sums
        .iter()
        .map(|&(sum, count)| {
            if !strength.is_finite() || count + strength <= 0.0 {
                team
            } else {
                (sum + strength * team) / (count + strength)
            }
        })
        .collect();
    (team, per_agent)
}

impl CloseDelays {
    /// Fits on `(agent, days)` pairs of closed deals for `agents` agents; pairs with an agent
    /// out of range or days negative or not finite are skipped.
    pub fn fit(agents: usize, closed: &[(usize, f64)]) -> Self {
        let closed = clean(closed, agents);
        const FOLDS: usize = 5;
        let mut strength = f64::INFINITY;
        let mut best = f64::INFINITY;
        if closed.len() >= FOLDS {
            for &k in STRENGTH_GRID.iter().rev() {
                let mut error = 0.0;
                for fold in 0..FOLDS {
                    let train: Vec<(usize, f64)> = closed
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % FOLDS != fold)
                        .map(|(_, x)| *x)
                        .collect();
                    let (_, m) = means(&train, agents, k);
                    error += closed
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % FOLDS == fold)
                        .map(|(_, (a, d))| (d - m[*a]).powi(2))
                        .sum::<f64>();
                }
                // Strict improvement only: ties keep the stronger shrinkage.
                if error < best - 1e-9 {
                    best = error;
                    strength = k;
                }
            }
        }
        let (team_mean, agent_mean) = means(&closed, agents, strength);
        let mut sorted: Vec<f64> = closed.iter().map(|(_, d)| *d).collect();
        sorted.sort_by(f64::total_cmp);
        Self {
            sorted,
            team_mean,
            agent_mean,
            strength,
        }
    }

    /// The agent's shrunk mean days to close (the team's for an unknown agent).
    pub fn agent_mean(&self, agent: usize) -> f64 {
        self.agent_mean
            .get(agent)
            .copied()
            .unwrap_or(self.team_mean)
    }

    /// The team's mean days to close.
    pub fn team_mean(&self) -> f64 {
        self.team_mean
    }

    /// The pseudo-count the held-out error chose.
    pub fn strength(&self) -> f64 {
        self.strength
    }

    /// The days `agent` takes at quantile `u` in `[0, 1)`: the team's empirical quantile,
    /// scaled by the agent's mean over the team's. 0 when nothing was observed.
    pub fn days(&self, agent: usize, u: f64) -> f64 {
        if self.sorted.is_empty() || self.team_mean <= 0.0 {
            return 0.0;
        }
        let u = if u.is_finite() {
            u.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let i = ((u * self.sorted.len() as f64) as usize).min(self.sorted.len() - 1);
        let scaled = self.sorted[i] * self.agent_mean(agent) / self.team_mean;
        if scaled.is_finite() {
            scaled.max(0.0)
        } else {
            0.0
        }
    }
}
