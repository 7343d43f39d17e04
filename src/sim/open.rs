//! Each rep's open clients (owned, no deal yet): the ones its simulated day follows up.

use crate::allocate::Team;
use crate::ids::{ClientId, RepId};
use crate::pool::PoolState;

/// Each rep's owned clients without a deal, kept lazily. Won clients stay owned for good, so
/// reading the pool's owner index would cost a day in proportion to every deal ever won;
/// instead each rep's list holds the clients open at its last reading plus every client handed
/// to the rep since, and a reading drops the ones no longer open (released, won, handed on).
/// A change of hands costs one push; nothing is looked up until the day reads the list.
///
/// The clients handed over since the last reading wait in one list for the whole team, in
/// event order. The first reading after them hands them to their reps' lists in ascending id
/// order, all reps in one pass: when their ids lie close together (a day's new leads) by
/// placing each at its id's offset and walking the offsets, otherwise by sorting them. So a
/// rep's list needs no sort of its own at a reading.
#[derive(Debug)]
pub(super) struct OpenClients {
    /// Per rep, in the team's order.
    by_rep: Vec<Listed>,
    /// The clients handed over since the last reading and the team position of the rep each
    /// went to, in event order (a client may appear more than once).
    fresh: Vec<(ClientId, usize)>,
    /// Scratch of the close-together handing out: per id offset from the lowest fresh id, one
    /// more than the position of the rep the id last went to (0: none).
    place: Vec<u32>,
}

/// One rep's list: `ids[..sorted]` were open at the last reading (ascending, once each);
/// `ids[sorted..]` were handed to the rep since, ascending unless handed out by two passes
/// (then sorted at the reading), possibly repeated.
#[derive(Clone, Debug, Default)]
struct Listed {
    ids: Vec<ClientId>,
    sorted: usize,
}

impl OpenClients {
    /// No open clients, for each rep of `team`.
    pub(super) fn new(team: &Team) -> Self {
        Self {
            by_rep: vec![Listed::default(); team.len()],
            fresh: Vec::new(),
            place: Vec::new(),
        }
    }

    /// Makes room for a day of `arrivals` leads spread over the team: the waiting list gets
    /// room for all of them and each rep's list for its even share, so a list grows once a day
    /// rather than doubling its way up (nothing is reserved per rep while the share is below
    /// one lead a rep).
    pub(super) fn reserve(&mut self, arrivals: usize) {
        self.fresh.reserve(arrivals);
        let share = arrivals / self.by_rep.len().max(1);
        if share == 0 {
            return;
        }
        for listed in &mut self.by_rep {
            listed.ids.reserve(share);
        }
    }

    /// Notes that `client` changed hands to the rep at `slot` (its position in the team).
    #[inline]
    pub(super) fn gained(&mut self, slot: usize, client: ClientId) {
        if slot < self.by_rep.len() {
            self.fresh.push((client, slot));
        }
    }

    /// Writes to `out` (cleared first) the open clients of `rep`, at `slot` in the team,
    /// ascending: those it owns in `state` without a deal. Forgets the others.
    pub(super) fn read(
        &mut self,
        slot: usize,
        rep: RepId,
        state: &PoolState,
        out: &mut Vec<ClientId>,
    ) {
        self.read_by(slot, out, |id| {
            state
                .client(id)
                .is_some_and(|c| c.owner() == Some(rep) && c.custody().deal.is_none())
        });
    }

    /// [`OpenClients::read`] with `open` telling whether a client is still the rep's and open.
    fn read_by(&mut self, slot: usize, out: &mut Vec<ClientId>, open: impl Fn(ClientId) -> bool) {
        out.clear();
        if !self.fresh.is_empty() {
            self.hand_out();
        }
        let Some(listed) = self.by_rep.get_mut(slot) else {
            return;
        };
        let (head, tail) = listed.ids.split_at_mut(listed.sorted);
        // Ascending unless two handings out reached the list since its last reading.
        if !tail.is_sorted() {
            tail.sort_unstable();
        }
        // Merge the two ascending runs, once each.
        let (mut i, mut j) = (0, 0);
        loop {
            let next = match (head.get(i), tail.get(j)) {
                (Some(&a), Some(&b)) if a <= b => {
                    i += 1;
                    a
                }
                (_, Some(&b)) => {
                    j += 1;
                    b
                }
                (Some(&a), None) => {
                    i += 1;
                    a
                }
                (None, None) => break,
            };
            if out.last() != Some(&next) && open(next) {
                out.push(next);
            }
        }
        listed.ids.clear();
        listed.ids.extend_from_slice(out);
        listed.sorted = listed.ids.len();
    }

