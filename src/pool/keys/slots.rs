//! The key index's table: (key hash, client handle) pairs in one open-addressed vector with
//! linear probing, a multimap from hash to handles. It stores no key text and no id: the index
//! checks a found handle against the client it points to.
//!
//! A pair's slot is found from the hash's low bits (a [`crate::hash::key_hash`] mixes every
//! bit of the key into them), then the next slots in turn up to the first empty one: every pair
//! with the hash lies in that run. The table is at most half full, so a key nobody carries (an
//! import's usual screen) is answered after one or two slots. Growing moves each pair by the
//! hash it keeps, hashing nothing again. Nothing is ever removed (a client stays in its state
//! with the keys it was imported with).

use crate::pool::state::table::Handle;

/// One slot: a key's hash and the handle of a client carrying it, or [`EMPTY`].
type Slot = [u64; 2];

/// An empty slot: no handle is `u64::MAX`. (Not all zero bytes on purpose: a zeroed table is
/// cleared by `memset`, whose `rep stosb` valgrind counts byte by byte, 148 instructions per
/// import for the growth on the simulated day; this one is written by a loop of plain stores,
/// 59.)
const EMPTY: Slot = [0, u64::MAX];

/// The slot holding `handle` with `hash`.
#[inline]
fn full(hash: u64, handle: Handle) -> Slot {
    [hash, u64::from(handle)]
}

/// Whether `slot` holds a pair.
#[inline]
fn is_full(slot: &Slot) -> bool {
    slot[1] != EMPTY[1]
}

/// The handle `slot` holds (it is full).
#[inline]
fn handle_of(slot: &Slot) -> Handle {
    // Within range: a full slot holds a handle.
    slot[1] as Handle
}

/// Slots of the first table (a power of two).
const FIRST: usize = 16;

/// Handles by key hash; see the module docs.
#[derive(Clone, Default)]
pub(super) struct HashSlots {
    /// Empty, or a power of two long and at most half full.
    slots: Vec<Slot>,
    /// Full slots.
    len: usize,
}

impl HashSlots {
    /// The handles stored with `hash`, in no particular order, each once.
    #[inline]
    pub(super) fn get(&self, hash: u64) -> Probe<'_> {
        Probe {
            slots: &self.slots,
            at: home(hash, self.slots.len()),
            left: self.slots.len(),
            hash,
        }
    }

    /// Stores `handle` with `hash`, unless it is stored with it already.
    #[inline]
    pub(super) fn insert(&mut self, hash: u64, handle: Handle) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        if place(&mut self.slots, full(hash, handle)) {
            self.len += 1;
        }
    }

    /// Doubles the table, moving each pair by the hash it keeps.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(FIRST);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        for slot in &old {
            if is_full(slot) {
                place(&mut self.slots, *slot);
            }
        }
    }

    /// The pairs stored, in slot order (for `Debug`).
    pub(super) fn pairs(&self) -> impl Iterator<Item = (u64, Handle)> + '_ {
        self.slots
            .iter()
            .filter(|slot| is_full(slot))
            .map(|slot| (slot[0], handle_of(slot)))
    }
}

/// The slot a probe for `hash` starts at in a table of `size` slots (a power of two or 0).
#[inline]
fn home(hash: u64, size: usize) -> usize {
    // Truncating is the point: the low bits choose the slot.
    (hash as usize) & size.wrapping_sub(1)
}

/// Puts `new` in the first empty slot of its run, unless the run holds it already; whether it
/// was put. `slots` has an empty slot (it is at most half full).
#[inline]
fn place(slots: &mut [Slot], new: Slot) -> bool {
    let mask = slots.len().wrapping_sub(1);
    let mut at = home(new[0], slots.len());
    for _ in 0..slots.len() {
        let Some(slot) = slots.get_mut(at) else {
            return false;
        };
        if !is_full(slot) {
            *slot = new;
            return true;
        }
        if *slot == new {
            return false;
        }
        at = (at + 1) & mask;
    }
    false
}

/// The handles stored with one hash: the run from its home slot to the first empty one.
pub(super) struct Probe<'a> {
    slots: &'a [Slot],
    at: usize,
    /// Slots not yet read (a bound: the run ends at an empty slot well before).
    left: usize,
    hash: u64,
}

