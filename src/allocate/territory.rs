//! Territory: hierarchical regions, the most specific covering territory wins (seed rules 4, 5).
//!
//! Territories are indexed by a hash of their path, so a decision looks up the client's region
//! and each ancestor, narrowest first: O(depth), comparing text only on a hit, no scan over
//! reps. A territory whose reps are all ineligible falls back to its parent, then to
//! the configured default strategy. Several reps in one territory are split by an inner
//! strategy: a weighted rotation per territory (default), least-loaded, or, for purchased
//! lists, the rep already holding the most clients in that region.

use super::eligibility::{check_rep, fairness_key};
use super::explain::Examined;
use super::lookup::{HashSlots, SEED, fnv};
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
    /// In path order.
    nodes: Vec<Node>,
    /// Each node's path hash ([`path_hash`]), for the lookups of a decision.
    lookup: HashSlots,
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
        let mut nodes = Vec::with_capacity(map.len());
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
            nodes.push(Node {
                region,
                label,
                reps,
                rotation,
            });
        }
        let hashes: Vec<u64> = nodes
            .iter()
            .map(|n| path_hash(n.region.segments()))
            .collect();
        Self {
            lookup: HashSlots::new(&hashes),
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
        self.covering(region).next().map(|n| &n.region)
    }

    /// The territories covering `region`, narrowest first: its path and each ancestor's,
    /// looked up by hash (text is compared only on a hit).
    fn covering<'a, 'r>(
        &'a self,
        region: &'r Region,
    ) -> impl Iterator<Item = &'a Node> + use<'a, 'r> {
        let segments = region.segments();
        // Prefix hashes, world first; a region deeper than the array hashes the rest lazily.
        let mut prefix = [0u64; PREFIXES];
        let mut hash = SEED;
        prefix[0] = hash;
        for (k, segment) in segments.iter().enumerate().take(PREFIXES - 1) {
            hash = extend(hash, segment);
            prefix[k + 1] = hash;
        }
        (0..=segments.len()).rev().filter_map(move |len| {
            let path = &segments[..len];
            let hash = match prefix.get(len) {
                Some(&hash) => hash,
                None => path_hash(path),
            };
            self.lookup
                .find(hash, |i| self.nodes[i].region.segments() == path)
                .map(|i| &self.nodes[i])
        })
    }

    fn most_held(
        &self,
        request: &Request<'_>,
        node: &Node,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, u32)> {
        let mut best: Option<(RepId, u32)> = None;
        for &id in &node.reps {
            let Some(rep) = request.team.get(id) else {
                continue;
            };
            if !examined.admits(id, check_rep(request, rep)) {
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

/// Prefix hashes a decision keeps on the stack (regions deeper than this still work).
const PREFIXES: usize = 12;

/// `hash` extended by one path segment (each segment ends with a byte UTF-8 never uses, so
/// two different paths never feed the hash the same bytes).
fn extend(hash: u64, segment: &str) -> u64 {
    fnv(fnv(hash, segment.as_bytes()), &[0xff])
}

/// The hash of a territory path.
fn path_hash(path: &[String]) -> u64 {
    path.iter()
        .fold(SEED, |hash, segment| extend(hash, segment))
}

impl Territory {
    /// The rep `node`'s inner strategy picks, with its updates and how it picked.
    fn pick_in(
        &self,
        request: &Request<'_>,
        node: &Node,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, Updates, TerritoryPick, Option<f64>)> {
        match self.inner {
            TerritoryInner::RoundRobin => {
                let (rep, updates, _) = node.rotation.pick(request, examined);
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

super::decides_in_place!(Territory);

impl Territory {
    /// Decides `request` into `decision` (a searching one), in place: a decision is large.
    fn decide(&self, request: &Request<'_>, rng: &mut dyn Rng, decision: &mut Decision) {
        let client = request.client;
        let mut examined = Examined::new(&mut decision.explanation);
        let mut tried = 0u32;
        for node in self.covering(client.region()) {
            tried += 1;
            if let Some((rep, updates, pick, figure)) = self.pick_in(request, node, &mut examined) {
                let step = Step::Territory {
                    territory: node.label.clone(),
                    rep,
                    pick,
                };
                examined.conclude(step, figure);
                decision.rep = Some(rep);
                decision.updates = updates;
                return;
            }
        }
        let step = if tried == 0 {
            Step::NoTerritory
        } else {
            Step::TerritoriesExhausted { tried }
        };
        examined.conclude(step, None);
        if let Some(default) = &self.default {
            // The default decides; its explanation follows the territories tried.
            let mut inner = default.allocate(request, rng);
            decision
                .explanation
                .absorb(std::mem::take(&mut inner.explanation));
            inner.explanation = std::mem::take(&mut decision.explanation);
            *decision = inner;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rep;
    use proptest::prelude::*;

    fn region(path: &[u8]) -> Region {
        Region::new(path.iter().map(|s| format!("s{s}"))).unwrap()
    }

    proptest! {
        /// The hashed lookup finds the territories an ordered map of paths finds, narrowest
        /// first, for regions of any depth (deeper than the prefixes kept on the stack too).
        #[test]
        fn the_hashed_lookup_finds_what_the_ordered_map_finds(
            territories in proptest::collection::vec(proptest::collection::vec(0u8..3, 0..15), 0..12),
            probes in proptest::collection::vec(proptest::collection::vec(0u8..3, 0..16), 1..12),
        ) {
            let team = Team::new([Rep::new(RepId(1), "r")]);
            let map: BTreeMap<Region, Vec<RepId>> =
                territories.iter().map(|t| (region(t), vec![RepId(1)])).collect();
            let strategy = Territory::from_map(&team, map.clone());
            let by_path: BTreeMap<Vec<String>, Region> =
                map.keys().map(|r| (r.segments().to_vec(), r.clone())).collect();
            for probe in probes.iter().chain(&territories) {
                let probe = region(probe);
                let found: Vec<&Region> = strategy.covering(&probe).map(|n| &n.region).collect();
                let expected: Vec<&Region> =
                    probe.ancestry().filter_map(|path| by_path.get(path)).collect();
                prop_assert_eq!(found, expected);
            }
        }
    }
}