    /// Appends the waiting clients to their reps' lists, each list's new part ascending, and
    /// empties the waiting list.
    fn hand_out(&mut self) {
        let Some((lo, hi)) = self
            .fresh
            .iter()
            .fold(None, |bounds, &(id, _)| match bounds {
                None => Some((id.0, id.0)),
                Some((lo, hi)) => Some((id.0.min(lo), id.0.max(hi))),
            })
        else {
            return;
        };
        // Close together: the offsets to walk are at most four per waiting client (plus a
        // few), and every position fits the scratch's cells.
        let span = usize::try_from(hi - lo).ok();
        let near = self.fresh.len().saturating_mul(4).saturating_add(64);
        match span {
            Some(span) if span < near && self.by_rep.len() < u32::MAX as usize => {
                self.place.clear();
                self.place.resize(span + 1, 0);
                // A client handed over twice goes to the last rep only: no earlier one can
                // own it without a later change of hands.
                for &(id, slot) in &self.fresh {
                    self.place[(id.0 - lo) as usize] = slot as u32 + 1;
                }
                for (offset, &cell) in self.place.iter().enumerate() {
                    if cell != 0 {
                        let id = ClientId(lo + offset as u64);
                        self.by_rep[cell as usize - 1].ids.push(id);
                    }
                }
            }
            _ => {
                self.fresh.sort_unstable_by_key(|&(id, _)| id);
                for &(id, slot) in &self.fresh {
                    self.by_rep[slot].ids.push(id);
                }
            }
        }
        self.fresh.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Client, Rep, Source};
    use crate::pool::test_commands::{owner_deal, owner_release, rule_assignment};
    use crate::pool::{Actor, Command, Config, PoolPolicy, decide, evolve};
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// What happens to client `k` (of 6) in one step, with rep `r` (of 3).
    #[derive(Clone, Debug)]
    enum Op {
        Assign(u64, u64),
        Release(u64),
        Deal(u64),
        Read(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (1u64..7, 1u64..4).prop_map(|(k, r)| Op::Assign(k, r)),
            1 => (1u64..7).prop_map(Op::Release),
            1 => (1u64..7).prop_map(Op::Deal),
            2 => (1u64..4).prop_map(Op::Read),
        ]
    }

    #[test]
    fn a_day_reserves_each_rep_its_share_and_an_empty_team_nothing() {
        let team = Team::new((1..=4).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
        let mut open = OpenClients::new(&team);
        open.reserve(3);
        assert!(open.by_rep.iter().all(|l| l.ids.capacity() == 0));
        open.reserve(41);
        assert!(open.by_rep.iter().all(|l| l.ids.capacity() >= 10));
        assert!(open.fresh.capacity() >= 41);
        let mut empty = OpenClients::new(&Team::new([]));
        empty.reserve(1_000);
        assert!(empty.by_rep.is_empty());
    }

    /// What happens in one step of the model test: client `id` goes to the rep at `slot`,
    /// leaves its owner, or the rep at `slot` reads its list.
    #[derive(Clone, Debug)]
    enum Step {
        Gain(u64, usize),
        Lose(u64),
        Read(usize),
    }

    /// Ids close together (handed out by their offsets), far apart (sorted) and at the ends of
    /// the range (the span overflows a machine word).
    fn client_id() -> impl Strategy<Value = u64> {
        prop_oneof![
            6 => 1_000u64..1_040,
            2 => 0u64..100_000,
            1 => any::<u64>(),
            1 => prop_oneof![Just(0), Just(u64::MAX), Just(u64::MAX - 1)],
        ]
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            8 => (client_id(), 0usize..4).prop_map(|(id, slot)| Step::Gain(id, slot)),
            2 => client_id().prop_map(Step::Lose),
            2 => (0usize..5).prop_map(Step::Read),
        ]
    }

    /// Reads `slot`'s list against `owners`, the plain model: the ids it owns, ascending.
    fn check(
        open: &mut OpenClients,
        owners: &BTreeMap<u64, usize>,
        slot: usize,
        out: &mut Vec<ClientId>,
    ) -> Result<(), TestCaseError> {
        open.read_by(slot, out, |id| owners.get(&id.0) == Some(&slot));
        let expected: Vec<ClientId> = owners
            .iter()
            .filter(|&(_, &s)| s == slot)
            .map(|(&id, _)| ClientId(id))
            .collect();
        prop_assert_eq!(out.as_slice(), expected.as_slice());
        Ok(())
    }

