//! Each rep's open clients (owned, no deal yet): the ones its simulated day follows up.

use crate::allocate::Team;
use crate::ids::{ClientId, RepId};
use crate::pool::PoolState;

/// Each rep's owned clients without a deal, kept lazily. Won clients stay owned for good, so
/// reading the pool's owner index would cost a day in proportion to every deal ever won;
/// instead each rep's list holds the clients open at its last reading plus every client handed
/// to the rep since, and a reading drops the ones no longer open (released, won, handed on).
/// A change of hands costs one push; nothing is looked up until the day reads the list.
#[derive(Debug)]
pub(super) struct OpenClients {
    /// Per rep, in the team's order.
    by_rep: Vec<Listed>,
}

/// One rep's list: `ids[..sorted]` were open at the last reading (ascending, once each);
/// `ids[sorted..]` were handed to the rep since, in event order, possibly repeated.
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
        }
    }

    /// Makes room for a day of `arrivals` leads spread over the team: each rep's list gets room
    /// for its even share of them, so a list grows once a day rather than doubling its way up
    /// (nothing is reserved while the share is below one lead a rep).
    pub(super) fn reserve(&mut self, arrivals: usize) {
        let share = arrivals / self.by_rep.len().max(1);
        if share == 0 {
            return;
        }
        for listed in &mut self.by_rep {
            listed.ids.reserve(share);
        }
    }

    /// Notes that `client` changed hands to the rep at `slot` (its position in the team).
    pub(super) fn gained(&mut self, slot: usize, client: ClientId) {
        if let Some(listed) = self.by_rep.get_mut(slot) {
            listed.ids.push(client);
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
        out.clear();
        let Some(listed) = self.by_rep.get_mut(slot) else {
            return;
        };
        let (head, tail) = listed.ids.split_at_mut(listed.sorted);
        tail.sort_unstable();
        let open = |id: ClientId| {
            state
                .client(id)
                .is_some_and(|c| c.owner() == Some(rep) && c.custody().deal.is_none())
        };
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Client, Rep, Source};
    use crate::pool::test_commands::{owner_deal, owner_release, rule_assignment};
    use crate::pool::{Actor, Command, Config, PoolPolicy, decide, evolve};
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

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
        let mut empty = OpenClients::new(&Team::new([]));
        empty.reserve(1_000);
        assert!(empty.by_rep.is_empty());
    }

    proptest! {
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
