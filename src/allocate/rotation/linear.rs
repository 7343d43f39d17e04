//! Small rotations without heaps: the next turn is found by one scan over the members.
//!
//! The heaps hold exactly the eligible members (`ready`, by deadline) and the others
//! (`waiting`, by eligible time): a member moves only when it is served or calibrated, and
//! `promote` moves every member that became eligible. So a scan that decides eligibility on
//! the spot and keeps the smallest slot of each kind finds the turn the heaps would give, in
//! the same order, and serving costs no heap upkeep. Measured with the instruction-count
//! program (round-robin, 10 reps): the scan beats the heaps up to a few dozen members.

use super::{Rotation, Slot};
use crate::ids::RepId;

/// Rotations of at most this many members are scanned rather than kept in heaps.
pub(super) const LINEAR_MAX: usize = 16;

impl Rotation {
    /// The next turn, by a scan: the eligible member with the earliest deadline, or when none
    /// is eligible the member that becomes eligible first.
    pub(super) fn linear_first(&self) -> Option<(usize, RepId)> {
        if self.uniform {
            return self.uniform_first();
        }
        if self.narrow {
            return self.narrow_first();
        }
        let mut ready: Option<Slot> = None;
        let mut waiting: Option<Slot> = None;
        for (index, (_, member)) in self.data.members.iter().enumerate() {
            if self.eligible(member) {
                let slot = self.slot(index, true);
                if ready.is_none_or(|best| slot < best) {
                    ready = Some(slot);
                }
            } else if ready.is_none() {
                let slot = self.slot(index, false);
                if waiting.is_none_or(|best| slot < best) {
                    waiting = Some(slot);
                }
            }
        }
        ready
            .or(waiting)
            .map(|slot| (slot.member as usize, slot.rep))
    }

    /// [`Rotation::linear_first`] when every counter is narrow (see [`Rotation::narrow`]): the
    /// same comparisons, each product computed in `i64`, and no slot built. A best of each
    /// kind is kept as its time `num / den` (deadline `(served + 1) / weight` when eligible,
    /// eligible time `served / weight` otherwise) with its last turn and id; `1 / 0` stands for
    /// "none yet", later than any time (`num * 0 < 1 * weight` for every member).
    fn narrow_first(&self) -> Option<(usize, RepId)> {
        let total = self.total as i64;
        let turns = self.data.turns as i64;
        // (num, den, last turn, id) of the best eligible member and of the best waiting one,
        // kept in locals (registers) rather than behind a reference.
        let (mut r_num, mut r_den, mut r_seq, mut r_rep, mut r_at) =
            (1i64, 0i64, 0u64, RepId(0), 0);
        let (mut w_num, mut w_den, mut w_seq, mut w_rep, mut w_at) =
            (1i64, 0i64, 0u64, RepId(0), 0);
        for (at, &(rep, ref member)) in self.data.members.iter().enumerate() {
            let weight = i64::from(member.weight);
            if member.served * total <= turns * weight {
                let num = member.served + 1;
                let (mine, theirs) = (num * r_den, r_num * weight);
                if mine < theirs || (mine == theirs && (member.last_seq, rep) < (r_seq, r_rep)) {
                    (r_num, r_den, r_seq, r_rep, r_at) = (num, weight, member.last_seq, rep, at);
                }
            } else if r_den == 0 {
                let num = member.served;
                let (mine, theirs) = (num * w_den, w_num * weight);
                if mine < theirs || (mine == theirs && (member.last_seq, rep) < (w_seq, w_rep)) {
                    (w_num, w_den, w_seq, w_rep, w_at) = (num, weight, member.last_seq, rep, at);
                }
            }
        }
        if r_den != 0 {
            Some((r_at, r_rep))
        } else if w_den != 0 {
            Some((w_at, w_rep))
        } else {
            None
        }
    }

