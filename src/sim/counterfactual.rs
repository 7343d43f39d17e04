//! Counterfactual replay: if the team had used policy P on this stream of leads, who would
//! have got what, and what would it have won?
//!
//! A [`Counterfactual`] holds a team, a stream of [`Lead`]s (each with the segment and context
//! keys of the [`OutcomeModel`]) and the model. [`Counterfactual::run`] lets one allocator
//! place every lead in arrival order and draws each outcome from the model: won with the
//! model's probability for the chosen rep (adjusted by the stated [`Assumptions`]), closing
//! after the rep's drawn delay, worth the segment's deal value. Outcomes reach the allocator
//! only when they close, through [`Learner::observe`]: a learning allocator sees what a CRM
//! would tell it, never the model.
//!
//! The loop is lean on purpose (no pool state machine: every lead is assigned on arrival and
//! held until it closes), so hundreds of Monte Carlo seeds run in seconds. A run is a pure
//! function of the seed: the outcome of lead `i` is decided by a uniform draw that depends
//! only on `(seed, i)` (common random numbers: every policy faces the same luck, so their
//! differences are the policies'), and the allocator draws from `seeded(seed)`. Callers may
//! run seeds on any number of threads and reduce them in seed order with [`Summary::of`].
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use leadpool::allocate::{RoundRobin, Team};
//! use leadpool::model::{Client, Rep, Source};
//! use leadpool::sim::{Counterfactual, Fixed, Lead, OutcomeModel, Summary};
//! use leadpool::{ClientId, RepId};
//!
//! /// Li wins a third of his leads, Wang half; every deal is worth 1,000 and closes in 30 days.
//! struct Rates;
//! impl OutcomeModel for Rates {
//!     fn win_probability(&self, agent: usize, _segment: usize, _context: usize) -> f64 {
//!         [1.0 / 3.0, 0.5][agent]
//!     }
//!     fn observed(&self, _agent: usize) -> bool { true }
//!     fn value(&self, _segment: usize) -> f64 { 1000.0 }
//!     fn days_to_close(&self, _agent: usize, _u: f64) -> f64 { 30.0 }
//! }
//!
//! let team = Team::new([Rep::new(RepId(1), "Li"), Rep::new(RepId(2), "Wang")]);
//! let model = Rates;
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
//! let leads: Vec<Lead> = (0..50)
//!     .map(|i| Lead {
//!         client: Client::new(ClientId(i), "lead", Source::Website, t0 + Duration::hours(i as i64)),
//!         segment: 0,
//!         context: 0,
//!     })
//!     .collect();
//! let replay = Counterfactual::new(&team, &leads, &model);
//! let runs: Vec<_> = (0..20)
//!     .map(|seed| replay.run(&mut Fixed(RoundRobin::new(&team)), seed).figures())
//!     .collect();
//! let summary = Summary::of(&runs);
//! assert_eq!(summary.lead_gini.mean, 0.0); // round-robin: 25 leads each, every seed
//! assert!(summary.expected_wins.lo <= summary.expected_wins.hi);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::allocate::{AllocState, Allocator, Request, Team, TeamView};
use crate::calendar::TeamZone;
use crate::ids::RepId;
use crate::model::{Client, Metrics};
use crate::rng::seeded;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

/// What a counterfactual replay draws outcomes from: who wins what, for how much, after how
/// long. Keys are dense indices the caller chooses: an **agent** (a rep's position in the
/// team), a **segment** (e.g. the product) and a **context** (e.g. the account's sector). The
/// replay example fits one on the CRM data set by hierarchical Beta-binomial shrinkage
/// (`examples/replay/model.rs`); a test can use constant rates.
pub trait OutcomeModel {
    /// The probability that `agent` wins a lead of `segment` in `context`, in `(0, 1)`.
    fn win_probability(&self, agent: usize, segment: usize, context: usize) -> f64;

    /// Whether the model has observed `agent` at all: the newcomer assumption
    /// ([`Assumptions::newcomer_odds`]) applies to the agents it has not.
    fn observed(&self, agent: usize) -> bool;

