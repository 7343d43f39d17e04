//! Performance ranking: website inquiries to last week's best performer (seed rule 3), and the
//! platform master account to this month's inquiry leader (seed rule 2b).
//!
//! The ranking is computed once per period, not per lead: the first decision of a period
//! computes [`Standings`] (O(n x metrics + n log n)) and returns them as a
//! a [`StateUpdate`]; once applied, later decisions of the period read the cached
//! standings and walk them from the top (O(1) for top-1 when the leader is eligible; a draw and
//! a binary search for top-k). A closed window (last week, last month) is cached for the whole
//! period; an open one (this week, this month) is refreshed once per team day, or sooner after
//! [`AllocState::invalidate_standings`](super::AllocState::invalidate_standings).

use super::eligibility::{check_rep, fairness_key};
use super::explain::Examined;
use super::round_robin::rotates;
use super::{Decision, Request, StateUpdate, Team};
use crate::calendar::Window;
use crate::ids::RepId;
use crate::label::Label;
use crate::model::Metric;
use crate::reason::Step;
use crate::rng::{Rng, below};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// How many tied leaders are compared by the fairness tie-break (a whole team tied at zero at
/// the start of a month would otherwise be a full scan).
const MAX_TIE_SCAN: usize = 64;

/// Top-1, or the top k drawn in proportion to their scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RankingMode {
    /// The best eligible performer.
    #[default]
    Top1,
    /// One of the `k` best, drawn in proportion to score (uniformly when all score 0).
    TopK {
        /// How many leaders share the leads.
        k: u32,
    },
}

/// One ranked rep.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Ranked {
    /// The rep.
    pub rep: RepId,
    /// Its weighted score over the window.
    pub score: f64,
}

/// A ranking of the team over one window, computed once per period and cached in
/// [`AllocState::standings`](super::AllocState).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Standings {
    /// First day of the window (team zone).
    pub from: NaiveDate,
    /// Day after the window.
    pub to: NaiveDate,
    /// For open windows, the team day it was computed on (it is refreshed the next day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// Fingerprint of the ranked membership and the ranking's weights and mode (a change forces
    /// a recompute).
    pub team: u64,
    /// Best first; ties by lower id (the fairness tie-break is applied at decision time).
    pub ranked: Vec<Ranked>,
    /// Cumulative integer weights (score x 1000, or 1 each when all are 0) of the first k.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub top_cumulative: Vec<u64>,
}

impl PartialEq for Standings {
    fn eq(&self, other: &Self) -> bool {
        self.from == other.from
            && self.to == other.to
            && self.as_of == other.as_of
            && self.team == other.team
            && self.top_cumulative == other.top_cumulative
            && self.ranked.len() == other.ranked.len()
            && self
                .ranked
                .iter()
                .zip(&other.ranked)
                .all(|(a, b)| a.rep == b.rep && a.score.to_bits() == b.score.to_bits())
    }
}

// Scores are finite (non-finite metrics are refused by `Metrics::record`, weights are
// validated), so bitwise equality is an equivalence relation.
impl Eq for Standings {}

/// The ranking strategy.
#[derive(Clone, Debug)]
pub struct Ranking {
    key: Label,
    window: Window,
    weights: BTreeMap<Metric, f64>,
    mode: RankingMode,
    reps: Vec<RepId>,
    team: u64,
}

impl Ranking {
    /// A ranking of `team` over `window` by the weighted sum of the named metrics (a missing
    /// metric reads 0; non-finite weights read 0). `key` names its cache entry.
    pub fn new(
        team: &Team,
        key: impl Into<Label>,
        window: Window,
        weights: BTreeMap<Metric, f64>,
        mode: RankingMode,
    ) -> Self {
        let reps: Vec<RepId> = team
            .reps()
            .iter()
            .filter(|r| rotates(r))
            .map(|r| r.id)
            .collect();
        let members: Vec<(RepId, u32)> = reps.iter().map(|r| (*r, 1)).collect();
        let weights: BTreeMap<Metric, f64> = weights
            .into_iter()
            .map(|(k, w)| (k, if w.is_finite() { w } else { 0.0 }))
            .collect();
        // The cache stamp covers the configuration too, so two rankings sharing a key by
        // mistake recompute instead of reading each other's standings.
        let mut config = super::rotation::fingerprint(&members);
        let k = match mode {
            RankingMode::Top1 => 1,
            RankingMode::TopK { k } => u64::from(k) << 1,
        };
        for part in weights
            .iter()
            .flat_map(|(metric, w)| {
                let name = metric.name().bytes().map(u64::from);
                name.chain([w.to_bits()])
            })
            .chain([k])
        {
            config = (config ^ part).wrapping_mul(0x0100_0000_01b3);
        }
        Self {
            key: key.into(),
            window,
            weights,
            mode,
            reps,
            team: config,
        }
    }

    /// Seed rule 2b: the rep with the most `inquiries` this calendar month.
    pub fn master_account(team: &Team) -> Self {
        let weights = BTreeMap::from([(Metric::Inquiries, 1.0)]);
        Self::new(
            team,
            "master_account",
            Window::ThisMonth,
            weights,
            RankingMode::Top1,
        )
    }

