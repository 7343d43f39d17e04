//! Where a client sits: its owner's book or its pool's public set, entered and left as its
//! owner or pool changes.

use super::PoolState;
use super::book::Removed;
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
        // The rep's book is usually there already (found in place); a first book is opened
        // out of line, so this usual case keeps to a few registers.
        let slot = match self.owned.get_mut(owner.0) {
            Some(book) => book.push(handle),
            None => self.open_book(handle, owner),
        };
        if let Some(row) = self.clients.row_mut(handle) {
            row.owner_slot = slot;
        }
    }

    /// [`PoolState::index_owned`] into a book the owner index does not hold yet: opened,
    /// then `handle` added; returns its place.
    #[cold]
    #[inline(never)]
    fn open_book(&mut self, handle: Handle, owner: RepId) -> u32 {
        self.owned.entry(owner.0).push(handle)
    }

    /// Enters the public client of `place` in its pool's set.
    #[inline(never)]
    fn index_public(&mut self, place: Place) {
        self.public.entry(place.pool.0).insert(place.id);
    }

    /// Takes the client at `handle` out of the owner or public index `place` puts it in. An
    /// emptied book or set stays (reps and pools are few), so a client passing through the
    /// public pool does not free and reallocate the set's runs. Each index is left by a
    /// function of its own, out of line (see [`PoolState::index_place`]).
    #[inline]
    pub(super) fn unindex_place(&mut self, handle: Handle, place: Place) {
        match place.owner {
            Some(owner) => self.unindex_owned(handle, owner),
            None => self.unindex_public(place),
        }
    }

    /// Takes the client at `handle` out of `owner`'s book, through the place its row
    /// remembers; the client moved into that place remembers it.
    #[inline(never)]
    fn unindex_owned(&mut self, handle: Handle, owner: RepId) {
        let Some(book) = self.owned.get_mut(owner.0) else {
            return;
        };
        let slot = self.clients.row(handle).map_or(u32::MAX, |r| r.owner_slot);
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

    /// Moves a client from the owner or public index `before` puts it in to the one `after`
    /// does.
    #[inline]
    pub(super) fn move_place(&mut self, handle: Handle, before: Place, after: Place) {
        self.unindex_place(handle, before);
        self.index_place(handle, after);
    }
}
