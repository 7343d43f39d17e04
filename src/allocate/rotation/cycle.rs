//! A rotation of equal weights in which every member stands at one of two levels serves its
//! members in one fixed order, round after round: it keeps that order (a cycle) and the place
//! of the next turn in it, and a turn moves that place by one instead of moving a member
//! between the two queues.
//!
//! Why the order is fixed. With equal weights a member of `served` turns is eligible when
//! `served * n <= turns` (`n` members) and its deadline and eligible time are both ordered by
//! `served`. Say every member has served `r` or `r + 1` turns, `k` of them `r + 1`, and
//! `turns = n r + k` (a rotation served only by its turns and calibrations keeps `turns` equal
//! to the sum of its members' counts). Then exactly the `r` members are eligible (`ready`,
//! ordered among themselves by last turn, then id) and the `r + 1` ones wait (`waiting`, in the
//! same order). The next turn is the first of `ready`; served, it reaches `r + 1` and, its last
//! turn now the latest of all, goes to the back of `waiting`. When the last of `ready` is
//! served, `turns = n (r + 1)` and everyone is eligible: the queues trade places. So `waiting`
//! followed by `ready` is one order that never changes, and the next turn is its member at
//! `waiting`'s length (the cursor), which wraps to the start when a round ends.
//!
//! Anything else (a calibration that credits turns, a turn for a member that is not next, a
//! counter reaching the narrow bound, a stored rotation whose counters are not of this shape)
//! takes the rotation out of the cycle into its queues, exactly as they would stand, and the
//! general path continues from there. It comes back into the cycle once its counters are of
//! this shape again, checked when a round ends in the queues (they trade places) and after
//! every `n` turns served in the queues (a skip can shift the rounds so that the queues never
//! trade places, though the turns soon stand within one turn of each other again). A check and
//! each move are linear in the members; checks come at most once per `n` turns, a move back
//! into the cycle only after a check, so a turn stays O(1) amortised.

use super::Rotation;

impl Rotation {
    /// True while the turns are served from the cycle (its queues are then empty).
    #[inline]
    pub(super) fn cycling(&self) -> bool {
        !self.cycle.is_empty()
    }

    /// The next turn's position in the member list while cycling.
    #[inline]
    pub(super) fn cycle_first(&self) -> Option<usize> {
        self.cycle.get(self.cursor).map(|&m| m as usize)
    }

    /// The members in serving order while cycling: from the cursor round to it.
    pub(super) fn cycle_sorted(&self) -> impl Iterator<Item = usize> + '_ {
        let (waiting, ready) = self.cycle.split_at(self.cursor);
        ready.iter().chain(waiting).map(|&m| m as usize)
    }

    /// [`Rotation::serve`] of the member at `index` while cycling, when it is the next turn and
    /// the turn keeps the counters within the cycle's bounds (narrow, and a turn sequence
    /// short of saturating): true then; false, having changed nothing, otherwise.
    #[inline]
    pub(super) fn serve_in_cycle(&mut self, index: usize) -> bool {
        if self.cycle_first() != Some(index) {
            return false;
        }
        let data = &mut self.data;
        let Some((_, m)) = data.members.get_mut(index) else {
            return false;
        };
        // Narrow (see `Rotation::narrow`): every count is below 2^31, so none of these
        // additions overflows; the bounds are checked before anything changes. A member in the
        // cycle has served no fewer than 0 turns (the levels add up to `turns`), so its count
        // is checked as unsigned: a negative one, were there one, would take the general path.
        let (turns, served) = (data.turns + 1, m.served + 1);
        if turns >= super::NARROW || served as u64 >= super::NARROW || data.seq == u64::MAX {
            return false;
        }
        data.turns = turns;
        data.seq += 1;
        m.served = served;
        m.last_seq = data.seq;
        self.cursor += 1;
        if self.cursor == self.cycle.len() {
            // The round ends: the queues would trade places; the order stays.
            self.cursor = 0;
        }
        true
    }

    /// Leaves the cycle: the members return to the queues where the general path keeps them
    /// (from the cursor on ready by deadline, before it waiting by eligible time, each in
    /// order, so a sorted queue only appends).
    #[cold]
    #[inline(never)]
    pub(super) fn leave_cycle(&mut self) {
        let cycle = std::mem::take(&mut self.cycle);
        let (waiting, ready) = cycle.split_at(self.cursor);
        for &m in ready {
            let slot = self.slot(m as usize, true);
            self.ready.push(slot);
        }
        for &m in waiting {
            let slot = self.slot(m as usize, false);
            self.waiting.push(slot);
        }
        self.cursor = 0;
        self.recheck = self.data.members.len();
    }

    /// Counts a turn served in the queues: for a rotation that may cycle and does not, every
    /// `n`-th such turn checks its counters for the cycle's shape (and enters it if they have
    /// it).
    #[inline]
    pub(super) fn count_queued_turn(&mut self) {
        if !self.cycles || self.cycling() {
            return;
        }
        if self.recheck > 1 {
            self.recheck -= 1;
            return;
        }
        self.enter_cycle();
    }

    /// Enters the cycle when this rotation may keep one and its counters are of the cycle's
    /// shape (see the module docs): the order is read from the queues, `waiting` then `ready`,
    /// and the queues are emptied. Linear in the members: called when a rotation is laid out
    /// and when a round ends in the queues.
    #[inline(never)]
    pub(super) fn enter_cycle(&mut self) {
        if !self.cycles || self.cycling() {
            return;
        }
        // The next check comes after `n` more turns in the queues, whatever this one finds.
        self.recheck = self.data.members.len();
        if self.linear || !self.uniform || !self.narrow {
            return;
        }
        let data = &self.data;
        let Some(low) = data.members.iter().map(|(_, m)| m.served).min() else {
            return;
        };
        // Equal weights of 0 (only a stored rotation can have them) leave everyone eligible
        // always: no member ever waits, so the two levels are not `ready` and `waiting`.
        if data.members.iter().any(|(_, m)| m.weight == 0) {
            return;
        }
        // Every member at `low` or one above, no last turn after the rotation's own count, and
        // the count of turns the levels add up to.
        let mut ahead: i128 = 0;
        for (_, m) in &data.members {
            if m.last_seq > data.seq || (m.served != low && m.served != low + 1) {
                return;
            }
            ahead += i128::from(m.served != low);
        }
        let n = data.members.len() as i128;
        if data.seq == u64::MAX || i128::from(data.turns) != n * i128::from(low) + ahead {
            return;
        }
        let waiting = self.waiting.sorted();
        let ready = self.ready.sorted();
        // The queues hold the members by those levels (they follow from the counters; checked
        // rather than assumed, since the cycle's order is read from them).
        let level_is = |slots: &[super::Slot], level: i64| {
            slots
                .iter()
                .all(|s| data.members[s.member as usize].1.served == level)
        };
        if waiting.len() + ready.len() != data.members.len()
            || !level_is(&waiting, low + 1)
            || !level_is(&ready, low)
        {
            return;
        }
        self.cycle = waiting.iter().chain(&ready).map(|s| s.member).collect();
        self.cursor = waiting.len();
        self.ready.clear();
        self.waiting.clear();
    }
}
