//! A smooth weighted rotation in O(log n) per turn: earliest eligible virtual deadline first.
//!
//! Every member `i` of weight `w_i` that has been served `c_i` turns after `t` turns in total
//! (total weight `W`) is *eligible* when `c_i / w_i <= t / W` (it has not run ahead of its
//! share) and has the *deadline* `(c_i + 1) / w_i`. Each turn goes to the eligible member with
//! the earliest deadline (ties: served longest ago, then lower id). This is EEVDF (Stoica et al.)
//! with unit requests, which keeps every member's lag `w_i t / W - c_i` strictly inside
//! `(-1, 1)`: shares stay within one turn of weight x turns over every prefix, interleaved
//! smoothly instead of in bursts. With equal weights, counts never differ by more than one.
//!
//! Eligibility and deadlines only change when a member is served, so the members sit in two
//! indexed binary heaps, `ready` (eligible, by deadline) and `waiting` (by eligible time). A turn
//! is the first of `ready`; serving moves one member and promotes the `waiting` members that
//! have become eligible, each promoted once per own turn: O(log n) amortised, with no
//! allocation and members found by position. All comparisons are exact integer
//! cross-multiplications (no floating point, no rounding drift). Small rotations keep no queues
//! ([`linear`]); a larger one of equal weights whose members stand within one turn of each
//! other serves them in one fixed order, kept as a cycle with the place of the next turn
//! ([`cycle`]), and takes to the queues only when something else happens.

mod cycle;
mod frac;
mod heap;
mod linear;
mod member_list;
mod queue;
mod queued;

use crate::ids::RepId;
use frac::Frac;
use heap::Keyed;
use queue::Queue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One rotation member's bookkeeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Member {
    /// Relative share (at least 1).
    weight: u32,
    /// Turns received in this epoch, relative to its starting level (may be negative after a
    /// re-base: turns it is owed).
    served: i64,
    /// The sequence number of its last turn (0: never served), for the "longest since" tie-break.
    last_seq: u64,
}

/// A member's place in one of the two heaps (ordered by time, then longest since served, then
/// id; `member` is its position in the member list and never decides).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Slot {
    at: Frac,
    last_seq: u64,
    rep: RepId,
    member: u32,
}

impl Keyed for Slot {
    fn member(&self) -> usize {
        self.member as usize
    }
}

/// A weighted rotation's state, kept in [`AllocState`](super::AllocState) under a strategy key.
/// Serialised as its members and counters; the heaps are rebuilt on load.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(from = "RotationData", into = "RotationData")]
pub(crate) struct Rotation {
    data: RotationData,
    /// Sum of the members' weights (derived; members only change by `new`/`rebase`).
    total: u64,
    ready: Queue<Slot>,
    waiting: Queue<Slot>,
    /// A small rotation keeps no queues: its turns are found by a scan over the members
    /// (see [`linear`]), which costs less than keeping queues up to date at that size.
    linear: bool,
    /// The linear layout's per-member scan keys (see [`linear::Keys`]); empty when not kept.
    keys: Vec<linear::Keys>,
    /// The least common multiple of the weights, the unit of the kept `keys` (0: no keys are
    /// kept, because the rotation is not linear, not narrow, or the multiple is too large).
    unit: i64,
    /// The first member's id when the members' ids are consecutive (a position is then a
    /// subtraction, not a search).
    dense_from: Option<u64>,
    /// Every member has the same weight (derived): a round's end then promotes everyone
    /// waiting at once, in the order they wait (see [`Rotation::promote`]).
    uniform: bool,
    /// Every counter (turns, each member's `served`) and the total weight are below
    /// [`NARROW`], so the eligibility and deadline products fit in an `i64` (derived; cleared
    /// for good once a counter grows past the bound, which then takes the `i128` path).
    narrow: bool,
    /// The rotation may serve from a cycle (see [`cycle`]) when its counters allow: laid out for
    /// one, and of equal weights (which never change: a re-base builds a new rotation).
    cycles: bool,
    /// While the counters allow: the members' positions in the one order a round of equal
    /// weights serves them in, the queues then empty (see [`cycle`]); else empty.
    cycle: Vec<u32>,
    /// The place of the next turn in `cycle`.
    cursor: usize,
    /// Out of the cycle: turns still to serve in the queues before the counters are checked
    /// for the cycle's shape again (see [`Rotation::count_queued_turn`]).
    recheck: usize,
}