    /// Seed rule 3: last week's best performer by the weighted metrics.
    pub fn previous_week(team: &Team, weights: BTreeMap<Metric, f64>) -> Self {
        Self::new(
            team,
            "website",
            Window::PreviousWeek,
            weights,
            RankingMode::Top1,
        )
    }

    /// The cache key.
    pub fn key(&self) -> &Label {
        &self.key
    }

    fn fresh(&self, standings: &Standings, days: &Range<NaiveDate>, today: NaiveDate) -> bool {
        standings.from == days.start
            && standings.to == days.end
            && standings.team == self.team
            && (!self.window.is_open() || standings.as_of == Some(today))
    }

    /// Computes the standings for the request's period (the per-period step; decisions call it
    /// only when the cache is missing or stale).
    pub fn rank(&self, request: &Request<'_>) -> Standings {
        let days = self.window.days(request.zone, request.now);
        let mut ranked: Vec<Ranked> = self
            .reps
            .iter()
            .map(|&rep| {
                let score = request.metrics.map_or(0.0, |m| {
                    self.weights
                        .iter()
                        .map(|(metric, w)| w * m.total(rep, metric, days.clone()))
                        .fold(0.0, |a, x| a + x)
                });
                let score = if score.is_finite() { score } else { 0.0 };
                Ranked { rep, score }
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.rep.cmp(&b.rep)));
        let mut top_cumulative = Vec::new();
        if let RankingMode::TopK { k } = self.mode {
            let top = &ranked[..ranked.len().min(k as usize)];
            let all_zero = top.iter().all(|r| r.score <= 0.0);
            let mut running = 0u64;
            for r in top {
                // Scores to integer weights (milli-points); negative scores weigh nothing.
                let w = if all_zero {
                    1
                } else {
                    (r.score.max(0.0) * 1000.0) as u64
                };
                running = running.saturating_add(w);
                top_cumulative.push(running);
            }
        }
        Standings {
            from: days.start,
            to: days.end,
            as_of: self
                .window
                .is_open()
                .then(|| request.zone.day_of(request.now)),
            team: self.team,
            ranked,
            top_cumulative,
        }
    }

    fn top1(
        standings: &Standings,
        request: &Request<'_>,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, f64, usize)> {
        let mut best: Option<(RepId, f64, usize)> = None;
        let mut ties = 0;
        for (rank, entry) in standings.ranked.iter().enumerate() {
            if let Some((b, score, _)) = best {
                if entry.score.to_bits() != score.to_bits() || ties >= MAX_TIE_SCAN {
                    break;
                }
                ties += 1;
                if fairness_key(request, entry.rep) >= fairness_key(request, b) {
                    continue;
                }
            }
            let Some(rep) = request.team.get(entry.rep) else {
                continue;
            };
            if examined.admits(entry.rep, check_rep(request, rep)) {
                best = Some((entry.rep, entry.score, rank));
            }
        }
        best
    }

    fn top_k(
        standings: &Standings,
        request: &Request<'_>,
        rng: &mut dyn Rng,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, f64, usize)> {
        let total = standings.top_cumulative.last().copied()?;
        for _ in 0..16 {
            let x = below(rng, total);
            let rank = standings.top_cumulative.partition_point(|&c| c <= x);
            let entry = standings.ranked.get(rank)?;
            let rep = request.team.get(entry.rep)?;
            if examined.admits(entry.rep, check_rep(request, rep)) {
                return Some((entry.rep, entry.score, rank));
            }
        }
        None
    }
}

super::decides_in_place!(Ranking);

impl Ranking {
    /// Decides `request` into `decision` (a searching one), in place: a decision is large.
    fn decide(&self, request: &Request<'_>, rng: &mut dyn Rng, decision: &mut Decision) {
        let days = self.window.days(request.zone, request.now);
        let today = request.zone.day_of(request.now);
        let computed;
        let mut update = None;
        let standings = match request.state.standings(self.key.as_str()) {
            Some(cached) if self.fresh(cached, &days, today) => cached,
            _ => {
                computed = self.rank(request);
                update = Some(StateUpdate::standings(self.key.clone(), computed.clone()));
                &computed
            }
        };
        let mut examined = Examined::new(&mut decision.explanation);
        let picked = match self.mode {
            RankingMode::Top1 => Self::top1(standings, request, &mut examined),
            RankingMode::TopK { .. } => Self::top_k(standings, request, rng, &mut examined)
                .or_else(|| Self::top1(standings, request, &mut examined)),
        };
        let (key, window, from, to) = (self.key.clone(), self.window, days.start, days.end);
        match picked {
            Some((rep, score, rank)) => {
                let step = Step::Ranked {
                    key,
                    rep,
                    rank: u32::try_from(rank + 1).unwrap_or(u32::MAX),
                    score,
                    window,
                    from,
                    to,
                };
                examined.conclude(step, Some(score));
                decision.rep = Some(rep);
            }
            None => {
                let step = Step::RankingExhausted {
                    key,
                    window,
                    from,
                    to,
                };
                examined.conclude(step, None);
            }
        }
        decision.updates.extend(update);
    }
}
