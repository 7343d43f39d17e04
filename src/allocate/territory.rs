//! Territory: hierarchical regions, the most specific covering territory wins (seed rules 4, 5).
//!
//! Territories are indexed by their path (a `BTreeMap` keyed by segments), so a decision looks
//! up the client's region and each ancestor, narrowest first: O(depth x log territories), no
//! scan over reps. A territory whose reps are all ineligible falls back to its parent, then to
//! the configured default strategy. Several reps in one territory are split by an inner
//! strategy: a weighted rotation per territory (default), least-loaded, or, for purchased
//! lists, the rep already holding the most clients in that region.

use super::eligibility::{check_rep, fairness_key};
use super::explain::{Examined, Explanation};
use super::round_robin::rotates;
use super::{Allocator, Decision, LeastLoaded, Request, RoundRobin, Team, Updates};
use crate::ids::RepId;
use crate::label::Label;
use crate::model::Region;
use crate::reason::{Step, TerritoryPick};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a territory with several reps chooses among them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TerritoryInner {
    /// A weighted rotation per territory (state key `territory:<path>`).
    #[default]
    RoundRobin,
    /// The rep with the lowest open load relative to capacity.
    LeastLoaded,
    /// The rep already holding the most clients in the territory's region (purchased lists);
    /// ties by longest since last assignment, then id.
    MostHeldInRegion,
}

struct Node {
    region: Region,
    /// The region's path as text, shared by every explanation that names the territory.
    label: Label,
    reps: Vec<RepId>,
    rotation: RoundRobin,
}

/// The territory strategy.
pub struct Territory {
    nodes: BTreeMap<Vec<String>, Node>,
    inner: TerritoryInner,
    load: LeastLoaded,
    default: Option<Box<dyn Allocator>>,
}

impl std::fmt::Debug for Territory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Territory")
            .field("territories", &self.nodes.len())
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl Territory {
    /// Territories taken from each rep's `regions` (inactive reps left out).
    pub fn new(team: &Team) -> Self {
        let mut map: BTreeMap<Region, Vec<RepId>> = BTreeMap::new();
        for rep in team.reps().iter().filter(|r| rotates(r)) {
            for region in &rep.regions {
                map.entry(region.clone()).or_default().push(rep.id);
            }
        }
        Self::from_map(team, map)
    }

    /// Territories given explicitly: region to reps (unknown and inactive reps are dropped).
    pub fn from_map(team: &Team, map: BTreeMap<Region, Vec<RepId>>) -> Self {
        let mut nodes = BTreeMap::new();
        for (region, mut reps) in map {
            reps.retain(|id| team.get(*id).is_some_and(rotates));
            reps.sort();
            reps.dedup();
            if reps.is_empty() {
                continue;
            }
            let weights = reps
                .iter()
                .filter_map(|id| team.get(*id).map(|r| (r.id, r.weight)));
            let rotation = RoundRobin::over(format!("territory:{region}"), weights);
            let label = Label::from(region.to_string());
            nodes.insert(
                region.segments().to_vec(),
                Node {
                    region,
                    label,
                    reps,
                    rotation,
                },
            );
        }
        Self {
            nodes,
            inner: TerritoryInner::default(),
            load: LeastLoaded::default(),
            default: None,
        }
    }

    /// Sets the inner strategy (builder style).
    pub fn with_inner(mut self, inner: TerritoryInner) -> Self {
        self.inner = inner;
        self
    }

    /// Sets the strategy used when no territory covers the client or none has an eligible rep.
    pub fn with_default(mut self, default: Box<dyn Allocator>) -> Self {
        self.default = Some(default);
        self
    }

    /// The most specific territory covering `region`, if any.
    pub fn territory_of(&self, region: &Region) -> Option<&Region> {
        region
            .ancestry()
            .find_map(|path| self.nodes.get(path))
            .map(|n| &n.region)
    }

    fn most_held(
        &self,
        request: &Request<'_>,
        node: &Node,
        examined: &mut Examined,
    ) -> Option<(RepId, u32)> {
        let mut best: Option<(RepId, u32)> = None;
        for &id in &node.reps {
            let Some(rep) = request.team.get(id) else {
                continue;
            };
            examined.consider();
            if let Some(reason) = check_rep(request, rep) {
                examined.exclude(id, reason);
                continue;
            }
            let held = request.view.held_in_region(id, &node.region);
            let better = match best {
                None => true,
                Some((b, b_held)) => {
                    held > b_held
                        || (held == b_held && fairness_key(request, id) < fairness_key(request, b))
                }
            };
            if better {
                best = Some((id, held));
            }
        }
        best
    }
}

impl Territory {
    /// The rep `node`'s inner strategy picks, with its updates and how it picked.
    fn pick_in(
        &self,
        request: &Request<'_>,
        node: &Node,
        examined: &mut Examined,
    ) -> Option<(RepId, Updates, TerritoryPick, Option<f64>)> {
        match self.inner {
            TerritoryInner::RoundRobin => {
                let (rep, updates) = node.rotation.pick(request, examined);
                rep.map(|r| (r, updates, TerritoryPick::Rotation, None))
            }
            TerritoryInner::LeastLoaded => {
                let reps = node.reps.iter().filter_map(|id| request.team.get(*id));
                self.load
                    .pick(request, reps, examined)
                    .map(|(r, load, capacity)| {
                        let ratio = f64::from(load) / f64::from(capacity.max(1));
                        let pick = TerritoryPick::LeastLoaded { load, capacity };
                        (r, Updates::new(), pick, Some(ratio))
                    })
            }
            TerritoryInner::MostHeldInRegion => {
                self.most_held(request, node, examined).map(|(r, held)| {
                    let pick = TerritoryPick::MostHeld { held };
                    (r, Updates::new(), pick, Some(f64::from(held)))
                })
            }
        }
    }
}

impl Allocator for Territory {
    fn allocate(&self, request: &Request<'_>, rng: &mut dyn Rng) -> Decision {
        let client = request.client;
        let mut examined = Examined::default();
        let mut tried = 0u32;
        for path in client.region().ancestry() {
            let Some(node) = self.nodes.get(path) else {
                continue;
            };
            tried += 1;
            if let Some((rep, updates, pick, figure)) = self.pick_in(request, node, &mut examined) {
                let step = Step::Territory {
                    territory: node.label.clone(),
                    rep,
                    pick,
                };
                let mut decision =
                    Decision::assigned(client.id(), rep, examined.explain(step, figure));
                decision.updates = updates;
                return decision;
            }
        }
        let step = if tried == 0 {
            Step::NoTerritory
        } else {
            Step::TerritoriesExhausted { tried }
        };
        let own = examined.explain(step, None);
        match &self.default {
            Some(default) => {
                let mut decision = default.allocate(request, rng);
                let mut explanation: Explanation = own;
                explanation.absorb(std::mem::take(&mut decision.explanation));
                decision.explanation = explanation;
                decision
            }
            None => Decision::unassigned(client.id(), own),
        }
    }
}
