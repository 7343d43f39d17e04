//! Where a client sits: its owner's book or its pool's public set, entered and left as its
//! owner or pool changes.

use super::PoolState;
use super::book::{Book, Removed};
use super::by_id::ById;
use super::table::Handle;
use crate::ids::{ClientId, PoolId, RepId};
use crate::model::Client;

/// Where a client sits in the owner and public-pool indexes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    pub(super) id: ClientId,
    pub(super) owner: Option<RepId>,
    pub(super) pool: PoolId,
}

impl Place {
    pub(super) fn of(client: &Client) -> Self {
        Self {
            id: client.id(),
            owner: client.owner(),
            pool: client.pool(),
        }
    }
}

impl PoolState {
    /// Enters the client at `handle` in the owner or public index `place` puts it in. Each
    /// index is entered by a function of its own, out of line: a client enters one, and the
    /// two together kept every register of both for either.
    #[inline]
    pub(super) fn index_place(&mut self, handle: Handle, place: Place) {
        match place.owner {
            Some(owner) => self.index_owned(handle, owner),
            None => self.index_public(place),
        }
    }

    /// Enters the client at `handle` in `owner`'s book, its row remembering its place there.
    #[inline(never)]
    fn index_owned(&mut self, handle: Handle, owner: RepId) {
        let slot = enter_book(&mut self.owned, handle, owner);
        if let Some(row) = self.clients.row_mut(handle) {
            row.owner_slot = slot;
        }
    }

    /// Enters the public client of `place` in its pool's set.
    #[inline(never)]
    pub(super) fn index_public(&mut self, place: Place) {
        self.public.entry(place.pool.0).insert(place.id);
    }

    /// Takes the client at `handle` out of the owner or public index `place` puts it in, the
    /// client having been at `slot` in its owner's book. An emptied book or set stays (reps and
    /// pools are few), so a client passing through the public pool does not free and
    /// reallocate the set's runs. Each index is left by a function of its own, out of line
    /// (see [`PoolState::index_place`]).
    #[inline]
    pub(super) fn leave_place(&mut self, handle: Handle, place: Place, slot: u32) {
        match place.owner {
            Some(owner) => self.unindex_owned(handle, owner, slot),
            None => self.unindex_public(place),
        }
    }

    /// Takes the client at `handle` out of `owner`'s book, through its place there (`slot`);
    /// the client moved into that place remembers it.
    #[inline(never)]
    fn unindex_owned(&mut self, handle: Handle, owner: RepId, slot: u32) {
        let Some(book) = self.owned.get_mut(owner.0) else {
            return;
        };
        if let Removed::Moved { handle, slot } = book.remove(handle, slot) {
            if let Some(row) = self.clients.row_mut(handle) {
                row.owner_slot = slot;
            }
        }
    }

    /// Takes the public client of `place` out of its pool's set.
    #[inline(never)]
    fn unindex_public(&mut self, place: Place) {
        if let Some(ids) = self.public.get_mut(place.pool.0) {
            ids.remove(place.id);
        }
    }
}

/// Adds `handle` to `owner`'s book; returns its place there. The rep's book is usually there
/// already (found in place); a first book is opened out of line.
#[inline]
pub(super) fn enter_book(owned: &mut ById<Book>, handle: Handle, owner: RepId) -> u32 {
    match owned.get_mut(owner.0) {
        Some(book) => book.push(handle),
        None => open_book(owned, handle, owner),
    }
}

/// [`enter_book`] into a book the owner index does not hold yet: opened, then `handle` added.
#[cold]
#[inline(never)]
fn open_book(owned: &mut ById<Book>, handle: Handle, owner: RepId) -> u32 {
    owned.entry(owner.0).push(handle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReleaseReason, Source};
    use crate::pool::{Actor, Event, Via, evolve};
    use chrono::{TimeZone, Utc};

    /// Every index says what the clients say (the state's one check), over the pools the
    /// events here use.
    fn check(state: &PoolState) {
        let pools = [PoolId(0), PoolId(7), PoolId(8)];
        crate::pool::state::tests::check(state, &pools).expect("every index true to the clients");
    }

    /// A client that moves to an owner enters the owner's book before it leaves its old place:
    /// an owned client moving pools enters its owner's book again and leaves its old place in
    /// it (the book's last handle then moved into it is its own); a released one leaves its
    /// book, then enters the public set of its new pool; the book places stay right for the
    /// clients after them.
    #[test]
    fn a_moved_client_enters_its_new_place_then_leaves_the_old_one() {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
        let mut state = PoolState::default();
        for k in 0..6u64 {
            let mut client = Client::new(ClientId(k), "c", Source::Other { label: "t".into() }, at);
            if k % 3 != 2 {
                client.fixture_set_owner(Some(RepId(1 + k % 2)));
            }
            state.load_client(Box::new(client));
        }
        check(&state);
        let moves = [
            // An owned client in the middle of its book, then the last one of a book.
            Event::PoolChanged {
                client: ClientId(0),
                from: PoolId(0),
                to: PoolId(7),
                at,
                actor: Actor::System,
            },
            Event::PoolChanged {
                client: ClientId(0),
                from: PoolId(7),
                to: PoolId(8),
                at,
                actor: Actor::System,
            },
            // A public client moving pools.
            Event::PoolChanged {
                client: ClientId(2),
                from: PoolId(0),
                to: PoolId(7),
                at,
                actor: Actor::System,
            },
            // An owned client, first in its book, changing hands: it enters the new owner's
            // book at its end and the old book's last client moves into its old place.
            Event::OwnerChanged {
                client: ClientId(0),
                to: RepId(2),
                via: Via::Transfer { from: RepId(1) },
                at,
                day: at.date_naive(),
                timers: crate::model::Timers::default(),
                actor: Actor::System,
            },
            // An owned client released into another pool.
            Event::Released {
                client: ClientId(3),
                from: RepId(2),
                at,
                reason: ReleaseReason::Owner { note: "n".into() },
                to_pool: PoolId(7),
                actor: Actor::System,
            },
        ];
        for event in &moves {
            evolve(&mut state, event);
            check(&state);
        }
        assert_eq!(state.client(ClientId(0)).unwrap().pool(), PoolId(8));
        assert_eq!(state.client(ClientId(0)).unwrap().owner(), Some(RepId(2)));
        assert_eq!(
            state.public_in(PoolId(7)).collect::<Vec<_>>(),
            [ClientId(2), ClientId(3)]
        );
    }
}
