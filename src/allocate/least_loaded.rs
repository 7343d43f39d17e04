//! Least-loaded (load balancing): the eligible rep with the lowest open load relative to its
//! capacity.
//!
//! Loads live in the caller's [`TeamView`](super::TeamView) and change with every claim, so no
//! index built at configuration time can answer. When the view keeps its reps ordered by open
//! load ([`TeamView::indexes_open_load`](super::TeamView::indexes_open_load)), the strategy
//! walks that order from the bottom and stops as soon as no rep further up can beat the best
//! so far (its load over the largest capacity is already worse): a few reps per decision
//! instead of the team. Otherwise it reads each rep's load once per decision (O(n), no
//! allocation). Both give the same pick. Load is open work only (the view's contract).

use super::eligibility::{check_rep, fairness_key};
use super::explain::Examined;
use super::round_robin::rotates;
use super::{Decision, Request};
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
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, u32, u32)> {
        let mut best: Option<(RepId, u32, u32)> = None;
        for rep in reps {
            let load = if rotates(rep) {
                request.view.open_load(rep.id)
            } else {
                0
            };
            self.examine(request, rep, load, &mut best, examined);
        }
        best
    }
}

impl LeastLoaded {
    /// The least-loaded eligible rep of the request's team, read from the view's open-load
    /// order: the same pick as [`LeastLoaded::pick`] over the whole team.
    fn pick_indexed(
        &self,
        request: &Request<'_>,
        examined: &mut Examined<'_>,
    ) -> Option<(RepId, u32, u32)> {
        let max_cap = u64::from(
            self.default_capacity
                .max(request.team.max_cap_override().unwrap_or(0)),
        );
        let mut best: Option<(RepId, u32, u32)> = None;
        let mut cursor = None;
        while let Some(rank) = request.view.next_by_open_load(cursor) {
            cursor = Some(rank);
            let (load, id) = (rank.load, rank.rep);
            // Every rep from here on has load >= `load`, so a ratio >= load / max_cap: past
            // the best ratio, nobody further up can win. At an equal ratio only a rep of the
            // same load and the largest capacity ties, and if the best has that load too, the
            // order already put its fairness first.
            if let Some((_, best_load, best_cap)) = best {
                let here = u64::from(load) * u64::from(best_cap);
                let there = u64::from(best_load) * max_cap;
                if here > there || (here == there && load == best_load) {
                    break;
                }
            }
            let Some(rep) = request.team.get(id) else {
                continue;
            };
            self.examine(request, rep, load, &mut best, examined);
        }
        best
    }

    /// Examines one rep with `load`, keeping the better of it and `best`.
    fn examine(
        &self,
        request: &Request<'_>,
        rep: &Rep,
        load: u32,
        best: &mut Option<(RepId, u32, u32)>,
        examined: &mut Examined<'_>,
    ) {
        if !rotates(rep) {
            return;
        }
        if !examined.admits(rep.id, check_rep(request, rep)) {
            return;
        }
        let capacity = self.capacity(rep);
        if load >= capacity {
            examined.exclude(rep.id, ExclusionReason::AtCapacity { load, capacity });
            return;
        }
        let better = match *best {
            None => true,
            Some((id, best_load, best_cap)) => {
                // load / capacity compared exactly by cross-multiplication.
                let mine = u64::from(load) * u64::from(best_cap);
                let theirs = u64::from(best_load) * u64::from(capacity);
                mine < theirs
                    || (mine == theirs && fairness_key(request, rep.id) < fairness_key(request, id))
            }
        };
        if better {
            *best = Some((rep.id, load, capacity));
        }
    }
}

super::decides_in_place!(LeastLoaded);

impl LeastLoaded {
    /// Decides `request` into `decision` (a searching one), in place: a decision is large.
    fn decide(&self, request: &Request<'_>, _rng: &mut dyn Rng, decision: &mut Decision) {
        let mut examined = Examined::new(&mut decision.explanation);
        let best = if request.view.indexes_open_load() {
            self.pick_indexed(request, &mut examined)
        } else {
            self.pick(request, request.team.reps().iter(), &mut examined)
        };
        match best {
            Some((rep, load, capacity)) => {
                let ratio = f64::from(load) / f64::from(capacity.max(1));
                let step = Step::LeastLoaded {
                    rep,
                    load,
                    capacity,
                };
                examined.conclude(step, Some(ratio));
                decision.rep = Some(rep);
            }
            None => examined.conclude(Step::NoRoom, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocate::{Allocator, LoadRank, Request, Team, TeamView};
    use crate::ids::ClientId;
    use crate::model::{Availability, Client, Source};
    use crate::rng::seeded;
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
    }

    /// Loads and last assignments by hand, with or without the open-load order.
    struct View {
        loads: Vec<u32>,
        last: Vec<Option<i64>>,
        order: BTreeSet<LoadRank>,
        indexed: bool,
    }

    impl TeamView for View {
        fn open_load(&self, rep: RepId) -> u32 {
            self.loads[rep.0 as usize - 1]
        }
        fn last_assigned_at(&self, rep: RepId) -> Option<DateTime<Utc>> {
            self.last[rep.0 as usize - 1].map(|h| now() - Duration::hours(h))
        }
        fn indexes_open_load(&self) -> bool {
            self.indexed
        }
        fn next_by_open_load(&self, after: Option<LoadRank>) -> Option<LoadRank> {
            match after {
                None => self.order.first().copied(),
                Some(after) => self
                    .order
                    .range((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded))
                    .next()
                    .copied(),
            }
        }
    }

    proptest! {
        /// Walking the view's open-load order picks the rep the scan of the whole team picks,
        /// whatever the loads, capacities, availability and last assignments.
        #[test]
        fn the_open_load_order_picks_what_the_scan_picks(
            reps in proptest::collection::vec(
                (0u32..12, proptest::option::of(0u32..15), 0u8..4, proptest::option::of(0i64..5), 0u32..3),
                1..40,
            ),
            default_capacity in 0u32..12,
        ) {
            let team = Team::new(reps.iter().enumerate().map(|(i, (_, cap, availability, _, weight))| {
                let mut rep = Rep::new(RepId(i as u64 + 1), "r").with_weight(*weight);
                rep.cap_override = *cap;
                rep.availability = match availability {
                    0 => Availability::Inactive,
                    1 => Availability::OnLeave { until: now() + Duration::days(1) },
                    _ => Availability::Active,
                };
                rep
            }));
            let loads: Vec<u32> = reps.iter().map(|r| r.0).collect();
            let last: Vec<Option<i64>> = reps.iter().map(|r| r.3).collect();
            let mut view = View { loads, last, order: BTreeSet::new(), indexed: false };
            view.order = (1..=reps.len() as u64)
                .map(|i| LoadRank {
                    load: view.open_load(RepId(i)),
                    last_assigned_at: view.last_assigned_at(RepId(i)),
                    rep: RepId(i),
                })
                .collect();
            let client = Client::new(ClientId(1), "c", Source::Website, now());
            let strategy = LeastLoaded::new(default_capacity);
            let scanned = strategy
                .allocate(&Request::new(&client, &team, now()).with_view(&view), &mut seeded(0))
                .rep;
            view.indexed = true;
            let walked = strategy
                .allocate(&Request::new(&client, &team, now()).with_view(&view), &mut seeded(0))
                .rep;
            prop_assert_eq!(walked, scanned);
        }
    }
}