    /// [`Rotation::linear_first`] when every member has the same weight `w`: a member is
    /// eligible when `served * n <= turns` (`served * n w <= turns w`), and both the deadline
    /// `(served + 1) / w` and the eligible time `served / w` order members as `served` does,
    /// so one key (served, last turn, id) ranks the ready members and the waiting ones alike.
    fn uniform_first(&self) -> Option<(usize, RepId)> {
        let n = i128::try_from(self.data.members.len()).unwrap_or(i128::MAX);
        let turns = i128::from(self.data.turns);
        let mut ready: Option<(i64, u64, RepId, usize)> = None;
        let mut waiting: Option<(i64, u64, RepId, usize)> = None;
        for (at, &(rep, ref member)) in self.data.members.iter().enumerate() {
            let key = (member.served, member.last_seq, rep, at);
            let best = if i128::from(member.served) * n <= turns {
                &mut ready
            } else {
                &mut waiting
            };
            if best.is_none_or(|b| key < b) {
                *best = Some(key);
            }
        }
        ready.or(waiting).map(|(_, _, rep, at)| (at, rep))
    }

    /// Every member in serving order, by a scan and two sorts.
    pub(super) fn linear_sorted(&self) -> Vec<RepId> {
        let mut ready = Vec::with_capacity(self.data.members.len());
        let mut waiting = Vec::new();
        for (index, (_, member)) in self.data.members.iter().enumerate() {
            if self.eligible(member) {
                ready.push(self.slot(index, true));
            } else {
                waiting.push(self.slot(index, false));
            }
        }
        ready.sort_unstable();
        waiting.sort_unstable();
        ready.into_iter().chain(waiting).map(|s| s.rep).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Layout, RotationData};
    use super::*;
    use proptest::prelude::*;

    /// An operation on a rotation: serve or calibrate a member by position (or a stranger).
    #[derive(Clone, Debug)]
    enum Op {
        Serve(usize),
        Calibrate(usize),
        Rebase(Vec<(u64, u32)>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0usize..12).prop_map(Op::Serve),
            2 => (0usize..12).prop_map(Op::Calibrate),
            1 => proptest::collection::vec((0u64..12, 1u32..4), 0..10).prop_map(Op::Rebase),
        ]
    }

    /// The members `raw` names, each of weight 2 when `uniform` (the scan's fast path).
    fn members(raw: &[(u64, u32)], uniform: bool) -> Vec<(RepId, u32)> {
        let weight = |w: u32| if uniform { 2 } else { w.max(1) };
        let by_rep: std::collections::BTreeMap<RepId, u32> =
            raw.iter().map(|&(r, w)| (RepId(r), weight(w))).collect();
        by_rep.into_iter().collect()
    }

    /// The same rotation scanned, in sorted queues and in heaps.
    fn all(rotation: &Rotation) -> [Rotation; 3] {
        let data: RotationData = rotation.clone().into();
        [Layout::Linear, Layout::Sorted, Layout::Heap]
            .map(|layout| Rotation::laid_out(data.clone(), layout))
    }

    proptest! {
        /// The scan and the sorted queues serve exactly as the heaps do, through serves,
        /// calibrations and re-bases.
        #[test]
        fn every_layout_orders_members_as_the_heaps_do(
            uniform in proptest::bool::ANY,
            start in proptest::collection::vec((0u64..12, 1u32..4), 0..10),
            ops in proptest::collection::vec(op(), 0..60),
        ) {
            let mut layouts = all(&Rotation::new(&members(&start, uniform)));
            for op in ops {
                match op {
                    Op::Serve(k) => {
                        // Mostly the next turn, as allocators do; sometimes anyone.
                        let rep = if k < 8 {
                            layouts[2].order().next().unwrap_or(RepId(99))
                        } else {
                            RepId(k as u64)
                        };
                        layouts.iter_mut().for_each(|r| r.serve(rep));
                    }
                    Op::Calibrate(k) => {
                        layouts.iter_mut().for_each(|r| r.calibrate(RepId(k as u64)));
                    }
                    Op::Rebase(raw) => {
                        let next = members(&raw, uniform);
                        let rebased = layouts[2].rebase(&next);
                        layouts = all(&rebased);
                    }
                }
                let [linear, sorted, heaps] = &layouts;
                prop_assert_eq!(linear, heaps);
                prop_assert_eq!(sorted, heaps);
                let order = heaps.order().collect::<Vec<_>>();
                prop_assert_eq!(linear.order().next(), heaps.order().next());
                prop_assert_eq!(sorted.order().next(), heaps.order().next());
                prop_assert_eq!(&linear.order().collect::<Vec<_>>(), &order);
                prop_assert_eq!(&sorted.order().collect::<Vec<_>>(), &order);
            }
        }
    }
}