impl Iterator for Probe<'_> {
    type Item = Handle;

    #[inline]
    fn next(&mut self) -> Option<Handle> {
        while self.left > 0 {
            let slot = self.slots.get(self.at)?;
            if !is_full(slot) {
                return None;
            }
            self.left -= 1;
            self.at = (self.at + 1) & self.slots.len().wrapping_sub(1);
            if slot[0] == self.hash {
                return Some(handle_of(slot));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn stored(slots: &HashSlots, hash: u64) -> BTreeSet<Handle> {
        let found: Vec<Handle> = slots.get(hash).collect();
        let set: BTreeSet<Handle> = found.iter().copied().collect();
        assert_eq!(set.len(), found.len(), "each handle once");
        set
    }

    /// An empty table answers nothing; pairs sharing a home slot, a hash or a handle are all
    /// found, each once, after growing past every size; the table stays at most half full.
    #[test]
    fn edge_cases() {
        let mut slots = HashSlots::default();
        assert_eq!(slots.get(0).count(), 0);
        assert_eq!(slots.get(u64::MAX).count(), 0);
        // Zero is a hash like any other; so is a handle of zero.
        slots.insert(0, 0);
        assert_eq!(stored(&slots, 0), BTreeSet::from([0]));
        // Same home slot (low bits), different hashes.
        slots.insert(1 << 40, 1);
        slots.insert(2 << 40, 2);
        assert_eq!(stored(&slots, 1 << 40), BTreeSet::from([1]));
        assert_eq!(stored(&slots, 2 << 40), BTreeSet::from([2]));
        assert_eq!(stored(&slots, 3 << 40), BTreeSet::new());
        // One hash, several handles; a pair stored twice is kept once.
        slots.insert(0, 7);
        slots.insert(0, 7);
        slots.insert(0, Handle::MAX);
        assert_eq!(stored(&slots, 0), BTreeSet::from([0, 7, Handle::MAX]));
        assert_eq!(slots.len, 5);
        // The last slot's run wraps to the first.
        let last = (slots.slots.len() - 1) as u64;
        for handle in 10..14 {
            slots.insert(last, handle);
        }
        assert_eq!(stored(&slots, last), BTreeSet::from([10, 11, 12, 13]));
        for n in 0..10_000u32 {
            slots.insert(u64::from(n) << 32, n);
            assert!(slots.len * 2 <= slots.slots.len());
            assert!(slots.slots.len().is_power_of_two());
        }
        assert_eq!(stored(&slots, 0), BTreeSet::from([0, 7, Handle::MAX]));
        assert_eq!(stored(&slots, 9_999 << 32), BTreeSet::from([9_999]));
        assert_eq!(slots.pairs().count(), slots.len);
    }

    proptest! {
        /// The table answers like an ordered map from hash to a set of handles, whatever the
        /// hashes (few distinct low bits force long runs) and however many pairs.
        #[test]
        fn the_table_answers_like_an_ordered_multimap(
            pairs in proptest::collection::vec((0u64..40, 0u64..4, 0u32..30), 0..200),
        ) {
            let mut slots = HashSlots::default();
            let mut model: BTreeMap<u64, BTreeSet<Handle>> = BTreeMap::new();
            for (low, high, handle) in pairs {
                let hash = low | high << 62;
                slots.insert(hash, handle);
                model.entry(hash).or_default().insert(handle);
                prop_assert!(slots.len * 2 <= slots.slots.len());
            }
            prop_assert_eq!(slots.len, model.values().map(BTreeSet::len).sum::<usize>());
            for low in 0..41u64 {
                for high in 0..4u64 {
                    let hash = low | high << 62;
                    let want = model.get(&hash).cloned().unwrap_or_default();
                    prop_assert_eq!(stored(&slots, hash), want);
                }
            }
            let pairs: BTreeSet<(u64, Handle)> = slots.pairs().collect();
            let want: BTreeSet<(u64, Handle)> = model
                .iter()
                .flat_map(|(hash, handles)| handles.iter().map(move |h| (*hash, *h)))
                .collect();
            prop_assert_eq!(pairs, want);
        }
    }
}
