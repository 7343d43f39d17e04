//! [`Book`]: a rep's clients for the owner index, in no order, each removed through the place
//! its row remembers.
//!
//! The owner index takes a client on every change of hands and gives it up when the client
//! leaves, but is read in id order only by a whole-book listing (a transfer of everything a
//! rep holds, a report): rarely, and then every client is touched anyway. Kept sorted, each
//! assignment of a client that arrived out of id order (most of them: leads are numbered when
//! they are created, assigned when they arrive) searched its place and moved the ids after it.
//! Here a client is appended, and a removal swaps the last handle into the freed place; the row
//! of every handle remembers its place (`Row::owner_slot`), so neither is a search. A listing
//! sorts a copy of the ids.

use super::table::Handle;

/// The room a book is given when it takes its first client.
const FIRST: usize = 256;

/// The handles of one rep's clients, in no order; see the module docs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Book {
    handles: Vec<Handle>,
}

/// What [`Book::remove`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Removed {
    /// The handle was not in the book.
    Absent,
    /// The handle is gone; no other moved.
    Gone,
    /// The handle is gone, and this handle moved into `slot`: its row must remember it.
    Moved { handle: Handle, slot: u32 },
}

impl Book {
    /// Adds `handle` (not in the book); returns its place, for its row to remember.
    #[inline]
    pub(crate) fn push(&mut self, handle: Handle) -> u32 {
        if self.handles.len() == self.handles.capacity() {
            self.grow();
        }
        let slot = u32::try_from(self.handles.len()).unwrap_or(u32::MAX);
        self.handles.push(handle);
        slot
    }

    /// Room for one more handle in a full book, out of line (a book is rarely full). A rep's
    /// book starts with room for a working book (a kilobyte), instead of growing through
    /// every small size; a full one grows as a vector does.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        if self.handles.capacity() == 0 {
            self.handles.reserve_exact(FIRST);
        } else {
            self.handles.reserve(1);
        }
    }

    /// Removes `handle`, which its row says is at `slot` (searched for if it is not there).
    #[inline]
    pub(crate) fn remove(&mut self, handle: Handle, slot: u32) -> Removed {
        let at = match self.handles.get(slot as usize) {
            Some(&h) if h == handle => slot as usize,
            _ => match self.handles.iter().position(|&h| h == handle) {
                Some(at) => at,
                None => return Removed::Absent,
            },
        };
        self.handles.swap_remove(at);
        match self.handles.get(at) {
            Some(&moved) => Removed::Moved {
                handle: moved,
                slot: u32::try_from(at).unwrap_or(u32::MAX),
            },
            None => Removed::Gone,
        }
    }

    /// The handles, in no order.
    pub(crate) fn handles(&self) -> &[Handle] {
        &self.handles
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    /// A book with the places its "rows" remember, kept as the pool state keeps them.
    #[derive(Default)]
    struct Kept {
        book: Book,
        slots: Vec<u32>,
    }

    impl Kept {
        fn add(&mut self, handle: Handle) {
            let slot = self.book.push(handle);
            self.slots[handle as usize] = slot;
        }

        fn remove(&mut self, handle: Handle) -> bool {
            match self.book.remove(handle, self.slots[handle as usize]) {
                Removed::Absent => false,
                Removed::Gone => true,
                Removed::Moved { handle, slot } => {
                    self.slots[handle as usize] = slot;
                    true
                }
            }
        }
    }

    proptest! {
        /// Through adds and removes in any order, the book holds what an ordered set holds,
        /// and every handle is at the place its row remembers.
        #[test]
        fn the_book_holds_what_a_set_holds(ops in proptest::collection::vec((any::<bool>(), 0u32..64), 0..400)) {
            let mut kept = Kept { slots: vec![u32::MAX; 64], ..Kept::default() };
            let mut model = BTreeSet::new();
            for (add, handle) in ops {
                if add {
                    if model.insert(handle) {
                        kept.add(handle);
                    }
                } else {
                    prop_assert_eq!(kept.remove(handle), model.remove(&handle));
                }
                prop_assert_eq!(kept.book.handles().len(), model.len());
                for (at, &h) in kept.book.handles().iter().enumerate() {
                    prop_assert_eq!(kept.slots[h as usize] as usize, at);
                }
                let mut held = kept.book.handles().to_vec();
                held.sort_unstable();
                prop_assert!(held.iter().eq(model.iter()));
            }
        }
    }

    /// A book filled past its first room and past each growth after it keeps every handle
    /// at the place returned for it, and gives them all back.
    #[test]
    fn a_full_book_grows_and_keeps_every_place() {
        let mut kept = Kept {
            slots: vec![u32::MAX; 2_000],
            ..Kept::default()
        };
        for handle in 0..2_000u32 {
            kept.add(handle);
            if handle == 0 {
                // The first client opens the whole first room at once (not a vector's 4, 8, …).
                assert_eq!(
                    kept.book.handles.capacity(),
                    FIRST,
                    "the first room at once"
                );
            }
            if handle as usize + 1 == FIRST {
                assert_eq!(
                    kept.book.handles.capacity(),
                    FIRST,
                    "the first room, exactly"
                );
            }
        }
        assert!(kept.book.handles.capacity() >= 2_000);
        for (at, &h) in kept.book.handles().iter().enumerate() {
            assert_eq!((h as usize, kept.slots[h as usize] as usize), (at, at));
        }
        for handle in (0..2_000u32).rev().step_by(3) {
            assert!(kept.remove(handle));
        }
        for (at, &h) in kept.book.handles().iter().enumerate() {
            assert_eq!(kept.slots[h as usize] as usize, at);
        }
        assert_eq!(kept.book.handles().len(), 2_000 - 667);
    }

    #[test]
    fn a_wrong_place_is_searched_and_an_absent_handle_is_reported() {
        let mut book = Book::default();
        for h in [7, 3, 9] {
            book.push(h);
        }
        // 3 is at place 1, not 0 nor 40.
        assert_eq!(book.remove(3, 0), Removed::Moved { handle: 9, slot: 1 });
        assert_eq!(book.handles(), [7, 9]);
        assert_eq!(book.remove(3, 40), Removed::Absent);
        // The last one goes without moving another.
        assert_eq!(book.remove(9, 1), Removed::Gone);
        assert_eq!(book.remove(7, u32::MAX), Removed::Gone);
        assert!(book.handles().is_empty());
        assert_eq!(book.remove(7, 0), Removed::Absent);
    }
}