    /// The deal value of a won lead of `segment`.
    fn value(&self, segment: usize) -> f64;

    /// Days from assignment to close for `agent`, at quantile `u` in `[0, 1)` of its
    /// distribution.
    fn days_to_close(&self, agent: usize, u: f64) -> f64;
}

/// The assumptions the data cannot settle, each a named parameter (neutral by default) so
/// that a sensitivity run can vary it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assumptions {
    /// Log-odds of winning lost per open lead the rep holds above `load_reference` (gained
    /// per lead below it). 0: a rep's win rate does not depend on its load.
    pub load_slope: f64,
    /// The open load at which the fitted rates hold (e.g. the data's mean open load).
    pub load_reference: f64,
    /// Odds multiplier of agents the model has no observation of (newcomers). 1: a newcomer
    /// wins like the team's average agent; 0.8: with 20% lower odds.
    pub newcomer_odds: f64,
}

impl Default for Assumptions {
    fn default() -> Self {
        Self {
            load_slope: 0.0,
            load_reference: 0.0,
            newcomer_odds: 1.0,
        }
    }
}

impl Assumptions {
    /// Non-finite or negative values replaced by the neutral ones.
    fn sanitised(self) -> Self {
        let finite = |x: f64, neutral: f64| if x.is_finite() { x } else { neutral };
        Self {
            load_slope: finite(self.load_slope, 0.0),
            load_reference: finite(self.load_reference, 0.0),
            newcomer_odds: if self.newcomer_odds.is_finite() && self.newcomer_odds > 0.0 {
                self.newcomer_odds
            } else {
                1.0
            },
        }
    }
}

/// One lead of the stream: the client (arriving at `client.created_at`) and its model keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    /// The client, as the allocators see it.
    pub client: Client,
    /// The model's segment key (e.g. the product).
    pub segment: usize,
    /// The model's context key (e.g. the sector).
    pub context: usize,
}

/// An allocator under evaluation, told each outcome when it closes. A fixed policy ignores
/// them ([`Fixed`]); a learning one (e.g. [`Learned`](crate::allocate::Learned)) updates on them.
pub trait Learner {
    /// The allocator to ask for the next lead.
    fn allocator(&self) -> &dyn Allocator;
    /// The lead `client`, assigned to `rep`, closed: won or lost.
    fn observe(&mut self, client: &Client, rep: RepId, won: bool);
}

/// A policy that does not learn.
#[derive(Clone, Debug)]
pub struct Fixed<A>(pub A);

impl<A: Allocator> Learner for Fixed<A> {
    fn allocator(&self) -> &dyn Allocator {
        &self.0
    }
    fn observe(&mut self, _client: &Client, _rep: RepId, _won: bool) {}
}

impl Learner for crate::allocate::Learned {
    fn allocator(&self) -> &dyn Allocator {
        self
    }
    fn observe(&mut self, client: &Client, rep: RepId, won: bool) {
        crate::allocate::Learned::observe(self, client, rep, won);
    }
}

/// What one seed's run produced, per rep in team order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Leads received.
    pub received: Vec<u64>,
    /// Deal value of the leads received (the segment's value, won or not).
    pub value: Vec<f64>,
    /// Leads won.
    pub wins: Vec<u64>,
    /// Revenue of the leads won.
    pub revenue: Vec<f64>,
    /// Leads nobody could take.
    pub unassigned: u64,
    /// Leads received per week (week-major: `weekly[week * reps + rep]`), weeks counted from
    /// the first arrival.
    pub weekly: Vec<u32>,
}

