//! The naive allocators: a linear scan over all reps, recomputed per lead, each wrapped in a
//! decision with the same kind of explanation the real strategies return, so both sides pay
//! for building the audit record.

use super::super::workload::{Loads, alloc_now, loads, ranking_days};
use chrono::NaiveDate;
use leadpool::allocate::{Decision, Explanation, LeadFactors, Team, TeamView};
use leadpool::ids::{ClientId, RepId};
use leadpool::label::Label;
use leadpool::model::{Client, Metric, Metrics, Rep, Tier};
use leadpool::reason::Step;
use leadpool::rng::{LeadRng, below, seeded};

/// A naive pick wrapped in a decision with a one-step explanation.
pub fn explained(client: ClientId, rep: Option<RepId>, rule: &str) -> Decision {
    let explanation = Explanation::new(Step::Custom {
        rule: Label::new(rule),
        rep,
    })
    .with_considered(1);
    match rep {
        Some(rep) => Decision::assigned(client, rep, explanation),
        None => Decision::unassigned(client, explanation),
    }
}

/// Smooth weighted round-robin by scanning every rep's credit.
pub fn naive_rr(team: &Team, credit: &mut [i64]) -> Option<RepId> {
    let (mut best, mut total) = (None::<usize>, 0i64);
    // The instant is read once, as a hand-written loop would.
    let now = alloc_now();
    for (i, rep) in team.reps().iter().enumerate() {
        if !rep.availability.is_available(now) {
            continue;
        }
        credit[i] += i64::from(rep.weight);
        total += i64::from(rep.weight);
        if best.is_none_or(|b| credit[i] > credit[b]) {
            best = Some(i);
        }
    }
    let b = best?;
    credit[b] -= total;
    Some(team.reps()[b].id)
}

/// The most specific territory by scanning every rep's regions, rotating by `turn`.
pub fn naive_territory(team: &Team, client: &Client, turn: usize) -> Option<RepId> {
    let mut depth = None;
    let mut candidates = Vec::new();
    for rep in team.reps() {
        for region in &rep.regions {
            if region.covers(client.region()) {
                if depth.is_none_or(|d| region.depth() > d) {
                    depth = Some(region.depth());
                    candidates.clear();
                }
                if depth == Some(region.depth()) {
                    candidates.push(rep.id);
                }
            }
        }
    }
    (!candidates.is_empty()).then(|| candidates[turn % candidates.len()])
}

/// Required skills filter, desired tags score, lower load breaks ties: a scan with string
/// comparisons.
pub fn naive_skill(team: &Team, client: &Client, required: &[&str]) -> Option<RepId> {
    let mut best: Option<(usize, u32, RepId)> = None;
    for rep in team.reps() {
        let has = |t: &str| rep.skills.iter().any(|s| s == t);
        if !required.iter().all(|t| has(t)) {
            continue;
        }
        let score = client.tags().iter().filter(|t| has(t)).count();
        let load = Loads.open_load(rep.id);
        if best.is_none_or(|(s, l, _)| score > s || (score == s && load < l)) {
            best = Some((score, load, rep.id));
        }
    }
    best.map(|b| b.2)
}

/// The lead's score band's tier, then a weighted draw over a filtered copy of the team.
pub fn naive_score(team: &Team, client: &Client, rng: &mut LeadRng) -> Option<RepId> {
    let score = LeadFactors::default().score(&client.lead());
    let tier = if score >= 70.0 {
        2
    } else if score >= 40.0 {
        1
    } else {
        0
    };
    let pool: Vec<&Rep> = team
        .reps()
        .iter()
        .filter(|r| r.tier == Tier(tier))
        .collect();
    let total: u64 = pool.iter().map(|r| u64::from(r.weight)).sum();
    let mut x = below(rng, total);
    for rep in pool {
        if x < u64::from(rep.weight) {
            return Some(rep.id);
        }
        x -= u64::from(rep.weight);
    }
    None
}

/// Every rep's weighted metrics summed over `days`, recomputed per lead; the best wins.
pub fn naive_ranking(
    team: &Team,
    metrics: &Metrics,
    days: std::ops::Range<NaiveDate>,
) -> Option<RepId> {
    let mut best: Option<(f64, RepId)> = None;
    for rep in team.reps() {
        let s = metrics.total(rep.id, &Metric::FollowUps, days.clone())
            + 3.0 * metrics.total(rep.id, &Metric::SampleOrders, days.clone());
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, rep.id));
        }
    }
    best.map(|b| b.1)
}

/// Every rep's load read and sorted; the first wins.
pub fn naive_least_loaded(team: &Team) -> Option<RepId> {
    let mut all: Vec<(u32, RepId)> = team.reps().iter().map(|r| (loads(r.id), r.id)).collect();
    all.sort();
    all.first().map(|a| a.1)
}

/// The naive side of one strategy's workload, as both the criterion group and the
/// instruction-count program run it: the loop's own state (round-robin credits, the score
/// draw's generator) and one pick per lead.
pub struct NaivePicker {
    credit: Vec<i64>,
    rng: LeadRng,
    days: std::ops::Range<NaiveDate>,
}

impl NaivePicker {
    /// A picker for a team of `reps`.
    pub fn new(reps: usize) -> Self {
        Self {
            credit: vec![0; reps],
            rng: seeded(2),
            days: ranking_days(),
        }
    }

    /// The rep strategy `name` picks for `lead`, the `k`-th lead, by scanning the team, with
    /// its decision explained as the crate's would be.
    pub fn decide(
        &mut self,
        name: &str,
        team: &Team,
        metrics: &Metrics,
        lead: &Client,
        k: usize,
    ) -> Decision {
        let rep = match name {
            "round_robin" => naive_rr(team, &mut self.credit),
            "territory" => naive_territory(team, lead, k),
            "skill" => naive_skill(team, lead, &["t0"]),
            "score" => naive_score(team, lead, &mut self.rng),
            "ranking" => naive_ranking(team, metrics, self.days.clone()),
            "least_loaded" => naive_least_loaded(team),
            other => panic!("unknown strategy {other}"),
        };
        explained(lead.id(), rep, name)
    }
}
