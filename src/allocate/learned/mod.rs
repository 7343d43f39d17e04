//! Learned: Thompson sampling over rep x segment win rates, with a minimum share per rep.
//!
//! The allocator keeps, per rep and per segment of lead (a client tag or industry from a
//! configured list, e.g. the product), how many of the leads it was told about were won and
//! lost. It learns **only** from those outcome reports ([`Learned::observe`]), which a CRM (or
//! a replay) sends when a lead closes; it never sees any model of the world.
//!
//! For each lead it draws a plausible win rate for every eligible rep from a Beta posterior and
//! gives the lead to the highest draw (Thompson sampling): reps that look good get more leads,
//! and reps it knows little about still get tried. The posterior is hierarchical, so a rep
//! with no history (a newcomer) starts from the team's rate with a wide spread, not from zero:
//! the team rate shrinks toward `prior.mean` with `prior.team_strength` pseudo-leads, each rep's
//! and each segment's rate toward the team's with `prior.group_strength`, and each rep x
//! segment cell toward its rep and segment effects combined with `prior.cell_strength`.
//!
//! Fairness comes first: a rep whose share of the team's leads over the last `window_days`
//! (counted by [`TeamView::received_in`](super::TeamView::received_in)) is below
//! `min_share` is served before any draw (the largest shortfall first), so with
//! `min_share = 1/n` the policy is a plain rotation and with 0 it is pure Thompson sampling.
//! Every rep examined passes [`Request::check`](super::Request::check) (availability and the filter's rules) and, when a
//! capacity is set, an open-load limit; weight 0 and inactive reps are never members.
//!
//! The learning state ([`Posterior`]) is serde, so a CRM can store it and resume:
//! [`Learned::posterior`] out, [`LearnedPolicy::learned`] in. A [`Policy::Learned`] built into
//! a `Box<dyn Allocator>` cannot be told outcomes; hold a [`Learned`] (from
//! [`LearnedPolicy::build_learned`]) to keep learning.
//!
//! [`Policy::Learned`]: super::Policy::Learned

use super::eligibility::check_rep;
use super::explain::Examined;
use super::{Allocator, Decision, Request, Team};
use crate::config::{ConfigError, ConfigRule};
use crate::ids::RepId;
use crate::model::{Availability, Client, RepLedger};
use crate::reason::{ExclusionReason, Step};
use crate::rng::Rng;
use beta::beta_draw;
use serde::{Deserialize, Serialize};

mod beta;

/// Which field of a client names its segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentField {
    /// The first of the client's tags that is in the list.
    #[default]
    Tag,
    /// The client's industry.
    Industry,
}

/// The prior of the hierarchical Beta posterior (pseudo-counts of leads).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prior {
    /// The win rate assumed before any outcome, in (0, 1).
    pub mean: f64,
    /// Pseudo-leads of `mean` in the team's rate.
    pub team_strength: f64,
    /// Pseudo-leads of the team's rate in each rep's and each segment's rate.
    pub group_strength: f64,
    /// Pseudo-leads of the rep and segment effects in each rep x segment cell: the lower, the
    /// faster a cell follows its own outcomes, and the wider a newcomer's draws.
    pub cell_strength: f64,
}

impl Default for Prior {
    fn default() -> Self {
        Self {
            mean: 0.5,
            team_strength: 2.0,
            group_strength: 50.0,
            cell_strength: 20.0,
        }
    }
}

/// Outcomes reported for one rep x segment cell (`segment: None` is "any other segment").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CellCounts {
    pub(crate) rep: RepId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) segment: Option<String>,
    pub(crate) won: u64,
    pub(crate) lost: u64,
}

/// What the allocator has learned: outcome counts per rep x segment, in (rep, segment) order.
/// Store it as JSON (`{"cells": [{"rep": 3, "segment": "GTX", "won": 4, "lost": 9}, …]}`) and
/// feed it back through [`LearnedPolicy::learned`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posterior {
    #[serde(default)]
    cells: Vec<CellCounts>,
}

impl Posterior {
    /// True when nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Leads won and lost by `rep` in `segment` (`None`: leads outside the listed segments).
    pub fn counts(&self, rep: RepId, segment: Option<&str>) -> (u64, u64) {
        self.cells
            .iter()
            .find(|c| c.rep == rep && c.segment.as_deref() == segment)
            .map_or((0, 0), |c| (c.won, c.lost))
    }
}