    #[test]
    fn clients_handed_out_close_together_or_far_apart_read_back_ascending() {
        let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
        let mut open = OpenClients::new(&team);
        let mut out = Vec::new();
        // Close together, out of order, one handed on to another rep and one handed back.
        for (id, slot) in [
            (12, 0),
            (10, 1),
            (11, 0),
            (10, 0),
            (13, 2),
            (11, 2),
            (11, 0),
        ] {
            open.gained(slot, ClientId(id));
        }
        let owners: BTreeMap<u64, usize> =
            [(10, 0), (11, 0), (12, 0), (13, 2)].into_iter().collect();
        for slot in 0..3 {
            check(&mut open, &owners, slot, &mut out).unwrap();
        }
        assert!(open.fresh.is_empty());
        // Far apart (sorted), then close together into a list with an unsorted new part.
        let mut owners = owners;
        for (id, slot) in [(u64::MAX, 1), (0, 1), (5_000_000, 1)] {
            open.gained(slot, ClientId(id));
            owners.insert(id, slot);
        }
        open.gained(7, ClientId(99));
        check(&mut open, &owners, 0, &mut out).unwrap();
        for id in [3, 1, 2] {
            open.gained(1, ClientId(id));
            owners.insert(id, 1);
        }
        check(&mut open, &owners, 2, &mut out).unwrap();
        check(&mut open, &owners, 1, &mut out).unwrap();
        assert_eq!(out.first(), Some(&ClientId(0)));
        assert_eq!(out.last(), Some(&ClientId(u64::MAX)));
        // A position beyond the team reads nothing.
        check(&mut open, &owners, 3, &mut out).unwrap();
    }

    #[test]
    fn many_handovers_of_one_client_leave_one_entry() {
        let team = Team::new((1..=2).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
        let mut open = OpenClients::new(&team);
        for i in 0..10_000 {
            open.gained(i % 2, ClientId(7));
        }
        let mut out = Vec::new();
        open.read_by(1, &mut out, |_| true);
        assert_eq!(out, [ClientId(7)]);
        assert!(open.by_rep[0].ids.is_empty());
        assert_eq!(open.by_rep[1].ids, [ClientId(7)]);
    }

    proptest! {
        /// Whatever clients change hands, in whatever id order, close together or far apart,
        /// each reading lists exactly the rep's clients, as a plain map of owners has them.
        #[test]
        fn a_reading_agrees_with_a_plain_map_of_owners(steps in proptest::collection::vec(step(), 0..200)) {
            let team = Team::new((1..=4).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
            let mut open = OpenClients::new(&team);
            let mut owners = BTreeMap::new();
            let mut out = Vec::new();
            for step in steps {
                match step {
                    Step::Gain(id, slot) => {
                        open.gained(slot, ClientId(id));
                        owners.insert(id, slot);
                    }
                    Step::Lose(id) => {
                        owners.remove(&id);
                    }
                    Step::Read(slot) => check(&mut open, &owners, slot, &mut out)?,
                }
            }
            for slot in 0..4 {
                check(&mut open, &owners, slot, &mut out)?;
            }
        }

        /// Whatever changes hands, is released or won, a reading lists exactly the clients
        /// the rep owns without a deal, ascending, as the pool state has them.
        #[test]
        fn a_reading_lists_what_the_rep_owns_without_a_deal(ops in proptest::collection::vec(op(), 0..60)) {
            let team = Team::new((1..=3).map(|i| Rep::new(RepId(i), format!("rep {i}"))));
            let config = Config::new(team.clone(), PoolPolicy::default()).unwrap();
            let mut state = PoolState::new(config);
            let mut open = OpenClients::new(&team);
            let start = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
            for k in 1..7 {
                let client = Client::new(ClientId(k), format!("c{k}"), Source::Website, start);
                let import = Command::Import { client: Box::new(client) };
                for event in decide(&state, Actor::System, import, start).unwrap() {
                    evolve(&mut state, &event);
                }
            }
            let mut out = Vec::new();
            for (step, op) in ops.into_iter().enumerate() {
                let now = start + Duration::minutes(step as i64 + 1);
                let command = match op {
                    Op::Read(r) => {
                        open.read(r as usize - 1, RepId(r), &state, &mut out);
                        let expected: Vec<ClientId> = state
                            .owned_by(RepId(r))
                            .filter(|id| state.client(*id).is_some_and(|c| c.custody().deal.is_none()))
                            .collect();
                        prop_assert_eq!(&out, &expected);
                        continue;
                    }
                    Op::Assign(k, r) => rule_assignment(k, r),
                    Op::Release(k) => match owner_release(&state, k) {
                        Some(command) => command,
                        None => continue,
                    },
                    Op::Deal(k) => match owner_deal(&state, k) {
                        Some(command) => command,
                        None => continue,
                    },
                };
                let Ok(events) = decide(&state, command.0, command.1, now) else {
                    continue;
                };
                for event in events {
                    if let crate::pool::Event::OwnerChanged { client, to, .. } = &event {
                        open.gained(to.0 as usize - 1, *client);
                    }
                    evolve(&mut state, &event);
                }
            }
        }
    }
}