/// A uniform draw in `[0, 1)` that depends only on `(seed, lead, stream)` (SplitMix64).
fn uniform(seed: u64, lead: usize, stream: u64) -> f64 {
    let mut z = seed
        ^ (lead as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
    for _ in 0..2 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn logit(p: f64) -> f64 {
    let p = if p.is_finite() {
        p.clamp(1e-6, 1.0 - 1e-6)
    } else {
        0.5
    };
    (p / (1.0 - p)).ln()
}

/// An instant as nanoseconds since the epoch, saturating outside ±292 years.
fn nanos(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// The team's live state in the lean loop.
struct LeanView<'t> {
    team: &'t Team,
    open: Vec<u32>,
    last: Vec<Option<DateTime<Utc>>>,
    /// Assignment instants per rep (nanoseconds since the epoch, saturating), in order.
    received: Vec<Vec<i64>>,
    /// Per rep, the last `since` asked and the index of the first instant at or after it:
    /// windows slide forward, so most queries advance it a step instead of searching.
    cursors: Vec<Cell<(i64, usize)>>,
    /// The last window asked for, as nanoseconds (a decision asks for every rep).
    since: Cell<Option<(NaiveDate, i64, i64)>>,
    /// The team's zone: windows are team days.
    zone: TeamZone,
}

impl TeamView for LeanView<'_> {
    fn open_load(&self, rep: RepId) -> u32 {
        self.team.position(rep).map_or(0, |p| self.open[p])
    }
    fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
        self.team.position(rep).and_then(|p| self.last[p])
    }
    fn received_in(&self, rep: RepId, days: Range<NaiveDate>) -> u32 {
        let (since, until) = match self.since.get() {
            Some((from, since, until)) if from == days.start => (since, until),
            _ => {
                let since = nanos(self.zone.start_of_day(days.start));
                let until = nanos(self.zone.start_of_day(days.end));
                self.since.set(Some((days.start, since, until)));
                (since, until)
            }
        };
        let Some(p) = self.team.position(rep) else {
            return 0;
        };
        let times = &self.received[p];
        let (last, mut i) = self.cursors[p].get();
        if since < last || i > times.len() {
            i = times.partition_point(|t| *t < since);
        } else {
            while i < times.len() && times[i] < since {
                i += 1;
            }
        }
        self.cursors[p].set((since, i));
        let end = times.partition_point(|t| *t < until);
        u32::try_from(end.saturating_sub(i)).unwrap_or(u32::MAX)
    }
}

/// A counterfactual replay of a lead stream (see the module).
pub struct Counterfactual<'a> {
    team: &'a Team,
    leads: &'a [Lead],
    model: &'a (dyn OutcomeModel + Sync),
    assumptions: Assumptions,
    zone: TeamZone,
    metrics: Option<&'a Metrics>,
    /// Lead indices in arrival order (ties in input order).
    order: Vec<usize>,
    start: Option<DateTime<Utc>>,
    weeks: usize,
}

impl<'a> Counterfactual<'a> {
    /// A replay of `leads` (in any order: they are played by arrival) for `team`, outcomes
    /// drawn from `model`, neutral assumptions, UTC, no metrics.
    pub fn new(team: &'a Team, leads: &'a [Lead], model: &'a (dyn OutcomeModel + Sync)) -> Self {
        let mut order: Vec<usize> = (0..leads.len()).collect();
        order.sort_by_key(|&i| (leads[i].client.created_at(), i));
        let start = order.first().map(|&i| leads[i].client.created_at());
        let end = order.last().map(|&i| leads[i].client.created_at());
        let weeks = match (start, end) {
            (Some(s), Some(e)) => ((e - s).num_days() / 7) as usize + 1,
            _ => 0,
        };
        Self {
            team,
            leads,
            model,
            assumptions: Assumptions::default(),
            zone: TeamZone::UTC,
            metrics: None,
            order,
            start,
            weeks,
        }
    }

    /// Sets the assumptions (non-finite values read as the neutral ones).
    pub fn with_assumptions(mut self, assumptions: Assumptions) -> Self {
        self.assumptions = assumptions.sanitised();
        self
    }

    /// Sets the team's zone, for the allocators' calendar windows.
    pub fn with_zone(mut self, zone: TeamZone) -> Self {
        self.zone = zone;
        self
    }