fn default_window() -> u32 {
    28
}

/// The serde form of [`Learned`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearnedPolicy {
    /// The client field that names a lead's segment.
    #[serde(default)]
    pub segment_field: SegmentField,
    /// The segments learned apart (e.g. the products); other leads share one segment.
    #[serde(default)]
    pub segments: Vec<String>,
    /// The share of the team's leads each active rep receives at least, in [0, 1/n].
    #[serde(default)]
    pub min_share: f64,
    /// The window over which shares are counted, in team days, today included (1 to
    /// [`RepLedger::RECEIPT_DAYS`], the days a pool's ledgers keep).
    #[serde(default = "default_window")]
    pub window_days: u32,
    /// Most open leads a rep may hold (a rep's `cap_override` wins); none: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// The prior.
    #[serde(default)]
    pub prior: Prior,
    /// Outcomes learned so far (to resume after a restart).
    #[serde(default, skip_serializing_if = "Posterior::is_empty")]
    pub learned: Posterior,
}

impl Default for LearnedPolicy {
    fn default() -> Self {
        Self {
            segment_field: SegmentField::Tag,
            segments: Vec::new(),
            min_share: 0.0,
            window_days: default_window(),
            capacity: None,
            prior: Prior::default(),
            learned: Posterior::default(),
        }
    }
}

/// True when a rep belongs to the learner's team at all.
fn member(rep: &crate::model::Rep) -> bool {
    rep.availability != Availability::Inactive && rep.weight > 0
}

fn out_of_range(path: &str, value: f64, min: f64, max: f64) -> ConfigError {
    ConfigError::new(path, ConfigRule::OutOfRange { value, min, max })
}

impl LearnedPolicy {
    /// Checks the policy for `team`: `min_share` in `[0, 1/n]` for the team's `n` active reps,
    /// a prior mean strictly between 0 and 1, finite strengths above 0, `window_days` from 1
    /// to [`RepLedger::RECEIPT_DAYS`].
    pub fn validate(&self, team: &Team) -> Result<(), ConfigError> {
        let active = team.reps().iter().filter(|r| member(r)).count();
        let max = if active == 0 {
            0.0
        } else {
            1.0 / active as f64
        };
        let share = self.min_share;
        if !(share.is_finite() && (0.0..=max + 1e-12).contains(&share)) {
            return Err(out_of_range("min_share", share, 0.0, max));
        }
        let p = &self.prior;
        if !(p.mean.is_finite() && p.mean > 0.0 && p.mean < 1.0) {
            return Err(out_of_range("prior.mean", p.mean, 0.0, 1.0));
        }
        for (path, k) in [
            ("prior.team_strength", p.team_strength),
            ("prior.group_strength", p.group_strength),
            ("prior.cell_strength", p.cell_strength),
        ] {
            if !k.is_finite() {
                return Err(ConfigError::new(path, ConfigRule::NotFinite { value: k }));
            }
            if k <= 0.0 {
                return Err(out_of_range(path, k, f64::MIN_POSITIVE, f64::MAX));
            }
        }
        let days = RepLedger::RECEIPT_DAYS;
        if !(1..=days).contains(&self.window_days) {
            let window = f64::from(self.window_days);
            return Err(out_of_range("window_days", window, 1.0, f64::from(days)));
        }
        Ok(())
    }

    /// Validates the policy for `team` and builds the learning allocator.
    pub fn build_learned(&self, team: &Team) -> Result<Learned, ConfigError> {
        self.validate(team)?;
        let reps: Vec<RepId> = team.reps().iter().map(|r| r.id).collect();
        let slots = self.segments.len() + 1;
        let mut learned = Learned {
            config: LearnedPolicy {
                learned: Posterior::default(),
                ..self.clone()
            },
            cells: vec![Count::default(); reps.len() * slots],
            rep_totals: vec![Count::default(); reps.len()],
            segment_totals: vec![Count::default(); slots],
            team: Count::default(),
            reps,
        };
        for cell in &self.learned.cells {
            let segment = learned.slot_of_name(cell.segment.as_deref());
            learned.add(cell.rep, segment, cell.won, cell.lost);
        }
        Ok(learned)
    }
}

