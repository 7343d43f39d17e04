//! How a rotation in queues (sorted or heaps, not linear) keeps them up to date: each member
//! sits in `ready` under its deadline when eligible, else in `waiting` under its eligible time.

use super::frac::Frac;
use super::queue::Queue;
use super::{Member, NARROW, RepId, Rotation, Slot, narrow_count};

/// The slot of the member at `index` of `members` by deadline (in `ready`) or by eligible time
/// (in `waiting`).
#[inline]
fn slot_of(members: &[(RepId, Member)], index: usize, deadline: bool) -> Slot {
    let (rep, m) = members[index];
    Slot {
        at: Frac {
            num: if deadline {
                m.served.saturating_add(1)
            } else {
                m.served
            },
            den: m.weight,
        },
        last_seq: m.last_seq,
        rep,
        member: index as u32,
    }
}

impl Rotation {
    /// The member's slot by deadline (in `ready`) or by eligible time (in `waiting`).
    pub(super) fn slot(&self, index: usize, deadline: bool) -> Slot {
        slot_of(&self.data.members, index, deadline)
    }

    /// [`Rotation::serve`] of the member at `index` when it is the first of a sorted `ready`
    /// queue in a narrow rotation: the usual turn of a mid-size team. The general path's steps
    /// (take it out, count the turn, promote, put it back) on the two runs directly, in `i64`,
    /// in one call. Returns false, having changed nothing, for any other turn (a linear
    /// rotation's queues are empty, so it is never one). Kept out of line: inlined into
    /// `AllocState::apply_update` it measured worse (simulated day 5,871 against 5,831
    /// instructions per lead; territory over 1,000 reps 2,086 against 2,054 per decision).
    #[inline(never)]
    pub(super) fn serve_first_ready(&mut self, index: usize) -> bool {
        let (Queue::Sorted(ready), Queue::Sorted(waiting)) = (&mut self.ready, &mut self.waiting)
        else {
            return false;
        };
        if !self.narrow
            || ready
                .live()
                .first()
                .is_none_or(|s| s.member as usize != index)
        {
            return false;
        }
        ready.pop_front();
        // Counted as `serve` counts (saturating, though narrow counts are far from it).
        let data = &mut self.data;
        data.turns = data.turns.saturating_add(1);
        data.seq = data.seq.saturating_add(1);
        let m = &mut data.members[index].1;
        m.served = m.served.saturating_add(1);
        m.last_seq = data.seq;
        self.narrow &= narrow_count(m.served) && data.turns < NARROW;
        if !self.narrow {
            // Past the bound: the general promotion in i128 (a rotation in queues keeps no
            // scan keys to update).
            self.requeue(index);
            self.count_queued_turn();
            return true;
        }
        let (total, turns) = (self.total as i64, data.turns as i64);
        let members = &data.members[..];
        // `Rotation::eligible` in i64: every factor is below 2^31 (narrow).
        let eligible = |at: usize| {
            let m = &members[at].1;
            m.served * total <= turns * i64::from(m.weight)
        };
        // `Rotation::promote`: a round of equal weights ends with the queues trading places;
        // otherwise the members waiting at the front that are now eligible move.
        let round_ends = self.uniform
            && ready.live().is_empty()
            && (waiting.live().last()).is_some_and(|last| eligible(last.member as usize));
        if round_ends {
            std::mem::swap(ready, waiting);
            (ready.live_mut().iter_mut())
                .for_each(|slot| slot.at.num = slot.at.num.saturating_add(1));
        } else {
            while let Some(&first) = waiting.live().first() {
                let at = first.member as usize;
                if !eligible(at) {
                    break;
                }
                waiting.pop_front();
                ready.push_sorted(slot_of(members, at, true));
            }
        }
        // `Rotation::place`.
        if eligible(index) {
            ready.push_sorted(slot_of(members, index, true));
        } else {
            waiting.push_sorted(slot_of(members, index, false));
        }
        if round_ends {
            self.enter_cycle();
        }
        self.count_queued_turn();
        true
    }

    pub(super) fn place(&mut self, index: usize) {
        if self.linear {
            return;
        }
        let m = self.data.members[index].1;
        if self.eligible(&m) {
            let slot = self.slot(index, true);
            self.ready.push(slot);
        } else {
            let slot = self.slot(index, false);
            self.waiting.push(slot);
        }
    }

    pub(super) fn unplace(&mut self, index: usize) {
        if self.linear {
            return;
        }
        if self.cycling() {
            self.leave_cycle();
        }
        // The usual turn is the first of `ready`: known by position, no slot to build.
        if self
            .ready
            .peek()
            .is_some_and(|first| first.member as usize == index)
        {
            self.ready.pop();
            return;
        }
        // A member sits in exactly one queue, under the slot its counters give there.
        if self.ready.remove(&self.slot(index, true)).is_none() {
            let waiting = self.slot(index, false);
            self.waiting.remove(&waiting);
        }
    }

    /// Puts back the member at `index`, taken out and re-counted, after promoting the members
    /// the new count of turns made eligible. The queues end up holding the same either way
    /// (the member, out of both, is not among those promoted); promoting first lets a team of
    /// equal weights append every promoted member and then the served one, in order, where the
    /// other way round each promoted member would be inserted before the served one.
    pub(super) fn requeue(&mut self, index: usize) {
        let round_ends = self.promote();
        self.place(index);
        if round_ends {
            self.enter_cycle();
        }
    }

    /// Moves the members that have become eligible from `waiting` to `ready`: true when a
    /// round of equal weights ended (nobody was ready and everyone waiting became so).
    fn promote(&mut self) -> bool {
        if self.linear {
            return false;
        }
        let none_ready = self.uniform && self.ready.peek().is_none();
        if none_ready && self.narrow {
            // A round of equal weights has ended when the last to wait is eligible: everyone
            // waiting moves, and in the order they wait (a deadline is the eligible time plus
            // one turn, of one weight for all), so the queues trade places and each slot's time
            // becomes its deadline. (Narrow: no count is near saturating.)
            let everyone = (self.waiting.last())
                .is_some_and(|last| self.eligible(&self.data.members[last.member as usize].1));
            if everyone {
                std::mem::swap(&mut self.ready, &mut self.waiting);
                self.ready
                    .for_each_mut(|slot| slot.at.num = slot.at.num.saturating_add(1));
                return true;
            }
        }
        while let Some(first) = self.waiting.peek().copied() {
            let m = self.data.members[first.member as usize].1;
            if !self.eligible(&m) {
                break;
            }
            self.waiting.pop();
            let slot = self.slot(first.member as usize, true);
            self.ready.push(slot);
        }
        // Heaps name no last member to wait: the round's end shows once everyone has moved.
        none_ready && self.waiting.peek().is_none()
    }
}
