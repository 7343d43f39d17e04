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