/// The bound on counters and the total weight under which products of two of them are
/// computed in `i64`: each product stays below 2^62.
const NARROW: u64 = 1 << 31;

/// True when `value` (a member's `served`, possibly negative) is below [`NARROW`] either way.
fn narrow_count(value: i64) -> bool {
    value.unsigned_abs() < NARROW
}

/// How a rotation keeps its members (chosen by size; never changes a turn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// No queues: a scan per turn ([`linear`]).
    Linear,
    /// Sorted queues ([`queue`]).
    Sorted,
    /// Indexed heaps ([`heap`]) (chosen by size within [`Layout::Cycle`]; the tests lay out
    /// small rotations so too).
    #[cfg_attr(not(test), allow(dead_code))]
    Heap,
    /// A cycle while the counters allow one, else sorted queues up to [`queue::SORTED_MAX`]
    /// members and heaps above ([`cycle`]).
    Cycle,
}

/// Two rotations are equal when their members and counters are: the heaps follow from them.
impl PartialEq for Rotation {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

impl Eq for Rotation {}

/// The serialised form of a [`Rotation`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct RotationData {
    /// Turns taken in this epoch (an epoch starts when the membership changes).
    turns: u64,
    /// Turns ever taken (never reset), for tie-breaks across epochs.
    seq: u64,
    /// Hash of the membership (ids and weights) this epoch was built for.
    fingerprint: u64,
    /// Serialised as a list of `[rep, member]` pairs: map keys that are numbers do not survive
    /// the buffering of internally tagged enums ([`StateUpdate`](super::StateUpdate)) in JSON.
    /// Sorted by rep id.
    #[serde(with = "member_list")]
    members: Vec<(RepId, Member)>,
}

impl From<RotationData> for Rotation {
    fn from(data: RotationData) -> Self {
        let n = data.members.len();
        let layout = if n <= linear::LINEAR_MAX {
            Layout::Linear
        } else {
            Layout::Cycle
        };
        Rotation::laid_out(data, layout)
    }
}

impl Rotation {
    /// The rotation of `data` in `layout`.
    fn laid_out(data: RotationData, layout: Layout) -> Self {
        let linear = layout == Layout::Linear;
        let total = data
            .members
            .iter()
            .fold(0u64, |sum, (_, m)| sum.saturating_add(u64::from(m.weight)));
        let n = data.members.len();
        let uniform = (data.members.windows(2)).all(|w| w[0].1.weight == w[1].1.weight);
        let narrow = total < NARROW
            && data.turns < NARROW
            && data.members.iter().all(|(_, m)| narrow_count(m.served));
        let mut rotation = Rotation {
            data,
            total,
            ready: Queue::default(),
            waiting: Queue::default(),
            linear,
            narrow,
            uniform,
            keys: Vec::new(),
            unit: 0,
            dense_from: None,
            cycles: layout == Layout::Cycle && uniform,
            cycle: Vec::new(),
            cursor: 0,
            recheck: 0,
        };
        rotation.dense_from = rotation
            .data
            .members
            .first()
            .map(|m| m.0.0)
            .filter(|&first| {
                (rotation.data.members.iter().enumerate())
                    .all(|(i, m)| Some(m.0.0) == first.checked_add(i as u64))
            });
        if linear {
            rotation.keep_keys();
            return rotation;
        }
        let sorted = match layout {
            Layout::Cycle => n <= queue::SORTED_MAX,
            _ => layout == Layout::Sorted,
        };
        rotation.ready = Queue::with_members(n, sorted);
        rotation.waiting = Queue::with_members(n, sorted);
        for index in 0..n {
            rotation.place(index);
        }
        rotation.enter_cycle();
        rotation
    }
}

impl From<Rotation> for RotationData {
    fn from(rotation: Rotation) -> Self {
        rotation.data
    }
}