/// Wins and losses.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Count {
    won: u64,
    lost: u64,
}

impl Count {
    fn add(&mut self, won: u64, lost: u64) {
        self.won = self.won.saturating_add(won);
        self.lost = self.lost.saturating_add(lost);
    }
    /// `(won + k * prior) / (n + k)`.
    fn shrunk(self, k: f64, prior: f64) -> f64 {
        (self.won as f64 + k * prior) / ((self.won + self.lost) as f64 + k)
    }
}

/// Thompson sampling with a minimum share (see the module). Build with
/// [`LearnedPolicy::build_learned`]; tell it outcomes with [`Learned::observe`].
#[derive(Clone, Debug, PartialEq)]
pub struct Learned {
    config: LearnedPolicy,
    /// The team's reps at build time, in id order.
    reps: Vec<RepId>,
    /// Rep-major: `cells[rep * slots + segment]`; the last slot is "other".
    cells: Vec<Count>,
    rep_totals: Vec<Count>,
    segment_totals: Vec<Count>,
    team: Count,
}

/// How the winner was chosen.
enum Pick {
    /// Below its minimum share over the window.
    Floor { received: u32, target: f64 },
    /// The highest Thompson draw.
    Sampled { draw: f64, mean: f64 },
}

impl Learned {
    fn slots(&self) -> usize {
        self.config.segments.len() + 1
    }

    fn slot_of_name(&self, name: Option<&str>) -> usize {
        name.and_then(|n| self.config.segments.iter().position(|s| s == n))
            .unwrap_or(self.config.segments.len())
    }

    /// The client's segment slot.
    fn slot_of(&self, client: &Client) -> usize {
        self.slot_of_name(self.segment_of(client))
    }

    /// The segment the client belongs to (`None`: none of the listed ones).
    pub fn segment_of<'c>(&self, client: &'c Client) -> Option<&'c str> {
        match self.config.segment_field {
            SegmentField::Tag => client
                .tags()
                .iter()
                .find(|t| self.config.segments.contains(t))
                .map(String::as_str),
            SegmentField::Industry => client
                .industry()
                .filter(|i| self.config.segments.iter().any(|s| s == i)),
        }
    }

    fn index(&self, rep: RepId, hint: usize) -> Option<usize> {
        if self.reps.get(hint) == Some(&rep) {
            return Some(hint);
        }
        self.reps.binary_search(&rep).ok()
    }

    fn add(&mut self, rep: RepId, slot: usize, won: u64, lost: u64) {
        let Some(r) = self.index(rep, 0) else { return };
        let slots = self.slots();
        self.cells[r * slots + slot].add(won, lost);
        self.rep_totals[r].add(won, lost);
        self.segment_totals[slot].add(won, lost);
        self.team.add(won, lost);
    }

    /// Learns that `client`, assigned to `rep`, was won or lost. Outcomes of reps who were not
    /// in the team when the allocator was built are ignored (rebuild with the posterior).
    pub fn observe(&mut self, client: &Client, rep: RepId, won: bool) {
        let slot = self.slot_of(client);
        self.add(rep, slot, u64::from(won), u64::from(!won));
    }

    /// What was learned, for storage (feed it back through [`LearnedPolicy::learned`]).
    pub fn posterior(&self) -> Posterior {
        let slots = self.slots();
        let mut cells = Vec::new();
        for (r, rep) in self.reps.iter().enumerate() {
            for s in 0..slots {
                let c = self.cells[r * slots + s];
                if c.won + c.lost > 0 {
                    cells.push(CellCounts {
                        rep: *rep,
                        segment: self.config.segments.get(s).cloned(),
                        won: c.won,
                        lost: c.lost,
                    });
                }
            }
        }
        Posterior { cells }
    }

    /// The configuration (without the learned counts).
    pub fn config(&self) -> &LearnedPolicy {
        &self.config
    }

    /// The posterior Beta parameters for rep `r` (index, or `None` for an unknown rep) on
    /// segment `slot`.
    fn beta(&self, r: Option<usize>, slot: usize) -> (f64, f64) {
        let p = &self.config.prior;
        let team = self.team.shrunk(p.team_strength, p.mean);
        let rep = r.map_or(team, |r| self.rep_totals[r].shrunk(p.group_strength, team));
        let segment = self.segment_totals[slot].shrunk(p.group_strength, team);
        let logit = |x: f64| (x / (1.0 - x)).ln();
        let m = 1.0 / (1.0 + (-(logit(rep) + logit(segment) - logit(team))).exp());
        let cell = r.map_or(Count::default(), |r| self.cells[r * self.slots() + slot]);
        let k = p.cell_strength;
        (k * m + cell.won as f64, k * (1.0 - m) + cell.lost as f64)
    }

    /// The posterior mean win rate of `rep` on leads of `segment` (`None`: other leads).
    pub fn mean(&self, rep: RepId, segment: Option<&str>) -> f64 {
        let (a, b) = self.beta(self.index(rep, 0), self.slot_of_name(segment));
        a / (a + b)
    }
}

