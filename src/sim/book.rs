//! The per-client facts the driver keeps beside the pool state (a lead's value and source),
//! in a hash table: it is only ever looked up by id, never listed, so no order can leak out.

use crate::ids::ClientId;
use crate::model::SourceKind;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiplicative hasher for ids (the Fx hash of rustc): a few instructions a word and no
/// random seed, so a run is the same on every machine.
#[derive(Clone, Copy, Debug, Default)]
struct IdHasher {
    hash: u64,
}

impl IdHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.add(u64::from(byte));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// The per-client facts the driver keeps beside the pool state.
#[derive(Default)]
pub(super) struct LeadBook {
    leads: HashMap<ClientId, (f64, SourceKind), BuildHasherDefault<IdHasher>>,
}

impl LeadBook {
    /// Makes room for `more` leads (a day's arrivals), so the table grows at most once a day.
    pub(super) fn reserve(&mut self, more: usize) {
        self.leads.reserve(more);
    }

    /// Records a lead's value and source (a later lead with the same id replaces it).
    pub(super) fn insert(&mut self, id: ClientId, value: f64, source: SourceKind) {
        self.leads.insert(id, (value, source));
    }

    /// The lead's value and source (0 and `Other` for a client the stream never brought).
    pub(super) fn get(&self, id: ClientId) -> (f64, SourceKind) {
        self.leads
            .get(&id)
            .copied()
            .unwrap_or((0.0, SourceKind::Other))
    }

    /// The lead's value.
    pub(super) fn value(&self, id: ClientId) -> f64 {
        self.get(id).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_reads_back_and_an_unknown_one_is_worth_nothing() {
        let mut book = LeadBook::default();
        book.reserve(2);
        book.insert(ClientId(7), 12.5, SourceKind::Website);
        book.insert(ClientId(7), 3.0, SourceKind::TradeShow);
        assert_eq!(book.get(ClientId(7)), (3.0, SourceKind::TradeShow));
        assert_eq!(book.value(ClientId(8)), 0.0);
        assert_eq!(book.get(ClientId(8)).1, SourceKind::Other);
    }

    #[test]
    fn the_hash_of_an_id_is_fixed() {
        use std::hash::BuildHasher;
        let build = BuildHasherDefault::<IdHasher>::default();
        assert_eq!(build.hash_one(ClientId(1)), 0x51_7c_c1_b7_27_22_0a_95);
    }
}
