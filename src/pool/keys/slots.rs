//! The key index's table: one slot per distinct key hash in an open-addressed vector with
//! linear probing. A hash one client carries (nearly every key) keeps that client's handle in
//! its slot; a hash several carry (a shared switchboard, a company imported from a legacy
//! store many times, or a hash collision) points to a list of its holders, ascending by
//! client id. It stores no key text: the index checks a found handle against the client it
//! points to.
//!
//! A hash's slot is found from its low bits (a [`crate::hash::key_hash`] mixes every bit of
//! the key into them), then the next slots in turn up to the hash or an empty slot. The table
//! is at most half full and holds each hash once, so however many clients share a key, a key
//! nobody carries (an import's usual screen) is answered after one or two slots, and the
//! holders of a shared key are read in id order with no search. Growing moves each slot by the
//! hash it keeps, hashing nothing again. Nothing is ever removed (a client stays in its state
//! with the keys it was imported with).

use crate::ids::ClientId;
use crate::pool::state::table::Handle;

/// One slot: a key's hash and what it holds (a handle, or [`SHARED`] with a list's index), or
/// [`EMPTY`].
type Slot = [u64; 2];

/// An empty slot: no value is `u64::MAX` (a handle is 32 bits; a list index is far below
/// 2^63). (Not all zero bytes on purpose: a zeroed table is cleared by `memset`, whose `rep
/// stosb` valgrind counts byte by byte, 148 instructions per import for the growth on the
/// simulated day; this one is written by a loop of plain stores, 59.)
const EMPTY: Slot = [0, u64::MAX];

/// The bit of a slot's value that marks a list index rather than a handle.
const SHARED: u64 = 1 << 63;

/// Whether `slot` holds a hash.
#[inline]
fn is_full(slot: &Slot) -> bool {
    slot[1] != EMPTY[1]
}

/// Slots of the first table (a power of two).
const FIRST: usize = 16;

/// The table grows eight times over while it has fewer slots than this (1 MiB), twice above:
/// every growth moves every key and scans every old slot, so fewer growths while the table is
/// small cost fewer instructions per key (the growths of 10,000 imports' keys: 57 per import
/// doubling, 48 quadrupling, 29 growing eightfold), and its probes are shorter; above, memory
/// matters more. While small the table is at least a sixteenth full: at worst 768 KiB beyond
/// what doubling would hold (65,536 slots of 16 bytes for 4,097 keys, about 1,366 clients,
/// where doubling would hold 16,384), beside rows of 280 bytes a client.
const FAST_GROWTH_BELOW: usize = 1 << 16;

/// Handles by key hash; see the module docs.
#[derive(Clone, Default)]
pub(super) struct HashSlots {
    /// Empty, or a power of two long and at most half full.
    slots: Vec<Slot>,
    /// Full slots (distinct hashes).
    len: usize,
    /// The holders of the hashes several clients carry, each list ascending by id and
    /// holding each client once.
    shared: Vec<Vec<(ClientId, Handle)>>,
}

