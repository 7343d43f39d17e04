//! Least-loaded (load balancing): the eligible rep with the lowest open load relative to its
//! capacity.
//!
//! Loads live in the caller's [`TeamView`](super::TeamView) and change with every claim, so no
//! index built at configuration time can answer; this strategy reads each rep's load once per
//! decision (O(n), no allocation). Load is open work only (the view's contract).

use super::eligibility::{check_rep, fairness_key};
use super::explain::Examined;
use super::round_robin::rotates;
use super::{Allocator, Decision, Request};
use crate::ids::RepId;
use crate::model::Rep;
use crate::reason::{ExclusionReason, Step};
use crate::rng::Rng;

/// Picks the rep with the lowest `open_load / capacity`; ties go to the rep waiting longest
/// since its last assignment, then to the lower id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeastLoaded {
    default_capacity: u32,
}

impl Default for LeastLoaded {
    fn default() -> Self {
        Self::new(100)
    }
}

impl LeastLoaded {
    /// Capacity of a rep without a cap override is `default_capacity`.
    pub fn new(default_capacity: u32) -> Self {
        Self { default_capacity }
    }

    /// The capacity used for `rep`.
    pub fn capacity(&self, rep: &Rep) -> u32 {
        rep.cap_override.unwrap_or(self.default_capacity)
    }

    /// The least-loaded eligible rep among `reps`, with its load and capacity.
    pub(crate) fn pick<'r>(
        &self,
        request: &Request<'_>,
        reps: impl Iterator<Item = &'r Rep>,
        examined: &mut Examined,
    ) -> Option<(RepId, u32, u32)> {
        let mut best: Option<(RepId, u32, u32)> = None;
        for rep in reps.filter(|r| rotates(r)) {
            examined.consider();
            if let Some(reason) = check_rep(request, rep) {
                examined.exclude(rep.id, reason);
                continue;
            }
            let capacity = self.capacity(rep);
            let load = request.view.open_load(rep.id);
            if load >= capacity {
                examined.exclude(rep.id, ExclusionReason::AtCapacity { load, capacity });
                continue;
            }
            let better = match best {
                None => true,
                Some((id, best_load, best_cap)) => {
                    // load / capacity compared exactly by cross-multiplication.
                    let mine = u64::from(load) * u64::from(best_cap);
                    let theirs = u64::from(best_load) * u64::from(capacity);
                    mine < theirs
                        || (mine == theirs
                            && fairness_key(request, rep.id) < fairness_key(request, id))
                }
            };
            if better {
                best = Some((rep.id, load, capacity));
            }
        }
        best
    }
}

impl Allocator for LeastLoaded {
    fn allocate(&self, request: &Request<'_>, _rng: &mut dyn Rng) -> Decision {
        let mut examined = Examined::default();
        let best = self.pick(request, request.team.reps().iter(), &mut examined);
        let client = request.client.id();
        match best {
            Some((rep, load, capacity)) => {
                let ratio = f64::from(load) / f64::from(capacity.max(1));
                let step = Step::LeastLoaded {
                    rep,
                    load,
                    capacity,
                };
                Decision::assigned(client, rep, examined.explain(step, Some(ratio)))
            }
            None => Decision::unassigned(client, examined.explain(Step::NoRoom, None)),
        }
    }
}
