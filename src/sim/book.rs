//! The per-client facts the driver keeps beside the pool state (a lead's value and source).
//! It is only ever looked up by id, never listed, so no order can leak out.

use crate::hash::IdMap;
use crate::ids::ClientId;
use crate::model::SourceKind;

/// What the book knows of one lead.
type Lead = (f64, SourceKind);

/// Ids below this are always kept at their place in the id-indexed vector (16 slots of 16
/// bytes each per KiB: 64 KiB at most before the leads fill it).
const MIN_DENSE: usize = 4096;

/// The per-client facts the driver keeps beside the pool state.
///
/// Streams number their leads densely from 1, so a lead is kept at its id's place in a vector
/// (an index, no hashing); an id far beyond the vector's length is hashed instead. The vector
/// grows to cover an id below twice its length (or [`MIN_DENSE`]), so it stays within a small
/// factor of the ids it holds. A lead hashed before the vector covered its id stays hashed until
/// it is recorded again; a lookup reads the vector's slot first and the hash table when the slot
/// is empty, so the newest record always answers.
#[derive(Default)]
pub(super) struct LeadBook {
    /// Leads by id, for the ids the vector covered when they were recorded.
    dense: Vec<Option<Lead>>,
    /// The other leads.
    sparse: IdMap<ClientId, Lead>,
}

impl LeadBook {
    /// Records a lead's value and source (a later lead with the same id replaces it).
    #[inline]
    pub(super) fn insert(&mut self, id: ClientId, value: f64, source: SourceKind) {
        // The usual lead lands in the vector as it stands: written in place, no call.
        if let Some(slot) = usize::try_from(id.0)
            .ok()
            .and_then(|slot| self.dense.get_mut(slot))
        {
            *slot = Some((value, source));
            return;
        }
        self.insert_beyond(id, value, source);
    }

    /// [`LeadBook::insert`] of an id past the vector's end: the vector grows to cover it, or it
    /// is hashed.
    #[inline(never)]
    fn insert_beyond(&mut self, id: ClientId, value: f64, source: SourceKind) {
        match self.place_for(id) {
            Some(slot) => self.dense[slot] = Some((value, source)),
            None => {
                self.sparse.insert(id, (value, source));
            }
        }
    }

    /// The place of `id` in the vector, grown to cover it when it is near enough; `None` for
    /// an id to hash.
    fn place_for(&mut self, id: ClientId) -> Option<usize> {
        let slot = usize::try_from(id.0).ok()?;
        if slot < self.dense.len() {
            return Some(slot);
        }
        if slot >= self.dense.len().saturating_mul(2).max(MIN_DENSE) {
            return None;
        }
        // Powers of two: the vector is resized once per doubling, not once per lead.
        let len = slot
            .checked_add(1)?
            .checked_next_power_of_two()?
            .max(MIN_DENSE);
        self.dense.resize(len, None);
        Some(slot)
    }

    /// The lead's value and source (0 and `Other` for a client the stream never brought).
    pub(super) fn get(&self, id: ClientId) -> (f64, SourceKind) {
        let dense = usize::try_from(id.0)
            .ok()
            .and_then(|slot| self.dense.get(slot).copied().flatten());
        dense
            .or_else(|| self.sparse.get(&id).copied())
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
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn a_lead_reads_back_and_an_unknown_one_is_worth_nothing() {
        let mut book = LeadBook::default();
        book.insert(ClientId(7), 12.5, SourceKind::Website);
        book.insert(ClientId(7), 3.0, SourceKind::TradeShow);
        assert_eq!(book.get(ClientId(7)), (3.0, SourceKind::TradeShow));
        assert_eq!(book.value(ClientId(8)), 0.0);
        assert_eq!(book.get(ClientId(8)).1, SourceKind::Other);
    }

    #[test]
    fn ids_at_the_edges_are_kept_where_they_belong() {
        let mut book = LeadBook::default();
        book.insert(ClientId(0), 1.0, SourceKind::Website);
        book.insert(ClientId(MIN_DENSE as u64 - 1), 2.0, SourceKind::TradeShow);
        book.insert(ClientId(u64::MAX), 3.0, SourceKind::PurchasedList);
        // Just past the vector's reach: hashed.
        let far = ClientId(2 * MIN_DENSE as u64);
        book.insert(far, 4.0, SourceKind::DirectorySearch);
        assert_eq!(book.dense.len(), MIN_DENSE);
        assert_eq!(book.sparse.len(), 2);
        assert_eq!(book.get(ClientId(0)), (1.0, SourceKind::Website));
        assert_eq!(
            book.get(ClientId(MIN_DENSE as u64 - 1)),
            (2.0, SourceKind::TradeShow)
        );
        assert_eq!(
            book.get(ClientId(u64::MAX)),
            (3.0, SourceKind::PurchasedList)
        );
        // The vector then grows over the hashed id: its record still answers, until a newer
        // one lands in the vector.
        book.insert(ClientId(far.0 - 1), 5.0, SourceKind::Website);
        assert_eq!(book.dense.len(), far.0 as usize);
        book.insert(ClientId(far.0 + 1), 5.0, SourceKind::Website);
        assert!(book.dense.len() > far.0 as usize);
        assert_eq!(book.get(far), (4.0, SourceKind::DirectorySearch));
        book.insert(far, 6.0, SourceKind::Website);
        assert_eq!(book.get(far), (6.0, SourceKind::Website));
        assert_eq!(book.value(ClientId(u64::MAX - 1)), 0.0);
    }

    /// Ids from small (in the vector), mid (hashed, then covered as the vector grows) and huge
    /// (always hashed) ranges.
    fn id() -> impl Strategy<Value = u64> {
        prop_oneof![
            4 => 0u64..64,
            3 => (MIN_DENSE as u64 - 4)..(4 * MIN_DENSE as u64 + 4),
            1 => any::<u64>(),
        ]
    }

    proptest! {
        /// Whatever is recorded, in whatever order, the book answers as a plain map of the
        /// newest records does.
        #[test]
        fn the_book_answers_as_a_plain_map(
            ops in proptest::collection::vec((id(), any::<bool>(), -1e6..1e6f64, 0usize..SourceKind::ALL.len()), 0..200),
        ) {
            let mut book = LeadBook::default();
            let mut plain: HashMap<u64, Lead> = HashMap::new();
            for (id, write, value, kind) in ops {
                let source = SourceKind::ALL[kind];
                if write {
                    book.insert(ClientId(id), value, source);
                    plain.insert(id, (value, source));
                }
                let expected = plain.get(&id).copied().unwrap_or((0.0, SourceKind::Other));
                prop_assert_eq!(book.get(ClientId(id)), expected);
            }
            for (&id, &lead) in &plain {
                prop_assert_eq!(book.get(ClientId(id)), lead);
            }
        }
    }
}