/// A fingerprint of a membership (FNV-1a over ids and weights, in id order).
pub(crate) fn fingerprint(members: &[(RepId, u32)]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (rep, weight) in members {
        for byte in rep.0.to_le_bytes().into_iter().chain(weight.to_le_bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

impl Rotation {
    /// A fresh rotation: everyone at level zero. `members` in id order, weights at least 1.
    pub(crate) fn new(members: &[(RepId, u32)]) -> Self {
        let data = RotationData {
            turns: 0,
            seq: 0,
            fingerprint: fingerprint(members),
            members: members
                .iter()
                .map(|&(rep, weight)| {
                    let member = Member {
                        weight: weight.max(1),
                        served: 0,
                        last_seq: 0,
                    };
                    (rep, member)
                })
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect(),
        };
        data.into()
    }

    /// A rotation for a changed membership that keeps everyone's place: each staying member's
    /// lag (turns owed or ahead) carries over, rounded to whole turns; newcomers start at the
    /// team's current level; leavers are dropped.
    pub(crate) fn rebase(&self, members: &[(RepId, u32)]) -> Self {
        let old_total = self.total_weight();
        let mut data = RotationData {
            turns: 0,
            seq: self.data.seq,
            fingerprint: fingerprint(members),
            members: Vec::with_capacity(members.len()),
        };
        let mut by_rep: BTreeMap<RepId, Member> = BTreeMap::new();
        for &(rep, weight) in members {
            let (served, last_seq) = match self.member(rep) {
                Some(m) if old_total > 0 => {
                    // ahead = served - t w / W, in turns; rounded to the nearest whole turn.
                    // Saturating: a stored rotation with absurd counters must not panic.
                    let scaled = (i128::from(m.served) * i128::from(old_total))
                        .saturating_sub(i128::from(self.data.turns) * i128::from(m.weight));
                    let total = i128::from(old_total);
                    let rounded = scaled
                        .saturating_mul(2)
                        .saturating_add(total)
                        .div_euclid(total.saturating_mul(2));
                    (i64::try_from(rounded).unwrap_or(0), m.last_seq)
                }
                Some(m) => (0, m.last_seq),
                None => (0, 0),
            };
            by_rep.insert(
                rep,
                Member {
                    weight: weight.max(1),
                    served,
                    last_seq,
                },
            );
        }
        data.members = by_rep.into_iter().collect();
        data.into()
    }

    /// The membership fingerprint this rotation was built for.
    pub(crate) fn fingerprint(&self) -> u64 {
        self.data.fingerprint
    }

    /// Turns taken in the current epoch.
    pub(crate) fn turns(&self) -> u64 {
        self.data.turns
    }

    fn total_weight(&self) -> u64 {
        self.total
    }

    /// The position of `rep` in the member list.
    fn index(&self, rep: RepId) -> Option<usize> {
        if let Some(first) = self.dense_from {
            let index = usize::try_from(rep.0.checked_sub(first)?).ok()?;
            return (index < self.data.members.len()).then_some(index);
        }
        self.data
            .members
            .binary_search_by_key(&rep, |(id, _)| *id)
            .ok()
    }

    /// The member `rep`, if it is one.
    fn member(&self, rep: RepId) -> Option<&Member> {
        self.index(rep).map(|i| &self.data.members[i].1)
    }

    /// The members in the order the rotation would serve them now: the eligible ones by
    /// deadline, then the others by when they become eligible. The first is the next turn and
    /// costs nothing; the rest are sorted only if the caller reads past it.
    pub(crate) fn order(&self) -> Order<'_> {
        Order {
            rotation: self,
            first_done: false,
            rest: None,
        }
    }

    /// The next turn: the member's position in the member list (in id order, as the
    /// membership it was built for lists them) and its id.
    #[inline]
    pub(crate) fn first(&self) -> Option<(usize, RepId)> {
        if let Some(index) = self.cycle_first() {
            return self.data.members.get(index).map(|m| (index, m.0));
        }
        if self.linear {
            return self.linear_first();
        }
        self.ready
            .peek()
            .or_else(|| self.waiting.peek())
            .map(|s| (s.member as usize, s.rep))
    }

    /// Every member in serving order.
    fn sorted(&self) -> Vec<RepId> {
        if self.linear {
            return self.linear_sorted();
        }
        if self.cycling() {
            return (self.cycle_sorted())
                .map(|index| self.data.members[index].0)
                .collect();
        }
        let ready = self.ready.sorted();
        let waiting = self.waiting.sorted();
        ready.into_iter().chain(waiting).map(|s| s.rep).collect()
    }

    /// Gives `rep` one turn. Unknown reps are ignored.
    #[inline(always)]
    pub(crate) fn serve(&mut self, rep: RepId) {
        let Some(index) = self.index(rep) else {
            return;
        };
        if self.serve_in_cycle(index) {
            return;
        }
        if !self.linear && self.serve_first_ready(index) {
            return;
        }
        self.serve_at(index);
    }

    /// [`Rotation::serve`] of the member at `index`, in any layout (the general path).
    #[inline]
    fn serve_at(&mut self, index: usize) {
        // A linear rotation keeps no queues to update.
        let queued = !self.linear;
        if queued {
            self.unplace(index);
        }
        // Saturating: a rotation served u64::MAX times stops counting rather than wrapping.
        self.data.turns = self.data.turns.saturating_add(1);
        self.data.seq = self.data.seq.saturating_add(1);
        let seq = self.data.seq;
        let m = &mut self.data.members[index].1;
        m.served = m.served.saturating_add(1);
        m.last_seq = seq;
        self.narrow &= narrow_count(m.served) && self.data.turns < NARROW;
        self.rekey(index);
        if queued {
            self.requeue(index);
            self.count_queued_turn();
        }
    }

    /// Brings a skipped `rep` up to the team's current level: it is credited the turns it
    /// would have had, and the rotation's clock advances by the same amount, as if they had
    /// been served. Others keep their places; the rep is due (not owed) when it returns, so it
    /// neither floods nor starves. A rep already ahead is left where it is.
    pub(crate) fn calibrate(&mut self, rep: RepId) {
        let Some(index) = self.index(rep) else {
            return;
        };
        let m = self.data.members[index].1;
        let others = self.total.saturating_sub(u64::from(m.weight));
        if others == 0 {
            return;
        }
        // Solve c' = (t + c' - c) w / W for the new level c' (rounded down).
        let behind = i128::from(self.data.turns) - i128::from(m.served);
        let level = i128::from(m.served)
            .max(behind.max(0).saturating_mul(i128::from(m.weight)) / i128::from(others));
        let credit = level - i128::from(m.served);
        if credit <= 0 {
            return;
        }
        self.unplace(index);
        self.data.members[index].1.served = i64::try_from(level).unwrap_or(i64::MAX);
        self.data.turns = self
            .data
            .turns
            .saturating_add(u64::try_from(credit).unwrap_or(0));
        self.narrow &= narrow_count(self.data.members[index].1.served) && self.data.turns < NARROW;
        self.rekey(index);
        self.requeue(index);
    }

    /// True when `m` has not run ahead of its share: `served / weight <= turns / total`.
    fn eligible(&self, m: &Member) -> bool {
        if self.narrow {
            // Each factor is below 2^31 (see `narrow`): the products are exact in i64.
            return m.served * self.total as i64 <= self.data.turns as i64 * i64::from(m.weight);
        }
        i128::from(m.served) * i128::from(self.total)
            <= i128::from(self.data.turns) * i128::from(m.weight)
    }
}

/// The members in serving order (see [`Rotation::order`]).
pub(crate) struct Order<'a> {
    rotation: &'a Rotation,
    first_done: bool,
    rest: Option<std::iter::Skip<std::vec::IntoIter<RepId>>>,
}

impl Iterator for Order<'_> {
    type Item = RepId;

    fn next(&mut self) -> Option<RepId> {
        if !self.first_done {
            self.first_done = true;
            return self.rotation.first().map(|(_, rep)| rep);
        }
        let rotation = self.rotation;
        self.rest
            .get_or_insert_with(|| rotation.sorted().into_iter().skip(1))
            .next()
    }
}

#[cfg(test)]
mod tests;