/// The decision's explanation: the one place the learned strategy words its audit record.
fn explain(examined: Examined<'_>, winner: Option<(RepId, &Pick)>) {
    match winner {
        Some((rep, Pick::Floor { received, target })) => {
            let step = Step::MinimumShare {
                rep,
                received: *received,
                owed: *target,
            };
            examined.conclude(step, Some(*target))
        }
        Some((rep, Pick::Sampled { draw, mean })) => {
            let step = Step::ThompsonDraw {
                rep,
                draw: *draw,
                mean: *mean,
            };
            examined.conclude(step, Some(*draw))
        }
        None => examined.conclude(Step::NobodyEligible, None),
    }
}

/// A rep that may take the lead.
struct Candidate {
    rep: RepId,
    index: Option<usize>,
    received: u32,
}

impl Allocator for Learned {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        let today = request.zone.day_of(request.now);
        let back = chrono::Days::new(u64::from(self.config.window_days.saturating_sub(1)));
        let window = today
            .checked_sub_days(back)
            .unwrap_or(chrono::NaiveDate::MIN)
            ..today.succ_opt().unwrap_or(today);
        let mut team_received = 0u64;
        let mut decision = Decision::searching(request.client.id());
        let mut examined = Examined::new(&mut decision.explanation);
        let mut candidates: Vec<Candidate> = Vec::new();
        for (hint, rep) in request.team.reps().iter().enumerate() {
            if !member(rep) {
                continue;
            }
            examined.consider();
            let received = request.view.received_in(rep.id, window.clone());
            if rep.availability.is_available(request.now) {
                team_received = team_received.saturating_add(u64::from(received));
            }
            let reason = check_rep(request, rep).or_else(|| {
                let capacity = rep.cap_override.or(self.config.capacity)?;
                let load = request.view.open_load(rep.id);
                (load >= capacity).then_some(ExclusionReason::AtCapacity { load, capacity })
            });
            match reason {
                Some(reason) => examined.exclude(rep.id, reason),
                None => candidates.push(Candidate {
                    rep: rep.id,
                    index: self.index(rep.id, hint),
                    received,
                }),
            }
        }
        let fairness = |c: &Candidate| (request.view.last_assigned_at(c.rep), c.rep);
        let target = self.config.min_share * (team_received as f64 + 1.0);
        let floor = candidates
            .iter()
            .filter(|c| f64::from(c.received) < target)
            .min_by(|a, b| {
                a.received
                    .cmp(&b.received)
                    .then_with(|| fairness(a).cmp(&fairness(b)))
            });
        let winner = match floor {
            Some(c) => Some((
                c.rep,
                Pick::Floor {
                    received: c.received,
                    target,
                },
            )),
            None => {
                let slot = self.slot_of(request.client);
                let mut best: Option<(f64, &Candidate, f64)> = None;
                for c in &candidates {
                    let (a, b) = self.beta(c.index, slot);
                    let draw = beta_draw(rng, a, b);
                    let better = match &best {
                        None => true,
                        Some((d, other, _)) => {
                            draw > *d || (draw == *d && fairness(c) < fairness(other))
                        }
                    };
                    if better {
                        best = Some((draw, c, a / (a + b)));
                    }
                }
                best.map(|(draw, c, mean)| (c.rep, Pick::Sampled { draw, mean }))
            }
        };
        explain(examined, winner.as_ref().map(|(rep, pick)| (*rep, pick)));
        decision.rep = winner.map(|(rep, _)| rep);
        decision
    }
}
