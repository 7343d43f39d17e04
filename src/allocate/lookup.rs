//! A lookup-only hash table for the strategies' per-team indexes (skill names, territory
//! paths): built once per team, read per decision without allocating. It stores each key's
//! full hash beside its index, so a miss rarely compares any text; the caller owns the keys
//! and confirms a hit. Never iterated, so its order cannot reach a result.

/// FNV-1a over `bytes`, continuing from `hash` (start from [`SEED`]).
#[inline]
pub(crate) fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The FNV-1a offset basis.
pub(crate) const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Open addressing over (hash, index) pairs; see the module docs.
#[derive(Clone, Debug, Default)]
pub(crate) struct HashSlots {
    /// `(hash, index + 1)`; index 0 marks an empty slot.
    slots: Vec<(u64, u32)>,
}

impl HashSlots {
    /// A table for `keys` (their hashes, in index order).
    pub(crate) fn new(hashes: &[u64]) -> Self {
        let size = (hashes.len() * 2).next_power_of_two().max(8);
        let mut table = Self {
            slots: vec![(0, 0); size],
        };
        for (index, &hash) in hashes.iter().enumerate() {
            let mask = table.slots.len() - 1;
            let mut at = (hash as usize) & mask;
            while table.slots[at].1 != 0 {
                at = (at + 1) & mask;
            }
            table.slots[at] = (hash, u32::try_from(index + 1).unwrap_or(u32::MAX));
        }
        table
    }

    /// The index of the key with `hash` that `is` confirms, if any.
    #[inline]
    pub(crate) fn find(&self, hash: u64, is: impl Fn(usize) -> bool) -> Option<usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = (hash as usize) & mask;
        loop {
            let (h, index) = *self.slots.get(at)?;
            if index == 0 {
                return None;
            }
            let index = index as usize - 1;
            if h == hash && is(index) {
                return Some(index);
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The table finds exactly the keys it was built with, like a linear search.
        #[test]
        fn the_table_finds_what_a_search_finds(
            keys in proptest::collection::btree_set("[a-c]{0,3}", 0..40),
            probes in proptest::collection::vec("[a-d]{0,3}", 0..40),
        ) {
            let keys: Vec<String> = keys.into_iter().collect();
            let hashes: Vec<u64> = keys.iter().map(|k| fnv(SEED, k.as_bytes()) % 7).collect();
            let table = HashSlots::new(&hashes);
            for probe in probes.iter().chain(&keys) {
                let hash = fnv(SEED, probe.as_bytes()) % 7;
                let found = table.find(hash, |i| keys[i] == *probe);
                prop_assert_eq!(found, keys.iter().position(|k| k == probe));
            }
        }
    }
}