    /// Sets the performance metrics ranking allocators read.
    pub fn with_metrics(mut self, metrics: &'a Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Weeks from the first arrival to the last (the rows of [`RunResult::weekly`]).
    pub fn weeks(&self) -> usize {
        self.weeks
    }

    /// The assumptions in force.
    pub fn assumptions(&self) -> Assumptions {
        self.assumptions
    }

    /// The probability that the rep at team position `rep` wins `lead` while holding `load`
    /// open leads: the model's, adjusted by the assumptions.
    pub fn win_probability(&self, rep: usize, lead: &Lead, load: u32) -> f64 {
        let a = self.assumptions;
        let mut x = logit(self.model.win_probability(rep, lead.segment, lead.context));
        if !self.model.observed(rep) {
            x += a.newcomer_odds.ln();
        }
        x -= a.load_slope * (f64::from(load) - a.load_reference);
        let p = 1.0 / (1.0 + (-x).exp());
        if p.is_finite() { p } else { 0.5 }
    }

    /// Plays every lead through `learner` with outcomes drawn for `seed`.
    pub fn run(&self, learner: &mut dyn Learner, seed: u64) -> RunResult {
        let n = self.team.len();
        let mut view = LeanView {
            team: self.team,
            open: vec![0; n],
            last: vec![None; n],
            received: vec![Vec::new(); n],
            cursors: vec![Cell::new((i64::MIN, 0)); n],
            since: Cell::new(None),
            zone: self.zone,
        };
        let mut result = RunResult {
            received: vec![0; n],
            value: vec![0.0; n],
            wins: vec![0; n],
            revenue: vec![0.0; n],
            unassigned: 0,
            weekly: vec![0; self.weeks * n],
        };
        // Closing leads: (close instant, lead index) -> (rep position, won).
        let mut pending: BinaryHeap<Reverse<(DateTime<Utc>, usize)>> = BinaryHeap::new();
        let mut closes: Vec<Option<(usize, bool)>> = vec![None; self.leads.len()];
        let mut state = AllocState::new();
        let mut rng = seeded(seed);
        for &i in &self.order {
            let lead = &self.leads[i];
            let at = lead.client.created_at();
            while let Some(&Reverse((when, j))) = pending.peek() {
                if when > at {
                    break;
                }
                pending.pop();
                if let Some((pos, won)) = closes[j] {
                    view.open[pos] = view.open[pos].saturating_sub(1);
                    learner.observe(&self.leads[j].client, self.team.reps()[pos].id, won);
                }
            }
            let decision = {
                let mut request = Request::new(&lead.client, self.team, at)
                    .with_zone(self.zone)
                    .with_view(&view)
                    .with_state(&state);
                if let Some(metrics) = self.metrics {
                    request = request.with_metrics(metrics);
                }
                learner.allocator().allocate(&request, &mut rng)
            };
            state.apply(&decision);
            let Some(pos) = decision.rep.and_then(|r| self.team.position(r)) else {
                result.unassigned += 1;
                continue;
            };
            let p = self.win_probability(pos, lead, view.open[pos]);
            let won = uniform(seed, i, 0) < p;
            let days = self.model.days_to_close(pos, uniform(seed, i, 1));
            let seconds = (days * 86_400.0).round().clamp(0.0, 1e10) as i64;
            let close = at
                .checked_add_signed(Duration::seconds(seconds))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            let value = self.model.value(lead.segment);
            view.open[pos] += 1;
            view.last[pos] = Some(at);
            view.received[pos].push(nanos(at));
            result.received[pos] += 1;
            result.value[pos] += value;
            if won {
                result.wins[pos] += 1;
                result.revenue[pos] += value;
            }
            if let Some(start) = self.start {
                let week = ((at - start).num_days() / 7).max(0) as usize;
                if let Some(cell) = result.weekly.get_mut(week * n + pos) {
                    *cell += 1;
                }
            }
            closes[i] = Some((pos, won));
            pending.push(Reverse((close, i)));
        }
        result
    }
}
