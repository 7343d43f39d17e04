//! Small rotations without heaps: the next turn is found by one scan over the members.
//!
//! The heaps hold exactly the eligible members (`ready`, by deadline) and the others
//! (`waiting`, by eligible time): a member moves only when it is served or calibrated, and
//! `promote` moves every member that became eligible. So a scan that decides eligibility on
//! the spot and keeps the smallest slot of each kind finds the turn the heaps would give, in
//! the same order, and serving costs no heap upkeep. Measured with the instruction-count
//! program (round-robin, 10 reps): the scan beats the heaps up to a few dozen members.

use super::{NARROW, Rotation, Slot};
use crate::ids::RepId;

/// Rotations of at most this many members are scanned rather than kept in heaps.
pub(super) const LINEAR_MAX: usize = 16;

/// A member's scan keys, derived from its counters and kept up to date as it is served or
/// calibrated, so that a scan compares integers it reads instead of products it computes.
/// Times are in units of `1 / unit`, `unit` the least common multiple of the weights: a time
/// `k / weight` is `k * (unit / weight)`, exact, and every key stays below 2^62 because the
/// rotation is narrow and `unit` is below [`NARROW`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Keys {
    /// The turn count from which the member is eligible: `ceil(served * total / weight)`
    /// (eligible when `served * total <= turns * weight`, that is when `turns >= from`).
    from: i64,
    /// Its deadline `(served + 1) / weight` scaled, then its last turn: the order of eligible
    /// members short of the id, one integer (see [`time_key`]).
    deadline: u128,
    /// Its eligible time `served / weight` scaled, then its last turn: the order of the
    /// waiting members short of the id.
    start: u128,
    /// Its id (the last tie-break).
    rep: RepId,
}

/// A scaled time (of magnitude below 2^62) and a last turn as one integer ordered as the pair:
/// the time offset to be non-negative in the high half, the turn in the low half.
fn time_key(time: i64, last_seq: u64) -> u128 {
    // |time| < 2^62: the offset time is in [0, 2^63), so the cast keeps its value.
    u128::from((time + (1 << 62)) as u64) << 64 | u128::from(last_seq)
}

/// The least common multiple of `weights` when it is below [`NARROW`].
fn unit(weights: impl Iterator<Item = u32>) -> Option<i64> {
    let mut unit: u64 = 1;
    for weight in weights {
        let (mut a, mut b) = (unit, u64::from(weight.max(1)));
        while b != 0 {
            (a, b) = (b, a % b);
        }
        unit = (unit / a).checked_mul(u64::from(weight.max(1)))?;
        if unit >= NARROW {
            return None;
        }
    }
    i64::try_from(unit).ok()
}

impl Rotation {
    /// Builds the scan keys of a linear, narrow rotation whose weights have a small common
    /// multiple; otherwise keeps none.
    pub(super) fn keep_keys(&mut self) {
        self.keys.clear();
        self.unit = 0;
        if !self.linear || !self.narrow {
            return;
        }
        let Some(unit) = unit(self.data.members.iter().map(|(_, m)| m.weight)) else {
            return;
        };
        self.unit = unit;
        self.keys = (0..self.data.members.len())
            .map(|index| self.keys_of(index))
            .collect();
    }

    /// The scan keys of member `index` (the rotation is narrow and `unit` is set).
    fn keys_of(&self, index: usize) -> Keys {
        let (rep, m) = self.data.members[index];
        let weight = i64::from(m.weight.max(1));
        let share = self.total as i64 * m.served;
        let step = self.unit / weight;
        // Truncating division rounds a negative share up already; a positive one with a
        // remainder is one short of its ceiling.
        let from = share / weight + i64::from(share % weight > 0);
        Keys {
            from,
            deadline: time_key((m.served + 1) * step, m.last_seq),
            start: time_key(m.served * step, m.last_seq),
            rep,
        }
    }

    /// Brings member `index`'s scan keys up to date after its counters changed (and drops
    /// them all once the rotation is no longer narrow).
    pub(super) fn rekey(&mut self, index: usize) {
        if self.unit == 0 {
            return;
        }
        if !self.narrow {
            self.keys.clear();
            self.unit = 0;
            return;
        }
        self.keys[index] = self.keys_of(index);
    }