impl HashSlots {
    /// The handles stored with `hash`, ascending by their clients' ids, each once.
    #[inline]
    pub(super) fn get(&self, hash: u64) -> Holders<'_> {
        self.get_stored(hash).unwrap_or_default()
    }

    /// [`HashSlots::get`], or `None` when nothing is stored with `hash`: the usual answer to
    /// an import's screen, given as soon as the probe ends, with no iterator built and read.
    #[inline]
    pub(super) fn get_stored(&self, hash: u64) -> Option<Holders<'_>> {
        self.find(hash).map(|at| self.holders_at(at))
    }

    /// What the full slot at `at` holds.
    fn holders_at(&self, at: usize) -> Holders<'_> {
        let value = self.slots.get(at).map_or(EMPTY[1], |slot| slot[1]);
        if value & SHARED == 0 {
            // A handle: 32 bits by construction.
            return Holders {
                one: Some(value as Handle),
                many: [].iter(),
            };
        }
        let list = usize::try_from(value & !SHARED)
            .ok()
            .and_then(|i| self.shared.get(i));
        Holders {
            one: None,
            many: list.map_or([].iter(), |l| l.iter()),
        }
    }

    /// The slot of `hash`, if stored.
    #[inline]
    fn find(&self, hash: u64) -> Option<usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = home(hash, self.slots.len());
        // Bounded by the table's length; an empty slot ends the run well before.
        for _ in 0..self.slots.len() {
            let slot = self.slots.get(at)?;
            if !is_full(slot) {
                return None;
            }
            if slot[0] == hash {
                return Some(at);
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// Stores `handle`, the handle of client `id`, with `hash`, unless it is stored with it
    /// already. `id_of` gives the id of a client already stored, when a hash gets its second
    /// holder.
    #[inline]
    pub(super) fn insert(
        &mut self,
        hash: u64,
        id: ClientId,
        handle: Handle,
        id_of: impl Fn(Handle) -> Option<ClientId>,
    ) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = home(hash, self.slots.len());
        for _ in 0..self.slots.len() {
            let Some(slot) = self.slots.get_mut(at) else {
                return;
            };
            if !is_full(slot) {
                *slot = [hash, u64::from(handle)];
                self.len += 1;
                return;
            }
            if slot[0] == hash {
                let value = slot[1];
                self.share(at, value, id, handle, id_of);
                return;
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds client `id` at `handle` to the holders of the hash at `at`, which holds `value`.
    #[cold]
    #[inline(never)]
    fn share(
        &mut self,
        at: usize,
        value: u64,
        id: ClientId,
        handle: Handle,
        id_of: impl Fn(Handle) -> Option<ClientId>,
    ) {
        if value & SHARED == 0 {
            // Its second holder: the slot's handle and this one become a list.
            let first = value as Handle;
            if first == handle {
                return;
            }
            // Every stored handle is a row's (nothing is removed); were one not, its holder
            // would still be kept, last.
            let first_id = id_of(first).unwrap_or(ClientId(u64::MAX));
            let mut list = vec![(first_id, first), (id, handle)];
            list.sort_unstable();
            let index = self.shared.len() as u64;
            self.shared.push(list);
            if let Some(slot) = self.slots.get_mut(at) {
                slot[1] = SHARED | index;
            }
            return;
        }
        let Some(list) = usize::try_from(value & !SHARED)
            .ok()
            .and_then(|i| self.shared.get_mut(i))
        else {
            return;
        };
        // Ids usually arrive ascending: the end is checked first.
        let place = match list.last() {
            Some(&last) if last < (id, handle) => list.len(),
            _ => match list.binary_search(&(id, handle)) {
                Ok(_) => return,
                Err(place) => place,
            },
        };
        list.insert(place, (id, handle));
    }

    /// Grows the table eight times over while it is below [`FAST_GROWTH_BELOW`] slots, else
    /// doubles it, moving each slot by the hash it keeps.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let factor = if self.slots.len() < FAST_GROWTH_BELOW {
            8
        } else {
            2
        };
        let size = (self.slots.len() * factor).max(FIRST);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        let mask = size - 1;
        for slot in old.iter().filter(|slot| is_full(slot)) {
            // Each hash is stored once: the first empty slot of its run is its place.
            let mut at = home(slot[0], size);
            while self.slots.get(at).is_some_and(is_full) {
                at = (at + 1) & mask;
            }
            if let Some(place) = self.slots.get_mut(at) {
                *place = *slot;
            }
        }
    }

    /// The (hash, handle) pairs stored, in slot order and then by id (for `Debug`).
    pub(super) fn pairs(&self) -> impl Iterator<Item = (u64, Handle)> + '_ {
        (0..self.slots.len())
            .filter(|&at| self.slots.get(at).is_some_and(is_full))
            .flat_map(move |at| {
                let hash = self.slots.get(at).map_or(0, |slot| slot[0]);
                self.holders_at(at).map(move |handle| (hash, handle))
            })
    }
}

/// The slot a probe for `hash` starts at in a table of `size` slots (a power of two or 0).
#[inline]
fn home(hash: u64, size: usize) -> usize {
    // Truncating is the point: the low bits choose the slot.
    (hash as usize) & size.wrapping_sub(1)
}

/// The handles stored with one hash, ascending by their clients' ids.
#[derive(Default)]
pub(super) struct Holders<'a> {
    /// The only holder.
    one: Option<Handle>,
    /// The holders of a shared hash.
    many: std::slice::Iter<'a, (ClientId, Handle)>,
}

impl Iterator for Holders<'_> {
    type Item = Handle;

    #[inline]
    fn next(&mut self) -> Option<Handle> {
        self.one
            .take()
            .or_else(|| self.many.next().map(|&(_, handle)| handle))
    }
}

#[cfg(test)]
mod tests;
