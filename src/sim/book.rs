//! The per-client facts the driver keeps beside the pool state (a lead's value and source),
//! in a hash table: it is only ever looked up by id, never listed, so no order can leak out.

use crate::hash::IdMap;
use crate::ids::ClientId;
use crate::model::SourceKind;

/// The per-client facts the driver keeps beside the pool state.
#[derive(Default)]
pub(super) struct LeadBook {
    leads: IdMap<ClientId, (f64, SourceKind)>,
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
}