    /// The next turn, by a scan: the eligible member with the earliest deadline, or when none
    /// is eligible the member that becomes eligible first.
    #[inline(never)]
    pub(super) fn linear_first(&self) -> Option<(usize, RepId)> {
        if self.unit != 0 {
            return self.keyed_first();
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

    /// [`Rotation::linear_first`] over the kept [`Keys`]: one comparison decides eligibility
    /// and the times compare as plain integers (same order: both sides of each comparison
    /// are scaled by the same `unit`).
    fn keyed_first(&self) -> Option<(usize, RepId)> {
        let turns = self.data.turns as i64;
        // Usually some member is eligible: the waiting ones are only looked at when none is.
        let (mut key, mut rep, mut at) = (u128::MAX, RepId(0), usize::MAX);
        for (index, keys) in self.keys.iter().enumerate() {
            if keys.from <= turns
                && (keys.deadline < key || (keys.deadline == key && keys.rep < rep))
            {
                (key, rep, at) = (keys.deadline, keys.rep, index);
            }
        }
        if at != usize::MAX {
            return Some((at, rep));
        }
        for (index, keys) in self.keys.iter().enumerate() {
            if keys.start < key || (keys.start == key && keys.rep < rep) {
                (key, rep, at) = (keys.start, keys.rep, index);
            }
        }
        (at != usize::MAX).then_some((at, rep))
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
    use super::super::{Layout, NARROW, RotationData};
    use super::*;
    use proptest::prelude::*;

    /// An operation on a rotation: serve or calibrate a member by position (or a stranger).
    #[derive(Clone, Debug)]
    enum Op {
        Serve(usize),
        Calibrate(usize),
        Rebase(Vec<(u64, u32)>),
    }

    /// A weight: mostly small (the scan keeps keys), sometimes large (their common multiple
    /// is then too large to keep keys).
    fn weight() -> impl Strategy<Value = u32> {
        prop_oneof![4 => 1u32..4, 1 => 1u32..100_000]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0usize..12).prop_map(Op::Serve),
            2 => (0usize..12).prop_map(Op::Calibrate),
            1 => proptest::collection::vec((0u64..12, weight()), 0..10).prop_map(Op::Rebase),
        ]
    }

    /// The members `raw` names, each of weight 2 when `uniform` (equal weights: the keys' unit
    /// is that weight, and deadlines tie often).
    fn members(raw: &[(u64, u32)], uniform: bool) -> Vec<(RepId, u32)> {
        let weight = |w: u32| if uniform { 2 } else { w.max(1) };
        let by_rep: std::collections::BTreeMap<RepId, u32> =
            raw.iter().map(|&(r, w)| (RepId(r), weight(w))).collect();
        by_rep.into_iter().collect()
    }

    /// `rotation` without the scan keys (the narrow scan).
    fn unkeyed(mut rotation: Rotation) -> Rotation {
        rotation.keys.clear();
        rotation.unit = 0;
        rotation
    }

    /// `rotation` computing in i128 (no keys, not narrow).
    fn wide(mut rotation: Rotation) -> Rotation {
        rotation.narrow = false;
        unkeyed(rotation)
    }

    /// The same rotation in every layout and arithmetic: scanned with keys, without keys and
    /// in i128, in sorted queues and in heaps (narrow and in i128), in a cycle while its
    /// counters allow (narrow only: a cycle is); the last, the heaps in i128, is the reference.
    fn all(rotation: &Rotation) -> Vec<Rotation> {
        let data: RotationData = rotation.clone().into();
        let laid = |layout| Rotation::laid_out(data.clone(), layout);
        vec![
            laid(Layout::Linear),
            unkeyed(laid(Layout::Linear)),
            wide(laid(Layout::Linear)),
            laid(Layout::Sorted),
            wide(laid(Layout::Sorted)),
            laid(Layout::Heap),
            laid(Layout::Cycle),
            wide(laid(Layout::Heap)),
        ]
    }

    /// A fresh rotation of `members`, or, when `late`, one a few turns short of the narrow
    /// bound with everyone at their share (so serving crosses it).
    fn start_with(members: &[(RepId, u32)], late: bool) -> Rotation {
        let fresh = Rotation::new(members);
        if !late || fresh.total == 0 {
            return fresh;
        }
        let mut data: RotationData = fresh.clone().into();
        data.turns = NARROW - 3;
        for (_, m) in &mut data.members {
            m.served = i64::try_from(data.turns * u64::from(m.weight) / fresh.total).unwrap();
        }
        Rotation::from(data)
    }

    proptest! {
        /// Every layout and arithmetic serves exactly as the heaps in i128 do, through serves,
        /// calibrations and re-bases, and names the next turn's position truly.
        #[test]
        fn every_layout_orders_members_as_the_heaps_do(
            uniform in proptest::bool::ANY,
            late in proptest::bool::ANY,
            start in proptest::collection::vec((0u64..12, weight()), 0..10),
            ops in proptest::collection::vec(op(), 0..60),
        ) {
            let mut layouts = all(&start_with(&members(&start, uniform), late));
            for op in ops {
                let reference = layouts.len() - 1;
                match op {
                    Op::Serve(k) => {
                        // Mostly the next turn, as allocators do; sometimes anyone.
                        let rep = if k < 8 {
                            layouts[reference].order().next().unwrap_or(RepId(99))
                        } else {
                            RepId(k as u64)
                        };
                        let before = layouts[reference].clone();
                        layouts.iter_mut().for_each(|r| r.serve(rep));
                        // A member gets exactly one turn; a stranger changes nothing.
                        let after = &layouts[reference];
                        match before.data.members.iter().position(|(id, _)| *id == rep) {
                            Some(i) => prop_assert_eq!(
                                after.data.members[i].1.served,
                                before.data.members[i].1.served.saturating_add(1)
                            ),
                            None => prop_assert_eq!(after, &before),
                        }
                    }
                    Op::Calibrate(k) => {
                        layouts.iter_mut().for_each(|r| r.calibrate(RepId(k as u64)));
                    }
                    Op::Rebase(raw) => {
                        let next = members(&raw, uniform);
                        let rebased = layouts[reference].rebase(&next);
                        layouts = all(&rebased);
                    }
                }
                let heaps = &layouts[layouts.len() - 1];
                let order = heaps.order().collect::<Vec<_>>();
                for rotation in &layouts {
                    prop_assert_eq!(rotation, heaps);
                    let first = rotation.first();
                    prop_assert_eq!(first.map(|(_, rep)| rep), order.first().copied());
                    if let Some((at, rep)) = first {
                        prop_assert_eq!(rotation.data.members[at].0, rep);
                    }
                    prop_assert_eq!(&rotation.order().collect::<Vec<_>>(), &order);
                }
            }
        }
    }
}
