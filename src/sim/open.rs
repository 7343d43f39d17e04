//! Each rep's open clients (owned, no deal yet): the ones its simulated day follows up.

use crate::ids::{ClientId, RepId};
use crate::pool::{Event, PoolState};
use std::collections::{BTreeMap, BTreeSet};

/// Each rep's owned clients without a deal. Won clients stay owned for good, so reading the
/// pool's owner index would cost a day in proportion to every deal ever won.
#[derive(Debug, Default)]
pub(super) struct OpenClients {
    by_rep: BTreeMap<RepId, BTreeSet<ClientId>>,
}

/// How an event moves a client in or out of a rep's open clients, read before the event is
/// handed to the pool (which may consume it).
#[derive(Clone, Copy, Debug)]
pub(super) enum OpenMove {
    /// The client changed hands from `from` (if owned) to `to`.
    Owner {
        client: ClientId,
        from: Option<RepId>,
        to: RepId,
    },
    /// The client left `rep`'s open clients (released or won).
    Closed { client: ClientId, rep: RepId },
    /// Nothing moves.
    Stays,
}

impl OpenMove {
    /// The move `event` makes; `owner_before` is the client's owner before it.
    pub(super) fn of(event: &Event, owner_before: Option<RepId>) -> Self {
        match event {
            Event::OwnerChanged { client, to, .. } => Self::Owner {
                client: *client,
                from: owner_before,
                to: *to,
            },
            Event::Released { client, from, .. } => Self::Closed {
                client: *client,
                rep: *from,
            },
            Event::DealMarked {
                client,
                credited_to,
                ..
            } => Self::Closed {
                client: *client,
                rep: *credited_to,
            },
            _ => Self::Stays,
        }
    }
}

impl OpenClients {
    /// The rep's open clients, ascending.
    pub(super) fn of(&self, rep: RepId) -> impl Iterator<Item = ClientId> + '_ {
        self.by_rep.get(&rep).into_iter().flatten().copied()
    }

    /// Keeps the sets equal to the owned clients without a deal, once the event `moved` came
    /// from is applied to `state`.
    pub(super) fn apply(&mut self, moved: OpenMove, state: &PoolState) {
        match moved {
            OpenMove::Owner { client, from, to } => {
                if let Some(before) = from {
                    self.remove(before, client);
                }
                let won = state
                    .client(client)
                    .is_none_or(|c| c.custody().deal.is_some());
                if !won {
                    self.by_rep.entry(to).or_default().insert(client);
                }
            }
            OpenMove::Closed { client, rep } => self.remove(rep, client),
            OpenMove::Stays => {}
        }
    }

    fn remove(&mut self, rep: RepId, client: ClientId) {
        if let Some(set) = self.by_rep.get_mut(&rep) {
            set.remove(&client);
        }
    }
}
